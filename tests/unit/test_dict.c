/*
 * test_dict.c - unit tests for the key table (src/db/dict.c).
 *
 * A long random sequence of inserts, replacements, deletes and lookups is
 * run against both the dict and a trivial model (a presence flag and a
 * version per key id), with the table repeatedly growing and shrinking and
 * incremental rehash advanced in small random steps. The SCAN test checks
 * Redis's guarantee: a key present for the whole scan is returned at least
 * once even though the table is resized between cursor calls.
 *
 * The consistency walker looks inside struct dict (both tables, the rehash
 * index) to check that every entry hangs in the bucket its hash selects.
 */
#include "test.h"

#include <stdint.h>

#include "db/dict.h"
#include "db/object.h"
#include "util/util.h"

#define UNIVERSE 60000

/* Sanitizer builds run fewer rounds to stay within a few seconds. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define MODEL_CYCLES 1
#define SCAN_ROUNDS 8
#else
#define MODEL_CYCLES 3
#define SCAN_ROUNDS 24
#endif

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* Key names: mostly short, every 7th long, so chains mix key lengths. */
static size_t key_name(unsigned id, char *dst) {
    if (id % 7 == 3) return (size_t)sprintf(dst, "long-key-name-padding-padding-padding:%u", id);
    return (size_t)sprintf(dst, "k:%u", id);
}

/* The id back from a key name, or UINT32_MAX if it is not one of ours. */
static unsigned key_id(const struct kv *o) {
    size_t kl;
    const char *k = kv_key(o, &kl);
    char tmp[80];
    if (kl == 0 || kl >= sizeof(tmp)) return UINT32_MAX;
    memcpy(tmp, k, kl);
    tmp[kl] = '\0';
    const char *colon = strrchr(tmp, ':');
    if (!colon) return UINT32_MAX;
    unsigned id = (unsigned)strtoul(colon + 1, NULL, 10);
    char again[80];
    if (id >= UNIVERSE || key_name(id, again) != kl || memcmp(again, k, kl) != 0) return UINT32_MAX;
    return id;
}

/* Values cycle through the three string encodings (int, embstr, raw). */
static size_t value_of(unsigned id, unsigned ver, char *dst) {
    switch (ver % 3) {
    case 0: return (size_t)sprintf(dst, "%u", id * 1000u + ver % 1000u + 1u);
    case 1: return (size_t)sprintf(dst, "v%u.%u", id, ver);
    default:
        return (size_t)sprintf(dst, "a-longer-value-stored-out-of-line-%u-version-%u-xxxxxxxx", id,
                               ver);
    }
}

static struct kv *make_obj(unsigned id, unsigned ver) {
    char k[80], v[120];
    size_t kl = key_name(id, k), vl = value_of(id, ver, v);
    long long expire = id % 5 == 0 ? 1700000000000LL + id : -1; /* shifts the key */
    return kv_new_string(k, kl, v, vl, expire);
}

static int value_is(const struct kv *o, unsigned id, unsigned ver) {
    char want[120], tmp[32];
    size_t wl = value_of(id, ver, want), gl;
    const char *got = kv_str(o, tmp, &gl);
    return gl == wl && memcmp(got, want, wl) == 0;
}

/* ------------------------------------------------------------------------ */
/* The model. */

struct model {
    unsigned char present[UNIVERSE];
    unsigned ver[UNIVERSE];
    unsigned dense[UNIVERSE]; /* the present ids, in no order */
    unsigned where[UNIVERSE]; /* index of an id in dense */
    size_t count;
};

static void model_add(struct model *m, unsigned id) {
    m->present[id] = 1;
    m->where[id] = (unsigned)m->count;
    m->dense[m->count++] = id;
}

static void model_del(struct model *m, unsigned id) {
    unsigned at = m->where[id], last = m->dense[--m->count];
    m->dense[at] = last;
    m->where[last] = at;
    m->present[id] = 0;
}

static int find_id(struct dict *d, unsigned id, struct dict_pos *pos) {
    char k[80];
    size_t kl = key_name(id, k);
    return dict_find(d, k, kl, dict_hash(k, kl), pos);
}

/* Insert id, or replace its value if present. */
static int put(struct dict *d, struct model *m, unsigned id) {
    struct dict_pos pos;
    int found = find_id(d, id, &pos);
    if (found != m->present[id]) return 0;
    unsigned ver = found ? m->ver[id] + 1 : rnd_below(1000);
    struct kv *n = make_obj(id, ver);
    if (found) {
        struct kv *old = dict_swap(&pos, n);
        if (key_id(old) != id || !value_is(old, id, m->ver[id])) return 0;
        kv_free(old);
    } else {
        size_t kl;
        const char *k = kv_key(n, &kl);
        dict_add(d, n, dict_hash(k, kl));
        model_add(m, id);
    }
    m->ver[id] = ver;
    return 1;
}

static int del(struct dict *d, struct model *m, unsigned id) {
    struct dict_pos pos;
    int found = find_id(d, id, &pos);
    if (found != m->present[id]) return 0;
    if (!found) return 1;
    struct kv *o = dict_unlink(d, &pos);
    if (key_id(o) != id || !value_is(o, id, m->ver[id])) return 0;
    kv_free(o);
    model_del(m, id);
    return 1;
}

static int lookup(struct dict *d, struct model *m, unsigned id) {
    struct dict_pos pos;
    int found = find_id(d, id, &pos);
    if (found != m->present[id]) return 0;
    return !found || (key_id(dict_pos_kv(&pos)) == id && value_is(dict_pos_kv(&pos), id, m->ver[id]));
}

/* Walk both tables: every entry is in the model, in the chain of the bucket
 * its hash selects, with its hash's tag, counted in its table's `used`, and
 * seen once; chains are dense (no empty slot before an entry, a link only in
 * the last slot of a full bucket) and a child holds at least two entries;
 * the child count matches. */
static int consistent(struct dict *d, struct model *m) {
    static unsigned char seen[UNIVERSE];
    memset(seen, 0, sizeof(seen));
    size_t total = 0, children = 0;
    for (int t = 0; t < 2; t++) {
        size_t n = 0;
        if (d->size[t] && (d->size[t] & (d->size[t] - 1))) return 0;
        for (size_t b = 0; b < d->size[t]; b++) {
            const uint64_t *bk = d->t[t][b].s;
            int slots = DICT_SLOTS, is_child = 0;
            while (bk) {
                const uint64_t *next = NULL;
                int items = 0, ended = 0;
                for (int i = 0; i < slots; i++) {
                    uint64_t w = bk[i];
                    if (w == 0) {
                        ended = 1;
                        continue;
                    }
                    if (ended) return 0; /* a hole before an entry */
                    if (w & 1) {
                        if (i != slots - 1) return 0;
                        next = (const uint64_t *)(uintptr_t)(w & ~1ULL);
                        continue;
                    }
                    struct kv *o = (struct kv *)(uintptr_t)(w & DICT_PTR_MASK);
                    unsigned id = key_id(o);
                    if (id == UINT32_MAX || !m->present[id] || seen[id]) return 0;
                    seen[id] = 1;
                    size_t kl;
                    const char *k = kv_key(o, &kl);
                    uint64_t h = dict_hash(k, kl);
                    if ((h & (d->size[t] - 1)) != b) return 0;
                    if ((h >> 48) != (w >> 48)) return 0;
                    /* buckets of t[0] below the rehash index were moved already */
                    if (t == 0 && d->rehash >= 0 && (long long)b < d->rehash) return 0;
                    n++;
                    items++;
                }
                if (is_child && items < 2) return 0;
                if (next) {
                    children++;
                    is_child = 1;
                    slots = DICT_CHILD_SLOTS;
                }
                bk = next;
            }
        }
        if (n != d->used[t]) return 0;
        total += n;
    }
    if (children != d->children) return 0;
    if (d->rehash < 0 && (d->t[1] || d->size[1])) return 0;
    return total == m->count && dict_count(d) == m->count;
}

/* ------------------------------------------------------------------------ */

static void test_empty_dict(void) {
    hash_seed_init();
    struct dict d;
    struct dict_pos pos;
    dict_init(&d);
    ASSERT(dict_count(&d) == 0);
    ASSERT(dict_random(&d) == NULL);
    ASSERT(!find_id(&d, 1, &pos));
    ASSERT(dict_scan(&d, 0, NULL, NULL) == 0);
    ASSERT(dict_rehash_for(&d, 1000) == 0);
    dict_maybe_shrink(&d);
    dict_clear(&d);
    ASSERT(dict_count(&d) == 0 && d.rehash == -1);
}

static void test_basic_ops(void) {
    hash_seed_init();
    static struct model m;
    memset(&m, 0, sizeof(m));
    struct dict d;
    dict_init(&d);
    for (unsigned id = 0; id < 1000; id++) ASSERT(put(&d, &m, id));
    ASSERT(dict_count(&d) == 1000);
    ASSERT(consistent(&d, &m));
    for (unsigned id = 0; id < 1000; id += 2) ASSERT(put(&d, &m, id)); /* replace */
    ASSERT(dict_count(&d) == 1000);
    for (unsigned id = 0; id < 2000; id++) ASSERT(lookup(&d, &m, id));
    for (unsigned id = 1; id < 1000; id += 2) ASSERT(del(&d, &m, id));
    ASSERT(dict_count(&d) == 500);
    ASSERT(del(&d, &m, 1)); /* absent: nothing happens */
    ASSERT(dict_count(&d) == 500);
    while (dict_rehash_for(&d, 1000)) {
    }
    ASSERT(consistent(&d, &m));
    dict_clear(&d);
    ASSERT(dict_count(&d) == 0 && d.size[0] == 0 && d.t[0] == NULL);
}

struct stress_stats {
    size_t ops;
    size_t max_size;
    size_t shrinks;    /* times a smaller table was started */
    size_t grows;      /* times a larger one was */
    size_t rehash_ops; /* operations done while a rehash was in progress */
};

/* One operation chosen with the given percentages. */
static int one_op(struct dict *d, struct model *m, int pct_put, int pct_del,
                  struct stress_stats *s) {
    int r = (int)rnd_below(100);
    int ok = 1;
    if (d->rehash >= 0) s->rehash_ops++;
    if (r < pct_put) {
        unsigned id = rnd_below(8) == 0 && m->count ? m->dense[rnd_below((unsigned)m->count)]
                                                   : rnd_below(UNIVERSE);
        ok = put(d, m, id);
    } else if (r < pct_put + pct_del) {
        unsigned id = rnd_below(10) && m->count ? m->dense[rnd_below((unsigned)m->count)]
                                                : rnd_below(UNIVERSE);
        ok = del(d, m, id);
        if (rnd_below(16) == 0) {
            size_t before = d->size[0];
            int was = d->rehash >= 0;
            dict_maybe_shrink(d);
            if (!was && d->rehash >= 0 && d->size[1] < before) s->shrinks++;
        }
    } else if (r < 90) {
        ok = lookup(d, m, rnd_below(UNIVERSE));
    } else if (r < 95) {
        dict_rehash_for(d, rnd_below(2)); /* 0 or 1 us: roughly one step */
    } else {
        struct kv *o = dict_random(d);
        if (m->count == 0) ok = o == NULL;
        else ok = o != NULL && key_id(o) != UINT32_MAX && m->present[key_id(o)];
    }
    if (d->size[0] + d->size[1] > s->max_size) s->max_size = d->size[0] + d->size[1];
    s->ops++;
    return ok && dict_count(d) == m->count;
}

/* Grow to ~40k keys and back down to a handful, MODEL_CYCLES times over
 * (each cycle is well over 100k operations). */
static void test_random_against_model(void) {
    hash_seed_init();
    static struct model m;
    memset(&m, 0, sizeof(m));
    struct dict d;
    struct stress_stats s = {0};
    dict_init(&d);
    for (int cycle = 0; cycle < MODEL_CYCLES; cycle++) {
        while (m.count < 40000) {
            size_t before = d.size[0];
            int was = d.rehash >= 0;
            ASSERT(one_op(&d, &m, 60, 10, &s));
            if (!was && d.rehash >= 0 && d.size[1] > before) s.grows++;
            if (s.ops % 20000 == 0) ASSERT(consistent(&d, &m));
        }
        ASSERT(consistent(&d, &m));
        while (m.count > 50) {
            ASSERT(one_op(&d, &m, 10, 60, &s));
            if (s.ops % 20000 == 0) ASSERT(consistent(&d, &m));
        }
        ASSERT(consistent(&d, &m));
        /* finish any rehash; then the table must have shrunk to fit */
        while (dict_rehash_for(&d, 1000)) {
        }
        dict_maybe_shrink(&d);
        while (dict_rehash_for(&d, 1000)) {
        }
        ASSERT(d.size[0] <= 1024);
        ASSERT(consistent(&d, &m));
        for (unsigned id = 0; id < UNIVERSE; id += 3) ASSERT(lookup(&d, &m, id));
    }
    ASSERT(s.ops > 100000);
    ASSERT(s.max_size >= 40000 / DICT_SLOTS);
    ASSERT(s.shrinks >= 2 * MODEL_CYCLES);
    ASSERT(s.grows >= 10);
    ASSERT(s.rehash_ops > 1000);
    dict_clear(&d);
    ASSERT(dict_count(&d) == 0);
}

/* dict_random only returns present keys, and over many draws reaches most of
 * them, with or without a rehash under way. */
static void test_random_entries(void) {
    hash_seed_init();
    static struct model m;
    memset(&m, 0, sizeof(m));
    static unsigned char hit[UNIVERSE];
    memset(hit, 0, sizeof(hit));
    struct dict d;
    dict_init(&d);
    for (unsigned id = 0; id < 3000; id++) ASSERT(put(&d, &m, id * 11 % UNIVERSE));
    int rehashing_seen = 0;
    for (int i = 0; i < 60000; i++) {
        if (i % 1000 == 0) { /* resize: grow past 5000 keys or shrink to 300 */
            if (m.count > 3000) {
                while (m.count > 300) ASSERT(del(&d, &m, m.dense[rnd_below((unsigned)m.count)]));
                dict_maybe_shrink(&d);
            } else {
                while (m.count < 5000) ASSERT(put(&d, &m, rnd_below(UNIVERSE)));
            }
        }
        if (d.rehash >= 0) rehashing_seen = 1;
        struct kv *o = dict_random(&d);
        ASSERT(o != NULL);
        unsigned id = key_id(o);
        ASSERT(id != UINT32_MAX && m.present[id]);
        hit[id] = 1;
    }
    size_t reached = 0;
    for (size_t i = 0; i < m.count; i++) reached += hit[m.dense[i]];
    ASSERT(reached * 2 > m.count);
    ASSERT(rehashing_seen);
    dict_clear(&d);
}

/* dict_sample: only entries of the table, only those keep() accepts, at
 * most max of them, and over many calls a good part of the keys, with the
 * table both still and in the middle of a rehash. */
static int keep_even(const struct kv *o) { return key_id(o) % 2 == 0; }

static void test_sample(void) {
    hash_seed_init();
    static struct model m;
    memset(&m, 0, sizeof(m));
    static unsigned char hit[UNIVERSE];
    memset(hit, 0, sizeof(hit));
    struct dict d;
    dict_init(&d);
    struct kv *out[16];
    ASSERT(dict_sample(&d, rnd(), out, 16, 100, NULL) == 0);
    for (unsigned id = 0; id < 4000; id++) ASSERT(put(&d, &m, id));
    int rehashing_seen = 0, empty = 0;
    for (int i = 0; i < 20000; i++) {
        if (i == 10000)
            for (unsigned id = 4000; id < 8400; id++) ASSERT(put(&d, &m, id)); /* grow: a rehash is left under way */
        if (d.rehash >= 0) rehashing_seen = 1;
        int even = i % 2;
        int n = dict_sample(&d, rnd(), out, 5, 64, even ? keep_even : NULL);
        /* 64 steps can all land on empty buckets (during the grow, half of
         * the new table is still empty), as in Redis: rare, not never
         * (about 1 sample in 6 million) */
        ASSERT(n >= 0 && n <= 5);
        empty += n == 0;
        for (int k = 0; k < n; k++) {
            unsigned id = key_id(out[k]);
            ASSERT(id != UINT32_MAX && m.present[id]);
            if (even) ASSERT(id % 2 == 0);
            hit[id] = 1;
        }
    }
    size_t reached = 0;
    for (size_t i = 0; i < m.count; i++) reached += hit[m.dense[i]];
    ASSERT(reached * 2 > m.count);
    ASSERT(empty <= 5);
    ASSERT(rehashing_seen);
    dict_clear(&d);
}

/* ------------------------------------------------------------------------ */
/* SCAN */

struct scan_ctx {
    unsigned char *seen;
    size_t visits;
    int foreign; /* an entry that is not one of ours */
};

static void scan_cb(void *ctx, struct kv *o) {
    struct scan_ctx *c = ctx;
    unsigned id = key_id(o);
    if (id == UINT32_MAX) c->foreign = 1;
    else c->seen[id] = 1;
    c->visits++;
}

#define STABLE 500    /* ids [0, STABLE) stay for the whole scan */
#define VOLATILE 20000 /* ids [STABLE, STABLE + VOLATILE) come and go */

/* Random changes to the other keys between two scan calls. */
static int churn(struct dict *d, struct model *m, unsigned step, unsigned burst_every) {
    for (int i = (int)rnd_below(4); i > 0; i--) {
        unsigned id = STABLE + rnd_below(VOLATILE);
        if (!(m->present[id] ? del(d, m, id) : put(d, m, id))) return 0;
    }
    if (rnd_below(16) == 0) dict_rehash_for(d, 0); /* 100 buckets */
    if (rnd_below(8) == 0) dict_maybe_shrink(d);
    if (step % burst_every == burst_every - 1) {
        if (m->count < 6000 || rnd_below(3) == 0) {
            /* growth: thousands of new keys */
            unsigned n = 1000 + rnd_below(5000);
            for (unsigned i = 0; i < n; i++)
                if (!put(d, m, STABLE + rnd_below(VOLATILE))) return 0;
        } else {
            /* shrink: drop most of the other keys */
            size_t keep = rnd_below(50);
            for (size_t i = m->count; i-- > 0;) {
                unsigned id = m->dense[i];
                if (id >= STABLE && m->count > STABLE + keep)
                    if (!del(d, m, id)) return 0;
            }
            dict_maybe_shrink(d);
        }
    }
    return 1;
}

static void test_scan_guarantee(void) {
    hash_seed_init();
    static struct model m;
    static unsigned char seen[UNIVERSE];
    size_t grew = 0, shrank = 0, rehash_calls = 0;
    for (int round = 0; round < SCAN_ROUNDS; round++) {
        memset(&m, 0, sizeof(m));
        memset(seen, 0, sizeof(seen));
        struct dict d;
        dict_init(&d);
        for (unsigned id = 0; id < STABLE; id++) ASSERT(put(&d, &m, id));
        unsigned extra = rnd_below(VOLATILE);
        for (unsigned i = 0; i < extra; i++) ASSERT(put(&d, &m, STABLE + rnd_below(VOLATILE)));
        struct scan_ctx ctx = {.seen = seen};
        unsigned long long cursor = 0;
        unsigned step = 0, burst_every = 8 + rnd_below(50);
        size_t prev_size = d.size[0];
        do {
            if (d.rehash >= 0) rehash_calls++;
            cursor = dict_scan(&d, cursor, scan_cb, &ctx);
            ASSERT(churn(&d, &m, step, burst_every));
            size_t now = d.size[d.rehash >= 0 ? 1 : 0];
            if (now > prev_size) grew++;
            if (now < prev_size) shrank++;
            prev_size = now;
            step++;
            ASSERT(step < 2000000); /* the scan must end */
        } while (cursor != 0);
        ASSERT(!ctx.foreign);
        for (unsigned id = 0; id < STABLE; id++) {
            if (!seen[id]) fprintf(stderr, "  round %d: stable key %u never returned\n", round, id);
            ASSERT(seen[id]);
        }
        ASSERT(consistent(&d, &m));
        dict_clear(&d);
    }
    /* the scans did run across resizes of both kinds and during rehash */
    ASSERT(grew > 10 && shrank > 5 && rehash_calls > 500);
}

/* Without changes a full scan returns every key exactly once (no resize, so
 * no duplicates), including while a rehash is stopped half way. */
static void test_scan_exact_when_static(void) {
    hash_seed_init();
    static struct model m;
    static unsigned char seen[UNIVERSE];
    memset(&m, 0, sizeof(m));
    struct dict d;
    dict_init(&d);
    for (unsigned id = 0; id < 5000; id++) ASSERT(put(&d, &m, id));
    for (int pass = 0; pass < 2; pass++) {
        memset(seen, 0, sizeof(seen));
        struct scan_ctx ctx = {.seen = seen};
        unsigned long long cursor = 0;
        size_t steps = 0;
        do {
            cursor = dict_scan(&d, cursor, scan_cb, &ctx);
            steps++;
        } while (cursor != 0);
        size_t distinct = 0;
        for (unsigned id = 0; id < UNIVERSE; id++) distinct += seen[id];
        ASSERT(distinct == m.count && ctx.visits == m.count);
        ASSERT(steps <= d.size[0] + d.size[1]);
        /* second pass: stop a shrink half way through its rehash */
        if (pass == 0) {
            while (dict_rehash_for(&d, 1000)) {
            }
            for (unsigned id = 0; id < 5000; id += 1) {
                if (id % 25 && !del(&d, &m, id)) break;
            }
            ASSERT(m.count == 200);
            dict_maybe_shrink(&d);
            ASSERT(d.rehash >= 0 && d.size[1] < d.size[0]);
            /* each lookup moves at most one bucket: stop with some moved */
            for (unsigned id = 0; d.used[1] < 60; id += 25) ASSERT(lookup(&d, &m, id % 5000));
            ASSERT(d.rehash >= 0 && d.used[0] > 0);
        }
    }
    dict_clear(&d);
}

static void count_cb(void *ctx, struct kv *o) {
    size_t kl;
    kv_key(o, &kl);
    if (kl > 4) (*(size_t *)ctx)++;
}

/* A table big enough that rehash gives moved pages of the old bucket array
 * back to the kernel while lookups, inserts and scans keep running; the
 * bucket memory stays within 16 bytes per key, and every key stays found. */
static void test_big_table(void) {
    hash_seed_init();
    enum { N = 150000 };
    struct dict d;
    dict_init(&d);
    char k[32];
    size_t rehashing_inserts = 0;
    for (unsigned i = 0; i < N; i++) {
        size_t kl = (size_t)sprintf(k, "big:%u", i);
        if (d.rehash >= 0) rehashing_inserts++;
        dict_add(&d, kv_new_string(k, kl, "v", 1, -1), dict_hash(k, kl));
        if (i % 97 == 0) { /* an earlier key, possibly in a moved bucket */
            unsigned j = (unsigned)rnd_below(i + 1);
            struct dict_pos pos;
            kl = (size_t)sprintf(k, "big:%u", j);
            ASSERT(dict_find(&d, k, kl, dict_hash(k, kl), &pos));
            size_t gl;
            const char *g = kv_key(dict_pos_kv(&pos), &gl);
            ASSERT(gl == kl && memcmp(g, k, kl) == 0);
        }
        if (i % 500 == 0) { /* scan steps read buckets of both tables mid-rehash */
            size_t seen = 0;
            dict_scan(&d, rnd(), count_cb, &seen);
        }
    }
    ASSERT(rehashing_inserts > 1000);
    ASSERT(d.size[0] + d.size[1] >= N / DICT_SLOTS);
    ASSERT(dict_bucket_bytes(&d) <= (size_t)N * 16 + (d.size[1] ? d.size[0] * 64 : 0));
    while (dict_rehash_for(&d, 1000)) {
    }
    ASSERT(dict_bucket_bytes(&d) <= (size_t)N * 16);
    for (unsigned i = 0; i < N; i++) {
        struct dict_pos pos;
        size_t kl = (size_t)sprintf(k, "big:%u", i);
        ASSERT(dict_find(&d, k, kl, dict_hash(k, kl), &pos));
        if (i % 2) kv_free(dict_unlink(&d, &pos));
    }
    ASSERT(dict_count(&d) == N / 2);
    dict_clear(&d);
    ASSERT(dict_count(&d) == 0 && dict_bucket_bytes(&d) == 0);
}

TEST_MAIN(test_empty_dict, test_basic_ops, test_random_against_model, test_random_entries,
          test_sample, test_scan_guarantee, test_scan_exact_when_static, test_big_table)
