/*
 * conn.c - connection lifecycle, input parsing and the ordered send queue.
 *
 * Input: bytes from a provided receive buffer are parsed in place; only a
 * trailing partial command is copied into the connection's input state
 * (`c->inp`, allocated only while it holds something). Output: see conn.h.
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
#include "../txn/block.h"
#include "../txn/txn.h"
#include "pubsub.h"

#define MAX_IOV ((int)(sizeof(((struct conn_sendv *)0)->iov) / sizeof(struct iovec)))

static const char *fmt_sockaddr(const struct sockaddr_storage *ss, int ok, char *dst) {
    char ip[INET6_ADDRSTRLEN];
    int port = 0;
    const void *a = NULL;
    if (ok && ss->ss_family == AF_INET) {
        a = &((const struct sockaddr_in *)ss)->sin_addr;
        port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
    } else if (ok && ss->ss_family == AF_INET6) {
        a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
        port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    }
    if (a && inet_ntop(ss->ss_family, a, ip, sizeof(ip))) snprintf(dst, CONN_ADDR_LEN, "%s:%d", ip, port);
    else snprintf(dst, CONN_ADDR_LEN, "?:0");
    return dst;
}

const char *conn_addr(const struct conn *c, char *dst) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    return fmt_sockaddr(&ss, c->fd >= 0 && getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0, dst);
}

const char *conn_laddr(const struct conn *c, char *dst) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    return fmt_sockaddr(&ss, c->fd >= 0 && getsockname(c->fd, (struct sockaddr *)&ss, &sl) == 0, dst);
}

int addr_is_loopback(const struct sockaddr_storage *ss) {
    if (ss->ss_family == AF_INET)
        return ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) == INADDR_LOOPBACK;
    if (ss->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
    return 0;
}

struct conn_meta *conn_meta(struct conn *c) {
    if (!c->meta) {
        c->meta = calloc(1, sizeof(*c->meta));
        if (!c->meta) abort();
    }
    return c->meta;
}

static void list_unlink(struct shard *sh, struct conn *c) {
    if (c->prev) c->prev->next = c->next;
    else sh->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    else sh->conns_tail = c->prev;
    c->prev = c->next = NULL;
}

static void list_append(struct shard *sh, struct conn *c) {
    c->prev = sh->conns_tail;
    c->next = NULL;
    if (sh->conns_tail) sh->conns_tail->next = c;
    else sh->conns = c;
    sh->conns_tail = c;
}

void conn_touch(struct conn *c) {
    c->last_ms = db_now_ms;
    if (c->sh->conns_tail == c) return;
    list_unlink(c->sh, c);
    list_append(c->sh, c);
}

struct conn *conn_new(struct shard *sh, int fd) {
    struct conn *c = calloc(1, sizeof(*c));
    if (!c) abort();
    c->fd = fd;
    c->sh = sh;
    c->id = atomic_fetch_add(&g_next_client_id, 1);
    c->resp = 2;
    c->authenticated = !(sh->cfg.requirepass && sh->cfg.requirepass[0]);
    c->ctime_ms = c->last_ms = db_now_ms;
    list_append(sh, c);
    sh->nconns++;
    c->recv_armed = 1;
    c->inflight = 1; /* the armed receive */
    io_recv(sh->io, fd, IO_TAG(IO_RECV, c));
    return c;
}

struct conn *conn_new_internal(struct shard *sh, int fd) {
    struct conn *c = conn_new(sh, fd);
    c->internal = 1;
    c->authenticated = 1;
    sh->nconns--;
    return c;
}

/* Append c to a growable array of connections. */
static void ptr_push(struct conn ***v, size_t *n, size_t *cap, struct conn *c) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *v = realloc(*v, *cap * sizeof(**v));
        if (!*v) abort();
    }
    (*v)[(*n)++] = c;
}

int conn_pause_holds(struct conn *c, const struct command *cmd) {
    struct shard *sh = c->sh;
    if (sh->pause_type == PAUSE_NONE) return 0;
    if (sh->whole_act) return 0; /* the body of an EXEC that was let through */
    if (db_now_ms >= sh->pause_end_ms) {
        conns_unpause(sh, 1);
        return 0;
    }
    if (sh->pause_type == PAUSE_WRITE && !(cmd->flags & CMD_WRITE)) return 0;
    c->paused = 1;
    c->inflight++; /* the paused list's reference */
    ptr_push(&sh->paused, &sh->paused_n, &sh->paused_cap, c);
    return 1;
}

void conns_pause(struct shard *sh, int type, long long end_ms) {
    conns_unpause(sh, 1); /* a pause whose time is up no longer counts */
    if (type > sh->pause_type) sh->pause_type = type;
    if (end_ms > sh->pause_end_ms) sh->pause_end_ms = end_ms;
}

void conns_unpause(struct shard *sh, int only_expired) {
    if (sh->pause_type == PAUSE_NONE) return;
    if (only_expired && db_now_ms < sh->pause_end_ms) return;
    sh->pause_type = PAUSE_NONE;
    sh->pause_end_ms = 0;
}

int conns_resume_paused(struct shard *sh) {
    if (!sh->paused_n || sh->pause_type != PAUSE_NONE) return 0;
    size_t n = sh->paused_n;
    struct conn **v = sh->paused;
    sh->paused = NULL;
    sh->paused_n = sh->paused_cap = 0;
    for (size_t i = 0; i < n; i++) {
        struct conn *c = v[i];
        c->paused = 0;
        if (!c->closing) conn_resume(c);
        conn_unref(c);
    }
    free(v);
    return 1;
}

/* Clients that never time out: as Redis, subscribers and blocked clients
 * (here: held by CLIENT PAUSE or waiting on a coordinated operation). */
static int timeout_exempt(const struct conn *c) {
    return c->paused || c->barrier || c->bwait || c->internal || pubsub_subscribed(c);
}

void conns_close_idle(struct shard *sh, long long timeout_s) {
    /* The list is in order of last activity (conn_touch), so the walk stops
     * at the first client that is not idle for long enough. An exempt
     * client goes to the tail (keeping its last_ms): it is seen again only
     * after everything behind it has been idle for the timeout too. */
    struct conn *first_moved = NULL;
    for (struct conn *c = sh->conns, *n; c && c != first_moved; c = n) {
        n = c->next;
        if (db_now_ms - c->last_ms <= timeout_s * 1000) break;
        if (c->closing) continue;
        if (timeout_exempt(c)) {
            if (sh->conns_tail != c) {
                list_unlink(sh, c);
                list_append(sh, c);
            }
            if (!first_moved) first_moved = c;
            continue;
        }
        conn_close(c);
    }
}

/* Buffers the per-tick trim leaves in the pool. */
#define OBUF_POOL_KEEP 4
/* Largest buffer the pool keeps. */
#define OBUF_POOL_ONE (64 * 1024)

/* Keep a free output buffer (p, cap bytes) in the shard's pool, or free it. */
static void pool_put(struct shard *sh, char *p, size_t cap) {
    if (cap <= OBUF_POOL_ONE && sh->obuf_pool_n < OBUF_POOL_MAX &&
        sh->obuf_pool_bytes + cap <= OBUF_POOL_BYTES) {
        sh->obuf_pool_bytes += cap;
        sh->obuf_pool[sh->obuf_pool_n++] = (struct buf){p, 0, cap};
    } else {
        free(p);
    }
}

/* Give c's empty output buffer to the shard's pool (or free it), so that an
 * idle connection holds none. */
static void out_release(struct conn *c) {
    if (!c->out.cap || c->out.len) return;
    struct buf b = buf_take(&c->out);
    pool_put(c->sh, b.p, b.cap);
}

/* Give c an output buffer from the pool, if it has none. */
static void out_acquire(struct conn *c) {
    struct shard *sh = c->sh;
    if (c->out.cap || !sh->obuf_pool_n) return;
    c->out = sh->obuf_pool[--sh->obuf_pool_n];
    sh->obuf_pool_bytes -= c->out.cap;
    c->out.len = 0;
    if (sh->obuf_pool_n < sh->obuf_pool_low) sh->obuf_pool_low = sh->obuf_pool_n;
}

/* Output segments are cut from blocks of their own rather than allocated one
 * by one: a burst of remote replies needs thousands of them for a moment, and
 * from the allocator they would share slabs with keys and values of their
 * size, leaving the data's pages part-empty once the burst is over. A block
 * is aligned to its size, so a segment finds its block from its address. */
#define SEG_BLOCK_BYTES (16 * 1024)

struct seg_block {
    struct seg_block *next;
    unsigned used; /* segments handed out */
    struct oseg segs[];
};

#define SEG_PER_BLOCK ((SEG_BLOCK_BYTES - sizeof(struct seg_block)) / sizeof(struct oseg))

static inline struct seg_block *seg_block_of(const struct oseg *s) {
    return (struct seg_block *)((uintptr_t)s & ~(uintptr_t)(SEG_BLOCK_BYTES - 1));
}

static void seg_block_new(struct shard *sh) {
    struct seg_block *b;
    if (posix_memalign((void **)&b, SEG_BLOCK_BYTES, SEG_BLOCK_BYTES)) abort();
    b->used = 0;
    b->next = sh->seg_blocks;
    sh->seg_blocks = b;
    sh->seg_blocks_empty++;
    for (size_t i = 0; i < SEG_PER_BLOCK; i++) {
        b->segs[i].next = sh->seg_pool;
        sh->seg_pool = &b->segs[i];
    }
    sh->seg_pool_n += (int)SEG_PER_BLOCK;
}

static struct oseg *seg_alloc(struct shard *sh) {
    if (!sh->seg_pool) seg_block_new(sh);
    struct oseg *s = sh->seg_pool;
    sh->seg_pool = s->next;
    if (--sh->seg_pool_n < sh->seg_pool_low) sh->seg_pool_low = sh->seg_pool_n;
    if (seg_block_of(s)->used++ == 0) sh->seg_blocks_empty--;
    memset(s, 0, offsetof(struct oseg, data));
    return s;
}

static void seg_release(struct shard *sh, struct conn *c, struct oseg *s) {
    if (s->ref) {
        xmsg_unref(s->ref);
    } else if (s->owned) {
        /* keep the buffer for the next replies (this client's or another's) */
        pool_put(sh, s->p, s->cap);
    }
    s->next = sh->seg_pool;
    sh->seg_pool = s;
    sh->seg_pool_n++;
    if (--seg_block_of(s)->used == 0) sh->seg_blocks_empty++;
}

/* Free the blocks with no segment in use but one (see conns_trim_pools):
 * drop their segments from the free list (one walk over it), then the
 * blocks. */
static void seg_blocks_trim(struct shard *sh) {
    struct seg_block *keep = NULL;
    for (struct seg_block *b = sh->seg_blocks; b && !keep; b = b->next)
        if (b->used == 0) keep = b;
    struct oseg **pp = &sh->seg_pool;
    while (*pp) {
        struct seg_block *b = seg_block_of(*pp);
        if (b->used == 0 && b != keep) {
            *pp = (*pp)->next;
            sh->seg_pool_n--;
        } else {
            pp = &(*pp)->next;
        }
    }
    for (struct seg_block **bp = &sh->seg_blocks; *bp;) {
        struct seg_block *b = *bp;
        if (b->used == 0 && b != keep) {
            *bp = b->next;
            free(b);
        } else {
            bp = &b->next;
        }
    }
    sh->seg_blocks_empty = keep ? 1 : 0;
}

void conns_trim_pools(struct shard *sh) {
    /* What stayed in a pool for a whole tick was not needed: free it, so a
     * burst (a pipelined load, a slow reader draining) leaves nothing behind
     * once the shard is quiet. The pools refill from the next burst. */
    int n = sh->obuf_pool_low;
    /* a few stay: a shard that trims to nothing reallocates at every
     * burst, and under maxmemory each reallocation costs keys */
    if (n > sh->obuf_pool_n - OBUF_POOL_KEEP) n = sh->obuf_pool_n - OBUF_POOL_KEEP;
    if (n > 0) {
        for (int i = 0; i < n; i++) {
            sh->obuf_pool_bytes -= sh->obuf_pool[i].cap;
            free(sh->obuf_pool[i].p);
        }
        memmove(sh->obuf_pool, sh->obuf_pool + n, (size_t)(sh->obuf_pool_n - n) * sizeof(sh->obuf_pool[0]));
        sh->obuf_pool_n -= n;
    }
    sh->obuf_pool_low = sh->obuf_pool_n;
    /* segments: whole blocks only, once a block's worth went unused */
    if (sh->seg_blocks_empty > 1 && sh->seg_pool_low >= (int)SEG_PER_BLOCK) seg_blocks_trim(sh);
    sh->seg_pool_low = sh->seg_pool_n;
}

/* ---- client-output-buffer-limit ---- */

/* The smallest output size at which any limit could apply. */
static size_t obuf_watch_min(const struct shard *sh) {
    const struct config_obuf_limit *l = sh->cfg.obuf;
    size_t m = SIZE_MAX;
    const int classes[2] = {CONFIG_OBUF_NORMAL, CONFIG_OBUF_PUBSUB};
    for (int i = 0; i < 2; i++) {
        if (l[classes[i]].hard && (size_t)l[classes[i]].hard < m) m = (size_t)l[classes[i]].hard;
        if (l[classes[i]].soft && (size_t)l[classes[i]].soft < m) m = (size_t)l[classes[i]].soft;
    }
    return m;
}

static void obuf_watch(struct conn *c) {
    struct shard *sh = c->sh;
    if (sh->obuf_watch_n == sh->obuf_watch_cap) {
        sh->obuf_watch_cap = sh->obuf_watch_cap ? sh->obuf_watch_cap * 2 : 16;
        sh->obuf_watch = realloc(sh->obuf_watch, sh->obuf_watch_cap * sizeof(*sh->obuf_watch));
        if (!sh->obuf_watch) abort();
    }
    sh->obuf_watch[sh->obuf_watch_n++] = c;
    c->obuf_watched = 1;
}

static void obuf_unwatch_at(struct shard *sh, size_t i) {
    sh->obuf_watch[i]->obuf_watched = 0;
    sh->obuf_watch[i] = sh->obuf_watch[--sh->obuf_watch_n];
}

static void obuf_unwatch(struct conn *c) {
    struct shard *sh = c->sh;
    for (size_t i = 0; i < sh->obuf_watch_n; i++)
        if (sh->obuf_watch[i] == c) {
            obuf_unwatch_at(sh, i);
            return;
        }
}

void conns_check_output_limits(struct shard *sh) {
    size_t min = obuf_watch_min(sh);
    for (size_t i = 0; i < sh->obuf_watch_n;) {
        struct conn *c = sh->obuf_watch[i];
        const struct config_obuf_limit *lim = &sh->cfg.obuf[pubsub_obuf_class(c)];
        long long hard = lim->hard, soft = lim->soft, secs = lim->soft_seconds;
        size_t used = conn_output_bytes(c);
        int close_it = hard && used >= (size_t)hard;
        if (soft && used >= (size_t)soft) {
            if (!c->soft_limit_since) c->soft_limit_since = db_now_ms;
            else if (db_now_ms - c->soft_limit_since >= secs * 1000) close_it = 1;
        } else {
            c->soft_limit_since = 0;
        }
        if (close_it && !c->closing) {
            char addr[CONN_ADDR_LEN];
            log_warning("Client id=%lld addr=%s scheduled to be closed ASAP for overcoming of output "
                        "buffer limits.", c->id, conn_addr(c, addr));
            conn_close(c); /* may free c, which leaves the list */
            continue;
        }
        if (used < min && !c->soft_limit_since) {
            obuf_unwatch_at(sh, i);
            continue;
        }
        i++;
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
    if (c->obuf_watched) obuf_unwatch(c);
    list_unlink(sh, c);
    if (!c->internal) {
        sh->nconns--;
        atomic_fetch_sub(&g_clients, 1);
    }
    if (c->inp) {
        buf_free(&c->inp->in);
        free(c->inp->own_spans.v);
        free(c->inp);
    }
    buf_free(&c->out);
    if (c->meta) {
        free(c->meta->sv);
        free(c->meta->name);
        free(c->meta->lib_name);
        free(c->meta->lib_ver);
        free(c->meta);
    }
    free(c);
}

void conn_unref(struct conn *c) {
    if (--c->inflight == 0 && c->closing) conn_free(c);
}

static int deleg_poll(struct conn *c, int wait);

void conn_close(struct conn *c) {
    if (c->closing) return;
    c->closing = 1;
    pubsub_conn_gone(c);
    multi_conn_reset(c);
    blk_conn_gone(c);
    /* Shutting the socket down ends the armed multishot recv and any send,
     * whose completions then drop their references. */
    shutdown(c->fd, SHUT_RDWR);
    if (c->delegated) {
        /* another shard may still be sending on the socket: the fd is
         * closed once it is done (deleg_complete), never before, so that
         * its number cannot be reused under that send */
        c->inflight++;
        deleg_poll(c, 1);
        conn_unref(c);
        return;
    }
    close(c->fd);
    c->fd = -1;
    if (c->inflight == 0) conn_free(c);
}

/* A subscriber goes to the back of the shard's bulk list, served in turn a
 * bounded number of sends per iteration (see flush_conns in shard.c), so
 * that messages published while a large fan-out is being sent join the
 * sends still to come; everyone else is sent to in the same iteration. */
void conn_want_flush(struct conn *c) {
    if (c->in_flush || c->closing) return;
    struct shard *sh = c->sh;
    c->in_flush = 1;
    if (c->subs && pubsub_subscribed(c)) {
        c->flush_next = NULL;
        if (sh->bulk_tail) sh->bulk_tail->flush_next = c;
        else sh->bulk_head = c;
        sh->bulk_tail = c;
        return;
    }
    c->flush_next = sh->flush_head;
    sh->flush_head = c;
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

int conn_can_delegate(struct conn *c) {
    struct shard *sh = c->sh;
    if (!sh->deleg_last || sh->no_delegate || c->reply_mode != REPLY_ON || c->closing ||
        c->close_after_reply || c->sending || c->out.len || c->fd < 0)
        return 0;
    return deleg_poll(c, 0) && !c->qh;
}

void conn_delegate(struct conn *c, struct oseg *hole) {
    /* published to the owner by the ring push that carries the request */
    atomic_store_explicit(&hole->deleg, DELEG_OUT, memory_order_relaxed);
    c->delegated = 1;
}

/* No delegated send is outstanding any more: a connection closed meanwhile
 * closes the socket now (conn_close left it open). Returns 1 if it did. */
static int deleg_end(struct conn *c) {
    c->delegated = 0;
    if (!c->closing || c->fd < 0) return 0;
    close(c->fd);
    c->fd = -1;
    return 1;
}

/* Hole s is done with (its reply is here or sent): the script and away
 * bookkeeping. Returns 1 if input held for it may go on now. */
static int away_done(struct conn *c, struct oseg *s) {
    if (s == c->script_hole) c->script_hole = NULL;
    if (s->away) {
        s->away = 0;
        if (--c->away_n == 0) c->away_shard = -1;
    }
    if (!c->script_wait) return 0;
    /* (the command parsed again sees whether it must wait on) */
    c->script_wait = 0;
    c->paused = 0;
    return !c->closing;
}

void conn_sent_away(struct conn *c, struct oseg *hole, int target, int script) {
    if (script) {
        c->script_hole = hole;
        c->script_shard = target;
    }
    hole->away = 1;
    c->away_shard = c->away_n++ == 0 || c->away_shard == target ? target : -1;
}

static int must_wait(const struct conn *c, int target, int script) {
    return (c->script_hole && target != c->script_shard) ||
           (script && c->away_n && (target < 0 || c->away_shard != target));
}

int conn_script_gate(struct conn *c, int target, int script) {
    if (!must_wait(c, target, script)) return 0;
    /* a delegated reply at the head: done already, or have the owner say
     * when (only that report completes it from now on) */
    if (c->delegated && deleg_poll(c, 1) && !must_wait(c, target, script)) return 0;
    c->script_wait = 1;
    c->paused = 1;
    return 1;
}

/* The delegated hole at the head is done with: drop it and carry on. */
static void deleg_complete(struct conn *c, int flush) {
    struct oseg *s = c->qh;
    int go = away_done(c, s);
    seg_unlink(c, s);
    seg_release(c->sh, c, s);
    if (!deleg_end(c) && flush) conn_want_flush(c);
    /* (held input waits for a report, conn_deleg_done, and only then can
     * be resumed: not from inside a flush or a dispatch) */
    if (go && flush) conn_resume(c);
    conn_unref(c); /* the hole's reference */
}

/* 1 if no delegated send is outstanding (completing a finished one), 0 if
 * one is. With `wait`, an outstanding one will be reported by an XC_DONE
 * entry (conn_deleg_done); once asked for, only that entry completes it,
 * since the owner sends it whatever this side reads meanwhile. */
static int deleg_poll(struct conn *c, int wait) {
    if (!c->delegated) return 1;
    if (c->delegated == 2) return 0;
    struct oseg *s = c->qh;
    uint8_t v = atomic_load_explicit(&s->deleg, memory_order_acquire);
    if (v && wait) {
        if (atomic_compare_exchange_strong_explicit(&s->deleg, &v, DELEG_OUT | DELEG_WAIT,
                                                    memory_order_acq_rel, memory_order_acquire)) {
            c->delegated = 2;
            return 0;
        }
    }
    if (v) return 0;
    deleg_complete(c, 0);
    return 1;
}

void conn_deleg_done(struct oseg *hole) {
    struct conn *c = hole->conn;
    deleg_complete(c, 1);
}

/* Remote replies up to this size are copied out of their batch. */
#define COPY_MAX (16 * 1024)

void conn_fill_hole(struct oseg *s, char *p, size_t len, struct xmsg *ref) {
    struct conn *c = s->conn;
    if (atomic_load_explicit(&s->deleg, memory_order_relaxed)) {
        /* a delegated reply too big to send from the owner came back: an
         * ordinary hole from here on (the owner no longer looks at it) */
        atomic_store_explicit(&s->deleg, 0, memory_order_relaxed);
        deleg_end(c);
    }
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
    if (s->blocking) {
        s->blocking = 0;
        blk_hole_filled(c);
    }
    if (away_done(c, s)) conn_resume(c);
    conn_unref(c);
}

void conn_block_hole(struct conn *c, struct oseg *hole, int owner) {
    if (hole->blocking) return;
    hole->blocking = 1;
    c->bwait++;
    c->bhole = hole;
    c->bshard = owner;
    c->barrier++;
    c->sh->blocked_clients++;
}

/* Queue len bytes at p inside `ref` (referenced until sent) just ahead of
 * `at`, or at the tail with at NULL. */
static void add_ref_seg(struct conn *c, const char *p, size_t len, struct xmsg *ref, struct oseg *at) {
    struct oseg *s;
    if (at) {
        s = seg_alloc(c->sh);
        s->conn = c;
        s->prev = at->prev;
        s->next = at;
        if (at->prev) at->prev->next = s;
        else c->qh = s;
        at->prev = s;
    } else {
        s = seg_new(c);
    }
    s->p = (char *)p;
    s->len = len;
    s->ref = ref;
    ref->refs++;
    s->ready = 1;
    c->qbytes += len;
    conn_want_flush(c);
}

void conn_add_shared(struct conn *c, const char *p, size_t len, struct xmsg *ref) {
    seal_out(c);
    add_ref_seg(c, p, len, ref, NULL);
}

/* A message at least this long is never copied into a subscriber's output
 * buffer; below it, a copy costs less than a queue segment of its own where
 * the message does not extend a queued run. */
#define MSG_SHARE_MIN 512
/* Output buffer a subscriber with none gets when a message is copied. */
#define MSG_BUF_MIN 1024

void conn_add_message(struct conn *c, const char *p, size_t len, struct xmsg *log) {
    struct oseg *t = c->qt;
    if (!c->out.len && t && t->ref == log && !t->inflight && t->p + t->len == p) {
        t->len += len; /* the next message of the log after the last queued */
        c->qbytes += len;
        conn_want_flush(c);
        return;
    }
    if (len >= MSG_SHARE_MIN || (!c->out.len && (!t || t->inflight))) {
        conn_add_shared(c, p, len, log);
        return;
    }
    buf_reserve(&c->out, c->out.cap || len >= MSG_BUF_MIN ? len : MSG_BUF_MIN);
    buf_put(&c->out, p, len);
    conn_want_flush(c);
}

void conn_add_message_before(struct conn *c, const char *p, size_t len, struct xmsg *log, struct oseg *hole) {
    add_ref_seg(c, p, len, log, hole);
}

size_t conn_output_bytes(const struct conn *c) { return c->qbytes + c->out.len; }

#define FLUSH_HOLD_MAX (64 * 1024)

void conn_flush(struct conn *c) {
    c->in_flush = 0;
    if (c->free_pending) {
        conn_free(c);
        return;
    }
    if (!c->obuf_watched && conn_output_bytes(c) >= obuf_watch_min(c->sh)) obuf_watch(c);
    if (c->closing || c->sending) return;
    /* The rest of the pipeline waits behind a transaction (or coordinated
     * command): its replies go out with the ones to come, in one send once
     * the input held is run, not one send per transaction; unless much is
     * ready, or what holds it is a blocked client's wait (its earlier
     * replies go now). */
    if (c->barrier > c->bwait && c->inp && c->inp->in.len && conn_output_bytes(c) < FLUSH_HOLD_MAX) return;
    /* output behind a delegated reply waits for the owner's send */
    if (c->delegated && !deleg_poll(c, c->out.len || c->qh != c->qt || c->close_after_reply)) return;
    seal_out(c);
    /* drop empty ready segments at the head (discarded replies) */
    while (c->qh && c->qh->ready && c->qh->len == c->qh->off) {
        struct oseg *s = c->qh;
        seg_unlink(c, s);
        seg_release(c->sh, c, s);
    }
    int n = 0;
    struct oseg *stop = c->qh;
    for (; stop && stop->ready && n < MAX_IOV; stop = stop->next)
        if (stop->len > stop->off) n++;
    /* Replies ahead of a hole whose answer is on its way (another shard's
     * reply, a lock step) wait for it: the batch goes out in one send, as
     * redis-server sends a pipeline's replies, not a short one now and the
     * rest an iteration later. Not behind a blocked client's wait (that
     * may take long), nor once much is ready. */
    if (n && stop && !stop->ready && !c->bwait && !c->close_after_reply && conn_output_bytes(c) < FLUSH_HOLD_MAX) return;
    if (n == 0) {
        if (c->close_after_reply && !c->qh && c->inflight == (c->recv_armed ? 1 : 0)) conn_close(c);
        else if (!c->qh) out_release(c);
        return;
    }
    c->sending = 1;
    c->inflight++;
    c->sh->st.writes_processed++;
    if (n == 1) {
        struct oseg *s = c->qh;
        while (s->len == s->off) s = s->next;
        s->inflight = 1;
        io_send(c->sh->io, c->fd, s->p + s->off, s->len - s->off, IO_TAG(IO_SEND, c));
        return;
    }
    struct conn_meta *m = conn_meta(c);
    if (!m->sv) {
        m->sv = malloc(sizeof(*m->sv));
        if (!m->sv) abort();
    }
    struct iovec *iov = m->sv->iov;
    int i = 0;
    for (struct oseg *t = c->qh; t && t->ready && i < n; t = t->next) {
        t->inflight = 1;
        if (t->len == t->off) continue;
        iov[i].iov_base = t->p + t->off;
        iov[i].iov_len = t->len - t->off;
        i++;
    }
    memset(&m->sv->msg, 0, sizeof(m->sv->msg));
    m->sv->msg.msg_iov = iov;
    m->sv->msg.msg_iovlen = (size_t)n;
    io_sendmsg(c->sh->io, c->fd, &m->sv->msg, IO_TAG(IO_SEND, c));
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
    if (res > 0) conn_touch(c); /* as in Redis, output counts as activity */
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
        if (c->sh->rearm_n) io_bufs_grow(c->sh->io);
        c->inflight++;
        c->recv_armed = 1;
        ptr_push(&c->sh->rearm, &c->sh->rearm_n, &c->sh->rearm_cap, c);
        conn_unref(c);
        return;
    }
    if (!c->closing) conn_close(c);
    conn_unref(c);
}

void conns_rearm(struct shard *sh) {
    size_t n = sh->rearm_n;
    sh->rearm_n = 0;
    for (size_t i = 0; i < n; i++) {
        struct conn *c = sh->rearm[i];
        if (c->closing) {
            c->recv_armed = 0;
            conn_unref(c);
        } else {
            io_recv(sh->io, c->fd, IO_TAG(IO_RECV, c));
        }
    }
}


/* The thread's input state for a connection that has none of its own: a
 * connection keeps a struct conn_input only while it holds unparsed input. */
static _Thread_local struct conn_input tl_input;
static _Thread_local int tl_input_busy;

static void input_clear(struct conn_input *x) {
    memset(x, 0, sizeof(*x));
    resp_state_reset(&x->ps);
}

/* The input state to parse c's input with: c's own, else the thread's
 * (empty) one; a nested call gets a new one of c's own. Pair with
 * input_put. */
static struct conn_input *input_get(struct conn *c) {
    if (c->inp) return c->inp;
    if (!tl_input_busy) {
        tl_input_busy = 1;
        return &tl_input;
    }
    c->inp = malloc(sizeof(*c->inp));
    if (!c->inp) abort();
    input_clear(c->inp);
    return c->inp;
}

/* Done with x: state left in the thread's one moves to c; c's own goes
 * once it holds nothing. */
static void input_put(struct conn *c, struct conn_input *x) {
    int empty = x->in.len == 0 && !x->own_spans.v;
    if (x == &tl_input) {
        tl_input_busy = 0;
        if (empty) {
            buf_free(&x->in);
            resp_state_reset(&x->ps);
            return;
        }
        c->inp = malloc(sizeof(*c->inp));
        if (!c->inp) abort();
        *c->inp = *x;
        input_clear(x);
    } else if (empty && x == c->inp) {
        buf_free(&x->in);
        free(x);
        c->inp = NULL;
    }
}

static void resume(struct conn *c, struct conn_input *x);

/* Copy spans used by a partial command into the connection's own array. */
static void keep_spans(struct conn_input *x, struct resp_spans *sp) {
    if (sp == &x->own_spans) return;
    size_t n = (size_t)x->ps.argi;
    x->own_spans.cap = n + 8;
    x->own_spans.v = malloc(sizeof(struct resp_span) * x->own_spans.cap);
    if (!x->own_spans.v) abort();
    if (n) memcpy(x->own_spans.v, sp->v, sizeof(struct resp_span) * n);
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
static size_t process(struct conn *c, struct conn_input *x, const char *buf, size_t len) {
    struct shard *sh = c->sh;
    size_t done = 0;
    out_acquire(c);
    while (done < len && !c->barrier && !c->paused && !c->close_after_reply && !c->closing) {
        struct resp_spans *sp = x->own_spans.v ? &x->own_spans : &sh->spans;
        size_t used = 0;
        const char *err = NULL;
        enum resp_status st = resp_parse(&x->ps, sp, &sh->inline_buf, buf + done, len - done,
                                         (size_t)sh->cfg.proto_max_bulk_len, &used, &err);
        if (st == RESP_MORE) {
            keep_spans(x, sp);
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
            int argc = (int)x->ps.argc;
            const char *base = x->ps.is_inline ? sh->inline_buf.p : buf + done;
            build_argv(sh, base, sp, argc);
            sh->deleg_last = done + used == len;
            struct conn *outer = sh->running;
            sh->running = c;
            dispatch_command(c, sh->argv, argc);
            sh->running = outer;
            sh->deleg_last = 0;
            if (c->paused) {
                /* held by CLIENT PAUSE: parse it again when the pause ends */
                resp_state_reset(&x->ps);
                if (sp == &x->own_spans) {
                    free(x->own_spans.v);
                    x->own_spans.v = NULL;
                    x->own_spans.cap = 0;
                }
                break;
            }
        }
        done += used;
        resp_state_reset(&x->ps);
        if (sp == &x->own_spans) {
            free(x->own_spans.v);
            x->own_spans.v = NULL;
            x->own_spans.cap = 0;
        }
    }
    conn_want_flush(c);
    return done;
}

static int over_query_limit(struct conn *c, struct conn_input *x) {
    if (x->in.len <= (size_t)c->sh->cfg.client_query_buffer_limit) return 0;
    char addr[CONN_ADDR_LEN];
    log_warning("Closing client that reached max query buffer length: id=%lld addr=%s (qbuf "
                "initial bytes: \"%.32s\")",
                c->id, conn_addr(c, addr), x->in.p);
    conn_close(c);
    return 1;
}

/* Keep buf[done..len) in x->in (it may already be there). */
static void keep_tail(struct conn *c, struct conn_input *x, const char *buf, size_t len, size_t done) {
    if (buf == x->in.p) {
        if (done && len > done) memmove(x->in.p, x->in.p + done, len - done);
        x->in.len = len - done;
    } else {
        x->in.len = 0;
        buf_put(&x->in, buf + done, len - done);
    }
    /* a bulk being read: reserve its full size once instead of doubling */
    if (x->ps.argc && x->ps.bulklen >= 0) {
        size_t need = x->ps.pos + (size_t)x->ps.bulklen + 2;
        if (need > x->in.len && need <= (size_t)c->sh->cfg.client_query_buffer_limit)
            buf_reserve(&x->in, need - x->in.len);
    }
    if (x->in.len == 0) buf_free(&x->in); /* an idle connection holds no input buffer */
}

void conn_on_data(struct conn *c, const char *data, size_t len) {
    if (c->closing) return;
    c->sh->st.net_input_bytes += (long long)len;
    c->sh->st.reads_processed++;
    conn_touch(c);
    struct conn_input *x = input_get(c);
    if (x->in.len == 0 && !c->barrier && !c->paused && !c->close_after_reply) {
        size_t done = process(c, x, data, len);
        if (done < len && !c->closing && !c->close_after_reply) {
            keep_tail(c, x, data, len, done);
            over_query_limit(c, x);
        }
    } else if (!c->close_after_reply) {
        buf_put(&x->in, data, len);
        if (!over_query_limit(c, x) && !c->barrier && !c->paused) resume(c, x);
    }
    input_put(c, x);
}

/* Parse held input in x->in. */
static void resume(struct conn *c, struct conn_input *x) {
    if (c->closing || x->in.len == 0) {
        conn_want_flush(c);
        return;
    }
    size_t done = process(c, x, x->in.p, x->in.len);
    if (c->closing) return;
    keep_tail(c, x, x->in.p, x->in.len, done);
}

void conn_resume(struct conn *c) {
    struct conn_input *x = input_get(c);
    resume(c, x);
    input_put(c, x);
}

void conn_describe(const struct conn *c, struct buf *b) {
    const char *cmdname = c->last_cmd ? c->last_cmd->name : "NULL";
    char addr[CONN_ADDR_LEN], laddr[CONN_ADDR_LEN];
    const char *name = c->meta && c->meta->name ? c->meta->name : "";
    const char *lib_name = c->meta && c->meta->lib_name ? c->meta->lib_name : "";
    const char *lib_ver = c->meta && c->meta->lib_ver ? c->meta->lib_ver : "";
    size_t qbuf = c->inp ? c->inp->in.len : 0, qcap = c->inp ? c->inp->in.cap : 0;
    long long age = (db_now_ms - c->ctime_ms) / 1000, idle = (db_now_ms - c->last_ms) / 1000;
    int sub, psub, ssub;
    pubsub_counts(c, &sub, &psub, &ssub);
    char flags[4];
    size_t nf = 0;
    if (c->bwait) flags[nf++] = 'b';
    if (sub + psub + ssub) flags[nf++] = 'P';
    if (c->no_evict) flags[nf++] = 'e';
    if (!nf) flags[nf++] = 'N';
    flags[nf] = '\0';
    buf_printf(b,
               "id=%lld addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d "
               "sub=%d psub=%d ssub=%d multi=%d qbuf=%zu qbuf-free=%zu argv-mem=0 "
               "multi-mem=0 rbs=%zu rbp=0 obl=%zu oll=%d omem=%zu tot-mem=%zu events=r "
               "cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s",
               c->id, conn_addr(c, addr), conn_laddr(c, laddr), c->fd, name, age, idle,
               flags, c->dbid, sub, psub, ssub, multi_queued(c), qbuf, qcap - qbuf, qcap,
               c->out.len, c->qh ? 1 : 0, c->qbytes,
               sizeof(*c) + qcap + c->out.cap + c->qbytes, cmdname, c->resp,
               lib_name, lib_ver);
}
