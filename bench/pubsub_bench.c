/*
 * pubsub_bench.c - Pub/Sub fan-out and latency against one server.
 *
 * One publisher connection and N subscriber connections (raw sockets, RESP2)
 * on loopback; subscriber i subscribes to channel "ch:<i % C>", so each of
 * the C channels has N / C subscribers. Subscribers connect from
 * 127.0.0.2 .. 127.0.0.(1+nsrc) like bench/conns.c (the server must run with
 * protected-mode off). Message k goes to channel k % C; its payload (-s
 * bytes, at least 40) carries k and the publish time.
 *
 * Checks, for every run: every PUBLISH reply equals the channel's
 * subscriber count; every subscriber receives exactly its channel's
 * messages, each once, in publish order (k grows by C each time).
 *
 * Modes:
 *   -m M    throughput: publish M messages as fast as the subscribers take
 *           them (at most -W deliveries outstanding, default 200,000), report
 *           deliveries/s and the server's CPU time per delivery
 *           (utime+stime of -P PID from /proc, all threads).
 *   -r R -d D  latency: publish R messages/s for D seconds, report the
 *           publish-to-receive p50/p99/max over every delivery.
 *
 * Output: one line of key=value pairs (see bench/pubsub.sh). Exit status 1
 * on any lost, duplicated, reordered or malformed delivery.
 *
 * Usage: pubsub_bench -p PORT -P PID -n SUBS -c CHANNELS [-s SIZE]
 *                     (-m MSGS [-W WINDOW] | -r RATE -d SECS) [-S NSRC]
 * Build: cc -O2 -o build/bench/pubsub_bench bench/pubsub_bench.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define LEFT_MAX 1024      /* bytes of a partial message kept per subscriber */
#define HIST_US 1000000    /* latency histogram: 1 us buckets up to 1 s */

struct sub {
    int fd;
    int chan;
    long long next;  /* next expected message number */
    long long got;
    int left_len;
    char left[LEFT_MAX];
};

static int port, nsubs, nchan, msg_size = 64, nsrc = 8;
static long long window = 200000; /* deliveries not yet made */
#define PUB_UNREPLIED 4096 /* PUBLISH commands sent and not yet answered */
static long server_pid;
static long long nmsgs, rate, secs;
static struct sub *subs;
static int *per_chan; /* subscribers per channel */
static int *delivered; /* per message: deliveries so far */
static long long complete; /* messages 0..complete-1 fully delivered */
static long long total_deliveries, expected_deliveries, errors;
static uint32_t *hist;
static long long lat_max_us;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long server_user_ticks; /* utime part of the last server_ticks() */

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
    /* after ") ": state(3) ... utime is field 14, stime 15 */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) != 2) return -1;
    server_user_ticks = ut;
    return ut + st;
}

static int connect_from(long i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_in src = {.sin_family = AF_INET};
    src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(i % nsrc));
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
        connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
        perror("connect");
        close(fd);
        return -1;
    }
    return fd;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            perror("write");
            exit(1);
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Read until `want` bytes of replies end with "\r\n" count `lines` times. */
static void read_lines(int fd, int lines) {
    char buf[4096];
    while (lines > 0) {
        ssize_t k = read(fd, buf, sizeof(buf));
        if (k <= 0) {
            fprintf(stderr, "pubsub_bench: subscribe reply: %s\n", k ? strerror(errno) : "closed");
            exit(1);
        }
        for (ssize_t i = 0; i < k; i++)
            if (buf[i] == '\n') lines--;
        if (buf[0] == '-') {
            fprintf(stderr, "pubsub_bench: %.*s", (int)k, buf);
            exit(1);
        }
    }
}

/* Parse "$<n>\r\n<data>\r\n" at p. Returns bytes used, 0 if incomplete. */
static size_t parse_bulk(const char *p, const char *end, const char **data, long *len) {
    if (p >= end) return 0;
    if (*p != '$') return (size_t)-1;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return 0;
    long n = strtol(p + 1, NULL, 10);
    if (n < 0 || end - (nl + 1) < n + 2) return n < 0 ? (size_t)-1 : 0;
    *data = nl + 1;
    *len = n;
    return (size_t)(nl + 1 + n + 2 - p);
}

static void on_message(struct sub *s, const char *payload, long len) {
    char tmp[48];
    long l = len < 47 ? len : 47;
    memcpy(tmp, payload, (size_t)l);
    tmp[l] = '\0';
    char *e;
    long long k = strtoll(tmp, &e, 10);
    long long ts = strtoll(e, NULL, 10);
    if (k != s->next) {
        if (errors++ < 10)
            fprintf(stderr, "pubsub_bench: subscriber on ch:%d got message %lld, expected %lld\n",
                    s->chan, k, s->next);
        s->next = k;
    }
    s->next += nchan;
    s->got++;
    total_deliveries++;
    if (k >= 0 && nmsgs && k < nmsgs) {
        if (++delivered[k] == per_chan[k % nchan])
            while (complete < nmsgs && delivered[complete] == per_chan[complete % nchan]) complete++;
    }
    if (hist) {
        long long us = (now_ns() - ts) / 1000;
        if (us < 0) us = 0;
        if (us > lat_max_us) lat_max_us = us;
        hist[us < HIST_US ? us : HIST_US - 1]++;
    }
}

/* Consume complete messages in [p, end); returns bytes used. */
static size_t parse_msgs(struct sub *s, const char *p, const char *end) {
    const char *start = p;
    while (p < end) {
        if (*p != '*') goto bad;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        const char *q = nl + 1, *d[3];
        long l[3];
        size_t u = 0;
        int i;
        for (i = 0; i < 3; i++) {
            u = parse_bulk(q, end, &d[i], &l[i]);
            if (u == 0 || u == (size_t)-1) break;
            q += u;
        }
        if (u == (size_t)-1) goto bad;
        if (i < 3) break;
        if (l[0] != 7 || memcmp(d[0], "message", 7)) goto bad;
        on_message(s, d[2], l[2]);
        p = q;
    }
    return (size_t)(p - start);
bad:
    fprintf(stderr, "pubsub_bench: malformed message: %.60s\n", p);
    exit(1);
}

static void on_readable(struct sub *s) {
    static char buf[256 * 1024];
    for (;;) {
        memcpy(buf, s->left, (size_t)s->left_len);
        ssize_t k = read(s->fd, buf + s->left_len, sizeof(buf) - (size_t)s->left_len);
        if (k < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (k <= 0) {
            fprintf(stderr, "pubsub_bench: subscriber on ch:%d: %s\n", s->chan,
                    k ? strerror(errno) : "closed by the server");
            exit(1);
        }
        size_t have = (size_t)s->left_len + (size_t)k;
        size_t used = parse_msgs(s, buf, buf + have);
        if (have - used > LEFT_MAX) {
            fprintf(stderr, "pubsub_bench: message larger than %d bytes\n", LEFT_MAX);
            exit(1);
        }
        s->left_len = (int)(have - used);
        memcpy(s->left, buf + used, (size_t)s->left_len);
        if ((size_t)k < sizeof(buf) - LEFT_MAX) return;
    }
}

static int pub_fd;
static long long published, pub_replies;
static char pub_left[64];
static int pub_left_len;

static void publish(long long k) {
    char payload[4096], cmd[4200];
    int n = snprintf(payload, sizeof(payload), "%lld %lld ", k, now_ns());
    while (n < msg_size) payload[n++] = 'x';
    char ch[32];
    int cl = snprintf(ch, sizeof(ch), "ch:%lld", k % nchan);
    int len = snprintf(cmd, sizeof(cmd), "*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n$%d\r\n%.*s\r\n", cl, ch,
                       n, n, payload);
    write_all(pub_fd, cmd, (size_t)len);
    published++;
}

/* Read PUBLISH replies; each must be the channel's subscriber count. */
static void on_pub_readable(void) {
    char buf[65536 + 64];
    memcpy(buf, pub_left, (size_t)pub_left_len);
    ssize_t k = recv(pub_fd, buf + pub_left_len, 65536, MSG_DONTWAIT);
    if (k < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (k <= 0) {
        fprintf(stderr, "pubsub_bench: publisher: %s\n", k ? strerror(errno) : "closed");
        exit(1);
    }
    char *p = buf, *end = buf + pub_left_len + k;
    for (;;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        if (*p != ':') {
            fprintf(stderr, "pubsub_bench: PUBLISH replied %.*s\n", (int)(nl - p), p);
            exit(1);
        }
        long long v = strtoll(p + 1, NULL, 10);
        if (v != per_chan[pub_replies % nchan]) {
            if (errors++ < 10)
                fprintf(stderr, "pubsub_bench: PUBLISH %lld reached %lld, expected %d\n", pub_replies,
                        v, per_chan[pub_replies % nchan]);
        }
        pub_replies++;
        p = nl + 1;
    }
    pub_left_len = (int)(end - p);
    memcpy(pub_left, p, (size_t)pub_left_len);
}

static long long hist_pct(double pct) {
    long long target = (long long)(total_deliveries * pct / 100.0), acc = 0;
    for (long long i = 0; i < HIST_US; i++) {
        acc += hist[i];
        if (acc > target) return i;
    }
    return HIST_US;
}

int main(int argc, char **argv) {
    int opt;
    while ((opt = getopt(argc, argv, "p:P:n:c:s:m:W:r:d:S:")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'P': server_pid = atol(optarg); break;
        case 'n': nsubs = atoi(optarg); break;
        case 'c': nchan = atoi(optarg); break;
        case 's': msg_size = atoi(optarg); break;
        case 'm': nmsgs = atoll(optarg); break;
        case 'W': window = atoll(optarg); break;
        case 'r': rate = atoll(optarg); break;
        case 'd': secs = atoll(optarg); break;
        case 'S': nsrc = atoi(optarg); break;
        default: goto usage;
        }
    }
    if (!port || !server_pid || nsubs < 1 || nchan < 1 || nchan > nsubs || msg_size < 40 ||
        msg_size > 4000 || (!nmsgs && !(rate > 0 && secs > 0)) || window < 1)
        goto usage;
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    subs = calloc((size_t)nsubs, sizeof(*subs));
    per_chan = calloc((size_t)nchan, sizeof(int));
    if (!subs || !per_chan) return 1;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    /* subscribe in batches: send, then wait for each confirmation */
    for (int i = 0; i < nsubs; i += 256) {
        int n = nsubs - i < 256 ? nsubs - i : 256;
        for (int j = i; j < i + n; j++) {
            struct sub *s = &subs[j];
            s->chan = j % nchan;
            s->next = s->chan;
            per_chan[s->chan]++;
            s->fd = connect_from(j);
            if (s->fd < 0) return 1;
            char cmd[128], ch[32];
            int cl = snprintf(ch, sizeof(ch), "ch:%d", s->chan);
            int len = snprintf(cmd, sizeof(cmd), "*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n", cl, ch);
            write_all(s->fd, cmd, (size_t)len);
        }
        /* a confirmation is 6 lines: *3, $9, subscribe, $N, ch:x, :1 */
        for (int j = i; j < i + n; j++) read_lines(subs[j].fd, 6);
    }
    for (int j = 0; j < nsubs; j++) {
        fcntl(subs[j].fd, F_SETFL, O_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)j};
        epoll_ctl(ep, EPOLL_CTL_ADD, subs[j].fd, &ev);
    }
    pub_fd = connect_from(nsubs);
    if (pub_fd < 0) return 1;
    /* the publisher writes block (at most PUB_UNREPLIED commands in flight) */
    {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
        epoll_ctl(ep, EPOLL_CTL_ADD, pub_fd, &ev);
    }
    if (nmsgs) {
        delivered = calloc((size_t)nmsgs, sizeof(int));
        if (!delivered) return 1;
        for (long long k = 0; k < nmsgs; k++) expected_deliveries += per_chan[k % nchan];
    } else {
        hist = calloc(HIST_US, sizeof(uint32_t));
        if (!hist) return 1;
        nmsgs = 0;
    }
    long long total_msgs = nmsgs ? nmsgs : rate * secs;
    if (!nmsgs)
        for (long long k = 0; k < total_msgs; k++) expected_deliveries += per_chan[k % nchan];
    /* the window in messages: -W deliveries over the channel's subscribers */
    long long wmsgs = window * nchan / nsubs;
    if (wmsgs < 1) wmsgs = 1;
    long long cpu0 = server_ticks(), user0 = server_user_ticks, t0 = now_ns(), period = rate ? 1000000000LL / rate : 0;
    long long deadline = t0 + (secs + 120) * 1000000000LL;
    struct epoll_event evs[1024];
    while (total_deliveries < expected_deliveries || pub_replies < total_msgs) {
        int timeout = 1;
        if (nmsgs) {
            while (published < nmsgs && published < complete + wmsgs &&
                   published - pub_replies < PUB_UNREPLIED)
                publish(published);
        } else {
            long long due = (now_ns() - t0) / period + 1;
            if (due > total_msgs) due = total_msgs;
            while (published < due && published - pub_replies < PUB_UNREPLIED) publish(published);
        }
        int n = epoll_wait(ep, evs, 1024, timeout);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u32 == UINT32_MAX) on_pub_readable();
            else on_readable(&subs[evs[i].data.u32]);
        }
        if (now_ns() > deadline) {
            fprintf(stderr, "pubsub_bench: timed out: %lld of %lld deliveries\n", total_deliveries,
                    expected_deliveries);
            errors++;
            break;
        }
    }
    long long t1 = now_ns(), cpu1 = server_ticks(), user1 = server_user_ticks;
    /* a late duplicate would show up here */
    usleep(200000);
    for (;;) {
        int n = epoll_wait(ep, evs, 1024, 0);
        if (n <= 0) break;
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u32 == UINT32_MAX) on_pub_readable();
            else on_readable(&subs[evs[i].data.u32]);
        }
    }
    for (int j = 0; j < nsubs; j++) {
        long long want = total_msgs / nchan + (subs[j].chan < total_msgs % nchan ? 1 : 0);
        if (subs[j].got != want && errors++ < 10)
            fprintf(stderr, "pubsub_bench: subscriber %d got %lld messages, expected %lld\n", j,
                    subs[j].got, want);
    }
    double sec = (double)(t1 - t0) / 1e9;
    long hz = sysconf(_SC_CLK_TCK);
    double cpu_s = (double)(cpu1 - cpu0) / (double)hz;
    double user_s = (double)(user1 - user0) / (double)hz;
    double per = total_deliveries ? 1e9 / (double)total_deliveries : 0.0;
    printf("subs=%d channels=%d size=%d msgs=%lld deliveries=%lld secs=%.3f deliveries_per_s=%.0f "
           "server_cpu_s=%.2f server_ns_per_delivery=%.1f server_user_ns=%.1f server_sys_ns=%.1f",
           nsubs, nchan, msg_size, total_msgs, total_deliveries, sec, (double)total_deliveries / sec,
           cpu_s, cpu_s * per, user_s * per, (cpu_s - user_s) * per);
    if (hist)
        printf(" rate=%lld p50_us=%lld p99_us=%lld max_us=%lld", rate, hist_pct(50), hist_pct(99),
               lat_max_us);
    printf(" errors=%lld\n", errors);
    return errors ? 1 : 0;
usage:
    fprintf(stderr, "usage: pubsub_bench -p PORT -P PID -n SUBS -c CHANNELS [-s SIZE] "
                    "(-m MSGS [-W WINDOW] | -r RATE -d SECS) [-S NSRC]\n");
    return 2;
}
