/*
 * buf.h - a growable byte buffer.
 *
 * Used for connection input, reply output and cross-shard message bodies.
 * The owner of a struct buf owns its bytes; buf_free() releases them.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
    char *p;
    size_t len;
    size_t cap;
};

/* Make room for at least `extra` more bytes; aborts on allocation failure. */
void buf_grow(struct buf *b, size_t extra);
void buf_free(struct buf *b);
/* Append printf-style text of any length. */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Take the bytes out of `b`, leaving it empty; the caller owns the result. */
static inline struct buf buf_take(struct buf *b) {
    struct buf t = *b;
    b->p = NULL;
    b->len = b->cap = 0;
    return t;
}

static inline void buf_reserve(struct buf *b, size_t extra) {
    if (b->cap - b->len < extra) buf_grow(b, extra);
}

static inline void buf_put(struct buf *b, const void *d, size_t n) {
    if (n == 0) return;
    buf_reserve(b, n);
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static inline void buf_putc(struct buf *b, char ch) {
    buf_reserve(b, 1);
    b->p[b->len++] = ch;
}

/* string literals only: "" lit does not compile for a pointer */
#define buf_puts(b, lit) buf_put((b), "" lit, sizeof(lit) - 1)

#endif
