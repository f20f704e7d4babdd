/*
 * xmsg.c - building, sending and handling cross-shard batches (see xmsg.h).
 *
 * Entries of both kinds share one batch per destination per loop iteration:
 *   REQ:  type u8 | cookie u64 | cmd u32 | db u32 | resp u8 | argc u32 |
 *         argc x (len u64 | bytes)
 *   REQD: the same with the client's socket (fd u32) after the cookie
 *   REP:  type u8 | cookie u64 | len u64 | bytes
 * A request's reply is written straight into the batch going back to its
 * origin, so executing a remote command costs no copy of the reply.
 */
#include "xmsg.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../db/evict.h"
#include "../io/io.h"
#include "../server/conn.h"
#include "../server/dispatch.h"
#include "../server/pubsub.h"
#include "../txn/block.h"
#include "../script/script.h"
#include "../txn/txn.h"
#include "../util/mem.h"
#include "xring.h"

enum { E_REQ = 1, E_REP = 2, E_REQD = 3 };

/* Delegated replies this shard sends itself, collected over one drain and
 * sent when it ends (the body no longer moves then); freed after the last
 * send completes. */
struct dsend_ent {
    struct dsend *d;
    struct shard *sh; /* the shard sending it */
    uint64_t cookie; /* the origin's hole */
    int fd, src;
    size_t off, len, sent;
};

struct dsend {
    struct buf body;
    struct dsend_ent *ents;
    size_t n, cap;
    size_t refs;
};

static struct xmsg *batch_for(struct shard *sh, int dst) {
    struct xmsg *m = sh->batch[dst];
    if (!m) {
        m = calloc(1, sizeof(*m));
        if (!m) abort();
        m->src = sh->id;
        m->dst = dst;
        sh->batch[dst] = m;
    }
    return m;
}

static inline void put_u64(struct buf *b, uint64_t v) { buf_put(b, &v, 8); }
static inline void put_u32(struct buf *b, uint32_t v) { buf_put(b, &v, 4); }

/* Where a new entry for dst goes: its batch, or, while a handler runs for a
 * request of dst (its reply entry open in that batch), the late queue that
 * follows the reply. *n counts the entries. */
static struct buf *entry_out(struct shard *sh, int dst, uint32_t **n) {
    if (dst == sh->open_dst) {
        *n = &sh->late_n;
        return &sh->late;
    }
    struct xmsg *m = batch_for(sh, dst);
    *n = &m->n;
    return &m->body;
}

void xmsg_send_cmd(struct shard *sh, int dst, uint64_t cookie, const struct command *cmd, int dbid, int resp,
                   int argc, const struct arg *argv, int fd) {
    uint32_t *cnt;
    struct buf *b = entry_out(sh, dst, &cnt);
    size_t need = 1 + 8 + 4 + 4 + 4 + 1 + 4;
    for (int i = 0; i < argc; i++) need += 8 + argv[i].len;
    buf_reserve(b, need);
    buf_putc(b, fd >= 0 ? E_REQD : E_REQ);
    put_u64(b, cookie);
    if (fd >= 0) put_u32(b, (uint32_t)fd);
    put_u32(b, (uint32_t)cmd->id);
    put_u32(b, (uint32_t)dbid);
    buf_putc(b, (char)(resp | (sh->whole_act ? XR_WHOLE : 0)));
    put_u32(b, (uint32_t)argc);
    for (int i = 0; i < argc; i++) {
        put_u64(b, argv[i].len);
        buf_put(b, argv[i].p, argv[i].len);
    }
    (*cnt)++;
}

void xmsg_send_reply(struct shard *sh, int dst, uint64_t cookie, const char *p, size_t len) {
    uint32_t *cnt;
    struct buf *b = entry_out(sh, dst, &cnt);
    buf_reserve(b, 17 + len);
    buf_putc(b, E_REP);
    put_u64(b, cookie);
    put_u64(b, len);
    buf_put(b, p, len);
    (*cnt)++;
}

void xmsg_unref(struct xmsg *m) {
    if (--m->refs == 0) {
        if (tl_shard && m->src != tl_shard->id) {
            /* back to the sender's arena at once: its memory figure drops */
            evict_foreign_free(tl_shard, m->src, mem_usable(m->body.p) + mem_usable(m));
            mem_free_foreign(m->body.p);
            mem_free_foreign(m);
            return;
        }
        buf_free(&m->body);
        free(m);
    }
}

static void wake(struct shard *sh, int dst) {
    struct shard *d = g_shards[dst];
    if (atomic_load_explicit(&d->sleeping, memory_order_seq_cst)) {
        atomic_store_explicit(&d->sleeping, 0, memory_order_relaxed);
        io_wake(sh->io, d->ring_fd, IO_TAG(IO_WAKE, 0));
    }
}

void xmsg_flush(struct shard *sh) {
    for (int dst = 0; dst < g_nshards; dst++) {
        struct xmsg *m = sh->batch[dst];
        int pushed = 0;
        /* older batches that found the ring full go first */
        while (sh->backlog_head[dst]) {
            struct xmsg *b = sh->backlog_head[dst], *next = b->next;
            /* once pushed, b belongs to the receiver: read nothing from it */
            if (!xring_push(sh->out[dst], b)) break;
            sh->backlog_head[dst] = next;
            if (!next) sh->backlog_tail[dst] = NULL;
            pushed = 1;
        }
        if (m && m->n == 0) m = NULL; /* its entries went out as delegated sends: reuse it */
        if (m) {
            sh->batch[dst] = NULL;
            m->next = NULL;
            if (!sh->backlog_head[dst] && xring_push(sh->out[dst], m)) {
                pushed = 1;
            } else if (sh->backlog_tail[dst]) {
                sh->backlog_tail[dst]->next = m;
                sh->backlog_tail[dst] = m;
            } else {
                sh->backlog_head[dst] = sh->backlog_tail[dst] = m;
            }
        }
        if (pushed) wake(sh, dst);
    }
}

int xmsg_backlogged(struct shard *sh) {
    for (int dst = 0; dst < g_nshards; dst++)
        if (sh->backlog_head[dst]) return 1;
    return 0;
}

static inline uint64_t get_u64(const char **p) {
    uint64_t v;
    memcpy(&v, *p, 8);
    *p += 8;
    return v;
}

static inline uint32_t get_u32(const char **p) {
    uint32_t v;
    memcpy(&v, *p, 4);
    *p += 4;
    return v;
}

/* A delegated reply of len bytes at p, for the origin's hole `cookie`:
 * keep a copy to send on the client's socket once the drain ends. */
static void dsend_add(struct shard *sh, int src, uint64_t cookie, int fd, const char *p, size_t len) {
    struct dsend *d = sh->dsend;
    if (!d) {
        d = calloc(1, sizeof(*d));
        if (!d) abort();
        sh->dsend = d;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->ents = realloc(d->ents, d->cap * sizeof(*d->ents));
        if (!d->ents) abort();
    }
    struct dsend_ent *e = &d->ents[d->n++];
    *e = (struct dsend_ent){.d = d, .sh = sh, .cookie = cookie, .fd = fd, .src = src, .off = d->body.len, .len = len};
    buf_put(&d->body, p, len);
}

static void dsend_put(struct dsend *d) {
    if (--d->refs == 0) {
        buf_free(&d->body);
        free(d->ents);
        free(d);
    }
}

/* The delegated send is over (sent, or failed: the origin sees the socket
 * fail too). Clear the hole's flag, our last touch of the origin's memory,
 * and tell the origin if it asked to know. */
static void dsend_finish(struct shard *sh, struct dsend_ent *e) {
    struct oseg *hole = XC_PTR(e->cookie);
    if (atomic_exchange_explicit(&hole->deleg, 0, memory_order_acq_rel) & DELEG_WAIT) {
        struct xmsg *out = batch_for(sh, e->src);
        buf_putc(&out->body, E_REP);
        put_u64(&out->body, XC_MAKE(hole, XC_DONE));
        put_u64(&out->body, 0);
        out->n++;
    }
    if (e->d) dsend_put(e->d);
}

/* Send the replies collected in this drain, one send each. */
static void dsend_issue(struct shard *sh) {
    struct dsend *d = sh->dsend;
    if (!d) return;
    sh->dsend = NULL;
    d->refs = d->n + 1; /* held while sending: finishing entries must not free d */
    for (size_t i = 0; i < d->n; i++) {
        struct dsend_ent *e = &d->ents[i];
        if (e->len == 0) {
            dsend_finish(sh, e);
            continue;
        }
        sh->st.writes_processed++;
        io_send(sh->io, e->fd, d->body.p + e->off, e->len, IO_TAG(IO_DSEND, e));
    }
    dsend_put(d);
}

struct shard *xmsg_dsend_owner(const void *ent) { return ((const struct dsend_ent *)ent)->sh; }

void xmsg_dsend_done(void *ent, int res) {
    struct dsend_ent *e = ent;
    struct shard *sh = e->sh;
    if (res > 0) {
        sh->st.net_output_bytes += res;
        e->sent += (size_t)res;
        if (e->sent < e->len) {
            sh->st.writes_processed++;
            io_send(sh->io, e->fd, e->d->body.p + e->off + e->sent, e->len - e->sent, IO_TAG(IO_DSEND, e));
            return;
        }
    }
    dsend_finish(sh, e);
}

static const char *run_request_entry(struct shard *sh, int src, const char *p, int delegated, int replay);

/* Run a request entry, then serve the clients blocked on keys it filled
 * (once its reply entry is complete: serving appends to the batches). */
static const char *run_request(struct shard *sh, int src, const char *p, int delegated, int replay) {
    p = run_request_entry(sh, src, p, delegated, replay);
    if (sh->late.len) {
        /* what the handler sent src follows its reply */
        struct xmsg *m = batch_for(sh, src);
        buf_put(&m->body, sh->late.p, sh->late.len);
        m->n += sh->late_n;
        sh->late.len = 0;
        sh->late_n = 0;
    }
    if (sh->blk_ready) blk_serve(sh);
    return p;
}

/* A parked request's keys are free: run the copy kept of it. */
static void replay_request(struct shard *sh, struct park *pk) {
    const char *q = pk->data;
    int type = *q++;
    run_request(sh, pk->src, q, type == E_REQD, 1);
    dsend_issue(sh);
}

/* Execute one request entry; its reply goes into the batch back to src,
 * or, for a delegated one that is small enough, out on the client's socket.
 * While a transaction holds locks here, a request wanting its keys is
 * parked instead (a copy of the entry, from its type byte) and run again
 * by lock_replay once they are free (`replay`). */
static const char *run_request_entry(struct shard *sh, int src, const char *p, int delegated, int replay) {
    const char *start = p - 1;
    uint64_t cookie = get_u64(&p);
    int fd = delegated ? (int)get_u32(&p) : -1;
    const struct command *cmd = command_by_id((int)get_u32(&p));
    int dbid = (int)get_u32(&p);
    int resp = (unsigned char)*p++;
    int notify_first = resp & XR_NOTIFY_FIRST, pass = resp & XR_WHOLE;
    resp &= ~(XR_NOTIFY_FIRST | XR_WHOLE);
    int argc = (int)get_u32(&p);
    if (sh->argv_cap < (size_t)argc) {
        size_t cap = sh->argv_cap ? sh->argv_cap : 64;
        while (cap < (size_t)argc) cap *= 2;
        sh->argv = realloc(sh->argv, cap * sizeof(struct arg));
        if (!sh->argv) abort();
        sh->argv_cap = cap;
    }
    struct arg *argv = sh->argv;
    for (int i = 0; i < argc; i++) {
        argv[i].len = get_u64(&p);
        argv[i].p = p;
        p += argv[i].len;
    }
    /* (internal commands: __lock takes its locks here, even on an idle shard) */
    if ((sh->lock_live || (cmd->flags & CMD_INTERNAL)) && !replay) {
        struct park *pk;
        if (!txn_admit_request(sh, src, cmd, dbid, argv, argc, pass, (size_t)(p - start), &pk)) {
            memcpy(pk->data, start, pk->len);
            pk->run = replay_request;
            lock_park(sh, pk);
            return p;
        }
    }
    struct xmsg *out = batch_for(sh, src);
    struct buf *b = &out->body;
    size_t entry_at = b->len;
    buf_putc(b, E_REP);
    put_u64(b, cookie);
    size_t len_at = b->len;
    put_u64(b, 0);
    struct client cl = {.sh = sh, .conn = NULL, .db = &sh->dbs[dbid], .dbid = dbid, .resp = resp,
                        .argc = argc, .argv = argv, .out = b, .cmd = cmd,
                        .part = XC_KIND(cookie) != XC_HOLE, .src = (int16_t)src,
                        .noblock = pass != 0}; /* (the body of an EXEC holding every shard) */
    struct blk_out bo = {0};
    cl.blk = &bo;
    if (notify_first) pubsub_watch(sh, NULL, NULL, b);
    sh->open_dst = src;
    exec_command(&cl);
    sh->open_dst = -1;
    if (notify_first) pubsub_unwatch(sh);
    if (bo.bw) {
        /* it waits for data: its reply comes later (block.h) */
        b->len = entry_at;
        blk_park_remote(sh, bo.bw, src, cookie);
        return p;
    }
    if (bo.defer) {
        /* its reply comes later, as an ordinary reply entry (a delegated
         * hole takes it as it takes one too big to send from here) */
        b->len = entry_at;
        bo.defer(sh, bo.defer_arg, src, cookie);
        return p;
    }
    uint64_t len = b->len - len_at - 8;
    if (XC_KIND(cookie) == XC_SINK && !notify_first) {
        /* nobody reads it: no entry, and no message back if that was all */
        b->len = entry_at;
        return p;
    }
    if (fd >= 0 && len <= DELEG_MAX) {
        const char *r = b->p + len_at + 8;
        b->len = entry_at;
        if (!sh->deleg_async) {
            ssize_t w = send(fd, r, len, MSG_DONTWAIT | MSG_NOSIGNAL);
            sh->st.writes_processed++;
            if (w > 0) sh->st.net_output_bytes += w;
            if (w == (ssize_t)len || (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                struct dsend_ent e = {.cookie = cookie, .src = src};
                dsend_finish(sh, &e);
                return p;
            }
            if (w > 0) {
                r += w;
                len -= (uint64_t)w;
            }
        }
        dsend_add(sh, src, cookie, fd, r, len);
        return p;
    }
    memcpy(b->p + len_at, &len, 8);
    out->n++;
    size_t upto = notify_first ? pubsub_notify_ahead(sh, src) : 0;
    if (upto) {
        /* the client's keyspace events go ahead of its reply: take the
         * reply entry off the batch and put it back after them */
        size_t rl = b->len - entry_at;
        char *r = malloc(rl);
        if (!r) abort();
        memcpy(r, b->p + entry_at, rl);
        b->len = entry_at;
        pubsub_notify_send(sh, src, cookie, upto);
        buf_put(&out->body, r, rl); /* out is still this iteration's batch for src */
        free(r);
    }
    return p;
}

static const char *take_reply(struct xmsg *m, const char *p) {
    uint64_t cookie = get_u64(&p);
    uint64_t len = get_u64(&p);
    void *ptr = XC_PTR(cookie);
    switch (XC_KIND(cookie)) {
    case XC_HOLE:
        conn_fill_hole(ptr, (char *)p, len, m);
        break;
    case XC_PART:
        gather_part_done(ptr, p, len);
        break;
    case XC_DONE:
        conn_deleg_done(ptr);
        break;
    case XC_TXN:
        txn_lock_reply(ptr, p, len);
        break;
    case XC_BLK:
        blk_ready_reply(tl_shard, (uint64_t)(uintptr_t)ptr >> 3, m->src);
        break;
    case XC_SCRIPT:
        script_call_reply(ptr, p, len);
        break;
    default:
        break;
    }
    return p + len;
}

int xmsg_drain(struct shard *sh) {
    int handled = 0;
    for (int src = 0; src < g_nshards; src++) {
        if (src == sh->id) continue;
        struct xmsg *m;
        while ((m = xring_pop(sh->in[src]))) {
            handled++;
            m->refs = 1; /* held while we walk it */
            const char *p = m->body.p, *end = m->body.p + m->body.len;
            while (p < end) {
                int type = *p++;
                if (type == E_REP)
                    p = take_reply(m, p);
                else
                    p = run_request(sh, src, p, type == E_REQD, 0);
            }
            xmsg_unref(m);
        }
    }
    dsend_issue(sh);
    return handled;
}

int xmsg_pending(struct shard *sh) {
    for (int src = 0; src < g_nshards; src++)
        if (src != sh->id && xring_ready(sh->in[src])) return 1;
    return 0;
}
