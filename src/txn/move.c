/*
 * move.c - commands over keys of several shards that move or pop a few
 * elements, run at the data: the elements travel, never the lists, sets or
 * sorted sets.
 *
 *   moves: LMOVE, RPOPLPUSH, SMOVE, BLMOVE, BRPOPLPUSH (source and
 *          destination on two shards)
 *   pops:  LMPOP, ZMPOP, BLPOP, BRPOP, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP
 *          (keys on several shards)
 *
 * Each is a transaction (txn.h): lock every key shard by shard, each lock
 * step also asking TYPE of its keys; then the origin decides as the command
 * would (the first key with data, a wrong type, nothing at all), and the
 * owner of that key runs the command on that key alone (then lets go); a
 * move's destination owner then pushes the element (then lets go). The
 * keys stay locked from before the first look until their last change, so
 * nobody sees an element in two places or in none, and no two clients take
 * the same element. A blocking command that finds nothing registers with
 * the keys' owners before the locks go (block.h) and waits.
 *
 * The command's own handler checks its syntax first, against an empty
 * database (so errors read exactly as Redis's), and tells its timeout.
 */
#include <stdlib.h>
#include <string.h>

#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../server/conn.h"
#include "../server/dispatch.h"
#include "../shard/xmsg.h"
#include "../util/util.h"
#include "block.h"
#include "move.h"
#include "txn.h"

enum { OP_MOVE, OP_SMOVE, OP_POP };

struct op {
    struct conn *c;
    struct oseg *hole;
    const struct command *cmd;
    int kind;
    int zset;          /* pops from sorted sets */
    int from, to;      /* moves between lists: 0 head, 1 tail */
    int dbid, resp;
    struct buf argbytes; /* the command's arguments, copied */
    struct arg *argv;
    int argc;
    int nkeys;
    int *kpos;         /* argv index of each key */
    int *kshard;
    char (*ktype)[8];  /* what TYPE said of each key (its first letters) */
    struct buf blobs;  /* the TYPE lookups the lock steps carry */
    struct txn *t;
    int blocking;
    long long deadline;
    int retry, notify_from;
    uint64_t notify_id;
};

static void op_free(struct op *o) {
    buf_free(&o->argbytes);
    buf_free(&o->blobs);
    free(o->argv);
    free(o->kpos);
    free(o->kshard);
    free(o->ktype);
    free(o);
}

/* A lock step's TYPE replies, one per key of shard s in key order. */
static void op_step(struct txn *t, int s, const char *reply, size_t len, void *arg) {
    struct op *o = arg;
    const char *p = reply, *end = reply + len;
    for (int k = 0; k < o->nkeys && p < end; k++) {
        if (o->kshard[k] != s) continue;
        const char *cr = memchr(p, '\r', (size_t)(end - p));
        if (!cr) break;
        size_t n = (size_t)(cr - p) - 1; /* after '+' */
        if (n > 7) n = 7;
        memcpy(o->ktype[k], p + 1, n);
        o->ktype[k][n] = '\0';
        p = cr + 2;
    }
    (void)t;
}

/* The command counts once, here. */
static void op_stats(struct op *o, const char *reply, size_t len) {
    struct shard *sh = o->c->sh;
    sh->cmdstat[o->cmd->id].calls++;
    sh->st.commands_processed++;
    if (len && reply[0] == '-') {
        char msg[128];
        size_t n = len - 3 < sizeof(msg) - 1 ? len - 3 : sizeof(msg) - 1;
        memcpy(msg, reply + 1, n);
        msg[n] = '\0';
        stats_count_error(sh, msg);
        sh->cmdstat[o->cmd->id].failed++;
    }
}

/* Done: let go of whatever is still held (skip: let go already), then the
 * reply, or (reply NULL) the wait goes on. */
static void op_finish(struct op *o, const uint8_t *skip, struct buf *out) {
    struct conn *c = o->c;
    int starting = c->sh->coord_starting;
    txn_end(o->t, skip);
    if (o->retry) blk_send_next(c->sh, o->notify_from, o->notify_id);
    if (out) {
        op_stats(o, out->p, out->len);
        struct buf b = buf_take(out);
        c->barrier--;
        conn_fill_hole(o->hole, b.p, b.len, NULL);
    } else {
        conn_block_hole(c, o->hole, c->sh->id); /* (already, for a retry) */
        c->barrier--;
    }
    op_free(o);
    if (!starting && !c->closing) conn_resume(c);
}

static void finish_reply(struct op *o, struct buf *out) { op_finish(o, NULL, out); }

/* Nothing to take: a blocking command waits on its keys' owners (asked
 * before the locks go), the others answer nil. */
static void op_nothing(struct op *o) {
    struct buf out = {0};
    if (o->blocking) {
        blk_wait_multi(o->c, o->hole, o->cmd, o->dbid, o->argv, o->argc, o->deadline);
        op_finish(o, NULL, NULL);
        return;
    }
    if (o->kind == OP_SMOVE) reply_int(&out, 0);
    else if (o->kind == OP_MOVE) reply_null(&out, o->resp);
    else reply_null_array(&out, o->resp);
    finish_reply(o, &out);
}

static void wrongtype(struct op *o) {
    struct buf out = {0};
    reply_error(&out, ERR_WRONGTYPE);
    finish_reply(o, &out);
}

/* Run cmd argv on shard s for the transaction: here into out, or there
 * (its reply to part p, or dropped) followed by the shard letting go. */
static void run_on(struct op *o, int s, struct gpart *p, struct buf *out, const struct command *cmd,
                   const struct arg *argv, int argc) {
    struct shard *sh = o->c->sh;
    if (s == sh->id) {
        struct client cl = {.sh = sh, .conn = o->c, .db = &sh->dbs[o->dbid], .dbid = o->dbid, .resp = o->resp,
                            .argc = argc, .argv = (struct arg *)argv, .out = out, .cmd = cmd, .part = 1,
                            .noblock = 1, .src = sh->id};
        exec_command(&cl);
        return;
    }
    txn_send_part(sh, o->t, s, p ? XC_MAKE(p, XC_PART) : XC_MAKE(NULL, XC_SINK), cmd, o->dbid, o->resp, argc,
                  argv);
}

static void op_taken(struct op *o, const char *reply, size_t len);

static void op_gathered(struct gather *g) {
    struct op *o = g->priv;
    int s = g->nkeys; /* the shard asked */
    struct buf r = g->parts[s].reply;
    free(g);
    op_taken(o, r.p, r.len);
    buf_free(&r);
}

/* Run cmd argv on shard s and continue with op_taken once its reply is in. */
static void take_at(struct op *o, int s, const struct command *cmd, const struct arg *argv, int argc) {
    struct shard *sh = o->c->sh;
    if (s == sh->id) {
        struct buf out = {0};
        run_on(o, s, NULL, &out, cmd, argv, argc);
        op_taken(o, out.p, out.len);
        buf_free(&out);
        return;
    }
    struct gather *g = calloc(1, sizeof(*g) + sizeof(struct gpart) * (size_t)g_nshards);
    if (!g) abort();
    g->priv = o;
    g->done = op_gathered;
    g->pending = 1;
    g->nkeys = s;
    struct gpart *p = &g->parts[s];
    p->g = g;
    p->shard = s;
    p->active = 1;
    run_on(o, s, p, NULL, cmd, argv, argc);
}

/* The source's owner answered (the element, SREM's 0/1, or a pop's reply). */
static void op_taken(struct op *o, const char *reply, size_t len) {
    uint8_t skip[MAX_SHARDS];
    memset(skip, 0, (size_t)g_nshards);
    struct shard *sh = o->c->sh;
    int src = o->kind == OP_POP ? -1 : o->kshard[0], dst = o->kind == OP_POP ? -1 : o->kshard[1];
    for (int k = 0; k < o->nkeys; k++)
        if (o->kshard[k] != sh->id && o->ktype[k][0] == '!') skip[o->kshard[k]] = 1; /* let go with its part */
    struct buf out = {0};
    if (o->kind == OP_POP) {
        buf_put(&out, reply, len);
    } else if (o->kind == OP_SMOVE) {
        int moved = len >= 2 && reply[0] == ':' && reply[1] == '1';
        if (moved) {
            struct arg av[3] = {{"sadd", 4}, o->argv[2], o->argv[3]};
            struct buf ignore = {0};
            run_on(o, dst, NULL, &ignore, command_lookup("sadd", 4), av, 3);
            buf_free(&ignore);
            if (dst != sh->id) skip[dst] = 1;
        }
        reply_int(&out, moved);
    } else {
        const char *cr = memchr(reply, '\r', len);
        long long n = -1;
        if (len && reply[0] == '$' && cr) str_to_ll(reply + 1, (size_t)(cr - reply - 1), &n);
        if (n < 0) {
            buf_put(&out, reply, len); /* cannot happen: a list, locked */
        } else {
            struct arg av[3] = {{o->to ? "rpush" : "lpush", 5}, o->argv[2], {cr + 2, (size_t)n}};
            struct buf ignore = {0};
            run_on(o, dst, NULL, &ignore, command_lookup(av[0].p, 5), av, 3);
            buf_free(&ignore);
            if (dst != sh->id) skip[dst] = 1;
            reply_bulk(&out, cr + 2, (size_t)n);
        }
    }
    (void)src;
    op_finish(o, skip, &out);
}

static int is_type(const char *t, const char *name) { return !strcmp(t, name); }

/* Every key locked and looked at: decide as the command would. */
static void op_locked(struct txn *t, int dirty, void *arg) {
    struct op *o = arg;
    (void)t;
    (void)dirty;
    if (o->kind == OP_POP) {
        const char *want = o->zset ? "zset" : "list";
        for (int k = 0; k < o->nkeys; k++) {
            if (is_type(o->ktype[k], "none")) continue;
            if (!is_type(o->ktype[k], want)) {
                wrongtype(o);
                return;
            }
            /* the first key with data: its owner pops from it alone */
            struct arg small[16], *av = o->argc + 2 <= 16 ? small : malloc(sizeof(struct arg) * (size_t)(o->argc + 2));
            if (!av) abort();
            int ac = blk_argv_for_key(o->cmd, o->argv, o->argc, &o->argv[o->kpos[k]], av);
            o->ktype[k][0] = '!'; /* its shard lets go with the pop */
            take_at(o, o->kshard[k], o->cmd, av, ac);
            if (av != small) free(av);
            return;
        }
        op_nothing(o);
        return;
    }
    const char *kind = o->kind == OP_SMOVE ? "set" : "list";
    int src_none = is_type(o->ktype[0], "none");
    int dst_ok = is_type(o->ktype[1], "none") || is_type(o->ktype[1], kind);
    if (src_none) {
        /* a missing source wins over a wrong-typed destination */
        op_nothing(o);
        return;
    }
    if (!is_type(o->ktype[0], kind) || !dst_ok) {
        wrongtype(o);
        return;
    }
    o->ktype[0][0] = '!';
    if (o->kind == OP_SMOVE) {
        struct arg srem[3] = {{"srem", 4}, o->argv[1], o->argv[3]};
        take_at(o, o->kshard[0], command_lookup("srem", 4), srem, 3);
    } else {
        struct arg pop[2] = {{o->from ? "rpop" : "lpop", 4}, o->argv[1]};
        take_at(o, o->kshard[0], command_lookup(pop[0].p, 4), pop, 2);
    }
}

static int list_end(const struct arg *a, int *end) {
    if (ARG_IS(*a, "left")) *end = 0;
    else if (ARG_IS(*a, "right")) *end = 1;
    else return 0;
    return 1;
}

/* The empty database the handlers check their syntax against. */
static struct db *empty_db(struct shard *sh, int dbid) {
    if (!sh->empty_db) {
        sh->empty_db = calloc(1, sizeof(struct db));
        if (!sh->empty_db) abort();
        db_init(sh->empty_db, 0, NULL, NULL, NULL);
    }
    sh->empty_db->id = dbid;
    return sh->empty_db;
}

/* Which commands run here, and how. Returns 0 for the others. */
static int classify(const struct command *cmd, struct op *o) {
    if (cmd->proc == lmove_command || cmd->proc == rpoplpush_command || cmd->proc == blmove_command ||
        cmd->proc == brpoplpush_command) {
        o->kind = OP_MOVE;
        o->blocking = cmd->proc == blmove_command || cmd->proc == brpoplpush_command;
    } else if (cmd->proc == smove_command) {
        o->kind = OP_SMOVE;
    } else if (cmd->proc == lmpop_command || cmd->proc == blpop_command || cmd->proc == brpop_command ||
               cmd->proc == blmpop_command) {
        o->kind = OP_POP;
        o->blocking = cmd->proc != lmpop_command;
    } else if (cmd->proc == zmpop_command || cmd->proc == bzpopmin_command || cmd->proc == bzpopmax_command ||
               cmd->proc == bzmpop_command) {
        o->kind = OP_POP;
        o->zset = 1;
        o->blocking = cmd->proc != zmpop_command;
    } else {
        return 0;
    }
    return 1;
}

static int op_begin(struct conn *c, const struct command *cmd, const struct arg *argv, int argc, int dbid,
                    struct oseg *hole, long long deadline, int retry, int notify_from, uint64_t notify_id) {
    struct op probe = {0};
    if (!classify(cmd, &probe)) return 0;
    struct shard *sh = c->sh;
    int pos[256];
    int nk = command_keys(cmd, (struct arg *)argv, argc, pos, 256);
    if (nk < 1 || nk >= 256) return 0;
    if (probe.kind != OP_POP && nk != 2) return 0;
    int first = shard_for_key(argv[pos[0]].p, argv[pos[0]].len), spans = 0;
    for (int k = 1; k < nk; k++) spans |= shard_for_key(argv[pos[k]].p, argv[pos[k]].len) != first;
    if (!spans) return 0;
    if (!retry) {
        /* the handler checks the syntax against an empty database: its
         * errors are the reply; a blocking one tells its timeout */
        struct buf out = {0};
        struct client cl = {.sh = sh, .conn = c, .db = empty_db(sh, dbid), .dbid = dbid, .resp = c->resp,
                            .argc = argc, .argv = (struct arg *)argv, .out = &out, .cmd = cmd, .part = 1,
                            .noblock = 2, .src = (int16_t)sh->id};
        struct blk_out bo = {0};
        cl.blk = &bo;
        cmd->proc(&cl);
        if (out.len && out.p[0] == '-') {
            buf_free(&out);
            /* again, counted, as the reply */
            struct client rc = cl;
            rc.out = &c->out;
            rc.part = 0;
            exec_command(&rc);
            return 1;
        }
        buf_free(&out);
        deadline = bo.would_block ? bo.deadline : 0;
    }
    struct op *o = calloc(1, sizeof(*o));
    if (!o) abort();
    *o = probe;
    o->c = c;
    o->cmd = cmd;
    o->dbid = dbid;
    o->resp = c->resp;
    o->deadline = deadline;
    o->retry = retry;
    o->notify_from = notify_from;
    o->notify_id = notify_id;
    if (sh->whole_act) o->blocking = 0; /* in the body of an EXEC holding every shard: answers nil */
    if (o->kind == OP_MOVE && cmd->proc != brpoplpush_command && cmd->proc != rpoplpush_command &&
        (!list_end(&argv[3], &o->from) || !list_end(&argv[4], &o->to))) {
        op_free(o);
        return 0; /* (the syntax check replied already) */
    }
    if (cmd->proc == rpoplpush_command || cmd->proc == brpoplpush_command) {
        o->from = 1;
        o->to = 0;
    }
    o->argv = args_keep(&o->argbytes, argv, argc, 0);
    o->kpos = malloc(sizeof(int) * (size_t)nk);
    o->kshard = malloc(sizeof(int) * (size_t)nk);
    o->ktype = calloc((size_t)nk, sizeof(*o->ktype));
    if (!o->kpos || !o->kshard || !o->ktype) abort();
    o->argc = argc;
    o->nkeys = nk;
    const struct command *type = command_lookup("type", 4);
    struct arg *keys = malloc(sizeof(struct arg) * (size_t)nk);
    int *dbs = malloc(sizeof(int) * (size_t)nk);
    size_t *off = malloc(sizeof(size_t) * (size_t)(nk + 1));
    if (!keys || !dbs || !off) abort();
    for (int k = 0; k < nk; k++) {
        o->kpos[k] = pos[k];
        keys[k] = o->argv[pos[k]];
        dbs[k] = dbid;
        o->kshard[k] = shard_for_key(keys[k].p, keys[k].len);
        struct arg ta[2] = {{"type", 4}, keys[k]};
        off[k] = o->blobs.len;
        exec_blob_encode(&o->blobs, type, dbid, ta, 2);
    }
    off[nk] = o->blobs.len;
    o->t = txn_new(sh, 0, NULL, op_locked, o);
    txn_lock_keys(o->t, keys, dbs, NULL, nk);
    for (int k = 0; k < nk; k++) {
        struct arg b = {o->blobs.p + off[k], off[k + 1] - off[k]};
        txn_run_at(o->t, o->kshard[k], &b);
    }
    free(keys);
    free(dbs);
    free(off);
    /* the locks stay past the chain: the pop (and push) follow */
    txn_payload_mode(o->t, c, 2, 0, op_step);
    txn_hold(o->t);
    o->hole = hole ? hole : conn_add_hole(c);
    c->barrier++;
    sh->coord_starting++;
    txn_start(o->t);
    sh->coord_starting--;
    return 1;
}

int move_start(struct conn *c, const struct command *cmd, struct arg *argv, int argc) {
    return op_begin(c, cmd, argv, argc, c->dbid, NULL, 0, 0, 0, 0);
}

int pop_retry(struct conn *c, struct oseg *hole, const struct command *cmd, int dbid, const struct arg *argv,
              int argc, long long deadline, int notify_from, uint64_t notify_id) {
    return op_begin(c, cmd, argv, argc, dbid, hole, deadline, 1, notify_from, notify_id);
}
