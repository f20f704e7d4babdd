/*
 * script.c - EVAL and friends on LuaJIT (see script.h for the contract).
 *
 * One Lua state per shard. Its globals are a read-only proxy: reading a
 * global that does not exist and writing any global are Redis's errors, and
 * the library tables (string, math, table, bit, redis) are read-only too.
 * KEYS and ARGV are set in the real globals table before each call.
 *
 * redis.call runs the command through exec_command into a scratch buffer
 * and turns the RESP bytes into Lua values (RESP2 or RESP3, per
 * redis.setresp); a script's return value is turned into the client's
 * protocol. Errors carry Redis 7.0's decoration ("<msg> script: <sha>, on
 * @user_script:<line>.").
 */
#include "script.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <luajit.h>
#include <lualib.h>
#include <openssl/evp.h>

/* Debian's lua-cjson (liblua5.1-cjson), the same library Redis embeds. */
int luaopen_cjson(lua_State *L);

#include "../db/evict.h"
#include "../log.h"
#include "../resp/reply.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../server/dispatch.h"
#include "../server/pubsub.h"
#include "../server/conn.h"
#include "../shard/shard.h"
#include "../shard/xmsg.h"
#include "../txn/block.h"
#include "../txn/lock.h"
#include "../txn/txn.h"
#include "../util/util.h"
#include "luastate.h"
#include "msgpack.h"
#include "struct.h"

/* ---- the server's registry of scripts ---- */

struct sent {
    struct sent *next;
    char sha[41];
    size_t len;
    char body[];
};

static struct {
    pthread_mutex_t mu;
    struct sent *tab[1024];
    long n;
} reg = {.mu = PTHREAD_MUTEX_INITIALIZER};
static _Atomic unsigned reg_epoch; /* bumped by SCRIPT FLUSH */

static unsigned sha_slot(const char *sha) { return (unsigned)strtoul((char[4]){sha[0], sha[1], sha[2], 0}, NULL, 16) & 1023; }

static void reg_add(const char *sha, const char *body, size_t len) {
    pthread_mutex_lock(&reg.mu);
    struct sent **pp = &reg.tab[sha_slot(sha)];
    for (struct sent *e = *pp; e; e = e->next)
        if (!memcmp(e->sha, sha, 40)) {
            pthread_mutex_unlock(&reg.mu);
            return;
        }
    struct sent *e = malloc(sizeof(*e) + len + 1);
    if (!e) abort();
    memcpy(e->sha, sha, 41);
    e->len = len;
    memcpy(e->body, body, len);
    e->body[len] = 0;
    e->next = *pp;
    *pp = e;
    reg.n++;
    pthread_mutex_unlock(&reg.mu);
}

/* A copy of the body of sha into b; 0 if unknown. */
static int reg_get(const char *sha, struct buf *b) {
    int found = 0;
    pthread_mutex_lock(&reg.mu);
    for (struct sent *e = reg.tab[sha_slot(sha)]; e; e = e->next)
        if (!memcmp(e->sha, sha, 40)) {
            buf_put(b, e->body, e->len);
            found = 1;
            break;
        }
    pthread_mutex_unlock(&reg.mu);
    return found;
}

void script_cache_stats(long *count, long long *bytes) {
    long long sum = 0;
    pthread_mutex_lock(&reg.mu);
    for (int i = 0; i < 1024; i++)
        for (struct sent *e = reg.tab[i]; e; e = e->next) sum += (long long)e->len;
    *count = reg.n;
    pthread_mutex_unlock(&reg.mu);
    *bytes = sum;
}

static void reg_flush(void) {
    pthread_mutex_lock(&reg.mu);
    for (int i = 0; i < 1024; i++) {
        for (struct sent *e = reg.tab[i], *n; e; e = n) {
            n = e->next;
            free(e);
        }
        reg.tab[i] = NULL;
    }
    reg.n = 0;
    atomic_fetch_add(&reg_epoch, 1);
    pthread_mutex_unlock(&reg.mu);
}

static void sha1hex(const char *p, size_t len, char out[41]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(p, len, md, &mdlen, EVP_sha1(), NULL);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[40] = 0;
}

/* ---- a shard's Lua state (struct lua_shard: lua.h) ---- */


/* Redis's math.random: the 48-bit linear congruential generator of rand48,
 * seeded with 0 when the state is made and by math.randomseed (the same
 * sequence as redis-server's after the same seed). */
long long script_vm_memory(struct shard *sh) {
    struct lua_shard *s = sh->lua;
    if (!s) return 0;
    return (long long)lua_gc(s->L, LUA_GCCOUNT, 0) * 1024 + lua_gc(s->L, LUA_GCCOUNTB, 0);
}

static void rand_seed(struct lua_shard *s, int32_t seed) { s->rand48 = ((uint64_t)(uint32_t)seed << 16) | 0x330E; }
static int32_t rand_next(struct lua_shard *s) {
    s->rand48 = (0x5DEECE66Dull * s->rand48 + 0xB) & ((1ull << 48) - 1);
    return (int32_t)(s->rand48 >> 17);
}

struct swhole {
    struct shard *sh;
    struct txn *t;
    char *name;        /* the script's SHA1, or the function's name */
    int fn;            /* FCALL: KEYS and ARGV go as arguments */
    struct buf bytes; /* the EVAL's arguments, kept */
    struct arg *argv;
    int argc, nkeys, ro, dbid, resp;
    struct client cl; /* the script's client (redis.call's context) */
    struct buf out;   /* its reply */
    struct conn *conn; /* a local client: its hole */
    struct oseg *hole;
    int src;           /* or the shard whose request it was */
    uint64_t cookie;
    lua_State *co;
    int co_ref;
    int raise;         /* the call that waits is redis.call (an error raises) */
};

int raise_err(lua_State *L, const char *msg);
struct lua_shard *ls_get(struct shard *sh);
static int get_function(struct lua_shard *s, const char *sha, const char *body, size_t len, int *flags,
                        struct buf *out);
static void set_args(struct lua_shard *s, const char *name, const struct arg *v, int n);

struct lua_shard *ls_from_L(lua_State *L) {
    /* (the usual case: the running shard's own state, not a coroutine) */
    struct shard *sh = tl_shard;
    if (sh && sh->lua && sh->lua->L == L) return sh->lua;
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_shard");
    struct lua_shard *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return s;
}

static int l_math_random(lua_State *L) {
    struct lua_shard *s = ls_from_L(L);
    lua_Number r = (lua_Number)(rand_next(s) % INT32_MAX) / (lua_Number)INT32_MAX;
    switch (lua_gettop(L)) {
    case 0: lua_pushnumber(L, r); break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1), u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default: return raise_err(L, "ERR wrong number of arguments");
    }
    return 1;
}

static int l_math_randomseed(lua_State *L) {
    rand_seed(ls_from_L(L), (int32_t)luaL_checkint(L, 1));
    return 0;
}

/* ---- RESP bytes -> Lua ---- */

static long long parse_ll(const char *p, const char *end) {
    long long v = 0;
    str_to_ll(p, (size_t)(end - p), &v);
    return v;
}

/* Push the value at p (one RESP2/RESP3 reply) as Redis 7.0 converts it;
 * returns the end of it, or NULL if malformed. */
static const char *push_reply(lua_State *L, const char *p, const char *end, int depth) {
    if (p >= end || depth > 64) return NULL;
    const char *cr = memchr(p, '\r', (size_t)(end - p));
    if (!cr || cr + 1 >= end) return NULL;
    const char *line = p + 1, *next = cr + 2;
    lua_checkstack(L, 8);
    switch (*p) {
    case '+':
        lua_newtable(L);
        lua_pushlstring(L, line, (size_t)(cr - line));
        lua_setfield(L, -2, "ok");
        return next;
    case '-':
        lua_newtable(L);
        lua_pushlstring(L, line, (size_t)(cr - line));
        lua_setfield(L, -2, "err");
        return next;
    case ':':
        lua_pushnumber(L, (lua_Number)parse_ll(line, cr));
        return next;
    case '_':
        lua_pushnil(L);
        return next;
    case '#':
        lua_pushboolean(L, *line == 't');
        return next;
    case ',': {
        char tmp[64];
        size_t n = (size_t)(cr - line) < 63 ? (size_t)(cr - line) : 63;
        memcpy(tmp, line, n);
        tmp[n] = 0;
        lua_newtable(L);
        lua_pushnumber(L, strtod(tmp, NULL));
        lua_setfield(L, -2, "double");
        return next;
    }
    case '(':
        lua_newtable(L);
        lua_pushlstring(L, line, (size_t)(cr - line));
        lua_setfield(L, -2, "big_number");
        return next;
    case '$':
    case '=': {
        long long n = parse_ll(line, cr);
        if (n < 0) {
            lua_pushboolean(L, 0); /* RESP2 null */
            return next;
        }
        if (next + n + 2 > end) return NULL;
        if (*p == '=' && n >= 4) {
            lua_newtable(L);
            lua_pushlstring(L, next + 4, (size_t)n - 4);
            lua_setfield(L, -2, "string");
            lua_pushlstring(L, next, 3);
            lua_setfield(L, -2, "format");
            lua_newtable(L);
            lua_insert(L, -2);
            lua_setfield(L, -2, "verbatim_string");
        } else {
            lua_pushlstring(L, next, (size_t)n);
        }
        return next + n + 2;
    }
    case '*':
    case '~':
    case '%':
    case '>': {
        char kind = *p;
        long long n = parse_ll(line, cr);
        if (n < 0) {
            lua_pushboolean(L, 0);
            return next;
        }
        p = next;
        lua_newtable(L);
        for (long long i = 0; i < n; i++) {
            if (!(p = push_reply(L, p, end, depth + 1))) return NULL;
            if (kind == '%') {
                /* a map: key, then value */
                if (!(p = push_reply(L, p, end, depth + 1))) return NULL;
                lua_rawset(L, -3);
            } else if (kind == '~') {
                lua_pushboolean(L, 1);
                lua_rawset(L, -3);
            } else {
                lua_rawseti(L, -2, (int)i + 1);
            }
        }
        if (kind == '%' || kind == '~') {
            /* {map={...}} / {set={...}} */
            lua_newtable(L);
            lua_insert(L, -2);
            lua_setfield(L, -2, kind == '%' ? "map" : "set");
        }
        return p;
    }
    case '|': {
        /* an attribute: skipped, the value follows */
        long long n = parse_ll(line, cr);
        p = next;
        for (long long i = 0; i < 2 * n; i++) {
            if (!(p = push_reply(L, p, end, depth + 1))) return NULL;
            lua_pop(L, 1);
        }
        return push_reply(L, p, end, depth);
    }
    }
    return NULL;
}

/* ---- Lua -> RESP ---- */

static void reply_from_lua(lua_State *L, int idx, struct buf *out, int resp, int depth);
/* redis.setresp of the script whose value is being converted */
static _Thread_local int script_resp = 2;

static long long lua_to_ll(lua_Number n) {
    if (n != n || n >= 9223372036854775807.0 || n < -9223372036854775808.0) return LLONG_MIN;
    return (long long)n;
}

/* The string at field `name` of the table at idx, if there is one. */
static const char *field_str(lua_State *L, int idx, const char *name, size_t *len) {
    lua_pushstring(L, name);
    lua_rawget(L, idx);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, len) : NULL;
    lua_pop(L, 1);
    return s;
}

/* An error reply of the string s: newlines become spaces, as Redis does. */
void reply_err_clean(struct buf *out, const char *s, size_t len) {
    buf_putc(out, '-');
    for (size_t i = 0; i < len; i++) buf_putc(out, s[i] == '\r' || s[i] == '\n' ? ' ' : s[i]);
    buf_put(out, "\r\n", 2);
}

static void reply_table(lua_State *L, int idx, struct buf *out, int resp, int depth) {
    size_t len;
    const char *s;
    if ((s = field_str(L, idx, "err", &len))) {
        reply_err_clean(out, s, len);
        return;
    }
    if ((s = field_str(L, idx, "ok", &len))) {
        buf_putc(out, '+');
        for (size_t i = 0; i < len; i++) buf_putc(out, s[i] == '\r' || s[i] == '\n' ? ' ' : s[i]);
        buf_put(out, "\r\n", 2);
        return;
    }
    lua_pushstring(L, "double");
    lua_rawget(L, idx);
    if (lua_type(L, -1) == LUA_TNUMBER) {
        reply_double(out, resp, lua_tonumber(L, -1));
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if ((s = field_str(L, idx, "big_number", &len))) {
        reply_bignum(out, resp, s, len);
        return;
    }
    lua_pushstring(L, "verbatim_string");
    lua_rawget(L, idx);
    if (lua_type(L, -1) == LUA_TTABLE) {
        size_t fl, vl;
        const char *f = field_str(L, lua_gettop(L), "format", &fl);
        const char *v = field_str(L, lua_gettop(L), "string", &vl);
        if (f && v && fl == 3) {
            char fmt[4] = {f[0], f[1], f[2], 0};
            reply_verbatim(out, resp, fmt, v, vl);
            lua_pop(L, 1);
            return;
        }
    }
    lua_pop(L, 1);
    for (int is_map = 1; is_map >= 0; is_map--) {
        /* {map={k=v...}} and {set={member=true...}} */
        lua_pushstring(L, is_map ? "map" : "set");
        lua_rawget(L, idx);
        if (lua_type(L, -1) != LUA_TTABLE) {
            lua_pop(L, 1);
            continue;
        }
        int t = lua_gettop(L);
        long long n = 0;
        lua_pushnil(L);
        while (lua_next(L, t)) {
            n++;
            lua_pop(L, 1);
        }
        if (is_map) reply_map(out, resp, n);
        else reply_set(out, resp, n);
        lua_pushnil(L);
        while (lua_next(L, t)) {
            if (is_map) {
                reply_from_lua(L, lua_gettop(L) - 1, out, resp, depth + 1);
                reply_from_lua(L, lua_gettop(L), out, resp, depth + 1);
                lua_pop(L, 1);
            } else {
                lua_pop(L, 1); /* the member is the key */
                reply_from_lua(L, lua_gettop(L), out, resp, depth + 1);
            }
        }
        lua_pop(L, 1);
        return;
    }
    /* an array, up to the first nil */
    long long n = 0;
    for (;; n++) {
        lua_rawgeti(L, idx, (int)n + 1);
        int nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
    }
    reply_array(out, n);
    for (long long i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (int)i + 1);
        reply_from_lua(L, lua_gettop(L), out, resp, depth + 1);
        lua_pop(L, 1);
    }
}

static void reply_from_lua(lua_State *L, int idx, struct buf *out, int resp, int depth) {
    if (depth > 1000 || !lua_checkstack(L, 8)) {
        reply_error(out, "ERR reached lua stack limit");
        return;
    }
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER: reply_int(out, lua_to_ll(lua_tonumber(L, idx))); break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        reply_bulk(out, s, len);
        break;
    }
    case LUA_TBOOLEAN:
        /* a RESP3 boolean only for a script that chose RESP3 (setresp) */
        if (script_resp == 3) reply_bool(out, resp, lua_toboolean(L, idx));
        else if (lua_toboolean(L, idx)) reply_int(out, 1);
        else reply_null(out, resp);
        break;
    case LUA_TTABLE: reply_table(L, idx, out, resp, depth); break;
    default: reply_null(out, resp); break;
    }
}

/* ---- redis.* ---- */

/* Push a table {err=msg} (returned as the value of the call). */
int push_err(lua_State *L, const char *msg) {
    lua_newtable(L);
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "err");
    return 1;
}

/* Raise a Lua error that is a table {err=msg}. */
int raise_err(lua_State *L, const char *msg) {
    push_err(L, msg);
    return lua_error(L);
}

/* Is the key declared in KEYS of the running script? */
static int declared(const struct lua_shard *s, const struct arg *k) {
    for (int i = 0; i < s->nkeys; i++)
        if (s->keys[i].len == k->len && !memcmp(s->keys[i].p, k->p, k->len)) return 1;
    return 0;
}

static int escalate_marker;

/* Values above this are not kept for an undo: a script that wrote one
 * cannot run again holding every shard. */
#define UNDO_MAX (64 * 1024)

/* Before a write of the script (not yet holding every shard): keep what
 * its keys hold, so the write can be taken back if the script must run
 * again from the start holding every shard. */
static void remember(struct lua_shard *s, struct client *sc, const struct command *cmd, struct arg *argv, int argc) {
    if (sc->db_for && s->can_defer) return; /* (on copies: dropped, never written back, if it runs again) */
    if (s->whole || !s->can_defer || s->wrote) {
        s->wrote = 1;
        return;
    }
    int pos[64];
    int nk = command_keys(cmd, argv, argc, pos, 64);
    if (nk == 0 || nk == 64) {
        s->wrote = 1;
        return;
    }
    struct db *db = &sc->sh->dbs[s->dbid];
    for (int k = 0; k < nk; k++) {
        const struct arg *key = &argv[pos[k]];
        struct dict_pos dp;
        int present = dict_find(&db->keys, key->p, key->len, dict_hash(key->p, key->len), &dp);
        /* header, key, then the image serialized in place (its length
         * filled in after) */
        size_t at = s->undo.len;
        uint32_t hdr[3] = {(uint32_t)s->dbid, (uint32_t)key->len, UINT32_MAX};
        buf_put(&s->undo, hdr, sizeof(hdr));
        buf_put(&s->undo, key->p, key->len);
        if (present && kv_weight(dict_pos_kv(&dp)) > UNDO_MAX) {
            /* (known big without making its image) */
            s->undo.len = at;
            s->wrote = 1;
            break;
        }
        if (present) {
            size_t img_at = s->undo.len;
            kv_serialize(dict_pos_kv(&dp), &s->undo);
            size_t img_len = s->undo.len - img_at;
            if (img_len > UNDO_MAX) {
                s->undo.len = at;
                s->wrote = 1; /* too big to keep: no undo */
                break;
            }
            hdr[2] = (uint32_t)img_len;
            memcpy(s->undo.p + at, hdr, sizeof(hdr));
        }
        s->nundo++;
    }
}

/* Take the script's writes back, newest first (each key to what it held
 * before the script's first write of it). */
static void undo_writes(struct lua_shard *s, struct client *sc) {
    struct shard *sh = sc->sh;
    const char **at = malloc(sizeof(char *) * (size_t)(s->nundo + 1));
    if (!at) abort();
    const char *p = s->undo.p;
    for (int i = 0; i < s->nundo; i++) {
        at[i] = p;
        uint32_t hdr[3];
        memcpy(hdr, p, sizeof(hdr));
        p += sizeof(hdr) + hdr[1] + (hdr[2] == UINT32_MAX ? 0 : hdr[2]);
    }
    for (int i = s->nundo - 1; i >= 0; i--) {
        uint32_t hdr[3];
        memcpy(hdr, at[i], sizeof(hdr));
        const char *key = at[i] + sizeof(hdr);
        struct db *db = &sh->dbs[hdr[0]];
        lock_key_changed(sh, (int)hdr[0], key, hdr[1]);
        if (hdr[2] == UINT32_MAX) {
            db_delete(db, key, hdr[1]);
        } else {
            struct kv *o = kv_deserialize(key, hdr[1], key + hdr[1], hdr[2]);
            if (o) db_set(db, o);
        }
    }
    free(at);
    s->undo.len = 0;
    s->nundo = 0;
}
static int call_remote(lua_State *L, struct lua_shard *s, const struct command *cmd, int target, struct arg *argv,
                       int argc);
static int call_parts(lua_State *L, struct lua_shard *s, struct gather *g, struct arg *argv, int argc);

/* ---- busy scripts ----
 *
 * Every script runs with a count hook (the JIT is off in script states:
 * compiled loops would never call it). Past busy-reply-threshold the
 * script becomes the server's busy script: g_script_busy makes every
 * shard's dispatch answer -BUSY (but for the commands flagged allow_busy),
 * and from its hook the script's shard serves its own clients the same way
 * (shard_poll_busy). SCRIPT KILL / FUNCTION KILL on any shard set a flag
 * the hook reads; from then on the script raises at every hook and call
 * until it ends (a pcall in it cannot keep it going). */

#define HOOK_EVERY 100000 /* VM instructions between looks at the clock */
#define HOOK_KILLED 1     /* ... once killed */

static const char ERR_KILLED[] = "ERR Script killed by user with SCRIPT KILL...";

static struct {
    pthread_mutex_t mu;
    char name[256];
    struct buf args; /* the busy script's command, RESP bulk strings */
    int nargs;
    long long start_ms;
} busy = {.mu = PTHREAD_MUTEX_INITIALIZER};
static _Atomic int busy_kill;  /* a KILL was asked */
static _Atomic int busy_dirty; /* the busy script has written */

static void busy_begin(struct lua_shard *s) {
    const struct arg *argv = s->whole ? s->whole->argv : s->c->argv;
    int argc = s->whole ? s->whole->argc : s->c->argc;
    pthread_mutex_lock(&busy.mu);
    busy.args.len = 0;
    for (int i = 0; i < argc; i++) reply_bulk(&busy.args, argv[i].p, argv[i].len);
    busy.nargs = argc;
    size_t l = argc > 1 ? (argv[1].len < sizeof(busy.name) - 1 ? argv[1].len : sizeof(busy.name) - 1) : 0;
    if (l) memcpy(busy.name, argv[1].p, l);
    busy.name[l] = 0;
    busy.start_ms = s->start_ms;
    pthread_mutex_unlock(&busy.mu);
    atomic_store(&busy_dirty, s->dirty);
    atomic_store(&busy_kill, 0);
}

/* The script ended: it is no longer the busy one. */
static void busy_end(struct lua_shard *s) {
    if (s->killed) lua_sethook(s->L, lua_gethook(s->L), LUA_MASKCOUNT, HOOK_EVERY);
    s->killed = 0;
    if (!s->busy) return;
    s->busy = 0;
    atomic_store(&busy_kill, 0);
    atomic_store(&g_script_busy, 0);
    log_notice("The busy script ended after %lld milliseconds", mstime() - s->start_ms);
}

/* The running script wrote: a KILL is refused from now on. */
static void note_write(struct lua_shard *s) {
    s->dirty = 1;
    if (s->busy) atomic_store(&busy_dirty, 1);
}

static int raise_killed(lua_State *L) {
    struct lua_shard *s = ls_from_L(L);
    if (!s->killed) {
        s->killed = 1;
        lua_sethook(L, lua_gethook(L), LUA_MASKCOUNT, HOOK_KILLED);
    }
    return raise_err(L, ERR_KILLED);
}

static void busy_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    struct lua_shard *s = ls_from_L(L);
    if (!s->c) {
        /* a library's code runs at most 500 ms while it loads, as in Redis */
        if (s->load_deadline && mstime() > s->load_deadline) raise_err(L, "ERR FUNCTION LOAD timeout");
        return;
    }
    if (s->killed) {
        raise_killed(L);
        return;
    }
    struct shard *sh = s->c->sh;
    if (!s->busy) {
        long long lim = sh->cfg.busy_reply_threshold;
        if (lim <= 0 || mstime() - s->start_ms < lim) return;
        int none = 0;
        if (!atomic_compare_exchange_strong(&g_script_busy, &none, s->fn ? 2 : 1))
            return; /* (a script of another shard is the busy one already) */
        s->busy = 1;
        busy_begin(s);
        log_warning("Slow script detected: still in execution after %lld milliseconds. You can try killing the "
                    "script using the %s command. Script name is: %s.",
                    mstime() - s->start_ms, s->fn ? "FUNCTION KILL" : "SCRIPT KILL", busy.name);
    }
    shard_poll_busy(sh, s->whole ? s->whole->conn : s->c->conn);
    if (atomic_load(&busy_kill) || atomic_load(&g_shutdown)) raise_killed(L);
}

void script_kill(struct client *c, int eval) {
    int kind = atomic_load(&g_script_busy);
    if (!kind) {
        reply_error(c->out, "NOTBUSY No scripts in execution right now.");
    } else if (atomic_load(&busy_dirty)) {
        reply_error(c->out, "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
                            "can either wait the script termination or kill the server in a hard way using the "
                            "SHUTDOWN NOSAVE command.");
    } else if (eval && kind == 2) {
        reply_error(c->out, ERR_BUSY_FUNCTION);
    } else if (!eval && kind == 1) {
        reply_error(c->out, ERR_BUSY_EVAL);
    } else {
        atomic_store(&busy_kill, 1);
        reply_ok(c->out);
    }
}

int script_busy_info(char *name, size_t cap, struct buf *args, int *nargs, long long *ms) {
    int kind = atomic_load(&g_script_busy);
    if (kind != 2) return kind;
    pthread_mutex_lock(&busy.mu);
    snprintf(name, cap, "%s", busy.name);
    buf_put(args, busy.args.p, busy.args.len);
    *nargs = busy.nargs;
    *ms = mstime() - busy.start_ms;
    pthread_mutex_unlock(&busy.mu);
    return kind;
}

static int do_call(lua_State *L, int raise) {
    struct lua_shard *s = ls_from_L(L);
    struct client *sc = s->c;
    int argc = lua_gettop(L);
    if (!sc) return luaL_error(L, "redis.call called outside a script");
    if (s->escalate) {
        /* (caught by the script's own pcall: every call stops it again) */
        lua_pushlightuserdata(L, &escalate_marker);
        return lua_error(L);
    }
    if (s->killed) return raise_killed(L);
    if (argc == 0) return raise_err(L, "ERR Please specify at least one argument for this redis lib call");
    struct arg small[16], *argv = argc <= 16 ? small : malloc(sizeof(struct arg) * (size_t)argc);
    if (!argv) abort();
    char nums[16][32];
    const char *fail = NULL;
    for (int i = 0; i < argc; i++) {
        int t = lua_type(L, i + 1);
        if (t == LUA_TNUMBER && i < 16) {
            /* numbers as Redis 7.0 passes them: %.17g */
            int l = snprintf(nums[i], sizeof(nums[i]), "%.17g", (double)lua_tonumber(L, i + 1));
            argv[i] = (struct arg){nums[i], (size_t)l};
        } else if (t == LUA_TSTRING || t == LUA_TNUMBER) {
            size_t len;
            const char *p = lua_tolstring(L, i + 1, &len);
            argv[i] = (struct arg){p, len};
        } else {
            fail = "ERR Lua redis lib command arguments must be strings or integers";
            break;
        }
    }
    const struct command *cmd = NULL;
    if (!fail) {
        cmd = command_lookup(argv[0].p, argv[0].len);
        if (cmd && cmd->parent) cmd = NULL; /* ("config|get" is no name a client can give) */
        if (cmd && (cmd->flags & CMD_PARENT) && argc >= 2) {
            const struct command *sub = NULL;
            for (int i = 0; i < cmd->nsub && !sub; i++)
                if (str_ieq(argv[1].p, argv[1].len, strchr(cmd->subs[i]->name, '|') + 1)) sub = cmd->subs[i];
            cmd = sub;
        }
        if (!cmd || (cmd->flags & CMD_INTERNAL))
            fail = "ERR Unknown Redis command called from script";
        else if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity))
            fail = "ERR Wrong number of args calling Redis command from script";
        else if (cmd->flags & CMD_NOSCRIPT)
            fail = "ERR This Redis command is not allowed from script";
        else if (s->ro && (cmd->flags & CMD_WRITE))
            fail = "ERR Write commands are not allowed from read-only scripts.";
    }
    int target = sc->sh->id;
    int spans = 0;   /* its keys lie on several shards */
    int all = 0;     /* a server-wide command, run on every shard */
    int held = 0;    /* a key here that a transaction holds */
    int pos_small[64], shard_small[64];
    int *shard_of = NULL, nk = 0;
    if (!fail && cmd->route == R_KEYS) {
        /* every key here: in the real keyspace of this shard, or among the
         * declared keys when the script runs on copies; a key of another
         * shard makes the script run again holding every shard (if it has
         * not written yet), or, holding them already, goes to its owner
         * (a command over several shards: split among them) */
        /* (big ones on the Lua stack: collected however the call ends) */
        int *pos = argc <= 64 ? pos_small : lua_newuserdata(L, sizeof(int) * (size_t)argc);
        shard_of = argc <= 64 ? shard_small : lua_newuserdata(L, sizeof(int) * (size_t)argc);
        nk = command_keys(cmd, argv, argc, pos, argc > 64 ? argc : 64);
        for (int k = 0; k < nk && !fail; k++) {
            const struct arg *key = &argv[pos[k]];
            /* (on copies only an undeclared key needs its shard: below) */
            int ks = sc->db_for ? -1 : shard_for_key(key->p, key->len);
            shard_of[k] = ks;
            if (sc->db_for) {
                if (!declared(s, key)) spans = 1; /* (only a run holding every shard can have it) */
            } else if (k == 0) {
                target = ks;
            } else if (ks != target) {
                spans = 1;
            }
            /* A key of this shard the script did not declare, that a
             * transaction holds (a coordinator's copy to be written back,
             * say): only a run holding every shard waits for it */
            if (!sc->db_for && !s->whole && ks == sc->sh->id && sc->sh->lock_live && !declared(s, key) &&
                !lock_key_free(sc->sh,
                               lock_hash(s->dbid, key->p, key->len) | ((cmd->flags & CMD_WRITE) ? 0 : LOCK_SHARED),
                               sc->sh->whole_act ? LOCK_PASS : 0))
                held = 1;
        }
        if (spans && sc->db_for)
            for (int k = 0; k < nk; k++) shard_of[k] = shard_for_key(argv[pos[k]].p, argv[pos[k]].len);
    } else if (!fail && cmd->route == R_ALL && g_nshards > 1) {
        if ((cmd->flags & CMD_PUBSUB) && cmd->combine == C_SUM && !pubsub_others_live(sc->sh->id)) {
            /* PUBLISH with subscribers on this shard only */
        } else if (sc->db_for) {
            fail = "ERR This server-wide command is not allowed from a script whose keys lie on several shards";
        } else {
            all = 1;
        }
    }
    if (!fail && (target != sc->sh->id || spans || all || held) && !s->whole) {
        if (!s->wrote && s->can_defer) {
            undo_writes(s, sc);
            s->escalate = 1;
            if (argv != small) free(argv);
            lua_pushlightuserdata(L, &escalate_marker);
            return lua_error(L);
        }
        fail = held    ? "ERR Script attempted to access a key a transaction holds that it did not declare in KEYS"
               : s->wrote ? "ERR Script attempted to access a key of another shard after writing; declare its keys in KEYS"
                          : "ERR Script attempted to access a key of another shard that it did not declare in KEYS";
    }
    if (!fail && spans && !gather_can_split(cmd))
        fail = "ERR Script called a command whose keys lie on several shards (not supported yet)";
    if (!fail && all && cmd->combine != C_SUM && cmd->combine != C_OK && cmd->combine != C_CONCAT)
        fail = "ERR This server-wide command is not yet allowed from a script on several shards";
    if (!fail && (target != sc->sh->id || spans || all) && L != s->whole->co)
        fail = "ERR Script called a key of another shard from a nested call";
    if (fail) {
        if (argv != small) free(argv);
        return raise ? raise_err(L, fail) : push_err(L, fail);
    }
    if (spans || all) {
        /* holding every shard: the parts go to their shards, the script
         * waits (a coroutine) for them all */
        struct gather *g = spans ? gather_split(cmd, s->dbid, s->resp, argv, argc, shard_of, nk)
                                 : gather_split(cmd, s->dbid, s->resp, argv, argc, NULL, -1);
        int r = call_parts(L, s, g, argv, argc);
        if (argv != small) free(argv);
        s->whole->raise = raise;
        return r;
    }
    if (target != sc->sh->id) {
        /* holding every shard: the call goes to its owner, the script
         * waits (a coroutine) for the reply */
        int r = call_remote(L, s, cmd, target, argv, argc);
        if (argv != small) free(argv);
        s->whole->raise = raise;
        return r;
    }
    struct shard *sh = sc->sh;
    if (cmd->flags & CMD_WRITE) {
        remember(s, sc, cmd, argv, argc);
        note_write(s);
    }
    struct buf *out = &s->scratch;
    out->len = 0;
    struct client cl = {.sh = sh, .conn = NULL, .db = sc->db_for ? sc->db_for(sc, s->dbid) : &sh->dbs[s->dbid],
                        .dbid = s->dbid, .resp = s->resp, .argc = argc, .argv = argv, .out = out, .cmd = cmd,
                        .noblock = 1, .from_script = 1, .src = sh->id, .db_for = sc->db_for, .ctx = sc->ctx};
    if (cmd->proc == select_command) {
        long long id;
        if (!str_to_ll(argv[1].p, argv[1].len, &id)) {
            reply_error(out, "ERR value is not an integer or out of range");
        } else if (id < 0 || id >= sh->ndb) {
            reply_error(out, "ERR DB index is out of range");
        } else {
            s->dbid = (int)id;
            reply_ok(out);
        }
    } else if (s->allow_oom) {
        if (sh->cfg.maxmemory > 0) evict_perform(sh);
        exec_command_run(&cl);
    } else {
        exec_command(&cl);
    }
    if (argv != small) free(argv);
    const char *end = push_reply(L, out->p, out->p + out->len, 0) ? out->p + out->len : NULL;
    if (!end) {
        lua_pushboolean(L, 0);
        return 1;
    }
    if (raise && out->len && out->p[0] == '-') return lua_error(L); /* the {err=...} table just pushed */
    return 1;
}

/* ---- a script run holding every shard ----
 *
 * A script that calls a key of another shard it did not declare (before it
 * wrote anything) is stopped, and run again from the start as a
 * transaction holding every shard whole (txn_whole): in a coroutine, each
 * call on another shard goes to its owner (passing the whole-shard locks)
 * and the coroutine waits for the reply. Nothing else runs anywhere until
 * it ends, so it is atomic as on a single Redis. Its reply goes where the
 * EVAL's would have: a hole of the local client, or a later reply entry to
 * the shard that sent the request.
 */

/* Which redis table scripts see: the one of a run holding every shard, or
 * the plain one. */
static void use_redis(lua_State *L, int whole) {
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_globals");
    lua_getfield(L, LUA_REGISTRYINDEX, whole ? "__rs_redis_w" : "__rs_redis_c");
    lua_setfield(L, -2, "redis");
    lua_pop(L, 1);
}

static void whole_done(struct lua_shard *s, struct swhole *w) {
    struct shard *sh = w->sh;
    use_redis(s->L, 0);
    busy_end(s);
    s->whole = NULL;
    s->c = NULL;
    if (w->conn) {
        struct buf b = buf_take(&w->out);
        if (!b.p) b.p = malloc(1);
        conn_fill_hole(w->hole, b.p, b.len, NULL);
        w->conn->barrier--;
        if (!w->conn->closing) blk_resume_later(sh, w->conn);
        conn_unref(w->conn);
    } else {
        xmsg_send_reply(sh, w->src, w->cookie, w->out.p ? w->out.p : "", w->out.len);
    }
    txn_end(w->t, NULL);
    if (w->co) luaL_unref(s->L, LUA_REGISTRYINDEX, w->co_ref);
    buf_free(&w->out);
    buf_free(&w->bytes);
    free(w->argv);
    free(w->name);
    free(w);
}

static void reply_lua_error(struct client *c, lua_State *L, const char *sha, int have, const char *src, int line);
static void push_fn_args(lua_State *L, const struct arg *keys, int nkeys, const struct arg *args, int nargs);
static void clear_args(lua_State *L);

/* The coroutine stopped: wait for a call, or the script is over. */
static void whole_step(struct lua_shard *s, struct swhole *w, int rc) {
    lua_State *co = w->co;
    if (rc == LUA_YIELD) return; /* a call went to another shard */
    if (rc == 0 && !lua_toboolean(co, 1)) {
        /* the script's error, with where it was raised (err_handler) */
        lua_settop(co, 2);
        w->cl.out = &w->out;
        reply_lua_error(&w->cl, co, w->name, 0, NULL, 0);
    } else if (rc == 0) {
        script_resp = s->resp;
        if (lua_gettop(co) > 1) reply_from_lua(co, 2, &w->out, w->resp, 0);
        else reply_null(&w->out, w->resp);
    } else {
        /* where it stopped: the first frame of the script itself */
        lua_Debug ar;
        int have = 0;
        for (int lv = 0; lua_getstack(co, lv, &ar); lv++) {
            lua_getinfo(co, "Sl", &ar);
            if (ar.what && strcmp(ar.what, "C") && strcmp(ar.source, "=redis_call") && ar.currentline >= 0) {
                have = 1;
                break;
            }
        }
        w->cl.out = &w->out;
        reply_lua_error(&w->cl, co, w->name, have, have ? ar.source : NULL, have ? ar.currentline : 0);
    }
    whole_done(s, w);
}

static void whole_granted(struct txn *t, int dirty, void *arg) {
    struct swhole *w = arg;
    struct shard *sh = w->sh;
    struct lua_shard *s = ls_get(sh);
    (void)dirty;
    w->t = t;
    lua_State *L = s->L;
    int flags;
    struct buf err = {0};
    if (w->fn ? !function_push(s, w->name, strlen(w->name), &flags, NULL, 0)
              : !get_function(s, w->name, NULL, 0, &flags, &err)) {
        /* (SCRIPT FLUSH or FUNCTION DELETE meanwhile) */
        if (w->fn) reply_error(&w->out, "ERR Function not found");
        buf_put(&w->out, err.p, err.len);
        buf_free(&err);
        whole_done(s, w);
        return;
    }
    w->co = lua_newthread(L);
    lua_pushvalue(L, -1);
    w->co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);          /* the thread (kept by its ref) */
    /* the coroutine runs xpcall(function, err_handler, arguments) */
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_xrun");
    lua_insert(L, -2);
    lua_xmove(L, w->co, 2); /* the wrapper, the function */
    lua_pushcfunction(w->co, err_handler);
    int nargs = 2;
    if (w->fn) {
        clear_args(L);
        push_fn_args(w->co, w->argv + 3, w->nkeys, w->argv + 3 + w->nkeys, w->argc - 3 - w->nkeys);
        nargs += 2;
    } else {
        set_args(s, "KEYS", w->argv + 3, w->nkeys);
        set_args(s, "ARGV", w->argv + 3 + w->nkeys, w->argc - 3 - w->nkeys);
    }
    w->cl = (struct client){.sh = sh, .conn = NULL, .db = &sh->dbs[w->dbid], .dbid = w->dbid, .resp = w->resp,
                            .argc = w->argc, .argv = w->argv, .out = &w->out, .src = sh->id};
    s->c = &w->cl;
    s->whole = w;
    s->ro = w->ro;
    s->resp = 2;
    s->dbid = w->dbid;
    s->keys = w->argv + 3;
    s->nkeys = w->nkeys;
    s->wrote = 0;
    s->escalate = 0;
    s->can_defer = 0;
    s->fn = w->fn;
    s->dirty = 0;
    s->start_ms = mstime();
    use_redis(L, 1);
    whole_step(s, w, lua_resume(w->co, nargs));
}

/* Defer the reply of a request: where it goes, once known. */
static void whole_defer(struct shard *sh, void *arg, int src, uint64_t cookie) {
    struct swhole *w = arg;
    (void)sh;
    w->src = src;
    w->cookie = cookie;
}

/* The script of c stopped to run again holding every shard: start that. */
static void whole_start(struct lua_shard *s, struct client *c, const char *name, int fn, int nkeys, int ro) {
    struct shard *sh = c->sh;
    struct swhole *w = calloc(1, sizeof(*w));
    if (!w) abort();
    w->sh = sh;
    w->name = strdup(name);
    if (!w->name) abort();
    w->fn = fn;
    w->argv = args_keep(&w->bytes, c->argv, c->argc, 0);
    w->argc = c->argc;
    w->nkeys = nkeys;
    w->ro = ro;
    w->dbid = c->dbid;
    w->resp = c->resp;
    if (c->conn) {
        w->conn = c->conn;
        w->hole = conn_add_hole(c->conn);
        c->conn->barrier++;
        c->conn->inflight++;
    } else {
        c->blk->defer = whole_defer;
        c->blk->defer_arg = w;
    }
    (void)s;
    struct txn *t = txn_new(sh, 0, NULL, whole_granted, w);
    txn_whole(t);
    txn_hold(t);
    sh->coord_starting++;
    txn_start(t);
    sh->coord_starting--;
}

static int call_remote(lua_State *L, struct lua_shard *s, const struct command *cmd, int target, struct arg *argv,
                       int argc) {
    struct swhole *w = s->whole;
    struct shard *sh = w->sh;
    if (cmd->flags & CMD_WRITE) {
        s->wrote = 1; /* (on another shard: no undo) */
        note_write(s);
    }
    sh->whole_act = txn_id(w->t); /* it passes the whole-shard locks */
    xmsg_send_cmd(sh, target, XC_MAKE(w, XC_SCRIPT), cmd, s->dbid, s->resp, argc, argv, -1);
    sh->whole_act = 0;
    return lua_yield(L, 0);
}

/* Every part of a call split over the shards has replied. */
static void parts_done(struct gather *g) {
    struct swhole *w = g->priv;
    struct buf out = {0};
    gather_combine(g, &out);
    gather_free(g);
    script_call_reply(w, out.p ? out.p : "", out.len);
    buf_free(&out);
}

/* Run the parts of g: the other shards' go to them (passing the
 * whole-shard locks), this shard's runs now; the script waits. */
static int call_parts(lua_State *L, struct lua_shard *s, struct gather *g, struct arg *argv, int argc) {
    struct swhole *w = s->whole;
    struct shard *sh = w->sh;
    if (g->cmd->flags & CMD_WRITE) {
        s->wrote = 1; /* (on other shards: no undo) */
        note_write(s);
    }
    g->priv = w;
    g->done = parts_done;
    sh->whole_act = txn_id(w->t);
    for (int i = 0; i < g_nshards; i++) {
        struct gpart *p = &g->parts[i];
        if (!p->active || i == sh->id) continue;
        const struct arg *pa = p->args.len ? (const struct arg *)(const void *)p->args.p : argv;
        int pn = p->args.len ? (int)(p->args.len / sizeof(struct arg)) : argc;
        xmsg_send_cmd(sh, i, XC_MAKE(p, XC_PART), g->cmd, s->dbid, s->resp, pn, pa, -1);
    }
    sh->whole_act = 0;
    struct gpart *own = &g->parts[sh->id];
    if (own->active) {
        struct arg *pa = own->args.len ? (struct arg *)(void *)own->args.p : argv;
        int pn = own->args.len ? (int)(own->args.len / sizeof(struct arg)) : argc;
        struct client cl = {.sh = sh, .db = &sh->dbs[s->dbid], .dbid = s->dbid, .resp = s->resp, .argc = pn,
                            .argv = pa, .out = &own->reply, .cmd = g->cmd, .noblock = 1, .from_script = 1, .src = sh->id};
        exec_command(&cl);
        g->pending--; /* (never the last: a part is on another shard) */
    }
    return lua_yield(L, 0);
}

void script_call_reply(void *run, const char *p, size_t len) {
    struct swhole *w = run;
    struct lua_shard *s = w->sh->lua;
    lua_State *co = w->co;
    int n = 1;
    if (lua_status(co) != LUA_YIELD) {
        log_warning("script: a reply for a script that is not waiting (ignored)");
        return;
    }
    if (!push_reply(co, p, p + len, 0)) {
        lua_pushboolean(co, 0);
    } else if (len && p[0] == '-' && w->raise) {
        lua_pushboolean(co, 1); /* redis.call's wrapper raises it */
        n = 2;
    }
    whole_step(s, w, lua_resume(co, n));
}

static int l_call(lua_State *L) { return do_call(L, 1); }
static int l_pcall(lua_State *L) { return do_call(L, 0); }

static int l_sha1hex(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_err(L, "ERR wrong number of arguments");
    size_t len;
    const char *p = lua_tolstring(L, 1, &len);
    char hex[41];
    sha1hex(p ? p : "", p ? len : 0, hex);
    lua_pushstring(L, hex);
    return 1;
}

/* {err=...} as Redis 7.0's redis.error_reply makes it: a leading '-' goes,
 * and a message without an error code (no space in it) gets "ERR ". */
static int l_error_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) return push_err(L, "ERR wrong number or type of arguments");
    size_t len;
    const char *m = lua_tolstring(L, 1, &len);
    if (len && m[0] == '-') m++, len--;
    lua_newtable(L);
    if (memchr(m, ' ', len)) {
        lua_pushlstring(L, m, len);
    } else {
        lua_pushstring(L, "ERR ");
        lua_pushlstring(L, m, len);
        lua_concat(L, 2);
    }
    lua_setfield(L, -2, "err");
    return 1;
}

static int l_status_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) return push_err(L, "ERR wrong number or type of arguments");
    lua_newtable(L);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "ok");
    return 1;
}

int l_log(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc < 2) return raise_err(L, "ERR redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1)) return raise_err(L, "ERR First argument must be a number (log level).");
    int level = (int)lua_tonumber(L, 1);
    if (level < LL_DEBUG || level > LL_WARNING) return raise_err(L, "ERR Invalid debug level.");
    struct buf msg = {0};
    for (int i = 2; i <= argc; i++) {
        size_t len;
        const char *p = lua_tolstring(L, i, &len);
        if (!p) continue;
        if (i > 2) buf_putc(&msg, ' ');
        buf_put(&msg, p, len);
    }
    buf_putc(&msg, 0);
    log_msg(level, "%s", msg.p);
    buf_free(&msg);
    return 0;
}

static int l_setresp(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_err(L, "ERR redis.setresp() requires one argument.");
    int v = (int)lua_tonumber(L, 1);
    if (v != 2 && v != 3) return raise_err(L, "ERR RESP version must be 2 or 3.");
    ls_from_L(L)->resp = v;
    return 0;
}

static int l_set_repl(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_err(L, "ERR redis.set_repl() requires one argument.");
    int v = (int)lua_tonumber(L, 1);
    if (v < 0 || v > 3) return raise_err(L, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    return 0; /* (no replication yet: nothing to choose) */
}

static int l_true(lua_State *L) {
    lua_pushboolean(L, 1);
    return 1;
}

static int l_false(lua_State *L) {
    lua_pushboolean(L, 0);
    return 1;
}

static int l_nothing(lua_State *L) {
    (void)L;
    return 0;
}

static int l_acl_check_cmd(lua_State *L) {
    size_t len;
    const char *name = lua_gettop(L) >= 1 ? lua_tolstring(L, 1, &len) : NULL;
    if (!name || !command_lookup(name, len)) return raise_err(L, "ERR Invalid command passed to redis.acl_check_cmd()");
    lua_pushboolean(L, 1); /* (no ACL yet: the default user may run everything) */
    return 1;
}

/* Reading a global that does not exist, writing any global or library
 * table: Redis 7.0's errors (with the script's position, luaL_error). */
static int l_no_global(lua_State *L) {
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", lua_tostring(L, 2));
}

static int l_readonly(lua_State *L) { return luaL_error(L, "Attempt to modify a readonly table"); }

/* Replace the table at the top by an empty proxy reading from it and
 * refusing writes; `strict`: reading a missing name is an error. */
void make_readonly(lua_State *L, int strict) {
    int t = lua_gettop(L);
    if (strict) {
        lua_newtable(L);
        lua_pushcfunction(L, l_no_global);
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, t);
    }
    lua_newtable(L);      /* the proxy */
    lua_newtable(L);      /* its metatable */
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_replace(L, t);
}

static void open_lib(lua_State *L, lua_CFunction f, const char *name) {
    lua_pushcfunction(L, f);
    lua_pushstring(L, name);
    lua_call(L, 1, 0);
}

/* The shard ends: its Lua state goes (the libraries' own buffers with it,
 * which leak checkers could not see inside LuaJIT's memory). */
static void ls_close(struct shard *sh) {
    struct lua_shard *s = sh->lua;
    if (!s) return;
    lua_close(s->L);
    buf_free(&s->undo);
    buf_free(&s->scratch);
    free(s);
    sh->lua = NULL;
}

static struct lua_shard *ls_new(struct shard *sh) {
    sh->lua_close = ls_close;
    struct lua_shard *s = calloc(1, sizeof(*s));
    if (!s) abort();
    lua_State *L = luaL_newstate();
    if (!L) abort();
    s->L = L;
    s->resp = 2;
    rand_seed(s, 0);
    luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
    lua_sethook(L, busy_hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_pushlightuserdata(L, s);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_shard");
    open_lib(L, luaopen_base, "");
    open_lib(L, luaopen_table, LUA_TABLIBNAME);
    open_lib(L, luaopen_string, LUA_STRLIBNAME);
    open_lib(L, luaopen_math, LUA_MATHLIBNAME);
    open_lib(L, luaopen_bit, LUA_BITLIBNAME);
    lua_pushcfunction(L, luaopen_cjson);
    lua_call(L, 0, 1);
    lua_setglobal(L, "cjson");
    lua_pushcfunction(L, luaopen_cmsgpack);
    lua_call(L, 0, 1);
    lua_setglobal(L, "cmsgpack");
    lua_pushcfunction(L, luaopen_struct);
    lua_call(L, 0, 1);
    lua_setglobal(L, "struct");
    /* what Redis 7.0 leaves out of the sandbox */
    static const char *const gone[] = {"dofile", "loadfile", "print", "require", "module", "package", "jit",
                                       "newproxy", "gcinfo", "collectgarbage"};
    for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
        lua_pushnil(L);
        lua_setglobal(L, gone[i]);
    }
    lua_getglobal(L, "math");
    lua_pushcfunction(L, l_math_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, l_math_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    /* the redis table */
    static const luaL_Reg fns[] = {{"pcall", l_pcall},
                                   {"sha1hex", l_sha1hex},
                                   {"error_reply", l_error_reply},
                                   {"status_reply", l_status_reply},
                                   {"log", l_log},
                                   {"setresp", l_setresp},
                                   {"set_repl", l_set_repl},
                                   {"replicate_commands", l_true},
                                   {"breakpoint", l_false},
                                   {"debug", l_nothing},
                                   {"acl_check_cmd", l_acl_check_cmd},
                                   {NULL, NULL}};
    lua_newtable(L);
    for (const luaL_Reg *f = fns; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, -2, f->name);
    }
    lua_pushcfunction(L, l_call);
    lua_setfield(L, -2, "call");
    static const struct {
        const char *name;
        int v;
    } consts[] = {{"LOG_DEBUG", LL_DEBUG}, {"LOG_VERBOSE", LL_VERBOSE}, {"LOG_NOTICE", LL_NOTICE},
                  {"LOG_WARNING", LL_WARNING}, {"REPL_NONE", 0}, {"REPL_AOF", 1}, {"REPL_SLAVE", 2},
                  {"REPL_REPLICA", 2}, {"REPL_ALL", 3}};
    for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]); i++) {
        lua_pushnumber(L, consts[i].v);
        lua_setfield(L, -2, consts[i].name);
    }
    lua_pushstring(L, REDIS_COMPAT_VERSION);
    lua_setfield(L, -2, "REDIS_VERSION");
    {
        int a = 0, b = 0, c = 0;
        sscanf(REDIS_COMPAT_VERSION, "%d.%d.%d", &a, &b, &c);
        lua_pushnumber(L, (a << 16) | (b << 8) | c);
        lua_setfield(L, -2, "REDIS_VERSION_NUM");
    }
    lua_setglobal(L, "redis");
    /* pcall hands a script redis.call's error as its message, as Redis 7.0
     * does (a Lua function: a call that waits can yield through it) */
    static const char pc[] =
        "local pcall, type = ... "
        "local function fix(ok, e, ...) if not ok and type(e) == 'table' and e.err then return false, e.err end "
        "return ok, e, ... end "
        "return function(f, ...) return fix(pcall(f, ...)) end";
    if (luaL_loadbuffer(L, pc, sizeof(pc) - 1, "=redis_call")) abort();
    lua_getglobal(L, "pcall");
    lua_getglobal(L, "type");
    lua_call(L, 2, 1);
    lua_setglobal(L, "pcall");
    /* the libraries read-only, then the globals */
    static const char *const libs[] = {"redis", "string", "math", "table", "bit", "coroutine", "cjson", "cmsgpack", "struct"};
    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        lua_getglobal(L, libs[i]);
        if (lua_istable(L, -1)) {
            make_readonly(L, 0);
            lua_setglobal(L, libs[i]);
        } else {
            lua_pop(L, 1);
        }
    }
    /* the redis table of a script holding every shard: its redis.call is
     * a Lua function, as a call that waits for another shard (a yield)
     * hands its error back for Lua to raise (a C function cannot go on
     * after a yield); elsewhere redis.call is the C function itself, so an
     * error names the line that called it even from a tail call */
    static const char xrun[] = "local xpcall = ... return function(f, h, ...) return xpcall(f, h, ...) end";
    if (luaL_loadbuffer(L, xrun, sizeof(xrun) - 1, "=redis_call")) abort();
    lua_getglobal(L, "xpcall");
    lua_call(L, 1, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_xrun");
    lua_getglobal(L, "redis");
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_redis_c");
    lua_newtable(L);
    static const char wrap[] =
        "local c, error = ... return function(...) local v, e = c(...) if e then error(v, 0) end return v end";
    if (luaL_loadbuffer(L, wrap, sizeof(wrap) - 1, "=redis_call")) abort();
    lua_pushcfunction(L, l_call);
    lua_getglobal(L, "error");
    lua_call(L, 2, 1);
    lua_setfield(L, -2, "call");
    lua_newtable(L);
    lua_getglobal(L, "redis");
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    make_readonly(L, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_redis_w");
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_scripts");
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_flags");
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_globals");
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    s->real_g = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(L, err_handler);
    s->errh = luaL_ref(L, LUA_REGISTRYINDEX);
    for (int i = 0; i < FCACHE_SLOTS; i++) s->fc[i].ref = LUA_NOREF;
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    make_readonly(L, 1);
    lua_replace(L, LUA_GLOBALSINDEX);
    s->epoch = atomic_load(&reg_epoch);
    (void)sh;
    return s;
}

struct lua_shard *ls_get(struct shard *sh) {
    if (!sh->lua) sh->lua = ls_new(sh);
    struct lua_shard *s = sh->lua;
    unsigned e = atomic_load(&reg_epoch);
    if (s->epoch != e) {
        /* SCRIPT FLUSH somewhere: forget what was compiled here */
        lua_newtable(s->L);
        lua_setfield(s->L, LUA_REGISTRYINDEX, "__rs_scripts");
        lua_newtable(s->L);
        lua_setfield(s->L, LUA_REGISTRYINDEX, "__rs_flags");
        for (int i = 0; i < FCACHE_SLOTS; i++) {
            luaL_unref(s->L, LUA_REGISTRYINDEX, s->fc[i].ref);
            s->fc[i].ref = LUA_NOREF;
        }
        s->epoch = e;
    }
    return s;
}


/* Parse a shebang line at the start of body into *flags; 0 with Redis's
 * error in out if it is not one this engine takes. */
static int parse_shebang(const char *body, size_t len, int *flags, struct buf *out) {
    *flags = 0;
    if (len < 2 || body[0] != '#' || body[1] != '!') return 1;
    const char *nl = memchr(body, '\n', len);
    size_t ll = nl ? (size_t)(nl - body) : len;
    char line[512];
    if (ll >= sizeof(line)) ll = sizeof(line) - 1;
    memcpy(line, body, ll);
    line[ll] = 0;
    char *save = NULL, *tok = strtok_r(line, " ", &save);
    if (!tok || strcmp(tok, "#!lua")) {
        char msg[600];
        snprintf(msg, sizeof(msg), "ERR Unexpected engine in script shebang: %s", tok ? tok : line);
        reply_err_clean(out, msg, strlen(msg));
        return 0;
    }
    *flags = SF_SHEBANG;
    while ((tok = strtok_r(NULL, " ", &save))) {
        if (strncmp(tok, "flags=", 6)) {
            char msg[600];
            snprintf(msg, sizeof(msg), "ERR Unknown lua shebang option: %s", tok);
            reply_err_clean(out, msg, strlen(msg));
            return 0;
        }
        char *fsave = NULL;
        for (char *f = strtok_r(tok + 6, ",", &fsave); f; f = strtok_r(NULL, ",", &fsave)) {
            if (!strcmp(f, "no-writes")) *flags |= SF_NO_WRITES;
            else if (!strcmp(f, "allow-oom")) *flags |= SF_ALLOW_OOM;
            else if (strcmp(f, "allow-stale") && strcmp(f, "no-cluster") && strcmp(f, "allow-cross-slot-keys")) {
                /* (the last three change nothing without replicas or a cluster) */
                char msg[600];
                snprintf(msg, sizeof(msg), "ERR Unexpected flag in script shebang: %s", f);
                reply_err_clean(out, msg, strlen(msg));
                return 0;
            }
        }
    }
    return 1;
}

/* Push the compiled function of sha (compiling body if given, or the
 * registry's copy) and set *flags. Returns 1, or 0 with an error reply in
 * out. */
/* The cache slot of a SHA1 (lower-case hex): its first two digits. */
static struct fcache *fcache_slot(struct lua_shard *s, const char *sha) {
    unsigned v = 0;
    for (int i = 0; i < 2; i++) {
        char ch = sha[i];
        v = v * 16 + (unsigned)(ch >= 'a' ? ch - 'a' + 10 : ch - '0');
    }
    return &s->fc[v % FCACHE_SLOTS];
}

/* Remember the function at the top of L (compiled for sha, flags) in
 * sha's cache slot. */
static void fcache_put(struct lua_shard *s, const char *sha, int flags) {
    struct fcache *f = fcache_slot(s, sha);
    lua_State *L = s->L;
    luaL_unref(L, LUA_REGISTRYINDEX, f->ref);
    lua_pushvalue(L, -1);
    f->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    memcpy(f->sha, sha, 40);
    f->flags = flags;
}

static int get_function(struct lua_shard *s, const char *sha, const char *body, size_t len, int *flags,
                        struct buf *out) {
    lua_State *L = s->L;
    struct fcache *f = fcache_slot(s, sha);
    if (f->ref != LUA_NOREF && !memcmp(f->sha, sha, 40)) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
        *flags = f->flags;
        return 1;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_scripts");
    lua_getfield(L, -1, sha);
    if (lua_isfunction(L, -1)) {
        lua_remove(L, -2);
        lua_getfield(L, LUA_REGISTRYINDEX, "__rs_flags");
        lua_getfield(L, -1, sha);
        *flags = (int)lua_tonumber(L, -1);
        lua_pop(L, 2);
        fcache_put(s, sha, *flags);
        return 1;
    }
    lua_pop(L, 1);
    struct buf b = {0};
    if (!body) {
        if (!reg_get(sha, &b)) {
            lua_pop(L, 1);
            reply_error(out, "NOSCRIPT No matching script. Please use EVAL.");
            return 0;
        }
        body = b.p ? b.p : "";
        len = b.len;
    }
    if (!parse_shebang(body, len, flags, out)) {
        lua_pop(L, 1);
        buf_free(&b);
        return 0;
    }
    int rc;
    if (*flags) {
        /* the shebang line becomes a comment: line numbers stay */
        struct buf code = {0};
        buf_put(&code, "--", 2);
        buf_put(&code, body + 2, len - 2);
        rc = load_user_code(L, code.p, code.len, "@user_script");
        buf_free(&code);
    } else {
        rc = load_user_code(L, body, len, "@user_script");
    }
    if (rc) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "ERR Error compiling script (new function): %s", lua_tostring(L, -1));
        reply_err_clean(out, msg, strlen(msg));
        lua_pop(L, 2);
        buf_free(&b);
        return 0;
    }
    buf_free(&b);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, sha);
    lua_remove(L, -2);
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_flags");
    lua_pushnumber(L, *flags);
    lua_setfield(L, -2, sha);
    lua_pop(L, 1);
    fcache_put(s, sha, *flags);
    return 2; /* (compiled now) */
}

/* The error handler: where the error was raised (skipping C functions),
 * and the error as a table {err=, source=, line=}. */
int err_handler(lua_State *L) {
    lua_Debug ar;
    int have = 0;
    for (int lv = 1; lv < 4 && lua_getstack(L, lv, &ar); lv++) {
        lua_getinfo(L, "Sl", &ar);
        if (strcmp(ar.what, "C") && strcmp(ar.source, "=redis_call")) {
            have = 1;
            break;
        }
    }
    if (!lua_istable(L, 1)) {
        const char *m = lua_tostring(L, 1);
        lua_newtable(L);
        lua_pushfstring(L, "ERR %s", m ? m : "unknown error");
        lua_setfield(L, -2, "err");
        lua_replace(L, 1);
    }
    if (have) {
        lua_pushstring(L, ar.source);
        lua_setfield(L, 1, "source");
        lua_pushnumber(L, ar.currentline);
        lua_setfield(L, 1, "line");
    }
    lua_settop(L, 1);
    return 1;
}

/* Set KEYS and ARGV in the real globals. */
static void set_args(struct lua_shard *s, const char *name, const struct arg *v, int n) {
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->real_g);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushlstring(L, v[i].p, v[i].len);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* The error of a script as Redis 7.0 words it, from the error table at
 * the top of L (or a plain message). */
static void reply_lua_error(struct client *c, lua_State *L, const char *sha, int have, const char *src, int line) {
    struct buf e = {0};
    char tail[128];
    if (lua_istable(L, -1)) {
        size_t len;
        const char *m = field_str(L, lua_gettop(L), "err", &len);
        if (!have) {
            src = field_str(L, lua_gettop(L), "source", &len);
            lua_getfield(L, -1, "line");
            line = (int)lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        if (m) buf_put(&e, m, strlen(m));
        else buf_put(&e, "ERR unknown error", 17);
    } else {
        const char *m = lua_tostring(L, -1);
        buf_put(&e, "ERR ", 4);
        buf_put(&e, m ? m : "unknown error", strlen(m ? m : "unknown error"));
    }
    int tl = src ? snprintf(tail, sizeof(tail), " script: %s, on %s:%d.", sha, src, line)
                 : snprintf(tail, sizeof(tail), " script: %s", sha);
    buf_put(&e, tail, (size_t)tl);
    reply_err_clean(c->out, e.p, e.len);
    buf_putc(&e, 0);
    stats_count_error(c->sh, e.p);
    buf_free(&e);
}

/* Set a function's two arguments (KEYS and ARGV as tables) on L. */
static void push_fn_args(lua_State *L, const struct arg *keys, int nkeys, const struct arg *args, int nargs) {
    lua_createtable(L, nkeys, 0);
    for (int i = 0; i < nkeys; i++) {
        lua_pushlstring(L, keys[i].p, keys[i].len);
        lua_rawseti(L, -2, i + 1);
    }
    lua_createtable(L, nargs, 0);
    for (int i = 0; i < nargs; i++) {
        lua_pushlstring(L, args[i].p, args[i].len);
        lua_rawseti(L, -2, i + 1);
    }
}

/* A function sees no KEYS and ARGV globals (an EVAL before it set them). */
static void clear_args(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_globals");
    lua_pushnil(L);
    lua_setfield(L, -2, "KEYS");
    lua_pushnil(L);
    lua_setfield(L, -2, "ARGV");
    lua_pop(L, 1);
}

/* Run the function at the top of the stack for client c. */
static void run(struct lua_shard *s, struct client *c, const char *name, int fn, const struct arg *keys, int nkeys,
                const struct arg *args, int nargs, int ro) {
    lua_State *L = s->L;
    int base = lua_gettop(L); /* the function */
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->errh);
    lua_insert(L, base);
    if (fn) {
        clear_args(L);
        push_fn_args(L, keys, nkeys, args, nargs);
    } else {
        set_args(s, "KEYS", keys, nkeys);
        set_args(s, "ARGV", args, nargs);
    }
    s->c = c;
    s->ro = ro;
    s->resp = 2;
    s->dbid = c->dbid;
    s->keys = keys;
    s->nkeys = nkeys;
    s->wrote = 0;
    s->escalate = 0;
    s->undo.len = 0;
    s->nundo = 0;
    /* its reply can wait: a client's own command, or a request of another
     * shard (not an EXEC's body, nor the coordinator's copies) */
    s->can_defer = g_nshards > 1 && (c->db_for ? c->blk && c->blk->restart_ok
                                               : (c->conn ? c->out == &c->conn->out : c->blk != NULL));
    s->fn = fn;
    s->dirty = 0;
    s->start_ms = mstime();
    int rc = lua_pcall(L, fn ? 2 : 0, 1, base);
    busy_end(s);
    s->c = NULL;
    if (s->escalate) {
        /* it wants a key of another shard: run it again holding them all */
        lua_settop(L, base - 1);
        s->escalate = 0;
        if (c->db_for) c->blk->restarted = 1; /* the coordinator drops its copies */
        whole_start(s, c, name, fn, nkeys, ro);
        return;
    }
    if (rc == 0) {
        script_resp = s->resp;
        reply_from_lua(L, lua_gettop(L), c->out, c->resp, 0);
    } else {
        reply_lua_error(c, L, name, 0, NULL, 0);
    }
    lua_settop(L, base - 1);
}

void script_start(struct lua_shard *s, struct client *c, const char *name, int fn, int flags, int ro, int nkeys) {
    struct shard *sh = c->sh;
    if (ro && (flags & (SF_SHEBANG | SF_NO_WRITES)) == SF_SHEBANG) {
        lua_pop(s->L, 1);
        reply_error(c->out, "ERR Can not execute a script with write flag using *_ro command.");
        return;
    }
    /* a script with flags that may write is refused out of memory, as a
     * command that may grow memory is */
    if ((flags & SF_SHEBANG) && !(flags & (SF_NO_WRITES | SF_ALLOW_OOM)) && !ro && sh->cfg.maxmemory > 0 &&
        evict_perform(sh) == EVICT_FAIL) {
        lua_pop(s->L, 1);
        stats_count_error(sh, ERR_OOM);
        reply_error(c->out, ERR_OOM);
        return;
    }
    s->allow_oom = (flags & SF_ALLOW_OOM) != 0;
    if (c->conn && sh->whole_act && g_nshards > 1 && c->out == &c->conn->out) {
        /* in the body of an EXEC holding every shard (multi.c): the
         * script runs with all of them from the start, passing the EXEC's
         * locks, and the body goes on once it is done */
        lua_pop(s->L, 1);
        whole_start(s, c, name, fn, nkeys, ro || (flags & SF_NO_WRITES));
        return;
    }
    run(s, c, name, fn, c->argv + 3, nkeys, c->argv + 3 + nkeys, c->argc - 3 - nkeys, ro || (flags & SF_NO_WRITES));
}

int eval_keys(const struct arg *argv, int argc, int *pos, int max) {
    long long n;
    if (argc < 3 || !str_to_ll(argv[2].p, argv[2].len, &n) || n < 0 || n > argc - 3) return 0;
    int k = 0;
    for (long long i = 0; i < n && k < max; i++) pos[k++] = 3 + (int)i;
    return k;
}

/* EVAL script numkeys key... arg... (and EVALSHA, the _RO forms). */
static void eval_generic(struct client *c, int by_sha, int ro) {
    long long n;
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &n)) {
        reply_error(c->out, "ERR value is not an integer or out of range");
        return;
    }
    if (n < 0) {
        reply_error(c->out, "ERR Number of keys can't be negative");
        return;
    }
    if (n > c->argc - 3) {
        reply_error(c->out, "ERR Number of keys can't be greater than number of args");
        return;
    }
    struct lua_shard *s = ls_get(c->sh);
    char sha[41];
    const char *body = NULL;
    size_t blen = 0;
    if (by_sha) {
        size_t l = c->argv[1].len < 40 ? c->argv[1].len : 40;
        for (size_t i = 0; i < l; i++) sha[i] = (char)tolower((unsigned char)c->argv[1].p[i]);
        sha[l] = 0;
        if (l != 40) {
            reply_error(c->out, "NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
    } else {
        body = c->argv[1].p;
        blen = c->argv[1].len;
        sha1hex(body, blen, sha);
    }
    int flags;
    int got = get_function(s, sha, body, blen, &flags, c->out);
    if (!got) return;
    /* (a body this shard had compiled is in the registry already) */
    if (!by_sha && got == 2) reg_add(sha, body, blen);
    script_start(s, c, sha, 0, flags, ro, (int)n);
}

void eval_command(struct client *c) { eval_generic(c, 0, 0); }
void evalsha_command(struct client *c) { eval_generic(c, 1, 0); }
void eval_ro_command(struct client *c) { eval_generic(c, 0, 1); }
void evalsha_ro_command(struct client *c) { eval_generic(c, 1, 1); }

/* ---- SCRIPT ---- */

void script_load_command(struct client *c) {
    struct lua_shard *s = ls_get(c->sh);
    char sha[41];
    sha1hex(c->argv[2].p, c->argv[2].len, sha);
    struct buf err = {0};
    int flags;
    if (!get_function(s, sha, c->argv[2].p, c->argv[2].len, &flags, &err)) {
        buf_put(c->out, err.p, err.len);
        buf_free(&err);
        return;
    }
    lua_pop(s->L, 1);
    reg_add(sha, c->argv[2].p, c->argv[2].len);
    reply_bulk(c->out, sha, 40);
}

void script_exists_command(struct client *c) {
    reply_array(c->out, c->argc - 2);
    struct buf tmp = {0};
    for (int i = 2; i < c->argc; i++) {
        char sha[41];
        size_t l = c->argv[i].len;
        int ok = l == 40;
        for (size_t j = 0; ok && j < 40; j++) sha[j] = (char)tolower((unsigned char)c->argv[i].p[j]);
        sha[40] = 0;
        tmp.len = 0;
        reply_int(c->out, ok && reg_get(sha, &tmp));
    }
    buf_free(&tmp);
}

void script_flush_command(struct client *c) {
    if (c->argc > 3 || (c->argc == 3 && !ARG_IS(c->argv[2], "async") && !ARG_IS(c->argv[2], "sync"))) {
        reply_error(c->out, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        return;
    }
    reg_flush();
    reply_ok(c->out);
}

void script_kill_command(struct client *c) { script_kill(c, 1); }

/* SCRIPT DEBUG: NO is the only mode here (no Lua debugger). */
void script_debug_command(struct client *c) {
    const struct arg *m = &c->argv[2];
    if (str_ieq(m->p, m->len, "no")) reply_ok(c->out);
    else if (str_ieq(m->p, m->len, "yes") || str_ieq(m->p, m->len, "sync"))
        reply_error(c->out, "ERR SCRIPT DEBUG YES/SYNC is not supported by this server: it has no Lua debugger");
    else reply_error(c->out, "ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

void script_help_command(struct client *c) {
    static const char *const lines[] = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
        NULL};
    reply_help(c->out, lines);
}
