/*
 * test_tailcall.c - unit tests for lua_wrap_tail_calls()
 * (src/script/tailcall.c): which `return redis.call(...)` it puts in
 * parentheses, and that strings, comments and long brackets are left
 * alone.
 */
#include "test.h"

#include "script/luastate.h"
#include "util/buf.h"

/* The rewrite of src, or src itself when nothing was wrapped. */
static int rewrites_to(const char *src, const char *want) {
    struct buf out = {0};
    int n = lua_wrap_tail_calls(src, strlen(src), &out);
    int ok = n ? out.len == strlen(want) && memcmp(out.p, want, out.len) == 0 : strcmp(src, want) == 0;
    if (!ok) fprintf(stderr, "  rewrite of [%s]: [%.*s], wanted [%s]\n", src, (int)out.len, out.p ? out.p : "", want);
    buf_free(&out);
    return ok;
}

static void test_wraps_tail_calls(void) {
    ASSERT(rewrites_to("return redis.call('get', KEYS[1])", "return (redis.call('get', KEYS[1]))"));
    ASSERT(rewrites_to("return redis.pcall('x')", "return (redis.pcall('x'))"));
    ASSERT(rewrites_to("return  redis . call ( 'x' ) ", "return  (redis . call ( 'x' )) "));
    ASSERT(rewrites_to("return\nredis.call('x', (1 + 2))", "return\n(redis.call('x', (1 + 2)))"));
    ASSERT(rewrites_to("return redis.call('x', ')'), 2", "return (redis.call('x', ')')), 2"));
    ASSERT(rewrites_to("local function f()\n return redis.call('a')\nend\nreturn redis.call('b')",
                       "local function f()\n return (redis.call('a'))\nend\nreturn (redis.call('b'))"));
    /* newlines inside the call stay where they were */
    ASSERT(rewrites_to("return redis.call(\n'x',\n[[a\n)b]])", "return (redis.call(\n'x',\n[[a\n)b]]))"));
}

static void test_leaves_everything_else(void) {
    ASSERT(rewrites_to("local x = redis.call('get', 'k') return x", "local x = redis.call('get', 'k') return x"));
    ASSERT(rewrites_to("return x.call('a')", "return x.call('a')"));
    ASSERT(rewrites_to("return myredis.call('a')", "return myredis.call('a')"));
    ASSERT(rewrites_to("return redis.callx('a')", "return redis.callx('a')"));
    ASSERT(rewrites_to("returnx = redis.call('a')", "returnx = redis.call('a')"));
    ASSERT(rewrites_to("-- return redis.call('a')\nreturn 1", "-- return redis.call('a')\nreturn 1"));
    ASSERT(rewrites_to("--[==[ return redis.call('a') ]==] return 1", "--[==[ return redis.call('a') ]==] return 1"));
    ASSERT(rewrites_to("local s = 'return redis.call(\\'a\\')' return s", "local s = 'return redis.call(\\'a\\')' return s"));
    ASSERT(rewrites_to("local s = [[return redis.call('a')]] return s", "local s = [[return redis.call('a')]] return s"));
    /* no closing parenthesis: nothing to wrap (the compiler reports it) */
    ASSERT(rewrites_to("return redis.call('a'", "return redis.call('a'"));
    ASSERT(rewrites_to("", ""));
}

TEST_MAIN(test_wraps_tail_calls, test_leaves_everything_else)
