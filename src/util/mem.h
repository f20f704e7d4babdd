/*
 * mem.h - what the allocator and the kernel say about our memory.
 */
#ifndef UTIL_MEM_H
#define UTIL_MEM_H

#include <stddef.h>

/* Bytes allocated and live (jemalloc's stats.allocated, or mallinfo2). */
size_t mem_used(void);
/* Resident set size of the process. */
size_t mem_rss(void);
size_t mem_total_system(void);
const char *mem_allocator_name(void);

#endif
