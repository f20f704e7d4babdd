/*
 * sort.c - SORT and SORT_RO (Redis 7.0's sort.c): sort the elements of a
 * list, set or sorted set numerically or (ALPHA) as byte strings, by the
 * elements themselves or by the values of other keys (BY pattern), take a
 * LIMIT window, fetch other keys' values per element (GET pattern), and reply
 * with the result or STORE it as a list.
 *
 * Patterns name other keys: the first '*' stands for the element ("w_*"),
 * "key->field" reads a hash field, "#" is the element itself, and a pattern
 * without '*' names nothing (BY nosort keeps the native order). In this
 * sharded server a handler sees only the keys of the shard it runs on. A
 * SORT whose patterns are pinned by a {hash tag} to the sorted key's shard
 * ("{s}list" BY "{s}w_*"), or that has none, runs there; any other one
 * (sort_needs_fetch) runs at a coordinator (server/coord.c), which fetches
 * the sorted key and the STORE destination, then every key the patterns
 * name for its elements (sort_pattern_keys), and runs this same code on
 * those copies; so patterns resolve as on a single Redis. (Redis Cluster
 * refuses BY and GET patterns outright.)
 *
 * Elements are copied out of the sorted value first (into one arena), so the
 * value may change (STORE onto itself) while the result is written.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../db/quicklist.h"
#include "../db/skiplist.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "hash.h"
#include "set.h"
#include "sort.h"

static const char *ERR_SCORES = "ERR One or more scores can't be converted into double";
/* ---- the vector to sort ---- */

struct sort_item {
  size_t off, len; /* the element: bytes at off in the arena */
  size_t byoff,
      bylen; /* ALPHA BY: the value compared, at byoff in the by arena */
  int has_by;
  double score;
};

struct sort_vec {
  struct sort_item *v;
  size_t n, cap;
  struct buf arena;   /* element bytes */
  struct buf byarena; /* ALPHA BY values */
};

static void vec_add(void *ctx, const char *p, size_t len) {
  struct sort_vec *sv = ctx;
  if (sv->n == sv->cap) {
    sv->cap = sv->cap ? sv->cap * 2 : 64;
    sv->v = realloc(sv->v, sv->cap * sizeof(*sv->v));
    if (!sv->v)
      abort();
  }
  struct sort_item *it = &sv->v[sv->n++];
  memset(it, 0, sizeof(*it));
  it->off = sv->arena.len;
  it->len = len;
  buf_put(&sv->arena, p, len);
}

static void vec_free(struct sort_vec *sv) {
  free(sv->v);
  buf_free(&sv->arena);
  buf_free(&sv->byarena);
}

static inline const char *item_ele(const struct sort_vec *sv, size_t i) {
  return sv->arena.p + sv->v[i].off;
}

/* ---- loading each type's elements ---- */

/* Add n entries of a list from index `from`, walking backwards if rev. */
static void load_list(struct sort_vec *sv, const struct kv *o, long long from,
                      long long n, int rev) {
  struct quicklist one;
  struct ql_node node;
  const struct quicklist *ql = kv_ptr(o);
  if (kv_enc(o) == ENC_LISTPACK) { /* a one-node view, as list.c reads it */
    node.prev = node.next = NULL;
    node.lp = kv_ptr(o);
    one.count = lp_count(node.lp);
    one.len = one.count ? 1 : 0;
    one.head = one.tail = one.count ? &node : NULL;
    one.fill = 0;
    ql = &one;
  }
  struct ql_pos p;
  char tmp[24];
  if (!ql_seek(ql, from, &p))
    return;
  for (long long i = 0; i < n && p.node; i++) {
    struct lp_entry e;
    ql_get(&p, &e, tmp);
    vec_add(sv, e.s, e.len);
    if (rev)
      ql_prev(&p);
    else
      ql_next(&p);
  }
}

/* Redis 7.0 turns a listpack sorted set into a skiplist for SORT (even
 * SORT_RO); OBJECT ENCODING shows it afterwards, so do the same. */
static void zset_to_skiplist(struct kv *o) {
  lp_t *lp = kv_ptr(o);
  struct zsl *z = zsl_new();
  char mb[24], sb[24];
  for (size_t pos = lp_first(lp); pos != LP_NONE;) {
    struct lp_entry m, s;
    lp_get(lp, pos, &m, mb);
    pos = lp_next(lp, pos);
    lp_get(lp, pos, &s, sb);
    pos = lp_next(lp, pos);
    double score;
    if (s.is_int)
      score = (double)s.v;
    else {
      char txt[64];
      size_t l = s.len < sizeof(txt) - 1 ? s.len : sizeof(txt) - 1;
      memcpy(txt, s.s, l);
      txt[l] = '\0';
      score = strtod(txt, NULL);
    }
    zsl_insert(z, score, m.s, m.len);
  }
  lp_free(lp);
  kv_set_ptr(o, z);
  kv_set_enc(o, ENC_SKIPLIST);
}

/* Add n members of a skiplist zset from rank `from`, walking down if rev. */
static void load_zset(struct sort_vec *sv, const struct kv *o, long long from,
                      long long n, int rev) {
  const struct zsl *z = kv_ptr(o);
  struct zsl_node *x = zsl_by_rank(z, (unsigned long)from);
  for (long long i = 0; i < n && x; i++) {
    vec_add(sv, zsl_ele(x), x->len);
    x = rev ? x->backward : x->level[0].forward;
  }
}

/* Elements of a list or (skiplist) sorted set. */
static long long value_len(const struct kv *o) {
  if (kv_type(o) == OBJ_ZSET)
    return (long long)((struct zsl *)kv_ptr(o))->length;
  if (kv_enc(o) == ENC_LISTPACK)
    return lp_count(kv_ptr(o));
  return (long long)((struct quicklist *)kv_ptr(o))->count;
}

/* ---- patterns ---- */

/* 1 if GET/BY pattern pat would look a key up ("#" and patterns without
 * '*' never do). */
static int pattern_looks_up(const struct arg *pat) {
  if (pat->len == 1 && pat->p[0] == '#')
    return 0;
  return memchr(pat->p, '*', pat->len) != NULL;
}

/* The "key->field" split of a pattern: the field after the first "->"
 * following the '*' at star, or NULL (a trailing "->" is part of the key). */
static const char *pattern_field(const struct arg *pat, const char *star) {
    const char *end = pat->p + pat->len;
    for (const char *q = star + 1; q + 1 < end; q++) {
        if (q[0] == '-' && q[1] == '>') return q + 2 < end ? q + 2 : NULL;
    }
    return NULL;
}

/* The key name pattern pat gives element ele, into key. */
static void pattern_key(const struct arg *pat, const char *star, const char *field, const char *ele,
                        size_t elen, struct buf *key) {
    const char *post_end = field ? field - 2 : pat->p + pat->len;
    key->len = 0;
    buf_put(key, pat->p, (size_t)(star - pat->p));
    buf_put(key, ele, elen);
    buf_put(key, star + 1, (size_t)(post_end - (star + 1)));
}

/* The value pattern pat names for element ele (Redis's lookupKeyByPattern):
 * returns 1 with *v and *vlen set to it, or 0 if it names no key, or the
 * key is missing, not a string (not a hash for key->field), or lacks the
 * field. *v points into ele, the key's value or tmp (>= 24 bytes) and is
 * valid until the next lookup. `key` is scratch space for the key name. */
static int pattern_value(struct db *db, const struct arg *pat, const char *ele,
                         size_t elen, struct buf *key, char *tmp,
                         const char **v, size_t *vlen) {
  if (pat->len == 1 && pat->p[0] == '#') {
    *v = ele;
    *vlen = elen;
    return 1;
  }
  const char *star = memchr(pat->p, '*', pat->len);
  if (!star)
    return 0;
  const char *end = pat->p + pat->len, *field = pattern_field(pat, star);
  pattern_key(pat, star, field, ele, elen, key);
  struct kv *o = db_find(db, key->p ? key->p : "", key->len, 1);
  if (!o)
    return 0;
  if (field) {
    if (kv_type(o) != OBJ_HASH)
      return 0;
    return hash_field_value(o, field, (size_t)(end - field), v, vlen, tmp);
  }
  if (kv_type(o) != OBJ_STRING)
    return 0;
  *v = kv_str(o, tmp, vlen);
  return 1;
}

/* Parse a sort weight as Redis does (strtod over the whole string, no
 * overflow, no NaN; the empty string is 0). */
static int parse_weight(const char *p, size_t len, double *out) {
  char small[128], *s = len < sizeof(small) ? small : malloc(len + 1);
  if (!s)
    abort();
  memcpy(s, p, len);
  s[len] = '\0';
  char *e;
  errno = 0;
  *out = strtod(s, &e);
  int ok = *e == '\0' && errno != ERANGE && !isnan(*out);
  if (s != small)
    free(s);
  return ok;
}

/* ---- comparing ---- */

struct sort_cmp_ctx {
  const struct sort_vec *sv;
  int desc, alpha, by;
};

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen) {
  int r = memcmp(a, b, alen < blen ? alen : blen);
  if (r)
    return r;
  return alen < blen ? -1 : alen > blen;
}

/* Redis's sortCompare: numbers, ties broken by the elements; ALPHA BY puts
 * missing values first. */
static int sort_cmp(const void *pa, const void *pb, void *arg) {
  const struct sort_cmp_ctx *k = arg;
  const struct sort_item *a = pa, *b = pb;
  const char *ar = k->sv->arena.p, *byr = k->sv->byarena.p;
  int cmp;
  if (!k->alpha) {
    if (a->score > b->score)
      cmp = 1;
    else if (a->score < b->score)
      cmp = -1;
    else
      cmp = cmp_bytes(ar + a->off, a->len, ar + b->off, b->len);
  } else if (k->by) {
    if (!a->has_by || !b->has_by)
      cmp = a->has_by == b->has_by ? 0 : (a->has_by ? 1 : -1);
    else
      cmp = cmp_bytes(byr + a->byoff, a->bylen, byr + b->byoff, b->bylen);
  } else {
    cmp = cmp_bytes(ar + a->off, a->len, ar + b->off, b->len);
  }
  return k->desc ? -cmp : cmp;
}

/* ---- the command ---- */

/* SORT's keys: the sorted key and the last STORE destination (Redis's
 * sortGetKeys, which skips the arguments of LIMIT, GET and BY). */
int sort_keys(const struct arg *argv, int argc, int *pos, int max) {
  int n = 0, store = -1;
  if (argc < 2 || max < 1)
    return 0;
  pos[n++] = 1;
  for (int i = 2; i < argc; i++) {
    if (ARG_IS(argv[i], "limit"))
      i += 2;
    else if (ARG_IS(argv[i], "get") || ARG_IS(argv[i], "by"))
      i += 1;
    else if (ARG_IS(argv[i], "store") && i + 1 < argc)
      store = i + 1;
  }
  if (store > 0 && n < max)
    pos[n++] = store;
  return n;
}

struct sort_opts {
  int desc, alpha, dontsort;
  long long limit_start, limit_count;
  const struct arg *by, *store;
  int *gets; /* argv indexes of the GET patterns */
  int ngets;
};

/* Parse the options after the key; replies the error and returns 0 on a
 * bad one. */
static int parse_opts(struct client *c, int readonly, struct sort_opts *so) {
  for (int j = 2; j < c->argc; j++) {
    const struct arg *a = &c->argv[j];
    int left = c->argc - j - 1;
    if (ARG_IS(*a, "asc")) {
      so->desc = 0;
    } else if (ARG_IS(*a, "desc")) {
      so->desc = 1;
    } else if (ARG_IS(*a, "alpha")) {
      so->alpha = 1;
    } else if (ARG_IS(*a, "limit") && left >= 2) {
      if (!arg_ll(c, &c->argv[j + 1], &so->limit_start) ||
          !arg_ll(c, &c->argv[j + 2], &so->limit_count))
        return 0;
      j += 2;
    } else if (!readonly && ARG_IS(*a, "store") && left >= 1) {
      so->store = &c->argv[++j];
    } else if (ARG_IS(*a, "by") && left >= 1) {
      so->by = &c->argv[++j];
      if (!memchr(so->by->p, '*', so->by->len)) so->dontsort = 1; /* BY nosort: keep the native order */
    } else if (ARG_IS(*a, "get") && left >= 1) {
        so->gets[so->ngets++] = ++j;
    } else {
        reply_err(c, ERR_SYNTAX);
        return 0;
    }
  }
  return 1;
}

/* The result list for STORE: one listpack while it fits one node under
 * list-max-listpack-size, else a quicklist (as list.c keeps lists). */
struct list_out {
  int fill;
  lp_t *lp;
  struct quicklist *ql;
};

static void out_push(struct list_out *lo, const char *s, size_t len) {
  if (lo->ql) {
    ql_push(lo->ql, s, len, 1);
  } else if (ql_allows(lo->fill, lo->lp, len)) {
    lo->lp = lp_append(lo->lp, s, len);
  } else {
    lo->ql = ql_from_lp(lo->fill, lo->lp);
    lo->lp = NULL;
    ql_push(lo->ql, s, len, 1);
  }
}

/* Reply or store items start..end with the GET operations. */
static void sort_output(struct client *c, const struct sort_opts *so,
                        struct sort_vec *sv, long long start, long long end) {
  long long outputlen = (so->ngets ? so->ngets : 1) * (end - start + 1);
  struct buf key = {0};
  char tmp[24];
  const char *v;
  size_t vlen;
  if (!so->store) {
    reply_array(c->out, outputlen);
    for (long long j = start; j <= end; j++) {
      const char *ele = item_ele(sv, (size_t)j);
      size_t elen = sv->v[j].len;
      if (!so->ngets)
        reply_bulk(c->out, ele, elen);
      for (int g = 0; g < so->ngets; g++) {
        if (pattern_value(c->db, &c->argv[so->gets[g]], ele, elen, &key, tmp,
                          &v, &vlen))
          reply_bulk(c->out, v, vlen);
        else
          reply_null(c->out, c->resp);
      }
    }
    buf_free(&key);
    return;
  }
  struct list_out lo = {ql_clamp_fill(c->sh->cfg.list_max_listpack_size),
                        lp_new(), NULL};
  for (long long j = start; j <= end; j++) {
    const char *ele = item_ele(sv, (size_t)j);
    size_t elen = sv->v[j].len;
    if (!so->ngets)
      out_push(&lo, ele, elen);
    for (int g = 0; g < so->ngets; g++) {
      if (pattern_value(c->db, &c->argv[so->gets[g]], ele, elen, &key, tmp, &v,
                        &vlen))
        out_push(&lo, v, vlen);
      else
        out_push(&lo, "", 0);
    }
  }
  buf_free(&key);
  if (outputlen) {
    struct kv *o = lo.ql ? kv_new_ptr(so->store->p, so->store->len, OBJ_LIST,
                                      ENC_QUICKLIST, lo.ql, -1)
                         : kv_new_ptr(so->store->p, so->store->len, OBJ_LIST,
                                      ENC_LISTPACK, lo.lp, -1);
    db_set(c->db, o);
    NOTIFY(c, NOTIFY_LIST, "sortstore", so->store);
  } else {
    if (lo.ql)
      ql_free(lo.ql);
    else
      lp_free(lo.lp);
    if (db_delete(c->db, so->store->p, so->store->len))
      NOTIFY(c, NOTIFY_GENERIC, "del", so->store);
  }
  reply_int(c->out, outputlen);
}

/* Weights for every item: numbers, or the BY values to compare with ALPHA.
 * Returns 0 if a number does not parse. */
static int load_weights(struct client *c, const struct sort_opts *so,
                        struct sort_vec *sv) {
  struct buf key = {0};
  char tmp[24];
  int ok = 1;
  for (size_t j = 0; j < sv->n; j++) {
    struct sort_item *it = &sv->v[j];
    const char *v = item_ele(sv, j);
    size_t vlen = it->len;
    if (so->by && !pattern_value(c->db, so->by, item_ele(sv, j), it->len, &key,
                                 tmp, &v, &vlen))
      continue; /* missing: weight 0, or first under ALPHA */
    if (so->alpha) {
      if (so->by) {
        it->has_by = 1;
        it->byoff = sv->byarena.len;
        it->bylen = vlen;
        buf_put(&sv->byarena, v, vlen);
      }
    } else if (!parse_weight(v, vlen, &it->score)) {
      ok = 0;
    }
  }
  buf_free(&key);
  return ok;
}

static void sort_generic(struct client *c, int readonly) {
  struct sort_opts so = {.limit_count = -1};
  so.gets = malloc(sizeof(int) * (size_t)c->argc);
  if (!so.gets)
    abort();
  struct sort_vec sv = {0};
  if (!parse_opts(c, readonly, &so))
    goto done;

  struct kv *o = db_find(c->db, c->argv[1].p, c->argv[1].len, 1);
  if (o && kv_type(o) != OBJ_LIST && kv_type(o) != OBJ_SET &&
      kv_type(o) != OBJ_ZSET) {
    reply_err(c, ERR_WRONGTYPE);
    goto done;
  }
  /* a set has no order of its own: stored results are sorted */
  if (so.dontsort && o && kv_type(o) == OBJ_SET && so.store) {
    so.dontsort = 0;
    so.alpha = 1;
    so.by = NULL;
  }
  if (o && kv_type(o) == OBJ_ZSET && kv_enc(o) == ENC_LISTPACK)
    zset_to_skiplist(o);

  /* LIMIT, clamped as Redis does */
  long long len = 0;
  if (o && kv_type(o) == OBJ_SET) {
    set_foreach_member(o, vec_add, &sv); /* all of it, in any case */
    len = (long long)sv.n;
  } else if (o) {
    len = value_len(o);
  }
  long long start =
      so.limit_start < 0 ? 0 : (so.limit_start > len ? len : so.limit_start);
  long long count =
      so.limit_count < -1 ? -1 : (so.limit_count > len ? len : so.limit_count);
  long long end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len)
    end = len - 1;

  if (o && kv_type(o) != OBJ_SET) {
    int list = kv_type(o) == OBJ_LIST;
    if (so.dontsort) {
      /* native order (reversed by DESC): load just the window */
      long long n = end >= start ? end - start + 1 : 0;
      if (n) {
        long long from = so.desc ? len - start - 1 : start;
        if (list)
          load_list(&sv, o, from, n, so.desc);
        else
          load_zset(&sv, o, from, n, so.desc);
        end -= start;
        start = 0;
      }
    } else {
      if (list)
        load_list(&sv, o, 0, len, 0);
      else
        load_zset(&sv, o, 0, len, 0);
    }
  }

  int ok = 1;
  if (!so.dontsort) {
    ok = load_weights(c, &so, &sv);
    struct sort_cmp_ctx k = {&sv, so.desc, so.alpha, so.by != NULL};
    if (ok && sv.n > 1)
      qsort_r(sv.v, sv.n, sizeof(*sv.v), sort_cmp, &k);
  }
  if (!ok)
    reply_err(c, ERR_SCORES);
  else
    sort_output(c, &so, &sv, start, end);
done:
  vec_free(&sv);
  free(so.gets);
}

void sort_command(struct client *c) { sort_generic(c, 0); }
void sort_ro_command(struct client *c) { sort_generic(c, 1); }

/* ---- across shards ---- */

/* The shard every key of pattern pat lives on when a {hash tag} before its
 * '*' fixes it, else -1. */
static int pattern_shard(const struct arg *pat) {
    const char *star = memchr(pat->p, '*', pat->len);
    const char *open = memchr(pat->p, '{', (size_t)(star - pat->p));
    if (!open) return -1;
    const char *close = memchr(open + 1, '}', (size_t)(star - open - 1));
    if (!close || close == open + 1) return -1; /* no tag yet: the element may complete it */
    return shard_for_key(open, (size_t)(close - open + 1));
}

/* Visit every BY/GET argument of a SORT that looks keys up. */
#define FOR_LOOKUP_PATTERNS(argv, argc, j)                                                                   \
    for (int j = 2; j + 1 < (argc); j++)                                                                     \
        if (ARG_IS((argv)[j], "limit"))                                                                      \
            j += 2;                                                                                          \
        else if (ARG_IS((argv)[j], "store"))                                                                 \
            j += 1;                                                                                          \
        else if ((ARG_IS((argv)[j], "by") || ARG_IS((argv)[j], "get")) && pattern_looks_up(&(argv)[++j]))

int sort_needs_fetch(const struct arg *argv, int argc) {
    if (g_nshards == 1 || argc < 2) return 0;
    int home = shard_for_key(argv[1].p, argv[1].len);
    FOR_LOOKUP_PATTERNS(argv, argc, j) {
        if (pattern_shard(&argv[j]) != home) return 1;
    }
    return 0;
}

void sort_pattern_keys(struct db *db, const struct arg *argv, int argc,
                       void (*add)(void *ctx, const char *p, size_t len), void *ctx) {
    struct kv *o = argc >= 2 ? db_find(db, argv[1].p, argv[1].len, 1) : NULL;
    if (!o) return;
    struct sort_vec sv = {0};
    int t = kv_type(o);
    if (t == OBJ_SET) {
        set_foreach_member(o, vec_add, &sv);
    } else if (t == OBJ_LIST) {
        load_list(&sv, o, 0, value_len(o), 0);
    } else if (t == OBJ_ZSET) {
        if (kv_enc(o) == ENC_LISTPACK) zset_to_skiplist(o); /* as SORT itself will */
        load_zset(&sv, o, 0, value_len(o), 0);
    }
    struct buf key = {0};
    FOR_LOOKUP_PATTERNS(argv, argc, j) {
        const char *star = memchr(argv[j].p, '*', argv[j].len);
        const char *field = pattern_field(&argv[j], star);
        for (size_t i = 0; i < sv.n; i++) {
            pattern_key(&argv[j], star, field, item_ele(&sv, i), sv.v[i].len, &key);
            add(ctx, key.p ? key.p : "", key.len);
        }
    }
    buf_free(&key);
    vec_free(&sv);
}
