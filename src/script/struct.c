/*
 * struct.c - the `struct` library of Redis's scripting environment:
 * struct.pack(fmt, v...) -> string, struct.unpack(fmt, s [, pos]) -> v...,
 * next position, struct.size(fmt) -> bytes.
 *
 * Format options: '>' big and '<' little endian (little by default), '!n'
 * align fields to min(size, n) bytes ('!' alone: 8), ' ' ignored; 'b'/'B'
 * char, 'h'/'H' short, 'l'/'L' long and 'T' size_t (8), 'in'/'In' an
 * integer of n bytes (4 by default, up to 32), 'f' float, 'd' double, 'x'
 * a zero byte, 's' a zero-terminated string, 'cn' n characters ('c0': as
 * many as the string has, or, unpacking, as the previous value says).
 * Upper case integers are unsigned. Errors are the library's own texts.
 */
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../util/buf.h"
#include "struct.h"

#define MAX_INT_SIZE 32
#define MAX_ALIGN 8

struct fmt {
    int little;
    size_t align;
};

static size_t read_num(const char **f, size_t dflt) {
    if (**f < '0' || **f > '9') return dflt;
    size_t n = 0;
    while (**f >= '0' && **f <= '9') n = n * 10 + (size_t)(*(*f)++ - '0');
    return n;
}

/* The size of the option just read (0 for the variable ones), after its
 * own settings ('<', '>', '!') are applied. */
static size_t opt_size(lua_State *L, char opt, const char **f, struct fmt *h) {
    switch (opt) {
    case 'b':
    case 'B':
    case 'x': return 1;
    case 'h':
    case 'H': return 2;
    case 'l':
    case 'L':
    case 'T': return 8;
    case 'f': return 4;
    case 'd': return 8;
    case 'c': return read_num(f, 1);
    case 's':
    case ' ': return 0;
    case 'i':
    case 'I': {
        size_t n = read_num(f, 4);
        if (n > MAX_INT_SIZE) luaL_error(L, "integral size %d is larger than limit of %d", (int)n, MAX_INT_SIZE);
        return n;
    }
    case '<': h->little = 1; return 0;
    case '>': h->little = 0; return 0;
    case '!': {
        size_t a = read_num(f, MAX_ALIGN);
        if (a == 0 || (a & (a - 1))) luaL_error(L, "alignment %d is not a power of 2", (int)a);
        h->align = a;
        return 0;
    }
    default: {
        char msg[48];
        snprintf(msg, sizeof(msg), "invalid format option '%c'", opt);
        return (size_t)luaL_argerror(L, 1, msg);
    }
    }
}

/* Padding before a field of `size` bytes at offset len. */
static size_t pad_for(size_t len, const struct fmt *h, char opt, size_t size) {
    if (size == 0 || opt == 'c') return 0;
    if (size > h->align) size = h->align;
    return (size - (len & (size - 1))) & (size - 1);
}

static void put_int(struct buf *b, lua_Number n, int little, size_t size) {
    uint64_t v = n < 0 ? (uint64_t)(int64_t)n : n >= 18446744073709551616.0 ? 0 : (uint64_t)n;
    unsigned char t[MAX_INT_SIZE];
    unsigned char ext = n < 0 ? 0xff : 0;
    for (size_t i = 0; i < size; i++) {
        unsigned char byte = i < 8 ? (unsigned char)(v >> (8 * i)) : ext;
        t[little ? i : size - 1 - i] = byte;
    }
    buf_put(b, t, size);
}

static void put_raw(struct buf *b, const void *p, size_t size, int little) {
    const unsigned char *s = p;
    unsigned char t[8];
    /* (the host is little-endian) */
    for (size_t i = 0; i < size; i++) t[little ? i : size - 1 - i] = s[i];
    buf_put(b, t, size);
}

static int l_pack(lua_State *L) {
    const char *f = luaL_checkstring(L, 1);
    struct fmt h = {1, 1};
    struct buf b = {0};
    int arg = 2;
    while (*f) {
        char opt = *f++;
        size_t size = opt_size(L, opt, &f, &h);
        size_t pad = pad_for(b.len, &h, opt, size);
        for (size_t i = 0; i < pad; i++) buf_putc(&b, 0);
        switch (opt) {
        case 'b':
        case 'B':
        case 'h':
        case 'H':
        case 'l':
        case 'L':
        case 'T':
        case 'i':
        case 'I': put_int(&b, luaL_checknumber(L, arg++), h.little, size); break;
        case 'x': buf_putc(&b, 0); break;
        case 'f': {
            float v = (float)luaL_checknumber(L, arg++);
            put_raw(&b, &v, 4, h.little);
            break;
        }
        case 'd': {
            double v = (double)luaL_checknumber(L, arg++);
            put_raw(&b, &v, 8, h.little);
            break;
        }
        case 'c':
        case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg, &l);
            if (opt == 's') {
                buf_put(&b, s, l); /* (zeros inside are kept, as Redis's library does) */
                buf_putc(&b, 0);
            } else {
                if (size == 0) size = l;
                luaL_argcheck(L, l >= size, arg + 1, "string too short");
                buf_put(&b, s, size);
            }
            arg++;
            break;
        }
        default: break;
        }
    }
    lua_pushlstring(L, b.p ? b.p : "", b.len);
    buf_free(&b);
    return 1;
}

static lua_Number get_int(const unsigned char *p, int little, int is_signed, size_t size) {
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++) {
        size_t k = little ? size - 1 - i : i;
        v = (v << 8) | p[k];
    }
    if (is_signed) {
        if (size < 8 && (v >> (8 * size - 1)) & 1) v |= ~(uint64_t)0 << (8 * size);
        return (lua_Number)(int64_t)v;
    }
    return (lua_Number)v;
}

static void get_raw(const unsigned char *p, void *out, size_t size, int little) {
    unsigned char *o = out;
    for (size_t i = 0; i < size; i++) o[i] = p[little ? i : size - 1 - i];
}

static int l_unpack(lua_State *L) {
    const char *f = luaL_checkstring(L, 1);
    size_t ld;
    const unsigned char *data = (const unsigned char *)luaL_checklstring(L, 2, &ld);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    size_t pos = init > 0 ? (size_t)init - 1 : 0;
    struct fmt h = {1, 1};
    int n = 0;
    while (*f) {
        char opt = *f++;
        size_t size = opt_size(L, opt, &f, &h);
        pos += pad_for(pos, &h, opt, size);
        luaL_argcheck(L, pos + size <= ld, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (opt) {
        case 'b':
        case 'B':
        case 'h':
        case 'H':
        case 'l':
        case 'L':
        case 'T':
        case 'i':
        case 'I':
            lua_pushnumber(L, get_int(data + pos, h.little, opt >= 'a', size));
            n++;
            break;
        case 'x': break;
        case 'f': {
            float v;
            get_raw(data + pos, &v, 4, h.little);
            lua_pushnumber(L, v);
            n++;
            break;
        }
        case 'd': {
            double v;
            get_raw(data + pos, &v, 8, h.little);
            lua_pushnumber(L, v);
            n++;
            break;
        }
        case 'c':
            if (size == 0) {
                /* c0: the previous value is the length */
                if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)lua_tonumber(L, -1);
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, pos + size <= ld, 2, "data string too short");
            }
            lua_pushlstring(L, (const char *)data + pos, size);
            n++;
            break;
        case 's': {
            const unsigned char *e = memchr(data + pos, 0, ld - pos);
            if (!e) luaL_error(L, "unfinished string in data");
            size = (size_t)(e - (data + pos)) + 1;
            lua_pushlstring(L, (const char *)data + pos, size - 1);
            n++;
            break;
        }
        default: break;
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos + 1);
    return n + 1;
}

static int l_size(lua_State *L) {
    const char *f = luaL_checkstring(L, 1);
    struct fmt h = {1, 1};
    size_t pos = 0;
    while (*f) {
        char opt = *f++;
        size_t size = opt_size(L, opt, &f, &h);
        pos += pad_for(pos, &h, opt, size);
        if (opt == 's' || (opt == 'c' && size == 0)) {
            char msg[48];
            snprintf(msg, sizeof(msg), "option '%c' has no fixed size", opt);
            luaL_argerror(L, 1, msg);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

int luaopen_struct(lua_State *L) {
    static const luaL_Reg fns[] = {{"pack", l_pack}, {"unpack", l_unpack}, {"size", l_size}, {NULL, NULL}};
    lua_newtable(L);
    for (const luaL_Reg *r = fns; r->name; r++) {
        lua_pushcfunction(L, r->func);
        lua_setfield(L, -2, r->name);
    }
    return 1;
}
