/*
 * dump.c - DUMP and RESTORE with redis-server 7.0's payload: the value in
 * RDB form (rdb.h), then the RDB version (2 bytes) and a CRC64 of all
 * before it (8 bytes), so a payload moves between this server and
 * redis-server in both directions.
 */
#include <stdlib.h>
#include <string.h>

#include "../db/lru.h"
#include "../server/cmdutil.h"
#include "../server/commands.h"
#include "rdb.h"
#include "rdbcodec.h"

void dump_command(struct client *c) {
    struct kv *o = lookup_read(c, &c->argv[1]);
    if (!o) {
        reply_null(c->out, c->resp);
        return;
    }
    struct buf b = {0};
    rdb_save_value(&b, o, 1);
    rdb_put_dump_footer(&b);
    reply_bulk(c->out, b.p, b.len);
    buf_free(&b);
}

/* The LRU stamp OBJECT IDLETIME reads back as `idle` seconds (lru.h's
 * lru_idle_secs inverted, its wrap included). */
static unsigned lru_for_idle(long long idle) {
    unsigned now = lru_clock();
    if (idle > LRU_BITS_MASK - 1) idle = LRU_BITS_MASK - 1;
    if ((unsigned long long)idle <= now) return now - (unsigned)idle;
    return LRU_BITS_MASK - ((unsigned)idle - now);
}

/* RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f] */
void restore_command(struct client *c) {
    int replace = 0, absttl = 0;
    long long idle = -1, freq = -1, ttl;
    for (int j = 4; j < c->argc; j++) {
        int more = c->argc - j - 1;
        if (ARG_IS(c->argv[j], "replace")) {
            replace = 1;
        } else if (ARG_IS(c->argv[j], "absttl")) {
            absttl = 1;
        } else if (ARG_IS(c->argv[j], "idletime") && more >= 1 && freq == -1) {
            if (!arg_ll(c, &c->argv[j + 1], &idle)) return;
            if (idle < 0) {
                reply_err(c, "ERR Invalid IDLETIME value, must be >= 0");
                return;
            }
            j++;
        } else if (ARG_IS(c->argv[j], "freq") && more >= 1 && idle == -1) {
            if (!arg_ll(c, &c->argv[j + 1], &freq)) return;
            if (freq < 0 || freq > 255) {
                reply_err(c, "ERR Invalid FREQ value, must be >= 0 and <= 255");
                return;
            }
            j++;
        } else {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    const struct arg *key = &c->argv[1];
    if (!replace && db_find(c->db, key->p, key->len, 0)) {
        reply_err(c, "BUSYKEY Target key name already exists.");
        return;
    }
    if (!arg_ll(c, &c->argv[2], &ttl)) return;
    if (ttl < 0) {
        reply_err(c, "ERR Invalid TTL value, must be >= 0");
        return;
    }
    size_t body;
    if (!rdb_check_dump(c->argv[3].p, c->argv[3].len, &body)) {
        reply_err(c, "ERR DUMP payload version or checksum are wrong");
        return;
    }
    const unsigned char *p = (const unsigned char *)c->argv[3].p, *end = p + body;
    const char *err = NULL;
    struct kv *o = NULL;
    if (p < end) {
        int type = *p++;
        /* deep checks: "yes", or "clients" (every client: no replication yet) */
        o = rdb_load_value(c, type, &p, end, key, c->sh->cfg.sanitize_dump_payload != 0, &err);
    }
    if (!o) {
        reply_err(c, "ERR Bad data format");
        return;
    }
    int deleted = replace && db_delete(c->db, key->p, key->len);
    if (ttl && !absttl) ttl += mstime();
    if (ttl && ttl <= mstime()) {
        /* already expired: nothing is added (an old value is gone) */
        kv_free(o);
        if (deleted) NOTIFY(c, NOTIFY_GENERIC, "del", key);
        reply_ok(c->out);
        return;
    }
    if (ttl) o = kv_with_expire(o, ttl);
    db_add_new(c->db, o);
    /* after the add, which stamps a new key's clock */
    if (freq != -1 && c->sh->lfu.on)
        kv_set_lru(o, (lfu_minutes() << 8) | (unsigned)freq);
    else if (idle != -1 && !c->sh->lfu.on)
        kv_set_lru(o, lru_for_idle(idle));
    NOTIFY(c, NOTIFY_GENERIC, "restore", key);
    reply_ok(c->out);
}
