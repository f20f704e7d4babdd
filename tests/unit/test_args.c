/*
 * test_args.c - unit tests for args_split().
 *
 * Expected results for the quoting edge cases were taken from a real
 * redis-server 7.0.15 by sending the same lines as inline commands
 * ("ECHO <line>") and looking at the reply or the "unbalanced quotes" error.
 */
#include "test.h"

#include "util/args.h"

/* Split `line` and compare with the NULL-terminated expected words. */
static int split_is(const char *line, const char *const *want) {
    struct args a;
    int n = 0, ok;
    if (args_split(line, strlen(line), &a) < 0) return 0;
    while (want[n]) n++;
    ok = a.argc == n;
    for (int i = 0; ok && i < n; i++)
        ok = a.lens[i] == strlen(want[i]) && !memcmp(a.argv[i], want[i], a.lens[i]) &&
             a.argv[i][a.lens[i]] == '\0';
    args_free(&a);
    return ok;
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static int fails(const char *line) {
    struct args a;
    int rc = args_split(line, strlen(line), &a);
    if (rc == 0) args_free(&a);
    else if (a.argc != 0 || a.argv || a.lens) return 0;
    return rc == -1;
}

static void test_plain_words(void) {
    ASSERT(split_is("set key value", WORDS("set", "key", "value")));
    ASSERT(split_is("  set \t key\r\n", WORDS("set", "key")));
    ASSERT(split_is("a\vb", WORDS("a\vb"))); /* \v does not end a word */
    ASSERT(split_is("\vx", WORDS("x")));     /* but is skipped between */
    ASSERT(split_is("back\\slash", WORDS("back\\slash")));
}

static void test_blank_lines(void) {
    struct args a;
    ASSERT(args_split("", 0, &a) == 0 && a.argc == 0);
    args_free(&a);
    ASSERT(args_split(" \t\r\n\v\f", 6, &a) == 0 && a.argc == 0);
    args_free(&a);
}

static void test_double_quotes(void) {
    ASSERT(split_is("ECHO \"\\x41\\x4a\"", WORDS("ECHO", "AJ")));
    ASSERT(split_is("\"\\x4\"", WORDS("x4")));   /* not two hex digits */
    ASSERT(split_is("\"\\x4g\"", WORDS("x4g")));
    ASSERT(split_is("\"\\xZZ\"", WORDS("xZZ")));
    ASSERT(split_is("\"\\X41\"", WORDS("X41"))); /* only lowercase \x */
    ASSERT(split_is("\"a\\qb\"", WORDS("aqb")));
    ASSERT(split_is("\"a\\\"b\"", WORDS("a\"b")));
    ASSERT(split_is("\"a\\\\b\"", WORDS("a\\b")));
    ASSERT(split_is("\"\\n\\r\\t\\b\\a\"", WORDS("\n\r\t\b\a")));
    ASSERT(split_is("\"a b\" c", WORDS("a b", "c")));
    ASSERT(split_is("\"a\"\tx", WORDS("a", "x")));
    ASSERT(split_is("\"a\"\v", WORDS("a"))); /* any isspace may follow */
    ASSERT(split_is("\"\"", WORDS("")));
    ASSERT(split_is("save \"\"", WORDS("save", "")));
}

static void test_single_quotes(void) {
    ASSERT(split_is("'a\\'b'", WORDS("a'b")));
    ASSERT(split_is("'a\\nb'", WORDS("a\\nb")));
    ASSERT(split_is("'\\x41'", WORDS("\\x41")));
    ASSERT(split_is("''", WORDS("")));
    ASSERT(split_is("'a \"b\"'", WORDS("a \"b\"")));
}

static void test_quote_mid_word(void) {
    ASSERT(split_is("a\"b c\"", WORDS("ab c")));
    ASSERT(split_is("a'b c'", WORDS("ab c")));
    ASSERT(split_is("a\"b c\" d", WORDS("ab c", "d")));
}

static void test_unbalanced(void) {
    ASSERT(fails("\"ab\"cd"));
    ASSERT(fails("ab\"cd\"e"));
    ASSERT(fails("\"abc"));
    ASSERT(fails("'abc"));
    ASSERT(fails("a\\\"b"));   /* a\"b : the quote is never closed */
    ASSERT(fails("'a\\\\'"));  /* 'a\\' : \' escapes the closing quote */
    ASSERT(fails("\"x\\\""));  /* "x\" */
    ASSERT(fails("\"\\x41\"x"));
    ASSERT(fails("'a'b"));
    ASSERT(fails("ok \"bad"));
}

static void test_binary(void) {
    struct args a;
    /* \x00 produces a NUL inside the argument */
    ASSERT(args_split("\"a\\x00b\"", 8, &a) == 0);
    ASSERT(a.argc == 1 && a.lens[0] == 3 && !memcmp(a.argv[0], "a\0b", 3));
    args_free(&a);
    /* a raw NUL ends the line, like Redis working on C strings */
    ASSERT(args_split("set k\0 v", 8, &a) == 0);
    ASSERT(a.argc == 2 && !strcmp(a.argv[1], "k"));
    args_free(&a);
    ASSERT(args_split("\"open\0\"", 7, &a) == -1);
    /* length is respected, no NUL needed */
    ASSERT(args_split("get keyXXX", 7, &a) == 0);
    ASSERT(a.argc == 2 && !strcmp(a.argv[1], "key"));
    args_free(&a);
    /* high bytes pass through */
    ASSERT(split_is("\xc3\xa9t\xc3\xa9 \"\\xff\"", WORDS("\xc3\xa9t\xc3\xa9", "\xff")));
}

static void test_many_args(void) {
    char line[4000];
    struct args a;
    size_t n = 0;
    for (int i = 0; i < 1000; i++) {
        line[n++] = (char)('a' + i % 26);
        line[n++] = ' ';
    }
    ASSERT(args_split(line, n, &a) == 0);
    ASSERT(a.argc == 1000 && a.argv[999][0] == 'a' + 999 % 26);
    args_free(&a);
    args_free(&a); /* second free of an emptied struct is harmless */
}

TEST_MAIN(test_plain_words, test_blank_lines, test_double_quotes,
          test_single_quotes, test_quote_mid_word, test_unbalanced,
          test_binary, test_many_args)
