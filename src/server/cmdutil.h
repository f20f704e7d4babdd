/*
 * cmdutil.h - helpers shared by command handlers: argument parsing with
 * Redis's error replies, and typed key lookups.
 */
#ifndef SERVER_CMDUTIL_H
#define SERVER_CMDUTIL_H

#include "../server.h"
#include "../util/util.h"
#include "dispatch.h"
#include "pubsub.h"

/* A keyspace event for key `k` (const struct arg *) in the handler's db. */
#define NOTIFY(c, type, event, k) notify_keyspace_event((type), (event), (k)->p, (k)->len, (c)->db->id)

#define ARG_IS(a, lit) str_ieq((a).p, (a).len, (lit))

/* Parse argv as an integer, replying ERR_NOT_INT on failure. */
static inline int arg_ll(struct client *c, const struct arg *a, long long *v) {
    if (str_to_ll(a->p, a->len, v)) return 1;
    reply_err(c, ERR_NOT_INT);
    return 0;
}

/* Look a key up for reading (touches LRU, counts hit/miss). */
static inline struct kv *lookup_read(struct client *c, const struct arg *key) {
    return db_find(c->db, key->p, key->len, 1);
}

/* Look a key up expecting a given type; replies WRONGTYPE and sets *bad. */
static inline struct kv *lookup_typed(struct client *c, const struct arg *key, int type, int *bad) {
    struct kv *o = db_find(c->db, key->p, key->len, 1);
    *bad = 0;
    if (o && kv_type(o) != type) {
        reply_err(c, ERR_WRONGTYPE);
        *bad = 1;
        return NULL;
    }
    return o;
}

/* The database with index id as this handler sees it (a temporary one when
 * the command runs at a coordinator). NULL if out of range. */
static inline struct db *client_db(struct client *c, int id) {
    if (c->db_for) return c->db_for(c, id);
    if (id < 0 || id >= c->sh->ndb) return NULL;
    return &c->sh->dbs[id];
}

/* Reply "ERR string exceeds maximum allowed size" and return 0 if too long. */
static inline int check_string_length(struct client *c, unsigned long long size) {
    if (size > (unsigned long long)c->sh->cfg.proto_max_bulk_len) {
        reply_err(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return 0;
    }
    return 1;
}

#endif
