/*
 * quicklist.c - linked listpack nodes for big lists (see quicklist.h for the
 * contract).
 *
 * Pushes fill the end node up to the fill limit and then start a new one, so
 * a list built by pushes has full nodes. An insert into a full node goes to
 * a neighbour with room or splits the node, and the pieces are merged with
 * their neighbours when they fit together. Deletes only drop nodes that
 * become empty, as Redis does.
 */
#include "quicklist.h"

#include <stdint.h>
#include <stdlib.h>

/* Node size limits of the negative fill factors -1..-5. */
static const size_t size_limit[] = {4096, 8192, 16384, 32768, 65536};
/* A positive (count) fill never lets a node grow past this. */
#define SIZE_SAFETY_LIMIT 8192
/* What an entry costs beyond its payload, at most (header and trailer). */
#define ENTRY_OVERHEAD 10
#define FILL_MAX 32767

int ql_clamp_fill(int fill) {
    if (fill > FILL_MAX) return FILL_MAX;
    if (fill < -5) return -5;
    return fill;
}

/* 1 if a pack of `bytes` bytes holding `count` entries is within fill. */
static int fits(int fill, size_t bytes, unsigned long count) {
    if (fill >= 0) return bytes <= SIZE_SAFETY_LIMIT && count <= (unsigned long)fill;
    return bytes <= size_limit[-fill - 1];
}

int ql_allows(int fill, const lp_t *lp, size_t len) {
    if (lp_count(lp) == 0) return 1;
    return fits(ql_clamp_fill(fill), lp_bytes(lp) + len + ENTRY_OVERHEAD, lp_count(lp) + 1UL);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) abort();
    return p;
}

static struct ql_node *node_new(lp_t *lp) {
    struct ql_node *n = xmalloc(sizeof(*n));
    n->prev = n->next = NULL;
    n->lp = lp;
    return n;
}

/* Link n after `at` (at NULL: n becomes the head). */
static void link_after(struct quicklist *ql, struct ql_node *at, struct ql_node *n) {
    n->prev = at;
    n->next = at ? at->next : ql->head;
    if (n->next) n->next->prev = n;
    else ql->tail = n;
    if (at) at->next = n;
    else ql->head = n;
    ql->len++;
}

/* Link n before `at` (at NULL: n becomes the tail). */
static void link_before(struct quicklist *ql, struct ql_node *at, struct ql_node *n) {
    link_after(ql, at ? at->prev : ql->tail, n);
}

static void unlink_free(struct quicklist *ql, struct ql_node *n) {
    if (n->prev) n->prev->next = n->next;
    else ql->head = n->next;
    if (n->next) n->next->prev = n->prev;
    else ql->tail = n->prev;
    ql->len--;
    lp_free(n->lp);
    free(n);
}

struct quicklist *ql_new(int fill) {
    struct quicklist *ql = xmalloc(sizeof(*ql));
    ql->head = ql->tail = NULL;
    ql->count = ql->len = 0;
    ql->fill = ql_clamp_fill(fill);
    return ql;
}

struct quicklist *ql_from_lp(int fill, lp_t *lp) {
    struct quicklist *ql = ql_new(fill);
    link_after(ql, NULL, node_new(lp));
    ql->count = lp_count(lp);
    return ql;
}

void ql_free(struct quicklist *ql) {
    struct ql_node *n = ql->head;
    while (n) {
        struct ql_node *next = n->next;
        lp_free(n->lp);
        free(n);
        n = next;
    }
    free(ql);
}

lp_t *ql_take_lp(struct quicklist *ql) {
    lp_t *lp = ql->head ? ql->head->lp : lp_new();
    free(ql->head);
    free(ql);
    return lp;
}

struct quicklist *ql_dup(const struct quicklist *ql) {
    struct quicklist *d = ql_new(ql->fill);
    for (const struct ql_node *n = ql->head; n; n = n->next) link_after(d, d->tail, node_new(lp_dup(n->lp)));
    d->count = ql->count;
    return d;
}

size_t ql_mem(const struct quicklist *ql) {
    size_t m = sizeof(*ql);
    for (const struct ql_node *n = ql->head; n; n = n->next) m += sizeof(*n) + lp_bytes(n->lp);
    return m;
}

/* A new node holding just s, linked next to `at` on the given side. */
static void add_node(struct quicklist *ql, struct ql_node *at, int after, const char *s, size_t len) {
    struct ql_node *n = node_new(lp_append(lp_new(), s, len));
    if (after) link_after(ql, at, n);
    else link_before(ql, at, n);
}

void ql_push(struct quicklist *ql, const char *s, size_t len, int tail) {
    struct ql_node *end = tail ? ql->tail : ql->head;
    if (end && ql_allows(ql->fill, end->lp, len)) end->lp = tail ? lp_append(end->lp, s, len) : lp_prepend(end->lp, s, len);
    else add_node(ql, end, tail, s, len);
    ql->count++;
}

int ql_seek(const struct quicklist *ql, long long index, struct ql_pos *p) {
    long long count = (long long)ql->count;
    p->node = NULL;
    p->off = 0;
    if (index < 0) index += count;
    if (index < 0 || index >= count) return 0;
    if (index < count / 2) {
        for (struct ql_node *n = ql->head; n; n = n->next) {
            long long c = lp_count(n->lp);
            if (index < c) {
                p->node = n;
                p->off = lp_seek(n->lp, index);
                return 1;
            }
            index -= c;
        }
    } else {
        long long back = count - 1 - index; /* 0 = the last entry */
        for (struct ql_node *n = ql->tail; n; n = n->prev) {
            long long c = lp_count(n->lp);
            if (back < c) {
                p->node = n;
                p->off = lp_seek(n->lp, -(back + 1));
                return 1;
            }
            back -= c;
        }
    }
    return 0;
}

int ql_next(struct ql_pos *p) {
    size_t off = lp_next(p->node->lp, p->off);
    if (off != LP_NONE) {
        p->off = off;
        return 1;
    }
    p->node = p->node->next;
    p->off = p->node ? lp_first(p->node->lp) : 0;
    return p->node != NULL;
}

int ql_prev(struct ql_pos *p) {
    size_t off = lp_prev(p->node->lp, p->off);
    if (off != LP_NONE) {
        p->off = off;
        return 1;
    }
    p->node = p->node->prev;
    p->off = p->node ? lp_last(p->node->lp) : 0;
    return p->node != NULL;
}

void ql_get(const struct ql_pos *p, struct lp_entry *e, char *buf) { lp_get(p->node->lp, p->off, e, buf); }

void ql_delete_at(struct quicklist *ql, struct ql_pos *p, int forward) {
    struct ql_node *n = p->node;
    size_t off = p->off;
    n->lp = lp_delete(n->lp, off, 1);
    ql->count--;
    if (lp_count(n->lp) == 0) {
        struct ql_node *to = forward ? n->next : n->prev;
        unlink_free(ql, n);
        p->node = to;
        p->off = to ? (forward ? lp_first(to->lp) : lp_last(to->lp)) : 0;
        return;
    }
    if (forward) {
        if (off < lp_bytes(n->lp)) return; /* the next entry moved into place */
        p->node = n->next;
        p->off = p->node ? lp_first(p->node->lp) : 0;
    } else if (off > LP_HEAD) {
        p->off = lp_prev(n->lp, off);
    } else {
        p->node = n->prev;
        p->off = p->node ? lp_last(p->node->lp) : 0;
    }
}

/* Move the entries of n from offset `cut` on into a new node after n. */
static struct ql_node *split_at(struct quicklist *ql, struct ql_node *n, size_t cut) {
    lp_t *rest = lp_new();
    uint32_t moved = 0;
    char buf[24];
    struct lp_entry e;
    for (size_t off = cut; off != LP_NONE; off = lp_next(n->lp, off)) {
        lp_get(n->lp, off, &e, buf);
        rest = lp_append(rest, e.s, e.len);
        moved++;
    }
    n->lp = lp_delete(n->lp, cut, moved);
    struct ql_node *b = node_new(rest);
    link_after(ql, n, b);
    return b;
}

/* Merge a->next into a when both fit in one node. */
static void try_merge(struct quicklist *ql, struct ql_node *a) {
    if (!a || !a->next) return;
    struct ql_node *b = a->next;
    size_t bytes = lp_bytes(a->lp) + lp_bytes(b->lp) - LP_HEAD;
    if (!fits(ql->fill, bytes, (unsigned long)lp_count(a->lp) + lp_count(b->lp))) return;
    char buf[24];
    struct lp_entry e;
    for (size_t off = lp_first(b->lp); off != LP_NONE; off = lp_next(b->lp, off)) {
        lp_get(b->lp, off, &e, buf);
        a->lp = lp_append(a->lp, e.s, e.len);
    }
    unlink_free(ql, b);
}

void ql_insert_at(struct quicklist *ql, const struct ql_pos *p, const char *s, size_t len, int after) {
    struct ql_node *n = p->node;
    size_t at = after ? lp_next(n->lp, p->off) : p->off; /* LP_NONE: the end */
    ql->count++;
    if (ql_allows(ql->fill, n->lp, len)) {
        n->lp = lp_insert(n->lp, at, s, len);
        return;
    }
    if (at == LP_NONE) { /* after the last entry of a full node */
        if (n->next && ql_allows(ql->fill, n->next->lp, len)) n->next->lp = lp_prepend(n->next->lp, s, len);
        else add_node(ql, n, 1, s, len);
        return;
    }
    if (at == LP_HEAD) { /* before the first entry */
        if (n->prev && ql_allows(ql->fill, n->prev->lp, len)) n->prev->lp = lp_append(n->prev->lp, s, len);
        else add_node(ql, n, 0, s, len);
        return;
    }
    struct ql_node *b = split_at(ql, n, at);
    if (ql_allows(ql->fill, n->lp, len)) n->lp = lp_append(n->lp, s, len);
    else if (ql_allows(ql->fill, b->lp, len)) b->lp = lp_prepend(b->lp, s, len);
    else add_node(ql, n, 1, s, len);
    try_merge(ql, b);
    try_merge(ql, n->prev);
}

void ql_replace_at(struct quicklist *ql, const struct ql_pos *p, const char *s, size_t len) {
    struct ql_node *n = p->node;
    size_t next = lp_next(n->lp, p->off);
    size_t old = (next == LP_NONE ? lp_bytes(n->lp) : next) - p->off;
    if (lp_count(n->lp) == 1 || fits(ql->fill, lp_bytes(n->lp) - old + len + ENTRY_OVERHEAD, lp_count(n->lp))) {
        n->lp = lp_replace(n->lp, p->off, s, len);
        return;
    }
    /* too big for this node: remove, then insert where it was */
    struct ql_pos q = *p;
    ql_delete_at(ql, &q, 1);
    if (q.node) ql_insert_at(ql, &q, s, len, 0);
    else ql_push(ql, s, len, 1);
}

void ql_del_range(struct quicklist *ql, unsigned long start, unsigned long n) {
    struct ql_pos p;
    if (!n || !ql_seek(ql, (long long)start, &p)) return;
    while (n && p.node) {
        struct ql_node *nd = p.node, *next = nd->next;
        unsigned long c = lp_count(nd->lp);
        if (p.off == LP_HEAD && n >= c) {
            unlink_free(ql, nd);
            ql->count -= c;
            n -= c;
        } else {
            nd->lp = lp_delete(nd->lp, p.off, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
            unsigned long gone = c - lp_count(nd->lp);
            ql->count -= gone;
            n -= gone;
            if (lp_count(nd->lp) == 0) unlink_free(ql, nd);
        }
        p.node = next;
        p.off = LP_HEAD;
    }
}
