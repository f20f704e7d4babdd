/*
 * db.h - one logical database (SELECT index) on one shard: the key table,
 * expiry (lazy on access, active by sampling in the shard's cron) and the
 * counters INFO keyspace reports.
 *
 * All functions run on the owning shard's thread only. `db_now_ms` is the
 * shard's clock for the current loop iteration.
 */
#ifndef DB_DB_H
#define DB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "object.h"

struct lfu_params;
struct db {
    struct dict keys;
    const struct lfu_params *lfu; /* the shard's LFU settings, NULL = LRU */
    size_t expires;          /* keys that carry a TTL */
    long long *expired_stat; /* shard counter bumped on each expiry */
    long long *hits, *misses;
    int id;
    /* A snapshot is being taken (persist/bgsave.c; NULL otherwise): a key
     * it has not saved yet is saved before it changes or goes. A key is
     * saved ("done") when its KV_SNAP bit equals snap_flag; every snapshot
     * flips snap_flag, and a key entering the table takes it. */
    void *snap;
    uint8_t snap_flag;
};

extern _Thread_local long long db_now_ms;

/* The snapshot's hooks (set once at startup by persist/bgsave.c): save o
 * now, before it changes; save everything of the shard now, before the
 * whole table goes (FLUSHDB, SWAPDB). db_writing: the command running on
 * this thread writes (exec_command_run sets it while a snapshot runs), so
 * a key it looks up may be about to change. */
extern void (*db_snap_save)(struct db *db, struct kv *o);
extern void (*db_snap_finish)(struct db *db);
extern _Thread_local int db_writing;
static inline int kv_snap_done(const struct db *db, const struct kv *o) {
    return (o->flags & KV_SNAP) == db->snap_flag;
}
static inline void kv_snap_mark(const struct db *db, struct kv *o) {
    o->flags = (uint8_t)((o->flags & ~KV_SNAP) | db->snap_flag);
}
/* Save o first if a snapshot runs and has not saved it. */
static inline void db_snap_before(struct db *db, struct kv *o) {
    if (__builtin_expect(db->snap != NULL, 0) && !kv_snap_done(db, o)) db_snap_save(db, o);
}

/* Keyspace events raised by this layer, with notify-keyspace-events'
 * class bits (config.h NOTIFY_*): called on the owning shard's thread, for
 * real databases only. Set once at startup (NULL: no events). */
#define DB_EV_EXPIRED (1 << 8)
#define DB_EV_EVICTED (1 << 9)
#define DB_EV_KEYMISS (1 << 11)
#define DB_EV_NEW (1 << 13)
extern void (*db_event_hook)(int type, const char *event, const char *key, size_t klen, int dbid);

void db_init(struct db *db, int id, long long *expired_stat, long long *hits, long long *misses);
static inline size_t db_size(const struct db *db) { return dict_count(&db->keys); }

/* Record an access to o: LRU stamp, or LFU counter under an LFU policy. */
void db_touch(struct db *db, struct kv *o);
/* Look a key up, deleting it first if it has expired. `touch` refreshes the
 * LRU/LFU stamp and counts a hit or miss. */
struct kv *db_find(struct db *db, const char *key, size_t klen, int touch);
/* Same, also returning the position for in-place replacement. */
struct kv *db_find_pos(struct db *db, const char *key, size_t klen, struct dict_pos *pos);
/* Insert or overwrite the key of `o` (the old value is freed). */
void db_set(struct db *db, struct kv *o);
/* Insert `o` whose key a lookup just found absent. */
void db_add_new(struct db *db, struct kv *o);
/* Replace the object at pos (from db_find_pos) by n with the same key. */
void db_replace(struct db *db, struct dict_pos *pos, struct kv *n);
/* Remove a key; returns 1 if it existed (and was not expired). */
int db_delete(struct db *db, const char *key, size_t klen);
void db_delete_at(struct db *db, struct dict_pos *pos);
/* Change the TTL of the object at pos (expire < 0 removes it). */
struct kv *db_set_expire(struct db *db, struct dict_pos *pos, long long expire);
void db_flush(struct db *db);
/* Guests: a key of another shard's keyspace, put here for the one command
 * a transaction runs at this shard (the executor, coord.c) and taken out
 * right after it. Neither raises events nor counts as a new key. */
void db_guest_put(struct db *db, struct kv *o);
/* Take the guest out, its value (if it is still there) serialized into b;
 * returns 1 if it was. */
int db_guest_take(struct db *db, const char *key, size_t klen, struct buf *b);
/* Swap the contents of two databases (SWAPDB). */
void db_swap(struct db *a, struct db *b);
static inline int kv_expired(const struct kv *o) {
    return kv_has_expire(o) && kv_expire(o) < db_now_ms;
}
/* Active expiry: walk the table for up to `budget_us`, deleting expired keys.
 * *cursor carries the position between calls. Returns keys removed. */
long db_active_expire(struct db *db, unsigned long long *cursor, long long budget_us);

#endif
