/*
 * dict.h - the per-shard key table: chained hashing through the objects'
 * own `next` field (no separate entries), power-of-two bucket arrays, and
 * incremental rehash across two tables as Redis does, so growth never stalls
 * the shard. The SCAN cursor is Redis's reverse-binary one, which returns
 * every key present for the whole scan even across resizes.
 *
 * The dict never frees objects and never hashes keys itself except while
 * moving entries between tables; callers pass the key's hash.
 */
#ifndef DB_DICT_H
#define DB_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "object.h"

struct dict {
    struct kv **t[2];
    size_t size[2]; /* buckets, power of two or 0 */
    size_t used[2];
    long long rehash; /* next bucket of t[0] to move, or -1 */
};

/* Where an entry hangs: the link that points at it, and in which table. */
struct dict_pos {
    struct kv **link;
    int table;
};

void dict_init(struct dict *d);
static inline size_t dict_count(const struct dict *d) { return d->used[0] + d->used[1]; }
uint64_t dict_hash(const char *key, size_t len);
/* Find key; returns 1 and fills *pos when present. Does one rehash step. */
int dict_find(struct dict *d, const char *key, size_t klen, uint64_t h, struct dict_pos *pos);
/* Insert o, whose key must not be present. */
void dict_add(struct dict *d, struct kv *o, uint64_t h);
/* Remove the entry at pos and return it (not freed). */
struct kv *dict_unlink(struct dict *d, struct dict_pos *pos);
/* Put n in place of the entry at pos (same key); returns the old one. */
struct kv *dict_swap(struct dict_pos *pos, struct kv *n);
/* Visit one cursor step; returns the next cursor (0 when done). */
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
/* Bytes used by the bucket arrays. */
size_t dict_bucket_bytes(const struct dict *d);

#endif
