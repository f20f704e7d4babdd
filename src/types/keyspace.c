/*
 * keyspace.c - commands on keys of any type: DEL, EXISTS, TTLs, KEYS, SCAN,
 * RENAME, COPY, MOVE, SELECT, FLUSH*, OBJECT and friends.
 *
 * Commands that cover the whole keyspace run as a part on every shard and
 * are combined by dispatch (see commands.def for each one's combine rule).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../db/lru.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../server/conn.h"
#include "../shard/xmsg.h"
#include "../txn/block.h"
#include "../txn/lock.h"
#include "../util/glob.h"

/* Bits of a SCAN cursor that name the shard; the rest is that shard's own. */
#define SCAN_SHARD_BITS 10

static const char *type_name(const struct kv *o) { return kv_type_name(o); }

void del_command(struct client *c) {
    long long n = 0;
    for (int i = 1; i < c->argc; i++) {
        if (!db_delete(c->db, c->argv[i].p, c->argv[i].len)) continue;
        n++;
        NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[i]);
    }
    reply_int(c->out, n);
}

void exists_command(struct client *c) {
    long long n = 0;
    for (int i = 1; i < c->argc; i++) n += db_find(c->db, c->argv[i].p, c->argv[i].len, 0) != NULL;
    reply_int(c->out, n);
}

void touch_command(struct client *c) {
    long long n = 0;
    for (int i = 1; i < c->argc; i++) {
        struct kv *o = db_find(c->db, c->argv[i].p, c->argv[i].len, 0);
        if (o) {
            db_touch(c->db, o);
            n++;
        }
    }
    reply_int(c->out, n);
}

void type_command(struct client *c) {
    struct kv *o = db_find(c->db, c->argv[1].p, c->argv[1].len, 0);
    reply_simple(c->out, type_name(o));
}

/* ---- expiry ---- */

#define EX_NX 1
#define EX_XX 2
#define EX_GT 4
#define EX_LT 8

static void expire_generic(struct client *c, long long base, int seconds) {
    int flags = 0;
    for (int j = 3; j < c->argc; j++) {
        const struct arg *a = &c->argv[j];
        if (ARG_IS(*a, "nx")) flags |= EX_NX;
        else if (ARG_IS(*a, "xx")) flags |= EX_XX;
        else if (ARG_IS(*a, "gt")) flags |= EX_GT;
        else if (ARG_IS(*a, "lt")) flags |= EX_LT;
        else {
            reply_errf(c, "ERR Unsupported option %.*s", (int)a->len, a->p);
            return;
        }
    }
    if ((flags & EX_NX) && (flags & (EX_XX | EX_GT | EX_LT))) {
        reply_err(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return;
    }
    if ((flags & EX_GT) && (flags & EX_LT)) {
        reply_err(c, "ERR GT and LT options at the same time are not compatible");
        return;
    }
    long long when;
    if (!arg_ll(c, &c->argv[2], &when)) return;
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            reply_errf(c, "ERR invalid expire time in '%s' command", c->cmd->name);
            return;
        }
        when *= 1000;
    }
    if (when > LLONG_MAX - base) {
        reply_errf(c, "ERR invalid expire time in '%s' command", c->cmd->name);
        return;
    }
    when += base;
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, c->argv[1].p, c->argv[1].len, &pos);
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    long long cur = kv_expire(o);
    if (((flags & EX_NX) && cur != -1) || ((flags & EX_XX) && cur == -1) ||
        ((flags & EX_GT) && (cur == -1 || when <= cur)) ||
        ((flags & EX_LT) && cur != -1 && when >= cur)) {
        reply_int(c->out, 0);
        return;
    }
    if (when <= db_now_ms) {
        db_delete_at(c->db, &pos);
        NOTIFY(c, NOTIFY_GENERIC, "del", &c->argv[1]);
    } else {
        db_set_expire(c->db, &pos, when);
        reply_int(c->out, 1); /* before the event, as in Redis */
        NOTIFY(c, NOTIFY_GENERIC, "expire", &c->argv[1]);
        return;
    }
    reply_int(c->out, 1);
}

void expire_command(struct client *c) { expire_generic(c, db_now_ms, 1); }
void pexpire_command(struct client *c) { expire_generic(c, db_now_ms, 0); }
void expireat_command(struct client *c) { expire_generic(c, 0, 1); }
void pexpireat_command(struct client *c) { expire_generic(c, 0, 0); }

/* mode: 0 TTL, 1 PTTL, 2 EXPIRETIME, 3 PEXPIRETIME */
static void ttl_generic(struct client *c, int mode) {
    struct kv *o = db_find(c->db, c->argv[1].p, c->argv[1].len, 0);
    if (!o) {
        reply_int(c->out, -2);
        return;
    }
    long long e = kv_expire(o);
    if (e < 0) {
        reply_int(c->out, -1);
        return;
    }
    long long ttl = e - db_now_ms;
    if (ttl < 0) ttl = 0;
    switch (mode) {
    case 0: reply_int(c->out, (ttl + 500) / 1000); break;
    case 1: reply_int(c->out, ttl); break;
    case 2: reply_int(c->out, (e + 500) / 1000); break;
    default: reply_int(c->out, e); break;
    }
}

void ttl_command(struct client *c) { ttl_generic(c, 0); }
void pttl_command(struct client *c) { ttl_generic(c, 1); }
void expiretime_command(struct client *c) { ttl_generic(c, 2); }
void pexpiretime_command(struct client *c) { ttl_generic(c, 3); }

void persist_command(struct client *c) {
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, c->argv[1].p, c->argv[1].len, &pos);
    if (!o || !kv_has_expire(o)) {
        reply_int(c->out, 0);
        return;
    }
    db_set_expire(c->db, &pos, -1);
    NOTIFY(c, NOTIFY_GENERIC, "persist", &c->argv[1]);
    reply_int(c->out, 1);
}

/* ---- KEYS and SCAN ---- */

struct collect {
    struct buf keys; /* struct arg entries pointing into objects */
    long long n;
    const struct arg *pat; /* NULL: everything */
    const char *type;      /* NULL: any type */
};

static int key_matches(const struct collect *k, const struct kv *o, const char *key, size_t kl) {
    if (kv_expired(o)) return 0;
    if (k->type && strcmp(type_name(o), k->type) != 0) return 0;
    return !k->pat || glob_match(k->pat->p, k->pat->len, key, kl, 0);
}

static void collect_key(void *ctx, struct kv *o) {
    struct collect *k = ctx;
    size_t kl;
    const char *key = kv_key(o, &kl);
    if (!key_matches(k, o, key, kl)) return;
    struct arg a = {key, kl};
    buf_put(&k->keys, &a, sizeof(a));
    k->n++;
}

static void reply_collected(struct client *c, struct collect *k) {
    reply_array(c->out, k->n);
    const struct arg *a = (const struct arg *)(void *)k->keys.p;
    for (long long i = 0; i < k->n; i++) reply_bulk(c->out, a[i].p, a[i].len);
    buf_free(&k->keys);
}

void keys_command(struct client *c) {
    struct collect k = {0};
    const struct arg *pat = &c->argv[1];
    k.pat = (pat->len == 1 && pat->p[0] == '*') ? NULL : pat;
    unsigned long long cur = 0;
    do {
        cur = dict_scan(&c->db->keys, cur, collect_key, &k);
    } while (cur);
    reply_collected(c, &k);
}

static int parse_cursor(const struct arg *a, unsigned long long *out) {
    char tmp[32];
    if (a->len == 0 || a->len >= sizeof(tmp)) return 0;
    memcpy(tmp, a->p, a->len);
    tmp[a->len] = '\0';
    char *end;
    errno = 0;
    *out = strtoull(tmp, &end, 10);
    return !(*end || errno == ERANGE || tmp[0] == '-' || tmp[0] == ' ' || tmp[0] == '+');
}

/* Runs at the client's shard: validate the cursor and send the scan to the
 * shard the cursor names. */
void scan_command(struct client *c) {
    unsigned long long cur;
    if (!parse_cursor(&c->argv[1], &cur)) {
        reply_err(c, "ERR invalid cursor");
        return;
    }
    int target = (int)(cur & ((1u << SCAN_SHARD_BITS) - 1));
    if (target >= g_nshards) {
        reply_array(c->out, 2);
        reply_bulk(c->out, "0", 1);
        reply_array(c->out, 0);
        return;
    }
    if (target == c->sh->id || !c->conn) {
        scan_part_command(c);
        return;
    }
    struct oseg *hole = conn_add_hole(c->conn);
    xmsg_send_cmd(c->sh, target, XC_MAKE(hole, XC_HOLE), command_lookup("__scan", 6), c->dbid, c->resp,
                  c->argc, c->argv, -1);
}

/* One shard's step of a SCAN; the reply carries the global cursor. */
void scan_part_command(struct client *c) {
    unsigned long long cur;
    parse_cursor(&c->argv[1], &cur);
    cur >>= SCAN_SHARD_BITS;
    long long count = 10;
    struct collect k = {0};
    char tname[32];
    for (int j = 2; j < c->argc; j++) {
        const struct arg *a = &c->argv[j];
        int more = j + 1 < c->argc;
        if (ARG_IS(*a, "count") && more) {
            if (!arg_ll(c, &c->argv[++j], &count)) return;
            if (count < 1) {
                reply_err(c, ERR_SYNTAX);
                return;
            }
        } else if (ARG_IS(*a, "match") && more) {
            k.pat = &c->argv[++j];
            if (k.pat->len == 1 && k.pat->p[0] == '*') k.pat = NULL;
        } else if (ARG_IS(*a, "type") && more) {
            const struct arg *t = &c->argv[++j];
            size_t n = t->len < sizeof(tname) - 1 ? t->len : sizeof(tname) - 1;
            for (size_t i = 0; i < n; i++) tname[i] = (char)((t->p[i] >= 'A' && t->p[i] <= 'Z') ? t->p[i] + 32 : t->p[i]);
            tname[n] = '\0';
            k.type = tname;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    long long maxiter = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cur = dict_scan(&c->db->keys, cur, collect_key, &k);
    } while (cur && maxiter-- && k.n < count);
    unsigned long long next;
    if (cur) next = (cur << SCAN_SHARD_BITS) | (unsigned long long)c->sh->id;
    else if (c->sh->id + 1 < g_nshards) next = (unsigned long long)c->sh->id + 1;
    else next = 0;
    char tmp[24];
    int n = ull_to_str(tmp, next);
    reply_array(c->out, 2);
    reply_bulk(c->out, tmp, (size_t)n);
    reply_collected(c, &k);
}

/* ---- RANDOMKEY: each shard offers [its size, a random key] ---- */

void randomkey_command(struct client *c) {
    struct kv *o = NULL;
    for (int tries = 0; tries < 100 && db_size(c->db); tries++) {
        o = dict_random(&c->db->keys);
        if (!o || !kv_expired(o)) break;
        size_t kl;
        const char *k = kv_key(o, &kl);
        db_delete(c->db, k, kl); /* deletes it as expired */
        o = NULL;
    }
    reply_array(c->out, 2);
    reply_int(c->out, (long long)db_size(c->db));
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    size_t kl;
    const char *k = kv_key(o, &kl);
    reply_bulk(c->out, k, kl);
}

void randomkey_combine(struct gather *g, struct buf *out, int resp) {
    long long sizes[MAX_SHARDS], total = 0;
    for (int i = 0; i < g_nshards; i++) {
        const struct buf *r = &g->parts[i].reply;
        sizes[i] = 0;
        /* "*2\r\n:<n>\r\n" then the key */
        if (r->len > 6 && r->p[4] == ':') {
            const char *cr = memchr(r->p + 5, '\r', r->len - 5);
            if (cr) str_to_ll(r->p + 5, (size_t)(cr - r->p - 5), &sizes[i]);
        }
        total += sizes[i];
    }
    if (total == 0) {
        reply_null(out, resp);
        return;
    }
    long long pick = random() % total;
    for (int i = 0; i < g_nshards; i++) {
        if (pick < sizes[i]) {
            const struct buf *r = &g->parts[i].reply;
            const char *cr = memchr(r->p + 5, '\r', r->len - 5);
            size_t off = (size_t)(cr - r->p) + 2;
            buf_put(out, r->p + off, r->len - off);
            return;
        }
        pick -= sizes[i];
    }
    reply_null(out, resp);
}

/* ---- RENAME, COPY, MOVE ---- */

static void rename_generic(struct client *c, int nx) {
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, src->p, src->len, &pos);
    if (!o) {
        reply_err(c, "ERR no such key");
        return;
    }
    if (src->len == dst->len && !memcmp(src->p, dst->p, src->len)) {
        if (nx) reply_int(c->out, 0);
        else reply_ok(c->out);
        return;
    }
    if (nx && db_find(c->db, dst->p, dst->len, 0)) {
        reply_int(c->out, 0);
        return;
    }
    struct kv *n = kv_dup(o, dst->p, dst->len, kv_expire(o));
    db_delete(c->db, src->p, src->len);
    db_delete(c->db, dst->p, dst->len); /* as Redis: the new key is added ("new") */
    db_set(c->db, n);
    NOTIFY(c, NOTIFY_GENERIC, "rename_from", src);
    NOTIFY(c, NOTIFY_GENERIC, "rename_to", dst);
    if (nx) reply_int(c->out, 1);
    else reply_ok(c->out);
}

void rename_command(struct client *c) { rename_generic(c, 0); }
void renamenx_command(struct client *c) { rename_generic(c, 1); }

/* COPY's options; returns the destination db index or -1 after a reply. */
static int copy_parse(struct client *c, int *replace) {
    int dbid = c->dbid;
    *replace = 0;
    for (int j = 3; j < c->argc; j++) {
        if (ARG_IS(c->argv[j], "replace")) {
            *replace = 1;
        } else if (ARG_IS(c->argv[j], "db") && j + 1 < c->argc) {
            long long v;
            if (!str_to_ll(c->argv[j + 1].p, c->argv[j + 1].len, &v) || v < INT_MIN || v > INT_MAX) {
                reply_err(c, ERR_NOT_INT);
                return -1;
            }
            dbid = (int)v;
            j++;
        } else {
            reply_err(c, ERR_SYNTAX);
            return -1;
        }
    }
    if (dbid < 0 || dbid >= c->sh->ndb) {
        reply_err(c, "ERR DB index is out of range");
        return -1;
    }
    return dbid;
}

void copy_command(struct client *c) {
    int replace;
    int dbid = copy_parse(c, &replace);
    if (dbid < 0) return;
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    if (dbid == c->dbid && src->len == dst->len && !memcmp(src->p, dst->p, src->len)) {
        reply_err(c, "ERR source and destination objects are the same");
        return;
    }
    struct kv *o = db_find(c->db, src->p, src->len, 1);
    if (!o) {
        reply_int(c->out, 0);
        return;
    }
    struct db *to = client_db(c, dbid);
    if (db_find(to, dst->p, dst->len, 0)) {
        if (!replace) {
            reply_int(c->out, 0);
            return;
        }
        db_delete(to, dst->p, dst->len);
    }
    db_set(to, kv_dup(o, dst->p, dst->len, kv_expire(o)));
    notify_keyspace_event(NOTIFY_GENERIC, "copy_to", dst->p, dst->len, to->id);
    reply_int(c->out, 1);
}

static int parse_db_index(struct client *c, const struct arg *a, int *out) {
    long long v;
    if (!str_to_ll(a->p, a->len, &v) || v < INT_MIN || v > INT_MAX) {
        reply_err(c, ERR_NOT_INT);
        return 0;
    }
    if (v < 0 || v >= c->sh->ndb) {
        reply_err(c, "ERR DB index is out of range");
        return 0;
    }
    *out = (int)v;
    return 1;
}

void move_command(struct client *c) {
    int dbid;
    if (!parse_db_index(c, &c->argv[2], &dbid)) return;
    if (dbid == c->dbid) {
        reply_err(c, "ERR source and destination objects are the same");
        return;
    }
    const struct arg *key = &c->argv[1];
    struct dict_pos pos;
    struct kv *o = db_find_pos(c->db, key->p, key->len, &pos);
    struct db *to = &c->sh->dbs[dbid];
    if (!o || db_find(to, key->p, key->len, 0)) {
        reply_int(c->out, 0);
        return;
    }
    /* the object moves as is: unlink here, link there */
    o = dict_unlink(&c->db->keys, &pos);
    if (kv_has_expire(o)) c->db->expires--;
    db_set(to, o);
    NOTIFY(c, NOTIFY_GENERIC, "move_from", key);
    notify_keyspace_event(NOTIFY_GENERIC, "move_to", key->p, key->len, dbid);
    reply_int(c->out, 1);
}

void select_command(struct client *c) {
    int dbid;
    if (!parse_db_index(c, &c->argv[1], &dbid)) return;
    if (c->conn) c->conn->dbid = dbid;
    reply_ok(c->out);
}

void swapdb_command(struct client *c) {
    long long a, b;
    if (!str_to_ll(c->argv[1].p, c->argv[1].len, &a) || a < INT_MIN || a > INT_MAX) {
        reply_err(c, "ERR invalid first DB index");
        return;
    }
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &b) || b < INT_MIN || b > INT_MAX) {
        reply_err(c, "ERR invalid second DB index");
        return;
    }
    if (a < 0 || a >= c->sh->ndb || b < 0 || b >= c->sh->ndb) {
        reply_err(c, "ERR DB index is out of range");
        return;
    }
    if (a != b) {
        watch_db_replaced(c->sh, &c->sh->dbs[a], &c->sh->dbs[b]);
        db_swap(&c->sh->dbs[a], &c->sh->dbs[b]);
        blk_db_swapped(c->sh, (int)a, (int)b);
    }
    reply_ok(c->out);
}

void dbsize_command(struct client *c) { reply_int(c->out, (long long)db_size(c->db)); }

static int parse_flush_opts(struct client *c) {
    if (c->argc > 2 || (c->argc == 2 && !ARG_IS(c->argv[1], "async") && !ARG_IS(c->argv[1], "sync"))) {
        reply_err(c, ERR_SYNTAX);
        return 0;
    }
    return 1;
}

void flushdb_command(struct client *c) {
    if (!parse_flush_opts(c)) return;
    if (c->db == &c->sh->dbs[c->dbid]) {
        watch_db_replaced(c->sh, c->db, NULL);
        /* readers of a stream group learn it is gone (Redis 7.0) */
        blk_db_swapped(c->sh, c->dbid, c->dbid);
    }
    db_flush(c->db);
    reply_ok(c->out);
}

void flushall_command(struct client *c) {
    if (!parse_flush_opts(c)) return;
    for (int i = 0; i < c->sh->ndb; i++) {
        watch_db_replaced(c->sh, &c->sh->dbs[i], NULL);
        blk_db_swapped(c->sh, i, i);
        db_flush(&c->sh->dbs[i]);
    }
    /* every shard is held whole: the one shard 0 writes the empty file */
    if (c->sh->id == 0 && g_flushall_save && c->sh->cfg.save && c->sh->cfg.save[0]) g_flushall_save(c->sh);
    reply_ok(c->out);
}

/* ---- OBJECT ---- */

static int lfu_policy(const struct client *c) { return c->sh->lfu.on; }

void object_encoding_command(struct client *c) {
    struct kv *o = db_find(c->db, c->argv[2].p, c->argv[2].len, 0);
    if (!o) reply_null(c->out, c->resp);
    else reply_bulkc(c->out, kv_enc_name(o));
}

/* Redis keeps one shared object for each of the integers 0..9999 and stores
 * a string holding one of them as that object (reference count INT_MAX),
 * unless an LRU or LFU policy with maxmemory needs per-key access data. Keys
 * here never share values; OBJECT REFCOUNT answers what Redis would. */
#define SHARED_INTEGERS 10000

void object_refcount_command(struct client *c) {
    struct kv *o = db_find(c->db, c->argv[2].p, c->argv[2].len, 0);
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    long long v;
    int pol = c->sh->cfg.maxmemory_policy;
    int per_key = c->sh->cfg.maxmemory &&
                  (pol == CONFIG_MAXMEMORY_VOLATILE_LRU || pol == CONFIG_MAXMEMORY_ALLKEYS_LRU ||
                   pol == CONFIG_MAXMEMORY_VOLATILE_LFU || pol == CONFIG_MAXMEMORY_ALLKEYS_LFU);
    int shared = kv_type(o) == OBJ_STRING && kv_enc(o) == ENC_INT && !per_key && kv_str_int(o, &v) && v >= 0 &&
                 v < SHARED_INTEGERS;
    reply_int(c->out, shared ? 2147483647 : 1);
}

void object_idletime_command(struct client *c) {
    struct kv *o = db_find(c->db, c->argv[2].p, c->argv[2].len, 0);
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    if (lfu_policy(c)) {
        reply_err(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
                     "that when switching between policies at runtime LRU and LFU data will take "
                     "some time to adjust.");
        return;
    }
    reply_int(c->out, (long long)lru_idle_secs(kv_lru(o)));
}

void object_freq_command(struct client *c) {
    struct kv *o = db_find(c->db, c->argv[2].p, c->argv[2].len, 0);
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    if (!lfu_policy(c)) {
        reply_err(c, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                     "Please note that when switching between policies at runtime LRU and LFU data "
                     "will take some time to adjust.");
        return;
    }
    reply_int(c->out, lfu_decayed(kv_lru(o), &c->sh->lfu));
}

void object_help_command(struct client *c) {
    static const char *const lines[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
        NULL};
    reply_help(c->out, lines);
}

void parent_command(struct client *c) { reply_err(c, "ERR unknown subcommand"); }
