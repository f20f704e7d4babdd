/*
 * block.c - clients waiting for data (see block.h).
 *
 * A shard keeps its waiters in one list (timeouts, cancel) and, per key
 * they wait on, a FIFO of references (struct bkey). Kinds of waiter:
 *   BW_SERVE   all of the client's keys are here: run its command for it
 *              when a key gets data (the reply goes to its hole: local, or
 *              on the client's shard)
 *   BW_NOTIFY  a client of shard `src` waits on keys of several shards:
 *              tell src (__bready) when this key gets data
 *   BW_ORIGIN  that client, on its own shard: holds the hole and the
 *              timeout, runs the command again through the coordinator
 *              when an owner says a key got data
 * Waiters are found again by (src, cookie): the hole their reply fills,
 * named as the client's shard names it.
 */
#include "block.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/io.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../server/conn.h"
#include "../server/coord.h"
#include "../server/dispatch.h"
#include "../shard/xmsg.h"
#include "../util/util.h"
#include "lock.h"
#include "move.h"

enum { BW_SERVE, BW_NOTIFY, BW_ORIGIN };

const struct blk_stream_hooks *g_blk_stream;

static int stream_cmd(const struct command *cmd) { return g_blk_stream && g_blk_stream->is_stream_cmd(cmd); }

struct bkey;

struct bwait {
    struct bwait *prev, *next; /* the shard's waiters */
    int kind;
    int group_reader;  /* BW_NOTIFY for an XREADGROUP: a deleted key wakes it too */
    int stream_reader; /* BW_NOTIFY for XREAD / XREADGROUP: woken when a stream's last ID moves */
    uint64_t (*since)[3]; /* stream_reader: each key's stream signature when it registered */
    int src;          /* the client's shard */
    uint64_t cookie;  /* its hole there (XC_HOLE cookie); BW_NOTIFY: its id */
    struct conn *conn; /* BW_ORIGIN, or BW_SERVE of a local client */
    const struct command *cmd;
    int dbid, resp;
    struct buf argbytes;
    struct arg *argv;
    int argc;
    long long deadline; /* ms, 0: none */
    uint64_t id;        /* BW_ORIGIN: the id its owners know it by */
    uint8_t *shards;    /* BW_ORIGIN: the shards watching for it */
    int nkeys;
    struct bkey **keys;
};

struct bkey {
    struct bkey *next;
    uint64_t h;
    int dbid;
    size_t klen;
    char *key;
    struct bwait **w; /* FIFO */
    int n, cap;
    int ready;
    /* a waiter of another shard (BW_NOTIFY) was told of data here: the
     * rest wait until its shard says it is done (__bnext), so that the
     * clients are served in the order they blocked */
    int pending, pend_src;
    uint64_t pend_id;
};

struct blk_state {
    struct bwait *head, *tail;
    struct bkey **tab;
    size_t mask, n;
    struct bkey **ready; /* keys to serve, in the order they got data */
    int nready, capready;
    struct conn **resume; /* clients whose wait ended: their input goes on */
    int nresume, capresume;
    long long timer_at; /* the earliest deadline a timer is set for */
    uint64_t next_id;
};

#define BTIMER_TAG IO_TAG(IO_TIMER, 8)

void blk_init(struct shard *sh) {
    struct blk_state *b = calloc(1, sizeof(*b));
    if (!b) abort();
    b->mask = 63;
    b->tab = calloc(b->mask + 1, sizeof(*b->tab));
    if (!b->tab) abort();
    b->timer_at = LLONG_MAX;
    sh->bk = b;
}

/* ---- timeouts and arguments ---- */

int blk_parse_timeout(struct client *c, const struct arg *a, long long *deadline) {
    char tmp[64];
    if (a->len == 0 || a->len >= sizeof(tmp) || a->p[0] == ' ') {
        reply_err(c, "ERR timeout is not a float or out of range");
        return 0;
    }
    memcpy(tmp, a->p, a->len);
    tmp[a->len] = '\0';
    char *end;
    errno = 0;
    long double v = strtold(tmp, &end);
    if (*end || errno == ERANGE || isnan((double)v)) {
        reply_err(c, "ERR timeout is not a float or out of range");
        return 0;
    }
    if (v < 0) {
        reply_err(c, "ERR timeout is negative");
        return 0;
    }
    long double ms = ceill(v * 1000.0L);
    if (ms > (long double)(LLONG_MAX / 2)) {
        reply_err(c, "ERR timeout is out of range");
        return 0;
    }
    *deadline = ms > 0 ? db_now_ms + (long long)ms : 0;
    return 1;
}

/* Fire the blocking timer by `at` (the thread's ring serves every shard of
 * the thread; an earlier timer already set covers later deadlines). */
static void arm_timer(struct shard *sh, long long at) {
    struct blk_state *b = sh->bk;
    if (!at || at >= b->timer_at) return;
    b->timer_at = at;
    long long ms = at - mstime();
    io_timer(sh->io, ms > 0 ? ms : 0, BTIMER_TAG);
}

/* ---- the key table ---- */

static struct bkey *bkey_find(struct blk_state *b, uint64_t h, int dbid, const char *key, size_t len) {
    for (struct bkey *k = b->tab[h & b->mask]; k; k = k->next)
        if (k->h == h && k->dbid == dbid && k->klen == len && !memcmp(k->key, key, len)) return k;
    return NULL;
}

static struct bkey *bkey_get(struct shard *sh, int dbid, const char *key, size_t len) {
    struct blk_state *b = sh->bk;
    uint64_t h = lock_hash(dbid, key, len);
    struct bkey *k = bkey_find(b, h, dbid, key, len);
    if (k) return k;
    if (b->n > b->mask) {
        size_t nm = b->mask * 2 + 1;
        struct bkey **t = calloc(nm + 1, sizeof(*t));
        if (!t) abort();
        for (size_t i = 0; i <= b->mask; i++)
            for (struct bkey *e = b->tab[i], *n; e; e = n) {
                n = e->next;
                e->next = t[e->h & nm];
                t[e->h & nm] = e;
            }
        free(b->tab);
        b->tab = t;
        b->mask = nm;
    }
    k = calloc(1, sizeof(*k));
    if (!k) abort();
    k->h = h;
    k->dbid = dbid;
    k->klen = len;
    k->key = malloc(len ? len : 1);
    if (!k->key) abort();
    memcpy(k->key, key, len);
    k->next = b->tab[h & b->mask];
    b->tab[h & b->mask] = k;
    b->n++;
    sh->blk_live = 1;
    return k;
}

static void bkey_drop_if_empty(struct shard *sh, struct bkey *k) {
    struct blk_state *b = sh->bk;
    if (k->n || k->ready || k->pending) return;
    struct bkey **pp = &b->tab[k->h & b->mask];
    while (*pp != k) pp = &(*pp)->next;
    *pp = k->next;
    free(k->key);
    free(k->w);
    free(k);
    b->n--;
    sh->blk_live = b->n != 0;
}

/* ---- waiters ---- */

static struct bwait *bw_new(struct shard *sh, int kind, const struct command *cmd, int dbid, int resp,
                            const struct arg *argv, int argc, long long deadline) {
    struct bwait *w = calloc(1, sizeof(*w));
    if (!w) abort();
    w->kind = kind;
    w->cmd = cmd;
    w->dbid = dbid;
    w->resp = resp;
    w->deadline = deadline;
    w->argv = args_keep(&w->argbytes, argv, argc, 0);
    w->argc = argc;
    struct blk_state *b = sh->bk;
    w->prev = b->tail;
    if (b->tail) b->tail->next = w;
    else b->head = w;
    b->tail = w;
    return w;
}

static void bw_add_key(struct shard *sh, struct bwait *w, int dbid, const char *key, size_t len) {
    struct bkey *k = bkey_get(sh, dbid, key, len);
    for (int i = 0; i < w->nkeys; i++)
        if (w->keys[i] == k) return;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 4;
        k->w = realloc(k->w, sizeof(*k->w) * (size_t)k->cap);
        if (!k->w) abort();
    }
    k->w[k->n++] = w;
    w->keys = realloc(w->keys, sizeof(*w->keys) * (size_t)(w->nkeys + 1));
    if (!w->keys) abort();
    w->keys[w->nkeys++] = k;
}

/* A stream reader's key: remember the stream's last ID now. */
static void bw_note_since(struct shard *sh, struct bwait *w, int dbid, const char *key, size_t len) {
    if (!w->stream_reader || !g_blk_stream) return;
    for (int i = 0; i < w->nkeys; i++) {
        struct bkey *k = w->keys[i];
        if (k->dbid != dbid || k->klen != len || memcmp(k->key, key, len)) continue;
        w->since = realloc(w->since, sizeof(*w->since) * (size_t)w->nkeys);
        if (!w->since) abort();
        if (!g_blk_stream->last_id(&sh->dbs[dbid], key, len, w->since[i]))
            w->since[i][0] = w->since[i][1] = w->since[i][2] = UINT64_MAX;
        return;
    }
}

/* Unregister w everywhere on this shard and free it. */
static void bw_free(struct shard *sh, struct bwait *w) {
    struct blk_state *b = sh->bk;
    for (int i = 0; i < w->nkeys; i++) {
        struct bkey *k = w->keys[i];
        for (int j = 0; j < k->n; j++)
            if (k->w[j] == w) {
                memmove(&k->w[j], &k->w[j + 1], sizeof(*k->w) * (size_t)(k->n - j - 1));
                k->n--;
                break;
            }
        bkey_drop_if_empty(sh, k);
    }
    if (w->prev) w->prev->next = w->next;
    else b->head = w->next;
    if (w->next) w->next->prev = w->prev;
    else b->tail = w->prev;
    free(w->keys);
    free(w->since);
    free(w->argv);
    free(w->shards);
    buf_free(&w->argbytes);
    free(w);
}

void blk_resume_later(struct shard *sh, struct conn *c) {
    struct blk_state *b = sh->bk;
    if (b->nresume == b->capresume) {
        b->capresume = b->capresume ? b->capresume * 2 : 8;
        b->resume = realloc(b->resume, sizeof(*b->resume) * (size_t)b->capresume);
        if (!b->resume) abort();
    }
    c->inflight++;
    b->resume[b->nresume++] = c;
}

/* The reply of a blocking command for the hole `cookie` of shard src. */
static void deliver(struct shard *sh, int src, uint64_t cookie, const char *p, size_t len) {
    if (src != sh->id) {
        xmsg_send_reply(sh, src, cookie, p, len);
        return;
    }
    struct oseg *hole = XC_PTR(cookie);
    char *q = malloc(len ? len : 1);
    if (!q) abort();
    memcpy(q, p, len);
    conn_fill_hole(hole, q, len, NULL);
}

/* Tell the owners watching for origin waiter w that it no longer waits. */
static void unwatch_owners(struct shard *sh, struct bwait *w) {
    if (!w->shards) return;
    const struct command *cmd = command_lookup("__bunwatch", 10);
    for (int s = 0; s < g_nshards; s++) {
        if (!w->shards[s]) continue;
        if (s == sh->id) {
            blk_cancel_notify(sh, sh->id, w->id);
            continue;
        }
        struct arg av[2] = {{"__bunwatch", 10}, {(const char *)&w->id, 8}};
        xmsg_send_cmd(sh, s, XC_MAKE(NULL, XC_SINK), cmd, 0, 2, 2, av, -1);
    }
}

/* What a waiter gets when its wait ends without data. */
static void timeout_reply(const struct bwait *w, struct buf *out, int error) {
    if (error) reply_error(out, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
    else if (!strcmp(w->cmd->name, "wait")) reply_int(out, 0);
    else reply_null_array(out, w->resp);
}

/* End w's wait with the timeout (or UNBLOCKED) reply. */
static void end_wait(struct shard *sh, struct bwait *w, int error) {
    struct buf out = {0};
    timeout_reply(w, &out, error);
    if (w->kind == BW_ORIGIN) unwatch_owners(sh, w);
    deliver(sh, w->src, w->cookie, out.p, out.len);
    buf_free(&out);
    bw_free(sh, w);
}

void blk_timeouts(struct shard *sh) {
    struct blk_state *b = sh->bk;
    long long now = mstime(), next = LLONG_MAX;
    b->timer_at = LLONG_MAX;
    /* collected first: ending one frees the owner-side registrations of
     * its own shard (BW_NOTIFY), which may be anywhere in the list */
    struct bwait **due = NULL;
    size_t n = 0, cap = 0;
    for (struct bwait *w = b->head; w; w = w->next) {
        if (!w->deadline || w->kind == BW_NOTIFY) continue;
        if (w->deadline > now) {
            if (w->deadline < next) next = w->deadline;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            due = realloc(due, sizeof(*due) * cap);
            if (!due) abort();
        }
        due[n++] = w;
    }
    for (size_t i = 0; i < n; i++) end_wait(sh, due[i], 0);
    free(due);
    if (next != LLONG_MAX) arm_timer(sh, next);
}

int blk_cancel(struct shard *sh, int src, uint64_t cookie, int error) {
    for (struct bwait *w = sh->bk->head; w; w = w->next)
        if (w->kind != BW_NOTIFY && w->src == src && w->cookie == cookie) {
            end_wait(sh, w, error);
            return 1;
        }
    return 0;
}

void blk_cancel_notify(struct shard *sh, int src, uint64_t id) {
    for (struct bwait *w = sh->bk->head, *n; w; w = n) {
        n = w->next;
        if (w->kind == BW_NOTIFY && w->src == src && w->cookie == id) bw_free(sh, w);
    }
}

/* ---- blocking ---- */

/* The keys a waiter is woken by: BLMOVE/BRPOPLPUSH only by their source. */
static int wake_keys(const struct command *cmd, struct arg *argv, int argc, int *pos, int max) {
    int n = command_keys(cmd, argv, argc, pos, max);
    if (n > 1 && (cmd->proc == blmove_command || cmd->proc == brpoplpush_command)) n = 1;
    return n;
}

void blk_wait(struct client *c, long long deadline) { blk_wait_argv(c, deadline, c->argv, c->argc); }

void blk_wait_argv(struct client *c, long long deadline, const struct arg *argv, int argc) {
    if (c->noblock == 1) {
        /* inside EXEC: the non-blocking form's nil */
        if (c->cmd->proc == blmove_command || c->cmd->proc == brpoplpush_command) reply_null(c->out, c->resp);
        else if (c->cmd->proc == wait_command) reply_int(c->out, 0);
        else reply_null_array(c->out, c->resp);
        return;
    }
    if (c->noblock == 2) {
        /* run by the coordinator over several shards: it waits there */
        c->blk->would_block = 1;
        c->blk->deadline = deadline;
        if (argv != c->argv) {
            c->blk->wait_argv = args_keep(&c->blk->wait_bytes, argv, argc, 0);
            c->blk->wait_argc = argc;
        }
        return;
    }
    struct shard *sh = c->sh;
    struct bwait *w = bw_new(sh, BW_SERVE, c->cmd, c->dbid, c->resp, argv, argc, deadline);
    int pos[256];
    int n = wake_keys(c->cmd, w->argv, w->argc, pos, 256);
    for (int i = 0; i < n; i++) bw_add_key(sh, w, c->dbid, w->argv[pos[i]].p, w->argv[pos[i]].len);
    arm_timer(sh, deadline);
    if (c->conn && c->out == &c->conn->out) {
        /* a client of this shard: its reply gets a hole of its own */
        struct oseg *hole = conn_add_hole(c->conn);
        conn_block_hole(c->conn, hole, sh->id);
        w->conn = c->conn;
        w->src = sh->id;
        w->cookie = XC_MAKE(hole, XC_HOLE);
    } else {
        c->blk->bw = w; /* run_request fills in where the reply goes */
    }
}

void blk_park_remote(struct shard *sh, void *bw, int src, uint64_t cookie) {
    struct bwait *w = bw;
    w->src = src;
    w->cookie = cookie;
    (void)sh;
}

void blk_wait_multi(struct conn *c, struct oseg *hole, const struct command *cmd, int dbid, const struct arg *argv,
                    int argc, long long deadline) {
    struct shard *sh = c->sh;
    struct blk_state *b = sh->bk;
    struct bwait *w = bw_new(sh, BW_ORIGIN, cmd, dbid, c->resp, argv, argc, deadline);
    w->conn = c;
    w->src = sh->id;
    w->cookie = XC_MAKE(hole, XC_HOLE);
    w->id = ++b->next_id;
    w->shards = calloc((size_t)g_nshards, 1);
    if (!w->shards) abort();
    int pos[256];
    int n = wake_keys(cmd, w->argv, w->argc, pos, 256);
    int group = stream_cmd(cmd) && strcmp(cmd->name, "xreadgroup") == 0;
    char idflag[9];
    struct buf *args = calloc((size_t)g_nshards, sizeof(struct buf));
    char dbs[12];
    int dl = snprintf(dbs, sizeof(dbs), "%d", dbid);
    if (!args) abort();
    for (int i = 0; i < n; i++) {
        const struct arg *key = &w->argv[pos[i]];
        int s = shard_for_key(key->p, key->len);
        w->shards[s] = 1;
        if (s == sh->id) {
            /* our own key: a notify waiter of our own */
            struct bwait *nw = NULL;
            for (struct bwait *x = b->head; x; x = x->next)
                if (x->kind == BW_NOTIFY && x->src == sh->id && x->cookie == w->id) nw = x;
            if (!nw) {
                nw = bw_new(sh, BW_NOTIFY, cmd, dbid, c->resp, NULL, 0, 0);
                nw->src = sh->id;
                nw->cookie = w->id;
                nw->group_reader = group;
                nw->stream_reader = stream_cmd(cmd);
            }
            bw_add_key(sh, nw, dbid, key->p, key->len);
            bw_note_since(sh, nw, dbid, key->p, key->len);
            continue;
        }
        struct arg a;
        if (!args[s].len) {
            a = (struct arg){"__bwatch", 8};
            buf_put(&args[s], &a, sizeof(a));
            memcpy(idflag, &w->id, 8);
            idflag[8] = (char)(group | (stream_cmd(cmd) ? 2 : 0));
            a = (struct arg){idflag, 9};
            buf_put(&args[s], &a, sizeof(a));
        }
        a = (struct arg){dbs, (size_t)dl};
        buf_put(&args[s], &a, sizeof(a));
        buf_put(&args[s], key, sizeof(*key));
    }
    const struct command *bwatch = command_lookup("__bwatch", 8);
    for (int s = 0; s < g_nshards; s++) {
        if (!args[s].len) continue;
        xmsg_send_cmd(sh, s, XC_MAKE(NULL, XC_SINK), bwatch, 0, 2, (int)(args[s].len / sizeof(struct arg)),
                      (const struct arg *)(const void *)args[s].p, -1);
        buf_free(&args[s]);
    }
    free(args);
    arm_timer(sh, deadline);
}

/* __bwatch id db key [db key ...]: a client of the sender waits on these keys
 * (among others of other shards): tell it when one gets data. */
void bwatch_part_command(struct client *c) {
    struct shard *sh = c->sh;
    uint64_t id = 0;
    if (c->argv[1].len >= 8) memcpy(&id, c->argv[1].p, 8);
    int src = c->src;
    struct bwait *w = bw_new(sh, BW_NOTIFY, c->cmd, 0, 2, NULL, 0, 0);
    w->src = src;
    w->cookie = id;
    w->group_reader = c->argv[1].len == 9 && (c->argv[1].p[8] & 1);
    w->stream_reader = c->argv[1].len == 9 && (c->argv[1].p[8] & 2);
    for (int i = 2; i + 1 < c->argc; i += 2) {
        long long dbid;
        if (!str_to_ll(c->argv[i].p, c->argv[i].len, &dbid) || dbid < 0 || dbid >= sh->ndb) continue;
        bw_add_key(sh, w, (int)dbid, c->argv[i + 1].p, c->argv[i + 1].len);
        bw_note_since(sh, w, (int)dbid, c->argv[i + 1].p, c->argv[i + 1].len);
    }
}

/* __bunwatch id: that client no longer waits. */
void bunwatch_part_command(struct client *c) {
    uint64_t id = 0;
    if (c->argv[1].len == 8) memcpy(&id, c->argv[1].p, 8);
    blk_cancel_notify(c->sh, c->src, id);
}

/* __bcancel cookie error: the client of the hole `cookie` stops waiting
 * (CLIENT UNBLOCK, or it went away). */
void bcancel_part_command(struct client *c) {
    uint64_t cookie = 0;
    if (c->argv[1].len == 8) memcpy(&cookie, c->argv[1].p, 8);
    blk_cancel(c->sh, c->src, cookie, c->argv[2].len == 1 && c->argv[2].p[0] == '1');
}

/* The keys of a retried command with those of shard `first` moved ahead
 * (in their order): the shard that said it has data serves first. */
static void keys_first(struct bwait *w, int first) {
    int from, to;
    const struct command *cmd = w->cmd;
    if (cmd->proc == blmpop_command || cmd->proc == bzmpop_command) {
        long long nk = 0;
        str_to_ll(w->argv[2].p, w->argv[2].len, &nk);
        from = 3;
        to = 3 + (int)nk;
    } else if (cmd->proc == blmove_command || cmd->proc == brpoplpush_command || stream_cmd(cmd)) {
        return;
    } else {
        from = 1;
        to = w->argc - 1;
    }
    if (to > w->argc || to - from < 2) return;
    struct arg *tmp = malloc(sizeof(struct arg) * (size_t)(to - from));
    if (!tmp) abort();
    int n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = from; i < to; i++) {
            int mine = shard_for_key(w->argv[i].p, w->argv[i].len) == first;
            if (mine == (pass == 0)) tmp[n++] = w->argv[i];
        }
    memcpy(w->argv + from, tmp, sizeof(struct arg) * (size_t)n);
    free(tmp);
}

void blk_ready_reply(struct shard *sh, uint64_t id, int from) {
    for (struct bwait *w = sh->bk->head; w; w = w->next) {
        if (w->kind != BW_ORIGIN || w->id != id) continue;
        /* try again, as one transaction over the keys' shards; the owner
         * hears when it is done */
        struct conn *c = w->conn;
        struct oseg *hole = XC_PTR(w->cookie);
        unwatch_owners(sh, w);
        keys_first(w, from);
        if (!pop_retry(c, hole, w->cmd, w->dbid, w->argv, w->argc, w->deadline, from, id))
            coord_retry_blocked(c, hole, w->cmd, w->dbid, w->argv, w->argc, w->deadline, from, id);
        bw_free(sh, w);
        return;
    }
    blk_send_next(sh, from, id); /* it no longer waits */
}

/* ---- serving ---- */

static void mark_ready(struct shard *sh, struct bkey *k) {
    struct blk_state *b = sh->bk;
    if (k->ready) return;
    k->ready = 1;
    if (b->nready == b->capready) {
        b->capready = b->capready ? b->capready * 2 : 8;
        b->ready = realloc(b->ready, sizeof(*b->ready) * (size_t)b->capready);
        if (!b->ready) abort();
    }
    b->ready[b->nready++] = k;
    sh->blk_ready = 1;
}

void blk_key_changed(struct shard *sh, int dbid, const char *key, size_t len) {
    struct blk_state *b = sh->bk;
    if (!b->n) return;
    struct bkey *k = bkey_find(b, lock_hash(dbid, key, len), dbid, key, len);
    if (k) mark_ready(sh, k);
}

void blk_db_swapped(struct shard *sh, int a, int bdb) {
    struct blk_state *b = sh->bk;
    if (!b->n) return;
    for (size_t i = 0; i <= b->mask; i++)
        for (struct bkey *k = b->tab[i]; k; k = k->next)
            if (k->dbid == a || k->dbid == bdb) mark_ready(sh, k);
}

/* The waiter `id` of shard src is done with the data it was told of: the
 * keys held for it serve the rest. */
static void bnext(struct shard *sh, int src, uint64_t id) {
    struct blk_state *b = sh->bk;
    for (size_t i = 0; i <= b->mask; i++)
        for (struct bkey *k = b->tab[i], *n; k; k = n) {
            n = k->next;
            if (!k->pending || k->pend_src != src || k->pend_id != id) continue;
            k->pending = 0;
            mark_ready(sh, k);
        }
}

void bnext_part_command(struct client *c) {
    uint64_t id = 0;
    if (c->argv[1].len == 8) memcpy(&id, c->argv[1].p, 8);
    bnext(c->sh, c->src, id);
}

void blk_send_next(struct shard *sh, int owner, uint64_t id) {
    if (owner == sh->id) {
        bnext(sh, sh->id, id);
        return;
    }
    struct arg av[2] = {{"__bnext", 7}, {(const char *)&id, 8}};
    xmsg_send_cmd(sh, owner, XC_MAKE(NULL, XC_SINK), command_lookup("__bnext", 7), 0, 2, 2, av, -1);
}

/* Does the key hold the type the waiter pops (a list, or a sorted set)? */
static int poppable(struct shard *sh, const struct bwait *w, const struct bkey *k) {
    struct kv *o = db_find(&sh->dbs[k->dbid], k->key, k->klen, 0);
    if (w->kind == BW_NOTIFY && w->stream_reader) {
        /* a stream gone from under a group reader ends its wait (with an
         * error); else only a stream whose last ID moved since the reader
         * registered can have something for it */
        if (!o || kv_type(o) != OBJ_STREAM) return w->group_reader;
        uint64_t sig[3] = {0, 0, 0};
        g_blk_stream->last_id(&sh->dbs[k->dbid], k->key, k->klen, sig);
        for (int i = 0; i < w->nkeys; i++)
            if (w->keys[i] == k) return !w->since || memcmp(w->since[i], sig, sizeof(sig)) != 0;
        return 1;
    }
    if (w->kind == BW_NOTIFY && w->group_reader) return 1;
    if (!o) return 0;
    if (w->kind == BW_NOTIFY) return kv_type(o) == OBJ_ZSET || kv_type(o) == OBJ_LIST || kv_type(o) == OBJ_STREAM;
    int zset = w->cmd->proc == bzpopmin_command || w->cmd->proc == bzpopmax_command || w->cmd->proc == bzmpop_command;
    return zset ? kv_type(o) == OBJ_ZSET : kv_type(o) == OBJ_LIST;
}

/* Run w's command for it, popping from key k (the one that got data). */
int blk_argv_for_key(const struct command *cmd, const struct arg *argv, int argc, const struct arg *key,
                     struct arg *out) {
    int n = 0;
    if (stream_cmd(cmd)) return g_blk_stream->argv_for_key(argv, argc, key, out);
    if (cmd->proc == blpop_command || cmd->proc == brpop_command || cmd->proc == bzpopmin_command ||
        cmd->proc == bzpopmax_command) {
        out[n++] = argv[0];
        out[n++] = *key;
        out[n++] = argv[argc - 1];
    } else if (cmd->proc == blmpop_command || cmd->proc == bzmpop_command || cmd->proc == lmpop_command ||
               cmd->proc == zmpop_command) {
        int at = cmd->proc == lmpop_command || cmd->proc == zmpop_command ? 1 : 2; /* numkeys */
        long long nk = 0;
        str_to_ll(argv[at].p, argv[at].len, &nk);
        for (int i = 0; i < at; i++) out[n++] = argv[i];
        out[n++] = (struct arg){"1", 1};
        out[n++] = *key;
        for (int i = at + 1 + (int)nk; i < argc; i++) out[n++] = argv[i];
    } else {
        memcpy(out, argv, sizeof(struct arg) * (size_t)argc);
        n = argc;
    }
    return n;
}

static void serve_one(struct shard *sh, struct bwait *w, struct bkey *k, struct buf *out) {
    /* the key that got data serves the client, whatever its place among
     * the command's keys */
    struct arg small[16], *argv = w->argc + 2 <= 16 ? small : malloc(sizeof(struct arg) * (size_t)(w->argc + 2));
    if (!argv) abort();
    struct arg key = {k->key, k->klen};
    const struct command *cmd = w->cmd;
    int argc = blk_argv_for_key(cmd, w->argv, w->argc, &key, argv);
    struct client cl = {.sh = sh, .conn = NULL, .db = &sh->dbs[w->dbid], .dbid = w->dbid, .resp = w->resp,
                        .argc = argc, .argv = argv, .out = out, .cmd = cmd, .noblock = 1};
    exec_command(&cl);
    if (argv != small) free(argv);
}

/* Serve the waiters of one key in order while it has data. */
static void serve_key(struct shard *sh, struct bkey *k) {
    struct buf out = {0};
    int i = 0;
    while (i < k->n && !k->pending) {
        struct bwait *w = k->w[i];
        if (w->kind != BW_NOTIFY && stream_cmd(w->cmd)) {
            /* a stream reader: served if it has entries, whatever its
             * place; the others wait on */
            const char *err = NULL;
            struct arg key = {k->key, k->klen};
            if (!g_blk_stream->ready(&sh->dbs[k->dbid], w->cmd, w->argv, w->argc, &key, &err)) {
                if (!err) {
                    i++;
                    continue;
                }
                out.len = 0;
                reply_error(&out, err);
            } else {
                out.len = 0;
                serve_one(sh, w, k, &out);
            }
            deliver(sh, w->src, w->cookie, out.p, out.len);
            bw_free(sh, w);
            continue;
        }
        if (w->kind == BW_NOTIFY) {
            /* a client waiting on several shards: its shard tries again,
             * and says when it is done (__bnext) */
            if (!poppable(sh, w, k)) break;
            int src = w->src;
            uint64_t id = w->cookie;
            k->pending = 1;
            k->pend_src = src;
            k->pend_id = id;
            bw_free(sh, w); /* k stays: it is marked ready */
            if (src == sh->id) blk_ready_reply(sh, id, sh->id);
            else xmsg_send_reply(sh, src, XC_MAKE((uintptr_t)(id << 3), XC_BLK), "", 0);
            break;
        }
        if (!poppable(sh, w, k)) break;
        out.len = 0;
        serve_one(sh, w, k, &out);
        deliver(sh, w->src, w->cookie, out.p, out.len);
        bw_free(sh, w);
    }
    buf_free(&out);
}

void blk_serve(struct shard *sh) {
    struct blk_state *b = sh->bk;
    sh->blk_ready = 0;
    for (int round = 0; b->nready && round < 16; round++) {
        struct bkey **v = b->ready;
        int n = b->nready;
        b->ready = NULL;
        b->nready = b->capready = 0;
        for (int i = 0; i < n; i++) {
            struct bkey *k = v[i];
            if (sh->lock_live) {
                /* a transaction holds the key: serve once it lets go */
                uint64_t h = k->h;
                if (!lock_admit(sh, -1, &h, 1, 0, 0)) {
                    if (b->nready == b->capready) {
                        b->capready = b->capready ? b->capready * 2 : 8;
                        b->ready = realloc(b->ready, sizeof(*b->ready) * (size_t)b->capready);
                        if (!b->ready) abort();
                    }
                    b->ready[b->nready++] = k;
                    continue;
                }
            }
            serve_key(sh, k); /* k->ready keeps k alive meanwhile */
            k->ready = 0;
            bkey_drop_if_empty(sh, k);
        }
        free(v);
        if (sh->lock_live) break; /* the ones left wait for a release */
    }
}

int blk_pending(const struct shard *sh) { return sh->bk->nready != 0 || sh->bk->nresume != 0; }

void blk_resume(struct shard *sh) {
    struct blk_state *b = sh->bk;
    while (b->nresume) {
        struct conn **v = b->resume;
        int n = b->nresume;
        b->resume = NULL;
        b->nresume = b->capresume = 0;
        for (int i = 0; i < n; i++) {
            if (!v[i]->closing) conn_resume(v[i]);
            conn_unref(v[i]);
        }
        free(v);
    }
}

/* ---- the client's side ---- */

void blk_hole_filled(struct conn *c) {
    c->bwait--;
    c->sh->blocked_clients--;
    c->barrier--;
    if (!c->closing) blk_resume_later(c->sh, c);
}

void blk_conn_gone(struct conn *c) {
    if (!c->bwait) return;
    blk_unblock_conn(c, 0);
}

int blk_unblock_conn(struct conn *c, int error) {
    if (!c->bwait || !c->bhole) return 0;
    struct shard *sh = c->sh;
    uint64_t cookie = XC_MAKE(c->bhole, XC_HOLE);
    if (c->bshard == sh->id) return blk_cancel(sh, sh->id, cookie, error) || 1;
    const struct command *cmd = command_lookup("__bcancel", 9);
    struct arg av[3] = {{"__bcancel", 9}, {(const char *)&cookie, 8}, {error ? "1" : "0", 1}};
    xmsg_send_cmd(sh, c->bshard, XC_MAKE(NULL, XC_SINK), cmd, 0, 2, 3, av, -1);
    return 1;
}

/* ---- commands ---- */

/* WAIT numreplicas timeout: no replicas yet, so it answers 0, at once when
 * none are asked for, else when the timeout ends (0: never). */
void wait_command(struct client *c) {
    long long n, ms;
    if (!str_to_ll(c->argv[1].p, c->argv[1].len, &n)) {
        reply_err(c, "ERR value is not an integer or out of range");
        return;
    }
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &ms)) {
        reply_err(c, "ERR timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        reply_err(c, "ERR timeout is negative");
        return;
    }
    if (n <= 0) {
        reply_int(c->out, 0);
        return;
    }
    blk_wait(c, ms ? db_now_ms + ms : 0);
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: runs on every shard; the one holding
 * the connection ends its wait. */
void client_unblock_command(struct client *c) {
    long long id;
    int error = 0;
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &id)) {
        reply_err(c, "ERR value is not an integer or out of range");
        return;
    }
    if (c->argc == 4) {
        if (ARG_IS(c->argv[3], "error")) error = 1;
        else if (!ARG_IS(c->argv[3], "timeout")) {
            reply_err(c, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    } else if (c->argc > 4) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    for (struct conn *k = c->sh->conns; k; k = k->next)
        if (k->id == id && !k->closing) {
            reply_int(c->out, blk_unblock_conn(k, error));
            return;
        }
    reply_int(c->out, 0);
}
