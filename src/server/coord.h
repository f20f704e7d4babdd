/*
 * coord.h - commands whose keys live on several shards and that cannot be
 * split (RENAME, COPY, MSETNX, LCS): fetch copies of every key's value to
 * the client's shard, run the command there against temporary databases,
 * then write every changed key back to its owner.
 *
 * The connection holds further input while this runs, so the client sees
 * its commands in order. The keys are locked (txn.h) from before the fetch
 * until the write-back is queued, so no other client reads or writes them
 * in between.
 */
#ifndef SERVER_COORD_H
#define SERVER_COORD_H

#include "../server.h"

struct conn;
struct oseg;
void coord_start(struct conn *c, const struct command *cmd, struct arg *argv, int argc);
/* EXEC over several shards: the queued commands (multi.c's blobs), the
 * keys they name with their databases, the shards where the client
 * watches keys (bitmap, or NULL), and the database selected after it. */
/* A blocking command whose waiter heard that a key got data: run it again
 * as one transaction, its reply going to the waiting hole (it waits again
 * if another client was faster). */
void coord_retry_blocked(struct conn *c, struct oseg *hole, const struct command *cmd, int dbid,
                         const struct arg *argv, int argc, long long deadline, int notify_from, uint64_t notify_id);
/*
 * A read-only command may ask for less than whole values: on the
 * coordinator, spec() writes for key argv[ki] a short text saying what the
 * command reads of it (returns its length; 0: the whole value); on the
 * owner, image() appends to out a value image (kv_serialize's format)
 * holding at least that. XREAD over big streams fetches the entries after
 * its IDs, not the streams. A command that writes must never register.
 */
struct coord_view {
    const char *cmd; /* the command's name */
    int (*spec)(const struct arg *argv, int argc, int ki, char *buf, size_t cap);
    void (*image)(const struct kv *o, const char *spec, size_t len, struct buf *out);
};
void coord_register_view(const struct coord_view *v);
void coord_start_exec(struct conn *c, const struct arg *blobs, int nblobs, const struct arg *keys, const int *kdb,
                      int nkeys, const uint8_t *watch_shards, int final_db);

#endif
