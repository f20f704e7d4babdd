/*
 * test_pubsub.c - Pub/Sub fan-out integration test.
 *
 * Usage: test_pubsub HOST PORT
 *
 * 1,000 subscriber connections (spread over every shard by the kernel's
 * SO_REUSEPORT balancing; half SUBSCRIBE "fan", half PSUBSCRIBE "fa?")
 * each must receive all 1,000 messages that 4
 * publisher connections send (250 each, pipelined and interleaved), complete
 * and in order per publisher; every PUBLISH must answer 1,000 receivers.
 *
 * One thread, poll() over every connection, hiredis only as the reply
 * parser (Debian's hiredis 0.14 has no RESP3, so RESP3 pushes are covered by
 * the Tcl tests). The last line printed is "P passed, F failed"; the exit status is
 * non-zero if anything failed. A watchdog fails the run after 60 seconds.
 *
 * Build:
 *   gcc -std=gnu11 -O2 -g -Wall -Wextra tests/c/test_pubsub.c -lhiredis \
 *       -o /tmp/test_pubsub
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#define NSUB 1000
#define NPUB 4
#define NMSG 1000 /* per subscriber, over all publishers */
#define PER_PUB (NMSG / NPUB)
#define CHUNK 50 /* PUBLISHes a publisher sends before the next one's turn */
#define WATCHDOG_SECONDS 60

static int g_passed, g_failed;

static void check(int ok, const char *what) {
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
        printf("FAIL: %s\n", what);
    }
}

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "FAIL: watchdog: the test took too long\n0 passed, 1 failed\n";
    ssize_t w = write(1, msg, sizeof(msg) - 1);
    (void)w;
    _exit(1);
}

static double now_s(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

struct sub {
    redisContext *c;
    int got;
    int next[NPUB]; /* next sequence number expected from each publisher */
    int bad;
};

static redisContext *connect_or_die(const char *host, int port) {
    redisContext *c = redisConnect(host, port);
    if (!c || c->err) {
        printf("FAIL: connect: %s\n0 passed, 1 failed\n", c ? c->errstr : "out of memory");
        exit(1);
    }
    return c;
}

/* Take one message reply apart: "p:seq" from the last element. */
static void take_message(struct sub *s, redisReply *r) {
    int n = (int)r->elements;
    if (r->type != REDIS_REPLY_ARRAY || n < 3) {
        s->bad++;
        return;
    }
    const char *kind = r->element[0]->str;
    if (strcmp(kind, "message") && strcmp(kind, "pmessage")) {
        s->bad++;
        return;
    }
    int p, seq;
    if (sscanf(r->element[n - 1]->str, "%d:%d", &p, &seq) != 2 || p < 0 || p >= NPUB || seq != s->next[p]) {
        s->bad++;
        return;
    }
    s->next[p]++;
    s->got++;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    signal(SIGALRM, on_alarm);
    alarm(WATCHDOG_SECONDS);
    double t0 = now_s();

    static struct sub subs[NSUB];
    for (int i = 0; i < NSUB; i++) {
        struct sub *s = &subs[i];
        s->c = connect_or_die(host, port);
        redisAppendCommand(s->c, i % 2 ? "SUBSCRIBE fan" : "PSUBSCRIBE fa?");
    }
    int confirmed = 0;
    for (int i = 0; i < NSUB; i++) {
        redisReply *r = NULL;
        if (redisGetReply(subs[i].c, (void **)&r) == REDIS_OK && r && r->elements == 3 &&
            r->element[2]->integer == 1)
            confirmed++;
        if (r) freeReplyObject(r);
    }
    check(confirmed == NSUB, "every subscription confirmed");

    redisContext *ctl = connect_or_die(host, port);
    redisReply *r = redisCommand(ctl, "PUBSUB NUMSUB fan");
    check(r && r->elements == 2 && r->element[1]->integer == NSUB / 2, "PUBSUB NUMSUB fan == 500");
    if (r) freeReplyObject(r);
    r = redisCommand(ctl, "PUBSUB NUMPAT");
    check(r && r->integer == 1, "PUBSUB NUMPAT == 1");
    if (r) freeReplyObject(r);

    /* publishers: interleaved chunks of pipelined PUBLISHes */
    redisContext *pubs[NPUB];
    for (int p = 0; p < NPUB; p++) pubs[p] = connect_or_die(host, port);
    int wrong_count = 0;
    for (int base = 0; base < PER_PUB; base += CHUNK) {
        for (int p = 0; p < NPUB; p++) {
            for (int k = base; k < base + CHUNK && k < PER_PUB; k++)
                redisAppendCommand(pubs[p], "PUBLISH fan %d:%d", p, k);
            int done = 0;
            while (!done) {
                if (redisBufferWrite(pubs[p], &done) != REDIS_OK) break;
            }
        }
        /* read the counts back so that neither side's buffers fill up */
        for (int p = 0; p < NPUB; p++) {
            for (int k = base; k < base + CHUNK && k < PER_PUB; k++) {
                redisReply *pr = NULL;
                if (redisGetReply(pubs[p], (void **)&pr) != REDIS_OK || !pr || pr->integer != NSUB)
                    wrong_count++;
                if (pr) freeReplyObject(pr);
            }
        }
        /* drain subscribers a little so the server never hits a limit */
        struct pollfd pf[NSUB];
        for (int i = 0; i < NSUB; i++) pf[i] = (struct pollfd){.fd = subs[i].c->fd, .events = POLLIN};
        if (poll(pf, NSUB, 0) > 0) {
            for (int i = 0; i < NSUB; i++) {
                if (!(pf[i].revents & POLLIN)) continue;
                if (redisBufferRead(subs[i].c) != REDIS_OK) continue;
                void *m;
                while (redisGetReplyFromReader(subs[i].c, &m) == REDIS_OK && m) {
                    take_message(&subs[i], m);
                    freeReplyObject(m);
                }
            }
        }
    }
    check(wrong_count == 0, "every PUBLISH reached 1000 receivers");
    if (wrong_count) printf("  %d PUBLISH replies were not %d\n", wrong_count, NSUB);

    /* read everything that is left */
    int left = 0;
    for (int i = 0; i < NSUB; i++) left += subs[i].got < NMSG;
    while (left > 0) {
        struct pollfd pf[NSUB];
        int idx[NSUB], n = 0;
        for (int i = 0; i < NSUB; i++) {
            if (subs[i].got >= NMSG || subs[i].bad) continue;
            pf[n] = (struct pollfd){.fd = subs[i].c->fd, .events = POLLIN};
            idx[n++] = i;
        }
        if (n == 0) break;
        int rc = poll(pf, (nfds_t)n, 5000);
        if (rc <= 0) {
            printf("FAIL: no progress for 5 s with %d subscribers incomplete\n", n);
            g_failed++;
            break;
        }
        for (int j = 0; j < n; j++) {
            if (!(pf[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            struct sub *s = &subs[idx[j]];
            if (redisBufferRead(s->c) != REDIS_OK) {
                s->bad++;
                continue;
            }
            void *m;
            while (redisGetReplyFromReader(s->c, &m) == REDIS_OK && m) {
                take_message(s, m);
                freeReplyObject(m);
            }
        }
        left = 0;
        for (int i = 0; i < NSUB; i++) left += subs[i].got < NMSG && !subs[i].bad;
    }
    int complete = 0, bad = 0;
    for (int i = 0; i < NSUB; i++) {
        complete += subs[i].got == NMSG;
        bad += subs[i].bad != 0;
    }
    check(bad == 0, "messages in order per publisher, nothing unexpected");
    check(complete == NSUB, "every subscriber got every message");
    if (complete != NSUB || bad) printf("  complete: %d of %d, with errors: %d\n", complete, NSUB, bad);

    /* the server keeps count once everyone has gone */
    for (int i = 0; i < NSUB; i++) redisFree(subs[i].c);
    int gone = 0;
    for (int t = 0; t < 200 && !gone; t++) {
        r = redisCommand(ctl, "PUBSUB NUMSUB fan");
        gone = r && r->elements == 2 && r->element[1]->integer == 0;
        if (r) freeReplyObject(r);
        if (!gone) usleep(20000);
    }
    check(gone, "subscriptions dropped when the subscribers disconnect");
    for (int p = 0; p < NPUB; p++) redisFree(pubs[p]);
    redisFree(ctl);
    printf("%d subscribers x %d messages from %d publishers in %.2f s\n", NSUB, NMSG, NPUB, now_s() - t0);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
