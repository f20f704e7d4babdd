/*
 * rdb.c - values in Redis's RDB encoding (see rdb.h).
 */
#include "rdb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../types/set.h"
#include "../types/stream.h"
#include "../types/typeio.h"
#include "../util/util.h"
#include "rdbcodec.h"

/* ---- Redis's listpack layout ----
 * total bytes u32 | count u16 (65535: unknown) | entries | 0xFF
 * entry: encoding (+ length) | data | back-length (the entry's size so far,
 * 7 bits a byte, 1 to 5 bytes). */

static size_t backlen_size(size_t l) {
    return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

static void put_backlen(struct buf *b, size_t l) {
    unsigned char t[5];
    size_t n = backlen_size(l);
    /* most significant group first; every byte but the first has bit 7 */
    for (size_t i = 0; i < n; i++) {
        t[n - 1 - i] = (unsigned char)((l >> (7 * i)) & 127);
        if (i != n - 1) t[n - 1 - i] |= 128;
    }
    buf_put(b, t, n);
}

static void le_put(struct buf *b, uint64_t v, int n) {
    unsigned char t[8];
    for (int i = 0; i < n; i++) t[i] = (unsigned char)(v >> (8 * i));
    buf_put(b, t, (size_t)n);
}

static void rlp_put_int(struct buf *b, long long v) {
    unsigned char t[2];
    if (v >= 0 && v <= 127) {
        t[0] = (unsigned char)v;
        buf_put(b, t, 1);
        put_backlen(b, 1);
    } else if (v >= -4096 && v <= 4095) {
        unsigned uv = v < 0 ? (unsigned)(8192 + v) : (unsigned)v;
        t[0] = (unsigned char)((uv >> 8) | 0xC0);
        t[1] = (unsigned char)(uv & 0xff);
        buf_put(b, t, 2);
        put_backlen(b, 2);
    } else if (v >= -32768 && v <= 32767) {
        buf_putc(b, (char)0xF1);
        le_put(b, (uint64_t)v, 2);
        put_backlen(b, 3);
    } else if (v >= -8388608 && v <= 8388607) {
        buf_putc(b, (char)0xF2);
        le_put(b, (uint64_t)v, 3);
        put_backlen(b, 4);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        buf_putc(b, (char)0xF3);
        le_put(b, (uint64_t)v, 4);
        put_backlen(b, 5);
    } else {
        buf_putc(b, (char)0xF4);
        le_put(b, (uint64_t)v, 8);
        put_backlen(b, 9);
    }
}

/* A string entry, as an integer when it is one (Redis-strict text). */
static void rlp_put(struct buf *b, const char *s, size_t len) {
    long long v;
    if (len <= 20 && str_to_ll(s, len, &v)) {
        rlp_put_int(b, v);
        return;
    }
    size_t enc;
    if (len < 64) {
        buf_putc(b, (char)(0x80 | len));
        enc = 1;
    } else if (len < 4096) {
        buf_putc(b, (char)(0xE0 | (len >> 8)));
        buf_putc(b, (char)(len & 0xff));
        enc = 2;
    } else {
        buf_putc(b, (char)0xF0);
        le_put(b, len, 4);
        enc = 5;
    }
    buf_put(b, s, len);
    put_backlen(b, enc + len);
}

struct rlp_w {
    struct buf *b;
    size_t start;
    uint32_t count;
};

static void rlp_begin(struct rlp_w *w, struct buf *b) {
    w->b = b;
    w->start = b->len;
    w->count = 0;
    le_put(b, 0, 6);
}

static void rlp_end(struct rlp_w *w) {
    buf_putc(w->b, (char)0xFF);
    size_t total = w->b->len - w->start;
    unsigned char *h = (unsigned char *)w->b->p + w->start;
    for (int i = 0; i < 4; i++) h[i] = (unsigned char)(total >> (8 * i));
    unsigned cnt = w->count < 65535 ? w->count : 65535;
    h[4] = (unsigned char)cnt;
    h[5] = (unsigned char)(cnt >> 8);
}

/* One entry of a Redis listpack. */
struct rlp_val {
    const char *s; /* string, or NULL for an integer */
    size_t len;
    long long v;
};

static uint64_t le_get(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Read the entry at *p (below end); 1 and *p past it, 0 at the
 * terminator, -1 if malformed. */
static int rlp_next(const unsigned char **p, const unsigned char *end, struct rlp_val *v, int deep) {
    const unsigned char *s = *p;
    if (s >= end) return -1;
    unsigned b = s[0];
    size_t enc, dlen = 0;
    v->s = NULL;
    if (b == 0xFF) return 0;
    if (!(b & 0x80)) {
        v->v = b;
        enc = 1;
    } else if ((b & 0xC0) == 0x80) {
        dlen = b & 0x3f;
        enc = 1;
    } else if ((b & 0xE0) == 0xC0) {
        if (end - s < 2) return -1;
        unsigned uv = ((b & 0x1f) << 8) | s[1];
        v->v = uv >= 4096 ? (long long)uv - 8192 : (long long)uv;
        enc = 2;
    } else if ((b & 0xF0) == 0xE0) {
        if (end - s < 2) return -1;
        dlen = ((b & 0x0f) << 8) | s[1];
        enc = 2;
    } else if (b == 0xF0) {
        if (end - s < 5) return -1;
        dlen = le_get(s + 1, 4);
        enc = 5;
    } else if (b >= 0xF1 && b <= 0xF4) {
        static const int w[] = {2, 3, 4, 8};
        int n = w[b - 0xF1];
        if (end - s < 1 + n) return -1;
        uint64_t u = le_get(s + 1, n);
        if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~0ULL << (8 * n); /* sign */
        v->v = (long long)u;
        enc = 1 + (size_t)n;
    } else {
        return -1;
    }
    if ((b & 0xC0) == 0x80 || (b & 0xF0) == 0xE0 || b == 0xF0) {
        if ((size_t)(end - s) - enc < dlen) return -1;
        v->s = (const char *)s + enc;
        v->len = dlen;
    }
    size_t l = enc + dlen, bl = backlen_size(l);
    if ((size_t)(end - s) < l + bl) return -1;
    if (deep) {
        /* the back-length must be exactly what encodes l */
        struct buf want = {0};
        put_backlen(&want, l);
        int same = want.len == bl && memcmp(want.p, s + l, bl) == 0;
        buf_free(&want);
        if (!same) return -1;
    }
    *p = s + l + bl;
    return 1;
}

/* Check a listpack's header; *first gets its first entry. */
static int rlp_open(const unsigned char *lp, size_t len, const unsigned char **first, unsigned *count) {
    if (len < 7 || le_get(lp, 4) != len || lp[len - 1] != 0xFF) return 0;
    *count = (unsigned)le_get(lp + 4, 2);
    *first = lp + 6;
    return 1;
}

/* ---- collecting elements while loading ---- */

struct elems {
    struct buf arena;
    size_t *off, *len;
    double *score;
    size_t n, cap;
};

static void el_add(struct elems *e, const char *p, size_t len, double score) {
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->off = realloc(e->off, e->cap * sizeof(*e->off));
        e->len = realloc(e->len, e->cap * sizeof(*e->len));
        e->score = realloc(e->score, e->cap * sizeof(*e->score));
        if (!e->off || !e->len || !e->score) abort();
    }
    e->off[e->n] = e->arena.len;
    e->len[e->n] = len;
    e->score[e->n] = score;
    e->n++;
    buf_put(&e->arena, p, len);
}

static void el_add_val(struct elems *e, const struct rlp_val *v, double score) {
    char tmp[24];
    if (v->s) {
        el_add(e, v->s, v->len, score);
    } else {
        int n = ll_to_str(tmp, v->v);
        el_add(e, tmp, (size_t)n, score);
    }
}

static struct arg *el_args(const struct elems *e) {
    struct arg *a = malloc((e->n + 1) * sizeof(*a));
    if (!a) abort();
    for (size_t i = 0; i < e->n; i++)
        a[i] = (struct arg){e->arena.p ? e->arena.p + e->off[i] : "", e->len[i]};
    return a;
}

static void el_free(struct elems *e) {
    buf_free(&e->arena);
    free(e->off);
    free(e->len);
    free(e->score);
}

/* The entries of the listpack in s (every entry, or pairs when zset: the
 * second of each pair is a score). */
static int load_listpack(const struct buf *s, struct elems *e, int zset, int deep) {
    if (!s->len) return 0;
    const unsigned char *p, *end = (const unsigned char *)s->p + s->len;
    unsigned count, n = 0;
    if (!rlp_open((const unsigned char *)s->p, s->len, &p, &count)) return 0;
    struct rlp_val v = {0}, m = {0};
    int r;
    while ((r = rlp_next(&p, end, &v, deep)) == 1) {
        n++;
        if (!zset) {
            el_add_val(e, &v, 0);
            continue;
        }
        if (n % 2) {
            m = v;
            continue;
        }
        double score;
        if (v.s) {
            char tmp[128];
            if (v.len == 0 || v.len >= sizeof(tmp)) return 0;
            memcpy(tmp, v.s, v.len);
            tmp[v.len] = 0;
            char *ep;
            score = strtod(tmp, &ep);
            if (*ep || isnan(score)) return 0;
        } else {
            score = (double)v.v;
        }
        el_add_val(e, &m, score);
    }
    if (r < 0 || p != end - 1) return 0;
    if (count != 65535 && count != n) return 0;
    if (zset && n % 2) return 0;
    return 1;
}

/* ---- Redis's ziplists and zipmaps (RDB files of Redis 6.2 and older) ----
 * ziplist: bytes u32 | tail offset u32 | count u16 | entries | 0xFF;
 * entry: previous entry's length (1 byte, or 0xFE and 4 bytes) | encoding
 * (strings: 6-bit, 14-bit big-endian or 32-bit big-endian lengths;
 * integers: 16, 32, 64, 24, 8 bits, or 0..12 in the encoding byte) | data */

static int zl_next(const unsigned char **p, const unsigned char *end, struct rlp_val *v, size_t *prevlen) {
    const unsigned char *s = *p;
    if (s >= end) return -1;
    if (s[0] == 0xFF) return 0;
    size_t pl = 1;
    if (s[0] == 0xFE) {
        if (end - s < 5) return -1;
        pl = 5;
    }
    const unsigned char *q = s + pl;
    if (q >= end) return -1;
    unsigned b = q[0];
    size_t hdr = 1, dlen = 0;
    v->s = NULL;
    switch (b >> 6) {
    case 0:
        dlen = b & 0x3f;
        break;
    case 1:
        if (end - q < 2) return -1;
        dlen = ((size_t)(b & 0x3f) << 8) | q[1];
        hdr = 2;
        break;
    case 2:
        if (end - q < 5) return -1;
        dlen = ((size_t)q[1] << 24) | ((size_t)q[2] << 16) | ((size_t)q[3] << 8) | q[4];
        hdr = 5;
        break;
    default: {
        int n;
        if (b == 0xC0)
            n = 2;
        else if (b == 0xD0)
            n = 4;
        else if (b == 0xE0)
            n = 8;
        else if (b == 0xF0)
            n = 3;
        else if (b == 0xFE)
            n = 1;
        else if (b >= 0xF1 && b <= 0xFD)
            n = 0;
        else
            return -1;
        if (end - q < 1 + n) return -1;
        if (n == 0) {
            v->v = (long long)(b & 0x0f) - 1;
        } else {
            uint64_t u = le_get(q + 1, n);
            if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~0ULL << (8 * n);
            v->v = (long long)u;
        }
        *prevlen = pl + 1 + (size_t)n;
        *p = q + 1 + n;
        return 1;
    }
    }
    if ((size_t)(end - q) - hdr < dlen) return -1;
    v->s = (const char *)q + hdr;
    v->len = dlen;
    *prevlen = pl + hdr + dlen;
    *p = q + hdr + dlen;
    return 1;
}

/* The entries of the ziplist in s (pairs with a score when zset). */
static int load_ziplist(const struct buf *s, struct elems *e, int zset) {
    if (s->len < 11) return 0;
    const unsigned char *z = (const unsigned char *)s->p, *p = z + 10, *end = z + s->len;
    if (le_get(z, 4) != s->len || z[s->len - 1] != 0xFF) return 0;
    unsigned count = (unsigned)le_get(z + 8, 2), n = 0;
    struct rlp_val v = {0}, m = {0};
    size_t pl;
    int r;
    while ((r = zl_next(&p, end, &v, &pl)) == 1) {
        n++;
        if (!zset) {
            el_add_val(e, &v, 0);
        } else if (n % 2) {
            m = v;
        } else {
            double score;
            if (v.s) {
                char tmp[128];
                if (!v.len || v.len >= sizeof(tmp)) return 0;
                memcpy(tmp, v.s, v.len);
                tmp[v.len] = 0;
                char *ep;
                score = strtod(tmp, &ep);
                if (*ep || isnan(score)) return 0;
            } else {
                score = (double)v.v;
            }
            el_add_val(e, &m, score);
        }
    }
    if (r < 0 || p != end - 1 || (count != 65535 && count != n) || (zset && n % 2) || !n) return 0;
    return 1;
}

/* A zipmap's length: 1 byte below 254, else 254 and 4 bytes. */
static int zm_len(const unsigned char **p, const unsigned char *end, size_t *len) {
    if (*p >= end || **p == 255) return 0;
    if (**p < 254) {
        *len = *(*p)++;
        return 1;
    }
    if (end - *p < 5) return 0;
    *len = (size_t)le_get(*p + 1, 4);
    *p += 5;
    return 1;
}

static int load_zipmap(const struct buf *s, struct elems *e) {
    if (s->len < 2) return 0;
    const unsigned char *p = (const unsigned char *)s->p + 1, *end = (const unsigned char *)s->p + s->len;
    while (p < end && *p != 255) {
        size_t kl, vl;
        if (!zm_len(&p, end, &kl) || (size_t)(end - p) < kl) return 0;
        el_add(e, (const char *)p, kl, 0);
        p += kl;
        if (!zm_len(&p, end, &vl) || p >= end) return 0;
        size_t fr = *p++;
        if ((size_t)(end - p) < vl + fr) return 0;
        el_add(e, (const char *)p, vl, 0);
        p += vl + fr;
    }
    return p == end - 1 && e->n;
}

/* ---- saving ---- */

struct save_ctx {
    struct buf *b;
    int compress;
    struct rlp_w w;
    /* lists: the current node */
    struct buf node;
    size_t node_limit;
    long long node_max;
    uint64_t nodes;
    struct buf nodes_out;
    double *scores;
    struct arg *members;
    size_t n, cap;
};

static void save_str(void *ctx, const char *p, size_t len) {
    struct save_ctx *x = ctx;
    rdb_put_string(x->b, p, len, x->compress);
}

static void save_pair(void *ctx, const char *f, size_t fl, const char *v, size_t vl) {
    save_str(ctx, f, fl);
    save_str(ctx, v, vl);
}

static void lp_pair(void *ctx, const char *f, size_t fl, const char *v, size_t vl) {
    struct save_ctx *x = ctx;
    rlp_put(x->w.b, f, fl);
    rlp_put(x->w.b, v, vl);
    x->w.count += 2;
}

/* A score as Redis writes it into a sorted set's listpack (%.17g text,
 * which the listpack stores as an integer when it is one). */
static void lp_zpair(void *ctx, const char *p, size_t len, double score) {
    struct save_ctx *x = ctx;
    char t[64];
    int n;
    if (isinf(score))
        n = snprintf(t, sizeof(t), score > 0 ? "inf" : "-inf");
    else
        n = snprintf(t, sizeof(t), "%.17g", score);
    rlp_put(x->w.b, p, len);
    rlp_put(x->w.b, t, (size_t)n);
    x->w.count += 2;
}

static void collect_z(void *ctx, const char *p, size_t len, double score) {
    struct save_ctx *x = ctx;
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->members = realloc(x->members, x->cap * sizeof(*x->members));
        x->scores = realloc(x->scores, x->cap * sizeof(*x->scores));
        if (!x->members || !x->scores) abort();
    }
    x->members[x->n] = (struct arg){p, len};
    x->scores[x->n++] = score;
}

static void list_flush_node(struct save_ctx *x) {
    if (!x->w.count) return;
    rlp_end(&x->w);
    rdb_put_len(&x->nodes_out, 2); /* a packed node */
    rdb_put_string(&x->nodes_out, x->node.p, x->node.len, x->compress);
    x->nodes++;
    x->node.len = 0;
    rlp_begin(&x->w, &x->node);
}

static void list_elem(void *ctx, const char *p, size_t len) {
    struct save_ctx *x = ctx;
    if (x->w.count &&
        (x->node_max ? (long long)x->w.count >= x->node_max : x->node.len + len > x->node_limit))
        list_flush_node(x);
    rlp_put(&x->node, p, len);
    x->w.count++;
}

struct ints {
    long long *v;
    size_t n, cap;
};

static void intset_member(void *ctx, const char *p, size_t len) {
    struct ints *x = ctx;
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->v = realloc(x->v, x->cap * sizeof(*x->v));
        if (!x->v) abort();
    }
    x->v[x->n] = 0;
    str_to_ll(p, len, &x->v[x->n]);
    x->n++;
}

/* ---- streams (RDB_TYPE_STREAM_LISTPACKS_2) ---- */

static void be_id(unsigned char *t, const struct sid *id) {
    for (int i = 0; i < 8; i++) {
        t[i] = (unsigned char)(id->ms >> (56 - 8 * i));
        t[8 + i] = (unsigned char)(id->seq >> (56 - 8 * i));
    }
}

static void put_ms(struct buf *b, long long t) { le_put(b, (uint64_t)t, 8); }

static void save_pel(struct buf *b, const struct idmap *pel, int nacks) {
    rdb_put_len(b, idm_count(pel));
    struct idm_pos pos;
    int more = idm_first(pel, &pos);
    for (; more; more = idm_next(pel, &pos)) {
        unsigned char t[16];
        be_id(t, idm_key(pel, &pos));
        buf_put(b, t, 16);
        if (!nacks) continue;
        const struct snack *k = idm_val(pel, &pos);
        put_ms(b, k->delivery_time);
        rdb_put_len(b, k->delivery_count);
    }
}

/* One node as Redis's stream listpack: the master entry (count, deleted,
 * the field names, 0), then each entry (flags, ID deltas, values or
 * fields and values, and how many listpack elements it took). */
static void save_stream_node(struct buf *lp, const struct stream *s, const struct idm_pos *pos) {
    struct snode_it it;
    struct rlp_w w;
    snode_open(s, pos, &it);
    rlp_begin(&w, lp);
    const unsigned char *mf;
    int mnf;
    snode_master_fields(&it, &mf, &mnf);
    rlp_put_int(lp, snode_live(&it));
    rlp_put_int(lp, (long long)snode_count(&it) - snode_live(&it));
    rlp_put_int(lp, mnf);
    for (int i = 0; i < mnf; i++) {
        uint64_t l;
        mf += varint_get(mf, &l);
        rlp_put(lp, (const char *)mf, l);
        mf += l;
    }
    rlp_put_int(lp, 0);
    w.count = 4 + (uint32_t)mnf;
    struct sid id;
    int flags;
    struct sfield_it f;
    while (snode_next(&it, &id, &flags, &f)) {
        int same = (flags & SE_SAME) != 0, np = f.left;
        rlp_put_int(lp, (flags & SE_DELETED ? 1 : 0) | (same ? 2 : 0));
        rlp_put_int(lp, (long long)(id.ms - it.master.ms));
        rlp_put_int(lp, (long long)(id.seq - it.master.seq));
        if (!same) rlp_put_int(lp, np);
        const char *fp, *vp;
        size_t fl, vl;
        while (sfield_next(&f, &fp, &fl, &vp, &vl)) {
            if (!same) rlp_put(lp, fp, fl);
            rlp_put(lp, vp, vl);
        }
        long long lpc = same ? np + 3 : 2LL * np + 4;
        rlp_put_int(lp, lpc);
        w.count += (uint32_t)lpc + 1;
    }
    rlp_end(&w);
}

static void save_stream(struct buf *b, const struct stream *s, int compress) {
    buf_putc(b, RDB_TYPE_STREAM_LISTPACKS_2);
    rdb_put_len(b, idm_count(&s->nodes));
    struct idm_pos pos;
    struct buf lp = {0};
    int more = idm_first(&s->nodes, &pos);
    for (; more; more = idm_next(&s->nodes, &pos)) {
        unsigned char t[16];
        be_id(t, idm_key(&s->nodes, &pos));
        rdb_put_string(b, t, 16, 0);
        lp.len = 0;
        save_stream_node(&lp, s, &pos);
        rdb_put_string(b, lp.p, lp.len, compress);
    }
    buf_free(&lp);
    rdb_put_len(b, s->length);
    rdb_put_len(b, s->last_id.ms);
    rdb_put_len(b, s->last_id.seq);
    rdb_put_len(b, s->first_id.ms);
    rdb_put_len(b, s->first_id.seq);
    rdb_put_len(b, s->max_deleted.ms);
    rdb_put_len(b, s->max_deleted.seq);
    rdb_put_len(b, s->entries_added);
    rdb_put_len(b, (uint64_t)s->ngroups);
    for (int i = 0; i < s->ngroups; i++) {
        const struct sgroup *g = s->groups[i];
        rdb_put_string(b, g->name, g->nlen, 0);
        rdb_put_len(b, g->last_id.ms);
        rdb_put_len(b, g->last_id.seq);
        rdb_put_len(b, (uint64_t)g->entries_read);
        save_pel(b, &g->pel, 1);
        rdb_put_len(b, (uint64_t)g->ncons);
        for (int j = 0; j < g->ncons; j++) {
            const struct sconsumer *cn = g->cons[j];
            rdb_put_string(b, cn->name, cn->nlen, 0);
            put_ms(b, cn->seen_time);
            save_pel(b, &cn->pel, 0);
        }
    }
}

/* A small hash or sorted set as one of Redis's listpacks (field, value or
 * member, score pairs) in an RDB string after its type byte. */
static void save_as_listpack(struct buf *b, const struct kv *o, int type, struct save_ctx *x) {
    struct buf lp = {0};
    rlp_begin(&x->w, &lp);
    if (type == RDB_TYPE_HASH_LISTPACK)
        hash_each_pair(o, lp_pair, x);
    else
        zset_each(o, lp_zpair, x);
    rlp_end(&x->w);
    buf_putc(b, (char)type);
    rdb_put_string(b, lp.p, lp.len, x->compress);
    buf_free(&lp);
}

void rdb_save_value(struct buf *b, const struct kv *o, int compress) {
    struct save_ctx x = {.b = b, .compress = compress};
    switch (kv_type(o)) {
    case OBJ_STRING: {
        char tmp[24];
        size_t len;
        const char *s = kv_str(o, tmp, &len);
        buf_putc(b, RDB_TYPE_STRING);
        rdb_put_string(b, s, len, compress);
        return;
    }
    case OBJ_LIST: {
        long long fill = tl_shard ? tl_shard->cfg.list_max_listpack_size : -2;
        if (fill > 0)
            x.node_max = fill;
        else
            x.node_limit = (size_t)4096 << (fill < -5 ? 4 : -fill - 1);
        rlp_begin(&x.w, &x.node);
        list_each(o, list_elem, &x);
        list_flush_node(&x);
        buf_putc(b, RDB_TYPE_LIST_QUICKLIST_2);
        rdb_put_len(b, x.nodes);
        buf_put(b, x.nodes_out.p, x.nodes_out.len);
        buf_free(&x.node);
        buf_free(&x.nodes_out);
        return;
    }
    case OBJ_SET:
        if (kv_enc(o) == ENC_INTSET) {
            struct ints iv = {0};
            set_foreach_member(o, intset_member, &iv);
            int w = 2;
            for (size_t i = 0; i < iv.n; i++) {
                if (iv.v[i] < INT32_MIN || iv.v[i] > INT32_MAX)
                    w = 8;
                else if ((iv.v[i] < INT16_MIN || iv.v[i] > INT16_MAX) && w < 4)
                    w = 4;
            }
            struct buf is = {0};
            le_put(&is, (uint64_t)w, 4);
            le_put(&is, iv.n, 4);
            for (size_t i = 0; i < iv.n; i++) le_put(&is, (uint64_t)iv.v[i], w);
            buf_putc(b, RDB_TYPE_SET_INTSET);
            rdb_put_string(b, is.p, is.len, compress);
            buf_free(&is);
            free(iv.v);
            return;
        }
        buf_putc(b, RDB_TYPE_SET);
        rdb_put_len(b, set_card(o));
        set_foreach_member(o, save_str, &x);
        return;
    case OBJ_HASH:
        if (kv_enc(o) == ENC_LISTPACK) {
            save_as_listpack(b, o, RDB_TYPE_HASH_LISTPACK, &x);
            return;
        }
        buf_putc(b, RDB_TYPE_HASH);
        rdb_put_len(b, hash_length(o));
        hash_each_pair(o, save_pair, &x);
        return;
    case OBJ_ZSET:
        if (kv_enc(o) == ENC_LISTPACK) {
            save_as_listpack(b, o, RDB_TYPE_ZSET_LISTPACK, &x);
            return;
        }
        zset_each(o, collect_z, &x);
        buf_putc(b, RDB_TYPE_ZSET_2);
        rdb_put_len(b, x.n);
        /* from the highest score down, as redis-server writes it */
        for (size_t i = x.n; i-- > 0;) {
            rdb_put_string(b, x.members[i].p, x.members[i].len, compress);
            buf_put(b, &x.scores[i], 8);
        }
        free(x.members);
        free(x.scores);
        return;
    case OBJ_STREAM:
        save_stream(b, kv_ptr(o), compress);
        return;
    default:
        return;
    }
}

/* ---- loading ---- */

#define LOAD_FAIL(msg)                                                                                       \
    do {                                                                                                     \
        *err = (msg);                                                                                        \
        goto fail;                                                                                           \
    } while (0)

/* A string into s (cleared first). */
static int get_str(const unsigned char **p, const unsigned char *end, struct buf *s) {
    s->len = 0;
    return rdb_get_string(p, end, s);
}

static int get_count(const unsigned char **p, const unsigned char *end, uint64_t *n) {
    int special;
    if (!rdb_get_len(p, end, n, &special) || special) return 0;
    /* every element takes at least a byte: a count beyond what is left lies */
    return *n <= (uint64_t)(end - *p);
}

/* Old sorted sets: a score as text with a length byte (253 nan, 254 inf,
 * 255 -inf). */
static int get_text_double(const unsigned char **p, const unsigned char *end, double *d) {
    if (*p >= end) return 0;
    unsigned l = *(*p)++;
    if (l == 253) return 0; /* NaN: not a score */
    if (l == 254 || l == 255) {
        *d = l == 254 ? INFINITY : -INFINITY;
        return 1;
    }
    if ((size_t)(end - *p) < l) return 0;
    char t[256];
    memcpy(t, *p, l);
    t[l] = 0;
    *p += l;
    char *ep;
    *d = strtod(t, &ep);
    return !*ep && l;
}

static int get_intset(const struct buf *s, struct elems *e, int deep) {
    const unsigned char *p = (const unsigned char *)s->p;
    if (s->len < 8) return 0;
    unsigned w = (unsigned)le_get(p, 4);
    uint64_t n = le_get(p + 4, 4);
    if ((w != 2 && w != 4 && w != 8) || s->len != 8 + n * w || !n) return 0;
    long long prev = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t u = le_get(p + 8 + i * w, (int)w);
        if (w < 8 && (u >> (8 * w - 1)) & 1) u |= ~0ULL << (8 * w);
        if (deep && i && (long long)u <= prev) return 0; /* sorted, no repeats */
        prev = (long long)u;
        char t[24];
        int l = ll_to_str(t, (long long)u);
        el_add(e, t, (size_t)l, 0);
    }
    return 1;
}

/* ---- loading streams ---- */

/* An integer entry (or one whose text is an integer). */
static int rlp_int(const struct rlp_val *v, long long *out) {
    if (!v->s) {
        *out = v->v;
        return 1;
    }
    return str_to_ll(v->s, v->len, out);
}

/* Entry text: strings as they are, integers printed into slot. */
static struct sfv rlp_text(const struct rlp_val *v, char *slot) {
    if (v->s) return (struct sfv){v->s, v->len};
    return (struct sfv){slot, (size_t)ll_to_str(slot, v->v)};
}

struct fvbuf {
    struct sfv *fv;
    char (*slot)[24];
    size_t cap;
};

static void fv_fit(struct fvbuf *f, size_t n) {
    if (n <= f->cap) return;
    f->cap = n + 16;
    f->fv = realloc(f->fv, f->cap * sizeof(*f->fv));
    f->slot = realloc(f->slot, f->cap * sizeof(*f->slot));
    if (!f->fv || !f->slot) abort();
}

static int get_u64(const unsigned char **p, const unsigned char *end, uint64_t *v) {
    int special;
    return rdb_get_len(p, end, v, &special) && !special;
}

static int get_id(const unsigned char **p, const unsigned char *end, struct sid *id) {
    return get_u64(p, end, &id->ms) && get_u64(p, end, &id->seq);
}

static struct sid raw_id(const unsigned char *t) {
    struct sid id = {0, 0};
    for (int i = 0; i < 8; i++) {
        id.ms = (id.ms << 8) | t[i];
        id.seq = (id.seq << 8) | t[8 + i];
    }
    return id;
}

/* One node's listpack: append its live entries to s. */
static int load_stream_node(struct client *c, struct stream *s, const struct sid *master,
                            const struct buf *lpb, int deep, struct fvbuf *fb) {
    if (!lpb->len) return 0;
    const unsigned char *p, *end = (const unsigned char *)lpb->p + lpb->len;
    unsigned hdr_count;
    struct rlp_val v;
    long long count, deleted, nf, zero;
    if (!rlp_open((const unsigned char *)lpb->p, lpb->len, &p, &hdr_count)) return 0;
    if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &count)) return 0;
    if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &deleted)) return 0;
    if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &nf) || nf < 0 || nf > (long long)lpb->len) return 0;
    struct rlp_val *mf = malloc(sizeof(*mf) * (size_t)(nf + 1));
    if (!mf) abort();
    int ok = 0;
    for (long long i = 0; i < nf; i++)
        if (rlp_next(&p, end, &mf[i], deep) != 1) goto out;
    if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &zero) || zero != 0) goto out;
    long long seen = 0, live = 0;
    struct sid prev = s->last_id;
    for (;;) {
        long long flags, msd, seqd, np, lpc;
        int r = rlp_next(&p, end, &v, deep);
        if (r == 0) break;
        if (r < 0 || !rlp_int(&v, &flags) || (flags & ~3LL)) goto out;
        if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &msd)) goto out;
        if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &seqd)) goto out;
        int same = (flags & 2) != 0;
        if (same) {
            np = nf;
        } else if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &np) || np < 0 ||
                   np > (long long)lpb->len) {
            goto out;
        }
        fv_fit(fb, (size_t)(2 * np + 2));
        for (long long i = 0; i < np; i++) {
            if (same) {
                fb->fv[2 * i] = rlp_text(&mf[i], fb->slot[2 * i]);
            } else {
                if (rlp_next(&p, end, &v, deep) != 1) goto out;
                fb->fv[2 * i] = rlp_text(&v, fb->slot[2 * i]);
            }
            if (rlp_next(&p, end, &v, deep) != 1) goto out;
            fb->fv[2 * i + 1] = rlp_text(&v, fb->slot[2 * i + 1]);
        }
        if (rlp_next(&p, end, &v, deep) != 1 || !rlp_int(&v, &lpc) || lpc != (same ? np + 3 : 2 * np + 4))
            goto out;
        struct sid id = {master->ms + (uint64_t)msd, master->seq + (uint64_t)seqd};
        if (seen == 0 && (msd || seqd)) goto out; /* the first entry is the master's */
        if ((s->length || seen) && sid_cmp(&id, &prev) <= 0) goto out;
        prev = id;
        seen++;
        if (flags & 1) continue;
        live++;
        stream_append(s, &id, fb->fv, (int)np, c->sh->cfg.stream_node_max_bytes,
                      c->sh->cfg.stream_node_max_entries);
    }
    ok = p == end - 1 && seen && live == count && seen == count + deleted;
out:
    free(mf);
    return ok;
}

static int get_ms(const unsigned char **p, const unsigned char *end, long long *t) {
    if (end - *p < 8) return 0;
    *t = (long long)le_get(*p, 8);
    *p += 8;
    return 1;
}

struct rnack {
    struct sid id;
    long long time;
    uint64_t count;
    int used;
};

static int load_stream(struct client *c, int type, const unsigned char **p, const unsigned char *end,
                       int deep, struct stream **out) {
    struct stream *s = stream_new();
    struct buf str = {0};
    struct fvbuf fb = {0};
    struct rnack *nk = NULL;
    uint64_t n;
    int ok = 0;
    if (!get_count(p, end, &n)) goto out;
    for (uint64_t i = 0; i < n; i++) {
        if (!get_str(p, end, &str) || str.len != 16) goto out;
        struct sid master = raw_id((const unsigned char *)str.p);
        if (!get_str(p, end, &str) || !load_stream_node(c, s, &master, &str, deep, &fb)) goto out;
    }
    uint64_t length;
    struct sid last, first = {0, 0}, maxdel = {0, 0};
    uint64_t added = s->entries_added;
    if (!get_u64(p, end, &length) || !get_id(p, end, &last) || length != s->length) goto out;
    if (type == RDB_TYPE_STREAM_LISTPACKS_2) {
        if (!get_id(p, end, &first) || !get_id(p, end, &maxdel) || !get_u64(p, end, &added)) goto out;
    } else {
        stream_edge(s, 1, &first);
        added = s->length;
    }
    struct sid top;
    if (s->length && stream_edge(s, 0, &top) && sid_cmp(&top, &last) > 0) goto out;
    if (added < s->length) goto out;
    s->last_id = last;
    s->first_id = first;
    s->max_deleted = maxdel;
    s->entries_added = added;
    uint64_t ng;
    if (!get_count(p, end, &ng)) goto out;
    for (uint64_t i = 0; i < ng; i++) {
        struct sid glast;
        uint64_t er = (uint64_t)SCG_INVALID;
        if (!get_str(p, end, &str) || !get_id(p, end, &glast)) goto out;
        if (type == RDB_TYPE_STREAM_LISTPACKS_2 && !get_u64(p, end, &er)) goto out;
        if (type != RDB_TYPE_STREAM_LISTPACKS_2) er = (uint64_t)stream_distance_from_first(s, &glast);
        struct sgroup *g = stream_group_add(s, str.p ? str.p : "", str.len, &glast, (long long)er);
        if (!g) goto out; /* a group twice */
        uint64_t np;
        if (!get_count(p, end, &np) || np > (uint64_t)(end - *p) / 16) goto out;
        free(nk);
        nk = calloc(np + 1, sizeof(*nk));
        if (!nk) abort();
        for (uint64_t j = 0; j < np; j++) {
            if (end - *p < 16) goto out;
            nk[j].id = raw_id(*p);
            *p += 16;
            if (!get_ms(p, end, &nk[j].time) || !get_u64(p, end, &nk[j].count)) goto out;
            if (j && sid_cmp(&nk[j].id, &nk[j - 1].id) <= 0) goto out;
        }
        uint64_t ncons;
        if (!get_count(p, end, &ncons)) goto out;
        for (uint64_t j = 0; j < ncons; j++) {
            long long seen;
            if (!get_str(p, end, &str) || !get_ms(p, end, &seen)) goto out;
            struct sconsumer *cn = group_consumer_add(g, str.p ? str.p : "", str.len, seen);
            uint64_t cp;
            if (!cn || !get_count(p, end, &cp)) goto out;
            for (uint64_t q = 0; q < cp; q++) {
                if (end - *p < 16) goto out;
                struct sid id = raw_id(*p);
                *p += 16;
                /* the group's nack of this ID */
                uint64_t lo = 0, hi = np;
                while (lo < hi) {
                    uint64_t mid = (lo + hi) / 2;
                    if (sid_cmp(&nk[mid].id, &id) < 0)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo == np || sid_cmp(&nk[lo].id, &id) != 0 || nk[lo].used) goto out;
                nk[lo].used = 1;
                struct snack *k = group_pel_add(g, cn, &id, nk[lo].time);
                k->delivery_count = nk[lo].count;
            }
        }
        for (uint64_t j = 0; j < np; j++)
            if (!nk[j].used) goto out; /* a pending entry nobody holds */
    }
    ok = 1;
out:
    free(nk);
    free(fb.fv);
    free(fb.slot);
    buf_free(&str);
    if (!ok) {
        stream_free(s);
        s = NULL;
    }
    *out = s;
    return ok;
}

struct kv *rdb_load_value(struct client *c, int type, const unsigned char **p, const unsigned char *end,
                          const struct arg *key, int deep, const char **err) {
    struct elems e = {0};
    struct buf s = {0};
    struct kv *o = NULL;
    struct arg *a = NULL;
    uint64_t n;
    *err = "Bad data format";
    switch (type) {
    case RDB_TYPE_STRING:
        if (!get_str(p, end, &s)) LOAD_FAIL("Bad data format");
        o = kv_new_string(key->p, key->len, s.p ? s.p : "", s.len, -1);
        break;
    case RDB_TYPE_LIST:
    case RDB_TYPE_SET:
        if (!get_count(p, end, &n) || !n) LOAD_FAIL("Bad data format");
        for (uint64_t i = 0; i < n; i++) {
            if (!get_str(p, end, &s)) LOAD_FAIL("Bad data format");
            el_add(&e, s.p ? s.p : "", s.len, 0);
        }
        a = el_args(&e);
        o = type == RDB_TYPE_LIST ? list_build(c, key, a, e.n) : set_build(c, key, a, e.n);
        if (!o) LOAD_FAIL("Duplicate set members detected");
        break;
    case RDB_TYPE_LIST_QUICKLIST_2:
        if (!get_count(p, end, &n) || !n) LOAD_FAIL("Bad data format");
        for (uint64_t i = 0; i < n; i++) {
            uint64_t container;
            if (!get_count(p, end, &container) || (container != 1 && container != 2) || !get_str(p, end, &s))
                LOAD_FAIL("Bad data format");
            if (container == 1) {
                el_add(&e, s.p ? s.p : "", s.len, 0);
                continue;
            }
            size_t before = e.n;
            if (!load_listpack(&s, &e, 0, deep) || e.n == before) LOAD_FAIL("Bad data format");
        }
        a = el_args(&e);
        o = list_build(c, key, a, e.n);
        break;
    case RDB_TYPE_SET_INTSET:
        if (!get_str(p, end, &s) || !get_intset(&s, &e, deep)) LOAD_FAIL("Bad data format");
        a = el_args(&e);
        if (!(o = set_build(c, key, a, e.n))) LOAD_FAIL("Duplicate set members detected");
        break;
    case RDB_TYPE_HASH:
        if (!get_count(p, end, &n) || !n) LOAD_FAIL("Bad data format");
        for (uint64_t i = 0; i < 2 * n; i++) {
            if (!get_str(p, end, &s)) LOAD_FAIL("Bad data format");
            el_add(&e, s.p ? s.p : "", s.len, 0);
        }
        a = el_args(&e);
        if (!(o = hash_build(c, key, a, e.n))) LOAD_FAIL("Duplicate hash fields detected");
        break;
    case RDB_TYPE_HASH_LISTPACK:
        if (!get_str(p, end, &s) || !load_listpack(&s, &e, 0, deep) || !e.n || e.n % 2)
            LOAD_FAIL("Bad data format");
        a = el_args(&e);
        if (!(o = hash_build(c, key, a, e.n))) LOAD_FAIL("Duplicate hash fields detected");
        break;
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
        if (!get_count(p, end, &n) || !n) LOAD_FAIL("Bad data format");
        for (uint64_t i = 0; i < n; i++) {
            double d;
            if (!get_str(p, end, &s)) LOAD_FAIL("Bad data format");
            if (type == RDB_TYPE_ZSET_2) {
                if (end - *p < 8) LOAD_FAIL("Bad data format");
                memcpy(&d, *p, 8);
                *p += 8;
                if (isnan(d)) LOAD_FAIL("Zset with NAN score detected");
            } else if (!get_text_double(p, end, &d)) {
                LOAD_FAIL("Bad data format");
            }
            el_add(&e, s.p ? s.p : "", s.len, d);
        }
        a = el_args(&e);
        if (!(o = zset_build(c, key, a, e.score, e.n))) LOAD_FAIL("Duplicate zset fields detected");
        break;
    case RDB_TYPE_ZSET_LISTPACK:
        if (!get_str(p, end, &s) || !load_listpack(&s, &e, 1, deep) || !e.n) LOAD_FAIL("Bad data format");
        a = el_args(&e);
        if (!(o = zset_build(c, key, a, e.score, e.n))) LOAD_FAIL("Duplicate zset fields detected");
        break;
    case RDB_TYPE_LIST_ZIPLIST:
        if (!get_str(p, end, &s) || !load_ziplist(&s, &e, 0)) LOAD_FAIL("Bad data format");
        a = el_args(&e);
        o = list_build(c, key, a, e.n);
        break;
    case RDB_TYPE_LIST_QUICKLIST:
        if (!get_count(p, end, &n) || !n) LOAD_FAIL("Bad data format");
        for (uint64_t i = 0; i < n; i++)
            if (!get_str(p, end, &s) || !load_ziplist(&s, &e, 0)) LOAD_FAIL("Bad data format");
        a = el_args(&e);
        o = list_build(c, key, a, e.n);
        break;
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_ZIPMAP:
        if (!get_str(p, end, &s) ||
            !(type == RDB_TYPE_HASH_ZIPMAP ? load_zipmap(&s, &e) : load_ziplist(&s, &e, 0)) || e.n % 2)
            LOAD_FAIL("Bad data format");
        a = el_args(&e);
        if (!(o = hash_build(c, key, a, e.n))) LOAD_FAIL("Duplicate hash fields detected");
        break;
    case RDB_TYPE_ZSET_ZIPLIST:
        if (!get_str(p, end, &s) || !load_ziplist(&s, &e, 1)) LOAD_FAIL("Bad data format");
        a = el_args(&e);
        if (!(o = zset_build(c, key, a, e.score, e.n))) LOAD_FAIL("Duplicate zset fields detected");
        break;
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2: {
        struct stream *st;
        if (!load_stream(c, type, p, end, deep, &st)) LOAD_FAIL("Bad data format");
        o = kv_new_ptr(key->p, key->len, OBJ_STREAM, ENC_STREAM, st, -1);
        break;
    }
    default:
        LOAD_FAIL("Unknown RDB encoding type");
    }
    *err = NULL;
fail:
    free(a);
    el_free(&e);
    buf_free(&s);
    return o;
}

/* ---- skipping values (splitting a file by shard) ---- */

static int skip_string(const unsigned char **p, const unsigned char *end) {
    uint64_t len;
    int special;
    if (!rdb_get_len(p, end, &len, &special)) return 0;
    if (special) {
        if (len <= 2)
            len = len == 0 ? 1 : len == 1 ? 2 : 4;
        else if (len == 3) {
            uint64_t clen, ulen;
            if (!rdb_get_len(p, end, &clen, &special) || special || !rdb_get_len(p, end, &ulen, &special) ||
                special)
                return 0;
            len = clen;
        } else {
            return 0;
        }
    }
    if ((uint64_t)(end - *p) < len) return 0;
    *p += len;
    return 1;
}

static int skip_bytes(const unsigned char **p, const unsigned char *end, uint64_t n) {
    if ((uint64_t)(end - *p) < n) return 0;
    *p += n;
    return 1;
}

static int skip_pel(const unsigned char **p, const unsigned char *end, int nacks) {
    uint64_t n, v;
    if (!get_count(p, end, &n)) return 0;
    for (uint64_t i = 0; i < n; i++)
        if (!skip_bytes(p, end, 16) || (nacks && (!skip_bytes(p, end, 8) || !get_u64(p, end, &v)))) return 0;
    return 1;
}

int rdb_skip_value(int type, const unsigned char **p, const unsigned char *end) {
    uint64_t n, v;
    switch (type) {
    case RDB_TYPE_STRING:
    case RDB_TYPE_SET_INTSET:
    case RDB_TYPE_HASH_LISTPACK:
    case RDB_TYPE_ZSET_LISTPACK:
    case RDB_TYPE_HASH_ZIPMAP:
    case RDB_TYPE_LIST_ZIPLIST:
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_HASH_ZIPLIST:
        return skip_string(p, end);
    case RDB_TYPE_LIST_QUICKLIST:
        if (!get_count(p, end, &n)) return 0;
        for (uint64_t i = 0; i < n; i++)
            if (!skip_string(p, end)) return 0;
        return 1;
    case RDB_TYPE_LIST:
    case RDB_TYPE_SET:
    case RDB_TYPE_HASH:
        if (!get_count(p, end, &n)) return 0;
        for (uint64_t i = 0; i < (type == RDB_TYPE_HASH ? 2 * n : n); i++)
            if (!skip_string(p, end)) return 0;
        return 1;
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
        if (!get_count(p, end, &n)) return 0;
        for (uint64_t i = 0; i < n; i++) {
            if (!skip_string(p, end)) return 0;
            if (type == RDB_TYPE_ZSET_2) {
                if (!skip_bytes(p, end, 8)) return 0;
            } else {
                if (*p >= end) return 0;
                unsigned l = *(*p)++;
                if (l < 253 && !skip_bytes(p, end, l)) return 0;
            }
        }
        return 1;
    case RDB_TYPE_LIST_QUICKLIST_2:
        if (!get_count(p, end, &n)) return 0;
        for (uint64_t i = 0; i < n; i++)
            if (!get_u64(p, end, &v) || !skip_string(p, end)) return 0;
        return 1;
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2: {
        int v2 = type == RDB_TYPE_STREAM_LISTPACKS_2;
        if (!get_count(p, end, &n)) return 0;
        for (uint64_t i = 0; i < 2 * n; i++)
            if (!skip_string(p, end)) return 0;
        for (int i = 0; i < (v2 ? 8 : 3); i++)
            if (!get_u64(p, end, &v)) return 0;
        uint64_t ng;
        if (!get_count(p, end, &ng)) return 0;
        for (uint64_t g = 0; g < ng; g++) {
            if (!skip_string(p, end)) return 0;
            for (int i = 0; i < (v2 ? 3 : 2); i++)
                if (!get_u64(p, end, &v)) return 0;
            if (!skip_pel(p, end, 1)) return 0;
            uint64_t nc;
            if (!get_count(p, end, &nc)) return 0;
            for (uint64_t c = 0; c < nc; c++)
                if (!skip_string(p, end) || !skip_bytes(p, end, 8) || !skip_pel(p, end, 0)) return 0;
        }
        return 1;
    }
    default:
        return 0;
    }
}
