/*
 * intset.h - a sorted array of distinct 64-bit integers, the small encoding
 * of a set whose members are all integers ("intset" in OBJECT ENCODING).
 *
 * Layout: one allocation, a 4-byte header (element count in the low 30 bits,
 * element width in the top 2: 0 = 16 bits, 1 = 32, 2 = 64) followed by the
 * elements in ascending order, native byte order, each `width` bytes. Every
 * element uses the narrowest width that holds the largest magnitude ever
 * added; the width only grows (as in Redis). Lookups are binary searches.
 *
 * Functions that change the set may move it and return the new pointer.
 * At most INTSET_MAX_LEN elements.
 */
#ifndef DB_INTSET_H
#define DB_INTSET_H

#include <stddef.h>
#include <stdint.h>

#define INTSET_MAX_LEN ((1u << 30) - 1)

struct intset {
    uint32_t hdr; /* len | width code << 30 */
    unsigned char data[];
};

struct intset *intset_new(void);
void intset_free(struct intset *is);
struct intset *intset_dup(const struct intset *is);
static inline uint32_t intset_len(const struct intset *is) { return is->hdr & INTSET_MAX_LEN; }
/* Element width in bytes: 2, 4 or 8. */
static inline unsigned intset_width(const struct intset *is) { return 2u << (is->hdr >> 30); }
/* Bytes of the allocation. */
size_t intset_bytes(const struct intset *is);

/* The element at index i (0 <= i < len). */
int64_t intset_get(const struct intset *is, uint32_t i);
/* 1 if v is a member. */
int intset_find(const struct intset *is, int64_t v);
/* Add v; *added is 1 if it was not there. Returns the (possibly moved) set. */
struct intset *intset_add(struct intset *is, int64_t v, int *added);
/* Remove v; *removed is 1 if it was there. Returns the (possibly moved) set. */
struct intset *intset_remove(struct intset *is, int64_t v, int *removed);
/* Build a set from an image of intset_bytes() bytes (validated: header,
 * size, strict ascending order); NULL if malformed. */
struct intset *intset_load(const void *p, size_t len);

#endif
