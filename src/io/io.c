/*
 * io.c - io_uring setup, request preparation and the completion loop.
 *
 * The shape follows liburing's echo server: submit_and_wait, walk the CQ,
 * advance once. Requests are queued into SQEs as they are made; if the SQ is
 * full it is submitted early to make room.
 */
#include "io.h"

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define IO_BGID 1
/* Receive buffers handed to the kernel at first; more are added, doubling,
 * when receives of several connections find the ring empty (io_bufs_grow). The buffer area
 * is reserved for all nbufs up front but a page costs memory only once a
 * receive writes to it, and the kernel takes buffers in ring order, so a
 * quiet shard keeps 256 KB resident instead of nbufs x bufsize. */
#define IO_BUFS_INITIAL 16

struct io {
    struct io_uring ring;
    struct io_uring_buf_ring *br;
    char *bufs;
    unsigned nbufs, bufsize;
    unsigned provided; /* buffers 0..provided-1 circulate; <= nbufs */
    unsigned returned; /* buffers added since the last publish */
    int dirty;         /* a receive used a buffer since io_bufs_release */
    int fast;
    struct __kernel_timespec ts; /* the one armed timer's interval */
};

static struct io_uring_sqe *get_sqe(struct io *io) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&io->ring);
    while (!sqe) {
        io_uring_submit(&io->ring);
        sqe = io_uring_get_sqe(&io->ring);
    }
    return sqe;
}

struct io *io_create(unsigned entries, unsigned nbufs, unsigned bufsize, const char **err) {
    struct io *io = calloc(1, sizeof(*io));
    if (!io) {
        *err = "out of memory";
        return NULL;
    }
    struct io_uring_params p;
    memset(&p, 0, sizeof(p));
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL;
    p.cq_entries = entries * 8;
    p.flags |= IORING_SETUP_CQSIZE;
    /* tests force the plain setup to exercise the fallback older kernels get */
    int ret = getenv("REDIS_SHARD_TEST_PLAIN_RING") ? -EINVAL : io_uring_queue_init_params(entries, &io->ring, &p);
    if (ret == 0) {
        io->fast = 1;
    } else {
        memset(&p, 0, sizeof(p));
        p.flags = IORING_SETUP_CQSIZE;
        p.cq_entries = entries * 8;
        ret = io_uring_queue_init_params(entries, &io->ring, &p);
    }
    if (ret < 0) {
        *err = "io_uring_queue_init failed (is io_uring enabled in this kernel?)";
        free(io);
        return NULL;
    }
    io->nbufs = nbufs;
    io->bufsize = bufsize;
    if (posix_memalign((void **)&io->br, 4096, nbufs * sizeof(struct io_uring_buf)) ||
        posix_memalign((void **)&io->bufs, 4096, (size_t)nbufs * bufsize)) {
        *err = "out of memory for receive buffers";
        io_uring_queue_exit(&io->ring);
        free(io);
        return NULL;
    }
    io_uring_buf_ring_init(io->br);
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof(reg));
    reg.ring_addr = (unsigned long)io->br;
    reg.ring_entries = nbufs;
    reg.bgid = IO_BGID;
    if (io_uring_register_buf_ring(&io->ring, &reg, 0) < 0) {
        *err = "io_uring provided buffer rings are not supported by this kernel (need 5.19+)";
        io_uring_queue_exit(&io->ring);
        free(io->br);
        free(io->bufs);
        free(io);
        return NULL;
    }
    io_bufs_grow(io);
    return io;
}

void io_bufs_grow(struct io *io) {
    if (io->provided >= io->nbufs) return;
    unsigned add = io->provided ? io->provided : IO_BUFS_INITIAL;
    if (add > io->nbufs - io->provided) add = io->nbufs - io->provided;
    unsigned mask = io_uring_buf_ring_mask(io->nbufs);
    for (unsigned i = 0; i < add; i++) {
        unsigned bid = io->provided + i;
        io_uring_buf_ring_add(io->br, io_buf(io, bid), io->bufsize, (unsigned short)bid, mask,
                              (int)(io->returned + i));
    }
    io->provided += add;
    io->returned += add;
}

void io_destroy(struct io *io) {
    if (!io) return;
    io_uring_queue_exit(&io->ring);
    free(io->br);
    free(io->bufs);
    free(io);
}

int io_ring_fd(const struct io *io) { return io->ring.ring_fd; }
int io_is_fast_mode(const struct io *io) { return io->fast; }

char *io_buf(struct io *io, unsigned bid) { return io->bufs + (size_t)bid * io->bufsize; }

void io_buf_return(struct io *io, unsigned bid) {
    io->dirty = 1;
    io_uring_buf_ring_add(io->br, io_buf(io, bid), io->bufsize, (unsigned short)bid,
                          io_uring_buf_ring_mask(io->nbufs), (int)io->returned);
    io->returned++;
}

int io_bufs_release(struct io *io) {
    if (!io->dirty) return 1;
    /* Only where no receive can write into a buffer behind our back: with
     * DEFER_TASKRUN the kernel fills buffers only inside this thread's own
     * io_uring_enter calls, and an empty CQ means every buffer it filled
     * has been handled and returned. (Without it, task work may fill one
     * on any return to user space.) */
    if (!io->fast) return 1; /* nothing this can safely do: do not ask again */
    if (io_uring_cq_ready(&io->ring)) return 0;
    madvise(io->bufs, (size_t)io->provided * io->bufsize, MADV_DONTNEED);
    io->dirty = 0;
    return 1;
}

static void publish_bufs(struct io *io) {
    if (io->returned) {
        io_uring_buf_ring_advance(io->br, (int)io->returned);
        io->returned = 0;
    }
}

void io_accept(struct io *io, int lfd, uint64_t tag) {
    struct io_uring_sqe *sqe = get_sqe(io);
    io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, 0);
    io_uring_sqe_set_data64(sqe, tag);
}

void io_recv(struct io *io, int fd, uint64_t tag) {
    publish_bufs(io);
    struct io_uring_sqe *sqe = get_sqe(io);
    io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = IO_BGID;
    io_uring_sqe_set_data64(sqe, tag);
}

void io_send(struct io *io, int fd, const void *p, size_t len, uint64_t tag) {
    struct io_uring_sqe *sqe = get_sqe(io);
    io_uring_prep_send(sqe, fd, p, len, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag);
}

void io_sendmsg(struct io *io, int fd, const struct msghdr *m, uint64_t tag) {
    struct io_uring_sqe *sqe = get_sqe(io);
    io_uring_prep_sendmsg(sqe, fd, m, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag);
}

void io_wake(struct io *io, int target_ring_fd, uint64_t tag) {
    struct io_uring_sqe *sqe = get_sqe(io);
    io_uring_prep_msg_ring(sqe, target_ring_fd, 0, tag, 0);
    /* the sender needs no completion of its own for this */
    io_uring_sqe_set_data64(sqe, IO_TAG(IO_NOP, 0));
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

void io_timer(struct io *io, long ms, uint64_t tag) {
    io->ts.tv_sec = ms / 1000;
    io->ts.tv_nsec = (ms % 1000) * 1000000;
    struct io_uring_sqe *sqe = get_sqe(io);
    io_uring_prep_timeout(sqe, &io->ts, 0, 0);
    io_uring_sqe_set_data64(sqe, tag);
}

void io_write(struct io *io, int fd, const void *p, size_t len, uint64_t off, uint64_t tag) {
    struct io_uring_sqe *sqe = get_sqe(io);
    io_uring_prep_write(sqe, fd, p, (unsigned)(len > (1u << 30) ? (1u << 30) : len), off);
    io_uring_sqe_set_data64(sqe, tag);
}

int io_run(struct io *io, unsigned wait_nr, void (*fn)(void *ctx, const struct io_cqe *c),
           void *ctx) {
    publish_bufs(io);
    int ret = wait_nr ? io_uring_submit_and_wait(&io->ring, wait_nr) : io_uring_submit(&io->ring);
    if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY && ret != -ETIME) return ret;
    /* DEFER_TASKRUN: completions are only produced when we enter the kernel */
    if (!wait_nr && io->fast) io_uring_get_events(&io->ring);
    /* Each completion is taken off the ring before fn sees it: fn may call
     * io_run again (a script past busy-reply-threshold serves the other
     * clients from inside a command) and must not see it twice. */
    struct io_uring_cqe *cqe;
    unsigned head, n = 0;
    for (;;) {
        int seen = 0;
        io_uring_for_each_cqe(&io->ring, head, cqe) {
            seen = 1;
            break;
        }
        if (!seen) break;
        struct io_cqe c;
        c.tag = cqe->user_data;
        c.res = cqe->res;
        c.more = (cqe->flags & IORING_CQE_F_MORE) != 0;
        c.has_buf = (cqe->flags & IORING_CQE_F_BUFFER) != 0;
        c.bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
        io_uring_cq_advance(&io->ring, 1);
        n++;
        fn(ctx, &c);
    }
    return (int)n;
}
