/*
 * lazyfree.h - freeing big values off the shard threads.
 *
 * Deleting a collection of millions of elements would stall its shard for
 * tens of milliseconds. Values whose type says they are big (type_ops->cost)
 * and whole flushed databases are handed to one background thread that frees
 * them; the shard only unlinks. The hand-off takes a mutex, which is fine:
 * it happens once per big value, never per command.
 */
#ifndef DB_LAZYFREE_H
#define DB_LAZYFREE_H

#include <stddef.h>

#include "dict.h"

/* Values costing more than this many units (elements) are freed lazily. */
#define LAZYFREE_THRESHOLD 64

void lazyfree_start(void);
void lazyfree_stop(void);
/* Free o now or in the background, depending on its size. */
void lazyfree_obj(struct kv *o);
/* Free every object of a detached table in the background. */
void lazyfree_dict(struct dict *d);
/* Objects and tables waiting to be freed (INFO lazyfree_pending_objects). */
long lazyfree_pending(void);

#endif
