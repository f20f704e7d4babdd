/*
 * test_numfmt.c - unit tests for ll_to_str() and ull_to_str()
 * (src/util/util.c) against the C library's own formatting.
 */
#include "test.h"

#include <limits.h>
#include <stdint.h>

#include "util/util.h"

static int same_as_printf_ll(long long v) {
    char want[32], got[32];
    int wl = snprintf(want, sizeof(want), "%lld", v);
    int gl = ll_to_str(got, v);
    return wl == gl && memcmp(want, got, (size_t)gl) == 0;
}

static int same_as_printf_ull(unsigned long long v) {
    char want[32], got[32];
    int wl = snprintf(want, sizeof(want), "%llu", v);
    int gl = ull_to_str(got, v);
    return wl == gl && memcmp(want, got, (size_t)gl) == 0;
}

static void test_edges(void) {
    long long ll[] = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1000000000, 2147483647, -1, -9, -10, -100,
                      LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
    for (size_t i = 0; i < sizeof(ll) / sizeof(ll[0]); i++) ASSERT(same_as_printf_ll(ll[i]));
    ASSERT(same_as_printf_ull(ULLONG_MAX));
    ASSERT(same_as_printf_ull(10000000000000000000ULL));
    ASSERT(same_as_printf_ull(9999999999999999999ULL));
}

static void test_every_power_of_ten_and_neighbours(void) {
    unsigned long long p = 1;
    for (int i = 0; i < 20; i++, p *= 10) {
        ASSERT(same_as_printf_ull(p));
        ASSERT(same_as_printf_ull(p - 1));
        ASSERT(same_as_printf_ull(p + 1));
        if (p <= (unsigned long long)LLONG_MAX) ASSERT(same_as_printf_ll(-(long long)p));
    }
}

static void test_random_values(void) {
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* all lengths: shift away a random number of bits */
        unsigned long long v = x >> (x % 64);
        ASSERT(same_as_printf_ull(v));
        ASSERT(same_as_printf_ll((long long)v));
        ASSERT(same_as_printf_ll(-(long long)(v >> 1)));
    }
}

TEST_MAIN(test_edges, test_every_power_of_ten_and_neighbours, test_random_values)
