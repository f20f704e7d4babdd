/*
 * evict.c - per-shard memory accounting and approximate LRU/LFU/TTL/random
 * eviction under maxmemory (see evict.h for the design).
 */
#include "evict.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../server.h"
#include "../util/mem.h"
#include "../util/util.h"
#include "lazyfree.h"
#include "lru.h"

#define POOL_SIZE 16
#define POOL_KEY_INLINE 48
#define SAMPLES_MAX 64
/* while over the limit, the exact figure is re-read at most this often */
#define RESYNC_US 10000

/* A candidate for eviction: the best (highest score) is at the end. */
struct pool_entry {
    unsigned long long score;
    int dbid; /* -1: empty */
    size_t klen;
    char *heap; /* key bytes when longer than POOL_KEY_INLINE */
    char inl[POOL_KEY_INLINE];
};

struct evict_slot {
    /* read by every shard */
    _Atomic size_t used;  /* this shard's bytes (published: see evict.h) */
    _Atomic size_t keys;  /* key count: splits the excess between shards */
    _Atomic int stuck;    /* its last attempt found nothing to evict */
    _Atomic size_t remote_freed; /* bytes of ours other shards freed, ever */
    _Atomic int candidates;      /* it holds keys the policy may evict */
    char pad[64];
    /* the owning shard's own */
    struct evict_slot *lead; /* the slot holding the arena of this shard's
                                thread: itself, or that of the first shard
                                of a thread that runs several */
    int arena;        /* the thread's arena (leads only), else -1 */
    int nshared;      /* leads: how many other shards share the arena */
    size_t synced;    /* this shard's bytes at the last sync */
    uint64_t va, vd;  /* thread counter increments charged to this shard */
    uint64_t a0, d0;  /* va, vd at the last sync */
    size_t foreign, f0; /* bytes of other shards we freed, ever / at the sync */
    size_t r0;          /* remote_freed at the sync */
    size_t credit;    /* bytes handed to the lazyfree thread since the sync */
    long long sync_us;
    uint64_t rnd;
    int running;
    int next_db; /* random policies: the database to sample next */
    struct pool_entry pool[POOL_SIZE];
};

static struct evict_slot *slots[MAX_SHARDS];
static _Atomic size_t g_other;       /* bytes outside the shard arenas, less the rings */
static _Atomic size_t g_fixed_total; /* every shard's receive ring */
static _Atomic size_t g_startup;     /* used_memory after startup */

static uint64_t next_rand(struct evict_slot *s) {
    uint64_t x = s->rnd;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return s->rnd = x;
}

/* ---- accounting ---- */

/* Shards that share a thread share its arena and its allocation counters:
 * each increment of the counters is charged to the shard that was running
 * (evict_switch at every change), so that each shard still has a figure of
 * its own, as with a thread each. The thread's exact arena figure is split
 * between them in proportion to their running figures at each sync. */
static _Thread_local struct evict_slot *tl_cur; /* the shard running now */
static _Thread_local uint64_t tl_a, tl_d;        /* counters at the last charge */

static void charge(void) {
    uint64_t a = mem_thread_allocated(), d = mem_thread_deallocated();
    if (tl_cur) {
        tl_cur->va += a - tl_a;
        tl_cur->vd += d - tl_d;
    }
    tl_a = a;
    tl_d = d;
}

void evict_switch(const struct shard *sh) {
    struct evict_slot *s = slots[sh->id];
    if (s == tl_cur) return;
    charge();
    tl_cur = s;
}

static size_t shard_keys(const struct shard *sh) {
    size_t n = 0;
    for (int i = 0; i < sh->ndb; i++) n += db_size(&sh->dbs[i]);
    return n;
}

static int64_t running(const struct evict_slot *s) {
    size_t remote = atomic_load_explicit(&s->remote_freed, memory_order_relaxed) - s->r0;
    int64_t d = (int64_t)(s->va - s->a0) - (int64_t)(s->vd - s->d0) + (int64_t)(s->foreign - s->f0) -
                (int64_t)remote - (int64_t)s->credit;
    return (int64_t)s->synced + d;
}

static void rebase(struct evict_slot *s, size_t synced, long long now) {
    s->synced = synced;
    s->a0 = s->va;
    s->d0 = s->vd;
    s->f0 = s->foreign;
    s->r0 = atomic_load_explicit(&s->remote_freed, memory_order_relaxed);
    s->credit = 0;
    s->sync_us = now;
}

/* Re-read the exact figure of this shard's arena (and, on shard 0, of the
 * rest of the process). With several shards on the thread, every one of
 * them gets its part of the arena's figure. */
static void sync_slot(struct evict_slot *s, int id) {
    struct evict_slot *lead = s->lead;
    if (!mem_has_arenas() || lead->arena < 0) return;
    charge();
    mem_tcache_flush();
    mem_refresh();
    size_t exact = mem_arena_allocated(lead->arena);
    long long now = mono_us();
    if (lead->nshared == 0) {
        rebase(s, exact, now);
    } else {
        /* the thread's shards: each gets the part its running figure has */
        int64_t v[MAX_SHARDS], sum = 0;
        for (int j = 0; j < g_nshards; j++) {
            v[j] = slots[j] && slots[j]->lead == lead ? running(slots[j]) : 0;
            if (v[j] < 0) v[j] = 0;
            sum += v[j];
        }
        for (int j = 0; j < g_nshards; j++)
            if (slots[j] && slots[j]->lead == lead) {
                double part = sum > 0 ? (double)v[j] / (double)sum : 1.0 / (lead->nshared + 1);
                rebase(slots[j], (size_t)((double)exact * part), now);
            }
    }
    if (id == 0) {
        size_t all = mem_allocated_snapshot(), in_shards = 0;
        for (int j = 0; j < g_nshards; j++)
            if (slots[j] && slots[j]->arena >= 0) in_shards += mem_arena_allocated(slots[j]->arena);
        size_t fixed = atomic_load_explicit(&g_fixed_total, memory_order_relaxed);
        atomic_store_explicit(&g_other, all > in_shards + fixed ? all - in_shards - fixed : 0,
                              memory_order_relaxed);
    }
}

/* This shard's bytes now. */
static size_t estimate(struct evict_slot *s, const struct shard *sh) {
    if (mem_has_arenas() && s->lead->arena >= 0) {
        /* what this shard allocated less what it freed of its own, less
         * what other threads freed of ours */
        charge();
        int64_t v = running(s);
        return v > 0 ? (size_t)v : 0;
    }
    /* no arenas: split the process total by key counts */
    size_t keys = shard_keys(sh);
    size_t all = mem_used(), fixed = atomic_load_explicit(&g_fixed_total, memory_order_relaxed);
    size_t data = all > fixed ? all - fixed : 0, sum = 0;
    for (int j = 0; j < g_nshards; j++)
        if (slots[j]) sum += atomic_load_explicit(&slots[j]->keys, memory_order_relaxed);
    return (size_t)((double)data * (double)(keys + 1) / (double)(sum + (size_t)g_nshards));
}

static int policy_volatile(int p);

static size_t publish(struct evict_slot *s, const struct shard *sh) {
    size_t v = estimate(s, sh);
    int vol = policy_volatile(sh->cfg.maxmemory_policy), any = 0;
    size_t keys = 0;
    for (int i = 0; i < sh->ndb; i++) {
        keys += db_size(&sh->dbs[i]);
        any |= vol ? sh->dbs[i].expires > 0 : db_size(&sh->dbs[i]) > 0;
    }
    atomic_store_explicit(&s->candidates, any, memory_order_relaxed);
    atomic_store_explicit(&s->keys, keys, memory_order_relaxed);
    atomic_store_explicit(&s->used, v, memory_order_relaxed);
    return v;
}

static size_t total_used(void) {
    if (!mem_has_arenas()) {
        /* one process-wide figure: read it now rather than add up shares
         * computed at different times */
        size_t all = mem_used(), fixed = atomic_load_explicit(&g_fixed_total, memory_order_relaxed);
        return all > fixed ? all - fixed : 0;
    }
    size_t t = atomic_load_explicit(&g_other, memory_order_relaxed);
    for (int j = 0; j < g_nshards; j++)
        if (slots[j]) t += atomic_load_explicit(&slots[j]->used, memory_order_relaxed);
    return t;
}

void evict_setup(int nshards) {
    for (int i = 0; i < nshards; i++) {
        struct evict_slot *s = calloc(1, sizeof(*s));
        if (!s) abort();
        s->arena = -1;
        s->lead = s;
        for (int k = 0; k < POOL_SIZE; k++) s->pool[k].dbid = -1;
        slots[i] = s;
    }
}

void evict_shard_init(struct shard *sh, size_t fixed_bytes, int lead) {
    struct evict_slot *s = slots[sh->id];
    if (!s) return;
    if (lead >= 0 && slots[lead]) {
        s->lead = slots[lead];
        s->lead->nshared++;
    } else {
        s->arena = mem_thread_arena();
    }
    evict_switch(sh);
    s->rnd = 0x9e3779b97f4a7c15ull ^ ((uint64_t)sh->id * 0xbf58476d1ce4e5b9ull) ^ (uint64_t)mono_us();
    if (!s->rnd) s->rnd = 1;
    atomic_fetch_add(&g_fixed_total, fixed_bytes);
    sync_slot(s, -1);
    publish(s, sh);
}

void evict_foreign_free(struct shard *sh, int owner, size_t bytes) {
    struct evict_slot *s = slots[sh->id], *o = slots[owner];
    if (!s || !o) return;
    s->foreign += bytes;
    atomic_fetch_add_explicit(&o->remote_freed, bytes, memory_order_relaxed);
}

size_t evict_startup_memory(void) { return atomic_load_explicit(&g_startup, memory_order_relaxed); }

size_t evict_shard_used(int id) {
    return slots[id] ? atomic_load_explicit(&slots[id]->used, memory_order_relaxed) : 0;
}

size_t evict_refresh(struct shard *sh) {
    struct evict_slot *s = slots[sh->id];
    if (!s) return 0;
    sync_slot(s, sh->id);
    return publish(s, sh);
}

size_t evict_used_memory(void) {
    size_t t = total_used();
    if (t > g_mem_peak) g_mem_peak = t;
    return t;
}

/* ---- sampling and the pool ---- */

static int has_ttl(const struct kv *o) { return kv_has_expire(o); }

/* Up to `max` keys of db (only keys with a TTL if volatile_only), from
 * consecutive buckets at a random place (dict_sample). */
static int sample_keys(struct evict_slot *s, struct db *db, struct kv **out, int max,
                       int volatile_only) {
    size_t total = db_size(db), pool = volatile_only ? db->expires : total;
    if (pool == 0) return 0;
    /* visit enough buckets to find `max` keys of the kind wanted */
    size_t steps = (size_t)max * 4 + 32;
    if (volatile_only && pool < total) steps = (size_t)((double)steps * (double)total / (double)pool);
    if (steps > 16384) steps = 16384;
    return dict_sample(&db->keys, next_rand(s), out, max, steps, volatile_only ? has_ttl : NULL);
}

static const char *pool_key(const struct pool_entry *e) {
    return e->klen > POOL_KEY_INLINE ? e->heap : e->inl;
}

static void pool_clear_entry(struct pool_entry *e) {
    if (e->klen > POOL_KEY_INLINE) free(e->heap);
    e->heap = NULL;
    e->dbid = -1;
    e->klen = 0;
}

/* Insert a candidate keeping the pool sorted by ascending score; when full,
 * the worst is dropped (or the newcomer, if it is the worst). */
static void pool_insert(struct pool_entry *pool, unsigned long long score, int dbid,
                        const char *key, size_t klen) {
    int k = 0;
    while (k < POOL_SIZE && pool[k].dbid >= 0 && pool[k].score < score) k++;
    if (k == 0 && pool[POOL_SIZE - 1].dbid >= 0) return;
    if (k < POOL_SIZE && pool[k].dbid < 0) {
        /* an empty slot right here */
    } else if (pool[POOL_SIZE - 1].dbid < 0) {
        memmove(pool + k + 1, pool + k, sizeof(pool[0]) * (size_t)(POOL_SIZE - k - 1));
        pool[k].dbid = -1;
        pool[k].klen = 0;
        pool[k].heap = NULL;
    } else {
        k--;
        pool_clear_entry(&pool[0]);
        memmove(pool, pool + 1, sizeof(pool[0]) * (size_t)k);
        pool[k].dbid = -1;
        pool[k].klen = 0;
        pool[k].heap = NULL;
    }
    struct pool_entry *e = &pool[k];
    e->score = score;
    e->dbid = dbid;
    e->klen = klen;
    if (klen > POOL_KEY_INLINE) {
        e->heap = malloc(klen);
        if (!e->heap) abort();
        memcpy(e->heap, key, klen);
    } else {
        memcpy(e->inl, key, klen);
    }
}

static int policy_volatile(int p) {
    return p == CONFIG_MAXMEMORY_VOLATILE_LRU || p == CONFIG_MAXMEMORY_VOLATILE_LFU ||
           p == CONFIG_MAXMEMORY_VOLATILE_RANDOM || p == CONFIG_MAXMEMORY_VOLATILE_TTL;
}

/* Higher = evict sooner: idle seconds (LRU), 255 - counter (LFU), time
 * left reversed (TTL). */
static unsigned long long score_of(const struct shard *sh, const struct kv *o, int policy) {
    switch (policy) {
    case CONFIG_MAXMEMORY_VOLATILE_LFU:
    case CONFIG_MAXMEMORY_ALLKEYS_LFU:
        return 255 - lfu_decayed(kv_lru(o), &sh->lfu);
    case CONFIG_MAXMEMORY_VOLATILE_TTL:
        return ULLONG_MAX - (unsigned long long)kv_expire(o);
    default:
        return lru_idle_secs(kv_lru(o));
    }
}

static void pool_populate(struct shard *sh, struct evict_slot *s, int dbid, int policy) {
    struct kv *samples[SAMPLES_MAX];
    int want = sh->cfg.maxmemory_samples;
    if (want > SAMPLES_MAX) want = SAMPLES_MAX;
    if (want < 1) want = 1;
    int n = sample_keys(s, &sh->dbs[dbid], samples, want, policy_volatile(policy));
    for (int i = 0; i < n; i++) {
        size_t kl;
        const char *k = kv_key(samples[i], &kl);
        pool_insert(s->pool, score_of(sh, samples[i], policy), dbid, k, kl);
    }
}

/* The next victim under a sampling (LRU, LFU, TTL) policy: fills *picked
 * with the best pool entry whose key is still there (ownership of its key
 * bytes passes to the caller). Returns 0 when there is nothing to evict. */
static int pick_from_pool(struct shard *sh, struct evict_slot *s, int policy,
                          struct pool_entry *picked) {
    int vol = policy_volatile(policy);
    for (int round = 0; round < 128; round++) {
        int any = 0;
        for (int d = 0; d < sh->ndb; d++) {
            struct db *x = &sh->dbs[d];
            if (vol ? x->expires == 0 : db_size(x) == 0) continue;
            any = 1;
            pool_populate(sh, s, d, policy);
        }
        if (!any) return 0;
        int visits = 0;
        for (int k = POOL_SIZE - 1; k >= 0 && visits < 4 * POOL_SIZE; k--, visits++) {
            struct pool_entry *e = &s->pool[k];
            if (e->dbid < 0) continue;
            *picked = *e;
            e->dbid = -1;
            e->heap = NULL;
            e->klen = 0;
            struct dict_pos pos;
            struct db *x = picked->dbid < sh->ndb ? &sh->dbs[picked->dbid] : NULL;
            struct kv *o = x ? db_find_pos(x, pool_key(picked), picked->klen, &pos) : NULL;
            if (o && (!vol || kv_has_expire(o))) {
                /* accessed since it was sampled: back in, at its true rank */
                unsigned long long now = score_of(sh, o, policy);
                if (now >= picked->score) return 1;
                pool_insert(s->pool, now, picked->dbid, pool_key(picked), picked->klen);
                k = POOL_SIZE;
            }
            if (picked->klen > POOL_KEY_INLINE) free(picked->heap);
            picked->klen = 0;
        }
    }
    return 0;
}

/* Delete one key chosen by the policy; returns 1 and adds the bytes freed
 * to *freed, or 0 when there is nothing to evict. */
static int evict_one(struct shard *sh, struct evict_slot *s, int policy, size_t *freed) {
    struct db *db = NULL;
    const char *key = NULL;
    size_t klen = 0;
    struct pool_entry picked = {0};
    if (policy == CONFIG_MAXMEMORY_ALLKEYS_RANDOM || policy == CONFIG_MAXMEMORY_VOLATILE_RANDOM) {
        /* every database a few times over: a sample can miss by chance */
        for (int i = 0; i < sh->ndb * 8 && !key; i++) {
            int d = (s->next_db + i) % sh->ndb;
            struct kv *o;
            if (sample_keys(s, &sh->dbs[d], &o, 1, policy_volatile(policy)) == 1) {
                db = &sh->dbs[d];
                key = kv_key(o, &klen);
                s->next_db = (d + 1) % sh->ndb;
            }
        }
        if (!key) return 0;
    } else {
        if (!pick_from_pool(sh, s, policy, &picked)) return 0;
        db = &sh->dbs[picked.dbid];
        key = pool_key(&picked);
        klen = picked.klen;
    }
    size_t before = estimate(s, sh), usage = 0;
    struct dict_pos pos;
    struct kv *o = db_find_pos(db, key, klen, &pos);
    if (o) {
        usage = kv_mem_usage(o);
        const struct type_ops *ops = kv_type(o) != OBJ_STRING ? g_type_ops[kv_type(o)] : NULL;
        if (ops && ops->cost && ops->cost(kv_ptr(o), kv_enc(o)) > LAZYFREE_THRESHOLD)
            s->credit += usage; /* the lazyfree thread frees it later */
        /* first: `key` may point into o */
        if (db_event_hook && db->expired_stat) db_event_hook(DB_EV_EVICTED, "evicted", key, klen, db->id);
        db_delete_at(db, &pos);
        sh->st.evicted_keys++;
    }
    size_t after = estimate(s, sh);
    size_t d = before > after ? before - after : 0;
    *freed += mem_has_arenas() && s->lead->arena >= 0 ? d : usage;
    if (picked.klen > POOL_KEY_INLINE) free(picked.heap);
    return 1;
}

/* Redis's evictionTimeLimitUs: 50 us per tenacity step up to 10, then
 * growing 15% a step; 100 means no limit. */
static long long time_limit_us(int tenacity) {
    if (tenacity <= 10) return 50LL * (tenacity > 0 ? tenacity : 1);
    if (tenacity < 100) return (long long)(500.0 * pow(1.15, tenacity - 10));
    return LLONG_MAX;
}

/* The bytes this shard should free out of the excess (see evict.h): its
 * part in proportion to its key count; all of it when the excess has grown
 * past maxmemory/16 or another shard found nothing to evict; a part smaller
 * than a key is left to the shard with the most keys. */
#define SHARE_MIN 64
static size_t share_to_free(const struct shard *sh, size_t total, size_t max) {
    size_t need = total - max;
    if (g_nshards == 1) return need;
    size_t mine = atomic_load_explicit(&slots[sh->id]->keys, memory_order_relaxed), all = 0;
    int others_stuck = 0, biggest = 1;
    for (int j = 0; j < g_nshards; j++) {
        if (!slots[j]) continue;
        size_t k = atomic_load_explicit(&slots[j]->keys, memory_order_relaxed);
        all += k;
        if (j == sh->id) continue;
        if (k > mine) biggest = 0;
        if (atomic_load_explicit(&slots[j]->stuck, memory_order_relaxed)) others_stuck = 1;
    }
    if (others_stuck || need > max / 16 || all == 0) return need;
    size_t share = (size_t)((double)need * (double)mine / (double)all);
    if (share >= SHARE_MIN) return share;
    return biggest ? need : 0;
}

int evict_perform(struct shard *sh) {
    struct evict_slot *s = slots[sh->id];
    long long maxl = sh->cfg.maxmemory;
    if (!s) return EVICT_OK;
    s->running = 0;
    if (maxl <= 0) {
        atomic_store_explicit(&s->stuck, 0, memory_order_relaxed);
        return EVICT_OK;
    }
    size_t max = (size_t)maxl;
    publish(s, sh);
    size_t total = total_used();
    if (total > max && mem_has_arenas() && mono_us() - s->sync_us >= RESYNC_US) {
        /* act on exact figures: the estimate drifts with cross-thread frees */
        sync_slot(s, sh->id);
        publish(s, sh);
        total = total_used();
    }
    if (total <= max) {
        atomic_store_explicit(&s->stuck, 0, memory_order_relaxed);
        return EVICT_OK;
    }
    int policy = sh->cfg.maxmemory_policy;
    if (policy == CONFIG_MAXMEMORY_NOEVICTION) return EVICT_FAIL;
    int candidates = 0;
    for (int j = 0; j < g_nshards && !candidates; j++)
        candidates = slots[j] && atomic_load_explicit(&slots[j]->candidates, memory_order_relaxed);
    if (!candidates) return EVICT_FAIL; /* e.g. volatile-* without a key with a TTL */
    size_t to_free = share_to_free(sh, total, max);
    if (to_free == 0) return EVICT_OK;
    long long start = mono_us(), limit = time_limit_us(sh->cfg.maxmemory_eviction_tenacity);
    size_t freed = 0;
    long long n = 0;
    while (freed < to_free) {
        if (!evict_one(sh, s, policy, &freed)) {
            /* nothing here: the others take over (share_to_free); the
             * server is out of memory only when every shard is stuck */
            atomic_store_explicit(&s->stuck, 1, memory_order_relaxed);
            publish(s, sh);
            for (int j = 0; j < g_nshards; j++)
                if (slots[j] && !atomic_load_explicit(&slots[j]->stuck, memory_order_relaxed))
                    return EVICT_OK;
            return EVICT_FAIL;
        }
        if (++n % 16 == 0 && mono_us() - start > limit) {
            publish(s, sh);
            atomic_store_explicit(&s->stuck, 0, memory_order_relaxed);
            s->running = 1;
            return EVICT_RUNNING;
        }
    }
    publish(s, sh);
    atomic_store_explicit(&s->stuck, 0, memory_order_relaxed);
    return EVICT_OK;
}

int evict_running(const struct shard *sh) {
    const struct evict_slot *s = slots[sh->id];
    return s && s->running;
}

void evict_cron(struct shard *sh) {
    struct evict_slot *s = slots[sh->id];
    if (!s) return;
    sync_slot(s, sh->id);
    size_t t = publish(s, sh);
    (void)t;
    t = total_used();
    if (t > g_mem_peak) g_mem_peak = t;
    /* the first complete figure, once every shard and the rest are counted */
    if (sh->id == 0 && !atomic_load_explicit(&g_startup, memory_order_relaxed))
        atomic_store_explicit(&g_startup, t, memory_order_relaxed);
    /* also without a limit: that clears a "stuck" flag left from when there
     * was one, which other shards would otherwise still read (a stale flag
     * on every shard made the next limit answer OOM at once) */
    evict_perform(sh);
}
