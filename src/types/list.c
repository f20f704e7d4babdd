/*
 * list.c - the list commands (push/pop at both ends, ranges, LINSERT, LREM,
 * LTRIM, LPOS, LMOVE, LMPOP) and the list type's keyspace hooks.
 *
 * A list is one listpack (ENC_LISTPACK) while it fits in one node under
 * list-max-listpack-size, and a quicklist (db/quicklist.h) beyond that; a
 * quicklist that shrinks back to one node becomes a listpack again. Both are
 * reported as "quicklist" by OBJECT ENCODING, as Redis 7.0 does for every
 * list. Reads go through a quicklist view of either encoding; changes other
 * than pushes and pops go through the quicklist functions, a listpack list
 * being wrapped first (list_open) and unwrapped after (list_done).
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../db/quicklist.h"
#include "../txn/block.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "typeio.h"

enum { HEAD = 0, TAIL = 1 };

/* ---- the value ---- */

static int cfg_fill(struct client *c) { return ql_clamp_fill(c->sh->cfg.list_max_listpack_size); }

static unsigned long list_len(const struct kv *o) {
    if (kv_enc(o) == ENC_LISTPACK) return lp_count(kv_ptr(o));
    return ((const struct quicklist *)kv_ptr(o))->count;
}

/* A read-only quicklist over either encoding; a listpack list gets a
 * one-node view in `v` (valid while the list is unchanged). */
struct lview {
    struct quicklist ql;
    struct ql_node node;
};

static const struct quicklist *list_view(const struct kv *o, struct lview *v) {
    if (kv_enc(o) == ENC_QUICKLIST) return kv_ptr(o);
    lp_t *lp = kv_ptr(o);
    v->node.prev = v->node.next = NULL;
    v->node.lp = lp;
    v->ql.count = lp_count(lp);
    v->ql.len = v->ql.count ? 1 : 0;
    v->ql.head = v->ql.tail = v->ql.count ? &v->node : NULL;
    v->ql.fill = 0;
    return &v->ql;
}

/* The list of o as a quicklist to change: a listpack list is wrapped into a
 * one-node quicklist (list_done unwraps it). */
static struct quicklist *list_open(struct client *c, struct kv *o) {
    if (kv_enc(o) == ENC_QUICKLIST) return kv_ptr(o);
    struct quicklist *ql = ql_from_lp(cfg_fill(c), kv_ptr(o));
    kv_set_ptr(o, ql);
    kv_set_enc(o, ENC_QUICKLIST);
    return ql;
}

/* After a change: delete the key if the list is empty, else turn a
 * quicklist of one node back into a listpack. Returns 1 if deleted. */
static int list_done(struct client *c, struct kv *o, const struct arg *key) {
    if (list_len(o) == 0) {
        db_delete(c->db, key->p, key->len);
        NOTIFY(c, NOTIFY_GENERIC, "del", key);
        return 1;
    }
    if (kv_enc(o) == ENC_QUICKLIST && ((struct quicklist *)kv_ptr(o))->len == 1) {
        kv_set_ptr(o, ql_take_lp(kv_ptr(o)));
        kv_set_enc(o, ENC_LISTPACK);
    }
    return 0;
}

static void list_push(struct client *c, struct kv *o, const char *s, size_t len, int where) {
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        if (ql_allows(cfg_fill(c), lp, len)) {
            kv_set_ptr(o, where == TAIL ? lp_append(lp, s, len) : lp_prepend(lp, s, len));
            return;
        }
        list_open(c, o);
    }
    ql_push(kv_ptr(o), s, len, where == TAIL);
}

/* Remove the head or tail entry; its bytes are appended to `out` if given,
 * else it is sent as a bulk reply. The caller runs list_done. */
static void list_pop(struct client *c, struct kv *o, int where, struct buf *out) {
    char tmp[24];
    struct lp_entry e;
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        size_t pos = where == TAIL ? lp_last(lp) : lp_first(lp);
        lp_get(lp, pos, &e, tmp);
        if (out) buf_put(out, e.s, e.len);
        else reply_bulk(c->out, e.s, e.len);
        kv_set_ptr(o, lp_delete(lp, pos, 1));
        return;
    }
    struct quicklist *ql = kv_ptr(o);
    struct ql_pos p;
    ql_seek(ql, where == TAIL ? -1 : 0, &p);
    ql_get(&p, &e, tmp);
    if (out) buf_put(out, e.s, e.len);
    else reply_bulk(c->out, e.s, e.len);
    ql_delete_at(ql, &p, where == HEAD);
}

/* Look up a list key. Writes refresh the LRU stamp without counting a hit
 * or miss, as Redis's write lookups do. WRONGTYPE is replied and *bad set
 * for another type. */
static struct kv *list_lookup(struct client *c, const struct arg *key, int write, int *bad) {
    struct kv *o = db_find(c->db, key->p, key->len, !write);
    *bad = 0;
    if (!o) return NULL;
    if (write) db_touch(c->db, o);
    if (kv_type(o) != OBJ_LIST) {
        reply_err(c, ERR_WRONGTYPE);
        *bad = 1;
        return NULL;
    }
    return o;
}

static struct kv *list_create(struct client *c, const struct arg *key) {
    struct kv *o = kv_new_ptr(key->p, key->len, OBJ_LIST, ENC_LISTPACK, lp_new(), -1);
    db_add_new(c->db, o);
    return o;
}

static int parse_where(struct client *c, const struct arg *a, int *where) {
    if (ARG_IS(*a, "left")) *where = HEAD;
    else if (ARG_IS(*a, "right")) *where = TAIL;
    else {
        reply_err(c, ERR_SYNTAX);
        return 0;
    }
    return 1;
}

/* ---- type hooks ---- */

static const char *list_encoding(int enc) {
    UNUSED(enc);
    return "quicklist"; /* Redis 7.0 names every list so */
}

static void list_free(void *v, int enc) {
    if (enc == ENC_LISTPACK) lp_free(v);
    else ql_free(v);
}

static void *list_dup(const void *v, int enc) {
    if (enc == ENC_LISTPACK) return lp_dup(v);
    return ql_dup(v);
}

static size_t list_mem(const void *v, int enc) {
    if (enc == ENC_LISTPACK) return lp_bytes(v);
    return ql_mem(v);
}

/* Image: 'P' + the pack, or 'Q' + fill i32 + nodes u32 + (u32 size + pack)
 * per node. */
static void list_serialize(const void *v, int enc, struct buf *b) {
    if (enc == ENC_LISTPACK) {
        buf_putc(b, 'P');
        buf_put(b, v, lp_bytes(v));
        return;
    }
    const struct quicklist *ql = v;
    int32_t fill = ql->fill;
    uint32_t n = (uint32_t)ql->len;
    buf_putc(b, 'Q');
    buf_put(b, &fill, 4);
    buf_put(b, &n, 4);
    for (const struct ql_node *nd = ql->head; nd; nd = nd->next) {
        uint32_t sz = (uint32_t)lp_bytes(nd->lp);
        buf_put(b, &sz, 4);
        buf_put(b, nd->lp, sz);
    }
}

/* A copy of the pack image at p (len bytes), or NULL if malformed. */
static lp_t *pack_from(const char *p, size_t len) { return lp_load(p, len); }

static void *list_deserialize(const char *p, size_t len, int *enc) {
    if (len < 1) return NULL;
    if (p[0] == 'P') {
        *enc = ENC_LISTPACK;
        return pack_from(p + 1, len - 1);
    }
    if (p[0] != 'Q' || len < 9) return NULL;
    int32_t fill;
    uint32_t n;
    memcpy(&fill, p + 1, 4);
    memcpy(&n, p + 5, 4);
    size_t at = 9;
    struct quicklist *ql = ql_new(fill);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t sz;
        lp_t *lp = NULL;
        if (len - at >= 4) {
            memcpy(&sz, p + at, 4);
            at += 4;
            if (len - at >= sz) lp = pack_from(p + at, sz);
            at += sz;
        }
        if (!lp || lp_count(lp) == 0) {
            if (lp) lp_free(lp);
            ql_free(ql);
            return NULL;
        }
        struct quicklist *one = ql_from_lp(fill, lp);
        /* move the node over */
        struct ql_node *nd = one->head;
        one->head = one->tail = NULL;
        free(one);
        nd->prev = ql->tail;
        if (ql->tail) ql->tail->next = nd;
        else ql->head = nd;
        ql->tail = nd;
        ql->len++;
        ql->count += lp_count(lp);
    }
    if (at != len) {
        ql_free(ql);
        return NULL;
    }
    *enc = ENC_QUICKLIST;
    return ql;
}

/* Freeing work: one allocation per node, as Redis counts it. */
static size_t list_cost(const void *v, int enc) {
    if (enc == ENC_LISTPACK) return 1;
    return ((const struct quicklist *)v)->len;
}

static const struct type_ops list_ops = {
    .name = "list",
    .encoding = list_encoding,
    .free = list_free,
    .dup = list_dup,
    .mem_usage = list_mem,
    .serialize = list_serialize,
    .deserialize = list_deserialize,
    .cost = list_cost,
};

__attribute__((constructor)) static void register_list(void) { type_register(OBJ_LIST, &list_ops); }

/* ---- push ---- */

/* LPUSH/RPUSH (create the key) and LPUSHX/RPUSHX (only if it exists). */
static void push_generic(struct client *c, int where, int only_existing) {
    int bad;
    const struct arg *key = &c->argv[1];
    struct kv *o = list_lookup(c, key, 1, &bad);
    if (bad) return;
    if (!o) {
        if (only_existing) {
            reply_int(c->out, 0);
            return;
        }
        o = list_create(c, key);
    }
    for (int j = 2; j < c->argc; j++) list_push(c, o, c->argv[j].p, c->argv[j].len, where);
    reply_int(c->out, (long long)list_len(o));
    NOTIFY(c, NOTIFY_LIST, where == HEAD ? "lpush" : "rpush", key);
}

void lpush_command(struct client *c) { push_generic(c, HEAD, 0); }
void rpush_command(struct client *c) { push_generic(c, TAIL, 0); }
void lpushx_command(struct client *c) { push_generic(c, HEAD, 1); }
void rpushx_command(struct client *c) { push_generic(c, TAIL, 1); }

/* ---- pop ---- */

/* Pop up to `count` entries from one end as an array reply. */
static void pop_count_reply(struct client *c, struct kv *o, const struct arg *key, int where, long long count) {
    unsigned long n = list_len(o);
    if ((unsigned long long)count < n) n = (unsigned long)count;
    reply_array(c->out, (long long)n);
    if (n) NOTIFY(c, NOTIFY_LIST, where == HEAD ? "lpop" : "rpop", key);
    while (n--) list_pop(c, o, where, NULL);
    list_done(c, o, key);
}

/* LPOP/RPOP key [count]: no count gives a bulk (nil if absent); a count an
 * array (null array if absent, empty for count 0). */
static void pop_generic(struct client *c, int where) {
    long long count = 0;
    int has_count = c->argc == 3, bad;
    const struct arg *key = &c->argv[1];
    if (c->argc > 3) {
        reply_errf(c, "ERR wrong number of arguments for '%s' command", c->cmd->name);
        return;
    }
    if (has_count && (!str_to_ll(c->argv[2].p, c->argv[2].len, &count) || count < 0)) {
        reply_err(c, "ERR value is out of range, must be positive");
        return;
    }
    struct kv *o = list_lookup(c, key, 1, &bad);
    if (bad) return;
    if (!o) {
        if (has_count) reply_null_array(c->out, c->resp);
        else reply_null(c->out, c->resp);
        return;
    }
    if (!has_count) {
        list_pop(c, o, where, NULL);
        NOTIFY(c, NOTIFY_LIST, where == HEAD ? "lpop" : "rpop", key);
        list_done(c, o, key);
        return;
    }
    pop_count_reply(c, o, key, where, count);
}

void lpop_command(struct client *c) { pop_generic(c, HEAD); }
void rpop_command(struct client *c) { pop_generic(c, TAIL); }

/* ---- reads ---- */

void llen_command(struct client *c) {
    int bad;
    struct kv *o = list_lookup(c, &c->argv[1], 0, &bad);
    if (bad) return;
    reply_int(c->out, o ? (long long)list_len(o) : 0);
}

void lindex_command(struct client *c) {
    int bad;
    long long index;
    struct kv *o = list_lookup(c, &c->argv[1], 0, &bad);
    if (bad) return;
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    if (!arg_ll(c, &c->argv[2], &index)) return;
    struct lview v;
    struct ql_pos p;
    if (!ql_seek(list_view(o, &v), index, &p)) {
        reply_null(c->out, c->resp);
        return;
    }
    char tmp[24];
    struct lp_entry e;
    ql_get(&p, &e, tmp);
    reply_bulk(c->out, e.s, e.len);
}

/* Turn LRANGE/LTRIM indexes into an inclusive range of a list of len
 * entries; returns 0 if the range is empty. */
static int clamp_range(long long start, long long end, long long len, long long *s, long long *e) {
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return 0;
    if (end >= len) end = len - 1;
    *s = start;
    *e = end;
    return 1;
}

void lrange_command(struct client *c) {
    long long start, end, s, e;
    int bad;
    if (!arg_ll(c, &c->argv[2], &start) || !arg_ll(c, &c->argv[3], &end)) return;
    struct kv *o = list_lookup(c, &c->argv[1], 0, &bad);
    if (bad) return;
    if (!o || !clamp_range(start, end, (long long)list_len(o), &s, &e)) {
        reply_array(c->out, 0);
        return;
    }
    struct lview v;
    struct ql_pos p;
    char tmp[24];
    struct lp_entry en;
    long long n = e - s + 1;
    reply_array(c->out, n);
    ql_seek(list_view(o, &v), s, &p);
    while (n--) {
        ql_get(&p, &en, tmp);
        reply_bulk(c->out, en.s, en.len);
        ql_next(&p);
    }
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
void lpos_command(struct client *c) {
    long long rank = 1, count = -1, maxlen = 0;
    int from_tail = 0, bad;
    for (int j = 3; j < c->argc; j++) {
        const struct arg *opt = &c->argv[j];
        int more = j + 1 < c->argc;
        if (ARG_IS(*opt, "rank") && more) {
            if (!arg_ll(c, &c->argv[++j], &rank)) return;
            if (rank == 0) {
                reply_err(c, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                             "second ... or use negative to start from the end of the list");
                return;
            }
        } else if (ARG_IS(*opt, "count") && more) {
            j++;
            if (!str_to_ll(c->argv[j].p, c->argv[j].len, &count) || count < 0) {
                reply_err(c, "ERR COUNT can't be negative");
                return;
            }
        } else if (ARG_IS(*opt, "maxlen") && more) {
            j++;
            if (!str_to_ll(c->argv[j].p, c->argv[j].len, &maxlen) || maxlen < 0) {
                reply_err(c, "ERR MAXLEN can't be negative");
                return;
            }
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if (rank == LLONG_MIN) {
        /* Redis 7.0 negates this rank into itself: every match qualifies,
         * searching from the tail, and COUNT stops nothing */
        rank = 1;
        if (count > 0) count = 0;
        from_tail = 1;
    } else if (rank < 0) {
        rank = -rank;
        from_tail = 1;
    }
    struct kv *o = list_lookup(c, &c->argv[1], 0, &bad);
    if (bad) return;
    if (!o) {
        if (count != -1) reply_array(c->out, 0);
        else reply_null(c->out, c->resp);
        return;
    }
    const struct arg *ele = &c->argv[2];
    struct lview v;
    struct ql_pos p;
    long long len = (long long)list_len(o), index = 0, matches = 0, found = -1, emitted = 0;
    struct buf hits = {0};
    ql_seek(list_view(o, &v), from_tail ? -1 : 0, &p);
    while (p.node && (maxlen == 0 || index < maxlen)) {
        if (ql_eq(&p, ele->p, ele->len) && ++matches >= rank) {
            found = from_tail ? len - index - 1 : index;
            if (count == -1) break;
            buf_put(&hits, &found, sizeof(found));
            emitted++;
            if (count && emitted >= count) break;
        }
        index++;
        if (from_tail) ql_prev(&p);
        else ql_next(&p);
    }
    if (count == -1) {
        if (found >= 0) reply_int(c->out, found);
        else reply_null(c->out, c->resp);
    } else {
        reply_array(c->out, emitted);
        for (long long i = 0; i < emitted; i++) {
            long long x;
            memcpy(&x, hits.p + i * (long long)sizeof(x), sizeof(x));
            reply_int(c->out, x);
        }
    }
    buf_free(&hits);
}

/* ---- changes in place ---- */

void lset_command(struct client *c) {
    int bad;
    long long index;
    const struct arg *key = &c->argv[1], *val = &c->argv[3];
    struct kv *o = list_lookup(c, key, 1, &bad);
    if (bad) return;
    if (!o) {
        reply_err(c, "ERR no such key");
        return;
    }
    if (!arg_ll(c, &c->argv[2], &index)) return;
    struct lview v;
    struct ql_pos p;
    if (!ql_seek(list_view(o, &v), index, &p)) {
        reply_err(c, "ERR index out of range");
        return;
    }
    if (kv_enc(o) == ENC_LISTPACK && ql_allows(cfg_fill(c), kv_ptr(o), val->len)) {
        kv_set_ptr(o, lp_replace(kv_ptr(o), p.off, val->p, val->len));
    } else {
        struct quicklist *ql = list_open(c, o);
        p.node = p.node == &v.node ? ql->head : p.node;
        ql_replace_at(ql, &p, val->p, val->len);
        list_done(c, o, key);
    }
    reply_ok(c->out);
    NOTIFY(c, NOTIFY_LIST, "lset", key);
}

/* LINSERT key BEFORE|AFTER pivot element */
void linsert_command(struct client *c) {
    int after, bad;
    const struct arg *key = &c->argv[1], *pivot = &c->argv[3], *val = &c->argv[4];
    if (ARG_IS(c->argv[2], "after")) after = 1;
    else if (ARG_IS(c->argv[2], "before")) after = 0;
    else {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    struct kv *o = list_lookup(c, key, 1, &bad);
    if (bad) return;
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    struct lview v;
    const struct quicklist *view = list_view(o, &v);
    struct ql_pos p = {NULL, 0};
    for (struct ql_node *n = view->head; n; n = n->next) {
        size_t off = lp_find(n->lp, lp_first(n->lp), pivot->p, pivot->len, 1);
        if (off != LP_NONE) {
            p.node = n;
            p.off = off;
            break;
        }
    }
    if (!p.node) {
        reply_int(c->out, -1);
        return;
    }
    if (kv_enc(o) == ENC_LISTPACK && ql_allows(cfg_fill(c), kv_ptr(o), val->len)) {
        lp_t *lp = kv_ptr(o);
        size_t at = after ? lp_next(lp, p.off) : p.off;
        kv_set_ptr(o, lp_insert(lp, at, val->p, val->len));
    } else {
        struct quicklist *ql = list_open(c, o);
        p.node = p.node == &v.node ? ql->head : p.node;
        ql_insert_at(ql, &p, val->p, val->len, after);
        list_done(c, o, key);
    }
    NOTIFY(c, NOTIFY_LIST, "linsert", key);
    reply_int(c->out, (long long)list_len(o));
}

void lrem_command(struct client *c) {
    long long toremove, removed = 0;
    int bad;
    const struct arg *key = &c->argv[1], *ele = &c->argv[3];
    if (!arg_ll(c, &c->argv[2], &toremove)) return;
    struct kv *o = list_lookup(c, key, 1, &bad);
    if (bad) return;
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    int forward = toremove >= 0;
    unsigned long long limit = toremove < 0 ? 0ULL - (unsigned long long)toremove : (unsigned long long)toremove;
    struct quicklist *ql = list_open(c, o);
    struct ql_pos p;
    ql_seek(ql, forward ? 0 : -1, &p);
    while (p.node) {
        if (ql_eq(&p, ele->p, ele->len)) {
            ql_delete_at(ql, &p, forward);
            removed++;
            if (limit && (unsigned long long)removed == limit) break;
        } else if (forward) {
            ql_next(&p);
        } else {
            ql_prev(&p);
        }
    }
    if (removed) NOTIFY(c, NOTIFY_LIST, "lrem", key);
    list_done(c, o, key);
    reply_int(c->out, removed);
}

void ltrim_command(struct client *c) {
    long long start, end, s, e;
    int bad;
    const struct arg *key = &c->argv[1];
    if (!arg_ll(c, &c->argv[2], &start) || !arg_ll(c, &c->argv[3], &end)) return;
    struct kv *o = list_lookup(c, key, 1, &bad);
    if (bad) return;
    if (!o) {
        reply_ok(c->out);
        return;
    }
    long long len = (long long)list_len(o);
    NOTIFY(c, NOTIFY_LIST, "ltrim", key);
    if (!clamp_range(start, end, len, &s, &e)) {
        db_delete(c->db, key->p, key->len);
        NOTIFY(c, NOTIFY_GENERIC, "del", key);
        reply_ok(c->out);
        return;
    }
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        lp = lp_delete(lp, lp_seek(lp, e + 1), (uint32_t)(len - e - 1));
        lp = lp_delete(lp, lp_first(lp), (uint32_t)s);
        kv_set_ptr(o, lp);
    } else {
        struct quicklist *ql = kv_ptr(o);
        ql_del_range(ql, (unsigned long)e + 1, (unsigned long)(len - e - 1));
        ql_del_range(ql, 0, (unsigned long)s);
        list_done(c, o, key);
    }
    reply_ok(c->out);
}

/* ---- moves between lists ---- */

/* Pop from src's `from` end and push to dst's `to` end; reply the element
 * (nil if src is absent). src and dst may be the same key. */
static void lmove_generic(struct client *c, int from, int to) {
    int bad;
    const struct arg *skey = &c->argv[1], *dkey = &c->argv[2];
    struct kv *src = list_lookup(c, skey, 1, &bad);
    if (bad) return;
    if (!src) {
        reply_null(c->out, c->resp);
        return;
    }
    struct kv *dst = list_lookup(c, dkey, 1, &bad);
    if (bad) return;
    struct buf val = {0};
    list_pop(c, src, from, &val);
    if (!dst) dst = list_create(c, dkey);
    const char *v = val.p ? val.p : ""; /* an empty element allocates nothing */
    list_push(c, dst, v, val.len, to);
    NOTIFY(c, NOTIFY_LIST, to == HEAD ? "lpush" : "rpush", dkey);
    reply_bulk(c->out, v, val.len);
    buf_free(&val);
    if (dst != src) list_done(c, dst, dkey);
    NOTIFY(c, NOTIFY_LIST, from == HEAD ? "lpop" : "rpop", skey);
    list_done(c, src, skey);
}

void rpoplpush_command(struct client *c) { lmove_generic(c, TAIL, HEAD); }

void lmove_command(struct client *c) {
    int from, to;
    if (!parse_where(c, &c->argv[3], &from) || !parse_where(c, &c->argv[4], &to)) return;
    lmove_generic(c, from, to);
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: the keys follow
 * numkeys, with room left for the direction. */
int lmpop_keys(const struct arg *argv, int argc, int *pos, int max) {
    long long n;
    if (argc < 2 || !str_to_ll(argv[1].p, argv[1].len, &n) || n <= 0 || n > argc - 3) return 0;
    int k = 0;
    for (; k < n && k < max; k++) pos[k] = 2 + k;
    return k;
}

/* LMPOP, and BLMPOP with its timeout before numkeys (argv shifted by
 * `at`); deadline -1: never blocks. */
static void lmpop_generic(struct client *c, int at, long long deadline) {
    long long numkeys, count = -1;
    int where, bad;
    const struct arg *argv = c->argv + at;
    int argc = c->argc - at;
    if (!str_to_ll(argv[1].p, argv[1].len, &numkeys) || numkeys <= 0) {
        reply_err(c, "ERR numkeys should be greater than 0");
        return;
    }
    if (numkeys > argc - 3) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    int where_at = 2 + (int)numkeys;
    if (!parse_where(c, &argv[where_at], &where)) return;
    for (int j = where_at + 1; j < argc; j++) {
        if (count == -1 && ARG_IS(argv[j], "count") && j + 1 < argc) {
            j++;
            if (!str_to_ll(argv[j].p, argv[j].len, &count) || count <= 0) {
                reply_err(c, "ERR count should be greater than 0");
                return;
            }
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if (count == -1) count = 1;
    for (int k = 0; k < numkeys; k++) {
        const struct arg *key = &argv[2 + k];
        struct kv *o = list_lookup(c, key, 1, &bad);
        if (bad) return;
        if (!o) continue;
        reply_array(c->out, 2);
        reply_bulk(c->out, key->p, key->len);
        pop_count_reply(c, o, key, where, count);
        return;
    }
    if (deadline >= 0) blk_wait(c, deadline);
    else reply_null_array(c->out, c->resp);
}

void lmpop_command(struct client *c) { lmpop_generic(c, 0, -1); }

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
void blmpop_command(struct client *c) {
    long long deadline;
    if (!blk_parse_timeout(c, &c->argv[1], &deadline)) return;
    lmpop_generic(c, 1, deadline);
}

int blmpop_keys(const struct arg *argv, int argc, int *pos, int max) {
    int n = argc > 1 ? lmpop_keys(argv + 1, argc - 1, pos, max) : 0;
    for (int i = 0; i < n; i++) pos[i]++;
    return n;
}

/* ---- blocking pops ---- */

/* BLPOP/BRPOP key [key ...] timeout */
static void bpop_generic(struct client *c, int where) {
    long long deadline;
    int bad;
    if (!blk_parse_timeout(c, &c->argv[c->argc - 1], &deadline)) return;
    for (int k = 1; k < c->argc - 1; k++) {
        const struct arg *key = &c->argv[k];
        struct kv *o = list_lookup(c, key, 1, &bad);
        if (bad) return;
        if (!o) continue;
        reply_array(c->out, 2);
        reply_bulk(c->out, key->p, key->len);
        list_pop(c, o, where, NULL);
        NOTIFY(c, NOTIFY_LIST, where == HEAD ? "lpop" : "rpop", key);
        list_done(c, o, key);
        return;
    }
    blk_wait(c, deadline);
}

void blpop_command(struct client *c) { bpop_generic(c, HEAD); }
void brpop_command(struct client *c) { bpop_generic(c, TAIL); }

/* BLMOVE/BRPOPLPUSH: LMOVE, or wait while the source is empty. */
static void blmove_generic(struct client *c, int from, int to, const struct arg *timeout) {
    long long deadline;
    int bad;
    if (!blk_parse_timeout(c, timeout, &deadline)) return;
    struct kv *src = list_lookup(c, &c->argv[1], 1, &bad);
    if (bad) return;
    if (!src) {
        blk_wait(c, deadline);
        return;
    }
    lmove_generic(c, from, to);
}

void brpoplpush_command(struct client *c) { blmove_generic(c, TAIL, HEAD, &c->argv[3]); }

void blmove_command(struct client *c) {
    int from, to;
    if (!parse_where(c, &c->argv[3], &from) || !parse_where(c, &c->argv[4], &to)) return;
    blmove_generic(c, from, to, &c->argv[5]);
}

/* ---- typeio.h ---- */

unsigned long list_length(const struct kv *o) { return list_len(o); }

void list_each(const struct kv *o, elem_fn fn, void *ctx) {
    struct lview v;
    const struct quicklist *ql = list_view(o, &v);
    char tmp[24];
    for (const struct ql_node *n = ql->head; n; n = n->next)
        for (size_t pos = lp_first(n->lp); pos != LP_NONE; pos = lp_next(n->lp, pos)) {
            struct lp_entry e;
            lp_get(n->lp, pos, &e, tmp);
            fn(ctx, e.s, e.len);
        }
}

struct kv *list_build(struct client *c, const struct arg *key, const struct arg *el, size_t n) {
    struct kv *o = kv_new_ptr(key->p, key->len, OBJ_LIST, ENC_LISTPACK, lp_new(), -1);
    for (size_t i = 0; i < n; i++) list_push(c, o, el[i].p, el[i].len, TAIL);
    return o;
}
