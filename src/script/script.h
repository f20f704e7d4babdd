/*
 * script.h - Lua scripts: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT,
 * FUNCTION, FCALL and FCALL_RO.
 *
 * Contract.
 * - The interpreter is LuaJIT (Lua 5.1 semantics, as Redis embeds; it can
 *   yield across pcall, which the cross-shard calls to come will need).
 *   Each shard has its own Lua state, made the first time a script runs
 *   there, and runs scripts only on its own thread.
 * - Scripts are the server's: one registry (SHA1 -> body) for all shards,
 *   written by SCRIPT LOAD and EVAL, read by a shard that meets a SHA1 it
 *   has not compiled yet, emptied by SCRIPT FLUSH. It has a mutex of its
 *   own and is never touched by a shard's command path otherwise: a shard
 *   keeps the functions it compiled (by SHA1) and looks there first; a
 *   flush bumps an epoch every shard compares with its own before a
 *   lookup.
 * - Where a script runs: EVAL's declared keys route it as any command's
 *   keys do. All on one shard (or none): it runs there, to its end, in one
 *   step; nothing else runs on that shard meanwhile, so it is atomic, and
 *   redis.call runs each command on that shard at once. Declared keys on
 *   several shards: the transaction layer locks them, the script runs on
 *   copies of them (or where the biggest is, with the others as guests:
 *   coord.c) and the keys it changed are written back, all before the
 *   locks go.
 * - A call on a key of another shard the script did not declare: the run
 *   stops, its writes are taken back, and the script runs again from the
 *   start holding every shard whole, in a coroutine whose calls on other
 *   shards go to their owners (script.c, "a script run holding every
 *   shard"). The EVAL's reply waits for it (blk_out.defer for a request).
 *   Holding every shard, a command over keys of several shards is split
 *   among them and a server-wide one runs on each (the gather's parts).
 * - Functions (function.c): the libraries are the server's, one registry
 *   with an epoch; a shard's state loads them all again on a newer epoch;
 *   FCALL runs a callback through the same path as EVAL.
 * - Busy scripts: past busy-reply-threshold a script makes every shard
 *   answer -BUSY (g_script_busy) but for the allow_busy commands; its own
 *   shard serves its clients from the script's count hook
 *   (shard_poll_busy); SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE stop
 *   it unless it wrote.
 */
#ifndef SCRIPT_SCRIPT_H
#define SCRIPT_SCRIPT_H

#include "../server.h"

/* Bytes held by this shard's Lua state (0 before its first script). */
long long script_vm_memory(struct shard *sh);
/* The server's script cache: scripts, and the bytes of their bodies. */
void script_cache_stats(long *count, long long *bytes);
/* The server's function libraries: how many, their functions, their code bytes. */
void function_stats(long *nlibs, long *nfns, long long *bytes);
/* Every function library's code, in registry order (RDB files). */
void function_each_code(void (*fn)(void *ctx, const char *code, size_t len), void *ctx);
/* Add a library from its code (loading an RDB file): 0, or -1 with the
 * error in err (its name or a function's taken, bad code). On sh's thread. */
int function_add_code(struct shard *sh, const char *code, size_t len, char *err, size_t errcap);
/* The reply to a call a script made on another shard (cookie XC_SCRIPT). */
void script_call_reply(void *run, const char *p, size_t len);
/* Key positions of EVAL/EVALSHA/EVAL_RO/EVALSHA_RO (numkeys at argv[2]). */
int eval_keys(const struct arg *argv, int argc, int *pos, int max);

#endif
