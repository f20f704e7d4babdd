/*
 * shard.h - the per-core shard thread: setup, the event loop, the cron.
 */
#ifndef SHARD_SHARD_H
#define SHARD_SHARD_H

#include "../server.h"

/* Allocate every shard and the rings between them (main thread, before
 * the threads start). `listen_fds[i]` are shard i's listening sockets. */
int shards_create(int n, const struct config *cfg, int listen_fds[][16], int nlisten);
/* How many CPUs this process may run on (its affinity mask: the online
 * CPUs, or fewer under taskset or a cpuset); the default shard count. */
int shards_usable_cpus(void);
/* Start the threads; returns when every shard's ring is ready. */
/* Called on each shard's thread before it serves (NULL: none): the data
 * it starts with; non-zero stops the start. */
extern int (*g_shard_load)(struct shard *sh);
/* Called on each shard's thread as it ends, before its data is freed. */
extern int (*g_shard_exit)(struct shard *sh);
/* Called by the loop while sh->snap is set: a slice of the snapshot. */
extern void (*g_shard_snap_step)(struct shard *sh);
/* A file write (io_write, tagged IO_NOP with req) completed with res. */
extern void (*g_shard_file_done)(void *req, int res);
/* Called from each shard's cron (persistence's timed work: save points). */
extern void (*g_shard_persist_cron)(struct shard *sh);
int shards_start(void);
/* How many threads run the shards (fewer than shards when shards share
 * CPUs); valid after shards_start. */
int shards_threads(void);
void shards_join(void);
/* Derive the shard's working settings from its config copy (after startup
 * and after every CONFIG SET). */
void shard_apply_config(struct shard *sh);
/* From inside a script that runs past busy-reply-threshold on sh: serve
 * the thread's other connections (their commands get -BUSY but for those
 * allowed then), accept new ones, send replies; skip is the script's
 * connection (NULL if none). Whatever else completed waits for the loop. */
void shard_poll_busy(struct shard *sh, struct conn *skip);
/* Assign slot ranges to shards. */
void slots_assign(int nshards);

#endif
