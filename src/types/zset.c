/*
 * zset.c - the sorted-set commands (ZADD ... ZSCAN) and the zset type.
 *
 * A zset has two encodings, as in Redis 7.0:
 *   listpack  member, score, member, score ... sorted by (score, member);
 *             scores stored as text (integers as integers), used while the
 *             set has at most zset-max-listpack-entries members of at most
 *             zset-max-listpack-value bytes;
 *   skiplist  struct zsl (db/skiplist.h): skiplist + member hmap.
 * A listpack becomes a skiplist when a threshold is crossed; only the
 * results of STORE commands are built in the smallest fitting encoding.
 *
 * Command handlers read the set through the small zs_* layer below, which
 * hides the encoding; ranges walk a struct zit iterator. Results that are
 * emitted as a whole (ranges, set operations) are first collected into a
 * struct zitems (copies of members), then replied or stored.
 */
#include "set.h"
#include "zsettype.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/listpack.h"
#include "../db/skiplist.h"
#include "../txn/block.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "typeio.h"
#include "../util/glob.h"

static const char *ERR_MINMAX = "ERR min or max is not a float";
static const char *ERR_LEX = "ERR min or max not valid string range item";
static const char *ERR_NAN = "ERR resulting score is not a number (NaN)";

/* ------------------------------------------------------------------ scores */

/* Format a score as Redis 7.0 stores it in a listpack (integers without a
 * fraction; -0 becomes 0, as ZSCORE then shows on a listpack). */
static int score_to_str(char *buf, size_t cap, double v) {
    if (isnan(v)) return snprintf(buf, cap, "nan");
    if (isinf(v)) return snprintf(buf, cap, "%s", v > 0 ? "inf" : "-inf");
    if (v > -4503599627370495.0 && v < 4503599627370496.0 && v == (double)(long long)v)
        return ll_to_str(buf, (long long)v);
    return snprintf(buf, cap, "%.17g", v);
}

/* Parse a NUL-terminated copy of a with strtod; returns end-of-parse ok. */
static int range_strtod(const char *p, size_t len, double *out) {
    char small[128], *tmp = len < sizeof(small) ? small : malloc(len + 1);
    if (!tmp) abort();
    memcpy(tmp, p, len);
    tmp[len] = '\0';
    char *end;
    *out = strtod(tmp, &end);
    int ok = *end == '\0' && !isnan(*out);
    if (tmp != small) free(tmp);
    return ok;
}

/* A score-range bound: "(x" exclusive, "x" inclusive, as Redis's
 * zslParseRange (strtod rules: "-inf", "+inf", leading spaces accepted). */
static int parse_score_bound(const struct arg *a, double *v, int *ex) {
    *ex = 0;
    if (a->len && a->p[0] == '(') {
        *ex = 1;
        return range_strtod(a->p + 1, a->len - 1, v);
    }
    return range_strtod(a->p, a->len, v);
}

static int parse_range(const struct arg *min, const struct arg *max, struct zrange_spec *r) {
    return parse_score_bound(min, &r->min, &r->minex) && parse_score_bound(max, &r->max, &r->maxex);
}

static int parse_lex_bound(const struct arg *a, struct zlex_bound *b) {
    b->s = NULL;
    b->len = 0;
    b->kind = 0;
    if (a->len == 0) return 0;
    switch (a->p[0]) {
    case '+':
    case '-':
        if (a->len != 1) return 0;
        b->kind = a->p[0] == '+' ? 1 : -1;
        b->ex = 1;
        return 1;
    case '(':
    case '[':
        b->ex = a->p[0] == '(';
        b->s = a->p + 1;
        b->len = a->len - 1;
        return 1;
    default: return 0;
    }
}

static int parse_lex(const struct arg *min, const struct arg *max, struct zlex_spec *r) {
    return parse_lex_bound(min, &r->min) && parse_lex_bound(max, &r->max);
}

/* ------------------------------------------------------- listpack encoding */

static double lp_score_at(const lp_t *lp, size_t pos) {
    struct lp_entry e;
    char buf[24];
    lp_get(lp, pos, &e, buf);
    if (e.is_int) return (double)e.v;
    double d;
    range_strtod(e.s, e.len, &d);
    return d;
}

/* Position of member ele (and its score), or LP_NONE. */
static size_t zzl_find(const lp_t *lp, const char *ele, size_t len, double *score) {
    for (size_t pos = lp_first(lp); pos != LP_NONE; pos = lp_next(lp, lp_next(lp, pos))) {
        if (lp_eq(lp, pos, ele, len)) {
            if (score) *score = lp_score_at(lp, lp_next(lp, pos));
            return pos;
        }
    }
    return LP_NONE;
}

/* Insert a member that is not present, keeping the order. */
static lp_t *zzl_insert(lp_t *lp, const char *ele, size_t len, double score) {
    char sbuf[64], mbuf[24];
    int sl = score_to_str(sbuf, sizeof(sbuf), score);
    size_t pos = lp_first(lp);
    /* fast path: appending after the last pair */
    size_t last = lp_last(lp);
    if (last != LP_NONE) {
        double ls = lp_score_at(lp, last);
        if (ls < score) pos = LP_NONE;
    }
    for (; pos != LP_NONE; pos = lp_next(lp, lp_next(lp, pos))) {
        double s = lp_score_at(lp, lp_next(lp, pos));
        if (s > score) break;
        if (s == score) {
            struct lp_entry e;
            lp_get(lp, pos, &e, mbuf);
            if (zsl_cmp_str(e.s, e.len, ele, len) > 0) break;
        }
    }
    if (pos == LP_NONE) {
        lp = lp_append(lp, ele, len);
        return lp_append(lp, sbuf, (size_t)sl);
    }
    lp = lp_insert(lp, pos, ele, len);
    return lp_insert(lp, lp_next(lp, pos), sbuf, (size_t)sl);
}

/* ------------------------------------------------------------ the zs layer */

static unsigned long zs_len(const struct kv *o) {
    if (kv_enc(o) == ENC_LISTPACK) return lp_count(kv_ptr(o)) / 2;
    return ((struct zsl *)kv_ptr(o))->length;
}

static int zs_score(const struct kv *o, const char *ele, size_t len, double *score) {
    if (kv_enc(o) == ENC_LISTPACK) return zzl_find(kv_ptr(o), ele, len, score) != LP_NONE;
    struct zsl_node *n = zsl_find(kv_ptr(o), ele, len);
    if (n) *score = n->score;
    return n != NULL;
}

static struct zsl *lp_to_zsl(const lp_t *lp) {
    struct zsl *z = zsl_new();
    char buf[24];
    for (size_t pos = lp_first(lp); pos != LP_NONE; pos = lp_next(lp, lp_next(lp, pos))) {
        struct lp_entry e;
        lp_get(lp, pos, &e, buf);
        zsl_insert(z, lp_score_at(lp, lp_next(lp, pos)), e.s, e.len);
    }
    return z;
}

static void zs_to_skiplist(struct kv *o) {
    lp_t *lp = kv_ptr(o);
    kv_set_ptr(o, lp_to_zsl(lp));
    kv_set_enc(o, ENC_SKIPLIST);
    lp_free(lp);
}

/* ZADD flags in and out (Redis's ZADD_IN_* / ZADD_OUT_*). */
#define ZI_INCR 1
#define ZI_NX 2
#define ZI_XX 4
#define ZI_GT 8
#define ZI_LT 16
_Static_assert(ZI_NX == ZSET_ADD_NX && ZI_XX == ZSET_ADD_XX, "zsettype.h flags");
#define ZO_NOP 1
#define ZO_NAN 2
#define ZO_ADDED 4
#define ZO_UPDATED 8

/* Add or update a member as Redis's zsetAdd. Returns 0 (and ZO_NAN) when the
 * result is not a number, 1 otherwise; *newscore gets the final score. */
static int zs_add(struct client *c, struct kv *o, double score, const char *ele, size_t len, int in,
                  int *out, double *newscore) {
    *out = 0;
    if (isnan(score)) {
        *out = ZO_NAN;
        return 0;
    }
    double cur;
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        size_t pos = zzl_find(lp, ele, len, &cur);
        if (pos != LP_NONE) {
            if (in & ZI_NX) {
                *out |= ZO_NOP;
                return 1;
            }
            if (in & ZI_INCR) {
                score += cur;
                if (isnan(score)) {
                    *out |= ZO_NAN;
                    return 0;
                }
            }
            if (((in & ZI_LT) && score >= cur) || ((in & ZI_GT) && score <= cur)) {
                *out |= ZO_NOP;
                return 1;
            }
            if (newscore) *newscore = score;
            if (score != cur) {
                lp = lp_delete(lp, pos, 2);
                lp = zzl_insert(lp, ele, len, score);
                kv_set_ptr(o, lp);
                *out |= ZO_UPDATED;
            }
            return 1;
        }
        if (in & ZI_XX) {
            *out |= ZO_NOP;
            return 1;
        }
        if ((long long)zs_len(o) + 1 > c->sh->cfg.zset_max_listpack_entries ||
            (long long)len > c->sh->cfg.zset_max_listpack_value) {
            zs_to_skiplist(o);
        } else {
            kv_set_ptr(o, zzl_insert(lp, ele, len, score));
            if (newscore) *newscore = score;
            *out |= ZO_ADDED;
            return 1;
        }
    }
    struct zsl *z = kv_ptr(o);
    struct zsl_node *n = zsl_find(z, ele, len);
    if (n) {
        if (in & ZI_NX) {
            *out |= ZO_NOP;
            return 1;
        }
        cur = n->score;
        if (in & ZI_INCR) {
            score += cur;
            if (isnan(score)) {
                *out |= ZO_NAN;
                return 0;
            }
        }
        if (((in & ZI_LT) && score >= cur) || ((in & ZI_GT) && score <= cur)) {
            *out |= ZO_NOP;
            return 1;
        }
        if (newscore) *newscore = score;
        if (score != cur) {
            zsl_update_score(z, n, score);
            *out |= ZO_UPDATED;
        }
        return 1;
    }
    if (in & ZI_XX) {
        *out |= ZO_NOP;
        return 1;
    }
    zsl_insert(z, score, ele, len);
    if (newscore) *newscore = score;
    *out |= ZO_ADDED;
    return 1;
}

static int zs_del(struct kv *o, const char *ele, size_t len) {
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        size_t pos = zzl_find(lp, ele, len, NULL);
        if (pos == LP_NONE) return 0;
        kv_set_ptr(o, lp_delete(lp, pos, 2));
        return 1;
    }
    return zsl_delete(kv_ptr(o), ele, len);
}

/* 0-based rank of a member (from the top when rev), or -1. */
static long zs_rank(const struct kv *o, const char *ele, size_t len, int rev) {
    unsigned long n = zs_len(o);
    long r = -1;
    if (kv_enc(o) == ENC_LISTPACK) {
        const lp_t *lp = kv_ptr(o);
        long i = 0;
        for (size_t pos = lp_first(lp); pos != LP_NONE; pos = lp_next(lp, lp_next(lp, pos)), i++) {
            if (lp_eq(lp, pos, ele, len)) {
                r = i;
                break;
            }
        }
    } else {
        struct zsl *z = kv_ptr(o);
        struct zsl_node *x = zsl_find(z, ele, len);
        if (x) r = (long)zsl_rank(z, x);
    }
    if (r < 0) return -1;
    return rev ? (long)n - 1 - r : r;
}

/* The kv of a zset key for reading: NULL if missing; WRONGTYPE replied and
 * *bad set if another type. */
static struct kv *zset_lookup(struct client *c, const struct arg *key, int *bad) {
    return lookup_typed(c, key, OBJ_ZSET, bad);
}

/* Delete the key when its zset became empty. */
static void zs_drop_if_empty(struct client *c, struct kv *o, const struct arg *key) {
    if (zs_len(o) == 0 && db_delete(c->db, key->p, key->len)) NOTIFY(c, NOTIFY_GENERIC, "del", key);
}

/* -------------------------------------------------------------- iterators */

/* Members a reverse walk of a one-way listpack finds per forward scan. */
#define ZIT_BACK 32

struct zit {
    int enc;
    const lp_t *lp;
    size_t pos; /* listpack: member position, LP_NONE past the end */
    struct zsl_node *node;
    const char *ele;
    size_t len;
    double score;
    char buf[24];
    /* one-way listpack walked backwards: the positions of up to ZIT_BACK
     * members before pos, in a ring whose newest slot is back[top] */
    unsigned nback, top;
    uint32_t back[ZIT_BACK];
};

/* One-way listpacks have no back-lengths: the member before it->pos comes
 * from a forward scan that remembers the last ZIT_BACK members it passed,
 * so walking n members backwards costs O(n * n / ZIT_BACK) entry steps
 * instead of O(n * n). Returns LP_NONE before the first member. */
static size_t zit_prev_member(struct zit *it) {
    if (it->nback == 0) {
        unsigned seen = 0;
        for (size_t p = lp_first(it->lp); p != it->pos; p = lp_next(it->lp, lp_next(it->lp, p)))
            it->back[seen++ % ZIT_BACK] = (uint32_t)p;
        if (seen == 0) return LP_NONE;
        it->nback = seen < ZIT_BACK ? seen : ZIT_BACK;
        it->top = (seen - 1) % ZIT_BACK;
    }
    size_t p = it->back[it->top];
    it->top = (it->top + ZIT_BACK - 1) % ZIT_BACK;
    it->nback--;
    return p;
}

static void zit_load(struct zit *it) {
    if (it->enc == ENC_LISTPACK) {
        struct lp_entry e;
        lp_get(it->lp, it->pos, &e, it->buf);
        it->ele = e.s;
        it->len = e.len;
        it->score = lp_score_at(it->lp, lp_next(it->lp, it->pos));
    } else {
        it->ele = zsl_ele(it->node);
        it->len = it->node->len;
        it->score = it->node->score;
    }
}

static int zit_valid(const struct zit *it) {
    return it->enc == ENC_LISTPACK ? it->pos != LP_NONE : it->node != NULL;
}

/* Move one step (back if rev) and load the element there, if any. */
static int zit_step(struct zit *it, int rev) {
    if (it->enc == ENC_LISTPACK) {
        if (rev && lp_is_oneway(it->lp)) {
            it->pos = zit_prev_member(it);
        } else if (rev) {
            size_t p = lp_prev(it->lp, it->pos);
            it->pos = p == LP_NONE ? LP_NONE : lp_prev(it->lp, p);
        } else {
            it->pos = lp_next(it->lp, lp_next(it->lp, it->pos));
        }
    } else {
        it->node = rev ? it->node->backward : it->node->level[0].forward;
    }
    if (!zit_valid(it)) return 0;
    zit_load(it);
    return 1;
}

/* Position at 0-based rank r counted from the head (or the tail if rev). */
static int zit_rank(struct zit *it, const struct kv *o, unsigned long r, int rev) {
    it->enc = kv_enc(o);
    it->nback = 0;
    unsigned long n = zs_len(o);
    if (r >= n) {
        it->pos = LP_NONE;
        it->node = NULL;
        return 0;
    }
    if (rev) r = n - 1 - r;
    if (it->enc == ENC_LISTPACK) {
        it->lp = kv_ptr(o);
        it->pos = lp_seek(it->lp, (long long)(2 * r));
    } else {
        it->node = zsl_by_rank(kv_ptr(o), r);
    }
    zit_load(it);
    return 1;
}

/* Position at the first element of a score range (the last if rev). */
static int zit_score(struct zit *it, const struct kv *o, const struct zrange_spec *r, int rev) {
    if (kv_enc(o) == ENC_SKIPLIST) {
        it->enc = ENC_SKIPLIST;
        it->node = rev ? zsl_last_in_range(kv_ptr(o), r) : zsl_first_in_range(kv_ptr(o), r);
        if (!it->node) return 0;
        zit_load(it);
        return 1;
    }
    if (!zit_rank(it, o, 0, rev)) return 0;
    do {
        if (rev ? zsl_lte_max(it->score, r) : zsl_gte_min(it->score, r))
            return rev ? zsl_gte_min(it->score, r) : zsl_lte_max(it->score, r);
    } while (zit_step(it, rev));
    return 0;
}

static int zit_lex(struct zit *it, const struct kv *o, const struct zlex_spec *r, int rev) {
    if (kv_enc(o) == ENC_SKIPLIST) {
        it->enc = ENC_SKIPLIST;
        it->node = rev ? zsl_last_in_lex(kv_ptr(o), r) : zsl_first_in_lex(kv_ptr(o), r);
        if (!it->node) return 0;
        zit_load(it);
        return 1;
    }
    if (zlex_empty(r) || !zit_rank(it, o, 0, rev)) return 0;
    do {
        if (rev ? zsl_lex_lte_max(it->ele, it->len, r) : zsl_lex_gte_min(it->ele, it->len, r))
            return rev ? zsl_lex_gte_min(it->ele, it->len, r) : zsl_lex_lte_max(it->ele, it->len, r);
    } while (zit_step(it, rev));
    return 0;
}

/* ------------------------------------------------------ collected results */

struct zitem {
    size_t off, len;
    double score;
};

struct zitems {
    struct zitem *v;
    size_t n, cap;
    size_t maxlen;
    struct buf arena;
};

static void zitems_add(struct zitems *r, const char *ele, size_t len, double score) {
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = realloc(r->v, r->cap * sizeof(*r->v));
        if (!r->v) abort();
    }
    r->v[r->n].off = r->arena.len;
    r->v[r->n].len = len;
    r->v[r->n].score = score;
    r->n++;
    if (len > r->maxlen) r->maxlen = len;
    buf_put(&r->arena, ele, len);
}

static void zitems_free(struct zitems *r) {
    free(r->v);
    buf_free(&r->arena);
}

static inline const char *zitem_ele(const struct zitems *r, size_t i) { return r->arena.p + r->v[i].off; }

static void reply_member_score(struct client *c, const char *ele, size_t len, double score, int nested) {
    if (nested) reply_array(c->out, 2);
    reply_bulk(c->out, ele, len);
    reply_double(c->out, c->resp, score);
}

/* Reply with the items: members only, or with scores (pairs in RESP3). */
static void reply_items(struct client *c, const struct zitems *r, int withscores) {
    int nested = withscores && c->resp == 3;
    reply_array(c->out, (long long)(withscores && !nested ? 2 * r->n : r->n));
    for (size_t i = 0; i < r->n; i++) {
        if (withscores) reply_member_score(c, zitem_ele(r, i), r->v[i].len, r->v[i].score, nested);
        else reply_bulk(c->out, zitem_ele(r, i), r->v[i].len);
    }
}

/* A zset value holding the items (sorted already), in the smallest encoding
 * that fits (Redis's zsetConvertToListpackIfNeeded on stored results). */
static struct kv *zitems_to_kv(struct client *c, const struct zitems *r, const struct arg *key) {
    if ((long long)r->n <= c->sh->cfg.zset_max_listpack_entries &&
        (long long)r->maxlen <= c->sh->cfg.zset_max_listpack_value) {
        lp_t *lp = lp_new_oneway();
        char sbuf[64];
        for (size_t i = 0; i < r->n; i++) {
            lp = lp_append(lp, zitem_ele(r, i), r->v[i].len);
            lp = lp_append(lp, sbuf, (size_t)score_to_str(sbuf, sizeof(sbuf), r->v[i].score));
        }
        return kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_LISTPACK, lp, -1);
    }
    struct zsl *z = zsl_new();
    for (size_t i = 0; i < r->n; i++) zsl_insert(z, r->v[i].score, zitem_ele(r, i), r->v[i].len);
    return kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_SKIPLIST, z, -1);
}

/* Store the items under key (replacing it, TTL dropped) or delete the key if
 * there are none; replies with the count. */
static void store_items(struct client *c, const struct zitems *r, const struct arg *key, const char *event) {
    reply_int(c->out, (long long)r->n); /* before the event, as in Redis */
    if (r->n == 0) {
        if (db_delete(c->db, key->p, key->len)) NOTIFY(c, NOTIFY_GENERIC, "del", key);
    } else {
        db_set(c->db, zitems_to_kv(c, r, key));
        NOTIFY(c, NOTIFY_ZSET, event, key);
    }
}

/* --------------------------------------------------------- ZADD and single */

/* The work of ZADD once its arguments are parsed (GEOADD shares it): add
 * the n members (members[i * stride]) with their scores to the zset at
 * key, creating it, then reply and notify as ZADD does. */
void zset_add_reply(struct client *c, const struct arg *key, int in, int ch, int elements, const double *scores,
                    const struct arg *members, int stride) {
    int bad;
    struct kv *o = zset_lookup(c, key, &bad);
    if (bad) return;
    long long added = 0, updated = 0, processed = 0;
    double score = 0;
    if (!o) {
        if (in & ZI_XX) goto reply;
        const struct arg *first = &members[0];
        if (c->sh->cfg.zset_max_listpack_entries == 0 ||
            c->sh->cfg.zset_max_listpack_value < (long long)first->len)
            o = kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_SKIPLIST, zsl_new(), -1);
        else
            o = kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_LISTPACK, lp_new_oneway(), -1);
        db_add_new(c->db, o);
    }
    for (int i = 0; i < elements; i++) {
        const struct arg *m = &members[i * stride];
        int out;
        if (!zs_add(c, o, scores[i], m->p, m->len, in, &out, &score)) {
            reply_err(c, ERR_NAN);
            return;
        }
        if (out & ZO_ADDED) added++;
        if (out & ZO_UPDATED) updated++;
        if (!(out & ZO_NOP)) processed++;
    }
reply:
    if (in & ZI_INCR) {
        if (processed) reply_double(c->out, c->resp, score);
        else reply_null(c->out, c->resp);
    } else {
        reply_int(c->out, ch ? added + updated : added);
    }
    if (added || updated) NOTIFY(c, NOTIFY_ZSET, (in & ZI_INCR) ? "zincr" : "zadd", key);
}

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ... and ZINCRBY. */
static void zadd_generic(struct client *c, int in) {
    int ch = 0, j = 2;
    for (; j < c->argc; j++) {
        const struct arg *a = &c->argv[j];
        if (ARG_IS(*a, "nx")) in |= ZI_NX;
        else if (ARG_IS(*a, "xx")) in |= ZI_XX;
        else if (ARG_IS(*a, "ch")) ch = 1;
        else if (ARG_IS(*a, "incr")) in |= ZI_INCR;
        else if (ARG_IS(*a, "gt")) in |= ZI_GT;
        else if (ARG_IS(*a, "lt")) in |= ZI_LT;
        else break;
    }
    int elements = c->argc - j;
    if (elements % 2 || elements == 0) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    elements /= 2;
    if ((in & ZI_NX) && (in & ZI_XX)) {
        reply_err(c, "ERR XX and NX options at the same time are not compatible");
        return;
    }
    if (((in & ZI_GT) && (in & ZI_NX)) || ((in & ZI_LT) && (in & ZI_NX)) || ((in & ZI_GT) && (in & ZI_LT))) {
        reply_err(c, "ERR GT, LT, and/or NX options at the same time are not compatible");
        return;
    }
    if ((in & ZI_INCR) && elements > 1) {
        reply_err(c, "ERR INCR option supports a single increment-element pair");
        return;
    }
    double small[16], *scores = elements <= 16 ? small : malloc(sizeof(double) * (size_t)elements);
    if (!scores) abort();
    for (int i = 0; i < elements; i++) {
        const struct arg *s = &c->argv[j + 2 * i];
        if (!str_to_double(s->p, s->len, &scores[i])) {
            reply_err(c, ERR_NOT_FLOAT);
            goto done;
        }
    }
    zset_add_reply(c, &c->argv[1], in, ch, elements, scores, &c->argv[j + 1], 2);
done:
    if (scores != small) free(scores);
}

void zadd_command(struct client *c) { zadd_generic(c, 0); }

void zincrby_command(struct client *c) { zadd_generic(c, ZI_INCR); }

void zrem_command(struct client *c) {
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        deleted += zs_del(o, c->argv[j].p, c->argv[j].len);
        if (zs_len(o) == 0) break;
    }
    if (deleted) NOTIFY(c, NOTIFY_ZSET, "zrem", &c->argv[1]);
    zs_drop_if_empty(c, o, &c->argv[1]);
    reply_int(c->out, deleted);
}

void zcard_command(struct client *c) {
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    reply_int(c->out, o ? (long long)zs_len(o) : 0);
}

void zscore_command(struct client *c) {
    int bad;
    double s;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    if (o && zs_score(o, c->argv[2].p, c->argv[2].len, &s)) reply_double(c->out, c->resp, s);
    else reply_null(c->out, c->resp);
}

void zmscore_command(struct client *c) {
    int bad;
    double s;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    reply_array(c->out, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        if (o && zs_score(o, c->argv[j].p, c->argv[j].len, &s)) reply_double(c->out, c->resp, s);
        else reply_null(c->out, c->resp);
    }
}

static void zrank_generic(struct client *c, int rev) {
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    long r = o ? zs_rank(o, c->argv[2].p, c->argv[2].len, rev) : -1;
    if (r < 0) reply_null(c->out, c->resp);
    else reply_int(c->out, r);
}

void zrank_command(struct client *c) { zrank_generic(c, 0); }
void zrevrank_command(struct client *c) { zrank_generic(c, 1); }

void zcount_command(struct client *c) {
    struct zrange_spec r;
    if (!parse_range(&c->argv[2], &c->argv[3], &r)) {
        reply_err(c, ERR_MINMAX);
        return;
    }
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    long long n = 0;
    if (o && kv_enc(o) == ENC_SKIPLIST) {
        struct zsl *z = kv_ptr(o);
        struct zsl_node *f = zsl_first_in_range(z, &r), *l = zsl_last_in_range(z, &r);
        if (f && l) n = (long long)(zsl_rank(z, l) - zsl_rank(z, f) + 1);
    } else if (o) {
        struct zit it;
        if (zit_score(&it, o, &r, 0))
            do {
                if (!zsl_lte_max(it.score, &r)) break;
                n++;
            } while (zit_step(&it, 0));
    }
    reply_int(c->out, n);
}

void zlexcount_command(struct client *c) {
    struct zlex_spec r;
    if (!parse_lex(&c->argv[2], &c->argv[3], &r)) {
        reply_err(c, ERR_LEX);
        return;
    }
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    long long n = 0;
    if (o && kv_enc(o) == ENC_SKIPLIST) {
        struct zsl *z = kv_ptr(o);
        struct zsl_node *f = zsl_first_in_lex(z, &r), *l = zsl_last_in_lex(z, &r);
        if (f && l) n = (long long)(zsl_rank(z, l) - zsl_rank(z, f) + 1);
    } else if (o) {
        struct zit it;
        if (zit_lex(&it, o, &r, 0))
            do {
                if (!zsl_lex_lte_max(it.ele, it.len, &r)) break;
                n++;
            } while (zit_step(&it, 0));
    }
    reply_int(c->out, n);
}

/* ------------------------------------------------------------------ ranges */

enum { RT_AUTO, RT_RANK, RT_SCORE, RT_LEX };
enum { DIR_AUTO, DIR_FWD, DIR_REV };

/* Collect a rank range (Redis's start/end normalisation). */
static void collect_rank(const struct kv *o, long long start, long long end, int rev, struct zitems *r) {
    long long llen = (long long)zs_len(o);
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return;
    if (end >= llen) end = llen - 1;
    struct zit it;
    if (!zit_rank(&it, o, (unsigned long)start, rev)) return;
    for (long long n = end - start + 1; n > 0; n--) {
        zitems_add(r, it.ele, it.len, it.score);
        if (n > 1 && !zit_step(&it, rev)) break;
    }
}

static void collect_score(const struct kv *o, const struct zrange_spec *rg, int rev, long long offset,
                          long long limit, struct zitems *r) {
    if (offset > 0 && offset >= (long long)zs_len(o)) return;
    if (offset < 0) return; /* Redis walks past every element */
    struct zit it;
    if (!zit_score(&it, o, rg, rev)) return;
    int ok = 1;
    while (ok && offset) {
        if (!(rev ? zsl_gte_min(it.score, rg) : zsl_lte_max(it.score, rg))) return;
        offset--;
        ok = zit_step(&it, rev);
    }
    while (ok && limit--) {
        if (!(rev ? zsl_gte_min(it.score, rg) : zsl_lte_max(it.score, rg))) break;
        zitems_add(r, it.ele, it.len, it.score);
        ok = zit_step(&it, rev);
    }
}

/* ------------------------------------------- what other families use */

int zset_member_score(const struct kv *o, const char *ele, size_t len, double *score) {
    return zs_score(o, ele, len, score);
}

void zset_score_range(const struct kv *o, double min, double max,
                      int (*fn)(void *ctx, const char *ele, size_t len, double score), void *ctx) {
    struct zrange_spec rg = {.min = min, .max = max, .minex = 0, .maxex = 1};
    struct zit it;
    if (!zit_score(&it, o, &rg, 0)) return;
    do {
        if (!zsl_lte_max(it.score, &rg)) break;
        if (!fn(ctx, it.ele, it.len, it.score)) break;
    } while (zit_step(&it, 0));
}

void zset_store_members(struct client *c, const struct arg *key, size_t n, const char *const *eles,
                        const size_t *lens, const double *scores) {
    size_t maxlen = 0;
    for (size_t i = 0; i < n; i++)
        if (lens[i] > maxlen) maxlen = lens[i];
    int lp = (long long)n <= c->sh->cfg.zset_max_listpack_entries &&
             (long long)maxlen <= c->sh->cfg.zset_max_listpack_value;
    struct kv *o = lp ? kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_LISTPACK, lp_new_oneway(), -1)
                      : kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_SKIPLIST, zsl_new(), -1);
    for (size_t i = 0; i < n; i++) {
        int out;
        zs_add(c, o, scores[i], eles[i], lens[i], 0, &out, NULL);
    }
    db_set(c->db, o);
}

static void collect_lex(const struct kv *o, const struct zlex_spec *rg, int rev, long long offset,
                        long long limit, struct zitems *r) {
    if (offset > 0 && offset >= (long long)zs_len(o)) return;
    if (offset < 0) return;
    struct zit it;
    if (!zit_lex(&it, o, rg, rev)) return;
    int ok = 1;
    while (ok && offset) {
        if (!(rev ? zsl_lex_gte_min(it.ele, it.len, rg) : zsl_lex_lte_max(it.ele, it.len, rg))) return;
        offset--;
        ok = zit_step(&it, rev);
    }
    while (ok && limit--) {
        if (!(rev ? zsl_lex_gte_min(it.ele, it.len, rg) : zsl_lex_lte_max(it.ele, it.len, rg))) break;
        zitems_add(r, it.ele, it.len, it.score);
        ok = zit_step(&it, rev);
    }
}

/* Redis's zrangeGenericCommand: argv[start] is the source key, then min,
 * max and options; `store` (ZRANGESTORE) writes to argv[1]. */
static void zrange_generic(struct client *c, int start, int store, int rangetype, int dir) {
    const struct arg *key = &c->argv[start];
    int minidx = start + 1, maxidx = start + 2, withscores = 0;
    long long offset = 0, limit = -1;
    for (int j = start + 3; j < c->argc; j++) {
        int left = c->argc - j - 1;
        const struct arg *a = &c->argv[j];
        if (!store && ARG_IS(*a, "withscores")) {
            withscores = 1;
        } else if (ARG_IS(*a, "limit") && left >= 2) {
            if (!arg_ll(c, &c->argv[j + 1], &offset) || !arg_ll(c, &c->argv[j + 2], &limit)) return;
            j += 2;
        } else if (dir == DIR_AUTO && ARG_IS(*a, "rev")) {
            dir = DIR_REV;
        } else if (rangetype == RT_AUTO && ARG_IS(*a, "bylex")) {
            rangetype = RT_LEX;
        } else if (rangetype == RT_AUTO && ARG_IS(*a, "byscore")) {
            rangetype = RT_SCORE;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if (dir == DIR_AUTO) dir = DIR_FWD;
    if (rangetype == RT_AUTO) rangetype = RT_RANK;
    if (limit != -1 && rangetype == RT_RANK) {
        reply_err(c, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        return;
    }
    if (withscores && rangetype == RT_LEX) {
        reply_err(c, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    int rev = dir == DIR_REV;
    if (rev && rangetype != RT_RANK) {
        int t = minidx;
        minidx = maxidx;
        maxidx = t;
    }
    long long rs = 0, re = 0;
    struct zrange_spec sr;
    struct zlex_spec lr;
    if (rangetype == RT_RANK) {
        if (!arg_ll(c, &c->argv[minidx], &rs) || !arg_ll(c, &c->argv[maxidx], &re)) return;
    } else if (rangetype == RT_SCORE) {
        if (!parse_range(&c->argv[minidx], &c->argv[maxidx], &sr)) {
            reply_err(c, ERR_MINMAX);
            return;
        }
    } else if (!parse_lex(&c->argv[minidx], &c->argv[maxidx], &lr)) {
        reply_err(c, ERR_LEX);
        return;
    }
    int bad;
    struct kv *o = zset_lookup(c, key, &bad);
    if (bad) return;
    struct zitems r = {0};
    if (o) {
        if (rangetype == RT_RANK) collect_rank(o, rs, re, rev, &r);
        else if (rangetype == RT_SCORE) collect_score(o, &sr, rev, offset, limit, &r);
        else collect_lex(o, &lr, rev, offset, limit, &r);
    }
    if (store) store_items(c, &r, &c->argv[1], "zrangestore");
    else reply_items(c, &r, withscores);
    zitems_free(&r);
}

void zrange_command(struct client *c) { zrange_generic(c, 1, 0, RT_AUTO, DIR_AUTO); }
void zrevrange_command(struct client *c) { zrange_generic(c, 1, 0, RT_RANK, DIR_REV); }
void zrangebyscore_command(struct client *c) { zrange_generic(c, 1, 0, RT_SCORE, DIR_FWD); }
void zrevrangebyscore_command(struct client *c) { zrange_generic(c, 1, 0, RT_SCORE, DIR_REV); }
void zrangebylex_command(struct client *c) { zrange_generic(c, 1, 0, RT_LEX, DIR_FWD); }
void zrevrangebylex_command(struct client *c) { zrange_generic(c, 1, 0, RT_LEX, DIR_REV); }
void zrangestore_command(struct client *c) { zrange_generic(c, 2, 1, RT_AUTO, DIR_AUTO); }

/* ZREMRANGEBYRANK / BYSCORE / BYLEX */
static void zremrange_generic(struct client *c, int rangetype) {
    long long start = 0, end = 0;
    struct zrange_spec sr;
    struct zlex_spec lr;
    if (rangetype == RT_RANK) {
        if (!arg_ll(c, &c->argv[2], &start) || !arg_ll(c, &c->argv[3], &end)) return;
    } else if (rangetype == RT_SCORE) {
        if (!parse_range(&c->argv[2], &c->argv[3], &sr)) {
            reply_err(c, ERR_MINMAX);
            return;
        }
    } else if (!parse_lex(&c->argv[2], &c->argv[3], &lr)) {
        reply_err(c, ERR_LEX);
        return;
    }
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    long long llen = (long long)zs_len(o), deleted = 0;
    if (rangetype == RT_RANK) {
        if (start < 0) start += llen;
        if (end < 0) end += llen;
        if (start < 0) start = 0;
        if (start > end || start >= llen) {
            reply_int(c->out, 0);
            return;
        }
        if (end >= llen) end = llen - 1;
    }
    if (kv_enc(o) == ENC_SKIPLIST) {
        struct zsl *z = kv_ptr(o);
        if (rangetype == RT_RANK)
            deleted = (long long)zsl_delete_range_by_rank(z, (unsigned long)start, (unsigned long)end);
        else if (rangetype == RT_SCORE) deleted = (long long)zsl_delete_range_by_score(z, &sr);
        else deleted = (long long)zsl_delete_range_by_lex(z, &lr);
    } else {
        lp_t *lp = kv_ptr(o);
        if (rangetype == RT_RANK) {
            deleted = end - start + 1;
            lp = lp_delete(lp, lp_seek(lp, 2 * start), (uint32_t)(2 * deleted));
        } else {
            struct zit it;
            int ok = rangetype == RT_SCORE ? zit_score(&it, o, &sr, 0) : zit_lex(&it, o, &lr, 0);
            size_t first = ok ? it.pos : LP_NONE;
            while (ok) {
                if (rangetype == RT_SCORE ? !zsl_lte_max(it.score, &sr) : !zsl_lex_lte_max(it.ele, it.len, &lr))
                    break;
                deleted++;
                ok = zit_step(&it, 0);
            }
            if (deleted) lp = lp_delete(lp, first, (uint32_t)(2 * deleted));
        }
        kv_set_ptr(o, lp);
    }
    static const char *const ev[] = {[RT_RANK] = "zremrangebyrank", [RT_SCORE] = "zremrangebyscore",
                                     [RT_LEX] = "zremrangebylex"};
    if (deleted) NOTIFY(c, NOTIFY_ZSET, ev[rangetype], &c->argv[1]);
    zs_drop_if_empty(c, o, &c->argv[1]);
    reply_int(c->out, deleted);
}

void zremrangebyrank_command(struct client *c) { zremrange_generic(c, RT_RANK); }
void zremrangebyscore_command(struct client *c) { zremrange_generic(c, RT_SCORE); }
void zremrangebylex_command(struct client *c) { zremrange_generic(c, RT_LEX); }

/* ------------------------------------------------------------------- pops */

/* Redis's genericZpopCommand over keys[0..nkeys-1]: pop from the first
 * non-empty zset. count -1 = a single pop; emitkey (ZMPOP) adds the key. */
static void zpop_generic(struct client *c, const struct arg *keys, int nkeys, int max, int emitkey, long long count,
                         int nested, int nil_when_empty, long long deadline) {
    struct kv *o = NULL;
    const struct arg *key = NULL;
    for (int i = 0; i < nkeys && !o; i++) {
        int bad;
        key = &keys[i];
        o = zset_lookup(c, key, &bad);
        if (bad) return;
    }
    if (!o) {
        if (deadline >= 0) blk_wait(c, deadline);
        else if (nil_when_empty) reply_null_array(c->out, c->resp);
        else reply_array(c->out, 0);
        return;
    }
    if (count == 0) {
        reply_array(c->out, 0);
        return;
    }
    if (count == -1) count = 1;
    long long llen = (long long)zs_len(o);
    long long n = count > llen ? llen : count;
    if (!nested && emitkey) {
        /* BZPOPMIN/BZPOPMAX: key, member, score */
        reply_array(c->out, 1 + n * 2);
        reply_bulk(c->out, key->p, key->len);
    } else if (!nested) {
        reply_array(c->out, n * 2);
    } else if (emitkey) {
        reply_array(c->out, 2);
        reply_bulk(c->out, key->p, key->len);
        reply_array(c->out, n);
    } else {
        reply_array(c->out, n);
    }
    for (long long i = 0; i < n; i++) {
        struct zit it;
        zit_rank(&it, o, 0, max);
        reply_member_score(c, it.ele, it.len, it.score, nested);
        if (kv_enc(o) == ENC_LISTPACK) {
            kv_set_ptr(o, lp_delete(kv_ptr(o), it.pos, 2));
        } else {
            zsl_delete(kv_ptr(o), it.ele, it.len);
        }
    }
    NOTIFY(c, NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key);
    zs_drop_if_empty(c, o, key);
}

/* A count argument that must be >= 0 (getPositiveLongFromObjectOrReply). */
static int arg_positive(struct client *c, const struct arg *a, long long *v, const char *msg) {
    if (!str_to_ll(a->p, a->len, v) || *v < 0) {
        reply_err(c, msg ? msg : "ERR value is out of range, must be positive");
        return 0;
    }
    return 1;
}

static void zpop_minmax(struct client *c, int max) {
    if (c->argc > 3) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    long long count = -1;
    if (c->argc == 3 && !arg_positive(c, &c->argv[2], &count, NULL)) return;
    zpop_generic(c, &c->argv[1], 1, max, 0, count, c->resp > 2 && count != -1, 0, -1);
}

/* BZPOPMIN/BZPOPMAX key [key ...] timeout */
static void bzpop_minmax(struct client *c, int max) {
    long long deadline;
    if (!blk_parse_timeout(c, &c->argv[c->argc - 1], &deadline)) return;
    zpop_generic(c, &c->argv[1], c->argc - 2, max, 1, -1, 0, 1, deadline);
}

void bzpopmin_command(struct client *c) { bzpop_minmax(c, 0); }
void bzpopmax_command(struct client *c) { bzpop_minmax(c, 1); }

void zpopmin_command(struct client *c) { zpop_minmax(c, 0); }
void zpopmax_command(struct client *c) { zpop_minmax(c, 1); }

/* An argument in [min, max], else the error msg (also for non-integers). */
static int arg_range(struct client *c, const struct arg *a, long long min, long long max, long long *v,
                     const char *msg) {
    if (!str_to_ll(a->p, a->len, v) || *v < min || *v > max) {
        reply_err(c, msg);
        return 0;
    }
    return 1;
}

/* ZMPOP, and BZMPOP with its timeout before numkeys (argv shifted by
 * `at`); deadline -1: never blocks. */
static void zmpop_generic(struct client *c, int at, long long deadline) {
    long long numkeys, count = -1;
    int max = 0;
    const struct arg *argv = c->argv + at;
    int argc = c->argc - at;
    if (!arg_range(c, &argv[1], 1, LLONG_MAX, &numkeys, "ERR numkeys should be greater than 0")) return;
    long long where = 2 + numkeys;
    if (where >= argc) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (ARG_IS(argv[where], "min")) max = 0;
    else if (ARG_IS(argv[where], "max")) max = 1;
    else {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    for (long long j = where + 1; j < argc; j++) {
        if (count == -1 && ARG_IS(argv[j], "count") && j + 1 < argc) {
            j++;
            if (!arg_range(c, &argv[j], 1, LLONG_MAX, &count, "ERR count should be greater than 0")) return;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if (count == -1) count = 1;
    zpop_generic(c, &argv[2], (int)numkeys, max, 1, count, 1, 1, deadline);
}

void zmpop_command(struct client *c) { zmpop_generic(c, 0, -1); }

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
void bzmpop_command(struct client *c) {
    long long deadline;
    if (!blk_parse_timeout(c, &c->argv[1], &deadline)) return;
    zmpop_generic(c, 1, deadline);
}

int bzmpop_keys(const struct arg *argv, int argc, int *pos, int max) {
    int n = argc > 1 ? zmpop_keys(argv + 1, argc - 1, pos, max) : 0;
    for (int i = 0; i < n; i++) pos[i]++;
    return n;
}

/* --------------------------------------------------------- set operations */

/* A plain set is a valid input of ZUNION/ZINTER/ZDIFF: each member counts
 * with score 1 (set_foreach_member, types/set.h). */

enum { SETOP_UNION, SETOP_INTER, SETOP_DIFF };
enum { AGG_SUM, AGG_MIN, AGG_MAX };

struct zsrc {
    int enc;        /* ENC_LISTPACK or ENC_SKIPLIST; -1 for a missing key */
    void *ptr;
    struct zsl *owned; /* a set input turned into a zsl */
    double weight;
    unsigned long card;
};

static void add_set_member(void *ctx, const char *p, size_t len) {
    struct zsl *z = ctx;
    if (!zsl_find(z, p, len)) zsl_insert(z, 1.0, p, len);
}

static int src_score(const struct zsrc *s, const char *ele, size_t len, double *score) {
    if (s->enc == ENC_LISTPACK) return zzl_find(s->ptr, ele, len, score) != LP_NONE;
    if (s->enc != ENC_SKIPLIST) return 0;
    struct zsl_node *n = zsl_find(s->ptr, ele, len);
    if (n) *score = n->score;
    return n != NULL;
}

/* Start an iterator over a source; 0 if it is empty. */
static int src_first(const struct zsrc *s, struct zit *it) {
    it->enc = s->enc;
    it->nback = 0;
    if (s->enc == ENC_LISTPACK) {
        it->lp = s->ptr;
        it->pos = lp_first(it->lp);
    } else if (s->enc == ENC_SKIPLIST) {
        it->node = ((struct zsl *)s->ptr)->header->level[0].forward;
    } else {
        return 0;
    }
    if (!zit_valid(it)) return 0;
    zit_load(it);
    return 1;
}

static void aggregate(double *target, double val, int agg) {
    if (agg == AGG_SUM) {
        *target = *target + val;
        if (isnan(*target)) *target = 0.0;
    } else if (agg == AGG_MIN) {
        *target = val < *target ? val : *target;
    } else {
        *target = val > *target ? val : *target;
    }
}

static void zitems_from_zsl(const struct zsl *z, struct zitems *r) {
    for (struct zsl_node *n = z->header->level[0].forward; n; n = n->level[0].forward)
        zitems_add(r, zsl_ele(n), n->len, n->score);
}

/* One ZUNION/ZINTER/ZDIFF invocation, parsed. */
struct setop {
    struct zsrc *src;
    long long setnum;
    int agg, withscores;
    long long limit; /* ZINTERCARD; 0 = none */
};

/* Look the sources up (argv[first..]); replies WRONGTYPE and returns 0 on a
 * key of another type. */
static int setop_sources(struct client *c, struct setop *so, int first) {
    for (long long i = 0; i < so->setnum; i++) {
        const struct arg *key = &c->argv[first + i];
        struct kv *o = db_find(c->db, key->p, key->len, 1);
        struct zsrc *s = &so->src[i];
        s->weight = 1.0;
        s->enc = -1;
        if (!o) continue;
        if (kv_type(o) == OBJ_ZSET) {
            s->enc = kv_enc(o);
            s->ptr = kv_ptr(o);
            s->card = zs_len(o);
        } else if (kv_type(o) == OBJ_SET) {
            s->owned = zsl_new();
            set_foreach_member(o, add_set_member, s->owned);
            s->enc = ENC_SKIPLIST;
            s->ptr = s->owned;
            s->card = s->owned->length;
        } else {
            reply_err(c, ERR_WRONGTYPE);
            return 0;
        }
    }
    return 1;
}

/* WEIGHTS / AGGREGATE / WITHSCORES / LIMIT from argv[j]; replies on error. */
static int setop_options(struct client *c, struct setop *so, int j, int op, int store, int cardonly) {
    while (j < c->argc) {
        int remaining = c->argc - j;
        const struct arg *a = &c->argv[j];
        if (op != SETOP_DIFF && !cardonly && remaining >= so->setnum + 1 && ARG_IS(*a, "weights")) {
            j++;
            for (long long i = 0; i < so->setnum; i++, j++) {
                if (!str_to_double(c->argv[j].p, c->argv[j].len, &so->src[i].weight)) {
                    reply_err(c, "ERR weight value is not a float");
                    return 0;
                }
            }
        } else if (op != SETOP_DIFF && !cardonly && remaining >= 2 && ARG_IS(*a, "aggregate")) {
            const struct arg *v = &c->argv[j + 1];
            if (ARG_IS(*v, "sum")) so->agg = AGG_SUM;
            else if (ARG_IS(*v, "min")) so->agg = AGG_MIN;
            else if (ARG_IS(*v, "max")) so->agg = AGG_MAX;
            else {
                reply_err(c, ERR_SYNTAX);
                return 0;
            }
            j += 2;
        } else if (!store && !cardonly && ARG_IS(*a, "withscores")) {
            so->withscores = 1;
            j++;
        } else if (cardonly && remaining >= 2 && ARG_IS(*a, "limit")) {
            if (!arg_positive(c, &c->argv[j + 1], &so->limit, "ERR LIMIT can't be negative")) return 0;
            j += 2;
        } else {
            reply_err(c, ERR_SYNTAX);
            return 0;
        }
    }
    return 1;
}

/* Intersection into acc, or only counted (cardonly): returns the count. The
 * sources are sorted smallest first; the first one drives the walk. */
static long long setop_inter(struct setop *so, struct zsl *acc, int cardonly) {
    struct zsrc *src = so->src;
    struct zit it;
    long long card = 0;
    if (src[0].card == 0 || !src_first(&src[0], &it)) return 0;
    do {
        double score = src[0].weight * it.score, v;
        if (isnan(score)) score = 0;
        long long k;
        for (k = 1; k < so->setnum; k++) {
            if (src[k].ptr == src[0].ptr && src[k].enc == src[0].enc) v = it.score * src[k].weight;
            else if (src_score(&src[k], it.ele, it.len, &v)) v *= src[k].weight;
            else break;
            aggregate(&score, v, so->agg);
        }
        if (k < so->setnum) continue;
        card++;
        if (cardonly) {
            if (so->limit && card >= so->limit) break;
        } else {
            zsl_insert(acc, score, it.ele, it.len);
        }
    } while (zit_step(&it, 0));
    return card;
}

static void setop_union(struct setop *so, struct zsl *acc) {
    struct zit it;
    for (long long i = 0; i < so->setnum; i++) {
        if (!src_first(&so->src[i], &it)) continue;
        do {
            double score = so->src[i].weight * it.score;
            if (isnan(score)) score = 0;
            struct zsl_node *n = zsl_find(acc, it.ele, it.len);
            if (!n) {
                zsl_insert(acc, score, it.ele, it.len);
            } else {
                double t = n->score;
                aggregate(&t, score, so->agg);
                zsl_update_score(acc, n, t); /* also when only the sign of 0 changes */
            }
        } while (zit_step(&it, 0));
    }
}

/* Members of the first source found in none of the others, own scores. */
static void setop_diff(struct setop *so, struct zsl *acc) {
    struct zit it;
    if (!src_first(&so->src[0], &it)) return;
    do {
        double v;
        long long k;
        for (k = 1; k < so->setnum; k++)
            if (src_score(&so->src[k], it.ele, it.len, &v)) break;
        if (k == so->setnum) zsl_insert(acc, it.score, it.ele, it.len);
    } while (zit_step(&it, 0));
}

/* Redis's zunionInterDiffGenericCommand. numkeys is argv[nk]; dst (STORE
 * forms) is argv[1]; cardonly is ZINTERCARD. */
static void setop_generic(struct client *c, int nk, int store, int op, int cardonly) {
    struct setop so = {.agg = AGG_SUM};
    if (!arg_ll(c, &c->argv[nk], &so.setnum)) return;
    if (so.setnum < 1) {
        reply_errf(c, "ERR at least 1 input key is needed for '%s' command", c->cmd->name);
        return;
    }
    if (so.setnum > c->argc - (nk + 1)) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    so.src = calloc((size_t)so.setnum, sizeof(*so.src));
    if (!so.src) abort();
    if (!setop_sources(c, &so, nk + 1) || !setop_options(c, &so, nk + 1 + (int)so.setnum, op, store, cardonly))
        goto done;
    if (op != SETOP_DIFF) {
        /* smallest first (stable, as glibc's merge sort) */
        for (long long i = 1; i < so.setnum; i++) {
            struct zsrc t = so.src[i];
            long long k = i - 1;
            for (; k >= 0 && so.src[k].card > t.card; k--) so.src[k + 1] = so.src[k];
            so.src[k + 1] = t;
        }
    }
    struct zsl *acc = zsl_new();
    long long card = 0;
    if (op == SETOP_INTER) card = setop_inter(&so, acc, cardonly);
    else if (op == SETOP_UNION) setop_union(&so, acc);
    else setop_diff(&so, acc);
    if (cardonly) {
        reply_int(c->out, card);
    } else {
        struct zitems r = {0};
        zitems_from_zsl(acc, &r);
        static const char *const ev[] = {[SETOP_UNION] = "zunionstore", [SETOP_INTER] = "zinterstore",
                                         [SETOP_DIFF] = "zdiffstore"};
        if (store) store_items(c, &r, &c->argv[1], ev[op]);
        else reply_items(c, &r, so.withscores);
        zitems_free(&r);
    }
    zsl_free(acc);
done:
    for (long long i = 0; i < so.setnum; i++) zsl_free(so.src[i].owned);
    free(so.src);
}

void zunion_command(struct client *c) { setop_generic(c, 1, 0, SETOP_UNION, 0); }
void zinter_command(struct client *c) { setop_generic(c, 1, 0, SETOP_INTER, 0); }
void zdiff_command(struct client *c) { setop_generic(c, 1, 0, SETOP_DIFF, 0); }
void zunionstore_command(struct client *c) { setop_generic(c, 2, 1, SETOP_UNION, 0); }
void zinterstore_command(struct client *c) { setop_generic(c, 2, 1, SETOP_INTER, 0); }
void zdiffstore_command(struct client *c) { setop_generic(c, 2, 1, SETOP_DIFF, 0); }
void zintercard_command(struct client *c) { setop_generic(c, 1, 0, SETOP_INTER, 1); }

/* Key positions: numkeys at argv[nk], then that many keys; the STORE forms
 * also have the destination at argv[1]. Bad numkeys: no keys (the handler
 * replies the error). */
static int numkeys_keys(const struct arg *argv, int argc, int nk, int dst, int *pos, int max) {
    long long n;
    if (nk >= argc || !str_to_ll(argv[nk].p, argv[nk].len, &n) || n < 1 || n > argc - nk - 1) return 0;
    int k = 0;
    if (dst && k < max) pos[k++] = 1;
    for (long long i = 0; i < n && k < max; i++) pos[k++] = nk + 1 + (int)i;
    return k;
}

int zsetop_keys(const struct arg *argv, int argc, int *pos, int max) {
    return numkeys_keys(argv, argc, 1, 0, pos, max);
}
int zsetopstore_keys(const struct arg *argv, int argc, int *pos, int max) {
    return numkeys_keys(argv, argc, 2, 1, pos, max);
}
int zmpop_keys(const struct arg *argv, int argc, int *pos, int max) {
    return numkeys_keys(argv, argc, 1, 0, pos, max);
}

/* ------------------------------------------------------- random and scan */

static uint64_t zrand(void) {
    static __thread uint64_t s;
    if (s == 0) s = (uint64_t)(uintptr_t)&s ^ (uint64_t)mono_us() ^ 0x9E3779B97F4A7C15ULL;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static void reply_at_rank(struct client *c, const struct kv *o, unsigned long rank, int withscores) {
    struct zit it;
    zit_rank(&it, o, rank, 0);
    if (withscores) reply_member_score(c, it.ele, it.len, it.score, c->resp > 2);
    else reply_bulk(c->out, it.ele, it.len);
}

static void zrandmember_count(struct client *c) {
    long long l;
    int withscores = 0;
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &l)) {
        reply_err(c, ERR_NOT_INT);
        return;
    }
    if (l == LLONG_MIN) {
        reply_err(c, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        return;
    }
    if (c->argc > 4 || (c->argc == 4 && !ARG_IS(c->argv[3], "withscores"))) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (c->argc == 4) {
        withscores = 1;
        if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
            reply_err(c, "ERR value is out of range");
            return;
        }
    }
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    if (!o || l == 0) {
        reply_array(c->out, 0);
        return;
    }
    unsigned long size = zs_len(o);
    unsigned long long count = l >= 0 ? (unsigned long long)l : (unsigned long long)-l;
    int uniq = l >= 0;
    if (!uniq || count == 1) {
        reply_array(c->out, (long long)(withscores && c->resp == 2 ? count * 2 : count));
        for (unsigned long long i = 0; i < count; i++) reply_at_rank(c, o, (unsigned long)(zrand() % size), withscores);
        return;
    }
    if (count > size) count = size;
    reply_array(c->out, (long long)(withscores && c->resp == 2 ? count * 2 : count));
    if (count == size) {
        struct zit it;
        zit_rank(&it, o, 0, 0);
        do {
            if (withscores) reply_member_score(c, it.ele, it.len, it.score, c->resp > 2);
            else reply_bulk(c->out, it.ele, it.len);
        } while (zit_step(&it, 0));
        return;
    }
    /* distinct ranks: a partial Fisher-Yates shuffle over a small window, or
     * rejection sampling with a probe table when count is small */
    if (count * 3 > size) {
        unsigned long *idx = malloc(sizeof(*idx) * size);
        if (!idx) abort();
        for (unsigned long i = 0; i < size; i++) idx[i] = i;
        for (unsigned long i = 0; i < count; i++) {
            unsigned long k = i + (unsigned long)(zrand() % (size - i));
            unsigned long t = idx[i];
            idx[i] = idx[k];
            idx[k] = t;
            reply_at_rank(c, o, idx[i], withscores);
        }
        free(idx);
        return;
    }
    size_t cap = 16;
    while (cap < count * 2) cap *= 2;
    unsigned long *seen = malloc(sizeof(*seen) * cap);
    if (!seen) abort();
    memset(seen, 0xff, sizeof(*seen) * cap);
    for (unsigned long long got = 0; got < count;) {
        unsigned long r = (unsigned long)(zrand() % size);
        size_t h = (r * 0x9E3779B97F4A7C15ULL) & (cap - 1);
        while (seen[h] != (unsigned long)-1 && seen[h] != r) h = (h + 1) & (cap - 1);
        if (seen[h] == r) continue;
        seen[h] = r;
        got++;
        reply_at_rank(c, o, r, withscores);
    }
    free(seen);
}

void zrandmember_command(struct client *c) {
    if (c->argc >= 3) {
        zrandmember_count(c);
        return;
    }
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    reply_at_rank(c, o, (unsigned long)(zrand() % zs_len(o)), 0);
}

struct scan_ctx {
    struct zitems items;
};

static void scan_collect(void *ctx, struct hmap_node *hn) {
    struct scan_ctx *k = ctx;
    struct zsl_node *n = (struct zsl_node *)hn;
    zitems_add(&k->items, zsl_ele(n), n->len, n->score);
}

void zscan_command(struct client *c) {
    const struct arg *ca = &c->argv[2];
    char tmp[32];
    unsigned long long cursor;
    int ok = ca->len > 0 && ca->len < sizeof(tmp);
    if (ok) {
        memcpy(tmp, ca->p, ca->len);
        tmp[ca->len] = '\0';
        char *end;
        errno = 0;
        cursor = strtoull(tmp, &end, 10);
        ok = *end == '\0' && errno != ERANGE && tmp[0] != ' ' && tmp[0] != '\t';
    }
    if (!ok) {
        reply_err(c, "ERR invalid cursor");
        return;
    }
    int bad;
    struct kv *o = zset_lookup(c, &c->argv[1], &bad);
    if (bad) return;
    if (!o) {
        reply_array(c->out, 2);
        reply_bulk(c->out, "0", 1);
        reply_array(c->out, 0);
        return;
    }
    long long count = 10;
    const struct arg *pat = NULL;
    for (int i = 3; i < c->argc;) {
        int left = c->argc - i;
        if (ARG_IS(c->argv[i], "count") && left >= 2) {
            if (!arg_ll(c, &c->argv[i + 1], &count)) return;
            if (count < 1) {
                reply_err(c, ERR_SYNTAX);
                return;
            }
            i += 2;
        } else if (ARG_IS(c->argv[i], "match") && left >= 2) {
            pat = &c->argv[i + 1];
            if (pat->len == 1 && pat->p[0] == '*') pat = NULL;
            i += 2;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    struct scan_ctx k = {0};
    if (kv_enc(o) == ENC_LISTPACK) {
        struct zit it;
        if (zit_rank(&it, o, 0, 0)) do
                zitems_add(&k.items, it.ele, it.len, it.score);
            while (zit_step(&it, 0));
        cursor = 0;
    } else {
        struct zsl *z = kv_ptr(o);
        long long maxiter = count * 10;
        do {
            cursor = hmap_scan(&z->dict, cursor, scan_collect, &k);
        } while (cursor && maxiter-- && (long long)k.items.n < count);
    }
    size_t keep = 0;
    for (size_t i = 0; i < k.items.n; i++)
        if (!pat || glob_match(pat->p, pat->len, zitem_ele(&k.items, i), k.items.v[i].len, 0)) keep++;
    char cb[24];
    reply_array(c->out, 2);
    reply_bulk(c->out, cb, (size_t)ull_to_str(cb, cursor));
    reply_array(c->out, (long long)keep * 2);
    for (size_t i = 0; i < k.items.n; i++) {
        if (pat && !glob_match(pat->p, pat->len, zitem_ele(&k.items, i), k.items.v[i].len, 0)) continue;
        char sb[64];
        reply_bulk(c->out, zitem_ele(&k.items, i), k.items.v[i].len);
        /* a skiplist's scores print as %.17Lg (keeping -0), a listpack's as stored */
        double d = k.items.v[i].score;
        int sl = kv_enc(o) == ENC_LISTPACK ? score_to_str(sb, sizeof(sb), d) : fmt_double(sb, sizeof(sb), d);
        reply_bulk(c->out, sb, (size_t)sl);
    }
    zitems_free(&k.items);
}

/* ---------------------------------------------------------------- the type */

static const char *zset_encoding(int enc) { return enc == ENC_LISTPACK ? "listpack" : "skiplist"; }

static void zset_free(void *v, int enc) {
    if (enc == ENC_LISTPACK) lp_free(v);
    else zsl_free(v);
}

static void *zset_dup(const void *v, int enc) {
    if (enc == ENC_LISTPACK) return lp_dup(v);
    const struct zsl *z = v;
    struct zsl *n = zsl_new();
    for (struct zsl_node *x = z->header->level[0].forward; x; x = x->level[0].forward)
        zsl_insert(n, x->score, zsl_ele(x), x->len);
    return n;
}

static size_t zset_mem(const void *v, int enc) {
    return enc == ENC_LISTPACK ? lp_bytes(v) : zsl_mem_usage(v);
}

/* Image: the encoding byte, then for a listpack the pack's bytes; for a
 * skiplist a u64 count and per member (in order) u32 length, bytes, 8-byte
 * score. */
static void zset_serialize(const void *v, int enc, struct buf *b) {
    buf_putc(b, (char)enc);
    if (enc == ENC_LISTPACK) {
        buf_put(b, v, lp_bytes(v));
        return;
    }
    const struct zsl *z = v;
    uint64_t n = z->length;
    buf_put(b, &n, 8);
    for (struct zsl_node *x = z->header->level[0].forward; x; x = x->level[0].forward) {
        uint32_t l = x->len;
        buf_put(b, &l, 4);
        buf_put(b, zsl_ele(x), l);
        buf_put(b, &x->score, 8);
    }
}

static void *zset_deserialize(const char *p, size_t len, int *enc) {
    if (len < 1) return NULL;
    int enc_in = p[0];
    p++;
    len--;
    *enc = enc_in;
    if (enc_in == ENC_LISTPACK) {
        lp_t *lp = lp_load(p, len);
        if (lp && lp_count(lp) % 2) {
            lp_free(lp);
            return NULL;
        }
        return lp;
    }
    if (enc_in != ENC_SKIPLIST || len < 8) return NULL;
    uint64_t n;
    memcpy(&n, p, 8);
    size_t off = 8;
    struct zsl *z = zsl_new();
    for (uint64_t i = 0; i < n; i++) {
        uint32_t l;
        double s;
        if (len - off < 4) goto bad;
        memcpy(&l, p + off, 4);
        off += 4;
        if (len - off < (size_t)l + 8) goto bad;
        memcpy(&s, p + off + l, 8);
        if (zsl_find(z, p + off, l)) goto bad;
        zsl_insert(z, s, p + off, l);
        off += (size_t)l + 8;
    }
    if (off != len) goto bad;
    return z;
bad:
    zsl_free(z);
    return NULL;
}

/* Freeing a skiplist touches every node; a listpack is one block. */
static size_t zset_cost(const void *v, int enc) {
    return enc == ENC_SKIPLIST ? ((const struct zsl *)v)->length : 1;
}

static const struct type_ops zset_ops = {
    .name = "zset",
    .encoding = zset_encoding,
    .free = zset_free,
    .dup = zset_dup,
    .mem_usage = zset_mem,
    .serialize = zset_serialize,
    .deserialize = zset_deserialize,
    .cost = zset_cost,
};

__attribute__((constructor)) static void register_zset(void) { type_register(OBJ_ZSET, &zset_ops); }

/* ---- typeio.h ---- */

unsigned long zset_length(const struct kv *o) { return zs_len(o); }

void zset_each(const struct kv *o, zelem_fn fn, void *ctx) {
    struct zit it;
    if (!zit_rank(&it, o, 0, 0)) return;
    do fn(ctx, it.ele, it.len, it.score);
    while (zit_step(&it, 0));
}

struct kv *zset_build(struct client *c, const struct arg *key, const struct arg *el, const double *scores, size_t n) {
    int skip = c->sh->cfg.zset_max_listpack_entries == 0 ||
               (n && c->sh->cfg.zset_max_listpack_value < (long long)el[0].len);
    struct kv *o = skip ? kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_SKIPLIST, zsl_new(), -1)
                        : kv_new_ptr(key->p, key->len, OBJ_ZSET, ENC_LISTPACK, lp_new_oneway(), -1);
    for (size_t i = 0; i < n; i++) {
        int out;
        double score;
        if (!zs_add(c, o, scores[i], el[i].p, el[i].len, 0, &out, &score) || !(out & ZO_ADDED)) {
            kv_free(o);
            return NULL;
        }
    }
    return o;
}
