/*
 * rdbcodec.h - the pieces of Redis's RDB format every user of it needs:
 * the CRC64 (Jones polynomial, as redis-server computes it), lengths, and
 * strings (plain, integer-encoded, LZF-compressed).
 *
 * Contract.
 * - Pure functions over byte buffers: no shard state, no I/O; any thread.
 * - Readers never read past `end`: every function that takes a cursor
 *   returns 0 (and leaves *p somewhere before end) on input that is short
 *   or lies about a length, so a hostile payload cannot make them overrun.
 * - Writers append to a struct buf (util.h).
 * Used by FUNCTION DUMP/RESTORE now; DUMP/RESTORE and the snapshots of the
 * persistence layer build on it.
 */
#ifndef PERSIST_RDBCODEC_H
#define PERSIST_RDBCODEC_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"

#define RDB_VERSION 10
#define RDB_OPCODE_FUNCTION_PRE_GA 246
#define RDB_OPCODE_FUNCTION2 245

/* CRC64 of p[0..len) continuing from crc (start with 0). */
uint64_t crc64(uint64_t crc, const void *p, size_t len);
/* The CRC64 of A followed by B, from crc64(0, A) and crc64(0, B) and B's
 * length (parts of a file checksummed apart). */
uint64_t crc64_combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

void rdb_put_len(struct buf *b, uint64_t len);
/* A string: as an integer when it is one that fits 32 bits, LZF-compressed
 * when longer than 20 bytes and `compress` and it shrinks, plain
 * otherwise. */
void rdb_put_string(struct buf *b, const void *p, size_t len, int compress);
/* The 10-byte trailer of a DUMP payload: RDB version and CRC64 of all of
 * b so far. */
void rdb_put_dump_footer(struct buf *b);

/* A length; *special set when it is a string's special encoding (then
 * *len is the encoding: 0 int8, 1 int16, 2 int32, 3 LZF). */
int rdb_get_len(const unsigned char **p, const unsigned char *end, uint64_t *len, int *special);
/* A string into out (appended). */
int rdb_get_string(const unsigned char **p, const unsigned char *end, struct buf *out);
/* Check a DUMP payload's trailer: 1 if its version is one we read and its
 * CRC64 matches; *body_len is the length before the trailer. */
int rdb_check_dump(const void *p, size_t len, size_t *body_len);

#endif
