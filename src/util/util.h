/*
 * util.h - small string/number helpers shared by every layer: integer and
 * float parsing with Redis's strictness, fast integer formatting, time, and
 * the keyspace hash function.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parse a whole string as a signed 64-bit integer, Redis-strict: no spaces,
 * no leading '+', no leading zeros. Returns 1 on success, 0 otherwise. */
int str_to_ll(const char *s, size_t len, long long *out);
/* Parse a double the way Redis does for scores and INCRBYFLOAT: no spaces,
 * rejects nan. Returns 1 on success. */
int str_to_ld(const char *s, size_t len, long double *out);
int str_to_double(const char *s, size_t len, double *out);
/* Write v in decimal to dst (at least 21 bytes); returns the length. No NUL. */
int ll_to_str(char *dst, long long v);
int ull_to_str(char *dst, unsigned long long v);
/* Format a long double like Redis's INCRBYFLOAT (humanfriendly %.17Lf). */
int ld_to_str(char *dst, size_t cap, long double v);

long long ustime(void);
long long mstime(void);
/* Monotonic microseconds, for durations. */
long long mono_us(void);
/* A cheap tick counter for timing commands (the TSC on x86-64, else
 * nanoseconds); ticks_to_us() converts a difference. */
static inline unsigned long long ticks_now(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    return (unsigned long long)mono_us() * 1000;
#endif
}
/* Measure the tick rate once at startup. */
void ticks_calibrate(void);
extern double g_ticks_per_us;
static inline long long ticks_to_us(unsigned long long d) { return (long long)((double)d / g_ticks_per_us); }

/* Keyspace hash: fast, seeded once per process by hash_seed_init(). */
void hash_seed_init(void);
uint64_t hash_bytes(const void *p, size_t len);
/* ASCII case-insensitive comparison of a length-delimited string with a C string. */
int str_ieq(const char *a, size_t alen, const char *lit);
/* Human-readable memory size, e.g. "1.23M", like Redis's bytesToHuman. */
void bytes_to_human(char *dst, size_t cap, unsigned long long n);

#define UNUSED(x) (void)(x)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
