/*
 * tailcall.c - script source as LuaJIT compiles it (see luastate.h).
 */
#include <ctype.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "../util/buf.h"
#include "luastate.h"

/* ---- tail calls of redis.call ----
 *
 * LuaJIT turns `return redis.call(...)` into a tail call: the script's
 * frame is gone when redis.call raises, so the error could not say
 * "on @user_script:N." as Redis's does. Before compiling, such a call is
 * put in parentheses, `return (redis.call(...))`, which is no tail call
 * and means the same (redis.call returns one value). Only characters are
 * added, never newlines, so line numbers stay. */

/* Past a long bracket's opening at p ("[", "="*, "[") of level *lvl;
 * NULL if p does not open one. */
static const char *long_open(const char *p, const char *end, int *lvl) {
    if (p >= end || *p != '[') return NULL;
    const char *q = p + 1;
    int n = 0;
    while (q < end && *q == '=') {
        q++;
        n++;
    }
    if (q >= end || *q != '[') return NULL;
    *lvl = n;
    return q + 1;
}

/* Past the long bracket closing level lvl from p (or end). */
static const char *long_close(const char *p, const char *end, int lvl) {
    for (; p < end; p++) {
        if (*p != ']') continue;
        const char *q = p + 1;
        int n = 0;
        while (q < end && *q == '=') {
            q++;
            n++;
        }
        if (n == lvl && q < end && *q == ']') return q + 1;
    }
    return end;
}

/* Past the comment, string or long string at p, or p itself if none
 * starts there. */
static const char *skip_nontoken(const char *p, const char *end) {
    int lvl;
    const char *q;
    if (p + 1 < end && p[0] == '-' && p[1] == '-') {
        if ((q = long_open(p + 2, end, &lvl))) return long_close(q, end, lvl);
        while (p < end && *p != '\n') p++;
        return p;
    }
    if (*p == '\'' || *p == '"') {
        char quote = *p++;
        while (p < end && *p != quote && *p != '\n') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
        return p < end ? p + 1 : end;
    }
    if ((q = long_open(p, end, &lvl))) return long_close(q, end, lvl);
    return p;
}

static int ident_char(char ch) { return isalnum((unsigned char)ch) || ch == '_'; }

static const char *skip_space(const char *p, const char *end) {
    while (p < end && isspace((unsigned char)*p)) p++;
    return p;
}

/* If `redis . call (` or `redis . pcall (` starts at p: past its "(". */
static const char *call_open(const char *p, const char *end) {
    if (end - p < 5 || memcmp(p, "redis", 5) || (p + 5 < end && ident_char(p[5]))) return NULL;
    p = skip_space(p + 5, end);
    if (p >= end || *p != '.') return NULL;
    p = skip_space(p + 1, end);
    size_t n = end - p >= 5 && !memcmp(p, "pcall", 5) ? 5 : end - p >= 4 && !memcmp(p, "call", 4) ? 4 : 0;
    if (!n || (p + n < end && ident_char(p[n]))) return NULL;
    p = skip_space(p + n, end);
    return p < end && *p == '(' ? p + 1 : NULL;
}

/* Past the ")" matching an open "(" just before p; NULL if none. */
static const char *call_close(const char *p, const char *end) {
    int depth = 1;
    while (p < end) {
        const char *q = skip_nontoken(p, end);
        if (q != p) {
            p = q;
            continue;
        }
        if (*p == '(') depth++;
        else if (*p == ')' && --depth == 0) return p + 1;
        p++;
    }
    return NULL;
}

int lua_wrap_tail_calls(const char *src, size_t len, struct buf *out) {
    const char *p = src, *end = src + len, *copied = src;
    int n = 0;
    while (p < end) {
        const char *q = skip_nontoken(p, end);
        if (q != p) {
            p = q;
            continue;
        }
        if (!ident_char(*p)) {
            p++;
            continue;
        }
        const char *w = p;
        while (p < end && ident_char(*p)) p++;
        if (p - w != 6 || memcmp(w, "return", 6)) continue;
        const char *c = skip_space(p, end);
        const char *args = call_open(c, end);
        const char *close = args ? call_close(args, end) : NULL;
        if (!close) continue;
        buf_put(out, copied, (size_t)(c - copied));
        buf_putc(out, '(');
        buf_put(out, c, (size_t)(close - c));
        buf_putc(out, ')');
        copied = p = close;
        n++;
    }
    if (n) buf_put(out, copied, (size_t)(end - copied));
    return n;
}

int load_user_code(lua_State *L, const char *code, size_t len, const char *chunk) {
    struct buf w = {0};
    int rc = -1;
    if (lua_wrap_tail_calls(code, len, &w)) {
        rc = luaL_loadbuffer(L, w.p, w.len, chunk);
        if (rc) lua_pop(L, 1); /* (then the original, whose error it is) */
    }
    buf_free(&w);
    if (rc) rc = luaL_loadbuffer(L, code, len, chunk);
    return rc;
}
