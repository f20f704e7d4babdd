/*
 * hmap.c - the generic intrusive hash table of large collections (see
 * hmap.h). Same scheme as the key table in dict.c: power-of-two bucket
 * arrays, chains through the entries, and an incremental rehash that moves
 * a bucket per operation from t[0] to t[1]. The table grows at load factor
 * 1 and shrinks, on removal, when under a tenth of its buckets are used.
 */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "../util/util.h"

#define HMAP_MIN_SIZE 4

void hmap_init(struct hmap *h, const struct hmap_type *type) {
    memset(h, 0, sizeof(*h));
    h->type = type;
    h->rehash = -1;
}

static inline uint64_t node_hash(const struct hmap *h, const struct hmap_node *n) {
    size_t len;
    const char *k = h->type->key_of(n, &len);
    return hash_bytes(k, len);
}

static void start_resize(struct hmap *h, size_t size) {
    struct hmap_node **t = calloc(size, sizeof(*t));
    if (!t) abort();
    if (h->t[0] == NULL) {
        h->t[0] = t;
        h->size[0] = size;
        return;
    }
    h->t[1] = t;
    h->size[1] = size;
    h->used[1] = 0;
    h->rehash = 0;
}

/* Move up to n buckets from t[0] to t[1], visiting at most 10*n empty ones.
 * Returns 1 if the rehash is still under way. */
static int rehash_step(struct hmap *h, int n) {
    int empty_visits = n * 10;
    if (h->rehash < 0) return 0;
    while (n-- && h->used[0] != 0) {
        while (h->t[0][h->rehash] == NULL) {
            h->rehash++;
            if (--empty_visits == 0) return 1;
        }
        struct hmap_node *e = h->t[0][h->rehash];
        size_t m1 = h->size[1] - 1;
        while (e) {
            struct hmap_node *next = e->next;
            size_t idx = node_hash(h, e) & m1;
            e->next = h->t[1][idx];
            h->t[1][idx] = e;
            h->used[0]--;
            h->used[1]++;
            e = next;
        }
        h->t[0][h->rehash] = NULL;
        h->rehash++;
    }
    if (h->used[0] == 0) {
        free(h->t[0]);
        h->t[0] = h->t[1];
        h->size[0] = h->size[1];
        h->used[0] = h->used[1];
        h->t[1] = NULL;
        h->size[1] = h->used[1] = 0;
        h->rehash = -1;
        return 0;
    }
    return 1;
}

/* The link pointing at the entry with this key (and its table in *table),
 * or NULL. */
static struct hmap_node **find_link(struct hmap *h, const char *key, size_t len, int *table) {
    if (h->rehash >= 0) rehash_step(h, 1);
    if (hmap_count(h) == 0) return NULL;
    uint64_t hv = hash_bytes(key, len);
    for (int t = 0; t < 2; t++) {
        if (h->size[t] == 0) break;
        struct hmap_node **link = &h->t[t][hv & (h->size[t] - 1)];
        for (; *link; link = &(*link)->next) {
            size_t kl;
            const char *k = h->type->key_of(*link, &kl);
            if (kl == len && memcmp(k, key, len) == 0) {
                *table = t;
                return link;
            }
        }
        if (h->rehash < 0) break;
    }
    return NULL;
}

struct hmap_node *hmap_find(struct hmap *h, const char *key, size_t len) {
    int t;
    struct hmap_node **link = find_link(h, key, len, &t);
    return link ? *link : NULL;
}

void hmap_add(struct hmap *h, struct hmap_node *n) {
    if (h->rehash >= 0) rehash_step(h, 1);
    if (h->size[0] == 0) start_resize(h, HMAP_MIN_SIZE);
    else if (h->rehash < 0 && h->used[0] >= h->size[0]) start_resize(h, h->size[0] * 2);
    int t = h->rehash >= 0 ? 1 : 0;
    size_t idx = node_hash(h, n) & (h->size[t] - 1);
    n->next = h->t[t][idx];
    h->t[t][idx] = n;
    h->used[t]++;
}

struct hmap_node *hmap_remove(struct hmap *h, const char *key, size_t len) {
    int t;
    struct hmap_node **link = find_link(h, key, len, &t);
    if (!link) return NULL;
    struct hmap_node *n = *link;
    *link = n->next;
    n->next = NULL;
    h->used[t]--;
    hmap_maybe_shrink(h);
    return n;
}

/* A number below n from a thread-local xorshift64* (shards draw without
 * sharing random()'s lock); the high bits of the product are the good ones. */
static size_t rnd_below(size_t n) {
    static __thread uint64_t s;
    if (s == 0) s = (uint64_t)(uintptr_t)&s ^ (uint64_t)mono_us() ^ 0x9E3779B97F4A7C15ULL;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    uint64_t r = s * 0x2545F4914F6CDD1DULL;
    return (size_t)(((__uint128_t)r * n) >> 64);
}

struct hmap_node *hmap_random(struct hmap *h) {
    if (hmap_count(h) == 0) return NULL;
    if (h->rehash >= 0) rehash_step(h, 1);
    struct hmap_node *head = NULL;
    while (!head) {
        if (h->rehash >= 0) {
            /* buckets of t[0] below the rehash index are empty */
            size_t span = h->size[0] + h->size[1] - (size_t)h->rehash;
            size_t i = (size_t)h->rehash + rnd_below(span);
            head = i >= h->size[0] ? h->t[1][i - h->size[0]] : h->t[0][i];
        } else {
            head = h->t[0][rnd_below(h->size[0])];
        }
    }
    size_t len = 0;
    for (struct hmap_node *e = head; e; e = e->next) len++;
    for (size_t k = rnd_below(len); k; k--) head = head->next;
    return head;
}

static unsigned long long rev_bits(unsigned long long v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

static void visit_chain(struct hmap_node *e, void (*fn)(void *, struct hmap_node *), void *ctx) {
    while (e) {
        struct hmap_node *next = e->next;
        fn(ctx, e);
        e = next;
    }
}

/* Reverse-binary cursor: the high bits of the cursor are incremented, so a
 * bucket of a smaller table covers the matching buckets of a larger one and
 * resizes between calls never skip an entry (they may repeat some). While
 * rehashing, the small table's bucket and every large-table bucket that
 * expands it are visited in one step. */
unsigned long long hmap_scan(struct hmap *h, unsigned long long v,
                             void (*fn)(void *ctx, struct hmap_node *n), void *ctx) {
    if (hmap_count(h) == 0 || h->size[0] == 0) return 0;
    if (h->rehash < 0) {
        unsigned long long m0 = h->size[0] - 1;
        visit_chain(h->t[0][v & m0], fn, ctx);
        v |= ~m0;
        return rev_bits(rev_bits(v) + 1);
    }
    int small = h->size[0] <= h->size[1] ? 0 : 1, large = 1 - small;
    unsigned long long m0 = h->size[small] - 1, m1 = h->size[large] - 1;
    visit_chain(h->t[small][v & m0], fn, ctx);
    do {
        visit_chain(h->t[large][v & m1], fn, ctx);
        v |= ~m1;
        v = rev_bits(rev_bits(v) + 1);
    } while (v & (m0 ^ m1));
    return v;
}

void hmap_each(struct hmap *h, void (*fn)(void *ctx, struct hmap_node *n), void *ctx) {
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < h->size[t]; i++) visit_chain(h->t[t][i], fn, ctx);
}

void hmap_clear(struct hmap *h) {
    for (int t = 0; t < 2; t++) {
        void (*free_entry)(struct hmap_node *) = h->type->free_entry;
        for (size_t i = 0; free_entry && i < h->size[t]; i++) {
            struct hmap_node *e = h->t[t][i];
            while (e) {
                struct hmap_node *next = e->next;
                free_entry(e);
                e = next;
            }
        }
        free(h->t[t]);
    }
    hmap_init(h, h->type);
}

size_t hmap_bucket_bytes(const struct hmap *h) {
    return (h->size[0] + h->size[1]) * sizeof(struct hmap_node *);
}

void hmap_maybe_shrink(struct hmap *h) {
    if (h->rehash >= 0 || h->size[0] <= HMAP_MIN_SIZE) return;
    if (h->used[0] * 10 >= h->size[0]) return;
    size_t n = HMAP_MIN_SIZE;
    while (n < h->used[0]) n *= 2;
    start_resize(h, n);
}

int hmap_rehash_for(struct hmap *h, long long us) {
    long long start = mono_us();
    while (rehash_step(h, 100)) {
        if (mono_us() - start > us) return 1;
    }
    return 0;
}
