/*
 * listpack.c - the compact entry sequence of small collections (see
 * listpack.h for the contract).
 *
 * Layout: total bytes (u32 LE) | count (u32 LE) | entries. There is no end
 * marker: the end is `total`. An entry is a header, a payload and a trailer;
 * the trailer holds the entry size so the pack can be walked backwards.
 *
 * First byte of an entry (forward):
 *   1xxxxxxx            integer 0..127, the whole entry (no trailer)
 *   00llllll            string of 0..63 bytes follows
 *   010vvvvv vvvvvvvv   13-bit signed integer (-4096..4095)
 *   0110llll llllllll   string of 64..4095 bytes follows
 *   0x70 / 71 / 72 / 73 signed integer in 2 / 3 / 4 / 8 bytes, little-endian
 *   0x74 + u32 length   string of 4096 bytes or more
 *
 * Last byte of an entry (backward), b:
 *   b >= 0x80           a 1-byte integer entry: size 1
 *   b <  0x70           size b (one trailer byte)
 *   0x70..0x7e          size ((b - 0x70) << 8 | previous byte) (two bytes)
 *   0x7f                size is the u32 LE before it (five bytes)
 *
 * So a small integer costs 1 byte, an integer up to +-4095 3 bytes, and a
 * string under 64 bytes its length + 2.
 *
 * A one-way pack (lp_new_oneway, bit 31 of the count word set) has no
 * trailers: a string under 64 bytes costs its length + 1. Walking it
 * backwards (lp_prev, lp_last, negative lp_seek) scans from the front, so it
 * is for small hashes, sets and sorted sets, which are read forwards.
 *
 * Allocations follow the allocator's size classes: a pack grows only when
 * it outgrows its allocation, to the next class that holds it (classes are
 * at most 1/4 apart, so growth stays amortized O(1)), and a shrinking pack
 * is moved down once a smaller class would hold it.
 */
#include "listpack.h"

#include <malloc.h>

#include <stdlib.h>
#include <string.h>

#include "../util/util.h"

#define IMM_MIN 0x80
#define STR6_MAX 63
#define INT13 0x40
#define STR12 0x60
#define INT16 0x70
#define INT24 0x71
#define INT32 0x72
#define INT64 0x73
#define STR32 0x74

#define TRAIL1_MAX 0x6f /* largest size held in one trailer byte */
#define TRAIL2_MAX 0xeff
#define TRAIL_U32 0x7f

static inline uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

#define ONEWAY_BIT 0x80000000u
#define COUNT_MAX 0x7fffffffu

static inline uint32_t total_of(const lp_t *lp) { return rd32(lp); }
static inline void set_total(lp_t *lp, size_t n) { wr32(lp, (uint32_t)n); }
static inline int oneway(const lp_t *lp) { return (lp[7] & 0x80) != 0; }
static inline void set_count(lp_t *lp, uint32_t n) {
    if (n > COUNT_MAX) abort();
    wr32(lp + 4, n | (oneway(lp) ? ONEWAY_BIT : 0));
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n);
    if (!p) abort();
    return p;
}

/* Bytes of header + payload of the entry at p (not for 1-byte integers). */
static inline size_t body_size(const unsigned char *p) {
    unsigned h = p[0];
    if (h <= STR6_MAX) return 1 + h;
    if (h < STR12) return 2;
    if (h < INT16) return 2 + ((size_t)(h & 0x0f) << 8 | p[1]);
    switch (h) {
    case INT16: return 3;
    case INT24: return 4;
    case INT32: return 5;
    case INT64: return 9;
    default: return 5 + (size_t)rd32(p + 1); /* STR32 */
    }
}

/* Trailer length for an entry whose header + payload is `body` bytes. */
static inline size_t trail_len(size_t body) {
    if (body + 1 <= TRAIL1_MAX) return 1;
    if (body + 2 <= TRAIL2_MAX) return 2;
    return 5;
}

/* Size of the entry at p; ow: the pack is one-way (no trailers). */
static inline size_t entry_size(const unsigned char *p, int ow) {
    if (p[0] >= IMM_MIN) return 1;
    size_t b = body_size(p);
    return ow ? b : b + trail_len(b);
}

/* Size of the entry that ends just before `end`. */
static inline size_t size_before(const unsigned char *end) {
    unsigned b = end[-1];
    if (b >= IMM_MIN) return 1;
    if (b <= TRAIL1_MAX) return b;
    if (b < TRAIL_U32) return (size_t)(b - 0x70) << 8 | end[-2];
    return rd32(end - 5);
}

/* Decode the entry at p: returns 1 and *v for an integer, or 0 and the
 * string's bytes in *sp, *slen. */
static inline int decode(const unsigned char *p, long long *v, const unsigned char **sp,
                         size_t *slen) {
    unsigned h = p[0];
    if (h >= IMM_MIN) {
        *v = h & 0x7f;
        return 1;
    }
    if (h <= STR6_MAX) {
        *sp = p + 1;
        *slen = h;
        return 0;
    }
    if (h < STR12) {
        int32_t u = (int32_t)((h & 0x1f) << 8 | p[1]);
        *v = u >= 0x1000 ? u - 0x2000 : u;
        return 1;
    }
    if (h < INT16) {
        *sp = p + 2;
        *slen = (size_t)(h & 0x0f) << 8 | p[1];
        return 0;
    }
    switch (h) {
    case INT16: *v = (int16_t)(uint16_t)(p[1] | p[2] << 8); return 1;
    case INT24: {
        uint32_t u = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16;
        *v = u >= 0x800000 ? (long long)u - 0x1000000 : (long long)u;
        return 1;
    }
    case INT32: *v = (int32_t)rd32(p + 1); return 1;
    case INT64: *v = (long long)((uint64_t)rd32(p + 1) | (uint64_t)rd32(p + 5) << 32); return 1;
    default:
        *sp = p + 5;
        *slen = rd32(p + 1);
        return 0;
    }
}

/* ------------------------------------------------------------------------ */
/* Encoding a new entry. */

struct enc {
    unsigned char head[9]; /* header, plus the payload of integers */
    size_t head_len;
    const char *payload; /* string bytes, or NULL */
    size_t payload_len;
    size_t size; /* the whole entry */
};

static void encode(struct enc *e, const char *s, size_t len, int ow) {
    long long v;
    e->payload = NULL;
    e->payload_len = 0;
    if (len <= 20 && str_to_ll(s, len, &v)) {
        unsigned char *h = e->head;
        if (v >= 0 && v <= 127) {
            h[0] = (unsigned char)(IMM_MIN | v);
            e->head_len = e->size = 1;
            return;
        }
        uint64_t u = (uint64_t)v;
        if (v >= -4096 && v <= 4095) {
            h[0] = (unsigned char)(INT13 | ((u >> 8) & 0x1f));
            h[1] = (unsigned char)u;
            e->head_len = 2;
        } else {
            int n = v >= INT16_MIN && v <= INT16_MAX ? 2
                    : v >= -0x800000 && v <= 0x7fffff ? 3
                    : v >= INT32_MIN && v <= INT32_MAX ? 4
                                                       : 8;
            h[0] = n == 2 ? INT16 : n == 3 ? INT24 : n == 4 ? INT32 : INT64;
            for (int i = 0; i < n; i++) h[1 + i] = (unsigned char)(u >> (8 * i));
            e->head_len = 1 + (size_t)n;
        }
    } else {
        if (len <= STR6_MAX) {
            e->head[0] = (unsigned char)len;
            e->head_len = 1;
        } else if (len < 4096) {
            e->head[0] = (unsigned char)(STR12 | (len >> 8));
            e->head[1] = (unsigned char)len;
            e->head_len = 2;
        } else {
            if (len > UINT32_MAX - 64) abort();
            e->head[0] = STR32;
            wr32(e->head + 1, (uint32_t)len);
            e->head_len = 5;
        }
        e->payload = s;
        e->payload_len = len;
    }
    size_t body = e->head_len + e->payload_len;
    e->size = ow ? body : body + trail_len(body);
}

static void write_entry(unsigned char *p, const struct enc *e) {
    memcpy(p, e->head, e->head_len);
    if (e->payload_len) memcpy(p + e->head_len, e->payload, e->payload_len);
    if (e->size == e->head_len + e->payload_len) return; /* no trailer */
    unsigned char *end = p + e->size;
    size_t sz = e->size;
    if (sz <= TRAIL1_MAX) {
        end[-1] = (unsigned char)sz;
    } else if (sz <= TRAIL2_MAX) {
        end[-1] = (unsigned char)(0x70 + (sz >> 8));
        end[-2] = (unsigned char)sz;
    } else {
        end[-1] = TRAIL_U32;
        wr32(end - 5, (uint32_t)sz);
    }
}

/* ------------------------------------------------------------------------ */

lp_t *lp_new(void) {
    lp_t *lp = xrealloc(NULL, LP_HEAD);
    set_total(lp, LP_HEAD);
    wr32(lp + 4, 0);
    return lp;
}

lp_t *lp_new_oneway(void) {
    lp_t *lp = lp_new();
    wr32(lp + 4, ONEWAY_BIT);
    return lp;
}

int lp_is_oneway(const lp_t *lp) { return oneway(lp); }

lp_t *lp_load(const char *p, size_t len) {
    if (len < LP_HEAD || len > UINT32_MAX || rd32((const unsigned char *)p) != len) return NULL;
    /* 8 spare zero bytes: a header near the end cannot make decoding read
     * past the allocation; the walk below rejects it. */
    lp_t *lp = xrealloc(NULL, len + 8);
    memcpy(lp, p, len);
    memset(lp + len, 0, 8);
    int ow = oneway(lp);
    uint32_t count = lp_count(lp), seen = 0;
    size_t pos = LP_HEAD;
    while (pos < len && seen <= count) {
        size_t sz = entry_size(lp + pos, ow);
        if (sz > len - pos) break;
        if (!ow && sz > 1 && size_before(lp + pos + sz) != sz) break;
        pos += sz;
        seen++;
    }
    if (pos != len || seen != count) {
        free(lp);
        return NULL;
    }
    return xrealloc(lp, len);
}

void lp_free(lp_t *lp) { free(lp); }

lp_t *lp_dup(const lp_t *lp) {
    size_t n = total_of(lp);
    lp_t *d = xrealloc(NULL, n);
    memcpy(d, lp, n);
    return d;
}

size_t lp_bytes(const lp_t *lp) { return total_of(lp); }
uint32_t lp_count(const lp_t *lp) { return rd32(lp + 4) & COUNT_MAX; }

size_t lp_first(const lp_t *lp) { return total_of(lp) > LP_HEAD ? LP_HEAD : LP_NONE; }

/* One-way packs: the entry that ends at `end`, found from the front. */
static size_t scan_to(const lp_t *lp, size_t end) {
    size_t pos = LP_HEAD, n;
    while ((n = pos + entry_size(lp + pos, 1)) < end) pos = n;
    return pos;
}

size_t lp_last(const lp_t *lp) {
    size_t t = total_of(lp);
    if (t <= LP_HEAD) return LP_NONE;
    return oneway(lp) ? scan_to(lp, t) : t - size_before(lp + t);
}

size_t lp_next(const lp_t *lp, size_t pos) {
    size_t n = pos + entry_size(lp + pos, oneway(lp));
    return n < total_of(lp) ? n : LP_NONE;
}

size_t lp_prev(const lp_t *lp, size_t pos) {
    if (pos <= LP_HEAD) return LP_NONE;
    return oneway(lp) ? scan_to(lp, pos) : pos - size_before(lp + pos);
}

size_t lp_seek(const lp_t *lp, long long index) {
    long long count = lp_count(lp);
    if (index < 0) index += count;
    if (index < 0 || index >= count) return LP_NONE;
    size_t pos;
    int ow = oneway(lp);
    if (index <= count / 2 || ow) {
        pos = LP_HEAD;
        while (index--) pos += entry_size(lp + pos, ow);
    } else {
        pos = total_of(lp);
        for (long long back = count - index; back > 0; back--) pos -= size_before(lp + pos);
    }
    return pos;
}

void lp_get(const lp_t *lp, size_t pos, struct lp_entry *e, char *buf) {
    const unsigned char *sp;
    if (decode(lp + pos, &e->v, &sp, &e->len)) {
        e->is_int = 1;
        e->len = (size_t)ll_to_str(buf, e->v);
        e->s = buf;
    } else {
        e->is_int = 0;
        e->v = 0;
        e->s = (const char *)sp;
    }
}

/* Match the entry at p against s, pre-parsed: s_int says whether s is an
 * integer (value sv). A string entry never holds integer-looking text, and
 * integer text is canonical, so values decide for integers. */
static inline int match(const unsigned char *p, const char *s, size_t len, int s_int,
                        long long sv) {
    long long v;
    const unsigned char *sp;
    size_t sl;
    if (decode(p, &v, &sp, &sl)) return s_int && v == sv;
    return !s_int && sl == len && memcmp(sp, s, len) == 0;
}

int lp_eq(const lp_t *lp, size_t pos, const char *s, size_t len) {
    long long sv = 0;
    int s_int = len <= 20 && str_to_ll(s, len, &sv);
    return match(lp + pos, s, len, s_int, sv);
}

size_t lp_find(const lp_t *lp, size_t pos, const char *s, size_t len, unsigned skip) {
    if (pos == LP_NONE) return LP_NONE;
    long long sv = 0;
    int s_int = len <= 20 && str_to_ll(s, len, &sv);
    size_t total = total_of(lp);
    int ow = oneway(lp);
    if (skip == 0) skip = 1;
    while (pos < total) {
        if (match(lp + pos, s, len, s_int, sv)) return pos;
        for (unsigned i = 0; i < skip && pos < total; i++) pos += entry_size(lp + pos, ow);
    }
    return LP_NONE;
}

/* ------------------------------------------------------------------------ */
/* Changes. */

/* lp with room for `need` bytes. Growth asks for the exact size, so the
 * allocation ends in the smallest size class that holds it; from 4 KB on it
 * asks for at least the next class of an allocator with four classes per
 * doubling (jemalloc's spacing), so that allocators which round less
 * (glibc, the sanitizers') still grow a big pack geometrically. */
static lp_t *reserve(lp_t *lp, size_t need) {
    if (need > UINT32_MAX) abort();
    size_t have = malloc_usable_size(lp);
    if (need <= have) return lp;
    if (have >= 4096) {
        size_t next = have + ((size_t)1 << (63 - __builtin_clzll((unsigned long long)have))) / 4;
        if (need < next) need = next;
    }
    return xrealloc(lp, need);
}

/* Give back the slack after shrinking to `total` bytes: realloc only when
 * a smaller size class would hold the pack (jemalloc's classes are at most
 * 25% apart, so this test is cheap and keeps slack under one class). */
static lp_t *trim(lp_t *lp, size_t total) {
    size_t have = malloc_usable_size(lp);
    return have - total >= 16 && have - total >= have / 8 ? xrealloc(lp, total) : lp;
}

lp_t *lp_insert(lp_t *lp, size_t pos, const char *s, size_t len) {
    struct enc e;
    encode(&e, s, len, oneway(lp));
    size_t total = total_of(lp);
    if (pos == LP_NONE) pos = total;
    lp = reserve(lp, total + e.size);
    memmove(lp + pos + e.size, lp + pos, total - pos);
    write_entry(lp + pos, &e);
    set_total(lp, total + e.size);
    set_count(lp, lp_count(lp) + 1);
    return lp;
}

lp_t *lp_append(lp_t *lp, const char *s, size_t len) { return lp_insert(lp, LP_NONE, s, len); }

lp_t *lp_prepend(lp_t *lp, const char *s, size_t len) { return lp_insert(lp, LP_HEAD, s, len); }

lp_t *lp_replace(lp_t *lp, size_t pos, const char *s, size_t len) {
    struct enc e;
    encode(&e, s, len, oneway(lp));
    size_t total = total_of(lp), old = entry_size(lp + pos, oneway(lp));
    size_t tail = total - pos - old, nt = total - old + e.size;
    if (e.size > old) {
        lp = reserve(lp, nt);
        memmove(lp + pos + e.size, lp + pos + old, tail);
    } else if (e.size < old) {
        memmove(lp + pos + e.size, lp + pos + old, tail);
        lp = trim(lp, nt);
    }
    write_entry(lp + pos, &e);
    set_total(lp, nt);
    return lp;
}

lp_t *lp_delete(lp_t *lp, size_t pos, uint32_t n) {
    size_t total = total_of(lp);
    if (pos == LP_NONE || pos >= total) return lp;
    size_t end = pos;
    uint32_t gone = 0;
    int ow = oneway(lp);
    while (gone < n && end < total) {
        end += entry_size(lp + end, ow);
        gone++;
    }
    memmove(lp + pos, lp + end, total - end);
    total -= end - pos;
    lp = trim(lp, total);
    set_total(lp, total);
    set_count(lp, lp_count(lp) - gone);
    return lp;
}
