/*
 * hmap.h - a hash table for the members of large collections (hash fields,
 * set members, sorted-set members): chained through the entries themselves,
 * power-of-two buckets, incremental rehash across two tables, and Redis's
 * reverse-binary scan cursor (HSCAN/SSCAN/ZSCAN return every member present
 * for the whole scan, and never stall on a big table).
 *
 * An entry is caller memory starting with `struct hmap_node`; the caller
 * says where the key of an entry is through `key_of`. The table never
 * allocates or frees entries; hmap_clear calls `free_entry` on each.
 */
#ifndef DB_HMAP_H
#define DB_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_node {
    struct hmap_node *next;
};

struct hmap_type {
    /* the key bytes of an entry */
    const char *(*key_of)(const struct hmap_node *n, size_t *len);
    /* release an entry (hmap_clear); may be NULL */
    void (*free_entry)(struct hmap_node *n);
};

struct hmap {
    const struct hmap_type *type;
    struct hmap_node **t[2];
    size_t size[2], used[2];
    long long rehash; /* next bucket of t[0] to move, -1 = not rehashing */
};

void hmap_init(struct hmap *h, const struct hmap_type *type);
static inline size_t hmap_count(const struct hmap *h) { return h->used[0] + h->used[1]; }
/* The entry with this key, or NULL. One rehash step. */
struct hmap_node *hmap_find(struct hmap *h, const char *key, size_t len);
/* Insert an entry whose key is not present. */
void hmap_add(struct hmap *h, struct hmap_node *n);
/* Remove and return the entry with this key (not freed), or NULL. */
struct hmap_node *hmap_remove(struct hmap *h, const char *key, size_t len);
/* A random entry (NULL if empty). */
struct hmap_node *hmap_random(struct hmap *h);
/* One scan step (see dict.h); returns the next cursor, 0 when done. */
unsigned long long hmap_scan(struct hmap *h, unsigned long long cursor,
                             void (*fn)(void *ctx, struct hmap_node *n), void *ctx);
/* Call fn on every entry (fn must not change the table). */
void hmap_each(struct hmap *h, void (*fn)(void *ctx, struct hmap_node *n), void *ctx);
/* Free every entry with type->free_entry and the buckets; the table is empty
 * and reusable afterwards. */
void hmap_clear(struct hmap *h);
/* Bytes of the bucket arrays (entries not included). */
size_t hmap_bucket_bytes(const struct hmap *h);
/* Shrink if mostly empty; rehash for about `us` microseconds. */
void hmap_maybe_shrink(struct hmap *h);
int hmap_rehash_for(struct hmap *h, long long us);

#endif
