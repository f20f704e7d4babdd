/*
 * shard.c - the shard thread and its loop.
 *
 * One iteration: wait for completions (accepts, receives, sends, wake-ups,
 * the cron timer) and handle them, which parses and runs commands; take the
 * batches other shards sent; send every connection's ready output; push this
 * iteration's batches to other shards. Then sleep in io_uring until the next
 * completion, after telling producers we sleep so that they wake us.
 */
#define _GNU_SOURCE
#include "shard.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/evict.h"
#include "../io/io.h"
#include "../log.h"
#include "../server/conn.h"
#include "../server/dispatch.h"
#include "../server/pubsub.h"
#include "../txn/block.h"
#include "../txn/lock.h"
#include "../txn/txn.h"
#include "../util/crc16.h"
#include "../util/mem.h"
#include "../util/util.h"
#include "xmsg.h"
#include "xring.h"

#define RING_ENTRIES 1024
#define RECV_BUFS 512
#define RECV_BUF_SIZE (16 * 1024)
#define XRING_SLOTS 1024

struct shard **g_shards;
int g_nshards;
_Atomic int g_shutdown;
_Atomic long g_clients;
_Atomic long long g_next_client_id = 1;
uint16_t g_slot_shard[CLUSTER_SLOTS];
_Thread_local struct shard *tl_shard;

/* A shard thread. Where there are more shards than CPUs the process may use,
 * the shards of one CPU share one thread:
 * one io_uring, one loop, one allocator arena, and a request from one of
 * them to another is a ring push and a second pass of the same iteration,
 * with no wake-up and no context switch. */
struct sthread {
    struct shard **sh; /* the shards it runs (sh[0] leads: timer, CPU time) */
    int n;
    int cpu;
    struct io *io;
    int clock_fresh; /* db_now_ms was read in this loop iteration */
    pthread_t thread;
    /* completions put off while a busy script served other clients (see
     * shard_poll_busy), run in order at the next loop iteration */
    struct io_cqe *def;
    size_t ndef, capdef;
    int replaying;
};

static _Thread_local struct sthread *tl_thread;

static struct sthread *g_threads;
static int g_nthreads;
static pthread_barrier_t start_barrier;
static _Atomic int start_failed;

void slots_assign(int n) {
    for (int s = 0; s < CLUSTER_SLOTS; s++) g_slot_shard[s] = (uint16_t)((long)s * n / CLUSTER_SLOTS);
}

void shard_apply_config(struct shard *sh) {
    int p = sh->cfg.maxmemory_policy;
    sh->lfu.on = p == CONFIG_MAXMEMORY_VOLATILE_LFU || p == CONFIG_MAXMEMORY_ALLKEYS_LFU;
    sh->lfu.log_factor = sh->cfg.lfu_log_factor;
    sh->lfu.decay_time = sh->cfg.lfu_decay_time;
}

int shard_for_key(const char *key, size_t len) {
    if (g_nshards == 1) return 0;
    return g_slot_shard[key_slot(key, len)];
}

int shards_create(int n, const struct config *cfg, int listen_fds[][16], int nlisten) {
    g_nshards = n;
    db_event_hook = notify_keyspace_event;
    txn_setup();
    g_shards = calloc((size_t)n, sizeof(*g_shards));
    if (!g_shards) return -1;
    slots_assign(n);
    evict_setup(n);
    for (int i = 0; i < n; i++) {
        struct shard *sh = calloc(1, sizeof(*sh));
        if (!sh) return -1;
        sh->id = i;
        sh->open_dst = -1;
        config_copy(&sh->cfg, cfg);
        sh->nlisten = nlisten;
        for (int j = 0; j < nlisten; j++) sh->listen_fd[j] = listen_fds[i][j];
        sh->in = calloc((size_t)n, sizeof(*sh->in));
        sh->out = calloc((size_t)n, sizeof(*sh->out));
        sh->batch = calloc((size_t)n, sizeof(*sh->batch));
        sh->backlog_head = calloc((size_t)n, sizeof(*sh->backlog_head));
        sh->backlog_tail = calloc((size_t)n, sizeof(*sh->backlog_tail));
        sh->cmdstat = calloc((size_t)g_ncommands, sizeof(*sh->cmdstat));
        if (!sh->in || !sh->out || !sh->batch || !sh->backlog_head || !sh->backlog_tail || !sh->cmdstat)
            return -1;
        sh->ndb = cfg->databases;
        sh->dbs = calloc((size_t)sh->ndb, sizeof(struct db));
        if (!sh->dbs) return -1;
        for (int d = 0; d < sh->ndb; d++) {
            db_init(&sh->dbs[d], d, &sh->st.expired_keys, &sh->st.keyspace_hits, &sh->st.keyspace_misses);
            sh->dbs[d].lfu = &sh->lfu;
        }
        shard_apply_config(sh);
        lock_init(sh);
        blk_init(sh);
        g_shards[i] = sh;
    }
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            if (a == b) continue;
            struct xring *r = xring_new(XRING_SLOTS);
            g_shards[a]->out[b] = r;
            g_shards[b]->in[a] = r;
        }
    return 0;
}

static const char ERR_MAXCLIENTS[] = "-ERR max number of clients reached\r\n";
static const char ERR_PROTECTED[] =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
    "the server is running, however MAKE SURE Redis is not publicly accessible from internet if "
    "you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the "
    "protected mode option to 'no', and then restarting the server. 3) If you started the server "
    "manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an "
    "authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.\r\n";

/* Refuse an accepted socket with `msg` (a whole RESP error line). The
 * caller has counted it in g_clients. */
static void reject(struct shard *sh, int fd, const char *msg) {
    ssize_t w = write(fd, msg, strlen(msg));
    (void)w;
    close(fd);
    atomic_fetch_sub(&g_clients, 1);
    sh->st.rejected_conn++;
}

/* Redis 7.0's protected mode: with protected-mode on and no password for
 * the default user, only peers at 127.0.0.1 or ::1 get in, whatever the
 * bind addresses. */
static int protected_denied(struct shard *sh, int fd) {
    if (!sh->cfg.protected_mode || (sh->cfg.requirepass && sh->cfg.requirepass[0])) return 0;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0) return 0;
    return !addr_is_loopback(&ss);
}

static void on_accept(struct shard *sh, const struct io_cqe *e, int lidx) {
    if (!e->more && !atomic_load(&g_shutdown))
        io_accept(sh->io, sh->listen_fd[lidx], IO_TAG(IO_ACCEPT, (uintptr_t)(lidx + 1) << 3));
    if (e->res < 0) {
        if (e->res != -ECANCELED) log_verbose("Accepting client connection: %s", strerror(-e->res));
        return;
    }
    int fd = e->res;
    sh->st.connections_received++;
    /* the count covers every shard, so maxclients is one global limit */
    if (atomic_fetch_add(&g_clients, 1) >= sh->cfg.maxclients) {
        reject(sh, fd, ERR_MAXCLIENTS);
        return;
    }
    if (protected_denied(sh, fd)) {
        reject(sh, fd, ERR_PROTECTED);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (sh->cfg.tcp_keepalive > 0) {
        int idle = sh->cfg.tcp_keepalive, intvl = idle / 3 ? idle / 3 : 1, cnt = 3;
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
    }
    conn_new(sh, fd);
}

static void on_recv(struct shard *sh, const struct io_cqe *e) {
    struct conn *c = IO_TAG_PTR(e->tag);
    if (e->res > 0 && e->has_buf) {
        conn_on_data(c, io_buf(sh->io, e->bid), (size_t)e->res);
        io_buf_return(sh->io, e->bid);
    } else if (e->has_buf) {
        io_buf_return(sh->io, e->bid);
    }
    if (!e->more) conn_on_recv_end(c, e->res > 0 ? -ENOBUFS : e->res);
}

static void cron(struct shard *sh);

/* Make sh the shard this thread runs (its keyspace events, its memory). */
static inline void run_as(struct shard *sh) {
    if (tl_shard == sh) return;
    tl_shard = sh;
    evict_switch(sh);
}

static long timer_ms(const struct shard *sh) { return 1000 / (sh->cfg.hz > 0 ? sh->cfg.hz : 10); }

static void defer_cqe(struct sthread *t, const struct io_cqe *e) {
    if (t->ndef == t->capdef) {
        t->capdef = t->capdef ? t->capdef * 2 : 64;
        t->def = realloc(t->def, t->capdef * sizeof(*t->def));
        if (!t->def) abort();
    }
    t->def[t->ndef++] = *e;
}

static void run_cqe(struct sthread *t, const struct io_cqe *e);

/* A completion on the thread's ring (while completions put off by a busy
 * script wait, it waits behind them). */
static void on_cqe(void *ctx, const struct io_cqe *e) {
    struct sthread *t = ctx;
    if (t->ndef && !t->replaying) {
        defer_cqe(t, e);
        return;
    }
    run_cqe(t, e);
}

/* Run the completions put off, in their order. */
static void replay_deferred(struct sthread *t) {
    t->replaying = 1;
    for (size_t i = 0; i < t->ndef; i++) {
        struct io_cqe e = t->def[i]; /* (a busy script in one of them may add more) */
        run_cqe(t, &e);
    }
    t->ndef = 0;
    t->replaying = 0;
    if (t->capdef > 1024) {
        free(t->def);
        t->def = NULL;
        t->capdef = 0;
    }
}

/* A completion: find the shard it belongs to (the connection's, the
 * delegated send's, the listening socket's) and run its handler as that
 * shard. */
static void run_cqe(struct sthread *t, const struct io_cqe *e) {
    if (!t->clock_fresh) {
        /* the first completion after a wait: commands must see the time now */
        db_now_ms = mstime();
        t->clock_fresh = 1;
    }
    struct shard *sh;
    switch (IO_TAG_EV(e->tag)) {
    case IO_ACCEPT: {
        unsigned v = (unsigned)(((uintptr_t)IO_TAG_PTR(e->tag) >> 3) - 1);
        sh = t->sh[v / 16];
        run_as(sh);
        on_accept(sh, e, (int)(v % 16));
        break;
    }
    case IO_RECV: {
        struct conn *c = IO_TAG_PTR(e->tag);
        sh = c->sh;
        run_as(sh);
        on_recv(sh, e);
        break;
    }
    case IO_SEND: {
        struct conn *c = IO_TAG_PTR(e->tag);
        run_as(c->sh);
        conn_on_sent(c, e->res);
        break;
    }
    case IO_DSEND:
        run_as(xmsg_dsend_owner(IO_TAG_PTR(e->tag)));
        xmsg_dsend_done(IO_TAG_PTR(e->tag), e->res);
        break;
    case IO_TIMER:
        if (IO_TAG_PTR(e->tag)) {
            /* the blocking commands' timer (block.c) */
            for (int i = 0; i < t->n; i++) {
                run_as(t->sh[i]);
                blk_timeouts(t->sh[i]);
            }
            break;
        }
        for (int i = 0; i < t->n; i++) {
            run_as(t->sh[i]);
            cron(t->sh[i]);
        }
        io_timer(t->io, timer_ms(t->sh[0]), IO_TAG(IO_TIMER, 0));
        break;
    case IO_NOP:
        if (IO_TAG_PTR(e->tag)) g_shard_file_done(IO_TAG_PTR(e->tag), e->res);
        break;
    default: /* IO_WAKE: the inbox is drained every iteration anyway */
        break;
    }
}

/* Sends to subscribers per iteration. A fan-out to more subscribers than
 * this goes out over several iterations, and each iteration's completions
 * come in between: commands of other clients are not held up for the
 * whole fan-out, and messages published meanwhile are appended to the
 * subscribers not yet sent to, so they go in the same send (a subscriber
 * already sent to gets them on its next turn). */
#define FLUSH_BULK_MAX 256

/* ---- a script past busy-reply-threshold ----
 *
 * The script's shard thread takes its completions from inside the script
 * (shard_poll_busy, from the script's hook): new connections are
 * accepted, the input of every connection not running a command is parsed
 * and dispatched (where everything but the commands flagged allow_busy
 * gets -BUSY), replies are sent. Everything else (the running
 * connections' own input and sends, timers, other shards' messages) is
 * put off, in order, until the loop's next iteration. */

struct busy_ctx {
    struct sthread *t;
    struct conn *skip; /* the script's connection */
};

static int busy_runs(const struct busy_ctx *b, const struct conn *c) {
    return c == b->skip || c == c->sh->running;
}

static void busy_cqe(void *ctx, const struct io_cqe *e) {
    struct busy_ctx *b = ctx;
    struct sthread *t = b->t;
    int ev = IO_TAG_EV(e->tag);
    /* (while put-off completions are replayed, new ones wait behind them) */
    if (!t->replaying &&
        (ev == IO_ACCEPT || ((ev == IO_RECV || ev == IO_SEND) && !busy_runs(b, IO_TAG_PTR(e->tag))))) {
        run_cqe(t, e);
        return;
    }
    defer_cqe(t, e);
}

void shard_poll_busy(struct shard *sh, struct conn *skip) {
    struct sthread *t = tl_thread;
    if (!t) return;
    struct busy_ctx b = {t, skip};
    /* the parser's scratch of the shard whose command runs is in use */
    struct resp_spans spans = sh->spans;
    struct arg *argv = sh->argv;
    size_t argv_cap = sh->argv_cap;
    struct buf inline_buf = sh->inline_buf;
    int deleg_last = sh->deleg_last;
    memset(&sh->spans, 0, sizeof(sh->spans));
    sh->argv = NULL;
    sh->argv_cap = 0;
    sh->inline_buf = (struct buf){0};
    io_run(t->io, 0, busy_cqe, &b);
    for (int i = 0; i < t->n; i++) {
        struct shard *o = t->sh[i];
        run_as(o);
        conns_rearm(o);
        /* replies of everyone but the running connections */
        struct conn **pp = &o->flush_head;
        while (*pp) {
            struct conn *c = *pp;
            if (busy_runs(&b, c)) {
                pp = &c->flush_next;
                continue;
            }
            *pp = c->flush_next;
            conn_flush(c);
        }
    }
    run_as(sh);
    free(sh->spans.v);
    free(sh->argv);
    buf_free(&sh->inline_buf);
    sh->spans = spans;
    sh->argv = argv;
    sh->argv_cap = argv_cap;
    sh->inline_buf = inline_buf;
    sh->deleg_last = deleg_last;
}

static void flush_conns(struct shard *sh) {
    while (sh->flush_head) {
        struct conn *c = sh->flush_head;
        sh->flush_head = c->flush_next;
        conn_flush(c);
    }
    long long until = sh->st.writes_processed + FLUSH_BULK_MAX;
    while (sh->bulk_head && sh->st.writes_processed < until) {
        struct conn *c = sh->bulk_head;
        sh->bulk_head = c->flush_next;
        if (!sh->bulk_head) sh->bulk_tail = NULL;
        conn_flush(c);
    }
}

static void sample_ops(struct shard *sh) {
    long long dt = db_now_ms - sh->ops_last_ms;
    if (dt < 1000) return;
    long long ops = (sh->st.commands_processed - sh->ops_last_count) * 1000 / dt;
    atomic_store_explicit(&sh->ops_per_sec, ops, memory_order_relaxed);
    sh->ops_last_count = sh->st.commands_processed;
    sh->ops_last_ms = db_now_ms;
}

/* How long a shard must have been idle before it gives memory back: one
 * tick at the default hz 10 (less a little for timer jitter), several at
 * higher hz. */
#define QUIET_MS 90

static void cron(struct shard *sh) {
    db_now_ms = mstime();
    sample_ops(sh);
    long long budget = 1000000 / (sh->cfg.hz > 0 ? sh->cfg.hz : 10) / 100; /* ~1% of a core */
    if (budget < 200) budget = 200;
    for (int i = 0; i < sh->ndb; i++) {
        struct db *db = &sh->dbs[i];
        if (db->expires) {
            unsigned long long cur = i == sh->expire_db ? sh->expire_cursor : 0;
            db_active_expire(db, &cur, budget);
            if (i == sh->expire_db) sh->expire_cursor = cur;
        }
        if (db->keys.rehash >= 0) dict_rehash_for(&db->keys, 1000);
        else dict_maybe_shrink(&db->keys);
    }
    /* walk one database at a time so the cursor stays meaningful */
    if (sh->expire_cursor == 0) sh->expire_db = (sh->expire_db + 1) % sh->ndb;
    conns_unpause(sh, 1); /* a CLIENT PAUSE whose time is up */
    if (sh->cfg.timeout > 0) conns_close_idle(sh, sh->cfg.timeout);
    conns_check_output_limits(sh);
    conns_trim_pools(sh);
    pubsub_cron(sh);
    evict_cron(sh);
    if (g_shard_persist_cron) g_shard_persist_cron(sh);
    /* A shard that went quiet (only this timer woke it for QUIET_MS, however
     * high hz is) gives back what the burst before left behind: its
     * allocator's dirty pages and its receive buffers' pages. Once per quiet
     * spell. */
    if (sh->loops - sh->cron_loops > 1) sh->busy_ms = db_now_ms;
    if (db_now_ms - sh->busy_ms >= QUIET_MS) {
        if (!sh->quiet) {
            sh->quiet = 1;
            mem_purge_thread_arena();
            sh->release_bufs = 1;
        }
    } else {
        sh->quiet = 0;
        sh->release_bufs = 0;
    }
    sh->cron_loops = sh->loops;
}

/* One shard's part of a loop iteration, after the completions: take the
 * batches other shards sent, re-arm receives, send the ready output, push
 * this iteration's batches. */
static void shard_pass(struct shard *sh) {
    run_as(sh);
    xmsg_drain(sh);
    /* work parked on locks released meanwhile runs now, in order */
    if (sh->lock_live && lock_replay_due(sh)) lock_replay(sh);
    /* an EXEC holding every shard whole goes on once its body's
     * transactions are done */
    if (sh->whole_resume) multi_whole_resume(sh);
    /* clients waiting for keys that got data, and those whose wait ended */
    if (blk_pending(sh)) {
        blk_serve(sh);
        blk_resume(sh);
    }
    conns_rearm(sh);
    conns_resume_paused(sh);
    flush_conns(sh);
    pubsub_flush(sh);
    xmsg_flush(sh);
    /* eviction cut short by its time limit carries on between iterations */
    if (evict_running(sh)) evict_perform(sh);
}

/* Work left that must not wait for a completion. */
static int shard_busy(struct shard *sh) {
    return xmsg_backlogged(sh) || sh->flush_head || sh->bulk_head || sh->rearm_n || evict_running(sh) ||
           (sh->lock_live && lock_replay_due(sh)) || sh->blk_ready || sh->whole_resume ||
           (sh->snap && mono_us() >= sh->snap_next_us);
}

/* Rounds of passes over a thread's shards in one iteration: a request one
 * of them pushed to another is run in the next round, not after a wait. */
#define PASSES_MAX 4

static void loop(struct sthread *t) {
    for (int i = 0; i < t->n; i++)
        for (int j = 0; j < t->sh[i]->nlisten; j++)
            io_accept(t->io, t->sh[i]->listen_fd[j], IO_TAG(IO_ACCEPT, (uintptr_t)(i * 16 + j + 1) << 3));
    io_timer(t->io, timer_ms(t->sh[0]), IO_TAG(IO_TIMER, 0));
    unsigned wait_nr = 1;
    while (!atomic_load_explicit(&g_shutdown, memory_order_relaxed)) {
        int r = io_run(t->io, wait_nr, on_cqe, t);
        if (r < 0) {
            log_warning("shard %d: io_uring wait failed: %s", t->sh[0]->id, strerror(-r));
            break;
        }
        if (t->ndef) replay_deferred(t);
        for (int i = 0; i < t->n; i++) {
            atomic_store_explicit(&t->sh[i]->sleeping, 0, memory_order_relaxed);
            t->sh[i]->loops++;
        }
        if (!t->clock_fresh) db_now_ms = mstime();
        t->clock_fresh = 0;
        for (int pass = 0; pass < PASSES_MAX; pass++) {
            int more = 0;
            for (int i = 0; i < t->n; i++) shard_pass(t->sh[i]);
            if (pass == 0)
                for (int i = 0; i < t->n; i++)
                    if (t->sh[i]->snap) {
                        /* a slice of the snapshot being taken (persist/bgsave.h) */
                        run_as(t->sh[i]);
                        g_shard_snap_step(t->sh[i]);
                    }
            if (t->n == 1) break;
            for (int i = 0; i < t->n; i++) more |= xmsg_pending(t->sh[i]);
            if (!more) break;
        }
        /* the receive buffers are the thread's: given back only when all
         * of its shards are quiet */
        int release = 1;
        for (int i = 0; i < t->n; i++) release &= t->sh[i]->release_bufs;
        if (release && io_bufs_release(t->io))
            for (int i = 0; i < t->n; i++) t->sh[i]->release_bufs = 0;
        /* Announce sleep, then look once more: a producer that pushed before
         * seeing the flag has made its message visible to this check. */
        wait_nr = 1;
        for (int i = 0; i < t->n; i++)
            if (shard_busy(t->sh[i])) wait_nr = 0;
        if (wait_nr) {
            for (int i = 0; i < t->n; i++) atomic_store_explicit(&t->sh[i]->sleeping, 1, memory_order_seq_cst);
            for (int i = 0; i < t->n && wait_nr; i++)
                if (xmsg_pending(t->sh[i])) wait_nr = 0;
            if (!wait_nr)
                for (int i = 0; i < t->n; i++) atomic_store_explicit(&t->sh[i]->sleeping, 0, memory_order_relaxed);
        }
    }
}

static void *shard_main(void *arg) {
    struct sthread *t = arg;
    tl_shard = t->sh[0];
    tl_thread = t;
    db_now_ms = mstime();
    if (t->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(t->cpu, &set);
        if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
            log_warning("shard %d: could not pin to CPU %d", t->sh[0]->id, t->cpu);
    }
    if (t->sh[0]->cfg.sched_batch) {
        /* A shard woken by I/O or by another shard does not preempt the
         * thread running on its CPU (see sched-batch in redis-shard.conf). */
        struct sched_param sp = {0};
        if (pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp) != 0 && t->sh[0]->id == 0)
            log_warning("sched-batch: could not switch the shard threads to SCHED_BATCH");
    }
    const char *err = NULL;
    /* Tests shrink the receive ring to exercise running out of buffers. */
    unsigned nbufs = RECV_BUFS;
    const char *env = getenv("REDIS_SHARD_TEST_RECV_BUFS");
    if (env && atoi(env) > 0) {
        nbufs = 1;
        while (nbufs < (unsigned)atoi(env) && nbufs < 32768) nbufs <<= 1;
    }
    t->io = io_create(RING_ENTRIES, nbufs, RECV_BUF_SIZE, &err);
    if (!t->io) {
        log_warning("shard %d: %s", t->sh[0]->id, err);
        atomic_store(&start_failed, 1);
        pthread_barrier_wait(&start_barrier);
        return NULL;
    }
    for (int i = 0; i < t->n; i++) {
        struct shard *sh = t->sh[i];
        tl_shard = sh;
        sh->io = t->io;
        sh->ring_fd = io_ring_fd(t->io);
        sh->no_delegate = getenv("REDIS_SHARD_TEST_NO_DELEGATE") != NULL;
        sh->deleg_async = getenv("REDIS_SHARD_TEST_DELEG_ASYNC") != NULL;
        /* from here on the thread allocates from its own arena; the receive
         * ring above is fixed and left out of used_memory */
        evict_shard_init(sh, i == 0 ? (size_t)nbufs * (RECV_BUF_SIZE + 16) : 0,
                         i == 0 ? -1 : t->sh[0]->id);
    }
    /* the data to start with (dump.rdb: g_shard_load), each shard its own,
     * on its own arena, in parallel */
    for (int i = 0; g_shard_load && i < t->n; i++) {
        tl_shard = t->sh[i];
        if (g_shard_load(t->sh[i]) != 0) atomic_store(&start_failed, 1);
    }
    if (t->sh[0]->id == 0 && !io_is_fast_mode(t->io))
        log_notice("io_uring SINGLE_ISSUER/DEFER_TASKRUN unavailable; using the plain ring setup");
    pthread_barrier_wait(&start_barrier);
    if (atomic_load(&start_failed)) return NULL;
    loop(t);
    /* what must outlive us (a final snapshot: g_shard_exit) */
    for (int i = 0; g_shard_exit && i < t->n; i++) {
        run_as(t->sh[i]);
        g_shard_exit(t->sh[i]);
    }
    /* Free the data on the way out (in the background thread for big
     * tables), so that leak checkers see only real leaks. */
    for (int i = 0; i < t->n; i++) {
        run_as(t->sh[i]);
        for (int d = 0; d < t->sh[i]->ndb; d++) db_flush(&t->sh[i]->dbs[d]);
        if (t->sh[i]->lua_close) t->sh[i]->lua_close(t->sh[i]);
    }
    return NULL;
}

/* The CPUs in this process's affinity mask, lowest first; 0 if unknown. */
static int usable_cpus(int *cpus, int max) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < max; c++)
        if (CPU_ISSET(c, &set)) cpus[n++] = c;
    return n;
}

int shards_usable_cpus(void) {
    int cpus[CPU_SETSIZE];
    int n = usable_cpus(cpus, CPU_SETSIZE);
    if (n > 0) return n;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}

int (*g_shard_load)(struct shard *sh);
int (*g_shard_exit)(struct shard *sh);
void (*g_shard_snap_step)(struct shard *sh);
void (*g_shard_file_done)(void *req, int res);
void (*g_shard_persist_cron)(struct shard *sh);

int shards_start(void) {
    /* Shard i belongs to the i-th CPU this process may use, wrapping round
     * when there are more shards than CPUs; the shards of one CPU share a
     * thread, pinned to that CPU with cpu-affinity on
     * (REDIS_SHARD_TEST_THREAD_PER_SHARD: a thread per shard always). */
    int cpus[CPU_SETSIZE];
    int ncpu = usable_cpus(cpus, CPU_SETSIZE);
    int pinned = g_shards[0]->cfg.cpu_affinity && ncpu > 0;
    int share = ncpu > 0 && g_nshards > ncpu && !getenv("REDIS_SHARD_TEST_THREAD_PER_SHARD");
    g_nthreads = share ? ncpu : g_nshards;
    g_threads = calloc((size_t)g_nthreads, sizeof(*g_threads));
    if (!g_threads) return -1;
    for (int k = 0; k < g_nthreads; k++) {
        struct sthread *t = &g_threads[k];
        t->sh = calloc((size_t)g_nshards, sizeof(*t->sh));
        if (!t->sh) return -1;
        t->cpu = pinned ? cpus[k % ncpu] : -1;
    }
    for (int i = 0; i < g_nshards; i++) {
        struct sthread *t = &g_threads[i % g_nthreads];
        g_shards[i]->thr_idx = t->n;
        t->sh[t->n++] = g_shards[i];
    }
    pthread_barrier_init(&start_barrier, NULL, (unsigned)g_nthreads + 1);
    for (int k = 0; k < g_nthreads; k++) {
        char name[16];
        if (pthread_create(&g_threads[k].thread, NULL, shard_main, &g_threads[k]) != 0) return -1;
        snprintf(name, sizeof(name), "shard-%u", (unsigned short)k);
        pthread_setname_np(g_threads[k].thread, name);
    }
    pthread_barrier_wait(&start_barrier);
    return atomic_load(&start_failed) ? -1 : 0;
}

int shards_threads(void) { return g_nthreads; }

void shards_join(void) {
    for (int k = 0; k < g_nthreads; k++) pthread_join(g_threads[k].thread, NULL);
}
