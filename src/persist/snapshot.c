/*
 * snapshot.c - SAVE and loading dump.rdb at startup (see snapshot.h).
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../log.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../server/conn.h"
#include "../server/dispatch.h"
#include "../util/mem.h"
#include "rdb.h"
#include "rdbcodec.h"

#define OP_FUNCTION2 245
#define OP_MODULE_AUX 247
#define OP_IDLE 248
#define OP_FREQ 249
#define OP_AUX 250
#define OP_RESIZEDB 251
#define OP_EXPIRETIME_MS 252
#define OP_EXPIRETIME 253
#define OP_SELECTDB 254
#define OP_EOF 255

static void put_u32(struct buf *b, uint32_t v) { buf_put(b, &v, 4); }
static void put_u64(struct buf *b, uint64_t v) { buf_put(b, &v, 8); }

/* ---- SAVE ---- */

struct save_acc {
    struct buf *b;
    struct buf tmp;
    long long now;
    uint64_t keys, expires;
};

static void save_key(void *ctx, struct kv *o) {
    struct save_acc *a = ctx;
    long long e = kv_expire(o);
    if (e >= 0 && e <= a->now) return; /* expired: not saved */
    if (e >= 0) {
        buf_putc(a->b, (char)OP_EXPIRETIME_MS);
        put_u64(a->b, (uint64_t)e);
        a->expires++;
    }
    a->tmp.len = 0;
    rdb_save_value(&a->tmp, o, 1);
    size_t klen;
    const char *key = kv_key(o, &klen);
    buf_putc(a->b, a->tmp.p[0]); /* type, key, value */
    rdb_put_string(a->b, key, klen, 1);
    buf_put(a->b, a->tmp.p + 1, a->tmp.len - 1);
    a->keys++;
}

/* One shard's share: for each database with keys, its index, key and
 * expiry counts, and its records (type, key, value; an expiry first). */
void save_command(struct client *c) {
    struct buf out = {0};
    struct save_acc a = {.b = &out, .now = mstime()};
    for (int d = 0; d < c->sh->ndb; d++) {
        struct db *db = &c->sh->dbs[d];
        if (!db_size(db)) continue;
        size_t at = out.len;
        put_u32(&out, (uint32_t)d);
        put_u64(&out, 0);
        put_u64(&out, 0);
        put_u64(&out, 0);
        a.keys = a.expires = 0;
        unsigned long long cur = 0;
        do cur = dict_scan(&db->keys, cur, save_key, &a);
        while (cur);
        uint64_t len = out.len - at - 28;
        memcpy(out.p + at + 4, &a.keys, 8);
        memcpy(out.p + at + 12, &a.expires, 8);
        memcpy(out.p + at + 20, &len, 8);
    }
    reply_bulk(c->out, out.p ? out.p : "", out.len);
    buf_free(&out);
    buf_free(&a.tmp);
}

static void put_aux(struct buf *b, const char *k, const char *v) {
    buf_putc(b, (char)OP_AUX);
    rdb_put_string(b, k, strlen(k), 0);
    rdb_put_string(b, v, strlen(v), 0);
}

/* A part's reply: the bulk's bytes. */
static int part_bytes(const struct buf *r, const char **p, size_t *len) {
    if (r->len < 4 || r->p[0] != '$') return 0;
    const char *cr = memchr(r->p, '\r', r->len);
    long long n;
    if (!cr || !str_to_ll(r->p + 1, (size_t)(cr - r->p - 1), &n) || n < 0) return 0;
    *p = cr + 2;
    *len = (size_t)n;
    return (size_t)(cr + 2 - r->p) + (size_t)n <= r->len;
}

static int write_all(int fd, const char *p, size_t len) {
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return 0;
        p += w;
        len -= (size_t)w;
    }
    return 1;
}

/* The file from every shard's share, written to a temporary name, synced
 * and renamed over dbfilename. */
void save_combine(struct gather *g, struct buf *out, int resp) {
    (void)resp;
    struct shard *sh = g->conn->sh;
    long long t0 = ustime();
    struct buf f = {0};
    char num[32];
    buf_put(&f, "REDIS0010", 9);
    put_aux(&f, "redis-ver", REDIS_COMPAT_VERSION);
    put_aux(&f, "redis-bits", "64");
    snprintf(num, sizeof(num), "%lld", (long long)(mstime() / 1000));
    put_aux(&f, "ctime", num);
    snprintf(num, sizeof(num), "%zu", mem_used());
    put_aux(&f, "used-mem", num);
    put_aux(&f, "aof-base", "0");
    const char *part[MAX_SHARDS];
    size_t plen[MAX_SHARDS];
    for (int s = 0; s < g_nshards; s++)
        if (!part_bytes(&g->parts[s].reply, &part[s], &plen[s])) plen[s] = 0;
    for (int d = 0; d < sh->ndb; d++) {
        uint64_t keys = 0, expires = 0;
        for (int s = 0; s < g_nshards; s++)
            for (size_t at = 0; at + 28 <= plen[s];) {
                uint32_t db;
                uint64_t k, e, len;
                memcpy(&db, part[s] + at, 4);
                memcpy(&k, part[s] + at + 4, 8);
                memcpy(&e, part[s] + at + 12, 8);
                memcpy(&len, part[s] + at + 20, 8);
                if ((int)db == d) {
                    keys += k;
                    expires += e;
                }
                at += 28 + len;
            }
        if (!keys) continue;
        buf_putc(&f, (char)OP_SELECTDB);
        rdb_put_len(&f, (uint64_t)d);
        buf_putc(&f, (char)OP_RESIZEDB);
        rdb_put_len(&f, keys);
        rdb_put_len(&f, expires);
        for (int s = 0; s < g_nshards; s++)
            for (size_t at = 0; at + 28 <= plen[s];) {
                uint32_t db;
                uint64_t len;
                memcpy(&db, part[s] + at, 4);
                memcpy(&len, part[s] + at + 20, 8);
                if ((int)db == d) buf_put(&f, part[s] + at + 28, len);
                at += 28 + len;
            }
    }
    buf_putc(&f, (char)OP_EOF);
    uint64_t crc = crc64(0, f.p, f.len);
    put_u64(&f, crc);
    char tmpname[64];
    snprintf(tmpname, sizeof(tmpname), "temp-%d.rdb", (int)getpid());
    const char *name = sh->cfg.dbfilename && sh->cfg.dbfilename[0] ? sh->cfg.dbfilename : "dump.rdb";
    int fd = open(tmpname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write_all(fd, f.p, f.len) && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    if (ok && rename(tmpname, name) != 0) ok = 0;
    if (!ok) {
        log_warning("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s", tmpname,
                    sh->cfg.dir ? sh->cfg.dir : ".", strerror(errno));
        unlink(tmpname);
        reply_error(out, "ERR");
    } else {
        g_lastsave = mstime() / 1000;
        log_notice("DB saved on disk (%zu bytes, %.3f seconds)", f.len, (double)(ustime() - t0) / 1e6);
        reply_ok(out);
    }
    buf_free(&f);
}

/* ---- loading ---- */

struct rec {
    int db;
    int type;
    long long expire;
    size_t koff, klen; /* in the shard's key arena */
    size_t voff, vlen; /* in the file */
};

struct shard_recs {
    struct rec *v;
    size_t n, cap;
    struct buf keys;
};

static struct {
    char *file;
    size_t len;
    struct shard_recs *per;
    int nshards;
    const char *path;
} g_load;

static int bad_file(const char *why, size_t off) {
    log_warning("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    log_warning("Internal error in RDB reading offset %zu, function at rdb.c: %s", off, why);
    return -1;
}

/* Skip a module's aux data: opcodes with typed values up to its EOF. */
static int skip_module_aux(const unsigned char **p, const unsigned char *end) {
    uint64_t v;
    int special;
    for (int i = 0; i < 3; i++)
        if (!rdb_get_len(p, end, &v, &special)) return 0; /* module id, when_opcode, when */
    for (;;) {
        if (!rdb_get_len(p, end, &v, &special)) return 0;
        if (v == 0) return 1; /* EOF */
        if (v == 1 || v == 2) {
            if (!rdb_get_len(p, end, &v, &special)) return 0;
        } else if (v == 3 || v == 4) {
            size_t n = v == 3 ? 4 : 8;
            if ((size_t)(end - *p) < n) return 0;
            *p += n;
        } else if (v == 5) {
            struct buf s = {0};
            int ok = rdb_get_string(p, end, &s);
            buf_free(&s);
            if (!ok) return 0;
        } else {
            return 0;
        }
    }
}

int snapshot_read(const char *path, int nshards) {
    g_load.path = path;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        log_warning("Fatal error loading the DB: %s. Exiting.", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    char *file = malloc(len ? len : 1);
    if (!file) abort();
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, file + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != len) {
        free(file);
        return bad_file("short read", got);
    }
    const unsigned char *base = (const unsigned char *)file, *p = base, *end = base + len;
    if (len < 9 || memcmp(file, "REDIS", 5) != 0) {
        free(file);
        log_warning("Wrong signature trying to load DB from file");
        return -1;
    }
    int ver = atoi((const char[5]){file[5], file[6], file[7], file[8], 0});
    if (ver < 1 || ver > RDB_VERSION) {
        free(file);
        log_warning("Can't handle RDB format version %d", ver);
        return -1;
    }
    p += 9;
    g_load.per = calloc((size_t)nshards, sizeof(*g_load.per));
    if (!g_load.per) abort();
    g_load.nshards = nshards;
    g_load.file = file;
    g_load.len = len;
    int db = 0;
    long long expire = -1, now = mstime();
    uint64_t keys = 0, expired = 0;
    struct buf key = {0};
    for (;;) {
        size_t off = (size_t)(p - base);
        if (p >= end) return bad_file("unexpected end of file", off);
        int type = *p++;
        uint64_t v;
        int special;
        switch (type) {
        case OP_EOF:
            if (ver >= 5 && end - p >= 8) {
                uint64_t want;
                memcpy(&want, p, 8);
                if (want && crc64(0, base, (size_t)(p - base)) != want) {
                    buf_free(&key);
                    log_warning("Wrong RDB checksum. Aborting now.");
                    return -1;
                }
            }
            buf_free(&key);
            log_notice("Done loading RDB, keys loaded: %llu, keys expired: %llu.", (unsigned long long)keys,
                       (unsigned long long)expired);
            return 0;
        case OP_SELECTDB:
            if (!rdb_get_len(&p, end, &v, &special) || special) return bad_file("SELECTDB", off);
            if ((long long)v >= g_shards[0]->ndb) {
                log_warning(
                    "FATAL: Data file was created with a Redis server configured to handle more than %d "
                    "databases. Exiting\n",
                    g_shards[0]->ndb);
                return -1;
            }
            db = (int)v;
            continue;
        case OP_RESIZEDB:
            if (!rdb_get_len(&p, end, &v, &special) || !rdb_get_len(&p, end, &v, &special))
                return bad_file("RESIZEDB", off);
            continue;
        case OP_EXPIRETIME_MS:
            if (end - p < 8) return bad_file("EXPIRETIME_MS", off);
            memcpy(&expire, p, 8);
            p += 8;
            continue;
        case OP_EXPIRETIME: {
            if (end - p < 4) return bad_file("EXPIRETIME", off);
            int32_t t;
            memcpy(&t, p, 4);
            expire = (long long)t * 1000;
            p += 4;
            continue;
        }
        case OP_IDLE:
            if (!rdb_get_len(&p, end, &v, &special)) return bad_file("IDLE", off);
            continue;
        case OP_FREQ:
            if (p >= end) return bad_file("FREQ", off);
            p++;
            continue;
        case OP_AUX: {
            struct buf k = {0}, val = {0};
            int ok = rdb_get_string(&p, end, &k) && rdb_get_string(&p, end, &val);
            if (ok && k.len == 9 && !memcmp(k.p, "redis-ver", 9))
                log_notice("Loading RDB produced by version %.*s", (int)val.len, val.p);
            buf_free(&k);
            buf_free(&val);
            if (!ok) return bad_file("AUX", off);
            continue;
        }
        case OP_MODULE_AUX:
            if (!skip_module_aux(&p, end)) return bad_file("MODULE_AUX", off);
            log_warning("Skipping a module's data in the RDB file (modules are not supported)");
            continue;
        case OP_FUNCTION2: {
            struct buf code = {0};
            int ok = rdb_get_string(&p, end, &code);
            buf_free(&code);
            if (!ok) return bad_file("FUNCTION", off);
            log_warning("Skipping a function library in the RDB file (not loaded yet)");
            continue;
        }
        default:
            break;
        }
        key.len = 0;
        if (!rdb_get_string(&p, end, &key)) return bad_file("key", off);
        const unsigned char *vstart = p;
        if (!rdb_skip_value(type, &p, end)) return bad_file("value", off);
        if (expire >= 0 && expire < now) {
            expired++;
            expire = -1;
            continue;
        }
        int s = shard_for_key(key.p ? key.p : "", key.len);
        struct shard_recs *r = &g_load.per[s];
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 64;
            r->v = realloc(r->v, r->cap * sizeof(*r->v));
            if (!r->v) abort();
        }
        r->v[r->n++] = (struct rec){.db = db,
                                    .type = type,
                                    .expire = expire,
                                    .koff = r->keys.len,
                                    .klen = key.len,
                                    .voff = (size_t)(vstart - base),
                                    .vlen = (size_t)(p - vstart)};
        buf_put(&r->keys, key.p ? key.p : "", key.len);
        expire = -1;
        keys++;
    }
}

int snapshot_load_shard(struct shard *sh) {
    if (!g_load.per || sh->id >= g_load.nshards) return 0;
    struct shard_recs *r = &g_load.per[sh->id];
    for (size_t i = 0; i < r->n; i++) {
        struct rec *e = &r->v[i];
        struct arg key = {r->keys.p + e->koff, e->klen};
        struct client c = {.sh = sh, .db = &sh->dbs[e->db], .dbid = e->db, .resp = 2};
        const unsigned char *p = (const unsigned char *)g_load.file + e->voff, *end = p + e->vlen;
        const char *err;
        struct kv *o = rdb_load_value(&c, e->type, &p, end, &key, 0, &err);
        if (!o || db_find(c.db, key.p, key.len, 0)) {
            if (o) kv_free(o);
            log_warning("Bad data format loading the RDB file %s: the value of key '%.*s' at offset %zu (%s)",
                        g_load.path, (int)(key.len > 64 ? 64 : key.len), key.p, e->voff,
                        o ? "duplicate key" : err);
            return -1;
        }
        if (e->expire >= 0) o = kv_with_expire(o, e->expire);
        db_add_new(c.db, o);
    }
    return 0;
}

int snapshot_loaded(void) { return g_load.per != NULL; }

void snapshot_read_done(void) {
    for (int s = 0; s < g_load.nshards; s++) {
        free(g_load.per[s].v);
        buf_free(&g_load.per[s].keys);
    }
    free(g_load.per);
    free(g_load.file);
    memset(&g_load, 0, sizeof(g_load));
}
