/*
 * reply.h - RESP2/RESP3 reply writers.
 *
 * Every writer appends one protocol element (or an aggregate header) to a
 * struct buf. Writers whose encoding differs between RESP2 and RESP3 take the
 * protocol version (2 or 3) as their second argument. This layer knows
 * nothing about connections or the keyspace.
 */
#ifndef RESP_REPLY_H
#define RESP_REPLY_H

#include <stddef.h>

#include "../util/buf.h"

void reply_simple(struct buf *b, const char *s);          /* +s */
void reply_simplen(struct buf *b, const char *s, size_t n);
/* `s` is the whole error line without the leading '-', e.g. "ERR syntax error". */
void reply_error(struct buf *b, const char *s);
void reply_errorf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void reply_ok(struct buf *b);
void reply_int(struct buf *b, long long v);
void reply_bulk(struct buf *b, const void *p, size_t n);
void reply_bulkc(struct buf *b, const char *s);           /* NUL-terminated */
void reply_bulk_ll(struct buf *b, long long v);           /* integer as bulk */
void reply_array(struct buf *b, long long n);             /* *n (same in both) */
void reply_null(struct buf *b, int resp);                 /* $-1 or _ */
void reply_null_array(struct buf *b, int resp);           /* *-1 or _ */
void reply_map(struct buf *b, int resp, long long npairs);/* *2n or %n */
void reply_set(struct buf *b, int resp, long long n);     /* *n or ~n */
void reply_push(struct buf *b, int resp, long long n);    /* *n or >n */
void reply_attr(struct buf *b, long long npairs);         /* |n (RESP3 only) */
void reply_double(struct buf *b, int resp, double d);     /* bulk %.17g or ,d */
void reply_bool(struct buf *b, int resp, int v);          /* :0/:1 or #f/#t */
void reply_bignum(struct buf *b, int resp, const char *p, size_t n);
/* A HELP reply: the NULL-terminated lines, each a simple string. */
void reply_help(struct buf *b, const char *const *lines);
/* `fmt` is the 3-letter type ("txt", "mkd"); RESP2 gets a plain bulk string. */
void reply_verbatim(struct buf *b, int resp, const char *fmt, const char *p, size_t n);

/* Format a double the way Redis does for replies ("inf", "-inf", %.17g). */
/* Append a RESP3 value given as bytes (aggregates * ~ % and simple, number
 * and bulk strings), rewritten for RESP2 when resp is 2: sets become arrays
 * and maps flat arrays. Returns the bytes consumed, 0 if p is not one
 * complete value of those types (nothing is appended then). */
size_t reply_resp3_value(struct buf *b, int resp, const char *p, size_t len);
int fmt_double(char *dst, size_t cap, double d);

#endif
