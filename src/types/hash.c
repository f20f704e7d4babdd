/*
 * hash.c - the hash type: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN
 * HEXISTS HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, and the
 * type_ops that let the keyspace copy, move, measure and free hashes.
 *
 * Two encodings, as in Redis 7.0:
 *   ENC_LISTPACK  field, value, field, value ... in one listpack, while the
 *                 hash has at most hash-max-listpack-entries fields and no
 *                 field or value longer than hash-max-listpack-value bytes;
 *   ENC_HT        a struct hht: an hmap of struct hfield entries, each one
 *                 allocation holding the chain pointer, the two lengths as
 *                 varints and the field and value bytes back to back.
 * A hash goes from listpack to hashtable when a write crosses a threshold and
 * never back (Redis 7.0 converts down only when it rewrites a whole key).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../db/hmap.h"
#include "../db/listpack.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "typeio.h"
#include "../util/glob.h"

/* Redis's lpSafeToAdd limit: a listpack never grows past 1 GB. */
#define LP_SAFETY_SIZE (1u << 30)

/* ---- the hashtable encoding ---- */

struct hfield {
    struct hmap_node node;
    unsigned char data[]; /* varint flen | varint vlen | field | value */
};

struct hht {
    struct hmap map;
    size_t bytes; /* sum of the entries' allocation sizes */
};

static inline const char *hf_field(const struct hfield *e, size_t *flen, const char **v,
                                   size_t *vlen) {
    uint64_t fl, vl;
    size_t n = varint_get(e->data, &fl);
    n += varint_get(e->data + n, &vl);
    *flen = (size_t)fl;
    if (v) {
        *v = (const char *)e->data + n + fl;
        *vlen = (size_t)vl;
    }
    return (const char *)e->data + n;
}

static const char *hf_key_of(const struct hmap_node *n, size_t *len) {
    return hf_field((const struct hfield *)n, len, NULL, NULL);
}

static void hf_free(struct hmap_node *n) { free(n); }

static const struct hmap_type hf_type = {hf_key_of, hf_free};

static size_t hf_size(size_t flen, size_t vlen) {
    return sizeof(struct hfield) + varint_len(flen) + varint_len(vlen) + flen + vlen;
}

static struct hfield *hf_new(const char *f, size_t flen, const char *v, size_t vlen) {
    struct hfield *e = malloc(hf_size(flen, vlen));
    if (!e) abort();
    e->node.next = NULL;
    size_t n = varint_put(e->data, flen);
    n += varint_put(e->data + n, vlen);
    memcpy(e->data + n, f, flen);
    if (vlen) memcpy(e->data + n + flen, v, vlen);
    return e;
}

static struct hht *hht_new(void) {
    struct hht *h = malloc(sizeof(*h));
    if (!h) abort();
    hmap_init(&h->map, &hf_type);
    h->bytes = 0;
    return h;
}

static void hht_free(struct hht *h) {
    hmap_clear(&h->map);
    free(h);
}

/* Set field to value; returns 1 if the field is new. */
static int hht_set(struct hht *h, const char *f, size_t flen, const char *v, size_t vlen) {
    struct hfield *old = (struct hfield *)hmap_find(&h->map, f, flen);
    int added = old == NULL;
    if (old) {
        size_t ofl, ovl;
        const char *ov;
        hf_field(old, &ofl, &ov, &ovl);
        if (ovl == vlen) { /* same size: overwrite in place */
            memcpy((char *)ov, v, vlen);
            return 0;
        }
        hmap_remove(&h->map, f, flen);
        h->bytes -= hf_size(ofl, ovl);
        free(old);
    }
    hmap_add(&h->map, &hf_new(f, flen, v, vlen)->node);
    h->bytes += hf_size(flen, vlen);
    return added;
}

static int hht_del(struct hht *h, const char *f, size_t flen) {
    struct hfield *e = (struct hfield *)hmap_remove(&h->map, f, flen);
    if (!e) return 0;
    size_t fl, vl;
    const char *v;
    hf_field(e, &fl, &v, &vl);
    h->bytes -= hf_size(fl, vl);
    free(e);
    return 1;
}

/* ---- encoding-independent access ---- */

/* One field/value pair as strings; integers in a listpack are formatted into
 * the caller's scratch space. */
struct hpair {
    const char *f, *v;
    size_t flen, vlen;
    char fbuf[24], vbuf[24];
};

static size_t hash_len(const struct kv *o) {
    if (kv_enc(o) == ENC_LISTPACK) return lp_count(kv_ptr(o)) / 2;
    return hmap_count(&((struct hht *)kv_ptr(o))->map);
}

/* Look field up; returns 1 and fills p->v/p->vlen if present. */
static int hash_get(struct kv *o, const char *f, size_t flen, struct hpair *p) {
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        size_t pos = lp_find(lp, lp_first(lp), f, flen, 2);
        if (pos == LP_NONE) return 0;
        struct lp_entry e;
        lp_get(lp, lp_next(lp, pos), &e, p->vbuf);
        p->v = e.s;
        p->vlen = e.len;
        return 1;
    }
    struct hfield *e = (struct hfield *)hmap_find(&((struct hht *)kv_ptr(o))->map, f, flen);
    if (!e) return 0;
    hf_field(e, &p->flen, &p->v, &p->vlen);
    return 1;
}

/* For other families (SORT ... BY/GET key->field): the value of field f in
 * the hash o. Integers of a listpack are formatted into buf (>= 24 bytes);
 * *v points into o or buf and is valid until o changes. Returns 1 if found. */
int hash_field_value(struct kv *o, const char *f, size_t flen, const char **v, size_t *vlen,
                     char *buf) {
    struct hpair p;
    if (!hash_get(o, f, flen, &p)) return 0;
    if (p.v == p.vbuf) {
        memcpy(buf, p.vbuf, p.vlen);
        p.v = buf;
    }
    *v = p.v;
    *vlen = p.vlen;
    return 1;
}

/* Call fn on every pair (fn must not change the hash). */
typedef void (*pair_fn)(void *ctx, const char *f, size_t flen, const char *v, size_t vlen);

struct each_ctx {
    pair_fn fn;
    void *ctx;
};

static void each_ht(void *ctx, struct hmap_node *n) {
    struct each_ctx *ec = ctx;
    size_t fl, vl;
    const char *v;
    const char *f = hf_field((struct hfield *)n, &fl, &v, &vl);
    ec->fn(ec->ctx, f, fl, v, vl);
}

static void hash_each(struct kv *o, pair_fn fn, void *ctx) {
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        char fb[24], vb[24];
        for (size_t pos = lp_first(lp); pos != LP_NONE;) {
            struct lp_entry fe, ve;
            lp_get(lp, pos, &fe, fb);
            pos = lp_next(lp, pos);
            lp_get(lp, pos, &ve, vb);
            pos = lp_next(lp, pos);
            fn(ctx, fe.s, fe.len, ve.s, ve.len);
        }
        return;
    }
    struct each_ctx ec = {fn, ctx};
    hmap_each(&((struct hht *)kv_ptr(o))->map, each_ht, &ec);
}

static void add_to_ht(void *ctx, const char *f, size_t flen, const char *v, size_t vlen) {
    struct hht *h = ctx;
    hmap_add(&h->map, &hf_new(f, flen, v, vlen)->node);
    h->bytes += hf_size(flen, vlen);
}

/* Convert a listpack hash to the hashtable encoding. */
static void hash_convert(struct kv *o) {
    if (kv_enc(o) != ENC_LISTPACK) return;
    struct hht *h = hht_new();
    hash_each(o, add_to_ht, h);
    lp_free(kv_ptr(o));
    kv_set_ptr(o, h);
    kv_set_enc(o, ENC_HT);
}

/* Redis's hashTypeTryConversion: before a write of argv[from..to], go to the
 * hashtable encoding if any of them is too long for the listpack. */
static void hash_try_convert(struct client *c, struct kv *o, int from, int to) {
    if (kv_enc(o) != ENC_LISTPACK) return;
    size_t sum = 0;
    for (int j = from; j <= to; j++) {
        if ((long long)c->argv[j].len > c->sh->cfg.hash_max_listpack_value) {
            hash_convert(o);
            return;
        }
        sum += c->argv[j].len;
    }
    if (lp_bytes(kv_ptr(o)) + sum > LP_SAFETY_SIZE) hash_convert(o);
}

/* Set field to value (Redis's hashTypeSet), converting the encoding when a
 * threshold is crossed. Returns 1 if the field is new. */
static int hash_set(struct client *c, struct kv *o, const char *f, size_t flen, const char *v,
                    size_t vlen) {
    const struct config *cfg = &c->sh->cfg;
    if (kv_enc(o) == ENC_LISTPACK &&
        ((long long)flen > cfg->hash_max_listpack_value ||
         (long long)vlen > cfg->hash_max_listpack_value))
        hash_convert(o);
    if (kv_enc(o) == ENC_HT) return hht_set(kv_ptr(o), f, flen, v, vlen);
    lp_t *lp = kv_ptr(o);
    size_t pos = lp_find(lp, lp_first(lp), f, flen, 2);
    if (pos != LP_NONE) {
        kv_set_ptr(o, lp_replace(lp, lp_next(lp, pos), v, vlen));
        return 0;
    }
    lp = lp_append(lp, f, flen);
    lp = lp_append(lp, v, vlen);
    kv_set_ptr(o, lp);
    if ((long long)(lp_count(lp) / 2) > cfg->hash_max_listpack_entries) hash_convert(o);
    return 1;
}

static int hash_del(struct kv *o, const char *f, size_t flen) {
    if (kv_enc(o) == ENC_HT) return hht_del(kv_ptr(o), f, flen);
    lp_t *lp = kv_ptr(o);
    size_t pos = lp_find(lp, lp_first(lp), f, flen, 2);
    if (pos == LP_NONE) return 0;
    kv_set_ptr(o, lp_delete(lp, pos, 2));
    return 1;
}

/* ---- type_ops ---- */

static const char *hash_encoding(int enc) { return enc == ENC_HT ? "hashtable" : "listpack"; }

static void hash_free(void *v, int enc) {
    if (enc == ENC_HT) hht_free(v);
    else lp_free(v);
}

static void dup_pair(void *ctx, struct hmap_node *n) {
    struct hht *h = ctx;
    size_t fl, vl;
    const char *v;
    const char *f = hf_field((struct hfield *)n, &fl, &v, &vl);
    add_to_ht(h, f, fl, v, vl);
}

static void *hash_dup(const void *v, int enc) {
    if (enc != ENC_HT) return lp_dup(v);
    struct hht *h = hht_new();
    hmap_each((struct hmap *)&((const struct hht *)v)->map, dup_pair, h);
    return h;
}

static size_t hash_mem_usage(const void *v, int enc) {
    if (enc != ENC_HT) return lp_bytes(v);
    const struct hht *h = v;
    return sizeof(*h) + hmap_bucket_bytes(&h->map) + h->bytes;
}

/* Image: enc u8, then for a listpack its bytes as they are, for a hashtable
 * count u64 | count x (varint flen | field | varint vlen | value). */
static void put_str(struct buf *b, const char *s, size_t len) {
    unsigned char hdr[10];
    buf_put(b, hdr, varint_put(hdr, len));
    buf_put(b, s, len);
}

static void ser_ht(void *ctx, struct hmap_node *n) {
    size_t fl, vl;
    const char *v;
    const char *f = hf_field((struct hfield *)n, &fl, &v, &vl);
    put_str(ctx, f, fl);
    put_str(ctx, v, vl);
}

static void hash_serialize(const void *v, int enc, struct buf *b) {
    buf_putc(b, (char)enc);
    if (enc != ENC_HT) {
        buf_put(b, v, lp_bytes(v));
        return;
    }
    struct hmap *m = (struct hmap *)&((const struct hht *)v)->map;
    uint64_t n = hmap_count(m);
    buf_put(b, &n, 8);
    hmap_each(m, ser_ht, b);
}

/* Read a varint-prefixed string at *p (bounded by end); 0 if malformed. */
static int get_str(const char **p, const char *end, const char **s, size_t *len) {
    uint64_t l = 0;
    int shift = 0;
    for (;;) {
        if (*p >= end || shift > 63) return 0;
        unsigned char b = (unsigned char)*(*p)++;
        l |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
    }
    if (l > (uint64_t)(end - *p)) return 0;
    *s = *p;
    *len = (size_t)l;
    *p += l;
    return 1;
}

/* A listpack from its image (see lp_load) holding field/value pairs. */
static lp_t *lp_from_image(const char *p, size_t len) {
    lp_t *lp = lp_load(p, len);
    if (lp && lp_count(lp) % 2) {
        lp_free(lp);
        return NULL;
    }
    return lp;
}

static void *hash_deserialize(const char *p, size_t len, int *enc) {
    const char *end = p + len;
    uint64_t n;
    if (len < 1 || (p[0] != ENC_HT && p[0] != ENC_LISTPACK)) return NULL;
    *enc = p[0];
    if (*enc == ENC_LISTPACK) return lp_from_image(p + 1, len - 1);
    if (len < 9) return NULL;
    memcpy(&n, p + 1, 8);
    p += 9;
    if (n > len) return NULL; /* every pair takes at least 2 bytes */
    struct hht *h = hht_new();
    for (uint64_t i = 0; i < n; i++) {
        const char *f, *v;
        size_t fl, vl;
        if (!get_str(&p, end, &f, &fl) || !get_str(&p, end, &v, &vl) ||
            hmap_find(&h->map, f, fl)) {
            hht_free(h);
            return NULL;
        }
        add_to_ht(h, f, fl, v, vl);
    }
    if (p != end) {
        hht_free(h);
        return NULL;
    }
    return h;
}

/* Freeing work: one allocation for a listpack, one per field otherwise. */
static size_t hash_cost(const void *v, int enc) {
    return enc == ENC_HT ? hmap_count(&((const struct hht *)v)->map) : 1;
}

static const struct type_ops hash_ops = {
    .name = "hash",
    .encoding = hash_encoding,
    .free = hash_free,
    .dup = hash_dup,
    .mem_usage = hash_mem_usage,
    .serialize = hash_serialize,
    .deserialize = hash_deserialize,
    .cost = hash_cost,
};

__attribute__((constructor)) static void register_hash(void) { type_register(OBJ_HASH, &hash_ops); }

/* ---- lookups ---- */

/* The hash at argv[1] for a write: like Redis's lookupKeyWrite it refreshes
 * the LRU/LFU stamp but counts no keyspace hit or miss. NULL if missing
 * (*bad = 0) or of another type (*bad = 1, WRONGTYPE sent). */
static struct kv *hash_find_write(struct client *c, int *bad) {
    const struct arg *key = &c->argv[1];
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    *bad = 0;
    if (!o) return NULL;
    if (kv_type(o) != OBJ_HASH) {
        reply_err(c, ERR_WRONGTYPE);
        *bad = 1;
        return NULL;
    }
    db_touch(c->db, o);
    return o;
}

/* The hash at argv[1] for a write, created empty (listpack) if missing.
 * NULL after replying WRONGTYPE. */
static struct kv *hash_lookup_write(struct client *c) {
    int bad;
    struct kv *o = hash_find_write(c, &bad);
    if (o || bad) return o;
    const struct arg *key = &c->argv[1];
    o = kv_new_ptr(key->p, key->len, OBJ_HASH, ENC_LISTPACK, lp_new_oneway(), -1);
    db_add_new(c->db, o);
    return o;
}

/* The hash at argv[1] for a read. NULL if missing (*bad = 0) or of another
 * type (*bad = 1, WRONGTYPE sent). */
static struct kv *hash_lookup_read(struct client *c, int *bad) {
    return lookup_typed(c, &c->argv[1], OBJ_HASH, bad);
}

static void delete_if_empty(struct client *c, struct kv *o) {
    if (hash_len(o) > 0) return;
    db_delete(c->db, c->argv[1].p, c->argv[1].len);
    NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[1]);
}

/* ---- writes ---- */

static void hset_generic(struct client *c, int is_hmset) {
    if (c->argc % 2 == 1) {
        reply_errf(c, "ERR wrong number of arguments for '%s' command", c->cmd->name);
        return;
    }
    struct kv *o = hash_lookup_write(c);
    if (!o) return;
    hash_try_convert(c, o, 2, c->argc - 1);
    long long created = 0;
    for (int j = 2; j < c->argc; j += 2)
        created += hash_set(c, o, c->argv[j].p, c->argv[j].len, c->argv[j + 1].p, c->argv[j + 1].len);
    if (is_hmset) reply_ok(c->out);
    else reply_int(c->out, created);
    NOTIFY(c, NOTIFY_HASH, "hset", &c->argv[1]);
}

void hset_command(struct client *c) { hset_generic(c, 0); }
void hmset_command(struct client *c) { hset_generic(c, 1); }

void hsetnx_command(struct client *c) {
    struct kv *o = hash_lookup_write(c);
    if (!o) return;
    struct hpair p;
    if (hash_get(o, c->argv[2].p, c->argv[2].len, &p)) {
        reply_int(c->out, 0);
        return;
    }
    hash_try_convert(c, o, 2, 3);
    hash_set(c, o, c->argv[2].p, c->argv[2].len, c->argv[3].p, c->argv[3].len);
    reply_int(c->out, 1);
    NOTIFY(c, NOTIFY_HASH, "hset", &c->argv[1]);
}

void hdel_command(struct client *c) {
    int bad;
    struct kv *o = hash_find_write(c, &bad);
    if (!o) {
        if (!bad) reply_int(c->out, 0);
        return;
    }
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        deleted += hash_del(o, c->argv[j].p, c->argv[j].len);
        if (hash_len(o) == 0) break;
    }
    if (deleted) NOTIFY(c, NOTIFY_HASH, "hdel", &c->argv[1]);
    delete_if_empty(c, o);
    reply_int(c->out, deleted);
}

void hincrby_command(struct client *c) {
    long long incr, value = 0;
    if (!arg_ll(c, &c->argv[3], &incr)) return;
    struct kv *o = hash_lookup_write(c);
    if (!o) return;
    const struct arg *f = &c->argv[2];
    struct hpair p;
    if (hash_get(o, f->p, f->len, &p) && !str_to_ll(p.v, p.vlen, &value)) {
        reply_err(c, "ERR hash value is not an integer");
        return;
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        reply_err(c, ERR_OVERFLOW);
        return;
    }
    value += incr;
    char buf[24];
    int n = ll_to_str(buf, value);
    hash_set(c, o, f->p, f->len, buf, (size_t)n);
    reply_int(c->out, value);
    NOTIFY(c, NOTIFY_HASH, "hincrby", &c->argv[1]);
}

void hincrbyfloat_command(struct client *c) {
    long double incr, value = 0;
    if (!str_to_ld(c->argv[3].p, c->argv[3].len, &incr)) {
        reply_err(c, ERR_NOT_FLOAT);
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        reply_err(c, "ERR value is NaN or Infinity");
        return;
    }
    struct kv *o = hash_lookup_write(c);
    if (!o) return;
    const struct arg *f = &c->argv[2];
    struct hpair p;
    if (hash_get(o, f->p, f->len, &p) && !str_to_ld(p.v, p.vlen, &value)) {
        reply_err(c, "ERR hash value is not a float");
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        reply_err(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    char buf[5200];
    int n = ld_to_str(buf, sizeof(buf), value);
    if (n < 0) {
        reply_err(c, "ERR hash value is not a float");
        return;
    }
    hash_set(c, o, f->p, f->len, buf, (size_t)n);
    reply_bulk(c->out, buf, (size_t)n);
    NOTIFY(c, NOTIFY_HASH, "hincrbyfloat", &c->argv[1]);
}

/* ---- reads ---- */

void hget_command(struct client *c) {
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    struct hpair p;
    if (o && hash_get(o, c->argv[2].p, c->argv[2].len, &p)) reply_bulk(c->out, p.v, p.vlen);
    else reply_null(c->out, c->resp);
}

void hmget_command(struct client *c) {
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    reply_array(c->out, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        struct hpair p;
        if (o && hash_get(o, c->argv[j].p, c->argv[j].len, &p)) reply_bulk(c->out, p.v, p.vlen);
        else reply_null(c->out, c->resp);
    }
}

void hlen_command(struct client *c) {
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (!bad) reply_int(c->out, o ? (long long)hash_len(o) : 0);
}

void hstrlen_command(struct client *c) {
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    struct hpair p;
    if (o && hash_get(o, c->argv[2].p, c->argv[2].len, &p)) reply_int(c->out, (long long)p.vlen);
    else reply_int(c->out, 0);
}

void hexists_command(struct client *c) {
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    struct hpair p;
    reply_int(c->out, o && hash_get(o, c->argv[2].p, c->argv[2].len, &p));
}

#define WANT_FIELDS 1
#define WANT_VALUES 2

struct getall_ctx {
    struct buf *out;
    int want;
};

static void reply_pair(void *ctx, const char *f, size_t flen, const char *v, size_t vlen) {
    struct getall_ctx *g = ctx;
    if (g->want & WANT_FIELDS) reply_bulk(g->out, f, flen);
    if (g->want & WANT_VALUES) reply_bulk(g->out, v, vlen);
}

static void getall_generic(struct client *c, int want) {
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    long long n = o ? (long long)hash_len(o) : 0;
    if (want == (WANT_FIELDS | WANT_VALUES)) reply_map(c->out, c->resp, n);
    else reply_array(c->out, n);
    if (!o) return;
    struct getall_ctx g = {c->out, want};
    hash_each(o, reply_pair, &g);
}

void hkeys_command(struct client *c) { getall_generic(c, WANT_FIELDS); }
void hvals_command(struct client *c) { getall_generic(c, WANT_VALUES); }
void hgetall_command(struct client *c) { getall_generic(c, WANT_FIELDS | WANT_VALUES); }

/* ---- HRANDFIELD ---- */

/* A thread-local xorshift for the random picks. */
static uint64_t hrand(void) {
    static __thread uint64_t s;
    if (s == 0) s = (uint64_t)(uintptr_t)&s ^ (uint64_t)ustime() ^ 0x9E3779B97F4A7C15ULL;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

/* The pairs of a hash as an array, so that picks are O(1): for a listpack
 * the position of each field, for a hashtable each entry. */
struct pairs {
    size_t n;
    size_t *lp_pos;          /* listpack */
    struct hfield **entries; /* hashtable */
};

static void collect_entry(void *ctx, struct hmap_node *n) {
    struct pairs *ps = ctx;
    ps->entries[ps->n++] = (struct hfield *)n;
}

static void pairs_load(struct kv *o, struct pairs *ps) {
    size_t n = hash_len(o);
    ps->n = 0;
    ps->lp_pos = NULL;
    ps->entries = NULL;
    if (kv_enc(o) == ENC_LISTPACK) {
        lp_t *lp = kv_ptr(o);
        ps->lp_pos = malloc((n ? n : 1) * sizeof(size_t));
        if (!ps->lp_pos) abort();
        for (size_t pos = lp_first(lp); pos != LP_NONE; pos = lp_next(lp, lp_next(lp, pos)))
            ps->lp_pos[ps->n++] = pos;
    } else {
        ps->entries = malloc((n ? n : 1) * sizeof(*ps->entries));
        if (!ps->entries) abort();
        hmap_each(&((struct hht *)kv_ptr(o))->map, collect_entry, ps);
    }
}

static void pairs_free(struct pairs *ps) {
    free(ps->lp_pos);
    free(ps->entries);
}

static void pairs_swap(struct pairs *ps, size_t i, size_t j) {
    if (ps->lp_pos) {
        size_t t = ps->lp_pos[i];
        ps->lp_pos[i] = ps->lp_pos[j];
        ps->lp_pos[j] = t;
    } else {
        struct hfield *t = ps->entries[i];
        ps->entries[i] = ps->entries[j];
        ps->entries[j] = t;
    }
}

/* Reply the i-th pair: the field, or [field, value] (RESP3) / field, value. */
static void reply_nth(struct client *c, struct kv *o, struct pairs *ps, size_t i, int withvalues) {
    const char *f, *v;
    size_t fl, vl;
    char fb[24], vb[24];
    if (ps->lp_pos) {
        lp_t *lp = kv_ptr(o);
        struct lp_entry fe, ve;
        lp_get(lp, ps->lp_pos[i], &fe, fb);
        f = fe.s;
        fl = fe.len;
        if (withvalues) {
            lp_get(lp, lp_next(lp, ps->lp_pos[i]), &ve, vb);
            v = ve.s;
            vl = ve.len;
        }
    } else {
        f = hf_field(ps->entries[i], &fl, &v, &vl);
    }
    if (withvalues && c->resp > 2) reply_array(c->out, 2);
    reply_bulk(c->out, f, fl);
    if (withvalues) reply_bulk(c->out, v, vl);
}

/* One random pair with no setup (HRANDFIELD key and count 1 on a big hash). */
static struct hfield *ht_random(struct kv *o) {
    return (struct hfield *)hmap_random(&((struct hht *)kv_ptr(o))->map);
}

static void hrandfield_count(struct client *c, long long l, int withvalues) {
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    if (!o) {
        reply_array(c->out, 0);
        return;
    }
    size_t size = hash_len(o);
    int uniq = l >= 0;
    unsigned long long count = l >= 0 ? (unsigned long long)l : (unsigned long long)(-l);
    if (count == 0) {
        reply_array(c->out, 0);
        return;
    }
    /* repetitions allowed: independent picks */
    if (!uniq || count == 1) {
        reply_array(c->out, (long long)(withvalues && c->resp == 2 ? count * 2 : count));
        if (kv_enc(o) == ENC_HT) {
            struct pairs one = {1, NULL, NULL};
            struct hfield *e;
            one.entries = &e;
            while (count--) {
                e = ht_random(o);
                reply_nth(c, o, &one, 0, withvalues);
            }
            return;
        }
        struct pairs ps;
        pairs_load(o, &ps);
        while (count--) reply_nth(c, o, &ps, (size_t)(hrand() % ps.n), withvalues);
        pairs_free(&ps);
        return;
    }
    size_t n = count < size ? (size_t)count : size;
    reply_array(c->out, (long long)(withvalues && c->resp == 2 ? n * 2 : n));
    struct pairs ps;
    pairs_load(o, &ps);
    if (count >= size) { /* the whole hash */
        for (size_t i = 0; i < ps.n; i++) reply_nth(c, o, &ps, i, withvalues);
    } else { /* distinct: a partial Fisher-Yates shuffle */
        for (size_t i = 0; i < n; i++) {
            pairs_swap(&ps, i, i + (size_t)(hrand() % (ps.n - i)));
            reply_nth(c, o, &ps, i, withvalues);
        }
    }
    pairs_free(&ps);
}

void hrandfield_command(struct client *c) {
    if (c->argc >= 3) {
        long long l;
        if (!arg_ll(c, &c->argv[2], &l)) return;
        if (l < -LLONG_MAX) {
            reply_err(c, "ERR value is out of range, value must between -9223372036854775807 and "
                         "9223372036854775807");
            return;
        }
        int withvalues = 0;
        if (c->argc > 4 || (c->argc == 4 && !ARG_IS(c->argv[3], "withvalues"))) {
            reply_err(c, ERR_SYNTAX);
            return;
        }
        if (c->argc == 4) {
            withvalues = 1;
            if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
                reply_err(c, "ERR value is out of range");
                return;
            }
        }
        hrandfield_count(c, l, withvalues);
        return;
    }
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    if (kv_enc(o) == ENC_HT) {
        size_t fl;
        const char *f = hf_field(ht_random(o), &fl, NULL, NULL);
        reply_bulk(c->out, f, fl);
        return;
    }
    lp_t *lp = kv_ptr(o);
    struct lp_entry e;
    char tmp[24];
    lp_get(lp, lp_seek(lp, (long long)(hrand() % hash_len(o)) * 2), &e, tmp);
    reply_bulk(c->out, e.s, e.len);
}

/* ---- HSCAN ---- */

/* Redis's parseScanCursorOrReply: strtoul semantics (a sign is accepted,
 * "-1" wraps), but no leading space, no trailing bytes, no overflow. */
static int parse_scan_cursor(const struct arg *a, unsigned long long *out) {
    char tmp[64];
    if (a->len >= sizeof(tmp)) return 0;
    memcpy(tmp, a->p, a->len);
    tmp[a->len] = '\0';
    if (tmp[0] == ' ' || (tmp[0] >= '\t' && tmp[0] <= '\r')) return 0;
    char *end;
    errno = 0;
    *out = strtoull(tmp, &end, 10);
    return *end == '\0' && errno != ERANGE;
}

struct scan_ctx {
    struct buf picked; /* struct hfield * */
    size_t n;
};

static void scan_collect(void *ctx, struct hmap_node *n) {
    struct scan_ctx *s = ctx;
    buf_put(&s->picked, &n, sizeof(n));
    s->n++;
}

struct scan_reply {
    struct buf out; /* the reply elements, counted in n */
    long long n;
    const struct arg *pat;
};

static void scan_reply_pair(void *ctx, const char *f, size_t flen, const char *v, size_t vlen) {
    struct scan_reply *r = ctx;
    if (r->pat && !glob_match(r->pat->p, r->pat->len, f, flen, 0)) return;
    reply_bulk(&r->out, f, flen);
    reply_bulk(&r->out, v, vlen);
    r->n += 2;
}

void hscan_command(struct client *c) {
    unsigned long long cursor;
    if (!parse_scan_cursor(&c->argv[2], &cursor)) {
        reply_err(c, "ERR invalid cursor");
        return;
    }
    int bad;
    struct kv *o = hash_lookup_read(c, &bad);
    if (bad) return;
    if (!o) {
        reply_array(c->out, 2);
        reply_bulk(c->out, "0", 1);
        reply_array(c->out, 0);
        return;
    }
    long long count = 10;
    struct scan_reply r = {{0}, 0, NULL};
    for (int j = 3; j < c->argc; j++) {
        const struct arg *a = &c->argv[j];
        int more = j + 1 < c->argc;
        if (ARG_IS(*a, "count") && more) {
            if (!arg_ll(c, &c->argv[++j], &count)) return;
            if (count < 1) {
                reply_err(c, ERR_SYNTAX);
                return;
            }
        } else if (ARG_IS(*a, "match") && more) {
            r.pat = &c->argv[++j];
            if (r.pat->len == 1 && r.pat->p[0] == '*') r.pat = NULL;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if (kv_enc(o) == ENC_LISTPACK) {
        hash_each(o, scan_reply_pair, &r);
        cursor = 0;
    } else {
        struct hmap *m = &((struct hht *)kv_ptr(o))->map;
        struct scan_ctx s = {{0}, 0};
        long long maxiter = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
        do {
            cursor = hmap_scan(m, cursor, scan_collect, &s);
        } while (cursor && maxiter-- && s.n < (size_t)count);
        struct hfield **e = (struct hfield **)(void *)s.picked.p;
        for (size_t i = 0; i < s.n; i++) {
            size_t fl, vl;
            const char *v;
            const char *f = hf_field(e[i], &fl, &v, &vl);
            scan_reply_pair(&r, f, fl, v, vl);
        }
        buf_free(&s.picked);
    }
    char tmp[24];
    reply_array(c->out, 2);
    reply_bulk(c->out, tmp, (size_t)ull_to_str(tmp, cursor));
    reply_array(c->out, r.n);
    buf_put(c->out, r.out.p, r.out.len);
    buf_free(&r.out);
}

/* ---- typeio.h ---- */

unsigned long hash_length(const struct kv *o) { return (unsigned long)hash_len(o); }

void hash_each_pair(const struct kv *o, pair_each_fn fn, void *ctx) { hash_each((struct kv *)o, fn, ctx); }

struct kv *hash_build(struct client *c, const struct arg *key, const struct arg *el, size_t n) {
    struct kv *o = kv_new_ptr(key->p, key->len, OBJ_HASH, ENC_LISTPACK, lp_new_oneway(), -1);
    for (size_t i = 0; i + 1 < n; i += 2)
        if (!hash_set(c, o, el[i].p, el[i].len, el[i + 1].p, el[i + 1].len)) {
            kv_free(o);
            return NULL;
        }
    return o;
}
