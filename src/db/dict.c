/*
 * dict.c - bucketed hash table with tagged slots, child-bucket chains and
 * incremental rehash (see dict.h for the layout and its guarantees).
 *
 * A table grows (doubles) when it holds 8 entries per bucket on average and
 * shrinks under 0.8. Overflow goes to 32-byte child buckets (3 entries and
 * a link, or 4 at the end of a chain), so just before growing the table
 * costs about 10.5 bytes per key (8 for the array, the rest children) and
 * just after about 19. While a rehash runs, the pages of the old bucket
 * array already moved are handed back to the kernel, so the old table's
 * memory goes away as the move progresses instead of lingering in the
 * allocator's dirty pages.
 */
#include "dict.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../util/util.h"

#define DICT_MIN_SIZE 2
#define TAG_MASK 0xffff000000000000ULL
#define LINK_BIT 1ULL
#define CHILD_BYTES (DICT_CHILD_SLOTS * sizeof(uint64_t))
/* Old-table pages are released in runs of at least this many bytes. */
#define RELEASE_CHUNK (256 * 1024)

void dict_init(struct dict *d) {
    memset(d, 0, sizeof(*d));
    d->rehash = -1;
}

uint64_t dict_hash(const char *key, size_t len) { return hash_bytes(key, len); }

static inline int is_link(uint64_t w) { return (w & LINK_BIT) != 0; }
static inline uint64_t *link_of(uint64_t w) { return (uint64_t *)(uintptr_t)(w & ~LINK_BIT); }
static inline struct kv *kv_of(uint64_t w) { return (struct kv *)(uintptr_t)(w & DICT_PTR_MASK); }
static inline uint64_t make_slot(struct kv *o, uint64_t h) {
    uint64_t p = (uint64_t)(uintptr_t)o;
    if (p & ~DICT_PTR_MASK) abort(); /* needs 48-bit, 2-aligned pointers */
    return p | (h & TAG_MASK);
}

static struct dbucket *alloc_table(size_t n) {
    struct dbucket *t = calloc(n, sizeof(*t));
    if (!t) abort();
    /* A big table's fresh pages are the shared zero page until written:
     * the first write after a lookup read one would cost a copy-on-write
     * fault and a TLB shootdown of every thread (15% of loading 5M keys).
     * One write per page now maps them writable at once. (Not memset:
     * the compiler folds malloc + memset back into calloc.) */
    size_t bytes = n * sizeof(*t);
    if (bytes >= 65536)
        for (size_t off = 0; off < bytes; off += 4096) ((volatile char *)t)[off] = 0;
    return t;
}

static uint64_t *alloc_child(struct dict *d) {
    uint64_t *b = calloc(DICT_CHILD_SLOTS, sizeof(*b));
    if (!b) abort();
    d->children++;
    return b;
}

static void free_child(struct dict *d, uint64_t *b) {
    free(b);
    d->children--;
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

/*
 * A chain is walked as (b, n): the slots of one bucket and their count,
 * DICT_SLOTS for the head, DICT_CHILD_SLOTS for children. Entries are dense:
 * a bucket's last slot is a link only when all its other slots hold entries.
 */
#define CHAIN_NEXT(b, n) ((b) = link_of((b)[(n)-1]), (n) = DICT_CHILD_SLOTS)

/* Append slot word w at the end of head's chain. */
static void chain_append(struct dict *d, uint64_t *head, uint64_t w) {
    uint64_t *b = head;
    int n = DICT_SLOTS;
    while (is_link(b[n - 1])) CHAIN_NEXT(b, n);
    for (int i = 0; i < n; i++) {
        if (b[i] == 0) {
            b[i] = w;
            return;
        }
    }
    uint64_t *c = alloc_child(d);
    c[0] = b[n - 1];
    c[1] = w;
    b[n - 1] = (uint64_t)(uintptr_t)c | LINK_BIT;
}

/* Remove the entry at `slot` in head's chain: the chain's last entry takes
 * its place, and a child left with one entry is folded into its parent. */
static void chain_remove(struct dict *d, uint64_t *head, uint64_t *slot) {
    uint64_t *b = head, *parent_link = NULL;
    int n = DICT_SLOTS;
    while (is_link(b[n - 1])) {
        parent_link = &b[n - 1];
        CHAIN_NEXT(b, n);
    }
    int j = n - 1;
    while (j > 0 && b[j] == 0) j--;
    uint64_t w = b[j];
    b[j] = 0;
    if (slot != &b[j]) *slot = w;
    if (parent_link && j <= 1) {
        *parent_link = b[0];
        free_child(d, b);
    }
}

/* Give back to the kernel the whole pages of t[0] below bucket `upto`
 * (already moved, so all zero) that were not released yet. */
static void release_moved(struct dict *d, size_t upto) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t base = (uintptr_t)d->t[0];
    uintptr_t from = (base + d->released + page - 1) & ~(page - 1);
    uintptr_t to = (base + upto * sizeof(struct dbucket)) & ~(page - 1);
    if (to <= from || to - from < RELEASE_CHUNK) return;
    madvise((void *)from, to - from, MADV_DONTNEED);
    d->released = to - base;
}

static void finish_rehash(struct dict *d) {
    free(d->t[0]);
    d->t[0] = d->t[1];
    d->size[0] = d->size[1];
    d->used[0] = d->used[1];
    d->t[1] = NULL;
    d->size[1] = d->used[1] = 0;
    d->rehash = -1;
    d->released = 0;
}

/* Move up to n buckets from t[0] to t[1]; visits at most 10*n empty ones. */
static int rehash_step(struct dict *d, int n) {
    int empty_visits = n * 10;
    if (d->rehash < 0) return 0;
    size_t m1 = d->size[1] - 1;
    while (n-- && d->used[0] != 0) {
        while (d->t[0][d->rehash].s[0] == 0) {
            d->rehash++;
            if (--empty_visits == 0) goto out;
        }
        uint64_t *head = d->t[0][d->rehash].s, *b = head;
        int bn = DICT_SLOTS;
        for (;;) {
            uint64_t *next = NULL;
            for (int i = 0; i < bn && b[i]; i++) {
                uint64_t w = b[i];
                if (is_link(w)) {
                    next = link_of(w);
                    break;
                }
                chain_append(d, d->t[1][kv_hash(kv_of(w)) & m1].s, w);
                d->used[0]--;
                d->used[1]++;
            }
            if (b != head) free_child(d, b);
            if (!next) break;
            b = next;
            bn = DICT_CHILD_SLOTS;
        }
        memset(head, 0, sizeof(struct dbucket));
        d->rehash++;
    }
out:
    if (d->used[0] == 0) {
        finish_rehash(d);
        return 0;
    }
    if (d->size[0] * sizeof(struct dbucket) >= 4 * RELEASE_CHUNK)
        release_moved(d, (size_t)d->rehash);
    return 1;
}

/* Find key in head's chain; on success fill pos. */
static int chain_find(uint64_t *head, const char *key, size_t klen, uint64_t h,
                      struct dict_pos *pos) {
    uint64_t *b = head;
    int n = DICT_SLOTS;
    for (;;) {
        for (int i = 0; i < n; i++) {
            uint64_t w = b[i];
            if (w == 0) return 0;
            if (is_link(w)) break;
            if (((w ^ h) & TAG_MASK) == 0) {
                size_t kl;
                const char *k = kv_key(kv_of(w), &kl);
                if (kl == klen && memcmp(k, key, klen) == 0) {
                    pos->slot = &b[i];
                    pos->head = head;
                    return 1;
                }
            }
        }
        if (!is_link(b[n - 1])) return 0;
        CHAIN_NEXT(b, n);
    }
}

int dict_find(struct dict *d, const char *key, size_t klen, uint64_t h, struct dict_pos *pos) {
    if (d->rehash >= 0) rehash_step(d, 1);
    for (int t = 0; t < 2; t++) {
        if (d->size[t] == 0) break;
        if (chain_find(d->t[t][h & (d->size[t] - 1)].s, key, klen, h, pos)) {
            pos->table = t;
            return 1;
        }
        if (d->rehash < 0) break;
    }
    return 0;
}

void dict_reserve(struct dict *d, size_t n) {
    if (d->t[0] != NULL) return;
    size_t size = DICT_MIN_SIZE;
    while (size * (DICT_SLOTS / 2) < n) size *= 2;
    start_resize(d, size);
}

void dict_add(struct dict *d, struct kv *o, uint64_t h) {
    if (d->rehash >= 0) rehash_step(d, 1);
    if (d->size[0] == 0) start_resize(d, DICT_MIN_SIZE);
    else if (d->rehash < 0 && d->used[0] >= d->size[0] * DICT_SLOTS)
        start_resize(d, d->size[0] * 2);
    int t = d->rehash >= 0 ? 1 : 0;
    chain_append(d, d->t[t][h & (d->size[t] - 1)].s, make_slot(o, h));
    d->used[t]++;
}

struct kv *dict_unlink(struct dict *d, struct dict_pos *pos) {
    struct kv *o = kv_of(*pos->slot);
    chain_remove(d, pos->head, pos->slot);
    d->used[pos->table]--;
    return o;
}

struct kv *dict_swap(struct dict_pos *pos, struct kv *n) {
    uint64_t w = *pos->slot;
    *pos->slot = (w & TAG_MASK) | make_slot(n, 0);
    return kv_of(w);
}

static unsigned long long rev_bits(unsigned long long v) {
    unsigned long long r = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 1) | (v & 1);
        v >>= 1;
    }
    return r;
}

/* Call fn on every entry of head's chain. The entries are collected first,
 * so fn may unlink (and the chain be rearranged) while we go. */
static void visit_chain(uint64_t *head, void (*fn)(void *, struct kv *), void *ctx) {
    struct kv *local[64], **all = local;
    size_t n = 0, cap = 64;
    int bn = DICT_SLOTS;
    for (uint64_t *b = head; b; bn = DICT_CHILD_SLOTS) {
        uint64_t *next = NULL;
        for (int i = 0; i < bn && b[i]; i++) {
            if (is_link(b[i])) {
                next = link_of(b[i]);
                break;
            }
            if (n == cap) {
                struct kv **bigger = malloc(2 * cap * sizeof(*bigger));
                if (!bigger) abort();
                memcpy(bigger, all, n * sizeof(*bigger));
                if (all != local) free(all);
                all = bigger;
                cap *= 2;
            }
            all[n++] = kv_of(b[i]);
        }
        b = next;
    }
    for (size_t i = 0; i < n; i++) fn(ctx, all[i]);
    if (all != local) free(all);
}

unsigned long long dict_scan(struct dict *d, unsigned long long v,
                             void (*fn)(void *ctx, struct kv *o), void *ctx) {
    if (dict_count(d) == 0 || d->size[0] == 0) return 0;
    if (d->rehash < 0) {
        unsigned long long m0 = d->size[0] - 1;
        visit_chain(d->t[0][v & m0].s, fn, ctx);
        v |= ~m0;
        v = rev_bits(rev_bits(v) + 1);
        return v;
    }
    int small = d->size[0] <= d->size[1] ? 0 : 1, large = 1 - small;
    unsigned long long m0 = d->size[small] - 1, m1 = d->size[large] - 1;
    visit_chain(d->t[small][v & m0].s, fn, ctx);
    do {
        visit_chain(d->t[large][v & m1].s, fn, ctx);
        v |= ~m1;
        v = rev_bits(rev_bits(v) + 1);
    } while (v & (m0 ^ m1));
    return v;
}

/* Entries in head's chain. */
static size_t chain_len(const uint64_t *b) {
    size_t count = 0;
    int n = DICT_SLOTS;
    for (;;) {
        int i = 0;
        while (i < n && b[i] && !is_link(b[i])) i++;
        count += (size_t)i;
        if (i == n || !is_link(b[n - 1])) return count;
        CHAIN_NEXT(b, n);
    }
}

/* The k-th entry of a chain holding more than k. */
static struct kv *chain_nth(const uint64_t *b, size_t k) {
    int n = DICT_SLOTS;
    while (k >= (size_t)(n - 1) && is_link(b[n - 1])) {
        k -= (size_t)(n - 1);
        CHAIN_NEXT(b, n);
    }
    return kv_of(b[k]);
}

/* Append to out (up to max) the entries of head's chain that keep() accepts;
 * returns how many entries the chain holds. */
static int chain_sample(const uint64_t *b, struct kv **out, int *n, int max,
                        int (*keep)(const struct kv *o)) {
    int seen = 0, bn = DICT_SLOTS;
    for (;;) {
        int i = 0;
        for (; i < bn && b[i] && !is_link(b[i]); i++) {
            seen++;
            struct kv *o = kv_of(b[i]);
            if (*n < max && (!keep || keep(o))) out[(*n)++] = o;
        }
        if (i < bn && b[i] && is_link(b[i])) {
            b = link_of(b[i]);
            bn = DICT_CHILD_SLOTS;
            continue;
        }
        return seen;
    }
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
            found |= chain_sample(d->t[t][i].s, out, &n, max, keep) > 0;
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
    for (int tries = 0; tries <= 1000000; tries++) {
        const uint64_t *head;
        if (d->rehash >= 0) {
            /* buckets below rehash in t[0] are empty */
            size_t span = d->size[0] + d->size[1] - (size_t)d->rehash;
            size_t i = (size_t)d->rehash + (size_t)random() % span;
            head = i >= d->size[0] ? d->t[1][i - d->size[0]].s : d->t[0][i].s;
        } else {
            head = d->t[0][(size_t)random() & (d->size[0] - 1)].s;
        }
        if (head[0] == 0) continue;
        return chain_nth(head, (size_t)random() % chain_len(head));
    }
    return NULL;
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
    if (d->used[0] * 10 >= d->size[0] * DICT_SLOTS) return;
    size_t n = DICT_MIN_SIZE;
    while (n * DICT_SLOTS <= d->used[0]) n *= 2;
    if (n < d->size[0]) start_resize(d, n);
}

void dict_clear(struct dict *d) {
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < d->size[t]; i++) {
            uint64_t *head = d->t[t][i].s;
            int bn = DICT_SLOTS;
            for (uint64_t *b = head; b; bn = DICT_CHILD_SLOTS) {
                uint64_t *next = NULL;
                for (int j = 0; j < bn && b[j]; j++) {
                    if (is_link(b[j])) next = link_of(b[j]);
                    else kv_free(kv_of(b[j]));
                }
                if (b != head) free_child(d, b);
                b = next;
            }
        }
        free(d->t[t]);
    }
    dict_init(d);
}

size_t dict_bucket_bytes(const struct dict *d) {
    return (d->size[0] + d->size[1]) * sizeof(struct dbucket) + d->children * CHILD_BYTES;
}
