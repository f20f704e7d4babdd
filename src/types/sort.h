/*
 * sort.h - what the coordinator needs of SORT (see sort.c, "across shards").
 */
#ifndef TYPES_SORT_H
#define TYPES_SORT_H

#include "../server.h"

/* 1 if a SORT's BY/GET patterns may name keys outside the sorted key's
 * shard (no {hash tag} pins them there): it must run at a coordinator. */
int sort_needs_fetch(const struct arg *argv, int argc);
/* Call add(ctx, key, len) for every key SORT's BY and GET patterns name for
 * the elements of argv[1]'s value in db (duplicates included). */
void sort_pattern_keys(struct db *db, const struct arg *argv, int argc,
                       void (*add)(void *ctx, const char *p, size_t len), void *ctx);

#endif
