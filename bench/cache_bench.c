/*
 * cache_bench.c - a load generator that plays a cache in front of a slower
 * store: every request GETs a key drawn from a Zipf distribution over a key
 * space larger than the server's memory, and on a miss SETs it with a value
 * of the configured size. Against a server with maxmemory and an eviction
 * policy this measures what a cache user sees: the hit ratio the memory buys,
 * requests per second, and latency.
 *
 * Each connection runs in its own thread with blocking hiredis, sending
 * `pipeline` GETs at a time and then one SET per miss (also pipelined). The
 * first `warmup` seconds fill the cache and are not counted; then `time`
 * seconds are measured and one summary is printed: hit ratio, GETs and
 * requests (GET + SET) per second, and GET latency percentiles (time from
 * sending a pipeline to reading that reply).
 *
 * Keys are "<prefix><16 hex digits>", the digits a 64-bit bijective mix of
 * the Zipf rank, so hot keys are spread over the hash space (and shards).
 * Zipf sampling is rejection-inversion (Hoermann and Derflinger, 1996):
 * O(1) per draw, no table, any exponent > 0.
 *
 * Build: cc -O2 -o cache_bench bench/cache_bench.c -lhiredis -lpthread -lm
 */
#include <errno.h>
#include <getopt.h>
#include <hiredis/hiredis.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ options */

static const char *opt_host = "127.0.0.1";
static int opt_port = 6379;
static int opt_conns = 4;
static int opt_pipeline = 16;
static uint64_t opt_keys = 10000000;
static double opt_zipf = 0.99;
static size_t opt_value = 100;
static double opt_warmup = 10;
static double opt_time = 20;
static const char *opt_prefix = "c:";
static uint64_t opt_seed = 1;
static int opt_csv;

static void usage(FILE *f) {
    fprintf(f,
            "usage: cache_bench [options]\n"
            "  -h HOST      server host                          [127.0.0.1]\n"
            "  -p PORT      server port                          [6379]\n"
            "  -c N         connections (one thread each)        [4]\n"
            "  -P N         GETs in flight per connection        [16]\n"
            "  -k N         key space (distinct keys)            [10000000]\n"
            "  -s S         Zipf exponent (> 0)                  [0.99]\n"
            "  -d BYTES     value size SET on a miss             [100]\n"
            "  -w SECONDS   warm-up, not counted                 [10]\n"
            "  -t SECONDS   measured time                        [20]\n"
            "  -x PREFIX    key prefix                           [c:]\n"
            "  -r SEED      random seed                          [1]\n"
            "  --csv        print one line: hit_ratio,gets_per_s,reqs_per_s,p50_ms,p99_ms,"
            "p999_ms,gets,sets,errors\n"
            "  --help\n");
}

/* ------------------------------------------------------------------ random */

static inline uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A bijection of 64-bit integers (the splitmix64 finalizer). */
static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline double uniform01(uint64_t *s) { return (double)(splitmix64(s) >> 11) * 0x1.0p-53; }

/* Rejection-inversion Zipf sampler over ranks 1..n with exponent q. */
struct zipf {
    double n, q, h_x1, h_n, s;
};

static double zh(const struct zipf *z, double x) { /* integral of x^-q */
    double l = log(x);
    double t = (1.0 - z->q) * l;
    return (fabs(t) > 1e-8 ? expm1(t) / t : 1.0 + t / 2) * l;
}

static double zh_inv(const struct zipf *z, double x) {
    double t = x * (1.0 - z->q);
    if (t < -1.0) t = -1.0; /* guard rounding */
    return exp((fabs(t) > 1e-8 ? log1p(t) / t : 1.0 - t / 2) * x);
}

static void zipf_init(struct zipf *z, uint64_t n, double q) {
    z->n = (double)n;
    z->q = q;
    z->h_x1 = zh(z, 1.5) - 1.0;
    z->h_n = zh(z, z->n + 0.5);
    z->s = 2.0 - zh_inv(z, zh(z, 2.5) - exp(-q * log(2.0)));
}

static uint64_t zipf_next(const struct zipf *z, uint64_t *rng) {
    for (;;) {
        double u = z->h_n + uniform01(rng) * (z->h_x1 - z->h_n);
        double x = zh_inv(z, u);
        double k = floor(x + 0.5);
        if (k < 1) k = 1;
        if (k > z->n) k = z->n;
        if (k - x <= z->s || u >= zh(z, k + 0.5) - exp(-z->q * log(k))) return (uint64_t)k;
    }
}

/* ------------------------------------------------------------------ timing */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Latency histogram: 1 us buckets up to 100 ms, then one overflow bucket. */
#define HIST_US 100000

struct worker {
    pthread_t th;
    int id;
    uint64_t gets, hits, sets, errors;
    uint32_t *hist; /* HIST_US + 1 counters */
    char err[256];
};

static struct zipf g_zipf;
static double g_start, g_measure_from, g_end;
static char *g_value;

static void count_latency(struct worker *w, double sec) {
    long us = (long)(sec * 1e6);
    if (us < 0) us = 0;
    if (us > HIST_US) us = HIST_US;
    w->hist[us]++;
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectWithTimeout(opt_host, opt_port, tv);
    if (!c || c->err) {
        snprintf(w->err, sizeof(w->err), "connect %s:%d: %s", opt_host, opt_port,
                 c ? c->errstr : "out of memory");
        if (c) redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, tv);
    /* independent streams: splitmix64 states that differ by a multiple of
     * its increment would replay each other's draws shifted */
    uint64_t rng = mix64(mix64(opt_seed + 1) ^ ((uint64_t)w->id + 1) * 0xd1b54a32d192ed03ULL);
    int P = opt_pipeline;
    char (*keys)[80] = malloc((size_t)P * sizeof(*keys));
    size_t *klen = malloc((size_t)P * sizeof(*klen));
    int *miss = malloc((size_t)P * sizeof(*miss));
    if (!keys || !klen || !miss) abort();
    size_t plen = strlen(opt_prefix);
    for (;;) {
        double t0 = now_s();
        if (t0 >= g_end) break;
        int counting = t0 >= g_measure_from;
        for (int i = 0; i < P; i++) {
            uint64_t rank = zipf_next(&g_zipf, &rng);
            memcpy(keys[i], opt_prefix, plen);
            klen[i] = plen + (size_t)snprintf(keys[i] + plen, sizeof(keys[i]) - plen, "%016llx",
                                              (unsigned long long)mix64(rank));
            redisAppendCommand(c, "GET %b", keys[i], klen[i]);
        }
        int nmiss = 0;
        for (int i = 0; i < P; i++) {
            redisReply *r;
            if (redisGetReply(c, (void **)&r) != REDIS_OK) {
                snprintf(w->err, sizeof(w->err), "GET: %s", c->errstr);
                goto out;
            }
            double t1 = now_s();
            miss[i] = 0;
            if (r->type == REDIS_REPLY_NIL) {
                miss[i] = 1;
                nmiss++;
            } else if (r->type == REDIS_REPLY_ERROR) {
                if (counting) w->errors++;
            } else if (counting) w->hits++;
            if (counting) {
                w->gets++;
                count_latency(w, t1 - t0);
            }
            freeReplyObject(r);
        }
        if (nmiss == 0) continue;
        for (int i = 0; i < P; i++)
            if (miss[i]) redisAppendCommand(c, "SET %b %b", keys[i], klen[i], g_value, opt_value);
        for (int i = 0; i < nmiss; i++) {
            redisReply *r;
            if (redisGetReply(c, (void **)&r) != REDIS_OK) {
                snprintf(w->err, sizeof(w->err), "SET: %s", c->errstr);
                goto out;
            }
            if (counting) {
                w->sets++;
                if (r->type == REDIS_REPLY_ERROR) w->errors++;
            }
            freeReplyObject(r);
        }
    }
out:
    free(keys);
    free(klen);
    free(miss);
    redisFree(c);
    return NULL;
}

static double percentile(const uint64_t *hist, uint64_t total, double p) {
    if (total == 0) return 0;
    uint64_t want = (uint64_t)ceil(p * (double)total), acc = 0;
    for (long i = 0; i <= HIST_US; i++) {
        acc += hist[i];
        if (acc >= want) return (double)(i + 1) / 1000.0; /* bucket upper bound, ms */
    }
    return HIST_US / 1000.0;
}

static int parse_num(const char *s, double min, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= min)) return 0;
    *out = v;
    return 1;
}

int main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"csv", no_argument, NULL, 1}, {"help", no_argument, NULL, 2}, {NULL, 0, NULL, 0}};
    int ch;
    double v;
    while ((ch = getopt_long(argc, argv, "h:p:c:P:k:s:d:w:t:x:r:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'h': opt_host = optarg; break;
        case 'p':
            if (!parse_num(optarg, 1, &v) || v > 65535) goto bad;
            opt_port = (int)v;
            break;
        case 'c':
            if (!parse_num(optarg, 1, &v) || v > 1024) goto bad;
            opt_conns = (int)v;
            break;
        case 'P':
            if (!parse_num(optarg, 1, &v) || v > 10000) goto bad;
            opt_pipeline = (int)v;
            break;
        case 'k':
            if (!parse_num(optarg, 1, &v) || v > 1e15) goto bad;
            opt_keys = (uint64_t)v;
            break;
        case 's':
            if (!parse_num(optarg, 0, &v) || v <= 0 || v > 10) goto bad;
            opt_zipf = v;
            break;
        case 'd':
            if (!parse_num(optarg, 0, &v) || v > 512 * 1024 * 1024.0) goto bad;
            opt_value = (size_t)v;
            break;
        case 'w':
            if (!parse_num(optarg, 0, &opt_warmup)) goto bad;
            break;
        case 't':
            if (!parse_num(optarg, 0.1, &opt_time)) goto bad;
            break;
        case 'x':
            if (strlen(optarg) > 40) goto bad;
            opt_prefix = optarg;
            break;
        case 'r':
            if (!parse_num(optarg, 0, &v)) goto bad;
            opt_seed = (uint64_t)v;
            break;
        case 1: opt_csv = 1; break;
        case 2: usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        continue;
    bad:
        fprintf(stderr, "cache_bench: bad value for -%c: %s\n", ch, optarg);
        return 2;
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    zipf_init(&g_zipf, opt_keys, opt_zipf);
    g_value = malloc(opt_value + 1);
    if (!g_value) abort();
    for (size_t i = 0; i < opt_value; i++) g_value[i] = (char)('a' + i % 26);

    struct worker *ws = calloc((size_t)opt_conns, sizeof(*ws));
    if (!ws) abort();
    g_start = now_s();
    g_measure_from = g_start + opt_warmup;
    g_end = g_measure_from + opt_time;
    for (int i = 0; i < opt_conns; i++) {
        ws[i].id = i;
        ws[i].hist = calloc(HIST_US + 1, sizeof(uint32_t));
        if (!ws[i].hist) abort();
        if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
            fprintf(stderr, "cache_bench: pthread_create failed\n");
            return 1;
        }
    }
    uint64_t gets = 0, hits = 0, sets = 0, errors = 0;
    uint64_t *hist = calloc(HIST_US + 1, sizeof(uint64_t));
    if (!hist) abort();
    int failed = 0;
    for (int i = 0; i < opt_conns; i++) {
        pthread_join(ws[i].th, NULL);
        if (ws[i].err[0]) {
            fprintf(stderr, "cache_bench: connection %d: %s\n", i, ws[i].err);
            failed = 1;
        }
        gets += ws[i].gets;
        hits += ws[i].hits;
        sets += ws[i].sets;
        errors += ws[i].errors;
        for (long j = 0; j <= HIST_US; j++) hist[j] += ws[i].hist[j];
    }
    double secs = opt_time;
    double hit_ratio = gets ? (double)hits / (double)gets : 0;
    double p50 = percentile(hist, gets, 0.50), p99 = percentile(hist, gets, 0.99),
           p999 = percentile(hist, gets, 0.999);
    if (opt_csv) {
        printf("%.4f,%.0f,%.0f,%.3f,%.3f,%.3f,%llu,%llu,%llu\n", hit_ratio, (double)gets / secs,
               (double)(gets + sets) / secs, p50, p99, p999, (unsigned long long)gets,
               (unsigned long long)sets, (unsigned long long)errors);
    } else {
        printf("keys %llu zipf %.2f value %zu bytes, %d conns x pipeline %d, warm-up %.0f s, "
               "measured %.0f s\n",
               (unsigned long long)opt_keys, opt_zipf, opt_value, opt_conns, opt_pipeline,
               opt_warmup, opt_time);
        printf("hit_ratio %.4f  gets/s %.0f  reqs/s %.0f  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms"
               "  (gets %llu sets %llu errors %llu)\n",
               hit_ratio, (double)gets / secs, (double)(gets + sets) / secs, p50, p99, p999,
               (unsigned long long)gets, (unsigned long long)sets, (unsigned long long)errors);
    }
    return failed ? 1 : 0;
}
