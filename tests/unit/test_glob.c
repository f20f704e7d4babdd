/*
 * test_glob.c - unit tests for glob_match().
 *
 * The table below was produced by storing the keys in a real redis-server
 * 7.0.15 and running KEYS with each pattern: every (pattern, key) pair must
 * give the same answer here. Hand-written cases cover nocase mode (checked
 * with CONFIG GET on the same server), NUL-free length handling and
 * pathological patterns that would explode a naive recursive matcher.
 */
#include "test.h"

#include "util/glob.h"

struct glob_case {
    const char *pat;
    unsigned long long keys; /* bit i set: glob_keys[i] matches */
};

#define B(i) (1ULL << (i))

static const char *const glob_keys[] = {
    "",
    "a",
    "b",
    "ab",
    "abc",
    "aXc",
    "a\\c",
    "a*c",
    "a?c",
    "a[c",
    "a]c",
    "a-c",
    "A",
    "ABC",
    "hello",
    "hallo",
    "hxllo",
    "hllo",
    "heeeello",
    "a^c",
    "^",
    "]",
    "-",
    "\\",
    "x",
    "_",
    "`",
    "[",
    "ac",
    "a[",
    "a]",
    "a-",
    "a\\",
    "\xe9""",
    "a\xe9""c",
    "aac",
};
/* For each pattern: the keys (by index above) that KEYS returned. */
static const struct glob_case glob_cases[] = {
    {"**", B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(12) | B(13) | B(14) | B(15) | B(16) | B(17) | B(18) | B(19) | B(20) | B(21) | B(22) | B(23) | B(24) | B(25) | B(26) | B(27) | B(28) | B(29) | B(30) | B(31) | B(32) | B(33) | B(34) | B(35)},
    {"?", B(1) | B(2) | B(12) | B(20) | B(21) | B(22) | B(23) | B(24) | B(25) | B(26) | B(27) | B(33)},
    {"a*", B(1) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(28) | B(29) | B(30) | B(31) | B(32) | B(34) | B(35)},
    {"*c", B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(28) | B(34) | B(35)},
    {"a?c", B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(34) | B(35)},
    {"a[bX]c", B(4) | B(5)},
    {"a[^bX]c", B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(34) | B(35)},
    {"a[a-z]c", B(4) | B(35)},
    {"a[z-a]c", B(4) | B(35)},
    {"h[ae]llo", B(14) | B(15)},
    {"h[^e]llo", B(15) | B(16)},
    {"h*llo", B(14) | B(15) | B(16) | B(17) | B(18)},
    {"h?llo", B(14) | B(15) | B(16)},
    {"a\\*c", B(7)},
    {"a\\?c", B(8)},
    {"a\\[c", B(9)},
    {"a[\\]]c", B(10)},
    {"a[]c", 0},
    {"a[]]c", 0},
    {"a[^]c", B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(34) | B(35)},
    {"[", 0},
    {"[^", B(1) | B(2) | B(12) | B(20) | B(21) | B(22) | B(23) | B(24) | B(25) | B(26) | B(27) | B(33)},
    {"a[", 0},
    {"a[b", B(3)},
    {"a[^b", B(28) | B(29) | B(30) | B(31) | B(32)},
    {"a[-]c", B(11)},
    {"a[a-]", B(30)},
    {"[a-]", B(1) | B(20) | B(21) | B(25) | B(26)},
    {"a[\\", B(32)},
    {"a\\", B(32)},
    {"\\", B(23)},
    {"[\\]", B(21)},
    {"[]", 0},
    {"[]]", 0},
    {"[^]]", B(30)},
    {"a[!b]c", B(4)},
    {"\\a", B(1)},
    {"ab\\", 0},
    {"a**c", B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(28) | B(34) | B(35)},
    {"*a*", B(1) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(15) | B(19) | B(28) | B(29) | B(30) | B(31) | B(32) | B(34) | B(35)},
    {"[x-]", B(1) | B(2) | B(20) | B(21) | B(24) | B(25) | B(26)},
    {"[-x]", B(22) | B(24)},
    {"[A-Z]*", B(12) | B(13)},
    {"*[", 0},
    {"a[b-", B(3) | B(31)},
    {"a[b-c", B(3) | B(28)},
    {"[[]", B(27)},
    {"[\\[]", B(27)},
    {"a[\\^]c", B(19)},
    {"a[^^]c", B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(34) | B(35)},
    {"?*", B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(12) | B(13) | B(14) | B(15) | B(16) | B(17) | B(18) | B(19) | B(20) | B(21) | B(22) | B(23) | B(24) | B(25) | B(26) | B(27) | B(28) | B(29) | B(30) | B(31) | B(32) | B(33) | B(34) | B(35)},
    {"*?", B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(12) | B(13) | B(14) | B(15) | B(16) | B(17) | B(18) | B(19) | B(20) | B(21) | B(22) | B(23) | B(24) | B(25) | B(26) | B(27) | B(28) | B(29) | B(30) | B(31) | B(32) | B(33) | B(34) | B(35)},
    {"???", B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(13) | B(19) | B(34) | B(35)},
    {"a[*]c", B(7)},
    {"a[?]c", B(8)},
    {"a[a-\xff""]c", B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(35)},
    {"a[\xe0""-\xf0""]c", B(34)},
    {"*\xe9""*", B(33) | B(34)},
    {"a*b*c*", B(4)},
    {"*a*a*c", B(35)},
    {"h*l*o", B(14) | B(15) | B(16) | B(17) | B(18)},
    {"h*e*l", 0},
    {"[^a-z]", B(12) | B(20) | B(21) | B(22) | B(23) | B(25) | B(26) | B(27) | B(33)},
    {"a[]-]", 0},
    {"a[-", B(31)},
    {"[a-c-e]*", B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(10) | B(11) | B(19) | B(22) | B(28) | B(29) | B(30) | B(31) | B(32) | B(34) | B(35)},
};

static int gm(const char *p, const char *s, int nocase) {
    return glob_match(p, strlen(p), s, strlen(s), nocase);
}

static void test_against_real_redis(void) {
    size_t nkeys = sizeof(glob_keys) / sizeof(glob_keys[0]);
    for (size_t i = 0; i < sizeof(glob_cases) / sizeof(glob_cases[0]); i++) {
        for (size_t k = 0; k < nkeys; k++) {
            int want = (glob_cases[i].keys >> k) & 1;
            int got = gm(glob_cases[i].pat, glob_keys[k], 0);
            if (got != want)
                fprintf(stderr, "  pattern '%s' key '%s': got %d want %d\n",
                        glob_cases[i].pat, glob_keys[k], got, want);
            ASSERT(got == want);
        }
    }
}

static void test_basics(void) {
    ASSERT(gm("hello", "hello", 0));
    ASSERT(!gm("hello", "hell", 0));
    ASSERT(!gm("hell", "hello", 0));
    ASSERT(gm("h*o", "ho", 0));
    ASSERT(gm("*", "x", 0));
    ASSERT(gm("", "", 0));
    ASSERT(!gm("", "a", 0));
    ASSERT(gm("a*b*c", "aXXbYYc", 0));
    ASSERT(!gm("a*b*c", "aXXbYY", 0));
    ASSERT(gm("*.txt", "notes.txt", 0));
    ASSERT(gm("user:*:name", "user:42:name", 0));
    ASSERT(!gm("user:*:name", "user:42:mail", 0));
}

/* An empty string matches only the empty pattern, even "*" (Redis's KEYS
 * and SCAN special-case a lone "*" before calling the matcher). */
static void test_empty_string_quirk(void) {
    ASSERT(!gm("*", "", 0));
    ASSERT(!gm("**", "", 0));
    ASSERT(!gm("?", "", 0));
    ASSERT(gm("", "", 1));
    ASSERT(gm("a*", "a", 0)); /* a trailing star may match nothing */
}

static void test_nocase(void) {
    ASSERT(gm("PORT", "port", 1));
    ASSERT(!gm("PORT", "port", 0));
    ASSERT(gm("P[O]RT", "port", 1));
    ASSERT(gm("[A-Z]ORT", "port", 1));
    ASSERT(!gm("p[^O]rt", "port", 1));
    ASSERT(gm("P?RT", "port", 1));
    ASSERT(gm("[O-Q]ort", "port", 1));
    ASSERT(!gm("[^O-Q]ort", "port", 1));
    ASSERT(gm("PO*", "port", 1));
    ASSERT(gm("\\Port", "port", 1)); /* escapes outside a class fold case */
    /* inside a class an escaped byte compares exactly (CONFIG GET [\P]ort
     * finds nothing on redis-server, [\p]ort finds port) */
    ASSERT(!gm("[\\P]ort", "port", 1));
    ASSERT(gm("[\\p]ort", "port", 1));
    /* ranges are swapped before being lowercased: [Z-a] becomes z..a,
     * which is empty */
    ASSERT(!gm("[Z-a]", "m", 1));
    ASSERT(!gm("[Z-a]ort", "port", 1)); /* all three checked with CONFIG GET */
    ASSERT(!gm("[a-Z]ort", "port", 1));
    ASSERT(gm("[A-z]ort", "port", 1));
    ASSERT(gm("[Z-a]", "_", 0));
}

static void test_lengths_not_nul(void) {
    /* only plen/slen bytes are looked at */
    ASSERT(glob_match("abXYZ", 2, "abQ", 2, 0));
    ASSERT(glob_match("a[bc]d", 5, "ac", 2, 0)); /* "a[bc]" */
    ASSERT(glob_match("a[b", 3, "ab]", 2, 0));
    ASSERT(!glob_match("a?", 2, "a", 1, 0));
    /* embedded NULs are ordinary bytes */
    ASSERT(glob_match("a\0*", 3, "a\0bc", 4, 0));
    ASSERT(!glob_match("a\0*", 3, "ab", 2, 0));
    ASSERT(glob_match("[\0]", 3, "\0", 1, 0));
}

static void test_pathological(void) {
    /* 10k stars followed by a byte that never appears: must be fast */
    static char pat[20002], str[30001];
    size_t n = 0;
    for (int i = 0; i < 10000; i++) {
        pat[n++] = 'a';
        pat[n++] = '*';
    }
    pat[n++] = 'b';
    memset(str, 'a', 30000);
    ASSERT(!glob_match(pat, n, str, 30000, 0));
    str[29999] = 'b';
    ASSERT(glob_match(pat, n, str, 30000, 0));
    /* a long run of stars collapses */
    memset(pat, '*', 20000);
    ASSERT(glob_match(pat, 20000, str, 30000, 0));
    pat[19999] = 'c';
    ASSERT(!glob_match(pat, 20000, str, 30000, 0));
    /* the classic exponential case for naive matchers */
    ASSERT(!gm("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0));
}

TEST_MAIN(test_against_real_redis, test_basics, test_empty_string_quirk,
          test_nocase, test_lengths_not_nul, test_pathological)
