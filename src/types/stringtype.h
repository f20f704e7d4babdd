/*
 * stringtype.h - what the string family (string.c) lends the other
 * families that work on string values (bitmap.c).
 */
#ifndef TYPES_STRINGTYPE_H
#define TYPES_STRINGTYPE_H

#include "../server.h"

struct dict_pos;
/* Make the value of o (found at pos in c's db) a raw, growable string with
 * room for at least `need` bytes; returns the object now in the db. */
struct kv *string_make_raw(struct client *c, struct dict_pos *pos, struct kv *o, size_t need);

#endif
