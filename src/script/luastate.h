/*
 * luastate.h - what the script layer's files share about a shard's Lua
 * state (private to src/script/: script.c runs scripts, function.c keeps
 * the function libraries and runs FCALL through the same path).
 *
 * Contract.
 * - One struct lua_shard per shard, made on first use (ls_get), touched
 *   only by its shard's thread.
 * - ls_get also brings the state up to date with the server's registries:
 *   SCRIPT FLUSH (compiled scripts forgotten) and any change to the
 *   function libraries (every library loaded again into this state).
 * - script_start runs the Lua function at the top of the stack for the
 *   client (an EVAL's body, or an FCALL's callback) and writes its reply
 *   or error; the function is popped.
 */
#ifndef SCRIPT_LUASTATE_H
#define SCRIPT_LUASTATE_H

#include <lua.h>

#include "script.h"

struct swhole;

#define FCACHE_SLOTS 64

struct lua_shard {
    lua_State *L;
    unsigned epoch;    /* of the script registry (SCRIPT FLUSH) */
    unsigned fn_epoch; /* of the function libraries */
    int fn_loaded;     /* the libraries of fn_epoch are loaded here */
    int real_g;   /* registry ref: the real globals table */
    int errh;     /* registry ref: err_handler, the message handler of every run */
    /* compiled scripts by SHA1, in front of the registry's table: a
     * direct-mapped cache of registry refs (LUA_NOREF: empty slot) */
    struct fcache {
        char sha[40];
        int ref;
        int flags;
    } fc[FCACHE_SLOTS];
    /* the script running now */
    struct client *c;
    int ro;          /* EVAL_RO / EVALSHA_RO, or flags=no-writes */
    int allow_oom;   /* flags=allow-oom: commands run out of memory too */
    int wrote;       /* the script ran a write command it cannot take back (no undo) */
    /* what the keys its writes changed held before (while it may still
     * have to run again holding every shard): db, key, present, image */
    struct buf undo;
    int nundo;
    int escalate;    /* it called a key of another shard before writing: run it again holding every shard */
    int can_defer;   /* its reply can come later (a client's own command, or a request) */
    struct swhole *whole; /* the script running holding every shard, if any */
    int resp;        /* redis.setresp: the protocol of redis.call's replies */
    int dbid;        /* SELECT inside the script */
    int nkeys;
    const struct arg *keys;
    struct buf scratch;
    uint64_t rand48;
    /* busy scripts (busy-reply-threshold) */
    long long start_ms; /* when the running script started */
    int fn;             /* it is a function (FCALL) */
    int dirty;          /* it ran a write command */
    int busy;           /* it is the server's busy script */
    int killed;         /* SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE stopped it */
    long long load_deadline; /* a library's code is loading: it must be done by then */
};

/* Compile a script's or library's code (luaL_loadbuffer's result), with
 * every `return redis.call(...)` (or pcall) put in parentheses first, so
 * that it is no tail call and an error it raises can name the script's
 * line, as Redis's does; the code as given if that does not compile.
 * lua_wrap_tail_calls makes the rewritten text (returns how many calls it
 * wrapped; 0: nothing written to out). */
int load_user_code(lua_State *L, const char *code, size_t len, const char *chunk);
struct buf;
int lua_wrap_tail_calls(const char *src, size_t len, struct buf *out);

/* Script flags: a shebang line ("#!lua flags=no-writes,...") or a
 * function's flags. */
enum { SF_SHEBANG = 1, SF_NO_WRITES = 2, SF_ALLOW_OOM = 4 };

struct lua_shard *ls_get(struct shard *sh);
struct lua_shard *ls_from_L(lua_State *L);

/* Run the function at the top of s->L for c (see the contract). name: the
 * SHA1 of an EVAL, the function's name for FCALL (fn set: it gets KEYS and
 * ARGV as its two arguments). flags: SF_*. ro: an _RO command. */
void script_start(struct lua_shard *s, struct client *c, const char *name, int fn, int flags, int ro, int nkeys);

/* An error reply of s (newlines become spaces). */
void reply_err_clean(struct buf *out, const char *s, size_t len);
/* Replace the table at the top by a read-only proxy of it; strict: reading
 * a missing name is Redis's "nonexistent global" error. */
void make_readonly(lua_State *L, int strict);
/* Errors as Redis raises them inside a script: a table {err=msg}. */
int push_err(lua_State *L, const char *msg);
int raise_err(lua_State *L, const char *msg);
/* The message handler of a protected call: the error as {err=, source=, line=}. */
int err_handler(lua_State *L);
/* redis.log */
int l_log(lua_State *L);

/* SCRIPT KILL (eval) or FUNCTION KILL: stop the busy script, as Redis
 * words each refusal. */
void script_kill(struct client *c, int eval);
/* The busy script, for FUNCTION STATS: 0 if none; 1 an EVAL; 2 a function,
 * with its name, its command (as RESP bulk strings, n of them) and how
 * long it has run. */
int script_busy_info(char *name, size_t cap, struct buf *args, int *nargs, long long *ms);

/* function.c: push the callback of the function called name (any case) and
 * set *flags; 0 if there is none. */
int function_push(struct lua_shard *s, const char *name, size_t len, int *flags, char *reg_name, size_t cap);
/* function.c: load every library into this state (ls_get calls it when
 * the libraries changed). */
void function_sync(struct lua_shard *s);
/* function.c: the libraries' epoch now. */
unsigned function_epoch(void);

#endif
