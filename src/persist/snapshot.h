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
 * - BGSAVE makes the image the same way, every shard held whole (so the
 *   shards pause while it is serialized, and the image is held in memory),
 *   then a thread of its own writes it while the shards serve again.
 * - Saving at exit: SHUTDOWN SAVE, or save points configured and SHUTDOWN
 *   or SIGTERM without NOSAVE.
 * - Not yet: an incremental snapshot without the pause, save points that
 *   trigger BGSAVE, functions in the file.
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

#endif
