/*
 * test_listpack.c - unit tests for the compact entry sequence
 * (src/db/listpack.c).
 *
 * Exact sizes of each encoding are checked first. Then a long random run of
 * inserts, appends, prepends, replacements and deletes is applied both to a
 * pack and to a plain array of strings; after every batch the pack is walked
 * forwards and backwards, sought by positive and negative index and searched,
 * and every entry compared with the model. Values mix integer-looking text at
 * every width boundary, text that only looks numeric, empty strings, strings
 * around each header-size boundary up to 100000 bytes, and embedded NULs.
 * The same run is made on a one-way pack (no back-lengths), whose backward
 * walk scans from the front; images of both flavours go through lp_load,
 * which must also reject corrupted ones.
 */
#include "test.h"

#include <limits.h>
#include <malloc.h>
#include <stdint.h>

#include "db/listpack.h"
#include "util/util.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define RANDOM_OPS 120000
#else
#define RANDOM_OPS 400000
#endif

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* The flavour the shared checks build: 0 two-way, 1 one-way. */
static int oneway;

static lp_t *new_pack(void) { return oneway ? lp_new_oneway() : lp_new(); }

/* ------------------------------------------------------------------------ */
/* The model: an array of owned byte strings. */

struct str {
    char *p;
    size_t len;
};

struct model {
    struct str *v;
    size_t n, cap;
};

static void model_insert(struct model *m, size_t at, const char *s, size_t len) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = realloc(m->v, m->cap * sizeof(*m->v));
    }
    memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(*m->v));
    m->v[at].p = malloc(len ? len : 1);
    memcpy(m->v[at].p, s, len);
    m->v[at].len = len;
    m->n++;
}

static void model_delete(struct model *m, size_t at, size_t k) {
    if (at + k > m->n) k = m->n - at;
    for (size_t i = at; i < at + k; i++) free(m->v[i].p);
    memmove(m->v + at, m->v + at + k, (m->n - at - k) * sizeof(*m->v));
    m->n -= k;
}

static void model_free(struct model *m) {
    model_delete(m, 0, m->n);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------------ */
/* Values. */

static const char *const tricky[] = {
    "0",     "1",     "-1",    "127",   "128",    "-128",   "-129",   "4095",   "4096",
    "-4096", "-4097", "32767", "32768", "-32768", "-32769", "8388607", "8388608", "-8388608",
    "-8388609", "2147483647", "2147483648", "-2147483648", "-2147483649",
    "9223372036854775807", "-9223372036854775808",
    /* look numeric but are not integers to us */
    "9223372036854775808", "-9223372036854775809", "007", "+5", "-0", "00", " 1", "1 ", "1.5",
    "-", "", "12345678901234567890123", "0x10", "1e3", "18446744073709551615",
};

static char big[100001];

/* A random value in buf (cap >= 100000); returns its length. */
static size_t make_value(char *buf) {
    unsigned r = rnd_below(1000);
    if (r < 150) { /* the tricky list */
        const char *t = tricky[rnd_below(sizeof(tricky) / sizeof(tricky[0]))];
        size_t l = strlen(t);
        memcpy(buf, t, l);
        return l;
    }
    if (r < 450) { /* a random integer of random width */
        long long v;
        switch (rnd_below(6)) {
        case 0: v = (long long)rnd_below(128); break;
        case 1: v = (long long)rnd_below(8192) - 4096; break;
        case 2: v = (long long)rnd_below(65536) - 32768; break;
        case 3: v = (long long)(int32_t)(uint32_t)rnd(); break;
        case 4: v = (long long)rnd_below(1u << 24) - (1 << 23); break;
        default: v = (long long)rnd(); break;
        }
        return (size_t)ll_to_str(buf, v);
    }
    size_t len;
    if (r < 800) len = rnd_below(64);
    else if (r < 900) len = 60 + rnd_below(80);
    else if (r < 985) len = rnd_below(5000);
    else {
        static const size_t edges[] = {63, 64, 105, 106, 107, 108, 3830, 3835, 4095, 4096,
                                       16383, 16384, 65535, 65536, 100000};
        len = edges[rnd_below(sizeof(edges) / sizeof(edges[0]))];
    }
    /* mostly letters, sometimes NULs and high bytes; prefix keeps it non-numeric */
    for (size_t i = 0; i < len; i++) {
        unsigned c = rnd_below(40);
        buf[i] = c == 0 ? '\0' : c == 1 ? (char)0xff : c == 2 ? (char)0x80 : (char)('a' + c % 26);
    }
    if (len && rnd_below(2) == 0) buf[0] = 'x';
    return len;
}

/* ------------------------------------------------------------------------ */
/* Checks. */

static int entry_is(const lp_t *lp, size_t pos, const struct str *want) {
    struct lp_entry e;
    char buf[32];
    lp_get(lp, pos, &e, buf);
    if (e.len != want->len || memcmp(e.s, want->p, e.len) != 0) return 0;
    long long v;
    int num = want->len <= 20 && str_to_ll(want->p, want->len, &v);
    if (num != e.is_int || (num && v != e.v)) return 0;
    return lp_eq(lp, pos, want->p, want->len);
}

static int check_all(const lp_t *lp, const struct model *m) {
    if (lp_count(lp) != m->n) return 0;
    /* forward */
    size_t pos = lp_first(lp), i = 0;
    for (; pos != LP_NONE; pos = lp_next(lp, pos), i++)
        if (i >= m->n || !entry_is(lp, pos, &m->v[i])) return 0;
    if (i != m->n) return 0;
    /* backward */
    pos = lp_last(lp);
    for (i = m->n; pos != LP_NONE; pos = lp_prev(lp, pos)) {
        if (i == 0 || !entry_is(lp, pos, &m->v[--i])) return 0;
    }
    if (i != 0) return 0;
    /* seek, both signs, and out of range */
    for (int k = 0; k < 4 && m->n; k++) {
        size_t at = rnd_below((unsigned)m->n);
        if (!entry_is(lp, lp_seek(lp, (long long)at), &m->v[at])) return 0;
        if (!entry_is(lp, lp_seek(lp, (long long)at - (long long)m->n), &m->v[at])) return 0;
    }
    if (lp_seek(lp, (long long)m->n) != LP_NONE) return 0;
    if (lp_seek(lp, -(long long)m->n - 1) != LP_NONE) return 0;
    return 1;
}

/* lp_find from a random start and skip against the model. */
static int check_find(const lp_t *lp, const struct model *m) {
    if (m->n == 0) return lp_find(lp, lp_first(lp), "x", 1, 1) == LP_NONE;
    size_t start = rnd_below((unsigned)m->n);
    unsigned skip = 1 + rnd_below(2);
    const struct str *q = &m->v[rnd_below((unsigned)m->n)];
    char alt[32];
    struct str other = {alt, 0};
    if (rnd_below(4) == 0) { /* a value probably absent */
        other.len = (size_t)sprintf(alt, "%llu", (unsigned long long)rnd() % 100000);
        q = &other;
    }
    size_t want = SIZE_MAX;
    for (size_t i = start; i < m->n; i += skip)
        if (m->v[i].len == q->len && memcmp(m->v[i].p, q->p, q->len) == 0) {
            want = i;
            break;
        }
    size_t got = lp_find(lp, lp_seek(lp, (long long)start), q->p, q->len, skip);
    if (want == SIZE_MAX) return got == LP_NONE;
    return got == lp_seek(lp, (long long)want);
}

/* ------------------------------------------------------------------------ */

static void test_empty(void) {
    lp_t *lp = lp_new();
    ASSERT(lp_count(lp) == 0 && lp_bytes(lp) == LP_HEAD);
    ASSERT(lp_first(lp) == LP_NONE && lp_last(lp) == LP_NONE);
    ASSERT(lp_seek(lp, 0) == LP_NONE && lp_seek(lp, -1) == LP_NONE);
    ASSERT(lp_find(lp, lp_first(lp), "a", 1, 1) == LP_NONE);
    lp = lp_delete(lp, lp_first(lp), 3);
    ASSERT(lp_count(lp) == 0 && lp_bytes(lp) == LP_HEAD);
    lp_free(lp);
}

/* Bytes one appended value costs. */
static size_t cost(const char *s, size_t len) {
    lp_t *lp = new_pack();
    lp = lp_append(lp, s, len);
    size_t n = lp_bytes(lp) - LP_HEAD;
    lp_free(lp);
    return n;
}

static void test_sizes(void) {
    ASSERT(cost("0", 1) == 1);
    ASSERT(cost("127", 3) == 1);
    ASSERT(cost("128", 3) == 3);
    ASSERT(cost("-1", 2) == 3);
    ASSERT(cost("-4096", 5) == 3);
    ASSERT(cost("4095", 4) == 3);
    ASSERT(cost("4096", 4) == 4);
    ASSERT(cost("-32768", 6) == 4);
    ASSERT(cost("32768", 5) == 5);
    ASSERT(cost("8388607", 7) == 5);
    ASSERT(cost("8388608", 7) == 6);
    ASSERT(cost("-2147483648", 11) == 6);
    ASSERT(cost("2147483648", 10) == 10);
    ASSERT(cost("9223372036854775807", 19) == 10);
    ASSERT(cost("-9223372036854775808", 20) == 10);
    ASSERT(cost("", 0) == 2);
    ASSERT(cost("007", 3) == 5);
    ASSERT(cost("hello", 5) == 7);
    memset(big, 'a', sizeof(big));
    ASSERT(cost(big, 63) == 65);
    ASSERT(cost(big, 64) == 67);
    ASSERT(cost(big, 4095) == 4095 + 2 + 5);
    ASSERT(cost(big, 4096) == 4096 + 5 + 5);
    ASSERT(cost(big, 100000) == 100000 + 10);
    /* every boundary of the trailer */
    for (size_t len = 0; len < 5000; len++) {
        size_t c = cost(big, len);
        size_t body = len + (len < 64 ? 1 : len < 4096 ? 2 : 5);
        ASSERT(c > body && c <= body + 5);
    }
}

static void test_basic(void) {
    lp_t *lp = lp_new();
    lp = lp_append(lp, "b", 1);
    lp = lp_append(lp, "42", 2);
    lp = lp_prepend(lp, "a", 1);
    lp = lp_insert(lp, lp_seek(lp, 2), "-7", 2);
    /* a, b, -7, 42 */
    ASSERT(lp_count(lp) == 4);
    char buf[32];
    struct lp_entry e;
    lp_get(lp, lp_seek(lp, -2), &e, buf);
    ASSERT(e.is_int && e.v == -7 && e.len == 2 && memcmp(e.s, "-7", 2) == 0);
    lp_get(lp, lp_first(lp), &e, buf);
    ASSERT(!e.is_int && e.len == 1 && e.s[0] == 'a');
    ASSERT(lp_eq(lp, lp_last(lp), "42", 2) && !lp_eq(lp, lp_last(lp), "042", 3));
    ASSERT(lp_find(lp, lp_first(lp), "42", 2, 1) == lp_last(lp));
    ASSERT(lp_find(lp, lp_first(lp), "42", 2, 2) == LP_NONE); /* odd index */
    ASSERT(lp_find(lp, lp_first(lp), "-7", 2, 2) == lp_seek(lp, 2));
    lp_t *d = lp_dup(lp);
    ASSERT(lp_bytes(d) == lp_bytes(lp) && memcmp(d, lp, lp_bytes(lp)) == 0);
    lp_free(d);
    lp = lp_replace(lp, lp_seek(lp, 1), "a longer string than b", 22);
    ASSERT(lp_eq(lp, lp_seek(lp, 1), "a longer string than b", 22));
    ASSERT(lp_eq(lp, lp_seek(lp, 2), "-7", 2));
    lp = lp_delete(lp, lp_seek(lp, 1), 100); /* more than there are */
    ASSERT(lp_count(lp) == 1 && lp_bytes(lp) == LP_HEAD + 3);
    lp = lp_delete(lp, lp_first(lp), 1);
    ASSERT(lp_count(lp) == 0 && lp_bytes(lp) == LP_HEAD);
    lp_free(lp);
}

/* lp_load of lp's image gives the same pack. */
static int check_image(const lp_t *lp) {
    lp_t *c = lp_load((const char *)lp, lp_bytes(lp));
    int ok = c && lp_bytes(c) == lp_bytes(lp) && memcmp(c, lp, lp_bytes(lp)) == 0 &&
             lp_is_oneway(c) == lp_is_oneway(lp);
    lp_free(c);
    return ok;
}

static void random_against_model(int ops) {
    static char val[100001];
    struct model m = {0};
    lp_t *lp = new_pack();
    size_t grew = 0, shrank = 0, max_bytes = 0;
    for (int op = 0; op < ops; op++) {
        int r = (int)rnd_below(100);
        /* keep the size wandering between empty and a few hundred */
        unsigned target = (op / 20000) % 2 ? 40 : 300;
        int del_bias = m.n > target ? 20 : 0;
        size_t before = lp_bytes(lp);
        if (r < 40 - del_bias / 2) {
            size_t len = make_value(val);
            unsigned how = rnd_below(3);
            if (how == 0) {
                lp = lp_append(lp, val, len);
                model_insert(&m, m.n, val, len);
            } else if (how == 1) {
                lp = lp_prepend(lp, val, len);
                model_insert(&m, 0, val, len);
            } else {
                size_t at = rnd_below((unsigned)m.n + 1);
                lp = lp_insert(lp, at == m.n ? LP_NONE : lp_seek(lp, (long long)at), val, len);
                model_insert(&m, at, val, len);
            }
            ASSERT(lp_bytes(lp) > before);
            grew++;
        } else if (r < 60 + del_bias && m.n) {
            size_t at = rnd_below((unsigned)m.n);
            uint32_t k = rnd_below(8) ? 1 : 1 + rnd_below(6);
            lp = lp_delete(lp, lp_seek(lp, (long long)at), k);
            model_delete(&m, at, k);
            ASSERT(lp_bytes(lp) < before);
            shrank++;
        } else if (r < 80 && m.n) {
            size_t at = rnd_below((unsigned)m.n);
            size_t len = make_value(val);
            long long idx = rnd_below(2) ? (long long)at : (long long)at - (long long)m.n;
            lp = lp_replace(lp, lp_seek(lp, idx), val, len);
            /* same value back in: same size */
            if (rnd_below(8) == 0) {
                size_t b2 = lp_bytes(lp);
                lp = lp_replace(lp, lp_seek(lp, (long long)at), val, len);
                ASSERT(lp_bytes(lp) == b2);
            }
            model_delete(&m, at, 1);
            model_insert(&m, at, val, len);
            ASSERT(entry_is(lp, lp_seek(lp, (long long)at), &m.v[at]));
        } else {
            ASSERT(check_find(lp, &m));
        }
        if (lp_bytes(lp) > max_bytes) max_bytes = lp_bytes(lp);
        /* a one-way backward walk is quadratic: check it less often */
        if (op % (oneway ? 64 : 16) == 0) ASSERT(check_all(lp, &m));
        if (op % 512 == 0) ASSERT(check_image(lp));
        ASSERT(lp_is_oneway(lp) == oneway);
    }
    ASSERT(check_all(lp, &m));
    ASSERT(grew > 10000 && shrank > 10000);
    ASSERT(max_bytes > 100000);
    lp = lp_delete(lp, lp_first(lp), lp_count(lp));
    ASSERT(lp_bytes(lp) == LP_HEAD && lp_count(lp) == 0);
    lp_free(lp);
    model_free(&m);
}

static void test_random_against_model(void) {
    oneway = 0;
    random_against_model(RANDOM_OPS);
}

static void test_random_oneway(void) {
    oneway = 1;
    random_against_model(RANDOM_OPS / 2);
    oneway = 0;
}

/* One-way entries cost exactly their header and payload. */
static void test_oneway_sizes(void) {
    oneway = 1;
    ASSERT(cost("0", 1) == 1);
    ASSERT(cost("128", 3) == 2);
    ASSERT(cost("-4096", 5) == 2);
    ASSERT(cost("4096", 4) == 3);
    ASSERT(cost("9223372036854775807", 19) == 9);
    ASSERT(cost("", 0) == 1);
    ASSERT(cost("hello", 5) == 6);
    memset(big, 'a', sizeof(big));
    ASSERT(cost(big, 63) == 64);
    ASSERT(cost(big, 64) == 66);
    ASSERT(cost(big, 4095) == 4097);
    ASSERT(cost(big, 4096) == 4101);
    oneway = 0;
    /* a hash of 10 short fields and 8-byte values: 20 bytes under two-way */
    lp_t *a = lp_new(), *b = lp_new_oneway();
    char f[8];
    for (int i = 0; i < 10; i++) {
        size_t fl = (size_t)sprintf(f, "f%d", i);
        a = lp_append(lp_append(a, f, fl), "v0000000", 8);
        b = lp_append(lp_append(b, f, fl), "v0000000", 8);
    }
    ASSERT(lp_bytes(a) == LP_HEAD + 140 && lp_bytes(b) == LP_HEAD + 120);
    ASSERT(lp_count(b) == 20 && lp_eq(b, lp_last(b), "v0000000", 8));
    ASSERT(lp_eq(b, lp_prev(b, lp_last(b)), "f9", 2) && lp_prev(b, lp_first(b)) == LP_NONE);
    lp_free(a);
    lp_free(b);
}

/* lp_load rejects images whose header, sizes or back-lengths disagree. */
static void test_load_rejects(void) {
    for (int ow = 0; ow < 2; ow++) {
        lp_t *lp = ow ? lp_new_oneway() : lp_new();
        lp = lp_append(lp, "hello", 5);
        lp = lp_append(lp, "12345", 5);
        lp = lp_append(lp, big, 300);
        size_t n = lp_bytes(lp);
        ASSERT(check_image(lp));
        char *img = malloc(n + 1);
        memcpy(img, lp, n);
        ASSERT(lp_load(img, n - 1) == NULL); /* size disagrees with header */
        ASSERT(lp_load(img, 4) == NULL);
        img[4]++; /* count */
        ASSERT(lp_load(img, n) == NULL);
        memcpy(img, lp, n);
        img[LP_HEAD] = 62; /* first string claims 62 bytes: walk ends mid-entry */
        ASSERT(lp_load(img, n) == NULL);
        if (!ow) {
            memcpy(img, lp, n);
            img[LP_HEAD + 6]++; /* back-length of "hello" */
            ASSERT(lp_load(img, n) == NULL);
        }
        memcpy(img, lp, n);
        img[LP_HEAD] = 0x74; /* a 4 GB string header */
        ASSERT(lp_load(img, n) == NULL);
        free(img);
        lp_free(lp);
    }
}

/* Packs sit in the smallest allocation class that holds them, including
 * after deletes, so no pack carries growth slack. */
static void test_no_slack(void) {
    for (int ow = 0; ow < 2; ow++) {
        lp_t *lp = ow ? lp_new_oneway() : lp_new();
        char s[16];
        for (int i = 0; i < 2000; i++) {
            lp = lp_append(lp, s, (size_t)sprintf(s, "v%07d", i));
            size_t have = malloc_usable_size(lp), need = lp_bytes(lp);
            ASSERT(have >= need && have - need < 16 + need / 4);
        }
        while (lp_count(lp) > 1) {
            lp = lp_delete(lp, lp_first(lp), 7);
            size_t have = malloc_usable_size(lp), need = lp_bytes(lp);
            ASSERT(have >= need && have - need < 16 + need / 4);
        }
        lp_free(lp);
    }
}

/* Every integer-looking input round-trips to identical text, and the ones
 * str_to_ll rejects stay strings. */
static void test_integer_text(void) {
    char s[32];
    lp_t *lp = lp_new();
    for (int i = 0; i < 20000; i++) {
        long long v = (long long)rnd() >> rnd_below(64);
        if (i % 3 == 0) v = -v;
        if (i == 0) v = LLONG_MIN;
        if (i == 1) v = LLONG_MAX;
        size_t len = (size_t)ll_to_str(s, v);
        lp = lp_append(lp, s, len);
        struct lp_entry e;
        char buf[32];
        size_t last = lp_last(lp);
        lp_get(lp, last, &e, buf);
        ASSERT(e.is_int && e.v == v && e.len == len && memcmp(e.s, s, len) == 0);
        ASSERT(lp_eq(lp, last, s, len));
        if (lp_count(lp) > 64) lp = lp_delete(lp, lp_first(lp), 32);
    }
    lp_free(lp);
}

static void test_size_vs_strings(void) {
    /* 128 small fields + values, like a small hash: a couple of bytes each */
    lp_t *lp = lp_new();
    char s[32];
    for (int i = 0; i < 128; i++) {
        size_t l = (size_t)sprintf(s, "field:%d", i);
        lp = lp_append(lp, s, l);
        l = (size_t)sprintf(s, "%d", i);
        lp = lp_append(lp, s, l);
    }
    size_t fields = 0;
    for (int i = 0; i < 128; i++) fields += (size_t)snprintf(NULL, 0, "field:%d", i) + 2;
    ASSERT(lp_bytes(lp) == LP_HEAD + fields + 128);
    lp_free(lp);
}

TEST_MAIN(test_empty, test_sizes, test_basic, test_integer_text, test_size_vs_strings,
          test_oneway_sizes, test_load_rejects, test_no_slack, test_random_against_model,
          test_random_oneway)
