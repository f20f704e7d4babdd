/*
 * hash.h - what the hash family offers other families (SORT's BY and GET
 * patterns read hash fields with key->field).
 */
#ifndef TYPES_HASH_H
#define TYPES_HASH_H

#include <stddef.h>

#include "../db/object.h"

/* The value of field f in the hash o. Integers of a listpack are formatted
 * into buf (>= 24 bytes); *v points into o or buf and is valid until o
 * changes. Returns 1 if found, 0 if the field is absent. */
int hash_field_value(struct kv *o, const char *f, size_t flen, const char **v,
                     size_t *vlen, char *buf);

#endif
