/*
 * function.c - Redis 7.0's functions: FUNCTION LOAD / DELETE / FLUSH /
 * LIST / DUMP / RESTORE / STATS / KILL / HELP and FCALL, FCALL_RO.
 *
 * The libraries are the server's: one registry (name, code, and what the
 * code registered) under a mutex, written by FUNCTION LOAD, DELETE, FLUSH
 * and RESTORE, each of which bumps an epoch. A shard's Lua state keeps the
 * callbacks of every library (name -> function, flags) and loads them all
 * again when it sees a newer epoch, at its next FCALL.
 *
 * Loading a library runs its code once, as Redis 7.0 does: the code sees
 * only `redis` with register_function, log, the LOG_ levels and the
 * version; its environment is a proxy whose __index is switched to the
 * script globals once the code has run, so the callbacks it registered
 * see what an EVAL sees (and redis.register_function no longer exists).
 * A function runs like an EVAL's body (script_start): same routing by its
 * declared keys, same atomicity, same escalation to every shard.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "../log.h"
#include "../persist/rdbcodec.h"
#include "../resp/reply.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../util/glob.h"
#include "../util/util.h"
#include "luastate.h"

/* Flags shown by FUNCTION LIST that change nothing here (no replicas, no
 * cluster yet). */
enum { FF_ALLOW_STALE = 8, FF_NO_CLUSTER = 16, FF_CROSS_SLOT = 32 };

static const struct {
    const char *name;
    int bit;
} fn_flags[] = {{"no-writes", SF_NO_WRITES},
                {"allow-oom", SF_ALLOW_OOM},
                {"allow-stale", FF_ALLOW_STALE},
                {"no-cluster", FF_NO_CLUSTER},
                {"allow-cross-slot-keys", FF_CROSS_SLOT}};
#define NFLAGS (sizeof(fn_flags) / sizeof(fn_flags[0]))

/* ---- the server's registry of libraries ---- */

struct ffn {
    char *name;
    char *desc; /* NULL: none */
    int flags;
};

struct flib {
    struct flib *next;
    char *name;
    char *code;
    size_t len;
    int nfn;
    struct ffn *fns;
};

static struct {
    pthread_mutex_t mu;
    struct flib *head; /* in the order loaded */
} freg = {.mu = PTHREAD_MUTEX_INITIALIZER};
static _Atomic unsigned fn_epoch = 1;

unsigned function_epoch(void) { return atomic_load(&fn_epoch); }

static void lib_free(struct flib *l) {
    if (!l) return;
    for (int i = 0; i < l->nfn; i++) {
        free(l->fns[i].name);
        free(l->fns[i].desc);
    }
    free(l->fns);
    free(l->name);
    free(l->code);
    free(l);
}

static void libs_free(struct flib *l) {
    for (struct flib *n; l; l = n) {
        n = l->next;
        lib_free(l);
    }
}

void function_stats(long *nlibs, long *nfns, long long *bytes) {
    long nl = 0, nf = 0;
    long long b = 0;
    pthread_mutex_lock(&freg.mu);
    for (struct flib *l = freg.head; l; l = l->next) {
        nl++;
        nf += l->nfn;
        b += (long long)l->len;
    }
    pthread_mutex_unlock(&freg.mu);
    *nlibs = nl;
    *nfns = nf;
    *bytes = b;
}

static int name_ok(const char *p, size_t len) {
    if (len == 0) return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)p[i]) && p[i] != '_') return 0;
    return 1;
}

static const char ERR_NAME[] = "ERR Library names can only contain letters, numbers, or underscores(_) and "
                               "must be at least one character long";

/* ---- a library's first line: "#!<engine> name=<name>" ---- */

/* The library's name from code's first line into name (NUL-terminated);
 * 0 with Redis's error in err otherwise. */
static int parse_meta(const char *code, size_t len, char *name, size_t cap, char *err, size_t errcap) {
    if (len < 2 || code[0] != '#' || code[1] != '!') {
        snprintf(err, errcap, "ERR Missing library metadata");
        return 0;
    }
    const char *nl = memchr(code, '\n', len);
    if (!nl) {
        snprintf(err, errcap, "ERR Invalid library metadata");
        return 0;
    }
    const char *p = code + 2, *end = nl;
    const char *eng = p;
    while (p < end && !isspace((unsigned char)*p)) p++;
    size_t englen = (size_t)(p - eng);
    int have = 0;
    for (;;) {
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p >= end) break;
        const char *t = p;
        while (p < end && !isspace((unsigned char)*p)) p++;
        size_t tl = (size_t)(p - t);
        if (tl < 5 || memcmp(t, "name=", 5)) {
            snprintf(err, errcap, "ERR Invalid metadata value given: %.*s", (int)tl, t);
            return 0;
        }
        if (have) {
            snprintf(err, errcap, "ERR Invalid metadata value, name argument was given multiple times");
            return 0;
        }
        have = 1;
        size_t nlen = tl - 5 < cap - 1 ? tl - 5 : cap - 1;
        memcpy(name, t + 5, nlen);
        name[nlen] = 0;
        if (nlen != tl - 5) name[0] = '-'; /* too long to be a name we keep: refused below */
    }
    if (!have) {
        snprintf(err, errcap, "ERR Library name was not given");
        return 0;
    }
    if (!name_ok(name, strlen(name))) {
        snprintf(err, errcap, "%s", ERR_NAME);
        return 0;
    }
    if (!str_ieq(eng, englen, "lua")) {
        snprintf(err, errcap, "ERR Engine '%.*s' not found", (int)englen, eng);
        return 0;
    }
    return 1;
}

/* ---- loading a library into a Lua state ---- */

static int l_readonly_fn(lua_State *L) { return luaL_error(L, "Attempt to modify a readonly table"); }

/* redis.register_function(name, callback) or ({function_name=, callback=,
 * flags=, description=}): add an entry to the registry's __rs_loading. */
static int l_register_function(lua_State *L) {
    int argc = lua_gettop(L);
    int name_i = 0, cb_i = 0, desc_i = 0, flags = 0;
    if (argc == 1) {
        if (!lua_istable(L, 1))
            return raise_err(
                L, "ERR calling redis.register_function with a single argument is only applicable to "
                   "Lua table (representing named arguments).");
        /* slots 2, 3, 4: the name, the callback, the description */
        lua_settop(L, 4);
        lua_pushnil(L);
        while (lua_next(L, 1)) {
            /* key at -2, value at -1 */
            if (lua_type(L, -2) != LUA_TSTRING)
                return raise_err(L,
                                 "ERR named argument key given to redis.register_function is not a string");
            size_t kl;
            const char *k = lua_tolstring(L, -2, &kl);
            int slot = 0;
            if (str_ieq(k, kl, "function_name")) {
                if (!lua_isstring(L, -1))
                    return raise_err(
                        L, "ERR function_name argument given to redis.register_function must be a string");
                slot = name_i = 2;
            } else if (str_ieq(k, kl, "description")) {
                if (!lua_isstring(L, -1))
                    return raise_err(
                        L, "ERR description argument given to redis.register_function must be a string");
                slot = desc_i = 4;
            } else if (str_ieq(k, kl, "callback")) {
                if (!lua_isfunction(L, -1))
                    return raise_err(
                        L, "ERR callback argument given to redis.register_function must be a function");
                slot = cb_i = 3;
            } else if (str_ieq(k, kl, "flags")) {
                if (!lua_istable(L, -1))
                    return raise_err(L, "ERR flags argument to redis.register_function must be a table "
                                        "representing function flags");
                int ft = lua_gettop(L);
                lua_pushnil(L);
                while (lua_next(L, ft)) {
                    size_t fl = 0;
                    const char *f = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &fl) : NULL;
                    size_t j = 0;
                    while (f && j < NFLAGS &&
                           !(strlen(fn_flags[j].name) == fl && !memcmp(f, fn_flags[j].name, fl)))
                        j++;
                    if (!f || j == NFLAGS) return raise_err(L, "ERR unknown flag given");
                    flags |= fn_flags[j].bit;
                    lua_pop(L, 1);
                }
            } else {
                return raise_err(L, "ERR unknown argument given to redis.register_function");
            }
            if (slot)
                lua_replace(L, slot);
            else
                lua_pop(L, 1);
        }
        if (!name_i) return raise_err(L, "ERR redis.register_function must get a function name argument");
        if (!cb_i) return raise_err(L, "ERR redis.register_function must get a callback argument");
    } else if (argc == 2) {
        if (!lua_isstring(L, 1))
            return raise_err(L, "ERR first argument to redis.register_function must be a string");
        if (!lua_isfunction(L, 2))
            return raise_err(L, "ERR second argument to redis.register_function must be a function");
        name_i = 1;
        cb_i = 2;
    } else {
        return raise_err(L, "ERR wrong number of arguments to redis.register_function");
    }
    size_t nl;
    const char *name = lua_tolstring(L, name_i, &nl); /* (a number becomes its string) */
    if (!name_ok(name, nl)) return raise_err(L, ERR_NAME);
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_loading");
    if (!lua_istable(L, -1))
        return raise_err(L, "ERR redis.register_function can only be called on FUNCTION LOAD command");
    int tab = lua_gettop(L);
    int n = (int)lua_objlen(L, tab);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, tab, i);
        lua_getfield(L, -1, "name");
        size_t ol;
        const char *o = lua_tolstring(L, -1, &ol);
        int same = ol == nl && !strncasecmp(o, name, nl);
        lua_pop(L, 2);
        if (same) return raise_err(L, "ERR Function already exists in the library");
    }
    lua_createtable(L, 0, 4);
    lua_pushlstring(L, name, nl);
    lua_setfield(L, -2, "name");
    lua_pushvalue(L, cb_i);
    lua_setfield(L, -2, "cb");
    lua_pushnumber(L, flags);
    lua_setfield(L, -2, "flags");
    if (desc_i) {
        lua_pushvalue(L, desc_i);
        lua_setfield(L, -2, "desc");
    }
    lua_rawseti(L, tab, n + 1);
    return 0;
}

/* The table a library's code sees as its globals while it loads: only
 * `redis`, with what Redis 7.0 allows there. Kept in the registry. */
static void push_loadapi(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_loadapi");
    if (lua_istable(L, -1)) return;
    lua_pop(L, 1);
    lua_newtable(L); /* the globals */
    lua_newtable(L); /* redis */
    lua_pushcfunction(L, l_register_function);
    lua_setfield(L, -2, "register_function");
    lua_pushcfunction(L, l_log);
    lua_setfield(L, -2, "log");
    /* the levels and the version, from the script API's redis table */
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_globals");
    lua_getfield(L, -1, "redis");
    static const char *const copy[] = {"LOG_DEBUG",   "LOG_VERBOSE",   "LOG_NOTICE",
                                       "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"};
    for (size_t i = 0; i < sizeof(copy) / sizeof(copy[0]); i++) {
        lua_getfield(L, -1, copy[i]);
        lua_setfield(L, -4, copy[i]);
    }
    lua_pop(L, 2);
    make_readonly(L, 1);
    lua_setfield(L, -2, "redis");
    make_readonly(L, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_loadapi");
}

/* Load the library whose code is given into s: on success 1, with the
 * array of what it registered ({name, cb, flags, desc}) pushed; 0 with
 * Redis's error in err. The metadata line is checked before. */
static int lib_load(struct lua_shard *s, const char *code, size_t len, char *err, size_t errcap) {
    lua_State *L = s->L;
    int top = lua_gettop(L);
    /* the first line becomes a comment: line numbers stay */
    struct buf b = {0};
    buf_put(&b, "--", 2);
    buf_put(&b, code + 2, len - 2);
    int rc = load_user_code(L, b.p, b.len, "@user_function");
    buf_free(&b);
    if (rc) {
        snprintf(err, errcap, "ERR Error compiling function: %s", lua_tostring(L, -1));
        lua_settop(L, top);
        return 0;
    }
    int chunk = lua_gettop(L);
    /* its environment: a proxy reading the load API for now */
    lua_newtable(L); /* env */
    lua_newtable(L); /* its metatable */
    push_loadapi(L);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_readonly_fn);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    int meta = lua_gettop(L);
    lua_pushvalue(L, -1);
    lua_setmetatable(L, -3);
    lua_pushvalue(L, -2);
    lua_setfenv(L, chunk);
    /* [chunk env meta] */
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_loading");
    int entries = lua_gettop(L);
    lua_pushcfunction(L, err_handler);
    lua_pushvalue(L, chunk);
    s->load_deadline = mstime() + 500;
    rc = lua_pcall(L, 0, 0, entries + 1);
    s->load_deadline = 0;
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_loading");
    if (rc) {
        const char *m = NULL;
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            m = lua_tostring(L, -1);
        } else {
            m = lua_tostring(L, -1);
        }
        snprintf(err, errcap, "ERR Error registering functions: %s", m ? m : "ERR unknown error");
        lua_settop(L, top);
        return 0;
    }
    lua_settop(L, entries);
    if (lua_objlen(L, entries) == 0) {
        snprintf(err, errcap, "ERR No functions registered");
        lua_settop(L, top);
        return 0;
    }
    /* from now on the library reads the globals every script reads */
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_setfield(L, meta, "__index");
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    return 1;
}

/* A library's entry for the registry, from the array at the top of L. */
static struct flib *lib_from_entries(lua_State *L, const char *name, const char *code, size_t len) {
    struct flib *l = calloc(1, sizeof(*l));
    if (!l) abort();
    l->name = strdup(name);
    l->code = malloc(len + 1);
    if (!l->name || !l->code) abort();
    memcpy(l->code, code, len);
    l->code[len] = 0;
    l->len = len;
    int n = (int)lua_objlen(L, -1);
    l->fns = calloc((size_t)n, sizeof(*l->fns));
    if (!l->fns) abort();
    l->nfn = n;
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, -1, i + 1);
        lua_getfield(L, -1, "name");
        l->fns[i].name = strdup(lua_tostring(L, -1));
        lua_getfield(L, -2, "desc");
        if (lua_isstring(L, -1)) l->fns[i].desc = strdup(lua_tostring(L, -1));
        lua_getfield(L, -3, "flags");
        l->fns[i].flags = (int)lua_tonumber(L, -1);
        lua_pop(L, 4);
    }
    return l;
}

static void lower_key(lua_State *L, const char *name, size_t len) {
    char small[128];
    small[0] = 0;
    char *p = len < sizeof(small) ? small : malloc(len);
    if (!p) abort();
    for (size_t i = 0; i < len; i++) p[i] = (char)tolower((unsigned char)name[i]);
    lua_pushlstring(L, p, len);
    if (p != small) free(p);
}

void function_sync(struct lua_shard *s) {
    lua_State *L = s->L;
    /* a copy of the codes, taken with the epoch they belong to */
    struct buf codes = {0};
    int n = 0;
    pthread_mutex_lock(&freg.mu);
    unsigned e = atomic_load(&fn_epoch);
    for (struct flib *l = freg.head; l; l = l->next) {
        buf_put(&codes, &l->len, sizeof(l->len));
        buf_put(&codes, l->code, l->len);
        n++;
    }
    pthread_mutex_unlock(&freg.mu);
    lua_newtable(L); /* lower name -> {callback, flags, name} */
    int fns = lua_gettop(L);
    const char *p = codes.p;
    for (int i = 0; i < n; i++) {
        size_t len;
        memcpy(&len, p, sizeof(len));
        p += sizeof(len);
        char err[512];
        if (!lib_load(s, p, len, err, sizeof(err))) {
            log_warning("function: a library of the registry did not load here: %s", err);
        } else {
            int m = (int)lua_objlen(L, -1);
            for (int j = 1; j <= m; j++) {
                lua_rawgeti(L, -1, j);
                lua_getfield(L, -1, "name");
                size_t nl;
                const char *name = lua_tolstring(L, -1, &nl);
                lower_key(L, name, nl);
                lua_createtable(L, 3, 0);
                lua_getfield(L, -4, "cb");
                lua_rawseti(L, -2, 1);
                lua_getfield(L, -4, "flags");
                lua_rawseti(L, -2, 2);
                lua_pushvalue(L, -3);
                lua_rawseti(L, -2, 3);
                lua_rawset(L, fns);
                lua_pop(L, 2);
            }
            lua_pop(L, 1);
        }
        p += len;
    }
    buf_free(&codes);
    lua_setfield(L, LUA_REGISTRYINDEX, "__rs_fns");
    s->fn_epoch = e;
}

int function_push(struct lua_shard *s, const char *name, size_t len, int *flags, char *reg_name, size_t cap) {
    lua_State *L = s->L;
    if (s->fn_epoch != atomic_load(&fn_epoch)) function_sync(s);
    lua_getfield(L, LUA_REGISTRYINDEX, "__rs_fns");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    lower_key(L, name, len);
    lua_rawget(L, -2);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 2);
        return 0;
    }
    int t = lua_gettop(L);
    lua_rawgeti(L, t, 2);
    *flags = (int)lua_tonumber(L, -1) | SF_SHEBANG; /* (a function always has flags) */
    lua_pop(L, 1);
    if (reg_name) {
        /* its name as registered, for its errors */
        lua_rawgeti(L, t, 3);
        size_t l = 0;
        const char *p = lua_tolstring(L, -1, &l);
        if (!p) {
            p = name;
            l = len;
        }
        if (l >= cap) l = cap - 1;
        memcpy(reg_name, p, l);
        reg_name[l] = 0;
        lua_pop(L, 1);
    }
    lua_rawgeti(L, t, 1);
    lua_replace(L, t - 1); /* the callback where the table of functions was */
    lua_settop(L, t - 1);
    return 1;
}

/* ---- changing the registry ---- */

static struct flib **lib_find(const char *name) {
    struct flib **pp = &freg.head;
    while (*pp && strcmp((*pp)->name, name)) pp = &(*pp)->next;
    return pp;
}

/* A function of `l` that a library of the registry other than `except`
 * (or one of `more`, a list) already has; NULL if none. With freg.mu. */
static const char *fn_clash(const struct flib *l, const struct flib *skip_a, const struct flib *list) {
    for (const struct flib *o = list; o; o = o->next) {
        if (o == l || o == skip_a) continue;
        for (int i = 0; i < l->nfn; i++)
            for (int j = 0; j < o->nfn; j++)
                if (!strcasecmp(l->fns[i].name, o->fns[j].name)) return l->fns[i].name;
    }
    return NULL;
}

/* Check a library's code on this shard's state: a registry entry, or NULL
 * with the error in err. */
static struct flib *lib_check(struct shard *sh, const char *code, size_t len, char *err, size_t errcap,
                              int replace) {
    char name[256];
    if (!parse_meta(code, len, name, sizeof(name), err, errcap)) return NULL;
    if (replace >= 0) {
        /* FUNCTION LOAD: an existing name is refused before the code runs */
        pthread_mutex_lock(&freg.mu);
        int exists = *lib_find(name) != NULL;
        pthread_mutex_unlock(&freg.mu);
        if (exists && !replace) {
            snprintf(err, errcap, "ERR Library '%s' already exists", name);
            return NULL;
        }
    }
    struct lua_shard *s = ls_get(sh);
    if (!lib_load(s, code, len, err, errcap)) return NULL;
    struct flib *l = lib_from_entries(s->L, name, code, len);
    lua_pop(s->L, 1);
    return l;
}

void function_load_command(struct client *c) {
    int replace = 0;
    if (c->argc > 4 || (c->argc == 4 && !ARG_IS(c->argv[2], "replace"))) {
        reply_errorf(c->out, "ERR Unknown option given: %.*s", (int)c->argv[2].len, c->argv[2].p);
        return;
    }
    if (c->argc == 4) replace = 1;
    const struct arg *code = &c->argv[c->argc - 1];
    char err[1024];
    struct flib *l = lib_check(c->sh, code->p, code->len, err, sizeof(err), replace);
    if (!l) {
        reply_err_clean(c->out, err, strlen(err));
        return;
    }
    pthread_mutex_lock(&freg.mu);
    struct flib **pp = lib_find(l->name);
    const char *clash = NULL;
    if (*pp && !replace) {
        snprintf(err, sizeof(err), "ERR Library '%s' already exists", l->name);
    } else if ((clash = fn_clash(l, *pp, freg.head))) {
        snprintf(err, sizeof(err), "ERR Function %s already exists", clash);
    } else {
        err[0] = 0;
        if (*pp) {
            /* REPLACE: in the old one's place */
            struct flib *old = *pp;
            l->next = old->next;
            *pp = l;
            lib_free(old);
        } else {
            *pp = l;
        }
        atomic_fetch_add(&fn_epoch, 1);
    }
    pthread_mutex_unlock(&freg.mu);
    if (err[0]) {
        reply_err_clean(c->out, err, strlen(err));
        lib_free(l);
        return;
    }
    reply_bulkc(c->out, l->name);
}

void function_delete_command(struct client *c) {
    char name[256];
    size_t nl = c->argv[2].len < sizeof(name) - 1 ? c->argv[2].len : sizeof(name) - 1;
    memcpy(name, c->argv[2].p, nl);
    name[nl] = 0;
    pthread_mutex_lock(&freg.mu);
    struct flib **pp = lib_find(name);
    struct flib *l = *pp;
    if (l && nl == c->argv[2].len) {
        *pp = l->next;
        atomic_fetch_add(&fn_epoch, 1);
    } else {
        l = NULL;
    }
    pthread_mutex_unlock(&freg.mu);
    if (!l) {
        reply_error(c->out, "ERR Library not found");
        return;
    }
    lib_free(l);
    reply_ok(c->out);
}

static void flush_all(void) {
    pthread_mutex_lock(&freg.mu);
    struct flib *all = freg.head;
    freg.head = NULL;
    atomic_fetch_add(&fn_epoch, 1);
    pthread_mutex_unlock(&freg.mu);
    libs_free(all);
}

void function_flush_command(struct client *c) {
    if (c->argc > 3 || (c->argc == 3 && !ARG_IS(c->argv[2], "async") && !ARG_IS(c->argv[2], "sync"))) {
        reply_error(c->out, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        return;
    }
    flush_all();
    reply_ok(c->out);
}

void function_list_command(struct client *c) {
    int withcode = 0;
    const struct arg *pat = NULL;
    for (int i = 2; i < c->argc; i++) {
        if (ARG_IS(c->argv[i], "withcode") && !withcode) {
            withcode = 1;
        } else if (ARG_IS(c->argv[i], "libraryname") && !pat) {
            if (i + 1 >= c->argc) {
                reply_error(c->out, "ERR library name argument was not given");
                return;
            }
            pat = &c->argv[++i];
        } else {
            reply_errorf(c->out, "ERR Unknown argument %.*s", (int)c->argv[i].len, c->argv[i].p);
            return;
        }
    }
    int resp = c->resp;
    struct buf body = {0};
    long n = 0;
    pthread_mutex_lock(&freg.mu);
    for (struct flib *l = freg.head; l; l = l->next) {
        if (pat && !glob_match(pat->p, pat->len, l->name, strlen(l->name), 1)) continue;
        n++;
        reply_map(&body, resp, withcode ? 4 : 3);
        reply_bulkc(&body, "library_name");
        reply_bulkc(&body, l->name);
        reply_bulkc(&body, "engine");
        reply_bulkc(&body, "LUA");
        reply_bulkc(&body, "functions");
        reply_array(&body, l->nfn);
        for (int i = 0; i < l->nfn; i++) {
            const struct ffn *f = &l->fns[i];
            reply_map(&body, resp, 3);
            reply_bulkc(&body, "name");
            reply_bulkc(&body, f->name);
            reply_bulkc(&body, "description");
            if (f->desc)
                reply_bulkc(&body, f->desc);
            else
                reply_null(&body, resp);
            reply_bulkc(&body, "flags");
            int nf = 0;
            for (size_t j = 0; j < NFLAGS; j++) nf += (f->flags & fn_flags[j].bit) != 0;
            reply_set(&body, resp, nf);
            for (size_t j = 0; j < NFLAGS; j++)
                if (f->flags & fn_flags[j].bit) reply_simple(&body, fn_flags[j].name);
        }
        if (withcode) {
            reply_bulkc(&body, "library_code");
            reply_bulk(&body, l->code, l->len);
        }
    }
    pthread_mutex_unlock(&freg.mu);
    reply_array(c->out, n);
    buf_put(c->out, body.p, body.len);
    buf_free(&body);
}

void function_stats_command(struct client *c) {
    long nl, nf;
    long long bytes;
    function_stats(&nl, &nf, &bytes);
    int resp = c->resp;
    char name[256];
    struct buf args = {0};
    int nargs = 0;
    long long ms = 0;
    int kind = script_busy_info(name, sizeof(name), &args, &nargs, &ms);
    if (kind == 1) {
        reply_error(c->out, ERR_BUSY_EVAL);
        return;
    }
    reply_map(c->out, resp, 2);
    reply_bulkc(c->out, "running_script");
    if (kind == 2) {
        /* the busy function (one running but not yet past busy-reply-threshold runs alone on its shard) */
        reply_map(c->out, resp, 3);
        reply_bulkc(c->out, "name");
        reply_bulkc(c->out, name);
        reply_bulkc(c->out, "command");
        reply_array(c->out, nargs);
        buf_put(c->out, args.p, args.len);
        reply_bulkc(c->out, "duration_ms");
        reply_int(c->out, ms);
    } else {
        reply_null(c->out, resp);
    }
    buf_free(&args);
    reply_bulkc(c->out, "engines");
    reply_map(c->out, resp, 1);
    reply_bulkc(c->out, "LUA");
    reply_map(c->out, resp, 2);
    reply_bulkc(c->out, "libraries_count");
    reply_int(c->out, nl);
    reply_bulkc(c->out, "functions_count");
    reply_int(c->out, nf);
}

void function_kill_command(struct client *c) { script_kill(c, 0); }

void function_dump_command(struct client *c) {
    struct buf b = {0};
    pthread_mutex_lock(&freg.mu);
    for (struct flib *l = freg.head; l; l = l->next) {
        buf_putc(&b, (char)RDB_OPCODE_FUNCTION2);
        rdb_put_string(&b, l->code, l->len, 1);
    }
    pthread_mutex_unlock(&freg.mu);
    rdb_put_dump_footer(&b);
    reply_bulk(c->out, b.p, b.len);
    buf_free(&b);
}

void function_each_code(void (*fn)(void *ctx, const char *code, size_t len), void *ctx) {
    pthread_mutex_lock(&freg.mu);
    for (struct flib *l = freg.head; l; l = l->next) fn(ctx, l->code, l->len);
    pthread_mutex_unlock(&freg.mu);
}

int function_add_code(struct shard *sh, const char *code, size_t len, char *err, size_t errcap) {
    struct flib *l = lib_check(sh, code, len, err, errcap, 0);
    if (!l) return -1;
    pthread_mutex_lock(&freg.mu);
    const char *clash = fn_clash(l, NULL, freg.head);
    if (clash)
        snprintf(err, errcap, "ERR Function %s already exists", clash);
    else {
        struct flib **pp = &freg.head;
        while (*pp) pp = &(*pp)->next;
        *pp = l;
        atomic_fetch_add(&fn_epoch, 1);
    }
    pthread_mutex_unlock(&freg.mu);
    if (clash) {
        libs_free(l);
        return -1;
    }
    return 0;
}

enum { RESTORE_APPEND, RESTORE_REPLACE, RESTORE_FLUSH };

void function_restore_command(struct client *c) {
    int policy = RESTORE_APPEND;
    if (c->argc > 4) {
        reply_error(c->out,
                    "ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP.");
        return;
    }
    if (c->argc == 4) {
        if (ARG_IS(c->argv[3], "append"))
            policy = RESTORE_APPEND;
        else if (ARG_IS(c->argv[3], "replace"))
            policy = RESTORE_REPLACE;
        else if (ARG_IS(c->argv[3], "flush"))
            policy = RESTORE_FLUSH;
        else {
            reply_error(c->out,
                        "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            return;
        }
    }
    size_t body;
    if (!rdb_check_dump(c->argv[2].p, c->argv[2].len, &body)) {
        reply_error(c->out, "ERR DUMP payload version or checksum are wrong");
        return;
    }
    /* every library in it, checked here before any is added */
    const unsigned char *p = (const unsigned char *)c->argv[2].p, *end = p + body;
    struct flib *libs = NULL, **tail = &libs;
    char err[1024] = "";
    struct buf code = {0};
    while (p < end && !err[0]) {
        if (*p != RDB_OPCODE_FUNCTION2) {
            snprintf(err, sizeof(err), "%s",
                     *p == RDB_OPCODE_FUNCTION_PRE_GA ? "ERR Pre-GA function format not supported"
                                                      : "ERR given type is not a function");
            break;
        }
        p++;
        code.len = 0;
        if (!rdb_get_string(&p, end, &code)) {
            snprintf(err, sizeof(err), "ERR Failed loading library payload");
            break;
        }
        struct flib *l = lib_check(c->sh, code.p ? code.p : "", code.len, err, sizeof(err), -1);
        if (!l) break;
        for (struct flib *o = libs; o && !err[0]; o = o->next)
            if (!strcmp(o->name, l->name))
                snprintf(err, sizeof(err), "ERR Library %s already exists", l->name);
        const char *clash = err[0] ? NULL : fn_clash(l, NULL, libs);
        if (clash) snprintf(err, sizeof(err), "ERR Function %s already exists", clash);
        *tail = l;
        tail = &l->next;
    }
    buf_free(&code);
    if (err[0]) {
        libs_free(libs);
        reply_err_clean(c->out, err, strlen(err));
        return;
    }
    struct flib *dropped = NULL;
    pthread_mutex_lock(&freg.mu);
    if (policy == RESTORE_FLUSH) {
        dropped = freg.head;
        freg.head = NULL;
    }
    /* the libraries that stay, and a clash of theirs with a new one */
    for (struct flib *l = libs; l && !err[0] && policy == RESTORE_APPEND; l = l->next)
        if (*lib_find(l->name)) snprintf(err, sizeof(err), "ERR Library %s already exists", l->name);
    for (struct flib *l = libs; l && !err[0]; l = l->next) {
        for (struct flib *o = freg.head; o && !err[0]; o = o->next) {
            int replaced = 0;
            for (struct flib *m = libs; m && !replaced; m = m->next) replaced = !strcmp(m->name, o->name);
            if (replaced) continue;
            for (int i = 0; i < l->nfn && !err[0]; i++)
                for (int j = 0; j < o->nfn && !err[0]; j++)
                    if (!strcasecmp(l->fns[i].name, o->fns[j].name))
                        snprintf(err, sizeof(err), "ERR Function %s already exists", l->fns[i].name);
        }
    }
    if (err[0]) {
        if (policy == RESTORE_FLUSH) freg.head = dropped, dropped = NULL;
    } else {
        /* REPLACE: the old libraries of those names go */
        for (struct flib *l = libs; l; l = l->next) {
            struct flib **pp = lib_find(l->name);
            if (*pp) {
                struct flib *old = *pp;
                *pp = old->next;
                old->next = dropped;
                dropped = old;
            }
        }
        struct flib **pp = &freg.head;
        while (*pp) pp = &(*pp)->next;
        *pp = libs;
        libs = NULL;
        atomic_fetch_add(&fn_epoch, 1);
    }
    pthread_mutex_unlock(&freg.mu);
    libs_free(libs);
    libs_free(dropped);
    if (err[0])
        reply_err_clean(c->out, err, strlen(err));
    else
        reply_ok(c->out);
}

void function_help_command(struct client *c) {
    static const char *const lines[] = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
        "RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy "
        "to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the "
        "old",
        "      libraries with the new libraries (notice that even on this option there is a chance of "
        "failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
        NULL};
    reply_help(c->out, lines);
}

/* ---- FCALL ---- */

static void fcall_generic(struct client *c, int ro) {
    struct lua_shard *s = ls_get(c->sh);
    int flags;
    char name[256];
    if (!function_push(s, c->argv[1].p, c->argv[1].len, &flags, name, sizeof(name))) {
        reply_error(c->out, "ERR Function not found");
        return;
    }
    long long n;
    const char *e = NULL;
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &n))
        e = "ERR Bad number of keys provided";
    else if (n < 0)
        e = "ERR Number of keys can't be negative";
    else if (n > c->argc - 3)
        e = "ERR Number of keys can't be greater than number of args";
    if (e) {
        lua_pop(s->L, 1);
        reply_error(c->out, e);
        return;
    }
    script_start(s, c, name, 1, flags, ro, (int)n);
}

void fcall_command(struct client *c) { fcall_generic(c, 0); }
void fcall_ro_command(struct client *c) { fcall_generic(c, 1); }
