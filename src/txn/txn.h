/*
 * txn.h - the transaction layer: what makes a command or an EXEC whose keys
 * live on several shards atomic and isolated, and MULTI/EXEC/WATCH.
 *
 * Contract.
 * - A command or EXEC whose keys are all on one shard runs there in one
 *   step, as it always did: a shard runs one thing at a time. The only cost
 *   this layer adds to it is `lock_live` (one load) and, while some
 *   transaction holds locks on that shard, a look at its keys in the lock
 *   table.
 * - Anything spanning shards is a transaction (`struct txn`, run by the
 *   client's shard, the origin): it takes exclusive locks on its keys one
 *   shard at a time in increasing shard order (`__lock`; see lock.h for why
 *   this cannot deadlock), then runs, then releases (`__unlock`, sent in the
 *   same batch as its last request to each shard). Split commands (MGET,
 *   MSET, DEL, EXISTS, TOUCH, UNLINK) run their parts at the owners
 *   (`__txrun`, which passes the locks its own transaction holds); commands
 *   that cannot be split (RENAME, LMOVE, SMOVE, *STORE, ...) and EXECs over
 *   several shards fetch copies to the origin, run there and write back
 *   (coord.h). While locked, the keys cannot be read or written by anyone
 *   else, so no client sees a transaction half done.
 * - The client's connection holds its further input until its transaction's
 *   locks are all taken (split) or its reply is ready (coordinated), so its
 *   own later commands come after it everywhere.
 * - WATCH registers the key with its owner (lock.h); EXEC checks the
 *   client's registrations inside the same atomic step as its commands.
 *
 * Internal commands between shards (never from clients):
 *   __lock   txid client hashes flags blob...
 *                                      lock (waits), +OK or +DIRTY; then run
 *                                      the blobs and append their replies
 *   __unlock txid                      release, no reply wanted
 *   __txrun  txid cmd args...          run cmd for a transaction holding locks
 *   __exec   client cmdblob...         a whole EXEC whose keys are all here
 *   __watch / __unwatch client db key ...
 */
#ifndef TXN_TXN_H
#define TXN_TXN_H

#include <stdint.h>

#include "../server.h"
#include "lock.h"

struct conn;
struct txn;

/* Begin a transaction at the origin over the keys (db, key) in keys/dbs
 * (n of them; with shared[i] set, key i is only read: its lock is shared
 * with other readers; shared may be NULL) plus a watch check on the shards in watch_shards (a bitmap by
 * shard, may be NULL) for `client`. `granted` runs once every lock is held
 * (from the loop, possibly before txn_begin returns), with dirty set if a
 * watched key changed. */
struct txn *txn_begin(struct shard *sh, const struct arg *keys, const int *dbs, const uint8_t *shared, int n,
                      long long client, const uint8_t *watch_shards,
                      void (*granted)(struct txn *t, int dirty, void *arg), void *arg);
/* The same in steps: a transaction holding nothing yet, */
struct txn *txn_new(struct shard *sh, long long client, const uint8_t *watch_shards,
                    void (*granted)(struct txn *t, int dirty, void *arg), void *arg);
/* the keys it locks, */
void txn_lock_keys(struct txn *t, const struct arg *keys, const int *dbs, const uint8_t *shared, int n);
/* (the same with each key's shard known: shards[i]) */
void txn_lock_keys_at(struct txn *t, const struct arg *keys, const int *dbs, const uint8_t *shared,
                      const int *shards, int n);
/* commands to run on shard s as soon as its locks are taken (an __exec
 * blob each, multi.c), their replies handed to on_step in order: work goes
 * to the data, in the same hop as the lock. Only for work that needs
 * nothing of other shards' results and no watch check after it. */
void txn_run_at(struct txn *t, int s, const struct arg *blob);
/* who runs them (the client, on its own shard), in which protocol, whether
 * they count in the command statistics, and where their replies go */
void txn_payload_mode(struct txn *t, struct conn *conn, int resp, int count,
                      void (*on_step)(struct txn *t, int s, const char *reply, size_t len, void *arg));
/* be told once the last lock step is on its way (or ran, here): every
 * later request of the client travels behind the transaction's on every
 * ring from then on, so its input need not wait for the replies, */
void txn_on_all_sent(struct txn *t, void (*all_sent)(struct txn *t, void *arg));
/* keep every lock after the chain (more work follows, txn_end lets go), */
void txn_hold(struct txn *t);
/* or lock every shard whole instead of keys: nothing but this
 * transaction's own work runs on them until txn_end (an EXEC with a
 * server-wide command). Its own work is what the origin sends while
 * `sh->whole_act` names it; a transaction started meanwhile passes the
 * whole-shard locks too (its `parent`), and when the last such ends,
 * `sh->whole_resume` is set for the origin's loop (multi_whole_resume). */
void txn_whole(struct txn *t);
uint64_t txn_id(const struct txn *t);
/* and go: locks shard by shard in increasing order. */
void txn_start(struct txn *t);
/* Release every lock (the remote ones with one __unlock each, queued after
 * whatever this iteration already sends them, except for shards in `skip`
 * whose release went with their last request) and free t. */
void txn_end(struct txn *t, const uint8_t *skip);
/* Queue cmd argv for shard dst as part of transaction t (wrapped in
 * __txrun), followed by its release on dst. */
void txn_send_part(struct shard *sh, struct txn *t, int dst, uint64_t cookie, const struct command *cmd, int dbid,
                   int resp, int argc, const struct arg *argv);
/* The reply to a __lock arrived (cookie kind XC_TXN). */
void txn_lock_reply(struct txn *t, const char *data, size_t len);

/* May a request from shard src run now? Called by the shard running it
 * before it runs, while locks are live; `pass`: sent for the whole-shard
 * transaction of its origin (XR_WHOLE, txn_whole). Fills what it waits for into the
 * shard's scratch and returns 1 if it may run, else 0 with *p a parked
 * item (payload len bytes, to be filled and queued by the caller). */
int txn_admit_request(struct shard *sh, int src, const struct command *cmd, int dbid, const struct arg *argv,
                      int argc, int pass, size_t len, struct park **p);
/* The same for a command of a local connection; on 0 the connection is
 * parked and runs the command again once its keys are free. */
int txn_admit_local(struct conn *c, const struct command *cmd, const struct arg *argv, int argc);

/* The same for work of c wanting the hashes h[0..n) (or, with `all`, a
 * shard free of locks). */
int txn_admit_hashes(struct conn *c, const uint64_t *h, int n, int all);
/* Append cmd argv (in db dbid) to b as one blob (multi.c). */
void exec_blob_encode(struct buf *b, const struct command *cmd, int dbid, const struct arg *argv, int argc);
/* Decode one queued command of an EXEC body (multi.c). */
int exec_blob_decode(const struct arg *blob, const struct command **cmd, int *dbid, struct arg **argv, int *cap,
                     int *argc);

/* ---- MULTI/EXEC (multi.c) ---- */
/* If c is inside MULTI, queue the command (reply +QUEUED) and return 1. */
int multi_queue(struct conn *c, const struct command *cmd, struct arg *argv, int argc);
/* A command was refused while c is inside MULTI: EXEC will abort. */
void multi_flag_error(struct conn *c);
/* The connection goes away or RESETs: drop its transaction and watches. */
void multi_conn_reset(struct conn *c);
/* Drop c's watches (an EXEC over several shards, once it has run). */
void multi_unwatch(struct conn *c);
/* Prepare the layer (main thread, after the command table). */
void txn_setup(void);
/* End c's MULTI, if any, and its watches (a refused EXEC). */
void multi_discard(struct conn *c);
int multi_queued(const struct conn *c);
/* Run one server-wide command of c that reads or writes the keyspace
 * (KEYS, DBSIZE, FLUSHALL, ...) holding every shard whole, as an EXEC of
 * it alone, so that it sees and changes every shard at one point. */
void multi_whole_command(struct conn *c, const struct command *cmd, const struct arg *argv, int argc);
/* The children of the origin's whole-shard EXEC are done: dispatch the
 * rest of its body (from the loop). */
void multi_whole_resume(struct shard *sh);

#endif
