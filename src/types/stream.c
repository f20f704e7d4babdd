/*
 * stream.c - the stream commands: XADD XLEN XRANGE XREVRANGE XDEL XTRIM
 * XSETID XREAD XREADGROUP XGROUP XACK XPENDING XCLAIM XAUTOCLAIM XINFO,
 * with Redis 7.0's replies and errors. Storage: streamstore.c (stream.h).
 *
 * Blocking reads go through txn/block.h like the list pops: XREAD's `$` is
 * turned into the stream's last ID when the client starts to wait, and
 * block.c asks stream_wait_ready() (through blk_stream_hooks) whether a
 * waiter has something to read, since a read does not consume the entry
 * and every waiter with new entries is served, not just the first.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "../server/coord.h"
#include "../txn/block.h"
#include "../txn/lock.h"
#include "stream.h"

#define ERR_BAD_ID "ERR Invalid stream ID specified as stream command argument"

static const struct sid SID_MIN = {0, 0}, SID_MAX = {UINT64_MAX, UINT64_MAX};

/* ---- type_ops ---- */

static const char *stream_encoding(int enc) {
    (void)enc;
    return "stream";
}
static void t_free(void *v, int enc) {
    (void)enc;
    stream_free(v);
}
static void *t_dup(const void *v, int enc) {
    (void)enc;
    return stream_dup(v);
}
static size_t t_mem(const void *v, int enc) {
    (void)enc;
    return stream_mem(v);
}
static void t_serialize(const void *v, int enc, struct buf *b) {
    (void)enc;
    stream_serialize(v, b);
}
static void *t_deserialize(const char *p, size_t len, int *enc) {
    *enc = ENC_STREAM;
    return stream_deserialize(p, len);
}
static size_t t_cost(const void *v, int enc) {
    (void)enc;
    const struct stream *s = v;
    size_t n = idm_count(&s->nodes);
    for (int i = 0; i < s->ngroups; i++) n += idm_count(&s->groups[i]->pel);
    return n;
}

static const struct type_ops stream_ops = {
    .name = "stream",
    .encoding = stream_encoding,
    .free = t_free,
    .dup = t_dup,
    .mem_usage = t_mem,
    .serialize = t_serialize,
    .deserialize = t_deserialize,
    .cost = t_cost,
};

/* ---- IDs ---- */

/* Redis's string2ull: a strict integer, or what strtoull takes whole. */
static int parse_u64(const char *p, size_t len, uint64_t *v) {
    long long ll;
    if (str_to_ll(p, len, &ll)) {
        if (ll < 0) return 0;
        *v = (uint64_t)ll;
        return 1;
    }
    char tmp[130];
    if (len == 0 || len >= sizeof(tmp)) return 0;
    memcpy(tmp, p, len);
    tmp[len] = 0;
    if (memchr(tmp, 0, len)) return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long u = strtoull(tmp, &end, 10);
    if (errno == EINVAL || errno == ERANGE || *end) return 0;
    *v = u;
    return 1;
}

/* Parse an ID: "ms-seq", or "ms" (seq = missing_seq); unless strict, "-"
 * and "+" are the smallest and largest. seq_given (XADD): "ms-*" leaves
 * seq 0 and *seq_given 0. */
static int parse_id(const struct arg *a, struct sid *id, uint64_t missing_seq, int strict, int *seq_given) {
    if (seq_given) *seq_given = 1;
    if (a->len > 127) return 0;
    if (!strict && a->len == 1 && (a->p[0] == '-' || a->p[0] == '+')) {
        *id = a->p[0] == '-' ? SID_MIN : SID_MAX;
        return 1;
    }
    const char *dot = memchr(a->p, '-', a->len);
    if (!dot) {
        if (!parse_u64(a->p, a->len, &id->ms)) return 0;
        id->seq = missing_seq;
        return 1;
    }
    size_t ml = (size_t)(dot - a->p), sl = a->len - ml - 1;
    if (!parse_u64(a->p, ml, &id->ms)) return 0;
    if (seq_given && sl == 1 && dot[1] == '*') {
        id->seq = 0;
        *seq_given = 0;
        return 1;
    }
    return parse_u64(dot + 1, sl, &id->seq);
}

static int parse_id_or_reply(struct client *c, const struct arg *a, struct sid *id, uint64_t missing_seq,
                             int strict, int *seq_given) {
    if (parse_id(a, id, missing_seq, strict, seq_given)) return 1;
    reply_err(c, ERR_BAD_ID);
    return 0;
}

/* A range bound: "(id" is exclusive (*ex = 1, parsed strictly). */
static int parse_interval(struct client *c, const struct arg *a, struct sid *id, int *ex,
                          uint64_t missing_seq) {
    if (a->len > 1 && a->p[0] == '(') {
        *ex = 1;
        struct arg r = {a->p + 1, a->len - 1};
        return parse_id_or_reply(c, &r, id, missing_seq, 1, NULL);
    }
    *ex = 0;
    return parse_id_or_reply(c, a, id, missing_seq, 0, NULL);
}

static int sid_incr(struct sid *id) {
    if (id->seq == UINT64_MAX) {
        if (id->ms == UINT64_MAX) return 0;
        id->ms++;
        id->seq = 0;
    } else {
        id->seq++;
    }
    return 1;
}

static int sid_decr(struct sid *id) {
    if (id->seq == 0) {
        if (id->ms == 0) return 0;
        id->ms--;
        id->seq = UINT64_MAX;
    } else {
        id->seq--;
    }
    return 1;
}

static inline int sid_zero(const struct sid *id) { return id->ms == 0 && id->seq == 0; }

/* ---- replies ---- */

static void reply_id(struct buf *out, const struct sid *id) {
    char tmp[48];
    int n = ull_to_str(tmp, id->ms);
    tmp[n++] = '-';
    n += ull_to_str(tmp + n, id->seq);
    reply_bulk(out, tmp, (size_t)n);
}

/* An array or map whose length is known only after its elements: note
 * where it starts, write them, then put the header in front. */
static size_t defer_begin(struct buf *b) { return b->len; }
static void defer_end(struct buf *b, size_t at, char type, long long n) {
    char h[32];
    h[0] = type;
    int hl = 1 + ll_to_str(h + 1, n);
    h[hl++] = '\r';
    h[hl++] = '\n';
    buf_reserve(b, (size_t)hl);
    memmove(b->p + at + hl, b->p + at, b->len - at);
    memcpy(b->p + at, h, (size_t)hl);
    b->len += (size_t)hl;
}

static void reply_entry(struct buf *out, const struct sid *id, struct sfield_it f) {
    reply_array(out, 2);
    reply_id(out, id);
    reply_array(out, 2LL * f.left);
    const char *fp, *vp;
    size_t fl, vl;
    while (sfield_next(&f, &fp, &fl, &vp, &vl)) {
        reply_bulk(out, fp, fl);
        reply_bulk(out, vp, vl);
    }
}

/* The entries from start to end (rev: backwards), at most count (0: all),
 * as an array. Returns how many. */
static long long reply_range(struct buf *out, const struct stream *s, const struct sid *start,
                             const struct sid *end, long long count, int rev) {
    struct stream_it it;
    size_t at = defer_begin(out);
    long long n = 0;
    stream_it_start(&it, s, start, end, rev);
    while ((!count || n < count) && stream_it_next(&it)) {
        reply_entry(out, &it.id, it.fields);
        n++;
    }
    stream_it_stop(&it);
    defer_end(out, at, '*', n);
    return n;
}

/* One entry as [id, [fields]]; 0 (nothing written) if it is not there. */
static int reply_one(struct buf *out, const struct stream *s, const struct sid *id) {
    struct stream_it it;
    stream_it_start(&it, s, id, id, 0);
    int ok = stream_it_next(&it);
    if (ok) reply_entry(out, &it.id, it.fields);
    stream_it_stop(&it);
    return ok;
}

/* ---- lookups ---- */

static struct stream *stream_of(struct kv *o) { return o ? kv_ptr(o) : NULL; }

/* The stream at key for reading; *bad after a WRONGTYPE reply. */
static struct stream *get_stream(struct client *c, const struct arg *key, int *bad) {
    struct kv *o = lookup_typed(c, key, OBJ_STREAM, bad);
    return stream_of(o);
}

static struct stream *create_stream(struct client *c, const struct arg *key) {
    struct stream *s = stream_new();
    db_add_new(c->db, kv_new_ptr(key->p, key->len, OBJ_STREAM, ENC_STREAM, s, -1));
    return s;
}

static long long now_ms(void) { return mstime(); }

/* A consumer, created (with its keyspace event) if new. */
static struct sconsumer *consumer_get(struct client *c, struct sgroup *g, const struct arg *key,
                                      const struct arg *name, long long now) {
    struct sconsumer *cn = group_consumer_find(g, name->p, name->len);
    if (cn) {
        cn->seen_time = now;
        return cn;
    }
    cn = group_consumer_add(g, name->p, name->len, now);
    NOTIFY(c, NOTIFY_STREAM, "xgroup-createconsumer", key);
    return cn;
}

/* ---- XADD / XTRIM ---- */

struct trim_args {
    int strategy; /* 0 none, 1 maxlen, 2 minid */
    int approx;
    long long maxlen, limit;
    struct sid minid;
    int nomkstream;
    int id_given, seq_given;
    struct sid id;
};

/* Parse XADD's (xadd) or XTRIM's options from argv[2]; returns the index
 * of XADD's ID argument ("*" or an ID) or argc, -1 after an error reply. */
static int parse_add_trim(struct client *c, struct trim_args *a, int xadd) {
    memset(a, 0, sizeof(*a));
    int limit_given = 0, i;
    for (i = 2; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        const struct arg *o = &c->argv[i];
        if (xadd && o->len == 1 && o->p[0] == '*') break;
        if ((ARG_IS(*o, "maxlen") || ARG_IS(*o, "minid")) && more) {
            int minid = ARG_IS(*o, "minid");
            if (a->strategy) {
                reply_err(c,
                          "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                return -1;
            }
            /* MAXLEN|MINID [=|~] threshold */
            a->approx = 0;
            const struct arg *n = &c->argv[i + 1];
            if (more >= 2 && n->len == 1 && (n->p[0] == '~' || n->p[0] == '=')) {
                a->approx = n->p[0] == '~';
                i++;
            }
            if (minid) {
                if (!parse_id_or_reply(c, &c->argv[i + 1], &a->minid, 0, 1, NULL)) return -1;
            } else {
                if (!arg_ll(c, &c->argv[i + 1], &a->maxlen)) return -1;
                if (a->maxlen < 0) {
                    reply_err(c, "ERR The MAXLEN argument must be >= 0.");
                    return -1;
                }
            }
            i++;
            a->strategy = minid ? 2 : 1;
        } else if (ARG_IS(*o, "limit") && more) {
            if (!arg_ll(c, &c->argv[i + 1], &a->limit)) return -1;
            if (a->limit < 0) {
                reply_err(c, "ERR The LIMIT argument must be >= 0.");
                return -1;
            }
            limit_given = 1;
            i++;
        } else if (xadd && ARG_IS(*o, "nomkstream")) {
            a->nomkstream = 1;
        } else if (xadd) {
            if (!parse_id_or_reply(c, o, &a->id, 0, 1, &a->seq_given)) return -1;
            a->id_given = 1;
            break;
        } else {
            reply_err(c, ERR_SYNTAX);
            return -1;
        }
    }
    if (a->limit && !a->strategy) {
        reply_err(c, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        return -1;
    }
    if (!xadd && !a->strategy) {
        reply_err(c, "ERR syntax error, XTRIM must be called with a trimming strategy");
        return -1;
    }
    if (limit_given) {
        if (!a->approx) {
            reply_err(c, "ERR syntax error, LIMIT cannot be used without the special ~ option");
            return -1;
        }
    } else if (a->approx) {
        long long me = c->sh->cfg.stream_node_max_entries;
        a->limit = me ? 100 * me : 10000;
        if (a->limit <= 0 || a->limit > 1000000) a->limit = 10000;
    } else {
        a->limit = 0;
    }
    return i;
}

static long long do_trim(struct stream *s, const struct trim_args *a) {
    return stream_trim(s, a->maxlen, a->strategy == 2 ? &a->minid : NULL, a->approx, a->limit);
}

void xadd_command(struct client *c) {
    struct trim_args a;
    int at = parse_add_trim(c, &a, 1);
    if (at < 0) return;
    int fpos = at + 1;
    if (c->argc - fpos < 2 || (c->argc - fpos) % 2 == 1) {
        reply_errf(c, "ERR wrong number of arguments for 'xadd' command");
        return;
    }
    if (a.id_given && a.seq_given && sid_zero(&a.id)) {
        reply_err(c, "ERR The ID specified in XADD must be greater than 0-0");
        return;
    }
    int bad;
    const struct arg *key = &c->argv[1];
    struct stream *s = get_stream(c, key, &bad);
    if (bad) return;
    if (!s) {
        if (a.nomkstream) {
            reply_null(c->out, c->resp);
            return;
        }
        s = create_stream(c, key);
    }
    if (s->last_id.ms == UINT64_MAX && s->last_id.seq == UINT64_MAX) {
        reply_err(c, "ERR The stream has exhausted the last possible ID, unable to add more items");
        return;
    }
    struct sid id;
    if (a.id_given) {
        if (a.seq_given) {
            id = a.id;
        } else if (s->last_id.ms == a.id.ms) {
            if (s->last_id.seq == UINT64_MAX) goto smaller;
            id = s->last_id;
            id.seq++;
        } else {
            id = a.id;
        }
    } else {
        long long ms = now_ms();
        if (s->last_id.ms >= (uint64_t)ms) {
            id = s->last_id;
            sid_incr(&id);
        } else {
            id.ms = (uint64_t)ms;
            id.seq = 0;
        }
    }
    if (sid_cmp(&id, &s->last_id) <= 0) goto smaller;
    stream_append(s, &id, (const struct sfv *)(const void *)(c->argv + fpos), (c->argc - fpos) / 2,
                  c->sh->cfg.stream_node_max_bytes, c->sh->cfg.stream_node_max_entries);
    reply_id(c->out, &id);
    NOTIFY(c, NOTIFY_STREAM, "xadd", key);
    if (a.strategy && do_trim(s, &a)) NOTIFY(c, NOTIFY_STREAM, "xtrim", key);
    return;
smaller:
    reply_err(c, "ERR The ID specified in XADD is equal or smaller than the target stream top item");
}

void xtrim_command(struct client *c) {
    struct trim_args a;
    if (parse_add_trim(c, &a, 0) < 0) return;
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    if (!s) {
        reply_int(c->out, 0);
        return;
    }
    long long n = do_trim(s, &a);
    if (n) NOTIFY(c, NOTIFY_STREAM, "xtrim", &c->argv[1]);
    reply_int(c->out, n);
}

void xlen_command(struct client *c) {
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    reply_int(c->out, s ? (long long)s->length : 0);
}

/* ---- XRANGE / XREVRANGE ---- */

static void xrange_generic(struct client *c, int rev) {
    const struct arg *sa = &c->argv[rev ? 3 : 2], *ea = &c->argv[rev ? 2 : 3];
    struct sid start, end;
    int sx, ex;
    long long count = -1;
    if (!parse_interval(c, sa, &start, &sx, 0)) return;
    if (sx && !sid_incr(&start)) {
        reply_err(c, "ERR invalid start ID for the interval");
        return;
    }
    if (!parse_interval(c, ea, &end, &ex, UINT64_MAX)) return;
    if (ex && !sid_decr(&end)) {
        reply_err(c, "ERR invalid end ID for the interval");
        return;
    }
    for (int j = 4; j < c->argc; j++) {
        int more = c->argc - j - 1;
        if (ARG_IS(c->argv[j], "count") && more >= 1) {
            if (!arg_ll(c, &c->argv[j + 1], &count)) return;
            if (count < 0) count = 0;
            j++;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    if (!s) {
        reply_array(c->out, 0);
        return;
    }
    if (count == 0) {
        reply_null_array(c->out, c->resp);
        return;
    }
    reply_range(c->out, s, &start, &end, count < 0 ? 0 : count, rev);
}

void xrange_command(struct client *c) { xrange_generic(c, 0); }
void xrevrange_command(struct client *c) { xrange_generic(c, 1); }

/* ---- XDEL / XSETID ---- */

/* The IDs argv[from..argc) (strict), all parsed before anything is done
 * (the command is all or nothing): in small if they fit, else allocated;
 * NULL after an error reply. */
static struct sid *parse_ids(struct client *c, int from, struct sid *small, int nsmall) {
    int n = c->argc - from;
    struct sid *ids = n <= nsmall ? small : malloc(sizeof(*ids) * (size_t)n);
    if (!ids) abort();
    for (int j = 0; j < n; j++)
        if (!parse_id_or_reply(c, &c->argv[from + j], &ids[j], 0, 1, NULL)) {
            if (ids != small) free(ids);
            return NULL;
        }
    return ids;
}

void xdel_command(struct client *c) {
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    if (!s) {
        reply_int(c->out, 0);
        return;
    }
    int n = c->argc - 2;
    struct sid small[16], *ids = parse_ids(c, 2, small, 16);
    if (!ids) return;
    long long deleted = 0;
    int first = 0;
    for (int j = 0; j < n; j++) {
        if (!stream_delete(s, &ids[j])) continue;
        if (sid_cmp(&ids[j], &s->first_id) == 0) first = 1;
        if (sid_cmp(&ids[j], &s->max_deleted) > 0) s->max_deleted = ids[j];
        deleted++;
    }
    if (deleted) {
        if (!s->length)
            s->first_id = SID_MIN;
        else if (first)
            stream_edge(s, 1, &s->first_id);
        NOTIFY(c, NOTIFY_STREAM, "xdel", &c->argv[1]);
    }
    reply_int(c->out, deleted);
    if (ids != small) free(ids);
}

void xsetid_command(struct client *c) {
    struct sid id, maxdel = {0, 0};
    long long added = -1;
    if (!parse_id_or_reply(c, &c->argv[2], &id, 0, 1, NULL)) return;
    for (int i = 3; i < c->argc;) {
        int more = c->argc - 1 - i;
        if (ARG_IS(c->argv[i], "entriesadded") && more) {
            if (!arg_ll(c, &c->argv[i + 1], &added)) return;
            if (added < 0) {
                reply_err(c, "ERR entries_added must be positive");
                return;
            }
            i += 2;
        } else if (ARG_IS(c->argv[i], "maxdeletedid") && more) {
            if (!parse_id_or_reply(c, &c->argv[i + 1], &maxdel, 0, 1, NULL)) return;
            if (sid_cmp(&id, &maxdel) < 0) {
                reply_err(c,
                          "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                return;
            }
            i += 2;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    if (!s) {
        reply_err(c, "ERR no such key");
        return;
    }
    if (s->length > 0) {
        struct sid top;
        stream_edge(s, 0, &top);
        if (sid_cmp(&id, &top) < 0) {
            reply_err(c, "ERR The ID specified in XSETID is smaller than the target stream top item");
            return;
        }
        if (added != -1 && s->length > (uint64_t)added) {
            reply_err(c,
                      "ERR The entries_added specified in XSETID is smaller than the target stream length");
            return;
        }
    }
    s->last_id = id;
    if (added != -1) s->entries_added = (uint64_t)added;
    if (!sid_zero(&maxdel)) s->max_deleted = maxdel;
    NOTIFY(c, NOTIFY_STREAM, "xsetid", &c->argv[1]);
    reply_ok(c->out);
}

/* ---- XREAD / XREADGROUP ---- */

/* Where STREAMS' keys start and how many there are, skipping the options
 * as the parser does; 0 if there is no STREAMS or the list is odd. */
static int streams_at(const struct arg *argv, int argc, int *n) {
    for (int i = 1; i < argc; i++) {
        int more = argc - i - 1;
        if ((str_ieq(argv[i].p, argv[i].len, "block") || str_ieq(argv[i].p, argv[i].len, "count")) && more) {
            i++;
        } else if (str_ieq(argv[i].p, argv[i].len, "group") && more >= 2) {
            i += 2;
        } else if (str_ieq(argv[i].p, argv[i].len, "streams") && more) {
            if ((argc - i - 1) % 2) return 0;
            *n = (argc - i - 1) / 2;
            return i + 1;
        }
    }
    return 0;
}

int xread_keys(const struct arg *argv, int argc, int *pos, int max) {
    int n = 0, at = streams_at(argv, argc, &n);
    if (!at) return 0;
    int k = 0;
    for (; k < n && k < max; k++) pos[k] = at + k;
    return k;
}

/* Serve a group read of new entries (after the group's last ID): update
 * the group's counters, the PELs (unless noack). Returns the count. */
static long long serve_group(struct buf *out, struct stream *s, struct sgroup *g, struct sconsumer *cn,
                             long long count, int noack, long long now) {
    struct sid start = g->last_id;
    size_t at = defer_begin(out);
    long long n = 0;
    if (sid_incr(&start)) {
        struct stream_it it;
        stream_it_start(&it, s, &start, &SID_MAX, 0);
        while ((!count || n < count) && stream_it_next(&it)) {
            if (sid_cmp(&it.id, &g->last_id) > 0) {
                if (g->entries_read != SCG_INVALID && !stream_range_has_tombstones(s, &it.id))
                    g->entries_read++;
                else if (s->entries_added)
                    g->entries_read = stream_distance_from_first(s, &it.id);
                g->last_id = it.id;
            }
            reply_entry(out, &it.id, it.fields);
            if (!noack) group_pel_add(g, cn, &it.id, now);
            n++;
        }
        stream_it_stop(&it);
    }
    defer_end(out, at, '*', n);
    return n;
}

/* A consumer's history from start: its pending entries (deleted ones as
 * [id, nil]), each delivered once more. */
static void serve_history(struct buf *out, int resp, struct stream *s, struct sconsumer *cn,
                          const struct sid *start, long long count, long long now) {
    size_t at = defer_begin(out);
    long long n = 0;
    struct idm_pos pos;
    int more = idm_seek_ge(&cn->pel, start, &pos);
    while (more && (!count || n < count)) {
        struct sid id = *idm_key(&cn->pel, &pos);
        struct snack *k = idm_val(&cn->pel, &pos);
        if (!reply_one(out, s, &id)) {
            reply_array(out, 2);
            reply_id(out, &id);
            reply_null_array(out, resp);
        } else {
            k->delivery_time = now;
            k->delivery_count++;
        }
        n++;
        more = idm_next(&cn->pel, &pos);
    }
    defer_end(out, at, '*', n);
}

/* Block: XREAD's "$" become the streams' last IDs (what "$" meant when the
 * client started to wait). */
static void xread_block(struct client *c, long long deadline, int at, int n, const struct sid *ids,
                        int group) {
    struct arg small[32], *argv = c->argc <= 32 ? small : malloc(sizeof(struct arg) * (size_t)c->argc);
    char(*txt)[48] = malloc((size_t)n * 48);
    if (!argv || !txt) abort();
    memcpy(argv, c->argv, sizeof(struct arg) * (size_t)c->argc);
    for (int i = 0; i < n; i++) {
        struct arg *a = &argv[at + n + i];
        struct sid id = ids[i];
        int l = 0;
        if (group) {
            /* ">" then NUL and the stream's last ID now: it waits for an
             * entry added after that (XGROUP SETID alone does not wake it) */
            if (a->len != 1) continue;
            const struct arg *key = &argv[at + i];
            struct stream *s = stream_of(db_find(c->db, key->p, key->len, 0));
            id = s ? s->last_id : SID_MIN;
            txt[i][l++] = '>';
            txt[i][l++] = 0;
        } else if (a->len != 1 || a->p[0] != '$') {
            continue;
        }
        l += ull_to_str(txt[i] + l, id.ms);
        txt[i][l++] = '-';
        l += ull_to_str(txt[i] + l, id.seq);
        *a = (struct arg){txt[i], (size_t)l};
    }
    blk_wait_argv(c, deadline, argv, c->argc);
    free(txt);
    if (argv != small) free(argv);
}

static void xread_generic(struct client *c, int xreadgroup) {
    long long timeout = -1, count = 0;
    int at = 0, n = 0, noack = 0;
    const struct arg *gname = NULL, *cname = NULL;
    for (int i = 1; i < c->argc; i++) {
        int more = c->argc - i - 1;
        const struct arg *o = &c->argv[i];
        if (ARG_IS(*o, "block") && more) {
            if (c->from_script) {
                reply_errf(c, "ERR %s command is not allowed with BLOCK option from scripts",
                           xreadgroup ? "xreadgroup" : "xread");
                return;
            }
            i++;
            long long t;
            if (!str_to_ll(c->argv[i].p, c->argv[i].len, &t)) {
                reply_err(c, "ERR timeout is not an integer or out of range");
                return;
            }
            if (t < 0) {
                reply_err(c, "ERR timeout is negative");
                return;
            }
            timeout = t;
        } else if (ARG_IS(*o, "count") && more) {
            i++;
            if (!arg_ll(c, &c->argv[i], &count)) return;
            if (count < 0) count = 0;
        } else if (ARG_IS(*o, "streams") && more) {
            at = i + 1;
            n = c->argc - at;
            if (n % 2) {
                reply_err(c, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
                             "specified.");
                return;
            }
            n /= 2;
            break;
        } else if (ARG_IS(*o, "group") && more >= 2) {
            if (!xreadgroup) {
                reply_err(c,
                          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                return;
            }
            gname = &c->argv[i + 1];
            cname = &c->argv[i + 2];
            i += 2;
        } else if (ARG_IS(*o, "noack")) {
            if (!xreadgroup) {
                reply_err(c,
                          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                return;
            }
            noack = 1;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if (!at) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (xreadgroup && !gname) {
        reply_err(c, "ERR Missing GROUP option for XREADGROUP");
        return;
    }
    struct sid small_ids[16], *ids = n <= 16 ? small_ids : malloc(sizeof(*ids) * (size_t)n);
    struct sgroup *small_g[16], **groups = n <= 16 ? small_g : malloc(sizeof(*groups) * (size_t)n);
    if (!ids || !groups) abort();
    struct buf tmp = {0};
    for (int i = 0; i < n; i++) {
        const struct arg *key = &c->argv[at + i], *ida = &c->argv[at + n + i];
        int bad;
        if (gname && c->blk && c->blk->retry) {
            struct kv *o = db_find(c->db, key->p, key->len, 0);
            if (!o || kv_type(o) != OBJ_STREAM) {
                reply_err(c, "UNBLOCKED the stream key no longer exists");
                goto out;
            }
        }
        struct stream *s = get_stream(c, key, &bad);
        if (bad) goto out;
        groups[i] = NULL;
        if (gname && c->blk && c->blk->retry) {
            /* woken across shards: its group may be gone */
            if (!(groups[i] = stream_group_find(s, gname->p, gname->len))) {
                reply_err(c, "NOGROUP the consumer group this client was blocked on no longer exists");
                goto out;
            }
        } else if (gname) {
            if (!s || !(groups[i] = stream_group_find(s, gname->p, gname->len))) {
                reply_errf(
                    c, "NOGROUP No such key '%.*s' or consumer group '%.*s' in XREADGROUP with GROUP option",
                    (int)key->len, key->p, (int)gname->len, gname->p);
                goto out;
            }
        }
        if (ida->len == 1 && ida->p[0] == '$') {
            if (xreadgroup) {
                reply_err(
                    c,
                    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
                    "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ "
                    "ID would just return an empty result set.");
                goto out;
            }
            ids[i] = s ? s->last_id : SID_MIN;
            continue;
        }
        if (ida->len >= 1 && ida->p[0] == '>' && (ida->len == 1 || ida->p[1] == 0)) {
            if (!xreadgroup) {
                reply_err(
                    c, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                       "<consumer> option.");
                goto out;
            }
            ids[i] = SID_MAX;
            continue;
        }
        if (!parse_id_or_reply(c, ida, &ids[i], 0, 1, NULL)) goto out;
    }
    long long served = 0, now = now_ms();
    for (int i = 0; i < n; i++) {
        const struct arg *key = &c->argv[at + i];
        struct stream *s = stream_of(db_find(c->db, key->p, key->len, 0));
        if (!s) continue;
        struct sid gt = ids[i];
        int sync = 0, history = 0;
        if (groups[i]) {
            if (gt.ms != UINT64_MAX || gt.seq != UINT64_MAX) {
                sync = history = 1;
            } else if (s->length) {
                struct sid top;
                stream_edge(s, 0, &top);
                if (sid_cmp(&top, &groups[i]->last_id) > 0) sync = 1;
            }
        } else if (s->length) {
            struct sid top;
            stream_edge(s, 0, &top);
            if (sid_cmp(&top, &gt) > 0) sync = 1;
        }
        if (!sync) continue;
        served++;
        if (c->resp == 2) reply_array(&tmp, 2);
        reply_bulk(&tmp, key->p, key->len);
        if (groups[i]) {
            struct sconsumer *cn = consumer_get(c, groups[i], key, cname, now);
            if (history) {
                struct sid start = gt;
                sid_incr(&start);
                serve_history(&tmp, c->resp, s, cn, &start, count, now);
            } else {
                serve_group(&tmp, s, groups[i], cn, count, noack, now);
            }
            /* the pending lists changed: watchers and copies see it */
            lock_key_changed(c->sh, c->db->id, key->p, key->len);
        } else {
            struct sid start = gt;
            sid_incr(&start);
            reply_range(&tmp, s, &start, &SID_MAX, count, 0);
        }
    }
    if (served) {
        if (c->resp == 2)
            reply_array(c->out, served);
        else
            reply_map(c->out, 3, served);
        buf_put(c->out, tmp.p, tmp.len);
    } else if (timeout != -1) {
        xread_block(c, timeout ? now + timeout : 0, at, n, ids, xreadgroup);
    } else {
        reply_null_array(c->out, c->resp);
    }
out:
    buf_free(&tmp);
    if (ids != small_ids) free(ids);
    if (groups != small_g) free(groups);
}

void xread_command(struct client *c) { xread_generic(c, 0); }
void xreadgroup_command(struct client *c) { xread_generic(c, 1); }

/* What block.c asks of a client waiting in XREAD / XREADGROUP on key: 1 if
 * it has entries to read (run its command), 0 to keep waiting; with *err
 * set, the error that ends the wait. */
static int stream_wait_ready(struct db *db, const struct command *cmd, const struct arg *argv, int argc,
                             const struct arg *key, const char **err) {
    *err = NULL;
    int n = 0, at = streams_at(argv, argc, &n);
    if (!at) return 0;
    int group = cmd->proc == xreadgroup_command;
    const struct arg *gname = NULL;
    if (group)
        for (int i = 1; i + 2 < at; i++)
            if (str_ieq(argv[i].p, argv[i].len, "group")) {
                gname = &argv[i + 1];
                break;
            }
    struct kv *o = db_find(db, key->p, key->len, 0);
    if (!o || kv_type(o) != OBJ_STREAM) {
        if (group) *err = "UNBLOCKED the stream key no longer exists";
        return 0;
    }
    struct stream *s = kv_ptr(o);
    for (int i = 0; i < n; i++) {
        const struct arg *k = &argv[at + i];
        if (k->len != key->len || memcmp(k->p, key->p, key->len) != 0) continue;
        struct sid top;
        if (group) {
            struct sgroup *g = gname ? stream_group_find(s, gname->p, gname->len) : NULL;
            if (!g) {
                *err = "NOGROUP the consumer group this client was blocked on no longer exists";
                return 0;
            }
            const struct arg *ida = &argv[at + n + i];
            struct sid since = SID_MIN;
            if (ida->len > 2 && ida->p[0] == '>' && ida->p[1] == 0) {
                struct arg r = {ida->p + 2, ida->len - 2};
                if (parse_id(&r, &since, 0, 1, NULL) && sid_cmp(&s->last_id, &since) <= 0) return 0;
            }
            return s->length && stream_edge(s, 0, &top) && sid_cmp(&top, &g->last_id) > 0;
        }
        struct sid gt;
        if (!parse_id(&argv[at + n + i], &gt, 0, 1, NULL)) return 0;
        return s->length && stream_edge(s, 0, &top) && sid_cmp(&top, &gt) > 0;
    }
    return 0;
}

/* The waiter's arguments reduced to the one key that has data. */
static int stream_argv_for_key(const struct arg *argv, int argc, const struct arg *key, struct arg *out) {
    int n = 0, at = streams_at(argv, argc, &n), m = 0;
    if (!at) {
        memcpy(out, argv, sizeof(*argv) * (size_t)argc);
        return argc;
    }
    for (int i = 0; i < at; i++) out[m++] = argv[i];
    for (int i = 0; i < n; i++)
        if (argv[at + i].len == key->len && memcmp(argv[at + i].p, key->p, key->len) == 0) {
            out[m++] = argv[at + i];
            out[m++] = argv[at + n + i];
            return m;
        }
    memcpy(out, argv, sizeof(*argv) * (size_t)argc);
    return argc;
}

/* ---- XREAD over streams of several shards: fetch what it reads ---- */

/* "<id> <count>" or "$ <count>" for the key at argv[ki]; 0 (the whole
 * stream) when the key is named twice or an ID does not parse. */
static int xread_view_spec(const struct arg *argv, int argc, int ki, char *buf, size_t cap) {
    int n = 0, at = streams_at(argv, argc, &n), hits = 0;
    long long count = 0;
    for (int i = 1; at && i < at - 1; i++) {
        if (str_ieq(argv[i].p, argv[i].len, "count")) {
            str_to_ll(argv[i + 1].p, argv[i + 1].len, &count);
            i++;
        } else if (str_ieq(argv[i].p, argv[i].len, "block")) {
            i++;
        }
    }
    if (!at || ki < at || ki >= at + n || count < 0) return 0;
    for (int i = 0; i < n; i++)
        hits += argv[at + i].len == argv[ki].len && !memcmp(argv[at + i].p, argv[ki].p, argv[ki].len);
    const struct arg *ida = &argv[ki + n];
    if (hits != 1 || cap < 64) return 0;
    int l = 0;
    if (ida->len == 1 && ida->p[0] == '$') {
        buf[l++] = '$';
    } else {
        struct sid id;
        if (!parse_id(ida, &id, 0, 1, NULL)) return 0;
        l += ull_to_str(buf + l, id.ms);
        buf[l++] = '-';
        l += ull_to_str(buf + l, id.seq);
    }
    buf[l++] = ' ';
    l += ll_to_str(buf + l, count);
    return l;
}

static void xread_view_image(const struct kv *o, const char *spec, size_t len, struct buf *out) {
    const char *sp = memchr(spec, ' ', len);
    struct sid after;
    long long count;
    if (kv_type(o) != OBJ_STREAM || !sp || !str_to_ll(sp + 1, len - (size_t)(sp - spec) - 1, &count)) {
        kv_serialize(o, out);
        return;
    }
    const struct stream *s = kv_ptr(o);
    struct arg ida = {spec, (size_t)(sp - spec)};
    if (ida.len == 1 && spec[0] == '$')
        after = s->last_id;
    else if (!parse_id(&ida, &after, 0, 1, NULL)) {
        kv_serialize(o, out);
        return;
    }
    /* kv_serialize's header (type, encoding, no TTL needed by a reader) */
    unsigned char hdr[10] = {OBJ_STREAM, ENC_STREAM};
    long long e = kv_expire(o);
    memcpy(hdr + 2, &e, 8);
    buf_put(out, hdr, sizeof(hdr));
    stream_serialize_view(s, &after, count, out);
}

static const struct coord_view xread_view = {"xread", xread_view_spec, xread_view_image};

static int is_stream_wait(const struct command *cmd) {
    return cmd->proc == xread_command || cmd->proc == xreadgroup_command;
}

static int stream_last_id(struct db *db, const char *key, size_t len, uint64_t sig[3]) {
    struct kv *o = db_find(db, key, len, 0);
    if (!o || kv_type(o) != OBJ_STREAM) return 0;
    const struct stream *s = kv_ptr(o);
    sig[0] = s->last_id.ms;
    sig[1] = s->last_id.seq;
    sig[2] = s->groups_gen;
    return 1;
}

static const struct blk_stream_hooks stream_hooks = {
    .is_stream_cmd = is_stream_wait,
    .ready = stream_wait_ready,
    .argv_for_key = stream_argv_for_key,
    .last_id = stream_last_id,
};

__attribute__((constructor)) static void register_stream(void) {
    type_register(OBJ_STREAM, &stream_ops);
    g_blk_stream = &stream_hooks;
    coord_register_view(&xread_view);
}

/* ---- XGROUP ---- */

void xgroup_help_command(struct client *c) {
    static const char *const lines[] = {"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                                        "CREATE <key> <groupname> <id|$> [option]",
                                        "    Create a new consumer group. Options are:",
                                        "    * MKSTREAM",
                                        "      Create the empty stream if it does not exist.",
                                        "    * ENTRIESREAD entries_read",
                                        "      Set the group's entries_read counter (internal use).",
                                        "CREATECONSUMER <key> <groupname> <consumer>",
                                        "    Create a new consumer in the specified group.",
                                        "DELCONSUMER <key> <groupname> <consumer>",
                                        "    Remove the specified consumer.",
                                        "DESTROY <key> <groupname>",
                                        "    Remove the specified group.",
                                        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                                        "    Set the current group ID and entries_read counter.",
                                        "HELP",
                                        "    Prints this help.",
                                        NULL};
    reply_help(c->out, lines);
}

static void sub_syntax(struct client *c) {
    reply_errf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try XGROUP HELP.",
               (int)c->argv[1].len, c->argv[1].p);
}

/* The stream and group an XGROUP subcommand works on, with Redis's errors
 * (need_group: SETID, CREATECONSUMER, DELCONSUMER). */
static int xgroup_target(struct client *c, int mkstream, int need_group, struct stream **sp,
                         struct sgroup **gp) {
    int bad;
    struct stream *s = get_stream(c, &c->argv[2], &bad);
    if (bad) return 0;
    *sp = s;
    *gp = NULL;
    if (mkstream) return 1;
    if (!s) {
        reply_err(
            c,
            "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
            "the MKSTREAM option to create an empty stream automatically.");
        return 0;
    }
    *gp = stream_group_find(s, c->argv[3].p, c->argv[3].len);
    if (!*gp && need_group) {
        reply_errf(c, "NOGROUP No such consumer group '%.*s' for key name '%.*s'", (int)c->argv[3].len,
                   c->argv[3].p, (int)c->argv[2].len, c->argv[2].p);
        return 0;
    }
    return 1;
}

/* [ENTRIESREAD n] (and MKSTREAM for CREATE) from argv[5]. */
static int parse_entries_read(struct client *c, int create, int *mkstream, long long *er) {
    *er = SCG_INVALID;
    for (int i = 5; i < c->argc;) {
        if (create && ARG_IS(c->argv[i], "mkstream")) {
            *mkstream = 1;
            i++;
        } else if (ARG_IS(c->argv[i], "entriesread") && i + 1 < c->argc) {
            if (!arg_ll(c, &c->argv[i + 1], er)) return 0;
            if (*er < 0 && *er != SCG_INVALID) {
                reply_err(c, "ERR value for ENTRIESREAD must be positive or -1");
                return 0;
            }
            i += 2;
        } else {
            sub_syntax(c);
            return 0;
        }
    }
    return 1;
}

void xgroup_create_command(struct client *c) {
    int mk = 0;
    long long er;
    if (c->argc > 8) {
        sub_syntax(c);
        return;
    }
    if (!parse_entries_read(c, 1, &mk, &er)) return;
    struct stream *s;
    struct sgroup *g;
    if (!xgroup_target(c, mk, 0, &s, &g)) return;
    struct sid id;
    if (c->argv[4].len == 1 && c->argv[4].p[0] == '$') {
        id = s ? s->last_id : SID_MIN;
    } else if (!parse_id_or_reply(c, &c->argv[4], &id, 0, 1, NULL)) {
        return;
    }
    if (!s) s = create_stream(c, &c->argv[2]);
    if (!stream_group_add(s, c->argv[3].p, c->argv[3].len, &id, er)) {
        reply_err(c, "BUSYGROUP Consumer Group name already exists");
        return;
    }
    reply_ok(c->out);
    NOTIFY(c, NOTIFY_STREAM, "xgroup-create", &c->argv[2]);
}

void xgroup_setid_command(struct client *c) {
    int mk = 0;
    long long er;
    if (c->argc != 5 && c->argc != 7) {
        sub_syntax(c);
        return;
    }
    if (!parse_entries_read(c, 0, &mk, &er)) return;
    struct stream *s;
    struct sgroup *g;
    if (!xgroup_target(c, 0, 1, &s, &g)) return;
    struct sid id;
    if (c->argv[4].len == 1 && c->argv[4].p[0] == '$')
        id = s->last_id;
    else if (!parse_id_or_reply(c, &c->argv[4], &id, 0, 0, NULL))
        return;
    g->last_id = id;
    g->entries_read = er;
    reply_ok(c->out);
    NOTIFY(c, NOTIFY_STREAM, "xgroup-setid", &c->argv[2]);
}

void xgroup_destroy_command(struct client *c) {
    struct stream *s;
    struct sgroup *g;
    if (!xgroup_target(c, 0, 0, &s, &g)) return;
    if (!g) {
        reply_int(c->out, 0);
        return;
    }
    stream_group_del(s, c->argv[3].p, c->argv[3].len);
    reply_int(c->out, 1);
    /* the event also wakes its blocked readers (with NOGROUP) */
    NOTIFY(c, NOTIFY_STREAM, "xgroup-destroy", &c->argv[2]);
}

void xgroup_createconsumer_command(struct client *c) {
    struct stream *s;
    struct sgroup *g;
    if (!xgroup_target(c, 0, 1, &s, &g)) return;
    struct sconsumer *cn = group_consumer_add(g, c->argv[4].p, c->argv[4].len, now_ms());
    if (cn) NOTIFY(c, NOTIFY_STREAM, "xgroup-createconsumer", &c->argv[2]);
    reply_int(c->out, cn ? 1 : 0);
}

void xgroup_delconsumer_command(struct client *c) {
    struct stream *s;
    struct sgroup *g;
    if (!xgroup_target(c, 0, 1, &s, &g)) return;
    struct sconsumer *cn = group_consumer_find(g, c->argv[4].p, c->argv[4].len);
    long long pending = 0;
    if (cn) {
        pending = group_consumer_del(g, cn);
        NOTIFY(c, NOTIFY_STREAM, "xgroup-delconsumer", &c->argv[2]);
    }
    reply_int(c->out, pending);
}

/* ---- XACK / XPENDING ---- */

void xack_command(struct client *c) {
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    struct sgroup *g = s ? stream_group_find(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        reply_int(c->out, 0);
        return;
    }
    int n = c->argc - 3;
    struct sid small[16], *ids = parse_ids(c, 3, small, 16);
    if (!ids) return;
    long long acked = 0;
    for (int j = 0; j < n; j++) acked += group_pel_ack(g, &ids[j]);
    if (acked) lock_key_changed(c->sh, c->db->id, c->argv[1].p, c->argv[1].len);
    reply_int(c->out, acked);
    if (ids != small) free(ids);
}

static void nogroup(struct client *c, const struct arg *key, const struct arg *group) {
    reply_errf(c, "NOGROUP No such key '%.*s' or consumer group '%.*s'", (int)key->len, key->p,
               (int)group->len, group->p);
}

void xpending_command(struct client *c) {
    int justinfo = c->argc == 3;
    struct sid start = SID_MIN, end = SID_MAX;
    long long count = 0, minidle = 0;
    const struct arg *cname = NULL;
    if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (c->argc >= 6) {
        int si = 3, sx, ex;
        if (ARG_IS(c->argv[3], "idle")) {
            if (!arg_ll(c, &c->argv[4], &minidle)) return;
            if (c->argc < 8) {
                reply_err(c, ERR_SYNTAX);
                return;
            }
            si += 2;
        }
        if (!arg_ll(c, &c->argv[si + 2], &count)) return;
        if (count < 0) count = 0;
        if (!parse_interval(c, &c->argv[si], &start, &sx, 0)) return;
        if (sx && !sid_incr(&start)) {
            reply_err(c, "ERR invalid start ID for the interval");
            return;
        }
        if (!parse_interval(c, &c->argv[si + 1], &end, &ex, UINT64_MAX)) return;
        if (ex && !sid_decr(&end)) {
            reply_err(c, "ERR invalid end ID for the interval");
            return;
        }
        if (si + 3 < c->argc) cname = &c->argv[si + 3];
    }
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    struct sgroup *g = s ? stream_group_find(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        nogroup(c, &c->argv[1], &c->argv[2]);
        return;
    }
    struct idm_pos pos;
    if (justinfo) {
        reply_array(c->out, 4);
        reply_int(c->out, (long long)idm_count(&g->pel));
        if (!idm_count(&g->pel)) {
            reply_null(c->out, c->resp);
            reply_null(c->out, c->resp);
            reply_null_array(c->out, c->resp);
            return;
        }
        idm_first(&g->pel, &pos);
        reply_id(c->out, idm_key(&g->pel, &pos));
        idm_last(&g->pel, &pos);
        reply_id(c->out, idm_key(&g->pel, &pos));
        int n = 0;
        for (int i = 0; i < g->ncons; i++) n += idm_count(&g->cons[i]->pel) != 0;
        reply_array(c->out, n);
        for (int i = 0; i < g->ncons; i++) {
            const struct sconsumer *cn = g->cons[i];
            if (!idm_count(&cn->pel)) continue;
            reply_array(c->out, 2);
            reply_bulk(c->out, cn->name, cn->nlen);
            reply_bulk_ll(c->out, (long long)idm_count(&cn->pel));
        }
        return;
    }
    const struct idmap *pel = &g->pel;
    if (cname) {
        struct sconsumer *cn = group_consumer_find(g, cname->p, cname->len);
        if (!cn) {
            reply_array(c->out, 0);
            return;
        }
        pel = &cn->pel;
    }
    long long now = now_ms(), n = 0;
    size_t at = defer_begin(c->out);
    int more = idm_seek_ge(pel, &start, &pos);
    while (count && more && sid_cmp(idm_key(pel, &pos), &end) <= 0) {
        const struct snack *k = idm_val(pel, &pos);
        const struct sid *id = idm_key(pel, &pos);
        more = idm_next(pel, &pos);
        if (minidle && now - k->delivery_time < minidle) continue;
        n++;
        count--;
        reply_array(c->out, 4);
        reply_id(c->out, id);
        reply_bulk(c->out, k->consumer->name, k->consumer->nlen);
        long long el = now - k->delivery_time;
        reply_int(c->out, el < 0 ? 0 : el);
        reply_int(c->out, (long long)k->delivery_count);
    }
    defer_end(c->out, at, '*', n);
}

/* ---- XCLAIM / XAUTOCLAIM ---- */

static int ll_or_reply(struct client *c, const struct arg *a, long long *v, const char *msg) {
    if (str_to_ll(a->p, a->len, v)) return 1;
    reply_errf(c, "ERR %s", msg);
    return 0;
}

void xclaim_command(struct client *c) {
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    struct sgroup *g = s ? stream_group_find(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        nogroup(c, &c->argv[1], &c->argv[2]);
        return;
    }
    long long minidle, retrycount = -1, dtime = -1;
    int force = 0, justid = 0;
    if (!ll_or_reply(c, &c->argv[4], &minidle, "Invalid min-idle-time argument for XCLAIM")) return;
    if (minidle < 0) minidle = 0;
    int j;
    for (j = 5; j < c->argc; j++) {
        struct sid tmp;
        if (!parse_id(&c->argv[j], &tmp, 0, 1, NULL)) break;
    }
    int last_id_arg = j - 1;
    long long now = now_ms();
    struct sid lastid = SID_MIN;
    for (; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        const struct arg *o = &c->argv[j];
        if (ARG_IS(*o, "force")) {
            force = 1;
        } else if (ARG_IS(*o, "justid")) {
            justid = 1;
        } else if (ARG_IS(*o, "idle") && more) {
            j++;
            if (!ll_or_reply(c, &c->argv[j], &dtime, "Invalid IDLE option argument for XCLAIM")) return;
            dtime = now - dtime;
        } else if (ARG_IS(*o, "time") && more) {
            j++;
            if (!ll_or_reply(c, &c->argv[j], &dtime, "Invalid TIME option argument for XCLAIM")) return;
        } else if (ARG_IS(*o, "retrycount") && more) {
            j++;
            if (!ll_or_reply(c, &c->argv[j], &retrycount, "Invalid RETRYCOUNT option argument for XCLAIM"))
                return;
        } else if (ARG_IS(*o, "lastid") && more) {
            j++;
            if (!parse_id_or_reply(c, &c->argv[j], &lastid, 0, 1, NULL)) return;
        } else {
            reply_errf(c, "ERR Unrecognized XCLAIM option '%.*s'", (int)o->len, o->p);
            return;
        }
    }
    int changed = 0;
    if (sid_cmp(&lastid, &g->last_id) > 0) {
        g->last_id = lastid;
        changed = 1;
    }
    if (dtime != -1) {
        if (dtime < 0 || dtime > now) dtime = now;
    } else {
        dtime = now;
    }
    struct sconsumer *cn = NULL;
    size_t at = defer_begin(c->out);
    long long n = 0;
    for (j = 5; j <= last_id_arg; j++) {
        struct sid id;
        parse_id(&c->argv[j], &id, 0, 1, NULL);
        struct snack *k = idm_get(&g->pel, &id);
        if (!stream_has(s, &id)) {
            if (k) {
                group_pel_ack(g, &id);
                changed = 1;
            }
            continue;
        }
        int fresh = 0;
        if (force && !k) fresh = 1;
        if (!k && !fresh) continue;
        if (k && minidle && now - k->delivery_time < minidle) continue;
        if (!cn) cn = consumer_get(c, g, &c->argv[1], &c->argv[3], now);
        if (fresh) {
            k = group_pel_add(g, cn, &id, dtime);
        } else {
            group_pel_move(g, &id, k, cn);
        }
        k->delivery_time = dtime;
        if (retrycount >= 0)
            k->delivery_count = (uint64_t)retrycount;
        else if (!justid)
            k->delivery_count++;
        if (justid)
            reply_id(c->out, &id);
        else if (!reply_one(c->out, s, &id))
            reply_null(c->out, c->resp);
        n++;
        changed = 1;
    }
    defer_end(c->out, at, '*', n);
    if (changed) lock_key_changed(c->sh, c->db->id, c->argv[1].p, c->argv[1].len);
}

void xautoclaim_command(struct client *c) {
    long long minidle, count = 100;
    int justid = 0, sx;
    struct sid start;
    if (!ll_or_reply(c, &c->argv[4], &minidle, "Invalid min-idle-time argument for XAUTOCLAIM")) return;
    if (minidle < 0) minidle = 0;
    if (!parse_interval(c, &c->argv[5], &start, &sx, 0)) return;
    if (sx && !sid_incr(&start)) {
        reply_err(c, "ERR invalid start ID for the interval");
        return;
    }
    for (int j = 6; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (ARG_IS(c->argv[j], "count") && more) {
            long long v;
            if (!str_to_ll(c->argv[j + 1].p, c->argv[j + 1].len, &v) || v < 1 || v > LONG_MAX / 16) {
                reply_err(c, "ERR COUNT must be > 0");
                return;
            }
            count = v;
            j++;
        } else if (ARG_IS(c->argv[j], "justid")) {
            justid = 1;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    int bad;
    struct stream *s = get_stream(c, &c->argv[1], &bad);
    if (bad) return;
    struct sgroup *g = s ? stream_group_find(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        nogroup(c, &c->argv[1], &c->argv[2]);
        return;
    }
    long long attempts = count * 10, now = now_ms(), n = 0;
    struct sconsumer *cn = NULL;
    struct buf body = {0};
    struct sid *deleted = malloc(sizeof(*deleted) * (size_t)(count < 1024 ? count : 1024));
    long long ndel = 0, capdel = count < 1024 ? count : 1024;
    if (!deleted) abort();
    struct sid cur = start;
    struct idm_pos pos;
    int have = idm_seek_ge(&g->pel, &cur, &pos), changed = 0;
    while (attempts-- && count && have) {
        struct sid id = *idm_key(&g->pel, &pos);
        struct snack *k = idm_val(&g->pel, &pos);
        if (!stream_has(s, &id)) {
            group_pel_ack(g, &id);
            changed = 1;
            if (ndel == capdel) {
                capdel *= 2;
                deleted = realloc(deleted, sizeof(*deleted) * (size_t)capdel);
                if (!deleted) abort();
            }
            deleted[ndel++] = id;
            count--;
            have = idm_seek_ge(&g->pel, &id, &pos);
            continue;
        }
        if (minidle && now - k->delivery_time < minidle) {
            have = idm_next(&g->pel, &pos);
            continue;
        }
        if (!cn) cn = consumer_get(c, g, &c->argv[1], &c->argv[3], now);
        group_pel_move(g, &id, k, cn);
        k->delivery_time = now;
        if (!justid) k->delivery_count++;
        if (justid)
            reply_id(&body, &id);
        else if (!reply_one(&body, s, &id))
            reply_null(&body, c->resp);
        n++;
        count--;
        changed = 1;
        /* moving between consumers leaves the group's list as it was */
        have = idm_seek_ge(&g->pel, &id, &pos) && idm_next(&g->pel, &pos);
    }
    struct sid endid = have ? *idm_key(&g->pel, &pos) : SID_MIN;
    reply_array(c->out, 3);
    reply_id(c->out, &endid);
    reply_array(c->out, n);
    buf_put(c->out, body.p, body.len);
    reply_array(c->out, ndel);
    for (long long i = 0; i < ndel; i++) reply_id(c->out, &deleted[i]);
    buf_free(&body);
    free(deleted);
    if (changed) lock_key_changed(c->sh, c->db->id, c->argv[1].p, c->argv[1].len);
}

/* ---- XINFO ---- */

void xinfo_help_command(struct client *c) {
    static const char *const lines[] = {"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                                        "CONSUMERS <key> <groupname>",
                                        "    Show consumers of <groupname>.",
                                        "GROUPS <key>",
                                        "    Show the stream consumer groups.",
                                        "STREAM <key> [FULL [COUNT <count>]",
                                        "    Show information about the stream.",
                                        "HELP",
                                        "    Prints this help.",
                                        NULL};
    reply_help(c->out, lines);
}

static void xinfo_syntax(struct client *c) {
    reply_errf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try XINFO HELP.",
               (int)c->argv[1].len, c->argv[1].p);
}

static struct stream *xinfo_stream_of(struct client *c) {
    int bad;
    struct stream *s = get_stream(c, &c->argv[2], &bad);
    if (bad) return NULL;
    if (!s) reply_err(c, "ERR no such key");
    return s;
}

static void reply_kv_int(struct client *c, const char *k, long long v) {
    reply_bulkc(c->out, k);
    reply_int(c->out, v);
}

static void reply_kv_id(struct client *c, const char *k, const struct sid *id) {
    reply_bulkc(c->out, k);
    reply_id(c->out, id);
}

static void reply_group_counters(struct client *c, const struct stream *s, const struct sgroup *g) {
    reply_bulkc(c->out, "entries-read");
    if (g->entries_read != SCG_INVALID)
        reply_int(c->out, g->entries_read);
    else
        reply_null(c->out, c->resp);
    reply_bulkc(c->out, "lag");
    long long lag = 0;
    int valid = 0;
    if (!s->entries_added) {
        valid = 1;
    } else if (g->entries_read != SCG_INVALID && !stream_range_has_tombstones(s, &g->last_id)) {
        lag = (long long)s->entries_added - g->entries_read;
        valid = 1;
    } else {
        long long er = stream_distance_from_first(s, &g->last_id);
        if (er != SCG_INVALID) {
            lag = (long long)s->entries_added - er;
            valid = 1;
        }
    }
    if (valid)
        reply_int(c->out, lag);
    else
        reply_null(c->out, c->resp);
}

void xinfo_consumers_command(struct client *c) {
    struct stream *s = xinfo_stream_of(c);
    if (!s) return;
    struct sgroup *g = stream_group_find(s, c->argv[3].p, c->argv[3].len);
    if (!g) {
        reply_errf(c, "NOGROUP No such consumer group '%.*s' for key name '%.*s'", (int)c->argv[3].len,
                   c->argv[3].p, (int)c->argv[2].len, c->argv[2].p);
        return;
    }
    long long now = now_ms();
    reply_array(c->out, g->ncons);
    for (int i = 0; i < g->ncons; i++) {
        const struct sconsumer *cn = g->cons[i];
        reply_map(c->out, c->resp, 3);
        reply_bulkc(c->out, "name");
        reply_bulk(c->out, cn->name, cn->nlen);
        reply_kv_int(c, "pending", (long long)idm_count(&cn->pel));
        long long idle = now - cn->seen_time;
        reply_kv_int(c, "idle", idle < 0 ? 0 : idle);
    }
}

void xinfo_groups_command(struct client *c) {
    struct stream *s = xinfo_stream_of(c);
    if (!s) return;
    reply_array(c->out, s->ngroups);
    for (int i = 0; i < s->ngroups; i++) {
        const struct sgroup *g = s->groups[i];
        reply_map(c->out, c->resp, 6);
        reply_bulkc(c->out, "name");
        reply_bulk(c->out, g->name, g->nlen);
        reply_kv_int(c, "consumers", g->ncons);
        reply_kv_int(c, "pending", (long long)idm_count(&g->pel));
        reply_kv_id(c, "last-delivered-id", &g->last_id);
        reply_group_counters(c, s, g);
    }
}

/* Up to count (0: all) pending entries of a PEL: [id, consumer, time,
 * count] for the group's, [id, time, count] for a consumer's. */
static void reply_pel(struct client *c, const struct idmap *pel, long long count, int with_consumer) {
    long long n = (long long)idm_count(pel);
    if (count && n > count) n = count;
    reply_array(c->out, n);
    struct idm_pos pos;
    int more = idm_first(pel, &pos);
    for (long long i = 0; i < n && more; i++, more = idm_next(pel, &pos)) {
        const struct snack *k = idm_val(pel, &pos);
        reply_array(c->out, with_consumer ? 4 : 3);
        reply_id(c->out, idm_key(pel, &pos));
        if (with_consumer) reply_bulk(c->out, k->consumer->name, k->consumer->nlen);
        reply_int(c->out, k->delivery_time);
        reply_int(c->out, (long long)k->delivery_count);
    }
}

void xinfo_stream_command(struct client *c) {
    int full = 0;
    long long count = 10;
    int argc = c->argc - 3;
    const struct arg *argv = c->argv + 3;
    if (argc) {
        if (!ARG_IS(argv[0], "full")) {
            xinfo_syntax(c);
            return;
        }
        if (argc > 1) {
            if (argc != 3 || !ARG_IS(argv[1], "count")) {
                xinfo_syntax(c);
                return;
            }
            if (!arg_ll(c, &argv[2], &count)) return;
            if (count < 0) count = 10;
        }
        full = 1;
    }
    struct stream *s = xinfo_stream_of(c);
    if (!s) return;
    reply_map(c->out, c->resp, full ? 9 : 10);
    reply_kv_int(c, "length", (long long)s->length);
    reply_kv_int(c, "radix-tree-keys", (long long)idm_count(&s->nodes));
    reply_kv_int(c, "radix-tree-nodes", (long long)idm_count(&s->nodes) + 1);
    reply_kv_id(c, "last-generated-id", &s->last_id);
    reply_kv_id(c, "max-deleted-entry-id", &s->max_deleted);
    reply_kv_int(c, "entries-added", (long long)s->entries_added);
    reply_kv_id(c, "recorded-first-entry-id", &s->first_id);
    if (!full) {
        reply_kv_int(c, "groups", s->ngroups);
        reply_bulkc(c->out, "first-entry");
        if (!s->length) {
            reply_null(c->out, c->resp);
            reply_bulkc(c->out, "last-entry");
            reply_null(c->out, c->resp);
            return;
        }
        struct sid e;
        stream_edge(s, 1, &e);
        reply_one(c->out, s, &e);
        reply_bulkc(c->out, "last-entry");
        stream_edge(s, 0, &e);
        reply_one(c->out, s, &e);
        return;
    }
    reply_bulkc(c->out, "entries");
    reply_range(c->out, s, &SID_MIN, &SID_MAX, count, 0);
    reply_bulkc(c->out, "groups");
    reply_array(c->out, s->ngroups);
    for (int i = 0; i < s->ngroups; i++) {
        const struct sgroup *g = s->groups[i];
        reply_map(c->out, c->resp, 7);
        reply_bulkc(c->out, "name");
        reply_bulk(c->out, g->name, g->nlen);
        reply_kv_id(c, "last-delivered-id", &g->last_id);
        reply_group_counters(c, s, g);
        reply_kv_int(c, "pel-count", (long long)idm_count(&g->pel));
        reply_bulkc(c->out, "pending");
        reply_pel(c, &g->pel, count, 1);
        reply_bulkc(c->out, "consumers");
        reply_array(c->out, g->ncons);
        for (int j = 0; j < g->ncons; j++) {
            const struct sconsumer *cn = g->cons[j];
            reply_map(c->out, c->resp, 4);
            reply_bulkc(c->out, "name");
            reply_bulk(c->out, cn->name, cn->nlen);
            reply_kv_int(c, "seen-time", cn->seen_time);
            reply_kv_int(c, "pel-count", (long long)idm_count(&cn->pel));
            reply_bulkc(c->out, "pending");
            reply_pel(c, &cn->pel, count, 0);
        }
    }
}
