/*
 * move.c - LMOVE, RPOPLPUSH and SMOVE between keys of two shards, run at
 * the data: one element travels, never the lists or sets.
 *
 * As a transaction (txn.h): lock both keys shard by shard, each lock step
 * also asking TYPE of its key; then the origin decides as the command
 * would (absent or wrong-typed source, wrong-typed destination), has the
 * source's owner pop the element (then let go), and the destination's owner
 * push it (then let go). Both keys stay locked from before the first look
 * until their last change, so nobody sees the element in both lists or in
 * neither, and two movers never take the same element.
 */
#include <stdlib.h>
#include <string.h>

#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../server/conn.h"
#include "../server/dispatch.h"
#include "../shard/xmsg.h"
#include "../util/util.h"
#include "move.h"
#include "txn.h"

struct move {
    struct conn *c;
    struct oseg *hole;
    const struct command *cmd;
    int set;            /* SMOVE */
    int from, to;       /* list ends: 0 head, 1 tail */
    int dbid, resp;
    int src_shard, dst_shard;
    struct buf argbytes;
    struct arg src, dst, member;
    struct buf blobs;   /* the TYPE lookups the lock steps carry */
    char tsrc[16], tdst[16];
    struct txn *t;
};

static void copy_type(char *dst, const char *reply, size_t len) {
    size_t n = len < 15 ? len : 15;
    memcpy(dst, reply, n);
    dst[n] = '\0';
}

static void move_step(struct txn *t, int s, const char *reply, size_t len, void *arg) {
    struct move *mv = arg;
    if (s == mv->src_shard) copy_type(mv->tsrc, reply, len);
    if (s == mv->dst_shard) copy_type(mv->tdst, reply, len);
    (void)t;
}

/* Done: let go of whatever is still held, reply, free. */
static void move_finish(struct move *mv, const uint8_t *skip, char *reply, size_t len) {
    struct conn *c = mv->c;
    int starting = c->sh->coord_starting;
    txn_end(mv->t, skip);
    c->sh->cmdstat[mv->cmd->id].calls++;
    c->sh->st.commands_processed++;
    if (len && reply[0] == '-') {
        char msg[128];
        size_t n = len - 2 < sizeof(msg) - 1 ? len - 2 : sizeof(msg) - 1;
        memcpy(msg, reply + 1, n);
        msg[n] = '\0';
        stats_count_error(c->sh, msg);
        c->sh->cmdstat[mv->cmd->id].failed++;
    }
    c->barrier--;
    conn_fill_hole(mv->hole, reply, len, NULL);
    buf_free(&mv->argbytes);
    buf_free(&mv->blobs);
    free(mv);
    if (!starting && !c->closing) conn_resume(c);
}

static void finish_with(struct move *mv, struct buf *out) {
    struct buf b = buf_take(out);
    move_finish(mv, NULL, b.p, b.len);
}

/* Run cmd argv on shard s for the transaction, its reply to part p (or
 * into out when s is this shard); the shard lets go of its locks after. */
static void run_on(struct move *mv, int s, struct gpart *p, struct buf *out, const char *name, const struct arg *argv,
                   int argc) {
    struct shard *sh = mv->c->sh;
    const struct command *cmd = command_lookup(name, strlen(name));
    if (s == sh->id) {
        struct client cl = {.sh = sh, .conn = mv->c, .db = &sh->dbs[mv->dbid], .dbid = mv->dbid, .resp = mv->resp,
                            .argc = argc, .argv = (struct arg *)argv, .out = out, .cmd = cmd, .part = 1,
                            .src = sh->id};
        exec_command(&cl);
        return;
    }
    txn_send_part(sh, mv->t, s, p ? XC_MAKE(p, XC_PART) : XC_MAKE(NULL, XC_SINK), cmd, mv->dbid, mv->resp, argc,
                  argv);
}

/* The element (or SREM's answer) is back: put it in the destination. */
static void move_taken(struct move *mv, const char *reply, size_t len) {
    uint8_t skip[MAX_SHARDS];
    memset(skip, 0, sizeof(uint8_t) * (size_t)g_nshards);
    if (mv->src_shard != mv->c->sh->id) skip[mv->src_shard] = 1; /* let go with its part */
    struct buf out = {0};
    if (mv->set) {
        int moved = len >= 2 && reply[0] == ':' && reply[1] == '1';
        if (moved) {
            struct arg av[3] = {{"sadd", 4}, mv->dst, mv->member};
            struct buf ignore = {0};
            run_on(mv, mv->dst_shard, NULL, &ignore, "sadd", av, 3);
            buf_free(&ignore);
            if (mv->dst_shard != mv->c->sh->id) skip[mv->dst_shard] = 1;
        }
        reply_int(&out, moved);
    } else {
        /* a bulk: $len\r\nbytes\r\n */
        const char *cr = memchr(reply, '\r', len);
        long long n = -1;
        if (reply[0] == '$' && cr) str_to_ll(reply + 1, (size_t)(cr - reply - 1), &n);
        if (n < 0) {
            /* cannot happen: the source was a list, and locked */
            buf_put(&out, reply, len);
        } else {
            struct arg av[3] = {{mv->to ? "rpush" : "lpush", 5}, mv->dst, {cr + 2, (size_t)n}};
            struct buf ignore = {0};
            run_on(mv, mv->dst_shard, NULL, &ignore, av[0].p, av, 3);
            buf_free(&ignore);
            if (mv->dst_shard != mv->c->sh->id) skip[mv->dst_shard] = 1;
            reply_bulk(&out, cr + 2, (size_t)n);
        }
    }
    struct buf b = buf_take(&out);
    move_finish(mv, skip, b.p, b.len);
}

static void move_gathered(struct gather *g) {
    struct move *mv = g->priv;
    struct buf r = g->parts[mv->src_shard].reply;
    free(g);
    move_taken(mv, r.p, r.len);
    buf_free(&r);
}

static int type_is(const char *t, const char *name) {
    size_t n = strlen(name);
    return t[0] == '+' && !strncmp(t + 1, name, n) && t[1 + n] == '\r';
}

/* Both keys locked and looked at: decide as the command would, then take. */
static void move_locked(struct txn *t, int dirty, void *arg) {
    struct move *mv = arg;
    const char *kind = mv->set ? "set" : "list";
    struct buf out = {0};
    (void)t;
    (void)dirty;
    int src_none = type_is(mv->tsrc, "none"), dst_ok = type_is(mv->tdst, "none") || type_is(mv->tdst, kind);
    if (mv->set) {
        /* a missing source wins over a wrong-typed destination */
        if (src_none) {
            reply_int(&out, 0);
            finish_with(mv, &out);
            return;
        }
        if (!type_is(mv->tsrc, kind) || !dst_ok) {
            reply_error(&out, ERR_WRONGTYPE);
            finish_with(mv, &out);
            return;
        }
    } else {
        if (src_none) {
            reply_null(&out, mv->resp);
            finish_with(mv, &out);
            return;
        }
        if (!type_is(mv->tsrc, kind) || !dst_ok) {
            reply_error(&out, ERR_WRONGTYPE);
            finish_with(mv, &out);
            return;
        }
    }
    struct shard *sh = mv->c->sh;
    struct arg pop_list[2] = {{mv->from ? "rpop" : "lpop", 4}, mv->src};
    struct arg srem[3] = {{"srem", 4}, mv->src, mv->member};
    const struct arg *av = mv->set ? srem : pop_list;
    int ac = mv->set ? 3 : 2;
    if (mv->src_shard == sh->id) {
        run_on(mv, sh->id, NULL, &out, av[0].p, av, ac);
        move_taken(mv, out.p, out.len);
        buf_free(&out);
        return;
    }
    struct gather *g = calloc(1, sizeof(*g) + sizeof(struct gpart) * (size_t)g_nshards);
    if (!g) abort();
    g->priv = mv;
    g->done = move_gathered;
    g->pending = 1;
    struct gpart *p = &g->parts[mv->src_shard];
    p->g = g;
    p->shard = mv->src_shard;
    p->active = 1;
    run_on(mv, mv->src_shard, p, NULL, av[0].p, av, ac);
}

static int list_end(const struct arg *a, int *end) {
    if (ARG_IS(*a, "left")) *end = 0;
    else if (ARG_IS(*a, "right")) *end = 1;
    else return 0;
    return 1;
}

int move_start(struct conn *c, const struct command *cmd, struct arg *argv, int argc) {
    int set = cmd->proc == smove_command, from = 1, to = 0;
    if (cmd->proc == lmove_command) {
        /* a bad direction is the command's own error: let it run as usual */
        if (!list_end(&argv[3], &from) || !list_end(&argv[4], &to)) return 0;
    } else if (!set && cmd->proc != rpoplpush_command) {
        return 0;
    }
    int s = shard_for_key(argv[1].p, argv[1].len), d = shard_for_key(argv[2].p, argv[2].len);
    if (s == d) return 0;
    struct shard *sh = c->sh;
    struct move *mv = calloc(1, sizeof(*mv));
    if (!mv) abort();
    mv->c = c;
    mv->cmd = cmd;
    mv->set = set;
    mv->from = from;
    mv->to = to;
    mv->dbid = c->dbid;
    mv->resp = c->resp;
    mv->src_shard = s;
    mv->dst_shard = d;
    size_t total = argv[1].len + argv[2].len + (set ? argv[3].len : 0);
    buf_reserve(&mv->argbytes, total + 1);
    mv->src = (struct arg){mv->argbytes.p, argv[1].len};
    buf_put(&mv->argbytes, argv[1].p, argv[1].len);
    mv->dst = (struct arg){mv->argbytes.p + mv->argbytes.len, argv[2].len};
    buf_put(&mv->argbytes, argv[2].p, argv[2].len);
    if (set) {
        mv->member = (struct arg){mv->argbytes.p + mv->argbytes.len, argv[3].len};
        buf_put(&mv->argbytes, argv[3].p, argv[3].len);
    }
    const struct command *type = command_lookup("type", 4);
    struct arg ta[2] = {{"type", 4}, mv->src};
    exec_blob_encode(&mv->blobs, type, c->dbid, ta, 2);
    size_t at = mv->blobs.len;
    ta[1] = mv->dst;
    exec_blob_encode(&mv->blobs, type, c->dbid, ta, 2);
    struct arg keys[2] = {mv->src, mv->dst};
    int dbs[2] = {c->dbid, c->dbid};
    mv->t = txn_new(sh, 0, NULL, move_locked, mv);
    txn_lock_keys(mv->t, keys, dbs, 2);
    struct arg b1 = {mv->blobs.p, at}, b2 = {mv->blobs.p + at, mv->blobs.len - at};
    txn_run_at(mv->t, s, &b1);
    txn_run_at(mv->t, d, &b2);
    /* keeps its locks past the chain: the pop and push follow */
    txn_payload_mode(mv->t, c, 2, 0, move_step);
    txn_hold(mv->t);
    mv->hole = conn_add_hole(c);
    c->barrier++;
    sh->coord_starting++;
    txn_start(mv->t);
    sh->coord_starting--;
    return 1;
}
