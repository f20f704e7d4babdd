/*
 * idmap.c - ordered map from stream IDs to pointers (see idmap.h).
 */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

static struct idm_leaf *leaf_new(int cap) {
    struct idm_leaf *l = malloc(sizeof(*l) + sizeof(struct idm_ent) * (size_t)cap);
    if (!l) abort();
    l->n = 0;
    l->cap = cap;
    return l;
}

void idm_init(struct idmap *m) { memset(m, 0, sizeof(*m)); }

void idm_free(struct idmap *m, void (*free_val)(void *)) {
    for (size_t i = 0; i < m->nleaf; i++) {
        struct idm_leaf *l = m->leaf[i];
        if (free_val)
            for (int j = 0; j < l->n; j++) free_val(l->e[j].val);
        free(l);
    }
    free(m->leaf);
    memset(m, 0, sizeof(*m));
}

/* The last leaf whose first key is <= id (0 when id precedes them all). */
static size_t leaf_for(const struct idmap *m, const struct sid *id) {
    size_t lo = 0, hi = m->nleaf;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (sid_cmp(&m->leaf[mid]->e[0].key, id) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* First slot of l with key >= id (l->n if none). */
static int lower_bound(const struct idm_leaf *l, const struct sid *id) {
    int lo = 0, hi = l->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (sid_cmp(&l->e[mid].key, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void *idm_get(const struct idmap *m, const struct sid *id) {
    if (!m->nleaf) return NULL;
    const struct idm_leaf *l = m->leaf[leaf_for(m, id)];
    int s = lower_bound(l, id);
    return s < l->n && sid_cmp(&l->e[s].key, id) == 0 ? l->e[s].val : NULL;
}

static void leaves_insert(struct idmap *m, size_t at, struct idm_leaf *l) {
    if (m->nleaf == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4;
        m->leaf = realloc(m->leaf, sizeof(*m->leaf) * m->cap);
        if (!m->leaf) abort();
    }
    memmove(&m->leaf[at + 1], &m->leaf[at], sizeof(*m->leaf) * (m->nleaf - at));
    m->leaf[at] = l;
    m->nleaf++;
}

static void leaf_put(struct idm_leaf *l, int s, const struct sid *id, void *v) {
    memmove(&l->e[s + 1], &l->e[s], sizeof(l->e[0]) * (size_t)(l->n - s));
    l->e[s].key = *id;
    l->e[s].val = v;
    l->n++;
}

int idm_insert(struct idmap *m, const struct sid *id, void *v) {
    if (!m->nleaf) leaves_insert(m, 0, leaf_new(4));
    size_t li = leaf_for(m, id);
    struct idm_leaf *l = m->leaf[li];
    int s = lower_bound(l, id);
    if (s < l->n && sid_cmp(&l->e[s].key, id) == 0) return 0;
    if (l->n == l->cap && l->cap < IDM_LEAF) {
        l->cap *= 2;
        l = realloc(l, sizeof(*l) + sizeof(struct idm_ent) * (size_t)l->cap);
        if (!l) abort();
        m->leaf[li] = l;
    }
    if (l->n == l->cap) {
        if (s == l->n && li == m->nleaf - 1) {
            /* appending past a full last leaf: start a new one */
            struct idm_leaf *n = leaf_new(4);
            leaf_put(n, 0, id, v);
            leaves_insert(m, li + 1, n);
            m->count++;
            return 1;
        }
        /* split in half */
        struct idm_leaf *n = leaf_new(IDM_LEAF);
        int half = l->n / 2;
        n->n = l->n - half;
        memcpy(n->e, &l->e[half], sizeof(l->e[0]) * (size_t)n->n);
        l->n = half;
        leaves_insert(m, li + 1, n);
        if (s > half) {
            l = n;
            s -= half;
        }
    }
    leaf_put(l, s, id, v);
    m->count++;
    return 1;
}

int idm_remove(struct idmap *m, const struct sid *id, void **old) {
    if (!m->nleaf) return 0;
    size_t li = leaf_for(m, id);
    struct idm_leaf *l = m->leaf[li];
    int s = lower_bound(l, id);
    if (s >= l->n || sid_cmp(&l->e[s].key, id) != 0) return 0;
    if (old) *old = l->e[s].val;
    memmove(&l->e[s], &l->e[s + 1], sizeof(l->e[0]) * (size_t)(l->n - s - 1));
    l->n--;
    m->count--;
    if (!l->n) {
        free(l);
        memmove(&m->leaf[li], &m->leaf[li + 1], sizeof(*m->leaf) * (m->nleaf - li - 1));
        m->nleaf--;
        if (!m->nleaf) {
            free(m->leaf);
            m->leaf = NULL;
            m->cap = 0;
        }
    } else if (l->cap > 4 && l->n <= l->cap / 4) {
        l->cap /= 2;
        l = realloc(l, sizeof(*l) + sizeof(struct idm_ent) * (size_t)l->cap);
        if (!l) abort();
        m->leaf[li] = l;
    }
    return 1;
}

int idm_seek_ge(const struct idmap *m, const struct sid *id, struct idm_pos *p) {
    if (!m->nleaf) return 0;
    size_t li = leaf_for(m, id);
    int s = lower_bound(m->leaf[li], id);
    if (s == m->leaf[li]->n) {
        if (li + 1 == m->nleaf) return 0;
        li++;
        s = 0;
    }
    p->leaf = li;
    p->slot = s;
    return 1;
}

int idm_seek_le(const struct idmap *m, const struct sid *id, struct idm_pos *p) {
    if (!m->nleaf) return 0;
    size_t li = leaf_for(m, id);
    const struct idm_leaf *l = m->leaf[li];
    int s = lower_bound(l, id);
    if (s == l->n || sid_cmp(&l->e[s].key, id) != 0) s--;
    if (s < 0) return 0; /* only in leaf 0: id precedes every key */
    p->leaf = li;
    p->slot = s;
    return 1;
}

int idm_first(const struct idmap *m, struct idm_pos *p) {
    if (!m->nleaf) return 0;
    p->leaf = 0;
    p->slot = 0;
    return 1;
}

int idm_last(const struct idmap *m, struct idm_pos *p) {
    if (!m->nleaf) return 0;
    p->leaf = m->nleaf - 1;
    p->slot = m->leaf[p->leaf]->n - 1;
    return 1;
}

int idm_next(const struct idmap *m, struct idm_pos *p) {
    if (p->slot + 1 < m->leaf[p->leaf]->n) {
        p->slot++;
        return 1;
    }
    if (p->leaf + 1 >= m->nleaf) return 0;
    p->leaf++;
    p->slot = 0;
    return 1;
}

int idm_prev(const struct idmap *m, struct idm_pos *p) {
    if (p->slot > 0) {
        p->slot--;
        return 1;
    }
    if (p->leaf == 0) return 0;
    p->leaf--;
    p->slot = m->leaf[p->leaf]->n - 1;
    return 1;
}

size_t idm_mem(const struct idmap *m) {
    size_t n = sizeof(*m->leaf) * m->cap;
    for (size_t i = 0; i < m->nleaf; i++)
        n += sizeof(struct idm_leaf) + sizeof(struct idm_ent) * (size_t)m->leaf[i]->cap;
    return n;
}
