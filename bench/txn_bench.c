/*
 * txn_bench.c - transactions, multi-key commands and a BRPOP job queue
 * against one server, with the server's CPU time per operation.
 *
 * One thread, one epoll loop, C hiredis connections in non-blocking mode;
 * each connection keeps D operations in flight (pipelined). Before the timed
 * part the tool sends FLUSHALL. Modes (one "op" is what the result counts):
 *
 *   multi-tag     MULTI; INCR {t<i>}a; INCR {t<i>}b; INCR {t<i>}c; EXEC on
 *                 connection i (each connection its own tag, so the tags
 *                 land on different shards). op = one transaction. Checks:
 *                 +OK, three +QUEUED, and an EXEC array of three integers,
 *                 all equal to the transaction's number on its connection.
 *   incr-tag      the same three INCRs without MULTI/EXEC. op = 3 INCRs.
 *   multi-spread  like multi-tag, with three keys without a tag picked so
 *                 that with 2 shards (shard = slot * 2 / 16384) they are on
 *                 both shards. op = one transaction.
 *   mset10        MSET of 10 keys, 5 on each shard of a 2-shard server
 *                 (connection i has its own keys; the value carries the op's
 *                 number). Checks +OK, and afterwards that an MGET of each
 *                 connection's keys returns its last MSET. op = one MSET.
 *   mget10        MGET of those 10 keys, loaded before the timed part; the
 *                 reply must be exactly the 10 loaded values. op = one MGET.
 *   jobs          -w producers LPUSH the job ids 0..J-1, job j onto list
 *                 q<j % Q> (at most -d LPUSHes in flight per producer); -k
 *                 consumers each keep one "BRPOP <lists> 1" in flight and
 *                 send the next one when its reply comes. With Q=1 all
 *                 consumers wait on q0; otherwise consumer c waits on
 *                 q<(c*L + t) % Q>, t < L (-l, default 8). Checks: every job
 *                 arrives exactly once, from the list it was pushed to and
 *                 one the consumer waits on; after the last job every
 *                 outstanding BRPOP times out with a nil reply; the lists
 *                 are empty at the end. op = one job (pushed and popped).
 *
 * The timed part runs from the first request to the last op's reply; the
 * server's CPU time is utime+stime of -P PID (all threads) from
 * /proc/PID/stat over the same span. Output, one line on stdout:
 *
 *   mode=M ops=N secs=S ops_per_s=X cpu_us_per_op=Y user_us_per_op=U errors=E
 *
 * Exit status 1 on any wrong reply, error reply, lost or duplicated job, or a
 * stall (no progress for -S seconds, default 10: the tool prints what was
 * outstanding, and for jobs the lengths of the lists, then exits; the same
 * on SIGTERM during the timed part).
 *
 * Usage: txn_bench -p PORT -P PID -m MODE [-c CONNS] [-d DEPTH] [-n OPS]
 *                  [-q QUEUES -k CONSUMERS -w PRODUCERS -j JOBS -l LISTS]
 *                  [-S STALL_SECS] [-h HOST]
 * Build: cc -O2 -o build/bench/txn_bench bench/txn_bench.c -lhiredis
 */
#define _GNU_SOURCE
#include <errno.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum mode { M_MULTI_TAG, M_INCR_TAG, M_MULTI_SPREAD, M_MSET10, M_MGET10, M_JOBS, M_BIG_INTER,
            M_RL_SCRIPT, M_RL_CMDS, M_LOCK_SCRIPT, M_TRANSFER_SCRIPT };
static const char *mode_names[] = {"multi-tag", "incr-tag", "multi-spread", "mset10", "mget10", "jobs", "big-inter",
                                   "rl-script", "rl-cmds", "lock-script", "transfer-script"};
/* the scripts of the script modes */
static const char rl_script[] =
    "local n = redis.call('incr', KEYS[1])\n"
    "if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end\n"
    "return n\n";
static const char release_script[] =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end\n"
    "return 0\n";
static const char transfer_script[] =
    "local a = redis.call('decrby', KEYS[1], ARGV[1])\n"
    "local b = redis.call('incrby', KEYS[2], ARGV[1])\n"
    "return a + b\n";
/* big-inter: members of the one big set (on shard 0 of 2) */
#define BIG_MEMBERS 1000000

enum role { R_LOAD, R_PRODUCER, R_CONSUMER };

#define NKEYS_MAX 10

struct conn {
    redisContext *ctx;
    int role;
    int idx;               /* index within its role */
    int out_armed;         /* EPOLLOUT registered */
    long long quota;       /* ops this connection sends in all */
    long long sent, done;  /* ops sent / ops whose last reply arrived */
    long long replies;     /* replies seen (position inside a multi-reply op) */
    char *op;              /* preformatted op, for modes that repeat one */
    size_t oplen;
    int nkeys;
    char keys[NKEYS_MAX][48];
    char vals[NKEYS_MAX][32];  /* mget10: what the keys hold */
    long long off[3];      /* counters: a mismatch seen is not counted again */
    long long next_job;    /* producer: next job id it pushes */
    int waiting;           /* consumer: a BRPOP is outstanding */
    int nlists;            /* consumer: lists it waits on */
    int *lists;
};

static const char *host = "127.0.0.1";
static int port, mode = -1, nconns = 50, depth = 16, nqueues = 1, nconsumers = 8, nproducers = 4;
static int lists_per_consumer = 8, stall_secs = 10;
static long server_pid;
static long long nops = 100000, njobs = 200000;
static struct conn *conns;
static int total_conns, ep;
static long long errors, ops_done, last_progress_ns;
static unsigned char *seen;      /* jobs: one bit per job */
static long long jobs_seen, jobs_pushed, brpop_timeouts;
static volatile sig_atomic_t terminated;  /* SIGTERM (the script's timeout) */

static void on_sigterm(int sig) {
    (void)sig;
    terminated = 1;
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long server_user_ticks;

/* utime+stime of the server in clock ticks (utime alone in server_user_ticks) */
static long long server_ticks(void) {
    char path[64], buf[2048];
    snprintf(path, sizeof(path), "/proc/%ld/stat", server_pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    long long ut = 0, st = 0;
    /* fields after ") ": 3 state .. 14 utime, 15 stime */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) != 2) return -1;
    server_user_ticks = ut;
    return ut + st;
}

/* ------------------------------------------------------------ key slots */

/* CRC16, polynomial 0x1021, initial value 0, no reflection (XMODEM): the
 * checksum Redis Cluster hashes keys with. */
static uint16_t crc16_xmodem(const char *s, size_t n) {
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)((uint8_t)s[i] << 8);
        for (int b = 0; b < 8; b++) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

/* The hash slot of a key: only the part inside the first non-empty {...}
 * counts when there is one. */
static int key_slot(const char *key) {
    size_t n = strlen(key);
    const char *open = memchr(key, '{', n);
    if (open) {
        const char *close = memchr(open + 1, '}', n - (size_t)(open + 1 - key));
        if (close && close > open + 1) return crc16_xmodem(open + 1, (size_t)(close - open - 1)) & 16383;
    }
    return crc16_xmodem(key, n) & 16383;
}

static int shard_of(const char *key, int nshards) { return key_slot(key) * nshards / 16384; }

/* Next name "<prefix><n>" (n counting up from *counter) on shard `want` of 2. */
static void key_on_shard(char *out, size_t cap, const char *prefix, int *counter, int want) {
    for (;;) {
        snprintf(out, cap, "%.24s%d", prefix, (*counter)++);
        if (want < 0 || shard_of(out, 2) == want) return;
    }
}

/* ------------------------------------------------------------ I/O */

static void die_conn(struct conn *c, const char *what) {
    fprintf(stderr, "txn_bench: %s connection %d: %s: %s\n",
            c->role == R_PRODUCER ? "producer" : c->role == R_CONSUMER ? "consumer" : "load", c->idx, what,
            c->ctx->errstr[0] ? c->ctx->errstr : "connection closed");
    exit(1);
}

static void arm_out(struct conn *c, int on) {
    if (c->out_armed == on) return;
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->ctx->fd, &ev);
    c->out_armed = on;
}

static void flush_conn(struct conn *c) {
    int done = 0;
    if (redisBufferWrite(c->ctx, &done) != REDIS_OK) die_conn(c, "write");
    arm_out(c, !done);
}

static redisContext *connect_nb(void) {
    redisContext *ctx = redisConnectNonBlock(host, port);
    if (!ctx || ctx->err) {
        fprintf(stderr, "txn_bench: connect %s:%d: %s\n", host, port, ctx ? ctx->errstr : "out of memory");
        exit(1);
    }
    struct pollfd pfd = {.fd = ctx->fd, .events = POLLOUT};
    int err = 0;
    socklen_t len = sizeof(err);
    if (poll(&pfd, 1, 5000) != 1 || getsockopt(ctx->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err) {
        fprintf(stderr, "txn_bench: connect %s:%d: %s\n", host, port, err ? strerror(err) : "timed out");
        exit(1);
    }
    return ctx;
}

/* A blocking side connection for setup and final checks. */
static redisContext *connect_sync(void) {
    struct timeval tv = {10, 0};
    redisContext *ctx = redisConnectWithTimeout(host, port, tv);
    if (!ctx || ctx->err) {
        fprintf(stderr, "txn_bench: connect %s:%d: %s\n", host, port, ctx ? ctx->errstr : "out of memory");
        exit(1);
    }
    redisSetTimeout(ctx, tv);
    return ctx;
}

static redisReply *sync_cmd_argv(redisContext *ctx, int argc, const char **argv) {
    redisReply *r = redisCommandArgv(ctx, argc, argv, NULL);
    if (!r) {
        fprintf(stderr, "txn_bench: setup command %s: %s\n", argv[0], ctx->errstr);
        exit(1);
    }
    if (r->type == REDIS_REPLY_ERROR) {
        fprintf(stderr, "txn_bench: setup command %s: %s\n", argv[0], r->str);
        exit(1);
    }
    return r;
}

/* ------------------------------------------------------------ ops */

static void append_formatted(struct conn *c, const char *cmd, size_t len) {
    if (redisAppendFormattedCommand(c->ctx, cmd, len) != REDIS_OK) die_conn(c, "append");
}

static void append_argv(struct conn *c, int argc, const char **argv) {
    if (redisAppendCommandArgv(c->ctx, argc, argv, NULL) != REDIS_OK) die_conn(c, "append");
}

/* Concatenate the RESP encoding of a command onto a growing buffer. */
static void op_add(struct conn *c, int argc, const char **argv) {
    char *cmd;
    int len = redisFormatCommandArgv(&cmd, argc, argv, NULL);
    if (len < 0) exit(1);
    c->op = realloc(c->op, c->oplen + (size_t)len);
    if (!c->op) exit(1);
    memcpy(c->op + c->oplen, cmd, (size_t)len);
    c->oplen += (size_t)len;
    free(cmd);
}

static void send_mset(struct conn *c, long long k) {
    const char *argv[1 + 2 * NKEYS_MAX];
    char val[32];
    snprintf(val, sizeof(val), "%d:%lld", c->idx, k);
    argv[0] = "MSET";
    for (int i = 0; i < c->nkeys; i++) {
        argv[1 + 2 * i] = c->keys[i];
        argv[2 + 2 * i] = val;
    }
    append_argv(c, 1 + 2 * c->nkeys, argv);
}

static void send_lpush(struct conn *c, long long job) {
    char list[24], id[24];
    snprintf(list, sizeof(list), "q%lld", job % nqueues);
    snprintf(id, sizeof(id), "%lld", job);
    const char *argv[] = {"LPUSH", list, id};
    append_argv(c, 3, argv);
}

/* Top up a connection's pipeline and write what fits. */
static void refill(struct conn *c) {
    int added = 0;
    if (c->role == R_LOAD) {
        while (c->sent < c->quota && c->sent - c->done < depth) {
            if (mode == M_MSET10) send_mset(c, c->sent + 1);
            else append_formatted(c, c->op, c->oplen);
            c->sent++;
            added = 1;
        }
    } else if (c->role == R_PRODUCER) {
        while (c->next_job < njobs && c->sent - c->done < depth) {
            send_lpush(c, c->next_job);
            c->next_job += nproducers;
            c->sent++;
            added = 1;
        }
    } else if (!c->waiting && jobs_seen < njobs) {
        append_formatted(c, c->op, c->oplen);
        c->waiting = 1;
        c->sent++;
        added = 1;
    }
    if (added) flush_conn(c);
}

static void bad_reply(struct conn *c, const char *what, redisReply *r) {
    errors++;
    if (errors <= 10) {
        char desc[160];
        switch (r->type) {
        case REDIS_REPLY_ERROR: snprintf(desc, sizeof(desc), "error reply \"%.120s\"", r->str); break;
        case REDIS_REPLY_STATUS: snprintf(desc, sizeof(desc), "status \"%.120s\"", r->str); break;
        case REDIS_REPLY_STRING: snprintf(desc, sizeof(desc), "bulk \"%.120s\"", r->str); break;
        case REDIS_REPLY_INTEGER: snprintf(desc, sizeof(desc), "integer %lld", r->integer); break;
        case REDIS_REPLY_NIL: snprintf(desc, sizeof(desc), "nil"); break;
        case REDIS_REPLY_ARRAY: snprintf(desc, sizeof(desc), "array of %zu", r->elements); break;
        default: snprintf(desc, sizeof(desc), "reply type %d", r->type);
        }
        fprintf(stderr, "txn_bench: %s: conn %d op %lld: expected %s, got %s\n", mode_names[mode], c->idx,
                c->done + 1, what, desc);
    }
}

static int is_status(redisReply *r, const char *s) {
    return r->type == REDIS_REPLY_STATUS && strcmp(r->str, s) == 0;
}

static void op_completed(struct conn *c) {
    c->done++;
    ops_done++;
    last_progress_ns = now_ns();
}

static void on_consumer_reply(struct conn *c, redisReply *r) {
    c->waiting = 0;
    if (r->type == REDIS_REPLY_NIL) {
        brpop_timeouts++;
        return;
    }
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[1]->type != REDIS_REPLY_STRING) {
        bad_reply(c, "BRPOP [list, job] or nil", r);
        return;
    }
    char *end;
    long long job = strtoll(r->element[1]->str, &end, 10);
    if (*end || job < 0 || job >= njobs) {
        if (errors++ < 10)
            fprintf(stderr, "txn_bench: jobs: consumer %d popped unknown value \"%.60s\" from %s\n", c->idx,
                    r->element[1]->str, r->element[0]->str);
        return;
    }
    char want[24];
    snprintf(want, sizeof(want), "q%lld", job % nqueues);
    int listed = 0;
    for (int i = 0; i < c->nlists; i++)
        if (c->lists[i] == job % nqueues) listed = 1;
    if (strcmp(want, r->element[0]->str) != 0 || !listed) {
        if (errors++ < 10)
            fprintf(stderr, "txn_bench: jobs: consumer %d got job %lld from list %s (pushed to %s, %s)\n", c->idx,
                    job, r->element[0]->str, want, listed ? "a list it waits on" : "not a list it waits on");
    }
    if (seen[job >> 3] & (1u << (job & 7))) {
        if (errors++ < 10)
            fprintf(stderr, "txn_bench: jobs: job %lld delivered twice (second time to consumer %d from %s)\n", job,
                    c->idx, r->element[0]->str);
        return;
    }
    seen[job >> 3] |= (unsigned char)(1u << (job & 7));
    jobs_seen++;
    c->done++;
    ops_done++;
    last_progress_ns = now_ns();
}

static void on_reply(struct conn *c, redisReply *r) {
    long long pos = c->replies++;
    if (c->role == R_CONSUMER) {
        on_consumer_reply(c, r);
        return;
    }
    if (c->role == R_PRODUCER) {
        if (r->type != REDIS_REPLY_INTEGER || r->integer < 1) bad_reply(c, "LPUSH integer >= 1", r);
        jobs_pushed++;
        c->done++;
        last_progress_ns = now_ns();
        return;
    }
    long long want = c->done + 1; /* the counters' value after this op */
    switch (mode) {
    case M_MULTI_TAG:
    case M_MULTI_SPREAD:
        switch (pos % 5) {
        case 0:
            if (!is_status(r, "OK")) bad_reply(c, "+OK to MULTI", r);
            break;
        case 1:
        case 2:
        case 3:
            if (!is_status(r, "QUEUED")) bad_reply(c, "+QUEUED", r);
            break;
        case 4: {
            int ok = r->type == REDIS_REPLY_ARRAY && r->elements == 3;
            for (size_t i = 0; ok && i < 3; i++)
                ok = r->element[i]->type == REDIS_REPLY_INTEGER;
            for (size_t i = 0; ok && i < 3; i++)
                if (r->element[i]->integer != want + c->off[i]) ok = -1;
            if (ok != 1) {
                char what[96];
                snprintf(what, sizeof(what), "EXEC array [%lld, %lld, %lld]", want + c->off[0],
                         want + c->off[1], want + c->off[2]);
                bad_reply(c, what, r);
                /* go on from the values seen, so one stray write counts once */
                if (ok == -1)
                    for (size_t i = 0; i < 3; i++) c->off[i] = r->element[i]->integer - want;
                if (r->type == REDIS_REPLY_ARRAY && errors <= 10)
                    for (size_t i = 0; i < r->elements; i++)
                        fprintf(stderr, "txn_bench:   element %zu: type %d integer %lld %s\n", i,
                                r->element[i]->type, r->element[i]->integer,
                                r->element[i]->str ? r->element[i]->str : "");
            }
            op_completed(c);
            break;
        }
        }
        break;
    case M_INCR_TAG:
        if (r->type != REDIS_REPLY_INTEGER || r->integer != want + c->off[pos % 3]) {
            char what[48];
            snprintf(what, sizeof(what), "INCR integer %lld", want + c->off[pos % 3]);
            bad_reply(c, what, r);
            if (r->type == REDIS_REPLY_INTEGER) c->off[pos % 3] = r->integer - want;
        }
        if (pos % 3 == 2) op_completed(c);
        break;
    case M_MSET10:
        if (!is_status(r, "OK")) bad_reply(c, "+OK to MSET", r);
        op_completed(c);
        break;
    case M_BIG_INTER:
        if (r->type != REDIS_REPLY_INTEGER || r->integer != 5) bad_reply(c, "SINTERSTORE integer 5", r);
        op_completed(c);
        break;
    case M_RL_SCRIPT:
        /* the key never expires within the run: the count is the op number */
        if (r->type != REDIS_REPLY_INTEGER || r->integer != want) bad_reply(c, "the limiter's count", r);
        op_completed(c);
        break;
    case M_RL_CMDS:
        if (pos % 2 == 0) {
            if (r->type != REDIS_REPLY_INTEGER || r->integer != want) bad_reply(c, "INCR's count", r);
        } else {
            if (r->type != REDIS_REPLY_INTEGER) bad_reply(c, "PEXPIRE integer", r);
            op_completed(c);
        }
        break;
    case M_LOCK_SCRIPT:
        if (pos % 2 == 0) {
            if (!is_status(r, "OK")) bad_reply(c, "+OK to SET NX PX (the lock free)", r);
        } else {
            if (r->type != REDIS_REPLY_INTEGER || r->integer != 1) bad_reply(c, "release script integer 1", r);
            op_completed(c);
        }
        break;
    case M_TRANSFER_SCRIPT:
        /* a + b stays what it was: 2,000,000,000 */
        if (r->type != REDIS_REPLY_INTEGER || r->integer != 2000000000) bad_reply(c, "transfer sum 2000000000", r);
        op_completed(c);
        break;
    case M_MGET10: {
        int ok = r->type == REDIS_REPLY_ARRAY && (int)r->elements == c->nkeys;
        for (int i = 0; ok && i < c->nkeys; i++)
            ok = r->element[i]->type == REDIS_REPLY_STRING && strcmp(r->element[i]->str, c->vals[i]) == 0;
        if (!ok) bad_reply(c, "MGET array of the 10 loaded values", r);
        op_completed(c);
        break;
    }
    }
}

static void on_readable(struct conn *c) {
    if (redisBufferRead(c->ctx) != REDIS_OK) die_conn(c, "read");
    for (;;) {
        void *rv = NULL;
        if (redisGetReplyFromReader(c->ctx, &rv) != REDIS_OK) die_conn(c, "protocol");
        if (!rv) break;
        on_reply(c, rv);
        freeReplyObject(rv);
    }
    refill(c);
}

static void poll_once(int timeout_ms) {
    struct epoll_event evs[256];
    int n = epoll_wait(ep, evs, 256, timeout_ms);
    for (int i = 0; i < n; i++) {
        struct conn *c = evs[i].data.ptr;
        if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
        if (evs[i].events & EPOLLOUT) flush_conn(c);
    }
}

/* ------------------------------------------------------------ stalls */

static void report_lists(void) {
    redisContext *s = connect_sync();
    long long total = 0;
    for (int q = 0; q < nqueues; q++) {
        char list[24];
        snprintf(list, sizeof(list), "q%d", q);
        const char *argv[] = {"LLEN", list};
        redisReply *r = sync_cmd_argv(s, 2, argv);
        if (r->type == REDIS_REPLY_INTEGER && r->integer) {
            fprintf(stderr, "txn_bench:   LLEN %s = %lld\n", list, r->integer);
            total += r->integer;
        }
        freeReplyObject(r);
    }
    fprintf(stderr, "txn_bench:   %lld jobs still in the lists\n", total);
    redisFree(s);
}

static void report_stall(void) {
    if (terminated)
        fprintf(stderr, "txn_bench: %s: TERMINATED (SIGTERM) with %lld of %lld ops done, last progress %.1f s ago\n",
                mode_names[mode], ops_done, mode == M_JOBS ? njobs : nops, (now_ns() - last_progress_ns) / 1e9);
    else
        fprintf(stderr, "txn_bench: %s: STALLED, no progress for %d s: %lld of %lld ops done\n", mode_names[mode],
                stall_secs, ops_done, mode == M_JOBS ? njobs : nops);
    int shown = 0;
    for (int i = 0; i < total_conns; i++) {
        struct conn *c = &conns[i];
        long long pending = c->role == R_CONSUMER ? c->waiting : c->sent - c->done;
        if (pending && shown++ < 20)
            fprintf(stderr, "txn_bench:   %s connection %d: %lld sent, %lld done, %lld replies, %lld waiting\n",
                    c->role == R_PRODUCER ? "producer" : c->role == R_CONSUMER ? "consumer" : "load", c->idx,
                    c->sent, c->done, c->replies, pending);
    }
    if (mode == M_JOBS) {
        fprintf(stderr, "txn_bench:   jobs pushed (LPUSH answered) %lld, popped %lld, BRPOP timeouts %lld\n",
                jobs_pushed, jobs_seen, brpop_timeouts);
        long long missing = 0;
        for (long long j = 0; j < njobs; j++)
            if (!(seen[j >> 3] & (1u << (j & 7))) && missing++ < 10)
                fprintf(stderr, "txn_bench:   job %lld (list q%lld) not received\n", j, j % nqueues);
        fprintf(stderr, "txn_bench:   %lld jobs not received\n", missing);
        report_lists();
    }
}

/* ------------------------------------------------------------ setup */

static struct conn *add_conn(int role, int idx) {
    struct conn *c = &conns[total_conns++];
    c->ctx = connect_nb();
    c->role = role;
    c->idx = idx;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->ctx->fd, &ev) != 0) {
        perror("epoll_ctl");
        exit(1);
    }
    return c;
}

/* big-inter: the big set, loaded 10,000 members per SADD. */
static void load_big_set(redisContext *s, const char *key) {
    const char *del[] = {"DEL", key};
    freeReplyObject(sync_cmd_argv(s, 2, del));
    const char **argv = calloc(10002, sizeof(char *));
    char (*m)[16] = calloc(10000, 16);
    if (!argv || !m) exit(1);
    argv[0] = "SADD";
    argv[1] = key;
    for (int base = 0; base < BIG_MEMBERS; base += 10000) {
        for (int j = 0; j < 10000; j++) {
            snprintf(m[j], 16, "member:%d", base + j);
            argv[2 + j] = m[j];
        }
        freeReplyObject(sync_cmd_argv(s, 10002, argv));
    }
    free(argv);
    free(m);
}

/* SCRIPT LOAD body: its SHA1 into sha (41 bytes). */
static void load_script(redisContext *s, const char *body, char *sha) {
    const char *argv[] = {"SCRIPT", "LOAD", body};
    redisReply *r = sync_cmd_argv(s, 3, argv);
    if (r->type != REDIS_REPLY_STRING || r->len != 40) {
        fprintf(stderr, "txn_bench: SCRIPT LOAD failed: %s\n", r->str ? r->str : "?");
        exit(1);
    }
    memcpy(sha, r->str, 41);
    freeReplyObject(r);
}

static void setup_load(redisContext *s) {
    int shard_count[2] = {0, 0};
    static char big[32], sha_rl[41], sha_release[41], sha_transfer[41];
    if (mode == M_RL_SCRIPT) load_script(s, rl_script, sha_rl);
    if (mode == M_LOCK_SCRIPT) load_script(s, release_script, sha_release);
    if (mode == M_TRANSFER_SCRIPT) load_script(s, transfer_script, sha_transfer);
    if (mode == M_BIG_INTER) {
        int counter = 0;
        key_on_shard(big, sizeof(big), "big.", &counter, 0);
        load_big_set(s, big);
    }
    for (int i = 0; i < nconns; i++) {
        struct conn *c = add_conn(R_LOAD, i);
        c->quota = nops / nconns + (i < nops % nconns ? 1 : 0);
        int counter = 0;
        char prefix[24];
        switch (mode) {
        case M_MULTI_TAG:
        case M_INCR_TAG:
            c->nkeys = 3;
            for (int k = 0; k < 3; k++) snprintf(c->keys[k], sizeof(c->keys[k]), "{t%d}%c", i, 'a' + k);
            shard_count[shard_of(c->keys[0], 2)]++;
            break;
        case M_MULTI_SPREAD:
            /* one key on each shard of two, the third on shard i % 2 */
            c->nkeys = 3;
            snprintf(prefix, sizeof(prefix), "s%d.", i);
            key_on_shard(c->keys[0], sizeof(c->keys[0]), prefix, &counter, 0);
            key_on_shard(c->keys[1], sizeof(c->keys[1]), prefix, &counter, 1);
            key_on_shard(c->keys[2], sizeof(c->keys[2]), prefix, &counter, i & 1);
            shard_count[shard_of(c->keys[2], 2)]++;
            break;
        case M_MSET10:
        case M_MGET10:
            c->nkeys = 10;
            snprintf(prefix, sizeof(prefix), "m%d.", i);
            for (int k = 0; k < 10; k++) key_on_shard(c->keys[k], sizeof(c->keys[k]), prefix, &counter, k & 1);
            break;
        case M_RL_SCRIPT:
        case M_RL_CMDS:
        case M_LOCK_SCRIPT:
            c->nkeys = 1;
            snprintf(c->keys[0], sizeof(c->keys[0]), "{s%d}key", i);
            shard_count[shard_of(c->keys[0], 2)]++;
            break;
        case M_TRANSFER_SCRIPT:
            c->nkeys = 2;
            snprintf(prefix, sizeof(prefix), "t%d.", i);
            key_on_shard(c->keys[0], sizeof(c->keys[0]), prefix, &counter, 0);
            key_on_shard(c->keys[1], sizeof(c->keys[1]), prefix, &counter, 1);
            break;
        case M_BIG_INTER:
            /* a 10-member set on the other shard, half of it in the big
             * one; the destination on either */
            c->nkeys = 2;
            snprintf(prefix, sizeof(prefix), "b%d.", i);
            key_on_shard(c->keys[0], sizeof(c->keys[0]), prefix, &counter, 1);
            key_on_shard(c->keys[1], sizeof(c->keys[1]), prefix, &counter, i & 1);
            break;
        }
        const char *argv[2 + 2 * NKEYS_MAX];
        switch (mode) {
        case M_MULTI_TAG:
        case M_MULTI_SPREAD:
            argv[0] = "MULTI";
            op_add(c, 1, argv);
            for (int k = 0; k < 3; k++) {
                argv[0] = "INCR";
                argv[1] = c->keys[k];
                op_add(c, 2, argv);
            }
            argv[0] = "EXEC";
            op_add(c, 1, argv);
            break;
        case M_INCR_TAG:
            for (int k = 0; k < 3; k++) {
                argv[0] = "INCR";
                argv[1] = c->keys[k];
                op_add(c, 2, argv);
            }
            break;
        case M_RL_SCRIPT: {
            const char *del[] = {"DEL", c->keys[0]};
            freeReplyObject(sync_cmd_argv(s, 2, del));
            argv[0] = "EVALSHA";
            argv[1] = sha_rl;
            argv[2] = "1";
            argv[3] = c->keys[0];
            argv[4] = "3600000";
            op_add(c, 5, argv);
            break;
        }
        case M_RL_CMDS: {
            const char *del[] = {"DEL", c->keys[0]};
            freeReplyObject(sync_cmd_argv(s, 2, del));
            argv[0] = "INCR";
            argv[1] = c->keys[0];
            op_add(c, 2, argv);
            argv[0] = "PEXPIRE";
            argv[2] = "3600000";
            op_add(c, 3, argv);
            break;
        }
        case M_LOCK_SCRIPT: {
            const char *del[] = {"DEL", c->keys[0]};
            freeReplyObject(sync_cmd_argv(s, 2, del));
            char token[24];
            snprintf(token, sizeof(token), "owner-%d", i);
            argv[0] = "SET";
            argv[1] = c->keys[0];
            argv[2] = token;
            argv[3] = "NX";
            argv[4] = "PX";
            argv[5] = "30000";
            op_add(c, 6, argv);
            argv[0] = "EVALSHA";
            argv[1] = sha_release;
            argv[2] = "1";
            argv[3] = c->keys[0];
            argv[4] = token;
            op_add(c, 5, argv);
            break;
        }
        case M_TRANSFER_SCRIPT: {
            const char *set[] = {"MSET", c->keys[0], "1000000000", c->keys[1], "1000000000"};
            freeReplyObject(sync_cmd_argv(s, 5, set));
            argv[0] = "EVALSHA";
            argv[1] = sha_transfer;
            argv[2] = "2";
            argv[3] = c->keys[0];
            argv[4] = c->keys[1];
            argv[5] = "1";
            op_add(c, 6, argv);
            break;
        }
        case M_BIG_INTER: {
            char mem[10][24];
            argv[0] = "SADD";
            argv[1] = c->keys[0];
            for (int k = 0; k < 10; k++) {
                /* 5 in the big set, 5 not */
                snprintf(mem[k], sizeof(mem[k]), k < 5 ? "member:%d" : "other:%d", k < 5 ? i * 97 + k * 1009 : k);
                argv[2 + k] = mem[k];
            }
            freeReplyObject(sync_cmd_argv(s, 12, argv));
            argv[0] = "SINTERSTORE";
            argv[1] = c->keys[1];
            argv[2] = big;
            argv[3] = c->keys[0];
            op_add(c, 4, argv);
            break;
        }
        case M_MGET10:
            argv[0] = "MGET";
            for (int k = 0; k < 10; k++) argv[1 + k] = c->keys[k];
            op_add(c, 11, argv);
            /* load the values (side connection, before the timed part) */
            argv[0] = "MSET";
            for (int k = 0; k < 10; k++) {
                snprintf(c->vals[k], sizeof(c->vals[k]), "v%d.%d", i, k);
                argv[1 + 2 * k] = c->keys[k];
                argv[2 + 2 * k] = c->vals[k];
            }
            freeReplyObject(sync_cmd_argv(s, 21, argv));
            break;
        }
    }
    if (mode == M_MULTI_TAG || mode == M_INCR_TAG || mode == M_MULTI_SPREAD || mode == M_RL_SCRIPT ||
        mode == M_RL_CMDS || mode == M_LOCK_SCRIPT)
        fprintf(stderr, "txn_bench: %s: %d connections' keys on shard 0/1 of 2: %d/%d%s\n", mode_names[mode],
                nconns, shard_count[0], shard_count[1], mode == M_MULTI_SPREAD ? " (third key)" : "");
}

static void setup_jobs(void) {
    seen = calloc((size_t)(njobs / 8 + 1), 1);
    if (!seen) exit(1);
    int per = lists_per_consumer < nqueues ? lists_per_consumer : nqueues;
    /* every list must have a consumer, or its jobs would never be popped */
    if ((long long)per * nconsumers < nqueues) {
        fprintf(stderr, "txn_bench: %d consumers x %d lists leave some of the %d lists unwatched\n", nconsumers,
                per, nqueues);
        exit(2);
    }
    for (int k = 0; k < nconsumers; k++) {
        struct conn *c = add_conn(R_CONSUMER, k);
        c->nlists = per;
        c->lists = calloc((size_t)per, sizeof(int));
        const char **argv = calloc((size_t)per + 2, sizeof(char *));
        char (*names)[24] = calloc((size_t)per, 24);
        if (!c->lists || !argv || !names) exit(1);
        argv[0] = "BRPOP";
        for (int t = 0; t < per; t++) {
            c->lists[t] = (k * per + t) % nqueues;
            snprintf(names[t], 24, "q%d", c->lists[t]);
            argv[1 + t] = names[t];
        }
        argv[1 + per] = "1";
        op_add(c, per + 2, argv);
        free(argv);
        free(names);
    }
    for (int w = 0; w < nproducers; w++) {
        struct conn *c = add_conn(R_PRODUCER, w);
        c->next_job = w;
        c->quota = njobs / nproducers + (w < njobs % nproducers ? 1 : 0);
    }
}

/* After the timed part: what the server holds must match what was sent. */
static void final_checks(redisContext *s) {
    if (mode == M_MSET10) {
        for (int i = 0; i < total_conns; i++) {
            struct conn *c = &conns[i];
            if (!c->done) continue;
            const char *argv[1 + NKEYS_MAX];
            char want[32];
            snprintf(want, sizeof(want), "%d:%lld", c->idx, c->done);
            argv[0] = "MGET";
            for (int k = 0; k < c->nkeys; k++) argv[1 + k] = c->keys[k];
            redisReply *r = sync_cmd_argv(s, 1 + c->nkeys, argv);
            int ok = r->type == REDIS_REPLY_ARRAY && (int)r->elements == c->nkeys;
            for (int k = 0; ok && k < c->nkeys; k++)
                ok = r->element[k]->type == REDIS_REPLY_STRING && strcmp(r->element[k]->str, want) == 0;
            if (!ok && errors++ < 10)
                fprintf(stderr, "txn_bench: mset10: conn %d's keys do not all hold its last MSET value %s\n", c->idx,
                        want);
            freeReplyObject(r);
        }
    }
    if (mode == M_MULTI_TAG || mode == M_INCR_TAG || mode == M_MULTI_SPREAD) {
        for (int i = 0; i < total_conns; i++) {
            struct conn *c = &conns[i];
            const char *argv[] = {"MGET", c->keys[0], c->keys[1], c->keys[2]};
            redisReply *r = sync_cmd_argv(s, 4, argv);
            int ok = r->type == REDIS_REPLY_ARRAY && r->elements == 3;
            for (int k = 0; ok && k < 3; k++) {
                char want[24];
                snprintf(want, sizeof(want), "%lld", c->done + c->off[k]);
                ok = c->done ? (r->element[k]->type == REDIS_REPLY_STRING && strcmp(r->element[k]->str, want) == 0)
                             : r->element[k]->type == REDIS_REPLY_NIL;
            }
            if (!ok && errors++ < 10)
                fprintf(stderr, "txn_bench: %s: conn %d's keys do not hold %lld %lld %lld at the end\n",
                        mode_names[mode], c->idx, c->done + c->off[0], c->done + c->off[1], c->done + c->off[2]);
            freeReplyObject(r);
        }
    }
    if (mode == M_JOBS) {
        long long left = 0;
        for (int q = 0; q < nqueues; q++) {
            char list[24];
            snprintf(list, sizeof(list), "q%d", q);
            const char *argv[] = {"LLEN", list};
            redisReply *r = sync_cmd_argv(s, 2, argv);
            if (r->type == REDIS_REPLY_INTEGER) left += r->integer;
            freeReplyObject(r);
        }
        if (left && errors++ < 10) fprintf(stderr, "txn_bench: jobs: %lld entries left in the lists at the end\n", left);
    }
}

static void usage(void) {
    fprintf(stderr,
            "usage: txn_bench -p PORT -P PID -m MODE [-c CONNS] [-d DEPTH] [-n OPS]\n"
            "                 [-q QUEUES -k CONSUMERS -w PRODUCERS -j JOBS -l LISTS] [-S STALL_SECS] [-h HOST]\n"
            "  MODE: multi-tag incr-tag multi-spread mset10 mget10 jobs big-inter\n"
            "        rl-script rl-cmds lock-script transfer-script\n");
    exit(2);
}

int main(int argc, char **argv) {
    int opt;
    while ((opt = getopt(argc, argv, "p:P:m:c:d:n:q:k:w:j:l:S:h:")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'P': server_pid = atol(optarg); break;
        case 'm':
            for (int i = 0; i < (int)(sizeof(mode_names) / sizeof(mode_names[0])); i++)
                if (strcmp(optarg, mode_names[i]) == 0) mode = i;
            if (mode < 0) usage();
            break;
        case 'c': nconns = atoi(optarg); break;
        case 'd': depth = atoi(optarg); break;
        case 'n': nops = atoll(optarg); break;
        case 'q': nqueues = atoi(optarg); break;
        case 'k': nconsumers = atoi(optarg); break;
        case 'w': nproducers = atoi(optarg); break;
        case 'j': njobs = atoll(optarg); break;
        case 'l': lists_per_consumer = atoi(optarg); break;
        case 'S': stall_secs = atoi(optarg); break;
        case 'h': host = optarg; break;
        default: usage();
        }
    }
    if (!port || server_pid <= 0 || mode < 0 || nconns < 1 || depth < 1 || nops < 1 || nqueues < 1 ||
        nconsumers < 1 || nproducers < 1 || njobs < 1 || lists_per_consumer < 1 || stall_secs < 1)
        usage();
    /* the slot function must agree with Redis: CLUSTER KEYSLOT foo = 12182 */
    if (crc16_xmodem("123456789", 9) != 0x31C3 || key_slot("foo") != 12182 || key_slot("{user1000}.x") != key_slot("user1000")) {
        fprintf(stderr, "txn_bench: CRC16 self-test failed\n");
        return 1;
    }
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    signal(SIGTERM, on_sigterm);
    ep = epoll_create1(EPOLL_CLOEXEC);
    int maxconns = mode == M_JOBS ? nconsumers + nproducers : nconns;
    conns = calloc((size_t)maxconns, sizeof(*conns));
    if (!conns) return 1;

    redisContext *side = connect_sync();
    {
        const char *flush[] = {"FLUSHALL"};
        freeReplyObject(sync_cmd_argv(side, 1, flush));
    }
    if (mode == M_JOBS) setup_jobs();
    else setup_load(side);

    long long target = mode == M_JOBS ? njobs : nops;
    if (mode == M_JOBS) {
        /* consumers wait first, so the producers' pushes wake them */
        for (int i = 0; i < total_conns; i++)
            if (conns[i].role == R_CONSUMER) refill(&conns[i]);
        long long until = now_ns() + 100000000LL;
        while (now_ns() < until) poll_once(10);
    }

    long long cpu0 = server_ticks(), user0 = server_user_ticks, t0 = now_ns();
    if (cpu0 < 0) {
        fprintf(stderr, "txn_bench: cannot read /proc/%ld/stat\n", server_pid);
        return 1;
    }
    last_progress_ns = t0;
    for (int i = 0; i < total_conns; i++) refill(&conns[i]);
    int stalled = 0;
    while (ops_done < target) {
        poll_once(100);
        if (terminated || now_ns() - last_progress_ns > (long long)stall_secs * 1000000000LL) {
            stalled = 1;
            break;
        }
    }
    long long t1 = now_ns(), cpu1 = server_ticks(), user1 = server_user_ticks;
    if (stalled) {
        report_stall();
        return 1;
    }

    if (mode == M_JOBS) {
        /* the other consumers' BRPOPs must now time out with nil (1 s), and
         * bring nothing: any job arriving here is a duplicate */
        long long until = now_ns() + 3000000000LL;
        int waiting;
        do {
            poll_once(50);
            waiting = 0;
            for (int i = 0; i < total_conns; i++) waiting += conns[i].role == R_CONSUMER && conns[i].waiting;
        } while (waiting && now_ns() < until);
        if (waiting && errors++ < 10)
            fprintf(stderr, "txn_bench: jobs: %d BRPOP ... 1 still unanswered 3 s after the last job\n", waiting);
    }
    final_checks(side);

    double secs = (double)(t1 - t0) / 1e9;
    double hz = (double)sysconf(_SC_CLK_TCK);
    double cpu_s = (double)(cpu1 - cpu0) / hz, user_s = (double)(user1 - user0) / hz;
    printf("mode=%s ops=%lld secs=%.3f ops_per_s=%.0f cpu_us_per_op=%.3f user_us_per_op=%.3f errors=%lld\n",
           mode_names[mode], ops_done, secs, (double)ops_done / secs, cpu_s * 1e6 / (double)ops_done,
           user_s * 1e6 / (double)ops_done, errors);
    if (cpu1 == cpu0 && secs > 0.5)
        fprintf(stderr, "txn_bench: warning: process %ld used no CPU time in %.1f s: is -P the server's PID?\n",
                server_pid, secs);
    if (mode == M_JOBS)
        fprintf(stderr, "txn_bench: jobs: %lld jobs, %d producers, %d consumers, %d lists, %lld BRPOP timeouts\n",
                njobs, nproducers, nconsumers, nqueues, brpop_timeouts);
    for (int i = 0; i < total_conns; i++) redisFree(conns[i].ctx);
    redisFree(side);
    return errors ? 1 : 0;
}
