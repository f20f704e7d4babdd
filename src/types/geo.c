/*
 * geo.c - the geo commands: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS,
 * GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH, GEOSEARCHSTORE
 * (Redis 7.0's replies, errors and edge cases).
 *
 * A point is a zset member whose score is the 52-bit geohash of its
 * coordinates (geohash.c). GEOADD is ZADD with those scores. A search
 * scans the score ranges of the cell holding the center and of its
 * neighbours, at a cell size chosen from the radius (geo_cover), keeps
 * the points within the exact distance or box, then sorts, trims and
 * replies or stores them. Distances are replied with 4 decimals,
 * coordinates with up to 17 (trailing zeros dropped), as Redis does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "geohash.h"
#include "zsettype.h"

static const char ERR_UNIT[] = "ERR unsupported unit provided. please use M, KM, FT, MI";
static const char ERR_MEMBER[] = "ERR could not decode requested zset member";

/* ------------------------------------------------------------- arguments */

/* A unit's size in meters, or -1 (replied). */
static double unit_meters(struct client *c, const struct arg *a) {
    if (ARG_IS(*a, "m")) return 1;
    if (ARG_IS(*a, "km")) return 1000;
    if (ARG_IS(*a, "ft")) return 0.3048;
    if (ARG_IS(*a, "mi")) return 1609.34;
    reply_err(c, ERR_UNIT);
    return -1;
}

static int arg_double(struct client *c, const struct arg *a, double *v, const char *msg) {
    if (str_to_double(a->p, a->len, v)) return 1;
    reply_err(c, msg ? msg : "ERR value is not a valid float");
    return 0;
}

/* Two arguments lon lat, in the valid range. 0 if not (replied). */
static int arg_lonlat(struct client *c, const struct arg *a, double *lon, double *lat) {
    if (!arg_double(c, &a[0], lon, NULL) || !arg_double(c, &a[1], lat, NULL)) return 0;
    if (*lon < GEO_LON_MIN || *lon > GEO_LON_MAX || *lat < GEO_LAT_MIN || *lat > GEO_LAT_MAX) {
        char msg[160];
        snprintf(msg, sizeof(msg), "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
        reply_err(c, msg);
        return 0;
    }
    return 1;
}

/* Arguments radius unit. */
static int arg_radius(struct client *c, const struct arg *a, struct geoshape *s) {
    double r;
    if (!arg_double(c, &a[0], &r, "ERR need numeric radius")) return 0;
    if (r < 0) {
        reply_err(c, "ERR radius cannot be negative");
        return 0;
    }
    double conv = unit_meters(c, &a[1]);
    if (conv < 0) return 0;
    s->box = 0;
    s->radius = r;
    s->conv = conv;
    return 1;
}

/* Arguments width height unit. */
static int arg_box(struct client *c, const struct arg *a, struct geoshape *s) {
    double w, h;
    if (!arg_double(c, &a[0], &w, "ERR need numeric width") ||
        !arg_double(c, &a[1], &h, "ERR need numeric height"))
        return 0;
    if (h < 0 || w < 0) {
        reply_err(c, "ERR height or width cannot be negative");
        return 0;
    }
    double conv = unit_meters(c, &a[2]);
    if (conv < 0) return 0;
    s->box = 1;
    s->width = w;
    s->height = h;
    s->conv = conv;
    return 1;
}

/* The coordinates of a member (the center of its cell). */
static int member_lonlat(const struct kv *o, const struct arg *m, double *lon, double *lat) {
    double score;
    return zset_member_score(o, m->p, m->len, &score) && geo_decode_score(score, lon, lat);
}

/* --------------------------------------------------------------- replies */

/* A distance: bulk string with 4 decimals in both protocols. */
static void reply_distance(struct client *c, double d) {
    char buf[128];
    int n = snprintf(buf, sizeof(buf), "%.4f", d);
    reply_bulk(c->out, buf, (size_t)n);
}

/* A coordinate as Redis shows long doubles to humans: 17 decimals with
 * the trailing zeros (and a bare dot) removed; a bulk string in RESP2,
 * a double in RESP3. */
static void reply_coord(struct client *c, double d) {
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%.17f", d);
    if (n <= 0 || n >= (int)sizeof(buf)) n = 0;
    if (memchr(buf, '.', (size_t)n)) {
        while (n > 0 && buf[n - 1] == '0') n--;
        if (n > 0 && buf[n - 1] == '.') n--;
    }
    if (n == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        n = 1;
    }
    if (c->resp == 2) {
        reply_bulk(c->out, buf, (size_t)n);
    } else {
        buf_put(c->out, ",", 1);
        buf_put(c->out, buf, (size_t)n);
        buf_put(c->out, "\r\n", 2);
    }
}

/* ---------------------------------------------------- GEOADD and lookups */

/* GEOADD key [NX|XX] [CH] lon lat member [lon lat member ...] */
void geoadd_command(struct client *c) {
    int nx = 0, xx = 0, ch = 0, j = 2;
    for (; j < c->argc; j++) {
        if (ARG_IS(c->argv[j], "nx"))
            nx = 1;
        else if (ARG_IS(c->argv[j], "xx"))
            xx = 1;
        else if (ARG_IS(c->argv[j], "ch"))
            ch = 1;
        else
            break;
    }
    int n = (c->argc - j) / 3;
    if ((c->argc - j) % 3 || (nx && xx) || n == 0) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    double *scores = malloc(sizeof(double) * (size_t)n);
    if (!scores) abort();
    for (int i = 0; i < n; i++) {
        double lon, lat;
        struct geocell cell;
        if (!arg_lonlat(c, &c->argv[j + 3 * i], &lon, &lat)) goto done;
        geo_encode_wgs84(lon, lat, GEO_STEP_MAX, &cell);
        scores[i] = (double)geo_align52(cell);
    }
    zset_add_reply(c, &c->argv[1], (nx ? ZSET_ADD_NX : 0) | (xx ? ZSET_ADD_XX : 0), ch, n, scores,
                   &c->argv[j + 2], 3);
done:
    free(scores);
}

/* GEODIST key member1 member2 [M|KM|FT|MI] */
void geodist_command(struct client *c) {
    double conv = 1;
    if (c->argc == 5) {
        conv = unit_meters(c, &c->argv[4]);
        if (conv < 0) return;
    } else if (c->argc > 5) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_ZSET, &bad);
    if (bad) return;
    double x1, y1, x2, y2;
    if (!o || !member_lonlat(o, &c->argv[2], &x1, &y1) || !member_lonlat(o, &c->argv[3], &x2, &y2)) {
        reply_null(c->out, c->resp);
        return;
    }
    reply_distance(c, geo_distance(x1, y1, x2, y2) / conv);
}

/* GEOHASH key member ... */
void geohash_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_ZSET, &bad);
    if (bad) return;
    reply_array(c->out, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        double score;
        if (!o || !zset_member_score(o, c->argv[j].p, c->argv[j].len, &score)) {
            reply_null(c->out, c->resp);
            continue;
        }
        char buf[12];
        geo_hash_string(score, buf);
        reply_bulk(c->out, buf, 11);
    }
}

/* GEOPOS key member ... */
void geopos_command(struct client *c) {
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[1], OBJ_ZSET, &bad);
    if (bad) return;
    reply_array(c->out, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        double lon, lat;
        if (!o || !member_lonlat(o, &c->argv[j], &lon, &lat)) {
            reply_null_array(c->out, c->resp);
            continue;
        }
        reply_array(c->out, 2);
        reply_coord(c, lon);
        reply_coord(c, lat);
    }
}

/* ---------------------------------------------------------------- search */

struct geopoint {
    double lon, lat, dist, score;
    size_t off, len; /* the member, in the arena */
};

struct geofound {
    const struct geoshape *shape;
    struct geopoint *v;
    size_t n, cap;
    unsigned long limit; /* stop at this many (COUNT ANY); 0: no limit */
    struct buf arena;
};

static int found_add(void *ctx, const char *ele, size_t len, double score) {
    struct geofound *f = ctx;
    double lon, lat, dist;
    if (geo_decode_score(score, &lon, &lat) && geo_in_shape(f->shape, lon, lat, &dist)) {
        if (f->n == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 16;
            f->v = realloc(f->v, f->cap * sizeof(*f->v));
            if (!f->v) abort();
        }
        struct geopoint *p = &f->v[f->n++];
        p->lon = lon;
        p->lat = lat;
        p->dist = dist;
        p->score = score;
        p->off = f->arena.len;
        p->len = len;
        buf_put(&f->arena, ele, len);
    }
    return !(f->limit && f->n >= f->limit);
}

/* Scan the covering cells; a cell equal to the last one scanned (huge
 * radii) is skipped, as in Redis (which never compares with the center). */
static void search_cells(const struct kv *o, const struct geoshape *s, struct geofound *f) {
    struct geocell cells[9];
    geo_cover(s, cells);
    int last = 0;
    for (int i = 0; i < 9; i++) {
        if (cells[i].step == 0 && cells[i].bits == 0) continue;
        if (last && cells[i].bits == cells[last].bits && cells[i].step == cells[last].step) continue;
        if (f->n && f->limit && f->n >= f->limit) break;
        struct geocell next = cells[i];
        next.bits++;
        zset_score_range(o, (double)geo_align52(cells[i]), (double)geo_align52(next), found_add, f);
        last = i;
    }
}

static int by_dist_asc(const void *a, const void *b) {
    double x = ((const struct geopoint *)a)->dist, y = ((const struct geopoint *)b)->dist;
    return x > y ? 1 : x == y ? 0 : -1;
}

static int by_dist_desc(const void *a, const void *b) { return -by_dist_asc(a, b); }

/* Sort only what the first `keep` places need, as Redis does when COUNT
 * cuts the result: Bentley and McIlroy's quicksort (median of three, or
 * of three medians above 40 elements; keys equal to the pivot gathered at
 * both ends then swapped to the middle; insertion sort below 7 elements
 * or when a pass swapped nothing), recursing only into the parts that
 * overlap places [0, keep). Done the same way, points at equal distances
 * come out in the same order as in Redis. */
typedef int (*gp_cmp)(const void *, const void *);

static void gp_swap(struct geopoint *x, struct geopoint *y) {
    struct geopoint t = *x;
    *x = *y;
    *y = t;
}

static void gp_swap_run(struct geopoint *x, struct geopoint *y, size_t n) {
    for (size_t i = 0; i < n; i++) gp_swap(&x[i], &y[i]);
}

static struct geopoint *gp_med3(struct geopoint *a, struct geopoint *b, struct geopoint *c, gp_cmp cmp) {
    if (cmp(a, b) < 0) return cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a);
    return cmp(b, c) > 0 ? b : (cmp(a, c) < 0 ? a : c);
}

static void gp_insertion(struct geopoint *a, size_t n, gp_cmp cmp) {
    for (size_t m = 1; m < n; m++)
        for (size_t l = m; l > 0 && cmp(&a[l - 1], &a[l]) > 0; l--) gp_swap(&a[l], &a[l - 1]);
}

/* Sort a[0..n) enough that places lo..hi (as pointers, inclusive) hold
 * their final elements. */
static void gp_psort(struct geopoint *a, size_t n, gp_cmp cmp, const struct geopoint *lo,
                     const struct geopoint *hi) {
    for (;;) {
        if (n < 7) {
            gp_insertion(a, n, cmp);
            return;
        }
        struct geopoint *pm = a + n / 2;
        if (n > 7) {
            struct geopoint *pl = a, *pn = a + n - 1;
            if (n > 40) {
                size_t d = n / 8;
                pl = gp_med3(pl, pl + d, pl + 2 * d, cmp);
                pm = gp_med3(pm - d, pm, pm + d, cmp);
                pn = gp_med3(pn - 2 * d, pn - d, pn, cmp);
            }
            pm = gp_med3(pl, pm, pn, cmp);
        }
        gp_swap(a, pm);
        struct geopoint *pa = a + 1, *pb = a + 1, *pc = a + n - 1, *pd = a + n - 1;
        int swapped = 0, r;
        for (;;) {
            while (pb <= pc && (r = cmp(pb, a)) <= 0) {
                if (r == 0) {
                    swapped = 1;
                    gp_swap(pa, pb);
                    pa++;
                }
                pb++;
            }
            while (pb <= pc && (r = cmp(pc, a)) >= 0) {
                if (r == 0) {
                    swapped = 1;
                    gp_swap(pc, pd);
                    pd--;
                }
                pc--;
            }
            if (pb > pc) break;
            gp_swap(pb, pc);
            swapped = 1;
            pb++;
            pc--;
        }
        if (!swapped) {
            gp_insertion(a, n, cmp);
            return;
        }
        struct geopoint *pn = a + n;
        size_t k = (size_t)(pa - a) < (size_t)(pb - pa) ? (size_t)(pa - a) : (size_t)(pb - pa);
        gp_swap_run(a, pb - k, k);
        k = (size_t)(pd - pc) < (size_t)(pn - pd - 1) ? (size_t)(pd - pc) : (size_t)(pn - pd - 1);
        gp_swap_run(pb, pn - k, k);
        size_t left = (size_t)(pb - pa), right = (size_t)(pd - pc);
        if (left > 1) {
            const struct geopoint *l = a, *rr = a + left - 1;
            if (!((lo < l && hi < l) || (lo > rr && hi > rr))) gp_psort(a, left, cmp, lo, hi);
        }
        if (right <= 1) return;
        a = pn - right;
        n = right;
        if ((lo < a && hi < a) || (lo > a + n - 1 && hi > a + n - 1)) return;
    }
}

/* Search flags. */
#define GS_COORDS 1   /* GEORADIUS: lon lat radius unit */
#define GS_MEMBER 2   /* GEORADIUSBYMEMBER: member radius unit */
#define GS_SEARCH 4   /* GEOSEARCH: FROM... BY... */
#define GS_STORE 8    /* GEOSEARCHSTORE: destination first */
#define GS_NOSTORE 16 /* the _RO forms: no STORE option */

enum { SORT_NONE, SORT_ASC, SORT_DESC };

static void search_generic(struct client *c, int flags) {
    int src = (flags & GS_STORE) ? 2 : 1;
    const struct arg *storekey = NULL;
    int bad;
    struct kv *o = lookup_typed(c, &c->argv[src], OBJ_ZSET, &bad);
    if (bad) return;
    struct geoshape s = {0};
    int base;
    if (flags & GS_COORDS) {
        base = 6;
        if (!arg_lonlat(c, &c->argv[2], &s.lon, &s.lat) || !arg_radius(c, &c->argv[4], &s)) return;
    } else if (flags & GS_MEMBER) {
        base = 5;
        if (o) {
            if (!member_lonlat(o, &c->argv[2], &s.lon, &s.lat)) {
                reply_err(c, ERR_MEMBER);
                return;
            }
            if (!arg_radius(c, &c->argv[3], &s)) return;
        }
    } else {
        base = 2;
        if (flags & GS_STORE) {
            base = 3;
            storekey = &c->argv[1];
        }
    }
    int withdist = 0, withhash = 0, withcoord = 0, any = 0, sort = SORT_NONE, storedist = 0;
    int frommember = 0, fromlonlat = 0, byradius = 0, bybox = 0;
    long long count = 0;
    for (int i = base; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        int left = c->argc - i - 1; /* arguments after this one */
        if (ARG_IS(*a, "withdist"))
            withdist = 1;
        else if (ARG_IS(*a, "withhash"))
            withhash = 1;
        else if (ARG_IS(*a, "withcoord"))
            withcoord = 1;
        else if (ARG_IS(*a, "any"))
            any = 1;
        else if (ARG_IS(*a, "asc"))
            sort = SORT_ASC;
        else if (ARG_IS(*a, "desc"))
            sort = SORT_DESC;
        else if (ARG_IS(*a, "count") && left >= 1) {
            if (!arg_ll(c, &c->argv[i + 1], &count)) return;
            if (count <= 0) {
                reply_err(c, "ERR COUNT must be > 0");
                return;
            }
            i++;
        } else if ((ARG_IS(*a, "store") || ARG_IS(*a, "storedist")) && left >= 1 && !(flags & GS_NOSTORE) &&
                   !(flags & GS_SEARCH)) {
            storekey = &c->argv[i + 1];
            storedist = ARG_IS(*a, "storedist");
            i++;
        } else if (ARG_IS(*a, "storedist") && (flags & GS_SEARCH) && (flags & GS_STORE)) {
            storedist = 1;
        } else if (ARG_IS(*a, "frommember") && left >= 1 && (flags & GS_SEARCH) && !fromlonlat) {
            if (o && !member_lonlat(o, &c->argv[i + 1], &s.lon, &s.lat)) {
                reply_err(c, ERR_MEMBER);
                return;
            }
            frommember = 1;
            i++;
        } else if (ARG_IS(*a, "fromlonlat") && left >= 2 && (flags & GS_SEARCH) && !frommember) {
            if (!arg_lonlat(c, &c->argv[i + 1], &s.lon, &s.lat)) return;
            fromlonlat = 1;
            i += 2;
        } else if (ARG_IS(*a, "byradius") && left >= 2 && (flags & GS_SEARCH) && !bybox) {
            if (!arg_radius(c, &c->argv[i + 1], &s)) return;
            byradius = 1;
            i += 2;
        } else if (ARG_IS(*a, "bybox") && left >= 3 && (flags & GS_SEARCH) && !byradius) {
            if (!arg_box(c, &c->argv[i + 1], &s)) return;
            bybox = 1;
            i += 3;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    char msg[256];
    if (storekey && (withdist || withhash || withcoord)) {
        snprintf(msg, sizeof(msg), "ERR %s is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
                 (flags & GS_STORE) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS");
        reply_err(c, msg);
        return;
    }
    const struct arg *name = &c->argv[0];
    if ((flags & GS_SEARCH) && !(frommember || fromlonlat)) {
        snprintf(msg, sizeof(msg), "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for %.*s",
                 (int)(name->len > 100 ? 100 : name->len), name->p);
        reply_err(c, msg);
        return;
    }
    if ((flags & GS_SEARCH) && !(byradius || bybox)) {
        snprintf(msg, sizeof(msg), "ERR exactly one of BYRADIUS and BYBOX can be specified for %.*s",
                 (int)(name->len > 100 ? 100 : name->len), name->p);
        reply_err(c, msg);
        return;
    }
    if (any && !count) {
        reply_err(c, "ERR the ANY argument requires COUNT argument");
        return;
    }
    if (!o) {
        if (storekey) {
            if (db_delete(c->db, storekey->p, storekey->len)) NOTIFY(c, NOTIFY_GENERIC, "del", storekey);
            reply_int(c->out, 0);
        } else {
            reply_array(c->out, 0);
        }
        return;
    }
    if (count && sort == SORT_NONE && !any) sort = SORT_ASC;

    geo_shape_prepare(&s);
    struct geofound f = {.shape = &s, .limit = any ? (unsigned long)count : 0};
    search_cells(o, &s, &f);
    size_t returned = (count == 0 || (long long)f.n < count) ? f.n : (size_t)count;
    if (sort != SORT_NONE && f.n > 1) {
        gp_cmp cmp = sort == SORT_ASC ? by_dist_asc : by_dist_desc;
        if (returned == f.n)
            qsort(f.v, f.n, sizeof(*f.v), cmp);
        else if (returned > 0)
            gp_psort(f.v, f.n, cmp, f.v, f.v + returned - 1);
    }

    if (!storekey) {
        int opts = withdist + withhash + withcoord;
        reply_array(c->out, (long long)returned);
        for (size_t i = 0; i < returned; i++) {
            const struct geopoint *p = &f.v[i];
            if (opts) reply_array(c->out, opts + 1);
            reply_bulk(c->out, f.arena.p + p->off, p->len);
            if (withdist) reply_distance(c, p->dist / s.conv);
            if (withhash) reply_int(c->out, (long long)p->score);
            if (withcoord) {
                reply_array(c->out, 2);
                reply_coord(c, p->lon);
                reply_coord(c, p->lat);
            }
        }
    } else {
        if (returned) {
            const char **eles = malloc(sizeof(*eles) * returned);
            size_t *lens = malloc(sizeof(*lens) * returned);
            double *scores = malloc(sizeof(*scores) * returned);
            if (!eles || !lens || !scores) abort();
            for (size_t i = 0; i < returned; i++) {
                eles[i] = f.arena.p + f.v[i].off;
                lens[i] = f.v[i].len;
                scores[i] = storedist ? f.v[i].dist / s.conv : f.v[i].score;
            }
            zset_store_members(c, storekey, returned, eles, lens, scores);
            NOTIFY(c, NOTIFY_ZSET, (flags & GS_SEARCH) ? "geosearchstore" : "georadiusstore", storekey);
            free(eles);
            free(lens);
            free(scores);
        } else if (db_delete(c->db, storekey->p, storekey->len)) {
            NOTIFY(c, NOTIFY_GENERIC, "del", storekey);
        }
        reply_int(c->out, (long long)returned);
    }
    free(f.v);
    buf_free(&f.arena);
}

void georadius_command(struct client *c) { search_generic(c, GS_COORDS); }
void georadius_ro_command(struct client *c) { search_generic(c, GS_COORDS | GS_NOSTORE); }
void georadiusbymember_command(struct client *c) { search_generic(c, GS_MEMBER); }
void georadiusbymember_ro_command(struct client *c) { search_generic(c, GS_MEMBER | GS_NOSTORE); }
void geosearch_command(struct client *c) { search_generic(c, GS_SEARCH); }
void geosearchstore_command(struct client *c) { search_generic(c, GS_SEARCH | GS_STORE); }

/* The keys of GEORADIUS[BYMEMBER]: the source, then as COMMAND GETKEYS
 * shows them in Redis the first STORE and the first STOREDIST argument
 * at or after the options' start `from`, then the destination the
 * handler really uses (the last such option) if it is neither. */
static int radius_keys(const struct arg *argv, int argc, int from, int *pos, int max) {
    int n = 0, store = 0, storedist = 0, used = 0;
    if (argc < 2 || max < 1) return 0;
    pos[n++] = 1;
    for (int i = from; i + 1 < argc; i++) {
        if (!store && ARG_IS(argv[i], "store")) store = i + 1;
        if (!storedist && ARG_IS(argv[i], "storedist")) storedist = i + 1;
    }
    for (int i = from; i + 1 < argc; i++) {
        if (ARG_IS(argv[i], "count")) {
            i++;
        } else if (ARG_IS(argv[i], "store") || ARG_IS(argv[i], "storedist")) {
            used = i + 1;
            i++;
        }
    }
    if (store && n < max) pos[n++] = store;
    if (storedist && n < max) pos[n++] = storedist;
    if (used && used != store && used != storedist && n < max) pos[n++] = used;
    return n;
}

int georadius_keys(const struct arg *argv, int argc, int *pos, int max) {
    return radius_keys(argv, argc, 6, pos, max);
}
int georadiusbymember_keys(const struct arg *argv, int argc, int *pos, int max) {
    return radius_keys(argv, argc, 5, pos, max);
}
