/*
 * args.h - split one line into arguments with Redis's quoting rules.
 *
 * Used by the config file loader (redis.conf syntax) and by the inline
 * protocol ("SET k v\r\n" typed into telnet). The rules match Redis 7.0's
 * sdssplitargs(), checked against redis-server 7.0.15:
 *   - arguments are separated by whitespace (space, \t, \n, \r, \v, \f
 *     between arguments; inside an unquoted argument only space, \t, \n
 *     and \r end it, so "a\vb" stays one argument);
 *   - "double quotes" understand \n \r \t \b \a, \xHH (two hex digits) and
 *     backslash followed by any other byte, which yields that byte (\" \\);
 *   - 'single quotes' only understand \' ; every other backslash is literal;
 *   - a quote may open in the middle of a word (a"b c" is the single
 *     argument "ab c"), but a closing quote must be followed by whitespace or
 *     the end of the line, otherwise the line is rejected;
 *   - an unterminated quote is an error;
 *   - a NUL byte ends the line (anything after it is ignored), as Redis
 *     works on C strings here.
 * Both error cases are what Redis reports as "unbalanced quotes".
 */
#ifndef ARGS_H
#define ARGS_H

#include <stddef.h>

/* The split result. argv[i] holds lens[i] bytes plus a terminating NUL (the
 * bytes themselves may contain NULs produced by \x00). Everything is heap
 * memory owned by the struct; release it with args_free(). */
struct args {
    int argc;
    char **argv;
    size_t *lens;
};

/* Split `len` bytes of `line` into `out`. Returns 0 on success (argc may be
 * 0 for a blank line) or -1 on unbalanced quotes, in which case `out` is left
 * empty (argc 0, NULL arrays) and needs no args_free(). Aborts on out of
 * memory. */
int args_split(const char *line, size_t len, struct args *out);

/* Release what args_split() allocated and reset `a` to empty. Safe on an
 * already empty struct. */
void args_free(struct args *a);

#endif
