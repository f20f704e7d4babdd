/*
 * reply.c - RESP2/RESP3 reply writers (see reply.h).
 *
 * Integers are formatted by hand; this is on the hot path of every reply.
 */
#include "reply.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util/util.h"

static void put_hdr(struct buf *b, char type, long long n) {
    buf_reserve(b, 24);
    char *p = b->p + b->len;
    *p++ = type;
    p += ll_to_str(p, n);
    *p++ = '\r';
    *p++ = '\n';
    b->len = (size_t)(p - b->p);
}

void reply_simplen(struct buf *b, const char *s, size_t n) {
    buf_reserve(b, n + 3);
    b->p[b->len++] = '+';
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len++] = '\r';
    b->p[b->len++] = '\n';
}

void reply_simple(struct buf *b, const char *s) { reply_simplen(b, s, strlen(s)); }

void reply_ok(struct buf *b) { buf_puts(b, "+OK\r\n"); }

void reply_help(struct buf *b, const char *const *lines) {
    long long n = 0;
    while (lines[n]) n++;
    reply_array(b, n);
    for (long long i = 0; i < n; i++) reply_simple(b, lines[i]);
}

void reply_error(struct buf *b, const char *s) {
    size_t n = strlen(s);
    buf_reserve(b, n + 3);
    b->p[b->len++] = '-';
    /* Newlines would break the protocol; Redis replaces them with spaces. */
    for (size_t i = 0; i < n; i++) b->p[b->len++] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    b->p[b->len++] = '\r';
    b->p[b->len++] = '\n';
}

void reply_errorf(struct buf *b, const char *fmt, ...) {
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    reply_error(b, tmp);
}

void reply_int(struct buf *b, long long v) { put_hdr(b, ':', v); }

void reply_bulk(struct buf *b, const void *p, size_t n) {
    put_hdr(b, '$', (long long)n);
    buf_reserve(b, n + 2);
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len++] = '\r';
    b->p[b->len++] = '\n';
}

void reply_bulkc(struct buf *b, const char *s) { reply_bulk(b, s, strlen(s)); }

void reply_bulk_ll(struct buf *b, long long v) {
    char tmp[24];
    int n = ll_to_str(tmp, v);
    reply_bulk(b, tmp, (size_t)n);
}

void reply_array(struct buf *b, long long n) { put_hdr(b, '*', n); }

void reply_null(struct buf *b, int resp) {
    if (resp == 3) buf_puts(b, "_\r\n");
    else buf_puts(b, "$-1\r\n");
}

void reply_null_array(struct buf *b, int resp) {
    if (resp == 3) buf_puts(b, "_\r\n");
    else buf_puts(b, "*-1\r\n");
}

void reply_map(struct buf *b, int resp, long long npairs) {
    if (resp == 3) put_hdr(b, '%', npairs);
    else put_hdr(b, '*', npairs * 2);
}

void reply_set(struct buf *b, int resp, long long n) { put_hdr(b, resp == 3 ? '~' : '*', n); }

void reply_push(struct buf *b, int resp, long long n) { put_hdr(b, resp == 3 ? '>' : '*', n); }

void reply_attr(struct buf *b, long long npairs) { put_hdr(b, '|', npairs); }

int fmt_double(char *dst, size_t cap, double d) {
    if (isinf(d)) return snprintf(dst, cap, "%s", d > 0 ? "inf" : "-inf");
    if (isnan(d)) return snprintf(dst, cap, "nan");
    return snprintf(dst, cap, "%.17g", d);
}

void reply_double(struct buf *b, int resp, double d) {
    char tmp[64];
    int n = fmt_double(tmp, sizeof(tmp), d);
    if (resp == 3) {
        buf_reserve(b, (size_t)n + 3);
        b->p[b->len++] = ',';
        memcpy(b->p + b->len, tmp, (size_t)n);
        b->len += (size_t)n;
        b->p[b->len++] = '\r';
        b->p[b->len++] = '\n';
    } else {
        reply_bulk(b, tmp, (size_t)n);
    }
}

void reply_bool(struct buf *b, int resp, int v) {
    if (resp == 3) buf_put(b, v ? "#t\r\n" : "#f\r\n", 4);
    else buf_put(b, v ? ":1\r\n" : ":0\r\n", 4);
}

void reply_bignum(struct buf *b, int resp, const char *p, size_t n) {
    if (resp != 3) {
        reply_bulk(b, p, n);
        return;
    }
    buf_putc(b, '(');
    buf_put(b, p, n);
    buf_puts(b, "\r\n");
}

void reply_verbatim(struct buf *b, int resp, const char *fmt, const char *p, size_t n) {
    if (resp != 3) {
        reply_bulk(b, p, n);
        return;
    }
    put_hdr(b, '=', (long long)n + 4);
    buf_put(b, fmt, 3);
    buf_putc(b, ':');
    buf_put(b, p, n);
    buf_puts(b, "\r\n");
}

/* Length of the value at p and, in *n, its count or length; 0 if incomplete. */
static size_t resp3_header(const char *p, size_t len, long long *n) {
    const char *cr = len > 1 ? memchr(p, '\r', len) : NULL;
    if (!cr || (size_t)(cr - p) + 2 > len) return 0;
    *n = 0;
    if (strchr("*~%$:", p[0]) && !str_to_ll(p + 1, (size_t)(cr - p - 1), n)) return 0;
    return (size_t)(cr - p) + 2;
}

size_t reply_resp3_value(struct buf *b, int resp, const char *p, size_t len) {
    long long n;
    size_t h = resp3_header(p, len, &n);
    if (!h) return 0;
    size_t start = b->len, used = h;
    switch (p[0]) {
    case '+':
    case ':':
        buf_put(b, p, h);
        return h;
    case '$':
        if (n < 0 || (size_t)n + 2 > len - h) return 0;
        buf_put(b, p, h + (size_t)n + 2);
        return h + (size_t)n + 2;
    case '*':
    case '~':
    case '%': {
        long long items = p[0] == '%' ? 2 * n : n;
        if (n < 0) return 0;
        if (resp == 3)
            buf_put(b, p, h);
        else
            reply_array(b, items);
        for (long long i = 0; i < items; i++) {
            size_t e = reply_resp3_value(b, resp, p + used, len - used);
            if (!e) {
                b->len = start;
                return 0;
            }
            used += e;
        }
        return used;
    }
    default:
        return 0;
    }
}
