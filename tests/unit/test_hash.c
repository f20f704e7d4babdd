/*
 * test_hash.c - unit tests for the hash type's type_ops (src/types/hash.c):
 * the images that move hashes between shards must round-trip exactly in both
 * encodings, malformed images must be refused, and dup, mem_usage and cost
 * must describe the value. Values are built through deserialize, the same
 * way a shard receives them.
 */
#include "test.h"

#include <stdint.h>

#include "db/listpack.h"
#include "db/object.h"
#include "util/buf.h"
#include "util/util.h"

static const struct type_ops *ops(void) { return g_type_ops[OBJ_HASH]; }

static void put_str(struct buf *b, const char *s, size_t len) {
    unsigned char hdr[10];
    buf_put(b, hdr, varint_put(hdr, len));
    buf_put(b, s, len);
}

/* A hashtable image of n fields "f<i>" -> "v<i>". */
static void ht_image(struct buf *b, int n) {
    uint64_t cnt = (uint64_t)n;
    buf_putc(b, ENC_HT);
    buf_put(b, &cnt, 8);
    for (int i = 0; i < n; i++) {
        char f[32], v[32];
        int fl = snprintf(f, sizeof(f), "f%d", i), vl = snprintf(v, sizeof(v), "v%d", i);
        put_str(b, f, (size_t)fl);
        put_str(b, v, (size_t)vl);
    }
}

/* A listpack image of n pairs, values being integers to use both kinds. */
static void lp_image(struct buf *b, int n) {
    lp_t *lp = lp_new();
    for (int i = 0; i < n; i++) {
        char f[32], v[32];
        int fl = snprintf(f, sizeof(f), "f%d", i), vl = snprintf(v, sizeof(v), "%d", i * 7 - 3);
        lp = lp_append(lp, f, (size_t)fl);
        lp = lp_append(lp, v, (size_t)vl);
    }
    buf_putc(b, ENC_LISTPACK);
    buf_put(b, lp, lp_bytes(lp));
    lp_free(lp);
}

/* Deserialize `in`, serialize the result and the result of dup: all three
 * images must be equal for a listpack (same bytes) and have the same pairs
 * for a hashtable (order may differ, so compare sizes and re-deserialize). */
static int round_trip(const struct buf *in, int want_enc) {
    int enc = -1;
    void *v = ops()->deserialize(in->p, in->len, &enc);
    if (!v || enc != want_enc) return 0;
    struct buf out = {0}, out2 = {0};
    ops()->serialize(v, enc, &out);
    void *d = ops()->dup(v, enc);
    ops()->serialize(d, enc, &out2);
    int ok = out.len == in->len && out2.len == in->len;
    if (want_enc == ENC_LISTPACK) ok = ok && !memcmp(out.p, in->p, in->len) && !memcmp(out2.p, in->p, in->len);
    int enc2 = -1;
    void *again = ops()->deserialize(out2.p, out2.len, &enc2);
    ok = ok && again && enc2 == want_enc;
    if (again) ops()->free(again, enc2);
    ops()->free(v, enc);
    ops()->free(d, enc);
    buf_free(&out);
    buf_free(&out2);
    return ok;
}

static void test_registered(void) {
    ASSERT(ops() != NULL);
    ASSERT(strcmp(ops()->name, "hash") == 0);
    ASSERT(strcmp(ops()->encoding(ENC_LISTPACK), "listpack") == 0);
    ASSERT(strcmp(ops()->encoding(ENC_HT), "hashtable") == 0);
}

static void test_listpack_round_trip(void) {
    int sizes[] = {0, 1, 2, 100, 5000};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct buf b = {0};
        lp_image(&b, sizes[i]);
        ASSERT(round_trip(&b, ENC_LISTPACK));
        buf_free(&b);
    }
}

static void test_hashtable_round_trip(void) {
    int sizes[] = {0, 1, 3, 1000, 50000};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct buf b = {0};
        ht_image(&b, sizes[i]);
        ASSERT(round_trip(&b, ENC_HT));
        buf_free(&b);
    }
}

static void test_binary_and_empty_strings(void) {
    struct buf b = {0};
    uint64_t cnt = 3;
    buf_putc(&b, ENC_HT);
    buf_put(&b, &cnt, 8);
    put_str(&b, "", 0);
    put_str(&b, "empty field", 11);
    put_str(&b, "nul\0in\r\n", 8);
    put_str(&b, "", 0);
    char big[300];
    memset(big, 'x', sizeof(big));
    put_str(&b, big, sizeof(big)); /* a varint length of two bytes */
    put_str(&b, big, 200);
    ASSERT(round_trip(&b, ENC_HT));
    buf_free(&b);
}

static void test_malformed_images(void) {
    struct buf b = {0};
    int enc;
    ht_image(&b, 10);
    /* every truncation is refused */
    for (size_t n = 0; n < b.len; n++) ASSERT(ops()->deserialize(b.p, n, &enc) == NULL);
    /* trailing garbage */
    buf_putc(&b, 'x');
    ASSERT(ops()->deserialize(b.p, b.len, &enc) == NULL);
    b.len--;
    /* a count larger than the pairs present */
    uint64_t cnt = 11;
    memcpy(b.p + 1, &cnt, 8);
    ASSERT(ops()->deserialize(b.p, b.len, &enc) == NULL);
    cnt = UINT64_MAX;
    memcpy(b.p + 1, &cnt, 8);
    ASSERT(ops()->deserialize(b.p, b.len, &enc) == NULL);
    buf_free(&b);

    /* a duplicate field */
    buf_putc(&b, ENC_HT);
    cnt = 2;
    buf_put(&b, &cnt, 8);
    put_str(&b, "a", 1);
    put_str(&b, "1", 1);
    put_str(&b, "a", 1);
    put_str(&b, "2", 1);
    ASSERT(ops()->deserialize(b.p, b.len, &enc) == NULL);
    buf_free(&b);

    /* listpacks: truncated, wrong total, odd count, unknown encoding */
    lp_image(&b, 20);
    for (size_t n = 0; n < b.len; n++) ASSERT(ops()->deserialize(b.p, n, &enc) == NULL);
    b.p[5]++; /* count */
    ASSERT(ops()->deserialize(b.p, b.len, &enc) == NULL);
    b.p[5]--;
    b.p[1]++; /* total */
    ASSERT(ops()->deserialize(b.p, b.len, &enc) == NULL);
    b.p[1]--;
    b.p[0] = 42;
    ASSERT(ops()->deserialize(b.p, b.len, &enc) == NULL);
    buf_free(&b);
}

static void test_mem_usage_and_cost(void) {
    struct buf small = {0}, large = {0};
    int e1, e2;
    ht_image(&small, 10);
    ht_image(&large, 10000);
    void *s = ops()->deserialize(small.p, small.len, &e1);
    void *l = ops()->deserialize(large.p, large.len, &e2);
    ASSERT(s && l);
    ASSERT(ops()->mem_usage(s, e1) > 10 * 4);
    ASSERT(ops()->mem_usage(l, e2) > 10000 * 20);
    ASSERT(ops()->cost(l, e2) == 10000);
    ops()->free(s, e1);
    ops()->free(l, e2);
    buf_free(&small);
    buf_free(&large);

    struct buf lb = {0};
    lp_image(&lb, 50);
    void *lp = ops()->deserialize(lb.p, lb.len, &e1);
    ASSERT(lp && e1 == ENC_LISTPACK);
    ASSERT(ops()->mem_usage(lp, e1) == lb.len - 1);
    ASSERT(ops()->cost(lp, e1) == 1);
    ops()->free(lp, e1);
    buf_free(&lb);
}

/* First: the field hash is seeded once per process. */
static void test_seed(void) { hash_seed_init(); }

TEST_MAIN(test_seed, test_registered, test_listpack_round_trip, test_hashtable_round_trip,
          test_binary_and_empty_strings, test_malformed_images, test_mem_usage_and_cost)
