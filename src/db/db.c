/*
 * db.c - lookups with lazy expiry, inserts, deletes and active expiry.
 */
#include "db.h"

#include <stdint.h>

#include "../util/util.h"
#include "lazyfree.h"
#include "lru.h"

_Thread_local long long db_now_ms;

void (*db_event_hook)(int type, const char *event, const char *key, size_t klen, int dbid);
void (*db_snap_save)(struct db *db, struct kv *o);
void (*db_snap_finish)(struct db *db);
_Thread_local int db_writing;

/* Keyspace events of the database layer (expired, new, keymiss); temporary
 * databases (no stats attached) have none. */
static inline void db_event(struct db *db, int type, const char *event, const char *key, size_t klen) {
    if (db_event_hook && db->expired_stat) db_event_hook(type, event, key, klen, db->id);
}

void db_init(struct db *db, int id, long long *expired_stat, long long *hits, long long *misses) {
    dict_init(&db->keys);
    db->expires = 0;
    db->expired_stat = expired_stat;
    db->hits = hits;
    db->misses = misses;
    db->id = id;
    db->snap = NULL;
    db->snap_flag = 0;
}

static void unlink_free(struct db *db, struct dict_pos *pos) {
    db_snap_before(db, dict_pos_kv(pos));
    struct kv *o = dict_unlink(&db->keys, pos);
    if (kv_has_expire(o)) db->expires--;
    lazyfree_obj(o);
}

struct kv *db_find_pos(struct db *db, const char *key, size_t klen, struct dict_pos *pos) {
    uint64_t h = dict_hash(key, klen);
    if (!dict_find(&db->keys, key, klen, h, pos)) return NULL;
    struct kv *o = dict_pos_kv(pos);
    if (kv_expired(o)) {
        /* first: `key` may point into o (RANDOMKEY) */
        db_event(db, DB_EV_EXPIRED, "expired", key, klen);
        unlink_free(db, pos);
        if (db->expired_stat) (*db->expired_stat)++;
        return NULL;
    }
    if (__builtin_expect(db->snap != NULL, 0) && db_writing && !kv_snap_done(db, o)) db_snap_save(db, o);
    return o;
}

static _Thread_local uint32_t lfu_rand_state = 2463534242u;

void db_touch(struct db *db, struct kv *o) {
    if (db->lfu && db->lfu->on) {
        uint32_t x = lfu_rand_state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        lfu_rand_state = x;
        kv_set_lru(o, lfu_touch(kv_lru(o), db->lfu, x));
    } else {
        kv_set_lru(o, lru_clock());
    }
}

/* A key entering the keyspace starts its LFU counter (kv_alloc stamped LRU). */
static inline void stamp_new(struct db *db, struct kv *o) {
    if (db->lfu && db->lfu->on) kv_set_lru(o, lfu_new());
}

struct kv *db_find(struct db *db, const char *key, size_t klen, int touch) {
    struct dict_pos pos;
    struct kv *o = db_find_pos(db, key, klen, &pos);
    if (touch) {
        if (o) {
            db_touch(db, o);
            if (db->hits) (*db->hits)++;
        } else if (db->misses) {
            (*db->misses)++;
            db_event(db, DB_EV_KEYMISS, "keymiss", key, klen);
        }
    }
    return o;
}

void db_replace(struct db *db, struct dict_pos *pos, struct kv *n) {
    db_snap_before(db, dict_pos_kv(pos));
    kv_snap_mark(db, n);
    struct kv *old = dict_swap(pos, n);
    stamp_new(db, n);
    db->expires += (size_t)(kv_has_expire(n) != 0) - (size_t)(kv_has_expire(old) != 0);
    lazyfree_obj(old);
}

/* Insert or overwrite; a guest is neither stamped nor announced. */
static void set_key(struct db *db, struct kv *o, int guest) {
    size_t klen;
    const char *key = kv_key(o, &klen);
    uint64_t h = dict_hash(key, klen);
    struct dict_pos pos;
    if (dict_find(&db->keys, key, klen, h, &pos)) {
        db_replace(db, &pos, o);
        return;
    }
    kv_snap_mark(db, o);
    dict_add(&db->keys, o, h);
    if (kv_has_expire(o)) db->expires++;
    if (guest) return;
    stamp_new(db, o);
    db_event(db, DB_EV_NEW, "new", key, klen);
}

void db_set(struct db *db, struct kv *o) { set_key(db, o, 0); }

void db_add_new(struct db *db, struct kv *o) {
    size_t klen;
    const char *key = kv_key(o, &klen);
    kv_snap_mark(db, o);
    dict_add(&db->keys, o, dict_hash(key, klen));
    stamp_new(db, o);
    if (kv_has_expire(o)) db->expires++;
    db_event(db, DB_EV_NEW, "new", key, klen);
}

int db_delete(struct db *db, const char *key, size_t klen) {
    struct dict_pos pos;
    if (!db_find_pos(db, key, klen, &pos)) return 0;
    unlink_free(db, &pos);
    return 1;
}

void db_delete_at(struct db *db, struct dict_pos *pos) { unlink_free(db, pos); }

struct kv *db_set_expire(struct db *db, struct dict_pos *pos, long long expire) {
    struct kv *o = dict_pos_kv(pos);
    db_snap_before(db, o);
    int had = kv_has_expire(o);
    struct kv *n = kv_with_expire(o, expire);
    if (n != o) dict_swap(pos, n);
    db->expires += (size_t)(expire >= 0) - (size_t)(had != 0);
    return n;
}

void db_guest_put(struct db *db, struct kv *o) { set_key(db, o, 1); }

int db_guest_take(struct db *db, const char *key, size_t klen, struct buf *b) {
    struct dict_pos pos;
    if (!dict_find(&db->keys, key, klen, dict_hash(key, klen), &pos)) return 0;
    kv_serialize(dict_pos_kv(&pos), b);
    unlink_free(db, &pos);
    return 1;
}

void db_flush(struct db *db) {
    if (db->snap) db_snap_finish(db);
    lazyfree_dict(&db->keys);
    db->expires = 0;
}

void db_swap(struct db *a, struct db *b) {
    if (a->snap) db_snap_finish(a);
    if (b->snap) db_snap_finish(b);
    struct dict d = a->keys;
    size_t e = a->expires;
    a->keys = b->keys;
    a->expires = b->expires;
    b->keys = d;
    b->expires = e;
}

#define EXPIRE_BATCH 64

struct expire_ctx {
    struct kv *found[EXPIRE_BATCH];
    int n;
};

static void collect_expired(void *ctx, struct kv *o) {
    struct expire_ctx *e = ctx;
    if (e->n < EXPIRE_BATCH && kv_expired(o)) e->found[e->n++] = o;
}

long db_active_expire(struct db *db, unsigned long long *cursor, long long budget_us) {
    if (db->expires == 0) return 0;
    long long start = mono_us();
    long removed = 0;
    int steps = 0;
    do {
        struct expire_ctx e;
        e.n = 0;
        *cursor = dict_scan(&db->keys, *cursor, collect_expired, &e);
        for (int i = 0; i < e.n; i++) {
            size_t kl;
            const char *k = kv_key(e.found[i], &kl);
            struct dict_pos pos;
            if (dict_find(&db->keys, k, kl, dict_hash(k, kl), &pos)) {
                db_event(db, DB_EV_EXPIRED, "expired", k, kl);
                unlink_free(db, &pos);
                removed++;
            }
        }
        if (++steps % 16 == 0 && mono_us() - start > budget_us) break;
    } while (*cursor != 0 && db->expires > 0);
    if (db->expired_stat) *db->expired_stat += removed;
    return removed;
}
