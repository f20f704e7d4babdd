/*
 * test_intset.c - unit tests for the sorted integer array (src/db/intset.c):
 * width upgrades at the 16/32/64-bit boundaries, order and membership
 * against a simple model under random adds and removes, and the load
 * validation used when a set moves between shards.
 */
#include "test.h"

#include <stdint.h>

#include "db/intset.h"

static int sorted(const struct intset *is) {
    for (uint32_t i = 1; i < intset_len(is); i++)
        if (intset_get(is, i - 1) >= intset_get(is, i)) return 0;
    return 1;
}

static void test_basic_add_find_remove(void) {
    struct intset *is = intset_new();
    int r;
    ASSERT(intset_len(is) == 0 && intset_width(is) == 2);
    is = intset_add(is, 5, &r);
    ASSERT(r == 1);
    is = intset_add(is, 6, &r);
    is = intset_add(is, 4, &r);
    is = intset_add(is, 4, &r);
    ASSERT(r == 0);
    ASSERT(intset_len(is) == 3);
    ASSERT(intset_get(is, 0) == 4 && intset_get(is, 1) == 5 && intset_get(is, 2) == 6);
    ASSERT(intset_find(is, 5) && !intset_find(is, 7) && !intset_find(is, 1LL << 40));
    is = intset_remove(is, 5, &r);
    ASSERT(r == 1 && intset_len(is) == 2 && !intset_find(is, 5));
    is = intset_remove(is, 5, &r);
    ASSERT(r == 0);
    is = intset_remove(is, 1LL << 40, &r);
    ASSERT(r == 0);
    ASSERT(intset_bytes(is) == 4 + 2 * 2);
    intset_free(is);
}

static void test_upgrades(void) {
    struct intset *is = intset_new();
    int r;
    is = intset_add(is, 32, &r);
    ASSERT(intset_width(is) == 2);
    is = intset_add(is, INT16_MAX, &r);
    ASSERT(intset_width(is) == 2);
    is = intset_add(is, INT16_MIN, &r);
    ASSERT(intset_width(is) == 2);
    is = intset_add(is, 65535, &r);
    ASSERT(intset_width(is) == 4);
    ASSERT(intset_get(is, 0) == INT16_MIN && intset_get(is, 3) == 65535);
    is = intset_add(is, INT32_MIN, &r);
    ASSERT(intset_width(is) == 4 && intset_get(is, 0) == INT32_MIN);
    is = intset_add(is, -4294967295LL, &r);
    ASSERT(intset_width(is) == 8 && intset_get(is, 0) == -4294967295LL);
    is = intset_add(is, INT64_MAX, &r);
    is = intset_add(is, INT64_MIN, &r);
    ASSERT(intset_len(is) == 8 && sorted(is));
    ASSERT(intset_get(is, 0) == INT64_MIN && intset_get(is, 7) == INT64_MAX);
    ASSERT(intset_find(is, 32) && intset_find(is, INT16_MAX) && intset_find(is, 65535));
    /* removing the wide element never narrows */
    is = intset_remove(is, INT64_MAX, &r);
    is = intset_remove(is, INT64_MIN, &r);
    is = intset_remove(is, -4294967295LL, &r);
    ASSERT(intset_width(is) == 8 && intset_len(is) == 5 && sorted(is));
    intset_free(is);
}

static unsigned long long rng = 88172645463325252ULL;
static uint64_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

#define UNIVERSE 4096
static void test_random_against_model(void) {
    static int64_t vals[UNIVERSE];
    static char present[UNIVERSE];
    for (int i = 0; i < UNIVERSE; i++) {
        int kind = i % 3;
        int64_t base = kind == 0 ? 1000 : kind == 1 ? 100000 : 10000000000LL;
        vals[i] = (int64_t)(i * base) * ((i & 1) ? -1 : 1);
        present[i] = 0;
    }
    struct intset *is = intset_new();
    uint32_t count = 0;
    for (int step = 0; step < 200000; step++) {
        int i = (int)(next_rand() % UNIVERSE);
        int r;
        if (next_rand() % 3) {
            is = intset_add(is, vals[i], &r);
            ASSERT(r == !present[i]);
            if (r) count++;
            present[i] = 1;
        } else {
            is = intset_remove(is, vals[i], &r);
            ASSERT(r == present[i]);
            if (r) count--;
            present[i] = 0;
        }
        ASSERT(intset_len(is) == count);
        if (step % 10007 == 0) {
            ASSERT(sorted(is));
            for (int j = 0; j < UNIVERSE; j++) ASSERT(intset_find(is, vals[j]) == present[j]);
        }
    }
    struct intset *d = intset_dup(is);
    ASSERT(intset_bytes(d) == intset_bytes(is) && !memcmp(d, is, intset_bytes(is)));
    intset_free(d);
    intset_free(is);
}

static void test_load_validates(void) {
    struct intset *is = intset_new();
    int r;
    for (int i = 0; i < 100; i++) is = intset_add(is, i * 7 - 300, &r);
    struct intset *l = intset_load(is, intset_bytes(is));
    ASSERT(l && intset_len(l) == 100 && intset_get(l, 99) == 99 * 7 - 300);
    intset_free(l);
    ASSERT(intset_load(is, intset_bytes(is) - 1) == NULL);
    ASSERT(intset_load(is, 3) == NULL);
    unsigned char bad[64];
    memcpy(bad, is, 4 + 4);
    uint32_t h = 2; /* two 16-bit elements */
    int16_t e[2] = {5, 5};
    memcpy(bad, &h, 4);
    memcpy(bad + 4, e, 4);
    ASSERT(intset_load(bad, 8) == NULL); /* not strictly ascending */
    h = 3u << 30;
    memcpy(bad, &h, 4);
    ASSERT(intset_load(bad, 4) == NULL); /* bad width code */
    h = 0;
    memcpy(bad, &h, 4);
    l = intset_load(bad, 4);
    ASSERT(l && intset_len(l) == 0);
    intset_free(l);
    intset_free(is);
}

TEST_MAIN(test_basic_add_find_remove, test_upgrades, test_random_against_model, test_load_validates)
