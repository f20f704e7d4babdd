/*
 * lru.h - the coarse clock stamped on objects for OBJECT IDLETIME and,
 * later, approximate LRU eviction. Seconds, wrapping at 24 bits.
 */
#ifndef DB_LRU_H
#define DB_LRU_H

#include <time.h>

#define LRU_BITS_MASK ((1u << 24) - 1)

static inline unsigned lru_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return (unsigned)ts.tv_sec & LRU_BITS_MASK;
}

/*
 * Under an LFU maxmemory policy the same 24 bits hold, as in Redis, the
 * minute of the last decay (high 16 bits) and a logarithmic access counter
 * (low 8 bits) that new keys start at LFU_INIT.
 */
#define LFU_INIT 5

struct lfu_params {
    int on;         /* an LFU policy is selected */
    int log_factor; /* lfu-log-factor */
    int decay_time; /* lfu-decay-time, minutes per counter step down */
};

static inline unsigned lfu_minutes(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return (unsigned)(ts.tv_sec / 60) & 0xffff;
}

static inline unsigned lfu_new(void) { return (lfu_minutes() << 8) | LFU_INIT; }

/* The counter after the decay due since its last update. */
static inline unsigned lfu_decayed(unsigned v, const struct lfu_params *p) {
    unsigned now = lfu_minutes(), then = v >> 8, counter = v & 0xff;
    unsigned elapsed = now >= then ? now - then : 65536 - then + now;
    unsigned steps = p->decay_time > 0 ? elapsed / (unsigned)p->decay_time : 0;
    return steps >= counter ? 0 : counter - steps;
}

/* One access: decay, then a probabilistic logarithmic increment. */
static inline unsigned lfu_touch(unsigned v, const struct lfu_params *p, unsigned rnd) {
    unsigned counter = lfu_decayed(v, p);
    if (counter < 255) {
        double base = counter > LFU_INIT ? (double)(counter - LFU_INIT) : 0.0;
        double prob = 1.0 / (base * p->log_factor + 1);
        if ((double)rnd / 4294967296.0 < prob) counter++;
    }
    return (lfu_minutes() << 8) | counter;
}

/* Seconds since the stamp `lru`, allowing for one wrap of the clock. */
static inline unsigned long long lru_idle_secs(unsigned lru) {
    unsigned now = lru_clock();
    return now >= lru ? now - lru : (LRU_BITS_MASK - lru) + now;
}

#endif
