/*
 * multi.c - MULTI, EXEC, DISCARD, WATCH and UNWATCH.
 *
 * Queued commands are kept per connection, each as one blob in the form
 * the __exec request carries:
 *   cmd id u32 | db u32 | argc u32 | argc x (len u32 | bytes)
 * (the db is filled in when EXEC runs: SELECT inside MULTI moves the
 * commands after it). EXEC picks the cheapest of three ways to run them:
 *   - every key on this shard: run them here, one after the other (a shard
 *     runs one thing at a time, so nothing comes in between);
 *   - every key and watched key on one other shard: one __exec request,
 *     run there the same way, its array reply filling the hole;
 *   - otherwise: a transaction over every shard involved (txn.h), through
 *     the coordinator (coord.h), which locks, fetches copies, runs the
 *     commands on them here and writes back.
 * A body with a server-wide command (FLUSHALL, DBSIZE, PUBLISH...) on
 * several shards is the exception: its commands are dispatched one after
 * the other as if sent without MULTI, in order but not isolated.
 * WATCH registers each key with its owner under the client's id; EXEC
 * checks the registrations within the same atomic step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/evict.h"
#include "../server/commands.h"
#include "../server/conn.h"
#include "../server/coord.h"
#include "../server/dispatch.h"
#include "../shard/xmsg.h"
#include "../types/sort.h"
#include "../util/util.h"
#include "block.h"
#include "txn.h"

struct mwatch {
    int shard, dbid;
    size_t off, len; /* the key in wbytes */
};

struct mstate {
    uint8_t in_multi, abort;
    struct buf bytes; /* queued commands, as blobs */
    size_t *blob_off; /* where each blob starts */
    int n, cap;
    struct buf wbytes;
    struct mwatch *w;
    int nw, capw;
    /* EXEC's scratch, kept for the next one: a command's arguments, the
     * body's keys and their databases */
    struct arg *sargv;
    int sargv_cap;
    struct arg *keys;
    int *kdb;
    int capk;
    /* what the queued commands need, noted as they are queued: the one
     * shard their keys live on (-1: none yet), or `spread` over several;
     * `global`: a server-wide command; `local`: one needing the client */
    int shard;
    uint8_t spread, global, local;
};

static struct mstate *mstate_of(struct conn *c) {
    if (!c->mx) {
        c->mx = calloc(1, sizeof(*c->mx));
        if (!c->mx) abort();
        c->mx->shard = -1;
    }
    return c->mx;
}

int multi_queued(const struct conn *c) { return c->mx && c->mx->in_multi ? c->mx->n : -1; }

static inline void put_u32(struct buf *b, uint32_t v) { buf_put(b, &v, 4); }
static inline uint32_t get_u32(const char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

void exec_blob_encode(struct buf *b, const struct command *cmd, int dbid, const struct arg *argv, int argc) {
    put_u32(b, (uint32_t)cmd->id);
    put_u32(b, (uint32_t)dbid);
    put_u32(b, (uint32_t)argc);
    for (int i = 0; i < argc; i++) {
        put_u32(b, (uint32_t)argv[i].len);
        buf_put(b, argv[i].p, argv[i].len);
    }
}

int exec_blob_decode(const struct arg *blob, const struct command **cmd, int *dbid, struct arg **argv, int *cap,
                     int *argc) {
    const char *p = blob->p, *end = blob->p + blob->len;
    if (blob->len < 12) return 0;
    uint32_t id = get_u32(p), db = get_u32(p + 4), n = get_u32(p + 8);
    p += 12;
    if ((int)id < 0 || (int)id >= g_ncommands) return 0;
    if ((int)n > *cap) {
        *cap = (int)n + 8;
        *argv = realloc(*argv, sizeof(struct arg) * (size_t)*cap);
        if (!*argv) abort();
    }
    for (uint32_t i = 0; i < n; i++) {
        if (end - p < 4) return 0;
        uint32_t l = get_u32(p);
        p += 4;
        if ((size_t)(end - p) < l) return 0;
        (*argv)[i] = (struct arg){p, l};
        p += l;
    }
    *cmd = command_by_id((int)id);
    *dbid = (int)db;
    *argc = (int)n;
    return 1;
}

static int is_cmd(const struct command *cmd, const char *name) { return !strcmp(cmd->name, name); }

/* __exec, looked up once (the table is filled before any shard runs) */
#define cmd_exec_part (exec_part_cmd ? exec_part_cmd : (exec_part_cmd = command_lookup("__exec", 6)))
static _Thread_local const struct command *exec_part_cmd;

static int runs_anywhere(const struct command *cmd);

int multi_queue(struct conn *c, const struct command *cmd, struct arg *argv, int argc) {
    struct mstate *m = c->mx;
    if (!m || !m->in_multi) return 0;
    /* (commands of the connection's transaction itself run at once) */
    if (cmd->proc == multi_exec_command || cmd->proc == discard_command || cmd->proc == multi_command ||
        cmd->proc == watch_command || cmd->proc == quit_command || cmd->proc == reset_command)
        return 0;
    if (c->sh->cfg.maxmemory > 0 && evict_perform(c->sh) == EVICT_FAIL) {
        /* as Redis: out of memory, nothing more is queued (whatever its
         * flags), and EXEC will abort */
        const char *msg = ERR_OOM;
        stats_count_error(c->sh, msg);
        c->sh->cmdstat[cmd->id].rejected++;
        reply_error(&c->out, msg);
        m->abort = 1;
        return 1;
    }
    if ((cmd->flags & CMD_ADMIN) && (is_cmd(cmd, "shutdown") || is_cmd(cmd, "save") || is_cmd(cmd, "sync") ||
                                     is_cmd(cmd, "psync"))) {
        /* Redis's no-multi commands */
        const char *msg = "ERR Command not allowed inside a transaction";
        stats_count_error(c->sh, msg);
        c->sh->cmdstat[cmd->id].rejected++;
        reply_error(&c->out, msg);
        m->abort = 1;
        return 1;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->blob_off = realloc(m->blob_off, sizeof(size_t) * (size_t)m->cap);
        if (!m->blob_off) abort();
    }
    m->blob_off[m->n++] = m->bytes.len;
    exec_blob_encode(&m->bytes, cmd, 0, argv, argc);
    if (g_nshards > 1) {
        if (cmd->route == R_ALL) m->global = 1;
        if (cmd->route != R_KEYS) {
            if (!runs_anywhere(cmd)) m->local = 1;
        } else {
            int pos[64];
            int nk = command_keys(cmd, argv, argc, pos, 64);
            if (nk == 64) m->spread = 1; /* (many keys: let EXEC look) */
            for (int j = 0; j < nk; j++) {
                int s = shard_for_key(argv[pos[j]].p, argv[pos[j]].len);
                if (m->shard < 0) m->shard = s;
                else if (s != m->shard) m->spread = 1;
            }
        }
    }
    reply_simple(&c->out, "QUEUED");
    return 1;
}

void multi_flag_error(struct conn *c) {
    if (c->mx && c->mx->in_multi) c->mx->abort = 1;
}

static void unwatch_all(struct conn *c);

/* EXEC is over, whichever way it ran: the transaction and watches end. */
static void discard(struct mstate *m);
static void exec_done(struct conn *c) {
    unwatch_all(c);
    discard(c->mx);
}

static void discard(struct mstate *m) {
    m->in_multi = 0;
    m->abort = 0;
    m->n = 0;
    m->shard = -1;
    m->spread = m->global = m->local = 0;
    /* a client that runs transactions keeps its buffers, unless big */
    if (m->bytes.cap > 16384) {
        buf_free(&m->bytes);
        free(m->blob_off);
        m->blob_off = NULL;
        m->cap = 0;
    }
    m->bytes.len = 0;
}

/* Send the per-shard __watch/__unwatch requests built in args. */
static void send_watch_parts(struct shard *sh, struct buf *args, const char *name) {
    const struct command *cmd = command_lookup(name, strlen(name));
    for (int s = 0; s < g_nshards; s++) {
        if (!args[s].len) continue;
        xmsg_send_cmd(sh, s, XC_MAKE(NULL, XC_SINK), cmd, 0, 2, (int)(args[s].len / sizeof(struct arg)),
                      (const struct arg *)(const void *)args[s].p, -1);
    }
}

static void put_arg(struct buf *b, const char *p, size_t len) {
    struct arg a = {p, len};
    buf_put(b, &a, sizeof(a));
}

/* Drop every watch of c (on the other shards with one __unwatch each). */
static void unwatch_all(struct conn *c) {
    struct mstate *m = c->mx;
    if (!m || !m->nw) return;
    struct shard *sh = c->sh;
    struct buf *args = calloc((size_t)g_nshards, sizeof(struct buf));
    char *dbs = malloc((size_t)m->nw * 12);
    if (!args || !dbs) abort();
    uint64_t client = (uint64_t)c->id;
    for (int i = 0; i < m->nw; i++) {
        struct mwatch *w = &m->w[i];
        const char *key = m->wbytes.p + w->off;
        if (w->shard == sh->id) {
            watch_remove(sh, c->id, w->dbid, key, w->len);
            continue;
        }
        struct buf *a = &args[w->shard];
        if (!a->len) {
            put_arg(a, "__unwatch", 9);
            put_arg(a, (const char *)&client, 8);
        }
        int dl = snprintf(dbs + i * 12, 12, "%d", w->dbid);
        put_arg(a, dbs + i * 12, (size_t)dl);
        put_arg(a, key, w->len);
    }
    send_watch_parts(sh, args, "__unwatch");
    for (int s = 0; s < g_nshards; s++) buf_free(&args[s]);
    free(args);
    free(dbs);
    m->nw = 0;
    buf_free(&m->wbytes);
}

void multi_unwatch(struct conn *c) { unwatch_all(c); }

void multi_discard(struct conn *c) {
    if (c->mx && c->mx->in_multi) exec_done(c);
}

void multi_conn_reset(struct conn *c) {
    if (!c->mx) return;
    unwatch_all(c);
    discard(c->mx);
    buf_free(&c->mx->bytes);
    free(c->mx->blob_off);
    free(c->mx->w);
    free(c->mx->sargv);
    free(c->mx->keys);
    free(c->mx->kdb);
    free(c->mx);
    c->mx = NULL;
}


void multi_command(struct client *c) {
    struct mstate *m = mstate_of(c->conn);
    if (m->in_multi) {
        reply_err(c, "ERR MULTI calls can not be nested");
        return;
    }
    m->in_multi = 1;
    m->abort = 0;
    reply_ok(c->out);
}

void discard_command(struct client *c) {
    struct mstate *m = c->conn->mx;
    if (!m || !m->in_multi) {
        reply_err(c, "ERR DISCARD without MULTI");
        return;
    }
    exec_done(c->conn);
    reply_ok(c->out);
}

void watch_command(struct client *c) {
    struct conn *k = c->conn;
    struct mstate *m = mstate_of(k);
    if (m->in_multi) {
        reply_err(c, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    struct shard *sh = c->sh;
    struct buf *args = calloc((size_t)g_nshards, sizeof(struct buf));
    char *dbs = malloc((size_t)c->argc * 12);
    if (!args || !dbs) abort();
    uint64_t client = (uint64_t)k->id;
    for (int i = 1; i < c->argc; i++) {
        const struct arg *key = &c->argv[i];
        int dup = 0;
        for (int j = 0; j < m->nw && !dup; j++)
            dup = m->w[j].dbid == c->dbid && m->w[j].len == key->len &&
                  !memcmp(m->wbytes.p + m->w[j].off, key->p, key->len);
        if (dup) continue;
        if (m->nw == m->capw) {
            m->capw = m->capw ? m->capw * 2 : 4;
            m->w = realloc(m->w, sizeof(*m->w) * (size_t)m->capw);
            if (!m->w) abort();
        }
        int s = shard_for_key(key->p, key->len);
        m->w[m->nw++] = (struct mwatch){.shard = s, .dbid = c->dbid, .off = m->wbytes.len, .len = key->len};
        buf_put(&m->wbytes, key->p, key->len);
        if (s == sh->id) {
            watch_add(sh, k->id, c->dbid, key->p, key->len);
            continue;
        }
        struct buf *a = &args[s];
        if (!a->len) {
            put_arg(a, "__watch", 7);
            put_arg(a, (const char *)&client, 8);
        }
        int dl = snprintf(dbs + i * 12, 12, "%d", c->dbid);
        put_arg(a, dbs + i * 12, (size_t)dl);
        put_arg(a, key->p, key->len);
    }
    /* The +OK waits for every owner's (empty) acknowledgement: once the
     * client has it, a change by anyone to any of the keys is seen. */
    const struct command *wcmd = command_lookup("__watch", 7);
    for (int s = 0; s < g_nshards; s++) {
        if (!args[s].len) continue;
        struct oseg *hole = conn_add_hole(k);
        xmsg_send_cmd(sh, s, XC_MAKE(hole, XC_HOLE), wcmd, 0, 2, (int)(args[s].len / sizeof(struct arg)),
                      (const struct arg *)(const void *)args[s].p, -1);
    }
    for (int s = 0; s < g_nshards; s++) buf_free(&args[s]);
    free(args);
    free(dbs);
    reply_ok(c->out);
}

void unwatch_command(struct client *c) {
    if (c->conn) unwatch_all(c->conn);
    reply_ok(c->out);
}

/* ---- EXEC ---- */

/* Run the commands of an EXEC body one after the other into out (an
 * array), on this shard's databases. `conn` is the client when it is
 * here (NULL on another shard). */
static void run_body(struct shard *sh, struct conn *conn, int resp, const struct arg *blobs, int n,
                     struct buf *out) {
    int argc = 0, dbid = 0;
    const struct command *cmd;
    reply_array(out, n);
    for (int i = 0; i < n; i++) {
        /* the shard's scratch: a body never runs inside another */
        if (!exec_blob_decode(&blobs[i], &cmd, &dbid, &sh->xargv, &sh->xargv_cap, &argc)) {
            reply_error(out, "ERR malformed transaction");
            continue;
        }
        struct client cl = {.sh = sh, .conn = conn, .db = &sh->dbs[dbid], .dbid = dbid, .resp = resp,
                            .argc = argc, .argv = sh->xargv, .out = out, .cmd = cmd, .noblock = 1, .src = sh->id};
        exec_command(&cl);
    }
}

/* The same without the array header (a share of an EXEC run here). */
static void run_body_rows(struct shard *sh, struct conn *conn, int resp, const struct arg *blobs, int n,
                          struct buf *out) {
    size_t at = out->len;
    run_body(sh, conn, resp, blobs, n, out);
    const char *cr = memchr(out->p + at, '\r', out->len - at);
    size_t hdr = (size_t)(cr - (out->p + at)) + 2;
    memmove(out->p + at, out->p + at + hdr, out->len - at - hdr);
    out->len -= hdr;
}

/* __exec client blob...: a whole EXEC whose keys all live here. */
void exec_part_command(struct client *c) {
    uint64_t client = 0;
    if (c->argv[1].len == 8) memcpy(&client, c->argv[1].p, 8);
    if (client && watch_dirty(c->sh, (long long)client)) {
        reply_null_array(c->out, c->resp);
        return;
    }
    run_body(c->sh, NULL, c->resp, c->argv + 2, c->argc - 2, c->out);
}

/* The blobs of m as args; the db of each filled in, SELECT followed. */
static struct arg *body_args(struct conn *c, struct mstate *m, int *final_db, struct arg *small, int nsmall) {
    struct arg *b = m->n <= nsmall ? small : malloc(sizeof(struct arg) * (size_t)m->n);
    if (!b) abort();
    int dbid = c->dbid;
    for (int i = 0; i < m->n; i++) {
        size_t end = i + 1 < m->n ? m->blob_off[i + 1] : m->bytes.len;
        char *p = m->bytes.p + m->blob_off[i];
        b[i] = (struct arg){p, end - m->blob_off[i]};
        memcpy(p + 4, &(uint32_t){(uint32_t)dbid}, 4);
        const struct command *cmd = command_by_id((int)get_u32(p));
        if (cmd->proc == select_command && get_u32(p + 8) == 2) {
            const char *a = p + 12 + 4 + get_u32(p + 12); /* past the name */
            uint32_t l = get_u32(a);
            long long v;
            if (str_to_ll(a + 4, l, &v) && v >= 0 && v < c->sh->ndb) dbid = (int)v;
        }
    }
    *final_db = dbid;
    return b;
}

/* An EXEC over several shards whose commands each live on one shard: the
 * transaction runs each shard's commands at that shard, in the hop that
 * locks it, and their replies come back into one array here. */
struct xexec {
    struct conn *conn;
    struct oseg *hole;
    struct buf bytes; /* the body, kept until every shard has run its share */
    int n;
    int *shard_of;    /* by command: the shard that runs it */
    struct buf *r;    /* by shard: its commands' replies, in order */
    /* with WATCH: the owners check first, then every shard runs its share
     * in one parallel hop */
    struct txn *t;
    struct buf *pay;  /* by shard: its blobs (as args) */
    int watching;
    int barrier;      /* the client's input is held (until every share is on its way) */
};

/* Every share is on its way: the client's next commands may go too. */
static void xexec_release(struct xexec *x) {
    struct conn *c = x->conn;
    if (!x->barrier) return;
    x->barrier = 0;
    c->barrier--;
    if (!c->sh->coord_starting && !c->closing) blk_resume_later(c->sh, c);
}

static void xexec_sent(struct txn *t, void *arg) {
    (void)t;
    xexec_release(arg);
}

static void xexec_step(struct txn *t, int s, const char *reply, size_t len, void *arg) {
    struct xexec *x = arg;
    buf_put(&x->r[s], reply, len);
    (void)t;
}

/* Every share ran: the replies in the body's order fill the hole. */
static void xexec_finish(struct xexec *x, int dirty) {
    struct conn *c = x->conn;
    int starting = c->sh->coord_starting;
    struct buf out = {0};
    size_t pos[MAX_SHARDS] = {0};
    if (dirty) {
        reply_null_array(&out, c->resp);
        x->n = 0;
    } else {
        reply_array(&out, x->n);
    }
    for (int i = 0; i < x->n; i++) {
        int s = x->shard_of[i];
        struct buf *r = &x->r[s];
        long e = pos[s] < r->len ? resp_reply_len(r->p + pos[s], r->len - pos[s]) : 0;
        if (e <= 0) {
            reply_error(&out, "ERR transaction reply missing");
            continue;
        }
        buf_put(&out, r->p + pos[s], (size_t)e);
        pos[s] += (size_t)e;
    }
    for (int s = 0; s < g_nshards; s++) {
        buf_free(&x->r[s]);
        if (x->pay) buf_free(&x->pay[s]);
    }
    free(x->r);
    free(x->pay);
    free(x->shard_of);
    buf_free(&x->bytes);
    if (x->watching) unwatch_all(c); /* the owners have checked them */
    int held = x->barrier;
    if (held) c->barrier--;
    struct buf b = buf_take(&out);
    conn_fill_hole(x->hole, b.p, b.len, NULL);
    free(x);
    if (held && !starting && !c->closing) conn_resume(c);
}

static void xexec_done(struct txn *t, int dirty, void *arg) {
    txn_end(t, NULL);
    xexec_finish(arg, dirty);
}

/* With WATCH, the share of each shard ran (cookie: its gather part). */
static void xexec_gathered(struct gather *g) {
    struct xexec *x = g->priv;
    for (int s = 0; s < g_nshards; s++) {
        struct buf *r = &g->parts[s].reply;
        if (!g->parts[s].active || !r->len) continue;
        /* __exec's array: skip its header */
        const char *cr = memchr(r->p, '\r', r->len);
        size_t skip = cr ? (size_t)(cr - r->p) + 2 : r->len;
        buf_put(&x->r[s], r->p + skip, r->len - skip);
        buf_free(r);
        buf_free(&g->parts[s].args);
    }
    free(g);
    xexec_finish(x, 0);
}

/* With WATCH: every lock held and every watch checked; run the shares. */
static void xexec_locked(struct txn *t, int dirty, void *arg) {
    struct xexec *x = arg;
    struct shard *sh = x->conn->sh;
    if (dirty) {
        txn_end(t, NULL);
        xexec_finish(x, 1);
        return;
    }
    struct gather *g = calloc(1, sizeof(*g) + sizeof(struct gpart) * (size_t)g_nshards);
    if (!g) abort();
    g->priv = x;
    g->done = xexec_gathered;
    uint8_t skip[MAX_SHARDS];
    uint64_t zero = 0;
    for (int s = 0; s < g_nshards; s++) {
        g->parts[s].g = g;
        g->parts[s].shard = s;
        skip[s] = 0;
        if (!x->pay[s].len || s == sh->id) continue;
        g->parts[s].active = 1;
        g->pending++;
    }
    g->pending++; /* held while the parts go out */
    for (int s = 0; s < g_nshards; s++) {
        if (!x->pay[s].len) continue;
        const struct arg *blobs = (const struct arg *)(const void *)x->pay[s].p;
        int nb = (int)(x->pay[s].len / sizeof(struct arg));
        if (s == sh->id) {
            run_body_rows(sh, x->conn, x->conn->resp, blobs, nb, &x->r[s]);
            continue;
        }
        int argc = nb + 2;
        struct arg *av = malloc(sizeof(struct arg) * (size_t)argc);
        if (!av) abort();
        av[0] = (struct arg){"__exec", 6};
        av[1] = (struct arg){(const char *)&zero, 8};
        memcpy(av + 2, blobs, sizeof(struct arg) * (size_t)nb);
        txn_send_part(sh, t, s, XC_MAKE(&g->parts[s], XC_PART), NULL, 0, x->conn->resp, argc, av);
        free(av);
        skip[s] = 1; /* released with its part */
    }
    txn_end(t, skip);
    xexec_release(x);
    if (--g->pending == 0) xexec_gathered(g);
}

static void exec_at_owners(struct conn *k, struct mstate *m, const struct arg *blobs, const int *shard_of,
                           const struct arg *keys, const int *kdb, int nkeys, const uint8_t *watch_shards) {
    struct shard *sh = k->sh;
    struct xexec *x = calloc(1, sizeof(*x));
    if (!x) abort();
    x->conn = k;
    x->n = m->n;
    x->shard_of = malloc(sizeof(int) * (size_t)(m->n ? m->n : 1));
    x->r = calloc((size_t)g_nshards, sizeof(struct buf));
    if (!x->shard_of || !x->r) abort();
    memcpy(x->shard_of, shard_of, sizeof(int) * (size_t)m->n);
    /* the body moves into x: the blobs keep their offsets */
    x->bytes = m->bytes;
    m->bytes = (struct buf){0};
    struct txn *t;
    if (watch_shards) {
        /* the watches are checked by the lock steps; nothing runs before
         * every one said clean */
        x->watching = 1;
        x->pay = calloc((size_t)g_nshards, sizeof(struct buf));
        if (!x->pay) abort();
        t = txn_new(sh, k->id, watch_shards, xexec_locked, x);
        txn_lock_keys(t, keys, kdb, NULL, nkeys);
        for (int i = 0; i < m->n; i++) {
            struct arg b = {x->bytes.p + m->blob_off[i], blobs[i].len};
            buf_put(&x->pay[shard_of[i]], &b, sizeof(b));
        }
    } else {
        t = txn_new(sh, 0, NULL, xexec_done, x);
        txn_lock_keys(t, keys, kdb, NULL, nkeys);
        for (int i = 0; i < m->n; i++) {
            struct arg b = {x->bytes.p + m->blob_off[i], blobs[i].len};
            txn_run_at(t, shard_of[i], &b);
        }
        txn_payload_mode(t, k, k->resp, 1, xexec_step);
        txn_on_all_sent(t, xexec_sent);
    }
    x->hole = conn_add_hole(k);
    k->barrier++;
    x->barrier = 1;
    sh->coord_starting++;
    txn_start(t);
    sh->coord_starting--;
}

/* The whole body to shard s, whose keys (and watched keys) it all is:
 * one __exec request, its array reply filling a hole. */
static void exec_remote(struct conn *k, struct mstate *m, const struct arg *blobs, int s) {
    int argc = m->n + 2;
    struct arg small[34], *av = argc <= 34 ? small : malloc(sizeof(struct arg) * (size_t)argc);
    if (!av) abort();
    uint64_t client = m->nw ? (uint64_t)k->id : 0;
    av[0] = (struct arg){"__exec", 6};
    av[1] = (struct arg){(const char *)&client, 8};
    memcpy(av + 2, blobs, sizeof(struct arg) * (size_t)m->n);
    struct oseg *hole = conn_add_hole(k);
    xmsg_send_cmd(k->sh, s, XC_MAKE(hole, XC_HOLE), cmd_exec_part, k->dbid, k->resp, argc, av, -1);
    if (av != small) free(av);
}

/* An EXEC with a server-wide command (FLUSHALL, DBSIZE, KEYS, PUBLISH...)
 * over several shards: a transaction takes every shard whole (txn_whole),
 * so nothing but its own work runs anywhere until it lets go; then the
 * body is dispatched as if the client had sent it alone, with
 * `sh->whole_act` set so that what it sends, and the transactions its
 * multi-shard commands start, pass the whole-shard locks. Such a command
 * (MSET over shards, a RENAME between two) finishes before the next one is
 * dispatched, so the body keeps its order; once all have been dispatched
 * and finished, every shard is let go. */
struct gexec {
    struct conn *conn;
    struct oseg *hole; /* EXEC's array header, filled once the locks are held */
    struct txn *t;
    struct buf bytes;  /* the body */
    struct arg *blobs; /* into bytes */
    int n, i;          /* commands, and the next one to dispatch */
    int watching;
    int bare;          /* one server-wide command outside MULTI: no array around its reply */
};

static void whole_finish(struct gexec *g) {
    struct conn *k = g->conn;
    struct shard *sh = k->sh;
    sh->whole_g = NULL;
    txn_end(g->t, NULL);
    buf_free(&g->bytes);
    free(g->blobs);
    free(g);
    k->barrier--;
    if (!k->closing) blk_resume_later(sh, k);
    conn_unref(k);
}

/* Dispatch the body from command g->i on, until a command leaves work in
 * flight (its transactions), or to the end. */
static void whole_run(struct gexec *g) {
    struct conn *k = g->conn;
    struct shard *sh = k->sh;
    struct mstate *m = mstate_of(k);
    const struct command *cmd;
    int dbid, cac = 0;
    sh->whole_act = txn_id(g->t);
    while (g->i < g->n && !sh->whole_kids && !k->closing) {
        if (!exec_blob_decode(&g->blobs[g->i++], &cmd, &dbid, &m->sargv, &m->sargv_cap, &cac)) continue;
        dispatch_command(k, m->sargv, cac);
    }
    sh->whole_act = 0;
    if (!sh->whole_kids && (g->i == g->n || k->closing)) whole_finish(g);
}

void multi_whole_resume(struct shard *sh) {
    sh->whole_resume = 0;
    if (sh->whole_g && !sh->whole_kids) whole_run(sh->whole_g);
}

static void whole_granted(struct txn *t, int dirty, void *arg) {
    struct gexec *g = arg;
    struct conn *k = g->conn;
    (void)t;
    if (g->watching) unwatch_all(k); /* the owners have checked them */
    struct buf out = {0};
    if (dirty || k->closing) {
        if (!g->bare) reply_null_array(&out, k->resp);
        g->n = 0;
    } else if (!g->bare) {
        reply_array(&out, g->n);
    }
    size_t len = out.len;
    if (!len) buf_putc(&out, 0); /* (a buffer to hand over, even if empty) */
    struct buf b = buf_take(&out);
    conn_fill_hole(g->hole, b.p, len, NULL);
    k->sh->whole_g = g;
    whole_run(g);
}

/* Start a whole-shard transaction for the body `bytes` (moved into it),
 * n commands at blobs (pointing into bytes), checking client's watches. */
static void whole_begin(struct conn *k, struct buf *bytes, const struct arg *blobs, int n, long long client,
                        int bare) {
    struct shard *sh = k->sh;
    struct gexec *g = calloc(1, sizeof(*g));
    if (!g) abort();
    g->conn = k;
    g->n = n;
    g->watching = client != 0;
    g->bare = bare;
    g->blobs = malloc(sizeof(struct arg) * (size_t)(n ? n : 1));
    if (!g->blobs) abort();
    memcpy(g->blobs, blobs, sizeof(struct arg) * (size_t)n);
    /* the blobs keep pointing into the same bytes */
    g->bytes = *bytes;
    *bytes = (struct buf){0};
    g->hole = conn_add_hole(k);
    k->barrier++;   /* the client's next commands wait for the whole EXEC */
    k->inflight++;  /* and k for g (conn_unref) */
    g->t = txn_new(sh, client, NULL, whole_granted, g);
    txn_whole(g->t);
    txn_hold(g->t);
    sh->coord_starting++;
    txn_start(g->t);
    sh->coord_starting--;
}

static void whole_exec(struct conn *k, struct mstate *m, const struct arg *blobs) {
    whole_begin(k, &m->bytes, blobs, m->n, m->nw ? k->id : 0, 0);
}

void multi_whole_command(struct conn *c, const struct command *cmd, const struct arg *argv, int argc) {
    struct buf b = {0};
    exec_blob_encode(&b, cmd, c->dbid, argv, argc);
    struct arg blob = {b.p, b.len};
    whole_begin(c, &b, &blob, 1, 0, 1);
}

/* Commands that need nothing of the connection and may run on whichever
 * shard runs the rest of the body. */
static int runs_anywhere(const struct command *cmd) {
    return cmd->proc == ping_command || cmd->proc == echo_command || cmd->proc == select_command;
}

void multi_exec_command(struct client *c) {
    struct conn *k = c->conn;
    struct shard *sh = c->sh;
    struct mstate *m = k->mx;
    if (!m || !m->in_multi) {
        reply_err(c, "ERR EXEC without MULTI");
        return;
    }
    if (m->abort) {
        exec_done(k);
        reply_err(c, "EXECABORT Transaction discarded because of previous errors.");
        return;
    }
    int final_db;
    struct arg blobs_small[32];
    struct arg *blobs = body_args(k, m, &final_db, blobs_small, 32);
    if (g_nshards == 1) {
        /* one shard: nothing to route, nothing locked, one step */
        if (m->nw && watch_dirty(sh, k->id)) reply_null_array(c->out, k->resp);
        else run_body(sh, k, k->resp, blobs, m->n, c->out);
        k->dbid = final_db;
        exec_done(k);
        if (blobs != blobs_small) free(blobs);
        return;
    }
    /* every key on one shard, as noted while queueing: no need to look */
    int target = m->shard >= 0 ? m->shard : sh->id, watch_there = 1;
    for (int i = 0; i < m->nw; i++) watch_there &= m->w[i].shard == target;
    if (!m->spread && !m->global && watch_there && !(target == sh->id && sh->lock_live) &&
        (target == sh->id || !m->local)) {
        if (target == sh->id) {
            if (m->nw && watch_dirty(sh, k->id)) reply_null_array(c->out, k->resp);
            else run_body(sh, k, k->resp, blobs, m->n, c->out);
        } else {
            exec_remote(k, m, blobs, target);
        }
        k->dbid = final_db;
        exec_done(k);
        if (blobs != blobs_small) free(blobs);
        return;
    }
    /* where the keys and watches are */
    uint8_t on[MAX_SHARDS], wat[MAX_SHARDS];
    memset(on, 0, (size_t)g_nshards);
    memset(wat, 0, (size_t)g_nshards);
    int anywhere = 1, global = 0, split = 1;
    int nkeys = 0, cac = 0, dbid;
    int shard_small[32];
    int *shard_of = m->n <= 32 ? shard_small : malloc(sizeof(int) * (size_t)m->n);
    if (!shard_of) abort();
    const struct command *cmd;
    for (int i = 0; i < m->n; i++) {
        shard_of[i] = sh->id;
        if (!exec_blob_decode(&blobs[i], &cmd, &dbid, &m->sargv, &m->sargv_cap, &cac)) continue;
        if (cmd->route == R_ALL && g_nshards > 1) global = 1;
        /* a script may use keys it did not declare, on any shard: the
         * body runs holding every shard, and the script with it */
        if ((cmd->flags & CMD_SCRIPT_RUN) && g_nshards > 1) global = 1;
        if (cmd->route != R_KEYS && !runs_anywhere(cmd)) anywhere = 0;
        int pos[256];
        struct arg *cav = m->sargv;
        /* (the "keys" of SSUBSCRIBE and the like are channels: they run here) */
        int nk = cmd->route == R_KEYS ? command_keys(cmd, cav, cac, pos, 256) : 0;
        int first = -1;
        if (cmd->proc == sort_command || cmd->proc == sort_ro_command || (cmd->flags & CMD_MULTIKEY_COORD))
            split = 0; /* may read keys it does not name as keys */
        for (int j = 0; j < nk; j++) {
            if (nkeys == m->capk) {
                m->capk = m->capk ? m->capk * 2 : 16;
                m->keys = realloc(m->keys, sizeof(*m->keys) * (size_t)m->capk);
                m->kdb = realloc(m->kdb, sizeof(int) * (size_t)m->capk);
                if (!m->keys || !m->kdb) abort();
            }
            m->keys[nkeys] = cav[pos[j]];
            m->kdb[nkeys++] = command_key_db(cmd, cav, cac, j, dbid, sh->ndb);
            int s = shard_for_key(cav[pos[j]].p, cav[pos[j]].len);
            on[s] = 1;
            /* each command on one shard: the body can run at the owners */
            if (first < 0) first = shard_of[i] = s;
            else if (s != first) split = 0;
        }
    }
    for (int i = 0; i < m->nw; i++) wat[m->w[i].shard] = on[m->w[i].shard] = 1;
    int nshards = 0, only = sh->id;
    for (int s = 0; s < g_nshards; s++)
        if (on[s]) {
            nshards++;
            only = s;
        }
    if (global) {
        /* every shard held whole while the body runs as if sent alone */
        whole_exec(k, m, blobs);
        if (m->nw) discard(m); /* the watches go once checked */
        else exec_done(k);
    } else if (nshards == 0 || (nshards == 1 && only == sh->id)) {
        /* everything here: one atomic step, unless a transaction holds
         * some of the keys (then EXEC runs again once they are free) */
        if (sh->lock_live) {
            struct buf hs = {0};
            for (int i = 0; i < nkeys; i++) {
                uint64_t h = lock_hash(m->kdb[i], m->keys[i].p, m->keys[i].len);
                buf_put(&hs, &h, 8);
            }
            int ok = txn_admit_hashes(k, (const uint64_t *)(const void *)hs.p, nkeys, 0);
            buf_free(&hs);
            if (!ok) goto out;
        }
        if (m->nw && watch_dirty(sh, k->id)) reply_null_array(c->out, k->resp);
        else run_body(sh, k, k->resp, blobs, m->n, c->out);
        k->dbid = final_db;
        exec_done(k);
    } else if (nshards == 1 && anywhere) {
        /* everything on one other shard: one hop */
        exec_remote(k, m, blobs, only);
        k->dbid = final_db;
        exec_done(k);
    } else if (split) {
        /* several shards, each command on one: run them there, each shard
         * in the hop that locks it (after every watch check, with WATCH) */
        exec_at_owners(k, m, blobs, shard_of, m->keys, m->kdb, nkeys, m->nw ? wat : NULL);
        k->dbid = final_db;
        if (m->nw) discard(m); /* the watches go once checked */
        else exec_done(k);
    } else {
        /* several shards: lock them all, run here on copies, write back;
         * the watches stay until the owners have checked them (coord
         * ends them, multi_unwatch) */
        coord_start_exec(k, blobs, m->n, m->keys, m->kdb, nkeys, m->nw ? wat : NULL, final_db);
        discard(m);
    }
out:
    if (shard_of != shard_small) free(shard_of);
    if (blobs != blobs_small) free(blobs);
}
