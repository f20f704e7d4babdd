/*
 * util.c - number parsing/formatting, clocks and the keyspace hash.
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

int str_to_ll(const char *s, size_t len, long long *out) {
    if (len == 0 || len > 20) return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-') {
        neg = 1;
        i = 1;
        if (len == 1) return 0;
    }
    if (s[i] < '1' || s[i] > '9') return 0;
    unsigned long long v = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9) return 0;
        if (v > (ULLONG_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1) return 0;
        *out = (long long)(0 - v);
    } else {
        if (v > (unsigned long long)LLONG_MAX) return 0;
        *out = (long long)v;
    }
    return 1;
}

int str_to_ld(const char *s, size_t len, long double *out) {
    char tmp[5200];
    if (len == 0 || len >= sizeof(tmp)) return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (isspace((unsigned char)tmp[0])) return 0;
    errno = 0;
    char *end;
    long double v = strtold(tmp, &end);
    if ((size_t)(end - tmp) != len) return 0;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO)) return 0;
    if (isnan(v)) return 0;
    *out = v;
    return 1;
}

int str_to_double(const char *s, size_t len, double *out) {
    char tmp[512];
    if (len == 0 || len >= sizeof(tmp)) return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (isspace((unsigned char)tmp[0])) return 0;
    errno = 0;
    char *end;
    double v = strtod(tmp, &end);
    if ((size_t)(end - tmp) != len) return 0;
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO)) return 0;
    if (isnan(v)) return 0;
    *out = v;
    return 1;
}

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

int ull_to_str(char *dst, unsigned long long v) {
    int n = 1;
    for (unsigned long long t = v; t >= 10; t /= 10) n++;
    /* from the end, two digits per division */
    char *p = dst + n;
    while (v >= 100) {
        unsigned i = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = digit_pairs[i + 1];
        *--p = digit_pairs[i];
    }
    if (v >= 10) {
        *--p = digit_pairs[v * 2 + 1];
        *--p = digit_pairs[v * 2];
    } else {
        *--p = (char)('0' + v);
    }
    return n;
}

int ll_to_str(char *dst, long long v) {
    if (v < 0) {
        dst[0] = '-';
        return 1 + ull_to_str(dst + 1, 0ULL - (unsigned long long)v);
    }
    return ull_to_str(dst, (unsigned long long)v);
}

int ld_to_str(char *dst, size_t cap, long double v) {
    if (isinf(v)) return snprintf(dst, cap, "%s", v > 0 ? "inf" : "-inf");
    int n = snprintf(dst, cap, "%.17Lf", v);
    if (n < 0 || (size_t)n >= cap) return -1;
    if (strchr(dst, '.')) {
        while (n > 0 && dst[n - 1] == '0') n--;
        if (n > 0 && dst[n - 1] == '.') n--;
        dst[n] = '\0';
    }
    if (n == 2 && dst[0] == '-' && dst[1] == '0') {
        dst[0] = '0';
        dst[1] = '\0';
        n = 1;
    }
    return n;
}

double g_ticks_per_us = 1000.0;

void ticks_calibrate(void) {
#if defined(__x86_64__)
    long long u0 = mono_us();
    unsigned long long t0 = ticks_now();
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    long long u1 = mono_us();
    unsigned long long t1 = ticks_now();
    if (u1 > u0 && t1 > t0) g_ticks_per_us = (double)(t1 - t0) / (double)(u1 - u0);
#endif
}

long long ustime(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long mstime(void) { return ustime() / 1000; }

long long mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t hash_seed;

void hash_seed_init(void) {
    if (getrandom(&hash_seed, sizeof(hash_seed), 0) != sizeof(hash_seed))
        hash_seed = (uint64_t)ustime() * 0x9E3779B97F4A7C15ULL;
}

static inline uint64_t mix(uint64_t a, uint64_t b) {
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* A multiply-mix hash over 8-byte words; the tail is read as a zero-padded
 * word, and the length is folded into the final mix. */
uint64_t hash_bytes(const void *data, size_t len) {
    const unsigned char *p = data;
    const uint64_t k1 = 0xa0761d6478bd642fULL, k2 = 0xe7037ed1a0b428dbULL;
    uint64_t h = hash_seed ^ k1;
    size_t n = len;
    while (n >= 16) {
        h = mix(load64(p) ^ k1, load64(p + 8) ^ h);
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = load64(p);
        p += 8;
        n -= 8;
    }
    for (size_t i = 0; i < n; i++) b |= (uint64_t)p[i] << (8 * i);
    h = mix(a ^ k2 ^ h, b ^ k1);
    return mix(h ^ (uint64_t)len, k2);
}

/* ASCII case folding (command names, options): no locale lookup per byte */
static inline unsigned char ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

int str_ieq(const char *a, size_t alen, const char *lit) {
    size_t i = 0;
    for (; i < alen; i++) {
        if (!lit[i] || ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)lit[i])) return 0;
    }
    return lit[i] == '\0';
}

void bytes_to_human(char *dst, size_t cap, unsigned long long n) {
    const char *units = "BKMGTP";
    if (n < 1024) {
        snprintf(dst, cap, "%lluB", n);
        return;
    }
    double d = (double)n;
    int u = 0;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    snprintf(dst, cap, "%.2f%c", d, units[u]);
}
