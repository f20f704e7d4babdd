/*
 * bgsave.c - BGSAVE without fork (see bgsave.h).
 */
#include "bgsave.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../db/db.h"
#include "../io/io.h"
#include "../log.h"
#include "../server/cmdutil.h"
#include "../server/conn.h"
#include "../server/dispatch.h"
#include "../shard/shard.h"
#include "rdb.h"
#include "rdbcodec.h"
#include "snapshot.h"

#define OP_SELECTDB 254
#define OP_EOF 255

#define CHUNK_BYTES (1 << 20) /* a chunk is written once it holds this much */
#define STEP_US 200           /* the loop's slice of saving per pass */
#define INFLIGHT_MAX (8u << 20) /* a shard's chunks on their way to the file before its walk waits */
#define SPARE_MAX 8               /* chunk buffers a shard keeps for reuse */

struct chunkrec {
    uint64_t off, len, crc;
};

/* One BGSAVE: the file every shard writes into. */
struct bg_job {
    int fd;
    char tmpname[64];
    char *name;
    long long t0;                /* the point in time (ms): keys expired then are not saved */
    _Atomic uint64_t next_off;   /* where the next chunk goes */
    _Atomic int err;             /* the first write's errno */
    struct chunkrec *recs;       /* every chunk written (g_mu) */
    size_t nrecs, cap;
    int joined, left;            /* shards that started, shards still saving (g_mu) */
    long long dirty_at[MAX_SHARDS];
    uint8_t joined_by[MAX_SHARDS];
    long long created_us;        /* mono_us */
    int orphan;                  /* given up: not every shard joined it in time (g_mu) */
};

/* One shard's share of it (sh->snap, each of its databases' snap). */
struct bg_shard {
    struct bg_job *job;
    struct shard *sh;
    int dbi;                    /* the table being walked */
    unsigned long long cursor;  /* dict_scan's cursor in it */
    struct db *scan_db;
    struct buf chunk;
    uint64_t chunk_crc;         /* of the chunk's bytes so far */
    int chunk_db;               /* the database of the chunk's last SELECTDB, -1 none */
    struct buf tmp;
    int scan_done;              /* every key is in a chunk: only writes are left */
    int all_joined;             /* every shard has joined the job */
    int inflight;               /* chunk writes not completed */
    size_t inflight_bytes;
    struct buf spare[SPARE_MAX]; /* chunk buffers back from the kernel, kept for the next chunks */
    int nspare;
};

/* A chunk on its way to the file (io_write, completed in file_done). */
struct wreq {
    struct bg_shard *b;
    char *p;
    size_t len, done, cap;
    uint64_t off;
};

static const char ERR_IN_PROGRESS[] = "ERR Background save already in progress";

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct bg_job *g_job; /* the BGSAVE running (g_mu) */


static int pwrite_all(int fd, const char *p, size_t len, uint64_t off) {
    while (len) {
        ssize_t w = pwrite(fd, p, len, (off_t)off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return w < 0 ? errno : EIO;
        p += w;
        len -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

static void set_err(struct bg_job *j, int err) {
    int none = 0;
    atomic_compare_exchange_strong(&j->err, &none, err);
}

static void shard_leave(struct shard *sh, int abandon);

/* When the loop may run the next slice: now, or (too much on its way to
 * the file, or nothing left to walk) only after a write completes. */
static void pace(struct bg_shard *b) {
    b->sh->snap_next_us = b->scan_done || b->inflight_bytes > INFLIGHT_MAX ? LLONG_MAX : 0;
}

static void submit(struct wreq *w) {
    io_write(w->b->sh->io, w->b->job->fd, w->p + w->done, w->len - w->done, w->off + w->done,
             IO_TAG(IO_NOP, w));
}

/* Place the chunk in the file and remember its checksum: written by the
 * kernel (io_uring) while the shard goes on, or here and now (`now`). */
static void chunk_flush(struct bg_shard *b, int now) {
    struct bg_job *j = b->job;
    if (!b->chunk.len) return;
    if (j->fd < 0 || atomic_load(&j->err)) {
        /* the file failed already: the rest is not written */
        b->chunk.len = 0;
        b->chunk_crc = 0;
        b->chunk_db = -1;
        return;
    }
    uint64_t len = b->chunk.len;
    uint64_t off = atomic_fetch_add(&j->next_off, len);
    pthread_mutex_lock(&g_mu);
    if (j->nrecs == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 64;
        j->recs = realloc(j->recs, j->cap * sizeof(*j->recs));
        if (!j->recs) abort();
    }
    j->recs[j->nrecs++] = (struct chunkrec){off, len, b->chunk_crc};
    pthread_mutex_unlock(&g_mu);
    if (now) {
        int err = pwrite_all(j->fd, b->chunk.p, b->chunk.len, off);
        if (err) set_err(j, err);
        b->chunk.len = 0;
    } else {
        struct wreq *w = malloc(sizeof(*w));
        if (!w) abort();
        *w = (struct wreq){.b = b, .p = b->chunk.p, .len = len, .off = off, .cap = b->chunk.cap};
        b->chunk = b->nspare ? b->spare[--b->nspare] : (struct buf){0};
        if (!b->chunk.cap) buf_grow(&b->chunk, CHUNK_BYTES + CHUNK_BYTES / 4);
        b->inflight++;
        b->inflight_bytes += len;
        submit(w);
        pace(b);
    }
    b->chunk_crc = 0;
    b->chunk_db = -1; /* (chunks of shards interleave: each names its database first) */
}

/* A chunk's write completed (the shard's loop, g_shard_file_done). */
static void file_done(void *req, int res) {
    struct wreq *w = req;
    struct bg_shard *b = w->b;
    if (res == -EINTR || res == -EAGAIN) {
        submit(w);
        return;
    }
    if (res > 0) {
        w->done += (size_t)res;
        if (w->done < w->len) {
            submit(w);
            return;
        }
    } else {
        set_err(b->job, res < 0 ? -res : EIO);
    }
    b->inflight--;
    b->inflight_bytes -= w->len;
    if (b->nspare < SPARE_MAX)
        b->spare[b->nspare++] = (struct buf){.p = w->p, .len = 0, .cap = w->cap};
    else
        free(w->p);
    free(w);
    pace(b);
    if (b->scan_done && b->inflight == 0) shard_leave(b->sh, 0);
}

/* Save o (db's, not saved yet) into the shard's chunk. */
static void save_one(struct bg_shard *b, struct db *db, struct kv *o) {
    kv_snap_mark(db, o);
    if (kv_has_expire(o) && kv_expire(o) <= b->job->t0) return; /* expired at the point in time */
    size_t at = b->chunk.len;
    if (b->chunk_db != db->id) {
        buf_putc(&b->chunk, (char)OP_SELECTDB);
        rdb_put_len(&b->chunk, (uint64_t)db->id);
        b->chunk_db = db->id;
    }
    snapshot_put_record(&b->chunk, &b->tmp, o, b->job->t0);
    /* the checksum as it goes: a slice's time bound covers it */
    b->chunk_crc = crc64(b->chunk_crc, b->chunk.p + at, b->chunk.len - at);
    if (b->chunk.len >= CHUNK_BYTES) chunk_flush(b, b->inflight_bytes > INFLIGHT_MAX);
}

static void scan_one(void *ctx, struct kv *o) {
    struct bg_shard *b = ctx;
    if (!kv_snap_done(b->scan_db, o)) save_one(b, b->scan_db, o);
}

/* db.c's hook: o is about to change or go. */
static void save_before(struct db *db, struct kv *o) { save_one(db->snap, db, o); }

/* ---- the end ---- */

static void finish_stats(struct bg_job *j, int err) {
    long long secs = (mstime() - atomic_load(&g_bgsave_start_ms) + 500) / 1000;
    if (!err) {
        g_lastsave = mstime() / 1000;
        atomic_fetch_add(&g_rdb_saves, 1);
        for (int s = 0; s < g_nshards; s++) atomic_store(&g_shards[s]->dirty_saved, j->dirty_at[s]);
        log_notice("Background saving terminated with success");
    } else {
        log_warning("Background saving error: %s", strerror(err));
    }
    atomic_store(&g_last_save_ok, err == 0);
    atomic_store(&g_rdb_save_failed, err != 0);
    atomic_store(&g_last_bgsave_secs, secs);
}

static void job_free(struct bg_job *j) {
    if (j->fd >= 0) close(j->fd);
    free(j->recs);
    free(j->name);
    free(j);
}

static int cmp_rec(const void *a, const void *b) {
    const struct chunkrec *x = a, *y = b;
    return (x->off > y->off) - (x->off < y->off);
}

/* The last shard is done: the trailer, fsync, rename (off the shards). */
static void *finish_thread(void *arg) {
    struct bg_job *j = arg;
    int err = atomic_load(&j->err);
    if (!err) {
        qsort(j->recs, j->nrecs, sizeof(*j->recs), cmp_rec);
        uint64_t crc = 0, at = 0;
        for (size_t i = 0; i < j->nrecs && !err; i++) {
            if (j->recs[i].off != at) err = EIO; /* (a hole: cannot happen) */
            crc = crc64_combine(crc, j->recs[i].crc, j->recs[i].len);
            at += j->recs[i].len;
        }
        unsigned char tail[9];
        tail[0] = OP_EOF;
        crc = crc64(crc, tail, 1);
        memcpy(tail + 1, &crc, 8);
        if (!err) err = pwrite_all(j->fd, (const char *)tail, sizeof(tail), at);
        if (!err && fsync(j->fd) != 0) err = errno;
        if (close(j->fd) != 0 && !err) err = errno;
        j->fd = -1;
        if (!err && rename(j->tmpname, j->name) != 0) err = errno;
    }
    if (err) unlink(j->tmpname);
    finish_stats(j, err);
    pthread_mutex_lock(&g_mu);
    g_job = NULL;
    atomic_store(&g_bgsave_running, 0);
    pthread_mutex_unlock(&g_mu);
    job_free(j);
    return NULL;
}

/* The shard's share is in the file (or abandoned): let go of it; the last
 * shard finishes the file. */
static void shard_leave(struct shard *sh, int abandon) {
    struct bg_shard *b = sh->snap;
    struct bg_job *j = b->job;
    /* (abandoned with writes on their way: the server is ending, they are
     * left to the kernel and their buffers to the exit) */
    for (int d = 0; d < sh->ndb; d++) sh->dbs[d].snap = NULL;
    sh->snap = NULL;
    sh->snap_next_us = 0;
    buf_free(&b->chunk);
    buf_free(&b->tmp);
    for (int i = 0; i < b->nspare; i++) buf_free(&b->spare[i]);
    free(b);
    pthread_mutex_lock(&g_mu);
    if (abandon) {
        int none = 0;
        atomic_compare_exchange_strong(&j->err, &none, ECANCELED);
    }
    int last = --j->left == 0 && (j->joined == g_nshards || j->orphan);
    if (last && abandon) {
        /* the server ends: no thread to finish it */
        unlink(j->tmpname);
        if (g_job == j) g_job = NULL;
        atomic_store(&g_bgsave_running, 0);
        pthread_mutex_unlock(&g_mu);
        job_free(j);
        return;
    }
    pthread_mutex_unlock(&g_mu);
    if (!last) return;
    pthread_t t;
    if (pthread_create(&t, NULL, finish_thread, j) != 0) {
        finish_thread(j);
        return;
    }
    pthread_detach(t);
}

/* Walk the shard's tables until the deadline (0: to the end, writing the
 * chunks here once too much is on its way). */
static void walk(struct shard *sh, long long deadline) {
    struct bg_shard *b = sh->snap;
    int n = 0;
    while (b->dbi < sh->ndb) {
        struct db *db = &sh->dbs[b->dbi];
        if (db_size(db)) {
            b->scan_db = db;
            b->cursor = dict_scan(&db->keys, b->cursor, scan_one, b);
        } else {
            b->cursor = 0;
        }
        if (b->cursor == 0) b->dbi++;
        if (deadline && ++n % 16 == 0 && (mono_us() > deadline || b->inflight_bytes > INFLIGHT_MAX)) return;
    }
    /* every key is saved: no more hooks; what is left is the writes */
    chunk_flush(b, 0);
    for (int d = 0; d < sh->ndb; d++) sh->dbs[d].snap = NULL;
    b->scan_done = 1;
    pace(b);
    if (b->inflight == 0) shard_leave(sh, 0);
}

/* A job every shard should have joined at once (its parts run in one
 * hold of every shard) but has not after this long is given up: a
 * safety net, not an expected path. */
#define ORPHAN_US 5000000

void bgsave_step(struct shard *sh) {
    struct bg_shard *b = sh->snap;
    if (!b->all_joined) {
        struct bg_job *j = b->job;
        pthread_mutex_lock(&g_mu);
        b->all_joined = j->joined == g_nshards;
        if (!b->all_joined && mono_us() - j->created_us > ORPHAN_US) {
            if (!j->orphan) log_warning("Background saving error: not every shard started the snapshot");
            j->orphan = 1;
        }
        int orphan = j->orphan;
        pthread_mutex_unlock(&g_mu);
        if (orphan) {
            /* what is on its way completes first; the end reports the error */
            set_err(j, ECANCELED);
            for (int d = 0; d < sh->ndb; d++) sh->dbs[d].snap = NULL;
            b->scan_done = 1;
            pace(b);
            if (b->inflight == 0) shard_leave(sh, 0);
            return;
        }
    }
    if (b->scan_done || b->inflight_bytes > INFLIGHT_MAX) return;
    walk(sh, mono_us() + STEP_US);
}

/* db.c's hook: the shard's tables are about to go whole. */
static void finish_now(struct db *db) {
    struct bg_shard *b = db->snap;
    walk(b->sh, 0);
}

void bgsave_abandon(struct shard *sh) {
    if (sh->snap) shard_leave(sh, 1);
}

/* ---- save points ----
 *
 * Shard 0's cron checks the `save` points as Redis's serverCron does: a
 * point "S C" is due when at least C changes were made (every shard's
 * dirty count since the last save) and more than S seconds passed since
 * the last save; after a failed BGSAVE, the next try waits 5 seconds. It
 * starts the BGSAVE as a client would: through a connection the server
 * makes to itself (conn_new_internal), so it is the same server-wide
 * command, at one point in time. */

#define BGSAVE_RETRY_S 5

static int g_self_fd = -1;   /* our end of the internal connection (shard 0) */
static long long g_last_try; /* seconds */

static void drain_self(void) {
    char junk[512];
    while (g_self_fd >= 0 && read(g_self_fd, junk, sizeof(junk)) > 0) {
    }
}

static void start_bgsave_self(struct shard *sh) {
    if (g_self_fd < 0) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
            log_warning("Can't start the save points' BGSAVE: socketpair: %s", strerror(errno));
            return;
        }
        conn_new_internal(sh, sv[0]);
        g_self_fd = sv[1];
    }
    static const char cmd[] = "*1\r\n$6\r\nBGSAVE\r\n";
    if (write(g_self_fd, cmd, sizeof(cmd) - 1) != (ssize_t)(sizeof(cmd) - 1))
        log_warning("Can't start the save points' BGSAVE: %s", strerror(errno));
}

static void persist_cron(struct shard *sh) {
    if (sh->id != 0) return;
    drain_self();
    const char *save = sh->cfg.save;
    if (!save || !save[0] || atomic_load(&g_bgsave_running)) return;
    long long changes = 0;
    for (int s = 0; s < g_nshards; s++)
        changes += atomic_load_explicit(&g_shards[s]->dirty, memory_order_relaxed) -
                   atomic_load_explicit(&g_shards[s]->dirty_saved, memory_order_relaxed);
    long long now = mstime() / 1000, last = atomic_load(&g_lastsave);
    if (!atomic_load(&g_last_save_ok) && now - g_last_try <= BGSAVE_RETRY_S) return;
    const char *p = save;
    while (*p) {
        char *end;
        long long secs = strtoll(p, &end, 10);
        if (end == p) break;
        p = end;
        long long ch = strtoll(p, &end, 10);
        if (end == p) break;
        p = end;
        if (changes >= ch && now - last > secs) {
            log_notice("%lld changes in %lld seconds. Saving...", ch, secs);
            g_last_try = now;
            start_bgsave_self(sh);
            return;
        }
    }
}

void bgsave_init(void) {
    g_shard_persist_cron = persist_cron;
    db_snap_save = save_before;
    db_snap_finish = finish_now;
    g_shard_snap_step = bgsave_step;
    g_shard_file_done = file_done;
}

/* ---- BGSAVE ---- */

/* A new job: the temporary file with the header written. A file that
 * cannot be written still makes a job (with its error): every shard's part
 * joins it as usual and the end reports the failure, as a forked child's
 * would. */
static struct bg_job *job_new(struct shard *sh) {
    struct bg_job *j = calloc(1, sizeof(*j));
    if (!j) abort();
    j->t0 = mstime();
    j->created_us = mono_us();
    snprintf(j->tmpname, sizeof(j->tmpname), "temp-%d-%lld.rdb", (int)getpid(), ustime());
    j->name = strdup(snapshot_file_name(sh));
    if (!j->name) abort();
    j->recs = malloc(64 * sizeof(*j->recs));
    if (!j->recs) abort();
    j->cap = 64;
    j->fd = open(j->tmpname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (j->fd < 0) {
        log_warning("Failed opening the temp RDB file %s for saving: %s", j->tmpname, strerror(errno));
        atomic_store(&j->err, errno ? errno : EIO);
        return j;
    }
    struct buf h = {0};
    snapshot_header(&h);
    int err = pwrite_all(j->fd, h.p, h.len, 0);
    if (err) {
        log_warning("Write error saving DB on disk: %s", strerror(err));
        atomic_store(&j->err, err);
    }
    j->recs[j->nrecs++] = (struct chunkrec){0, h.len, crc64(0, h.p, h.len)};
    atomic_store(&j->next_off, h.len);
    buf_free(&h);
    return j;
}

/* BGSAVE's part on each shard (every shard held: the point in time). A
 * shard joins the job no shard has completed yet that it has not joined;
 * with none, it makes one. (Whole-shard commands run one at a time, so the
 * parts of one BGSAVE find the same job; a job that not every shard joined
 * soon is given up, see bgsave_step.) */
void bgsave_command(struct client *c) {
    struct shard *sh = c->sh;
    pthread_mutex_lock(&g_mu);
    struct bg_job *j = g_job;
    if (sh->snap || (j && (j->joined_by[sh->id] || j->joined == g_nshards))) {
        pthread_mutex_unlock(&g_mu);
        reply_error(c->out, ERR_IN_PROGRESS);
        return;
    }
    if (!j) {
        j = g_job = job_new(sh);
        atomic_store(&g_bgsave_running, 1);
        atomic_store(&g_bgsave_start_ms, j->t0);
    }
    j->joined_by[sh->id] = 1;
    j->joined++;
    j->left++;
    j->dirty_at[sh->id] = atomic_load_explicit(&sh->dirty, memory_order_relaxed);
    pthread_mutex_unlock(&g_mu);

    struct bg_shard *b = calloc(1, sizeof(*b));
    if (!b) abort();
    b->job = j;
    b->sh = sh;
    b->chunk_db = -1;
    buf_grow(&b->chunk, CHUNK_BYTES + CHUNK_BYTES / 4);
    for (int d = 0; d < sh->ndb; d++) {
        sh->dbs[d].snap_flag ^= KV_SNAP; /* every key here: not saved yet */
        sh->dbs[d].snap = b;
    }
    sh->snap = b;
    sh->snap_next_us = 0;
    /* (the reply the client gets where no combine runs: one shard in EXEC) */
    reply_simple(c->out, "Background saving started");
}

void bgsave_combine(struct gather *g, struct buf *out, int resp) {
    (void)resp;
    for (int s = 0; s < g_nshards; s++) {
        const struct buf *r = &g->parts[s].reply;
        if (r->len && r->p[0] == '-') {
            buf_put(out, r->p, r->len);
            return;
        }
    }
    log_notice("Background saving started");
    reply_simple(out, "Background saving started");
}
