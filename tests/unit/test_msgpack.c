/*
 * test_msgpack.c - unit tests for the scripts' cmsgpack library
 * (src/script/msgpack.c): the bytes cmsgpack.pack makes and what
 * cmsgpack.unpack reads back.
 *
 * The expected bytes were read from a real redis-server 7.0.15:
 *   EVAL "local function hx(s) ... end return hx(cmsgpack.pack(...))" 0
 * (hx turns each byte into two hex digits).
 */
#include "test.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>

#include "script/msgpack.h"

static lua_State *state(void) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushcfunction(L, luaopen_cmsgpack);
    lua_call(L, 0, 1);
    lua_setglobal(L, "cmsgpack");
    if (luaL_dostring(L, "function hx(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end"))
        fprintf(stderr, "  hx: %s\n", lua_tostring(L, -1));
    return L;
}

/* The string the Lua expression evaluates to ("" on error: printed). */
static const char *eval(lua_State *L, const char *expr, char *out, size_t cap) {
    char code[512];
    snprintf(code, sizeof(code), "return %s", expr);
    out[0] = 0;
    if (luaL_dostring(L, code) != 0) {
        snprintf(out, cap, "error: %s", lua_tostring(L, -1));
    } else {
        const char *s = lua_tostring(L, -1);
        snprintf(out, cap, "%s", s ? s : "(nil)");
    }
    lua_settop(L, 0);
    return out;
}

#define EXPECT(L, expr, want)                                                    \
    do {                                                                         \
        char got_[4096];                                                         \
        eval((L), (expr), got_, sizeof(got_));                                   \
        if (strcmp(got_, (want)) != 0) fprintf(stderr, "  %s -> %s\n", (expr), got_); \
        ASSERT(strcmp(got_, (want)) == 0);                                       \
    } while (0)

static void test_pack_numbers(void) {
    lua_State *L = state();
    EXPECT(L, "hx(cmsgpack.pack(1,2,3))", "010203");
    EXPECT(L, "hx(cmsgpack.pack(-1,-33,300,-300,70000,2^40,-2^40))",
           "ffd0dfcd012cd1fed4ce00011170cf0000010000000000d3ffffff0000000000");
    EXPECT(L, "hx(cmsgpack.pack(1.5, 0.1, -0.0, 1e300))", "ca3fc00000cb3fb999999999999a00cb7e37e43c8800759c");
    EXPECT(L, "hx(cmsgpack.pack(3.0, -2^31, 2^31, -2^32))", "03d280000000ce80000000d3ffffffff00000000");
    EXPECT(L, "hx(cmsgpack.pack(2^64))", "ca5f800000");
    EXPECT(L, "hx(cmsgpack.pack(0/0))", "cbfff8000000000000");
    lua_close(L);
}

static void test_pack_strings_and_tables(void) {
    lua_State *L = state();
    EXPECT(L, "hx(cmsgpack.pack('abc', true, false, nil))", "a3616263c3c2c0");
    EXPECT(L, "hx(cmsgpack.pack(string.rep('x', 40))):sub(1, 6)", "d92878");
    EXPECT(L, "hx(cmsgpack.pack(string.rep('y', 300))):sub(1, 8)", "da012c79");
    EXPECT(L, "hx(cmsgpack.pack(string.rep('z', 70000))):sub(1, 12)", "db000111707a");
    EXPECT(L, "hx(cmsgpack.pack({1,2,3}, {a=1}, {}))", "9301020381a1610190");
    EXPECT(L, "(function() local t = {} for i = 1, 20 do t[i] = i end return hx(cmsgpack.pack(t)) end)()",
           "dc00140102030405060708090a0b0c0d0e0f1011121314");
    /* nested deeper than 16: nil */
    EXPECT(L, "(function() local t = {} t[1] = t return hx(cmsgpack.pack(t)) end)()",
           "91919191919191919191919191919191c0");
    EXPECT(L, "select(2, pcall(cmsgpack.pack))", "bad argument #0 to '?' (MessagePack pack needs input.)");
    lua_close(L);
}

static void test_unpack(void) {
    lua_State *L = state();
    EXPECT(L, "table.concat({cmsgpack.unpack(cmsgpack.pack(1, 'a', -300, 1.5))}, ',')", "1,a,-300,1.5");
    EXPECT(L, "cmsgpack.unpack(cmsgpack.pack({a={b={c='deep'}}})).a.b.c", "deep");
    EXPECT(L, "tostring(cmsgpack.unpack(cmsgpack.pack(-2^63)))", "-9.2233720368548e+18");
    EXPECT(L, "table.concat({cmsgpack.unpack_one(cmsgpack.pack(5, 6), 0)}, ',')", "1,5");
    EXPECT(L, "table.concat({cmsgpack.unpack_one(cmsgpack.pack(5, 6), 1)}, ',')", "-1,6");
    EXPECT(L, "table.concat({cmsgpack.unpack_limit(cmsgpack.pack(5, 6, 7), 2)}, ',')", "2,5,6");
    EXPECT(L, "table.concat({cmsgpack.unpack_limit(cmsgpack.pack(5, 6, 7), 0)}, ',')", "5,6,7");
    EXPECT(L, "table.concat({cmsgpack.unpack_limit(cmsgpack.pack(5, 6, 7), 0, 1)}, ',')", "1");
    EXPECT(L, "select(2, pcall(cmsgpack.unpack, '\\193'))", "Bad data format in input.");
    EXPECT(L, "select(2, pcall(cmsgpack.unpack, '\\146\\001'))", "Missing bytes in input.");
    EXPECT(L, "select(2, pcall(cmsgpack.unpack_one, cmsgpack.pack(5, 6), 10))",
           "Start offset 10 greater than input length 2.");
    EXPECT(L, "select(2, pcall(cmsgpack.unpack_limit, cmsgpack.pack(5, 6, 7), -1))",
           "Invalid request to unpack with offset of 0 and limit of 3.");
    lua_close(L);
}

TEST_MAIN(test_pack_numbers, test_pack_strings_and_tables, test_unpack)
