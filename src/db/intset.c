/*
 * intset.c - sorted integer array with 16/32/64-bit elements (see intset.h).
 */
#include "intset.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n) {
    void *r = realloc(p, n);
    if (!r) abort();
    return r;
}

/* Make room for n bytes. Small sets get exactly their size (the
 * allocator's size classes absorb single steps); big ones grow by half
 * again and shrink only when under half full, so adding or removing one
 * element of a big set does not copy it. */
#define RESIZE_EXACT_MAX 256
static struct intset *resize(struct intset *is, size_t n) {
    size_t have = is ? malloc_usable_size(is) : 0;
    if (n <= RESIZE_EXACT_MAX) {
        if (n <= have && have <= RESIZE_EXACT_MAX) return is;
        return xrealloc(is, n);
    }
    if (n > have) return xrealloc(is, n + n / 2);
    if (n < have / 2) return xrealloc(is, n);
    return is;
}

/* Width code (0, 1, 2) needed to hold v. */
static unsigned code_for(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 0;
    if (v >= INT32_MIN && v <= INT32_MAX) return 1;
    return 2;
}

static inline unsigned code_of(const struct intset *is) { return is->hdr >> 30; }
static inline void set_hdr(struct intset *is, uint32_t len, unsigned code) {
    is->hdr = len | ((uint32_t)code << 30);
}

static inline int64_t get_coded(const unsigned char *d, unsigned code, uint32_t i) {
    switch (code) {
    case 0: {
        int16_t v;
        memcpy(&v, d + (size_t)i * 2, 2);
        return v;
    }
    case 1: {
        int32_t v;
        memcpy(&v, d + (size_t)i * 4, 4);
        return v;
    }
    default: {
        int64_t v;
        memcpy(&v, d + (size_t)i * 8, 8);
        return v;
    }
    }
}

static inline void put_coded(unsigned char *d, unsigned code, uint32_t i, int64_t v) {
    switch (code) {
    case 0: {
        int16_t x = (int16_t)v;
        memcpy(d + (size_t)i * 2, &x, 2);
        break;
    }
    case 1: {
        int32_t x = (int32_t)v;
        memcpy(d + (size_t)i * 4, &x, 4);
        break;
    }
    default: memcpy(d + (size_t)i * 8, &v, 8); break;
    }
}

struct intset *intset_new(void) {
    struct intset *is = xrealloc(NULL, sizeof(*is));
    is->hdr = 0;
    return is;
}

void intset_free(struct intset *is) { free(is); }

size_t intset_bytes(const struct intset *is) {
    return sizeof(*is) + (size_t)intset_len(is) * intset_width(is);
}

struct intset *intset_dup(const struct intset *is) {
    size_t n = intset_bytes(is);
    struct intset *r = xrealloc(NULL, n);
    memcpy(r, is, n);
    return r;
}

int64_t intset_get(const struct intset *is, uint32_t i) { return get_coded(is->data, code_of(is), i); }

/* Binary search: 1 and *pos = index if found, else 0 and *pos = where v
 * would be inserted. */
static int search(const struct intset *is, int64_t v, uint32_t *pos) {
    uint32_t lo = 0, hi = intset_len(is);
    unsigned code = code_of(is);
    if (hi && (v > get_coded(is->data, code, hi - 1))) {
        *pos = hi;
        return 0;
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t cur = get_coded(is->data, code, mid);
        if (cur == v) {
            *pos = mid;
            return 1;
        }
        if (cur < v) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return 0;
}

int intset_find(const struct intset *is, int64_t v) {
    uint32_t pos;
    if (code_for(v) > code_of(is)) return 0;
    return search(is, v, &pos);
}

/* Widen every element to `code` and add v, which does not fit the old
 * width and so is either below or above every element. */
static struct intset *upgrade_and_add(struct intset *is, int64_t v) {
    unsigned old = code_of(is), code = code_for(v);
    uint32_t len = intset_len(is);
    is = resize(is, sizeof(*is) + (size_t)(len + 1) * (2u << code));
    int prepend = v < 0;
    /* back to front, so nothing is overwritten before it is read */
    for (uint32_t i = len; i-- > 0;) put_coded(is->data, code, i + (uint32_t)prepend, get_coded(is->data, old, i));
    put_coded(is->data, code, prepend ? 0 : len, v);
    set_hdr(is, len + 1, code);
    return is;
}

struct intset *intset_add(struct intset *is, int64_t v, int *added) {
    uint32_t len = intset_len(is), pos;
    *added = 0;
    if (code_for(v) > code_of(is)) {
        if (len >= INTSET_MAX_LEN) return is;
        *added = 1;
        return upgrade_and_add(is, v);
    }
    if (search(is, v, &pos) || len >= INTSET_MAX_LEN) return is;
    unsigned w = intset_width(is);
    is = resize(is, sizeof(*is) + (size_t)(len + 1) * w);
    memmove(is->data + (size_t)(pos + 1) * w, is->data + (size_t)pos * w, (size_t)(len - pos) * w);
    put_coded(is->data, code_of(is), pos, v);
    set_hdr(is, len + 1, code_of(is));
    *added = 1;
    return is;
}

struct intset *intset_remove(struct intset *is, int64_t v, int *removed) {
    uint32_t len = intset_len(is), pos;
    *removed = 0;
    if (code_for(v) > code_of(is) || !search(is, v, &pos)) return is;
    unsigned w = intset_width(is);
    memmove(is->data + (size_t)pos * w, is->data + (size_t)(pos + 1) * w, (size_t)(len - pos - 1) * w);
    set_hdr(is, len - 1, code_of(is));
    *removed = 1;
    return resize(is, sizeof(*is) + (size_t)(len - 1) * w);
}

struct intset *intset_load(const void *p, size_t len) {
    struct intset h;
    if (len < sizeof(h)) return NULL;
    memcpy(&h, p, sizeof(h));
    if ((h.hdr >> 30) > 2) return NULL;
    uint32_t n = h.hdr & INTSET_MAX_LEN;
    size_t need = sizeof(h) + (size_t)n * (2u << (h.hdr >> 30));
    if (need != len) return NULL;
    struct intset *is = xrealloc(NULL, len);
    memcpy(is, p, len);
    for (uint32_t i = 1; i < n; i++) {
        if (intset_get(is, i - 1) >= intset_get(is, i)) {
            free(is);
            return NULL;
        }
    }
    return is;
}
