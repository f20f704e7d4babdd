/*
 * conn.c - connection lifecycle, input parsing and the ordered send queue.
 *
 * Input: bytes from a provided receive buffer are parsed in place; only a
 * trailing partial command is copied into `c->in`. Output: see conn.h.
 */
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/io.h"
#include "../log.h"
#include "../shard/xmsg.h"
#include "../util/util.h"
#include "dispatch.h"
#include "pubsub.h"

#define MAX_IOV 64

static void fmt_addr(const struct sockaddr_storage *ss, char *dst, size_t cap) {
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
        port = ntohs(a->sin_port);
        snprintf(dst, cap, "%s:%d", ip, port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
        port = ntohs(a->sin6_port);
        snprintf(dst, cap, "%s:%d", ip, port);
    } else {
        snprintf(dst, cap, "?:0");
    }
}

struct conn *conn_new(struct shard *sh, int fd) {
    struct conn *c = calloc(1, sizeof(*c));
    if (!c) abort();
    c->fd = fd;
    c->sh = sh;
    c->id = atomic_fetch_add(&g_next_client_id, 1);
    c->resp = 2;
    c->authenticated = !(sh->cfg.requirepass && sh->cfg.requirepass[0]);
    resp_state_reset(&c->ps);
    c->ctime_ms = c->last_ms = db_now_ms;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) fmt_addr(&ss, c->addr, sizeof(c->addr));
    sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) fmt_addr(&ss, c->laddr, sizeof(c->laddr));
    c->next = sh->conns;
    if (sh->conns) sh->conns->prev = c;
    sh->conns = c;
    sh->nconns++;
    c->recv_armed = 1;
    c->inflight = 1; /* the armed receive */
    io_recv(sh->io, fd, IO_TAG(IO_RECV, c));
    return c;
}

#define SEG_POOL_MAX 4096

static struct oseg *seg_alloc(struct shard *sh) {
    struct oseg *s = sh->seg_pool;
    if (s) {
        sh->seg_pool = s->next;
        sh->seg_pool_n--;
    } else {
        s = malloc(sizeof(*s));
        if (!s) abort();
    }
    memset(s, 0, offsetof(struct oseg, data));
    return s;
}

static void seg_release(struct shard *sh, struct conn *c, struct oseg *s) {
    if (s->ref) {
        xmsg_unref(s->ref);
    } else if (s->owned) {
        /* keep one buffer's capacity around for the next replies */
        if (c && c->out.cap == 0 && s->cap <= 64 * 1024) {
            c->out.p = s->p;
            c->out.cap = s->cap;
            c->out.len = 0;
        } else {
            free(s->p);
        }
    }
    if (sh->seg_pool_n < SEG_POOL_MAX) {
        s->next = sh->seg_pool;
        sh->seg_pool = s;
        sh->seg_pool_n++;
    } else {
        free(s);
    }
}

static void conn_free(struct conn *c) {
    struct shard *sh = c->sh;
    if (c->in_flush) {
        /* still on the shard's flush list: conn_flush frees it */
        c->free_pending = 1;
        return;
    }
    struct oseg *s = c->qh;
    while (s) {
        struct oseg *n = s->next;
        seg_release(sh, NULL, s);
        s = n;
    }
    if (c->prev) c->prev->next = c->next;
    else sh->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    sh->nconns--;
    atomic_fetch_sub(&g_clients, 1);
    buf_free(&c->in);
    buf_free(&c->out);
    free(c->own_spans.v);
    free(c->iov);
    free(c->name);
    free(c->lib_name);
    free(c->lib_ver);
    free(c);
}

void conn_unref(struct conn *c) {
    if (--c->inflight == 0 && c->closing) conn_free(c);
}

void conn_close(struct conn *c) {
    if (c->closing) return;
    c->closing = 1;
    pubsub_conn_gone(c);
    /* Shutting the socket down ends the armed multishot recv and any send,
     * whose completions then drop their references. */
    shutdown(c->fd, SHUT_RDWR);
    close(c->fd);
    c->fd = -1;
    if (c->inflight == 0) conn_free(c);
}

void conn_want_flush(struct conn *c) {
    if (c->in_flush || c->closing) return;
    c->in_flush = 1;
    c->flush_next = c->sh->flush_head;
    c->sh->flush_head = c;
}

static struct oseg *seg_new(struct conn *c) {
    struct oseg *s = seg_alloc(c->sh);
    s->conn = c;
    s->prev = c->qt;
    if (c->qt) c->qt->next = s;
    else c->qh = s;
    c->qt = s;
    return s;
}

static void seg_unlink(struct conn *c, struct oseg *s) {
    if (s->prev) s->prev->next = s->next;
    else c->qh = s->next;
    if (s->next) s->next->prev = s->prev;
    else c->qt = s->prev;
}

/* Largest segment that other replies are merged into (bigger ones stay
 * separate, so large values are not copied twice). */
#define MERGE_MAX (64 * 1024)

/* Can more bytes be appended to s? Not while a send covers it. */
static int seg_can_grow(const struct oseg *s) {
    return s && s->ready && !s->inflight && !s->ref && !s->discard && s->len < MERGE_MAX;
}

static void seg_append(struct oseg *s, const char *p, size_t n) {
    if (s->p == s->data && s->len + n <= OSEG_INLINE) {
        memcpy(s->data + s->len, p, n);
        s->len += n;
        return;
    }
    if (!s->owned || s->cap - s->len < n) {
        size_t cap = (s->len + n) * 2;
        if (cap < 256) cap = 256;
        char *q = s->owned ? realloc(s->p, cap) : malloc(cap);
        if (!q) abort();
        if (!s->owned) memcpy(q, s->p, s->len);
        s->p = q;
        s->cap = cap;
        s->owned = 1;
    }
    memcpy(s->p + s->len, p, n);
    s->len += n;
}

/* Fold ready neighbours into one segment so that a queue waiting on a slow
 * client holds about its bytes, not a segment per reply. */
static void merge_around(struct conn *c, struct oseg *s) {
    struct oseg *into = s;
    if (seg_can_grow(s->prev) && s->off == 0 && s->len <= MERGE_MAX) {
        into = s->prev;
        seg_append(into, s->p, s->len);
        seg_unlink(c, s);
        seg_release(c->sh, c, s);
    }
    while (seg_can_grow(into) && into->next && into->next->ready && !into->next->inflight &&
           into->next->off == 0 && into->next->len <= MERGE_MAX) {
        struct oseg *n = into->next;
        seg_append(into, n->p, n->len);
        seg_unlink(c, n);
        seg_release(c->sh, c, n);
    }
}

/* Close off `out` into the queue (merged into the tail when possible). */
static void seal_out(struct conn *c) {
    if (c->out.len == 0) return;
    c->qbytes += c->out.len;
    if (seg_can_grow(c->qt)) {
        seg_append(c->qt, c->out.p, c->out.len);
        c->out.len = 0;
        return;
    }
    struct oseg *s = seg_new(c);
    s->ready = 1;
    if (c->out.len <= OSEG_INLINE) {
        memcpy(s->data, c->out.p, c->out.len);
        s->p = s->data;
        s->len = c->out.len;
        c->out.len = 0;
        return;
    }
    struct buf b = buf_take(&c->out);
    s->p = b.p;
    s->len = b.len;
    s->cap = b.cap;
    s->owned = 1;
}

struct oseg *conn_add_hole(struct conn *c) {
    seal_out(c);
    struct oseg *s = seg_new(c);
    s->discard = c->reply_mode != REPLY_ON;
    c->inflight++;
    return s;
}

/* Remote replies up to this size are copied out of their batch. */
#define COPY_MAX (16 * 1024)

void conn_fill_hole(struct oseg *s, char *p, size_t len, struct xmsg *ref) {
    struct conn *c = s->conn;
    int keep = !s->discard && !c->closing;
    if (!keep || len <= OSEG_INLINE) {
        if (keep) memcpy(s->data, p, len);
        else len = 0;
        if (!ref) free(p);
        p = s->data;
        ref = NULL;
    } else if (ref && len <= COPY_MAX) {
        /* copy rather than pin the whole batch (other clients' replies
         * included) behind a client that may be slow to read */
        char *q = malloc(len);
        if (!q) abort();
        memcpy(q, p, len);
        p = q;
        ref = NULL;
        s->owned = 1;
        s->cap = len;
    } else if (ref) {
        ref->refs++;
    } else {
        s->owned = 1;
        s->cap = len;
    }
    s->p = p;
    s->len = len;
    s->ref = ref;
    s->ready = 1;
    c->qbytes += len;
    s->discard = 0;
    if (keep) merge_around(c, s);
    conn_want_flush(c);
    conn_unref(c);
}

void conn_add_shared(struct conn *c, const char *p, size_t len, struct xmsg *ref) {
    seal_out(c);
    struct oseg *s = seg_new(c);
    s->p = (char *)p;
    s->len = len;
    s->ref = ref;
    ref->refs++;
    s->ready = 1;
    c->qbytes += len;
    conn_want_flush(c);
}

size_t conn_output_bytes(const struct conn *c) { return c->qbytes + c->out.len; }

void conn_flush(struct conn *c) {
    c->in_flush = 0;
    if (c->free_pending) {
        conn_free(c);
        return;
    }
    if (c->closing || c->sending) return;
    seal_out(c);
    /* drop empty ready segments at the head (discarded replies) */
    while (c->qh && c->qh->ready && c->qh->len == c->qh->off) {
        struct oseg *s = c->qh;
        seg_unlink(c, s);
        seg_release(c->sh, c, s);
    }
    int n = 0;
    for (struct oseg *t = c->qh; t && t->ready && n < MAX_IOV; t = t->next)
        if (t->len > t->off) n++;
    if (n == 0) {
        if (c->close_after_reply && !c->qh && c->inflight == (c->recv_armed ? 1 : 0)) conn_close(c);
        return;
    }
    c->sending = 1;
    c->inflight++;
    if (n == 1) {
        struct oseg *s = c->qh;
        while (s->len == s->off) s = s->next;
        s->inflight = 1;
        io_send(c->sh->io, c->fd, s->p + s->off, s->len - s->off, IO_TAG(IO_SEND, c));
        return;
    }
    if (!c->iov) {
        c->iov = malloc(sizeof(struct iovec) * MAX_IOV);
        if (!c->iov) abort();
    }
    int i = 0;
    for (struct oseg *t = c->qh; t && t->ready && i < n; t = t->next) {
        t->inflight = 1;
        if (t->len == t->off) continue;
        c->iov[i].iov_base = t->p + t->off;
        c->iov[i].iov_len = t->len - t->off;
        i++;
    }
    memset(&c->msg, 0, sizeof(c->msg));
    c->msg.msg_iov = c->iov;
    c->msg.msg_iovlen = (size_t)n;
    io_sendmsg(c->sh->io, c->fd, &c->msg, IO_TAG(IO_SEND, c));
}

void conn_on_sent(struct conn *c, int res) {
    c->sending = 0;
    for (struct oseg *s = c->qh; s && s->inflight; s = s->next) s->inflight = 0;
    if (res < 0 || c->closing) {
        if (!c->closing) conn_close(c);
        conn_unref(c);
        return;
    }
    c->sh->st.net_output_bytes += res;
    size_t left = (size_t)res;
    while (c->qh && c->qh->ready) {
        struct oseg *s = c->qh;
        size_t avail = s->len - s->off;
        if (left < avail) {
            s->off += left;
            c->qbytes -= left;
            break;
        }
        left -= avail;
        c->qbytes -= avail;
        seg_unlink(c, s);
        seg_release(c->sh, c, s);
    }
    conn_want_flush(c);
    conn_unref(c);
}

void conn_on_recv_end(struct conn *c, int res) {
    c->recv_armed = 0;
    if (!c->closing && res == -ENOBUFS) {
        /* out of receive buffers: re-arm once some come back. When a
         * second connection starves before the next re-arm pass, put more
         * buffers into circulation; one fast sender alone is just
         * flow-controlled (it gets every buffer each iteration). */
        if (c->sh->rearm_head) io_bufs_grow(c->sh->io);
        c->inflight++;
        c->recv_armed = 1;
        c->rearm_next = c->sh->rearm_head;
        c->sh->rearm_head = c;
        conn_unref(c);
        return;
    }
    if (!c->closing) conn_close(c);
    conn_unref(c);
}

/* Copy spans used by a partial command into the connection's own array. */
static void keep_spans(struct conn *c, struct resp_spans *sp) {
    if (sp == &c->own_spans) return;
    size_t n = (size_t)c->ps.argi;
    c->own_spans.cap = n + 8;
    c->own_spans.v = malloc(sizeof(struct resp_span) * c->own_spans.cap);
    if (!c->own_spans.v) abort();
    if (n) memcpy(c->own_spans.v, sp->v, sizeof(struct resp_span) * n);
}

static void build_argv(struct shard *sh, const char *base, struct resp_spans *sp, int argc) {
    if (sh->argv_cap < (size_t)argc) {
        size_t cap = sh->argv_cap ? sh->argv_cap : 64;
        while (cap < (size_t)argc) cap *= 2;
        sh->argv = realloc(sh->argv, cap * sizeof(struct arg));
        if (!sh->argv) abort();
        sh->argv_cap = cap;
    }
    for (int i = 0; i < argc; i++) {
        sh->argv[i].p = base + sp->v[i].off;
        sh->argv[i].len = sp->v[i].len;
    }
}

/* Parse and run the commands in buf[0..len). Returns the bytes consumed;
 * stops early when a barrier is raised or the connection must close. */
static size_t process(struct conn *c, const char *buf, size_t len) {
    struct shard *sh = c->sh;
    size_t done = 0;
    while (done < len && !c->barrier && !c->close_after_reply && !c->closing) {
        struct resp_spans *sp = c->own_spans.v ? &c->own_spans : &sh->spans;
        size_t used = 0;
        const char *err = NULL;
        enum resp_status st = resp_parse(&c->ps, sp, &sh->inline_buf, buf + done, len - done,
                                         (size_t)sh->cfg.proto_max_bulk_len, &used, &err);
        if (st == RESP_MORE) {
            keep_spans(c, sp);
            break;
        }
        if (st == RESP_ERR) {
            reply_error(&c->out, err);
            stats_count_error(sh, err);
            c->close_after_reply = 1;
            conn_want_flush(c);
            return len;
        }
        if (st == RESP_OK) {
            int argc = (int)c->ps.argc;
            const char *base = c->ps.is_inline ? sh->inline_buf.p : buf + done;
            build_argv(sh, base, sp, argc);
            dispatch_command(c, sh->argv, argc);
        }
        done += used;
        resp_state_reset(&c->ps);
        if (sp == &c->own_spans) {
            free(c->own_spans.v);
            c->own_spans.v = NULL;
            c->own_spans.cap = 0;
        }
    }
    conn_want_flush(c);
    return done;
}

static int over_query_limit(struct conn *c) {
    if (c->in.len <= (size_t)c->sh->cfg.client_query_buffer_limit) return 0;
    log_warning("Closing client that reached max query buffer length: id=%lld addr=%s (qbuf "
                "initial bytes: \"%.32s\")",
                c->id, c->addr, c->in.p);
    conn_close(c);
    return 1;
}

/* Keep buf[done..len) in c->in (it may already be there). */
static void keep_tail(struct conn *c, const char *buf, size_t len, size_t done) {
    if (buf == c->in.p) {
        if (done && len > done) memmove(c->in.p, c->in.p + done, len - done);
        c->in.len = len - done;
    } else {
        c->in.len = 0;
        buf_put(&c->in, buf + done, len - done);
    }
    /* a bulk being read: reserve its full size once instead of doubling */
    if (c->ps.argc && c->ps.bulklen >= 0) {
        size_t need = c->ps.pos + (size_t)c->ps.bulklen + 2;
        if (need > c->in.len && need <= (size_t)c->sh->cfg.client_query_buffer_limit)
            buf_reserve(&c->in, need - c->in.len);
    }
    if (c->in.len == 0 && c->in.cap > 64 * 1024) buf_free(&c->in);
}

void conn_on_data(struct conn *c, const char *data, size_t len) {
    if (c->closing) return;
    c->sh->st.net_input_bytes += (long long)len;
    c->last_ms = db_now_ms;
    if (c->in.len == 0 && !c->barrier && !c->close_after_reply) {
        size_t done = process(c, data, len);
        if (done < len && !c->closing && !c->close_after_reply) {
            keep_tail(c, data, len, done);
            over_query_limit(c);
        }
        return;
    }
    if (c->close_after_reply) return;
    buf_put(&c->in, data, len);
    if (over_query_limit(c)) return;
    if (c->barrier) return;
    conn_resume(c);
}

void conn_resume(struct conn *c) {
    if (c->closing || c->in.len == 0) {
        conn_want_flush(c);
        return;
    }
    size_t done = process(c, c->in.p, c->in.len);
    if (c->closing) return;
    keep_tail(c, c->in.p, c->in.len, done);
}

void conn_describe(const struct conn *c, struct buf *b) {
    const char *cmdname = c->last_cmd ? c->last_cmd->name : "NULL";
    long long age = (db_now_ms - c->ctime_ms) / 1000, idle = (db_now_ms - c->last_ms) / 1000;
    int sub, psub, ssub;
    pubsub_counts(c, &sub, &psub, &ssub);
    char flags[4];
    size_t nf = 0;
    if (sub + psub + ssub) flags[nf++] = 'P';
    if (c->no_evict) flags[nf++] = 'e';
    if (!nf) flags[nf++] = 'N';
    flags[nf] = '\0';
    buf_printf(b,
               "id=%lld addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d "
               "sub=%d psub=%d ssub=%d multi=-1 qbuf=%zu qbuf-free=%zu argv-mem=0 "
               "multi-mem=0 rbs=%zu rbp=0 obl=%zu oll=%d omem=%zu tot-mem=%zu events=r "
               "cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s",
               c->id, c->addr, c->laddr, c->fd, c->name ? c->name : "", age, idle,
               flags, c->dbid, sub, psub, ssub, c->in.len, c->in.cap - c->in.len, c->in.cap,
               c->out.len, c->qh ? 1 : 0, c->qbytes,
               sizeof(*c) + c->in.cap + c->out.cap + c->qbytes, cmdname, c->resp,
               c->lib_name ? c->lib_name : "", c->lib_ver ? c->lib_ver : "");
}
