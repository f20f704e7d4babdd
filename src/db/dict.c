/*
 * dict.c - chained hash table with incremental rehash (see dict.h).
 */
#include "dict.h"

#include <stdlib.h>
#include <string.h>

#include "../util/util.h"

#define DICT_MIN_SIZE 4

void dict_init(struct dict *d) {
    memset(d, 0, sizeof(*d));
    d->rehash = -1;
}

uint64_t dict_hash(const char *key, size_t len) { return hash_bytes(key, len); }

static struct kv **alloc_table(size_t n) {
    struct kv **t = calloc(n, sizeof(*t));
    if (!t) abort();
    return t;
}

static void start_resize(struct dict *d, size_t size) {
    if (d->t[0] == NULL) {
        d->t[0] = alloc_table(size);
        d->size[0] = size;
        return;
    }
    d->t[1] = alloc_table(size);
    d->size[1] = size;
    d->used[1] = 0;
    d->rehash = 0;
}

static uint64_t kv_hash(const struct kv *o) {
    size_t kl;
    const char *k = kv_key(o, &kl);
    return hash_bytes(k, kl);
}

/* Move up to n buckets from t[0] to t[1]; visits at most 10*n empty ones. */
static int rehash_step(struct dict *d, int n) {
    int empty_visits = n * 10;
    if (d->rehash < 0) return 0;
    while (n-- && d->used[0] != 0) {
        while (d->t[0][d->rehash] == NULL) {
            d->rehash++;
            if (--empty_visits == 0) return 1;
        }
        struct kv *o = d->t[0][d->rehash];
        size_t m1 = d->size[1] - 1;
        while (o) {
            struct kv *next = o->next;
            size_t idx = kv_hash(o) & m1;
            o->next = d->t[1][idx];
            d->t[1][idx] = o;
            d->used[0]--;
            d->used[1]++;
            o = next;
        }
        d->t[0][d->rehash] = NULL;
        d->rehash++;
    }
    if (d->used[0] == 0) {
        free(d->t[0]);
        d->t[0] = d->t[1];
        d->size[0] = d->size[1];
        d->used[0] = d->used[1];
        d->t[1] = NULL;
        d->size[1] = d->used[1] = 0;
        d->rehash = -1;
        return 0;
    }
    return 1;
}

int dict_find(struct dict *d, const char *key, size_t klen, uint64_t h, struct dict_pos *pos) {
    if (d->rehash >= 0) rehash_step(d, 1);
    for (int t = 0; t < 2; t++) {
        if (d->size[t] == 0) break;
        struct kv **link = &d->t[t][h & (d->size[t] - 1)];
        while (*link) {
            size_t kl;
            const char *k = kv_key(*link, &kl);
            if (kl == klen && memcmp(k, key, klen) == 0) {
                pos->link = link;
                pos->table = t;
                return 1;
            }
            link = &(*link)->next;
        }
        if (d->rehash < 0) break;
    }
    return 0;
}

void dict_add(struct dict *d, struct kv *o, uint64_t h) {
    if (d->rehash >= 0) rehash_step(d, 1);
    if (d->size[0] == 0) start_resize(d, DICT_MIN_SIZE);
    else if (d->rehash < 0 && d->used[0] >= d->size[0]) start_resize(d, d->size[0] * 2);
    int t = d->rehash >= 0 ? 1 : 0;
    size_t idx = h & (d->size[t] - 1);
    o->next = d->t[t][idx];
    d->t[t][idx] = o;
    d->used[t]++;
}

struct kv *dict_unlink(struct dict *d, struct dict_pos *pos) {
    struct kv *o = *pos->link;
    *pos->link = o->next;
    o->next = NULL;
    d->used[pos->table]--;
    return o;
}

struct kv *dict_swap(struct dict_pos *pos, struct kv *n) {
    struct kv *o = *pos->link;
    n->next = o->next;
    *pos->link = n;
    o->next = NULL;
    return o;
}

static unsigned long long rev_bits(unsigned long long v) {
    unsigned long long r = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 1) | (v & 1);
        v >>= 1;
    }
    return r;
}

static void visit_bucket(struct kv *o, void (*fn)(void *, struct kv *), void *ctx) {
    while (o) {
        struct kv *next = o->next;
        fn(ctx, o);
        o = next;
    }
}

unsigned long long dict_scan(struct dict *d, unsigned long long v,
                             void (*fn)(void *ctx, struct kv *o), void *ctx) {
    if (dict_count(d) == 0 || d->size[0] == 0) return 0;
    if (d->rehash < 0) {
        unsigned long long m0 = d->size[0] - 1;
        visit_bucket(d->t[0][v & m0], fn, ctx);
        v |= ~m0;
        v = rev_bits(rev_bits(v) + 1);
        return v;
    }
    int small = d->size[0] <= d->size[1] ? 0 : 1, large = 1 - small;
    unsigned long long m0 = d->size[small] - 1, m1 = d->size[large] - 1;
    visit_bucket(d->t[small][v & m0], fn, ctx);
    do {
        visit_bucket(d->t[large][v & m1], fn, ctx);
        v |= ~m1;
        v = rev_bits(rev_bits(v) + 1);
    } while (v & (m0 ^ m1));
    return v;
}

int dict_sample(const struct dict *d, uint64_t rnd, struct kv **out, int max, size_t steps,
                int (*keep)(const struct kv *o)) {
    if (dict_count(d) == 0 || max <= 0) return 0;
    int tables = d->rehash >= 0 ? 2 : 1;
    size_t span = d->size[0];
    if (tables == 2 && d->size[1] > span) span = d->size[1];
    size_t i = (size_t)rnd & (span - 1), empty = 0;
    int n = 0;
    while (n < max && steps--) {
        int found = 0;
        for (int t = 0; t < tables; t++) {
            /* buckets of t[0] below the rehash index are empty */
            if (i >= d->size[t] || (t == 0 && tables == 2 && i < (size_t)d->rehash)) continue;
            for (const struct kv *o = d->t[t][i]; o && n < max; o = o->next) {
                found = 1;
                if (!keep || keep(o)) out[n++] = (struct kv *)o;
            }
        }
        /* a run of empty buckets (such as the unfilled half of a growing
         * table): jump elsewhere, as Redis does */
        if (!found && ++empty >= 5 && empty > (size_t)max) {
            rnd ^= rnd << 13;
            rnd ^= rnd >> 7;
            rnd ^= rnd << 17;
            i = (size_t)rnd & (span - 1);
            empty = 0;
        } else {
            if (found) empty = 0;
            i = (i + 1) & (span - 1);
        }
    }
    return n;
}

struct kv *dict_random(struct dict *d) {
    if (dict_count(d) == 0) return NULL;
    if (d->rehash >= 0) rehash_step(d, 1);
    struct kv *head = NULL;
    for (int tries = 0; !head; tries++) {
        if (d->rehash >= 0) {
            /* buckets below rehash in t[0] are empty */
            size_t span = d->size[0] + d->size[1] - (size_t)d->rehash;
            size_t i = (size_t)d->rehash + (size_t)random() % span;
            head = i >= d->size[0] ? d->t[1][i - d->size[0]] : d->t[0][i];
        } else {
            head = d->t[0][(size_t)random() & (d->size[0] - 1)];
        }
        if (tries > 1000000) return NULL;
    }
    size_t len = 0;
    for (struct kv *o = head; o; o = o->next) len++;
    size_t k = (size_t)random() % len;
    while (k--) head = head->next;
    return head;
}

int dict_rehash_for(struct dict *d, long long us) {
    long long start = mono_us();
    while (rehash_step(d, 100)) {
        if (mono_us() - start > us) return 1;
    }
    return 0;
}

void dict_maybe_shrink(struct dict *d) {
    if (d->rehash >= 0 || d->size[0] <= DICT_MIN_SIZE) return;
    if (d->used[0] * 10 >= d->size[0]) return;
    size_t n = DICT_MIN_SIZE;
    while (n < d->used[0]) n *= 2;
    start_resize(d, n);
}

void dict_clear(struct dict *d) {
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < d->size[t]; i++) {
            struct kv *o = d->t[t][i];
            while (o) {
                struct kv *next = o->next;
                kv_free(o);
                o = next;
            }
        }
        free(d->t[t]);
    }
    dict_init(d);
}

size_t dict_bucket_bytes(const struct dict *d) {
    return (d->size[0] + d->size[1]) * sizeof(struct kv *);
}
