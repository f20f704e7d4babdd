/*
 * mem.c - memory figures for INFO memory and MEMORY commands.
 *
 * Built with USE_JEMALLOC (the normal build) the figures come from
 * jemalloc's own statistics; sanitizer builds use glibc's malloc.
 */
#include "mem.h"

#include <malloc.h>
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

size_t mem_used(void) {
#ifdef USE_JEMALLOC
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz);
    size_t allocated = 0;
    sz = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &sz, NULL, 0) == 0) return allocated;
    return 0;
#elif defined(USE_SANITIZER_ALLOCATOR)
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

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
