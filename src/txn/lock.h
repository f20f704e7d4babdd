/*
 * lock.h - a shard's key locks, the queue of work waiting for them, and
 * the registry of watched keys.
 *
 * Everything here belongs to one shard and runs on its thread only.
 *
 * Locks. A transaction (a command or EXEC whose keys live on several
 * shards) takes locks on its keys (shared for the keys it only reads,
 * exclusive for the others), shard by shard in increasing
 * shard order, and holds them until it is done everywhere (strict
 * two-phase locking). A key is named by a 64-bit hash of (db, key): two
 * keys sharing a hash only wait for each other, never break. An entry in
 * the table has an owner (the transaction id holding it, 0 for none) and a
 * count of queued waiters; it exists only while one of the two is set, so
 * a shard with an empty table (`sh->lock_live` 0) runs every command as if this
 * layer did not exist.
 *
 * Waiting. Work that finds a key locked, or wanted by work queued earlier,
 * is parked: a `struct park` in one FIFO per shard, with the hashes it
 * waits for and a function that runs it. Nothing ever waits on a thread:
 * when locks are released, `lock_replay` (called from the loop, never
 * inside a handler) walks the queue in order and runs each item whose keys
 * are free and not wanted by an item still queued before it. Items from one
 * source shard keep their order (an item waits behind any earlier one from
 * the same source), so one client's commands run in the order it sent them.
 *
 * Why it cannot deadlock: a transaction asks for its locks one shard at a
 * time in increasing shard order, so it waits on shard s only while
 * holding locks on shards below s; the transaction it waits for holds s and
 * waits (if at all) on shards above s. Every chain of waits climbs, so none
 * closes into a cycle. Plain commands hold nothing while they wait.
 * Requests of a transaction that holds its locks never wait.
 *
 * Watches. WATCH registers (client id, db, key) on the key's owner; any
 * change to the key (`lock_key_changed`, called wherever a key changes)
 * marks the registrations of that key dirty; EXEC asks the owner, inside
 * its own atomic step, whether the client's registrations there are clean.
 */
#ifndef TXN_LOCK_H
#define TXN_LOCK_H

#include <stddef.h>
#include <stdint.h>

#include "../server.h"

struct shard;
struct db;

struct park {
    struct park *next;
    int src;           /* source shard (its requests keep their order), or -1 */
    int all;           /* LOCK_FREE, LOCK_WHOLE, LOCK_PASS (below) */
    uint64_t take;     /* on admission take the locks for this transaction id (0: none) */
    int nh;
    uint64_t *h;       /* the hashes it waits for (owned) */
    /* Run the item once admitted (its locks taken if `take`); frees what it
     * owns of the item but not the item itself. */
    void (*run)(struct shard *sh, struct park *p);
    void *arg;
    size_t len;        /* payload bytes (a copied request) */
    char data[];
};

/* What a piece of work wants besides its keys (`all` of lock_admit, or'ed):
 * LOCK_FREE  wait until the shard holds no lock at all (FLUSHALL, SWAPDB);
 * LOCK_WHOLE take the whole shard for transaction `take`: nothing else runs
 *            here until it lets go, save work marked LOCK_PASS (an EXEC
 *            with a server-wide command, multi.c);
 * LOCK_PASS  the work is that transaction's own: the whole-shard lock does
 *            not stop it (key locks still do). */
enum { LOCK_FREE = 1, LOCK_WHOLE = 2, LOCK_PASS = 4 };

/* The hash that names a key in the lock and watch tables (bit 0 clear). */
uint64_t lock_hash(int dbid, const char *key, size_t len);
/* Set in a hash a piece of work asks for: it only reads that key, and
 * shares its lock with other readers (a transaction's source keys, a
 * read-only command). Without it the lock is exclusive. */
#define LOCK_SHARED 1ull

void lock_init(struct shard *sh);


/* May work wanting keys h[0..n) run now? `take` != 0: a lock request of
 * that transaction, which on admission owns every key; `all`: LOCK_* flags
 * (above); `src`: its source shard (-1 for this shard's own clients).
 * Returns 1 when admitted (and the locks are taken), else 0: the caller
 * parks it with lock_park. */
int lock_admit(struct shard *sh, int src, const uint64_t *h, int n, uint64_t take, int all);
/* May untransacted work use the key of hash h (LOCK_SHARED set: to read
 * it) now, no transaction holding it or waiting for it? all: LOCK_PASS
 * for the work of the transaction holding the shard whole. Takes nothing
 * (a script's call on a key it did not declare asks this). */
int lock_key_free(struct shard *sh, uint64_t h, int all);
/* Queue a parked item (made by lock_park_new) at the tail. */
void lock_park(struct shard *sh, struct park *p);
struct park *lock_park_new(int src, const uint64_t *h, int n, uint64_t take, int all, size_t len);
/* The transaction holding this shard whole (0: none) and its origin. */
uint64_t lock_whole(const struct shard *sh, int *src);
/* Release every lock transaction `txid` holds on this shard. */
void lock_release(struct shard *sh, uint64_t txid);
/* Run the parked items that can run now, in order (from the loop). */
void lock_replay(struct shard *sh);
/* 1 if lock_replay has work (locks were released since it last ran). */
int lock_replay_due(const struct shard *sh);

/* ---- watches ---- */
void watch_add(struct shard *sh, long long client, int dbid, const char *key, size_t len);
void watch_remove(struct shard *sh, long long client, int dbid, const char *key, size_t len);
/* 1 if a key `client` watches here changed (or expired) since its WATCH. */
int watch_dirty(struct shard *sh, long long client);
/* A key changed: dirty its watchers, wake its waiters (block.h). Wherever
 * a key changes, this runs; it costs two loads while nobody watches or
 * waits on this shard. */
void lock_key_changed_slow(struct shard *sh, int dbid, const char *key, size_t len);
static inline void lock_key_changed(struct shard *sh, int dbid, const char *key, size_t len) {
    if (sh->watch_live | sh->blk_live) lock_key_changed_slow(sh, dbid, key, len);
}
/* A database is about to be emptied (FLUSHDB/FLUSHALL) or swapped with
 * `other` (SWAPDB; NULL otherwise): dirty the watchers of every key that
 * exists in either. */
void watch_db_replaced(struct shard *sh, struct db *db, struct db *other);

#endif
