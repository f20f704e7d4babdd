/*
 * test_skiplist.c - the sorted-set skiplist against a plain sorted array:
 * random inserts, deletes and score updates, then every query (rank, by
 * rank, score and lex ranges, range deletes) compared with the model.
 */
#include "db/skiplist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

struct ent {
    double score;
    char ele[16];
    size_t len;
};

static struct ent model[4096];
static int nmodel;

static int ent_cmp(const void *a, const void *b) {
    const struct ent *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return zsl_cmp_str(x->ele, x->len, y->ele, y->len);
}

static int model_find(const char *e, size_t len) {
    for (int i = 0; i < nmodel; i++)
        if (model[i].len == len && memcmp(model[i].ele, e, len) == 0) return i;
    return -1;
}

static void model_del(int i) {
    memmove(&model[i], &model[i + 1], (size_t)(nmodel - i - 1) * sizeof(model[0]));
    nmodel--;
}

/* Check the whole list against the model: order, spans, backward links, dict. */
static int check_all(struct zsl *z) {
    if (z->length != (unsigned long)nmodel) return 0;
    if (hmap_count(&z->dict) != (size_t)nmodel) return 0;
    struct zsl_node *x = z->header->level[0].forward, *prev = NULL;
    for (int i = 0; i < nmodel; i++, prev = x, x = x->level[0].forward) {
        if (!x || x->score != model[i].score || x->len != model[i].len ||
            memcmp(zsl_ele(x), model[i].ele, x->len) != 0)
            return 0;
        if (x->backward != prev) return 0;
        if (zsl_rank(z, x) != (unsigned long)i) return 0;
        if (zsl_by_rank(z, (unsigned long)i) != x) return 0;
        if (zsl_find(z, model[i].ele, model[i].len) != x) return 0;
    }
    if (x != NULL || z->tail != prev) return 0;
    return zsl_by_rank(z, (unsigned long)nmodel) == NULL;
}

static void random_ele(char *buf, size_t *len) {
    int n = rand() % 300;
    *len = (size_t)snprintf(buf, 16, "m%d", n);
}

static void test_random_ops(void) {
    srand(1234);
    struct zsl *z = zsl_new();
    nmodel = 0;
    for (int round = 0; round < 20000; round++) {
        char e[16];
        size_t len;
        random_ele(e, &len);
        double score = (double)(rand() % 50) / 2;
        int op = rand() % 3, i = model_find(e, len);
        if (op == 0 || i < 0) {
            if (i >= 0) {
                ASSERT(zsl_delete(z, e, len));
                model_del(i);
            }
            zsl_insert(z, score, e, len);
            struct ent *m = &model[nmodel++];
            m->score = score;
            memcpy(m->ele, e, len);
            m->len = len;
            qsort(model, (size_t)nmodel, sizeof(model[0]), ent_cmp);
        } else if (op == 1) {
            ASSERT(zsl_delete(z, e, len));
            ASSERT(!zsl_delete(z, e, len));
            model_del(i);
        } else {
            struct zsl_node *n = zsl_find(z, e, len);
            ASSERT(n != NULL);
            zsl_update_score(z, n, score);
            model[i].score = score;
            qsort(model, (size_t)nmodel, sizeof(model[0]), ent_cmp);
        }
        if (round % 97 == 0) ASSERT(check_all(z));
    }
    ASSERT(check_all(z));
    zsl_free(z);
}

static struct zsl *fill(int n) {
    struct zsl *z = zsl_new();
    nmodel = 0;
    for (int i = 0; i < n; i++) {
        struct ent *m = &model[nmodel++];
        m->score = (double)(rand() % 40);
        m->len = (size_t)snprintf(m->ele, sizeof(m->ele), "e%04d", i);
        zsl_insert(z, m->score, m->ele, m->len);
    }
    qsort(model, (size_t)nmodel, sizeof(model[0]), ent_cmp);
    return z;
}

static void test_score_ranges(void) {
    srand(99);
    struct zsl *z = fill(500);
    ASSERT(check_all(z));
    for (int t = 0; t < 2000; t++) {
        struct zrange_spec r = {(double)(rand() % 44) - 2, (double)(rand() % 44) - 2, rand() % 2, rand() % 2};
        int first = -1, last = -1;
        for (int i = 0; i < nmodel; i++) {
            if (zsl_gte_min(model[i].score, &r) && zsl_lte_max(model[i].score, &r)) {
                if (first < 0) first = i;
                last = i;
            }
        }
        struct zsl_node *f = zsl_first_in_range(z, &r), *l = zsl_last_in_range(z, &r);
        if (first < 0) {
            ASSERT(f == NULL && l == NULL);
        } else {
            ASSERT(f && zsl_rank(z, f) == (unsigned long)first);
            ASSERT(l && zsl_rank(z, l) == (unsigned long)last);
        }
    }
    zsl_free(z);
}

static void test_lex_ranges(void) {
    srand(7);
    struct zsl *z = zsl_new();
    nmodel = 0;
    for (int i = 0; i < 400; i++) {
        struct ent *m = &model[nmodel++];
        m->score = 0;
        m->len = (size_t)snprintf(m->ele, sizeof(m->ele), "%c%d", 'a' + i % 26, i);
        zsl_insert(z, 0, m->ele, m->len);
    }
    qsort(model, (size_t)nmodel, sizeof(model[0]), ent_cmp);
    ASSERT(check_all(z));
    for (int t = 0; t < 2000; t++) {
        char a[8], b[8];
        struct zlex_spec r;
        r.min.kind = rand() % 8 == 0 ? (rand() % 2 ? -1 : 1) : 0;
        r.max.kind = rand() % 8 == 0 ? (rand() % 2 ? -1 : 1) : 0;
        r.min.ex = rand() % 2;
        r.max.ex = rand() % 2;
        r.min.len = (size_t)snprintf(a, sizeof(a), "%c%d", 'a' + rand() % 27, rand() % 40);
        r.max.len = (size_t)snprintf(b, sizeof(b), "%c%d", 'a' + rand() % 27, rand() % 40);
        r.min.s = a;
        r.max.s = b;
        int first = -1, last = -1;
        for (int i = 0; i < nmodel; i++) {
            if (zsl_lex_gte_min(model[i].ele, model[i].len, &r) && zsl_lex_lte_max(model[i].ele, model[i].len, &r)) {
                if (first < 0) first = i;
                last = i;
            }
        }
        struct zsl_node *f = zsl_first_in_lex(z, &r), *l = zsl_last_in_lex(z, &r);
        if (first < 0) {
            ASSERT(f == NULL && l == NULL);
        } else {
            ASSERT(f && zsl_rank(z, f) == (unsigned long)first);
            ASSERT(l && zsl_rank(z, l) == (unsigned long)last);
        }
    }
    zsl_free(z);
}

static void test_range_deletes(void) {
    srand(5);
    for (int t = 0; t < 300; t++) {
        struct zsl *z = fill(200);
        int kind = t % 3;
        unsigned long removed, expect = 0;
        if (kind == 0) {
            struct zrange_spec r = {(double)(rand() % 44) - 2, (double)(rand() % 44) - 2, rand() % 2, rand() % 2};
            removed = zsl_delete_range_by_score(z, &r);
            for (int i = nmodel - 1; i >= 0; i--)
                if (zsl_gte_min(model[i].score, &r) && zsl_lte_max(model[i].score, &r)) {
                    model_del(i);
                    expect++;
                }
        } else if (kind == 1) {
            unsigned long s = (unsigned long)(rand() % 200), e = (unsigned long)(rand() % 200);
            if (s > e) {
                unsigned long tmp = s;
                s = e;
                e = tmp;
            }
            removed = zsl_delete_range_by_rank(z, s, e);
            for (long i = (long)e; i >= (long)s; i--) {
                model_del((int)i);
                expect++;
            }
        } else {
            /* every score equal: a lex range */
            zsl_free(z);
            z = zsl_new();
            nmodel = 0;
            for (int i = 0; i < 200; i++) {
                struct ent *m = &model[nmodel++];
                m->score = 1;
                m->len = (size_t)snprintf(m->ele, sizeof(m->ele), "k%03d", rand() % 1000);
                if (model_find(m->ele, m->len) >= 0 && model_find(m->ele, m->len) != nmodel - 1) {
                    nmodel--;
                    continue;
                }
                zsl_insert(z, 1, m->ele, m->len);
            }
            qsort(model, (size_t)nmodel, sizeof(model[0]), ent_cmp);
            char a[8], b[8];
            struct zlex_spec r = {{0, rand() % 2, a, 0}, {0, rand() % 2, b, 0}};
            r.min.len = (size_t)snprintf(a, sizeof(a), "k%d", rand() % 1000);
            r.max.len = (size_t)snprintf(b, sizeof(b), "k%d", rand() % 1000);
            removed = zsl_delete_range_by_lex(z, &r);
            for (int i = nmodel - 1; i >= 0; i--)
                if (zsl_lex_gte_min(model[i].ele, model[i].len, &r) && zsl_lex_lte_max(model[i].ele, model[i].len, &r)) {
                    model_del(i);
                    expect++;
                }
        }
        ASSERT(removed == expect);
        ASSERT(check_all(z));
        zsl_free(z);
    }
}

static void test_big(void) {
    struct zsl *z = zsl_new();
    for (int i = 0; i < 200000; i++) {
        char e[16];
        size_t len = (size_t)snprintf(e, sizeof(e), "%d", i);
        zsl_insert(z, (double)(i % 1000), e, len);
    }
    ASSERT(z->length == 200000);
    struct zsl_node *n = zsl_by_rank(z, 100000);
    ASSERT(n && zsl_rank(z, n) == 100000);
    struct zrange_spec r = {500, 500, 0, 0};
    ASSERT(zsl_delete_range_by_score(z, &r) == 200);
    ASSERT(z->length == 199800 && hmap_count(&z->dict) == 199800);
    zsl_free(z);
}

TEST_MAIN(test_random_ops, test_score_ranges, test_lex_ranges, test_range_deletes, test_big)
