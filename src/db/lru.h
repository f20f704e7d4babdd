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

/* Seconds since the stamp `lru`, allowing for one wrap of the clock. */
static inline unsigned long long lru_idle_secs(unsigned lru) {
    unsigned now = lru_clock();
    return now >= lru ? now - lru : (LRU_BITS_MASK - lru) + now;
}

#endif
