/*
 * quicklist.h - a doubly linked list of listpack nodes: the encoding of
 * lists too big for one listpack (Redis's quicklist).
 *
 * Push and pop at both ends are O(1); reaching index i walks the nodes from
 * the nearer end (O(nodes)) and then one node. The fill factor bounds a node
 * as Redis's list-max-listpack-size does: a positive fill is the most entries
 * per node (and at most 8 KB), -1..-5 a node size of 4/8/16/32/64 KB. A node
 * always takes at least one entry, so a huge element gets a node of its own.
 *
 * Positions (struct ql_pos) name one entry: its node and its byte offset in
 * that node's pack. Any change invalidates every position except the one the
 * changing function hands back.
 *
 * All functions run on the owning shard; allocation failure aborts.
 */
#ifndef DB_QUICKLIST_H
#define DB_QUICKLIST_H

#include <stddef.h>

#include "listpack.h"

struct ql_node {
    struct ql_node *prev, *next;
    lp_t *lp; /* never empty while linked */
};

struct quicklist {
    struct ql_node *head, *tail;
    unsigned long count; /* entries over all nodes */
    unsigned long len;   /* nodes */
    int fill;            /* clamped list-max-listpack-size, fixed at creation */
};

/* One entry of the list: node == NULL means "none" (past either end). */
struct ql_pos {
    struct ql_node *node;
    size_t off;
};

/* list-max-listpack-size clamped the way Redis does (-5..32767). */
int ql_clamp_fill(int fill);
/* 1 if a pack may take one more entry of `len` bytes under `fill`. */
int ql_allows(int fill, const lp_t *lp, size_t len);

struct quicklist *ql_new(int fill);
/* A quicklist whose only node adopts `lp` (non-empty; ownership passes). */
struct quicklist *ql_from_lp(int fill, lp_t *lp);
void ql_free(struct quicklist *ql);
/* Free a quicklist of at most one node and return that node's pack (a new
 * empty pack if there was none). */
lp_t *ql_take_lp(struct quicklist *ql);
struct quicklist *ql_dup(const struct quicklist *ql);
/* Bytes held: header, nodes and packs. */
size_t ql_mem(const struct quicklist *ql);

/* Add an entry at the head (tail == 0) or the tail. */
void ql_push(struct quicklist *ql, const char *s, size_t len, int tail);

/* Position of the index-th entry (negative counts from the tail); returns 0
 * (and p->node NULL) when out of range. */
int ql_seek(const struct quicklist *ql, long long index, struct ql_pos *p);
/* Step to the following / preceding entry; 0 (p->node NULL) past the end. */
int ql_next(struct ql_pos *p);
int ql_prev(struct ql_pos *p);
/* Decode the entry at p (see lp_get; buf >= 21 bytes). */
void ql_get(const struct ql_pos *p, struct lp_entry *e, char *buf);
static inline int ql_eq(const struct ql_pos *p, const char *s, size_t len) {
    return lp_eq(p->node->lp, p->off, s, len);
}

/* Delete the entry at p. p moves to the entry that followed it (forward)
 * or preceded it (!forward), node NULL if none. */
void ql_delete_at(struct quicklist *ql, struct ql_pos *p, int forward);
/* Insert s after (after != 0) or before the entry at p. */
void ql_insert_at(struct quicklist *ql, const struct ql_pos *p, const char *s, size_t len, int after);
/* Replace the entry at p by s. */
void ql_replace_at(struct quicklist *ql, const struct ql_pos *p, const char *s, size_t len);
/* Delete n entries from index start (0 <= start < count); whole nodes go
 * at once. */
void ql_del_range(struct quicklist *ql, unsigned long start, unsigned long n);

#endif
