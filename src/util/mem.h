/*
 * mem.h - what the allocator and the kernel say about our memory.
 *
 * In the normal build (USE_JEMALLOC) every shard thread allocates from an
 * arena of its own (mem_thread_arena), so a shard's memory is what its
 * arena holds. Reading arena statistics needs a refresh of jemalloc's
 * snapshot (mem_refresh, a global and comparatively slow call), so between
 * refreshes a thread follows its own allocations through jemalloc's
 * per-thread counters (mem_thread_allocated/deallocated: one load each).
 *
 * Sanitizer builds run on the sanitizer's allocator: no arenas, no
 * per-thread counters (they read 0), only the process total.
 */
#ifndef UTIL_MEM_H
#define UTIL_MEM_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the per-arena and per-thread figures below are real. */
int mem_has_arenas(void);

/* Bytes allocated and live in the whole process (refreshes the snapshot). */
size_t mem_used(void);
/* Resident set size of the process. */
size_t mem_rss(void);
size_t mem_total_system(void);
const char *mem_allocator_name(void);

/* Create an arena and make the calling thread allocate from it. Returns the
 * arena index, or -1 (no jemalloc, or jemalloc refused). */
int mem_thread_arena(void);
/* Return the calling thread's cached free blocks to their arenas, so that
 * arena figures read next are exact. */
void mem_tcache_flush(void);
/* Refresh jemalloc's statistics snapshot (the "epoch"). */
void mem_refresh(void);
/* Bytes live in one arena (small + large) / in the process, as of the last
 * mem_refresh. */
size_t mem_arena_allocated(int arena);
size_t mem_allocated_snapshot(void);
/* Bytes in active pages, mapped, and kept by the allocator as metadata. */
size_t mem_active_snapshot(void);
size_t mem_resident_snapshot(void);
/* Free a block another thread allocated straight back to its arena, past
 * this thread's cache, so that the owner's arena figure drops at once.
 * NULL is fine. */
void mem_free_foreign(void *p);
/* The usable size of an allocated block (0 for NULL). */
size_t mem_usable(void *p);
/* Turn the calling thread's cache off (threads that only free others'
 * memory, such as the lazyfree thread). */
void mem_thread_no_tcache(void);
/* The allocator's statistics report, written in pieces through `write`;
 * returns 0 when the allocator has none. */
int mem_stats_print(void (*write)(void *ctx, const char *s), void *ctx);
/* Give unused dirty pages of every arena back to the kernel (MEMORY PURGE). */
void mem_purge(void);
/* The same for the calling thread's own arena (after mem_thread_arena), with
 * its cache emptied first; nothing otherwise. */
void mem_purge_thread_arena(void);

/* Bytes ever allocated / freed by the calling thread (usable sizes). The
 * first call on a thread looks the counters up. 0 without jemalloc. */
extern _Thread_local uint64_t *mem_tl_allocp, *mem_tl_deallocp;
void mem_thread_counters_init(void);
static inline uint64_t mem_thread_allocated(void) {
    if (!mem_tl_allocp) mem_thread_counters_init();
    return mem_tl_allocp ? *mem_tl_allocp : 0;
}
static inline uint64_t mem_thread_deallocated(void) {
    if (!mem_tl_deallocp) mem_thread_counters_init();
    return mem_tl_deallocp ? *mem_tl_deallocp : 0;
}

#endif
