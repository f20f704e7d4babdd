/*
 * hll.h - HyperLogLog values in Redis 7.0's string representation (hll.c):
 * what the commands use, lent to the unit test.
 *
 * A value is a string: a 16-byte header ("HYLL", the encoding byte, three
 * zero bytes, the cached cardinality as 8 little-endian bytes whose top bit
 * set means "stale"), then 16384 registers of 6 bits, either dense (12288
 * bytes, register i at bits i*6.. of the array, low bits first) or sparse
 * (run-length opcodes). Functions that may change a value take the struct
 * rstr holding it by address: it may grow, shrink or be replaced (the old
 * one freed), and the caller stores the new pointer back in its kv.
 */
#ifndef TYPES_HLL_H
#define TYPES_HLL_H

#include <stddef.h>
#include <stdint.h>

#include "../db/object.h"

#define HLL_P 14                   /* index bits */
#define HLL_Q (64 - HLL_P)         /* bits left for the run of zeros */
#define HLL_REGISTERS (1 << HLL_P) /* 16384 */
#define HLL_REGISTER_MAX 63
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + (HLL_REGISTERS * 6 + 7) / 8)
#define HLL_SPARSE_MAX_BYTES 3000 /* hll-sparse-max-bytes' default */
#define HLL_SEED 0xadc83b19ULL

enum { HLL_DENSE = 0, HLL_SPARSE = 1 };

/* MurmurHash64A (Austin Appleby's, public domain) over len bytes, the
 * blocks read little-endian whatever the host. */
uint64_t hll_murmur64a(const void *key, size_t len, uint64_t seed);
/* The register an element goes to (*index, 0..16383) and the value it
 * offers there (returned, 1..51): 1 + the trailing zeros of the hash's
 * upper 50 bits. */
int hll_pattern(const void *ele, size_t len, long *index);

/* 1 if the bytes pass Redis's checks of an HLL string (length, magic,
 * encoding, a dense value's exact length); the opcodes are not walked. */
int hll_valid(const char *v, size_t len);
/* A new empty HLL: sparse, one XZERO run of every register, cache valid
 * at 0. */
struct rstr *hll_new(void);

/* The most bytes (header included) a sparse value may take before it
 * turns dense: `bytes` if `known`, else asked of get(ctx) the first time
 * a sparse value is about to grow (then known). */
struct hll_limit {
    size_t (*get)(void *ctx);
    void *ctx;
    size_t bytes;
    int known;
};

/* Add an element: 1 if a register grew, 0 if not, -1 if the value is
 * corrupted (it may then hold part of the change). A sparse value turns
 * dense when it would pass the limit or a register passes 32. */
int hll_add(struct rstr **s, const void *ele, size_t len, struct hll_limit *lim);
/* Raise register index to count if it is lower: 1 raised, 0 not, -1
 * corrupted, with the same promotion rule. */
int hll_set(struct rstr **s, long index, int count, struct hll_limit *lim);
/* Make a sparse value dense: 1 converted, 0 already dense, -1 corrupted
 * (left as it was). The header, cache included, is kept. */
int hll_to_dense(struct rstr **s);

/* One register of a dense value (v at least HLL_DENSE_SIZE bytes). */
int hll_dense_get(const char *v, long index);
/* max[i] = max(max[i], register i) over a valid HLL; -1 if corrupted. */
int hll_merge(uint8_t *max, const char *v, size_t len);
/* The estimated cardinality of a valid HLL; *invalid set if a sparse
 * value's runs do not cover exactly the 16384 registers. */
uint64_t hll_count(const char *v, size_t len, int *invalid);
/* The same over 16384 one-byte registers. */
uint64_t hll_count_registers(const uint8_t *regs);

/* The cached cardinality: 1 and *card if valid. */
int hll_cache_get(const char *v, uint64_t *card);
void hll_cache_set(char *v, uint64_t card);
void hll_cache_invalidate(char *v);

/* The sparse opcodes as PFDEBUG DECODE shows them ("Z:8436 v:1,1 ..."),
 * NUL-terminated, malloc'd. */
char *hll_decode(const char *v, size_t len);

/* PFSELFTEST: 0 if every check passes, else -1 with the failure in why. */
int hll_selftest(char *why, size_t whylen);

#endif
