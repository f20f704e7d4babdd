/*
 * txn.c - transactions over several shards: the lock chain at the origin,
 * admission of work on the owners, and the internal commands that carry a
 * transaction between shards (see txn.h).
 */
#include "txn.h"

#include <stdlib.h>
#include <string.h>

#include "../server/commands.h"
#include "../server/conn.h"
#include "../server/dispatch.h"
#include "../shard/xmsg.h"
#include "../util/util.h"

struct txn {
    uint64_t id;
    struct shard *sh; /* the origin */
    long long client; /* whose watches to check, 0: none */
    struct conn *conn; /* the client, for payload commands run on the origin */
    int resp;
    int dirty;
    int next;         /* the next shard of the chain to lock */
    int last;         /* the last shard of the chain */
    int started;
    int hold;         /* keeps every lock past the chain (txn_hold) */
    int whole;        /* takes every shard whole (txn_whole) */
    uint64_t parent;  /* started by the body of this whole-shard transaction: passes its locks */
    uint8_t *want;    /* by shard: in the chain */
    uint8_t *released; /* by shard: let go with its step (the last one) */
    struct buf *hb;   /* by shard: the hashes to lock there */
    struct buf *pay;  /* by shard: commands to run there once locked (blobs, as args) */
    int count;        /* payload commands count in the command statistics */
    void (*granted)(struct txn *t, int dirty, void *arg);
    void (*on_step)(struct txn *t, int s, const char *reply, size_t len, void *arg);
    void (*all_sent)(struct txn *t, void *arg);
    void *arg;
    struct txn *next_free; /* in the shard's pool of ended ones */
};

/* Ended transactions are kept (up to TXN_POOL per shard) with their
 * per-shard buffers' room, so that a busy cross-shard path does not pay an
 * allocation per buffer per transaction. One block each: the struct, then
 * hb[], pay[], want[], released[]. */
#define TXN_POOL 16
#define TXN_BUF_KEEP 4096

static struct txn *txn_alloc(struct shard *sh) {
    struct txn *t = sh->txn_pool;
    if (t) {
        sh->txn_pool = t->next_free;
        sh->txn_pooled--;
        struct buf *hb = t->hb, *pay = t->pay;
        uint8_t *want = t->want, *released = t->released;
        memset(t, 0, sizeof(*t));
        t->hb = hb;
        t->pay = pay;
        t->want = want;
        t->released = released;
        memset(want, 0, (size_t)g_nshards * 2);
        return t;
    }
    size_t n = (size_t)g_nshards;
    t = calloc(1, sizeof(*t) + 2 * n * sizeof(struct buf) + 2 * n);
    if (!t) abort();
    t->hb = (struct buf *)(void *)(t + 1);
    t->pay = t->hb + n;
    t->want = (uint8_t *)(t->pay + n);
    t->released = t->want + n;
    return t;
}

static void txn_recycle(struct shard *sh, struct txn *t) {
    for (int s = 0; s < g_nshards; s++) {
        if (t->hb[s].cap > TXN_BUF_KEEP || sh->txn_pooled >= TXN_POOL) buf_free(&t->hb[s]);
        if (t->pay[s].cap > TXN_BUF_KEEP || sh->txn_pooled >= TXN_POOL) buf_free(&t->pay[s]);
        t->hb[s].len = t->pay[s].len = 0;
    }
    if (sh->txn_pooled >= TXN_POOL) {
        free(t);
        return;
    }
    t->next_free = sh->txn_pool;
    sh->txn_pool = t;
    sh->txn_pooled++;
}

static const struct command *cmd_lock, *cmd_unlock, *cmd_txrun;

static const struct command *internal(const char *name) {
    const struct command *c = command_lookup(name, strlen(name));
    if (!c) abort();
    return c;
}

void txn_setup(void) {
    cmd_lock = internal("__lock");
    cmd_unlock = internal("__unlock");
    cmd_txrun = internal("__txrun");
}

static uint64_t arg_u64(const struct arg *a) {
    uint64_t v = 0;
    if (a->len == 8) memcpy(&v, a->p, 8);
    return v;
}


static void txn_step(struct txn *t);

/* Run payload blobs (multi.c's form) into out, as the client `conn` (NULL
 * on another shard); `count`: they count in the command statistics. */
static void run_payload(struct shard *sh, struct conn *conn, int resp, const struct arg *blobs, int n, int count,
                        struct buf *out) {
    struct arg *argv = NULL;
    int cap = 0, argc = 0, dbid = 0;
    const struct command *cmd;
    for (int i = 0; i < n; i++) {
        if (!exec_blob_decode(&blobs[i], &cmd, &dbid, &argv, &cap, &argc)) {
            reply_error(out, "ERR malformed transaction");
            continue;
        }
        struct client cl = {.sh = sh, .conn = conn, .db = &sh->dbs[dbid], .dbid = dbid, .resp = resp, .argc = argc,
                            .argv = argv, .out = out, .cmd = cmd, .noblock = 1, .part = !count, .src = sh->id};
        exec_command(&cl);
    }
    free(argv);
}

static void txn_step(struct txn *t);

/* The origin's own share is locked: check its watches, run its payload. */
static void local_step(struct txn *t) {
    struct shard *sh = t->sh;
    int s = sh->id;
    if (t->client && watch_dirty(sh, t->client)) t->dirty = 1;
    if (t->pay[s].len && !t->dirty) {
        struct buf out = {0};
        run_payload(sh, t->conn, t->resp, (const struct arg *)(const void *)t->pay[s].p,
                    (int)(t->pay[s].len / sizeof(struct arg)), t->count, &out);
        t->on_step(t, s, out.p, out.len, t->arg);
        buf_free(&out);
    }
}

/* The origin's own share was parked and is now granted (its locks taken). */
static void local_granted(struct shard *sh, struct park *p) {
    struct txn *t = p->arg;
    local_step(t);
    if (t->next == t->last && t->all_sent) t->all_sent(t, t->arg);
    t->next++;
    txn_step(t);
}

/* Lock the next shard of the chain (and run what it carries there), or tell
 * the owner that all are held. */
static void txn_step(struct txn *t) {
    struct shard *sh = t->sh;
    for (; t->next < g_nshards; t->next++) {
        int s = t->next;
        if (!t->want[s]) continue;
        const uint64_t *h = (const uint64_t *)(const void *)t->hb[s].p;
        int n = (int)(t->hb[s].len / 8);
        if (s == sh->id) {
            int mode = (t->whole ? LOCK_WHOLE : 0) | (t->parent ? LOCK_PASS : 0);
            if (!lock_admit(sh, -1, h, n, t->id, mode)) {
                struct park *p = lock_park_new(-1, h, n, t->id, mode, 0);
                p->run = local_granted;
                p->arg = t;
                lock_park(sh, p);
                return;
            }
            local_step(t);
            if (s == t->last && t->all_sent) t->all_sent(t, t->arg);
            continue;
        }
        /* __lock txid client hashes flags blob...; the last shard of a
         * chain without watches lets go once its part ran */
        int npay = (int)(t->pay[s].len / sizeof(struct arg));
        int release = s == t->last && !t->client && t->on_step && !t->hold;
        t->released[s] = (uint8_t)release;
        char flags = (char)('0' + (t->count ? 1 : 0) + (release ? 2 : 0) + (t->whole ? 4 : 0));
        int argc = 5 + npay;
        struct arg small[32], *av = argc <= 32 ? small : malloc(sizeof(struct arg) * (size_t)argc);
        if (!av) abort();
        uint64_t client = (uint64_t)t->client;
        av[0] = (struct arg){"__lock", 6};
        av[1] = (struct arg){(const char *)&t->id, 8};
        av[2] = (struct arg){(const char *)&client, 8};
        av[3] = (struct arg){(const char *)h, (size_t)n * 8};
        av[4] = (struct arg){&flags, 1};
        if (npay) memcpy(av + 5, t->pay[s].p, t->pay[s].len);
        xmsg_send_cmd(sh, s, XC_MAKE(t, XC_TXN), cmd_lock, 0, t->resp | (t->parent ? XR_WHOLE : 0), argc, av, -1);
        if (av != small) free(av);
        if (s == t->last && t->all_sent) t->all_sent(t, t->arg);
        return;
    }
    t->granted(t, t->dirty, t->arg);
}

void txn_lock_reply(struct txn *t, const char *data, size_t len) {
    int s = t->next;
    if (len >= 6 && !memcmp(data, "+DIRTY", 6)) {
        t->dirty = 1;
    } else if (t->pay[s].len && len >= 5) {
        /* "+OK\r\n", then the replies of what ran there */
        t->on_step(t, s, data + 5, len - 5, t->arg);
    }
    t->next++;
    txn_step(t);
}

struct txn *txn_new(struct shard *sh, long long client, const uint8_t *watch_shards,
                    void (*granted)(struct txn *t, int dirty, void *arg), void *arg) {
    struct txn *t = txn_alloc(sh);
    t->id = ((uint64_t)(sh->id + 1) << 44) | ++sh->txn_seq;
    t->sh = sh;
    t->client = client;
    t->resp = 2;
    t->granted = granted;
    t->arg = arg;
    if (sh->whole_act) {
        /* run for the body of a whole-shard transaction (multi.c), which
         * waits for it before its next command */
        t->parent = sh->whole_act;
        sh->whole_kids++;
    }
    if (watch_shards)
        for (int s = 0; s < g_nshards; s++)
            if (watch_shards[s]) t->want[s] = 1;
    return t;
}

void txn_lock_keys(struct txn *t, const struct arg *keys, const int *dbs, const uint8_t *shared, int n) {
    txn_lock_keys_at(t, keys, dbs, shared, NULL, n);
}

void txn_lock_keys_at(struct txn *t, const struct arg *keys, const int *dbs, const uint8_t *shared,
                      const int *shards, int n) {
    for (int i = 0; i < n; i++) {
        int s = shards ? shards[i] : shard_for_key(keys[i].p, keys[i].len);
        uint64_t h = lock_hash(dbs[i], keys[i].p, keys[i].len) | (shared && shared[i] ? LOCK_SHARED : 0);
        /* one lock per key, however often the command names it:
         * exclusive if any of its uses writes it */
        uint64_t *have = (uint64_t *)(void *)t->hb[s].p;
        int dup = 0;
        for (size_t j = 0; j < t->hb[s].len / 8 && !dup; j++) {
            if ((have[j] | LOCK_SHARED) != (h | LOCK_SHARED)) continue;
            dup = 1;
            have[j] &= h | ~LOCK_SHARED;
        }
        if (!dup) buf_put(&t->hb[s], &h, 8);
        t->want[s] = 1;
    }
}

void txn_run_at(struct txn *t, int s, const struct arg *blob) {
    buf_put(&t->pay[s], blob, sizeof(*blob));
    t->want[s] = 1;
}

void txn_payload_mode(struct txn *t, struct conn *conn, int resp, int count,
                      void (*on_step)(struct txn *t, int s, const char *reply, size_t len, void *arg)) {
    t->conn = conn;
    t->resp = resp;
    t->count = count;
    t->on_step = on_step;
}

void txn_hold(struct txn *t) { t->hold = 1; }

void txn_whole(struct txn *t) {
    t->whole = 1;
    memset(t->want, 1, (size_t)g_nshards);
}

uint64_t txn_id(const struct txn *t) { return t->id; }

void txn_on_all_sent(struct txn *t, void (*all_sent)(struct txn *t, void *arg)) { t->all_sent = all_sent; }

void txn_start(struct txn *t) {
    for (int s = 0; s < g_nshards; s++)
        if (t->want[s]) t->last = s;
    t->started = 1;
    txn_step(t);
}

struct txn *txn_begin(struct shard *sh, const struct arg *keys, const int *dbs, const uint8_t *shared, int n,
                      long long client, const uint8_t *watch_shards,
                      void (*granted)(struct txn *t, int dirty, void *arg), void *arg) {
    struct txn *t = txn_new(sh, client, watch_shards, granted, arg);
    txn_lock_keys(t, keys, dbs, shared, n);
    txn_start(t);
    return t;
}

void txn_end(struct txn *t, const uint8_t *skip) {
    struct shard *sh = t->sh;
    for (int s = 0; s < g_nshards; s++) {
        if (!t->want[s] || t->released[s] || (skip && skip[s])) continue;
        if (s == sh->id) {
            lock_release(sh, t->id);
        } else {
            struct arg av[2] = {{"__unlock", 8}, {(const char *)&t->id, 8}};
            xmsg_send_cmd(sh, s, XC_MAKE(NULL, XC_SINK), cmd_unlock, 0, 2, 2, av, -1);
        }
    }
    if (t->parent && --sh->whole_kids == 0) sh->whole_resume = 1;
    txn_recycle(sh, t);
}

void txn_send_part(struct shard *sh, struct txn *t, int dst, uint64_t cookie, const struct command *cmd, int dbid,
                   int resp, int argc, const struct arg *argv) {
    struct arg small[66], *av = argc + 2 <= 66 ? small : malloc(sizeof(struct arg) * (size_t)(argc + 2));
    if (!av) abort();
    av[0] = (struct arg){"__txrun", 7};
    av[1] = (struct arg){(const char *)&t->id, 8};
    memcpy(av + 2, argv, sizeof(struct arg) * (size_t)argc);
    xmsg_send_cmd(sh, dst, cookie, cmd_txrun, dbid, resp, argc + 2, av, -1);
    if (av != small) free(av);
    (void)cmd;
    struct arg un[2] = {{"__unlock", 8}, {(const char *)&t->id, 8}};
    xmsg_send_cmd(sh, dst, XC_MAKE(NULL, XC_SINK), cmd_unlock, 0, 2, 2, un, -1);
}

/* ---- admission on the owner ---- */

/* The hashes a command's keys lock, into sh->txn_h. */
static int key_hashes(struct shard *sh, const struct command *cmd, int dbid, const struct arg *argv, int argc) {
    int pos_small[64], *pos = argc <= 64 ? pos_small : malloc(sizeof(int) * (size_t)argc);
    if (!pos) abort();
    int nk = command_keys(cmd, (struct arg *)argv, argc, pos, argc);
    sh->txn_h.len = 0;
    for (int k = 0; k < nk; k++) {
        uint64_t h = lock_hash(command_key_db(cmd, argv, argc, k, dbid, sh->ndb), argv[pos[k]].p, argv[pos[k]].len) |
                     (command_key_writes(cmd, argv, argc, k) ? 0 : LOCK_SHARED);
        buf_put(&sh->txn_h, &h, 8);
    }
    if (pos != pos_small) free(pos);
    return nk;
}

static int exec_hashes(struct shard *sh, const struct arg *argv, int argc) {
    struct arg *cav = NULL;
    int cap = 0, cac = 0, dbid = 0;
    const struct command *cmd;
    struct buf all = {0};
    for (int i = 2; i < argc; i++) {
        if (!exec_blob_decode(&argv[i], &cmd, &dbid, &cav, &cap, &cac)) continue;
        key_hashes(sh, cmd, dbid, cav, cac);
        buf_put(&all, sh->txn_h.p, sh->txn_h.len);
    }
    sh->txn_h.len = 0;
    buf_put(&sh->txn_h, all.p, all.len);
    buf_free(&all);
    free(cav);
    return (int)(sh->txn_h.len / 8);
}

int txn_admit_request(struct shard *sh, int src, const struct command *cmd, int dbid, const struct arg *argv,
                      int argc, int pass, size_t len, struct park **p) {
    uint64_t take = 0;
    int all = 0, n = 0, wsrc;
    if (!sh->lock_live && cmd != cmd_lock) return 1; /* nothing locked here: only __lock has work */
    /* the work of the transaction holding this shard whole */
    if (pass && lock_whole(sh, &wsrc) && wsrc == src) all = LOCK_PASS;
    if (cmd == cmd_lock) {
        take = arg_u64(&argv[1]);
        if (argc > 4 && argv[4].len == 1 && ((argv[4].p[0] - '0') & 4)) all |= LOCK_WHOLE;
        sh->txn_h.len = 0;
        buf_put(&sh->txn_h, argv[3].p, argv[3].len & ~(size_t)7);
        n = (int)(argv[3].len / 8);
    } else if (cmd->proc == exec_part_command) {
        n = exec_hashes(sh, argv, argc);
    } else if (cmd->flags & CMD_INTERNAL) {
        return 1;
    } else if (cmd->route == R_ALL) {
        /* (a server-wide read looks at one shard at a time anyway, but
         * never inside a transaction holding the shard whole) */
        if (!(cmd->flags & CMD_WRITE) && !lock_whole(sh, NULL)) return 1;
        if (cmd->flags & CMD_WRITE) all |= LOCK_FREE;
    } else {
        n = key_hashes(sh, cmd, dbid, argv, argc);
    }
    const uint64_t *h = (const uint64_t *)(const void *)sh->txn_h.p;
    if (lock_admit(sh, src, h, n, take, all)) return 1;
    *p = lock_park_new(src, h, n, take, all, len);
    return 0;
}

/* A parked local connection's keys are free: run its command again. */
static void resume_conn(struct shard *sh, struct park *p) {
    struct conn *c = p->arg;
    c->paused = 0;
    if (!c->closing) conn_resume(c);
    conn_unref(c);
}

int txn_admit_local(struct conn *c, const struct command *cmd, const struct arg *argv, int argc) {
    struct shard *sh = c->sh;
    int all = 0, n = 0;
    if (cmd->route == R_ALL) {
        if (!(cmd->flags & CMD_WRITE) && !lock_whole(sh, NULL)) return 1;
        if (cmd->flags & CMD_WRITE) all = LOCK_FREE;
    } else {
        n = key_hashes(sh, cmd, c->dbid, argv, argc);
    }
    return txn_admit_hashes(c, (const uint64_t *)(const void *)sh->txn_h.p, n, all);
}

int txn_admit_hashes(struct conn *c, const uint64_t *h, int n, int all) {
    struct shard *sh = c->sh;
    if (sh->whole_act) all |= LOCK_PASS; /* the body of the EXEC holding the shards whole */
    if (lock_admit(sh, -1, h, n, 0, all)) return 1;
    struct park *p = lock_park_new(-1, h, n, 0, all, 0);
    p->run = resume_conn;
    p->arg = c;
    c->paused = 1; /* the command stays unparsed until it runs */
    c->inflight++;
    lock_park(sh, p);
    return 0;
}

/* ---- the internal commands ---- */

/* __lock txid client hashes flags [blob ...]: admitted, so the locks are
 * ours (txn_admit_request took them). +DIRTY if a key the client watches
 * here changed; else +OK and the replies of the blobs, run now. flags:
 * '0' + 1 (count them in the statistics) + 2 (let go once they ran). */
void lock_part_command(struct client *c) {
    uint64_t client = arg_u64(&c->argv[2]);
    int flags = c->argc > 4 && c->argv[4].len == 1 ? c->argv[4].p[0] - '0' : 0;
    if (client && watch_dirty(c->sh, (long long)client)) {
        reply_simple(c->out, "DIRTY");
    } else {
        reply_ok(c->out);
        run_payload(c->sh, NULL, c->resp, c->argv + 5, c->argc - 5, flags & 1, c->out);
    }
    if (flags & 2) lock_release(c->sh, arg_u64(&c->argv[1]));
}

void unlock_part_command(struct client *c) { lock_release(c->sh, arg_u64(&c->argv[1])); }

void txrun_part_command(struct client *c) {
    const struct command *inner = command_lookup(c->argv[2].p, c->argv[2].len);
    if (!inner) {
        reply_error(c->out, "ERR unknown command in transaction");
        return;
    }
    struct client cl = *c;
    cl.cmd = inner;
    cl.argv = c->argv + 2;
    cl.argc = c->argc - 2;
    exec_command(&cl);
}

static void watch_args(struct client *c, int add) {
    long long client = (long long)arg_u64(&c->argv[1]);
    for (int i = 2; i + 1 < c->argc; i += 2) {
        long long dbid;
        if (!str_to_ll(c->argv[i].p, c->argv[i].len, &dbid) || dbid < 0 || dbid >= c->sh->ndb) continue;
        if (add) watch_add(c->sh, client, (int)dbid, c->argv[i + 1].p, c->argv[i + 1].len);
        else watch_remove(c->sh, client, (int)dbid, c->argv[i + 1].p, c->argv[i + 1].len);
    }
}

void watch_part_command(struct client *c) { watch_args(c, 1); }
void unwatch_part_command(struct client *c) { watch_args(c, 0); }
