/*
 * object.h - the key/value object: one allocation per key.
 *
 * Layout of a struct kv (the data area starts at byte 5, see KV_HDR):
 *
 *   type|enc (1)  flags (1)  lru (3)  [expire ms (8) if KV_EXPIRE]
 *   key length (varint)  key bytes  value
 *
 * The value depends on the encoding: ENC_INT stores an int64; ENC_EMBSTR a
 * varint length and the bytes; every other encoding a pointer to a separately
 * allocated structure (ENC_RAW: a struct rstr). The key table (dict.h) holds
 * a pointer to the object in a bucket slot, so the object carries no link:
 * a 16-byte key with a 16-byte value takes 39 bytes, 47 with a TTL, and both
 * fit jemalloc's 48-byte class.
 */
#ifndef DB_OBJECT_H
#define DB_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../util/buf.h"

enum obj_type { OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_STREAM = 6, OBJ_TYPES = 8 };
/* Encodings: strings use the first three; collections any of the rest. The
 * family's type_ops names them for OBJECT ENCODING. */
enum obj_enc {
    ENC_INT = 0,
    ENC_EMBSTR = 1,
    ENC_RAW = 2,
    ENC_LISTPACK = 3,  /* small list, hash, set or zset in one listpack */
    ENC_QUICKLIST = 4, /* list: linked listpack nodes */
    ENC_INTSET = 5,    /* set of integers */
    ENC_HT = 6,        /* hash or set: hash table */
    ENC_SKIPLIST = 7,  /* zset: skiplist + hash table */
    ENC_STREAM = 8,    /* stream: nodes under an index (types/stream.h) */
};

struct buf;
/*
 * What the keyspace needs to know about a collection type. Each family
 * (src/types/list.c, ...) defines one and registers it at startup with
 * type_register(); the value of such a kv is a pointer (kv_ptr) to the
 * family's own structure, whose layout kv_enc() tells.
 */
struct type_ops {
    const char *name;                                  /* TYPE reply */
    const char *(*encoding)(int enc);                  /* OBJECT ENCODING */
    void (*free)(void *v, int enc);
    void *(*dup)(const void *v, int enc);
    size_t (*mem_usage)(const void *v, int enc);      /* bytes held */
    /* Move a value between shards: append a self-contained image to b, and
     * rebuild a value from it (setting *enc); NULL if malformed. */
    void (*serialize)(const void *v, int enc, struct buf *b);
    void *(*deserialize)(const char *p, size_t len, int *enc);
    /* Work to free it, about its element count (NULL = small); big values
     * are freed off the shard thread (db/lazyfree.h). */
    size_t (*cost)(const void *v, int enc);
};
extern const struct type_ops *g_type_ops[OBJ_TYPES];
void type_register(int type, const struct type_ops *ops);

#define KV_EXPIRE 0x01
/* Which side of the running snapshot the key is on (db.h: kv_snap_done). */
#define KV_SNAP 0x02
/* Bytes before the data area; sizeof(struct kv) would count tail padding. */
#define KV_HDR offsetof(struct kv, data)
/* Strings up to this many bytes are stored inline (Redis's embstr limit). */
#define EMBSTR_MAX 44

struct kv {
    uint8_t type_enc;
    uint8_t flags;
    uint8_t lru[3];
    unsigned char data[];
};

/* A growable string owned by a kv with ENC_RAW. */
struct rstr {
    size_t len;
    size_t cap;
    char p[];
};

static inline int kv_type(const struct kv *o) { return o->type_enc & 0x0f; }
static inline int kv_enc(const struct kv *o) { return o->type_enc >> 4; }
static inline int kv_has_expire(const struct kv *o) { return o->flags & KV_EXPIRE; }

static inline long long kv_expire(const struct kv *o) {
    long long t;
    if (!(o->flags & KV_EXPIRE)) return -1;
    memcpy(&t, o->data, 8);
    return t;
}

static inline size_t varint_len(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline size_t varint_put(unsigned char *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static inline size_t varint_get(const unsigned char *p, uint64_t *v) {
    uint64_t r = 0;
    size_t n = 0;
    int shift = 0;
    for (;;) {
        unsigned char b = p[n++];
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
    }
    *v = r;
    return n;
}

/* The key bytes of o; *len gets their count. */
static inline const char *kv_key(const struct kv *o, size_t *len) {
    const unsigned char *p = o->data + ((o->flags & KV_EXPIRE) ? 8 : 0);
    uint64_t l;
    p += varint_get(p, &l);
    *len = (size_t)l;
    return (const char *)p;
}

/* Start of the value area. */
static inline unsigned char *kv_val(const struct kv *o) {
    size_t kl;
    const char *k = kv_key(o, &kl);
    return (unsigned char *)k + kl;
}

static inline void *kv_ptr(const struct kv *o) {
    void *p;
    memcpy(&p, kv_val(o), sizeof(p));
    return p;
}

static inline void kv_set_ptr(struct kv *o, void *p) { memcpy(kv_val(o), &p, sizeof(p)); }

/* Allocate a kv for a key with room for `vbytes` value bytes; the value
 * area is left for the caller to fill. expire < 0 means no TTL. */
struct kv *kv_alloc(const char *key, size_t klen, int type, int enc, size_t vbytes,
                    long long expire);
/* A string object holding val, choosing int/embstr/raw as Redis does. */
struct kv *kv_new_string(const char *key, size_t klen, const char *val, size_t vlen,
                         long long expire);
/* The same, never int-encoded (embstr or raw): Redis's createStringObject. */
struct kv *kv_new_text(const char *key, size_t klen, const char *val, size_t vlen,
                       long long expire);
struct kv *kv_new_int(const char *key, size_t klen, long long v, long long expire);
/* A collection object whose value is `v` (ownership passes to the kv). */
struct kv *kv_new_ptr(const char *key, size_t klen, int type, int enc, void *v, long long expire);
static inline void kv_set_enc(struct kv *o, int enc) {
    o->type_enc = (uint8_t)((o->type_enc & 0x0f) | (enc << 4));
}
/* TYPE and OBJECT ENCODING names. */
const char *kv_type_name(const struct kv *o);
const char *kv_enc_name(const struct kv *o);
/* A raw string object adopting `s` (ownership passes to the kv). */
struct kv *kv_new_raw(const char *key, size_t klen, struct rstr *s, long long expire);
/* A copy of o under a new key name and TTL (deep copy of the value). */
struct kv *kv_dup(const struct kv *o, const char *key, size_t klen, long long expire);
/* Same object with a different TTL; may reallocate, returns the new pointer. */
struct kv *kv_with_expire(struct kv *o, long long expire);
void kv_free(struct kv *o);

/* String value access: returns pointer and length; integers are formatted
 * into `tmp` (at least 24 bytes). */
const char *kv_str(const struct kv *o, char *tmp, size_t *len);
/* About how many bytes o's serialized image takes, without making it: a
 * string's length, 16 per element of a collection with a table of them,
 * 0 for a compact one (its image is small and cheap to make). */
long long kv_weight(const struct kv *o);
/* 1 if the string value is an integer (stored or parseable), into *v. */
int kv_str_int(const struct kv *o, long long *v);

struct rstr *rstr_new(const char *p, size_t len, size_t cap);
struct rstr *rstr_grow(struct rstr *s, size_t need);

/* Bytes this object holds, for MEMORY USAGE (allocation sizes). */
size_t kv_mem_usage(const struct kv *o);

/* The LRU clock: seconds, 24 bits. */
#define LRU_CLOCK_MAX ((1 << 24) - 1)
static inline unsigned kv_lru(const struct kv *o) {
    return (unsigned)o->lru[0] | ((unsigned)o->lru[1] << 8) | ((unsigned)o->lru[2] << 16);
}
static inline void kv_set_lru(struct kv *o, unsigned v) {
    o->lru[0] = (uint8_t)v;
    o->lru[1] = (uint8_t)(v >> 8);
    o->lru[2] = (uint8_t)(v >> 16);
}

#endif

/* Internal serialization used to move a value between shards (not RDB):
 * type u8 | enc u8 | expire i64 | value bytes (strings: the bytes;
 * collections: their family's image). */
void kv_serialize(const struct kv *o, struct buf *b);
/* Rebuild an object under `key`; NULL if the bytes are malformed. */
struct kv *kv_deserialize(const char *key, size_t klen, const char *p, size_t len);
