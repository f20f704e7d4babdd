/*
 * xring.h - a single-producer single-consumer ring of pointers, one per
 * ordered pair of shards. The producer owns `tail`, the consumer `head`;
 * each publishes with release stores and reads the other's with acquire.
 */
#ifndef SHARD_XRING_H
#define SHARD_XRING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

struct xring {
    _Alignas(64) _Atomic size_t head;
    size_t tail_cache; /* consumer's last seen tail */
    _Alignas(64) _Atomic size_t tail;
    size_t head_cache; /* producer's last seen head */
    _Alignas(64) size_t mask;
    void *slot[];
};

static inline struct xring *xring_new(size_t cap_pow2) {
    struct xring *r = aligned_alloc(64, (sizeof(struct xring) + cap_pow2 * sizeof(void *) + 63) / 64 * 64);
    if (!r) abort();
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    r->head_cache = r->tail_cache = 0;
    r->mask = cap_pow2 - 1;
    return r;
}

/* Producer side: 1 if queued, 0 if the ring is full. */
static inline int xring_push(struct xring *r, void *p) {
    size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t - r->head_cache > r->mask) {
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_cache > r->mask) return 0;
    }
    r->slot[t & r->mask] = p;
    /* seq_cst, not just release: with the receiver's seq_cst store to its
     * `sleeping` flag and load of `tail`, this forms the store-then-load
     * handshake that guarantees a sleeping receiver is woken (one per batch) */
    atomic_store_explicit(&r->tail, t + 1, memory_order_seq_cst);
    return 1;
}

/* Consumer side: the next pointer or NULL when empty. */
static inline void *xring_pop(struct xring *r) {
    size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (h == r->tail_cache) {
        r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h == r->tail_cache) return NULL;
    }
    void *p = r->slot[h & r->mask];
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
    return p;
}

/* Consumer side: 1 if something is waiting (fresh read of tail). */
static inline int xring_ready(struct xring *r) {
    size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    return h != atomic_load_explicit(&r->tail, memory_order_seq_cst);
}

#endif
