/*
 * test_hll.c - unit tests for the HyperLogLog representation
 * (src/types/hll.c): the hash, sparse and dense encodings, promotion,
 * merging and the estimator.
 *
 * Every expected value below was read from a real redis-server 7.0.15
 * (hll-sparse-max-bytes 3000): GET of the key after the PFADDs named in
 * the test (in hex, or the FNV-1a 64 of the bytes for a 12304-byte dense
 * value), PFCOUNT, PFDEBUG GETREG and PFDEBUG DECODE. The hash values were
 * also computed with an independent implementation of MurmurHash64A.
 */
#include "test.h"

#include <stdint.h>
#include <stdio.h>

#include "types/hll.h"

static struct hll_limit limit_3000 = {NULL, NULL, 3000, 1};

static uint64_t fnv1a64(const char *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int hex_equal(const struct rstr *s, const char *hex) {
    size_t n = strlen(hex) / 2;
    if (s->len != n) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || (unsigned char)s->p[i] != v) return 0;
    }
    return 1;
}

/* Add name0..name(n-1) ("u0", "u1", ...) one by one, as PFADD does. */
static int add_numbered(struct rstr **s, const char *prefix, int from, int to, struct hll_limit *lim) {
    char ele[32];
    int changed = 0;
    for (int i = from; i < to; i++) {
        int len = snprintf(ele, sizeof(ele), "%s%d", prefix, i);
        int r = hll_add(s, ele, (size_t)len, lim);
        if (r < 0) return -1;
        changed |= r;
    }
    return changed;
}

/* A copy of bytes as an rstr, as a value SET from elsewhere. */
static struct rstr *value_of(const char *p, size_t n) { return rstr_new(p, n, n); }

#define LIT(s) (s), (sizeof(s) - 1)

static void test_murmur_known_values(void) {
    ASSERT(hll_murmur64a(LIT(""), HLL_SEED) == 0xd8dfea6585bc9732ULL);
    ASSERT(hll_murmur64a(LIT("a"), HLL_SEED) == 0x53d2470a9b43b1a7ULL);
    ASSERT(hll_murmur64a(LIT("foo"), HLL_SEED) == 0xe64609b8b0141cb4ULL);
    ASSERT(hll_murmur64a(LIT("hello world"), HLL_SEED) == 0xa919bc3051f624b7ULL);
    ASSERT(hll_murmur64a(LIT("12345678"), HLL_SEED) == 0x95ebb86389132953ULL);
    ASSERT(hll_murmur64a(LIT("123456789"), HLL_SEED) == 0x217532cb09f2a44dULL);
    ASSERT(hll_murmur64a(LIT("abcdefghijklmno"), HLL_SEED) == 0x10350863b35a3059ULL);
    ASSERT(hll_murmur64a(LIT("abcdefghijklmnop"), HLL_SEED) == 0xd006e2f88c34e470ULL);
    ASSERT(hll_murmur64a(
               LIT("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\xff\x80"),
               HLL_SEED) == 0xadf49dc9aac1782eULL);
    /* seed 0 */
    ASSERT(hll_murmur64a(LIT(""), 0) == 0);
    ASSERT(hll_murmur64a(LIT("a"), 0) == 0x071717d2d36b6b11ULL);
    ASSERT(hll_murmur64a(LIT("hello world"), 0) == 0xd3ba2368a832afceULL);
    ASSERT(hll_murmur64a(LIT("abcdefghijklmnop"), 0) == 0xd41a085973d213baULL);
}

/* The register and value of single elements, as PFDEBUG GETREG shows
 * them after PFADD of that element alone. */
static void test_pattern_matches_getreg(void) {
    static const struct {
        const char *ele;
        long index;
        int count;
    } cases[] = {{"a", 12711, 2},
                 {"foo", 7348, 5},
                 {"hello world", 9399, 4},
                 {"12345678", 10579, 3},
                 {"123456789", 9293, 2},
                 {"abcdefghijklmno", 12377, 4},
                 {"abcdefghijklmnop", 9328, 1},
                 {"hll1415032616", 7404, 34},
                 {"hll3432701205", 14884, 33}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long index;
        int count = hll_pattern(cases[i].ele, strlen(cases[i].ele), &index);
        ASSERT(index == cases[i].index);
        ASSERT(count == cases[i].count);
    }
    /* the count never passes 51 */
    for (uint32_t x = 0; x < 100000; x++) {
        long index;
        int count = hll_pattern(&x, sizeof(x), &index);
        ASSERT(count >= 1 && count <= HLL_Q + 1 && index >= 0 && index < HLL_REGISTERS);
    }
}

static void test_new_and_header_checks(void) {
    struct rstr *s = hll_new();
    ASSERT(hex_equal(s, "48594c4c0100000000000000000000007fff"));
    ASSERT(hll_valid(s->p, s->len));
    uint64_t card = 99;
    ASSERT(hll_cache_get(s->p, &card) && card == 0);
    char *d = hll_decode(s->p, s->len);
    ASSERT(!strcmp(d, "Z:16384"));
    free(d);
    ASSERT(hll_count(s->p, s->len, NULL) == 0);
    hll_cache_set(s->p, 0x0102030405060708ULL);
    ASSERT(hll_cache_get(s->p, &card) && card == 0x0102030405060708ULL);
    hll_cache_invalidate(s->p);
    ASSERT(!hll_cache_get(s->p, &card));
    ASSERT((unsigned char)s->p[15] == 0x81);
    /* what Redis calls "not a valid HyperLogLog string value" */
    ASSERT(!hll_valid(LIT("HYLL")));
    ASSERT(!hll_valid(LIT("HYLX\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff")));
    ASSERT(!hll_valid(LIT("HYLL\x02\0\0\0\0\0\0\0\0\0\0\0\x7f\xff")));
    ASSERT(!hll_valid(LIT("HYLL\x00\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"))); /* dense, short */
    ASSERT(hll_valid(LIT("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0")));          /* checked later */
    free(s);
}

/* Sparse values: byte for byte what redis-server 7.0.15 stores. */
static void test_sparse_bytes_equal_redis(void) {
    struct rstr *s = hll_new();
    ASSERT(hll_add(&s, LIT("a"), &limit_3000) == 1);
    ASSERT(hll_add(&s, LIT("b"), &limit_3000) == 1);
    ASSERT(hll_add(&s, LIT("c"), &limit_3000) == 1);
    ASSERT(hll_add(&s, LIT("a"), &limit_3000) == 0);
    /* PFADD h a b c; GET h */
    ASSERT(hex_equal(s, "48594c4c01000000000000000000008060f38050b1844bfb80425a"));
    free(s);

    s = hll_new();
    ASSERT(hll_add(&s, LIT("foo"), &limit_3000) == 1);
    ASSERT(hll_add(&s, LIT("bar"), &limit_3000) == 1);
    ASSERT(hll_add(&s, LIT("zap"), &limit_3000) == 1);
    ASSERT(hll_add(&s, LIT("a"), &limit_3000) == 1);
    ASSERT(hex_equal(s, "48594c4c0100000000000000000000805cb3904207844858804a8e844e57"));
    char *d = hll_decode(s->p, s->len);
    ASSERT(!strcmp(d, "Z:7348 v:5,1 Z:520 v:2,1 Z:2137 v:1,1 Z:2703 v:2,1 Z:3672"));
    free(d);
    free(s);

    /* PFADD u u0 .. u49 */
    s = hll_new();
    ASSERT(add_numbered(&s, "u", 0, 50, &limit_3000) == 1);
    ASSERT(hex_equal(s, "48594c4c0100000000000000000000808040fa8c4205800d80422d9440c18046058040ee8041a0802"
                        "38c415e84406184426984460380068840e180407780424a9c40e180441680419f80406e8040c98"
                        "40f84248440918041ed884452904042800b880a84410184412880410e8441388440d3803f9040"
                        "fb8842888040bd943680411680410d800c80405080425b84431d8017802280406e84415d"));
    int invalid = 0;
    ASSERT(hll_count(s->p, s->len, &invalid) == 50 && !invalid);
    free(s);
}

/* A dense value (PFADD d d0..d4999 in batches of 100), its count, and
 * the header once PFCOUNT cached it. */
static void test_dense_bytes_equal_redis(void) {
    struct rstr *s = hll_new();
    ASSERT(add_numbered(&s, "d", 0, 5000, &limit_3000) == 1);
    ASSERT(s->len == HLL_DENSE_SIZE && s->p[4] == HLL_DENSE);
    ASSERT(fnv1a64(s->p, s->len) == 0xbdaf6272b2ccc2d0ULL);
    uint64_t card = hll_count(s->p, s->len, NULL);
    ASSERT(card == 5037);
    hll_cache_set(s->p, card);
    ASSERT(fnv1a64(s->p, s->len) == 0x78600a6ea1202bc8ULL);
    /* the same value SET elsewhere reads the same */
    struct rstr *copy = value_of(s->p, s->len);
    ASSERT(hll_valid(copy->p, copy->len));
    ASSERT(hll_add(&copy, LIT("d17"), &limit_3000) == 0);
    ASSERT(hll_count(copy->p, copy->len, NULL) == 5037);
    free(copy);
    free(s);
}

/* Random registers set on a sparse value (no size limit) against a plain
 * array: the sparse value, its dense form and a merge all agree. */
static void test_sparse_dense_round_trip(void) {
    static uint8_t plain[HLL_REGISTERS], max[HLL_REGISTERS];
    struct hll_limit unlimited = {NULL, NULL, (size_t)-1, 1};
    uint64_t x = 88172645463325252ULL;
    for (int round = 0; round < 20; round++) {
        struct rstr *s = hll_new();
        memset(plain, 0, sizeof(plain));
        int sets = 1 + round * 50;
        for (int k = 0; k < sets; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            long i = (long)(x % HLL_REGISTERS);
            /* runs of neighbours too, so VAL runs form and join */
            if (k % 3 == 0 && i > 0) i = (i & ~3L);
            int v = 1 + (int)((x >> 20) % 32);
            int want = v > plain[i];
            ASSERT(hll_set(&s, i, v, &unlimited) == want);
            if (want) plain[i] = (uint8_t)v;
        }
        ASSERT(s->p[4] == HLL_SPARSE);
        int invalid = 0;
        uint64_t card = hll_count(s->p, s->len, &invalid);
        ASSERT(!invalid);
        ASSERT(card == hll_count_registers(plain));
        memset(max, 0, sizeof(max));
        ASSERT(hll_merge(max, s->p, s->len) == 0);
        ASSERT(!memcmp(max, plain, sizeof(plain)));
        ASSERT(hll_to_dense(&s) == 1);
        ASSERT(hll_to_dense(&s) == 0);
        ASSERT(s->len == HLL_DENSE_SIZE);
        for (long i = 0; i < HLL_REGISTERS; i++) ASSERT(hll_dense_get(s->p, i) == plain[i]);
        ASSERT(hll_count(s->p, s->len, NULL) == card);
        free(s);
    }
}

/* Promotion: past hll-sparse-max-bytes, and for a value above 32. */
static void test_promotion(void) {
    /* redis-server with hll-sparse-max-bytes 100: PFADD p p:0, p:1, ...
     * one at a time stays sparse through p:27 (99 bytes), p:28 makes it
     * dense */
    struct hll_limit small = {NULL, NULL, 100, 1};
    struct rstr *s = hll_new();
    ASSERT(add_numbered(&s, "p:", 0, 28, &small) == 1);
    ASSERT(s->p[4] == HLL_SPARSE && s->len == 99);
    ASSERT(add_numbered(&s, "p:", 28, 29, &small) == 1);
    ASSERT(s->p[4] == HLL_DENSE && s->len == HLL_DENSE_SIZE);
    ASSERT(hll_count(s->p, s->len, NULL) == 29);
    free(s);
    /* the default 3000: dense at the 1671st element, 1686 counted */
    s = hll_new();
    ASSERT(add_numbered(&s, "p:", 0, 1670, &limit_3000) == 1);
    ASSERT(s->p[4] == HLL_SPARSE && s->len == 2999);
    ASSERT(add_numbered(&s, "p:", 1670, 1671, &limit_3000) == 1);
    ASSERT(s->p[4] == HLL_DENSE);
    ASSERT(hll_count(s->p, s->len, NULL) == 1686);
    free(s);
    /* "hll1415032616" offers 34 to register 7404: no VAL opcode holds it */
    s = hll_new();
    ASSERT(hll_add(&s, LIT("a"), &limit_3000) == 1);
    ASSERT(hll_add(&s, LIT("hll1415032616"), &limit_3000) == 1);
    ASSERT(s->p[4] == HLL_DENSE);
    ASSERT(hll_dense_get(s->p, 7404) == 34);
    ASSERT(hll_dense_get(s->p, 12711) == 2);
    ASSERT(hll_count(s->p, s->len, NULL) == 2);
    free(s);
}

/* PFMERGE m3 m1 m2 u: sparse sources give a sparse result, built by
 * raising the destination's registers in order. */
static void test_merge(void) {
    static uint8_t max[HLL_REGISTERS];
    struct rstr *m1 = hll_new(), *m2 = hll_new(), *u = hll_new(), *dest = hll_new();
    add_numbered(&u, "u", 0, 50, &limit_3000);
    hll_add(&m1, LIT("a"), &limit_3000);
    hll_add(&m1, LIT("b"), &limit_3000);
    hll_add(&m1, LIT("c"), &limit_3000);
    hll_add(&m2, LIT("foo"), &limit_3000);
    hll_add(&m2, LIT("bar"), &limit_3000);
    hll_add(&m2, LIT("zap"), &limit_3000);
    hll_add(&m2, LIT("a"), &limit_3000);
    memset(max, 0, sizeof(max));
    ASSERT(hll_merge(max, m1->p, m1->len) == 0);
    ASSERT(hll_merge(max, m2->p, m2->len) == 0);
    ASSERT(hll_merge(max, u->p, u->len) == 0);
    ASSERT(hll_count_registers(max) == 56);
    for (long i = 0; i < HLL_REGISTERS; i++)
        if (max[i]) ASSERT(hll_set(&dest, i, max[i], &limit_3000) == 1);
    hll_cache_invalidate(dest->p);
    ASSERT(dest->p[4] == HLL_SPARSE && dest->len == 169);
    ASSERT(fnv1a64(dest->p, dest->len) == 0xfceb40e322191f6dULL);
    ASSERT(hll_count(dest->p, dest->len, NULL) == 56);
    free(m1);
    free(m2);
    free(u);
    free(dest);
}

/* Values Redis answers -INVALIDOBJ for: runs that do not cover exactly
 * the 16384 registers. */
static void test_corrupted(void) {
    static uint8_t max[HLL_REGISTERS];
    static const char hdr[] = "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80";
    struct rstr *s = rstr_new(hdr, 16, 64);
    memcpy(s->p + 16, "\xff\xff", 2); /* two runs of 4 registers at 32 */
    s->len = 18;
    int invalid = 0;
    hll_count(s->p, s->len, &invalid);
    ASSERT(invalid);
    ASSERT(hll_merge(max, s->p, s->len) < 0);
    ASSERT(hll_to_dense(&s) < 0);
    ASSERT(s->p[4] == HLL_SPARSE);
    char *d = hll_decode(s->p, s->len);
    ASSERT(!strcmp(d, "v:32,4 v:32,4"));
    free(d);
    /* "foo" goes to register 7348, past the runs */
    ASSERT(hll_add(&s, LIT("foo"), &limit_3000) < 0);
    /* all zeros and then one VAL run too many */
    memcpy(s->p + 16, "\x7f\xff\x80", 3);
    s->len = 19;
    invalid = 0;
    hll_count(s->p, s->len, &invalid);
    ASSERT(invalid);
    ASSERT(hll_merge(max, s->p, s->len) < 0);
    ASSERT(hll_to_dense(&s) < 0);
    /* one register short */
    memcpy(s->p + 16, "\x7f\xfe", 2);
    s->len = 18;
    invalid = 0;
    hll_count(s->p, s->len, &invalid);
    ASSERT(invalid);
    ASSERT(hll_merge(max, s->p, s->len) < 0);
    free(s);
}

/* PFCOUNT after PFADD big el:0..el:N-1 in batches of 1000, every 10000. */
static void test_estimates_equal_redis(void) {
    static const uint64_t want[] = {10019, 20030, 30071, 39987, 49955, 59892, 69637, 79510, 89612, 98893};
    struct rstr *s = hll_new();
    for (int k = 0; k < 10; k++) {
        ASSERT(add_numbered(&s, "el:", k * 10000, (k + 1) * 10000, &limit_3000) == 1);
        ASSERT(hll_count(s->p, s->len, NULL) == want[k]);
    }
    free(s);
    /* small sets: s0..s(n-1) */
    static const int n[] = {1, 2, 3, 10, 50, 100, 200, 500, 1000};
    static const uint64_t small[] = {1, 2, 3, 10, 50, 100, 201, 504, 1003};
    for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
        s = hll_new();
        add_numbered(&s, "s", 0, n[i], &limit_3000);
        ASSERT(hll_count(s->p, s->len, NULL) == small[i]);
        free(s);
    }
}

static void test_selftest(void) {
    char why[128];
    ASSERT(hll_selftest(why, sizeof(why)) == 0);
}

TEST_MAIN(test_murmur_known_values, test_pattern_matches_getreg, test_new_and_header_checks,
          test_sparse_bytes_equal_redis, test_dense_bytes_equal_redis, test_sparse_dense_round_trip,
          test_promotion, test_merge, test_corrupted, test_estimates_equal_redis, test_selftest)
