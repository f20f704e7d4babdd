/*
 * object.c - building, copying and freeing key/value objects.
 */
#include "object.h"

#include <stdio.h>
#include <stdlib.h>

#include "../util/util.h"
#include "lru.h"

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory allocating %zu bytes\n", n);
        abort();
    }
    return p;
}

struct kv *kv_alloc(const char *key, size_t klen, int type, int enc, size_t vbytes,
                    long long expire) {
    size_t hdr = KV_HDR + (expire >= 0 ? 8 : 0);
    struct kv *o = xmalloc(hdr + varint_len(klen) + klen + vbytes);
    o->type_enc = (uint8_t)(type | (enc << 4));
    o->flags = 0;
    kv_set_lru(o, lru_clock());
    unsigned char *p = o->data;
    if (expire >= 0) {
        o->flags |= KV_EXPIRE;
        memcpy(p, &expire, 8);
        p += 8;
    }
    p += varint_put(p, klen);
    memcpy(p, key, klen);
    return o;
}

const struct type_ops *g_type_ops[OBJ_TYPES];

void type_register(int type, const struct type_ops *ops) { g_type_ops[type] = ops; }

struct kv *kv_new_ptr(const char *key, size_t klen, int type, int enc, void *v, long long expire) {
    struct kv *o = kv_alloc(key, klen, type, enc, sizeof(void *), expire);
    kv_set_ptr(o, v);
    return o;
}

const char *kv_type_name(const struct kv *o) {
    if (!o) return "none";
    if (kv_type(o) == OBJ_STRING) return "string";
    return g_type_ops[kv_type(o)]->name;
}

const char *kv_enc_name(const struct kv *o) {
    if (kv_type(o) != OBJ_STRING) return g_type_ops[kv_type(o)]->encoding(kv_enc(o));
    switch (kv_enc(o)) {
    case ENC_INT: return "int";
    case ENC_EMBSTR: return "embstr";
    default: return "raw";
    }
}

struct kv *kv_new_int(const char *key, size_t klen, long long v, long long expire) {
    struct kv *o = kv_alloc(key, klen, OBJ_STRING, ENC_INT, 8, expire);
    memcpy(kv_val(o), &v, 8);
    return o;
}

struct rstr *rstr_new(const char *p, size_t len, size_t cap) {
    if (cap < len) cap = len;
    struct rstr *s = xmalloc(sizeof(*s) + cap);
    s->len = len;
    s->cap = cap;
    if (len) memcpy(s->p, p, len);
    return s;
}

struct rstr *rstr_grow(struct rstr *s, size_t need) {
    if (s->cap >= need) return s;
    size_t cap = need < (1 << 20) ? need * 2 : need + (1 << 20);
    struct rstr *n = realloc(s, sizeof(*s) + cap);
    if (!n) abort();
    n->cap = cap;
    return n;
}

struct kv *kv_new_raw(const char *key, size_t klen, struct rstr *s, long long expire) {
    struct kv *o = kv_alloc(key, klen, OBJ_STRING, ENC_RAW, sizeof(void *), expire);
    kv_set_ptr(o, s);
    return o;
}

struct kv *kv_new_string(const char *key, size_t klen, const char *val, size_t vlen,
                         long long expire) {
    long long v;
    if (vlen <= 20 && str_to_ll(val, vlen, &v)) return kv_new_int(key, klen, v, expire);
    return kv_new_text(key, klen, val, vlen, expire);
}

struct kv *kv_new_text(const char *key, size_t klen, const char *val, size_t vlen,
                       long long expire) {
    if (vlen <= EMBSTR_MAX) {
        struct kv *o = kv_alloc(key, klen, OBJ_STRING, ENC_EMBSTR, varint_len(vlen) + vlen, expire);
        unsigned char *p = kv_val(o);
        p += varint_put(p, vlen);
        memcpy(p, val, vlen);
        return o;
    }
    return kv_new_raw(key, klen, rstr_new(val, vlen, vlen), expire);
}

/* A copy keeps the encoding it had: "1000" written by INCRBYFLOAT stays
 * embstr, as Redis's copies of the object do. */
static struct kv *kv_new_string_as(int enc, const char *key, size_t klen, const char *val,
                                   size_t vlen, long long expire) {
    if (enc == ENC_RAW) return kv_new_raw(key, klen, rstr_new(val, vlen, vlen), expire);
    if (enc == ENC_EMBSTR) return kv_new_text(key, klen, val, vlen, expire);
    return kv_new_string(key, klen, val, vlen, expire);
}

long long kv_weight(const struct kv *o) {
    if (kv_type(o) == OBJ_STRING) {
        if (kv_enc(o) == ENC_INT) return 20; /* (at most) */
        char tmp[32];
        size_t len = 0;
        kv_str(o, tmp, &len);
        return (long long)len;
    }
    const struct type_ops *ops = g_type_ops[kv_type(o)];
    /* (a quicklist's nodes are packs of up to 8 KB: its bytes, one
     * step per node) */
    if (kv_type(o) == OBJ_LIST && kv_enc(o) != ENC_LISTPACK) return (long long)ops->mem_usage(kv_ptr(o), kv_enc(o));
    size_t n = ops->cost ? ops->cost(kv_ptr(o), kv_enc(o)) : 1;
    return n > 1 ? (long long)n * 16 : 0;
}

const char *kv_str(const struct kv *o, char *tmp, size_t *len) {
    const unsigned char *p = kv_val(o);
    switch (kv_enc(o)) {
    case ENC_INT: {
        long long v;
        memcpy(&v, p, 8);
        *len = (size_t)ll_to_str(tmp, v);
        return tmp;
    }
    case ENC_EMBSTR: {
        uint64_t l;
        p += varint_get(p, &l);
        *len = (size_t)l;
        return (const char *)p;
    }
    default: {
        struct rstr *s = kv_ptr(o);
        *len = s->len;
        return s->p;
    }
    }
}

int kv_str_int(const struct kv *o, long long *v) {
    if (kv_enc(o) == ENC_INT) {
        memcpy(v, kv_val(o), 8);
        return 1;
    }
    char tmp[24];
    size_t len;
    const char *s = kv_str(o, tmp, &len);
    return str_to_ll(s, len, v);
}

struct kv *kv_dup(const struct kv *o, const char *key, size_t klen, long long expire) {
    char tmp[24];
    size_t len;
    const char *s;
    if (kv_type(o) != OBJ_STRING) {
        const struct type_ops *ops = g_type_ops[kv_type(o)];
        return kv_new_ptr(key, klen, kv_type(o), kv_enc(o), ops->dup(kv_ptr(o), kv_enc(o)), expire);
    }
    s = kv_str(o, tmp, &len);
    return kv_new_string_as(kv_enc(o), key, klen, s, len, expire);
}

struct kv *kv_with_expire(struct kv *o, long long expire) {
    int had = kv_has_expire(o);
    if (had && expire >= 0) {
        memcpy(o->data, &expire, 8);
        return o;
    }
    if (!had && expire < 0) return o;
    size_t klen;
    kv_key(o, &klen);
    size_t body = (size_t)(kv_val(o) - o->data) - (had ? 8 : 0);
    size_t vbytes;
    switch (kv_type(o) == OBJ_STRING ? kv_enc(o) : ENC_RAW) {
    case ENC_INT: vbytes = 8; break;
    case ENC_EMBSTR: {
        uint64_t l;
        size_t h = varint_get(kv_val(o), &l);
        vbytes = h + l;
        break;
    }
    default: vbytes = sizeof(void *); break;
    }
    size_t total = body + vbytes;
    struct kv *n = xmalloc(KV_HDR + (expire >= 0 ? 8 : 0) + total);
    n->type_enc = o->type_enc;
    n->flags = (uint8_t)((o->flags & ~KV_EXPIRE) | (expire >= 0 ? KV_EXPIRE : 0));
    memcpy(n->lru, o->lru, 3);
    unsigned char *dst = n->data;
    if (expire >= 0) {
        memcpy(dst, &expire, 8);
        dst += 8;
    }
    memcpy(dst, o->data + (had ? 8 : 0), total);
    free(o);
    return n;
}

void kv_free(struct kv *o) {
    if (kv_type(o) != OBJ_STRING) g_type_ops[kv_type(o)]->free(kv_ptr(o), kv_enc(o));
    else if (kv_enc(o) == ENC_RAW) free(kv_ptr(o));
    free(o);
}

size_t kv_mem_usage(const struct kv *o) {
    size_t klen;
    kv_key(o, &klen);
    size_t n = (size_t)(kv_val(o) - (const unsigned char *)o);
    if (kv_type(o) != OBJ_STRING)
        return n + sizeof(void *) + 8 + g_type_ops[kv_type(o)]->mem_usage(kv_ptr(o), kv_enc(o));
    switch (kv_enc(o)) {
    case ENC_INT: n += 8; break;
    case ENC_EMBSTR: {
        uint64_t l;
        n += varint_get(kv_val(o), &l) + l;
        break;
    }
    default: {
        struct rstr *s = kv_ptr(o);
        n += sizeof(void *) + sizeof(*s) + s->cap;
        break;
    }
    }
    return n + 8; /* the bucket slot */
}

void kv_serialize(const struct kv *o, struct buf *b) {
    long long e = kv_expire(o);
    buf_putc(b, (char)kv_type(o));
    buf_putc(b, (char)kv_enc(o));
    buf_put(b, &e, 8);
    if (kv_type(o) != OBJ_STRING) {
        g_type_ops[kv_type(o)]->serialize(kv_ptr(o), kv_enc(o), b);
        return;
    }
    char tmp[24];
    size_t len;
    const char *s = kv_str(o, tmp, &len);
    buf_put(b, s, len);
}

struct kv *kv_deserialize(const char *key, size_t klen, const char *p, size_t len) {
    if (len < 10 || p[0] < 0 || p[0] >= OBJ_TYPES) return NULL;
    long long e;
    memcpy(&e, p + 2, 8);
    if (p[0] != OBJ_STRING) {
        const struct type_ops *ops = g_type_ops[(int)p[0]];
        int enc;
        void *v = ops ? ops->deserialize(p + 10, len - 10, &enc) : NULL;
        return v ? kv_new_ptr(key, klen, p[0], enc, v, e) : NULL;
    }
    return kv_new_string_as(p[1], key, klen, p + 10, len - 10, e);
}
