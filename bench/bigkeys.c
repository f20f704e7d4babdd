/*
 * bench/bigkeys.c - small RESP client used by bench/latency_bigkeys.sh.
 *
 *   bigkeys load HOST PORT TYPE KEY N [BATCH]
 *       Build KEY as a TYPE (hash|set|zset|list) of N elements with
 *       pipelined variadic commands of BATCH elements (default 1000):
 *       HSET KEY f%09d v%07d..., SADD KEY m%09d..., ZADD KEY i m%09d...,
 *       RPUSH KEY v%07d...  Prints "loaded KEY N elements in S s".
 *
 *   bigkeys lat HOST PORT CONNS RATE MAXSECS
 *       Latency probe: CONNS connections send GET/SET (alternating, 16-byte
 *       values, keys lat:0..lat:9999), one request in flight per connection.
 *       RATE > 0: each connection sends RATE requests/s on a fixed schedule
 *       and latency is measured from the *scheduled* send time, so a stall
 *       is charged to every request that should have been sent during it
 *       (no coordinated omission).  RATE = 0: closed loop.  Both report the
 *       plain round trip (rtt_*) as well.
 *       SIGUSR1 closes the current phase and starts the next one; SIGTERM,
 *       SIGINT or MAXSECS end the run.  Then, on stdout, one line per phase:
 *         PHASE,idx,secs,samples,p50_ms,p99_ms,p999_ms,max_ms,over10ms,rtt_p99_ms,rtt_max_ms,errors
 *       and, with -a FIRST (before HOST), a TOTAL line over phases >= FIRST.
 *
 *   bigkeys scan HOST PORT CMD KEY COUNT
 *       Full CMD (HSCAN/SSCAN/ZSCAN) iteration of KEY with COUNT; prints
 *       "CMD KEY: calls C, items I, S ms, slowest call M ms".
 *
 *   bigkeys cmd HOST PORT ARG...
 *       One command; prints the reply (integer, status or error, or the
 *       type and length of anything else) and the round-trip time.
 *
 * Build: cc -O2 -o bigkeys bench/bigkeys.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bigkeys: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int connect_to(const char *host, int port) {
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) die("socket: %s", strerror(errno));
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) die("bad IPv4 address: %s", host);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("connect %s:%d: %s", host, port, strerror(errno));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* ---------------------------------------------------------------- buffers */

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p) die("out of memory");
    b->cap = cap;
}

static void buf_printf(buf_t *b, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) die("vsnprintf failed");
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        buf_reserve(b, (size_t)n + 1);
    }
}

static void buf_consume(buf_t *b, size_t n) {
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
}

static void resp_arg(buf_t *b, const char *s) { buf_printf(b, "$%zu\r\n%s\r\n", strlen(s), s); }

static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            die("write: %s", strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Read more bytes into b; returns bytes read (0 = EOF). */
static ssize_t fill(int fd, buf_t *b) {
    buf_reserve(b, 65536);
    for (;;) {
        ssize_t r = read(fd, b->p + b->len, b->cap - b->len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) die("read: %s", strerror(errno));
        b->len += (size_t)r;
        return r;
    }
}

/* ---------------------------------------------------------------- RESP parsing
 */

typedef struct {
    char type;        /* + - : $ * _ etc. of the top-level reply */
    long long num;    /* integer value, bulk length or array length */
    int is_error;     /* the reply or any nested element is an error */
    char line[256];   /* status/error/integer text, or first bulk of an array */
    long long nested; /* length of the 2nd element of a top-level array (SCAN) */
} reply_t;

/* Parse one reply at p[0..n); returns bytes used, 0 if incomplete, -1 on a
 * protocol error.  depth 0 fills r's top-level fields. */
static long parse(const char *p, size_t n, reply_t *r, int depth, int index) {
    const char *e = memchr(p, '\n', n);
    if (!e) return 0;
    if (e == p || e[-1] != '\r') return -1;
    size_t hdr = (size_t)(e - p) + 1;
    char t = p[0];
    long long v = 0;
    size_t ln = (size_t)(e - p) - 2; /* text after the type byte, before \r */
    if (t == ':' || t == '$' || t == '*' || t == '%' || t == '~' || t == '>') {
        char tmp[32];
        if (ln >= sizeof tmp) return -1;
        memcpy(tmp, p + 1, ln);
        tmp[ln] = 0;
        v = strtoll(tmp, NULL, 10);
    }
    if (depth == 0) {
        r->type = t;
        r->num = v;
        r->is_error = 0;
        r->line[0] = 0;
        r->nested = -1;
        if (t == '+' || t == '-' || t == ':') {
            size_t c = ln < sizeof r->line - 1 ? ln : sizeof r->line - 1;
            memcpy(r->line, p + 1, c);
            r->line[c] = 0;
        }
    }
    if (depth == 1 && index == 1 && (t == '*' || t == '~')) r->nested = v;
    switch (t) {
    case '-':
        r->is_error = 1;
        /* fallthrough */
    case '+':
    case ':':
    case '_':
    case ',':
    case '#':
        return (long)hdr;
    case '$':
        if (v < 0) return (long)hdr;
        if (n < hdr + (size_t)v + 2) return 0;
        if (depth == 1 && index == 0) {
            size_t c = (size_t)v < sizeof r->line - 1 ? (size_t)v : sizeof r->line - 1;
            memcpy(r->line, p + hdr, c);
            r->line[c] = 0;
        }
        return (long)(hdr + (size_t)v + 2);
    case '*':
    case '~':
    case '>':
    case '%': {
        long long items = (t == '%') ? 2 * v : v;
        size_t used = hdr;
        for (long long i = 0; i < items; i++) {
            long k = parse(p + used, n - used, r, depth + 1, (int)i);
            if (k <= 0) return k;
            used += (size_t)k;
        }
        return (long)used;
    }
    default:
        return -1;
    }
}

/* Block until one complete reply is in b; parse and consume it. */
static void read_reply(int fd, buf_t *b, reply_t *r) {
    for (;;) {
        long k = b->len ? parse(b->p, b->len, r, 0, 0) : 0;
        if (k < 0) die("protocol error in reply");
        if (k > 0) {
            buf_consume(b, (size_t)k);
            return;
        }
        if (fill(fd, b) == 0) die("server closed the connection");
    }
}

/* ---------------------------------------------------------------- load */

static int cmd_load(int argc, char **argv) {
    if (argc < 6) die("usage: load HOST PORT TYPE KEY N [BATCH]");
    const char *host = argv[1], *type = argv[3], *key = argv[4];
    int port = atoi(argv[2]);
    long long n = atoll(argv[5]);
    long long batch = argc > 6 ? atoll(argv[6]) : 1000;
    const char *verb;
    int per; /* RESP args per element */
    if (!strcmp(type, "hash")) {
        verb = "HSET";
        per = 2;
    } else if (!strcmp(type, "set")) {
        verb = "SADD";
        per = 1;
    } else if (!strcmp(type, "zset")) {
        verb = "ZADD";
        per = 2;
    } else if (!strcmp(type, "list")) {
        verb = "RPUSH";
        per = 1;
    } else
        die("TYPE must be hash, set, zset or list");
    if (batch < 1) batch = 1;

    int fd = connect_to(host, port);
    buf_t out = {0}, in = {0};
    reply_t r;
    uint64_t t0 = now_ns();
    long long next = 0, added = 0;
    long inflight = 0, window = 16;
    char tmp[64];
    while (next < n || inflight) {
        while (next < n && inflight < window) {
            long long m = n - next < batch ? n - next : batch;
            out.len = 0;
            buf_printf(&out, "*%lld\r\n", 2 + m * per);
            resp_arg(&out, verb);
            resp_arg(&out, key);
            for (long long i = next; i < next + m; i++) {
                if (type[0] == 'h') {
                    snprintf(tmp, sizeof tmp, "f%09lld", i);
                    resp_arg(&out, tmp);
                    snprintf(tmp, sizeof tmp, "v%07lld", i % 10000000);
                    resp_arg(&out, tmp);
                } else if (type[0] == 's') {
                    snprintf(tmp, sizeof tmp, "m%09lld", i);
                    resp_arg(&out, tmp);
                } else if (type[0] == 'z') {
                    snprintf(tmp, sizeof tmp, "%lld", i);
                    resp_arg(&out, tmp);
                    snprintf(tmp, sizeof tmp, "m%09lld", i);
                    resp_arg(&out, tmp);
                } else {
                    snprintf(tmp, sizeof tmp, "v%07lld", i % 10000000);
                    resp_arg(&out, tmp);
                }
            }
            write_all(fd, out.p, out.len);
            next += m;
            inflight++;
        }
        read_reply(fd, &in, &r);
        inflight--;
        if (r.is_error) die("%s %s: %s", verb, key, r.line);
        if (r.type == ':') added = type[0] == 'l' ? r.num : added + r.num;
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    printf("loaded %s (%s) %lld elements in %.2f s (%.0f/s); %s %lld\n", key, type, n, secs, n / secs,
           type[0] == 'l' ? "length now" : "new elements", added);
    close(fd);
    return 0;
}

/* ---------------------------------------------------------------- scan */

static int cmd_scan(int argc, char **argv) {
    if (argc < 6) die("usage: scan HOST PORT CMD KEY COUNT");
    const char *host = argv[1], *verb = argv[3], *key = argv[4], *count = argv[5];
    int fd = connect_to(host, atoi(argv[2]));
    buf_t out = {0}, in = {0};
    reply_t r;
    char cursor[256] = "0";
    long long calls = 0, items = 0;
    uint64_t t0 = now_ns(), worst = 0;
    int pairs = strcasecmp(verb, "SSCAN") != 0;
    do {
        out.len = 0;
        buf_printf(&out, "*5\r\n");
        resp_arg(&out, verb);
        resp_arg(&out, key);
        resp_arg(&out, cursor);
        resp_arg(&out, "COUNT");
        resp_arg(&out, count);
        uint64_t c0 = now_ns();
        write_all(fd, out.p, out.len);
        read_reply(fd, &in, &r);
        uint64_t d = now_ns() - c0;
        if (d > worst) worst = d;
        calls++;
        if (r.is_error) die("%s %s: %s", verb, key, r.line);
        if (r.type != '*' || r.num != 2 || r.nested < 0) die("%s %s: unexpected reply", verb, key);
        items += pairs ? r.nested / 2 : r.nested;
        snprintf(cursor, sizeof cursor, "%s", r.line);
    } while (strcmp(cursor, "0") != 0);
    printf("%s %s: calls %lld, items %lld, %.1f ms, slowest call %.3f ms\n", verb, key, calls, items,
           (double)(now_ns() - t0) / 1e6, (double)worst / 1e6);
    close(fd);
    return 0;
}

/* ---------------------------------------------------------------- cmd */

static int cmd_cmd(int argc, char **argv) {
    if (argc < 4) die("usage: cmd HOST PORT ARG...");
    int fd = connect_to(argv[1], atoi(argv[2]));
    buf_t out = {0}, in = {0};
    reply_t r;
    buf_printf(&out, "*%d\r\n", argc - 3);
    for (int i = 3; i < argc; i++) resp_arg(&out, argv[i]);
    uint64_t t0 = now_ns();
    write_all(fd, out.p, out.len);
    read_reply(fd, &in, &r);
    double ms = (double)(now_ns() - t0) / 1e6;
    for (int i = 3; i < argc; i++) printf("%s%s", i > 3 ? " " : "", argv[i]);
    if (r.type == '+' || r.type == '-' || r.type == ':')
        printf(" -> %s%s", r.type == '-' ? "ERROR " : "", r.line);
    else
        printf(" -> reply type '%c' length %lld", r.type, r.num);
    printf(" (%.3f ms)\n", ms);
    close(fd);
    return r.is_error ? 1 : 0;
}

/* ---------------------------------------------------------------- lat */

static volatile sig_atomic_t g_phase_req, g_stop;
static void on_usr1(int sig) {
    (void)sig;
    g_phase_req++;
}
static void on_stop(int sig) {
    (void)sig;
    g_stop = 1;
}

typedef struct {
    uint32_t lat_us, rtt_us;
    uint16_t phase;
} sample_t;

typedef struct {
    int fd;
    int waiting;
    int is_set;
    uint64_t next, sched, sent;
    buf_t in;
} lconn_t;

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(uint32_t *v, size_t n, double p) {
    if (!n) return 0;
    size_t i = (size_t)(p * (double)n);
    if (i >= n) i = n - 1;
    return v[i] / 1000.0;
}

static void report(const char *label, long idx, double secs, sample_t *s, size_t ns, int lo, int hi,
                   long errors) {
    size_t n = 0, over = 0;
    for (size_t i = 0; i < ns; i++) n += s[i].phase >= lo && s[i].phase <= hi;
    uint32_t *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
    if (!a || !b) die("out of memory");
    size_t k = 0;
    for (size_t i = 0; i < ns; i++)
        if (s[i].phase >= lo && s[i].phase <= hi) {
            a[k] = s[i].lat_us;
            b[k] = s[i].rtt_us;
            over += s[i].lat_us > 10000;
            k++;
        }
    qsort(a, n, sizeof *a, cmp_u32);
    qsort(b, n, sizeof *b, cmp_u32);
    printf("%s,%ld,%.2f,%zu,%.3f,%.3f,%.3f,%.3f,%zu,%.3f,%.3f,%ld\n", label, idx, secs, n, pct(a, n, 0.5),
           pct(a, n, 0.99), pct(a, n, 0.999), n ? a[n - 1] / 1000.0 : 0.0, over, pct(b, n, 0.99),
           n ? b[n - 1] / 1000.0 : 0.0, errors);
    free(a);
    free(b);
}

static int cmd_lat(int argc, char **argv, int total_from) {
    if (argc < 6) die("usage: lat HOST PORT CONNS RATE MAXSECS");
    const char *host = argv[1];
    int port = atoi(argv[2]), nc = atoi(argv[3]);
    double rate = atof(argv[4]), maxsecs = atof(argv[5]);
    if (nc < 1 || nc > 1000) die("CONNS must be 1..1000");
    uint64_t period = rate > 0 ? (uint64_t)(1e9 / rate) : 0;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigset_t block, orig;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &orig);

    lconn_t *c = calloc((size_t)nc, sizeof *c);
    struct pollfd *pf = calloc((size_t)nc, sizeof *pf);
    if (!c || !pf) die("out of memory");
    uint64_t start = now_ns();
    for (int i = 0; i < nc; i++) {
        c[i].fd = connect_to(host, port);
        c[i].next = start + (period ? period * (uint64_t)i / (uint64_t)nc : 0);
        c[i].is_set = i & 1;
    }
    size_t ns = 0, cap = 1 << 16;
    sample_t *s = malloc(cap * sizeof *s);
    if (!s) die("out of memory");
    enum { MAX_PHASES = 256 };
    int phase = 0;
    static long errors_phase[MAX_PHASES];
    static double phase_secs[MAX_PHASES];
    uint64_t phase_start = start;
    unsigned seed = 12345;
    buf_t out = {0};
    char key[32], val[] = "0123456789abcdef";
    uint64_t end = start + (uint64_t)(maxsecs * 1e9);

    while (!g_stop) {
        uint64_t now = now_ns();
        if (now >= end) break;
        while (g_phase_req > 0 && phase < MAX_PHASES - 1) {
            g_phase_req--;
            phase_secs[phase] = (double)(now - phase_start) / 1e9;
            phase_start = now;
            phase++;
        }
        /* send on idle connections whose slot has come */
        uint64_t wake = end;
        for (int i = 0; i < nc; i++) {
            lconn_t *x = &c[i];
            if (x->waiting) continue;
            if (x->next <= now) {
                snprintf(key, sizeof key, "lat:%u", rand_r(&seed) % 10000);
                out.len = 0;
                if (x->is_set) {
                    buf_printf(&out, "*3\r\n$3\r\nSET\r\n");
                    resp_arg(&out, key);
                    resp_arg(&out, val);
                } else {
                    buf_printf(&out, "*2\r\n$3\r\nGET\r\n");
                    resp_arg(&out, key);
                }
                x->is_set = !x->is_set;
                x->sched = period ? x->next : now;
                x->sent = now;
                x->waiting = 1;
                write_all(x->fd, out.p, out.len);
                if (period) x->next += period;
            } else if (x->next < wake) {
                wake = x->next;
            }
        }
        int np = 0;
        for (int i = 0; i < nc; i++) {
            pf[i].fd = c[i].waiting ? c[i].fd : -1;
            pf[i].events = POLLIN;
            pf[i].revents = 0;
            np += c[i].waiting;
        }
        now = now_ns();
        uint64_t wait_ns = wake > now ? wake - now : 0;
        if (wait_ns > 100000000ull) wait_ns = 100000000ull;
        struct timespec ts = {(time_t)(wait_ns / 1000000000ull), (long)(wait_ns % 1000000000ull)};
        int pr = ppoll(pf, (nfds_t)nc, &ts, &orig);
        if (pr < 0 && errno != EINTR) die("ppoll: %s", strerror(errno));
        if (pr <= 0) continue;
        for (int i = 0; i < nc; i++) {
            if (!(pf[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            lconn_t *x = &c[i];
            if (fill(x->fd, &x->in) == 0) die("server closed a latency connection");
            reply_t r;
            long k = parse(x->in.p, x->in.len, &r, 0, 0);
            if (k < 0) die("protocol error");
            if (k == 0) continue;
            buf_consume(&x->in, (size_t)k);
            uint64_t t = now_ns();
            if (ns == cap) {
                cap *= 2;
                s = realloc(s, cap * sizeof *s);
                if (!s) die("out of memory");
            }
            uint64_t l = (t - x->sched) / 1000, rt = (t - x->sent) / 1000;
            s[ns].lat_us = l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
            s[ns].rtt_us = rt > UINT32_MAX ? UINT32_MAX : (uint32_t)rt;
            s[ns].phase = (uint16_t)phase;
            ns++;
            if (r.is_error) errors_phase[phase]++;
            x->waiting = 0;
            if (!period) x->next = t;
        }
    }
    phase_secs[phase] = (double)(now_ns() - phase_start) / 1e9;
    double total_secs = 0;
    for (int p = 0; p <= phase; p++) {
        report("PHASE", p, phase_secs[p], s, ns, p, p, errors_phase[p]);
        if (total_from >= 0 && p >= total_from) total_secs += phase_secs[p];
    }
    if (total_from >= 0) {
        long errs = 0;
        for (int p = total_from; p <= phase; p++) errs += errors_phase[p];
        report("TOTAL", total_from, total_secs, s, ns, total_from, phase, errs);
    }
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    int total_from = -1;
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2)
        die("usage: bigkeys load|lat|scan|cmd ... (see the comment at the top of "
            "bench/bigkeys.c)");
    const char *sub = argv[1];
    argc--;
    argv++;
    if (argc >= 3 && !strcmp(argv[1], "-a")) {
        total_from = atoi(argv[2]);
        argv[2] = argv[0];
        argc -= 2;
        argv += 2;
    }
    if (!strcmp(sub, "load")) return cmd_load(argc, argv);
    if (!strcmp(sub, "lat")) return cmd_lat(argc, argv, total_from);
    if (!strcmp(sub, "scan")) return cmd_scan(argc, argv);
    if (!strcmp(sub, "cmd")) return cmd_cmd(argc, argv);
    die("unknown subcommand %s", sub);
    return 1;
}
