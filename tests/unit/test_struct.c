/*
 * test_struct.c - unit tests for the scripts' struct library
 * (src/script/struct.c) against bytes and values read from a real
 * redis-server 7.0.15 (EVAL of struct.pack / struct.unpack / struct.size,
 * the packed bytes turned to hex by the script).
 */
#include "test.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>

#include "script/struct.h"

static lua_State *state(void) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushcfunction(L, luaopen_struct);
    lua_call(L, 0, 1);
    lua_setglobal(L, "struct");
    if (luaL_dostring(L, "function hx(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end "
                         "function all(...) local t = {...} for i = 1, #t do t[i] = tostring(t[i]) end "
                         "return table.concat(t, ',') end"))
        fprintf(stderr, "  setup: %s\n", lua_tostring(L, -1));
    return L;
}

static void eval(lua_State *L, const char *expr, char *out, size_t cap) {
    char code[512];
    snprintf(code, sizeof(code), "return %s", expr);
    if (luaL_dostring(L, code) != 0) snprintf(out, cap, "error: %s", lua_tostring(L, -1));
    else snprintf(out, cap, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(nil)");
    lua_settop(L, 0);
}

#define EXPECT(L, expr, want)                                                      \
    do {                                                                           \
        char got_[1024];                                                           \
        eval((L), (expr), got_, sizeof(got_));                                     \
        if (strcmp(got_, (want)) != 0) fprintf(stderr, "  %s -> %s\n", (expr), got_); \
        ASSERT(strcmp(got_, (want)) == 0);                                         \
    } while (0)

static void test_pack(void) {
    lua_State *L = state();
    EXPECT(L, "hx(struct.pack('>i', 1))", "00000001");
    EXPECT(L, "hx(struct.pack('<i', 1))", "01000000");
    EXPECT(L, "hx(struct.pack('i', -2))", "feffffff");
    EXPECT(L, "hx(struct.pack('>h', 258))", "0102");
    EXPECT(L, "hx(struct.pack('>L', 2^40))", "0000010000000000");
    EXPECT(L, "hx(struct.pack('>i8', -1))", "ffffffffffffffff");
    EXPECT(L, "hx(struct.pack('>I3', 70000))", "011170");
    EXPECT(L, "hx(struct.pack('>i17', 1))", "0000000000000000000000000000000001");
    EXPECT(L, "hx(struct.pack('>i', 2^40))", "00000000");
    EXPECT(L, "hx(struct.pack('>f', 1.5))", "3fc00000");
    EXPECT(L, "hx(struct.pack('>d', 1.5))", "3ff8000000000000");
    EXPECT(L, "hx(struct.pack('s', 'ab'))", "616200");
    EXPECT(L, "hx(struct.pack('s', 'a\\0b'))", "61006200");
    EXPECT(L, "hx(struct.pack('c0', 'abc'))", "616263");
    EXPECT(L, "hx(struct.pack('>xbx', 1))", "000100");
    EXPECT(L, "hx(struct.pack('!4 b i', 1, 2))", "0100000002000000");
    EXPECT(L, "hx(struct.pack('T', 1))", "0100000000000000");
    EXPECT(L, "hx(struct.pack('>i', '12'))", "0000000c");
    EXPECT(L, "select(2, pcall(struct.pack, 'q', 1))", "bad argument #1 to '?' (invalid format option 'q')");
    EXPECT(L, "select(2, pcall(struct.pack, 'c3', 'ab'))", "bad argument #3 to '?' (string too short)");
    lua_close(L);
}

static void test_unpack_and_size(void) {
    lua_State *L = state();
    EXPECT(L, "all(struct.unpack('>hh', struct.pack('>hh', 1, -1)))", "1,-1,5");
    EXPECT(L, "all(struct.unpack('s', 'ab\\0cd'))", "ab,4");
    EXPECT(L, "all(struct.unpack('c2', 'abcd'))", "ab,3");
    EXPECT(L, "all(struct.unpack('bc0', '\\3abcd'))", "abc,5");
    EXPECT(L, "all(struct.unpack('>i', '\\0\\0\\0\\1\\0\\0\\0\\2', 5))", "2,9");
    EXPECT(L, "all(struct.unpack('<i3', struct.pack('<i3', -5)))", "-5,4");
    EXPECT(L, "all(struct.unpack('!4 b i', struct.pack('!4 b i', 1, 2)))", "1,2,9");
    EXPECT(L, "all(struct.unpack('>I8', struct.pack('>I8', 2^53)))", "9.007199254741e+15,9");
    EXPECT(L, "struct.size('>i h b d')", "15");
    EXPECT(L, "select(2, pcall(struct.size, 's'))", "bad argument #1 to '?' (option 's' has no fixed size)");
    EXPECT(L, "select(2, pcall(struct.unpack, '>i', 'ab'))", "bad argument #2 to '?' (data string too short)");
    lua_close(L);
}

TEST_MAIN(test_pack, test_unpack_and_size)
