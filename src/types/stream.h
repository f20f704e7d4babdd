/*
 * stream.h - the stream value: entries, consumer groups and their pending
 * lists (streamstore.c), used by the stream commands (stream.c) and, later,
 * by the RDB writer and reader.
 *
 * Entries live in nodes: byte arrays of up to stream-node-max-entries
 * entries / stream-node-max-bytes bytes, indexed by the ID of their first
 * entry (the node's master ID) in an idmap. A node, our own packing:
 *
 *   header: used bytes u32 | last entry offset u32 | count u16 | live u16
 *   master fields: nfields varint, then each field (varint length, bytes)
 *   entries, each:
 *     flags u8 (SE_DELETED, SE_SAME: the fields are the master fields)
 *     ms - master ms (varint)
 *     seq - master seq when ms equals master ms, else seq (varint)
 *     SE_SAME: the values (varint length, bytes each)
 *     else: npairs varint, then field, value, field, value ...
 *
 * An entry with the master's fields stores only its values, and IDs are
 * deltas: two short fields cost about 10 bytes an entry (Redis's listpack
 * about 17). Deleted entries stay in place, flagged, until their node is
 * empty (the node then goes), as in Redis. New entries always go at the
 * end (IDs only grow), so nodes are never split.
 *
 * Groups are kept sorted by name, and so are a group's consumers. A group's
 * pending list (PEL) maps entry IDs to struct snack; each consumer's PEL
 * points at the same snack objects (the group's owns them).
 *
 * Everything runs on the shard that owns the key.
 */
#ifndef TYPES_STREAM_H
#define TYPES_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../db/idmap.h"

struct buf;

#define SE_DELETED 1
#define SE_SAME 2
#define SNODE_HDR 12

/* entries_read when it is unknown (Redis's SCG_INVALID_ENTRIES_READ) */
#define SCG_INVALID (-1LL)

struct sconsumer {
    char *name;
    size_t nlen;
    long long seen_time; /* ms: last interaction */
    struct idmap pel;    /* id -> struct snack (not owned) */
};

struct snack {
    long long delivery_time; /* ms */
    uint64_t delivery_count;
    struct sconsumer *consumer;
};

struct sgroup {
    char *name;
    size_t nlen;
    struct sid last_id;
    long long entries_read;
    struct idmap pel; /* id -> struct snack (owned) */
    struct sconsumer **cons;
    int ncons, capcons;
};

struct stream {
    struct idmap nodes; /* master id -> node bytes */
    uint64_t length;
    struct sid last_id, first_id, max_deleted;
    uint64_t entries_added;
    struct sgroup **groups;
    int ngroups, capgroups;
    uint64_t groups_gen; /* bumped when a group comes or goes (wakes blocked group readers; not saved) */
};

/* One field/value pair source for appends. */
struct sfv {
    const char *p;
    size_t len;
};

struct stream *stream_new(void);
void stream_free(struct stream *s);
struct stream *stream_dup(const struct stream *s);
size_t stream_mem(const struct stream *s);

/* Append an entry with id (> last_id: the caller checked) and npairs
 * field/value pairs (fv[2i], fv[2i+1]). A node holds at most max_entries
 * entries (0: no limit) and max_bytes bytes (0: no limit). Updates length,
 * last_id, entries_added and first_id (when the stream was empty). */
void stream_append(struct stream *s, const struct sid *id, const struct sfv *fv, int npairs,
                   long long max_bytes, long long max_entries);
/* Flag entry id deleted; 1 if it was there. Updates length only. */
int stream_delete(struct stream *s, const struct sid *id);
/* The first (last: 0) live entry's ID into *id; 0 if the stream is empty. */
int stream_edge(const struct stream *s, int first, struct sid *id);

/* Trim: maxlen mode (minid NULL) keeps the last maxlen entries, minid mode
 * drops entries below *minid. approx: whole nodes only, at most `limit`
 * entries (0: no limit). Returns the entries removed and updates
 * first_id. */
long long stream_trim(struct stream *s, long long maxlen, const struct sid *minid, int approx,
                      long long limit);

/* ---- reading ---- */

/* An entry's fields and values, in order. */
struct sfield_it {
    const unsigned char *mf; /* master fields (SE_SAME) */
    const unsigned char *p;
    int left, same;
};
int sfield_next(struct sfield_it *it, const char **f, size_t *fl, const char **v, size_t *vl);

struct stream_it {
    const struct stream *s;
    struct sid start, end;
    int rev;
    int have_node;
    struct idm_pos pos;
    const unsigned char *node;
    struct sid master;
    size_t off; /* forward: next entry offset in node */
    uint32_t *offs;
    int noffs, capoffs, idx; /* reverse: entry offsets of the node */
    /* the current entry */
    struct sid id;
    int npairs;
    struct sfield_it fields;
};
/* Entries from start to end inclusive (rev: from end down to start). */
void stream_it_start(struct stream_it *it, const struct stream *s, const struct sid *start,
                     const struct sid *end, int rev);
/* The next live entry in range into it->id / it->fields; 0 at the end. */
int stream_it_next(struct stream_it *it);
void stream_it_stop(struct stream_it *it);
/* Is entry id present (and not deleted)? */
int stream_has(const struct stream *s, const struct sid *id);

/* Redis 7.0's counters for consumer-group lag (entries_read estimates). */
long long stream_distance_from_first(const struct stream *s, const struct sid *id);
int stream_range_has_tombstones(const struct stream *s, const struct sid *start);

/* ---- groups and consumers ---- */

struct sgroup *stream_group_find(const struct stream *s, const char *name, size_t len);
/* A new group; NULL if one of that name exists. */
struct sgroup *stream_group_add(struct stream *s, const char *name, size_t len, const struct sid *last_id,
                                long long entries_read);
int stream_group_del(struct stream *s, const char *name, size_t len);
struct sconsumer *group_consumer_find(const struct sgroup *g, const char *name, size_t len);
struct sconsumer *group_consumer_add(struct sgroup *g, const char *name, size_t len, long long now);
/* Delete consumer c and its pending entries; returns how many it had. */
long long group_consumer_del(struct sgroup *g, struct sconsumer *c);
/* A pending entry id delivered to consumer c now (count 1). */
struct snack *group_pel_add(struct sgroup *g, struct sconsumer *c, const struct sid *id, long long now);
/* Acknowledge id: removed from the group's and its consumer's PEL. */
int group_pel_ack(struct sgroup *g, const struct sid *id);
/* Give pending entry id (its snack n) to consumer to. */
void group_pel_move(struct sgroup *g, const struct sid *id, struct snack *n, struct sconsumer *to);

/* ---- a node's entries as stored, deleted ones too (RDB files) ---- */
struct snode_it {
    const unsigned char *n, *mf;
    int mnf;
    size_t off, end;
    struct sid master;
};
void snode_open(const struct stream *s, const struct idm_pos *pos, struct snode_it *it);
/* The node's master field names (sfield_next gives each as f, v unused). */
void snode_master_fields(const struct snode_it *it, const unsigned char **p, int *n);
unsigned snode_count(const struct snode_it *it); /* entries, deleted included */
unsigned snode_live(const struct snode_it *it);
/* The next entry: its ID, flags (SE_DELETED, SE_SAME) and fields; 0 at
 * the end. */
int snode_next(struct snode_it *it, struct sid *id, int *flags, struct sfield_it *f);

/* ---- moving a stream between shards (type_ops) ---- */
void stream_serialize(const struct stream *s, struct buf *b);
struct stream *stream_deserialize(const char *p, size_t len);
/* The image of a part of s (what XREAD after `after` reads, at most count
 * entries, 0: all): its counters and last ID, the nodes holding entries
 * after `after` (up to count of them), no groups. Loads as a stream. */
void stream_serialize_view(const struct stream *s, const struct sid *after, long long count, struct buf *b);

/* ID text: "ms-seq" into buf (>= 42 bytes), returns the length. */
int sid_format(const struct sid *id, char *buf);

#endif
