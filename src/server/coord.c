/*
 * coord.c - fetch, execute here, write back (see coord.h).
 *
 * __fetch  dbid key [dbid key ...]  -> array: serialized value or null each
 * __store  txid dbid key blob [...] -> +OK; an empty blob deletes the key;
 *                                     then the locks of txid here go
 *
 * SORT with BY/GET patterns needs a second round: once the sorted key is
 * here, the keys its patterns name for the elements are fetched too (read
 * only: never written back), then the command runs.
 */
#include "coord.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/evict.h"
#include "../shard/xmsg.h"
#include "../types/sort.h"
#include "../util/util.h"
#include "cmdutil.h"
#include "commands.h"
#include "conn.h"
#include "dispatch.h"
#include "pubsub.h"
#include "../txn/block.h"
#include "../txn/txn.h"

struct coord {
    struct buf argbytes; /* the command's arguments, copied */
    struct arg *argv;
    int argc;
    int nkeys;
    void *keymem;   /* one block for the per-key arrays below (keys_alloc) */
    size_t keycap;  /* room in it, in keys */
    struct coord *next_free; /* in the shard's pool */
    int *key_arg;   /* argv index of each key */
    int *key_db;    /* its database */
    int *key_shard; /* its owner */
    struct db **tmp; /* temporary databases by index, created on use */
    int ndb;
    /* what each key held when fetched, to write back only what changed */
    struct buf fetched;
    size_t *foff, *flen;
    char *fpresent;
    struct buf out; /* the command's reply, held until every write-back is acknowledged */
    struct txn *t;  /* holds the keys' locks from before the fetch until the write-back */
    /* EXEC over several shards: the queued commands (multi.c blobs, in
     * argbytes), run in order; argv then holds just the keys */
    struct arg *body;
    int nbody;
    int final_db;
    /* a blocking command: found nothing and waits (block.h), or runs again
     * for a waiter (its hole and deadline kept) */
    int blocked, retry;
    int noblock;        /* in the body of an EXEC holding every shard: never waits */
    long long deadline;
    int notify_from;    /* retry: the owner that said a key has data, told when we are done */
    uint64_t notify_id;
    /* A value over EXEC_AT_MIN (its size in flen, fbig set): the command
     * runs where the biggest is (`exec_at`, -1: here on copies) */
    char *fbig;
    int exec_at;
    long long fetch_max; /* the size from which a value is big (0: none is) */
    const struct coord_view *view; /* the values are fetched as this view */
    /* SORT's pattern keys (second round): names in pkeys, at pk[i] */
    int round2;
    struct buf fblobs; /* the __fetch blobs of the lock steps */
    struct buf pkeys;
    struct arg *pk;
    size_t npk, pk_cap;
};

/* The internal commands, looked up once (the table never changes). */
static const struct command *_Atomic cmd_fetch, *_Atomic cmd_fetchs, *_Atomic cmd_fetchv, *_Atomic cmd_store,
    *_Atomic cmd_crun;

/* (shard threads race to fill a slot: each finds the same pointer) */
static const struct command *internal(const struct command *_Atomic *slot, const char *name) {
    const struct command *c = atomic_load_explicit(slot, memory_order_relaxed);
    if (!c) {
        c = command_lookup(name, strlen(name));
        atomic_store_explicit(slot, c, memory_order_relaxed);
    }
    return c;
}

static struct db *tmp_db(struct coord *k, int id) {
    if (id < 0 || id >= k->ndb) return NULL;
    if (!k->tmp[id]) {
        k->tmp[id] = calloc(1, sizeof(struct db));
        if (!k->tmp[id]) abort();
        db_init(k->tmp[id], id, NULL, NULL, NULL);
    }
    return k->tmp[id];
}

static struct db *coord_db_for(struct client *c, int id) { return tmp_db(c->ctx, id); }

/* Ended coordinations are kept (COORD_POOL per shard) with their
 * temporary databases and the room of their buffers. */
#define COORD_POOL 16
#define COORD_BUF_KEEP 4096

static void keep_buf(struct buf *b, int keep) {
    if (!keep || b->cap > COORD_BUF_KEEP) buf_free(b);
    b->len = 0;
}

static void coord_free(struct coord *k) {
    struct shard *sh = tl_shard;
    int keep = sh && sh->coord_pooled < COORD_POOL && k->ndb == sh->ndb;
    for (int i = 0; i < k->ndb; i++) {
        if (k->tmp[i]) {
            db_flush(k->tmp[i]);
            if (!keep) {
                free(k->tmp[i]);
                k->tmp[i] = NULL;
            }
        }
    }
    free(k->argv);
    free(k->pk);
    buf_free(&k->out);
    free(k->body);
    keep_buf(&k->fetched, keep);
    keep_buf(&k->pkeys, keep);
    keep_buf(&k->fblobs, keep);
    keep_buf(&k->argbytes, keep);
    if (!keep) {
        free(k->tmp);
        free(k->keymem);
        free(k);
        return;
    }
    k->next_free = sh->coord_pool;
    sh->coord_pool = k;
    sh->coord_pooled++;
}

/* Store or delete one key on this shard. */
static void store_one(struct shard *sh, int dbid, const struct arg *key, const struct arg *blob) {
    if (dbid < 0 || dbid >= sh->ndb) return;
    struct db *db = &sh->dbs[dbid];
    lock_key_changed(sh, dbid, key->p, key->len);
    if (blob->len == 0) {
        db_delete(db, key->p, key->len);
        return;
    }
    struct kv *o = kv_deserialize(key->p, key->len, blob->p, blob->len);
    if (o) db_set(db, o);
}

/* __store txid dbid key blob [...]: the stores, then the release of the
 * transaction's locks here (its last message to this shard) */
void store_part_command(struct client *c) {
    for (int i = 2; i + 2 < c->argc; i += 3) {
        long long dbid;
        str_to_ll(c->argv[i].p, c->argv[i].len, &dbid);
        store_one(c->sh, (int)dbid, &c->argv[i + 1], &c->argv[i + 2]);
    }
    if (c->argv[1].len == 8) {
        uint64_t txid;
        memcpy(&txid, c->argv[1].p, 8);
        lock_release(c->sh, txid);
    }
    reply_ok(c->out);
}

/* The values of the keys named by (db, key) pairs from argv[first]: a bulk
 * each (serialized), null if absent, or, over `max` bytes (> 0), only its
 * size as an integer. */
static void fetch_reply(struct client *c, int first, long long max) {
    reply_array(c->out, (c->argc - first) / 2);
    struct buf tmp = {0};
    for (int i = first; i + 1 < c->argc; i += 2) {
        long long dbid;
        str_to_ll(c->argv[i].p, c->argv[i].len, &dbid);
        struct kv *o = NULL;
        if (dbid >= 0 && dbid < c->sh->ndb) o = db_find(&c->sh->dbs[dbid], c->argv[i + 1].p, c->argv[i + 1].len, 0);
        if (!o) {
            reply_null(c->out, 2);
            continue;
        }
        long long w = max > 0 ? kv_weight(o) : 0;
        if (w > max) {
            reply_int(c->out, w); /* big: not serialized at all */
            continue;
        }
        tmp.len = 0;
        kv_serialize(o, &tmp);
        if (max > 0 && (long long)tmp.len > max) reply_int(c->out, (long long)tmp.len);
        else reply_bulk(c->out, tmp.p, tmp.len);
    }
    buf_free(&tmp);
}

void fetch_part_command(struct client *c) { fetch_reply(c, 1, 0); }

/* ---- partial fetches of read-only commands (coord_view) ---- */

static const struct coord_view *g_views[8];
static int g_nviews;

void coord_register_view(const struct coord_view *v) {
    if (g_nviews < (int)(sizeof(g_views) / sizeof(g_views[0]))) g_views[g_nviews++] = v;
}

static const struct coord_view *view_named(const char *p, size_t len) {
    for (int i = 0; i < g_nviews; i++)
        if (strlen(g_views[i]->cmd) == len && !memcmp(g_views[i]->cmd, p, len)) return g_views[i];
    return NULL;
}

/* An image of o for view v with spec (whole value when the spec is empty). */
static void view_image(const struct coord_view *v, const struct kv *o, const char *spec, size_t len,
                       struct buf *out) {
    if (v && len) v->image(o, spec, len, out);
    else kv_serialize(o, out);
}

/* __fetchv cmd db key spec [db key spec ...]: as __fetch, each value as
 * much of it as the command's view needs. */
void fetch_view_part_command(struct client *c) {
    const struct coord_view *v = view_named(c->argv[1].p, c->argv[1].len);
    reply_array(c->out, (c->argc - 2) / 3);
    struct buf tmp = {0};
    for (int i = 2; i + 2 < c->argc; i += 3) {
        long long dbid;
        str_to_ll(c->argv[i].p, c->argv[i].len, &dbid);
        struct kv *o = NULL;
        if (dbid >= 0 && dbid < c->sh->ndb) o = db_find(&c->sh->dbs[dbid], c->argv[i + 1].p, c->argv[i + 1].len, 0);
        if (!o) {
            reply_null(c->out, 2);
            continue;
        }
        tmp.len = 0;
        view_image(v, o, c->argv[i + 2].p, c->argv[i + 2].len, &tmp);
        reply_bulk(c->out, tmp.p, tmp.len);
    }
    buf_free(&tmp);
}

/* __fetchs max db key ...: the same, the big values by size only */
void fetch_small_part_command(struct client *c) {
    long long max = 0;
    str_to_ll(c->argv[1].p, c->argv[1].len, &max);
    fetch_reply(c, 2, max);
}

static void put_arg(struct buf *b, const char *p, size_t len) {
    struct arg a = {p, len};
    buf_put(b, &a, sizeof(a));
}

/* Store the keys i with changed[i] set (their new values in val[i],
 * empty: deleted): here at once, on the other shards by one __store each,
 * which also lets go of the transaction's locks there (the entry of that
 * shard in `released` is set). No acknowledgement is awaited: the keys
 * stay locked until their store has run, so nobody, this client's later
 * commands included, can see them before. */
static void store_changes(struct shard *sh, struct coord *k, const struct arg *val, const char *changed,
                          uint8_t *released) {
    const struct command *store = internal(&cmd_store, "__store");
    uint64_t txid = txn_id(k->t);
    struct buf args[MAX_SHARDS];
    char (*nums)[12] = malloc(sizeof(*nums) * (size_t)(k->nkeys + 1));
    if (!nums) abort();
    memset(args, 0, sizeof(struct buf) * (size_t)g_nshards);
    for (int i = 0; i < k->nkeys; i++) {
        if (!changed[i]) continue; /* never overwrite what this command did not change */
        struct arg *key = &k->argv[k->key_arg[i]];
        int s = k->key_shard[i];
        if (args[s].len == 0) {
            put_arg(&args[s], "__store", 7);
            put_arg(&args[s], (const char *)&txid, 8);
        }
        put_arg(&args[s], nums[i], (size_t)ll_to_str(nums[i], k->key_db[i]));
        put_arg(&args[s], key->p, key->len);
        put_arg(&args[s], val[i].p, val[i].len);
    }
    for (int s = 0; s < g_nshards; s++) {
        if (!args[s].len) continue;
        struct arg *av = (struct arg *)(void *)args[s].p;
        int ac = (int)(args[s].len / sizeof(struct arg));
        if (s == sh->id) {
            for (int i = 2; i + 2 < ac; i += 3) {
                long long dbid;
                str_to_ll(av[i].p, av[i].len, &dbid);
                store_one(sh, (int)dbid, &av[i + 1], &av[i + 2]);
            }
        } else {
            xmsg_send_cmd(sh, s, XC_MAKE(NULL, XC_SINK), store, 0, 2, ac, av, -1);
            released[s] = 1;
        }
        buf_free(&args[s]);
    }
    free(nums);
}

/* The same for every key whose copy the command changed. */
static void write_back(struct shard *sh, struct coord *k, uint8_t *released) {
    struct buf blobs = {0};
    struct arg *val = calloc((size_t)k->nkeys + 1, sizeof(*val));
    char *changed = calloc((size_t)k->nkeys + 1, 1);
    if (!val || !changed) abort();
    /* serialize first: blob pointers must not move while they are used */
    for (int i = 0; i < k->nkeys; i++) {
        struct arg *key = &k->argv[k->key_arg[i]];
        struct kv *o = db_find(tmp_db(k, k->key_db[i]), key->p, key->len, 0);
        val[i].p = (const char *)(uintptr_t)blobs.len;
        if (o) kv_serialize(o, &blobs);
        val[i].len = blobs.len - (size_t)(uintptr_t)val[i].p;
    }
    for (int i = 0; i < k->nkeys; i++) {
        val[i].p = blobs.p ? blobs.p + (size_t)(uintptr_t)val[i].p : "";
        changed[i] = !(k->fpresent[i] ? (val[i].len == k->flen[i] &&
                                         !memcmp(val[i].p, k->fetched.p + k->foff[i], val[i].len))
                                      : val[i].len == 0);
    }
    store_changes(sh, k, val, changed, released);
    free(val);
    free(changed);
    buf_free(&blobs);
}

/* The command ran and every write-back landed: release the reply. */
static void coord_finish(struct gather *g) {
    struct coord *k = g->priv;
    struct conn *c = g->conn;
    c->barrier--;
    if (k->body) multi_unwatch(c); /* EXEC: its watches were checked */
    if (k->t) {
        txn_end(k->t, NULL);
        k->t = NULL;
    }
    struct oseg *hole = g->hole;
    int blocked = k->blocked;
    struct buf b = buf_take(&k->out);
    coord_free(k);
    gather_free(g);
    int closing = c->closing;
    if (blocked) {
        /* no reply yet: the client waits, its hole with it */
        free(b.p);
        conn_block_hole(c, hole, c->sh->id);
    } else {
        if (!b.p) b.p = malloc(1); /* (no reply here: a script that runs again by itself) */
        if (!b.p) abort();
        conn_fill_hole(hole, b.p, b.len, NULL);
    }
    /* Finished inside coord_start (every key was here): the parse that
     * started it goes on by itself; resuming would parse its input twice. */
    if (!closing && !c->sh->coord_starting) conn_resume(c);
}

/* Where each part's __fetch reply array starts (after its header). */
static void fetch_positions(struct gather *g, size_t *pos) {
    for (int s = 0; s < g_nshards; s++) {
        const struct buf *r = &g->parts[s].reply;
        const char *cr = r->len ? memchr(r->p, '\r', r->len) : NULL;
        pos[s] = cr ? (size_t)(cr - r->p) + 2 : r->len;
    }
}

/* The next element of shard s's __fetch reply: 1 with the serialized value
 * in data and dlen, 0 if the key was absent, 2 with only its size in dlen
 * (__fetchs, a big value). */
static int fetch_next(struct gather *g, size_t *pos, int s, const char **data, size_t *dlen) {
    struct buf *r = &g->parts[s].reply;
    long e = resp_reply_len(r->p + pos[s], r->len - pos[s]);
    if (e <= 0) return 0;
    const char *el = r->p + pos[s];
    pos[s] += (size_t)e;
    if (el[0] == ':') {
        long long v = 0;
        str_to_ll(el + 1, (size_t)e - 3, &v);
        *dlen = (size_t)v;
        return 2;
    }
    if (el[1] == '-') return 0; /* null: absent */
    const char *cr = memchr(el, '\r', (size_t)e);
    *data = cr + 2;
    *dlen = (size_t)e - (size_t)(*data - el) - 2;
    return 1;
}

/* Ask each shard for its share of keys[0..n) (all in database dbid): one
 * __fetch per shard; the local share runs now. Calls g->done when every
 * share is in. */
static void fetch_keys(struct gather *g, const struct arg *keys, const int *dbs, int dbid, size_t n, long long max) {
    struct conn *c = g->conn;
    char maxs[24];
    int maxl = snprintf(maxs, sizeof(maxs), "%lld", max);
    struct shard *sh = c->sh;
    struct buf nums = {0}; /* db index strings, alive until every part is sent */
    for (size_t i = 0; i < n; i++) {
        char num[12];
        int len = snprintf(num, sizeof(num), "%d", dbs ? dbs[i] : dbid);
        char *d = malloc((size_t)len);
        if (!d) abort();
        memcpy(d, num, (size_t)len);
        buf_put(&nums, &d, sizeof(d));
        struct gpart *p = &g->parts[shard_for_key(keys[i].p, keys[i].len)];
        if (!p->active) {
            p->active = 1;
            if (max > 0) {
                put_arg(&p->args, "__fetchs", 8);
                put_arg(&p->args, maxs, (size_t)maxl);
            } else {
                put_arg(&p->args, "__fetch", 7);
            }
        }
        put_arg(&p->args, d, (size_t)len);
        put_arg(&p->args, keys[i].p, keys[i].len);
    }
    const struct command *fetch = max > 0 ? internal(&cmd_fetchs, "__fetchs") : internal(&cmd_fetch, "__fetch");
    int local = 0;
    g->pending = 0;
    for (int s = 0; s < g_nshards; s++)
        if (g->parts[s].active) g->pending++;
    for (int s = 0; s < g_nshards; s++) {
        struct gpart *p = &g->parts[s];
        if (!p->active) continue;
        struct arg *av = (struct arg *)(void *)p->args.p;
        int ac = (int)(p->args.len / sizeof(struct arg));
        if (s == sh->id) {
            struct client cl = {.sh = sh,
                                .conn = c,
                                .db = &sh->dbs[c->dbid],
                                .dbid = c->dbid,
                                .resp = 2,
                                .argc = ac,
                                .argv = av,
                                .out = &p->reply,
                                .cmd = fetch,
                                .part = 1};
            exec_command(&cl);
            local = 1;
        } else {
            xmsg_send_cmd(sh, s, XC_MAKE(p, XC_PART), fetch, c->dbid, 2, ac, av, -1);
        }
    }
    for (size_t i = 0; i < nums.len / sizeof(char *); i++) free(((char **)(void *)nums.p)[i]);
    buf_free(&nums);
    if (n == 0)
        g->done(g);
    else if (local && --g->pending == 0)
        g->done(g);
}

static void coord_run(struct gather *g);

static void add_pattern_key(void *ctx, const char *p, size_t len) {
    struct coord *k = ctx;
    if (k->npk == k->pk_cap) {
        k->pk_cap = k->pk_cap ? k->pk_cap * 2 : 16;
        k->pk = realloc(k->pk, k->pk_cap * sizeof(*k->pk));
        if (!k->pk) abort();
    }
    /* offsets for now: pkeys may still move */
    k->pk[k->npk].p = (const char *)(uintptr_t)k->pkeys.len;
    k->pk[k->npk++].len = len;
    buf_put(&k->pkeys, p, len);
}

static int cmp_arg(const void *a, const void *b) {
    const struct arg *x = a, *y = b;
    int r = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* Second round in: load the pattern keys, then run. */
static void coord_patterns_fetched(struct gather *g) {
    struct coord *k = g->priv;
    size_t pos[MAX_SHARDS];
    fetch_positions(g, pos);
    struct db *db = tmp_db(k, g->dbid);
    for (size_t i = 0; i < k->npk; i++) {
        const char *data;
        size_t dlen;
        if (!fetch_next(g, pos, shard_for_key(k->pk[i].p, k->pk[i].len), &data, &dlen)) continue;
        struct kv *o = kv_deserialize(k->pk[i].p, k->pk[i].len, data, dlen);
        if (o) db_set(db, o);
    }
    coord_run(g);
}

/* SORT: fetch the keys its patterns name, unless the command's own keys
 * hold them all. Returns 1 if a second round went out. */
static int fetch_pattern_keys(struct gather *g, struct coord *k) {
    sort_pattern_keys(tmp_db(k, g->dbid), k->argv, k->argc, add_pattern_key, k);
    for (size_t i = 0; i < k->npk; i++) k->pk[i].p = k->pkeys.p + (uintptr_t)k->pk[i].p;
    if (k->npk > 1) qsort(k->pk, k->npk, sizeof(*k->pk), cmp_arg);
    size_t n = 0;
    for (size_t i = 0; i < k->npk; i++) {
        if (n && !cmp_arg(&k->pk[n - 1], &k->pk[i])) continue;
        int own = 0; /* the sorted key or the destination: already here */
        for (int j = 0; j < k->nkeys && !own; j++)
            own = k->key_db[j] == g->dbid && !cmp_arg(&k->argv[k->key_arg[j]], &k->pk[i]);
        if (!own) k->pk[n++] = k->pk[i];
    }
    k->npk = n;
    if (!n) return 0;
    for (int s = 0; s < g_nshards; s++) {
        g->parts[s].active = 0;
        g->parts[s].reply.len = 0;
        g->parts[s].args.len = 0;
    }
    g->done = coord_patterns_fetched;
    fetch_keys(g, k->pk, NULL, g->dbid, n, 0);
    return 1;
}

/* ---- running where the biggest value is ----
 *
 * A command whose keys include a value of EXEC_AT_MIN bytes or more
 * (serialized) does not copy it: once the locks are held and the small
 * values fetched, the command goes (`__crun`) to the shard of the biggest
 * value, the executor, with the values of the keys it does not own. There
 * they are put in its databases as guests for the one command (db.h), the
 * command runs on its real keys and the guests, and the guests come back
 * out, with their new values where the command changed them, which the
 * origin writes back to their owners as for a copy. A 1,000,000-member
 * SINTERSTORE with a 10-member set on another shard moves the 10 members
 * and the result, not the million.
 */
#define EXEC_AT_MIN (64 * 1024)

/* Key i is a guest at the executor: not its own, and the first of its
 * name (a key named twice travels once). */
static int is_guest(const struct coord *k, int i) {
    const struct arg *key = &k->argv[k->key_arg[i]];
    if (k->key_shard[i] == k->exec_at) return 0;
    for (int j = 0; j < i; j++) {
        const struct arg *o = &k->argv[k->key_arg[j]];
        if (k->key_db[j] == k->key_db[i] && o->len == key->len && !memcmp(o->p, key->p, key->len)) return 0;
    }
    return 1;
}

/* __crun dbid resp nguests (db key present value)... cmd args...: run cmd
 * here with the guests in place; reply [its reply as a bulk, then for each
 * guest :0 unchanged, null deleted, or its new value]. */
void crun_part_command(struct client *c) {
    struct shard *sh = c->sh;
    long long dbid = -1, resp = 2, ng = -1;
    str_to_ll(c->argv[1].p, c->argv[1].len, &dbid);
    str_to_ll(c->argv[2].p, c->argv[2].len, &resp);
    str_to_ll(c->argv[3].p, c->argv[3].len, &ng);
    if (dbid < 0 || dbid >= sh->ndb || ng < 0 || 4 + 4 * ng >= c->argc) {
        reply_error(c->out, "ERR malformed __crun");
        return;
    }
    const struct arg *gv = c->argv + 4;
    struct arg *cav = c->argv + 4 + 4 * ng;
    int cac = c->argc - 4 - 4 * (int)ng;
    const struct command *cmd = command_lookup(cav[0].p, cav[0].len);
    struct buf out = {0}, tmp = {0};
    int ran = 0;
    if (!cmd) {
        reply_error(&out, "ERR unknown command in transaction");
    } else if (sh->cfg.maxmemory > 0 && evict_perform(sh) == EVICT_FAIL && (cmd->flags & CMD_DENYOOM)) {
        /* (evicted before the guests come: none of them can be) */
        stats_count_error(sh, ERR_OOM);
        sh->cmdstat[cmd->id].rejected++;
        reply_error(&out, ERR_OOM);
    } else {
        for (long long i = 0; i < ng; i++) {
            const struct arg *q = gv + 4 * i;
            long long gdb = -1;
            str_to_ll(q[0].p, q[0].len, &gdb);
            if (gdb < 0 || gdb >= sh->ndb || q[2].len != 1 || q[2].p[0] != '1') continue;
            struct kv *o = kv_deserialize(q[1].p, q[1].len, q[3].p, q[3].len);
            if (o) db_guest_put(&sh->dbs[gdb], o);
        }
        struct client cl = {.sh = sh, .conn = NULL, .db = &sh->dbs[dbid], .dbid = (int)dbid, .resp = (int)resp,
                            .argc = cac, .argv = cav, .out = &out, .cmd = cmd, .src = c->src};
        exec_command_run(&cl);
        ran = 1;
    }
    reply_array(c->out, 1 + ng);
    reply_bulk(c->out, out.p ? out.p : "", out.len);
    for (long long i = 0; i < ng; i++) {
        const struct arg *q = gv + 4 * i;
        long long gdb = -1;
        str_to_ll(q[0].p, q[0].len, &gdb);
        int was = q[2].len == 1 && q[2].p[0] == '1';
        tmp.len = 0;
        int now = ran && gdb >= 0 && gdb < sh->ndb && db_guest_take(&sh->dbs[gdb], q[1].p, q[1].len, &tmp);
        if (!ran || (now ? was && tmp.len == q[3].len && !memcmp(tmp.p, q[3].p, tmp.len) : !was))
            reply_int(c->out, 0);
        else if (!now)
            reply_null(c->out, 2);
        else
            reply_bulk(c->out, tmp.p, tmp.len);
    }
    buf_free(&out);
    buf_free(&tmp);
}

/* The executor answered: the reply, then the guests' new values home. */
static void exec_at_ran(struct gather *g) {
    struct coord *k = g->priv;
    struct shard *sh = g->conn->sh;
    struct buf *r = &g->parts[k->exec_at].reply;
    struct arg *val = calloc((size_t)k->nkeys + 1, sizeof(*val));
    char *changed = calloc((size_t)k->nkeys + 1, 1);
    if (!val || !changed) abort();
    const char *p = r->p, *end = r->p + r->len;
    const char *cr = r->len ? memchr(p, '\r', r->len) : NULL;
    long e;
    int ok = 0;
    if (cr && p[0] == '*') {
        p = cr + 2;
        e = resp_reply_len(p, (size_t)(end - p));
        if (e > 0 && p[0] == '$') {
            const char *d = memchr(p, '\r', (size_t)e) + 2;
            buf_put(&k->out, d, (size_t)e - (size_t)(d - p) - 2);
            p += e;
            ok = 1;
        }
    }
    for (int i = 0; ok && i < k->nkeys; i++) {
        if (!is_guest(k, i)) continue;
        e = resp_reply_len(p, (size_t)(end - p));
        if (e <= 0) {
            ok = 0;
            break;
        }
        if (p[0] == '$' && p[1] == '-') {
            changed[i] = 1; /* deleted */
            val[i] = (struct arg){"", 0};
        } else if (p[0] == '$') {
            const char *d = memchr(p, '\r', (size_t)e) + 2;
            changed[i] = 1;
            val[i] = (struct arg){d, (size_t)e - (size_t)(d - p) - 2};
        }
        p += e;
    }
    if (!ok) {
        k->out.len = 0;
        reply_error(&k->out, "ERR transaction reply missing");
        memset(changed, 0, (size_t)k->nkeys + 1);
    }
    /* each store lets go of its shard's locks; the others go now */
    uint8_t released[MAX_SHARDS] = {0};
    store_changes(sh, k, val, changed, released);
    free(val);
    free(changed);
    txn_end(k->t, released);
    k->t = NULL;
    coord_finish(g);
}

/* Every value the executor lacks is here: send it the command. */
static void exec_at_send(struct gather *g) {
    struct coord *k = g->priv;
    struct shard *sh = g->conn->sh;
    int e = k->exec_at;
    struct buf args = {0};
    int ng = 0;
    for (int i = 0; i < k->nkeys; i++) ng += is_guest(k, i);
    char (*nums)[12] = malloc(sizeof(*nums) * (size_t)(k->nkeys + 1));
    if (!nums) abort();
    /* the numbers first, so that their pointers stay put */
    char head[3][24];
    int hl[3];
    hl[0] = snprintf(head[0], sizeof(head[0]), "%d", g->dbid);
    hl[1] = snprintf(head[1], sizeof(head[1]), "%d", g->resp);
    hl[2] = snprintf(head[2], sizeof(head[2]), "%d", ng);
    put_arg(&args, "__crun", 6);
    for (int j = 0; j < 3; j++) put_arg(&args, head[j], (size_t)hl[j]);
    for (int i = 0; i < k->nkeys; i++) {
        if (!is_guest(k, i)) continue;
        put_arg(&args, nums[i], (size_t)ll_to_str(nums[i], k->key_db[i]));
        put_arg(&args, k->argv[k->key_arg[i]].p, k->argv[k->key_arg[i]].len);
        put_arg(&args, k->fpresent[i] ? "1" : "0", 1);
        put_arg(&args, k->fpresent[i] ? k->fetched.p + k->foff[i] : "", k->fpresent[i] ? k->flen[i] : 0);
    }
    for (int i = 0; i < k->argc; i++) put_arg(&args, k->argv[i].p, k->argv[i].len);
    struct arg *av = (struct arg *)(void *)args.p;
    int ac = (int)(args.len / sizeof(struct arg));
    const struct command *crun = internal(&cmd_crun, "__crun");
    for (int s = 0; s < g_nshards; s++) g->parts[s].reply.len = 0;
    g->done = exec_at_ran;
    if (e == sh->id) {
        struct client cl = {.sh = sh, .conn = NULL, .db = &sh->dbs[g->dbid], .dbid = g->dbid, .resp = 2,
                            .argc = ac, .argv = av, .out = &g->parts[e].reply, .cmd = crun, .part = 1,
                            .src = (int16_t)sh->id};
        exec_command(&cl);
    } else {
        g->pending = 1;
        xmsg_send_cmd(sh, e, XC_MAKE(&g->parts[e], XC_PART), crun, g->dbid, 2, ac, av, -1);
    }
    free(nums);
    buf_free(&args);
    if (e == sh->id) exec_at_ran(g);
}

/* The big values that are not the executor's, fetched whole. */
static int big_elsewhere(const struct coord *k, int i) {
    return k->fbig[i] && k->key_shard[i] != k->exec_at;
}

static void exec_at_fetched(struct gather *g) {
    struct coord *k = g->priv;
    size_t pos[MAX_SHARDS];
    fetch_positions(g, pos);
    for (int i = 0; i < k->nkeys; i++) {
        if (!big_elsewhere(k, i)) continue;
        const char *data;
        size_t dlen;
        k->fbig[i] = 0;
        if (fetch_next(g, pos, k->key_shard[i], &data, &dlen) != 1) continue;
        k->fpresent[i] = 1;
        k->foff[i] = k->fetched.len;
        k->flen[i] = dlen;
        buf_put(&k->fetched, data, dlen);
    }
    exec_at_send(g);
}

/* Some value is big: the executor is the shard of the biggest. */
static void exec_at_start(struct gather *g) {
    struct coord *k = g->priv;
    size_t best = 0;
    for (int i = 0; i < k->nkeys; i++) {
        if ((k->fbig[i] || k->fpresent[i]) && k->flen[i] > best) {
            best = k->flen[i];
            k->exec_at = k->key_shard[i];
        }
    }
    int n = 0;
    struct arg *keys = malloc(sizeof(struct arg) * (size_t)(k->nkeys + 1));
    int *dbs = malloc(sizeof(int) * (size_t)(k->nkeys + 1));
    if (!keys || !dbs) abort();
    for (int i = 0; i < k->nkeys; i++) {
        if (!big_elsewhere(k, i)) continue;
        keys[n] = k->argv[k->key_arg[i]];
        dbs[n++] = k->key_db[i];
    }
    if (n) {
        /* (rare: big values on two shards) the others come whole */
        for (int s = 0; s < g_nshards; s++) {
            g->parts[s].active = 0;
            g->parts[s].reply.len = 0;
            g->parts[s].args.len = 0;
        }
        g->done = exec_at_fetched;
        fetch_keys(g, keys, dbs, g->dbid, (size_t)n, 0);
    } else {
        exec_at_send(g);
    }
    free(keys);
    free(dbs);
}

static void exec_at_start(struct gather *g);

/* Every fetch answered: load the copies, run the command, write back (or,
 * with a big value among them, run it where that value is). */
/* Key i is this shard's own (and locked by us): its value as __fetchs
 * would give it, appended to k->fetched (1), absent (0) or big (2). */
static int fetch_here(struct shard *sh, struct coord *k, int i, size_t *dlen) {
    const struct arg *key = &k->argv[k->key_arg[i]];
    int dbid = k->key_db[i];
    struct kv *o = dbid >= 0 && dbid < sh->ndb ? db_find(&sh->dbs[dbid], key->p, key->len, 0) : NULL;
    if (!o) return 0;
    long long max = k->fetch_max;
    long long w = max > 0 ? kv_weight(o) : 0;
    if (w > max) {
        *dlen = (size_t)w;
        return 2;
    }
    size_t at = k->fetched.len;
    if (k->view) {
        char spec[64];
        int sl = k->view->spec(k->argv, k->argc, k->key_arg[i], spec, sizeof(spec));
        view_image(k->view, o, spec, (size_t)sl, &k->fetched);
    } else {
        kv_serialize(o, &k->fetched);
    }
    *dlen = k->fetched.len - at;
    if (max > 0 && (long long)*dlen > max) {
        k->fetched.len = at;
        return 2;
    }
    k->foff[i] = at;
    return 1;
}

static void coord_fetched(struct gather *g) {
    struct coord *k = g->priv;
    struct shard *sh = g->conn->sh;
    size_t pos[MAX_SHARDS];
    fetch_positions(g, pos);
    int big = 0;
    for (int i = 0; i < k->nkeys; i++) {
        const char *data;
        size_t dlen;
        if (k->key_shard[i] == sh->id) {
            int r = fetch_here(sh, k, i, &dlen);
            if (r == 2) {
                k->fbig[i] = 1;
                big = 1;
            }
            k->fpresent[i] = r == 1;
            if (r) k->flen[i] = dlen;
            continue;
        }
        int r = fetch_next(g, pos, k->key_shard[i], &data, &dlen);
        if (r == 2) {
            k->fbig[i] = 1;
            k->flen[i] = dlen;
            big = 1;
            continue;
        }
        if (!r) continue;
        k->fpresent[i] = 1;
        k->foff[i] = k->fetched.len;
        k->flen[i] = dlen;
        buf_put(&k->fetched, data, dlen);
    }
    if (big) {
        exec_at_start(g);
        return;
    }
    for (int i = 0; i < k->nkeys; i++) {
        if (!k->fpresent[i]) continue;
        struct arg *key = &k->argv[k->key_arg[i]];
        struct kv *o = kv_deserialize(key->p, key->len, k->fetched.p + k->foff[i], k->flen[i]);
        if (o) db_set(tmp_db(k, k->key_db[i]), o);
    }
    if (!k->round2 && (g->cmd->proc == sort_command || g->cmd->proc == sort_ro_command)) {
        k->round2 = 1;
        if (fetch_pattern_keys(g, k)) return;
    }
    coord_run(g);
}

/* EXEC: the queued commands one after the other, each on the copies of
 * its database, their replies in one array. */
static void run_exec_body(struct coord *k, struct client *cl) {
    struct arg *argv = NULL;
    int cap = 0, argc = 0, dbid = 0;
    const struct command *cmd;
    reply_array(&k->out, k->nbody);
    for (int i = 0; i < k->nbody; i++) {
        if (!exec_blob_decode(&k->body[i], &cmd, &dbid, &argv, &cap, &argc)) {
            reply_error(&k->out, "ERR malformed transaction");
            continue;
        }
        struct client one = *cl;
        one.cmd = cmd;
        one.argc = argc;
        one.argv = argv;
        one.dbid = dbid;
        one.db = tmp_db(k, dbid);
        one.noblock = 1;
        exec_command(&one);
    }
    free(argv);
    if (cl->conn) cl->conn->dbid = k->final_db;
}

/* The copies are here: run the command on them, then write back. */
static void coord_run(struct gather *g) {
    struct coord *k = g->priv;
    struct conn *c = g->conn;
    struct shard *sh = c->sh;
    struct client cl = {.sh = sh,
                        .conn = c,
                        .db = tmp_db(k, g->dbid),
                        .dbid = g->dbid,
                        .resp = g->resp,
                        .argc = k->argc,
                        .argv = k->argv,
                        .out = &k->out,
                        .cmd = g->cmd,
                        .db_for = coord_db_for,
                        .ctx = k,
                        .noblock = k->noblock ? 1 : 2,
                        .src = (int16_t)sh->id};
    struct blk_out bo = {.restart_ok = !k->body && !k->retry, .retry = k->retry};
    cl.blk = &bo;
    /* a subscriber's own keyspace events go where Redis puts them */
    int watch = pubsub_subscribed(c);
    if (watch) pubsub_watch(sh, NULL, g->hole, &k->out);
    if (k->body) run_exec_body(k, &cl);
    else exec_command(&cl);
    if (watch) pubsub_unwatch(sh);
    if (bo.would_block) {
        /* registered with the keys' owners before the locks go */
        k->blocked = 1;
        blk_wait_multi(c, g->hole, g->cmd, g->dbid, bo.wait_argv ? bo.wait_argv : k->argv,
                       bo.wait_argv ? bo.wait_argc : k->argc, k->retry ? k->deadline : bo.deadline);
    }
    free(bo.wait_argv);
    buf_free(&bo.wait_bytes);
    /* each store lets go of its shard's locks; the others go now */
    uint8_t released[MAX_SHARDS] = {0};
    if (!bo.restarted && (k->body || (g->cmd->flags & CMD_WRITE))) write_back(sh, k, released);
    txn_end(k->t, released);
    k->t = NULL;
    if (k->retry) blk_send_next(sh, k->notify_from, k->notify_id);
    coord_finish(g);
}

/* Room for n keys' arrays, zeroed, in one block. */
static void keys_alloc(struct coord *k, int n) {
    size_t m = (size_t)n + 1, each = 2 * sizeof(size_t) + 3 * sizeof(int) + 2;
    char *p = k->keymem;
    if (p && k->keycap >= m) {
        m = k->keycap;
        memset(p, 0, m * each);
    } else {
        free(p);
        p = calloc(m, each);
        if (!p) abort();
        k->keymem = p;
        k->keycap = m;
    }
    k->foff = (size_t *)(void *)p;
    k->flen = k->foff + m;
    k->key_arg = (int *)(void *)(k->flen + m);
    k->key_db = k->key_arg + m;
    k->key_shard = k->key_db + m;
    k->fpresent = (char *)(k->key_shard + m);
    k->fbig = k->fpresent + m;
}

/* The keys of the command, their databases and owners. */
static void find_keys(struct coord *k, const struct command *cmd, int dbid) {
    keys_alloc(k, k->argc);
    k->nkeys = command_keys(cmd, k->argv, k->argc, k->key_arg, k->argc);
    for (int i = 0; i < k->nkeys; i++) {
        k->key_db[i] = command_key_db(cmd, k->argv, k->argc, i, dbid, k->ndb);
        k->key_shard[i] = shard_for_key(k->argv[k->key_arg[i]].p, k->argv[k->key_arg[i]].len);
    }
}

/* Every lock is held (and the watches checked): fetch the copies. */
static void coord_locked(struct txn *t, int dirty, void *arg) {
    struct gather *g = arg;
    struct coord *k = g->priv;
    k->t = t; /* (txn_start may not have returned yet: every key was here) */
    if (dirty) {
        /* EXEC with a watched key changed: nothing runs */
        reply_null_array(&k->out, g->resp);
        coord_finish(g);
        return;
    }
    /* every shard's values came back with its lock step */
    coord_fetched(g);
}

/* A lock step's payload ran: its __fetch reply. */
static void coord_fetch_step(struct txn *t, int s, const char *reply, size_t len, void *arg) {
    struct gather *g = arg;
    (void)t;
    buf_put(&g->parts[s].reply, reply, len);
}

/* Put a __fetch (or __fetchs: big values by size only) of each shard's keys
 * in the lock step of that shard: the values come back in the same hop as
 * the lock. The blobs live in k->fblobs until the transaction is over. */
static void attach_fetch(struct gather *g, struct coord *k, struct txn *t) {
    /* a plain command may run where its biggest value is, rather than
     * here on a copy of it */
    long long max = 0;
    if (!k->body && !k->retry && !(g->cmd->flags & CMD_BLOCKING) && !pubsub_subscribed(g->conn) &&
        g->cmd->proc != sort_command && g->cmd->proc != sort_ro_command) {
        max = EXEC_AT_MIN;
    }
    k->view = !k->body && !max ? view_named(g->cmd->name, strlen(g->cmd->name)) : NULL;
    const struct command *fetch = k->view ? internal(&cmd_fetchv, "__fetchv")
                                  : max   ? internal(&cmd_fetchs, "__fetchs")
                                          : internal(&cmd_fetch, "__fetch");
    char maxs[24];
    int maxl = ll_to_str(maxs, max);
    struct buf args = {0};
    char (*nums)[12] = malloc(sizeof(*nums) * (size_t)(k->nkeys + 1));
    char (*specs)[64] = k->view ? malloc(sizeof(*specs) * (size_t)(k->nkeys + 1)) : NULL;
    size_t off[MAX_SHARDS];
    if (!nums || (k->view && !specs)) abort();
    k->fetch_max = max;
    for (int s = 0; s < g_nshards; s++) {
        args.len = 0;
        off[s] = k->fblobs.len;
        if (s == g->conn->sh->id) continue; /* (read in place once every lock is held) */
        put_arg(&args, fetch->name, strlen(fetch->name));
        if (max) put_arg(&args, maxs, (size_t)maxl);
        if (k->view) put_arg(&args, k->view->cmd, strlen(k->view->cmd));
        for (int i = 0; i < k->nkeys; i++) {
            if (k->key_shard[i] != s) continue;
            const struct arg *key = &k->argv[k->key_arg[i]];
            int l = ll_to_str(nums[i], k->key_db[i]);
            put_arg(&args, nums[i], (size_t)l);
            put_arg(&args, key->p, key->len);
            if (k->view)
                put_arg(&args, specs[i],
                        (size_t)k->view->spec(k->argv, k->argc, k->key_arg[i], specs[i], sizeof(specs[i])));
        }
        if (args.len > sizeof(struct arg) * (max || k->view ? 2u : 1u))
            exec_blob_encode(&k->fblobs, fetch, g->dbid, (const struct arg *)(const void *)args.p,
                             (int)(args.len / sizeof(struct arg)));
    }
    buf_free(&args);
    free(nums);
    free(specs);
    /* (the blob bytes are final now: point at them) */
    for (int s = 0; s < g_nshards; s++) {
        size_t end = s + 1 < g_nshards ? off[s + 1] : k->fblobs.len;
        if (end == off[s]) continue;
        struct arg b = {k->fblobs.p + off[s], end - off[s]};
        txn_run_at(t, s, &b);
    }
    txn_payload_mode(t, g->conn, 2, 0, coord_fetch_step);
}

/* Hold the connection's input, put the reply's hole in its queue, and
 * start the transaction over k's keys. */
static void coord_begin(struct conn *c, const struct command *cmd, struct coord *k, const uint8_t *watch_shards,
                        struct oseg *hole, int dbid) {
    struct shard *sh = c->sh;
    struct gather *g = gather_alloc(cmd, dbid, c->resp);
    g->conn = c;
    g->priv = k;
    g->done = coord_fetched;
    c->barrier++;
    g->hole = hole ? hole : conn_add_hole(c);
    struct arg *keys = malloc(sizeof(struct arg) * (size_t)(k->nkeys ? k->nkeys : 1));
    uint8_t *shared = malloc((size_t)(k->nkeys ? k->nkeys : 1));
    if (!keys || !shared) abort();
    for (int i = 0; i < k->nkeys; i++) {
        keys[i] = k->argv[k->key_arg[i]];
        /* the keys a command only reads are locked shared (an EXEC's are
         * all exclusive) */
        shared[i] = !k->body && !command_key_writes(cmd, k->argv, k->argc, i);
    }
    struct txn *t = txn_new(sh, watch_shards ? c->id : 0, watch_shards, coord_locked, g);
    txn_lock_keys_at(t, keys, k->key_db, shared, k->key_shard, k->nkeys);
    attach_fetch(g, k, t);
    txn_hold(t); /* the write-back comes after the chain */
    sh->coord_starting++;
    /* k->t is set by coord_locked: this may be over (k freed) when txn_start returns */
    txn_start(t);
    sh->coord_starting--;
    free(keys);
    free(shared);
}

static struct coord *coord_new(struct shard *sh, const struct arg *argv, int argc, size_t extra) {
    struct coord *k = sh->coord_pool;
    if (k) {
        sh->coord_pool = k->next_free;
        sh->coord_pooled--;
        struct coord keep = *k;
        memset(k, 0, sizeof(*k));
        k->tmp = keep.tmp; /* (flushed) */
        k->keymem = keep.keymem;
        k->keycap = keep.keycap;
        k->argbytes = keep.argbytes;
        k->fetched = keep.fetched;
        k->pkeys = keep.pkeys;
        k->fblobs = keep.fblobs;
    } else {
        k = calloc(1, sizeof(*k));
        if (!k) abort();
        k->tmp = calloc((size_t)sh->ndb, sizeof(struct db *));
        if (!k->tmp) abort();
    }
    k->exec_at = -1;
    k->argv = args_keep(&k->argbytes, argv, argc, extra);
    k->argc = argc;
    k->ndb = sh->ndb;
    return k;
}

void coord_start(struct conn *c, const struct command *cmd, struct arg *argv, int argc) {
    struct coord *k = coord_new(c->sh, argv, argc, 0);
    find_keys(k, cmd, c->dbid);
    k->noblock = c->sh->whole_act != 0;
    coord_begin(c, cmd, k, NULL, NULL, c->dbid);
}

void coord_retry_blocked(struct conn *c, struct oseg *hole, const struct command *cmd, int dbid,
                         const struct arg *argv, int argc, long long deadline, int notify_from, uint64_t notify_id) {
    struct coord *k = coord_new(c->sh, argv, argc, 0);
    find_keys(k, cmd, dbid);
    k->retry = 1;
    k->deadline = deadline;
    k->notify_from = notify_from;
    k->notify_id = notify_id;
    coord_begin(c, cmd, k, NULL, hole, dbid);
}

void coord_start_exec(struct conn *c, const struct arg *blobs, int nblobs, const struct arg *keys, const int *kdb,
                      int nkeys, const uint8_t *watch_shards, int final_db) {
    size_t extra = 0;
    for (int i = 0; i < nblobs; i++) extra += blobs[i].len;
    /* argbytes holds the keys, then the blobs: reserved at once, so the
     * keys' pointers stay put */
    struct coord *k = coord_new(c->sh, keys, nkeys, extra);
    k->body = malloc(sizeof(struct arg) * (size_t)(nblobs ? nblobs : 1));
    if (!k->body) abort();
    for (int i = 0; i < nblobs; i++) {
        k->body[i].p = k->argbytes.p + k->argbytes.len;
        k->body[i].len = blobs[i].len;
        buf_put(&k->argbytes, blobs[i].p, blobs[i].len);
    }
    k->nbody = nblobs;
    k->final_db = final_db;
    keys_alloc(k, nkeys);
    for (int i = 0; i < nkeys; i++) {
        k->key_arg[i] = i;
        k->key_db[i] = kdb[i];
        k->key_shard[i] = shard_for_key(k->argv[i].p, k->argv[i].len);
    }
    k->nkeys = nkeys;
    coord_begin(c, command_lookup("exec", 4), k, watch_shards, NULL, c->dbid);
}
