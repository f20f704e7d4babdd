/*
 * dict.h - the per-shard key table: an array of 64-byte buckets of eight
 * 8-byte slots each, power-of-two sized, with incremental rehash across two
 * tables as Redis does, so growth never stalls the shard. The SCAN cursor is
 * Redis's reverse-binary one, which returns every key present for the whole
 * scan even across resizes.
 *
 * A slot holds a struct kv pointer with the top 16 bits of the key's hash in
 * the pointer's unused high bits (a tag: most non-matching slots are skipped
 * without touching the object). A bucket that overflows turns its last slot
 * into a link to a 32-byte child bucket (low bit set), so an entry always lives in
 * the chain of the bucket its hash selects; that is what SCAN's guarantee
 * needs. Entries of a chain are kept dense (no holes before the last one),
 * so a key costs its object plus 8 bytes / fill of the bucket array, and the
 * object itself needs no next pointer.
 *
 * The dict never frees objects and never hashes keys itself except while
 * moving entries between tables; callers pass the key's hash.
 */
#ifndef DB_DICT_H
#define DB_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "object.h"

#define DICT_SLOTS 8       /* slots of a bucket in the array */
#define DICT_CHILD_SLOTS 4 /* slots of a child bucket */

struct dbucket {
    uint64_t s[DICT_SLOTS]; /* 0 = empty; bit 0 set = child link (last slot only) */
};
/* A child bucket is a separately allocated uint64_t[DICT_CHILD_SLOTS]: most
 * overflowing buckets need one or two more slots, not eight. */

struct dict {
    struct dbucket *t[2];
    size_t size[2]; /* buckets, power of two or 0 */
    size_t used[2]; /* entries */
    size_t children; /* child buckets allocated, both tables */
    size_t released; /* bytes at the start of t[0] given back during a rehash */
    long long rehash; /* next bucket of t[0] to move, or -1 */
};

/* Where an entry is: its slot, the head of its chain, and which table. Valid
 * until the dict is next changed (any add, unlink or rehash step). */
struct dict_pos {
    uint64_t *slot;
    uint64_t *head; /* the chain's bucket in the array */
    int table;
};

#define DICT_PTR_MASK 0x0000fffffffffffeULL

void dict_init(struct dict *d);
static inline size_t dict_count(const struct dict *d) { return d->used[0] + d->used[1]; }
static inline int dict_is_rehashing(const struct dict *d) { return d->rehash >= 0; }
uint64_t dict_hash(const char *key, size_t len);
/* The object at pos. */
static inline struct kv *dict_pos_kv(const struct dict_pos *pos) {
    return (struct kv *)(uintptr_t)(*pos->slot & DICT_PTR_MASK);
}
/* Find key; returns 1 and fills *pos when present. Does one rehash step. */
int dict_find(struct dict *d, const char *key, size_t klen, uint64_t h, struct dict_pos *pos);
/* Insert o, whose key must not be present. Does one rehash step. */
void dict_add(struct dict *d, struct kv *o, uint64_t h);
/* An empty dict that is to get about n entries: its table sized for them
 * at once (half full), so no rehash runs while they go in. */
void dict_reserve(struct dict *d, size_t n);
/* Remove the entry at pos and return it (not freed). Other entries of the
 * same chain may move (to keep it dense). */
struct kv *dict_unlink(struct dict *d, struct dict_pos *pos);
/* Put n in place of the entry at pos (same key); returns the old one. */
struct kv *dict_swap(struct dict_pos *pos, struct kv *n);
/* Visit one cursor step; returns the next cursor (0 when done). fn may
 * unlink and free the object it is given. */
unsigned long long dict_scan(struct dict *d, unsigned long long cursor,
                             void (*fn)(void *ctx, struct kv *o), void *ctx);
/* Eviction sampling, as Redis's dictGetSomeKeys: up to `max` entries for
 * which keep() is true (NULL: all), from consecutive buckets starting at
 * the one `rnd` picks, visiting at most `steps` buckets. Returns the count.
 * Does not rehash; the entries stay in the table. */
int dict_sample(const struct dict *d, uint64_t rnd, struct kv **out, int max, size_t steps,
                int (*keep)(const struct kv *o));
/* A random entry or NULL when empty. */
struct kv *dict_random(struct dict *d);
/* Rehash for about `us` microseconds; returns 1 if more work remains. */
int dict_rehash_for(struct dict *d, long long us);
/* Start shrinking if the table is mostly empty. */
void dict_maybe_shrink(struct dict *d);
/* Free every object with kv_free and reset to empty. */
void dict_clear(struct dict *d);
/* Bytes used by the bucket arrays and child buckets. */
size_t dict_bucket_bytes(const struct dict *d);

#endif
