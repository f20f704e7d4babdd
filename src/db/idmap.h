/*
 * idmap.h - an ordered map from stream IDs (ms-seq, two 64-bit halves) to
 * pointers: the node index of a stream and the pending-entry lists of its
 * consumer groups (src/types/stream.h).
 *
 * Two levels: a sorted array of leaves, each a sorted array of up to
 * IDM_LEAF keys with their values. A lookup is two binary searches; an
 * insert or delete moves at most one leaf's entries, plus the leaf array
 * when a leaf splits or empties. Streams append (new IDs are the largest)
 * and trim or acknowledge from the front, and both stay cheap: an append
 * to a full last leaf starts a new leaf instead of splitting it.
 *
 * Not thread-safe: owned by one shard, like the value it belongs to.
 */
#ifndef DB_IDMAP_H
#define DB_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct sid {
    uint64_t ms, seq;
};

static inline int sid_cmp(const struct sid *a, const struct sid *b) {
    if (a->ms != b->ms) return a->ms < b->ms ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return 0;
}

#define IDM_LEAF 64

struct idm_ent {
    struct sid key;
    void *val;
};

/* A leaf grows (4, 8, .. IDM_LEAF slots), so a small map stays small. */
struct idm_leaf {
    int n, cap;
    struct idm_ent e[];
};

struct idmap {
    struct idm_leaf **leaf;
    size_t nleaf, cap;
    size_t count;
};

/* A position: leaf index and slot; valid until the map changes. */
struct idm_pos {
    size_t leaf;
    int slot;
};

void idm_init(struct idmap *m);
/* Free the map; free_val (may be NULL) is called on every value. */
void idm_free(struct idmap *m, void (*free_val)(void *));
static inline size_t idm_count(const struct idmap *m) { return m->count; }

/* The value stored under id, or NULL (values are never NULL). */
void *idm_get(const struct idmap *m, const struct sid *id);
/* Insert id -> v; returns 0 (and changes nothing) if id is present. */
int idm_insert(struct idmap *m, const struct sid *id, void *v);
/* Remove id; its value goes to *old (if old). Returns 0 if absent. */
int idm_remove(struct idmap *m, const struct sid *id, void **old);

/* Positions: the first key >= id (ge) or the last key <= id (le); 0 if
 * there is none. */
int idm_seek_ge(const struct idmap *m, const struct sid *id, struct idm_pos *p);
int idm_seek_le(const struct idmap *m, const struct sid *id, struct idm_pos *p);
int idm_first(const struct idmap *m, struct idm_pos *p);
int idm_last(const struct idmap *m, struct idm_pos *p);
/* Step to the next / previous key; 0 past the end. */
int idm_next(const struct idmap *m, struct idm_pos *p);
int idm_prev(const struct idmap *m, struct idm_pos *p);
static inline const struct sid *idm_key(const struct idmap *m, const struct idm_pos *p) {
    return &m->leaf[p->leaf]->e[p->slot].key;
}
static inline void *idm_val(const struct idmap *m, const struct idm_pos *p) {
    return m->leaf[p->leaf]->e[p->slot].val;
}
static inline void idm_set_val(struct idmap *m, const struct idm_pos *p, void *v) {
    m->leaf[p->leaf]->e[p->slot].val = v;
}

/* Bytes the map's own structure holds. */
size_t idm_mem(const struct idmap *m);

#endif
