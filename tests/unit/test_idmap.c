/*
 * test_idmap.c - unit tests for the ordered stream-ID map (src/db/idmap.c).
 *
 * Every operation is checked against a model: a plain sorted array of
 * (key, value) pairs searched by binary search. Besides the random run
 * (tens of thousands of keys, far more than IDM_LEAF * IDM_LEAF, so leaves
 * grow, split, shrink and vanish), the common stream patterns get their own
 * tests: appends in increasing order, removal from the front, prepends,
 * duplicates, the empty map and the extremes of the key space. After each
 * batch the leaves are also checked for their own invariants (non-empty,
 * n <= cap <= IDM_LEAF, keys strictly increasing across leaves, count).
 */
#include "test.h"

#include <stdint.h>

#include "db/idmap.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define RANDOM_OPS 60000
#else
#define RANDOM_OPS 300000
#endif

#define CHK(c)                                                                                               \
    do {                                                                                                     \
        if (!(c)) {                                                                                          \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                          \
            return 0;                                                                                        \
        }                                                                                                    \
    } while (0)

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* A value that is never NULL and tells which key it belongs to. */
static void *val_of(const struct sid *k, unsigned gen) {
    return (void *)(uintptr_t)(((k->ms * 1000003u + k->seq) << 4 | (gen & 15u)) | 1u);
}

/* ------------------------------------------------------------------------ */
/* The model: a sorted array. */

struct ment {
    struct sid k;
    void *v;
};

struct model {
    struct ment *e;
    size_t n, cap;
};

/* First index with key >= k. */
static size_t m_lower(const struct model *m, const struct sid *k) {
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sid_cmp(&m->e[mid].k, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int m_insert(struct model *m, const struct sid *k, void *v) {
    size_t at = m_lower(m, k);
    if (at < m->n && sid_cmp(&m->e[at].k, k) == 0) return 0;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->e = realloc(m->e, m->cap * sizeof(*m->e));
    }
    memmove(&m->e[at + 1], &m->e[at], (m->n - at) * sizeof(*m->e));
    m->e[at].k = *k;
    m->e[at].v = v;
    m->n++;
    return 1;
}

static void *m_remove(struct model *m, const struct sid *k) {
    size_t at = m_lower(m, k);
    if (at == m->n || sid_cmp(&m->e[at].k, k) != 0) return NULL;
    void *v = m->e[at].v;
    memmove(&m->e[at], &m->e[at + 1], (m->n - at - 1) * sizeof(*m->e));
    m->n--;
    return v;
}

static void m_free(struct model *m) {
    free(m->e);
    memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------------ */
/* Checks. */

/* The leaves' own invariants. */
static int check_structure(const struct idmap *m) {
    CHK(m->nleaf <= m->cap);
    size_t total = 0;
    const struct sid *prev = NULL;
    for (size_t i = 0; i < m->nleaf; i++) {
        const struct idm_leaf *l = m->leaf[i];
        CHK(l->n >= 1);
        CHK(l->n <= l->cap);
        CHK(l->cap <= IDM_LEAF);
        for (int j = 0; j < l->n; j++) {
            if (prev) CHK(sid_cmp(prev, &l->e[j].key) < 0);
            prev = &l->e[j].key;
        }
        total += (size_t)l->n;
    }
    CHK(total == m->count);
    CHK(idm_count(m) == total);
    if (!m->count) CHK(m->nleaf == 0);
    return 1;
}

/* A full walk both ways equals the model. */
static int check_walk(const struct idmap *m, const struct model *md) {
    CHK(idm_count(m) == md->n);
    struct idm_pos p;
    size_t i = 0;
    if (idm_first(m, &p)) {
        do {
            CHK(i < md->n);
            CHK(sid_cmp(idm_key(m, &p), &md->e[i].k) == 0);
            CHK(idm_val(m, &p) == md->e[i].v);
            i++;
        } while (idm_next(m, &p));
    }
    CHK(i == md->n);
    if (idm_last(m, &p)) {
        do {
            CHK(i > 0);
            i--;
            CHK(sid_cmp(idm_key(m, &p), &md->e[i].k) == 0);
            CHK(idm_val(m, &p) == md->e[i].v);
        } while (idm_prev(m, &p));
    }
    CHK(i == 0);
    return 1;
}

/* seek_ge / seek_le of k, then a few steps each way, against the model. */
static int check_seek(const struct idmap *m, const struct model *md, const struct sid *k) {
    struct idm_pos p;
    size_t ge = m_lower(md, k);
    int got = idm_seek_ge(m, k, &p);
    CHK(got == (ge < md->n));
    if (got) {
        CHK(sid_cmp(idm_key(m, &p), &md->e[ge].k) == 0);
        CHK(idm_val(m, &p) == md->e[ge].v);
        struct idm_pos q = p;
        for (size_t i = ge + 1; i < ge + 4; i++) {
            int ok = idm_next(m, &q);
            CHK(ok == (i < md->n));
            if (!ok) break;
            CHK(sid_cmp(idm_key(m, &q), &md->e[i].k) == 0);
        }
        q = p;
        for (size_t i = ge; i > 0 && i + 3 > ge; i--) {
            CHK(idm_prev(m, &q));
            CHK(sid_cmp(idm_key(m, &q), &md->e[i - 1].k) == 0);
        }
        if (ge == 0) CHK(!idm_prev(m, &q));
    }
    /* le: the exact key if present, else the one before ge */
    size_t le_n = ge < md->n && sid_cmp(&md->e[ge].k, k) == 0 ? ge + 1 : ge; /* keys <= k */
    got = idm_seek_le(m, k, &p);
    CHK(got == (le_n > 0));
    if (got) {
        CHK(sid_cmp(idm_key(m, &p), &md->e[le_n - 1].k) == 0);
        struct idm_pos q = p;
        int ok = idm_next(m, &q);
        CHK(ok == (le_n < md->n));
        if (ok) CHK(sid_cmp(idm_key(m, &q), &md->e[le_n].k) == 0);
        q = p;
        ok = idm_prev(m, &q);
        CHK(ok == (le_n > 1));
        if (ok) CHK(sid_cmp(idm_key(m, &q), &md->e[le_n - 2].k) == 0);
    }
    /* get */
    void *want = ge < md->n && sid_cmp(&md->e[ge].k, k) == 0 ? md->e[ge].v : NULL;
    CHK(idm_get(m, k) == want);
    return 1;
}

static int check_all(const struct idmap *m, const struct model *md, const struct sid *space, size_t nspace) {
    CHK(check_structure(m));
    CHK(check_walk(m, md));
    for (int i = 0; i < 300; i++) CHK(check_seek(m, md, &space[rnd_below((unsigned)nspace)]));
    /* keys next to present ones, and the extremes */
    for (int i = 0; i < 100 && md->n; i++) {
        struct sid k = md->e[rnd_below((unsigned)md->n)].k;
        CHK(check_seek(m, md, &k));
        struct sid a = k, b = k;
        if (a.seq)
            a.seq--;
        else if (a.ms)
            a.ms--, a.seq = UINT64_MAX;
        if (b.seq != UINT64_MAX)
            b.seq++;
        else
            b.ms++, b.seq = 0;
        CHK(check_seek(m, md, &a));
        CHK(check_seek(m, md, &b));
    }
    static const struct sid lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    CHK(check_seek(m, md, &lo));
    CHK(check_seek(m, md, &hi));
    return 1;
}

/* ------------------------------------------------------------------------ */

static void test_empty(void) {
    struct idmap m;
    idm_init(&m);
    struct idm_pos p;
    struct sid k = {1, 2}, lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    ASSERT(idm_count(&m) == 0);
    ASSERT(idm_get(&m, &k) == NULL);
    ASSERT(idm_remove(&m, &k, NULL) == 0);
    void *old = (void *)&k;
    ASSERT(idm_remove(&m, &k, &old) == 0);
    ASSERT(old == (void *)&k); /* untouched when absent */
    ASSERT(!idm_seek_ge(&m, &k, &p) && !idm_seek_le(&m, &k, &p));
    ASSERT(!idm_seek_ge(&m, &lo, &p) && !idm_seek_le(&m, &hi, &p));
    ASSERT(!idm_first(&m, &p) && !idm_last(&m, &p));
    ASSERT(idm_mem(&m) == 0);
    idm_free(&m, free);
    ASSERT(idm_count(&m) == 0);

    /* one key, then empty again: the map is usable after that */
    ASSERT(idm_insert(&m, &k, &k) == 1);
    ASSERT(idm_count(&m) == 1 && idm_get(&m, &k) == &k);
    ASSERT(idm_first(&m, &p) && sid_cmp(idm_key(&m, &p), &k) == 0);
    ASSERT(!idm_next(&m, &p));
    ASSERT(idm_last(&m, &p) && !idm_prev(&m, &p));
    ASSERT(idm_seek_ge(&m, &lo, &p) && idm_val(&m, &p) == &k);
    ASSERT(!idm_seek_ge(&m, &hi, &p));
    ASSERT(idm_seek_le(&m, &hi, &p) && idm_val(&m, &p) == &k);
    ASSERT(!idm_seek_le(&m, &lo, &p));
    struct sid after = {1, 3}, before = {1, 1};
    ASSERT(!idm_seek_ge(&m, &after, &p) && idm_seek_le(&m, &after, &p));
    ASSERT(idm_seek_ge(&m, &before, &p) && !idm_seek_le(&m, &before, &p));
    ASSERT(idm_remove(&m, &k, &old) == 1 && old == &k);
    ASSERT(idm_count(&m) == 0);
    ASSERT(!idm_first(&m, &p) && !idm_last(&m, &p) && !idm_seek_ge(&m, &lo, &p));
    ASSERT(idm_remove(&m, &k, NULL) == 0);
    ASSERT(idm_insert(&m, &hi, &hi) == 1 && idm_get(&m, &hi) == &hi);
    idm_free(&m, NULL);
    ASSERT(idm_count(&m) == 0 && idm_get(&m, &hi) == NULL);
}

static void test_key_order(void) {
    /* ms first, then seq, both unsigned over the full 64 bits */
    static const struct sid keys[] = {
        {0, 0},
        {0, 1},
        {0, UINT64_MAX},
        {1, 0},
        {1, UINT64_MAX - 1},
        {1, UINT64_MAX},
        {2, 0},
        {(uint64_t)1 << 63, 0},
        {UINT64_MAX - 1, UINT64_MAX},
        {UINT64_MAX, 0},
        {UINT64_MAX, UINT64_MAX},
    };
    size_t n = sizeof(keys) / sizeof(keys[0]);
    for (size_t i = 0; i + 1 < n; i++)
        ASSERT(sid_cmp(&keys[i], &keys[i + 1]) < 0 && sid_cmp(&keys[i + 1], &keys[i]) > 0);
    ASSERT(sid_cmp(&keys[3], &keys[3]) == 0);
    struct idmap m;
    idm_init(&m);
    /* insert in a scrambled order */
    for (size_t i = 0; i < n; i++) ASSERT(idm_insert(&m, &keys[(i * 7) % n], (void *)&keys[(i * 7) % n]));
    struct idm_pos p;
    size_t i = 0;
    ASSERT(idm_first(&m, &p));
    do
        ASSERT(idm_key(&m, &p) != &keys[i] && sid_cmp(idm_key(&m, &p), &keys[i]) == 0 &&
               idm_val(&m, &p) == &keys[i]);
    while (i++, idm_next(&m, &p));
    ASSERT(i == n);
    idm_free(&m, NULL);
}

static void test_duplicates(void) {
    struct idmap m;
    idm_init(&m);
    int a, b;
    for (uint64_t i = 0; i < 1000; i++) {
        struct sid k = {i / 3, i % 3};
        ASSERT(idm_insert(&m, &k, &a) == 1);
    }
    ASSERT(check_structure(&m));
    for (uint64_t i = 0; i < 1000; i++) {
        struct sid k = {i / 3, i % 3};
        ASSERT(idm_insert(&m, &k, &b) == 0);
        ASSERT(idm_get(&m, &k) == &a);
    }
    ASSERT(idm_count(&m) == 1000);
    ASSERT(check_structure(&m));
    /* a removed key can go in again, once */
    struct sid k = {100, 1};
    ASSERT(idm_remove(&m, &k, NULL) == 1 && idm_remove(&m, &k, NULL) == 0);
    ASSERT(idm_insert(&m, &k, &b) == 1 && idm_insert(&m, &k, &a) == 0 && idm_get(&m, &k) == &b);
    ASSERT(idm_count(&m) == 1000);
    idm_free(&m, NULL);
}

/* The stream pattern: increasing keys, so every leaf but the last is full. */
static void test_append_in_order(void) {
    struct idmap m;
    struct model md = {0};
    idm_init(&m);
    const size_t n = 20000;
    struct sid k = {1000, 0};
    for (size_t i = 0; i < n; i++) {
        if (rnd_below(3) == 0)
            k.ms += 1 + rnd_below(1000), k.seq = rnd_below(3);
        else
            k.seq++;
        void *v = val_of(&k, 0);
        ASSERT(idm_insert(&m, &k, v) == 1);
        ASSERT(m_insert(&md, &k, v));
        struct idm_pos p;
        ASSERT(idm_last(&m, &p) && sid_cmp(idm_key(&m, &p), &k) == 0);
    }
    ASSERT(idm_count(&m) == n);
    ASSERT(m.nleaf == (n + IDM_LEAF - 1) / IDM_LEAF);
    for (size_t i = 0; i + 1 < m.nleaf; i++) ASSERT(m.leaf[i]->n == IDM_LEAF);
    struct sid space[512];
    for (size_t i = 0; i < 512; i++)
        space[i] = (struct sid){1000 + rnd_below((unsigned)(k.ms - 900)), rnd_below(5)};
    ASSERT(check_all(&m, &md, space, 512));
    for (size_t i = 0; i < n; i += 97) ASSERT(idm_get(&m, &md.e[i].k) == md.e[i].v);
    idm_free(&m, NULL);
    m_free(&md);
}

/* Acknowledging or trimming: removal from the front. */
static void test_remove_from_front(void) {
    struct idmap m;
    struct model md = {0};
    idm_init(&m);
    const size_t n = 64 * 64 * 2 + 17;
    for (size_t i = 0; i < n; i++) {
        struct sid k = {i / 4, i % 4};
        ASSERT(idm_insert(&m, &k, val_of(&k, 1)) && m_insert(&md, &k, val_of(&k, 1)));
    }
    size_t mem_full = idm_mem(&m);
    size_t leaves = m.nleaf;
    for (size_t i = 0; i < n; i++) {
        struct idm_pos p;
        ASSERT(idm_first(&m, &p));
        struct sid k = *idm_key(&m, &p);
        ASSERT(k.ms == i / 4 && k.seq == i % 4);
        void *old = NULL;
        ASSERT(idm_remove(&m, &k, &old) == 1 && old == val_of(&k, 1));
        ASSERT(m_remove(&md, &k) == old);
        ASSERT(idm_count(&m) == n - i - 1);
        ASSERT(idm_get(&m, &k) == NULL);
        /* a key below every other is never found by seek_le */
        ASSERT(!idm_seek_le(&m, &k, &p));
        if (i % 500 == 0) {
            ASSERT(check_structure(&m));
            ASSERT(m.nleaf <= leaves);
            ASSERT(check_walk(&m, &md));
        }
        if (i == n / 2) ASSERT(idm_mem(&m) < mem_full);
    }
    ASSERT(idm_count(&m) == 0 && m.nleaf == 0);
    struct idm_pos p;
    ASSERT(!idm_first(&m, &p));
    idm_free(&m, NULL);
    m_free(&md);
}

/* Removal from the back and from the middle, leaves shrinking and emptying. */
static void test_remove_back_and_middle(void) {
    struct idmap m;
    struct model md = {0};
    idm_init(&m);
    const size_t n = 64 * 70;
    for (size_t i = 0; i < n; i++) {
        struct sid k = {i, 0};
        ASSERT(idm_insert(&m, &k, val_of(&k, 2)) && m_insert(&md, &k, val_of(&k, 2)));
    }
    /* every other key: each leaf halves and shrinks its slots */
    for (size_t i = 0; i < n; i += 2) {
        struct sid k = {i, 0};
        ASSERT(idm_remove(&m, &k, NULL) == 1 && m_remove(&md, &k));
    }
    ASSERT(check_structure(&m));
    ASSERT(check_walk(&m, &md));
    /* a whole leaf's worth in the middle */
    for (size_t i = 64 * 30 + 1; i < 64 * 33; i += 2) {
        struct sid k = {i, 0};
        ASSERT(idm_remove(&m, &k, NULL) == 1 && m_remove(&md, &k));
    }
    ASSERT(check_structure(&m));
    ASSERT(check_walk(&m, &md));
    /* from the back */
    while (md.n > 10) {
        struct idm_pos p;
        ASSERT(idm_last(&m, &p));
        struct sid k = *idm_key(&m, &p);
        ASSERT(sid_cmp(&k, &md.e[md.n - 1].k) == 0);
        ASSERT(idm_remove(&m, &k, NULL) == 1 && m_remove(&md, &k));
        ASSERT(!idm_seek_ge(&m, &k, &p));
    }
    ASSERT(check_structure(&m));
    ASSERT(check_walk(&m, &md));
    idm_free(&m, NULL);
    m_free(&md);
}

/* Decreasing keys (every insert at the front) and inserts into the middle of
 * full leaves: splits everywhere. */
static void test_prepend_and_splits(void) {
    struct idmap m;
    struct model md = {0};
    idm_init(&m);
    const size_t n = 64 * 64 + 500;
    for (size_t i = 0; i < n; i++) {
        struct sid k = {(n - i) * 8, 0};
        ASSERT(idm_insert(&m, &k, val_of(&k, 3)) && m_insert(&md, &k, val_of(&k, 3)));
        struct idm_pos p;
        ASSERT(idm_first(&m, &p) && sid_cmp(idm_key(&m, &p), &k) == 0);
    }
    ASSERT(check_structure(&m));
    ASSERT(check_walk(&m, &md));
    /* fill the gaps: 1..7 between every pair, in a scrambled order */
    for (uint64_t d = 1; d < 8; d++) {
        uint64_t dd = (d * 3) % 8;
        if (!dd) dd = 5;
        for (size_t i = 1; i <= n; i += 1 + (i % 3)) {
            struct sid k = {i * 8 + dd, 0};
            int want = m_insert(&md, &k, val_of(&k, 4));
            ASSERT(idm_insert(&m, &k, val_of(&k, 4)) == want);
        }
        ASSERT(check_structure(&m));
    }
    struct sid space[1024];
    for (size_t i = 0; i < 1024; i++) space[i] = (struct sid){rnd_below((unsigned)(n * 8 + 20)), 0};
    ASSERT(check_all(&m, &md, space, 1024));
    idm_free(&m, NULL);
    m_free(&md);
}

/* Random inserts, removes and lookups over a key space of 24,000 keys, the
 * map holding up to about 16,000 (many times 64 * 64). */
static void test_random_against_model(void) {
    struct idmap m;
    struct model md = {0};
    idm_init(&m);
    enum { NMS = 6000, NSEQ = 4 };
    static struct sid space[NMS * NSEQ + 2];
    size_t nspace = 0;
    for (uint64_t ms = 0; ms < NMS; ms++)
        for (uint64_t sq = 0; sq < NSEQ; sq++)
            space[nspace++] = (struct sid){ms * 3 + 5, sq == 3 ? UINT64_MAX : sq};
    space[nspace++] = (struct sid){0, 0};
    space[nspace++] = (struct sid){UINT64_MAX, UINT64_MAX};
    unsigned gen = 0;
    size_t max_n = 0;
    for (int op = 0; op < RANDOM_OPS; op++) {
        /* phases: grow, churn, shrink */
        int phase = (op / (RANDOM_OPS / 6)) % 3;
        unsigned r = rnd_below(100);
        unsigned ins = phase == 0 ? 70 : phase == 1 ? 45 : 20;
        const struct sid *k = &space[rnd_below((unsigned)nspace)];
        if (r < ins) {
            void *v = val_of(k, ++gen);
            int want = m_insert(&md, k, v);
            ASSERT(idm_insert(&m, k, v) == want);
            if (!want) ASSERT(idm_get(&m, k) == md.e[m_lower(&md, k)].v);
        } else if (r < 90) {
            void *old = NULL;
            void *want = m_remove(&md, k);
            ASSERT(idm_remove(&m, k, &old) == (want != NULL));
            if (want) ASSERT(old == want);
        } else if (r < 95) {
            ASSERT(check_seek(&m, &md, k));
        } else {
            /* replace a present value in place */
            struct idm_pos p;
            if (idm_seek_ge(&m, k, &p)) {
                size_t at = m_lower(&md, k);
                ASSERT(at < md.n && sid_cmp(&md.e[at].k, idm_key(&m, &p)) == 0);
                void *v = val_of(&md.e[at].k, ++gen);
                idm_set_val(&m, &p, v);
                md.e[at].v = v;
                ASSERT(idm_get(&m, &md.e[at].k) == v);
            }
        }
        ASSERT(idm_count(&m) == md.n);
        if (md.n > max_n) max_n = md.n;
        if (op % 20000 == 19999) ASSERT(check_all(&m, &md, space, nspace));
    }
    ASSERT(max_n > 64 * 64 * 2);
    ASSERT(check_all(&m, &md, space, nspace));
    idm_free(&m, NULL);
    m_free(&md);
}

static int freed;
static void count_free(void *v) {
    freed++;
    free(v);
}

static void test_free_values(void) {
    struct idmap m;
    idm_init(&m);
    for (int i = 0; i < 5000; i++) {
        struct sid k = {rnd() % 100000, rnd() % 3};
        int *v = malloc(sizeof(int));
        *v = i;
        if (!idm_insert(&m, &k, v)) free(v);
    }
    size_t n = idm_count(&m);
    ASSERT(n > 4000);
    ASSERT(idm_mem(&m) >= n * sizeof(struct idm_ent));
    freed = 0;
    idm_free(&m, count_free);
    ASSERT((size_t)freed == n);
    ASSERT(idm_count(&m) == 0 && m.nleaf == 0 && m.leaf == NULL);
}

TEST_MAIN(test_empty, test_key_order, test_duplicates, test_append_in_order, test_remove_from_front,
          test_remove_back_and_middle, test_prepend_and_splits, test_random_against_model, test_free_values)
