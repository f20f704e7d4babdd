/*
 * rdb.h - values in Redis's RDB encoding (RDB version 10, redis-server
 * 7.0): what a DUMP payload holds after its type byte, and what a dump.rdb
 * holds for each key.
 *
 * Contract.
 * - rdb_save_value appends a value's type byte and body as redis-server 7.0
 *   writes them: strings (integer-encoded or LZF-compressed when that is
 *   shorter), lists as quicklist 2 of listpacks, small sets as intsets,
 *   small hashes and sorted sets as listpacks, big ones as plain element
 *   sequences (sorted sets with binary doubles, from the highest score).
 *   Listpacks and intsets are written in Redis's own byte layouts (our
 *   in-memory listpack, db/listpack.h, has a layout of its own).
 * - rdb_load_value reads any of those, and the older forms a 7.0 server
 *   reads (ziplists, zipmaps, quicklists of ziplists, plain lists, sets,
 *   hashes, sorted sets with text scores); it never reads past `end`, and rejects lengths that
 *   lie, listpacks and intsets whose bytes do not hold together, and
 *   repeated members (the value would not be what was saved). With `deep`
 *   (sanitize-dump-payload yes) every listpack entry's back-length is
 *   checked too. The new value's encoding is the one the shard's
 *   configuration picks, as if it had been built by commands.
 * - Runs on the shard that will own the value (its configuration).
 */
#ifndef PERSIST_RDB_H
#define PERSIST_RDB_H

#include "../server.h"

enum {
    RDB_TYPE_STRING = 0,
    RDB_TYPE_LIST = 1,
    RDB_TYPE_SET = 2,
    RDB_TYPE_ZSET = 3,
    RDB_TYPE_HASH = 4,
    RDB_TYPE_ZSET_2 = 5,
    RDB_TYPE_HASH_ZIPMAP = 9,
    RDB_TYPE_LIST_ZIPLIST = 10,
    RDB_TYPE_SET_INTSET = 11,
    RDB_TYPE_ZSET_ZIPLIST = 12,
    RDB_TYPE_HASH_ZIPLIST = 13,
    RDB_TYPE_LIST_QUICKLIST = 14,
    RDB_TYPE_HASH_LISTPACK = 16,
    RDB_TYPE_ZSET_LISTPACK = 17,
    RDB_TYPE_STREAM_LISTPACKS = 15,
    RDB_TYPE_LIST_QUICKLIST_2 = 18,
    RDB_TYPE_STREAM_LISTPACKS_2 = 19,
};

void rdb_save_value(struct buf *b, const struct kv *o, int compress);

/* A value of RDB type `type` read from *p (moved past it) as a new kv for
 * key; NULL with *err set (a short reason) if it cannot be loaded. */
struct kv *rdb_load_value(struct client *c, int type, const unsigned char **p, const unsigned char *end,
                          const struct arg *key, int deep, const char **err);

/* Move *p past a value of RDB type `type` without building it; 0 if
 * malformed or a type we do not read. */
int rdb_skip_value(int type, const unsigned char **p, const unsigned char *end);

#endif
