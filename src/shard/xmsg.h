/*
 * xmsg.h - messages between shards.
 *
 * One message carries a whole batch: every request one shard has for another
 * in one loop iteration, or every reply to such a batch. Requests copy their
 * arguments into the body; replies are the RESP bytes, which the origin
 * sends to clients straight from the body (the message is freed when the
 * last reply pointing into it has been sent).
 *
 * Request entry:  cookie u64 | cmd id u32 | db u32 | resp u8 | argc u32 |
 *                 argc x (len u64 | bytes)
 * Reply entry:    cookie u64 | len u64 | bytes
 *
 * The cookie is the origin's own pointer, opaque to the executing shard; its
 * low 3 bits say what it points to (XC_* below).
 *
 * Delegated replies: a request may carry the client's socket (fd >= 0 in
 * xmsg_send_cmd). The executing shard then sends a small reply on that
 * socket itself instead of returning it, which saves the origin a wake-up
 * and a loop iteration per command (what a request/response client pays
 * for every hop). The origin only does this when the reply is the next
 * thing the socket carries (see conn_can_delegate). The hole stays in the
 * origin's queue meanwhile; `deleg` in it is the one word both shards
 * touch: the origin sets DELEG_OUT before sending, the owner clears it
 * (an atomic exchange, its last access to the hole) once its send is done,
 * and answers with an XC_DONE entry if the origin had added DELEG_WAIT to
 * be told. Replies over DELEG_MAX come back as ordinary replies.
 */
#ifndef SHARD_XMSG_H
#define SHARD_XMSG_H

#include <stdint.h>

#include "../server.h"

enum { XMSG_REQ = 1, XMSG_REPLY = 2 };
enum {
    XC_HOLE = 0,
    XC_PART = 1,
    XC_SINK = 2, /* reply not wanted */
    XC_DONE = 3, /* delegated send done */
    XC_TXN = 4,  /* a transaction's lock request (txn.h) */
    XC_BLK = 5,  /* a key a blocked client waits on got data (block.h); the "pointer" is its id << 3 */
    XC_SCRIPT = 6, /* a script's call on another shard (script.h) */
};
enum { DELEG_OUT = 1, DELEG_WAIT = 2 };
/* Added to a request's resp byte: the client is a subscriber, send the
 * keyspace events the command causes for the origin ahead of the reply
 * (pubsub_notify_send). */
#define XR_NOTIFY_FIRST 0x40
/* Added too: sent for the transaction holding the destination whole
 * (txn_whole), which lets it pass. */
#define XR_WHOLE 0x80
#define DELEG_MAX (16 * 1024)

struct xmsg {
    struct xmsg *next; /* backlog link while the ring is full */
    int src, dst;
    int kind;
    int refs;
    uint32_t n;
    struct buf body;
};

#define XC_MAKE(ptr, kind) ((uint64_t)(uintptr_t)(ptr) | (uint64_t)(kind))
#define XC_KIND(c) ((int)((c)&7))
#define XC_PTR(c) ((void *)(uintptr_t)((c) & ~(uint64_t)7))

/* Queue a command for shard dst in this iteration's batch; fd >= 0 lets dst
 * send the reply on that socket itself (a delegated hole, see above). */
void xmsg_send_cmd(struct shard *sh, int dst, uint64_t cookie, const struct command *cmd, int dbid, int resp,
                   int argc, const struct arg *argv, int fd);
/* Queue a reply entry (len bytes at p) for the origin's cookie, outside
 * the request that asked for it (a blocked client served later). */
void xmsg_send_reply(struct shard *sh, int dst, uint64_t cookie, const char *p, size_t len);
/* The shard that issued a delegated send (its IO_DSEND tag). */
struct shard *xmsg_dsend_owner(const void *ent);
/* Completion of a delegated send (IO_DSEND), run as its owner shard. */
void xmsg_dsend_done(void *ent, int res);
/* Push every batch built this iteration and wake sleeping receivers. */
void xmsg_flush(struct shard *sh);
/* Take and handle everything other shards sent us. Returns messages handled. */
int xmsg_drain(struct shard *sh);
/* 1 if any incoming ring has a message waiting. */
int xmsg_pending(struct shard *sh);
void xmsg_unref(struct xmsg *m);
/* 1 if batches wait for room in a full ring. */
int xmsg_backlogged(struct shard *sh);

#endif
