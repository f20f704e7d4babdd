/*
 * test_stream.c - unit tests for the stream value (src/types/stream.h,
 * src/types/streamstore.c): nodes of packed entries, iteration, deletion,
 * trimming, consumer groups and their pending lists, and images.
 *
 * Entries are checked against a model: a plain array of every appended
 * entry (ID, owned copies of its fields and values, deleted or not, which
 * node it went to). The node each entry goes to is worked out from the
 * layout documented in stream.h (header, master fields, varint deltas, the
 * SE_SAME form) and Redis's rule for stream-node-max-bytes/-entries (a new
 * node when the entry would bring the node to max_bytes or the node already
 * holds max_entries entries, deleted ones included), so node counts and each
 * node's used/count/live header are compared exactly. Fields vary: the same
 * as the node's first entry, reordered, subsets, random sets with repeats,
 * zero-length values and 5000-byte values; IDs jump by small and very large
 * steps. Pending lists are checked against their own model, and images
 * (stream_serialize) go through stream_deserialize whole, cut at every
 * length and with flipped bits.
 */
#include "test.h"

#include <stdint.h>

#include "db/idmap.h"
#include "types/stream.h"
#include "util/buf.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

#define NRANGES (SANITIZED ? 10 : 30)

#define CHK(c)                                                                                               \
    do {                                                                                                     \
        if (!(c)) {                                                                                          \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                          \
            return 0;                                                                                        \
        }                                                                                                    \
    } while (0)

static uint64_t rng = 0xD1B54A32D192ED03ULL;

static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

static const struct sid SID_MIN = {0, 0}, SID_MAX = {UINT64_MAX, UINT64_MAX};

static struct sid sid_inc(struct sid a) {
    if (a.seq != UINT64_MAX)
        a.seq++;
    else if (a.ms != UINT64_MAX)
        a.ms++, a.seq = 0;
    return a;
}

static struct sid sid_dec(struct sid a) {
    if (a.seq)
        a.seq--;
    else if (a.ms)
        a.ms--, a.seq = UINT64_MAX;
    return a;
}

static uint32_t rd32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint16_t rd16(const unsigned char *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static size_t getv(const unsigned char *p, uint64_t *v) {
    uint64_t r = 0;
    size_t n = 0;
    for (int sh = 0;; sh += 7) {
        unsigned char c = p[n++];
        r |= (uint64_t)(c & 0x7f) << sh;
        if (!(c & 0x80)) break;
    }
    *v = r;
    return n;
}

/* The ID of a node's last entry, deleted or not (the layout in stream.h:
 * the header's last entry offset, then flags, ms delta, seq). */
static struct sid node_last(const unsigned char *nb, const struct sid *master) {
    const unsigned char *p = nb + rd32(nb + 4) + 1;
    uint64_t msd, sq;
    p += getv(p, &msd);
    getv(p, &sq);
    return (struct sid){master->ms + msd, msd ? sq : master->seq + sq};
}

/* The largest ID in s, deleted entries included; 0 if no nodes. */
static int max_entry_id(const struct stream *s, struct sid *id) {
    struct idm_pos p;
    if (!idm_last(&s->nodes, &p)) return 0;
    *id = node_last(idm_val(&s->nodes, &p), idm_key(&s->nodes, &p));
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Sizes, from the layout in stream.h. */

static size_t vlen(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) v >>= 7, n++;
    return n;
}
static size_t ssz(size_t len) { return vlen(len) + len; }

/* ------------------------------------------------------------------------ */
/* The model. */

struct ent {
    struct sid id;
    struct sfv *fv; /* 2 * np, owned */
    int np;
    int dead;
    size_t node;
};

struct mnode {
    struct sid master;
    size_t first, last; /* entry indexes */
    size_t used;
    unsigned count, live;
};

struct model {
    struct ent *e;
    size_t n, cap;
    struct mnode *nd;
    size_t nn, capn;
    long long max_bytes, max_entries;
    uint64_t live;
    struct sid last_id;
};

static char *dupb(const char *p, size_t len) {
    char *d = malloc(len ? len : 1);
    if (len) memcpy(d, p, len);
    return d;
}

static void set_str(struct sfv *d, const char *s) {
    d->len = strlen(s);
    d->p = dupb(s, d->len);
}

static void set_rand(struct sfv *d, size_t len) {
    char *b = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++) b[i] = (char)(rnd_below(8) == 0 ? 0 : 'a' + rnd_below(26));
    if (len && rnd_below(4) == 0) b[0] = (char)0xff;
    d->p = b;
    d->len = len;
}

static const char *const fnames[] = {"name", "age", "city",
                                     "x",    "",    "a-somewhat-longer-field-name-for-variety"};

/* Set: no 5000-byte values (small images). */
static int no_long;

/* Random fields and values into e (np, fv). */
static void gen_fields(struct ent *e) {
    const char *gnames[8];
    int np;
    unsigned r = rnd_below(100), vmode = 0; /* 0 small, 1 empty, 2 one long */
    if (r < 45)
        np = 2, gnames[0] = "name", gnames[1] = "age";
    else if (r < 52)
        np = 2, gnames[0] = "age", gnames[1] = "name";
    else if (r < 58)
        np = 1, gnames[0] = "name";
    else if (r < 66)
        np = 3, gnames[0] = "name", gnames[1] = "age", gnames[2] = "city";
    else if (r < 80) {
        np = 1 + (int)rnd_below(6); /* repeats allowed, like XADD */
        for (int i = 0; i < np; i++) gnames[i] = fnames[rnd_below(sizeof(fnames) / sizeof(fnames[0]))];
    } else if (r < 91)
        np = 2, gnames[0] = "name", gnames[1] = "age", vmode = 1;
    else if (r < 95)
        np = 2, gnames[0] = "name", gnames[1] = "age", vmode = no_long ? 0 : 2;
    else
        np = 1, gnames[0] = "blob", vmode = no_long ? 0 : 2;
    e->np = np;
    e->fv = malloc(sizeof(struct sfv) * 2 * (size_t)np);
    int longone = (int)rnd_below((unsigned)np);
    for (int i = 0; i < np; i++) {
        set_str(&e->fv[2 * i], gnames[i]);
        size_t len = vmode == 1                   ? 0
                     : vmode == 2 && i == longone ? 5000
                     : rnd_below(3) == 0          ? 0
                                                  : rnd_below(12);
        set_rand(&e->fv[2 * i + 1], len);
    }
}

/* Fixed fields: "f0".."f{np-1}" with value text v. */
static void gen_fixed(struct ent *e, int np, const char *v) {
    e->np = np;
    e->fv = malloc(sizeof(struct sfv) * 2 * (size_t)(np ? np : 1));
    for (int i = 0; i < np; i++) {
        char f[16];
        snprintf(f, sizeof(f), "f%d", i);
        set_str(&e->fv[2 * i], f);
        set_str(&e->fv[2 * i + 1], v);
    }
}

static struct sid next_id(struct sid a) {
    unsigned r = rnd_below(100);
    if (a.seq > UINT64_MAX - 8) r = 99;
    if (r < 70)
        a.seq += 1 + rnd_below(3);
    else if (r < 95)
        a.ms += 1 + rnd_below(1000), a.seq = rnd_below(3);
    else if (r < 98)
        a.ms += ((uint64_t)1 << 40) + rnd_below(1000), a.seq = rnd() >> 1;
    else
        a.ms++, a.seq = 0;
    return a;
}

static int same_fields(const struct ent *m, const struct ent *e) {
    if (m->np != e->np) return 0;
    for (int i = 0; i < e->np; i++)
        if (m->fv[2 * i].len != e->fv[2 * i].len || memcmp(m->fv[2 * i].p, e->fv[2 * i].p, e->fv[2 * i].len))
            return 0;
    return 1;
}

/* An entry's bytes in a node whose master is m (same: SE_SAME form). */
static size_t entry_bytes(const struct sid *m, const struct ent *e, int same) {
    uint64_t msd = e->id.ms - m->ms, sq = msd ? e->id.seq : e->id.seq - m->seq;
    size_t n = 1 + vlen(msd) + vlen(sq);
    if (!same) n += vlen((uint64_t)e->np);
    for (int i = 0; i < e->np; i++) {
        if (!same) n += ssz(e->fv[2 * i].len);
        n += ssz(e->fv[2 * i + 1].len);
    }
    return n;
}

static void model_init(struct model *md, long long max_bytes, long long max_entries) {
    memset(md, 0, sizeof(*md));
    md->max_bytes = max_bytes;
    md->max_entries = max_entries;
}

static void model_free(struct model *md) {
    for (size_t i = 0; i < md->n; i++) {
        for (int j = 0; j < 2 * md->e[i].np; j++) free((void *)md->e[i].fv[j].p);
        free(md->e[i].fv);
    }
    free(md->e);
    free(md->nd);
    memset(md, 0, sizeof(*md));
}

/* Append e (its id and fields set; the model takes them) to s and to the
 * model, working out where it goes. */
static int model_append(struct model *md, struct stream *s, struct ent e) {
    size_t ln = md->nn;
    while (ln > 0 && !md->nd[ln - 1].live) ln--;
    int fresh = 1;
    size_t esz = 0;
    if (ln) {
        struct mnode *l = &md->nd[ln - 1];
        esz = entry_bytes(&l->master, &e, same_fields(&md->e[l->first], &e));
        fresh = (md->max_bytes > 0 && l->used + esz >= (unsigned long long)md->max_bytes) ||
                (md->max_entries > 0 && l->count >= (unsigned long long)md->max_entries) || l->count == 65535;
    }
    if (md->n == md->cap) {
        md->cap = md->cap ? md->cap * 2 : 1024;
        md->e = realloc(md->e, sizeof(*md->e) * md->cap);
    }
    if (fresh) {
        if (md->nn == md->capn) {
            md->capn = md->capn ? md->capn * 2 : 256;
            md->nd = realloc(md->nd, sizeof(*md->nd) * md->capn);
        }
        struct mnode *l = &md->nd[md->nn];
        l->master = e.id;
        l->first = l->last = md->n;
        l->used = 12 + vlen((uint64_t)e.np);
        for (int i = 0; i < e.np; i++) l->used += ssz(e.fv[2 * i].len);
        l->used += entry_bytes(&e.id, &e, 1);
        l->count = l->live = 1;
        e.node = md->nn++;
    } else {
        struct mnode *l = &md->nd[ln - 1];
        l->used += esz;
        l->count++;
        l->live++;
        l->last = md->n;
        e.node = ln - 1;
    }
    e.dead = 0;
    md->e[md->n++] = e;
    uint64_t was = s->length, added = s->entries_added;
    stream_append(s, &e.id, e.fv, e.np, md->max_bytes, md->max_entries);
    md->live++;
    md->last_id = e.id;
    CHK(s->length == was + 1);
    CHK(s->entries_added == added + 1);
    CHK(sid_cmp(&s->last_id, &e.id) == 0);
    if (!was) CHK(sid_cmp(&s->first_id, &e.id) == 0);
    return 1;
}

/* Append n random entries. */
static int model_fill(struct model *md, struct stream *s, size_t n) {
    struct sid id = md->n ? md->last_id : (struct sid){1 + rnd_below(1000), rnd_below(3)};
    for (size_t i = 0; i < n; i++) {
        struct ent e;
        if (i || md->n) id = next_id(id);
        e.id = id;
        gen_fields(&e);
        CHK(model_append(md, s, e));
    }
    return 1;
}

static void model_kill(struct model *md, size_t i) {
    md->e[i].dead = 1;
    md->nd[md->e[i].node].live--;
    md->live--;
}

/* Index of the first entry with id >= k. */
static size_t m_lower(const struct model *md, const struct sid *k) {
    size_t lo = 0, hi = md->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sid_cmp(&md->e[mid].id, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static long m_find(const struct model *md, const struct sid *k) {
    size_t i = m_lower(md, k);
    return i < md->n && sid_cmp(&md->e[i].id, k) == 0 ? (long)i : -1;
}

static int m_first_live(const struct model *md, struct sid *id) {
    for (size_t i = 0; i < md->n; i++)
        if (!md->e[i].dead) return *id = md->e[i].id, 1;
    return 0;
}

/* A probe: an entry's ID, one next to it, or an extreme. */
static struct sid probe(const struct model *md) {
    unsigned r = rnd_below(20);
    if (!md->n || r == 0) return SID_MIN;
    if (r == 1) return SID_MAX;
    struct sid id = md->e[rnd_below((unsigned)md->n)].id;
    if (r < 5) return sid_dec(id);
    if (r < 8) return sid_inc(id);
    if (r < 9) return (struct sid){id.ms, rnd()};
    return id;
}

/* ------------------------------------------------------------------------ */
/* Checks. */

static int ent_is(const struct stream_it *it, const struct ent *e) {
    CHK(sid_cmp(&it->id, &e->id) == 0);
    CHK(it->npairs == e->np);
    struct sfield_it f = it->fields;
    const char *fp, *vp;
    size_t fl, vl;
    for (int i = 0; i < e->np; i++) {
        CHK(sfield_next(&f, &fp, &fl, &vp, &vl));
        CHK(fl == e->fv[2 * i].len && memcmp(fp, e->fv[2 * i].p, fl) == 0);
        CHK(vl == e->fv[2 * i + 1].len && memcmp(vp, e->fv[2 * i + 1].p, vl) == 0);
    }
    CHK(!sfield_next(&f, &fp, &fl, &vp, &vl));
    return 1;
}

static int check_range(const struct stream *s, const struct model *md, const struct sid *start,
                       const struct sid *end, int rev) {
    struct stream_it it;
    stream_it_start(&it, s, start, end, rev);
    size_t lo = m_lower(md, start), hi = m_lower(md, end); /* [lo, hi) plus hi if it equals end */
    if (hi < md->n && sid_cmp(&md->e[hi].id, end) == 0) hi++;
    if (sid_cmp(start, end) > 0) hi = lo;
    int ok = 1;
    if (!rev) {
        for (size_t i = lo; i < hi && ok; i++) {
            if (md->e[i].dead) continue;
            ok = stream_it_next(&it) && ent_is(&it, &md->e[i]);
        }
    } else {
        for (size_t i = hi; i > lo && ok; i--) {
            if (md->e[i - 1].dead) continue;
            ok = stream_it_next(&it) && ent_is(&it, &md->e[i - 1]);
        }
    }
    if (ok) ok = !stream_it_next(&it) && !stream_it_next(&it);
    stream_it_stop(&it);
    CHK(ok);
    return 1;
}

/* The nodes: one per model node with live entries, keyed by its master ID,
 * with the header the layout gives. */
static int check_nodes(const struct stream *s, const struct model *md) {
    struct idm_pos p;
    int have = idm_first(&s->nodes, &p);
    size_t live_nodes = 0;
    for (size_t i = 0; i < md->nn; i++) {
        const struct mnode *l = &md->nd[i];
        if (!l->live) continue;
        live_nodes++;
        CHK(have);
        CHK(sid_cmp(idm_key(&s->nodes, &p), &l->master) == 0);
        const unsigned char *nb = idm_val(&s->nodes, &p);
        CHK(rd32(nb) == l->used);
        CHK(rd16(nb + 8) == l->count);
        CHK(rd16(nb + 10) == l->live);
        have = idm_next(&s->nodes, &p);
    }
    CHK(!have);
    CHK(idm_count(&s->nodes) == live_nodes);
    return 1;
}

static int check_stream(const struct stream *s, const struct model *md, int nranges) {
    CHK(s->length == md->live);
    CHK(s->entries_added == md->n);
    if (md->n) CHK(sid_cmp(&s->last_id, &md->last_id) == 0);
    CHK(check_nodes(s, md));
    CHK(check_range(s, md, &SID_MIN, &SID_MAX, 0));
    CHK(check_range(s, md, &SID_MIN, &SID_MAX, 1));
    for (int i = 0; i < nranges; i++) {
        struct sid a = probe(md), b = probe(md);
        if (sid_cmp(&a, &b) > 0 && rnd_below(8)) {
            struct sid t = a;
            a = b;
            b = t;
        }
        CHK(check_range(s, md, &a, &b, 0));
        CHK(check_range(s, md, &a, &b, 1));
    }
    struct sid id, want;
    int has = m_first_live(md, &want);
    CHK(stream_edge(s, 1, &id) == has);
    if (has) CHK(sid_cmp(&id, &want) == 0);
    has = 0;
    for (size_t i = md->n; i > 0; i--)
        if (!md->e[i - 1].dead) {
            want = md->e[i - 1].id;
            has = 1;
            break;
        }
    CHK(stream_edge(s, 0, &id) == has);
    if (has) CHK(sid_cmp(&id, &want) == 0);
    for (int i = 0; i < 200; i++) {
        struct sid k = probe(md);
        long at = m_find(md, &k);
        CHK(stream_has(s, &k) == (at >= 0 && !md->e[at].dead));
    }
    return 1;
}

/* first_id after a trim: the first live entry, 0-0 when empty. */
static int check_first_id(const struct stream *s, const struct model *md) {
    struct sid want = {0, 0};
    m_first_live(md, &want);
    CHK(sid_cmp(&s->first_id, &want) == 0);
    return 1;
}

/* ------------------------------------------------------------------------ */

static void test_sid_format(void) {
    char buf[64];
    struct sid a = {0, 0}, b = {1526919030474ULL, 55}, c = {UINT64_MAX, UINT64_MAX};
    ASSERT(sid_format(&a, buf) == 3 && strcmp(buf, "0-0") == 0);
    ASSERT(sid_format(&b, buf) == 16 && strcmp(buf, "1526919030474-55") == 0);
    ASSERT(sid_format(&c, buf) == 41 && strcmp(buf, "18446744073709551615-18446744073709551615") == 0);
}

static void test_empty_stream(void) {
    struct stream *s = stream_new();
    struct sid id = {5, 5};
    ASSERT(s->length == 0 && s->entries_added == 0 && idm_count(&s->nodes) == 0 && s->ngroups == 0);
    ASSERT(!stream_edge(s, 1, &id) && !stream_edge(s, 0, &id));
    ASSERT(id.ms == 5 && id.seq == 5);
    ASSERT(!stream_has(s, &id) && !stream_has(s, &SID_MIN) && !stream_has(s, &SID_MAX));
    ASSERT(stream_delete(s, &id) == 0);
    ASSERT(stream_trim(s, 0, NULL, 0, 0) == 0);
    ASSERT(stream_trim(s, 0, &SID_MAX, 1, 0) == 0);
    struct stream_it it;
    stream_it_start(&it, s, &SID_MIN, &SID_MAX, 0);
    ASSERT(!stream_it_next(&it));
    stream_it_stop(&it);
    stream_it_start(&it, s, &SID_MIN, &SID_MAX, 1);
    ASSERT(!stream_it_next(&it));
    stream_it_stop(&it);
    ASSERT(stream_mem(s) >= sizeof(*s));
    struct stream *d = stream_dup(s);
    ASSERT(d && d->length == 0 && idm_count(&d->nodes) == 0);
    stream_free(d);
    stream_free(s);
    stream_free(NULL);
}

/* Exact bytes of a few entries, worked out by hand from stream.h. */
static void test_node_layout(void) {
    struct stream *s = stream_new();
    struct sfv ab[] = {{"a", 1}, {"1", 1}, {"b", 1}, {"2", 1}};
    struct sfv c[] = {{"c", 1}, {"3", 1}};
    struct sid id = {1000, 1};
    stream_append(s, &id, ab, 2, 0, 0);
    ASSERT(idm_count(&s->nodes) == 1);
    const unsigned char *n = idm_get(&s->nodes, &id);
    ASSERT(n);
    /* header 12, fields: count 1 + "a" 2 + "b" 2, entry: flags, 0, 0, "1" 2, "2" 2 */
    ASSERT(rd32(n) == 12 + 5 + 7 && rd32(n + 4) == 17 && rd16(n + 8) == 1 && rd16(n + 10) == 1);
    ASSERT(n[17] == SE_SAME && n[18] == 0 && n[19] == 0);
    id.seq = 2; /* same fields: flags, ms delta 0, seq delta 1, two values */
    stream_append(s, &id, ab, 2, 0, 0);
    n = idm_get(&s->nodes, &(struct sid){1000, 1});
    ASSERT(rd32(n) == 24 + 7 && rd32(n + 4) == 24 && rd16(n + 8) == 2 && rd16(n + 10) == 2);
    ASSERT(n[24] == SE_SAME && n[25] == 0 && n[26] == 1);
    id = (struct sid){1300, 7}; /* other fields: flags, 300 (2 bytes), seq 7, 1 pair, "c" "3" */
    stream_append(s, &id, c, 1, 0, 0);
    n = idm_get(&s->nodes, &(struct sid){1000, 1});
    ASSERT(rd32(n) == 31 + 9 && rd32(n + 4) == 31 && rd16(n + 8) == 3);
    ASSERT(n[31] == 0 && n[32] == ((300 & 0x7f) | 0x80) && n[33] == 2 && n[34] == 7 && n[35] == 1);
    ASSERT(s->length == 3 && s->entries_added == 3 && s->first_id.ms == 1000 && s->first_id.seq == 1);
    ASSERT(s->last_id.ms == 1300 && s->last_id.seq == 7);
    ASSERT(stream_mem(s) >= sizeof(*s) + 40);

    /* max_bytes: a node stays below it (Redis's rule): 40 + 9 >= 45 opens a node */
    id = (struct sid){1300, 8};
    stream_append(s, &id, c, 1, 45, 0);
    ASSERT(idm_count(&s->nodes) == 2 && idm_get(&s->nodes, &id));
    /* that node is 12 + 3 + 5 = 20 bytes; + 5 < 26 fits, + 5 more does not */
    id.seq = 9;
    stream_append(s, &id, c, 1, 26, 0);
    ASSERT(idm_count(&s->nodes) == 2);
    id.seq = 10;
    stream_append(s, &id, c, 1, 26, 0);
    ASSERT(idm_count(&s->nodes) == 3);
    /* max_entries counts entries in the node */
    for (uint64_t q = 11; q < 20; q++) {
        id.seq = q;
        stream_append(s, &id, c, 1, 0, 3);
    }
    ASSERT(idm_count(&s->nodes) == 3 + 3); /* 10,11,12 | 13,14,15 | 16,17,18 | 19 */
    ASSERT(idm_get(&s->nodes, &(struct sid){1300, 13}) && idm_get(&s->nodes, &(struct sid){1300, 19}));
    ASSERT(s->length == 3 + 1 + 2 + 9);
    stream_free(s);
}

/* The main run: 10,000 entries for each node limit, checked whole. */
static void test_append_iterate(void) {
    static const long long lim[][2] = {{4096, 100}, {0, 0},    {0, 1},   {1, 0},
                                       {1, 1},      {4096, 0}, {0, 100}, {200, 7}};
    for (size_t c = 0; c < sizeof(lim) / sizeof(lim[0]); c++) {
        struct model md;
        model_init(&md, lim[c][0], lim[c][1]);
        struct stream *s = stream_new();
        /* ASan's realloc always copies: one growing node of everything costs n^2 there */
        size_t total = !SANITIZED ? 10000 : lim[c][0] || lim[c][1] ? 4000 : 1000;
        ASSERT(model_fill(&md, s, total / 2));
        ASSERT(check_stream(s, &md, NRANGES));
        ASSERT(model_fill(&md, s, total / 2));
        ASSERT(check_stream(s, &md, NRANGES));
        if (lim[c][0] == 1 || lim[c][1] == 1) ASSERT(idm_count(&s->nodes) == total);
        if (lim[c][0] == 0 && lim[c][1] == 0) ASSERT(idm_count(&s->nodes) == 1);
        if (lim[c][0] == 0 && lim[c][1] == 100) ASSERT(idm_count(&s->nodes) == total / 100);
        /* node limits honoured (a lone entry may be bigger than max_bytes) */
        struct idm_pos p;
        ASSERT(idm_first(&s->nodes, &p));
        do {
            const unsigned char *nb = idm_val(&s->nodes, &p);
            if (lim[c][1]) ASSERT(rd16(nb + 8) <= lim[c][1]);
            if (lim[c][0] && rd16(nb + 8) > 1) ASSERT(rd32(nb) < lim[c][0]);
        } while (idm_next(&s->nodes, &p));
        stream_free(s);
        model_free(&md);
    }
}

/* 65,535 entries at most in a node, even with no limits. (Not under ASan,
 * whose realloc copies the growing node on every append.) */
static void test_node_count_cap(void) {
    if (SANITIZED) return;
    struct stream *s = stream_new();
    struct sfv fv[] = {{"f", 1}, {"v", 1}};
    for (uint64_t i = 0; i < 70000; i++) stream_append(s, &(struct sid){1, i}, fv, 1, 0, 0);
    ASSERT(idm_count(&s->nodes) == 2);
    struct idm_pos p;
    ASSERT(idm_last(&s->nodes, &p));
    ASSERT(idm_key(&s->nodes, &p)->seq == 65535);
    ASSERT(rd16((const unsigned char *)idm_val(&s->nodes, &p) + 8) == 70000 - 65535);
    ASSERT(stream_has(s, &(struct sid){1, 65534}) && stream_has(s, &(struct sid){1, 65535}));
    ASSERT(!stream_has(s, &(struct sid){1, 70000}));
    struct stream_it it;
    stream_it_start(&it, s, &(struct sid){1, 65530}, &(struct sid){1, 65540}, 1);
    for (uint64_t q = 65540; q >= 65530; q--) ASSERT(stream_it_next(&it) && it.id.seq == q);
    ASSERT(!stream_it_next(&it));
    stream_it_stop(&it);
    stream_free(s);
}

/* IDs at the top of the range, and huge gaps (10-byte varints). */
static void test_extreme_ids(void) {
    struct model md;
    model_init(&md, 4096, 4);
    struct stream *s = stream_new();
    struct sid ids[] = {{0, 1},
                        {0, UINT64_MAX},
                        {1, 0},
                        {(uint64_t)1 << 62, 5},
                        {(uint64_t)1 << 63, 0},
                        {((uint64_t)1 << 63) + 1, UINT64_MAX - 1},
                        {((uint64_t)1 << 63) + 1, UINT64_MAX},
                        {UINT64_MAX - 1, 0},
                        {UINT64_MAX, 0},
                        {UINT64_MAX, 1},
                        {UINT64_MAX, UINT64_MAX - 1},
                        {UINT64_MAX, UINT64_MAX}};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct ent e;
        e.id = ids[i];
        gen_fields(&e);
        ASSERT(model_append(&md, s, e));
    }
    ASSERT(check_stream(s, &md, 200));
    /* one node holding them all: deltas up to 2^64 - 1 */
    struct model m2;
    model_init(&m2, 0, 0);
    struct stream *s2 = stream_new();
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct ent e;
        e.id = ids[i];
        gen_fixed(&e, 2, "v");
        ASSERT(model_append(&m2, s2, e));
    }
    ASSERT(idm_count(&s2->nodes) == 1);
    ASSERT(check_stream(s2, &m2, 200));
    /* delete and trim at the edges */
    ASSERT(stream_delete(s2, &SID_MAX) == 1 && stream_delete(s2, &SID_MAX) == 0);
    model_kill(&m2, m2.n - 1);
    ASSERT(check_stream(s2, &m2, 50));
    ASSERT(stream_trim(s2, 0, &(struct sid){UINT64_MAX, 0}, 0, 0) == 8);
    for (size_t i = 0; i < 8; i++) model_kill(&m2, i);
    ASSERT(check_stream(s2, &m2, 50) && check_first_id(s2, &m2));
    stream_free(s2);
    model_free(&m2);
    stream_free(s);
    model_free(&md);
}

/* XDEL: random entries, each deleted once; nodes go when empty. */
static void test_delete(void) {
    static const long long lim[][2] = {{4096, 100}, {0, 0}, {0, 1}, {1, 1}, {0, 10}};
    for (size_t c = 0; c < sizeof(lim) / sizeof(lim[0]); c++) {
        struct model md;
        model_init(&md, lim[c][0], lim[c][1]);
        struct stream *s = stream_new();
        /* one node of everything makes each lookup a scan: fewer there */
        ASSERT(model_fill(&md, s, (lim[c][1] || lim[c][0] ? 3000 : 1200) / (SANITIZED ? 2 : 1)));
        for (int round = 0; round < 5; round++) {
            for (int k = 0; k < 400; k++) {
                size_t i = rnd_below((unsigned)md.n);
                int want = !md.e[i].dead;
                uint64_t len = s->length;
                size_t nodes = idm_count(&s->nodes);
                unsigned live_in_node = md.nd[md.e[i].node].live;
                ASSERT(stream_delete(s, &md.e[i].id) == want);
                if (want) {
                    model_kill(&md, i);
                    ASSERT(s->length == len - 1);
                    ASSERT(idm_count(&s->nodes) == nodes - (live_in_node == 1));
                } else {
                    ASSERT(s->length == len && idm_count(&s->nodes) == nodes);
                }
                ASSERT(stream_delete(s, &md.e[i].id) == 0);
                ASSERT(!stream_has(s, &md.e[i].id));
                /* IDs that were never added */
                struct sid a = sid_inc(md.e[i].id);
                if (m_find(&md, &a) < 0) ASSERT(stream_delete(s, &a) == 0);
                a = sid_dec(md.e[i].id);
                if (m_find(&md, &a) < 0) ASSERT(stream_delete(s, &a) == 0);
                ASSERT(s->length == md.live);
            }
            ASSERT(check_stream(s, &md, NRANGES / 3));
            /* appends after deletions: into the last remaining node if it fits */
            ASSERT(model_fill(&md, s, 200));
            ASSERT(check_stream(s, &md, NRANGES / 3));
        }
        /* a whole node, in random order, then every last entry */
        for (size_t ni = 0; ni < md.nn; ni++) {
            if (md.nd[ni].live < 3) continue;
            size_t nodes = idm_count(&s->nodes);
            size_t f = md.nd[ni].first, l = md.nd[ni].last;
            while (md.nd[ni].live) {
                size_t i = f + rnd_below((unsigned)(l - f + 1));
                if (md.e[i].dead || md.e[i].node != ni) continue;
                ASSERT(idm_count(&s->nodes) == nodes);
                ASSERT(stream_delete(s, &md.e[i].id) == 1);
                model_kill(&md, i);
            }
            ASSERT(idm_count(&s->nodes) == nodes - 1);
            ASSERT(!idm_get(&s->nodes, &md.nd[ni].master));
            break;
        }
        ASSERT(check_stream(s, &md, NRANGES / 3));
        for (size_t i = md.n; i > 0; i--)
            if (!md.e[i - 1].dead) {
                ASSERT(stream_delete(s, &md.e[i - 1].id) == 1);
                model_kill(&md, i - 1);
            }
        ASSERT(s->length == 0 && idm_count(&s->nodes) == 0);
        ASSERT(check_stream(s, &md, 5));
        /* appending to the emptied stream: a new node, first_id set again */
        ASSERT(model_fill(&md, s, 50));
        ASSERT(check_stream(s, &md, 10));
        stream_free(s);
        model_free(&md);
    }
}

/* A stream with some deletions for the trim tests. */
static int trim_setup(struct model *md, struct stream **s, long long mb, long long me, size_t n) {
    model_init(md, mb, me);
    *s = stream_new();
    CHK(model_fill(md, *s, n));
    for (size_t k = 0; k < n / 8; k++) {
        size_t i = rnd_below((unsigned)md->n);
        if (md->e[i].dead) continue;
        CHK(stream_delete(*s, &md->e[i].id) == 1);
        model_kill(md, i);
    }
    return 1;
}

static const long long trim_lim[][2] = {{4096, 100}, {0, 10}, {0, 1}, {200, 0}, {0, 0}};
#define TRIM_N (SANITIZED ? (trim_lim[c][0] || trim_lim[c][1] ? 1000 : 300) : 3000)

static void test_trim_maxlen_exact(void) {
    for (size_t c = 0; c < sizeof(trim_lim) / sizeof(trim_lim[0]); c++) {
        struct model md;
        struct stream *s;
        ASSERT(trim_setup(&md, &s, trim_lim[c][0], trim_lim[c][1], TRIM_N));
        for (int round = 0; round < 12; round++) {
            long long len = (long long)s->length;
            long long maxlen = round == 0 ? len + 5 : round == 1 ? len : rnd_below((unsigned)len + 1);
            if (round == 11) maxlen = 0;
            long long want = len > maxlen ? len - maxlen : 0;
            ASSERT(stream_trim(s, maxlen, NULL, 0, 0) == want);
            ASSERT((long long)s->length == (len < maxlen ? len : maxlen));
            /* the oldest go */
            long long k = want;
            for (size_t i = 0; i < md.n && k; i++)
                if (!md.e[i].dead) model_kill(&md, i), k--;
            ASSERT(check_stream(s, &md, NRANGES / 3));
            if (want) ASSERT(check_first_id(s, &md));
            ASSERT(model_fill(&md, s, TRIM_N / 20 + rnd_below(TRIM_N / 10)));
        }
        stream_free(s);
        model_free(&md);
    }
}

static void test_trim_maxlen_approx(void) {
    for (size_t c = 0; c < sizeof(trim_lim) / sizeof(trim_lim[0]); c++) {
        struct model md;
        struct stream *s;
        ASSERT(trim_setup(&md, &s, trim_lim[c][0], trim_lim[c][1], TRIM_N));
        for (int round = 0; round < 16; round++) {
            long long len = (long long)s->length;
            long long maxlen = rnd_below((unsigned)len + 1), limit = 0;
            if (round % 3 == 1) limit = 1 + rnd_below(300);
            if (round % 3 == 2) limit = 1 + rnd_below(5);
            /* whole nodes from the front while the rest is still >= maxlen, within limit */
            long long want = 0, left = len;
            for (size_t ni = 0; ni < md.nn; ni++) {
                struct mnode *l = &md.nd[ni];
                if (!l->live) continue;
                if (left <= maxlen || left - l->live < maxlen || (limit && want + l->live > limit)) break;
                want += l->live;
                left -= l->live;
                for (size_t i = l->first; i <= l->last; i++)
                    if (!md.e[i].dead && md.e[i].node == ni) model_kill(&md, i);
            }
            size_t nodes = idm_count(&s->nodes);
            long long got = stream_trim(s, maxlen, NULL, 1, limit);
            ASSERT(got == want);
            ASSERT((long long)s->length == len - got);
            ASSERT((long long)s->length >= (len < maxlen ? len : maxlen)); /* never below maxlen */
            if (limit) ASSERT(got <= limit);
            ASSERT(idm_count(&s->nodes) <= nodes);
            ASSERT(check_stream(s, &md, NRANGES / 3));
            if (got) ASSERT(check_first_id(s, &md));
            ASSERT(model_fill(&md, s, TRIM_N / 20 + rnd_below(TRIM_N / 10)));
        }
        /* maxlen 0 and no limit: everything goes, nodes and all */
        long long len = (long long)s->length;
        ASSERT(stream_trim(s, 0, NULL, 1, 0) == len);
        ASSERT(s->length == 0 && idm_count(&s->nodes) == 0);
        ASSERT(s->first_id.ms == 0 && s->first_id.seq == 0);
        stream_free(s);
        model_free(&md);
    }
}

static void test_trim_minid_exact(void) {
    for (size_t c = 0; c < sizeof(trim_lim) / sizeof(trim_lim[0]); c++) {
        struct model md;
        struct stream *s;
        ASSERT(trim_setup(&md, &s, trim_lim[c][0], trim_lim[c][1], TRIM_N));
        for (int round = 0; round < 12; round++) {
            /* mostly forward-moving bounds, sometimes one already passed */
            struct sid minid = probe(&md);
            if (round == 11) minid = SID_MAX;
            long long want = 0;
            for (size_t i = 0; i < md.n; i++)
                if (!md.e[i].dead && sid_cmp(&md.e[i].id, &minid) < 0) model_kill(&md, i), want++;
            uint64_t len = s->length;
            ASSERT(stream_trim(s, 0, &minid, 0, 0) == want);
            ASSERT(s->length == len - (uint64_t)want);
            ASSERT(check_stream(s, &md, NRANGES / 3));
            if (want) ASSERT(check_first_id(s, &md));
            struct sid first;
            if (stream_edge(s, 1, &first)) ASSERT(sid_cmp(&first, &minid) >= 0);
            ASSERT(model_fill(&md, s, TRIM_N / 20 + rnd_below(TRIM_N / 10)));
        }
        stream_free(s);
        model_free(&md);
    }
}

static void test_trim_minid_approx(void) {
    for (size_t c = 0; c < sizeof(trim_lim) / sizeof(trim_lim[0]); c++) {
        struct model md;
        struct stream *s;
        ASSERT(trim_setup(&md, &s, trim_lim[c][0], trim_lim[c][1], TRIM_N));
        for (int round = 0; round < 16; round++) {
            struct sid minid = probe(&md);
            long long limit = round % 3 == 1 ? 1 + rnd_below(300) : round % 3 == 2 ? 1 + rnd_below(5) : 0;
            /* whole nodes whose every entry (deleted ones too, as Redis) is below minid */
            long long want = 0;
            for (size_t ni = 0; ni < md.nn; ni++) {
                struct mnode *l = &md.nd[ni];
                if (!l->live) continue;
                if (sid_cmp(&md.e[l->last].id, &minid) >= 0 || (limit && want + l->live > limit)) break;
                want += l->live;
                for (size_t i = l->first; i <= l->last; i++)
                    if (!md.e[i].dead && md.e[i].node == ni) model_kill(&md, i);
            }
            uint64_t len = s->length;
            long long got = stream_trim(s, 0, &minid, 1, limit);
            ASSERT(got == want);
            ASSERT(s->length == len - (uint64_t)got);
            if (limit) ASSERT(got <= limit);
            ASSERT(check_stream(s, &md, NRANGES / 3));
            if (got) ASSERT(check_first_id(s, &md));
            ASSERT(model_fill(&md, s, TRIM_N / 20 + rnd_below(TRIM_N / 10)));
        }
        stream_free(s);
        model_free(&md);
    }
}

/* ------------------------------------------------------------------------ */
/* Groups, consumers, pending lists. */

static int name_order(const char *a, size_t al, const char *b, size_t bl) {
    size_t m = al < bl ? al : bl;
    int c = m ? memcmp(a, b, m) : 0;
    if (c) return c;
    return al < bl ? -1 : al > bl;
}

struct nm {
    const char *p;
    size_t len;
};
static const struct nm gnames[] = {{"beta", 4}, {"alpha", 5}, {"a", 1},    {"ab", 2},
                                   {"a\0b", 3}, {"", 0},      {"zeta", 4}, {"alpha2", 6},
                                   {"\xff", 1}, {"B", 1},     {"a\0", 2},  {"mygroup", 7}};
#define NNAMES (sizeof(gnames) / sizeof(gnames[0]))

static void test_groups(void) {
    struct stream *s = stream_new();
    struct sgroup *gs[NNAMES];
    for (size_t i = 0; i < NNAMES; i++) {
        struct sid lid = {i, i + 1};
        gs[i] = stream_group_add(s, gnames[i].p, gnames[i].len, &lid, i % 2 ? SCG_INVALID : (long long)i);
        ASSERT(gs[i]);
        ASSERT(gs[i]->nlen == gnames[i].len && memcmp(gs[i]->name, gnames[i].p, gnames[i].len) == 0);
        ASSERT(gs[i]->last_id.ms == i && gs[i]->last_id.seq == i + 1);
        ASSERT(gs[i]->entries_read == (i % 2 ? SCG_INVALID : (long long)i));
        ASSERT(idm_count(&gs[i]->pel) == 0 && gs[i]->ncons == 0);
    }
    ASSERT(s->ngroups == (int)NNAMES);
    for (int i = 0; i + 1 < s->ngroups; i++)
        ASSERT(name_order(s->groups[i]->name, s->groups[i]->nlen, s->groups[i + 1]->name,
                          s->groups[i + 1]->nlen) < 0);
    for (size_t i = 0; i < NNAMES; i++) {
        ASSERT(stream_group_find(s, gnames[i].p, gnames[i].len) == gs[i]);
        ASSERT(stream_group_add(s, gnames[i].p, gnames[i].len, &SID_MAX, 7) == NULL);
        ASSERT(gs[i]->last_id.ms == i); /* untouched */
    }
    ASSERT(s->ngroups == (int)NNAMES);
    ASSERT(!stream_group_find(s, "alph", 4) && !stream_group_find(s, "a\0b\0", 4) &&
           !stream_group_find(s, "c", 1));
    /* consumers, same rules, in one group */
    struct sgroup *g = gs[11];
    struct sconsumer *cs[NNAMES];
    for (size_t i = 0; i < NNAMES; i++) {
        cs[i] = group_consumer_add(g, gnames[i].p, gnames[i].len, 1000 + (long long)i);
        ASSERT(cs[i] && cs[i]->seen_time == 1000 + (long long)i && cs[i]->nlen == gnames[i].len);
        ASSERT(memcmp(cs[i]->name, gnames[i].p, gnames[i].len) == 0 && idm_count(&cs[i]->pel) == 0);
    }
    ASSERT(g->ncons == (int)NNAMES);
    for (int i = 0; i + 1 < g->ncons; i++)
        ASSERT(name_order(g->cons[i]->name, g->cons[i]->nlen, g->cons[i + 1]->name, g->cons[i + 1]->nlen) <
               0);
    for (size_t i = 0; i < NNAMES; i++) {
        ASSERT(group_consumer_find(g, gnames[i].p, gnames[i].len) == cs[i]);
        ASSERT(group_consumer_add(g, gnames[i].p, gnames[i].len, 5) == NULL);
    }
    ASSERT(!group_consumer_find(gs[0], "beta", 4));
    /* consumer delete with nothing pending */
    ASSERT(group_consumer_del(g, cs[3]) == 0);
    ASSERT(g->ncons == (int)NNAMES - 1 && !group_consumer_find(g, "ab", 2));
    ASSERT(group_consumer_find(g, "a", 1) == cs[2] && group_consumer_find(g, "a\0b", 3) == cs[4]);
    /* group delete */
    ASSERT(stream_group_del(s, "ab", 2) == 1 && stream_group_del(s, "ab", 2) == 0);
    ASSERT(!stream_group_find(s, "ab", 2) && s->ngroups == (int)NNAMES - 1);
    for (size_t i = 0; i < NNAMES; i++)
        if (i != 3) ASSERT(stream_group_find(s, gnames[i].p, gnames[i].len) == gs[i]);
    /* delete one with consumers and pending entries (its memory is checked under ASan) */
    struct sconsumer *c = group_consumer_find(g, "beta", 4);
    for (uint64_t q = 0; q < 300; q++) group_pel_add(g, c, &(struct sid){7, q}, 1);
    ASSERT(stream_group_del(s, "mygroup", 7) == 1);
    ASSERT(!stream_group_find(s, "mygroup", 7));
    ASSERT(stream_group_add(s, "mygroup", 7, &SID_MIN, 0) != NULL);
    stream_free(s);
}

/* The pending-list model: id -> consumer index, time, count. */
struct pent {
    struct sid id;
    int cons;
    long long t;
    uint64_t cnt;
};

static int pel_check(const struct sgroup *g, struct sconsumer **cons, int ncons, const struct pent *pm,
                     size_t npm) {
    CHK(idm_count(&g->pel) == npm);
    size_t total = 0;
    for (int i = 0; i < ncons; i++) {
        const struct sconsumer *c = cons[i];
        total += idm_count(&c->pel);
        struct idm_pos p;
        if (idm_first(&c->pel, &p)) do {
                const struct snack *k = idm_val(&c->pel, &p);
                CHK(k->consumer == c);
                CHK(idm_get(&g->pel, idm_key(&c->pel, &p)) == k);
            } while (idm_next(&c->pel, &p));
    }
    CHK(total == npm);
    for (size_t i = 0; i < npm; i++) {
        const struct snack *k = idm_get(&g->pel, &pm[i].id);
        CHK(k);
        CHK(k->consumer == cons[pm[i].cons]);
        CHK(k->delivery_time == pm[i].t && k->delivery_count == pm[i].cnt);
        CHK(idm_get(&cons[pm[i].cons]->pel, &pm[i].id) == k);
    }
    return 1;
}

/* Each consumer's PEL holds the group's snacks that name it, and only those. */
static int pel_consistent(const struct sgroup *g) {
    size_t total = 0;
    for (int i = 0; i < g->ncons; i++) {
        const struct sconsumer *c = g->cons[i];
        total += idm_count(&c->pel);
        struct idm_pos p;
        if (idm_first(&c->pel, &p)) do {
                const struct snack *k = idm_val(&c->pel, &p);
                CHK(k->consumer == c);
                CHK(idm_get(&g->pel, idm_key(&c->pel, &p)) == k);
            } while (idm_next(&c->pel, &p));
    }
    CHK(total == idm_count(&g->pel));
    return 1;
}

static long pm_find(const struct pent *pm, size_t n, const struct sid *id) {
    for (size_t i = 0; i < n; i++)
        if (sid_cmp(&pm[i].id, id) == 0) return (long)i;
    return -1;
}

static void test_pel_random(void) {
    struct stream *s = stream_new();
    struct sgroup *g = stream_group_add(s, "g", 1, &SID_MIN, 0);
    enum { NC = 6, SPACE = 3000 };
    struct sconsumer *cons[NC];
    char cn[NC][8];
    for (int i = 0; i < NC; i++) {
        snprintf(cn[i], sizeof(cn[i]), "c%d", i);
        cons[i] = group_consumer_add(g, cn[i], strlen(cn[i]), 0);
        ASSERT(cons[i]);
    }
    struct pent *pm = malloc(sizeof(*pm) * SPACE);
    size_t npm = 0;
    int ops = SANITIZED ? 20000 : 60000;
    for (int op = 0; op < ops; op++) {
        struct sid id = {100 + rnd_below(SPACE / 2), rnd_below(2)};
        long at = pm_find(pm, npm, &id);
        int ci = (int)rnd_below(NC);
        unsigned r = rnd_below(100);
        long long now = 1000000 + op;
        if (r < 45) {
            struct snack *k = group_pel_add(g, cons[ci], &id, now);
            ASSERT(k && k->consumer == cons[ci] && k->delivery_count == 1 && k->delivery_time == now);
            ASSERT(idm_get(&g->pel, &id) == k);
            if (at < 0) at = (long)npm++, pm[at].id = id;
            pm[at].cons = ci;
            pm[at].t = now;
            pm[at].cnt = 1;
        } else if (r < 75) {
            ASSERT(group_pel_ack(g, &id) == (at >= 0));
            ASSERT(group_pel_ack(g, &id) == 0);
            ASSERT(!idm_get(&g->pel, &id));
            if (at >= 0) pm[at] = pm[--npm];
        } else if (r < 92) {
            if (at < 0) continue;
            struct snack *k = idm_get(&g->pel, &id);
            ASSERT(k);
            k->delivery_count += 3; /* as XCLAIM would; a move keeps it */
            pm[at].cnt += 3;
            group_pel_move(g, &id, k, cons[ci]);
            ASSERT(idm_get(&g->pel, &id) == k && k->consumer == cons[ci]);
            for (int j = 0; j < NC; j++) ASSERT((idm_get(&cons[j]->pel, &id) != NULL) == (j == ci));
            pm[at].cons = ci;
        } else if (r < 93) {
            /* a consumer goes with its pending entries, and comes back empty */
            long long want = 0;
            for (size_t i = 0; i < npm;)
                if (pm[i].cons == ci)
                    pm[i] = pm[--npm], want++;
                else
                    i++;
            ASSERT(group_consumer_del(g, cons[ci]) == want);
            ASSERT(g->ncons == NC - 1 && !group_consumer_find(g, cn[ci], strlen(cn[ci])));
            cons[ci] = group_consumer_add(g, cn[ci], strlen(cn[ci]), now);
            ASSERT(cons[ci] && idm_count(&cons[ci]->pel) == 0 && g->ncons == NC);
        } else {
            ASSERT(pel_check(g, cons, NC, pm, npm));
        }
    }
    ASSERT(npm > 100);
    ASSERT(pel_check(g, cons, NC, pm, npm));
    /* a second group's PEL is separate */
    struct sgroup *g2 = stream_group_add(s, "g2", 2, &SID_MIN, 0);
    struct sconsumer *o = group_consumer_add(g2, "c0", 2, 0);
    group_pel_add(g2, o, &pm[0].id, 1);
    ASSERT(group_pel_ack(g2, &pm[0].id) == 1);
    ASSERT(pel_check(g, cons, NC, pm, npm));
    stream_free(s);
    free(pm);
}

/* ------------------------------------------------------------------------ */
/* Images. */

static int groups_equal(const struct stream *a, const struct stream *b) {
    CHK(a->ngroups == b->ngroups);
    for (int i = 0; i < a->ngroups; i++) {
        const struct sgroup *x = a->groups[i], *y = b->groups[i];
        CHK(x->nlen == y->nlen && memcmp(x->name, y->name, x->nlen) == 0);
        CHK(sid_cmp(&x->last_id, &y->last_id) == 0 && x->entries_read == y->entries_read);
        CHK(x->ncons == y->ncons);
        for (int j = 0; j < x->ncons; j++) {
            const struct sconsumer *c = x->cons[j], *d = y->cons[j];
            CHK(c->nlen == d->nlen && memcmp(c->name, d->name, c->nlen) == 0 && c->seen_time == d->seen_time);
            CHK(idm_count(&c->pel) == idm_count(&d->pel));
            struct idm_pos p, q;
            int hp = idm_first(&c->pel, &p), hq = idm_first(&d->pel, &q);
            while (hp && hq) {
                CHK(sid_cmp(idm_key(&c->pel, &p), idm_key(&d->pel, &q)) == 0);
                CHK(((const struct snack *)idm_val(&d->pel, &q))->consumer == d);
                CHK(idm_get(&y->pel, idm_key(&d->pel, &q)) == idm_val(&d->pel, &q));
                hp = idm_next(&c->pel, &p);
                hq = idm_next(&d->pel, &q);
            }
            CHK(!hp && !hq);
        }
        CHK(idm_count(&x->pel) == idm_count(&y->pel));
        struct idm_pos p, q;
        int hp = idm_first(&x->pel, &p), hq = idm_first(&y->pel, &q);
        while (hp && hq) {
            const struct snack *k = idm_val(&x->pel, &p), *l = idm_val(&y->pel, &q);
            CHK(sid_cmp(idm_key(&x->pel, &p), idm_key(&y->pel, &q)) == 0);
            CHK(k->delivery_time == l->delivery_time && k->delivery_count == l->delivery_count);
            CHK(k->consumer->nlen == l->consumer->nlen &&
                memcmp(k->consumer->name, l->consumer->name, k->consumer->nlen) == 0);
            hp = idm_next(&x->pel, &p);
            hq = idm_next(&y->pel, &q);
        }
        CHK(!hp && !hq);
    }
    return 1;
}

/* Same entries (by iteration), counters, nodes and groups. */
static int streams_equal(const struct stream *a, const struct stream *b) {
    CHK(a->length == b->length && a->entries_added == b->entries_added);
    CHK(sid_cmp(&a->last_id, &b->last_id) == 0 && sid_cmp(&a->first_id, &b->first_id) == 0);
    CHK(sid_cmp(&a->max_deleted, &b->max_deleted) == 0);
    for (int rev = 0; rev < 2; rev++) {
        struct stream_it x, y;
        stream_it_start(&x, a, &SID_MIN, &SID_MAX, rev);
        stream_it_start(&y, b, &SID_MIN, &SID_MAX, rev);
        int ok = 1;
        uint64_t n = 0;
        for (;;) {
            int hx = stream_it_next(&x), hy = stream_it_next(&y);
            if (hx != hy) ok = 0;
            if (!hx || !hy) break;
            n++;
            if (sid_cmp(&x.id, &y.id) != 0 || x.npairs != y.npairs) {
                ok = 0;
                break;
            }
            const char *f1, *v1, *f2, *v2;
            size_t fl1, vl1, fl2, vl2;
            while (sfield_next(&x.fields, &f1, &fl1, &v1, &vl1)) {
                if (!sfield_next(&y.fields, &f2, &fl2, &v2, &vl2) || fl1 != fl2 || vl1 != vl2 ||
                    memcmp(f1, f2, fl1) || memcmp(v1, v2, vl1))
                    ok = 0;
            }
        }
        stream_it_stop(&x);
        stream_it_stop(&y);
        CHK(ok && n == a->length);
    }
    /* the nodes themselves, so later appends pack the same way */
    CHK(idm_count(&a->nodes) == idm_count(&b->nodes));
    struct idm_pos p, q;
    int hp = idm_first(&a->nodes, &p), hq = idm_first(&b->nodes, &q);
    while (hp && hq) {
        const unsigned char *x = idm_val(&a->nodes, &p), *y = idm_val(&b->nodes, &q);
        CHK(x != y);
        CHK(sid_cmp(idm_key(&a->nodes, &p), idm_key(&b->nodes, &q)) == 0);
        CHK(rd32(x) == rd32(y) && memcmp(x, y, rd32(x)) == 0);
        hp = idm_next(&a->nodes, &p);
        hq = idm_next(&b->nodes, &q);
    }
    CHK(!hp && !hq);
    CHK(groups_equal(a, b));
    return 1;
}

/* A stream with deletions, groups, consumers and pending entries. */
static struct stream *rich_stream(struct model *md, long long mb, long long me, size_t n, int ngroups) {
    model_init(md, mb, me);
    struct stream *s = stream_new();
    if (!model_fill(md, s, n)) return s;
    for (size_t k = 0; k < n / 5; k++) {
        size_t i = rnd_below((unsigned)md->n);
        if (!md->e[i].dead && stream_delete(s, &md->e[i].id)) model_kill(md, i);
    }
    if (md->n) s->max_deleted = md->e[md->n / 2].id;
    for (int gi = 0; gi < ngroups; gi++) {
        char gn[16];
        snprintf(gn, sizeof(gn), "group-%d", ngroups - gi);
        struct sgroup *g = stream_group_add(s, gn, strlen(gn), &md->e[rnd_below((unsigned)md->n)].id,
                                            gi % 2 ? SCG_INVALID : (long long)rnd_below(1000));
        int nc = 1 + gi % 4;
        for (int ci = 0; ci < nc; ci++) {
            char cn[16];
            snprintf(cn, sizeof(cn), "%c-consumer", 'z' - ci);
            struct sconsumer *c = group_consumer_add(g, cn, strlen(cn), ci ? 1700000000000LL + ci : -5);
            (void)c;
        }
        for (int k = 0; k < 3 + gi * 5; k++) {
            struct sid id = md->e[rnd_below((unsigned)md->n)].id; /* live, deleted or trimmed: all allowed */
            if (k % 7 == 6) id = sid_inc(id);
            struct snack *sn = group_pel_add(g, g->cons[rnd_below((unsigned)g->ncons)], &id,
                                             k % 5 ? 1700000000000LL + k : -1);
            sn->delivery_count = k % 3 ? (uint64_t)k : UINT64_MAX;
        }
    }
    /* a group with no consumers, and one whose name is empty */
    stream_group_add(s, "", 0, &SID_MAX, SCG_INVALID);
    return s;
}

static void test_round_trip(void) {
    static const long long lim[][2] = {{4096, 100}, {0, 0}, {1, 1}, {300, 5}};
    for (size_t c = 0; c < sizeof(lim) / sizeof(lim[0]); c++) {
        struct model md;
        struct stream *s = rich_stream(&md, lim[c][0], lim[c][1], SANITIZED ? 1000 : 3000, 5);
        ASSERT(check_stream(s, &md, 5));
        struct buf b = {0};
        stream_serialize(s, &b);
        struct stream *d = stream_deserialize(b.p, b.len);
        ASSERT(d);
        ASSERT(streams_equal(s, d));
        ASSERT(check_stream(d, &md, NRANGES));
        /* the image of the copy is the same image */
        struct buf b2 = {0};
        stream_serialize(d, &b2);
        ASSERT(b2.len == b.len && memcmp(b.p, b2.p, b.len) == 0);
        buf_free(&b2);
        /* stream_dup: equal, then independent */
        struct stream *e = stream_dup(s);
        ASSERT(e && streams_equal(s, e));
        struct ent x;
        x.id = sid_inc(md.last_id);
        gen_fields(&x);
        stream_append(e, &x.id, x.fv, x.np, lim[c][0], lim[c][1]);
        stream_append(d, &x.id, x.fv, x.np, lim[c][0], lim[c][1]);
        ASSERT(streams_equal(d, e)); /* the copies pack the new entry alike */
        struct sid first;
        ASSERT(stream_edge(e, 1, &first) && stream_delete(e, &first) == 1);
        stream_trim(e, 10, NULL, 0, 0);
        ASSERT(stream_group_del(e, "group-1", 7) == 1);
        struct sgroup *eg = stream_group_find(e, "group-2", 7);
        ASSERT(eg && idm_count(&eg->pel) > 0 && eg->ncons > 0);
        struct idm_pos ep;
        ASSERT(idm_first(&eg->pel, &ep));
        struct sid pid = *idm_key(&eg->pel, &ep);
        ASSERT(group_pel_ack(eg, &pid) == 1);
        ASSERT(group_consumer_del(eg, eg->cons[0]) >= 0);
        ASSERT(stream_group_add(e, "new", 3, &SID_MIN, 0));
        struct buf b3 = {0};
        stream_serialize(s, &b3);
        ASSERT(b3.len == b.len && memcmp(b.p, b3.p, b.len) == 0); /* the original is untouched */
        ASSERT(check_stream(s, &md, 5));
        buf_free(&b3);
        for (int j = 0; j < 2 * x.np; j++) free((void *)x.fv[j].p);
        free(x.fv);
        stream_free(e);
        stream_free(d);
        stream_free(s);
        buf_free(&b);
        model_free(&md);
    }
}

static size_t last_id_below;

/* A deserialized stream must hold together: walk it every way, use it,
 * image it again. */
static int usable(struct stream *s) {
    uint64_t n = 0;
    struct sid prev = {0, 0}, first = {0, 0};
    struct stream_it it;
    stream_it_start(&it, s, &SID_MIN, &SID_MAX, 0);
    int ok = 1;
    while (ok && stream_it_next(&it)) {
        if (n && sid_cmp(&it.id, &prev) <= 0) ok = 0;
        if (!n) first = it.id;
        prev = it.id;
        const char *f, *v;
        size_t fl, vl;
        int k = 0;
        while (sfield_next(&it.fields, &f, &fl, &v, &vl)) k++;
        if (k != it.npairs) ok = 0;
        n++;
    }
    stream_it_stop(&it);
    CHK(ok && n == s->length);
    uint64_t m = 0;
    stream_it_start(&it, s, &SID_MIN, &SID_MAX, 1);
    while (ok && stream_it_next(&it)) {
        if (m == 0 && sid_cmp(&it.id, &prev) != 0) ok = 0;
        m++;
    }
    stream_it_stop(&it);
    CHK(ok && m == n);
    struct sid e;
    CHK(stream_edge(s, 1, &e) == (n > 0));
    if (n) CHK(sid_cmp(&e, &first) == 0 && stream_has(s, &first) && stream_has(s, &prev));
    /* every node key is its first entry's ID */
    struct idm_pos p;
    if (idm_first(&s->nodes, &p)) do {
            const unsigned char *nb = idm_val(&s->nodes, &p);
            CHK(rd16(nb + 10) >= 1 && rd16(nb + 10) <= rd16(nb + 8));
        } while (idm_next(&s->nodes, &p));
    for (int i = 0; i < s->ngroups; i++) {
        struct sgroup *g = s->groups[i];
        CHK(pel_consistent(g));
    }
    /* image again: the same */
    struct buf b = {0};
    stream_serialize(s, &b);
    struct stream *d = stream_deserialize(b.p, b.len);
    buf_free(&b);
    CHK(d);
    int eq = streams_equal(s, d);
    stream_free(d);
    CHK(eq);
    /* use it: append past everything, delete, trim, drop consumers */
    struct sid top = s->last_id, mx;
    if (max_entry_id(s, &mx) && sid_cmp(&mx, &top) > 0) {
        last_id_below++; /* see test_image_last_id */
        top = mx;
    }
    if (top.ms != UINT64_MAX) {
        struct sfv fv[] = {{"f", 1}, {"v", 1}};
        struct sid id = {top.ms + 1, 0};
        stream_append(s, &id, fv, 1, 4096, 100);
        CHK(stream_has(s, &id) && s->length == n + 1);
    }
    if (n) CHK(stream_delete(s, &first) == 1);
    stream_trim(s, (long long)s->length / 2, NULL, 0, 0);
    stream_trim(s, 0, &prev, 1, 0);
    for (int i = 0; i < s->ngroups; i++)
        while (s->groups[i]->ncons) group_consumer_del(s->groups[i], s->groups[i]->cons[0]);
    return 1;
}

static void test_truncated_images(void) {
    struct model md;
    no_long = 1;
    struct stream *s = rich_stream(&md, 200, 6, 40, 3);
    no_long = 0;
    struct buf b = {0};
    stream_serialize(s, &b);
    ASSERT(b.len > 1000 && b.len < 4000);
    char *copy = malloc(b.len);
    for (size_t len = 0; len < b.len; len++) {
        /* a copy of just the prefix, so ASan sees any read past it */
        memcpy(copy + b.len - len, b.p, len);
        struct stream *d = stream_deserialize(copy + b.len - len, len);
        ASSERT(d == NULL);
    }
    free(copy);
    struct stream *d = stream_deserialize(b.p, b.len);
    ASSERT(d && streams_equal(s, d));
    stream_free(d);
    /* an image with trailing bytes */
    buf_put(&b, "", 1);
    ASSERT(stream_deserialize(b.p, b.len) == NULL);
    buf_free(&b);
    stream_free(s);
    model_free(&md);

    /* a bigger one, cut at random points */
    s = rich_stream(&md, 4096, 100, SANITIZED ? 1000 : 3000, 4);
    stream_serialize(s, &b);
    for (int k = 0; k < 300; k++) {
        size_t len = (size_t)(rnd() % b.len);
        char *p = malloc(len ? len : 1);
        memcpy(p, b.p, len);
        ASSERT(stream_deserialize(p, len) == NULL);
        free(p);
    }
    buf_free(&b);
    stream_free(s);
    model_free(&md);
}

static void test_bit_flips(void) {
    struct model md;
    no_long = 1;
    struct stream *s = rich_stream(&md, 200, 6, 40, 3);
    no_long = 0;
    struct buf b = {0};
    stream_serialize(s, &b);
    ASSERT(b.len > 1000 && b.len < 4000);
    last_id_below = 0;
    char *p = malloc(b.len);
    size_t accepted = 0, tried = 0;
    /* every single bit */
    for (size_t bit = 0; bit < b.len * 8; bit++) {
        memcpy(p, b.p, b.len);
        p[bit / 8] ^= (char)(1u << (bit % 8));
        struct stream *d = stream_deserialize(p, b.len);
        tried++;
        if (d) {
            accepted++;
            if (!usable(d)) {
                fprintf(stderr, "  flipped bit %zu of %zu: a stream that does not hold together\n", bit,
                        b.len * 8);
                stream_free(d);
                ASSERT(0);
            }
            stream_free(d);
        }
    }
    /* a few random bytes at a time */
    for (int k = 0; k < (SANITIZED ? 3000 : 10000); k++) {
        memcpy(p, b.p, b.len);
        int nb = 1 + (int)rnd_below(3);
        for (int j = 0; j < nb; j++) p[rnd() % b.len] = (char)rnd();
        struct stream *d = stream_deserialize(p, b.len);
        tried++;
        if (d) {
            accepted++;
            int ok = usable(d);
            stream_free(d);
            ASSERT(ok);
        }
    }
    ASSERT(accepted > 0 && accepted < tried); /* entry bytes are data: some flips stay valid */
    if (last_id_below)
        fprintf(stderr,
                "  note: %zu of %zu accepted images have last_id below an entry (test_image_last_id)\n",
                last_id_below, accepted);
    free(p);
    buf_free(&b);
    stream_free(s);
    model_free(&md);
}

/* Images broken on purpose, one field at a time. */
static void put64(char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint64_t get64(const char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static int rejects(const struct buf *b, size_t at, const void *bytes, size_t n) {
    char *p = malloc(b->len);
    memcpy(p, b->p, b->len);
    memcpy(p + at, bytes, n);
    struct stream *d = stream_deserialize(p, b->len);
    free(p);
    if (d) stream_free(d);
    return d == NULL;
}

static void test_malformed_images(void) {
    /* two nodes of 3 entries each with fields {"a": "1"}, one group "g" with
     * consumers "c1" "c2" and two pending entries */
    struct stream *s = stream_new();
    struct sfv fv[] = {{"a", 1}, {"1", 1}};
    for (uint64_t i = 1; i <= 6; i++) stream_append(s, &(struct sid){10, i}, fv, 1, 0, 3);
    ASSERT(idm_count(&s->nodes) == 2);
    struct sgroup *g = stream_group_add(s, "g", 1, &(struct sid){10, 2}, 2);
    struct sconsumer *c1 = group_consumer_add(g, "c1", 2, 5), *c2 = group_consumer_add(g, "c2", 2, 6);
    group_pel_add(g, c1, &(struct sid){10, 1}, 100);
    group_pel_add(g, c2, &(struct sid){10, 2}, 101);
    struct buf b = {0};
    stream_serialize(s, &b);
    /* the layout: 72 bytes of counters, then each node: master (16) + bytes */
    const size_t n1 = 72 + 16; /* first node's bytes */
    ASSERT(get64(b.p) == 6 && get64(b.p + 64) == 2);
    uint32_t used1 = rd32((const unsigned char *)b.p + n1);
    ASSERT(used1 == 12 + 3 + 5 + 2 * 5); /* fields "a"; entries: 1+1+1+2, then 1+1+1+2 twice */
    const size_t n2m = n1 + used1, n2 = n2m + 16;
    uint32_t used2 = rd32((const unsigned char *)b.p + n2);
    const size_t gs = n2 + used2; /* group count */
    ASSERT(get64(b.p + gs) == 1);
    const size_t gname = gs + 8, cons = gname + 8 + 1 + 16 + 8; /* consumer count */
    ASSERT(get64(b.p + cons) == 2);
    const size_t pel = cons + 8 + 2 * (8 + 2 + 8); /* pending count */
    ASSERT(get64(b.p + pel) == 2 && b.len == pel + 8 + 2 * 40);
    {
        struct stream *d = stream_deserialize(b.p, b.len);
        ASSERT(d && streams_equal(s, d));
        stream_free(d);
    }
    char t[16];
    /* counters */
    put64(t, 7);
    ASSERT(rejects(&b, 0, t, 8)); /* length */
    put64(t, 5);
    ASSERT(rejects(&b, 0, t, 8));
    put64(t, 3);
    ASSERT(rejects(&b, 64, t, 8)); /* node count */
    put64(t, 1);
    ASSERT(rejects(&b, 64, t, 8));
    put64(t, UINT64_MAX);
    ASSERT(rejects(&b, 64, t, 8));
    /* node header */
    uint32_t u = used1 + 1;
    ASSERT(rejects(&b, n1, &u, 4));
    u = used1 - 1;
    ASSERT(rejects(&b, n1, &u, 4));
    u = 0;
    ASSERT(rejects(&b, n1, &u, 4));
    u = UINT32_MAX;
    ASSERT(rejects(&b, n1, &u, 4));
    u = 12 + 3 + 5;
    ASSERT(rejects(&b, n1 + 4, &u, 4)); /* last entry offset */
    uint16_t h = 4;
    ASSERT(rejects(&b, n1 + 8, &h, 2)); /* count */
    h = 2;
    ASSERT(rejects(&b, n1 + 8, &h, 2));
    ASSERT(rejects(&b, n1 + 10, &h, 2)); /* live */
    h = 0;
    ASSERT(rejects(&b, n1 + 10, &h, 2));
    /* master fields: a count or length running past the node */
    unsigned char v = 100;
    ASSERT(rejects(&b, n1 + 12, &v, 1));
    v = 0x80;
    ASSERT(rejects(&b, n1 + 13, &v, 1));
    /* entries: unknown flag, first ID not the master, second not above the first */
    v = SE_SAME | 4;
    ASSERT(rejects(&b, n1 + 15, &v, 1));
    v = 1;
    ASSERT(rejects(&b, n1 + 17, &v, 1));
    v = 0;
    ASSERT(rejects(&b, n1 + 22, &v, 1));
    v = 0x80; /* the last value's length: 0x80 '1' is 6272 bytes */
    ASSERT(rejects(&b, n1 + used1 - 2, &v, 1));
    memset(t, 0xff, 10); /* a varint that does not end inside the node */
    ASSERT(rejects(&b, n1 + used1 - 2, t, 2));
    /* an entry flagged deleted while the header says live */
    v = SE_SAME | SE_DELETED;
    ASSERT(rejects(&b, n1 + 15, &v, 1));
    /* every entry deleted: an empty node has no business in an image */
    {
        char *p = malloc(b.len);
        memcpy(p, b.p, b.len);
        for (int k = 0; k < 3; k++) p[n1 + 15 + 5 * k] |= SE_DELETED;
        uint16_t z = 0;
        memcpy(p + n1 + 10, &z, 2);
        put64(p, 3);
        struct stream *d = stream_deserialize(p, b.len);
        ASSERT(d == NULL);
        free(p);
    }
    /* node order: the second master not above the first node's last entry */
    put64(t, 10);
    put64(t + 8, 3);
    ASSERT(rejects(&b, n2m, t, 16));
    put64(t + 8, 1);
    ASSERT(rejects(&b, n2m, t, 16));
    put64(t, 9);
    ASSERT(rejects(&b, n2m, t, 16));
    /* IDs overflowing the master: ms delta of 2^64 - 1 */
    {
        struct stream *o = stream_new();
        stream_append(o, &(struct sid){5, 0}, fv, 1, 0, 0);
        stream_append(o, &(struct sid){UINT64_MAX, 0}, fv, 1, 0, 0);
        struct buf ob = {0};
        stream_serialize(o, &ob);
        struct stream *d = stream_deserialize(ob.p, ob.len);
        ASSERT(d && streams_equal(o, d));
        stream_free(d);
        put64(t, 6);
        put64(t + 8, 0); /* master 6-0: the second entry would be 2^64 + 5 */
        ASSERT(rejects(&ob, 72, t, 16));
        buf_free(&ob);
        stream_free(o);
    }
    /* groups */
    put64(t, 2);
    ASSERT(rejects(&b, gs, t, 8));
    put64(t, UINT64_MAX);
    ASSERT(rejects(&b, gs, t, 8));
    ASSERT(rejects(&b, gname, t, 8)); /* name length */
    put64(t, 1u << 20);
    ASSERT(rejects(&b, gname, t, 8));
    put64(t, UINT64_MAX);
    ASSERT(rejects(&b, cons, t, 8)); /* consumer count */
    put64(t, 3);
    ASSERT(rejects(&b, cons, t, 8));
    ASSERT(rejects(&b, cons + 8 + 18 + 8 + 1, "1", 1));  /* consumers "c1", "c1" */
    ASSERT(!rejects(&b, cons + 8 + 18 + 8 + 1, "3", 1)); /* "c1", "c3" is fine */
    put64(t, UINT64_MAX);
    ASSERT(rejects(&b, pel, t, 8)); /* pending count */
    put64(t, 3);
    ASSERT(rejects(&b, pel, t, 8));
    put64(t, 2);
    ASSERT(rejects(&b, pel + 8 + 32, t, 8)); /* consumer index out of range */
    put64(t, UINT64_MAX);
    ASSERT(rejects(&b, pel + 8 + 32, t, 8));
    put64(t, 10);
    put64(t + 8, 1);
    ASSERT(rejects(&b, pel + 8 + 40, t, 16)); /* the same pending ID twice */
    /* two groups of one name */
    {
        struct stream *o = stream_new();
        stream_append(o, &(struct sid){1, 1}, fv, 1, 0, 0);
        stream_group_add(o, "ga", 2, &SID_MIN, 0);
        stream_group_add(o, "gb", 2, &SID_MIN, 0);
        struct buf ob = {0};
        stream_serialize(o, &ob);
        size_t g2 = ob.len - (8 + 2 + 16 + 8 + 8 + 8);
        ASSERT(memcmp(ob.p + g2 + 8, "gb", 2) == 0);
        ASSERT(rejects(&ob, g2 + 8, "ga", 2));
        ASSERT(!rejects(&ob, g2 + 8, "gc", 2));
        buf_free(&ob);
        stream_free(o);
    }
    buf_free(&b);
    stream_free(s);
}

/* An image whose last_id is below one of its entries (here the last one,
 * deleted) must be refused: stream_append trusts last_id (the caller only
 * checks id > last_id), so the next XADD would put an entry below one
 * already in the node, where stream_has / XDEL can no longer find it. */
static void test_image_last_id(void) {
    struct stream *s = stream_new();
    struct sfv fv[] = {{"a", 1}, {"1", 1}};
    for (uint64_t i = 1; i <= 5; i++) stream_append(s, &(struct sid){100, i}, fv, 1, 0, 0);
    ASSERT(stream_delete(s, &(struct sid){100, 5}) == 1);
    struct buf b = {0};
    stream_serialize(s, &b);
    /* last_id 100-4: every live entry is <= it, the deleted 100-5 is not */
    char t[16];
    put64(t, 100);
    put64(t + 8, 4);
    memcpy(b.p + 16, t, 16);
    struct stream *d = stream_deserialize(b.p, b.len);
    int accepted = d != NULL, found = 1;
    if (d) {
        /* what accepting it leads to: XADD 100-5 (> last_id) goes in after the deleted 100-5 */
        struct sid id = {100, 5};
        stream_append(d, &id, fv, 1, 0, 0);
        found = stream_has(d, &id);
        if (!found)
            fprintf(stderr,
                    "  accepted; then XADD 100-5 is not found by stream_has (a second 100-5 in the node)\n");
        stream_free(d);
    }
    /* last_id below a live entry */
    put64(t + 8, 3);
    memcpy(b.p + 16, t, 16);
    d = stream_deserialize(b.p, b.len);
    int accepted2 = d != NULL;
    stream_free(d);
    buf_free(&b);
    stream_free(s);
    ASSERT(!accepted);
    ASSERT(!accepted2);
    ASSERT(found);
}

TEST_MAIN(test_sid_format, test_empty_stream, test_node_layout, test_append_iterate, test_node_count_cap,
          test_extreme_ids, test_delete, test_trim_maxlen_exact, test_trim_maxlen_approx,
          test_trim_minid_exact, test_trim_minid_approx, test_groups, test_pel_random, test_round_trip,
          test_truncated_images, test_bit_flips, test_malformed_images, test_image_last_id)
