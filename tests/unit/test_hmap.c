/*
 * test_hmap.c - unit tests for the collection hash table (src/db/hmap.c).
 *
 * Entries are heap structs embedding struct hmap_node with their key inline.
 * A long random sequence of adds, removes, lookups, random draws and rehash
 * steps runs against a model (a presence flag per id) while the table grows
 * to ~40k entries and shrinks back, several times. The scan test checks the
 * reverse-binary cursor's guarantee across growth and shrink between calls.
 * A live-entry counter checks that hmap_clear frees every entry (and ASan
 * builds check for leaks).
 */
#include "test.h"

#include <stdint.h>

#include "db/hmap.h"
#include "util/util.h"

#define UNIVERSE 60000

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define MODEL_CYCLES 1
#define SCAN_ROUNDS 6
#else
#define MODEL_CYCLES 3
#define SCAN_ROUNDS 24
#endif

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

struct ent {
    struct hmap_node node; /* first */
    unsigned id;
    unsigned klen;
    char key[];
};

static size_t live; /* entries allocated and not freed */

static const char *ent_key(const struct hmap_node *n, size_t *len) {
    const struct ent *e = (const struct ent *)n;
    *len = e->klen;
    return e->key;
}

static void ent_free(struct hmap_node *n) {
    live--;
    free(n);
}

static const struct hmap_type ent_type = {ent_key, ent_free};

/* Keys mix lengths; every 5th contains a NUL. */
static size_t key_name(unsigned id, char *dst) {
    size_t n;
    if (id % 7 == 3) n = (size_t)sprintf(dst, "a-long-member-name-with-padding-padding:%u", id);
    else n = (size_t)sprintf(dst, "m:%u", id);
    if (id % 5 == 0) dst[0] = '\0';
    return n;
}

static struct ent *ent_new(unsigned id) {
    char k[80];
    size_t kl = key_name(id, k);
    struct ent *e = malloc(sizeof(*e) + kl);
    e->node.next = NULL;
    e->id = id;
    e->klen = (unsigned)kl;
    memcpy(e->key, k, kl);
    live++;
    return e;
}

struct model {
    unsigned char present[UNIVERSE];
    unsigned dense[UNIVERSE];
    unsigned where[UNIVERSE];
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

static struct hmap_node *find_id(struct hmap *h, unsigned id) {
    char k[80];
    size_t kl = key_name(id, k);
    return hmap_find(h, k, kl);
}

static int put(struct hmap *h, struct model *m, unsigned id) {
    struct hmap_node *n = find_id(h, id);
    if ((n != NULL) != m->present[id]) return 0;
    if (n) return ((struct ent *)n)->id == id;
    hmap_add(h, &ent_new(id)->node);
    model_add(m, id);
    return 1;
}

static int del(struct hmap *h, struct model *m, unsigned id) {
    char k[80];
    size_t kl = key_name(id, k);
    struct hmap_node *n = hmap_remove(h, k, kl);
    if ((n != NULL) != m->present[id]) return 0;
    if (!n) return 1;
    if (((struct ent *)n)->id != id) return 0;
    ent_free(n);
    model_del(m, id);
    return 1;
}

static int lookup(struct hmap *h, struct model *m, unsigned id) {
    struct hmap_node *n = find_id(h, id);
    if ((n != NULL) != m->present[id]) return 0;
    return !n || ((struct ent *)n)->id == id;
}

/* Every entry is in the model, in the bucket its hash selects, counted in
 * its table's `used`, and seen once. */
static int consistent(struct hmap *h, struct model *m) {
    static unsigned char seen[UNIVERSE];
    memset(seen, 0, sizeof(seen));
    size_t total = 0;
    for (int t = 0; t < 2; t++) {
        size_t n = 0;
        if (h->size[t] && (h->size[t] & (h->size[t] - 1))) return 0;
        for (size_t b = 0; b < h->size[t]; b++) {
            for (struct hmap_node *x = h->t[t][b]; x; x = x->next) {
                struct ent *e = (struct ent *)x;
                if (e->id >= UNIVERSE || !m->present[e->id] || seen[e->id]) return 0;
                seen[e->id] = 1;
                if ((hash_bytes(e->key, e->klen) & (h->size[t] - 1)) != b) return 0;
                if (t == 0 && h->rehash >= 0 && (long long)b < h->rehash) return 0;
                n++;
            }
        }
        if (n != h->used[t]) return 0;
        total += n;
    }
    if (h->rehash < 0 && (h->t[1] || h->size[1])) return 0;
    return total == m->count && hmap_count(h) == m->count;
}

/* ------------------------------------------------------------------------ */

static void test_empty(void) {
    hash_seed_init();
    struct hmap h;
    hmap_init(&h, &ent_type);
    ASSERT(hmap_count(&h) == 0 && hmap_random(&h) == NULL);
    ASSERT(find_id(&h, 1) == NULL && hmap_remove(&h, "x", 1) == NULL);
    ASSERT(hmap_scan(&h, 0, NULL, NULL) == 0);
    ASSERT(hmap_rehash_for(&h, 1000) == 0);
    hmap_maybe_shrink(&h);
    hmap_clear(&h);
    ASSERT(hmap_count(&h) == 0 && h.rehash == -1 && hmap_bucket_bytes(&h) == 0);
}

static void count_cb(void *ctx, struct hmap_node *n) {
    (void)n;
    (*(size_t *)ctx)++;
}

static void test_basic(void) {
    hash_seed_init();
    static struct model m;
    memset(&m, 0, sizeof(m));
    struct hmap h;
    hmap_init(&h, &ent_type);
    for (unsigned id = 0; id < 1000; id++) ASSERT(put(&h, &m, id));
    for (unsigned id = 0; id < 1000; id++) ASSERT(put(&h, &m, id)); /* present */
    ASSERT(hmap_count(&h) == 1000 && consistent(&h, &m));
    ASSERT(hmap_bucket_bytes(&h) >= 1024 * sizeof(void *));
    for (unsigned id = 0; id < 2000; id++) ASSERT(lookup(&h, &m, id));
    size_t n = 0;
    hmap_each(&h, count_cb, &n);
    ASSERT(n == 1000);
    for (unsigned id = 1; id < 1000; id += 2) ASSERT(del(&h, &m, id));
    ASSERT(del(&h, &m, 1));
    ASSERT(hmap_count(&h) == 500 && consistent(&h, &m));
    hmap_clear(&h);
    ASSERT(live == 0 && hmap_count(&h) == 0 && h.t[0] == NULL);
    /* reusable after clear */
    memset(&m, 0, sizeof(m));
    for (unsigned id = 0; id < 100; id++) ASSERT(put(&h, &m, id));
    ASSERT(consistent(&h, &m));
    hmap_clear(&h);
    ASSERT(live == 0);
}

struct stats {
    size_t ops, max_size, grows, shrinks, rehash_ops;
};

static int one_op(struct hmap *h, struct model *m, int pct_put, int pct_del, struct stats *s) {
    int r = (int)rnd_below(100), ok = 1;
    size_t before = h->size[0];
    int was = h->rehash >= 0;
    if (was) s->rehash_ops++;
    if (r < pct_put) {
        unsigned id = rnd_below(8) == 0 && m->count ? m->dense[rnd_below((unsigned)m->count)]
                                                   : rnd_below(UNIVERSE);
        ok = put(h, m, id);
    } else if (r < pct_put + pct_del) {
        unsigned id = rnd_below(10) && m->count ? m->dense[rnd_below((unsigned)m->count)]
                                                : rnd_below(UNIVERSE);
        ok = del(h, m, id);
    } else if (r < 90) {
        ok = lookup(h, m, rnd_below(UNIVERSE));
    } else if (r < 95) {
        hmap_rehash_for(h, rnd_below(2));
    } else {
        struct hmap_node *n = hmap_random(h);
        if (m->count == 0) ok = n == NULL;
        else ok = n != NULL && ((struct ent *)n)->id < UNIVERSE && m->present[((struct ent *)n)->id];
    }
    if (!was && h->rehash >= 0) {
        if (h->size[1] > before) s->grows++;
        else s->shrinks++;
    }
    if (h->size[0] + h->size[1] > s->max_size) s->max_size = h->size[0] + h->size[1];
    s->ops++;
    return ok && hmap_count(h) == m->count;
}

static void test_random_against_model(void) {
    hash_seed_init();
    static struct model m;
    memset(&m, 0, sizeof(m));
    struct hmap h;
    struct stats s = {0};
    hmap_init(&h, &ent_type);
    for (int cycle = 0; cycle < MODEL_CYCLES; cycle++) {
        while (m.count < 40000) {
            ASSERT(one_op(&h, &m, 60, 10, &s));
            if (s.ops % 20000 == 0) ASSERT(consistent(&h, &m));
        }
        ASSERT(consistent(&h, &m));
        while (m.count > 50) {
            ASSERT(one_op(&h, &m, 10, 60, &s));
            if (s.ops % 20000 == 0) ASSERT(consistent(&h, &m));
        }
        while (hmap_rehash_for(&h, 1000)) {
        }
        hmap_maybe_shrink(&h);
        while (hmap_rehash_for(&h, 1000)) {
        }
        /* shrinking happens on removal: the table fits its entries */
        ASSERT(h.size[0] <= 1024);
        ASSERT(consistent(&h, &m));
        for (unsigned id = 0; id < UNIVERSE; id += 3) ASSERT(lookup(&h, &m, id));
    }
    ASSERT(s.ops > 100000);
    ASSERT(s.max_size >= 65536);
    ASSERT(s.shrinks >= 2 * MODEL_CYCLES && s.grows >= 10 && s.rehash_ops > 1000);
    hmap_clear(&h);
    ASSERT(live == 0 && hmap_count(&h) == 0);
}

static void test_random_fair(void) {
    hash_seed_init();
    static struct model m;
    memset(&m, 0, sizeof(m));
    static unsigned hits[UNIVERSE];
    memset(hits, 0, sizeof(hits));
    struct hmap h;
    hmap_init(&h, &ent_type);
    for (unsigned id = 0; id < 1000; id++) ASSERT(put(&h, &m, id));
    while (hmap_rehash_for(&h, 1000)) {
    }
    for (int i = 0; i < 200000; i++) {
        struct hmap_node *n = hmap_random(&h);
        ASSERT(n && m.present[((struct ent *)n)->id]);
        hits[((struct ent *)n)->id]++;
    }
    /* 200 expected per entry; chains make it uneven but never starving */
    for (unsigned id = 0; id < 1000; id++) {
        if (hits[id] <= 20 || hits[id] >= 1000) fprintf(stderr, "  id %u drawn %u times\n", id, hits[id]);
        ASSERT(hits[id] > 20 && hits[id] < 1000);
    }
    /* during a rehash too */
    for (unsigned id = 1000; id < 1100; id++) ASSERT(put(&h, &m, id));
    ASSERT(h.rehash >= 0);
    for (int i = 0; i < 1000; i++) {
        struct hmap_node *n = hmap_random(&h);
        ASSERT(n && m.present[((struct ent *)n)->id]);
    }
    hmap_clear(&h);
    ASSERT(live == 0);
}

/* ------------------------------------------------------------------------ */
/* SCAN */

struct scan_ctx {
    unsigned char *seen;
    size_t visits;
};

static void scan_cb(void *ctx, struct hmap_node *n) {
    struct scan_ctx *c = ctx;
    c->seen[((struct ent *)n)->id] = 1;
    c->visits++;
}

#define STABLE 500
#define VOLATILE 20000

static int churn(struct hmap *h, struct model *m, unsigned step, unsigned burst_every) {
    for (int i = (int)rnd_below(4); i > 0; i--) {
        unsigned id = STABLE + rnd_below(VOLATILE);
        if (!(m->present[id] ? del(h, m, id) : put(h, m, id))) return 0;
    }
    if (rnd_below(4) == 0) hmap_rehash_for(h, 0);
    if (step % burst_every == burst_every - 1) {
        if (m->count < 6000 || rnd_below(3) == 0) {
            unsigned n = 1000 + rnd_below(5000);
            for (unsigned i = 0; i < n; i++)
                if (!put(h, m, STABLE + rnd_below(VOLATILE))) return 0;
        } else {
            size_t keep = rnd_below(50);
            for (size_t i = m->count; i-- > 0;) {
                unsigned id = m->dense[i];
                if (id >= STABLE && m->count > STABLE + keep)
                    if (!del(h, m, id)) return 0;
            }
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
        struct hmap h;
        hmap_init(&h, &ent_type);
        for (unsigned id = 0; id < STABLE; id++) ASSERT(put(&h, &m, id));
        unsigned extra = rnd_below(VOLATILE);
        for (unsigned i = 0; i < extra; i++) ASSERT(put(&h, &m, STABLE + rnd_below(VOLATILE)));
        struct scan_ctx ctx = {.seen = seen};
        unsigned long long cursor = 0;
        unsigned step = 0, burst_every = 32 + rnd_below(200);
        size_t prev = h.size[0];
        do {
            if (h.rehash >= 0) rehash_calls++;
            cursor = hmap_scan(&h, cursor, scan_cb, &ctx);
            ASSERT(churn(&h, &m, step, burst_every));
            size_t now = h.size[h.rehash >= 0 ? 1 : 0];
            grew += now > prev;
            shrank += now < prev;
            prev = now;
            ASSERT(++step < 2000000);
        } while (cursor != 0);
        for (unsigned id = 0; id < STABLE; id++) ASSERT(seen[id]);
        ASSERT(consistent(&h, &m));
        hmap_clear(&h);
        ASSERT(live == 0);
    }
    ASSERT(grew > 10 && shrank > 5 && rehash_calls > 500);
}

/* With no changes, a full scan returns each entry exactly once, also while
 * a shrink is stopped half way. */
static void test_scan_exact_when_static(void) {
    hash_seed_init();
    static struct model m;
    static unsigned char seen[UNIVERSE];
    memset(&m, 0, sizeof(m));
    struct hmap h;
    hmap_init(&h, &ent_type);
    for (unsigned id = 0; id < 5000; id++) ASSERT(put(&h, &m, id));
    while (hmap_rehash_for(&h, 1000)) {
    }
    for (int pass = 0; pass < 2; pass++) {
        memset(seen, 0, sizeof(seen));
        struct scan_ctx ctx = {.seen = seen};
        unsigned long long cursor = 0;
        do cursor = hmap_scan(&h, cursor, scan_cb, &ctx);
        while (cursor != 0);
        size_t distinct = 0;
        for (unsigned id = 0; id < UNIVERSE; id++) distinct += seen[id];
        ASSERT(distinct == m.count && ctx.visits == m.count);
        if (pass == 0) {
            /* removing down to 200 of 8192 buckets starts a shrink */
            for (unsigned id = 0; id < 5000; id++)
                if (id % 25) ASSERT(del(&h, &m, id));
            ASSERT(m.count == 200);
            if (h.rehash < 0) { /* the shrink finished: start another half way */
                for (unsigned id = 0; id < 5000; id += 25) ASSERT(del(&h, &m, id));
                for (unsigned id = 0; id < 5000; id += 25) ASSERT(put(&h, &m, id));
            }
            ASSERT(h.rehash >= 0 && h.used[0] > 0);
        }
    }
    hmap_clear(&h);
    ASSERT(live == 0);
}

TEST_MAIN(test_empty, test_basic, test_random_against_model, test_random_fair,
          test_scan_guarantee, test_scan_exact_when_static)
