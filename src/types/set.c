/*
 * set.c - the set type and its commands: SADD SREM SCARD SISMEMBER
 * SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER SINTERCARD SUNION SDIFF
 * SINTERSTORE SUNIONSTORE SDIFFSTORE SSCAN, with Redis 7.0's replies.
 *
 * A set value (kv_ptr of an OBJ_SET key) has one of three encodings:
 *   ENC_INTSET    struct intset: all members integers, at most
 *                 set-max-intset-entries of them (as Redis 7.0);
 *   ENC_LISTPACK  lp_t: a few short members, not all integers (at most
 *                 set-max-listpack-entries, each at most
 *                 set-max-listpack-value bytes); Redis 7.0 would say
 *                 "hashtable" here, we keep small sets compact;
 *   ENC_HT        struct hmap of struct smember (one allocation per member:
 *                 the hash chain link, a varint length, the bytes).
 * Conversions only go towards ENC_HT, except where Redis 7.0 rebuilds a set
 * from scratch (SPOP with a count, the STORE commands).
 *
 * Handlers work on a `struct sobj` (encoding + pointer) taken from the key
 * and stored back, so temporary result sets need no key object.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../db/hmap.h"
#include "../db/intset.h"
#include "../db/listpack.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "typeio.h"
#include "../util/glob.h"

/* ---- members of a hashtable set ---- */

struct smember {
    struct hmap_node node;
    unsigned char d[]; /* varint length, bytes */
};

static const char *smember_key(const struct hmap_node *n, size_t *len) {
    const struct smember *m = (const struct smember *)n;
    uint64_t l;
    size_t h = varint_get(m->d, &l);
    *len = (size_t)l;
    return (const char *)m->d + h;
}

static void smember_free(struct hmap_node *n) { free(n); }

static const struct hmap_type set_hmap_type = {smember_key, smember_free};

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) abort();
    return p;
}

static struct smember *smember_new(const char *s, size_t len) {
    size_t h = varint_len(len);
    struct smember *m = xmalloc(sizeof(*m) + h + len);
    m->node.next = NULL;
    varint_put(m->d, len);
    memcpy(m->d + h, s, len);
    return m;
}

static struct hmap *ht_new(void) {
    struct hmap *h = xmalloc(sizeof(*h));
    hmap_init(h, &set_hmap_type);
    return h;
}

static void ht_free(struct hmap *h) {
    hmap_clear(h);
    free(h);
}

/* ---- a set value, whatever its encoding ---- */

struct sobj {
    int enc;
    void *p;
};

static inline struct sobj sobj_of(const struct kv *o) { return (struct sobj){kv_enc(o), kv_ptr(o)}; }

struct set_it;
struct elem;
static void set_it_init(struct set_it *it, const struct sobj *s);
static int set_it_next(struct set_it *it, struct elem *e);

static inline void sobj_store(struct kv *o, const struct sobj *s) {
    kv_set_ptr(o, s->p);
    kv_set_enc(o, s->enc);
}

static struct sobj sobj_new_intset(void) { return (struct sobj){ENC_INTSET, intset_new()}; }

static void sobj_free(struct sobj *s) {
    switch (s->enc) {
    case ENC_INTSET: intset_free(s->p); break;
    case ENC_LISTPACK: lp_free(s->p); break;
    default: ht_free(s->p); break;
    }
    s->p = NULL;
}

static size_t sobj_card(const struct sobj *s) {
    switch (s->enc) {
    case ENC_INTSET: return intset_len(s->p);
    case ENC_LISTPACK: return lp_count(s->p);
    default: return hmap_count(s->p);
    }
}

unsigned long set_card(const struct kv *o) {
    struct sobj s = sobj_of(o);
    return (unsigned long)sobj_card(&s);
}

/* One member as iteration and random picks yield it: always as text (s,
 * len; integers are formatted into buf), and as an integer when it is one
 * (is_int, v: known for intset and listpack members). */
struct elem {
    const char *s;
    size_t len;
    long long v;
    int is_int;
    char buf[24];
};

static void elem_from_int(struct elem *e, long long v) {
    e->v = v;
    e->is_int = 1;
    e->len = (size_t)ll_to_str(e->buf, v);
    e->s = e->buf;
}

static void elem_from_lp(struct elem *e, const lp_t *lp, size_t pos) {
    struct lp_entry le;
    lp_get(lp, pos, &le, e->buf);
    e->s = le.s;
    e->len = le.len;
    e->v = le.v;
    e->is_int = le.is_int;
}

static void elem_from_node(struct elem *e, const struct hmap_node *n) {
    e->s = smember_key(n, &e->len);
    e->is_int = 0;
}

static int sobj_has(const struct sobj *s, const char *p, size_t len) {
    long long v;
    switch (s->enc) {
    case ENC_INTSET: return str_to_ll(p, len, &v) && intset_find(s->p, v);
    case ENC_LISTPACK: return lp_find(s->p, lp_first(s->p), p, len, 1) != LP_NONE;
    default: return hmap_find(s->p, p, len) != NULL;
    }
}

/* Membership of an element taken from another set (uses its integer form
 * against an intset when it has one). */
static int sobj_has_elem(const struct sobj *s, const struct elem *e) {
    if (s->enc == ENC_INTSET && e->is_int) return intset_find(s->p, e->v);
    return sobj_has(s, e->s, e->len);
}

/* ---- iteration ---- */

struct set_it {
    const struct sobj *s;
    uint32_t i;                  /* intset index */
    size_t pos;                  /* listpack position */
    int table;                   /* hmap table */
    size_t bucket;               /* hmap bucket */
    const struct hmap_node *n;   /* next hmap node to yield */
};

static void set_it_init(struct set_it *it, const struct sobj *s) {
    memset(it, 0, sizeof(*it));
    it->s = s;
    if (s->enc == ENC_LISTPACK) it->pos = lp_first(s->p);
}

/* Next member into e; 0 when done. The set must not change meanwhile. */
static int set_it_next(struct set_it *it, struct elem *e) {
    const struct sobj *s = it->s;
    switch (s->enc) {
    case ENC_INTSET:
        if (it->i >= intset_len(s->p)) return 0;
        elem_from_int(e, intset_get(s->p, it->i++));
        return 1;
    case ENC_LISTPACK:
        if (it->pos == LP_NONE) return 0;
        elem_from_lp(e, s->p, it->pos);
        it->pos = lp_next(s->p, it->pos);
        return 1;
    default: {
        const struct hmap *h = s->p;
        while (!it->n) {
            if (it->table > 1) return 0;
            if (h->t[it->table] && it->bucket < h->size[it->table]) {
                it->n = h->t[it->table][it->bucket++];
            } else {
                it->table++;
                it->bucket = 0;
            }
        }
        elem_from_node(e, it->n);
        it->n = it->n->next;
        return 1;
    }
    }
}

/* ---- random members ---- */

static _Thread_local uint64_t set_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void) {
    uint64_t x = set_rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    set_rng = x;
    return x;
}

/* A random member of a non-empty set into e (points into the set). */
static void sobj_random(const struct sobj *s, struct elem *e) {
    size_t n = sobj_card(s);
    switch (s->enc) {
    case ENC_INTSET: elem_from_int(e, intset_get(s->p, (uint32_t)(rnd() % n))); break;
    case ENC_LISTPACK: elem_from_lp(e, s->p, lp_seek(s->p, (long long)(rnd() % n))); break;
    default: elem_from_node(e, hmap_random(s->p)); break;
    }
}

/* ---- conversions ---- */

static struct hmap *ht_from(const struct sobj *s) {
    struct hmap *h = ht_new();
    struct set_it it;
    struct elem e;
    set_it_init(&it, s);
    while (set_it_next(&it, &e)) hmap_add(h, &smember_new(e.s, e.len)->node);
    return h;
}

/* Convert s to ENC_HT or ENC_LISTPACK (from a smaller encoding). */
static void sobj_convert(struct sobj *s, int enc) {
    void *np;
    if (enc == ENC_HT) {
        np = ht_from(s);
    } else {
        lp_t *lp = lp_new_oneway();
        struct set_it it;
        struct elem e;
        set_it_init(&it, s);
        while (set_it_next(&it, &e)) lp = lp_append(lp, e.s, e.len);
        np = lp;
    }
    sobj_free(s);
    s->p = np;
    s->enc = enc;
}

static size_t max_intset_entries(const struct config *cfg) {
    long long m = cfg->set_max_intset_entries;
    if (m >= (1 << 30)) m = INTSET_MAX_LEN;
    return m < 0 ? 0 : (size_t)m;
}

/* Whether a set of n members, the longest maxlen bytes, fits a listpack. */
static int lp_fits(const struct config *cfg, size_t n, size_t maxlen) {
    return (long long)n <= cfg->set_max_listpack_entries &&
           (long long)maxlen <= cfg->set_max_listpack_value;
}

/* Text length of the longest member of an intset (its extremes). */
static size_t intset_maxlen(const struct intset *is) {
    char tmp[24];
    uint32_t n = intset_len(is);
    if (!n) return 0;
    size_t a = (size_t)ll_to_str(tmp, intset_get(is, 0));
    size_t b = (size_t)ll_to_str(tmp, intset_get(is, n - 1));
    return a > b ? a : b;
}

/* An empty set of the encoding a first member `p` calls for. */
static struct sobj sobj_new_for(const struct config *cfg, const char *p, size_t len) {
    long long v;
    if (str_to_ll(p, len, &v)) return sobj_new_intset();
    if (lp_fits(cfg, 1, len)) return (struct sobj){ENC_LISTPACK, lp_new_oneway()};
    return (struct sobj){ENC_HT, ht_new()};
}

/* Add a member; 1 if it was new. Converts the encoding as thresholds
 * require. */
static int sobj_add(struct sobj *s, const struct config *cfg, const char *p, size_t len) {
    if (s->enc == ENC_INTSET) {
        long long v;
        if (str_to_ll(p, len, &v)) {
            int added;
            s->p = intset_add(s->p, v, &added);
            if (added && intset_len(s->p) > max_intset_entries(cfg)) sobj_convert(s, ENC_HT);
            return added;
        }
        size_t n = intset_len(s->p) + 1, ml = intset_maxlen(s->p);
        sobj_convert(s, lp_fits(cfg, n, len > ml ? len : ml) ? ENC_LISTPACK : ENC_HT);
        /* not an integer, so not a member: fall through to add it */
    }
    if (s->enc == ENC_LISTPACK) {
        if (lp_find(s->p, lp_first(s->p), p, len, 1) != LP_NONE) return 0;
        if (lp_fits(cfg, lp_count(s->p) + 1, len)) {
            s->p = lp_append(s->p, p, len);
            return 1;
        }
        sobj_convert(s, ENC_HT);
        hmap_add(s->p, &smember_new(p, len)->node);
        return 1;
    }
    if (hmap_find(s->p, p, len)) return 0;
    hmap_add(s->p, &smember_new(p, len)->node);
    return 1;
}

static int sobj_add_elem(struct sobj *s, const struct config *cfg, const struct elem *e) {
    if (s->enc == ENC_INTSET && e->is_int) {
        int added;
        s->p = intset_add(s->p, e->v, &added);
        if (added && intset_len(s->p) > max_intset_entries(cfg)) sobj_convert(s, ENC_HT);
        return added;
    }
    return sobj_add(s, cfg, e->s, e->len);
}

/* Remove a member; 1 if it was there. */
static int sobj_rem(struct sobj *s, const char *p, size_t len) {
    switch (s->enc) {
    case ENC_INTSET: {
        long long v;
        int removed = 0;
        if (str_to_ll(p, len, &v)) s->p = intset_remove(s->p, v, &removed);
        return removed;
    }
    case ENC_LISTPACK: {
        size_t pos = lp_find(s->p, lp_first(s->p), p, len, 1);
        if (pos == LP_NONE) return 0;
        s->p = lp_delete(s->p, pos, 1);
        return 1;
    }
    default: {
        struct hmap_node *n = hmap_remove(s->p, p, len);
        if (!n) return 0;
        free(n);
        hmap_maybe_shrink(s->p);
        return 1;
    }
    }
}

static int sobj_rem_elem(struct sobj *s, const struct elem *e) {
    if (s->enc == ENC_INTSET && e->is_int) {
        int removed;
        s->p = intset_remove(s->p, e->v, &removed);
        return removed;
    }
    return sobj_rem(s, e->s, e->len);
}

/* ---- type_ops ---- */

static const char *set_encoding(int enc) {
    switch (enc) {
    case ENC_INTSET: return "intset";
    case ENC_LISTPACK: return "listpack";
    default: return "hashtable";
    }
}

static void set_free(void *v, int enc) {
    struct sobj s = {enc, v};
    sobj_free(&s);
}

static void *set_dup(const void *v, int enc) {
    switch (enc) {
    case ENC_INTSET: return intset_dup(v);
    case ENC_LISTPACK: return lp_dup(v);
    default: {
        struct sobj s = {enc, (void *)v};
        return ht_from(&s);
    }
    }
}

static void add_node_bytes(void *ctx, struct hmap_node *n) {
    size_t len;
    smember_key(n, &len);
    *(size_t *)ctx += sizeof(struct smember) + varint_len(len) + len;
}

static size_t set_mem_usage(const void *v, int enc) {
    switch (enc) {
    case ENC_INTSET: return intset_bytes(v);
    case ENC_LISTPACK: return lp_bytes(v);
    default: {
        size_t n = sizeof(struct hmap) + hmap_bucket_bytes(v);
        hmap_each((struct hmap *)v, add_node_bytes, &n);
        return n;
    }
    }
}

/* Image: enc u8, then intset: its bytes; listpack: its bytes; hashtable:
 * varint count, then varint length + bytes per member. */
static void set_serialize(const void *v, int enc, struct buf *b) {
    buf_putc(b, (char)enc);
    switch (enc) {
    case ENC_INTSET: buf_put(b, v, intset_bytes(v)); break;
    case ENC_LISTPACK: buf_put(b, v, lp_bytes(v)); break;
    default: {
        struct sobj s = {enc, (void *)v};
        struct set_it it;
        struct elem e;
        unsigned char vb[10];
        buf_put(b, vb, varint_put(vb, hmap_count(v)));
        set_it_init(&it, &s);
        while (set_it_next(&it, &e)) {
            buf_put(b, vb, varint_put(vb, e.len));
            buf_put(b, e.s, e.len);
        }
        break;
    }
    }
}

/* Read a varint within [*p, end); 0 if truncated. */
static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v) {
    uint64_t r = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char c = *(*p)++;
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 1;
        }
    }
    return 0;
}

static void *set_deserialize(const char *p, size_t len, int *enc) {
    if (len < 1) return NULL;
    *enc = (unsigned char)p[0];
    p++;
    len--;
    switch (*enc) {
    case ENC_INTSET: return intset_load(p, len);
    case ENC_LISTPACK: return lp_load(p, len);
    case ENC_HT: {
        const unsigned char *q = (const unsigned char *)p, *end = q + len;
        uint64_t n, l;
        if (!get_varint(&q, end, &n)) return NULL;
        struct hmap *h = ht_new();
        for (uint64_t i = 0; i < n; i++) {
            if (!get_varint(&q, end, &l) || l > (uint64_t)(end - q) ||
                hmap_find(h, (const char *)q, l)) {
                ht_free(h);
                return NULL;
            }
            hmap_add(h, &smember_new((const char *)q, l)->node);
            q += l;
        }
        if (q != end) {
            ht_free(h);
            return NULL;
        }
        return h;
    }
    default: return NULL;
    }
}

/* One allocation per member for a hashtable, else a single block. */
static size_t set_cost(const void *v, int enc) { return enc == ENC_HT ? hmap_count(v) : 1; }

static const struct type_ops set_ops = {
    .name = "set",
    .encoding = set_encoding,
    .free = set_free,
    .dup = set_dup,
    .mem_usage = set_mem_usage,
    .serialize = set_serialize,
    .deserialize = set_deserialize,
    .cost = set_cost,
};

__attribute__((constructor)) static void register_set(void) { type_register(OBJ_SET, &set_ops); }

/* ---- helpers for handlers ---- */

static inline const struct config *cfg_of(struct client *c) { return &c->sh->cfg; }

static inline void reply_elem(struct client *c, const struct elem *e) { reply_bulk(c->out, e->s, e->len); }

/* Reply every member of s, in iteration order, after a header written by
 * the caller. */
static void reply_members(struct client *c, const struct sobj *s) {
    struct set_it it;
    struct elem e;
    set_it_init(&it, s);
    while (set_it_next(&it, &e)) reply_elem(c, &e);
}

/* Store s (non-empty) under key as a fresh value with no TTL. */
static void store_set(struct client *c, const struct arg *key, struct sobj *s) {
    db_set(c->db, kv_new_ptr(key->p, key->len, OBJ_SET, s->enc, s->p, -1));
    s->p = NULL;
}

/* ---- SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS ---- */

void sadd_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    const struct config *cfg = cfg_of(c);
    struct sobj s;
    if (!o) {
        s = sobj_new_for(cfg, c->argv[2].p, c->argv[2].len);
        o = kv_new_ptr(c->argv[1].p, c->argv[1].len, OBJ_SET, s.enc, s.p, -1);
        db_add_new(c->db, o);
    }
    s = sobj_of(o);
    long long added = 0;
    for (int j = 2; j < c->argc; j++) added += sobj_add(&s, cfg, c->argv[j].p, c->argv[j].len);
    sobj_store(o, &s);
    if (added) NOTIFY(c, NOTIFY_SET, "sadd", &c->argv[1]);
    reply_int(c->out, added);
}

void srem_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    struct sobj s = sobj_of(o);
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        if (sobj_rem(&s, c->argv[j].p, c->argv[j].len)) {
            deleted++;
            if (sobj_card(&s) == 0) break;
        }
    }
    sobj_store(o, &s);
    if (deleted) NOTIFY(c, NOTIFY_SET, "srem", &c->argv[1]);
    if (sobj_card(&s) == 0 && db_delete(c->db, c->argv[1].p, c->argv[1].len))
        NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[1]);
    reply_int(c->out, deleted);
}

void scard_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    reply_int(c->out, o ? (long long)set_card(o) : 0);
}

void sismember_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    struct sobj s;
    if (o) s = sobj_of(o);
    reply_int(c->out, o && sobj_has(&s, c->argv[2].p, c->argv[2].len));
}

void smismember_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    struct sobj s;
    if (o) s = sobj_of(o);
    reply_array(c->out, c->argc - 2);
    for (int j = 2; j < c->argc; j++) reply_int(c->out, o && sobj_has(&s, c->argv[j].p, c->argv[j].len));
}

void smembers_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    if (!o) {
        reply_set(c->out, c->resp, 0);
        return;
    }
    struct sobj s = sobj_of(o);
    reply_set(c->out, c->resp, (long long)sobj_card(&s));
    reply_members(c, &s);
}

/* ---- SMOVE ---- */

void smove_command(struct client *c) {
    const struct arg *src = &c->argv[1], *dst = &c->argv[2], *m = &c->argv[3];
    struct kv *so = db_find(c->db, src->p, src->len, 1);
    struct kv *dobj = db_find(c->db, dst->p, dst->len, 1);
    if (!so) {
        reply_int(c->out, 0);
        return;
    }
    if (kv_type(so) != OBJ_SET || (dobj && kv_type(dobj) != OBJ_SET)) {
        reply_err(c, ERR_WRONGTYPE);
        return;
    }
    struct sobj s = sobj_of(so);
    if (src->len == dst->len && !memcmp(src->p, dst->p, src->len)) {
        reply_int(c->out, sobj_has(&s, m->p, m->len));
        return;
    }
    if (!sobj_rem(&s, m->p, m->len)) {
        reply_int(c->out, 0);
        return;
    }
    sobj_store(so, &s);
    NOTIFY(c, NOTIFY_SET, "srem", src);
    if (sobj_card(&s) == 0 && db_delete(c->db, src->p, src->len)) NOTIFY(c, NOTIFY_GENERIC, "del", src);
    const struct config *cfg = cfg_of(c);
    struct sobj d;
    if (!dobj) {
        d = sobj_new_for(cfg, m->p, m->len);
        dobj = kv_new_ptr(dst->p, dst->len, OBJ_SET, d.enc, d.p, -1);
        db_add_new(c->db, dobj);
    }
    d = sobj_of(dobj);
    if (sobj_add(&d, cfg, m->p, m->len)) NOTIFY(c, NOTIFY_SET, "sadd", dst);
    sobj_store(dobj, &d);
    reply_int(c->out, 1);
}

/* ---- SRANDMEMBER SPOP ---- */

#define SRANDMEMBER_SUB_STRATEGY_MUL 3
#define SPOP_MOVE_STRATEGY_MUL 5

/* A copy of every member's text, for picking without repetition. */
struct elem_copy {
    char *s;
    size_t len;
};

static struct elem_copy *copy_members(const struct sobj *s, size_t *n) {
    size_t card = sobj_card(s), i = 0;
    struct elem_copy *a = xmalloc(sizeof(*a) * (card ? card : 1));
    struct set_it it;
    struct elem e;
    set_it_init(&it, s);
    while (set_it_next(&it, &e)) {
        a[i].s = xmalloc(e.len ? e.len : 1);
        memcpy(a[i].s, e.s, e.len);
        a[i].len = e.len;
        i++;
    }
    *n = i;
    return a;
}

static void free_copies(struct elem_copy *a, size_t n) {
    for (size_t i = 0; i < n; i++) free(a[i].s);
    free(a);
}

static void srandmember_count(struct client *c) {
    long long l;
    if (!arg_ll(c, &c->argv[2], &l)) return;
    if (l < -LLONG_MAX) {
        reply_errf(c, "ERR value is out of range, value must between %lld and %lld", -LLONG_MAX,
                   LLONG_MAX);
        return;
    }
    int uniq = l >= 0;
    unsigned long long count = (unsigned long long)(l >= 0 ? l : -l);
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    if (!o || count == 0) {
        reply_array(c->out, 0);
        return;
    }
    struct sobj s = sobj_of(o);
    size_t size = sobj_card(&s);
    struct elem e;
    /* negative count: samples with repetition, in random order */
    if (!uniq || count == 1) {
        reply_array(c->out, (long long)count);
        while (count--) {
            sobj_random(&s, &e);
            reply_elem(c, &e);
        }
        return;
    }
    if (count >= size) {
        reply_array(c->out, (long long)size);
        reply_members(c, &s);
        return;
    }
    reply_array(c->out, (long long)count);
    if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
        /* pick `count` of all members by a partial shuffle */
        size_t n;
        struct elem_copy *a = copy_members(&s, &n);
        for (size_t i = 0; i < count; i++) {
            size_t j = i + (size_t)(rnd() % (n - i));
            struct elem_copy t = a[i];
            a[i] = a[j];
            a[j] = t;
            reply_bulk(c->out, a[i].s, a[i].len);
        }
        free_copies(a, n);
        return;
    }
    /* a big set: random picks, repeats skipped */
    struct hmap seen;
    hmap_init(&seen, &set_hmap_type);
    while (hmap_count(&seen) < count) {
        sobj_random(&s, &e);
        if (hmap_find(&seen, e.s, e.len)) continue;
        hmap_add(&seen, &smember_new(e.s, e.len)->node);
        reply_elem(c, &e);
    }
    hmap_clear(&seen);
}

void srandmember_command(struct client *c) {
    if (c->argc == 3) {
        srandmember_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    struct sobj s = sobj_of(o);
    struct elem e;
    sobj_random(&s, &e);
    reply_elem(c, &e);
}

static void spop_count(struct client *c) {
    long long l;
    /* Redis 7.0 gives the same error for a non-integer */
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &l) || l < 0) {
        reply_err(c, "ERR value is out of range, must be positive");
        return;
    }
    unsigned long long count = (unsigned long long)l;
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    if (!o || count == 0) {
        reply_set(c->out, c->resp, 0);
        return;
    }
    struct sobj s = sobj_of(o);
    size_t size = sobj_card(&s);
    const struct config *cfg = cfg_of(c);
    struct elem e;
    NOTIFY(c, NOTIFY_SET, "spop", &c->argv[1]);
    if (count >= size) {
        /* the whole set, as Redis's SUNION of it would list it */
        struct sobj u = sobj_new_intset();
        struct set_it it;
        set_it_init(&it, &s);
        while (set_it_next(&it, &e)) sobj_add_elem(&u, cfg, &e);
        reply_set(c->out, c->resp, (long long)size);
        reply_members(c, &u);
        sobj_free(&u);
        db_delete(c->db, c->argv[1].p, c->argv[1].len);
        NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[1]);
        return;
    }
    reply_set(c->out, c->resp, (long long)count);
    unsigned long long remaining = size - count;
    if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
        while (count--) {
            sobj_random(&s, &e);
            reply_elem(c, &e);
            if (e.s != e.buf) {
                /* e points into the set: copy before removing */
                char small[64];
                char *tmp = e.len <= sizeof(small) ? small : xmalloc(e.len);
                memcpy(tmp, e.s, e.len);
                sobj_rem(&s, tmp, e.len);
                if (tmp != small) free(tmp);
            } else {
                sobj_rem_elem(&s, &e);
            }
        }
        sobj_store(o, &s);
        return;
    }
    /* most members go: move the ones that stay to a new set, reply the rest */
    struct sobj keep = {-1, NULL};
    while (remaining--) {
        sobj_random(&s, &e);
        struct elem k = e;
        char small[64];
        char *tmp = NULL;
        if (e.s != e.buf) {
            tmp = e.len <= sizeof(small) ? small : xmalloc(e.len);
            memcpy(tmp, e.s, e.len);
            k.s = tmp;
        } else {
            k.s = k.buf;
        }
        if (keep.enc < 0) keep = sobj_new_for(cfg, k.s, k.len);
        sobj_add_elem(&keep, cfg, &k);
        sobj_rem_elem(&s, &k);
        if (tmp && tmp != small) free(tmp);
    }
    reply_members(c, &s);
    sobj_free(&s);
    sobj_store(o, &keep);
}

void spop_command(struct client *c) {
    if (c->argc == 3) {
        spop_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    struct sobj s = sobj_of(o);
    struct elem e;
    sobj_random(&s, &e);
    NOTIFY(c, NOTIFY_SET, "spop", &c->argv[1]);
    reply_elem(c, &e);
    if (e.s != e.buf) {
        char small[64];
        char *tmp = e.len <= sizeof(small) ? small : xmalloc(e.len);
        memcpy(tmp, e.s, e.len);
        sobj_rem(&s, tmp, e.len);
        if (tmp != small) free(tmp);
    } else {
        sobj_rem_elem(&s, &e);
    }
    sobj_store(o, &s);
    if (sobj_card(&s) == 0 && db_delete(c->db, c->argv[1].p, c->argv[1].len))
        NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[1]);
}

/* ---- SINTER SINTERCARD SINTERSTORE ---- */

/* Look up n keys as sets: a missing key gives a NULL entry. Replies
 * WRONGTYPE and returns 0 if any key holds another type. */
static int lookup_sets(struct client *c, const struct arg *keys, int n, struct kv **sets) {
    int wrong = 0;
    for (int j = 0; j < n; j++) {
        sets[j] = db_find(c->db, keys[j].p, keys[j].len, 1);
        if (sets[j] && kv_type(sets[j]) != OBJ_SET) wrong = 1;
    }
    if (wrong) reply_err(c, ERR_WRONGTYPE);
    return !wrong;
}

static int by_card(const void *a, const void *b) {
    size_t x = set_card(*(struct kv *const *)a), y = set_card(*(struct kv *const *)b);
    return x > y ? 1 : x < y ? -1 : 0;
}

/* mode: 0 reply the members, 1 reply the count (SINTERCARD, up to limit if
 * not 0), 2 store into dst. */
static void sinter_generic(struct client *c, const struct arg *keys, int n, const struct arg *dst,
                           int mode, unsigned long long limit) {
    struct kv *small_sets[16];
    struct kv **sets = n <= 16 ? small_sets : xmalloc(sizeof(*sets) * (size_t)n);
    if (!lookup_sets(c, keys, n, sets)) goto done;
    int empty = 0;
    for (int j = 0; j < n; j++) empty |= sets[j] == NULL;
    if (empty) {
        if (mode == 2) {
            if (db_delete(c->db, dst->p, dst->len)) NOTIFY(c, NOTIFY_GENERIC, "del", dst);
            reply_int(c->out, 0);
        } else if (mode == 1) {
            reply_int(c->out, 0);
        } else {
            reply_set(c->out, c->resp, 0);
        }
        goto done;
    }
    qsort(sets, (size_t)n, sizeof(*sets), by_card);
    struct sobj first = sobj_of(sets[0]);
    struct sobj dset = {ENC_INTSET, NULL};
    struct buf tmp = {0};
    struct buf *saved = c->out;
    if (mode == 2) dset = sobj_new_intset();
    else if (mode == 0) c->out = &tmp; /* members first, then the header */
    unsigned long long card = 0;
    struct set_it it;
    struct elem e;
    set_it_init(&it, &first);
    while (set_it_next(&it, &e)) {
        int j;
        for (j = 1; j < n; j++) {
            if (sets[j] == sets[0]) continue;
            struct sobj sj = sobj_of(sets[j]);
            if (!sobj_has_elem(&sj, &e)) break;
        }
        if (j < n) continue;
        card++;
        if (mode == 1) {
            if (limit && card >= limit) break;
        } else if (mode == 0) {
            reply_elem(c, &e);
        } else {
            sobj_add_elem(&dset, cfg_of(c), &e);
        }
    }
    if (mode == 1) {
        reply_int(c->out, (long long)card);
    } else if (mode == 0) {
        c->out = saved;
        reply_set(c->out, c->resp, (long long)card);
        buf_put(c->out, tmp.p, tmp.len);
        buf_free(&tmp);
    } else if (sobj_card(&dset) > 0) {
        size_t k = sobj_card(&dset);
        store_set(c, dst, &dset);
        reply_int(c->out, (long long)k);
        NOTIFY(c, NOTIFY_SET, "sinterstore", dst);
    } else {
        sobj_free(&dset);
        if (db_delete(c->db, dst->p, dst->len)) NOTIFY(c, NOTIFY_GENERIC, "del", dst);
        reply_int(c->out, 0);
    }
done:
    if (sets != small_sets) free(sets);
}

void sinter_command(struct client *c) { sinter_generic(c, c->argv + 1, c->argc - 1, NULL, 0, 0); }

void sinterstore_command(struct client *c) {
    sinter_generic(c, c->argv + 2, c->argc - 2, &c->argv[1], 2, 0);
}

void sintercard_command(struct client *c) {
    long long numkeys, limit = 0;
    if (!str_to_ll(c->argv[1].p, c->argv[1].len, &numkeys) || numkeys < 1) {
        reply_err(c, "ERR numkeys should be greater than 0");
        return;
    }
    if (numkeys > c->argc - 2) {
        reply_err(c, "ERR Number of keys can't be greater than number of args");
        return;
    }
    for (int j = 2 + (int)numkeys; j < c->argc; j++) {
        if (ARG_IS(c->argv[j], "limit") && j + 1 < c->argc) {
            j++;
            if (!str_to_ll(c->argv[j].p, c->argv[j].len, &limit) || limit < 0) {
                reply_err(c, "ERR LIMIT can't be negative");
                return;
            }
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    sinter_generic(c, c->argv + 2, (int)numkeys, NULL, 1, (unsigned long long)limit);
}

/* SINTERCARD numkeys key [key ...] [LIMIT n]: the keys, or none when
 * numkeys is bad (the handler then replies the error). */
int sintercard_keys(const struct arg *argv, int argc, int *pos, int max) {
    long long numkeys;
    if (argc < 3 || !str_to_ll(argv[1].p, argv[1].len, &numkeys) || numkeys < 1 ||
        numkeys > argc - 2)
        return 0;
    int n = 0;
    for (int i = 2; i < 2 + numkeys && n < max; i++) pos[n++] = i;
    return n;
}

/* ---- SUNION SDIFF and their STORE forms ---- */

static int by_card_desc(const void *a, const void *b) {
    const struct kv *x = *(struct kv *const *)a, *y = *(struct kv *const *)b;
    size_t cx = x ? set_card(x) : 0, cy = y ? set_card(y) : 0;
    return cx < cy ? 1 : cx > cy ? -1 : 0;
}

enum { SET_UNION, SET_DIFF };

static void sunion_diff_generic(struct client *c, const struct arg *keys, int n,
                                const struct arg *dst, int op) {
    struct kv *small_sets[16];
    struct kv **sets = n <= 16 ? small_sets : xmalloc(sizeof(*sets) * (size_t)n);
    if (!lookup_sets(c, keys, n, sets)) goto done;
    const struct config *cfg = cfg_of(c);
    int algo = 1;
    if (op == SET_DIFF && sets[0]) {
        long long one = 0, two = 0;
        for (int j = 0; j < n; j++) {
            if (!sets[j]) continue;
            one += (long long)set_card(sets[0]);
            two += (long long)set_card(sets[j]);
        }
        one /= 2;
        algo = one <= two ? 1 : 2;
        if (algo == 1 && n > 1) qsort(sets + 1, (size_t)n - 1, sizeof(*sets), by_card_desc);
    }
    struct sobj r = sobj_new_intset();
    struct set_it it;
    struct elem e;
    if (op == SET_UNION) {
        for (int j = 0; j < n; j++) {
            if (!sets[j]) continue;
            struct sobj sj = sobj_of(sets[j]);
            set_it_init(&it, &sj);
            while (set_it_next(&it, &e)) sobj_add_elem(&r, cfg, &e);
        }
    } else if (sets[0] && algo == 1) {
        struct sobj s0 = sobj_of(sets[0]);
        set_it_init(&it, &s0);
        while (set_it_next(&it, &e)) {
            int j;
            for (j = 1; j < n; j++) {
                if (!sets[j]) continue;
                if (sets[j] == sets[0]) break;
                struct sobj sj = sobj_of(sets[j]);
                if (sobj_has_elem(&sj, &e)) break;
            }
            if (j == n) sobj_add_elem(&r, cfg, &e);
        }
    } else if (sets[0]) {
        for (int j = 0; j < n; j++) {
            if (!sets[j]) continue;
            struct sobj sj = sobj_of(sets[j]);
            set_it_init(&it, &sj);
            while (set_it_next(&it, &e)) {
                if (j == 0) sobj_add_elem(&r, cfg, &e);
                else sobj_rem_elem(&r, &e);
            }
            if (sobj_card(&r) == 0) break;
        }
    }
    size_t card = sobj_card(&r);
    if (!dst) {
        reply_set(c->out, c->resp, (long long)card);
        reply_members(c, &r);
        sobj_free(&r);
    } else if (card > 0) {
        store_set(c, dst, &r);
        reply_int(c->out, (long long)card);
        NOTIFY(c, NOTIFY_SET, op == SET_UNION ? "sunionstore" : "sdiffstore", dst);
    } else {
        sobj_free(&r);
        if (db_delete(c->db, dst->p, dst->len)) NOTIFY(c, NOTIFY_GENERIC, "del", dst);
        reply_int(c->out, 0);
    }
done:
    if (sets != small_sets) free(sets);
}

void sunion_command(struct client *c) { sunion_diff_generic(c, c->argv + 1, c->argc - 1, NULL, SET_UNION); }
void sdiff_command(struct client *c) { sunion_diff_generic(c, c->argv + 1, c->argc - 1, NULL, SET_DIFF); }

void sunionstore_command(struct client *c) {
    sunion_diff_generic(c, c->argv + 2, c->argc - 2, &c->argv[1], SET_UNION);
}

void sdiffstore_command(struct client *c) {
    sunion_diff_generic(c, c->argv + 2, c->argc - 2, &c->argv[1], SET_DIFF);
}

/* ---- SSCAN ---- */

/* Redis's parseScanCursorOrReply: strtoul, so "+1" and "-1" are accepted
 * (the latter wraps), leading spaces and trailing junk are not. */
static int parse_scan_cursor(const struct arg *a, unsigned long long *out) {
    char tmp[64];
    if (a->len >= sizeof(tmp)) return 0;
    memcpy(tmp, a->p, a->len);
    tmp[a->len] = '\0';
    if (a->len && (tmp[0] == ' ' || (tmp[0] >= '\t' && tmp[0] <= '\r'))) return 0;
    char *end;
    errno = 0;
    *out = strtoull(tmp, &end, 10);
    return !(*end || errno == ERANGE);
}

struct scan_acc {
    struct buf items;
    long long n;    /* members replied */
    long long seen; /* members visited, before MATCH (what COUNT bounds) */
    const struct arg *pat;
};

static void scan_take(struct scan_acc *k, const char *s, size_t len) {
    k->seen++;
    if (k->pat && !glob_match(k->pat->p, k->pat->len, s, len, 0)) return;
    reply_bulk(&k->items, s, len);
    k->n++;
}

static void scan_node(void *ctx, struct hmap_node *n) {
    size_t len;
    const char *s = smember_key(n, &len);
    scan_take(ctx, s, len);
}

void sscan_command(struct client *c) {
    unsigned long long cursor;
    if (!parse_scan_cursor(&c->argv[2], &cursor)) {
        reply_err(c, "ERR invalid cursor");
        return;
    }
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_SET, &bad);
    if (bad) return;
    if (!o) {
        reply_array(c->out, 2);
        reply_bulk(c->out, "0", 1);
        reply_array(c->out, 0);
        return;
    }
    long long count = 10;
    struct scan_acc k = {.pat = NULL};
    for (int j = 3; j < c->argc; j++) {
        int more = j + 1 < c->argc;
        if (ARG_IS(c->argv[j], "count") && more) {
            if (!arg_ll(c, &c->argv[++j], &count)) return;
            if (count < 1) {
                reply_err(c, ERR_SYNTAX);
                return;
            }
        } else if (ARG_IS(c->argv[j], "match") && more) {
            k.pat = &c->argv[++j];
            if (k.pat->len == 1 && k.pat->p[0] == '*') k.pat = NULL;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    struct sobj s = sobj_of(o);
    if (s.enc == ENC_HT) {
        long long maxiter = count * 10;
        do {
            cursor = hmap_scan(s.p, cursor, scan_node, &k);
        } while (cursor && maxiter-- && k.seen < count);
    } else {
        struct set_it it;
        struct elem e;
        set_it_init(&it, &s);
        while (set_it_next(&it, &e)) scan_take(&k, e.s, e.len);
        cursor = 0;
    }
    char cb[24];
    reply_array(c->out, 2);
    reply_bulk(c->out, cb, (size_t)ull_to_str(cb, cursor));
    reply_array(c->out, k.n);
    buf_put(c->out, k.items.p, k.items.len);
    buf_free(&k.items);
}

void set_foreach_member(const struct kv *o, void (*fn)(void *ctx, const char *p, size_t len), void *ctx) {
    struct sobj s = sobj_of(o);
    struct set_it it;
    struct elem e;
    set_it_init(&it, &s);
    while (set_it_next(&it, &e)) fn(ctx, e.s, e.len);
}

/* ---- typeio.h ---- */

struct kv *set_build(struct client *c, const struct arg *key, const struct arg *el, size_t n) {
    const struct config *cfg = cfg_of(c);
    struct sobj s = n ? sobj_new_for(cfg, el[0].p, el[0].len) : sobj_new_intset();
    struct kv *o = kv_new_ptr(key->p, key->len, OBJ_SET, s.enc, s.p, -1);
    for (size_t i = 0; i < n; i++) {
        int added = sobj_add(&s, cfg, el[i].p, el[i].len);
        sobj_store(o, &s);
        if (!added) {
            kv_free(o);
            return NULL;
        }
    }
    return o;
}
