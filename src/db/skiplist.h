/*
 * skiplist.h - the large sorted-set encoding: a skiplist ordered by (score,
 * member) whose levels carry spans, so rank lookups, rank ranges, score
 * ranges and lex ranges are O(log N), together with an hmap from member to
 * node for O(1) ZSCORE (Redis's zskiplist + dict pair, in one structure).
 *
 * A node is one allocation: the hmap link, the score, the backward pointer,
 * its levels and then the member bytes. The hmap does not own nodes; the
 * skiplist does (zsl_free frees them).
 *
 * Ranks here are 0-based. All functions run on the owning shard only.
 */
#ifndef DB_SKIPLIST_H
#define DB_SKIPLIST_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

#define ZSL_MAXLEVEL 32

struct zsl_node {
    struct hmap_node hn; /* first: the hmap chains through it */
    double score;
    struct zsl_node *backward;
    uint32_t len;
    uint32_t nlevel;
    struct zsl_level {
        struct zsl_node *forward;
        unsigned long span;
    } level[];
    /* member bytes follow level[nlevel] */
};

static inline const char *zsl_ele(const struct zsl_node *n) {
    return (const char *)&n->level[n->nlevel];
}

struct zsl {
    struct zsl_node *header, *tail;
    unsigned long length;
    int level;
    struct hmap dict; /* member -> node */
};

/* A score interval; *ex = 1 makes that end exclusive. */
struct zrange_spec {
    double min, max;
    int minex, maxex;
};

/* A lex interval: kind -1 is "-" (below everything), +1 is "+" (above
 * everything), 0 a string (s, len) with ex = 1 for '(' and 0 for '['. */
struct zlex_bound {
    int kind;
    int ex;
    const char *s;
    size_t len;
};
struct zlex_spec {
    struct zlex_bound min, max;
};

struct zsl *zsl_new(void);
void zsl_free(struct zsl *z);
/* Bytes held by the structure (nodes and buckets). */
size_t zsl_mem_usage(const struct zsl *z);

/* The node of a member, or NULL. */
struct zsl_node *zsl_find(struct zsl *z, const char *ele, size_t len);
/* Insert a member that is not present; returns its node. */
struct zsl_node *zsl_insert(struct zsl *z, double score, const char *ele, size_t len);
/* Remove a member; returns 1 if it was there. */
int zsl_delete(struct zsl *z, const char *ele, size_t len);
/* Change the score of node n (in place when its position does not change). */
void zsl_update_score(struct zsl *z, struct zsl_node *n, double score);

/* 0-based rank of node n. */
unsigned long zsl_rank(const struct zsl *z, const struct zsl_node *n);
/* The node at 0-based rank r, or NULL. */
struct zsl_node *zsl_by_rank(const struct zsl *z, unsigned long r);

/* 1 if value v is above the range minimum / below its maximum. */
int zsl_gte_min(double v, const struct zrange_spec *r);
int zsl_lte_max(double v, const struct zrange_spec *r);
int zsl_lex_gte_min(const char *s, size_t len, const struct zlex_spec *r);
int zsl_lex_lte_max(const char *s, size_t len, const struct zlex_spec *r);
/* 1 if the range can hold nothing whatever the data (min > max ...). */
int zrange_empty(const struct zrange_spec *r);
int zlex_empty(const struct zlex_spec *r);

/* First / last node within a score or lex range, or NULL. */
struct zsl_node *zsl_first_in_range(const struct zsl *z, const struct zrange_spec *r);
struct zsl_node *zsl_last_in_range(const struct zsl *z, const struct zrange_spec *r);
struct zsl_node *zsl_first_in_lex(const struct zsl *z, const struct zlex_spec *r);
struct zsl_node *zsl_last_in_lex(const struct zsl *z, const struct zlex_spec *r);

/* Remove every node in a range; return how many. */
unsigned long zsl_delete_range_by_score(struct zsl *z, const struct zrange_spec *r);
unsigned long zsl_delete_range_by_lex(struct zsl *z, const struct zlex_spec *r);
/* 0-based inclusive ranks start..end (valid, start <= end). */
unsigned long zsl_delete_range_by_rank(struct zsl *z, unsigned long start, unsigned long end);

/* Compare two byte strings like memcmp, shorter first on a common prefix. */
int zsl_cmp_str(const char *a, size_t alen, const char *b, size_t blen);

#endif
