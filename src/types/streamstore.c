/*
 * streamstore.c - stream storage: nodes, iteration, trimming, consumer
 * groups and their pending lists (see stream.h for the layout).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/object.h"
#include "../util/buf.h"
#include "stream.h"

/* ---- node bytes ---- */

static inline uint32_t rd32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline void wr32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static inline uint16_t rd16(const unsigned char *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static inline void wr16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }

#define N_USED(n) rd32(n)
#define N_LAST(n) rd32((n) + 4)
#define N_COUNT(n) rd16((n) + 8)
#define N_LIVE(n) rd16((n) + 10)

/* Offset of the first entry, and the master fields' start and count. */
static size_t node_entries(const unsigned char *n, const unsigned char **mf, int *nf) {
    uint64_t v;
    size_t off = SNODE_HDR + varint_get(n + SNODE_HDR, &v);
    if (mf) *mf = n + off;
    if (nf) *nf = (int)v;
    for (uint64_t i = 0; i < v; i++) {
        uint64_t l;
        off += varint_get(n + off, &l);
        off += l;
    }
    return off;
}

static inline const unsigned char *skip_str(const unsigned char *p) {
    uint64_t l;
    p += varint_get(p, &l);
    return p + l;
}

/* Decode the entry at off: its id, flags and fields; returns the offset
 * after it. */
static size_t entry_decode(const unsigned char *n, size_t off, const struct sid *master,
                           const unsigned char *mf, int mnf, struct sid *id, int *flags,
                           struct sfield_it *f) {
    const unsigned char *p = n + off;
    int fl = *p++;
    uint64_t msd, sq;
    p += varint_get(p, &msd);
    p += varint_get(p, &sq);
    id->ms = master->ms + msd;
    id->seq = msd ? sq : master->seq + sq;
    *flags = fl;
    struct sfield_it it;
    if (fl & SE_SAME) {
        it.same = 1;
        it.mf = mf;
        it.left = mnf;
    } else {
        uint64_t np;
        p += varint_get(p, &np);
        it.same = 0;
        it.mf = NULL;
        it.left = (int)np;
    }
    it.p = p;
    if (f) *f = it;
    /* skip to the end */
    for (int i = 0; i < it.left; i++) {
        if (!it.same) p = skip_str(p);
        p = skip_str(p);
    }
    return (size_t)(p - n);
}

int sfield_next(struct sfield_it *it, const char **f, size_t *fl, const char **v, size_t *vl) {
    if (it->left <= 0) return 0;
    uint64_t l;
    const unsigned char **fp = it->same ? &it->mf : &it->p;
    *fp += varint_get(*fp, &l);
    *f = (const char *)*fp;
    *fl = (size_t)l;
    *fp += l;
    it->p += varint_get(it->p, &l);
    *v = (const char *)it->p;
    *vl = (size_t)l;
    it->p += l;
    it->left--;
    return 1;
}

static size_t str_size(size_t len) { return varint_len(len) + len; }

static unsigned char *put_str(unsigned char *p, const char *s, size_t len) {
    p += varint_put(p, len);
    memcpy(p, s, len);
    return p + len;
}

/* Do the entry's fields equal the node's master fields? */
static int same_fields(const unsigned char *mf, int mnf, const struct sfv *fv, int npairs) {
    if (mnf != npairs) return 0;
    for (int i = 0; i < npairs; i++) {
        uint64_t l;
        mf += varint_get(mf, &l);
        if (l != fv[2 * i].len || memcmp(mf, fv[2 * i].p, l) != 0) return 0;
        mf += l;
    }
    return 1;
}

static size_t entry_size(uint64_t msd, uint64_t sq, const struct sfv *fv, int npairs, int same) {
    size_t n = 1 + varint_len(msd) + varint_len(sq);
    if (!same) n += varint_len((uint64_t)npairs);
    for (int i = 0; i < npairs; i++) {
        if (!same) n += str_size(fv[2 * i].len);
        n += str_size(fv[2 * i + 1].len);
    }
    return n;
}

static unsigned char *entry_put(unsigned char *p, uint64_t msd, uint64_t sq, const struct sfv *fv, int npairs,
                                int same) {
    *p++ = same ? SE_SAME : 0;
    p += varint_put(p, msd);
    p += varint_put(p, sq);
    if (!same) p += varint_put(p, (uint64_t)npairs);
    for (int i = 0; i < npairs; i++) {
        if (!same) p = put_str(p, fv[2 * i].p, fv[2 * i].len);
        p = put_str(p, fv[2 * i + 1].p, fv[2 * i + 1].len);
    }
    return p;
}

/* ---- the stream ---- */

struct stream *stream_new(void) {
    struct stream *s = calloc(1, sizeof(*s));
    if (!s) abort();
    idm_init(&s->nodes);
    return s;
}

static void free_consumer(struct sconsumer *c) {
    idm_free(&c->pel, NULL);
    free(c->name);
    free(c);
}

static void free_group(struct sgroup *g) {
    idm_free(&g->pel, free);
    for (int i = 0; i < g->ncons; i++) free_consumer(g->cons[i]);
    free(g->cons);
    free(g->name);
    free(g);
}

void stream_free(struct stream *s) {
    if (!s) return;
    idm_free(&s->nodes, free);
    for (int i = 0; i < s->ngroups; i++) free_group(s->groups[i]);
    free(s->groups);
    free(s);
}

void stream_append(struct stream *s, const struct sid *id, const struct sfv *fv, int npairs,
                   long long max_bytes, long long max_entries) {
    struct idm_pos pos;
    unsigned char *n = NULL;
    struct sid master = {0, 0};
    const unsigned char *mf = NULL;
    int mnf = 0;
    if (idm_last(&s->nodes, &pos)) {
        n = idm_val(&s->nodes, &pos);
        master = *idm_key(&s->nodes, &pos);
        node_entries(n, &mf, &mnf);
    }
    uint64_t msd = n ? id->ms - master.ms : 0;
    uint64_t sq = n ? (msd ? id->seq : id->seq - master.seq) : 0;
    int same = n && same_fields(mf, mnf, fv, npairs);
    size_t esz = entry_size(msd, sq, fv, npairs, same);
    if (n) {
        size_t used = N_USED(n);
        if ((max_bytes > 0 && used + esz >= (unsigned long long)max_bytes) ||
            (max_entries > 0 && N_COUNT(n) >= max_entries) || N_COUNT(n) == UINT16_MAX ||
            used + esz > (1u << 30))
            n = NULL;
    }
    if (n) {
        size_t used = N_USED(n);
        n = realloc(n, used + esz);
        if (!n) abort();
        idm_set_val(&s->nodes, &pos, n);
        entry_put(n + used, msd, sq, fv, npairs, same);
        wr32(n, (uint32_t)(used + esz));
        wr32(n + 4, (uint32_t)used);
        wr16(n + 8, (uint16_t)(N_COUNT(n) + 1));
        wr16(n + 10, (uint16_t)(N_LIVE(n) + 1));
    } else {
        /* a new node: this entry's fields become its master fields */
        size_t msz = varint_len((uint64_t)npairs);
        for (int i = 0; i < npairs; i++) msz += str_size(fv[2 * i].len);
        esz = entry_size(0, 0, fv, npairs, 1);
        size_t used = SNODE_HDR + msz + esz;
        n = malloc(used);
        if (!n) abort();
        unsigned char *p = n + SNODE_HDR;
        p += varint_put(p, (uint64_t)npairs);
        for (int i = 0; i < npairs; i++) p = put_str(p, fv[2 * i].p, fv[2 * i].len);
        entry_put(p, 0, 0, fv, npairs, 1);
        wr32(n, (uint32_t)used);
        wr32(n + 4, (uint32_t)(SNODE_HDR + msz));
        wr16(n + 8, 1);
        wr16(n + 10, 1);
        idm_insert(&s->nodes, id, n);
    }
    s->length++;
    s->entries_added++;
    s->last_id = *id;
    if (s->length == 1) s->first_id = *id;
}

/* Find id in node n (master m); its offset and flags, or 0. */
static size_t node_find(const unsigned char *n, const struct sid *m, const struct sid *id, int *flags) {
    const unsigned char *mf;
    int mnf;
    size_t off = node_entries(n, &mf, &mnf), end = N_USED(n);
    while (off < end) {
        struct sid e;
        size_t next = entry_decode(n, off, m, mf, mnf, &e, flags, NULL);
        int c = sid_cmp(&e, id);
        if (c == 0) return off;
        if (c > 0) return 0;
        off = next;
    }
    return 0;
}

/* Flag the entry at off deleted; drop the node if nothing is left. */
static void node_del_at(struct stream *s, struct idm_pos *pos, unsigned char *n, size_t off) {
    n[off] |= SE_DELETED;
    wr16(n + 10, (uint16_t)(N_LIVE(n) - 1));
    s->length--;
    if (!N_LIVE(n)) {
        struct sid m = *idm_key(&s->nodes, pos);
        idm_remove(&s->nodes, &m, NULL);
        free(n);
    }
}

int stream_delete(struct stream *s, const struct sid *id) {
    struct idm_pos pos;
    if (!idm_seek_le(&s->nodes, id, &pos)) return 0;
    unsigned char *n = idm_val(&s->nodes, &pos);
    int flags;
    size_t off = node_find(n, idm_key(&s->nodes, &pos), id, &flags);
    if (!off || (flags & SE_DELETED)) return 0;
    node_del_at(s, &pos, n, off);
    return 1;
}

int stream_has(const struct stream *s, const struct sid *id) {
    struct idm_pos pos;
    if (!idm_seek_le(&s->nodes, id, &pos)) return 0;
    int flags;
    size_t off = node_find(idm_val(&s->nodes, &pos), idm_key(&s->nodes, &pos), id, &flags);
    return off && !(flags & SE_DELETED);
}

int stream_edge(const struct stream *s, int first, struct sid *id) {
    if (!s->length) return 0;
    struct stream_it it;
    static const struct sid lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    stream_it_start(&it, s, &lo, &hi, !first);
    int ok = stream_it_next(&it);
    if (ok) *id = it.id;
    stream_it_stop(&it);
    return ok;
}

/* The last entry's ID of node n (deleted or not). */
static struct sid node_last_id(const unsigned char *n, const struct sid *m) {
    const unsigned char *mf;
    int mnf, flags;
    node_entries(n, &mf, &mnf);
    struct sid id;
    entry_decode(n, N_LAST(n), m, mf, mnf, &id, &flags, NULL);
    return id;
}

long long stream_trim(struct stream *s, long long maxlen, const struct sid *minid, int approx,
                      long long limit) {
    long long deleted = 0;
    struct idm_pos pos;
    while (s->length && idm_first(&s->nodes, &pos)) {
        if (!minid && (long long)s->length <= maxlen) break;
        unsigned char *n = idm_val(&s->nodes, &pos);
        struct sid m = *idm_key(&s->nodes, &pos);
        long long live = N_LIVE(n);
        if (limit && deleted + live > limit) break;
        int drop;
        if (!minid) {
            drop = (long long)s->length - live >= maxlen;
        } else {
            struct sid last = node_last_id(n, &m);
            drop = sid_cmp(&last, minid) < 0;
        }
        if (drop) {
            idm_remove(&s->nodes, &m, NULL);
            free(n);
            s->length -= (uint64_t)live;
            deleted += live;
            continue;
        }
        if (approx) break;
        /* exact: flag entries of this node until the bound */
        const unsigned char *mf;
        int mnf;
        size_t off = node_entries(n, &mf, &mnf), end = N_USED(n);
        while (off < end) {
            struct sid id;
            int flags;
            size_t next = entry_decode(n, off, &m, mf, mnf, &id, &flags, NULL);
            if (!(flags & SE_DELETED)) {
                if (!minid ? (long long)s->length <= maxlen : sid_cmp(&id, minid) >= 0) break;
                int last = N_LIVE(n) == 1;
                node_del_at(s, &pos, n, off);
                deleted++;
                if (last) break; /* the node went */
            }
            off = next;
        }
        break;
    }
    if (deleted) {
        if (!s->length)
            s->first_id = (struct sid){0, 0};
        else
            stream_edge(s, 1, &s->first_id);
    }
    return deleted;
}

/* ---- iteration ---- */

static void it_load_node(struct stream_it *it) {
    it->node = idm_val(&it->s->nodes, &it->pos);
    it->master = *idm_key(&it->s->nodes, &it->pos);
    const unsigned char *mf;
    int mnf;
    size_t off = node_entries(it->node, &mf, &mnf), end = N_USED(it->node);
    if (!it->rev) {
        it->off = off;
        return;
    }
    it->noffs = 0;
    while (off < end) {
        if (it->noffs == it->capoffs) {
            it->capoffs = it->capoffs ? it->capoffs * 2 : 128;
            it->offs = realloc(it->offs, sizeof(*it->offs) * (size_t)it->capoffs);
            if (!it->offs) abort();
        }
        it->offs[it->noffs++] = (uint32_t)off;
        struct sid id;
        int flags;
        off = entry_decode(it->node, off, &it->master, mf, mnf, &id, &flags, NULL);
    }
    it->idx = it->noffs - 1;
}

void stream_it_start(struct stream_it *it, const struct stream *s, const struct sid *start,
                     const struct sid *end, int rev) {
    memset(it, 0, sizeof(*it));
    it->s = s;
    it->start = *start;
    it->end = *end;
    it->rev = rev;
    if (sid_cmp(start, end) > 0) return;
    if (!rev) {
        if (!idm_seek_le(&s->nodes, start, &it->pos) && !idm_first(&s->nodes, &it->pos)) return;
    } else {
        if (!idm_seek_le(&s->nodes, end, &it->pos)) return;
    }
    it->have_node = 1;
    it_load_node(it);
}

int stream_it_next(struct stream_it *it) {
    while (it->have_node) {
        const unsigned char *mf;
        int mnf;
        node_entries(it->node, &mf, &mnf);
        if (!it->rev) {
            size_t end = N_USED(it->node);
            while (it->off < end) {
                int flags;
                struct sfield_it f;
                it->off = entry_decode(it->node, it->off, &it->master, mf, mnf, &it->id, &flags, &f);
                if (flags & SE_DELETED) continue;
                if (sid_cmp(&it->id, &it->start) < 0) continue;
                if (sid_cmp(&it->id, &it->end) > 0) {
                    it->have_node = 0;
                    return 0;
                }
                it->fields = f;
                it->npairs = f.left;
                return 1;
            }
            if (!idm_next(&it->s->nodes, &it->pos)) break;
        } else {
            while (it->idx >= 0) {
                int flags;
                struct sfield_it f;
                entry_decode(it->node, it->offs[it->idx--], &it->master, mf, mnf, &it->id, &flags, &f);
                if (flags & SE_DELETED) continue;
                if (sid_cmp(&it->id, &it->end) > 0) continue;
                if (sid_cmp(&it->id, &it->start) < 0) {
                    it->have_node = 0;
                    return 0;
                }
                it->fields = f;
                it->npairs = f.left;
                return 1;
            }
            if (!idm_prev(&it->s->nodes, &it->pos)) break;
        }
        it_load_node(it);
    }
    it->have_node = 0;
    return 0;
}

void stream_it_stop(struct stream_it *it) {
    free(it->offs);
    it->offs = NULL;
    it->have_node = 0;
}

/* ---- node entries as stored ---- */

void snode_open(const struct stream *s, const struct idm_pos *pos, struct snode_it *it) {
    it->n = idm_val(&s->nodes, pos);
    it->master = *idm_key(&s->nodes, pos);
    it->off = node_entries(it->n, &it->mf, &it->mnf);
    it->end = N_USED(it->n);
}

void snode_master_fields(const struct snode_it *it, const unsigned char **p, int *n) {
    *p = it->mf;
    *n = it->mnf;
}

unsigned snode_count(const struct snode_it *it) { return N_COUNT(it->n); }
unsigned snode_live(const struct snode_it *it) { return N_LIVE(it->n); }

int snode_next(struct snode_it *it, struct sid *id, int *flags, struct sfield_it *f) {
    if (it->off >= it->end) return 0;
    it->off = entry_decode(it->n, it->off, &it->master, it->mf, it->mnf, id, flags, f);
    return 1;
}

/* ---- consumer-group counters (Redis 7.0's rules) ---- */

int stream_range_has_tombstones(const struct stream *s, const struct sid *start) {
    if (!s->length || (s->max_deleted.ms == 0 && s->max_deleted.seq == 0)) return 0;
    struct sid st = start ? *start : (struct sid){0, 0};
    return sid_cmp(&st, &s->max_deleted) <= 0;
}

long long stream_distance_from_first(const struct stream *s, const struct sid *id) {
    if (!s->entries_added) return 0;
    if (!s->length && sid_cmp(id, &s->last_id) < 1) return (long long)s->entries_added;
    int cl = sid_cmp(id, &s->last_id);
    if (cl == 0) return (long long)s->entries_added;
    if (cl > 0) return SCG_INVALID;
    int cf = sid_cmp(id, &s->first_id);
    int no_del = s->max_deleted.ms == 0 && s->max_deleted.seq == 0;
    if (no_del || sid_cmp(&s->max_deleted, &s->first_id) < 0) {
        if (cf < 0) return (long long)(s->entries_added - s->length);
        if (cf == 0) return (long long)(s->entries_added - s->length + 1);
    }
    return SCG_INVALID;
}

/* ---- groups and consumers ---- */

static int name_cmp(const char *a, size_t al, const char *b, size_t bl) {
    int c = memcmp(a, b, al < bl ? al : bl);
    if (c) return c;
    return al < bl ? -1 : al > bl;
}

/* Binary search over an array of pointers to structs whose first members
 * are name and nlen. */
#define NAME_SEARCH(arr, n, nm_, ln_, found)                                                                 \
    ({                                                                                                       \
        int lo_ = 0, hi_ = (n);                                                                              \
        *(found) = 0;                                                                                        \
        while (lo_ < hi_) {                                                                                  \
            int mid_ = (lo_ + hi_) / 2;                                                                      \
            int c_ = name_cmp((arr)[mid_]->name, (arr)[mid_]->nlen, nm_, ln_);                               \
            if (c_ == 0) {                                                                                   \
                *(found) = 1;                                                                                \
                lo_ = mid_;                                                                                  \
                break;                                                                                       \
            }                                                                                                \
            if (c_ < 0)                                                                                      \
                lo_ = mid_ + 1;                                                                              \
            else                                                                                             \
                hi_ = mid_;                                                                                  \
        }                                                                                                    \
        lo_;                                                                                                 \
    })

static void *grow_insert(void *arr, int *n, int *cap, int at, void *item) {
    void **a = arr;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        a = realloc(a, sizeof(*a) * (size_t)*cap);
        if (!a) abort();
    }
    memmove(&a[at + 1], &a[at], sizeof(*a) * (size_t)(*n - at));
    a[at] = item;
    (*n)++;
    return a;
}

static char *dup_name(const char *p, size_t len) {
    char *s = malloc(len + 1);
    if (!s) abort();
    memcpy(s, p, len);
    s[len] = 0;
    return s;
}

struct sgroup *stream_group_find(const struct stream *s, const char *name, size_t len) {
    int found;
    int at = NAME_SEARCH(s->groups, s->ngroups, name, len, &found);
    return found ? s->groups[at] : NULL;
}

struct sgroup *stream_group_add(struct stream *s, const char *name, size_t len, const struct sid *last_id,
                                long long entries_read) {
    int found;
    int at = NAME_SEARCH(s->groups, s->ngroups, name, len, &found);
    if (found) return NULL;
    struct sgroup *g = calloc(1, sizeof(*g));
    if (!g) abort();
    g->name = dup_name(name, len);
    g->nlen = len;
    g->last_id = *last_id;
    g->entries_read = entries_read;
    idm_init(&g->pel);
    s->groups = grow_insert(s->groups, &s->ngroups, &s->capgroups, at, g);
    s->groups_gen++;
    return g;
}

int stream_group_del(struct stream *s, const char *name, size_t len) {
    int found;
    int at = NAME_SEARCH(s->groups, s->ngroups, name, len, &found);
    if (!found) return 0;
    free_group(s->groups[at]);
    memmove(&s->groups[at], &s->groups[at + 1], sizeof(*s->groups) * (size_t)(s->ngroups - at - 1));
    s->ngroups--;
    s->groups_gen++;
    return 1;
}

struct sconsumer *group_consumer_find(const struct sgroup *g, const char *name, size_t len) {
    int found;
    int at = NAME_SEARCH(g->cons, g->ncons, name, len, &found);
    return found ? g->cons[at] : NULL;
}

struct sconsumer *group_consumer_add(struct sgroup *g, const char *name, size_t len, long long now) {
    int found;
    int at = NAME_SEARCH(g->cons, g->ncons, name, len, &found);
    if (found) return NULL;
    struct sconsumer *c = calloc(1, sizeof(*c));
    if (!c) abort();
    c->name = dup_name(name, len);
    c->nlen = len;
    c->seen_time = now;
    idm_init(&c->pel);
    g->cons = grow_insert(g->cons, &g->ncons, &g->capcons, at, c);
    return c;
}

long long group_consumer_del(struct sgroup *g, struct sconsumer *c) {
    long long pending = (long long)idm_count(&c->pel);
    struct idm_pos pos;
    while (idm_first(&c->pel, &pos)) {
        struct sid id = *idm_key(&c->pel, &pos);
        group_pel_ack(g, &id);
    }
    int found;
    int at = NAME_SEARCH(g->cons, g->ncons, c->name, c->nlen, &found);
    if (found) {
        memmove(&g->cons[at], &g->cons[at + 1], sizeof(*g->cons) * (size_t)(g->ncons - at - 1));
        g->ncons--;
    }
    free_consumer(c);
    return pending;
}

struct snack *group_pel_add(struct sgroup *g, struct sconsumer *c, const struct sid *id, long long now) {
    struct snack *n = idm_get(&g->pel, id);
    if (n) {
        if (n->consumer != c) group_pel_move(g, id, n, c);
    } else {
        n = malloc(sizeof(*n));
        if (!n) abort();
        n->consumer = c;
        idm_insert(&g->pel, id, n);
        idm_insert(&c->pel, id, n);
    }
    n->delivery_time = now;
    n->delivery_count = 1;
    return n;
}

int group_pel_ack(struct sgroup *g, const struct sid *id) {
    void *v;
    if (!idm_remove(&g->pel, id, &v)) return 0;
    struct snack *n = v;
    idm_remove(&n->consumer->pel, id, NULL);
    free(n);
    return 1;
}

void group_pel_move(struct sgroup *g, const struct sid *id, struct snack *n, struct sconsumer *to) {
    (void)g;
    if (n->consumer == to) return;
    idm_remove(&n->consumer->pel, id, NULL);
    idm_insert(&to->pel, id, n);
    n->consumer = to;
}

/* ---- copies, sizes, images ---- */

size_t stream_mem(const struct stream *s) {
    size_t n = sizeof(*s) + idm_mem(&s->nodes);
    struct idm_pos pos;
    if (idm_first(&s->nodes, &pos)) do
            n += N_USED((const unsigned char *)idm_val(&s->nodes, &pos));
        while (idm_next(&s->nodes, &pos));
    for (int i = 0; i < s->ngroups; i++) {
        const struct sgroup *g = s->groups[i];
        n += sizeof(*g) + g->nlen + idm_mem(&g->pel) + idm_count(&g->pel) * sizeof(struct snack);
        for (int j = 0; j < g->ncons; j++)
            n += sizeof(struct sconsumer) + g->cons[j]->nlen + idm_mem(&g->cons[j]->pel);
    }
    return n;
}

static void put_u64(struct buf *b, uint64_t v) { buf_put(b, &v, 8); }
static void put_sid(struct buf *b, const struct sid *id) {
    put_u64(b, id->ms);
    put_u64(b, id->seq);
}
static void put_name(struct buf *b, const char *p, size_t len) {
    put_u64(b, len);
    buf_put(b, p, len);
}

void stream_serialize(const struct stream *s, struct buf *b) {
    put_u64(b, s->length);
    put_u64(b, s->entries_added);
    put_sid(b, &s->last_id);
    put_sid(b, &s->first_id);
    put_sid(b, &s->max_deleted);
    put_u64(b, idm_count(&s->nodes));
    struct idm_pos pos;
    if (idm_first(&s->nodes, &pos)) do {
            const unsigned char *n = idm_val(&s->nodes, &pos);
            put_sid(b, idm_key(&s->nodes, &pos));
            buf_put(b, n, N_USED(n));
        } while (idm_next(&s->nodes, &pos));
    put_u64(b, (uint64_t)s->ngroups);
    for (int i = 0; i < s->ngroups; i++) {
        const struct sgroup *g = s->groups[i];
        put_name(b, g->name, g->nlen);
        put_sid(b, &g->last_id);
        put_u64(b, (uint64_t)g->entries_read);
        put_u64(b, (uint64_t)g->ncons);
        for (int j = 0; j < g->ncons; j++) {
            put_name(b, g->cons[j]->name, g->cons[j]->nlen);
            put_u64(b, (uint64_t)g->cons[j]->seen_time);
        }
        put_u64(b, idm_count(&g->pel));
        if (idm_first(&g->pel, &pos)) do {
                const struct snack *k = idm_val(&g->pel, &pos);
                put_sid(b, idm_key(&g->pel, &pos));
                put_u64(b, (uint64_t)k->delivery_time);
                put_u64(b, k->delivery_count);
                /* the consumer by its index */
                int found;
                int at = NAME_SEARCH(g->cons, g->ncons, k->consumer->name, k->consumer->nlen, &found);
                put_u64(b, (uint64_t)at);
            } while (idm_next(&g->pel, &pos));
    }
}

void stream_serialize_view(const struct stream *s, const struct sid *after, long long count, struct buf *b) {
    /* the nodes from the one that may hold the entry after `after` */
    struct idm_pos first, pos;
    struct sid next = *after;
    int have = 0;
    if (next.seq != UINT64_MAX || next.ms != UINT64_MAX) {
        if (next.seq == UINT64_MAX) {
            next.ms++;
            next.seq = 0;
        } else {
            next.seq++;
        }
        have = idm_seek_le(&s->nodes, &next, &first) || idm_first(&s->nodes, &first);
    }
    uint64_t nnodes = 0, live = 0;
    long long wanted = 0;
    if (have) {
        pos = first;
        do {
            const unsigned char *n = idm_val(&s->nodes, &pos);
            nnodes++;
            live += N_LIVE(n);
            if (count) {
                if (nnodes == 1) {
                    /* only the entries after `after` count towards count */
                    struct stream_it it;
                    stream_it_start(&it, s, &next, &(struct sid){UINT64_MAX, UINT64_MAX}, 0);
                    while (wanted < count && stream_it_next(&it) && it.node == n) wanted++;
                    stream_it_stop(&it);
                } else {
                    wanted += N_LIVE(n);
                }
                if (wanted >= count) break;
            }
        } while (idm_next(&s->nodes, &pos));
    }
    put_u64(b, live);
    put_u64(b, s->entries_added);
    put_sid(b, &s->last_id);
    put_sid(b, &s->first_id);
    put_sid(b, &s->max_deleted);
    put_u64(b, nnodes);
    pos = first;
    for (uint64_t i = 0; i < nnodes; i++) {
        const unsigned char *n = idm_val(&s->nodes, &pos);
        put_sid(b, idm_key(&s->nodes, &pos));
        buf_put(b, n, N_USED(n));
        idm_next(&s->nodes, &pos);
    }
    put_u64(b, 0); /* no groups */
}

struct rd {
    const unsigned char *p, *end;
    int bad;
};

static uint64_t rd_u64(struct rd *r) {
    uint64_t v = 0;
    if (r->end - r->p < 8) {
        r->bad = 1;
        return 0;
    }
    memcpy(&v, r->p, 8);
    r->p += 8;
    return v;
}

static struct sid rd_sid(struct rd *r) {
    struct sid id;
    id.ms = rd_u64(r);
    id.seq = rd_u64(r);
    return id;
}

static const char *rd_bytes(struct rd *r, uint64_t len) {
    if (r->bad || (uint64_t)(r->end - r->p) < len) {
        r->bad = 1;
        return NULL;
    }
    const char *p = (const char *)r->p;
    r->p += len;
    return p;
}

/* A varint within [p, end): its size, or 0 if it runs over. */
static size_t varint_in(const unsigned char *p, const unsigned char *end, uint64_t *v) {
    size_t i = 0;
    for (; p + i < end && i < 10; i++)
        if (!(p[i] & 0x80)) return varint_get(p, v);
    return 0;
}

/* Check a node's bytes hang together: header, fields, entries, counts. */
static int node_valid(const unsigned char *n, size_t len, const struct sid *master, struct sid *last) {
    if (len < SNODE_HDR + 1 || N_USED(n) != len) return 0;
    const unsigned char *p = n + SNODE_HDR, *end = n + len;
    uint64_t nf, l;
    size_t k = varint_in(p, end, &nf);
    if (!k || nf > len) return 0;
    p += k;
    const unsigned char *mf = p;
    for (uint64_t i = 0; i < nf; i++) {
        if (!(k = varint_in(p, end, &l)) || l > (size_t)(end - p - k)) return 0;
        p += k + l;
    }
    unsigned count = 0, live = 0;
    size_t lastoff = 0;
    struct sid prev = {0, 0};
    while (p < end) {
        lastoff = (size_t)(p - n);
        int fl = *p++;
        uint64_t msd, sq, np = nf;
        if (fl & ~(SE_DELETED | SE_SAME)) return 0;
        if (!(k = varint_in(p, end, &msd))) return 0;
        p += k;
        if (!(k = varint_in(p, end, &sq))) return 0;
        p += k;
        if (!(fl & SE_SAME)) {
            if (!(k = varint_in(p, end, &np)) || np > len) return 0;
            p += k;
        }
        for (uint64_t i = 0; i < np * ((fl & SE_SAME) ? 1 : 2); i++) {
            if (!(k = varint_in(p, end, &l)) || l > (size_t)(end - p - k)) return 0;
            p += k + l;
        }
        struct sid id = {master->ms + msd, msd ? sq : master->seq + sq};
        if (id.ms < master->ms || (count && sid_cmp(&id, &prev) <= 0) ||
            (!count && sid_cmp(&id, master) != 0))
            return 0;
        prev = id;
        count++;
        if (!(fl & SE_DELETED)) live++;
    }
    (void)mf;
    if (!count || count != N_COUNT(n) || live != N_LIVE(n) || !live || lastoff != N_LAST(n)) return 0;
    *last = prev;
    return 1;
}

struct stream *stream_deserialize(const char *p, size_t len) {
    struct rd r = {(const unsigned char *)p, (const unsigned char *)p + len, 0};
    struct stream *s = stream_new();
    s->length = rd_u64(&r);
    s->entries_added = rd_u64(&r);
    s->last_id = rd_sid(&r);
    s->first_id = rd_sid(&r);
    s->max_deleted = rd_sid(&r);
    uint64_t nn = rd_u64(&r), total = 0;
    struct sid prev_last = {0, 0};
    for (uint64_t i = 0; i < nn && !r.bad; i++) {
        struct sid m = rd_sid(&r);
        if (r.end - r.p < SNODE_HDR) {
            r.bad = 1;
            break;
        }
        uint32_t used = rd32(r.p);
        const char *nb = rd_bytes(&r, used);
        struct sid last;
        if (!nb || !node_valid((const unsigned char *)nb, used, &m, &last) ||
            (i && sid_cmp(&m, &prev_last) <= 0)) {
            r.bad = 1;
            break;
        }
        prev_last = last;
        unsigned char *n = malloc(used);
        if (!n) abort();
        memcpy(n, nb, used);
        idm_insert(&s->nodes, &m, n);
        total += N_LIVE(n);
    }
    /* the last ID given out is at least every entry's, deleted or not, so
     * that appends stay in order */
    if (total != s->length || (nn && sid_cmp(&prev_last, &s->last_id) > 0) || s->entries_added < s->length)
        r.bad = 1;
    uint64_t ng = rd_u64(&r);
    for (uint64_t i = 0; i < ng && !r.bad; i++) {
        uint64_t nl = rd_u64(&r);
        const char *name = rd_bytes(&r, nl);
        struct sid lid = rd_sid(&r);
        long long er = (long long)rd_u64(&r);
        if (r.bad) break;
        struct sgroup *g = stream_group_add(s, name, nl, &lid, er);
        if (!g) {
            r.bad = 1;
            break;
        }
        uint64_t nc = rd_u64(&r);
        for (uint64_t j = 0; j < nc && !r.bad; j++) {
            uint64_t cl = rd_u64(&r);
            const char *cn = rd_bytes(&r, cl);
            long long seen = (long long)rd_u64(&r);
            if (r.bad || !group_consumer_add(g, cn, cl, seen)) r.bad = 1;
        }
        uint64_t np = rd_u64(&r);
        for (uint64_t j = 0; j < np && !r.bad; j++) {
            struct sid id = rd_sid(&r);
            long long t = (long long)rd_u64(&r);
            uint64_t cnt = rd_u64(&r), ci = rd_u64(&r);
            if (r.bad || ci >= (uint64_t)g->ncons || idm_get(&g->pel, &id)) {
                r.bad = 1;
                break;
            }
            struct snack *k = group_pel_add(g, g->cons[ci], &id, t);
            k->delivery_count = cnt;
        }
    }
    if (r.bad || r.p != r.end) {
        stream_free(s);
        return NULL;
    }
    return s;
}

struct stream *stream_dup(const struct stream *s) {
    struct buf b = {0};
    stream_serialize(s, &b);
    struct stream *d = stream_deserialize(b.p, b.len);
    buf_free(&b);
    return d;
}

int sid_format(const struct sid *id, char *buf) {
    return snprintf(buf, 42, "%" PRIu64 "-%" PRIu64, id->ms, id->seq);
}
