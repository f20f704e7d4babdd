/*
 * string.c - the string commands (GET/SET family, counters, ranges, LCS).
 *
 * Values live in the key's object (see db/object.h): integers as int64,
 * short strings inline, longer or appended-to strings in a separate buffer.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "stringtype.h"

/* Flags of the SET/GETEX option parser. */
#define O_NX 0x01
#define O_XX 0x02
#define O_GET 0x04
#define O_KEEPTTL 0x08
#define O_PERSIST 0x10
#define O_EX 0x20
#define O_PX 0x40
#define O_EXAT 0x80
#define O_PXAT 0x100
#define O_ANY_EXP (O_EX | O_PX | O_EXAT | O_PXAT)

enum { FOR_SET, FOR_GETEX };

/* Parse SET / GETEX options starting at argv[from]. Returns 1 or replies. */
static int parse_set_opts(struct client *c, int from, int kind, int *flags, const struct arg **exp) {
    *flags = 0;
    *exp = NULL;
    for (int j = from; j < c->argc; j++) {
        const struct arg *o = &c->argv[j];
        int has_next = j + 1 < c->argc;
        int f = *flags;
        if (kind == FOR_SET && ARG_IS(*o, "nx") && !(f & O_XX)) *flags |= O_NX;
        else if (kind == FOR_SET && ARG_IS(*o, "xx") && !(f & O_NX)) *flags |= O_XX;
        else if (kind == FOR_SET && ARG_IS(*o, "get")) *flags |= O_GET;
        else if (kind == FOR_SET && ARG_IS(*o, "keepttl") && !(f & (O_PERSIST | O_ANY_EXP)))
            *flags |= O_KEEPTTL;
        else if (kind == FOR_GETEX && ARG_IS(*o, "persist") && !(f & (O_ANY_EXP | O_KEEPTTL)))
            *flags |= O_PERSIST;
        else if (ARG_IS(*o, "ex") && !(f & (O_KEEPTTL | O_PERSIST | O_EXAT | O_PX | O_PXAT)) && has_next) {
            *flags |= O_EX;
            *exp = &c->argv[++j];
        } else if (ARG_IS(*o, "px") && !(f & (O_KEEPTTL | O_PERSIST | O_EX | O_EXAT | O_PXAT)) && has_next) {
            *flags |= O_PX;
            *exp = &c->argv[++j];
        } else if (ARG_IS(*o, "exat") && !(f & (O_KEEPTTL | O_PERSIST | O_EX | O_PX | O_PXAT)) && has_next) {
            *flags |= O_EXAT;
            *exp = &c->argv[++j];
        } else if (ARG_IS(*o, "pxat") && !(f & (O_KEEPTTL | O_PERSIST | O_EX | O_EXAT | O_PX)) && has_next) {
            *flags |= O_PXAT;
            *exp = &c->argv[++j];
        } else {
            reply_err(c, ERR_SYNTAX);
            return 0;
        }
    }
    return 1;
}

static void reply_bad_expire(struct client *c) {
    reply_errf(c, "ERR invalid expire time in '%s' command", c->cmd->name);
}

/* Turn an expire argument into absolute milliseconds; replies on error. */
static int expire_arg_ms(struct client *c, const struct arg *a, int seconds, int relative,
                         long long *out) {
    long long v;
    if (!arg_ll(c, a, &v)) return 0;
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
        reply_bad_expire(c);
        return 0;
    }
    if (seconds) v *= 1000;
    if (relative) {
        if (v > LLONG_MAX - db_now_ms) {
            reply_bad_expire(c);
            return 0;
        }
        v += db_now_ms;
    }
    *out = v;
    return 1;
}

static int opts_expire_ms(struct client *c, int flags, const struct arg *exp, long long *out) {
    *out = -1;
    if (!exp) return 1;
    return expire_arg_ms(c, exp, (flags & (O_EX | O_EXAT)) != 0, (flags & (O_EX | O_PX)) != 0, out);
}

static void reply_string_value(struct client *c, const struct kv *o) {
    char tmp[24];
    size_t len;
    const char *s = kv_str(o, tmp, &len);
    reply_bulk(c->out, s, len);
}

/* GET's reply for a key; returns 0 after a WRONGTYPE error. */
static int get_generic(struct client *c, const struct arg *key) {
    int bad;
    struct kv *o = lookup_typed(c, key, OBJ_STRING, &bad);
    if (bad) return 0;
    if (!o) reply_null(c->out, c->resp);
    else reply_string_value(c, o);
    return 1;
}

void get_command(struct client *c) { get_generic(c, &c->argv[1]); }

/* Store key=val with the given absolute expire (-1 none, -2 keep the old),
 * `old`/`pos` being the key's current lookup result. */
static void set_value_at(struct client *c, struct kv *old, struct dict_pos *pos,
                         const struct arg *key, const struct arg *val, long long expire) {
    if (expire == -2) expire = old ? kv_expire(old) : -1;
    struct kv *o = kv_new_string(key->p, key->len, val->p, val->len, expire);
    if (old) db_replace(c->db, pos, o);
    else db_add_new(c->db, o);
}

static void set_value(struct client *c, const struct arg *key, const struct arg *val, long long expire) {
    struct dict_pos pos;
    struct kv *old = db_find_pos(c->db, key->p, key->len, &pos);
    set_value_at(c, old, &pos, key, val, expire);
}

static void set_generic(struct client *c, int flags, const struct arg *key, const struct arg *val,
                        long long expire, int ok_is_one) {
    if ((flags & O_GET) && !get_generic(c, key)) return;
    struct dict_pos pos;
    struct kv *cur = db_find_pos(c->db, key->p, key->len, &pos);
    if (((flags & O_NX) && cur) || ((flags & O_XX) && !cur)) {
        if (!(flags & O_GET)) {
            if (ok_is_one) reply_int(c->out, 0);
            else reply_null(c->out, c->resp);
        }
        return;
    }
    set_value_at(c, cur, &pos, key, val, (flags & O_KEEPTTL) ? -2 : expire);
    NOTIFY(c, NOTIFY_STRING, "set", key);
    if (expire >= 0 && !(flags & O_KEEPTTL)) NOTIFY(c, NOTIFY_GENERIC, "expire", key);
    if (!(flags & O_GET)) {
        if (ok_is_one) reply_int(c->out, 1);
        else reply_ok(c->out);
    }
}

void set_command(struct client *c) {
    int flags;
    const struct arg *exp;
    long long ms;
    if (!parse_set_opts(c, 3, FOR_SET, &flags, &exp)) return;
    if (!opts_expire_ms(c, flags, exp, &ms)) return;
    set_generic(c, flags, &c->argv[1], &c->argv[2], ms, 0);
}

void setnx_command(struct client *c) { set_generic(c, O_NX, &c->argv[1], &c->argv[2], -1, 1); }

static void setex_generic(struct client *c, int seconds) {
    long long ms;
    if (!expire_arg_ms(c, &c->argv[2], seconds, 1, &ms)) return;
    set_generic(c, 0, &c->argv[1], &c->argv[3], ms, 0);
}

void setex_command(struct client *c) { setex_generic(c, 1); }
void psetex_command(struct client *c) { setex_generic(c, 0); }

void getset_command(struct client *c) {
    if (!get_generic(c, &c->argv[1])) return;
    set_value(c, &c->argv[1], &c->argv[2], -1);
    NOTIFY(c, NOTIFY_STRING, "set", &c->argv[1]);
}

void getdel_command(struct client *c) {
    if (!get_generic(c, &c->argv[1])) return;
    if (db_delete(c->db, c->argv[1].p, c->argv[1].len)) NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[1]);
}

void getex_command(struct client *c) {
    int flags;
    const struct arg *exp;
    long long ms;
    if (!parse_set_opts(c, 2, FOR_GETEX, &flags, &exp)) return;
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, c->argv[1].p, c->argv[1].len, &pos);
    if (!o) {
        if (c->db->misses) (*c->db->misses)++;
        NOTIFY(c, NOTIFY_KEY_MISS, "keymiss", &c->argv[1]);
        reply_null(c->out, c->resp);
        return;
    }
    if (kv_type(o) != OBJ_STRING) {
        reply_err(c, ERR_WRONGTYPE);
        return;
    }
    /* as Redis: the time is checked only once the key is known to be a string */
    if (!opts_expire_ms(c, flags, exp, &ms)) return;
    reply_string_value(c, o);
    if (ms >= 0 && ms <= db_now_ms && (flags & (O_EXAT | O_PXAT))) {
        db_delete_at(c->db, &pos);
        NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[1]);
    } else if (ms >= 0) {
        db_set_expire(c->db, &pos, ms);
        NOTIFY(c, NOTIFY_GENERIC, "expire", &c->argv[1]);
    } else if ((flags & O_PERSIST) && kv_has_expire(o)) {
        db_set_expire(c->db, &pos, -1);
        NOTIFY(c, NOTIFY_GENERIC, "persist", &c->argv[1]);
    }
}

void mget_command(struct client *c) {
    reply_array(c->out, c->argc - 1);
    for (int i = 1; i < c->argc; i++) {
        struct kv *o = lookup_read(c, &c->argv[i]);
        if (!o || kv_type(o) != OBJ_STRING) reply_null(c->out, c->resp);
        else reply_string_value(c, o);
    }
}

void mset_command(struct client *c) {
    if (c->argc % 2 == 0) {
        reply_errf(c, "ERR wrong number of arguments for '%s' command", c->cmd->name);
        return;
    }
    for (int i = 1; i < c->argc; i += 2) {
        set_value(c, &c->argv[i], &c->argv[i + 1], -1);
        NOTIFY(c, NOTIFY_STRING, "set", &c->argv[i]);
    }
    reply_ok(c->out);
}

void msetnx_command(struct client *c) {
    if (c->argc % 2 == 0) {
        reply_errf(c, "ERR wrong number of arguments for '%s' command", c->cmd->name);
        return;
    }
    for (int i = 1; i < c->argc; i += 2) {
        if (db_find(c->db, c->argv[i].p, c->argv[i].len, 0)) {
            reply_int(c->out, 0);
            return;
        }
    }
    for (int i = 1; i < c->argc; i += 2) {
        set_value(c, &c->argv[i], &c->argv[i + 1], -1);
        NOTIFY(c, NOTIFY_STRING, "set", &c->argv[i]);
    }
    reply_int(c->out, 1);
}

static void incr_generic(struct client *c, long long by) {
    struct dict_pos pos;
    const struct arg *key = &c->argv[1];
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    long long v = 0;
    if (o && kv_type(o) != OBJ_STRING) {
        reply_err(c, ERR_WRONGTYPE);
        return;
    }
    if (o && !kv_str_int(o, &v)) {
        reply_err(c, ERR_NOT_INT);
        return;
    }
    if ((by < 0 && v < 0 && by < LLONG_MIN - v) || (by > 0 && v > 0 && by > LLONG_MAX - v)) {
        reply_err(c, ERR_OVERFLOW);
        return;
    }
    v += by;
    if (o && kv_enc(o) == ENC_INT) {
        memcpy(kv_val(o), &v, 8);
    } else {
        struct kv *n = kv_new_int(key->p, key->len, v, o ? kv_expire(o) : -1);
        if (o) db_replace(c->db, &pos, n);
        else db_set(c->db, n);
    }
    NOTIFY(c, NOTIFY_STRING, "incrby", key);
    reply_int(c->out, v);
}

void incr_command(struct client *c) { incr_generic(c, 1); }
void decr_command(struct client *c) { incr_generic(c, -1); }

void incrby_command(struct client *c) {
    long long by;
    if (arg_ll(c, &c->argv[2], &by)) incr_generic(c, by);
}

void decrby_command(struct client *c) {
    long long by;
    if (!arg_ll(c, &c->argv[2], &by)) return;
    if (by == LLONG_MIN) {
        reply_err(c, "ERR decrement would overflow");
        return;
    }
    incr_generic(c, -by);
}

void incrbyfloat_command(struct client *c) {
    struct dict_pos pos;
    const struct arg *key = &c->argv[1];
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    long double v = 0, by;
    if (o && kv_type(o) != OBJ_STRING) {
        reply_err(c, ERR_WRONGTYPE);
        return;
    }
    if (o) {
        char tmp[24];
        size_t len;
        const char *s = kv_str(o, tmp, &len);
        if (!str_to_ld(s, len, &v)) {
            reply_err(c, ERR_NOT_FLOAT);
            return;
        }
    }
    if (!str_to_ld(c->argv[2].p, c->argv[2].len, &by)) {
        reply_err(c, ERR_NOT_FLOAT);
        return;
    }
    v += by;
    if (isnan(v) || isinf(v)) {
        reply_err(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    char out[5200];
    int n = ld_to_str(out, sizeof(out), v);
    if (n < 0) {
        reply_err(c, ERR_NOT_FLOAT);
        return;
    }
    /* a formatted float is never int-encoded, even when it reads "6" */
    struct kv *nw = kv_new_text(key->p, key->len, out, (size_t)n, o ? kv_expire(o) : -1);
    if (o) db_replace(c->db, &pos, nw);
    else db_set(c->db, nw);
    NOTIFY(c, NOTIFY_STRING, "incrbyfloat", key);
    reply_bulk(c->out, out, (size_t)n);
}

/* Make the value of o a raw, growable string of at least `need` bytes
 * capacity; returns the (possibly new) object, already in the db. */
struct kv *string_make_raw(struct client *c, struct dict_pos *pos, struct kv *o, size_t need) {
    if (kv_enc(o) == ENC_RAW) {
        struct rstr *s = kv_ptr(o);
        if (s->cap < need) kv_set_ptr(o, rstr_grow(s, need));
        return o;
    }
    char tmp[24];
    size_t len, kl;
    const char *v = kv_str(o, tmp, &len);
    const char *k = kv_key(o, &kl);
    struct rstr *s = rstr_new(v, len, need > len ? need : len);
    struct kv *n = kv_new_raw(k, kl, s, kv_expire(o));
    db_replace(c->db, pos, n);
    return n;
}

void append_command(struct client *c) {
    struct dict_pos pos;
    const struct arg *key = &c->argv[1], *val = &c->argv[2];
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    if (!o) {
        /* a new key holds the argument as SET would store it (int, embstr, raw) */
        db_set(c->db, kv_new_string(key->p, key->len, val->p, val->len, -1));
        NOTIFY(c, NOTIFY_STRING, "append", key);
        reply_int(c->out, (long long)val->len);
        return;
    }
    if (kv_type(o) != OBJ_STRING) {
        reply_err(c, ERR_WRONGTYPE);
        return;
    }
    char tmp[24];
    size_t len;
    kv_str(o, tmp, &len);
    if (!check_string_length(c, (unsigned long long)len + val->len)) return;
    o = string_make_raw(c, &pos, o, len + val->len);
    struct rstr *s = kv_ptr(o);
    memcpy(s->p + s->len, val->p, val->len);
    s->len += val->len;
    NOTIFY(c, NOTIFY_STRING, "append", key);
    reply_int(c->out, (long long)s->len);
}

void strlen_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_STRING, &bad);
    if (bad) return;
    size_t len = 0;
    char tmp[24];
    if (o) kv_str(o, tmp, &len);
    reply_int(c->out, (long long)len);
}

void getrange_command(struct client *c) {
    long long start, end;
    if (!arg_ll(c, &c->argv[2], &start) || !arg_ll(c, &c->argv[3], &end)) return;
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_STRING, &bad);
    if (bad) return;
    char tmp[24];
    size_t len = 0;
    const char *s = o ? kv_str(o, tmp, &len) : "";
    if (start < 0 && end < 0 && start > end) {
        reply_bulk(c->out, "", 0);
        return;
    }
    long long slen = (long long)len;
    if (start < 0) start += slen;
    if (end < 0) end += slen;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= slen) end = slen - 1;
    if (slen == 0 || start > end) reply_bulk(c->out, "", 0);
    else reply_bulk(c->out, s + start, (size_t)(end - start + 1));
}

void setrange_command(struct client *c) {
    long long off;
    if (!arg_ll(c, &c->argv[2], &off)) return;
    if (off < 0) {
        reply_err(c, "ERR offset is out of range");
        return;
    }
    const struct arg *key = &c->argv[1], *val = &c->argv[3];
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    if (o && kv_type(o) != OBJ_STRING) {
        reply_err(c, ERR_WRONGTYPE);
        return;
    }
    char tmp[24];
    size_t len = 0;
    if (o) kv_str(o, tmp, &len);
    if (val->len == 0) {
        reply_int(c->out, (long long)len);
        return;
    }
    if (!check_string_length(c, (unsigned long long)off + val->len)) return;
    size_t need = (size_t)off + val->len;
    if (!o) {
        struct rstr *s = rstr_new(NULL, 0, need);
        memset(s->p, 0, need);
        s->len = need;
        memcpy(s->p + off, val->p, val->len);
        db_set(c->db, kv_new_raw(key->p, key->len, s, -1));
        NOTIFY(c, NOTIFY_STRING, "setrange", key);
        reply_int(c->out, (long long)need);
        return;
    }
    o = string_make_raw(c, &pos, o, need);
    struct rstr *s = kv_ptr(o);
    if (s->len < need) {
        memset(s->p + s->len, 0, need - s->len);
        s->len = need;
    }
    memcpy(s->p + off, val->p, val->len);
    NOTIFY(c, NOTIFY_STRING, "setrange", key);
    reply_int(c->out, (long long)s->len);
}

/* ---- LCS ---- */

struct lcs_range {
    long long a0, a1, b0, b1, len;
};

void lcs_command(struct client *c) {
    int want_len = 0, want_idx = 0, with_len = 0;
    long long minlen = 0;
    struct kv *oa = lookup_read(c, &c->argv[1]), *ob = lookup_read(c, &c->argv[2]);
    if ((oa && kv_type(oa) != OBJ_STRING) || (ob && kv_type(ob) != OBJ_STRING)) {
        reply_err(c, "ERR The specified keys must contain string values");
        return;
    }
    for (int j = 3; j < c->argc; j++) {
        const struct arg *o = &c->argv[j];
        if (ARG_IS(*o, "idx")) want_idx = 1;
        else if (ARG_IS(*o, "len")) want_len = 1;
        else if (ARG_IS(*o, "withmatchlen")) with_len = 1;
        else if (ARG_IS(*o, "minmatchlen") && j + 1 < c->argc) {
            if (!arg_ll(c, &c->argv[++j], &minlen)) return;
            if (minlen < 0) minlen = 0;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if (want_idx && want_len) {
        reply_err(c, "ERR If you want both the length and indexes, please just use IDX.");
        return;
    }
    char ta[24], tb[24];
    size_t alen = 0, blen = 0;
    const char *a = oa ? kv_str(oa, ta, &alen) : "";
    const char *b = ob ? kv_str(ob, tb, &blen) : "";
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    if (cells > (unsigned long long)c->sh->cfg.proto_max_bulk_len / sizeof(uint32_t) ||
        cells / (blen + 1) != alen + 1) {
        reply_err(c, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return;
    }
    uint32_t *t = malloc(cells * sizeof(uint32_t));
    if (!t) {
        reply_err(c, "ERR Insufficient memory, failed allocating transient memory for LCS");
        return;
    }
#define L(i, j) t[(size_t)(j) * (alen + 1) + (size_t)(i)]
    for (size_t i = 0; i <= alen; i++) {
        for (size_t j = 0; j <= blen; j++) {
            if (i == 0 || j == 0) L(i, j) = 0;
            else if (a[i - 1] == b[j - 1]) L(i, j) = L(i - 1, j - 1) + 1;
            else L(i, j) = L(i - 1, j) > L(i, j - 1) ? L(i - 1, j) : L(i, j - 1);
        }
    }
    uint32_t total = L(alen, blen);
    if (want_len) {
        reply_int(c->out, total);
        free(t);
        return;
    }
    char *res = want_idx ? NULL : malloc(total + 1);
    if (!want_idx && !res) abort();
    struct buf ranges = {0};
    long long nranges = 0;
    size_t i = alen, j = blen, idx = total;
    long long as = (long long)alen, ae = 0, bs = 0, be = 0; /* as == alen: no range open */
    while (i > 0 && j > 0) {
        int emit = 0;
        if (a[i - 1] == b[j - 1]) {
            if (res) res[--idx] = a[i - 1];
            if (as == (long long)alen) {
                as = ae = (long long)i - 1;
                bs = be = (long long)j - 1;
            } else if (as == (long long)i && bs == (long long)j) {
                as--;
                bs--;
            } else {
                emit = 1;
            }
            if (as == 0 || bs == 0) emit = 1;
            i--;
            j--;
        } else {
            if (L(i - 1, j) > L(i, j - 1)) i--;
            else j--;
            if (as != (long long)alen) emit = 1;
        }
        if (emit) {
            long long mlen = ae - as + 1;
            if (want_idx && (minlen == 0 || mlen >= minlen)) {
                struct lcs_range r = {as, ae, bs, be, mlen};
                buf_put(&ranges, &r, sizeof(r));
                nranges++;
            }
            as = (long long)alen;
        }
    }
#undef L
    free(t);
    if (!want_idx) {
        reply_bulk(c->out, res, total);
        free(res);
        return;
    }
    reply_map(c->out, c->resp, 2);
    reply_bulkc(c->out, "matches");
    reply_array(c->out, nranges);
    for (long long k = 0; k < nranges; k++) {
        struct lcs_range r;
        memcpy(&r, ranges.p + k * (long long)sizeof(r), sizeof(r));
        reply_array(c->out, with_len ? 3 : 2);
        reply_array(c->out, 2);
        reply_int(c->out, r.a0);
        reply_int(c->out, r.a1);
        reply_array(c->out, 2);
        reply_int(c->out, r.b0);
        reply_int(c->out, r.b1);
        if (with_len) reply_int(c->out, r.len);
    }
    reply_bulkc(c->out, "len");
    reply_int(c->out, total);
    buf_free(&ranges);
}
