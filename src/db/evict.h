/*
 * evict.h - maxmemory: how much memory each shard holds, and eviction.
 *
 * Accounting. Each shard thread allocates from a jemalloc arena of its own
 * (created in evict_shard_init), so what a shard holds is what its arena
 * holds: its keys and values, its connections' buffers, the messages it
 * sent that are not freed yet. The exact figure (arena statistics after a
 * tcache flush and an "epoch" refresh) is read in the cron and, while over
 * the limit, at most once a millisecond; in between the shard adds what its
 * thread allocated and freed since (jemalloc's per-thread counters, one load
 * each). Each shard publishes its figure in a relaxed atomic before every
 * command while maxmemory is set, in its cron, and for INFO. used_memory = the sum over shards + what the rest of the process
 * holds (other threads, startup structures), less the fixed receive rings.
 *
 * The budget across shards. A shard evicts only when the published sum
 * exceeds maxmemory, so a skewed key distribution never makes a shard evict
 * while the server as a whole is under the limit. The excess is then split
 * between the shards in proportion to their key counts: with every key on
 * one shard, that shard frees nearly all of it; with an even spread, all
 * evict alike, so each shard's LRU/LFU/TTL order stays close to a global one
 * (weighting by bytes instead made the shard with the most fixed overhead,
 * such as a grown hash table, run through its cold keys first). A part
 * smaller than a key (64 bytes) is left to the shard with the most keys, so
 * small shards do not lose keys to rounding. Two fallbacks keep the total from
 * running over: when the excess passes maxmemory/16 (other shards are not
 * keeping up, e.g. idle until their cron) or another shard reported that it
 * found nothing to evict, the shard running a command frees all of it.
 * Byte figures of other shards are at most one command old (each shard
 * publishes before every command and in its cron).
 *
 * Eviction itself is Redis's: before every command (performEvictions), keys
 * are sampled (maxmemory-samples per database, from consecutive buckets at
 * a random place: dict_sample), scored by idle time, LFU counter or TTL,
 * and kept in a 16-entry pool of the best candidates; the best is deleted, until the
 * shard's share is freed or the time limit derived from
 * maxmemory-eviction-tenacity runs out (then the shard's loop carries on
 * without sleeping, as Redis's eviction timer does). Under noeviction, or
 * when no shard holds a key the policy may evict (each publishes whether
 * it does), evict_perform returns EVICT_FAIL and the caller rejects
 * commands flagged denyoom.
 *
 * Messages between shards are freed by the receiver: xmsg frees them
 * straight into the sender's arena (no thread cache) and moves their bytes
 * from the receiver's running figure to the sender's (evict_foreign_free),
 * so the running figures stay exact between re-reads.
 *
 * Sanitizer builds have no arenas: used_memory is the process total (less
 * the receive rings), read when needed, and a shard's own figure is that
 * total split by key counts. INFO's own buffers then show in used_memory.
 *
 * Shards that share a thread (more shards than CPUs) share its arena and
 * its counters: each counter increment is charged to the shard running at
 * the time (evict_switch), and each sync splits the arena's exact figure
 * between them in proportion to their running figures. So each shard keeps
 * a figure of its own, and eviction splits the work as with a thread each
 * (one figure for the thread made whichever shard ran after the others'
 * writes do most of the evicting).
 *
 * All functions run on the shard's own thread unless said otherwise.
 */
#ifndef DB_EVICT_H
#define DB_EVICT_H

#include <stddef.h>

struct shard;

enum evict_result {
    EVICT_OK,      /* under the limit, or this shard's share is freed */
    EVICT_RUNNING, /* still over after the time limit: carries on later */
    EVICT_FAIL,    /* over the limit and nothing (more) can be evicted */
};

/* Main thread, once, before the shard threads start: the per-shard state. */
void evict_setup(int nshards);
/* On the shard thread before its loop starts: create and bind its arena.
 * `fixed_bytes` is what the shard allocated before (its receive ring),
 * left out of used_memory. A shard that shares its thread with shard
 * `lead` (>= 0, initialised before it) allocates from lead's arena. */
void evict_shard_init(struct shard *sh, size_t fixed_bytes, int lead);
/* The thread now runs shard sh: what it allocates and frees from here on
 * is charged to sh (call at every change of shard on a thread). */
void evict_switch(const struct shard *sh);
/* Free what this shard should, Redis's performEvictions. Cheap when under
 * the limit (a few loads); call before every command when maxmemory > 0. */
int evict_perform(struct shard *sh);
/* 1 when the last evict_perform stopped at its time limit. */
int evict_running(const struct shard *sh);
/* The cron: re-read the exact figure, publish it, evict if over. */
void evict_cron(struct shard *sh);
/* Re-read this shard's exact figure and publish it; returns it. */
size_t evict_refresh(struct shard *sh);
/* used_memory: the sum of every shard's published figure plus the rest of
 * the process (any thread). INFO has each shard refresh its figure when its
 * part runs, before the reply's own buffers are allocated. */
size_t evict_used_memory(void);
/* This shard freed `bytes` that shard `owner` allocated (a message): moves
 * them from this shard's running figure to the owner's. */
void evict_foreign_free(struct shard *sh, int owner, size_t bytes);
/* used_memory_startup: the figure of shard 0's first cron (any thread). */
size_t evict_startup_memory(void);
/* One shard's published figure (any thread). */
size_t evict_shard_used(int id);

#endif
