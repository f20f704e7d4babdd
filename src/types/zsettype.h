/*
 * zsettype.h - what the zset family offers other families (the geo
 * commands keep their points in a zset).
 */
#ifndef TYPES_ZSETTYPE_H
#define TYPES_ZSETTYPE_H

#include <stddef.h>

#include "../server.h"

/* ZADD's NX and XX flags for zset_add_reply. */
#define ZSET_ADD_NX 2
#define ZSET_ADD_XX 4

/* Add `n` members (members[i * stride]) with scores to the zset at key,
 * creating it; replies and notifies as ZADD does (WRONGTYPE replied). */
void zset_add_reply(struct client *c, const struct arg *key, int flags, int ch, int n, const double *scores,
                    const struct arg *members, int stride);
/* The score of a member of a zset value; 0 if it is not there. */
int zset_member_score(const struct kv *o, const char *ele, size_t len, double *score);
/* Call fn on each member whose score is in [min, max), in score order,
 * until fn returns 0. */
void zset_score_range(const struct kv *o, double min, double max,
                      int (*fn)(void *ctx, const char *ele, size_t len, double score), void *ctx);
/* Replace key with a zset of the n members and scores (n > 0), in the
 * smallest encoding that fits. No reply, no notification. */
void zset_store_members(struct client *c, const struct arg *key, size_t n, const char *const *eles,
                        const size_t *lens, const double *scores);

#endif
