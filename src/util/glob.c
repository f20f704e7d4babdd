/*
 * glob.c - Redis-compatible glob matching (see glob.h for the rules).
 *
 * The algorithm is the classic "remember the last star" backtracking
 * matcher: every element other than '*' consumes exactly one byte, so when a
 * mismatch happens it is enough to let the most recent star swallow one more
 * byte and retry from just after it. Earlier stars never need revisiting,
 * which bounds the work to O(plen * slen) with no recursion at all. The
 * results are the same as Redis's recursive stringmatchlen(), quirks
 * included; the tests in tests/unit/test_glob.c pin them against answers
 * taken from a real redis-server 7.0.15.
 */
#include "glob.h"

#define GLOB_NO_STAR ((size_t)-1)

/* ASCII-only lowercase, like tolower() in the "C" locale Redis runs with. */
static int glob_lower(int c) {
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int glob_same(char a, char b, int nocase) {
    if (!nocase) return a == b;
    return glob_lower((signed char)a) == glob_lower((signed char)b);
}

/* Range test for "[lo-hi]". Redis compares plain (signed on x86) chars,
 * swaps reversed bounds first and only then lowercases in nocase mode; the
 * order matters for mixed-case ranges such as [Z-a]. */
static int glob_in_range(char lo, char hi, char ch, int nocase) {
    int a = (signed char)lo, b = (signed char)hi, c = (signed char)ch;
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    if (nocase) {
        a = glob_lower(a);
        b = glob_lower(b);
        c = glob_lower(c);
    }
    return c >= a && c <= b;
}

/* Match the class that starts at p[*pi] == '[' against ch and move *pi past
 * it. A class without its closing ']' runs to the end of the pattern. */
static int glob_class(const char *p, size_t plen, size_t *pi, char ch,
                      int nocase) {
    size_t i = *pi + 1;
    int neg = 0, hit = 0;

    if (i < plen && p[i] == '^') {
        neg = 1;
        i++;
    }
    for (; i < plen; i++) {
        if (p[i] == '\\' && i + 1 < plen) {
            i++;
            hit |= p[i] == ch; /* escaped bytes ignore nocase, as in Redis */
        } else if (p[i] == ']') {
            *pi = i + 1;
            return hit != neg;
        } else if (i + 2 < plen && p[i + 1] == '-') {
            hit |= glob_in_range(p[i], p[i + 2], ch, nocase);
            i += 2;
        } else {
            hit |= glob_same(p[i], ch, nocase);
        }
    }
    *pi = plen;
    return hit != neg;
}

/* Match the single non-star element at p[*pi] against ch; on return *pi
 * points just past that element whatever the outcome. */
static int glob_one(const char *p, size_t plen, size_t *pi, char ch,
                    int nocase) {
    size_t i = *pi;

    if (p[i] == '?') {
        *pi = i + 1;
        return 1;
    }
    if (p[i] == '[') return glob_class(p, plen, pi, ch, nocase);
    if (p[i] == '\\' && i + 1 < plen) i++;
    *pi = i + 1;
    return glob_same(p[i], ch, nocase);
}

int glob_match(const char *pat, size_t plen, const char *str, size_t slen,
               int nocase) {
    size_t pi = 0, si = 0, star_p = GLOB_NO_STAR, star_s = 0;

    if (slen == 0) return plen == 0; /* Redis quirk, see glob.h */
    while (si < slen) {
        if (pi < plen && pat[pi] == '*') {
            while (pi < plen && pat[pi] == '*') pi++;
            if (pi == plen) return 1;
            star_p = pi;
            star_s = si;
            continue;
        }
        size_t next = pi;
        if (pi < plen && glob_one(pat, plen, &next, str[si], nocase)) {
            pi = next;
            si++;
            continue;
        }
        if (star_p == GLOB_NO_STAR) return 0;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < plen && pat[pi] == '*') pi++;
    return pi == plen;
}
