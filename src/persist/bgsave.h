/*
 * bgsave.h - BGSAVE without fork: every shard writes its own keys into one
 * dump.rdb while it keeps serving, in parallel with the others.
 *
 * Contract.
 * - The point in time: BGSAVE is a server-wide command, so its part runs on
 *   every shard while the transaction layer holds them all (nothing else
 *   runs anywhere between the parts). Each part starts the shard's
 *   snapshot: it flips the snap_flag of the shard's databases (db.h), so
 *   every key there is "not saved yet", and from then on a key entering a
 *   table is "saved" (it was not there at the point in time).
 * - The shard's loop saves keys in slices (bgsave_step: a few hundred
 *   microseconds a pass, busy until done), walking each table with
 *   dict_scan's cursor, which visits every key present throughout even
 *   when the table grows or shrinks; the flag makes each key saved once.
 * - Before a key changes or goes, db.c saves it if it is not saved yet
 *   (db_snap_before: lookups by a writing command, replace, delete, TTL
 *   changes; expiry and eviction delete through the same path). FLUSHDB,
 *   FLUSHALL and SWAPDB first finish the shard's snapshot. So the file
 *   holds every key as it was at the point in time: a transaction, MSET or
 *   script committed before it is entirely in it, one after it entirely
 *   out.
 * - The file: the origin's part writes the header (magic, aux fields,
 *   function libraries) to a temporary file. Every shard fills chunks of
 *   about 1 MB that begin with SELECTDB (a shard's chunks interleave with
 *   the others'), reserves each chunk's place with an atomic offset and
 *   writes it there (pwrite), and keeps its CRC64. The last shard to
 *   finish hands the file to a thread that folds the chunks' CRCs in
 *   offset order (crc64_combine), appends EOF and the checksum, fsyncs
 *   and renames. No RESIZEDB: Redis reads it as a hint only.
 * - Memory: one chunk per shard, whatever the keyspace's size; nothing is
 *   copied but the keys being saved.
 * - SHUTDOWN meanwhile abandons it (the temporary file is removed).
 */
#ifndef PERSIST_BGSAVE_H
#define PERSIST_BGSAVE_H

#include "../server.h"

/* The hooks db.c and the shard loop call (installed by bgsave_init). */
void bgsave_init(void);
/* One slice of the shard's snapshot (sh->snap is set). */
void bgsave_step(struct shard *sh);
/* The shard ends with its snapshot unfinished. */
void bgsave_abandon(struct shard *sh);

#endif
