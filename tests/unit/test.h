/*
 * test.h - the one assert macro and the registry used by every C unit test.
 *
 * A test file defines functions `static void test_xxx(void)` and lists them in
 * a `TESTS` X-macro; `TEST_MAIN()` expands to a main() that runs them all and
 * prints "N passed, N failed" as its last line.
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_current_failed;

#define ASSERT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "  %s:%d: assertion failed: %s\n", __FILE__,      \
                    __LINE__, #cond);                                         \
            test_current_failed = 1;                                          \
            return;                                                           \
        }                                                                     \
    } while (0)

#define TEST_MAIN(...)                                                        \
    int main(void) {                                                          \
        int passed = 0;                                                       \
        void (*fns[])(void) = {__VA_ARGS__};                                  \
        const char *names = #__VA_ARGS__;                                     \
        (void)names;                                                          \
        for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {          \
            test_current_failed = 0;                                          \
            fns[i]();                                                         \
            if (test_current_failed) test_failures++;                         \
            else passed++;                                                    \
        }                                                                     \
        printf("%s: %d passed, %d failed\n", __FILE__, passed, test_failures); \
        return test_failures ? 1 : 0;                                         \
    }

#endif
