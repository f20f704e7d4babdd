/*
 * mem.c - memory figures for INFO memory, MEMORY commands and maxmemory.
 *
 * Built with USE_JEMALLOC (the normal build) the figures come from
 * jemalloc's own statistics (mallctl); sanitizer builds use the sanitizer
 * allocator's total and have no per-arena or per-thread figures.
 */
#include "mem.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/* provided by the ASan/TSan runtimes */
size_t __sanitizer_get_current_allocated_bytes(void);
#define USE_SANITIZER_ALLOCATOR
#endif

_Thread_local uint64_t *mem_tl_allocp, *mem_tl_deallocp;

#ifdef USE_JEMALLOC
static _Thread_local int counters_missing;
static uint64_t zero_counter;

int mem_has_arenas(void) { return 1; }

void mem_thread_counters_init(void) {
    if (counters_missing) return;
    size_t sz = sizeof(uint64_t *);
    if (mallctl("thread.allocatedp", &mem_tl_allocp, &sz, NULL, 0) != 0 ||
        mallctl("thread.deallocatedp", &mem_tl_deallocp, &sz, NULL, 0) != 0) {
        counters_missing = 1;
        mem_tl_allocp = mem_tl_deallocp = &zero_counter;
    }
}

void mem_refresh(void) {
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz);
}

static size_t read_size(const char *name) {
    size_t v = 0, sz = sizeof(v);
    if (mallctl(name, &v, &sz, NULL, 0) != 0) return 0;
    return v;
}

size_t mem_used(void) {
    mem_refresh();
    return read_size("stats.allocated");
}

static _Thread_local int tl_arena = -1;

int mem_thread_arena(void) {
    unsigned arena = 0;
    size_t sz = sizeof(arena);
    if (mallctl("arenas.create", &arena, &sz, NULL, 0) != 0) return -1;
    if (mallctl("thread.arena", NULL, NULL, &arena, sizeof(arena)) != 0) return -1;
    tl_arena = (int)arena;
    return (int)arena;
}

void mem_tcache_flush(void) { mallctl("thread.tcache.flush", NULL, NULL, NULL, 0); }

size_t mem_arena_allocated(int arena) {
    char name[64];
    snprintf(name, sizeof(name), "stats.arenas.%d.small.allocated", arena);
    size_t small = read_size(name);
    snprintf(name, sizeof(name), "stats.arenas.%d.large.allocated", arena);
    return small + read_size(name);
}

size_t mem_allocated_snapshot(void) { return read_size("stats.allocated"); }
size_t mem_active_snapshot(void) { return read_size("stats.active"); }
size_t mem_resident_snapshot(void) { return read_size("stats.resident"); }

int mem_stats_print(void (*write)(void *ctx, const char *s), void *ctx) {
    malloc_stats_print(write, ctx, NULL);
    return 1;
}

void mem_free_foreign(void *p) {
    if (p) dallocx(p, MALLOCX_TCACHE_NONE);
}

void mem_thread_no_tcache(void) {
    bool off = false;
    mallctl("thread.tcache.enabled", NULL, NULL, &off, sizeof(off));
}

static void purge_arena(unsigned arena) {
    char name[64];
    snprintf(name, sizeof(name), "arena.%u.purge", arena);
    mallctl(name, NULL, NULL, NULL, 0);
}

void mem_purge(void) { purge_arena(MALLCTL_ARENAS_ALL); }

void mem_purge_thread_arena(void) {
    if (tl_arena < 0) return;
    mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
    purge_arena((unsigned)tl_arena);
}

#else /* no jemalloc: process totals only */

int mem_has_arenas(void) { return 0; }
void mem_thread_counters_init(void) {}
void mem_refresh(void) {}

size_t mem_used(void) {
#if defined(USE_SANITIZER_ALLOCATOR)
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

int mem_thread_arena(void) { return -1; }
void mem_tcache_flush(void) {}
size_t mem_arena_allocated(int arena) {
    (void)arena;
    return 0;
}
size_t mem_allocated_snapshot(void) { return mem_used(); }
size_t mem_active_snapshot(void) { return mem_used(); }
size_t mem_resident_snapshot(void) { return mem_rss(); }
void mem_purge(void) { malloc_trim(0); }
void mem_purge_thread_arena(void) {}
void mem_free_foreign(void *p) { free(p); }
int mem_stats_print(void (*write)(void *ctx, const char *s), void *ctx) {
    (void)write;
    (void)ctx;
    return 0;
}
void mem_thread_no_tcache(void) {}
#endif

size_t mem_usable(void *p) { return p ? malloc_usable_size(p) : 0; }

size_t mem_rss(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, rss = 0;
    int n = fscanf(f, "%lu %lu", &size, &rss);
    fclose(f);
    if (n != 2) return 0;
    return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}

size_t mem_total_system(void) {
    return (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE);
}

const char *mem_allocator_name(void) {
#ifdef USE_JEMALLOC
    static char name[32];
    snprintf(name, sizeof(name), "jemalloc-%d.%d.%d", JEMALLOC_VERSION_MAJOR, JEMALLOC_VERSION_MINOR,
             JEMALLOC_VERSION_BUGFIX);
    return name;
#else
    return "libc";
#endif
}
