/*
 * set.h - what the set family offers other families (ZUNION and friends
 * take plain sets as inputs, SORT sorts them).
 */
#ifndef TYPES_SET_H
#define TYPES_SET_H

#include <stddef.h>

#include "../db/object.h"

/* Call fn for every member of a set value (any encoding; integers as text). */
void set_foreach_member(const struct kv *o, void (*fn)(void *ctx, const char *p, size_t len), void *ctx);

#endif
