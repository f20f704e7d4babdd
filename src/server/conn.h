/*
 * conn.h - a client connection owned by one shard: its input state, its
 * ordered send queue, and its lifecycle.
 *
 * Replies leave in request order. Local replies accumulate in `out`. When a
 * command goes to another shard, `out` is closed off into a segment and a
 * placeholder segment (a hole) takes the command's place in the queue; the
 * hole is filled when the owner's reply arrives. A flush sends every ready
 * segment from the head up to the first unfilled hole, in one send or
 * sendmsg, with at most one send in flight per connection.
 */
#ifndef SERVER_CONN_H
#define SERVER_CONN_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "../server.h"

struct xmsg;

/* Replies up to this size are copied into the segment itself, so a segment
 * costs no allocation beyond the shard's pool. */
#define OSEG_INLINE 56

struct oseg {
    struct oseg *next, *prev;
    char *p;
    size_t len, off, cap; /* off: bytes already sent */
    struct xmsg *ref;     /* reply batch owning p, or NULL */
    struct conn *conn;
    uint8_t ready;
    uint8_t owned;   /* p is a heap buffer of ours (cap bytes) */
    uint8_t discard; /* CLIENT REPLY OFF/SKIP: drop the bytes when filled */
    uint8_t inflight; /* part of the send in flight: must not change */
    _Atomic uint8_t deleg; /* a delegated hole: DELEG_OUT/DELEG_WAIT (xmsg.h) */
    uint8_t blocking; /* the reply of a blocking command: the client waits */
    uint8_t away;     /* counted in the connection's away_n (conn_sent_away) */
    char data[OSEG_INLINE];
};

enum reply_mode { REPLY_ON, REPLY_OFF, REPLY_SKIP, REPLY_SKIP_NEXT };

/* Scatter list for sendmsg, allocated the first time a flush has more
 * than one ready segment. */
struct conn_sendv {
    struct msghdr msg;
    struct iovec iov[64];
};

/* Input a connection holds between receives: a partial command, or input
 * held back (barrier, CLIENT PAUSE). Allocated only while there is some;
 * parsing otherwise runs on the shard thread's own copy. */
struct conn_input {
    struct buf in;               /* the unparsed bytes */
    struct resp_state ps;        /* parser position in the partial command */
    struct resp_spans own_spans; /* its arguments parsed so far */
};

/* Rarely used per-connection state, allocated on first use
 * (conn_meta()) so that an idle connection does not pay for it. */
struct conn_meta {
    char *name;
    char *lib_name, *lib_ver;
    struct conn_sendv *sv;
};

/* One client connection. Kept small (see bench/conns.sh): an idle
 * connection holds this struct and nothing else: no input state (`inp`
 * exists only while input is pending), no output buffer (`out` goes back to the shard's pool
 * once everything was sent), no send vector, no names. */
struct conn {
    int fd;
    int dbid;
    long long id;
    struct shard *sh;
    struct conn *prev, *next;   /* shard's list, least recently active first */
    struct conn *flush_next;
    uint8_t in_flush, recv_armed, sending;
    uint8_t closing;            /* no more input; free once nothing is in flight */
    uint8_t internal;           /* the server's own (conn_new_internal): not listed, counted or timed out */
    uint8_t close_after_reply;  /* QUIT, protocol error: close once output drains */
    uint8_t free_pending;       /* freed while on the flush list */
    uint8_t resp;
    uint8_t reply_mode;
    uint8_t no_evict;
    uint8_t authenticated; /* AUTH passed, or no password when it connected */
    uint8_t paused;        /* input held by CLIENT PAUSE */
    uint8_t obuf_watched;  /* on the shard's output limit watch list */
    uint8_t delegated;     /* the head hole's reply goes out from its owner: 1, and
                            * the owner was asked to say when it is done: 2 */
    int inflight;     /* holes, gathers, coordinated ops, sends, armed recv */
    int barrier;      /* a coordinated op runs: hold further input */
    struct conn_input *inp; /* unparsed input, or NULL (see struct conn_input) */
    struct buf out;
    struct oseg *qh, *qt;
    size_t qbytes;
    struct conn_meta *meta;
    long long ctime_ms, last_ms;
    long long soft_limit_since;
    const struct command *last_cmd;
    char last_cmd_name[15]; /* as the client spelled it, for a fast lookup */
    uint8_t last_cmd_len;
    struct ps_conn *subs; /* subscriptions (pubsub.c), NULL when never subscribed */
    struct mstate *mx;    /* MULTI queue and watched keys (txn/multi.c), NULL when never used */
    struct oseg *bhole;   /* while bwait: the hole of the blocking command */
    int bwait;            /* a blocking command's reply is awaited (0 or 1) */
    int bshard;           /* the shard keeping its waiter */
    /* Scripts sent to another shard (see conn_script_gate). The last
     * such script's hole until its reply is in, and its shard; how many
     * commands sent to other shards are unanswered, and their shard if
     * they all went to one (else -1). */
    struct oseg *script_hole;
    int script_shard;
    int away_n, away_shard;
    uint8_t script_wait; /* input held for them (paused is set too) */
};

/* Room for a formatted address ("ip:port", IPv6 included). */
#define CONN_ADDR_LEN 64

/* A command went to shard `target` with its reply in `hole` (`script`:
 * it runs a script). */
void conn_sent_away(struct conn *c, struct oseg *hole, int target, int script);
/* A command for shard `target` (-1: several, or every shard) is about to
 * run (`script`: a script that would be sent there): 1 if it must wait,
 * the connection paused and the command parsed again later.
 *
 * Why: a script sent to the shard of its keys may come to lock every shard
 * from there (keys it did not declare), and that shard's messages to the
 * others are not ordered with this one's. So the client's later commands
 * for any other shard wait for the script's reply (those for its shard
 * follow it there anyway), and a script is only sent once what the client
 * sent to other shards before it has been answered. */
int conn_script_gate(struct conn *c, int target, int script);

/* Create a connection for an accepted socket on shard sh. */
struct conn *conn_new(struct shard *sh, int fd);
/* A connection the server makes to itself (one end of a socketpair): runs
 * what the server sends it as a client's commands (the save points'
 * BGSAVE), authenticated, left out of CLIENT LIST, INFO and maxclients. */
struct conn *conn_new_internal(struct shard *sh, int fd);
/* New bytes from the socket (they are copied if they must outlive the call). */
void conn_on_data(struct conn *c, const char *data, size_t len);
/* Resume parsing held input (after a barrier is lifted). */
void conn_resume(struct conn *c);
/* Completion of the in-flight send. */
void conn_on_sent(struct conn *c, int res);
/* The multishot recv ended (res: 0 = EOF, <0 = error or -ENOBUFS). */
void conn_on_recv_end(struct conn *c, int res);
/* Stop reading and free the connection once nothing is in flight. */
void conn_close(struct conn *c);
/* Drop one in-flight reference; frees a closing connection at zero. */
void conn_unref(struct conn *c);
/* Re-arm receives that ended for lack of buffers (once per loop iteration). */
void conns_rearm(struct shard *sh);
/* CLIENT PAUSE: if this shard is paused for cmd, hold it (the command and
 * the input after it stay unparsed in c->in) and return 1; else 0. */
int conn_pause_holds(struct conn *c, const struct command *cmd);
/* Pause this shard's clients until end_ms (a longer or stricter pause
 * already in effect stays). */
void conns_pause(struct shard *sh, int type, long long end_ms);
/* End the pause now (or, with only_expired, if its time is up). The held
 * clients run at the next conns_resume_paused. */
void conns_unpause(struct shard *sh, int only_expired);
/* Once no pause is in effect, run the held clients' input (from the loop,
 * never inside a command). Returns 1 if it resumed any. */
int conns_resume_paused(struct shard *sh);
/* Close clients idle for more than `timeout` seconds (cron). Costs time in
 * proportion to the clients it closes, not to all clients. */
void conns_close_idle(struct shard *sh, long long timeout_s);
/* client-output-buffer-limit: close the watched clients over a hard limit,
 * or over a soft limit for its seconds (cron). Only clients whose output
 * reached a limit's size are watched, so this costs nothing per idle client. */
void conns_check_output_limits(struct shard *sh);
/* Free the pooled output buffers and segments that went unused since the
 * last call (called once per cron tick). */
void conns_trim_pools(struct shard *sh);
/* Queue the connection for a flush at the end of this loop iteration. */
void conn_want_flush(struct conn *c);
/* Send what is ready (called once per connection per loop iteration). */
void conn_flush(struct conn *c);
/* Insert a hole for a reply that another shard will produce. */
struct oseg *conn_add_hole(struct conn *c);
/* May the command being dispatched have its reply sent by the shard that
 * runs it (xmsg.h, delegated replies)? Only when that reply is the next
 * thing the socket carries and nothing follows it in this input. */
int conn_can_delegate(struct conn *c);
/* Mark the hole just added (the head of the queue) as delegated. */
void conn_delegate(struct conn *c, struct oseg *hole);
/* The owner finished a delegated send the connection asked about. */
void conn_deleg_done(struct oseg *hole);
/* The hole holds the reply of a blocking command run on shard `owner`:
 * the client counts as blocked, its input held, until it is filled. */
void conn_block_hole(struct conn *c, struct oseg *hole, int owner);
/* Fill a hole with a reply: bytes inside `ref` (a reply batch, referenced
 * until sent) or, with ref NULL, a malloc'd buffer the segment takes over.
 * Replies up to OSEG_INLINE bytes are copied into the segment instead. */
void conn_fill_hole(struct oseg *s, char *p, size_t len, struct xmsg *ref);
/* Queue len bytes at p, inside the reference-counted buffer `ref` (a
 * reference is taken until they are sent), after everything queued so far. */
void conn_add_shared(struct conn *c, const char *p, size_t len, struct xmsg *ref);
/* Queue a published message, len bytes at p inside the shard's message log
 * chunk `log` (pubsub.c): appended to the queued run of that chunk it
 * follows, if any, else queued as a run of its own or copied. */
void conn_add_message(struct conn *c, const char *p, size_t len, struct xmsg *log);
/* The same, queued just ahead of `hole`, one of c's holes not yet filled. */
void conn_add_message_before(struct conn *c, const char *p, size_t len, struct xmsg *log, struct oseg *hole);
/* Bytes of output this connection holds. */
size_t conn_output_bytes(const struct conn *c);
/* The connection's meta block, allocated on first use. */
struct conn_meta *conn_meta(struct conn *c);
/* The peer's "ip:port" into dst (CONN_ADDR_LEN bytes); returns dst. Asks
 * the socket (nothing is stored per connection). */
const char *conn_addr(const struct conn *c, char *dst);
/* The local "ip:port" of the socket into dst (CONN_ADDR_LEN bytes). */
const char *conn_laddr(const struct conn *c, char *dst);
/* Is a peer address the one protected mode lets in? Like Redis 7.0: exactly
 * 127.0.0.1 or ::1 (not the rest of 127.0.0.0/8). */
int addr_is_loopback(const struct sockaddr_storage *ss);
/* Move c to the tail of its shard's activity list (it just sent input). */
void conn_touch(struct conn *c);
/* Describe the connection like a CLIENT LIST line (no trailing newline). */
void conn_describe(const struct conn *c, struct buf *b);

#endif
