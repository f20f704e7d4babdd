/*
 * parse.h - RESP request parser (multibulk and inline), resumable.
 *
 * The parser never copies argument bytes of multibulk requests: it returns
 * each argument as an offset/length span relative to the start of the command
 * in the caller's buffer. If a command is incomplete the state remembers how
 * far it got, so feeding it the same command start plus more bytes resumes
 * without rescanning. Inline requests (telnet style) are unescaped into
 * `inline_buf`, and their spans refer to that buffer instead.
 *
 * This layer knows nothing about connections, commands or the keyspace.
 */
#ifndef RESP_PARSE_H
#define RESP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"

#define RESP_INLINE_MAX (64 * 1024)

enum resp_status {
    RESP_OK,    /* one command parsed; *consumed bytes belong to it */
    RESP_EMPTY, /* *consumed bytes held an empty command: nothing to run */
    RESP_MORE,  /* incomplete: call again with the same start and more bytes */
    RESP_ERR,   /* protocol error: *err is Redis's error text */
};

struct resp_span {
    size_t off;
    size_t len;
};

struct resp_state {
    int64_t argc;    /* declared argument count; 0 = header not read yet */
    int64_t argi;    /* arguments completed so far */
    int64_t bulklen; /* length of the bulk being read, -1 = header next */
    size_t pos;      /* next unparsed byte, relative to the command start */
    int is_inline;   /* the last RESP_OK came from an inline request */
};

struct resp_spans {
    struct resp_span *v;
    size_t cap;
};

static inline void resp_state_reset(struct resp_state *st) {
    st->argc = 0;
    st->argi = 0;
    st->bulklen = -1;
    st->pos = 0;
    st->is_inline = 0;
}

/*
 * Parse one command from buf[0..len), which must begin at the command start.
 * `max_bulk` is proto-max-bulk-len. On RESP_OK, sp->v[0..argc) hold the
 * arguments (relative to buf, or to inline_buf->p when st->is_inline), argc
 * is st->argc and the state is ready for reuse only after resp_state_reset().
 * `inline_buf` is scratch owned by the caller.
 */
enum resp_status resp_parse(struct resp_state *st, struct resp_spans *sp, struct buf *inline_buf,
                            const char *buf, size_t len, size_t max_bulk, size_t *consumed,
                            const char **err);

/* Length of the first complete RESP2/RESP3 reply in buf, 0 if incomplete,
 * -1 if malformed. Used to split gathered replies. */
long resp_reply_len(const char *buf, size_t len);

#endif
