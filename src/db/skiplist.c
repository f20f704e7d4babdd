/*
 * skiplist.c - the skiplist + member hmap of large sorted sets (see
 * skiplist.h). The algorithm is Pugh's skiplist as Redis extends it: levels
 * drawn with p = 1/4, a span on each forward link (how many nodes it skips)
 * so ranks are summed on the way down, and a backward link on level 0 for
 * reverse walks.
 */
#include "skiplist.h"

#include <stdlib.h>
#include <string.h>

#include "../util/util.h"

static const char *node_key(const struct hmap_node *hn, size_t *len) {
    const struct zsl_node *n = (const struct zsl_node *)hn;
    *len = n->len;
    return zsl_ele(n);
}

static const struct hmap_type zsl_hmap_type = {node_key, NULL};

static struct zsl_node *node_new(int level, double score, const char *ele, size_t len) {
    struct zsl_node *n = malloc(sizeof(*n) + (size_t)level * sizeof(struct zsl_level) + len);
    if (!n) abort();
    n->hn.next = NULL;
    n->score = score;
    n->backward = NULL;
    n->len = (uint32_t)len;
    n->nlevel = (uint32_t)level;
    if (len) memcpy((char *)zsl_ele(n), ele, len);
    return n;
}

struct zsl *zsl_new(void) {
    struct zsl *z = malloc(sizeof(*z));
    if (!z) abort();
    z->level = 1;
    z->length = 0;
    z->header = node_new(ZSL_MAXLEVEL, 0, NULL, 0);
    for (int i = 0; i < ZSL_MAXLEVEL; i++) {
        z->header->level[i].forward = NULL;
        z->header->level[i].span = 0;
    }
    z->tail = NULL;
    hmap_init(&z->dict, &zsl_hmap_type);
    return z;
}

void zsl_free(struct zsl *z) {
    if (!z) return;
    struct zsl_node *n = z->header->level[0].forward;
    while (n) {
        struct zsl_node *next = n->level[0].forward;
        free(n);
        n = next;
    }
    free(z->header);
    hmap_clear(&z->dict);
    free(z);
}

size_t zsl_mem_usage(const struct zsl *z) {
    size_t n = sizeof(*z) + sizeof(struct zsl_node) + ZSL_MAXLEVEL * sizeof(struct zsl_level);
    for (const struct zsl_node *x = z->header->level[0].forward; x; x = x->level[0].forward)
        n += sizeof(*x) + x->nlevel * sizeof(struct zsl_level) + x->len;
    return n + hmap_bucket_bytes(&z->dict);
}

static int random_level(void) {
    static __thread uint64_t s;
    if (s == 0) s = (uint64_t)(uintptr_t)&s ^ (uint64_t)mono_us() ^ 0x2545F4914F6CDD1DULL;
    int level = 1;
    for (;;) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        /* two bits per level: p = 1/4 */
        for (int b = 0; b < 32; b++) {
            if ((s >> (2 * b)) & 3) return level;
            if (++level >= ZSL_MAXLEVEL) return ZSL_MAXLEVEL;
        }
    }
}

int zsl_cmp_str(const char *a, size_t alen, const char *b, size_t blen) {
    size_t m = alen < blen ? alen : blen;
    int c = m ? memcmp(a, b, m) : 0;
    if (c) return c;
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* 1 if node x sorts before (score, ele). */
static inline int node_before(const struct zsl_node *x, double score, const char *ele, size_t len) {
    return x->score < score ||
           (x->score == score && zsl_cmp_str(zsl_ele(x), x->len, ele, len) < 0);
}

/* Link node n (level n->nlevel, score/ele set) into the list. */
static void link_node(struct zsl *z, struct zsl_node *n) {
    struct zsl_node *update[ZSL_MAXLEVEL], *x = z->header;
    unsigned long rank[ZSL_MAXLEVEL];
    for (int i = z->level - 1; i >= 0; i--) {
        rank[i] = i == z->level - 1 ? 0 : rank[i + 1];
        while (x->level[i].forward && node_before(x->level[i].forward, n->score, zsl_ele(n), n->len)) {
            rank[i] += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    int level = (int)n->nlevel;
    if (level > z->level) {
        for (int i = z->level; i < level; i++) {
            rank[i] = 0;
            update[i] = z->header;
            update[i]->level[i].span = z->length;
        }
        z->level = level;
    }
    for (int i = 0; i < level; i++) {
        n->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = n;
        n->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
        update[i]->level[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = level; i < z->level; i++) update[i]->level[i].span++;
    n->backward = update[0] == z->header ? NULL : update[0];
    if (n->level[0].forward) n->level[0].forward->backward = n;
    else z->tail = n;
    z->length++;
}

struct zsl_node *zsl_insert(struct zsl *z, double score, const char *ele, size_t len) {
    struct zsl_node *n = node_new(random_level(), score, ele, len);
    link_node(z, n);
    hmap_add(&z->dict, &n->hn);
    return n;
}

/* Unlink x given the update vector of its predecessors. */
static void unlink_node(struct zsl *z, struct zsl_node *x, struct zsl_node **update) {
    for (int i = 0; i < z->level; i++) {
        if (update[i]->level[i].forward == x) {
            update[i]->level[i].span += x->level[i].span - 1;
            update[i]->level[i].forward = x->level[i].forward;
        } else {
            update[i]->level[i].span -= 1;
        }
    }
    if (x->level[0].forward) x->level[0].forward->backward = x->backward;
    else z->tail = x->backward;
    while (z->level > 1 && z->header->level[z->level - 1].forward == NULL) z->level--;
    z->length--;
}

/* Fill update[] with the predecessors of node n at every level. */
static void find_update(const struct zsl *z, const struct zsl_node *n, struct zsl_node **update) {
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && node_before(x->level[i].forward, n->score, zsl_ele(n), n->len))
            x = x->level[i].forward;
        update[i] = x;
    }
}

struct zsl_node *zsl_find(struct zsl *z, const char *ele, size_t len) {
    return (struct zsl_node *)hmap_find(&z->dict, ele, len);
}

int zsl_delete(struct zsl *z, const char *ele, size_t len) {
    struct zsl_node *n = (struct zsl_node *)hmap_remove(&z->dict, ele, len);
    if (!n) return 0;
    struct zsl_node *update[ZSL_MAXLEVEL];
    find_update(z, n, update);
    unlink_node(z, n, update);
    free(n);
    return 1;
}

void zsl_update_score(struct zsl *z, struct zsl_node *n, double score) {
    struct zsl_node *update[ZSL_MAXLEVEL];
    /* same place in the order: change in place */
    if ((n->backward == NULL || n->backward->score < score ||
         (n->backward->score == score && zsl_cmp_str(zsl_ele(n->backward), n->backward->len, zsl_ele(n), n->len) < 0)) &&
        (n->level[0].forward == NULL || n->level[0].forward->score > score ||
         (n->level[0].forward->score == score &&
          zsl_cmp_str(zsl_ele(n->level[0].forward), n->level[0].forward->len, zsl_ele(n), n->len) > 0))) {
        n->score = score;
        return;
    }
    find_update(z, n, update);
    unlink_node(z, n, update);
    n->score = score;
    link_node(z, n);
}

unsigned long zsl_rank(const struct zsl *z, const struct zsl_node *n) {
    const struct zsl_node *x = z->header;
    unsigned long rank = 0;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && (x->level[i].forward == n ||
                                       node_before(x->level[i].forward, n->score, zsl_ele(n), n->len))) {
            rank += x->level[i].span;
            x = x->level[i].forward;
            if (x == n) return rank - 1;
        }
    }
    return 0; /* not reached for a member node */
}

struct zsl_node *zsl_by_rank(const struct zsl *z, unsigned long r) {
    if (r >= z->length) return NULL;
    unsigned long want = r + 1, traversed = 0;
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span <= want) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (traversed == want) return x;
    }
    return NULL;
}

/* ---- ranges ---- */

int zsl_gte_min(double v, const struct zrange_spec *r) { return r->minex ? v > r->min : v >= r->min; }
int zsl_lte_max(double v, const struct zrange_spec *r) { return r->maxex ? v < r->max : v <= r->max; }

int zrange_empty(const struct zrange_spec *r) {
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

/* Compare a string with a bound: <0, 0, >0. */
static int lex_cmp_bound(const char *s, size_t len, const struct zlex_bound *b) {
    if (b->kind < 0) return 1;
    if (b->kind > 0) return -1;
    return zsl_cmp_str(s, len, b->s, b->len);
}

int zsl_lex_gte_min(const char *s, size_t len, const struct zlex_spec *r) {
    int c = lex_cmp_bound(s, len, &r->min);
    return r->min.ex ? c > 0 : c >= 0;
}

int zsl_lex_lte_max(const char *s, size_t len, const struct zlex_spec *r) {
    int c = lex_cmp_bound(s, len, &r->max);
    return r->max.ex ? c < 0 : c <= 0;
}

int zlex_empty(const struct zlex_spec *r) {
    if (r->min.kind > 0 || r->max.kind < 0) return 1;
    if (r->min.kind < 0 || r->max.kind > 0) return 0;
    int c = zsl_cmp_str(r->min.s, r->min.len, r->max.s, r->max.len);
    return c > 0 || (c == 0 && (r->min.ex || r->max.ex));
}

static int in_range(const struct zsl *z, const struct zrange_spec *r) {
    if (zrange_empty(r)) return 0;
    const struct zsl_node *x = z->tail;
    if (!x || !zsl_gte_min(x->score, r)) return 0;
    x = z->header->level[0].forward;
    return x && zsl_lte_max(x->score, r);
}

struct zsl_node *zsl_first_in_range(const struct zsl *z, const struct zrange_spec *r) {
    if (!in_range(z, r)) return NULL;
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--)
        while (x->level[i].forward && !zsl_gte_min(x->level[i].forward->score, r)) x = x->level[i].forward;
    x = x->level[0].forward;
    return x && zsl_lte_max(x->score, r) ? x : NULL;
}

struct zsl_node *zsl_last_in_range(const struct zsl *z, const struct zrange_spec *r) {
    if (!in_range(z, r)) return NULL;
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--)
        while (x->level[i].forward && zsl_lte_max(x->level[i].forward->score, r)) x = x->level[i].forward;
    return x != z->header && zsl_gte_min(x->score, r) ? x : NULL;
}

static int in_lex(const struct zsl *z, const struct zlex_spec *r) {
    if (zlex_empty(r)) return 0;
    const struct zsl_node *x = z->tail;
    if (!x || !zsl_lex_gte_min(zsl_ele(x), x->len, r)) return 0;
    x = z->header->level[0].forward;
    return x && zsl_lex_lte_max(zsl_ele(x), x->len, r);
}

struct zsl_node *zsl_first_in_lex(const struct zsl *z, const struct zlex_spec *r) {
    if (!in_lex(z, r)) return NULL;
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--)
        while (x->level[i].forward && !zsl_lex_gte_min(zsl_ele(x->level[i].forward), x->level[i].forward->len, r))
            x = x->level[i].forward;
    x = x->level[0].forward;
    return x && zsl_lex_lte_max(zsl_ele(x), x->len, r) ? x : NULL;
}

struct zsl_node *zsl_last_in_lex(const struct zsl *z, const struct zlex_spec *r) {
    if (!in_lex(z, r)) return NULL;
    struct zsl_node *x = z->header;
    for (int i = z->level - 1; i >= 0; i--)
        while (x->level[i].forward && zsl_lex_lte_max(zsl_ele(x->level[i].forward), x->level[i].forward->len, r))
            x = x->level[i].forward;
    return x != z->header && zsl_lex_gte_min(zsl_ele(x), x->len, r) ? x : NULL;
}

/* Delete nodes from x (whose predecessors are in update) while keep(x). */
static unsigned long delete_while(struct zsl *z, struct zsl_node *x, struct zsl_node **update,
                                  int (*keep)(const struct zsl_node *, const void *), const void *arg) {
    unsigned long removed = 0;
    while (x && keep(x, arg)) {
        struct zsl_node *next = x->level[0].forward;
        unlink_node(z, x, update);
        hmap_remove(&z->dict, zsl_ele(x), x->len);
        free(x);
        removed++;
        x = next;
    }
    return removed;
}

static int score_in_max(const struct zsl_node *x, const void *r) { return zsl_lte_max(x->score, r); }
static int lex_in_max(const struct zsl_node *x, const void *r) { return zsl_lex_lte_max(zsl_ele(x), x->len, r); }

unsigned long zsl_delete_range_by_score(struct zsl *z, const struct zrange_spec *r) {
    struct zsl_node *update[ZSL_MAXLEVEL], *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && !zsl_gte_min(x->level[i].forward->score, r)) x = x->level[i].forward;
        update[i] = x;
    }
    return delete_while(z, x->level[0].forward, update, score_in_max, r);
}

unsigned long zsl_delete_range_by_lex(struct zsl *z, const struct zlex_spec *r) {
    if (zlex_empty(r)) return 0;
    struct zsl_node *update[ZSL_MAXLEVEL], *x = z->header;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && !zsl_lex_gte_min(zsl_ele(x->level[i].forward), x->level[i].forward->len, r))
            x = x->level[i].forward;
        update[i] = x;
    }
    return delete_while(z, x->level[0].forward, update, lex_in_max, r);
}

struct rank_lim {
    unsigned long cur, end;
};
static int rank_in(const struct zsl_node *x, const void *a) {
    struct rank_lim *l = (struct rank_lim *)a;
    (void)x;
    return l->cur++ <= l->end;
}

unsigned long zsl_delete_range_by_rank(struct zsl *z, unsigned long start, unsigned long end) {
    struct zsl_node *update[ZSL_MAXLEVEL], *x = z->header;
    unsigned long traversed = 0;
    for (int i = z->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span <= start) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        update[i] = x;
    }
    struct rank_lim l = {start, end};
    return delete_while(z, x->level[0].forward, update, rank_in, &l);
}
