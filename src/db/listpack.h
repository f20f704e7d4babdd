/*
 * listpack.h - a compact, contiguous sequence of entries, each a byte string
 * or a 64-bit integer, used by small lists, hashes, sets and sorted sets (the
 * role Redis gives its listpack). Our own layout:
 *
 *   total bytes u32 | count u32 (bit 31: one-way) | entries...
 *   entry: header (kind + length, 1-5 bytes) | payload | back-length (1-5
 *          bytes, the entry size, read backwards for reverse traversal)
 *
 * A one-way pack leaves the back-lengths out (one byte less per small
 * string): it walks forwards as fast, but lp_prev, lp_last and negative
 * lp_seek scan from the front (O(n)). Small hashes, sets and sorted sets use
 * it; lists, which pop and read at the tail, keep the two-way layout.
 *
 * Integers that a string looks like (Redis-strict, <= 20 chars) are stored
 * as integers in the fewest bytes. Positions are byte offsets into the pack;
 * any insert or delete may move the pack (the pointer is returned) and
 * invalidates positions after the change.
 *
 * All functions run on the owning shard; nothing here allocates per read.
 */
#ifndef DB_LISTPACK_H
#define DB_LISTPACK_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned char lp_t; /* a pack is a malloc'd lp_t array */

/* One decoded entry: either a string (s, len) or an integer (is_int, v). */
struct lp_entry {
    const char *s;
    size_t len;
    long long v;
    int is_int;
};

#define LP_HEAD 8   /* bytes before the first entry */
#define LP_NONE 0   /* "no position": positions of real entries are >= LP_HEAD */

lp_t *lp_new(void);        /* two-way pack */
lp_t *lp_new_oneway(void); /* one-way pack (no back-lengths) */
int lp_is_oneway(const lp_t *lp);
/* A pack from an image of lp_bytes() bytes (as another shard sent it), or
 * NULL if the image is malformed: header, entry sizes, back-lengths and
 * count must all agree. The flavour travels in the image. */
lp_t *lp_load(const char *p, size_t len);
void lp_free(lp_t *lp);
lp_t *lp_dup(const lp_t *lp);
size_t lp_bytes(const lp_t *lp);   /* allocated size of the pack */
uint32_t lp_count(const lp_t *lp); /* number of entries */

/* Positions: first/last entry, next/previous, or LP_NONE past the ends. */
size_t lp_first(const lp_t *lp);
size_t lp_last(const lp_t *lp);
size_t lp_next(const lp_t *lp, size_t pos);
size_t lp_prev(const lp_t *lp, size_t pos);
/* Position of the index-th entry (negative counts from the end), or LP_NONE. */
size_t lp_seek(const lp_t *lp, long long index);

/* Decode the entry at pos. For integers, `buf` (>= 21 bytes) receives the
 * decimal text and e->s/e->len point at it, so callers can treat every entry
 * as a string; e->is_int/e->v tell the integer. */
void lp_get(const lp_t *lp, size_t pos, struct lp_entry *e, char *buf);
/* Compare the entry at pos with a byte string (integers compare by text). */
int lp_eq(const lp_t *lp, size_t pos, const char *s, size_t len);

/* Insert s before the entry at pos (pos == LP_NONE appends). Returns the
 * pack (possibly moved). */
lp_t *lp_insert(lp_t *lp, size_t pos, const char *s, size_t len);
lp_t *lp_append(lp_t *lp, const char *s, size_t len);
lp_t *lp_prepend(lp_t *lp, const char *s, size_t len);
/* Replace the entry at pos with s. */
lp_t *lp_replace(lp_t *lp, size_t pos, const char *s, size_t len);
/* Delete n entries starting at pos. */
lp_t *lp_delete(lp_t *lp, size_t pos, uint32_t n);
/* First entry equal to s at or after pos, stepping `skip` entries between
 * candidates (skip 1: every entry; 2: every other, for field/value pairs).
 * Returns its position or LP_NONE. */
size_t lp_find(const lp_t *lp, size_t pos, const char *s, size_t len, unsigned skip);

#endif
