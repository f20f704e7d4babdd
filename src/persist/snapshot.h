/*
 * snapshot.h - dump.rdb files in redis-server 7.0's format (RDB 10): SAVE
 * writes one, the server loads one at startup.
 *
 * Contract.
 * - SAVE holds every shard whole (the keyspace's server-wide commands do,
 *   dispatch.c): each shard writes its keys' records (rdb.h) into its
 *   reply, the origin writes the file: header, aux fields, each database
 *   (SELECTDB, RESIZEDB, every shard's records), EOF, CRC64; to a
 *   temporary name, fsync, rename to `dir`/`dbfilename`. One point in time
 *   for all shards: nothing else runs anywhere meanwhile.
 * - Loading: snapshot_read() (main thread, before the shard threads run)
 *   checks the file (magic, version, CRC64) and splits its records by the
 *   shard owning each key; snapshot_load_shard() (each shard thread, on its
 *   own arena, in parallel) builds its keys. A damaged file stops the start
 *   with a message naming the offset; no shard starts with half the data.
 * - BGSAVE: see bgsave.h (every shard writes its keys while it serves).
 * - Saving at exit: SHUTDOWN SAVE, or save points configured and SHUTDOWN
 *   or SIGTERM without NOSAVE.
 * - Not yet: save points that trigger BGSAVE.
 */
#ifndef PERSIST_SNAPSHOT_H
#define PERSIST_SNAPSHOT_H

#include "../server.h"

/* Read and split `path` for nshards shards; 0 when loaded (or there is no
 * file), -1 with a logged reason. */
int snapshot_read(const char *path, int nshards);
/* Build shard sh's keys from what snapshot_read kept; -1 on a bad value. */
int snapshot_load_shard(struct shard *sh);
/* Did snapshot_read find a file? */
int snapshot_loaded(void);
/* Free what snapshot_read kept (after every shard loaded). */
void snapshot_read_done(void);

/* Saving at exit (SHUTDOWN SAVE, or save points and no NOSAVE): each
 * shard thread adds its shards' parts as it ends (snapshot_exit_part,
 * through g_shard_exit); then the main thread writes the file (nothing if
 * no part was made). -1 if it could not be written. */
int snapshot_exit_part(struct shard *sh);
int snapshot_exit_write(const char *name, int ndb);

/* Shared with bgsave.c. */
/* Append o's record (an EXPIRETIME_MS first if it has a TTL, type, key,
 * value) to b, tmp being scratch; 0 (nothing written) if it expired at
 * or before `now` (ms). */
int snapshot_put_record(struct buf *b, struct buf *tmp, const struct kv *o, long long now);
/* The file's start: magic, aux fields, function libraries. */
void snapshot_header(struct buf *f);
const char *snapshot_file_name(const struct shard *sh);
int snapshot_write_all(int fd, const char *p, size_t len);
/* INFO persistence's state: a BGSAVE running, the last one's status and
 * length, saves made. */
extern _Atomic int g_bgsave_running;
extern _Atomic int g_last_save_ok;
extern _Atomic long long g_bgsave_start_ms, g_last_bgsave_secs, g_rdb_saves;

#endif
