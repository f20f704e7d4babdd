/*
 * typeio.h - a collection's elements one by one, and a collection made
 * from elements: what persistence (src/persist/: RDB files, DUMP and
 * RESTORE) needs of each family without knowing its encodings.
 *
 * Visitors see every element in order: list elements head to tail, set
 * members, hash fields with their values, sorted-set members with their
 * scores in score order. Builders make a new value for key (in no
 * database; the caller adds it) with the encoding the shard's
 * configuration picks, as if the elements had been added one by one by
 * RPUSH / SADD / HSET / ZADD; NULL when a member or field repeats.
 */
#ifndef TYPES_TYPEIO_H
#define TYPES_TYPEIO_H

#include "../server.h"

typedef void (*elem_fn)(void *ctx, const char *p, size_t len);
typedef void (*pair_each_fn)(void *ctx, const char *f, size_t flen, const char *v, size_t vlen);
typedef void (*zelem_fn)(void *ctx, const char *p, size_t len, double score);

unsigned long list_length(const struct kv *o);
void list_each(const struct kv *o, elem_fn fn, void *ctx);
unsigned long set_card(const struct kv *o);
/* set_foreach_member (set.h) visits the members */
unsigned long hash_length(const struct kv *o);
void hash_each_pair(const struct kv *o, pair_each_fn fn, void *ctx);
unsigned long zset_length(const struct kv *o);
void zset_each(const struct kv *o, zelem_fn fn, void *ctx);

/* c gives the shard (its configuration); el[0..n) the elements (hashes:
 * field, value, field, value ...). */
struct kv *list_build(struct client *c, const struct arg *key, const struct arg *el, size_t n);
struct kv *set_build(struct client *c, const struct arg *key, const struct arg *el, size_t n);
struct kv *hash_build(struct client *c, const struct arg *key, const struct arg *el, size_t n);
struct kv *zset_build(struct client *c, const struct arg *key, const struct arg *el, const double *scores,
                      size_t n);

#endif
