/*
 * hll.c - HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG,
 * PFSELFTEST (Redis 7.0's replies, errors and byte representation).
 *
 * An HLL is a plain string (hll.h gives the layout), so GET and SET move
 * it between this server and redis-server unchanged: the same additions
 * make the same bytes here and there. That fixes the details below, all
 * of them Redis's:
 *
 * - Sparse opcodes: ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx
 *   yyyyyyyy (1..16384 zero registers, 14 bits of length - 1), VAL
 *   1vvvvvxx (value 1..32 over 1..4 registers). Raising one register
 *   replaces the opcode that holds it by at most three (the part before,
 *   the register, the part after), then VAL neighbours of equal value that
 *   fit one opcode are joined, looking at no more than five opcodes from
 *   the one before the change. Zero runs are never joined.
 * - A sparse value turns dense when a register passes 32 or when a change
 *   would make the string longer than hll-sparse-max-bytes (header
 *   included). PFMERGE writes sparse unless a source is dense.
 * - The estimate is Otmar Ertl's improved estimator over the histogram of
 *   register values, rounded to the nearest integer.
 * - PFCOUNT of one key stores a recomputed estimate in the header (no
 *   keyspace event, but WATCH sees the change); PFADD and PFMERGE mark it
 *   stale and notify "pfadd". PFDEBUG GETREG and TODENSE may rewrite a
 *   value sparse to dense and tell nobody.
 *
 * PFCOUNT over several keys and PFMERGE over keys of several shards run at
 * the coordinator (combine C_COORD), against copies of every key.
 */
#include "hll.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../txn/lock.h"
#include "stringtype.h"

static const char ERR_HLL_TYPE[] = "WRONGTYPE Key is not a valid HyperLogLog string value.";
static const char ERR_HLL_CORRUPT[] = "INVALIDOBJ Corrupted HLL object detected";

/* ---- hashing ---- */

uint64_t hll_murmur64a(const void *key, size_t len, uint64_t seed) {
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    const unsigned char *p = key;
    uint64_t h = seed ^ ((uint64_t)len * m);
    for (size_t n = len / 8; n > 0; n--, p += 8) {
        uint64_t k = 0;
        for (int i = 7; i >= 0; i--) k = (k << 8) | p[i];
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
    }
    size_t tail = len & 7;
    if (tail) {
        for (size_t i = tail; i > 0; i--) h ^= (uint64_t)p[i - 1] << (8 * (i - 1));
        h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

int hll_pattern(const void *ele, size_t len, long *index) {
    uint64_t h = hll_murmur64a(ele, len, HLL_SEED);
    *index = (long)(h & (HLL_REGISTERS - 1));
    /* a stop bit at 50 keeps the count at most 51 */
    h = (h >> HLL_P) | ((uint64_t)1 << HLL_Q);
    return __builtin_ctzll(h) + 1;
}

/* ---- header ---- */

int hll_valid(const char *v, size_t len) {
    if (len < HLL_HDR_SIZE || memcmp(v, "HYLL", 4) != 0) return 0;
    unsigned char enc = (unsigned char)v[4];
    if (enc > HLL_SPARSE) return 0;
    return enc != HLL_DENSE || len == HLL_DENSE_SIZE;
}

int hll_cache_get(const char *v, uint64_t *card) {
    const unsigned char *c = (const unsigned char *)v + 8;
    if (c[7] & 0x80) return 0;
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = (x << 8) | c[i];
    *card = x;
    return 1;
}

void hll_cache_set(char *v, uint64_t card) {
    unsigned char *c = (unsigned char *)v + 8;
    for (int i = 0; i < 8; i++) c[i] = (unsigned char)(card >> (8 * i));
}

void hll_cache_invalidate(char *v) { ((unsigned char *)v)[15] |= 0x80; }

static int hll_encoding(const char *v) { return (unsigned char)v[4]; }

struct rstr *hll_new(void) {
    struct rstr *s = rstr_new(NULL, 0, HLL_HDR_SIZE + 2);
    memset(s->p, 0, HLL_HDR_SIZE);
    memcpy(s->p, "HYLL", 4);
    s->p[4] = HLL_SPARSE;
    /* one XZERO run over all the registers */
    s->p[HLL_HDR_SIZE] = (char)(0x40 | ((HLL_REGISTERS - 1) >> 8));
    s->p[HLL_HDR_SIZE + 1] = (char)((HLL_REGISTERS - 1) & 0xff);
    s->len = HLL_HDR_SIZE + 2;
    return s;
}

/* ---- dense registers ---- */

/* Register i starts at bit i*6 of the array, low bits first. The last
 * register sits in the array's last byte alone, so a register spills
 * into a second byte only when it starts above bit 2 of its first. */
static int dense_get(const unsigned char *regs, long i) {
    size_t byte = (size_t)i * 6 / 8;
    int shift = (int)((i * 6) & 7);
    unsigned v = regs[byte] >> shift;
    if (shift > 2) v |= (unsigned)regs[byte + 1] << (8 - shift);
    return (int)(v & HLL_REGISTER_MAX);
}

static void dense_put(unsigned char *regs, long i, int val) {
    size_t byte = (size_t)i * 6 / 8;
    int shift = (int)((i * 6) & 7);
    regs[byte] = (unsigned char)((regs[byte] & ~(HLL_REGISTER_MAX << shift)) | (val << shift));
    if (shift > 2) {
        int up = 8 - shift;
        regs[byte + 1] = (unsigned char)((regs[byte + 1] & ~(HLL_REGISTER_MAX >> up)) | (val >> up));
    }
}

int hll_dense_get(const char *v, long index) {
    return dense_get((const unsigned char *)v + HLL_HDR_SIZE, index);
}

static int dense_set(unsigned char *regs, long i, int count) {
    if (dense_get(regs, i) >= count) return 0;
    dense_put(regs, i, count);
    return 1;
}

/* ---- sparse opcodes ---- */

#define OP_IS_ZERO(b) (((b)&0xc0) == 0x00)
#define OP_IS_XZERO(b) (((b)&0xc0) == 0x40)
#define OP_IS_VAL(b) (((b)&0x80) != 0)
#define VAL_OP(val, len) ((unsigned char)(0x80 | (((val)-1) << 2) | ((len)-1)))
#define VAL_MAX 32
#define VAL_MAX_LEN 4
#define ZERO_MAX_LEN 64

/* The opcode at p (p < end): its run in *span and its value in *val (0
 * for zero runs); returns its size. An XZERO cut short by the end (only
 * in a corrupted value) reads its missing byte as 0, as Redis does for a
 * value as SET (its strings end in a NUL; once Redis has rewritten such
 * a value it reads a leftover byte there instead, which we do not keep). */
static int sparse_op(const unsigned char *p, const unsigned char *end, long *span, int *val) {
    unsigned char b = p[0];
    if (OP_IS_ZERO(b)) {
        *span = (b & 0x3f) + 1;
        *val = 0;
        return 1;
    }
    if (OP_IS_XZERO(b)) {
        unsigned lo = p + 1 < end ? p[1] : 0;
        *span = (long)((((unsigned)b & 0x3f) << 8) | lo) + 1;
        *val = 0;
        return 2;
    }
    *span = (b & 3) + 1;
    *val = ((b >> 2) & 0x1f) + 1;
    return 1;
}

/* A zero run of len (1..16384) at out: returns the bytes written. */
static int put_zero(unsigned char *out, long len) {
    if (len > ZERO_MAX_LEN) {
        out[0] = (unsigned char)(0x40 | ((len - 1) >> 8));
        out[1] = (unsigned char)((len - 1) & 0xff);
        return 2;
    }
    out[0] = (unsigned char)(len - 1);
    return 1;
}

/* Visit the VAL runs of a sparse body (fn gets start, span, value), none
 * past the last register. Returns the registers the runs cover, -1 if a
 * VAL run would pass the last one: anything but 16384 is a corrupted
 * value. */
static long sparse_walk(const unsigned char *p, const unsigned char *end,
                        void (*fn)(void *ctx, long start, long span, int val), void *ctx) {
    long idx = 0, span;
    int val;
    while (p < end) {
        p += sparse_op(p, end, &span, &val);
        if (val) {
            if (idx + span > HLL_REGISTERS) return -1;
            fn(ctx, idx, span, val);
        }
        idx += span;
    }
    return idx;
}

static void walk_to_dense(void *ctx, long start, long span, int val) {
    for (long i = start; i < start + span; i++) dense_put(ctx, i, val);
}

static void walk_to_max(void *ctx, long start, long span, int val) {
    uint8_t *max = ctx;
    for (long i = start; i < start + span; i++)
        if (max[i] < val) max[i] = (uint8_t)val;
}

int hll_to_dense(struct rstr **sp) {
    struct rstr *s = *sp;
    if (hll_encoding(s->p) == HLL_DENSE) return 0;
    struct rstr *d = rstr_new(NULL, 0, HLL_DENSE_SIZE);
    memset(d->p, 0, HLL_DENSE_SIZE);
    memcpy(d->p, s->p, HLL_HDR_SIZE);
    d->p[4] = HLL_DENSE;
    d->len = HLL_DENSE_SIZE;
    const unsigned char *body = (const unsigned char *)s->p + HLL_HDR_SIZE;
    long n = sparse_walk(body, (const unsigned char *)s->p + s->len, walk_to_dense, d->p + HLL_HDR_SIZE);
    if (n != HLL_REGISTERS) {
        free(d);
        return -1;
    }
    free(s);
    *sp = d;
    return 1;
}

/* Join equal VAL neighbours from p on, looking at up to five opcodes;
 * returns the bytes removed. */
static size_t sparse_join(unsigned char *p, unsigned char *end) {
    size_t removed = 0;
    for (int scan = 5; p < end && scan > 0; scan--) {
        if (OP_IS_XZERO(*p)) {
            p += 2;
            continue;
        }
        if (OP_IS_ZERO(*p)) {
            p++;
            continue;
        }
        if (p + 1 < end && OP_IS_VAL(p[1])) {
            int v = ((p[0] >> 2) & 0x1f) + 1;
            int len = (p[0] & 3) + (p[1] & 3) + 2;
            if (v == ((p[1] >> 2) & 0x1f) + 1 && len <= VAL_MAX_LEN) {
                /* the pair becomes one opcode; p is looked at again */
                p[1] = VAL_OP(v, len);
                memmove(p, p + 1, (size_t)(end - p - 1));
                end--;
                removed++;
                continue;
            }
        }
        p++;
    }
    return removed;
}

static int sparse_promote_set(struct rstr **sp, long index, int count) {
    if (hll_to_dense(sp) < 0) return -1;
    return dense_set((unsigned char *)(*sp)->p + HLL_HDR_SIZE, index, count);
}

/* Raise register index of a sparse value to count (see the file comment
 * for the exact opcodes written). */
static int sparse_set(struct rstr **sp, long index, int count, struct hll_limit *lim) {
    if (count > VAL_MAX) return sparse_promote_set(sp, index, count);
    /* a change adds at most 3 bytes (an XZERO split around a VAL), 4 when
     * the XZERO was cut short */
    struct rstr *s = *sp = rstr_grow(*sp, (*sp)->len + 4);
    unsigned char *base = (unsigned char *)s->p + HLL_HDR_SIZE;
    unsigned char *end = (unsigned char *)s->p + s->len;
    unsigned char *p = base, *prev = NULL;
    long first = 0, span = 0;
    int val = 0, oplen = 0;
    /* the opcode holding the register */
    while (p < end) {
        oplen = sparse_op(p, end, &span, &val);
        if (index < first + span) break;
        prev = p;
        p += oplen;
        first += span;
    }
    if (p >= end) return -1; /* the runs end before the register */
    unsigned char *next = p + oplen < end ? p + oplen : NULL;
    if (val >= count) return 0;
    if (span == 1 && !OP_IS_XZERO(*p)) {
        *p = VAL_OP(count, 1);
    } else {
        unsigned char seq[5], *q = seq;
        long last = first + span - 1;
        if (val == 0) {
            if (index > first) q += put_zero(q, index - first);
            *q++ = VAL_OP(count, 1);
            if (index < last) q += put_zero(q, last - index);
        } else {
            if (index > first) *q++ = VAL_OP(val, index - first);
            *q++ = VAL_OP(count, 1);
            if (index < last) *q++ = VAL_OP(val, last - index);
        }
        long seqlen = q - seq, delta = seqlen - oplen;
        if (delta > 0 && !lim->known) {
            lim->bytes = lim->get(lim->ctx);
            lim->known = 1;
        }
        if (delta > 0 && s->len + (size_t)delta > lim->bytes) return sparse_promote_set(sp, index, count);
        if (delta && next) memmove(next + delta, next, (size_t)(end - next));
        /* (an XZERO cut short counts as 2 bytes here too: its replacement
         * then loses its last byte, as in Redis) */
        memcpy(p, seq, (size_t)seqlen);
        s->len = (size_t)((long)s->len + delta);
        end += delta;
    }
    s->len -= sparse_join(prev ? prev : base, end);
    hll_cache_invalidate(s->p);
    return 1;
}

int hll_set(struct rstr **s, long index, int count, struct hll_limit *lim) {
    if (hll_encoding((*s)->p) == HLL_DENSE)
        return dense_set((unsigned char *)(*s)->p + HLL_HDR_SIZE, index, count);
    return sparse_set(s, index, count, lim);
}

int hll_add(struct rstr **s, const void *ele, size_t len, struct hll_limit *lim) {
    long index;
    int count = hll_pattern(ele, len, &index);
    return hll_set(s, index, count, lim);
}

/* Four registers at a time: 3 bytes hold registers i..i+3 (i a multiple
 * of 4), low bits first. */
#define DENSE_QUAD(regs, i, r0, r1, r2, r3)                                                          \
    do {                                                                                             \
        const unsigned char *b_ = (regs) + (size_t)(i) / 4 * 3;                                      \
        uint32_t w_ = (uint32_t)b_[0] | (uint32_t)b_[1] << 8 | (uint32_t)b_[2] << 16;                \
        r0 = w_ & 63;                                                                                \
        r1 = (w_ >> 6) & 63;                                                                         \
        r2 = (w_ >> 12) & 63;                                                                        \
        r3 = (w_ >> 18) & 63;                                                                        \
    } while (0)

static inline uint8_t max8(uint8_t a, unsigned b) { return b > a ? (uint8_t)b : a; }

int hll_merge(uint8_t *max, const char *v, size_t len) {
    const unsigned char *regs = (const unsigned char *)v + HLL_HDR_SIZE;
    if (hll_encoding(v) == HLL_DENSE) {
        for (long i = 0; i < HLL_REGISTERS; i += 4) {
            unsigned r0, r1, r2, r3;
            DENSE_QUAD(regs, i, r0, r1, r2, r3);
            max[i] = max8(max[i], r0);
            max[i + 1] = max8(max[i + 1], r1);
            max[i + 2] = max8(max[i + 2], r2);
            max[i + 3] = max8(max[i + 3], r3);
        }
        return 0;
    }
    long n = sparse_walk(regs, (const unsigned char *)v + len, walk_to_max, max);
    return n == HLL_REGISTERS ? 0 : -1;
}

/* ---- estimation ---- */

/* alpha at infinity: 1 / (2 ln 2) */
#define HLL_ALPHA_INF 0.721347520444481703680

/* The series of Ertl's estimator for the registers at zero (x: their
 * share) and for those at the maximum (x: the share of the others). */
static double hll_sigma(double x) {
    if (x == 1.0) return INFINITY;
    double y = 1.0, z = x, before;
    do {
        x *= x;
        before = z;
        z += x * y;
        y += y;
    } while (before != z);
    return z;
}

static double hll_tau(double x) {
    if (x == 0.0 || x == 1.0) return 0.0;
    double y = 1.0, z = 1.0 - x, before;
    do {
        x = sqrt(x);
        before = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
    } while (before != z);
    return z / 3.0;
}

/* histo[v]: how many registers hold v (0..HLL_Q + 1). */
static uint64_t hll_estimate(const long long *histo) {
    double m = HLL_REGISTERS;
    double z = m * hll_tau((m - (double)histo[HLL_Q + 1]) / m);
    for (int j = HLL_Q; j >= 1; j--) {
        z += (double)histo[j];
        z *= 0.5;
    }
    z += m * hll_sigma((double)histo[0] / m);
    return (uint64_t)llroundl(HLL_ALPHA_INF * m * m / z);
}

uint64_t hll_count_registers(const uint8_t *regs) {
    long long histo[64] = {0};
    for (long i = 0; i < HLL_REGISTERS; i++) histo[regs[i] & 63]++;
    return hll_estimate(histo);
}

uint64_t hll_count(const char *v, size_t len, int *invalid) {
    long long histo[64] = {0};
    const unsigned char *regs = (const unsigned char *)v + HLL_HDR_SIZE;
    if (hll_encoding(v) == HLL_DENSE) {
        for (long i = 0; i < HLL_REGISTERS; i += 4) {
            unsigned r0, r1, r2, r3;
            DENSE_QUAD(regs, i, r0, r1, r2, r3);
            histo[r0]++;
            histo[r1]++;
            histo[r2]++;
            histo[r3]++;
        }
    } else {
        /* every run counts here, even past the last register */
        const unsigned char *p = regs, *end = (const unsigned char *)v + len;
        long idx = 0, span;
        int val;
        while (p < end) {
            p += sparse_op(p, end, &span, &val);
            idx += span;
            histo[val] += span;
        }
        if (idx != HLL_REGISTERS && invalid) *invalid = 1;
    }
    return hll_estimate(histo);
}

char *hll_decode(const char *v, size_t len) {
    const unsigned char *p = (const unsigned char *)v + HLL_HDR_SIZE, *end = (const unsigned char *)v + len;
    size_t cap = (len - HLL_HDR_SIZE) * 12 + 1, n = 0;
    char *out = malloc(cap);
    if (!out) abort();
    out[0] = '\0';
    while (p < end) {
        long span;
        int val;
        int size = sparse_op(p, end, &span, &val);
        const char *sep = n ? " " : "";
        if (val)
            n += (size_t)snprintf(out + n, cap - n, "%sv:%d,%ld", sep, val, span);
        else
            n += (size_t)snprintf(out + n, cap - n, "%s%c:%ld", sep, size == 2 ? 'Z' : 'z', span);
        p += size;
    }
    return out;
}

/* ---- commands ---- */

/* o (a key's value) as an HLL: 1 if it is one, else 0 with the error
 * replied (WRONGTYPE for another type or a string that is not an HLL). */
static int hll_check(struct client *c, struct kv *o) {
    if (kv_type(o) != OBJ_STRING) {
        reply_err(c, ERR_WRONGTYPE);
        return 0;
    }
    char tmp[24];
    size_t len;
    const char *v = kv_str(o, tmp, &len);
    if (kv_enc(o) == ENC_INT || !hll_valid(v, len)) {
        reply_err(c, ERR_HLL_TYPE);
        return 0;
    }
    return 1;
}

/* hll-sparse-max-bytes. ctx: the client. */
static size_t sparse_max_bytes(void *ctx) {
    struct client *c = ctx;
    return (size_t)c->sh->cfg.hll_sparse_max_bytes;
}

/* The HLL at key for a command that changes it, as a raw string (an
 * embstr one is copied out, as Redis unshares it). NULL if absent (*bad
 * 0), or not an HLL (*bad 1, replied). */
static struct kv *hll_for_write(struct client *c, const struct arg *key, struct dict_pos *pos, int *bad) {
    struct kv *o = db_find_pos(c->db, key->p, key->len, pos);
    *bad = 0;
    if (!o) return NULL;
    if (!hll_check(c, o)) {
        *bad = 1;
        return NULL;
    }
    return string_make_raw(c, pos, o, 0);
}

/* A new empty HLL stored at key (the lookup found it absent). */
static struct kv *hll_create(struct client *c, const struct arg *key) {
    struct kv *o = kv_new_raw(key->p, key->len, hll_new(), -1);
    db_add_new(c->db, o);
    return o;
}

void pfadd_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    struct dict_pos pos;
    int bad, updated = 0;
    struct kv *o = hll_for_write(c, key, &pos, &bad);
    if (bad) return;
    if (!o) {
        o = hll_create(c, key);
        updated = 1;
    }
    struct rstr *s = kv_ptr(o);
    struct hll_limit lim = {sparse_max_bytes, c, 0, 0};
    for (int j = 2; j < c->argc; j++) {
        int r = hll_add(&s, c->argv[j].p, c->argv[j].len, &lim);
        if (r < 0) {
            /* (as Redis: what changed stays, unannounced) */
            kv_set_ptr(o, s);
            reply_err(c, ERR_HLL_CORRUPT);
            return;
        }
        updated += r;
    }
    kv_set_ptr(o, s);
    if (updated) {
        hll_cache_invalidate(s->p);
        NOTIFY(c, NOTIFY_STRING, "pfadd", key);
    }
    reply_int(c->out, updated ? 1 : 0);
}

/* PFCOUNT of several keys: the estimate of their union, nothing stored. */
static void pfcount_union(struct client *c) {
    uint8_t *max = calloc(HLL_REGISTERS, 1);
    if (!max) abort();
    for (int j = 1; j < c->argc; j++) {
        struct kv *o = lookup_read(c, &c->argv[j]);
        if (!o) continue; /* an empty HLL */
        if (!hll_check(c, o)) goto out;
        char tmp[24];
        size_t len;
        const char *v = kv_str(o, tmp, &len);
        if (hll_merge(max, v, len) < 0) {
            reply_err(c, ERR_HLL_CORRUPT);
            goto out;
        }
    }
    reply_int(c->out, (long long)hll_count_registers(max));
out:
    free(max);
}

void pfcount_command(struct client *c) {
    if (c->argc > 2) {
        pfcount_union(c);
        return;
    }
    const struct arg *key = &c->argv[1];
    struct kv *o = lookup_read(c, key);
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    if (!hll_check(c, o)) return;
    if (kv_enc(o) != ENC_RAW) {
        struct dict_pos pos;
        o = string_make_raw(c, &pos, db_find_pos(c->db, key->p, key->len, &pos), 0);
    }
    struct rstr *s = kv_ptr(o);
    uint64_t card;
    if (!hll_cache_get(s->p, &card)) {
        int invalid = 0;
        card = hll_count(s->p, s->len, &invalid);
        if (invalid) {
            reply_err(c, ERR_HLL_CORRUPT);
            return;
        }
        hll_cache_set(s->p, card);
        /* the value changed: watchers see it, subscribers hear nothing */
        lock_key_changed(c->sh, c->db->id, key->p, key->len);
    }
    reply_int(c->out, (long long)card);
}

void pfmerge_command(struct client *c) {
    const struct arg *dest = &c->argv[1];
    uint8_t *max = calloc(HLL_REGISTERS, 1);
    if (!max) abort();
    int dense = 0;
    /* the destination, if there, is a source too */
    for (int j = 1; j < c->argc; j++) {
        struct kv *o = lookup_read(c, &c->argv[j]);
        if (!o) continue;
        if (!hll_check(c, o)) goto out;
        char tmp[24];
        size_t len;
        const char *v = kv_str(o, tmp, &len);
        if (hll_encoding(v) == HLL_DENSE) dense = 1;
        if (hll_merge(max, v, len) < 0) {
            reply_err(c, ERR_HLL_CORRUPT);
            goto out;
        }
    }
    struct dict_pos pos;
    int bad;
    struct kv *o = hll_for_write(c, dest, &pos, &bad);
    if (bad) goto out;
    if (!o) o = hll_create(c, dest);
    struct rstr *s = kv_ptr(o);
    if (dense && hll_to_dense(&s) < 0) {
        reply_err(c, ERR_HLL_CORRUPT);
        goto out;
    }
    struct hll_limit lim = {sparse_max_bytes, c, 0, 0};
    /* in register order: a sparse result gets Redis's exact opcodes */
    for (long i = 0; i < HLL_REGISTERS; i++)
        if (max[i]) hll_set(&s, i, max[i], &lim);
    kv_set_ptr(o, s);
    hll_cache_invalidate(s->p);
    NOTIFY(c, NOTIFY_STRING, "pfadd", dest);
    reply_ok(c->out);
out:
    free(max);
}

void pfdebug_command(struct client *c) {
    const struct arg *sub = &c->argv[1], *key = &c->argv[2];
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    if (!o) {
        reply_err(c, "ERR The specified key does not exist");
        return;
    }
    if (!hll_check(c, o)) return;
    o = string_make_raw(c, &pos, o, 0);
    struct rstr *s = kv_ptr(o);
    if (ARG_IS(*sub, "getreg") || ARG_IS(*sub, "todense")) {
        int r = hll_to_dense(&s);
        if (r < 0) {
            reply_err(c, ERR_HLL_CORRUPT);
            return;
        }
        kv_set_ptr(o, s);
        if (ARG_IS(*sub, "todense")) {
            reply_int(c->out, r);
            return;
        }
        reply_array(c->out, HLL_REGISTERS);
        for (long i = 0; i < HLL_REGISTERS; i++) reply_int(c->out, hll_dense_get(s->p, i));
    } else if (ARG_IS(*sub, "decode")) {
        if (hll_encoding(s->p) != HLL_SPARSE) {
            reply_err(c, "ERR HLL encoding is not sparse");
            return;
        }
        char *text = hll_decode(s->p, s->len);
        reply_bulkc(c->out, text);
        free(text);
    } else if (ARG_IS(*sub, "encoding")) {
        reply_simple(c->out, hll_encoding(s->p) == HLL_DENSE ? "dense" : "sparse");
    } else {
        reply_errf(c, "ERR Unknown PFDEBUG subcommand '%.*s'", (int)sub->len, sub->p);
    }
}

void pfselftest_command(struct client *c) {
    char why[128];
    if (hll_selftest(why, sizeof(why)) == 0)
        reply_ok(c->out);
    else
        reply_err(c, why);
}

/* ---- self test ---- */

static uint64_t selftest_rand(uint64_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Dense registers against a plain array; a sparse and a dense HLL fed the
 * same elements hold the same registers and give the same estimates; the
 * estimates stay within 5 standard errors (1.04 / sqrt(16384)). */
int hll_selftest(char *why, size_t whylen) {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    unsigned char *regs = calloc(HLL_DENSE_SIZE - HLL_HDR_SIZE, 1);
    uint8_t *plain = calloc(HLL_REGISTERS, 1);
    struct rstr *sp = hll_new(), *dn = hll_new();
    int rc = -1;
    if (!regs || !plain) abort();
    for (int round = 0; round < 100; round++) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            plain[i] = (uint8_t)(selftest_rand(&x) & HLL_REGISTER_MAX);
            dense_put(regs, i, plain[i]);
        }
        for (long i = 0; i < HLL_REGISTERS; i++)
            if (dense_get(regs, i) != plain[i]) {
                snprintf(why, whylen, "TESTFAILED Register error at %ld", i);
                goto out;
            }
    }
    if (hll_to_dense(&dn) != 1) {
        snprintf(why, whylen, "TESTFAILED Sparse to dense conversion failed");
        goto out;
    }
    /* sparse and dense side by side while the sparse one is cheap to
     * change, then the dense one alone */
    const double relerr = 1.04 / sqrt((double)HLL_REGISTERS);
    struct hll_limit unlimited = {NULL, NULL, (size_t)-1, 1};
    uint64_t checkpoint = 1;
    for (uint64_t n = 1; n <= 200000; n++) {
        char ele[24];
        int len = snprintf(ele, sizeof(ele), "%llu", (unsigned long long)selftest_rand(&x));
        int both = n <= 5000;
        int b = hll_add(&dn, ele, (size_t)len, &unlimited);
        if (both && hll_add(&sp, ele, (size_t)len, &unlimited) != b) {
            snprintf(why, whylen, "TESTFAILED Sparse and dense disagree adding element %llu",
                     (unsigned long long)n);
            goto out;
        }
        if (n != checkpoint) continue;
        checkpoint = checkpoint < 10 ? checkpoint + 1 : checkpoint * 2;
        uint64_t cd = hll_count(dn->p, dn->len, NULL);
        if (both) {
            int invalid = 0;
            uint64_t cs = hll_count(sp->p, sp->len, &invalid);
            memset(plain, 0, HLL_REGISTERS);
            if (invalid || hll_merge(plain, sp->p, sp->len) < 0 || cs != cd ||
                cs != hll_count_registers(plain)) {
                snprintf(why, whylen, "TESTFAILED Sparse and dense estimates differ at %llu",
                         (unsigned long long)n);
                goto out;
            }
            for (long i = 0; i < HLL_REGISTERS; i++)
                if (plain[i] != hll_dense_get(dn->p, i)) {
                    snprintf(why, whylen, "TESTFAILED Sparse register %ld differs at %llu", i,
                             (unsigned long long)n);
                    goto out;
                }
        }
        double err = fabs((double)cd - (double)n);
        if (err > 5 * relerr * (double)n + 0.5) {
            snprintf(why, whylen, "TESTFAILED Too big error. card:%llu abserr:%f", (unsigned long long)n,
                     err);
            goto out;
        }
    }
    rc = 0;
out:
    free(regs);
    free(plain);
    free(sp);
    free(dn);
    return rc;
}
