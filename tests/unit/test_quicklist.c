/*
 * test_quicklist.c - unit tests for the list of listpack nodes
 * (src/db/quicklist.c).
 *
 * A long random sequence of pushes, inserts, replaces and deletes runs
 * against both a quicklist and a plain array model, under several fill
 * factors; after every step the structure is checked: links both ways, no
 * empty node, counts adding up, every node with more than one entry within
 * its fill limit, and the entries equal to the model's read forwards and
 * backwards.
 */
#include "test.h"

#include <malloc.h>
#include <stdint.h>

#include "db/quicklist.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* The model: an array of owned strings. */
#define MODEL_MAX 4000
static char *model[MODEL_MAX];
static size_t model_len[MODEL_MAX];
static unsigned model_n;

static void model_insert(unsigned at, const char *s, size_t len) {
    memmove(model + at + 1, model + at, sizeof(model[0]) * (model_n - at));
    memmove(model_len + at + 1, model_len + at, sizeof(model_len[0]) * (model_n - at));
    model[at] = malloc(len + 1);
    memcpy(model[at], s, len);
    model_len[at] = len;
    model_n++;
}

static void model_delete(unsigned at, unsigned n) {
    for (unsigned i = at; i < at + n; i++) free(model[i]);
    memmove(model + at, model + at + n, sizeof(model[0]) * (model_n - at - n));
    memmove(model_len + at, model_len + at + n, sizeof(model_len[0]) * (model_n - at - n));
    model_n -= n;
}

static void model_clear(void) { model_delete(0, model_n); }

/* A random value: small integers, integer-looking text, short and long strings. */
static size_t rand_value(char *buf) {
    switch (rnd_below(6)) {
    case 0: return (size_t)sprintf(buf, "%d", (int)rnd_below(200) - 100);
    case 1: return (size_t)sprintf(buf, "%lld", (long long)rnd());
    case 2: return (size_t)sprintf(buf, "0%u", rnd_below(100)); /* not canonical: a string */
    case 3: {
        size_t n = 200 + rnd_below(3000);
        memset(buf, 'L', n);
        return n;
    }
    default: {
        size_t n = rnd_below(30);
        for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + rnd_below(26));
        return n;
    }
    }
}

static int entry_is(const struct ql_pos *p, unsigned i) {
    char tmp[24];
    struct lp_entry e;
    ql_get(p, &e, tmp);
    return e.len == model_len[i] && memcmp(e.s, model[i], e.len) == 0;
}

static size_t node_limit(int fill) {
    static const size_t lim[] = {4096, 8192, 16384, 32768, 65536};
    return fill >= 0 ? 8192 : lim[-fill - 1];
}

/* The structure and its contents against the model; 0 on any mismatch. */
static int check(const struct quicklist *ql) {
    unsigned long count = 0, len = 0;
    const struct ql_node *prev = NULL;
    for (const struct ql_node *n = ql->head; n; n = n->next) {
        if (n->prev != prev || lp_count(n->lp) == 0) return 0;
        if (lp_count(n->lp) > 1) {
            if (lp_bytes(n->lp) > node_limit(ql->fill)) return 0;
            if (ql->fill >= 0 && lp_count(n->lp) > (uint32_t)ql->fill) return 0;
        }
        count += lp_count(n->lp);
        len++;
        prev = n;
    }
    if (ql->tail != prev || count != ql->count || len != ql->len || count != model_n) return 0;
    struct ql_pos p;
    unsigned i = 0;
    for (int ok = ql_seek(ql, 0, &p); ok; ok = ql_next(&p), i++)
        if (i >= model_n || !entry_is(&p, i)) return 0;
    if (i != model_n) return 0;
    for (int ok = ql_seek(ql, -1, &p); ok; ok = ql_prev(&p)) {
        if (i == 0 || !entry_is(&p, --i)) return 0;
    }
    return i == 0;
}

static void random_ops(int fill, int steps) {
    static char buf[4096];
    struct quicklist *ql = ql_new(fill);
    unsigned peak = 0;
    model_clear();
    for (int step = 0; step < steps; step++) {
        unsigned op = rnd_below(100);
        size_t len = rand_value(buf);
        struct ql_pos p;
        if (op < 45 && model_n < MODEL_MAX - 1) { /* push */
            int tail = (int)rnd_below(2);
            ql_push(ql, buf, len, tail);
            model_insert(tail ? model_n : 0, buf, len);
        } else if (op < 60 && model_n && model_n < MODEL_MAX - 1) { /* insert */
            unsigned at = rnd_below(model_n);
            int after = (int)rnd_below(2);
            ASSERT(ql_seek(ql, at, &p));
            ql_insert_at(ql, &p, buf, len, after);
            model_insert(at + (unsigned)after, buf, len);
        } else if (op < 70 && model_n) { /* replace */
            unsigned at = rnd_below(model_n);
            ASSERT(ql_seek(ql, (long long)at - (long long)model_n, &p)); /* by negative index */
            ql_replace_at(ql, &p, buf, len);
            model_delete(at, 1);
            model_insert(at, buf, len);
        } else if (op < 90 && model_n) { /* delete a few in a row, either way */
            unsigned at = rnd_below(model_n), k = 1 + rnd_below(2);
            int forward = (int)rnd_below(2);
            ASSERT(ql_seek(ql, at, &p));
            for (unsigned j = 0; j < k && p.node; j++) {
                ql_delete_at(ql, &p, forward);
                model_delete(at, 1);
                if (!forward) {
                    if (at == 0) {
                        ASSERT(p.node == NULL);
                        break;
                    }
                    at--;
                }
                if (p.node) ASSERT(entry_is(&p, at));
                else ASSERT(forward ? at == model_n : 0);
            }
        } else if (op < 99 && model_n) { /* read by index */
            unsigned at = rnd_below(model_n);
            ASSERT(ql_seek(ql, at, &p) && entry_is(&p, at));
        } else if (model_n) { /* delete a range */
            unsigned at = rnd_below(model_n), k = rnd_below(20) == 0 ? model_n : rnd_below(20);
            ql_del_range(ql, at, k);
            model_delete(at, k > model_n - at ? model_n - at : k);
        }
        ASSERT(check(ql));
        if (model_n > peak) peak = model_n;
    }
    ASSERT(peak > 200);
    ql_free(ql);
    model_clear();
}

static void test_random_fill_positive(void) {
    random_ops(1, 3000);
    random_ops(4, 6000);
    random_ops(128, 6000);
}

static void test_random_fill_size(void) {
    random_ops(-1, 6000);
    random_ops(-2, 6000);
    random_ops(-5, 3000);
}

static void test_random_fill_zero(void) { random_ops(0, 2000); }

/* Pushes fill each node to its limit before starting the next. */
static void test_push_fills_nodes(void) {
    struct quicklist *ql = ql_new(-2);
    char v[16];
    for (int i = 0; i < 100000; i++) {
        int n = sprintf(v, "value:%d", i);
        ql_push(ql, v, (size_t)n, 1);
    }
    ASSERT(ql->count == 100000);
    for (const struct ql_node *n = ql->head; n; n = n->next) {
        ASSERT(lp_bytes(n->lp) <= 8192);
        if (n->next) ASSERT(lp_bytes(n->lp) > 8192 - 40);
        /* no growth slack: a full node sits in the 8 KB allocation class */
        ASSERT(malloc_usable_size(n->lp) - lp_bytes(n->lp) < 16 + lp_bytes(n->lp) / 4);
        if (n->next) ASSERT(malloc_usable_size(n->lp) <= 8192 + 16);
    }
    struct ql_pos p;
    char tmp[24];
    struct lp_entry e;
    ASSERT(ql_seek(ql, 77777, &p));
    ql_get(&p, &e, tmp);
    ASSERT(e.len == 11 && memcmp(e.s, "value:77777", 11) == 0);
    ql_free(ql);

    ql = ql_new(128);
    for (int i = 0; i < 1000; i++) ql_push(ql, "x", 1, 0);
    ASSERT(ql->len == 8); /* 7 nodes of 128, one of 104 */
    ASSERT(lp_count(ql->head->lp) == 104 && lp_count(ql->tail->lp) == 128);
    ql_free(ql);
}

/* A huge element gets a node of its own. */
static void test_big_element(void) {
    struct quicklist *ql = ql_new(-1);
    static char big[100000];
    memset(big, 'b', sizeof(big));
    ql_push(ql, "a", 1, 1);
    ql_push(ql, big, sizeof(big), 1);
    ql_push(ql, "c", 1, 1);
    ASSERT(ql->len == 3 && ql->count == 3);
    struct ql_pos p;
    char tmp[24];
    struct lp_entry e;
    ASSERT(ql_seek(ql, 1, &p));
    ql_get(&p, &e, tmp);
    ASSERT(e.len == sizeof(big));
    ql_replace_at(ql, &p, "small", 5);
    ASSERT(ql->count == 3);
    ASSERT(ql_seek(ql, 1, &p));
    ql_get(&p, &e, tmp);
    ASSERT(e.len == 5 && !memcmp(e.s, "small", 5));
    ql_free(ql);
}

static void test_dup_and_take(void) {
    struct quicklist *ql = ql_new(2);
    for (int i = 0; i < 9; i++) ql_push(ql, "v", 1, 1);
    struct quicklist *d = ql_dup(ql);
    ASSERT(d->count == 9 && d->len == 5 && d->fill == 2);
    ASSERT(ql_mem(d) > 5 * sizeof(struct ql_node));
    ql_free(ql);
    ql_del_range(d, 0, 8);
    ASSERT(d->count == 1 && d->len == 1);
    lp_t *lp = ql_take_lp(d);
    ASSERT(lp_count(lp) == 1);
    lp_free(lp);
    lp = ql_take_lp(ql_new(-2));
    ASSERT(lp_count(lp) == 0);
    lp_free(lp);
    ASSERT(ql_clamp_fill(-100) == -5 && ql_clamp_fill(100000) == 32767 && ql_clamp_fill(7) == 7);
}

TEST_MAIN(test_random_fill_positive, test_random_fill_size, test_random_fill_zero,
          test_push_fills_nodes, test_big_element, test_dup_and_take)
