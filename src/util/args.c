/*
 * args.c - Redis-style argument splitting (rules in args.h).
 *
 * The line is scanned once. Each argument is built in a small growable
 * buffer while a tiny state machine tracks whether we are outside quotes,
 * inside "double" quotes or inside 'single' quotes; finished arguments are
 * appended to the growing argv/lens arrays of the result.
 */
#include "args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGS_ERR ((size_t)-1)

struct args_tok {
    char *p;
    size_t len, cap;
};

static void *args_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "out of memory splitting arguments\n");
        abort();
    }
    return q;
}

static void args_tok_put(struct args_tok *t, char c) {
    if (t->len + 1 >= t->cap) { /* keep room for the NUL */
        t->cap = t->cap ? t->cap * 2 : 16;
        t->p = args_xrealloc(t->p, t->cap);
    }
    t->p[t->len++] = c;
}

/* Whitespace between arguments: isspace() in the "C" locale. */
static int args_is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

/* Bytes that end an unquoted argument (a narrower set, as in Redis). */
static int args_ends_word(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int args_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char args_unescape(char c) {
    switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
    }
}

/* A closing quote at s[i] is valid only before whitespace or the end. */
static size_t args_close(const char *s, size_t len, size_t i, int *done) {
    if (i + 1 < len && !args_is_space(s[i + 1])) return ARGS_ERR;
    *done = 1;
    return i + 1;
}

/* Consume one step inside double quotes starting at s[i]; return the next
 * index, or ARGS_ERR on an unterminated or badly closed quote. */
static size_t args_dq_step(const char *s, size_t len, size_t i,
                           struct args_tok *t, int *done) {
    if (i >= len) return ARGS_ERR;
    if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
        args_hex(s[i + 2]) >= 0 && args_hex(s[i + 3]) >= 0) {
        args_tok_put(t, (char)(args_hex(s[i + 2]) * 16 + args_hex(s[i + 3])));
        return i + 4;
    }
    if (s[i] == '\\' && i + 1 < len) {
        args_tok_put(t, args_unescape(s[i + 1]));
        return i + 2;
    }
    if (s[i] == '"') return args_close(s, len, i, done);
    args_tok_put(t, s[i]);
    return i + 1;
}

/* Same as args_dq_step() for single quotes, where only \' is special. */
static size_t args_sq_step(const char *s, size_t len, size_t i,
                           struct args_tok *t, int *done) {
    if (i >= len) return ARGS_ERR;
    if (s[i] == '\\' && i + 1 < len && s[i + 1] == '\'') {
        args_tok_put(t, '\'');
        return i + 2;
    }
    if (s[i] == '\'') return args_close(s, len, i, done);
    args_tok_put(t, s[i]);
    return i + 1;
}

/* Parse the argument starting at s[i] into t. Returns the index just past
 * it (past the closing quote or the terminating blank), or ARGS_ERR. */
static size_t args_word(const char *s, size_t len, size_t i,
                        struct args_tok *t) {
    char quote = 0;
    int done = 0;

    while (!done && i != ARGS_ERR) {
        if (quote == '"') {
            i = args_dq_step(s, len, i, t, &done);
        } else if (quote == '\'') {
            i = args_sq_step(s, len, i, t, &done);
        } else if (i >= len) {
            done = 1;
        } else if (args_ends_word(s[i])) {
            done = 1;
            i++;
        } else {
            if (s[i] == '"' || s[i] == '\'') quote = s[i];
            else args_tok_put(t, s[i]);
            i++;
        }
    }
    return i;
}

static void args_push(struct args *a, int *cap, struct args_tok *t) {
    if (a->argc == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        a->argv = args_xrealloc(a->argv, sizeof(*a->argv) * (size_t)*cap);
        a->lens = args_xrealloc(a->lens, sizeof(*a->lens) * (size_t)*cap);
    }
    if (!t->p) t->p = args_xrealloc(NULL, 1);
    t->p[t->len] = '\0';
    a->argv[a->argc] = t->p;
    a->lens[a->argc] = t->len;
    a->argc++;
}

int args_split(const char *line, size_t len, struct args *out) {
    int cap = 0;
    size_t i = 0;

    memset(out, 0, sizeof(*out));
    len = strnlen(line, len); /* a NUL ends the line, as in Redis */
    for (;;) {
        while (i < len && args_is_space(line[i])) i++;
        if (i >= len) return 0;
        struct args_tok t = {NULL, 0, 0};
        i = args_word(line, len, i, &t);
        if (i == ARGS_ERR) {
            free(t.p);
            args_free(out);
            return -1;
        }
        args_push(out, &cap, &t);
    }
}

void args_free(struct args *a) {
    for (int i = 0; i < a->argc; i++) free(a->argv[i]);
    free(a->argv);
    free(a->lens);
    memset(a, 0, sizeof(*a));
}
