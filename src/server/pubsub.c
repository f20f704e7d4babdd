/*
 * pubsub.c - SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE and their UNSUBSCRIBEs,
 * PUBLISH / SPUBLISH, PUBSUB, and keyspace notifications.
 *
 * Every shard holds three tables (channels, patterns, shard channels) that
 * map a name to the connections *of this shard* subscribed to it; a
 * connection keeps the list of its own subscriptions (struct ps_conn).
 * Nothing here is shared between threads except `ps_live`, one counter per
 * shard that other shards read to skip notifications nobody can receive.
 *
 * PUBLISH and SPUBLISH are R_ALL / C_SUM commands: every shard runs the
 * handler for its own subscribers and the origin adds up the counts, so the
 * reply is exact and comes back in request order through the gather hole.
 * A publisher's messages reach each other shard over that pair's FIFO ring,
 * in publish order. The handler encodes the message once, into the shard's
 * message log (one per protocol: RESP3 subscribers get the same bytes behind
 * a '>' instead of '*'), and each subscriber's send queue refers to those
 * bytes (conn_add_message): consecutive messages a subscriber receives from
 * the log extend one queued run, so a subscriber of a busy channel gets
 * every message since its last send in one segment, copied by nobody. The
 * log is a chain of reference-counted chunks; a chunk is freed once no
 * queue refers to it and the log has moved on.
 *
 * Shard channels live in their own namespace but are otherwise delivered
 * like channels: with every shard holding its own subscribers, routing by
 * the channel's slot would only add a hop (non-cluster Redis has no
 * CROSSSLOT rule for them either).
 */
#include "pubsub.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../log.h"
#include "../shard/xmsg.h"
#include "../util/glob.h"
#include "../util/util.h"
#include "cmdutil.h"
#include "commands.h"
#include "../txn/lock.h"
#include "conn.h"
#include "dispatch.h"

enum { K_CHAN = 0, K_PAT = 1, K_SCHAN = 2, K_N = 3 };

/* Bytes of a message log chunk (a longer message gets a chunk of its own). */
#define LOG_CHUNK (16 * 1024)

struct ps_sub;

/* One channel (or pattern) with subscribers on this shard. */
struct ps_chan {
    struct ps_chan *next; /* bucket chain */
    uint64_t hash;
    struct ps_sub **subs; /* unordered; subs[i]->idx == i */
    uint32_t n, cap;
    size_t len;
    char name[];
};

/* One connection's subscription to one channel. */
struct ps_sub {
    struct ps_chan *ch;
    struct conn *c;
    uint32_t idx;  /* in ch->subs */
    uint32_t cidx; /* in the connection's list */
};

struct ps_table {
    struct ps_chan **b;
    size_t nb, n;
};

/* What a connection is subscribed to, per kind (unordered). */
struct ps_conn {
    struct ps_sub **v[K_N];
    uint32_t n[K_N], cap[K_N];
};

/* A shard's tables, created on the first subscription. */
struct pubsub {
    struct ps_table t[K_N];
    struct buf enc;         /* the message being delivered, RESP2 form */
    struct xmsg *log[2];     /* chunk messages are appended to, RESP2 and RESP3 form */
    const char *enc_at[2];   /* enc in log[i], once a subscriber needed that form */
    struct buf notify_q;    /* notifications for other shards: (u32 len, bytes) x 2 each */
    size_t *notify_sent;    /* [shard]: notify_q bytes already sent there (pubsub_notify_send) */
    struct buf defer;       /* messages for notify_conn held until its reply is complete */
    struct conn **doomed;   /* over the hard output limit: closed after delivery */
    size_t ndoomed, doomed_cap;
};

/* Subscriptions (channels + patterns) per shard, read by other shards. */
static _Atomic long ps_live[MAX_SHARDS];

static const char *const kind_sub[K_N] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const kind_unsub[K_N] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

/* ---- the name tables ---- */

static uint64_t name_hash(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static struct ps_chan *table_find(const struct ps_table *t, const char *p, size_t n, uint64_t h) {
    if (!t->nb) return NULL;
    for (struct ps_chan *ch = t->b[h & (t->nb - 1)]; ch; ch = ch->next)
        if (ch->hash == h && ch->len == n && !memcmp(ch->name, p, n)) return ch;
    return NULL;
}

static void table_grow(struct ps_table *t) {
    size_t nb = t->nb ? t->nb * 2 : 16;
    struct ps_chan **b = calloc(nb, sizeof(*b));
    if (!b) abort();
    for (size_t i = 0; i < t->nb; i++) {
        for (struct ps_chan *ch = t->b[i], *next; ch; ch = next) {
            next = ch->next;
            ch->next = b[ch->hash & (nb - 1)];
            b[ch->hash & (nb - 1)] = ch;
        }
    }
    free(t->b);
    t->b = b;
    t->nb = nb;
}

static struct ps_chan *table_add(struct ps_table *t, const char *p, size_t n, uint64_t h) {
    if (t->n >= t->nb) table_grow(t);
    struct ps_chan *ch = calloc(1, sizeof(*ch) + n + 1);
    if (!ch) abort();
    ch->hash = h;
    ch->len = n;
    memcpy(ch->name, p, n);
    ch->next = t->b[h & (t->nb - 1)];
    t->b[h & (t->nb - 1)] = ch;
    t->n++;
    return ch;
}

static void table_del(struct ps_table *t, struct ps_chan *ch) {
    struct ps_chan **pp = &t->b[ch->hash & (t->nb - 1)];
    while (*pp != ch) pp = &(*pp)->next;
    *pp = ch->next;
    t->n--;
    free(ch->subs);
    free(ch);
}

/* ---- subscribing ---- */

static struct pubsub *shard_ps(struct shard *sh) {
    if (!sh->pubsub) {
        sh->pubsub = calloc(1, sizeof(struct pubsub));
        if (!sh->pubsub) abort();
    }
    return sh->pubsub;
}

static int conn_count(const struct conn *c, int kind) { return c->subs ? (int)c->subs->n[kind] : 0; }

int pubsub_subscribed(const struct conn *c) {
    return c->subs && (c->subs->n[K_CHAN] || c->subs->n[K_PAT] || c->subs->n[K_SCHAN]);
}

void pubsub_counts(const struct conn *c, int *sub, int *psub, int *ssub) {
    *sub = conn_count(c, K_CHAN);
    *psub = conn_count(c, K_PAT);
    *ssub = conn_count(c, K_SCHAN);
}

int pubsub_shard_live(int shard) { return atomic_load_explicit(&ps_live[shard], memory_order_acquire) != 0; }

int pubsub_others_live(int self) {
    for (int d = 0; d < g_nshards; d++)
        if (d != self && pubsub_shard_live(d)) return 1;
    return 0;
}

int pubsub_obuf_class(const struct conn *c) {
    return pubsub_subscribed(c) ? CONFIG_OBUF_PUBSUB : CONFIG_OBUF_NORMAL;
}

/* The count Redis reports after a (un)subscription of this kind: channels
 * and patterns together, shard channels apart. */
static long long reply_count(const struct conn *c, int kind) {
    if (kind == K_SCHAN) return conn_count(c, K_SCHAN);
    return conn_count(c, K_CHAN) + conn_count(c, K_PAT);
}

static void reply_sub_event(struct conn *c, struct buf *out, const char *what, const char *p, size_t n,
                            int kind) {
    reply_push(out, c->resp, 3);
    reply_bulkc(out, what);
    if (p)
        reply_bulk(out, p, n);
    else
        reply_null(out, c->resp);
    reply_int(out, reply_count(c, kind));
}

/* The connection's subscription to name p (of this kind), or NULL. Costs
 * the smaller of the connection's subscription count and the channel's
 * subscriber count, so neither a client with 100,000 channels nor a
 * channel with 100,000 subscribers makes (un)subscribing slow. */
static struct ps_sub *conn_find(const struct conn *c, int kind, const char *p, size_t n) {
    const struct ps_conn *pc = c->subs;
    if (!pc || !pc->n[kind]) return NULL;
    struct ps_chan *ch = table_find(&c->sh->pubsub->t[kind], p, n, name_hash(p, n));
    if (!ch) return NULL;
    if (ch->n <= pc->n[kind]) {
        for (uint32_t i = 0; i < ch->n; i++)
            if (ch->subs[i]->c == c) return ch->subs[i];
    } else {
        for (uint32_t i = 0; i < pc->n[kind]; i++)
            if (pc->v[kind][i]->ch == ch) return pc->v[kind][i];
    }
    return NULL;
}

static void subscribe_one(struct conn *c, int kind, const char *p, size_t n) {
    if (conn_find(c, kind, p, n)) return;
    struct shard *sh = c->sh;
    struct ps_table *t = &shard_ps(sh)->t[kind];
    uint64_t h = name_hash(p, n);
    struct ps_chan *ch = table_find(t, p, n, h);
    if (!ch) ch = table_add(t, p, n, h);
    struct ps_sub *s = malloc(sizeof(*s));
    if (!s) abort();
    s->ch = ch;
    s->c = c;
    if (ch->n == ch->cap) {
        ch->cap = ch->cap ? ch->cap * 2 : 4;
        ch->subs = realloc(ch->subs, sizeof(*ch->subs) * ch->cap);
        if (!ch->subs) abort();
    }
    s->idx = ch->n;
    ch->subs[ch->n++] = s;
    if (!c->subs) {
        c->subs = calloc(1, sizeof(*c->subs));
        if (!c->subs) abort();
    }
    struct ps_conn *pc = c->subs;
    if (pc->n[kind] == pc->cap[kind]) {
        pc->cap[kind] = pc->cap[kind] ? pc->cap[kind] * 2 : 4;
        pc->v[kind] = realloc(pc->v[kind], sizeof(*pc->v[kind]) * pc->cap[kind]);
        if (!pc->v[kind]) abort();
    }
    s->cidx = pc->n[kind];
    pc->v[kind][pc->n[kind]++] = s;
    atomic_fetch_add_explicit(&ps_live[sh->id], 1, memory_order_release);
}

/* Remove subscription s (of this kind) of connection c. */
static void unsubscribe_one(struct conn *c, int kind, struct ps_sub *s) {
    struct ps_conn *pc = c->subs;
    pc->v[kind][s->cidx] = pc->v[kind][--pc->n[kind]];
    pc->v[kind][s->cidx]->cidx = s->cidx;
    struct ps_chan *ch = s->ch;
    ch->subs[s->idx] = ch->subs[--ch->n];
    ch->subs[s->idx]->idx = s->idx;
    if (ch->n == 0) table_del(&c->sh->pubsub->t[kind], ch);
    free(s);
    atomic_fetch_sub_explicit(&ps_live[c->sh->id], 1, memory_order_release);
}

void pubsub_conn_gone(struct conn *c) {
    if (!c->subs) return;
    for (int k = 0; k < K_N; k++) {
        while (c->subs->n[k]) unsubscribe_one(c, k, c->subs->v[k][c->subs->n[k] - 1]);
        free(c->subs->v[k]);
    }
    free(c->subs);
    c->subs = NULL;
}

static void subscribe_generic(struct client *c, int kind) {
    struct conn *k = c->conn;
    if (!k) return;
    for (int i = 1; i < c->argc; i++) {
        subscribe_one(k, kind, c->argv[i].p, c->argv[i].len);
        reply_sub_event(k, c->out, kind_sub[kind], c->argv[i].p, c->argv[i].len, kind);
    }
}

static void unsubscribe_generic(struct client *c, int kind) {
    struct conn *k = c->conn;
    if (!k) return;
    if (c->argc == 1) {
        if (!conn_count(k, kind)) {
            reply_sub_event(k, c->out, kind_unsub[kind], NULL, 0, kind);
            return;
        }
        while (k->subs->n[kind]) {
            struct ps_sub *s = k->subs->v[kind][k->subs->n[kind] - 1];
            size_t n = s->ch->len;
            char *name = malloc(n + 1);
            if (!name) abort();
            memcpy(name, s->ch->name, n);
            unsubscribe_one(k, kind, s);
            reply_sub_event(k, c->out, kind_unsub[kind], name, n, kind);
            free(name);
        }
        return;
    }
    for (int i = 1; i < c->argc; i++) {
        struct ps_sub *s = conn_find(k, kind, c->argv[i].p, c->argv[i].len);
        if (s) unsubscribe_one(k, kind, s);
        reply_sub_event(k, c->out, kind_unsub[kind], c->argv[i].p, c->argv[i].len, kind);
    }
}

void subscribe_command(struct client *c) { subscribe_generic(c, K_CHAN); }
void psubscribe_command(struct client *c) { subscribe_generic(c, K_PAT); }
void ssubscribe_command(struct client *c) { subscribe_generic(c, K_SCHAN); }
void unsubscribe_command(struct client *c) { unsubscribe_generic(c, K_CHAN); }
void punsubscribe_command(struct client *c) { unsubscribe_generic(c, K_PAT); }
void sunsubscribe_command(struct client *c) { unsubscribe_generic(c, K_SCHAN); }

/* ---- delivery ---- */

/* Has the running command started its reply (see struct shard)? */
static int reply_begun(const struct shard *sh) {
    return sh->reply_watch && sh->reply_watch->len > sh->reply_at;
}

void pubsub_watch(struct shard *sh, struct conn *conn, struct oseg *hole, struct buf *reply) {
    sh->notify_conn = conn;
    sh->notify_hole = hole;
    sh->reply_watch = reply;
    sh->reply_at = reply ? reply->len : 0;
    sh->notify_split = SIZE_MAX;
}

void pubsub_unwatch(struct shard *sh) {
    struct conn *c = sh->notify_conn;
    sh->notify_conn = NULL;
    sh->notify_hole = NULL;
    sh->reply_watch = NULL;
    struct pubsub *ps = sh->pubsub;
    if (!c || !ps || !ps->defer.len) return;
    /* what was held back follows the reply */
    if (!c->closing) {
        buf_put(&c->out, ps->defer.p, ps->defer.len);
        conn_want_flush(c);
    }
    ps->defer.len = 0;
    if (ps->defer.cap > 64 * 1024) buf_free(&ps->defer);
}

/* Copy the encoded message (ps->enc) into the log, in RESP3 form if r3;
 * returns where it is. */
static const char *log_append(struct shard *sh, struct pubsub *ps, int r3) {
    struct xmsg *m = ps->log[r3];
    size_t n = ps->enc.len;
    if (m && m->refs == 1) m->body.len = 0; /* no queue refers to any of it */
    if (!m || m->body.cap - m->body.len < n) {
        if (m) xmsg_unref(m);
        m = calloc(1, sizeof(*m));
        if (!m) abort();
        m->refs = 1; /* the log's own, until it moves on to another chunk */
        m->src = m->dst = sh->id;
        buf_reserve(&m->body, n > LOG_CHUNK ? n : LOG_CHUNK);
        ps->log[r3] = m;
    }
    char *p = m->body.p + m->body.len;
    buf_put(&m->body, ps->enc.p, n); /* fits: never moves the chunk */
    if (r3) p[0] = '>';
    return p;
}

/* Queue the encoded message (ps->enc) to one subscriber; to the client of
 * the hole `before` ahead of that hole (see pubsub_notify_send). */
static void deliver(struct pubsub *ps, struct conn *c, struct oseg *before) {
    if (c->closing) return;
    int r3 = c->resp == 3;
    struct shard *sh = c->sh;
    if (c == sh->notify_conn && reply_begun(sh)) {
        /* never inside the reply being written: after it */
        size_t at = ps->defer.len;
        buf_put(&ps->defer, ps->enc.p, ps->enc.len);
        if (r3) ps->defer.p[at] = '>';
        return;
    }
    if (!ps->enc_at[r3]) ps->enc_at[r3] = log_append(sh, ps, r3);
    if (before && before->conn == c)
        conn_add_message_before(c, ps->enc_at[r3], ps->enc.len, ps->log[r3], before);
    else
        conn_add_message(c, ps->enc_at[r3], ps->enc.len, ps->log[r3]);
    if (c == sh->notify_conn) sh->reply_at = c->out.len; /* may have sealed out */
    long long hard = c->sh->cfg.obuf[CONFIG_OBUF_PUBSUB].hard;
    if (hard && conn_output_bytes(c) >= (size_t)hard) {
        /* closing now would change the subscriber lists being walked */
        if (ps->ndoomed == ps->doomed_cap) {
            ps->doomed_cap = ps->doomed_cap ? ps->doomed_cap * 2 : 8;
            ps->doomed = realloc(ps->doomed, sizeof(*ps->doomed) * ps->doomed_cap);
            if (!ps->doomed) abort();
        }
        ps->doomed[ps->ndoomed++] = c;
    }
}

static void enc_message(struct buf *b, const char *kind, const struct arg *pat, const struct arg *ch,
                        const struct arg *msg) {
    b->len = 0;
    reply_array(b, pat ? 4 : 3);
    reply_bulkc(b, kind);
    if (pat) reply_bulk(b, pat->p, pat->len);
    reply_bulk(b, ch->p, ch->len);
    reply_bulk(b, msg->p, msg->len);
}

/* One encoding is delivered. A chunk bigger than usual (one long message)
 * is not appended to again: the log lets go of it, and it is freed after
 * the last send. */
static void end_encoding(struct pubsub *ps) {
    for (int i = 0; i < 2; i++) {
        ps->enc_at[i] = NULL;
        if (ps->log[i] && ps->log[i]->body.cap > LOG_CHUNK) {
            xmsg_unref(ps->log[i]);
            ps->log[i] = NULL;
        }
    }
}

void pubsub_cron(struct shard *sh) {
    struct pubsub *ps = sh->pubsub;
    if (!ps) return;
    for (int i = 0; i < 2; i++)
        if (ps->log[i] && ps->log[i]->refs == 1) {
            xmsg_unref(ps->log[i]);
            ps->log[i] = NULL;
        }
}

/* After a whole publish: close the subscribers that went over the hard
 * limit (closing changes the tables, so never while walking them). A
 * connection may be listed twice (several patterns): closed once, and never
 * looked at after it may have been freed. */
static void close_doomed(struct pubsub *ps) {
    for (size_t i = 0; i < ps->ndoomed; i++) {
        struct conn *c = ps->doomed[i];
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) seen = ps->doomed[j] == c;
        if (seen || c->closing) continue;
        char addr[CONN_ADDR_LEN];
        log_warning("Client id=%lld addr=%s scheduled to be closed ASAP for overcoming of output "
                    "buffer limits.",
                    c->id, conn_addr(c, addr));
        conn_close(c);
    }
    ps->ndoomed = 0;
}

/* Deliver to this shard's subscribers; returns how many received it. */
static long long publish_local(struct shard *sh, int schan, const struct arg *ch, const struct arg *msg,
                               struct oseg *before) {
    struct pubsub *ps = sh->pubsub;
    if (!ps) return 0;
    long long receivers = 0;
    if (schan) {
        struct ps_chan *c = table_find(&ps->t[K_SCHAN], ch->p, ch->len, name_hash(ch->p, ch->len));
        if (c) {
            enc_message(&ps->enc, "smessage", NULL, ch, msg);
            for (uint32_t i = 0; i < c->n; i++) deliver(ps, c->subs[i]->c, before);
            receivers += c->n;
            end_encoding(ps);
        }
        close_doomed(ps);
        return receivers;
    }
    struct ps_chan *c = table_find(&ps->t[K_CHAN], ch->p, ch->len, name_hash(ch->p, ch->len));
    if (c) {
        enc_message(&ps->enc, "message", NULL, ch, msg);
        for (uint32_t i = 0; i < c->n; i++) deliver(ps, c->subs[i]->c, before);
        receivers += c->n;
        end_encoding(ps);
    }
    struct ps_table *t = &ps->t[K_PAT];
    for (size_t b = 0; t->n && b < t->nb; b++) {
        for (struct ps_chan *p = t->b[b]; p; p = p->next) {
            if (!glob_match(p->name, p->len, ch->p, ch->len, 0)) continue;
            struct arg pat = {p->name, p->len};
            enc_message(&ps->enc, "pmessage", &pat, ch, msg);
            for (uint32_t i = 0; i < p->n; i++) deliver(ps, p->subs[i]->c, before);
            receivers += p->n;
            end_encoding(ps);
        }
    }
    close_doomed(ps);
    return receivers;
}

void publish_command(struct client *c) {
    reply_int(c->out, publish_local(c->sh, 0, &c->argv[1], &c->argv[2], NULL));
}

void spublish_command(struct client *c) {
    reply_int(c->out, publish_local(c->sh, 1, &c->argv[1], &c->argv[2], NULL));
}

/* __publish channel message [hole]: a keyspace notification from another
 * shard; with the hole (8 bytes, this shard's own pointer) of the request
 * that caused it, whose client gets it ahead of that request's reply. */
void publish_part_command(struct client *c) {
    struct oseg *before = NULL;
    if (c->argc == 4 && c->argv[3].len == sizeof(uint64_t)) {
        uint64_t cookie;
        memcpy(&cookie, c->argv[3].p, sizeof(cookie));
        /* the request's reply has not come back: its hole or gather lives */
        if (XC_KIND(cookie) == XC_HOLE) before = XC_PTR(cookie);
        else if (XC_KIND(cookie) == XC_PART) before = ((struct gpart *)XC_PTR(cookie))->g->hole;
    }
    reply_int(c->out, publish_local(c->sh, 0, &c->argv[1], &c->argv[2], before));
}

/* ---- keyspace notifications ---- */

_Static_assert(DB_EV_EXPIRED == NOTIFY_EXPIRED && DB_EV_KEYMISS == NOTIFY_KEY_MISS && DB_EV_NEW == NOTIFY_NEW,
               "the database layer's event classes are notify-keyspace-events bits");

/* Deliver here now; queue for the other shards until pubsub_flush (the
 * event may come from a request whose reply is being written into the very
 * batch the notification would go to). */
static void notify_publish(struct shard *sh, const char *chan, size_t clen, const char *msg, size_t mlen) {
    struct arg ch = {chan, clen}, m = {msg, mlen};
    int begun = reply_begun(sh);
    if (atomic_load_explicit(&ps_live[sh->id], memory_order_acquire))
        publish_local(sh, 0, &ch, &m, begun ? NULL : sh->notify_hole);
    if (g_nshards == 1) return;
    struct buf *q = &shard_ps(sh)->notify_q;
    if (begun && sh->notify_split == SIZE_MAX) sh->notify_split = q->len;
    uint32_t l = (uint32_t)clen;
    buf_put(q, &l, 4);
    buf_put(q, chan, clen);
    l = (uint32_t)mlen;
    buf_put(q, &l, 4);
    buf_put(q, msg, mlen);
}

/* Queue entry at *p: channel and message into a[1], a[2]; returns the next. */
static const char *notify_entry(const char *p, struct arg *a) {
    for (int i = 1; i <= 2; i++) {
        uint32_t l;
        memcpy(&l, p, 4);
        a[i].p = p + 4;
        a[i].len = l;
        p += 4 + l;
    }
    return p;
}

static int notify_live(struct shard *sh, int d) {
    return d != sh->id && atomic_load_explicit(&ps_live[d], memory_order_acquire);
}

size_t pubsub_notify_ahead(struct shard *sh, int d) {
    struct pubsub *ps = sh->pubsub;
    if (!ps) return 0;
    size_t end = sh->notify_split != SIZE_MAX ? sh->notify_split : ps->notify_q.len;
    size_t sent = ps->notify_sent ? ps->notify_sent[d] : 0;
    return end > sent && notify_live(sh, d) ? end : 0;
}

void pubsub_notify_send(struct shard *sh, int d, uint64_t cause, size_t upto) {
    struct pubsub *ps = sh->pubsub;
    if (!ps->notify_sent) {
        ps->notify_sent = calloc((size_t)g_nshards, sizeof(size_t));
        if (!ps->notify_sent) abort();
    }
    const struct command *cmd = command_lookup("__publish", 9);
    const char *base = ps->notify_q.p, *p = base + ps->notify_sent[d], *end = base + upto;
    while (p < end) {
        struct arg a[4] = {{"__publish", 9}, {0}, {0}, {(const char *)&cause, sizeof(cause)}};
        p = notify_entry(p, a);
        xmsg_send_cmd(sh, d, XC_MAKE(NULL, XC_SINK), cmd, 0, 2, 4, a, -1);
    }
    ps->notify_sent[d] = upto;
}

void pubsub_flush(struct shard *sh) {
    struct pubsub *ps = sh->pubsub;
    if (!ps || !ps->notify_q.len) return;
    const struct command *cmd = command_lookup("__publish", 9);
    int live[MAX_SHARDS], any = 0;
    for (int d = 0; d < g_nshards; d++) {
        live[d] = notify_live(sh, d);
        any |= live[d];
    }
    const char *base = ps->notify_q.p, *p = base, *end = base + ps->notify_q.len;
    while (any && p < end) {
        struct arg a[3] = {{"__publish", 9}};
        size_t at = (size_t)(p - base);
        p = notify_entry(p, a);
        for (int d = 0; d < g_nshards; d++)
            if (live[d] && (!ps->notify_sent || at >= ps->notify_sent[d]))
                xmsg_send_cmd(sh, d, XC_MAKE(NULL, XC_SINK), cmd, 0, 2, 3, a, -1);
    }
    ps->notify_q.len = 0;
    if (ps->notify_sent) memset(ps->notify_sent, 0, (size_t)g_nshards * sizeof(size_t));
    if (ps->notify_q.cap > 64 * 1024) buf_free(&ps->notify_q);
}

void notify_keyspace_event(int type, const char *event, const char *key, size_t klen, int dbid) {
    struct shard *sh = tl_shard;
    /* every change of a key passes here: its watchers learn of it first */
    if (sh && type != DB_EV_KEYMISS) {
        lock_key_changed(sh, dbid, key, klen);
        /* a change for rdb_changes_since_last_save (a new key's "new" event
         * comes with the one of the command that made it) */
        if (type != NOTIFY_NEW)
            atomic_store_explicit(&sh->dirty, atomic_load_explicit(&sh->dirty, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    }
    int flags = sh ? sh->cfg.notify_keyspace_events : 0;
    if (!(flags & type)) return;
    char small[256];
    size_t elen = strlen(event);
    size_t cap = 32 + (klen > elen ? klen : elen);
    char *chan = cap <= sizeof(small) ? small : malloc(cap);
    if (!chan) abort();
    if (flags & NOTIFY_KEYSPACE) {
        int n = snprintf(chan, cap, "__keyspace@%d__:", dbid);
        memcpy(chan + n, key, klen);
        notify_publish(sh, chan, (size_t)n + klen, event, elen);
    }
    if (flags & NOTIFY_KEYEVENT) {
        int n = snprintf(chan, cap, "__keyevent@%d__:%s", dbid, event);
        notify_publish(sh, chan, (size_t)n, key, klen);
    }
    if (chan != small) free(chan);
}

/* ---- PUBSUB ---- */

/* The elements of a flat array reply of bulks and integers, in place. */
struct elems {
    const char *p, *end;
};

static long long elems_open(struct elems *e, const struct buf *r) {
    long long n = 0;
    e->p = e->end = r->p;
    if (r->len < 4 || r->p[0] != '*') return 0;
    const char *cr = memchr(r->p, '\r', r->len);
    if (!cr) return 0;
    str_to_ll(r->p + 1, (size_t)(cr - r->p - 1), &n);
    e->p = cr + 2;
    e->end = r->p + r->len;
    return n;
}

/* Next element: a bulk (*p, *len) or an integer (*v); 0 at the end. */
static int elems_next(struct elems *e, struct arg *a, long long *v) {
    if (e->p >= e->end) return 0;
    const char *cr = memchr(e->p, '\r', (size_t)(e->end - e->p));
    if (!cr) return 0;
    long long n = 0;
    str_to_ll(e->p + 1, (size_t)(cr - e->p - 1), &n);
    if (e->p[0] == ':') {
        *v = n;
        e->p = cr + 2;
        return 1;
    }
    a->p = cr + 2;
    a->len = (size_t)n;
    e->p = cr + 2 + n + 2;
    return 1;
}

static int arg_cmp(const void *x, const void *y) {
    const struct arg *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int r = memcmp(a->p, b->p, n);
    return r ? r : (a->len > b->len) - (a->len < b->len);
}

/* Every shard's names, each once. The caller frees the array. */
static size_t union_names(struct gather *g, struct arg **out) {
    size_t n = 0, cap = 0;
    struct arg *v = NULL;
    for (int i = 0; i < g_nshards; i++) {
        struct elems e;
        elems_open(&e, &g->parts[i].reply);
        struct arg a;
        long long dummy;
        while (elems_next(&e, &a, &dummy)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                v = realloc(v, sizeof(*v) * cap);
                if (!v) abort();
            }
            v[n++] = a;
        }
    }
    if (n) qsort(v, n, sizeof(*v), arg_cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || arg_cmp(&v[u - 1], &v[i])) v[u++] = v[i];
    *out = v;
    return u;
}

static void list_names(struct client *c, int kind, const struct arg *pat) {
    struct pubsub *ps = c->sh->pubsub;
    const struct ps_table *t = ps ? &ps->t[kind] : NULL;
    struct buf tmp = {0};
    long long n = 0;
    for (size_t b = 0; t && b < t->nb; b++) {
        for (const struct ps_chan *ch = t->b[b]; ch; ch = ch->next) {
            if (pat && !glob_match(pat->p, pat->len, ch->name, ch->len, 0)) continue;
            reply_bulk(&tmp, ch->name, ch->len);
            n++;
        }
    }
    reply_array(c->out, n);
    buf_put(c->out, tmp.p, tmp.len);
    buf_free(&tmp);
}

void pubsub_channels_command(struct client *c) {
    if (c->argc > 3) {
        reply_errf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try PUBSUB HELP.",
                   (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].p);
        return;
    }
    list_names(c, K_CHAN, c->argc == 3 ? &c->argv[2] : NULL);
}

void pubsub_shardchannels_command(struct client *c) {
    if (c->argc > 3) {
        reply_errf(c, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try PUBSUB HELP.",
                   (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].p);
        return;
    }
    list_names(c, K_SCHAN, c->argc == 3 ? &c->argv[2] : NULL);
}

void pubsub_numpat_command(struct client *c) { list_names(c, K_PAT, NULL); }

static void numsub_generic(struct client *c, int kind) {
    struct pubsub *ps = c->sh->pubsub;
    reply_array(c->out, (long long)(c->argc - 2) * 2);
    for (int i = 2; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        const struct ps_chan *ch =
            ps ? table_find(&ps->t[kind], a->p, a->len, name_hash(a->p, a->len)) : NULL;
        reply_bulk(c->out, a->p, a->len);
        reply_int(c->out, ch ? ch->n : 0);
    }
}

void pubsub_numsub_command(struct client *c) { numsub_generic(c, K_CHAN); }
void pubsub_shardnumsub_command(struct client *c) { numsub_generic(c, K_SCHAN); }

/* Combine for CHANNELS / SHARDCHANNELS: the union of names. */
void pubsub_names_combine(struct gather *g, struct buf *out, int resp) {
    for (int i = 0; i < g_nshards; i++) {
        const struct buf *r = &g->parts[i].reply;
        if (r->len && r->p[0] == '-') {
            buf_put(out, r->p, r->len);
            return;
        }
    }
    struct arg *v;
    size_t n = union_names(g, &v);
    reply_array(out, (long long)n);
    for (size_t i = 0; i < n; i++) reply_bulk(out, v[i].p, v[i].len);
    free(v);
}

/* Combine for NUMPAT: patterns subscribed anywhere, each counted once. */
void pubsub_numpat_combine(struct gather *g, struct buf *out, int resp) {
    struct arg *v;
    size_t n = union_names(g, &v);
    reply_int(out, (long long)n);
    free(v);
}

/* Combine for NUMSUB / SHARDNUMSUB: every part lists the same channels in
 * argument order; their counts are added. */
void pubsub_numsub_combine(struct gather *g, struct buf *out, int resp) {
    struct elems e[MAX_SHARDS];
    long long n = 0;
    for (int i = 0; i < g_nshards; i++) n = elems_open(&e[i], &g->parts[i].reply);
    reply_array(out, n);
    for (long long k = 0; k < n / 2; k++) {
        struct arg name = {"", 0}, a;
        long long sum = 0, v;
        for (int i = 0; i < g_nshards; i++) {
            v = 0;
            if (!elems_next(&e[i], &a, &v)) continue;
            if (i == 0) name = a;
            if (elems_next(&e[i], &a, &v)) sum += v;
        }
        reply_bulk(out, name.p, name.len);
        reply_int(out, sum);
    }
}

/* ---- INFO ---- */

void pubsub_info_part(struct shard *sh, struct buf *b) {
    for (int k = 0; k < K_N; k++) {
        const struct ps_table *t = sh->pubsub ? &sh->pubsub->t[k] : NULL;
        uint32_t n = t ? (uint32_t)t->n : 0;
        buf_put(b, &n, 4);
        for (size_t i = 0; t && i < t->nb; i++) {
            for (const struct ps_chan *ch = t->b[i]; ch; ch = ch->next) {
                uint32_t l = (uint32_t)ch->len;
                buf_put(b, &l, 4);
                buf_put(b, ch->name, ch->len);
            }
        }
    }
}

void pubsub_info_distinct(const char *const *parts, const size_t *lens, int nparts, long long out[3]) {
    const char *at[MAX_SHARDS];
    for (int i = 0; i < nparts; i++) at[i] = parts[i];
    for (int k = 0; k < K_N; k++) {
        size_t n = 0, cap = 0;
        struct arg *v = NULL;
        for (int i = 0; i < nparts; i++) {
            if (!at[i]) continue;
            const char *end = parts[i] + lens[i];
            if (at[i] + 4 > end) continue;
            uint32_t cnt, l;
            memcpy(&cnt, at[i], 4);
            at[i] += 4;
            for (uint32_t j = 0; j < cnt && at[i] + 4 <= end; j++) {
                memcpy(&l, at[i], 4);
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    v = realloc(v, sizeof(*v) * cap);
                    if (!v) abort();
                }
                v[n].p = at[i] + 4;
                v[n++].len = l;
                at[i] += 4 + l;
            }
        }
        if (n) qsort(v, n, sizeof(*v), arg_cmp);
        long long u = 0;
        for (size_t i = 0; i < n; i++) u += i == 0 || arg_cmp(&v[i - 1], &v[i]) != 0;
        out[k] = u;
        free(v);
    }
}

void pubsub_help_command(struct client *c) {
    static const char *const lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
        NULL};
    reply_help(c->out, lines);
}
