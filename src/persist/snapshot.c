/*
 * snapshot.c - SAVE and loading dump.rdb at startup (see snapshot.h).
 */
#include "snapshot.h"

#include <errno.h>
#include <pthread.h>
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
#include "../script/script.h"
#include "bgsave.h"
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

int snapshot_put_record(struct buf *b, struct buf *tmp, const struct kv *o, long long now) {
    long long e = kv_expire(o);
    if (e >= 0 && e <= now) return 0; /* expired: not saved */
    if (e >= 0) {
        buf_putc(b, (char)OP_EXPIRETIME_MS);
        put_u64(b, (uint64_t)e);
    }
    tmp->len = 0;
    rdb_save_value(tmp, o, 1);
    size_t klen;
    const char *key = kv_key(o, &klen);
    buf_putc(b, tmp->p[0]); /* type, key, value */
    rdb_put_string(b, key, klen, 1);
    buf_put(b, tmp->p + 1, tmp->len - 1);
    return 1;
}

static void save_key(void *ctx, struct kv *o) {
    struct save_acc *a = ctx;
    if (!snapshot_put_record(a->b, &a->tmp, o, a->now)) return;
    a->keys++;
    if (kv_has_expire(o)) a->expires++;
}

static void save_file(struct gather *g, struct buf *out, int count);
void save_combine(struct gather *g, struct buf *out, int resp) {
    (void)resp;
    save_file(g, out, 1);
}

/* One shard's share: for each database with keys, its index, key and
 * expiry counts, and its records (type, key, value; an expiry first). */
static void shard_part(struct shard *sh, struct buf *out) {
    struct save_acc a = {.b = out, .now = mstime()};
    for (int d = 0; d < sh->ndb; d++) {
        struct db *db = &sh->dbs[d];
        if (!db_size(db)) continue;
        size_t at = out->len;
        put_u32(out, (uint32_t)d);
        put_u64(out, 0);
        put_u64(out, 0);
        put_u64(out, 0);
        a.keys = a.expires = 0;
        unsigned long long cur = 0;
        do cur = dict_scan(&db->keys, cur, save_key, &a);
        while (cur);
        uint64_t len = out->len - at - 28;
        memcpy(out->p + at + 4, &a.keys, 8);
        memcpy(out->p + at + 12, &a.expires, 8);
        memcpy(out->p + at + 20, &len, 8);
    }
    buf_free(&a.tmp);
    /* what this snapshot holds is saved */
    atomic_store(&sh->dirty_saved, atomic_load_explicit(&sh->dirty, memory_order_relaxed));
}

/* SAVE's and BGSAVE's part on each shard (every shard is held whole). */
void save_command(struct client *c) {
    struct buf out = {0};
    shard_part(c->sh, &out);
    reply_bulk(c->out, out.p ? out.p : "", out.len);
    buf_free(&out);
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

int snapshot_write_all(int fd, const char *p, size_t len) {
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return 0;
        p += w;
        len -= (size_t)w;
    }
    return 1;
}

static void put_function(void *ctx, const char *code, size_t len) {
    struct buf *f = ctx;
    buf_putc(f, (char)OP_FUNCTION2);
    rdb_put_string(f, code, len, 1);
}

void snapshot_header(struct buf *f) {
    char num[32];
    buf_put(f, "REDIS0010", 9);
    put_aux(f, "redis-ver", REDIS_COMPAT_VERSION);
    put_aux(f, "redis-bits", "64");
    snprintf(num, sizeof(num), "%lld", (long long)(mstime() / 1000));
    put_aux(f, "ctime", num);
    snprintf(num, sizeof(num), "%zu", mem_used());
    put_aux(f, "used-mem", num);
    put_aux(f, "aof-base", "0");
    /* the function libraries, before the data (as redis-server writes them) */
    function_each_code(put_function, f);
}

/* The whole file from every shard's share (part[s], plen[s] bytes). */
static void build_image(struct buf *f, const char *const *part, const size_t *plen, int nparts, int ndb) {
    snapshot_header(f);
    for (int d = 0; d < ndb; d++) {
        uint64_t keys = 0, expires = 0;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) {
                if (!keys) break;
                buf_putc(f, (char)OP_SELECTDB);
                rdb_put_len(f, (uint64_t)d);
                buf_putc(f, (char)OP_RESIZEDB);
                rdb_put_len(f, keys);
                rdb_put_len(f, expires);
            }
            for (int s = 0; s < nparts; s++)
                for (size_t at = 0; at + 28 <= plen[s];) {
                    uint32_t db;
                    uint64_t k, e, len;
                    memcpy(&db, part[s] + at, 4);
                    memcpy(&k, part[s] + at + 4, 8);
                    memcpy(&e, part[s] + at + 12, 8);
                    memcpy(&len, part[s] + at + 20, 8);
                    if ((int)db == d) {
                        if (pass == 0) {
                            keys += k;
                            expires += e;
                        } else {
                            buf_put(f, part[s] + at + 28, len);
                        }
                    }
                    at += 28 + len;
                }
        }
    }
    buf_putc(f, (char)OP_EOF);
    uint64_t crc = crc64(0, f->p, f->len);
    put_u64(f, crc);
}

/* Write the image to a temporary name, sync it, rename it to `name`.
 * 0 on success, else errno. */
static int write_image(const struct buf *f, const char *name) {
    char tmpname[64];
    snprintf(tmpname, sizeof(tmpname), "temp-%d-%lld.rdb", (int)getpid(), ustime());
    int fd = open(tmpname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && snapshot_write_all(fd, f->p, f->len) && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (ok && rename(tmpname, name) != 0) {
        ok = 0;
        err = errno;
    }
    if (ok) return 0;
    log_warning("Failed opening the temp RDB file %s for saving: %s", tmpname, strerror(err));
    unlink(tmpname);
    return err ? err : EIO;
}

static uint64_t g_loaded_keys, g_loaded_expired;

/* persistence state for INFO, across threads (snapshot.h) */
_Atomic int g_bgsave_running;
_Atomic int g_last_save_ok = 1;
_Atomic long long g_bgsave_start_ms, g_last_bgsave_secs = -1, g_rdb_saves;

const char *snapshot_file_name(const struct shard *sh) {
    return sh->cfg.dbfilename && sh->cfg.dbfilename[0] ? sh->cfg.dbfilename : "dump.rdb";
}

static int parts_of(struct gather *g, const char **part, size_t *plen) {
    for (int s = 0; s < g_nshards; s++)
        if (!part_bytes(&g->parts[s].reply, &part[s], &plen[s])) plen[s] = 0;
    return g_nshards;
}

/* The file from the parts of every shard (SAVE, DEBUG RELOAD: only SAVE
 * counts in rdb_saves, as in Redis). */
static void save_file(struct gather *g, struct buf *out, int count) {
    struct shard *sh = g->conn->sh;
    if (atomic_load(&g_bgsave_running)) {
        reply_error(out, "ERR Background save already in progress");
        return;
    }
    long long t0 = ustime();
    const char *part[MAX_SHARDS];
    size_t plen[MAX_SHARDS];
    struct buf f = {0};
    build_image(&f, part, plen, parts_of(g, part, plen), sh->ndb);
    if (write_image(&f, snapshot_file_name(sh)) != 0) {
        atomic_store(&g_last_save_ok, 0);
        atomic_store(&g_rdb_save_failed, 1);
        reply_error(out, "ERR");
    } else {
        g_lastsave = mstime() / 1000;
        atomic_store(&g_last_save_ok, 1);
        atomic_store(&g_rdb_save_failed, 0);
        if (count) atomic_fetch_add(&g_rdb_saves, 1);
        log_notice("DB saved on disk (%zu bytes, %.3f seconds)", f.len, (double)(ustime() - t0) / 1e6);
        reply_ok(out);
    }
    buf_free(&f);
}

static void snapshot_info(struct buf *b) {
    long long changes = 0;
    for (int s = 0; s < g_nshards; s++)
        changes += atomic_load_explicit(&g_shards[s]->dirty, memory_order_relaxed) -
                   atomic_load_explicit(&g_shards[s]->dirty_saved, memory_order_relaxed);
    int running = atomic_load(&g_bgsave_running);
    long long start = atomic_load(&g_bgsave_start_ms);
    buf_printf(b,
               "# Persistence\r\nloading:0\r\nasync_loading:0\r\nrdb_changes_since_last_save:%lld\r\n"
               "rdb_bgsave_in_progress:%d\r\nrdb_last_save_time:%lld\r\nrdb_last_bgsave_status:%s\r\n"
               "rdb_last_bgsave_time_sec:%lld\r\nrdb_current_bgsave_time_sec:%lld\r\nrdb_saves:%lld\r\n"
               "rdb_last_cow_size:0\r\nrdb_last_load_keys_expired:%llu\r\nrdb_last_load_keys_loaded:%llu\r\n",
               changes < 0 ? 0 : changes, running, (long long)g_lastsave,
               atomic_load(&g_last_save_ok) ? "ok" : "err", atomic_load(&g_last_bgsave_secs),
               running ? (mstime() - start) / 1000 : -1, atomic_load(&g_rdb_saves),
               (unsigned long long)g_loaded_expired, (unsigned long long)g_loaded_keys);
}

/* ---- saving at exit ---- */

static struct buf *g_exit_parts;
static pthread_once_t g_exit_once = PTHREAD_ONCE_INIT;

static void exit_alloc(void) {
    g_exit_parts = calloc((size_t)g_nshards, sizeof(*g_exit_parts));
    if (!g_exit_parts) abort();
}

int snapshot_exit_part(struct shard *sh) {
    bgsave_abandon(sh);
    int mode = atomic_load(&g_shutdown_save);
    if (mode < 0 || (mode == 0 && !(sh->cfg.save && sh->cfg.save[0]))) return 0;
    pthread_once(&g_exit_once, exit_alloc);
    shard_part(sh, &g_exit_parts[sh->id]);
    return 0;
}

int snapshot_exit_write(const char *name, int ndb) {
    if (!g_exit_parts) return 0;
    /* a BGSAVE finishing on its thread renames its file over dump.rdb: let
     * it, so this later image is the one left (at most 60 s) */
    for (int i = 0; i < 6000 && atomic_load(&g_bgsave_running); i++) usleep(10000);
    const char *part[MAX_SHARDS];
    size_t plen[MAX_SHARDS];
    for (int s = 0; s < g_nshards; s++) {
        part[s] = g_exit_parts[s].p;
        plen[s] = g_exit_parts[s].len;
    }
    log_notice("Saving the final RDB snapshot before exiting.");
    struct buf f = {0};
    build_image(&f, part, plen, g_nshards, ndb);
    int err = write_image(&f, name);
    if (!err)
        log_notice("DB saved on disk");
    else
        log_warning("Error trying to save the DB, can't exit.");
    buf_free(&f);
    for (int s = 0; s < g_nshards; s++) buf_free(&g_exit_parts[s]);
    free(g_exit_parts);
    g_exit_parts = NULL;
    return err ? -1 : 0;
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
    struct buf functions; /* (length u64, code) of each library */
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

/* The checksum of a big file runs on a thread of its own while the main
 * thread splits the records (it covers everything up to the last 8 bytes,
 * where the trailer of a well-formed file is). */
struct crc_job {
    const void *p;
    size_t len;
    uint64_t crc;
};

static void *crc_thread(void *arg) {
    struct crc_job *j = arg;
    j->crc = crc64(0, j->p, j->len);
    return NULL;
}

static int read_records(const unsigned char *p, const unsigned char *base, const unsigned char *end, int ver,
                        int nshards, struct crc_job *crc, pthread_t *tid);
static int read_records_1(const unsigned char *p, const unsigned char *base, const unsigned char *end, int ver,
                          int nshards, struct crc_job *crcj, pthread_t *tid);

int snapshot_read(const char *path, int nshards) {
    int rc = 0;
    pthread_t crc_tid;
    struct crc_job crc_job = {0};
    int crc_running = 0;
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
    if (len > (1u << 20)) {
        crc_job.p = file;
        crc_job.len = len - 8;
        crc_running = pthread_create(&crc_tid, NULL, crc_thread, &crc_job) == 0;
    }
    rc = read_records(p, base, end, ver, nshards, crc_running ? &crc_job : NULL, crc_running ? &crc_tid : NULL);
    return rc;
}

/* The records after the header, split by shard. crc, if not NULL, is a
 * checksum being computed by thread tid (joined before this returns). */
static int read_records(const unsigned char *p, const unsigned char *base, const unsigned char *end, int ver,
                        int nshards, struct crc_job *crc, pthread_t *tid) {
    int rc = read_records_1(p, base, end, ver, nshards, crc, tid);
    if (crc && crc->len) pthread_join(*tid, NULL);
    return rc;
}

static int read_records_1(const unsigned char *p, const unsigned char *base, const unsigned char *end, int ver,
                          int nshards, struct crc_job *crcj, pthread_t *tid) {
    char *file = (char *)base;
    size_t len = (size_t)(end - base);
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
                uint64_t got_crc;
                if (crcj && crcj->len == (size_t)(p - base)) {
                    pthread_join(*tid, NULL);
                    crcj->len = 0; /* (joined) */
                    got_crc = crcj->crc;
                } else {
                    got_crc = crc64(0, base, (size_t)(p - base));
                }
                if (want && got_crc != want) {
                    buf_free(&key);
                    log_warning("Wrong RDB checksum. Aborting now.");
                    return -1;
                }
            }
            buf_free(&key);
            log_notice("Done loading RDB, keys loaded: %llu, keys expired: %llu.", (unsigned long long)keys,
                       (unsigned long long)expired);
            g_loaded_keys = keys;
            g_loaded_expired = expired;
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
            /* kept for shard 0 to load (snapshot_load_shard) */
            struct buf code = {0};
            int ok = rdb_get_string(&p, end, &code);
            if (!ok) {
                buf_free(&code);
                return bad_file("FUNCTION", off);
            }
            uint64_t l = code.len;
            buf_put(&g_load.functions, &l, 8);
            buf_put(&g_load.functions, code.p ? code.p : "", code.len);
            buf_free(&code);
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
    /* the function libraries are the server's: shard 0 adds them */
    for (size_t at = 0; sh->id == 0 && at + 8 <= g_load.functions.len;) {
        uint64_t l;
        memcpy(&l, g_load.functions.p + at, 8);
        char err[512];
        if (function_add_code(sh, g_load.functions.p + at + 8, l, err, sizeof(err)) != 0) {
            log_warning("Failed loading a function library from the RDB file %s: %s", g_load.path, err);
            return -1;
        }
        at += 8 + l;
    }
    struct shard_recs *r = &g_load.per[sh->id];
    /* each table sized once for what it gets: no rehash while loading */
    size_t *per_db = calloc((size_t)sh->ndb, sizeof(*per_db));
    if (!per_db) abort();
    for (size_t i = 0; i < r->n; i++) per_db[r->v[i].db]++;
    for (int d = 0; d < sh->ndb; d++)
        if (per_db[d]) dict_reserve(&sh->dbs[d].keys, per_db[d]);
    free(per_db);
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
    buf_free(&g_load.functions);
    memset(&g_load, 0, sizeof(g_load));
}

/* ---- DEBUG RELOAD and DEBUG POPULATE (every shard held) ---- */

/* Build the shard's keys again from its part (shard_part's layout). */
static int reload_part(struct shard *sh, const char *p, size_t len) {
    struct buf key = {0};
    int ok = 1;
    for (size_t at = 0; ok && at + 28 <= len;) {
        uint32_t dbid;
        uint64_t blen;
        memcpy(&dbid, p + at, 4);
        memcpy(&blen, p + at + 20, 8);
        const unsigned char *q = (const unsigned char *)p + at + 28, *end = q + blen;
        struct client c = {.sh = sh, .db = &sh->dbs[dbid], .dbid = (int)dbid, .resp = 2};
        while (ok && q < end) {
            long long expire = -1;
            if (*q == OP_EXPIRETIME_MS) {
                memcpy(&expire, q + 1, 8);
                q += 9;
            }
            int type = *q++;
            key.len = 0;
            if (!rdb_get_string(&q, end, &key)) {
                ok = 0;
                break;
            }
            struct arg k = {key.p ? key.p : "", key.len};
            const char *err;
            struct kv *o = rdb_load_value(&c, type, &q, end, &k, 0, &err);
            if (!o) {
                ok = 0;
                break;
            }
            if (expire >= 0) o = kv_with_expire(o, expire);
            db_add_new(c.db, o);
        }
        at += 28 + blen;
    }
    buf_free(&key);
    return ok;
}

static void populate_part(struct client *c) {
    long long count, size = 0;
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &count) || count < 0 ||
        (c->argc > 4 && (!str_to_ll(c->argv[4].p, c->argv[4].len, &size) || size < 0 || size > (1LL << 29)))) {
        reply_err(c, "ERR value is out of range, must be positive");
        return;
    }
    const char *prefix = c->argc > 3 ? c->argv[3].p : "key";
    size_t plen = c->argc > 3 ? c->argv[3].len : 3;
    struct buf k = {0}, v = {0};
    for (long long j = 0; j < count; j++) {
        k.len = 0;
        buf_put(&k, prefix, plen);
        buf_printf(&k, ":%lld", j);
        if (shard_for_key(k.p, k.len) != c->sh->id || db_find(c->db, k.p, k.len, 0)) continue;
        v.len = 0;
        buf_printf(&v, "value:%lld", j);
        if (size > 0) { /* "value:j" cut or padded with zero bytes to size */
            size_t have = v.len;
            buf_reserve(&v, (size_t)size);
            if ((size_t)size > have) memset(v.p + have, 0, (size_t)size - have);
            v.len = (size_t)size;
        }
        db_add_new(c->db, kv_new_string(k.p, k.len, v.p ? v.p : "", v.len, -1));
    }
    buf_free(&k);
    buf_free(&v);
    reply_ok(c->out);
}

void debug_all_command(struct client *c) {
    struct shard *sh = c->sh;
    if (str_ieq(c->argv[1].p, c->argv[1].len, "populate")) {
        if (c->argc < 3 || c->argc > 5) {
            reply_err(c, "ERR unknown subcommand or wrong number of arguments for 'populate'. Try DEBUG HELP.");
            return;
        }
        populate_part(c);
        return;
    }
    for (int j = 2; j < c->argc; j++) {
        const struct arg *a = &c->argv[j];
        if (str_ieq(a->p, a->len, "merge") || str_ieq(a->p, a->len, "noflush") || str_ieq(a->p, a->len, "nosave"))
            reply_err(c, "ERR DEBUG RELOAD's MERGE, NOFLUSH and NOSAVE options are not supported yet");
        else
            reply_err(c, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        return;
    }
    if (atomic_load(&g_bgsave_running)) {
        reply_err(c, "ERR Error trying to save the DB: a background save is in progress");
        return;
    }
    /* save the shard's keys, empty its tables, build them again from the
     * saved records; the origin writes the file (debug_all_combine) */
    struct buf out = {0};
    shard_part(sh, &out);
    for (int d = 0; d < sh->ndb; d++) db_flush(&sh->dbs[d]);
    if (!reload_part(sh, out.p, out.len)) {
        log_warning("DEBUG RELOAD: a record of shard %d did not load back", sh->id);
        reply_err(c, "ERR Error trying to load the RDB dump");
        buf_free(&out);
        return;
    }
    reply_bulk(c->out, out.p ? out.p : "", out.len);
    buf_free(&out);
}

void debug_all_combine(struct gather *g, struct buf *out, int resp) {
    for (int s = 0; s < g_nshards; s++) {
        const struct buf *r = &g->parts[s].reply;
        if (r->len && r->p[0] == '-') {
            buf_put(out, r->p, r->len);
            return;
        }
    }
    const struct arg *a = g->orig_argv;
    if (a && str_ieq(a[1].p, a[1].len, "populate")) {
        reply_ok(out);
        return;
    }
    (void)resp;
    save_file(g, out, 0);
}

/* FLUSHALL with save points: the (empty) dataset is saved at once. */
static void flushall_save(struct shard *sh) {
    struct buf f = {0};
    build_image(&f, NULL, NULL, 0, sh->ndb);
    if (write_image(&f, snapshot_file_name(sh)) == 0) {
        g_lastsave = mstime() / 1000;
        atomic_fetch_add(&g_rdb_saves, 1);
    }
    buf_free(&f);
}

__attribute__((constructor)) static void register_snapshot(void) {
    g_persist_info = snapshot_info;
    g_flushall_save = flushall_save;
}
