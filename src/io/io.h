/*
 * io.h - the per-shard io_uring event loop primitives.
 *
 * Only src/io/ includes liburing. A shard owns one struct io: a ring set up
 * with SINGLE_ISSUER + DEFER_TASKRUN where the kernel has them (plain setup
 * otherwise), and one provided-buffer ring for multishot receives, so an idle
 * connection holds no receive buffer.
 *
 * Every request carries a 64-bit tag built by IO_TAG(): a pointer (8-byte
 * aligned) with the event type in its low 3 bits. Completions are delivered
 * to a callback with the tag, the result and the flags decoded.
 */
#ifndef IO_IO_H
#define IO_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

enum io_ev {
    IO_ACCEPT = 1,
    IO_RECV = 2,
    IO_SEND = 3,
    IO_WAKE = 4,
    IO_TIMER = 5,
    IO_NOP = 6,    /* with a pointer: a file write's (io_write; the shard hands it on) */
    IO_DSEND = 7 /* a reply sent for another shard's client (xmsg.c) */
};

#define IO_TAG(ev, ptr) ((uint64_t)(uintptr_t)(ptr) | (uint64_t)(ev))
#define IO_TAG_EV(tag) ((int)((tag)&7))
#define IO_TAG_PTR(tag) ((void *)(uintptr_t)((tag) & ~(uint64_t)7))

struct io;

struct io_cqe {
    uint64_t tag;
    int res;
    int more;     /* a multishot request stays armed */
    int has_buf;  /* res bytes are in the provided buffer `bid` */
    unsigned bid;
};

/* Create a ring with `entries` SQEs and a buffer ring of nbufs x bufsize.
 * Returns NULL and a message in err (static text) on failure. */
struct io *io_create(unsigned entries, unsigned nbufs, unsigned bufsize, const char **err);
void io_destroy(struct io *io);
/* The ring's fd, the target of io_wake() from other shards. */
int io_ring_fd(const struct io *io);
/* 1 if SINGLE_ISSUER/DEFER_TASKRUN were available. */
int io_is_fast_mode(const struct io *io);

char *io_buf(struct io *io, unsigned bid);
/* Give a provided buffer back to the ring (published at the next io_wait). */
void io_buf_return(struct io *io, unsigned bid);
/* A receive found no buffer: put more of the nbufs into circulation
 * (doubling; published with the returned ones). No-op once all are. */
void io_bufs_grow(struct io *io);
/* Hand the pages of the receive buffers back to the kernel (a quiet shard's
 * buffers then cost no memory until traffic returns; only with
 * DEFER_TASKRUN, a no-op otherwise). Returns 0 if it could not now: call it
 * again later, between io_run calls. */
int io_bufs_release(struct io *io);

void io_accept(struct io *io, int lfd, uint64_t tag);        /* multishot */
void io_recv(struct io *io, int fd, uint64_t tag);           /* multishot, buffer ring */
void io_send(struct io *io, int fd, const void *p, size_t len, uint64_t tag);
void io_sendmsg(struct io *io, int fd, const struct msghdr *m, uint64_t tag);
/* Write len bytes (at most 1 GB at once: the completion says how many)
 * of p at offset off of a file. */
void io_write(struct io *io, int fd, const void *p, size_t len, uint64_t off, uint64_t tag);
/* Post a completion with `tag` on another shard's ring (its fd). */
void io_wake(struct io *io, int target_ring_fd, uint64_t tag);
/* A one-shot timer firing after `ms` milliseconds. */
void io_timer(struct io *io, long ms, uint64_t tag);

/*
 * Submit what was queued and wait for at least `wait_nr` completions
 * (0: do not block), then call fn for every completion available.
 * Returns the number handled.
 */
int io_run(struct io *io, unsigned wait_nr, void (*fn)(void *ctx, const struct io_cqe *c),
           void *ctx);

#endif
