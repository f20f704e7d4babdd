/*
 * msgpack.c - the `cmsgpack` library of Redis's scripting environment:
 * pack(v, ...) -> string, unpack(s) -> v, ..., unpack_one(s, offset) and
 * unpack_limit(s, limit, offset) -> next offset (-1 at the end), v, ...
 *
 * Encodings as Redis's library chooses them: the shortest integer form for
 * a number that is an integer, else float32 when it round-trips, else
 * float64; strings as fixstr/str8/str16/str32; a table whose keys are
 * exactly 1..n as an array, any other as a map; tables nested deeper than
 * 16 levels as nil.
 */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../util/buf.h"
#include "msgpack.h"

#define MAX_NESTING 16

static void put_be(struct buf *b, uint64_t v, int bytes) {
    char t[8];
    for (int i = 0; i < bytes; i++) t[i] = (char)(v >> (8 * (bytes - 1 - i)));
    buf_put(b, t, (size_t)bytes);
}

static void pack_int(struct buf *b, int64_t v) {
    if (v >= 0) {
        if (v <= 127) buf_putc(b, (char)v);
        else if (v <= 0xff) buf_putc(b, (char)0xcc), put_be(b, (uint64_t)v, 1);
        else if (v <= 0xffff) buf_putc(b, (char)0xcd), put_be(b, (uint64_t)v, 2);
        else if (v <= 0xffffffffll) buf_putc(b, (char)0xce), put_be(b, (uint64_t)v, 4);
        else buf_putc(b, (char)0xcf), put_be(b, (uint64_t)v, 8);
    } else {
        if (v >= -32) buf_putc(b, (char)v);
        else if (v >= -128) buf_putc(b, (char)0xd0), put_be(b, (uint64_t)v, 1);
        else if (v >= -32768) buf_putc(b, (char)0xd1), put_be(b, (uint64_t)v, 2);
        else if (v >= -2147483648ll) buf_putc(b, (char)0xd2), put_be(b, (uint64_t)v, 4);
        else buf_putc(b, (char)0xd3), put_be(b, (uint64_t)v, 8);
    }
}

static void pack_number(struct buf *b, lua_Number n) {
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0 && n == (lua_Number)(int64_t)n) {
        pack_int(b, (int64_t)n);
        return;
    }
    float f = (float)n;
    if ((lua_Number)f == n) {
        uint32_t u;
        memcpy(&u, &f, 4);
        buf_putc(b, (char)0xca);
        put_be(b, u, 4);
    } else {
        uint64_t u;
        double d = (double)n;
        memcpy(&u, &d, 8);
        buf_putc(b, (char)0xcb);
        put_be(b, u, 8);
    }
}

static void pack_len(struct buf *b, size_t n, int fix, int fixmax, int c16, int c32, int c8) {
    if ((int)n < fixmax && n < (size_t)fixmax) buf_putc(b, (char)(fix | (int)n));
    else if (c8 && n <= 0xff) buf_putc(b, (char)c8), put_be(b, n, 1);
    else if (n <= 0xffff) buf_putc(b, (char)c16), put_be(b, n, 2);
    else buf_putc(b, (char)c32), put_be(b, n, 4);
}

/* The length of the table at idx if its keys are exactly 1..n, else -1. */
static long array_len(lua_State *L, int idx) {
    long count = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return -1;
        }
        lua_Number k = lua_tonumber(L, -1);
        if (k < 1 || k != floor(k)) {
            lua_pop(L, 1);
            return -1;
        }
        if ((long)k > max) max = (long)k;
        count++;
    }
    return max == count ? count : -1;
}

static void pack_value(lua_State *L, int idx, struct buf *b, int level) {
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER: pack_number(b, lua_tonumber(L, idx)); break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        pack_len(b, len, 0xa0, 32, 0xda, 0xdb, 0xd9);
        buf_put(b, s, len);
        break;
    }
    case LUA_TBOOLEAN: buf_putc(b, lua_toboolean(L, idx) ? (char)0xc3 : (char)0xc2); break;
    case LUA_TTABLE: {
        if (level >= MAX_NESTING || !lua_checkstack(L, 4)) {
            buf_putc(b, (char)0xc0);
            break;
        }
        long n = array_len(L, idx);
        if (n >= 0) {
            pack_len(b, (size_t)n, 0x90, 16, 0xdc, 0xdd, 0);
            for (long i = 1; i <= n; i++) {
                lua_rawgeti(L, idx, (int)i);
                pack_value(L, lua_gettop(L), b, level + 1);
                lua_pop(L, 1);
            }
        } else {
            size_t pairs = 0;
            lua_pushnil(L);
            while (lua_next(L, idx)) {
                lua_pop(L, 1);
                pairs++;
            }
            pack_len(b, pairs, 0x80, 16, 0xde, 0xdf, 0);
            lua_pushnil(L);
            while (lua_next(L, idx)) {
                pack_value(L, lua_gettop(L) - 1, b, level + 1);
                pack_value(L, lua_gettop(L), b, level + 1);
                lua_pop(L, 1);
            }
        }
        break;
    }
    default: buf_putc(b, (char)0xc0); break; /* nil, functions and the rest */
    }
}

static int l_pack(lua_State *L) {
    int n = lua_gettop(L);
    if (n == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    struct buf b = {0};
    for (int i = 1; i <= n; i++) pack_value(L, i, &b, 0);
    lua_pushlstring(L, b.p ? b.p : "", b.len);
    buf_free(&b);
    return 1;
}

/* ---- unpacking ---- */

struct cur {
    const unsigned char *p, *end;
    int err; /* 1 missing bytes, 2 bad format */
};

static uint64_t get_be(struct cur *c, int bytes) {
    if (c->end - c->p < bytes) {
        c->err = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v = (v << 8) | c->p[i];
    c->p += bytes;
    return v;
}

static void unpack_value(lua_State *L, struct cur *c, int level);

static void unpack_str(lua_State *L, struct cur *c, uint64_t len) {
    if (c->err) return;
    if ((uint64_t)(c->end - c->p) < len) {
        c->err = 1;
        return;
    }
    lua_pushlstring(L, (const char *)c->p, (size_t)len);
    c->p += len;
}

static void unpack_array(lua_State *L, struct cur *c, uint64_t n, int level) {
    if (c->err) return;
    lua_newtable(L);
    for (uint64_t i = 0; i < n && !c->err; i++) {
        unpack_value(L, c, level + 1);
        if (c->err) return;
        lua_rawseti(L, -2, (int)i + 1);
    }
}

static void unpack_map(lua_State *L, struct cur *c, uint64_t n, int level) {
    if (c->err) return;
    lua_newtable(L);
    for (uint64_t i = 0; i < n && !c->err; i++) {
        unpack_value(L, c, level + 1);
        if (c->err) return;
        unpack_value(L, c, level + 1);
        if (c->err) return;
        if (lua_isnil(L, -2)) lua_pop(L, 2); /* (a nil key cannot be stored) */
        else lua_rawset(L, -3);
    }
}

static void unpack_value(lua_State *L, struct cur *c, int level) {
    if (c->p >= c->end) {
        c->err = 1;
        return;
    }
    if (!lua_checkstack(L, 4) || level > 1000) {
        c->err = 2;
        return;
    }
    unsigned t = *c->p++;
    if (t <= 0x7f) {
        lua_pushnumber(L, t);
    } else if (t >= 0xe0) {
        lua_pushnumber(L, (int8_t)t);
    } else if ((t & 0xe0) == 0xa0) {
        unpack_str(L, c, t & 0x1f);
    } else if ((t & 0xf0) == 0x90) {
        unpack_array(L, c, t & 0x0f, level);
    } else if ((t & 0xf0) == 0x80) {
        unpack_map(L, c, t & 0x0f, level);
    } else {
        switch (t) {
        case 0xc0: lua_pushnil(L); break;
        case 0xc2: lua_pushboolean(L, 0); break;
        case 0xc3: lua_pushboolean(L, 1); break;
        case 0xcc: lua_pushnumber(L, (lua_Number)get_be(c, 1)); break;
        case 0xcd: lua_pushnumber(L, (lua_Number)get_be(c, 2)); break;
        case 0xce: lua_pushnumber(L, (lua_Number)get_be(c, 4)); break;
        case 0xcf: lua_pushnumber(L, (lua_Number)get_be(c, 8)); break;
        case 0xd0: lua_pushnumber(L, (int8_t)get_be(c, 1)); break;
        case 0xd1: lua_pushnumber(L, (int16_t)get_be(c, 2)); break;
        case 0xd2: lua_pushnumber(L, (int32_t)get_be(c, 4)); break;
        case 0xd3: lua_pushnumber(L, (lua_Number)(int64_t)get_be(c, 8)); break;
        case 0xca: {
            uint32_t u = (uint32_t)get_be(c, 4);
            float f;
            memcpy(&f, &u, 4);
            lua_pushnumber(L, f);
            break;
        }
        case 0xcb: {
            uint64_t u = get_be(c, 8);
            double d;
            memcpy(&d, &u, 8);
            lua_pushnumber(L, d);
            break;
        }
        case 0xd9: unpack_str(L, c, get_be(c, 1)); break;
        case 0xda: unpack_str(L, c, get_be(c, 2)); break;
        case 0xdb: unpack_str(L, c, get_be(c, 4)); break;
        case 0xdc: unpack_array(L, c, get_be(c, 2), level); break;
        case 0xdd: unpack_array(L, c, get_be(c, 4), level); break;
        case 0xde: unpack_map(L, c, get_be(c, 2), level); break;
        case 0xdf: unpack_map(L, c, get_be(c, 4), level); break;
        default: c->err = 2; break;
        }
    }
}

/* Unpack from offset up to `limit` values. With limit and offset both 0
 * (unpack) every value and only the values; otherwise the next offset
 * (-1 at the end) comes first. Bad arguments get the texts of Redis's
 * library (its "limit" in the first one is the input's length). */
static int unpack_from(lua_State *L, long limit, long offset) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int all = !limit && !offset;
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", (int)offset, (int)len);
    if ((size_t)offset > len) return luaL_error(L, "Start offset %d greater than input length %d.", (int)offset, (int)len);
    lua_settop(L, 1);
    struct cur c = {(const unsigned char *)s + offset, (const unsigned char *)s + len, 0};
    long n = 0;
    while (c.p < c.end && (all || n < limit)) {
        unpack_value(L, &c, 0);
        if (c.err) return luaL_error(L, c.err == 1 ? "Missing bytes in input." : "Bad data format in input.");
        n++;
    }
    if (all) return (int)n;
    lua_pushnumber(L, c.p < c.end ? (lua_Number)((const char *)c.p - s) : -1);
    lua_insert(L, 2);
    return (int)n + 1;
}

static int l_unpack(lua_State *L) { return unpack_from(L, 0, 0); }

static int l_unpack_one(lua_State *L) { return unpack_from(L, 1, (long)luaL_optinteger(L, 2, 0)); }

static int l_unpack_limit(lua_State *L) {
    return unpack_from(L, (long)luaL_checkinteger(L, 2), (long)luaL_optinteger(L, 3, 0));
}

int luaopen_cmsgpack(lua_State *L) {
    static const luaL_Reg fns[] = {{"pack", l_pack},
                                   {"unpack", l_unpack},
                                   {"unpack_one", l_unpack_one},
                                   {"unpack_limit", l_unpack_limit},
                                   {NULL, NULL}};
    lua_newtable(L);
    for (const luaL_Reg *f = fns; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, -2, f->name);
    }
    return 1;
}
