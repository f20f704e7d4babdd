/*
 * dispatch.c - command lookup, routing and gathering.
 *
 * The path of a command: look it up (subcommands too), check arity, then by
 * its route run it here, send it to the one shard that owns all its keys, or
 * split it over several shards and gather the parts back into one reply in
 * the connection's queue. Commands from one connection to one shard travel in
 * order over that pair's ring, so a client always sees its own writes.
 */
#include "dispatch.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/evict.h"
#include "../shard/xmsg.h"
#include "../types/sort.h"
#include "../util/crc16.h"
#include "../util/util.h"
#include "commands.h"
#include "conn.h"
#include "coord.h"
#include "pubsub.h"
#include "../txn/block.h"
#include "../txn/move.h"
#include "../txn/txn.h"

const char *ERR_SYNTAX = "ERR syntax error";
const char *ERR_NOT_INT = "ERR value is not an integer or out of range";
const char *ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const char *ERR_OVERFLOW = "ERR increment or decrement would overflow";
const char *ERR_NOT_FLOAT = "ERR value is not a valid float";

/* ---- the table ---- */

#define CMD(name, proc, arity, flags, fk, lk, step, route, comb, cfn, group)                                 \
    {name, proc, arity, flags, fk, lk, step, route, comb, group, cfn, NULL, 0, 0, NULL, NULL},
/* movable keys: first_key 1 marks "has keys" for COMMAND; keys_fn finds them */
#define CMDK(name, proc, arity, flags, kfn, route, comb, cfn, group)                                         \
    {name, proc, arity, flags, 1, 1, 1, route, comb, group, cfn, kfn, 0, 0, NULL, NULL},
static struct command command_table[] = {
#include "../commands.def"
};
#undef CMD
#undef CMDK

#define NCMDS ((int)(sizeof(command_table) / sizeof(command_table[0])))
const struct command *g_commands[NCMDS + 1];
int g_ncommands = NCMDS;

#define LOOKUP_SIZE 1024
static const struct command *lookup_tab[LOOKUP_SIZE];

static unsigned name_hash(const char *s, size_t len) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32); /* ASCII: no locale lookup per byte */
        h = (h ^ ch) * 16777619u;
    }
    return h;
}

static void lookup_insert(const struct command *cmd) {
    unsigned i = name_hash(cmd->name, strlen(cmd->name)) & (LOOKUP_SIZE - 1);
    while (lookup_tab[i]) i = (i + 1) & (LOOKUP_SIZE - 1);
    lookup_tab[i] = cmd;
}

const struct command *command_lookup(const char *name, size_t len) {
    unsigned i = name_hash(name, len) & (LOOKUP_SIZE - 1);
    while (lookup_tab[i]) {
        const struct command *c = lookup_tab[i];
        if (str_ieq(name, len, c->name)) return c;
        i = (i + 1) & (LOOKUP_SIZE - 1);
    }
    return NULL;
}

const struct command *command_by_id(int id) { return g_commands[id]; }

void commands_init(void) {
    for (int i = 0; i < NCMDS; i++) {
        struct command *c = &command_table[i];
        c->id = i;
        g_commands[i] = c;
        lookup_insert(c);
    }
    /* attach subcommands to their parents */
    for (int i = 0; i < NCMDS; i++) {
        struct command *p = &command_table[i];
        if (!(p->flags & CMD_PARENT)) continue;
        size_t pl = strlen(p->name);
        int n = 0;
        for (int j = 0; j < NCMDS; j++)
            if (!strncmp(command_table[j].name, p->name, pl) && command_table[j].name[pl] == '|') n++;
        const struct command **subs = calloc((size_t)n + 1, sizeof(*subs));
        if (!subs) abort();
        n = 0;
        for (int j = 0; j < NCMDS; j++) {
            if (!strncmp(command_table[j].name, p->name, pl) && command_table[j].name[pl] == '|') {
                command_table[j].parent = p;
                subs[n++] = &command_table[j];
            }
        }
        p->subs = subs;
        p->nsub = n;
    }
}

int command_key_db(const struct command *cmd, const struct arg *argv, int argc, int nth, int dbid, int ndb) {
    if (nth != 1 || cmd->proc != copy_command) return dbid;
    for (int j = 3; j + 1 < argc; j++) {
        long long v;
        if (str_ieq(argv[j].p, argv[j].len, "db") && str_to_ll(argv[j + 1].p, argv[j + 1].len, &v) &&
            v >= 0 && v < ndb)
            dbid = (int)v;
    }
    return dbid;
}

int command_key_writes(const struct command *cmd, const struct arg *argv, int argc, int nth) {
    (void)argv;
    (void)argc;
    if (!(cmd->flags & CMD_WRITE)) return 0;
    void (*p)(struct client *) = cmd->proc;
    if (p == sinterstore_command || p == sunionstore_command || p == sdiffstore_command ||
        p == zunionstore_command || p == zinterstore_command || p == zdiffstore_command ||
        p == zrangestore_command)
        return nth == 0;
    if (p == copy_command) return nth == 1;
    if (p == sort_command) return nth != 0; /* SORT ... STORE dst: the sorted key is read */
    return 1;
}

int command_keys(const struct command *cmd, struct arg *argv, int argc, int *pos, int max) {
    if (cmd->keys_fn) return cmd->keys_fn(argv, argc, pos, max);
    if (cmd->first_key == 0) return 0;
    int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
    int n = 0;
    for (int i = cmd->first_key; i <= last && i < argc && n < max; i += cmd->key_step) pos[n++] = i;
    return n;
}

/* ---- errors and statistics ---- */

void stats_count_error(struct shard *sh, const char *msg) {
    struct shard_stats *st = &sh->st;
    st->total_error_replies++;
    size_t n = 0;
    while (msg[n] && msg[n] != ' ' && n < 31) n++;
    for (int i = 0; i < st->nerr; i++) {
        if (strlen(st->err_name[i]) == n && !memcmp(st->err_name[i], msg, n)) {
            st->err_count[i]++;
            return;
        }
    }
    if (st->nerr < MAX_ERR_KINDS) {
        memcpy(st->err_name[st->nerr], msg, n);
        st->err_name[st->nerr][n] = '\0';
        st->err_count[st->nerr++] = 1;
    }
}

void reply_err(struct client *c, const char *msg) {
    if (!c->part) {
        stats_count_error(c->sh, msg);
        if (c->cmd) c->sh->cmdstat[c->cmd->id].failed++;
    }
    reply_error(c->out, msg);
}

void reply_errf(struct client *c, const char *fmt, ...) {
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    reply_err(c, tmp);
}

/* PUBLISH and SPUBLISH (shard channels are delivered like channels): pub/sub commands whose
 * receiver counts are summed over the shards. */
static inline int is_publish(const struct command *cmd) {
    return (cmd->flags & CMD_PUBSUB) && cmd->combine == C_SUM;
}

/* A rejection before execution: counted as rejected, not failed. */
static void reject(struct conn *c, const struct command *cmd, const char *msg) {
    stats_count_error(c->sh, msg);
    if (cmd) c->sh->cmdstat[cmd->id].rejected++;
    reply_error(&c->out, msg);
}

const char ERR_OOM[] = "OOM command not allowed when used memory > 'maxmemory'.";
const char ERR_MISCONF[] =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
    "Commands "
    "that may modify the data set are disabled, because this instance is configured to report errors during "
    "writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for "
    "details about the RDB error.";

void exec_command(struct client *cl) {
    struct shard *sh = cl->sh;
    /* Redis's performEvictions before every command; commands that may grow
     * memory are refused when nothing more can be freed */
    if (sh->cfg.maxmemory > 0 && evict_perform(sh) == EVICT_FAIL && (cl->cmd->flags & CMD_DENYOOM)) {
        if (!cl->part) {
            stats_count_error(sh, ERR_OOM);
            sh->cmdstat[cl->cmd->id].rejected++;
        }
        reply_error(cl->out, ERR_OOM);
        return;
    }
    exec_command_run(cl);
}

static void exec_command_body(struct client *cl);

void exec_command_run(struct client *cl) {
    if (__builtin_expect(cl->sh->snap != NULL, 0)) {
        /* a snapshot runs here: the keys a writing command looks up are
         * saved before it changes them (db.h, db_writing) */
        int was = db_writing;
        db_writing = (cl->cmd->flags & CMD_WRITE) != 0;
        exec_command_body(cl);
        db_writing = was;
        return;
    }
    exec_command_body(cl);
}

static inline void exec_command_body(struct client *cl) {
    struct shard *sh = cl->sh;
    if (cl->cmd->flags & CMD_INTERNAL) {
        /* (between shards only: never in the statistics) */
        cl->cmd->proc(cl);
        return;
    }
    unsigned long long t0 = ticks_now();
    cl->cmd->proc(cl);
    struct cmd_stat *cs = &sh->cmdstat[cl->cmd->id];
    cs->ticks += ticks_now() - t0;
    if (!cl->part) {
        cs->calls++;
        sh->st.commands_processed++;
    }
}

/* ---- gathering ---- */

/* Freed gathers are kept (GATHER_POOL per shard) with their parts'
 * buffers' room: a cross-shard command's gather costs no allocation. */
#define GATHER_POOL 16
#define GATHER_BUF_KEEP 4096

struct gather *gather_alloc(const struct command *cmd, int dbid, int resp) {
    struct shard *sh = tl_shard;
    struct gather *g = sh ? sh->gather_pool : NULL;
    if (g) {
        sh->gather_pool = g->priv;
        sh->gather_pooled--;
        memset(g, 0, offsetof(struct gather, parts));
    } else {
        g = calloc(1, sizeof(*g) + sizeof(struct gpart) * (size_t)g_nshards);
        if (!g) abort();
    }
    g->cmd = cmd;
    g->resp = resp;
    g->dbid = dbid;
    for (int i = 0; i < g_nshards; i++) {
        g->parts[i].g = g;
        g->parts[i].shard = i;
    }
    return g;
}

static struct gather *gather_new(struct conn *c, const struct command *cmd, int dbid) {
    struct gather *g = gather_alloc(cmd, dbid, c->resp);
    g->conn = c;
    return g;
}

/* Each part's arguments: the command's leading arguments, then the keys
 * (with their values, key_step apart) the part's shard owns. */
static void split_args(struct gather *g, const struct command *cmd, const struct arg *argv, int argc,
                       const int *shard_of, int nkeys) {
    g->argc = argc;
    g->nkeys = nkeys;
    g->key_part = malloc(sizeof(int) * (size_t)nkeys);
    if (!g->key_part) abort();
    int step = cmd->key_step;
    for (int k = 0; k < nkeys; k++) {
        int s = shard_of[k];
        struct gpart *p = &g->parts[s];
        g->key_part[k] = s;
        if (!p->active) {
            p->active = 1;
            for (int a = 0; a < cmd->first_key; a++) buf_put(&p->args, &argv[a], sizeof(struct arg));
        }
        int ai = cmd->first_key + k * step;
        for (int j = 0; j < step && ai + j < argc; j++) buf_put(&p->args, &argv[ai + j], sizeof(struct arg));
    }
}

int gather_can_split(const struct command *cmd) {
    return !cmd->keys_fn && cmd->last_key == -1 &&
           (cmd->combine == C_SUM || cmd->combine == C_OK || cmd->combine == C_ARRAY);
}

struct gather *gather_split(const struct command *cmd, int dbid, int resp, const struct arg *argv, int argc,
                            const int *shard_of, int nkeys) {
    struct gather *g = gather_alloc(cmd, dbid, resp);
    if (nkeys >= 0) {
        split_args(g, cmd, argv, argc, shard_of, nkeys);
    } else {
        /* every shard runs the whole command */
        g->argc = argc;
        for (int s = 0; s < g_nshards; s++) g->parts[s].active = 1;
    }
    for (int s = 0; s < g_nshards; s++) g->pending += g->parts[s].active;
    return g;
}

void gather_free(struct gather *g) {
    struct shard *sh = tl_shard;
    int keep = sh && sh->gather_pooled < GATHER_POOL;
    for (int i = 0; i < g_nshards; i++) {
        struct gpart *p = &g->parts[i];
        if (!keep || p->reply.cap > GATHER_BUF_KEEP) buf_free(&p->reply);
        if (!keep || p->args.cap > GATHER_BUF_KEEP) buf_free(&p->args);
        p->reply.len = p->args.len = 0;
        p->active = 0;
    }
    free(g->key_part);
    free(g->orig_argv);
    buf_free(&g->orig_bytes);
    buf_free(&g->blobs);
    if (!keep) {
        free(g);
        return;
    }
    g->priv = sh->gather_pool; /* (the pool's link) */
    sh->gather_pool = g;
    sh->gather_pooled++;
}

static void gather_combine_into(struct gather *g, struct buf *out);

/* Put the combined reply in the connection's hole and free the gather. */
static void gather_finish(struct gather *g) {
    struct buf out = {0};
    /* the command counts once, when complete (CONFIG RESETSTAT sees itself) */
    g->conn->sh->cmdstat[g->cmd->id].calls++;
    g->conn->sh->st.commands_processed++;
    gather_combine_into(g, &out);
    if (out.len && out.p[0] == '-') {
        /* errors of parts are counted here, once */
        char msg[128];
        size_t n = out.len - 3 < sizeof(msg) - 1 ? out.len - 3 : sizeof(msg) - 1;
        memcpy(msg, out.p + 1, n);
        msg[n] = '\0';
        stats_count_error(g->conn->sh, msg);
        g->conn->sh->cmdstat[g->cmd->id].failed++;
    }
    struct buf b = buf_take(&out);
    conn_fill_hole(g->hole, b.p, b.len, NULL);
    gather_free(g);
}

void gather_combine(struct gather *g, struct buf *out) { gather_combine_into(g, out); }

/* The parts' replies as the command's one reply. */
static void gather_combine_into(struct gather *g, struct buf *out_) {
    struct buf out = *out_;
    const struct gpart *first_err = NULL;
    for (int i = 0; i < g_nshards; i++)
        if (g->parts[i].active && g->parts[i].reply.len && g->parts[i].reply.p[0] == '-' && !first_err)
            first_err = &g->parts[i];
    switch (g->cmd->combine) {
    case C_SUM: {
        if (first_err) {
            buf_put(&out, first_err->reply.p, first_err->reply.len);
            break;
        }
        long long sum = 0;
        for (int i = 0; i < g_nshards; i++) {
            long long v;
            const struct buf *r = &g->parts[i].reply;
            if (g->parts[i].active && r->len > 3 && str_to_ll(r->p + 1, r->len - 3, &v)) sum += v;
        }
        reply_int(&out, sum);
        break;
    }
    case C_OK:
        if (first_err)
            buf_put(&out, first_err->reply.p, first_err->reply.len);
        else
            reply_ok(&out);
        break;
    case C_ARRAY:
    case C_CONCAT: {
        if (first_err) {
            buf_put(&out, first_err->reply.p, first_err->reply.len);
            break;
        }
        size_t pos[MAX_SHARDS];
        long long total = 0;
        for (int i = 0; i < g_nshards; i++) {
            const struct buf *r = &g->parts[i].reply;
            long long n = 0;
            pos[i] = 0;
            if (!g->parts[i].active || r->len < 4) continue;
            const char *cr = memchr(r->p, '\r', r->len);
            str_to_ll(r->p + 1, (size_t)(cr - r->p - 1), &n);
            pos[i] = (size_t)(cr - r->p) + 2;
            total += n;
        }
        reply_array(&out, total);
        if (g->cmd->combine == C_ARRAY) {
            for (int k = 0; k < g->nkeys; k++) {
                struct buf *r = &g->parts[g->key_part[k]].reply;
                size_t *pp = &pos[g->key_part[k]];
                long e = resp_reply_len(r->p + *pp, r->len - *pp);
                if (e <= 0) break;
                buf_put(&out, r->p + *pp, (size_t)e);
                *pp += (size_t)e;
            }
        } else {
            for (int i = 0; i < g_nshards; i++)
                if (g->parts[i].active)
                    buf_put(&out, g->parts[i].reply.p + pos[i], g->parts[i].reply.len - pos[i]);
        }
        break;
    }
    case C_FUNC:
        g->cmd->combine_fn(g, &out, g->resp);
        break;
    default:
        break;
    }
    *out_ = out;
}

void gather_part_done(struct gpart *p, const char *data, size_t len) {
    struct gather *g = p->g;
    buf_put(&p->reply, data, len);
    if (--g->pending == 0) {
        if (g->done)
            g->done(g);
        else
            gather_finish(g);
    }
}

/* Run one part of a gather on this shard right away. */
static void run_local_part(struct conn *c, struct gpart *p, const struct command *cmd, struct arg *argv,
                           int argc) {
    struct shard *sh = c->sh;
    struct client cl = {.sh = sh,
                        .conn = c,
                        .db = &sh->dbs[c->dbid],
                        .dbid = c->dbid,
                        .resp = c->resp,
                        .argc = argc,
                        .argv = argv,
                        .out = &p->reply,
                        .cmd = cmd,
                        .part = 1};
    exec_command(&cl);
}

/* Start every active part: remote ones go out with this iteration's batches,
 * the local one runs now. */
static void gather_start(struct gather *g, struct conn *c, struct arg *argv_all, int argc_all) {
    struct shard *sh = c->sh;
    g->argc = argc_all;
    /* PUBLISH: this shard's deliveries (to the publisher itself, in RESP3)
     * go before the reply, as in Redis */
    int early = (g->cmd->flags & CMD_PUBSUB) && g->parts[sh->id].active && !g->parts[sh->id].args.len;
    if (early) run_local_part(c, &g->parts[sh->id], g->cmd, argv_all, argc_all);
    if (!g->hole) g->hole = conn_add_hole(c);
    /* a subscriber gets the keyspace events of its command before the reply */
    int notify_first = pubsub_subscribed(c);
    int local = -1;
    for (int i = 0; i < g_nshards; i++) {
        struct gpart *p = &g->parts[i];
        if (!p->active) continue;
        g->pending++;
    }
    for (int i = 0; i < g_nshards; i++) {
        struct gpart *p = &g->parts[i];
        if (!p->active) continue;
        struct arg *argv = argv_all;
        int argc = argc_all;
        struct arg *own = NULL;
        if (p->args.len) {
            /* the part has its own argument list: offsets/lengths in args */
            argc = (int)(p->args.len / sizeof(struct arg));
            own = (struct arg *)(void *)p->args.p;
            argv = own;
        }
        if (i == sh->id) {
            local = i;
            continue;
        }
        int resp = g->resp | (notify_first ? XR_NOTIFY_FIRST : 0);
        if (g->txn)
            txn_send_part(sh, g->txn, i, XC_MAKE(p, XC_PART), g->cmd, g->dbid, resp, argc, argv);
        else
            xmsg_send_cmd(sh, i, XC_MAKE(p, XC_PART), g->cmd, g->dbid, resp, argc, argv, -1);
    }
    if (local >= 0) {
        struct gpart *p = &g->parts[local];
        struct arg *argv = p->args.len ? (struct arg *)(void *)p->args.p : argv_all;
        int argc = p->args.len ? (int)(p->args.len / sizeof(struct arg)) : argc_all;
        if (notify_first) pubsub_watch(sh, NULL, g->hole, NULL);
        if (!early) run_local_part(c, p, g->cmd, argv, argc);
        if (notify_first) pubsub_unwatch(sh);
        if (g->txn) {
            /* every part is out, each followed by its release */
            struct txn *t = g->txn;
            g->txn = NULL;
            uint8_t skip[MAX_SHARDS];
            for (int i = 0; i < g_nshards; i++) skip[i] = i != sh->id;
            txn_end(t, skip);
        }
        if (--g->pending == 0) {
            if (g->done)
                g->done(g);
            else
                gather_finish(g);
        }
    }
}

/* Split a multi-key command by shard: each part gets the command name and
 * its own keys (with their values for MSET-like commands, key_step > 1). */
struct arg *args_keep(struct buf *bytes, const struct arg *argv, int argc, size_t extra) {
    size_t total = extra;
    for (int i = 0; i < argc; i++) total += argv[i].len;
    buf_reserve(bytes, total + 1);
    struct arg *v = malloc(sizeof(struct arg) * (size_t)(argc ? argc : 1));
    if (!v) abort();
    for (int i = 0; i < argc; i++) {
        v[i] = (struct arg){bytes->p + bytes->len, argv[i].len};
        buf_put(bytes, argv[i].p, argv[i].len);
    }
    return v;
}

/* Keep a copy of the command's arguments in g (they must outlive the
 * receive buffer); returns it. */
static struct arg *gather_keep_args(struct gather *g, const struct arg *argv, int argc) {
    return g->orig_argv = args_keep(&g->orig_bytes, argv, argc, 0);
}

/* A split command's locks are all held: send its parts. The connection's
 * input was held until now, so its later commands follow the parts on
 * every ring. */
static void split_locked(struct txn *t, int dirty, void *arg) {
    struct gather *g = arg;
    g->txn = t; /* (set here: txn_begin may not have returned) */
    struct conn *c = g->conn;
    struct shard *sh = c->sh;
    (void)dirty;
    c->barrier--;
    int starting = sh->coord_starting;
    gather_start(g, c, g->orig_argv, g->argc);
    if (!starting && !c->closing) conn_resume(c);
}

/* A part ran on its shard (in the same hop as its lock). */
static void split_step(struct txn *t, int s, const char *reply, size_t len, void *arg) {
    struct gather *g = arg;
    buf_put(&g->parts[s].reply, reply, len);
    (void)t;
}

/* Every part ran, each while its shard's locks were held: let go, reply. */
static void split_ran(struct txn *t, int dirty, void *arg) {
    struct gather *g = arg;
    (void)dirty;
    txn_end(t, NULL);
    gather_finish(g);
}

/* Every part is on its way: the client's next commands may go too. */
static void split_sent(struct txn *t, void *arg) {
    struct gather *g = arg;
    struct conn *c = g->conn;
    (void)t;
    c->barrier--;
    if (!c->sh->coord_starting && !c->closing) blk_resume_later(c->sh, c);
}

static void split_keys(struct conn *c, const struct command *cmd, struct arg *argv, int argc,
                       const int *shard_of, int nkeys) {
    struct gather *g = gather_new(c, cmd, c->dbid);
    /* the parts run as one transaction: their keys are locked first */
    argv = gather_keep_args(g, argv, argc);
    split_args(g, cmd, argv, argc, shard_of, nkeys);
    int step = cmd->key_step;
    struct arg *keys = malloc(sizeof(struct arg) * (size_t)nkeys);
    int *dbs = malloc(sizeof(int) * (size_t)nkeys);
    /* MGET, EXISTS, TOUCH read: their locks are shared */
    uint8_t *shared = malloc((size_t)nkeys);
    if (!keys || !dbs || !shared) abort();
    memset(shared, !(cmd->flags & CMD_WRITE), (size_t)nkeys);
    for (int k = 0; k < nkeys; k++) {
        keys[k] = argv[cmd->first_key + k * step];
        dbs[k] = c->dbid;
    }
    c->barrier++;
    g->hole = conn_add_hole(c);
    c->sh->coord_starting++;
    if (pubsub_subscribed(c)) {
        /* a subscriber's own keyspace events go ahead of its reply: lock
         * everything first, then send the parts as usual */
        txn_begin(c->sh, keys, dbs, shared, nkeys, 0, NULL, split_locked, g);
    } else {
        /* each shard runs its part in the same hop as its lock */
        struct txn *t = txn_new(c->sh, 0, NULL, split_ran, g);
        txn_lock_keys(t, keys, dbs, shared, nkeys);
        size_t off[MAX_SHARDS];
        for (int s = 0; s < g_nshards; s++) {
            struct gpart *p = &g->parts[s];
            off[s] = g->blobs.len;
            if (!p->active) continue;
            exec_blob_encode(&g->blobs, cmd, c->dbid, (const struct arg *)(const void *)p->args.p,
                             (int)(p->args.len / sizeof(struct arg)));
        }
        for (int s = 0; s < g_nshards; s++) {
            if (!g->parts[s].active) continue;
            size_t end = g->blobs.len;
            for (int u = s + 1; u < g_nshards; u++)
                if (g->parts[u].active) {
                    end = off[u];
                    break;
                }
            struct arg blob = {g->blobs.p + off[s], end - off[s]};
            txn_run_at(t, s, &blob);
        }
        txn_payload_mode(t, c, c->resp, 0, split_step);
        txn_on_all_sent(t, split_sent);
        txn_start(t);
    }
    c->sh->coord_starting--;
    free(keys);
    free(dbs);
    free(shared);
}

static void fan_out_all(struct conn *c, const struct command *cmd, struct arg *argv, int argc) {
    struct gather *g = gather_new(c, cmd, c->dbid);
    if (cmd->combine == C_FUNC) gather_keep_args(g, argv, argc);
    /* PUBLISH skips shards without subscribers (they would answer 0) */
    int publish = is_publish(cmd);
    for (int i = 0; i < g_nshards; i++)
        g->parts[i].active = !publish || i == c->sh->id || pubsub_shard_live(i);
    gather_start(g, c, argv, argc);
}

/* ---- the entry point ---- */

static void reject_unknown(struct conn *c, struct arg *argv, int argc) {
    char args[512];
    size_t n = 0;
    args[0] = '\0';
    for (int i = 1; i < argc && n < 128; i++) {
        int room = 128 - (int)n;
        n += (size_t)snprintf(args + n, sizeof(args) - n, "'%.*s' ",
                              (int)(argv[i].len < (size_t)room ? argv[i].len : (size_t)room), argv[i].p);
    }
    char msg[1024];
    snprintf(msg, sizeof(msg), "ERR unknown command '%.*s', with args beginning with: %s",
             (int)(argv[0].len < 128 ? argv[0].len : 128), argv[0].p, args);
    reject(c, NULL, msg);
}

static const struct command *find_command(struct conn *c, struct arg *argv, int argc) {
    /* pipelines repeat one command: compare with the connection's last one first */
    const struct command *cmd = c->last_cmd && !c->last_cmd->parent && c->last_cmd_len &&
                                        argv[0].len == c->last_cmd_len &&
                                        !memcmp(argv[0].p, c->last_cmd_name, argv[0].len)
                                    ? c->last_cmd
                                    : command_lookup(argv[0].p, argv[0].len);
    if (cmd && (cmd->proc == debug_command || cmd->proc == debug_all_command)) {
        /* DEBUG RELOAD and POPULATE act on every shard: __debugall */
        int all = argc >= 2 && (str_ieq(argv[1].p, argv[1].len, "reload") ||
                                str_ieq(argv[1].p, argv[1].len, "populate"));
        return command_lookup(all ? "__debugall" : "debug", all ? 10 : 5);
    }
    if (!cmd || (cmd->flags & CMD_INTERNAL) || cmd->parent) {
        reject_unknown(c, argv, argc);
        return NULL;
    }
    if ((cmd->flags & CMD_PARENT) && argc >= 2) {
        for (int i = 0; i < cmd->nsub; i++) {
            const char *sn = strchr(cmd->subs[i]->name, '|') + 1;
            if (str_ieq(argv[1].p, argv[1].len, sn)) return cmd->subs[i];
        }
        char msg[512], up[64];
        size_t l = strlen(cmd->name);
        for (size_t i = 0; i <= l && i < sizeof(up); i++) up[i] = (char)toupper((unsigned char)cmd->name[i]);
        snprintf(msg, sizeof(msg), "ERR unknown subcommand '%.*s'. Try %s HELP.",
                 (int)(argv[1].len < 128 ? argv[1].len : 128), argv[1].p, up);
        reject(c, cmd, msg);
        return NULL;
    }
    return cmd;
}

static int check_arity(struct conn *c, const struct command *cmd, int argc) {
    /* key/value pairs to the end (MSET, MSETNX) must come in whole pairs,
     * checked before the command is split over shards */
    int bad_pairs = !cmd->keys_fn && cmd->last_key == -1 && cmd->key_step > 1 &&
                    (argc - cmd->first_key) % cmd->key_step != 0;
    if ((cmd->arity > 0 && cmd->arity != argc) || (argc < -cmd->arity) || bad_pairs) {
        char msg[256];
        if (cmd->proc == multi_exec_command) {
            /* a refused EXEC ends the transaction, as Redis words it */
            snprintf(msg, sizeof(msg),
                     "EXECABORT Transaction discarded because of: wrong number of arguments for '%s' command",
                     cmd->name);
            multi_discard(c);
        } else {
            snprintf(msg, sizeof(msg), "ERR wrong number of arguments for '%s' command", cmd->name);
        }
        reject(c, cmd, msg);
        return 0;
    }
    return 1;
}

#define MAX_INLINE_KEYS 256

/* Run a command of c here, its reply going to c's output; a subscribed
 * client's own keyspace events go where Redis puts them (pubsub_watch). */
static void exec_for_conn(struct conn *c, struct client *cl) {
    if (!c->subs) {
        exec_command(cl);
        return;
    }
    pubsub_watch(c->sh, c, NULL, &c->out);
    exec_command(cl);
    pubsub_unwatch(c->sh);
}

static void route_keys(struct conn *c, const struct command *cmd, struct arg *argv, int argc) {
    struct shard *sh = c->sh;
    int pos_small[MAX_INLINE_KEYS], shard_small[MAX_INLINE_KEYS];
    int *pos = pos_small, *shard_of = shard_small;
    int maxk = argc;
    if (maxk > MAX_INLINE_KEYS) {
        pos = malloc(sizeof(int) * (size_t)maxk);
        shard_of = malloc(sizeof(int) * (size_t)maxk);
        if (!pos || !shard_of) abort();
    }
    int nk = command_keys(cmd, argv, argc, pos, maxk);
    int target = -1, spans = 0;
    for (int k = 0; k < nk; k++) {
        int s = shard_for_key(argv[pos[k]].p, argv[pos[k]].len);
        shard_of[k] = s;
        if (target < 0)
            target = s;
        else if (s != target)
            spans = 1;
    }
    if (nk == 0) target = sh->id;
    /* a script in the body of an EXEC holding every shard runs here, with
     * them all (script_start) */
    if (sh->whole_act && (cmd->flags & CMD_SCRIPT_RUN)) {
        target = sh->id;
        spans = 0;
    }
    /* SORT whose BY/GET patterns may name keys on other shards: the
     * coordinator fetches them */
    int sort_fetch =
        !spans && (cmd->proc == sort_command || cmd->proc == sort_ro_command) && sort_needs_fetch(argv, argc);
    if ((c->script_hole || c->away_n) &&
        conn_script_gate(c, spans || sort_fetch ? -1 : target,
                         (cmd->flags & CMD_SCRIPT_RUN) && !spans && !sort_fetch && target != sh->id))
        goto out; /* parked */
    if (!spans && !sort_fetch) {
        if (target == sh->id) {
            if (sh->lock_live && !txn_admit_local(c, cmd, argv, argc)) goto out; /* parked */
            /* (the body of an EXEC holding every shard never blocks) */
            struct client cl = {.sh = sh,
                                .conn = c,
                                .db = &sh->dbs[c->dbid],
                                .dbid = c->dbid,
                                .resp = c->resp,
                                .argc = argc,
                                .argv = argv,
                                .out = &c->out,
                                .cmd = cmd,
                                .src = sh->id,
                                .noblock = sh->whole_act != 0};
            exec_for_conn(c, &cl);
        } else {
            /* a subscriber gets the keyspace events of its command before
             * the reply (a delegated reply could not wait for them) */
            int notify_first = pubsub_subscribed(c);
            int blocking = (cmd->flags & CMD_BLOCKING) && !sh->whole_act;
            int fd = !notify_first && !blocking && conn_can_delegate(c) ? c->fd : -1;
            struct oseg *hole = conn_add_hole(c);
            if (fd >= 0) conn_delegate(c, hole);
            /* it may wait there: the client counts as blocked until it
             * has the reply, and its next commands wait too */
            if (blocking) conn_block_hole(c, hole, target);
            conn_sent_away(c, hole, target, (cmd->flags & CMD_SCRIPT_RUN) != 0);
            xmsg_send_cmd(sh, target, XC_MAKE(hole, XC_HOLE), cmd, c->dbid,
                          c->resp | (notify_first ? XR_NOTIFY_FIRST : 0), argc, argv, fd);
        }
    } else if (cmd->combine == C_COORD || sort_fetch) {
        /* one element between two shards moves by itself; the rest runs
         * on copies */
        if (sort_fetch || pubsub_subscribed(c) || !move_start(c, cmd, argv, argc))
            coord_start(c, cmd, argv, argc);
    } else {
        split_keys(c, cmd, argv, argc, shard_of, nk);
    }
out:
    if (pos != pos_small) {
        free(pos);
        free(shard_of);
    }
}

/* CLIENT REPLY OFF/SKIP: drop what the command wrote locally (holes to
 * other shards are marked when they are made). */
static void apply_reply_mode(struct conn *c, int mode, size_t mark) {
    int suppress = c->reply_mode == REPLY_OFF || (mode == REPLY_SKIP && c->reply_mode == REPLY_SKIP);
    if (suppress && c->out.len > mark) c->out.len = mark;
    if (mode == REPLY_SKIP && c->reply_mode == REPLY_SKIP) c->reply_mode = REPLY_ON;
    if (c->reply_mode == REPLY_SKIP_NEXT) c->reply_mode = REPLY_SKIP;
}

/* KEYS, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB: server-wide commands on the
 * keyspace itself, run holding every shard whole. */
static int whole_command(const struct command *cmd) {
    void (*p)(struct client *) = cmd->proc;
    return p == keys_command || p == dbsize_command || p == flushdb_command || p == flushall_command ||
           p == swapdb_command || p == save_command || p == bgsave_command;
}

void dispatch_command(struct conn *c, struct arg *argv, int argc) {
    struct shard *sh = c->sh;
    size_t mark = c->out.len;
    int mode = c->reply_mode;
    const struct command *cmd = find_command(c, argv, argc);
    if (!cmd || !check_arity(c, cmd, argc)) {
        if (c->mx) multi_flag_error(c); /* EXEC will abort */
        if (mode != REPLY_ON) apply_reply_mode(c, mode, mark);
        return;
    }
    if (!c->authenticated && !(cmd->flags & CMD_NOAUTH) && sh->cfg.requirepass && sh->cfg.requirepass[0]) {
        reject(c, cmd, "NOAUTH Authentication required.");
        if (c->mx) multi_flag_error(c);
        if (mode != REPLY_ON) apply_reply_mode(c, mode, mark);
        return;
    }
    if (c->resp == 2 && !(cmd->flags & CMD_SUBCTX) && pubsub_subscribed(c)) {
        char msg[256];
        snprintf(msg, sizeof(msg),
                 "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                 "RESET are allowed in this context",
                 cmd->name);
        reject(c, cmd, msg);
        if (mode != REPLY_ON) apply_reply_mode(c, mode, mark);
        return;
    }
    if (atomic_load_explicit(&g_script_busy, memory_order_relaxed) && !(cmd->flags & CMD_ALLOW_BUSY)) {
        /* a script runs past busy-reply-threshold somewhere */
        reject(c, cmd, atomic_load(&g_script_busy) == 2 ? ERR_BUSY_FUNCTION : ERR_BUSY_EVAL);
        if (c->mx) multi_flag_error(c);
        if (mode != REPLY_ON) apply_reply_mode(c, mode, mark);
        return;
    }
    if (atomic_load_explicit(&g_rdb_save_failed, memory_order_relaxed) &&
        ((cmd->flags & CMD_WRITE) || cmd->proc == ping_command) && sh->cfg.stop_writes_on_bgsave_error &&
        sh->cfg.save && sh->cfg.save[0]) {
        /* Redis's stop-writes-on-bgsave-error: the last snapshot failed */
        reject(c, cmd, ERR_MISCONF);
        if (c->mx) multi_flag_error(c);
        if (mode != REPLY_ON) apply_reply_mode(c, mode, mark);
        return;
    }
    c->last_cmd = cmd;
    if (argv[0].len <= sizeof(c->last_cmd_name)) {
        memcpy(c->last_cmd_name, argv[0].p, argv[0].len);
        c->last_cmd_len = (uint8_t)argv[0].len;
    } else {
        c->last_cmd_len = 0;
    }
    if (c->mx && multi_queue(c, cmd, argv, argc)) return; /* inside MULTI: +QUEUED */
    if (conn_pause_holds(c, cmd)) return;                 /* CLIENT PAUSE: runs once the pause ends */
    /* commands that reach other shards wait for a script sent elsewhere
     * (conn.h); R_KEYS ones see to it once they know their shard */
    if (c->script_hole && cmd->route != R_KEYS &&
        (cmd->route != R_LOCAL || cmd->proc == multi_exec_command || cmd->proc == watch_command) &&
        conn_script_gate(c, -1, 0))
        return;
    if (g_nshards == 1 && cmd->combine != C_FUNC) {
        struct client cl = {.sh = sh,
                            .conn = c,
                            .db = &sh->dbs[c->dbid],
                            .dbid = c->dbid,
                            .resp = c->resp,
                            .argc = argc,
                            .argv = argv,
                            .out = &c->out,
                            .cmd = cmd,
                            .src = sh->id};
        exec_for_conn(c, &cl);
    } else {
        switch (cmd->route) {
        case R_LOCAL: {
            struct client cl = {.sh = sh,
                                .conn = c,
                                .db = &sh->dbs[c->dbid],
                                .dbid = c->dbid,
                                .resp = c->resp,
                                .argc = argc,
                                .argv = argv,
                                .out = &c->out,
                                .cmd = cmd,
                                .src = sh->id};
            exec_for_conn(c, &cl);
            break;
        }
        case R_KEYS:
            route_keys(c, cmd, argv, argc);
            break;
        case R_ALL:
            if (is_publish(cmd) && !pubsub_others_live(sh->id)) {
                /* PUBLISH with subscribers on this shard only: no gather */
                struct client cl = {.sh = sh,
                                    .conn = c,
                                    .db = &sh->dbs[c->dbid],
                                    .dbid = c->dbid,
                                    .resp = c->resp,
                                    .argc = argc,
                                    .argv = argv,
                                    .out = &c->out,
                                    .cmd = cmd,
                                    .src = sh->id};
                exec_for_conn(c, &cl);
                break;
            }
            /* the keyspace's own server-wide commands hold every shard
             * whole, so they see (or change) all shards at one point */
            if (!sh->whole_act && whole_command(cmd)) {
                multi_whole_command(c, cmd, argv, argc);
                break;
            }
            /* a server-wide write waits for the transactions holding keys
             * here, and any waits for one holding the shard whole */
            if (sh->lock_live && ((cmd->flags & CMD_WRITE) || lock_whole(sh, NULL)) &&
                !txn_admit_local(c, cmd, argv, argc))
                break;
            fan_out_all(c, cmd, argv, argc);
            break;
        }
    }
    if (mode != REPLY_ON || c->reply_mode != REPLY_ON) apply_reply_mode(c, mode, mark);
    /* clients blocked on keys this command filled are served now, before
     * the next command (never inside a handler) */
    if (sh->blk_ready) blk_serve(sh);
}
