/*
 * bitmap.c - bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS,
 * BITOP, BITFIELD, BITFIELD_RO (Redis 7.0's replies, errors and edge
 * cases).
 *
 * A bitmap is a string: bit 0 is the most significant bit of byte 0. A
 * command that writes makes the value a raw, growable string
 * (string_make_raw) and grows it with zero bytes; one that only reads
 * sees any encoding through kv_str (an int-encoded value reads as its
 * decimal digits, as in Redis). A write notifies "setbit" only when it
 * changed something (a bit, a field, or the length), as Redis 7.0 does.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "stringtype.h"

static const char ERR_BIT_OFFSET[] = "ERR bit offset is not an integer or out of range";

/* A bit offset argument: a number, or with `bits` > 0 "#N" for N * bits.
 * Redis's limit: the byte it names must be under proto-max-bulk-len. */
static int bit_offset(struct client *c, const struct arg *a, int bits, uint64_t *off) {
    int hash = bits > 0 && a->len > 0 && a->p[0] == '#';
    long long v;
    if (!str_to_ll(a->p + hash, a->len - (size_t)hash, &v)) {
        reply_err(c, ERR_BIT_OFFSET);
        return 0;
    }
    if (hash) {
        if (v > LLONG_MAX / bits || v < LLONG_MIN / bits) {
            reply_err(c, ERR_BIT_OFFSET);
            return 0;
        }
        v *= bits;
    }
    if (v < 0 || (v >> 3) >= c->sh->cfg.proto_max_bulk_len) {
        reply_err(c, ERR_BIT_OFFSET);
        return 0;
    }
    *off = (uint64_t)v;
    return 1;
}

/* The string of key for a command that writes bit `maxbit`: created or
 * grown with zero bytes to hold it; *grew set if it was created or got
 * longer. NULL (replied) if the key holds another type. */
static struct rstr *bits_for_write(struct client *c, const struct arg *key, uint64_t maxbit, int *grew) {
    size_t need = (size_t)(maxbit >> 3) + 1;
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    *grew = 0;
    if (o && kv_type(o) != OBJ_STRING) {
        reply_err(c, ERR_WRONGTYPE);
        return NULL;
    }
    if (!o) {
        struct rstr *s = rstr_new(NULL, 0, need);
        memset(s->p, 0, need);
        s->len = need;
        db_set(c->db, kv_new_raw(key->p, key->len, s, -1));
        *grew = 1;
        return s;
    }
    o = string_make_raw(c, &pos, o, need);
    struct rstr *s = kv_ptr(o);
    if (s->len < need) {
        memset(s->p + s->len, 0, need - s->len);
        s->len = need;
        *grew = 1;
    }
    return s;
}

/* The bytes of key for reading ("" with *len 0 if absent); *bad set (and
 * replied) if it holds another type. */
static const unsigned char *bits_for_read(struct client *c, const struct arg *key, char *tmp, size_t *len,
                                          int *bad, struct kv **obj) {
    struct kv *o = lookup_typed(c, key, OBJ_STRING, bad);
    *len = 0;
    if (obj) *obj = o;
    if (!o) return (const unsigned char *)"";
    return (const unsigned char *)kv_str(o, tmp, len);
}

void setbit_command(struct client *c) {
    uint64_t off;
    if (!bit_offset(c, &c->argv[2], 0, &off)) return;
    long long on;
    if (!str_to_ll(c->argv[3].p, c->argv[3].len, &on) || (on & ~1LL)) {
        reply_err(c, "ERR bit is not an integer or out of range");
        return;
    }
    int grew;
    struct rstr *s = bits_for_write(c, &c->argv[1], off, &grew);
    if (!s) return;
    unsigned char *byte = (unsigned char *)s->p + (off >> 3);
    int shift = 7 - (int)(off & 7);
    int old = (*byte >> shift) & 1;
    if (grew || old != on) {
        *byte = (unsigned char)((*byte & ~(1 << shift)) | ((int)on << shift));
        NOTIFY(c, NOTIFY_STRING, "setbit", &c->argv[1]);
    }
    reply_int(c->out, old);
}

void getbit_command(struct client *c) {
    uint64_t off;
    if (!bit_offset(c, &c->argv[2], 0, &off)) return;
    char tmp[24];
    size_t len;
    int bad;
    const unsigned char *p = bits_for_read(c, &c->argv[1], tmp, &len, &bad, NULL);
    if (bad) return;
    uint64_t byte = off >> 3;
    reply_int(c->out, byte < len ? (p[byte] >> (7 - (off & 7))) & 1 : 0);
}

static long long popcount(const unsigned char *p, size_t n) {
    long long count = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        count += __builtin_popcountll(w);
    }
    for (; i < n; i++) count += __builtin_popcount(p[i]);
    return count;
}

/* The first bit equal to `bit` in p[0..n): its position, or for bit 0
 * with none found n * 8 (the bit after), for bit 1 -1. */
static long long first_bit(const unsigned char *p, size_t n, int bit) {
    unsigned char skip = bit ? 0x00 : 0xff;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == skip) continue;
        unsigned v = bit ? p[i] : (unsigned char)~p[i];
        return (long long)i * 8 + (__builtin_clz(v) - 24);
    }
    return bit ? -1 : (long long)n * 8;
}

/* start/end of BITCOUNT or BITPOS in bytes after Redis's clamping, with
 * the masks of the edge bits outside a BIT range. */
struct brange {
    long long start, end;
    unsigned char first_neg, last_neg;
};

static void clamp_range(struct brange *r, long long totlen, int isbit) {
    if (isbit) totlen <<= 3;
    if (r->start < 0) r->start += totlen;
    if (r->end < 0) r->end += totlen;
    if (r->start < 0) r->start = 0;
    if (r->end < 0) r->end = 0;
    if (r->end >= totlen) r->end = totlen - 1;
    r->first_neg = r->last_neg = 0;
    if (isbit && r->start <= r->end) {
        r->first_neg = (unsigned char)(~((1u << (8 - (r->start & 7))) - 1) & 0xff);
        r->last_neg = (unsigned char)((1u << (7 - (r->end & 7))) - 1);
        r->start >>= 3;
        r->end >>= 3;
    }
}

/* BYTE or BIT as the unit argument: 1 BIT, 0 BYTE, -1 (replied) otherwise. */
static int unit_arg(struct client *c, const struct arg *a) {
    if (ARG_IS(*a, "bit")) return 1;
    if (ARG_IS(*a, "byte")) return 0;
    reply_err(c, ERR_SYNTAX);
    return -1;
}

/* The bytes of argv[1] for BITCOUNT and BITPOS; NULL once answered: a
 * wrong type, or an absent key (`absent`, before the other arguments are
 * read, as Redis does). */
static const unsigned char *bits_or_answer(struct client *c, char *tmp, size_t *len, long long absent) {
    int bad;
    struct kv *o;
    const unsigned char *p = bits_for_read(c, &c->argv[1], tmp, len, &bad, &o);
    if (bad) return NULL;
    if (!o) {
        reply_int(c->out, absent);
        return NULL;
    }
    return p;
}

void bitcount_command(struct client *c) {
    char tmp[24];
    size_t len;
    const unsigned char *p = bits_or_answer(c, tmp, &len, 0);
    if (!p) return;
    struct brange r = {0, (long long)len - 1, 0, 0};
    if (c->argc == 4 || c->argc == 5) {
        if (!arg_ll(c, &c->argv[2], &r.start) || !arg_ll(c, &c->argv[3], &r.end)) return;
        if (r.start < 0 && r.end < 0 && r.start > r.end) {
            reply_int(c->out, 0);
            return;
        }
        int isbit = 0;
        if (c->argc == 5 && (isbit = unit_arg(c, &c->argv[4])) < 0) return;
        clamp_range(&r, (long long)len, isbit);
    } else if (c->argc != 2) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (r.start > r.end) {
        reply_int(c->out, 0);
        return;
    }
    long long count = popcount(p + r.start, (size_t)(r.end - r.start + 1));
    /* the bits of the edge bytes outside a BIT range */
    if (r.first_neg) count -= __builtin_popcount(p[r.start] & r.first_neg);
    if (r.last_neg) count -= __builtin_popcount(p[r.end] & r.last_neg);
    reply_int(c->out, count);
}

void bitpos_command(struct client *c) {
    long long bit;
    if (!arg_ll(c, &c->argv[2], &bit)) return;
    if (bit != 0 && bit != 1) {
        reply_err(c, "ERR The bit argument must be 1 or 0.");
        return;
    }
    char tmp[24];
    size_t len;
    /* (an absent key: an endless run of zeros) */
    const unsigned char *p = bits_or_answer(c, tmp, &len, bit ? -1 : 0);
    if (!p) return;
    struct brange r = {0, (long long)len - 1, 0, 0};
    int end_given = 0;
    if (c->argc >= 4 && c->argc <= 6) {
        if (!arg_ll(c, &c->argv[3], &r.start)) return;
        int isbit = 0;
        if (c->argc == 6 && (isbit = unit_arg(c, &c->argv[5])) < 0) return;
        if (c->argc >= 5) {
            if (!arg_ll(c, &c->argv[4], &r.end)) return;
            end_given = 1;
        } else {
            r.end = (long long)len - 1;
        }
        clamp_range(&r, (long long)len, isbit);
    } else if (c->argc != 3) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (r.start > r.end) {
        reply_int(c->out, -1); /* an empty range holds neither */
        return;
    }
    long long start = r.start, bytes = r.end - r.start + 1, pos;
    unsigned char one;
    if (r.first_neg) {
        /* the first byte, its bits before the range made the other value */
        one = bit ? p[start] & (unsigned char)~r.first_neg : p[start] | r.first_neg;
        if (r.last_neg && bytes == 1) one = bit ? one & (unsigned char)~r.last_neg : one | r.last_neg;
        pos = first_bit(&one, 1, (int)bit);
        if (bytes == 1 || (pos != -1 && pos != 8)) goto found;
        start++;
        bytes--;
    }
    {
        long long whole = bytes - (r.last_neg ? 1 : 0);
        if (whole > 0) {
            pos = first_bit(p + start, (size_t)whole, (int)bit);
            if (bytes == whole || (pos != -1 && pos != whole * 8)) goto found;
            start += whole;
            bytes -= whole;
        }
        one = bit ? p[r.end] & (unsigned char)~r.last_neg : p[r.end] | r.last_neg;
        pos = first_bit(&one, 1, (int)bit);
    }
found:
    /* a clear bit past an explicit end is not in the range */
    if (end_given && bit == 0 && pos == bytes * 8) {
        reply_int(c->out, -1);
        return;
    }
    if (pos != -1) pos += start * 8;
    reply_int(c->out, pos);
}

enum { BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT };

void bitop_command(struct client *c) {
    const struct arg *opa = &c->argv[1], *dest = &c->argv[2];
    int op;
    if (ARG_IS(*opa, "and")) op = BITOP_AND;
    else if (ARG_IS(*opa, "or")) op = BITOP_OR;
    else if (ARG_IS(*opa, "xor")) op = BITOP_XOR;
    else if (ARG_IS(*opa, "not")) op = BITOP_NOT;
    else {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (op == BITOP_NOT && c->argc != 4) {
        reply_err(c, "ERR BITOP NOT must be called with a single source key.");
        return;
    }
    int n = c->argc - 3;
    /* the sources (pointers into their values: the destination is only
     * replaced once the result is made) */
    const unsigned char **src = calloc((size_t)n, sizeof(*src));
    size_t *len = calloc((size_t)n, sizeof(*len));
    char (*tmp)[24] = calloc((size_t)n, sizeof(*tmp));
    if (!src || !len || !tmp) abort();
    size_t maxlen = 0;
    for (int j = 0; j < n; j++) {
        int bad;
        src[j] = bits_for_read(c, &c->argv[3 + j], tmp[j], &len[j], &bad, NULL);
        if (bad) goto out;
        if (len[j] > maxlen) maxlen = len[j];
    }
    if (maxlen) {
        struct rstr *res = rstr_new(NULL, 0, maxlen);
        unsigned char *r = (unsigned char *)res->p;
        for (size_t i = 0; i < maxlen; i++) {
            unsigned char v = i < len[0] ? src[0][i] : 0;
            if (op == BITOP_NOT) v = (unsigned char)~v;
            for (int j = 1; j < n; j++) {
                unsigned char b = i < len[j] ? src[j][i] : 0;
                if (op == BITOP_AND) v &= b;
                else if (op == BITOP_OR) v |= b;
                else v ^= b;
            }
            r[i] = v;
        }
        res->len = maxlen;
        /* (a new value: the old TTL goes, as SET without KEEPTTL) */
        db_set(c->db, kv_new_raw(dest->p, dest->len, res, -1));
        NOTIFY(c, NOTIFY_STRING, "set", dest);
    } else if (db_delete(c->db, dest->p, dest->len)) {
        NOTIFY(c, NOTIFY_GENERIC, "del", dest);
    }
    reply_int(c->out, (long long)maxlen);
out:
    free(src);
    free(len);
    free(tmp);
}

/* ---- BITFIELD ---- */

enum { BF_GET, BF_SET, BF_INCRBY };
enum { OW_WRAP, OW_SAT, OW_FAIL };

struct bfop {
    uint64_t offset;
    long long value;
    int op, ow, bits, sign;
};

static uint64_t get_ufield(const unsigned char *p, uint64_t off, int bits) {
    uint64_t v = 0;
    for (int j = 0; j < bits; j++, off++) v = (v << 1) | ((p[off >> 3] >> (7 - (off & 7))) & 1);
    return v;
}

static int64_t get_sfield(const unsigned char *p, uint64_t off, int bits) {
    uint64_t v = get_ufield(p, off, bits);
    if (bits < 64 && (v & ((uint64_t)1 << (bits - 1)))) v |= ~(uint64_t)0 << bits;
    return (int64_t)v;
}

static void set_field(unsigned char *p, uint64_t off, int bits, uint64_t v) {
    for (int j = 0; j < bits; j++, off++) {
        int b = (int)((v >> (bits - 1 - j)) & 1);
        int shift = 7 - (int)(off & 7);
        p[off >> 3] = (unsigned char)((p[off >> 3] & ~(1 << shift)) | (b << shift));
    }
}

/* Would value + incr overflow an unsigned field of `bits`? 1 over, -1
 * under, 0 fits; *limit is what WRAP or SAT stores then. */
static int u_overflow(uint64_t value, int64_t incr, int bits, int ow, uint64_t *limit) {
    uint64_t max = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    int64_t maxincr = (int64_t)(max - value), minincr = (int64_t)(0 - value);
    int r = 0;
    if (value > max || (incr > 0 && incr > maxincr)) r = 1;
    else if (incr < 0 && incr < minincr) r = -1;
    if (!r) return 0;
    if (ow == OW_WRAP) *limit = (value + (uint64_t)incr) & ~(~(uint64_t)0 << bits);
    else if (ow == OW_SAT) *limit = r > 0 ? max : 0;
    return r;
}

static int s_overflow(int64_t value, int64_t incr, int bits, int ow, int64_t *limit) {
    int64_t max = bits == 64 ? INT64_MAX : (int64_t)(((uint64_t)1 << (bits - 1)) - 1);
    int64_t min = -max - 1;
    /* (computed unsigned: only used once value is known in range) */
    int64_t maxincr = (int64_t)((uint64_t)max - (uint64_t)value);
    int64_t minincr = (int64_t)((uint64_t)min - (uint64_t)value);
    int r = 0;
    if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) r = 1;
    else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) r = -1;
    if (!r) return 0;
    if (ow == OW_WRAP) {
        uint64_t sum = (uint64_t)value + (uint64_t)incr;
        if (bits < 64) {
            uint64_t mask = ~(uint64_t)0 << bits;
            if (sum & ((uint64_t)1 << (bits - 1))) sum |= mask;
            else sum &= ~mask;
        }
        *limit = (int64_t)sum;
    } else if (ow == OW_SAT) {
        *limit = r > 0 ? max : min;
    }
    return r;
}

static int field_type(struct client *c, const struct arg *a, int *sign, int *bits) {
    long long n;
    if (a->len < 2 || (a->p[0] != 'i' && a->p[0] != 'u') || !str_to_ll(a->p + 1, a->len - 1, &n) || n < 1 ||
        n > (a->p[0] == 'i' ? 64 : 63)) {
        reply_err(c, "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
                     "is.");
        return 0;
    }
    *sign = a->p[0] == 'i';
    *bits = (int)n;
    return 1;
}

static void bitfield_generic(struct client *c, int ro) {
    struct bfop *ops = malloc(sizeof(*ops) * (size_t)(c->argc / 2 + 1));
    if (!ops) abort();
    int nops = 0, ow = OW_WRAP, readonly = 1;
    uint64_t highest = 0;
    for (int j = 2; j < c->argc; j++) {
        int rem = c->argc - j - 1;
        const struct arg *sub = &c->argv[j];
        int op;
        if (ARG_IS(*sub, "get") && rem >= 2) {
            op = BF_GET;
        } else if (ARG_IS(*sub, "set") && rem >= 3) {
            op = BF_SET;
        } else if (ARG_IS(*sub, "incrby") && rem >= 3) {
            op = BF_INCRBY;
        } else if (ARG_IS(*sub, "overflow") && rem >= 1) {
            const struct arg *t = &c->argv[++j];
            if (ARG_IS(*t, "wrap")) ow = OW_WRAP;
            else if (ARG_IS(*t, "sat")) ow = OW_SAT;
            else if (ARG_IS(*t, "fail")) ow = OW_FAIL;
            else {
                reply_err(c, "ERR Invalid OVERFLOW type specified");
                goto out;
            }
            continue;
        } else {
            reply_err(c, ERR_SYNTAX);
            goto out;
        }
        struct bfop *o = &ops[nops];
        if (!field_type(c, &c->argv[j + 1], &o->sign, &o->bits)) goto out;
        if (!bit_offset(c, &c->argv[j + 2], o->bits, &o->offset)) goto out;
        o->value = 0;
        if (op != BF_GET) {
            readonly = 0;
            if (highest < o->offset + (uint64_t)o->bits - 1) highest = o->offset + (uint64_t)o->bits - 1;
            if (!arg_ll(c, &c->argv[j + 3], &o->value)) goto out;
        }
        o->op = op;
        o->ow = ow;
        nops++;
        j += op == BF_GET ? 2 : 3;
    }
    struct rstr *s = NULL;
    const unsigned char *rp = NULL;
    size_t rlen = 0;
    char tmp[24];
    int grew = 0;
    if (readonly) {
        int bad;
        rp = bits_for_read(c, &c->argv[1], tmp, &rlen, &bad, NULL);
        if (bad) goto out;
    } else {
        if (ro) {
            reply_err(c, "ERR BITFIELD_RO only supports the GET subcommand");
            goto out;
        }
        if (!(s = bits_for_write(c, &c->argv[1], highest, &grew))) goto out;
    }
    reply_array(c->out, nops);
    int changes = 0;
    for (int j = 0; j < nops; j++) {
        struct bfop *o = &ops[j];
        if (o->op == BF_GET) {
            /* from a zero-padded copy of the (up to) 9 bytes it spans */
            const unsigned char *p = s ? (const unsigned char *)s->p : rp;
            size_t plen = s ? s->len : rlen;
            unsigned char buf[9] = {0};
            uint64_t byte = o->offset >> 3;
            for (uint64_t i = 0; i < 9 && byte + i < plen; i++) buf[i] = p[byte + i];
            uint64_t rel = o->offset - byte * 8;
            if (o->sign) reply_int(c->out, get_sfield(buf, rel, o->bits));
            else reply_int(c->out, (long long)get_ufield(buf, rel, o->bits));
            continue;
        }
        unsigned char *p = (unsigned char *)s->p;
        int over;
        if (o->sign) {
            int64_t old = get_sfield(p, o->offset, o->bits), nv, lim = 0, ret;
            if (o->op == BF_INCRBY) {
                over = s_overflow(old, o->value, o->bits, o->ow, &lim);
                nv = over ? lim : (int64_t)((uint64_t)old + (uint64_t)o->value);
                ret = nv;
            } else {
                nv = o->value;
                over = s_overflow(nv, 0, o->bits, o->ow, &lim);
                if (over) nv = lim;
                ret = old;
            }
            if (over && o->ow == OW_FAIL) {
                reply_null(c->out, c->resp);
                continue;
            }
            reply_int(c->out, ret);
            set_field(p, o->offset, o->bits, (uint64_t)nv);
            if (grew || nv != old) changes++;
        } else {
            uint64_t old = get_ufield(p, o->offset, o->bits), nv, lim = 0, ret;
            if (o->op == BF_INCRBY) {
                over = u_overflow(old, o->value, o->bits, o->ow, &lim);
                nv = over ? lim : old + (uint64_t)o->value;
                ret = nv;
            } else {
                nv = (uint64_t)o->value;
                over = u_overflow(nv, 0, o->bits, o->ow, &lim);
                if (over) nv = lim;
                ret = old;
            }
            if (over && o->ow == OW_FAIL) {
                reply_null(c->out, c->resp);
                continue;
            }
            reply_int(c->out, (long long)ret);
            set_field(p, o->offset, o->bits, nv);
            if (grew || nv != old) changes++;
        }
    }
    if (changes) NOTIFY(c, NOTIFY_STRING, "setbit", &c->argv[1]);
out:
    free(ops);
}

void bitfield_command(struct client *c) { bitfield_generic(c, 0); }
void bitfield_ro_command(struct client *c) { bitfield_generic(c, 1); }
