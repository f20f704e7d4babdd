/*
 * block.h - blocking commands (BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP,
 * BZPOPMIN, BZPOPMAX, BZMPOP): clients parked until a key has data.
 *
 * A client waits where its keys are:
 * - All of its keys on one shard (the common case, a worker on one queue):
 *   the owner keeps the waiter in a FIFO per key and, after the command or
 *   EXEC that made a key non-empty (lock_key_changed marks it ready), runs
 *   the command again for the waiters in order until the key is empty. The
 *   reply fills the hole the client's shard left for it (a remote request)
 *   or a hole made at blocking time (a local one). First come, first
 *   served; each element to one client.
 * - Keys on several shards (or BLMOVE to another shard): the command runs
 *   through the coordinator as one transaction; if it finds nothing, the
 *   client's shard registers it, before the locks are released, with every
 *   key's owner as a watcher (`__bwatch`), so no push can slip between the
 *   look and the registration. An owner whose key gets data tells the
 *   client's shard (`__bready`), which runs the command again the same way;
 *   it blocks again if another client was faster.
 * Timeouts are kept by the shard holding the waiter, on a timer of their
 * own (millisecond precision whatever hz is). Inside EXEC a blocking
 * command runs as its non-blocking form (client.noblock).
 */
#ifndef TXN_BLOCK_H
#define TXN_BLOCK_H

#include "../server.h"

struct conn;
struct oseg;

void blk_init(struct shard *sh);

/* Parse a blocking command's timeout argument (seconds, decimals allowed)
 * into an absolute deadline in ms (0: forever). Replies the error and
 * returns 0 when it is not valid. */
int blk_parse_timeout(struct client *c, const struct arg *a, long long *deadline);
/* The handler found nothing to pop: reply as the non-blocking form would
 * (a null array) inside EXEC, else park the client until `deadline`. */
void blk_wait(struct client *c, long long deadline);
/* The same, waiting with other arguments than the command's (XREAD's "$"
 * made the stream's last ID when the wait starts). */
void blk_wait_argv(struct client *c, long long deadline, const struct arg *argv, int argc);

/* Readers of streams (XREAD, XREADGROUP) are served differently from pops:
 * every waiter with entries to read is served, not only the first. The
 * stream family (types/stream.c) sets these at startup. */
struct blk_stream_hooks {
    int (*is_stream_cmd)(const struct command *cmd);
    /* 1: the waiter on key has entries to read; 0: it waits on, unless
     * *err is set: the error reply that ends its wait */
    int (*ready)(struct db *db, const struct command *cmd, const struct arg *argv, int argc, const struct arg *key,
                 const char **err);
    /* the waiter's arguments restricted to key; returns their count */
    int (*argv_for_key)(const struct arg *argv, int argc, const struct arg *key, struct arg *out);
    /* what tells whether a stream at key may have news for a reader: its
     * last ID and a count of its groups' changes (0: no stream there); a
     * waiter of another shard is told of the key only once they moved */
    int (*last_id)(struct db *db, const char *key, size_t len, uint64_t sig[3]);
};
extern const struct blk_stream_hooks *g_blk_stream;

/* A key changed (lock_key_changed): if clients wait on it, serve them once
 * the current command is over. */
void blk_key_changed(struct shard *sh, int dbid, const char *key, size_t len);
/* Serve the clients of keys that became ready (after each command, from
 * the loop, never inside a handler). */
void blk_serve(struct shard *sh);
/* Time out waiters whose deadline passed (the blocking timer fired). */
void blk_timeouts(struct shard *sh);
/* End the wait of the client whose reply goes to hole `cookie` of shard
 * src with its timeout reply (error: the UNBLOCKED error). Returns 1 if it
 * waited here. */
int blk_cancel(struct shard *sh, int src, uint64_t cookie, int error);
/* Forget the owner-side registrations (BW_NOTIFY) of src's waiter id. */
void blk_cancel_notify(struct shard *sh, int src, uint64_t id);
/* The connection closes: end its wait. */
void blk_conn_gone(struct conn *c);
/* CLIENT UNBLOCK: end c's wait, wherever it is kept. 1 if it waited. */
int blk_unblock_conn(struct conn *c, int error);
/* c's blocking reply arrived: it no longer waits. */
void blk_hole_filled(struct conn *c);
/* Serving or resuming left to do (from the loop). */
int blk_pending(const struct shard *sh);
/* Parse c's held input again at the next pass of the loop. */
void blk_resume_later(struct shard *sh, struct conn *c);
/* Resume the input of clients whose wait ended. */
void blk_resume(struct shard *sh);
/* A remote request blocked (client.blk->bw set by blk_wait): keep where its
 * reply goes. */
void blk_park_remote(struct shard *sh, void *bw, int src, uint64_t cookie);

/* The coordinator ran a blocking command for c and found nothing: wait on
 * the shards owning its keys (sends __bwatch; call before the locks go). */
void blk_wait_multi(struct conn *c, struct oseg *hole, const struct command *cmd, int dbid, const struct arg *argv,
                    int argc, long long deadline);
/* The arguments of a (blocking) pop restricted to one of its keys (the
 * one with data) into out (room for argc + 2); returns their count. */
int blk_argv_for_key(const struct command *cmd, const struct arg *argv, int argc, const struct arg *key,
                     struct arg *out);
/* Owner `from` says a key of waiter `id` has data (cookie kind XC_BLK). */
void blk_ready_reply(struct shard *sh, uint64_t id, int from);
/* Tell owner that waiter id is done with what it was told (__bnext). */
void blk_send_next(struct shard *sh, int owner, uint64_t id);
/* SWAPDB a b: keys waited on in either database may have data now. */
void blk_db_swapped(struct shard *sh, int a, int b);

#endif
