/*
 * parse.c - the resumable RESP request parser and a reply-length scanner.
 *
 * Error texts are Redis's, word for word, since clients and tests match them.
 */
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/args.h"
#include "../util/util.h"

#define ERR_MBULK_LEN "ERR Protocol error: invalid multibulk length"
#define ERR_BULK_LEN "ERR Protocol error: invalid bulk length"
#define ERR_MBULK_BIG "ERR Protocol error: too big mbulk count string"
#define ERR_BULK_BIG "ERR Protocol error: too big bulk count string"
#define ERR_INLINE_BIG "ERR Protocol error: too big inline request"
#define ERR_QUOTES "ERR Protocol error: unbalanced quotes in request"

static int spans_fit(struct resp_spans *sp, size_t n) {
    if (sp->cap >= n) return 1;
    size_t cap = sp->cap ? sp->cap : 8;
    while (cap < n) cap *= 2;
    struct resp_span *v = realloc(sp->v, cap * sizeof(*v));
    if (!v) abort();
    sp->v = v;
    sp->cap = cap;
    return 1;
}

/* Read "<c><digits>\r\n" at buf[pos]. Returns 1 and sets *v and *next when a
 * whole line is present, 0 when more bytes are needed, -1 if it is too long. */
static inline __attribute__((always_inline)) int read_number_line(const char *buf, size_t len, size_t pos,
                                                                  long long *v, int *ok, size_t *next) {
    const char *start = buf + pos + 1;
    size_t avail = len - pos - 1;
    if (avail >= 3 && start[0] >= '1' && start[0] <= '9') {
        /* the common case, a short positive count or length: one pass */
        long long n = start[0] - '0';
        size_t i = 1;
        while (i < 18 && i < avail && start[i] >= '0' && start[i] <= '9') n = n * 10 + (start[i++] - '0');
        if (i + 2 <= avail && start[i] == '\r') {
            *v = n;
            *ok = 1;
            *next = pos + 1 + i + 2;
            return 1;
        }
    }
    const char *cr = memchr(start, '\r', avail);
    if (!cr) return avail > RESP_INLINE_MAX ? -1 : 0;
    if ((size_t)(cr - start) + 2 > avail) return 0; /* the '\n' has not arrived */
    *ok = str_to_ll(start, (size_t)(cr - start), v);
    *next = (size_t)(cr - buf) + 2;
    return 1;
}

static enum resp_status parse_inline(struct resp_state *st, struct resp_spans *sp, struct buf *ib,
                                     const char *buf, size_t len, size_t *consumed, const char **err) {
    const char *nl = memchr(buf, '\n', len);
    if (!nl) {
        if (len > RESP_INLINE_MAX) {
            *err = ERR_INLINE_BIG;
            return RESP_ERR;
        }
        return RESP_MORE;
    }
    size_t linelen = (size_t)(nl - buf);
    *consumed = linelen + 1;
    if (linelen && buf[linelen - 1] == '\r') linelen--;
    struct args a;
    if (args_split(buf, linelen, &a) != 0) {
        *err = ERR_QUOTES;
        return RESP_ERR;
    }
    if (a.argc == 0) {
        args_free(&a);
        return RESP_EMPTY;
    }
    spans_fit(sp, (size_t)a.argc);
    ib->len = 0;
    for (int i = 0; i < a.argc; i++) {
        sp->v[i].off = ib->len;
        sp->v[i].len = a.lens[i];
        buf_put(ib, a.argv[i], a.lens[i]);
    }
    st->argc = a.argc;
    st->is_inline = 1;
    args_free(&a);
    return RESP_OK;
}

enum resp_status resp_parse(struct resp_state *st, struct resp_spans *sp, struct buf *inline_buf,
                            const char *buf, size_t len, size_t max_bulk, size_t *consumed,
                            const char **err) {
    if (len == 0) return RESP_MORE;
    if (st->argc == 0) {
        if (buf[0] != '*') return parse_inline(st, sp, inline_buf, buf, len, consumed, err);
        long long n;
        int ok;
        size_t next;
        int r = read_number_line(buf, len, 0, &n, &ok, &next);
        if (r < 0) {
            *err = ERR_MBULK_BIG;
            return RESP_ERR;
        }
        if (r == 0) return RESP_MORE;
        if (!ok || n > 0x7fffffff) {
            *err = ERR_MBULK_LEN;
            return RESP_ERR;
        }
        if (n <= 0) {
            *consumed = next;
            return RESP_EMPTY;
        }
        st->argc = n;
        st->argi = 0;
        st->bulklen = -1;
        st->pos = next;
        /* Do not trust the declared count for the allocation: grow as we go. */
        spans_fit(sp, (size_t)(n < 1024 ? n : 1024));
    }
    size_t pos = st->pos;
    while (st->argi < st->argc) {
        if (st->bulklen < 0) {
            if (pos >= len) break;
            if (buf[pos] != '$') {
                static _Thread_local char msg[64];
                snprintf(msg, sizeof(msg), "ERR Protocol error: expected '$', got '%c'", buf[pos]);
                *err = msg;
                return RESP_ERR;
            }
            long long n;
            int ok;
            size_t next;
            int r = read_number_line(buf, len, pos, &n, &ok, &next);
            if (r < 0) {
                *err = ERR_BULK_BIG;
                return RESP_ERR;
            }
            if (r == 0) break;
            if (!ok || n < 0 || (unsigned long long)n > max_bulk) {
                *err = ERR_BULK_LEN;
                return RESP_ERR;
            }
            st->bulklen = n;
            pos = next;
        }
        if (len - pos < (size_t)st->bulklen + 2) break;
        spans_fit(sp, (size_t)st->argi + 1);
        sp->v[st->argi].off = pos;
        sp->v[st->argi].len = (size_t)st->bulklen;
        pos += (size_t)st->bulklen + 2;
        st->argi++;
        st->bulklen = -1;
    }
    st->pos = pos;
    if (st->argi < st->argc) return RESP_MORE;
    *consumed = pos;
    st->is_inline = 0;
    return RESP_OK;
}

/* Parse a "<digits>\r\n" header after the type byte; returns bytes used or 0/-1. */
static long reply_hdr(const char *buf, size_t len, long long *n) {
    const char *cr = memchr(buf, '\r', len);
    if (!cr || (size_t)(cr - buf) + 2 > len) return 0;
    if (!str_to_ll(buf + 1, (size_t)(cr - buf - 1), n)) return -1;
    return (long)(cr - buf) + 2;
}

long resp_reply_len(const char *buf, size_t len) {
    if (len == 0) return 0;
    long long n = 0;
    long h;
    switch (buf[0]) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(': {
        const char *cr = memchr(buf, '\r', len);
        if (!cr || (size_t)(cr - buf) + 2 > len) return 0;
        return (long)(cr - buf) + 2;
    }
    case '$':
    case '=':
    case '!':
        h = reply_hdr(buf, len, &n);
        if (h <= 0) return h;
        if (n < 0) return h;
        if ((size_t)h + (size_t)n + 2 > len) return 0;
        return h + (long)n + 2;
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
        h = reply_hdr(buf, len, &n);
        if (h <= 0) return h;
        if (n < 0) return h;
        if (buf[0] == '%' || buf[0] == '|') {
            if (n > (long long)(len / 4)) return 0; /* cannot be complete */
            n *= 2;
        }
        size_t pos = (size_t)h;
        for (long long i = 0; i < n; i++) {
            long e = resp_reply_len(buf + pos, len - pos);
            if (e <= 0) return e;
            pos += (size_t)e;
        }
        /* an attribute precedes the real reply */
        if (buf[0] == '|') {
            long e = resp_reply_len(buf + pos, len - pos);
            if (e <= 0) return e;
            pos += (size_t)e;
        }
        return (long)pos;
    }
    default:
        return -1;
    }
}
