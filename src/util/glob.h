/*
 * glob.h - Redis-style glob matching for KEYS, SCAN MATCH, PSUBSCRIBE and
 * CONFIG GET.
 *
 * The rules are those of Redis 7.0 (checked against redis-server 7.0.15):
 *   *        any run of bytes, including none
 *   ?        exactly one byte
 *   [abc]    one byte from the set; [^abc] one byte not in it
 *   [a-z]    a range; reversed ranges ([z-a]) are swapped; bounds compare as
 *            signed chars, exactly as Redis does, so bytes >= 0x80 sort
 *            below ASCII
 *   \x       the byte x literally, outside and inside a class
 * Quirks kept on purpose: an unterminated class ("a[bc") ends at the end of
 * the pattern; "[]" is an empty class that matches nothing; "[^" matches any
 * byte; inside a class an escaped byte is compared case-sensitively even in
 * nocase mode; a trailing backslash matches a backslash.
 *
 * One more Redis quirk: an EMPTY string matches only an EMPTY pattern, so
 * glob_match("*", 1, "", 0, 0) is 0. Redis hides this in KEYS and SCAN by
 * treating a pattern that is exactly "*" as "match everything" before
 * calling the matcher; callers that want that behaviour must do the same.
 *
 * The matcher is iterative (no recursion) and runs in O(plen * slen) time at
 * worst, so hostile patterns such as "a*a*a*...b" cannot blow the stack or
 * take exponential time.
 */
#ifndef GLOB_H
#define GLOB_H

#include <stddef.h>

/* Return 1 when `str` (slen bytes) matches `pat` (plen bytes), else 0.
 * Neither buffer needs a terminating NUL. With `nocase` non-zero ASCII
 * letters compare case-insensitively (as Redis's stringmatchlen). */
int glob_match(const char *pat, size_t plen, const char *str, size_t slen,
               int nocase);

#endif
