/*
 * test_txn_stress.c - concurrency stress test for cross-shard atomicity.
 *
 * Usage: test_txn_stress [--shards N] HOST PORT [SEED] [SCENARIO ...]
 *
 * Runs against an already running server speaking RESP (run_pipeline.sh
 * starts one and passes HOST PORT [SEED]). Several threads, one hiredis
 * connection each, hammer keys that live on different shards; when they are
 * done, invariants that any atomic implementation keeps are checked.
 *
 * Keys are picked by their Redis Cluster hash slot (CRC16/XMODEM of the key
 * or its {tag}, mod 16384) so that with N shards, where shard i owns the
 * slots s with s*N/16384 == i, they land on the shards each scenario wants.
 * N comes from --shards or the TEST_SHARDS environment variable (default 4);
 * against a server with fewer shards the test is still valid, only less
 * spread out.
 *
 * Scenarios (all by default; a group name selects its members; SCENARIO
 * arguments or TXN_STRESS_SCENARIOS="a,b" pick some, "-a" leaves one out
 * of those named before it, as in "all,-a"):
 *   movers:   lmove  4,000 unique elements LMOVEd from one list to 4 lists on
 *                    other shards by 4 threads while 2 threads RPOPLPUSH some
 *                    back: every element exactly once in the union, list
 *                    lengths match the replies the clients got
 *             smove  1,000 members SMOVEd out of one set by 4 threads at once
 *                    (each member moved by exactly one of them, into that
 *                    one's set), then moved at random among 4 sets: every
 *                    member in exactly one set
 *             rename one value RENAMEd at random among 8 keys by 4 threads:
 *                    exactly one key holds it at the end
 *             bigsets members SMOVEd between a 12,000-member set and a
 *                    100-member one on another shard while 3 readers
 *                    SUNIONSTORE / SINTERSTORE / SINTERCARD them: the union
 *                    always has all 12,100, the intersection is always empty
 *   money:    money  MULTI/DECRBY/INCRBY/EXEC transfers among 8 accounts
 *                    while 2 auditors MGET them all: the sum is always 8000,
 *                    final balances equal 1000 + the committed transfers
 *             money-script  the same transfers, each one EVAL of a script
 *                    over its two keys (on two shards)
 *             money-undeclared  the same with the key names passed in ARGV
 *                    (0 KEYS): the script runs holding every shard
 *             money-mget  the same reading both accounts with one MGET and
 *                    writing both with one MSET (undeclared keys of two
 *                    shards: split among them by the script)
 *             money-mixed  two declared accounts on two shards (the
 *                    coordinator's copies) and a third in ARGV: twice the
 *                    amount leaves the first, half goes to each other one
 *             money-multi-script  money-undeclared's script inside
 *                    MULTI/EXEC, pipelined (the EXEC holds every shard,
 *                    the script runs with it)
 *             money-bgsave  money's MULTI/EXEC transfers over 20,000 filler
 *                    keys, while one auditor BGSAVEs in a loop and reads
 *                    the accounts back from each dump.rdb written (CRC64
 *                    checked): every file holds the whole sum
 *             serverwide  in db 9: MSET / DEL of 8 keys and FLUSHDB by 2
 *                    writers while 2 readers DBSIZE (0 or 8) and MGET
 *                    (all missing or one value)
 *             money-global  the same with DBSIZE in every transfer (an
 *                    EXEC holding every shard whole) and every other
 *                    audit an EXEC of the GETs and DBSIZE
 *   watch:    watch  WATCH/GET/MULTI/SET/EXEC increments of one counter by 4
 *                    threads, retried when EXEC answers nil: exactly 2000
 *             watch-race  WATCH k on one connection, SET k on another once
 *                    WATCH has answered, then MULTI/PING/EXEC: always aborted
 *             watch-multishard  the same with an INCR of a key on another
 *                    shard in each transaction: both end at 2000, and each
 *                    EXEC's INCR result equals the SET value
 *   blocking: blpop  3 producers LPUSH 3 x 3,000 unique items to 2 lists on
 *                    different shards, 3 consumers BLPOP both, 1 consumer
 *                    BRPOPs one: every item received exactly once, lists empty
 *             blmove the same with 3 consumers BLMOVE q done (done on another
 *                    shard): done holds every item exactly once
 *             stream-group  3 producers XADD 3 x 2,000 entries "p<t>:<n>" to
 *                    2 streams on different shards, each with group g; 4
 *                    consumers XREADGROUP GROUP g c<i> COUNT 1..5 BLOCK 100
 *                    STREAMS s1 s2 > > and XACK what they got: every entry
 *                    delivered and acked exactly once, under the ID XADD
 *                    answered and from its stream, IDs rising per consumer;
 *                    a final read finds nothing, XPENDING is 0, XLEN equals
 *                    the entries added
 *             stream-autoclaim  the same with a fifth consumer that reads
 *                    without acking and "crashes" every 3 reads (drops its
 *                    connection, half the time while blocked in another
 *                    XREADGROUP), coming back under a new name; the others
 *                    XAUTOCLAIM (min-idle 100 ms) and XACK each entry alone:
 *                    every entry acked exactly once (one XACK answers 1),
 *                    every entry the crashed consumers read claimed
 *
 * Each scenario stops its threads at a deadline (TXN_STRESS_SECONDS, default
 * 10) and an I/O timeout of 5 s keeps a silent server from hanging a thread.
 * Where the invariant holds for whatever got done (lmove, smove, rename,
 * money) reaching the deadline is only noted; watch and the blocking
 * scenarios must finish their work in time. An error reply a scenario does
 * not expect (an unknown command, say) fails that scenario and stops its
 * threads. A watchdog ends the whole run if it goes on far longer than the
 * deadlines allow.
 *
 * Run:
 *   TEST_SHARDS=4 TEST_PIPELINE_BIN=/tmp/test_txn_stress \
 *       tests/c/run_pipeline.sh src/redis-shard 4
 *   To check the test itself against a stock Redis, give run_pipeline.sh a
 *   copy named redis-server (Debian's /usr/bin/redis-server is a symlink that
 *   realpath turns into redis-check-rdb):
 *     cp /usr/bin/redis-check-rdb /tmp/redis-server
 *     TEST_PIPELINE_BIN=/tmp/test_txn_stress tests/c/run_pipeline.sh /tmp/redis-server 4
 *
 * One summary line per scenario; the last line printed is
 * "P passed, F failed"; the exit status is non-zero if anything failed.
 *
 * Build:
 *   gcc -std=gnu11 -O2 -g -Wall -Wextra -pthread tests/c/test_txn_stress.c \
 *       -lhiredis -o /tmp/test_txn_stress
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#define NSLOTS 16384
#define IO_TIMEOUT_S 5
#define MAX_PROBLEM_LINES 12 /* FAIL lines printed per scenario; the rest are only counted */
#define KEYLEN 64

static const char *g_host;
static int g_port;
static int g_nshards = 4;
static unsigned long long g_seed;
static double g_scen_seconds = 10.0;

/* State of the scenario being run. */
static const char *g_scen;
static double g_deadline; /* CLOCK_MONOTONIC seconds */
static atomic_int g_stop; /* a thread hit something fatal: everyone winds down */
static atomic_int g_deadline_hit;
static atomic_int g_workers_left; /* threads of the "driving" kind still running */
static atomic_int g_problems;
static atomic_int g_printed; /* FAIL lines printed since the threads (or the final checks) began */
static pthread_mutex_t g_print_mu = PTHREAD_MUTEX_INITIALIZER;

static volatile sig_atomic_t g_passed, g_failed, g_total;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static double now_sec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    return p;
}

/* xorshift64*, one state per thread */
typedef struct {
    uint64_t s;
} rng_t;

static void rng_init(rng_t *r, uint64_t stream) {
    r->s = (g_seed + 1) * 0x9E3779B97F4A7C15ULL ^ (stream + 1) * 0xD1B54A32D192ED03ULL;
    if (!r->s) r->s = 1;
}

static uint64_t rng_next(rng_t *r) {
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static int rng_below(rng_t *r, int n) { return (int)(rng_next(r) % (uint64_t)n); }

static char g_last_problem[768]; /* the same message from several threads is printed once */

/* A FAIL line for the running scenario (only the first few are printed). */
static void problem(const char *fmt, ...) {
    atomic_fetch_add(&g_problems, 1);
    int n = atomic_fetch_add(&g_printed, 1) + 1;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&g_print_mu);
    if (n <= MAX_PROBLEM_LINES && strcmp(msg, g_last_problem) != 0) {
        printf("FAIL %s: %s\n", g_scen, msg);
        if (n == MAX_PROBLEM_LINES) printf("FAIL %s: (further problems only counted)\n", g_scen);
        memcpy(g_last_problem, msg, sizeof(msg));
    }
    pthread_mutex_unlock(&g_print_mu);
}

static void note(const char *fmt, ...) {
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&g_print_mu);
    printf("  %s: %s\n", g_scen, msg);
    pthread_mutex_unlock(&g_print_mu);
}

/* The threads are done: the final checks get their own quota of FAIL lines. */
static void final_checks(void) {
    atomic_store(&g_printed, 0);
    g_last_problem[0] = '\0';
}

/* A problem that makes going on pointless: every thread of the scenario stops. */
#define fatal(...)                                                                                           \
    do {                                                                                                     \
        problem(__VA_ARGS__);                                                                                \
        atomic_store(&g_stop, 1);                                                                            \
    } while (0)

/* True once the threads of the scenario should stop. */
static int should_stop(void) {
    if (atomic_load(&g_stop)) return 1;
    if (now_sec() > g_deadline) {
        atomic_store(&g_deadline_hit, 1);
        return 1;
    }
    return 0;
}

/* Printable, truncated description of a reply. */
static const char *rdesc(const redisReply *r, char *out, size_t outsz) {
    if (!r) {
        snprintf(out, outsz, "(no reply)");
        return out;
    }
    switch (r->type) {
    case REDIS_REPLY_STATUS:
        snprintf(out, outsz, "status \"%.80s\"", r->str);
        break;
    case REDIS_REPLY_ERROR:
        snprintf(out, outsz, "error \"%.120s\"", r->str);
        break;
    case REDIS_REPLY_INTEGER:
        snprintf(out, outsz, "integer %lld", r->integer);
        break;
    case REDIS_REPLY_NIL:
        snprintf(out, outsz, "nil");
        break;
    case REDIS_REPLY_STRING:
        snprintf(out, outsz, "bulk \"%.80s\"", r->str);
        break;
    case REDIS_REPLY_ARRAY: {
        size_t o = (size_t)snprintf(out, outsz, "array of %zu [", r->elements);
        for (size_t i = 0; i < r->elements && i < 4 && o < outsz; i++) {
            const redisReply *e = r->element[i];
            const char *sep = i ? ", " : "";
            if (e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS ||
                e->type == REDIS_REPLY_ERROR)
                o += (size_t)snprintf(out + o, outsz - o, "%s\"%.30s\"", sep, e->str);
            else if (e->type == REDIS_REPLY_INTEGER)
                o += (size_t)snprintf(out + o, outsz - o, "%s%lld", sep, e->integer);
            else if (e->type == REDIS_REPLY_NIL)
                o += (size_t)snprintf(out + o, outsz - o, "%snil", sep);
            else
                o += (size_t)snprintf(out + o, outsz - o, "%s<type %d>", sep, e->type);
        }
        if (o < outsz) snprintf(out + o, outsz - o, "%s]", r->elements > 4 ? ", ..." : "");
        break;
    }
    default:
        snprintf(out, outsz, "<reply type %d>", r->type);
        break;
    }
    return out;
}

static int is_status(const redisReply *r, const char *s) {
    return r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, s) == 0;
}

static int parse_ll(const char *s, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return 0;
    *out = v;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Connections and commands                                                  */
/* ------------------------------------------------------------------------ */

static redisContext *open_conn(void) {
    struct timeval tv = {IO_TIMEOUT_S, 0};
    redisContext *c = redisConnectWithTimeout(g_host, g_port, tv);
    if (!c || c->err) {
        fatal("connect to %s:%d: %s", g_host, g_port, c ? c->errstr : "out of memory");
        if (c) redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, tv);
    return c;
}

/* Why a connection broke, for a FAIL line. */
static const char *io_why(const redisContext *c) {
    if (c->err == REDIS_ERR_IO &&
        (errno == EAGAIN || errno == EWOULDBLOCK || strstr(c->errstr, "temporarily")))
        return "no reply within the I/O timeout";
    return c->errstr[0] ? c->errstr : "connection error";
}

/* A command; NULL (after a fatal problem) when the connection broke. */
static redisReply *cmd(redisContext *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (!r) fatal("%.*s: %s", (int)strcspn(fmt, " "), fmt, io_why(c));
    return r;
}

static redisReply *cmd_argv(redisContext *c, int argc, const char **argv) {
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    if (!r) fatal("%s: %s", argv[0], io_why(c));
    return r;
}

/* Next reply of a pipeline; NULL (after a fatal problem) on a broken connection. */
static redisReply *next_reply(redisContext *c, const char *what) {
    void *r = NULL;
    if (redisGetReply(c, &r) != REDIS_OK || !r) {
        fatal("reading the reply to %s: %s", what, io_why(c));
        return NULL;
    }
    return r;
}

/* A reply to a command that must not fail: fatal unless it has the wanted type. */
static int want_type(const redisReply *r, int type, const char *what) {
    char d[256];
    if (!r) return 0;
    if (r->type != type) {
        fatal("%s answered %s", what, rdesc(r, d, sizeof(d)));
        return 0;
    }
    return 1;
}

/* Run a command on a short-lived connection that must answer with the given type. */
static int setup_cmd(redisContext *c, int type, const char *fmt, ...) {
    char what[128];
    va_list ap;
    if (c->err) return 0; /* the connection broke: that has been reported */
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (!r) {
        fatal("%s: %s", what, io_why(c));
        return 0;
    }
    int ok = want_type(r, type, what);
    freeReplyObject(r);
    return ok;
}

/* Fetch a whole list into a freshly allocated reply (NULL on trouble). */
static redisReply *fetch_list(redisContext *c, const char *key) {
    redisReply *r = cmd(c, "LRANGE %s 0 -1", key);
    if (r && !want_type(r, REDIS_REPLY_ARRAY, "LRANGE")) {
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

static redisReply *fetch_set(redisContext *c, const char *key) {
    redisReply *r = cmd(c, "SMEMBERS %s", key);
    if (r && !want_type(r, REDIS_REPLY_ARRAY, "SMEMBERS")) {
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

/* ------------------------------------------------------------------------ */
/* Hash slots and key placement                                              */
/* ------------------------------------------------------------------------ */

static uint16_t crc16_xmodem(const char *p, size_t n) {
    uint16_t crc = 0;
    while (n--) {
        crc ^= (uint16_t)((unsigned char)*p++ << 8);
        for (int b = 0; b < 8; b++) crc = (uint16_t)((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

/* Redis Cluster slot: of the first non-empty {tag} if there is one, else of the key. */
static unsigned slot_of(const char *key) {
    size_t len = strlen(key);
    const char *open = memchr(key, '{', len);
    if (open) {
        const char *close = memchr(open + 1, '}', len - (size_t)(open + 1 - key));
        if (close && close > open + 1) return crc16_xmodem(open + 1, (size_t)(close - open - 1)) % NSLOTS;
    }
    return crc16_xmodem(key, len) % NSLOTS;
}

static int shard_of_slot(unsigned slot, int nshards) { return (int)((long)slot * nshards / NSLOTS); }

/* out = "<prefix>:<n>" for the smallest n whose slot belongs to shard `shard` of `nshards`. */
static void key_on_shard(char *out, size_t outsz, const char *prefix, int shard, int nshards) {
    shard %= nshards;
    for (unsigned n = 0;; n++) {
        snprintf(out, outsz, "%s:%u", prefix, n);
        if (shard_of_slot(slot_of(out), nshards) == shard) return;
    }
}

/* The key of role `role` (0, 1, ...) in a scenario: spread round-robin over the shards. */
static void scen_key(char *out, const char *scen, const char *name, int shard) {
    char prefix[KEYLEN - 16]; /* room for ":<n>" */
    snprintf(prefix, sizeof(prefix), "txs:%s:%s", scen, name);
    key_on_shard(out, KEYLEN, prefix, shard, g_nshards);
}

static void print_placement(int n, char keys[][KEYLEN]) {
    char line[1024];
    size_t o = (size_t)snprintf(line, sizeof(line), "keys (slot/shard of %d):", g_nshards);
    for (int i = 0; i < n && o < sizeof(line); i++) {
        unsigned s = slot_of(keys[i]);
        o += (size_t)snprintf(line + o, sizeof(line) - o, " %s=%u/%d", keys[i], s,
                              shard_of_slot(s, g_nshards));
    }
    note("%s", line);
}

static void del_keys(redisContext *c, int n, char keys[][KEYLEN]) {
    if (c->err) return; /* the connection broke: that has been reported */
    for (int i = 0; i < n; i++) setup_cmd(c, REDIS_REPLY_INTEGER, "DEL %s", keys[i]);
}

/* ------------------------------------------------------------------------ */
/* Threads                                                                   */
/* ------------------------------------------------------------------------ */

typedef void *(*thread_fn)(void *);

/* Start n threads fn(args + i*argsz) and wait for all of them. */
static void run_threads(int n, thread_fn *fns, void *args, size_t argsz) {
    pthread_t th[32];
    int started = 0;
    for (int i = 0; i < n && i < 32; i++) {
        if (pthread_create(&th[i], NULL, fns[i], (char *)args + (size_t)i * argsz) != 0) {
            fatal("pthread_create failed");
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
}

/* ------------------------------------------------------------------------ */
/* Scenario: lmove                                                           */
/* ------------------------------------------------------------------------ */

#define LM_ELEMS 4000
#define LM_MOVERS 4
#define LM_BACKERS 2
#define LM_BACK_TRIES 400 /* RPOPLPUSH attempts per backer */

/* keys: [0] src, [1..4] dst0..dst3 */
static char lm_keys[1 + LM_MOVERS][KEYLEN];

typedef struct {
    int id, backer;
    long ok, nils;
    long moved_from[LM_MOVERS]; /* backer: elements taken back from dst<i> */
    int *fwd, *back;            /* per element: times returned by LMOVE / RPOPLPUSH */
    int bad_values;
} lm_arg_t;

static int elem_index(const redisReply *e, char tag, int n) {
    if (!e || e->type != REDIS_REPLY_STRING || e->len < 2 || e->str[0] != tag) return -1;
    long long v;
    if (!parse_ll(e->str + 1, &v) || v < 0 || v >= n) return -1;
    return (int)v;
}

static void *lm_mover(void *p) {
    lm_arg_t *a = p;
    char d[256];
    redisContext *c = open_conn();
    if (!c) goto out;
    while (!should_stop()) {
        redisReply *r = cmd(c, "LMOVE %s %s LEFT RIGHT", lm_keys[0], lm_keys[1 + a->id]);
        if (!r) break;
        if (r->type == REDIS_REPLY_STRING) {
            int ix = elem_index(r, 'e', LM_ELEMS);
            if (ix < 0)
                a->bad_values++;
            else
                a->fwd[ix]++;
            a->ok++;
        } else if (r->type == REDIS_REPLY_NIL) {
            a->nils++;
            if (atomic_load(&g_workers_left) == 0) { /* backers done, src empty: finished */
                freeReplyObject(r);
                break;
            }
            usleep(100);
        } else {
            fatal("LMOVE answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
    }
out:
    if (c) redisFree(c);
    return NULL;
}

static void *lm_backer(void *p) {
    lm_arg_t *a = p;
    char d[256];
    redisContext *c = open_conn();
    for (int i = 0; c && i < LM_BACK_TRIES && !should_stop(); i++) {
        int j = (i + a->id) % LM_MOVERS;
        redisReply *r = cmd(c, "RPOPLPUSH %s %s", lm_keys[1 + j], lm_keys[0]);
        if (!r) break;
        if (r->type == REDIS_REPLY_STRING) {
            int ix = elem_index(r, 'e', LM_ELEMS);
            if (ix < 0)
                a->bad_values++;
            else
                a->back[ix]++;
            a->ok++;
            a->moved_from[j]++;
        } else if (r->type == REDIS_REPLY_NIL) {
            a->nils++;
        } else {
            fatal("RPOPLPUSH answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
        usleep(150); /* now and then, not flat out */
    }
    atomic_fetch_sub(&g_workers_left, 1);
    if (c) redisFree(c);
    return NULL;
}

static void scen_lmove(char *summary, size_t sumsz) {
    const int nthreads = LM_MOVERS + LM_BACKERS;
    lm_arg_t args[LM_MOVERS + LM_BACKERS];
    thread_fn fns[LM_MOVERS + LM_BACKERS];
    int *counts = xcalloc(LM_ELEMS, sizeof(int));
    redisContext *c = NULL;

    scen_key(lm_keys[0], "lmove", "src", 0);
    for (int i = 0; i < LM_MOVERS; i++) {
        char name[16];
        snprintf(name, sizeof(name), "dst%d", i);
        scen_key(lm_keys[1 + i], "lmove", name, g_nshards > 1 ? 1 + i % (g_nshards - 1) : 0);
    }
    print_placement(1 + LM_MOVERS, lm_keys);
    memset(args, 0, sizeof(args));

    if (!(c = open_conn())) goto done;
    del_keys(c, 1 + LM_MOVERS, lm_keys);
    for (int base = 0; base < LM_ELEMS && !atomic_load(&g_stop); base += 500) {
        const char *argv[502];
        char vals[500][16];
        int argc = 0;
        argv[argc++] = "RPUSH";
        argv[argc++] = lm_keys[0];
        for (int i = 0; i < 500 && base + i < LM_ELEMS; i++) {
            snprintf(vals[i], sizeof(vals[i]), "e%d", base + i);
            argv[argc++] = vals[i];
        }
        redisReply *r = cmd_argv(c, argc, argv);
        want_type(r, REDIS_REPLY_INTEGER, "RPUSH");
        if (r) freeReplyObject(r);
    }
    if (atomic_load(&g_stop)) goto done;

    atomic_store(&g_workers_left, LM_BACKERS);
    for (int i = 0; i < nthreads; i++) {
        args[i].backer = i >= LM_MOVERS;
        args[i].id = args[i].backer ? i - LM_MOVERS : i;
        args[i].fwd = xcalloc(LM_ELEMS, sizeof(int));
        args[i].back = xcalloc(LM_ELEMS, sizeof(int));
        fns[i] = args[i].backer ? lm_backer : lm_mover;
    }
    run_threads(nthreads, fns, args, sizeof(args[0]));
    final_checks();

    /* What the clients were told. */
    long fwd_total = 0, back_total = 0, back_from[LM_MOVERS] = {0};
    int bad_values = 0;
    int *net = xcalloc(LM_ELEMS, sizeof(int)); /* per element: LMOVE replies - RPOPLPUSH replies */
    for (int i = 0; i < nthreads; i++) {
        bad_values += args[i].bad_values;
        if (args[i].backer)
            back_total += args[i].ok;
        else
            fwd_total += args[i].ok;
        for (int j = 0; j < LM_MOVERS; j++) back_from[j] += args[i].moved_from[j];
        for (int e = 0; e < LM_ELEMS; e++) net[e] += args[i].fwd[e] - args[i].back[e];
    }
    if (bad_values) problem("%d LMOVE/RPOPLPUSH replies held a value that was never pushed", bad_values);

    /* What the server holds. */
    long lens[1 + LM_MOVERS];
    int unknown = 0, where_wrong = 0;
    int *where = xcalloc(LM_ELEMS, sizeof(int)); /* list index + 1 of the element's last sighting */
    for (int k = 0; k < 1 + LM_MOVERS; k++) {
        redisReply *r = fetch_list(c, lm_keys[k]);
        if (!r) goto free_net;
        lens[k] = (long)r->elements;
        for (size_t i = 0; i < r->elements; i++) {
            int ix = elem_index(r->element[i], 'e', LM_ELEMS);
            if (ix < 0) {
                unknown++;
                continue;
            }
            counts[ix]++;
            where[ix] = k + 1;
        }
        freeReplyObject(r);
    }
    int missing = 0, dups = 0, extra = 0;
    for (int e = 0; e < LM_ELEMS; e++) {
        if (counts[e] == 0)
            missing++;
        else if (counts[e] > 1)
            dups++, extra += counts[e] - 1;
        else if ((net[e] == 0) != (where[e] == 1) || net[e] < 0 || net[e] > 1)
            where_wrong++;
    }
    long total = 0;
    for (int k = 0; k < 1 + LM_MOVERS; k++) total += lens[k];
    if (missing || dups || unknown || total != LM_ELEMS)
        problem("%d elements expected exactly once in src+dst0..3, found %ld: %d missing, %d duplicated "
                "(%d extra copies), %d unknown; lengths src=%ld dst=%ld,%ld,%ld,%ld",
                LM_ELEMS, total, missing, dups, extra, unknown, lens[0], lens[1], lens[2], lens[3], lens[4]);
    if (lens[0] != LM_ELEMS - fwd_total + back_total)
        problem(
            "src holds %ld elements, but %d - %ld LMOVEs + %ld RPOPLPUSHes answered with an element = %ld",
            lens[0], LM_ELEMS, fwd_total, back_total, LM_ELEMS - fwd_total + back_total);
    for (int j = 0; j < LM_MOVERS; j++)
        if (lens[1 + j] != args[j].ok - back_from[j])
            problem("dst%d holds %ld elements, but its mover got %ld elements and %ld were taken back", j,
                    lens[1 + j], args[j].ok, back_from[j]);
    if (where_wrong)
        problem("%d elements are not where the replies put them (LMOVE-minus-RPOPLPUSH replies per element "
                "must be 1 for those in a dst list, 0 for those in src)",
                where_wrong);
    snprintf(summary, sumsz,
             "%ld LMOVE, %ld RPOPLPUSH moved an element; %d elements, %d missing, %d duplicated", fwd_total,
             back_total, LM_ELEMS, missing, dups);
free_net:
    free(net);
    free(where);
done:
    for (int i = 0; i < nthreads; i++) {
        free(args[i].fwd);
        free(args[i].back);
    }
    free(counts);
    if (c) {
        del_keys(c, 1 + LM_MOVERS, lm_keys);
        redisFree(c);
    }
}

/* ------------------------------------------------------------------------ */
/* Scenario: smove                                                           */
/* ------------------------------------------------------------------------ */

#define SM_MEMBERS 1000
#define SM_THREADS 4
#define SM_SETS 4          /* [0] the source, [1..3] destinations */
#define SM_RANDOM_OPS 1500 /* per thread in the second phase */

static char sm_keys[SM_SETS][KEYLEN];
static int sm_phase;

typedef struct {
    int id;
    int dst;  /* phase 1: the set this thread moves into */
    int *won; /* phase 1: per member, SMOVE answered 1 to this thread */
    long ones, zeros;
} sm_arg_t;

static void *sm_thread(void *p) {
    sm_arg_t *a = p;
    char d[256], m[16];
    rng_t rng;
    rng_init(&rng, 100 + (uint64_t)a->id);
    redisContext *c = open_conn();
    int n = sm_phase == 1 ? SM_MEMBERS : SM_RANDOM_OPS;
    for (int i = 0; c && i < n && !should_stop(); i++) {
        int member, from, to;
        if (sm_phase == 1) { /* everyone walks all members, starting at a different place */
            member = (i + a->id * (SM_MEMBERS / SM_THREADS)) % SM_MEMBERS;
            from = 0;
            to = a->dst;
        } else {
            member = rng_below(&rng, SM_MEMBERS);
            from = rng_below(&rng, SM_SETS);
            to = (from + 1 + rng_below(&rng, SM_SETS - 1)) % SM_SETS;
        }
        snprintf(m, sizeof(m), "m%d", member);
        redisReply *r = cmd(c, "SMOVE %s %s %s", sm_keys[from], sm_keys[to], m);
        if (!r) break;
        if (r->type == REDIS_REPLY_INTEGER && (r->integer == 0 || r->integer == 1)) {
            if (r->integer) {
                a->ones++;
                if (sm_phase == 1) a->won[member]++;
            } else {
                a->zeros++;
            }
        } else {
            fatal("SMOVE answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
    }
    if (c) redisFree(c);
    return NULL;
}

/* Read all sets; where[m] = set index + 1 of the member's sighting; returns 0 on trouble. */
static int sm_census(redisContext *c, int *counts, int *where, long *cards, int *unknown) {
    memset(counts, 0, sizeof(int) * SM_MEMBERS);
    *unknown = 0;
    for (int k = 0; k < SM_SETS; k++) {
        redisReply *r = fetch_set(c, sm_keys[k]);
        if (!r) return 0;
        cards[k] = (long)r->elements;
        for (size_t i = 0; i < r->elements; i++) {
            int ix = elem_index(r->element[i], 'm', SM_MEMBERS);
            if (ix < 0) {
                (*unknown)++;
                continue;
            }
            counts[ix]++;
            where[ix] = k + 1;
        }
        freeReplyObject(r);
    }
    return 1;
}

static void scen_smove(char *summary, size_t sumsz) {
    sm_arg_t args[SM_THREADS];
    thread_fn fns[SM_THREADS];
    int *counts = xcalloc(SM_MEMBERS, sizeof(int)), *where = xcalloc(SM_MEMBERS, sizeof(int));
    long cards[SM_SETS];
    int unknown;
    redisContext *c = NULL;

    for (int k = 0; k < SM_SETS; k++) {
        char name[16];
        snprintf(name, sizeof(name), "set%d", k);
        scen_key(sm_keys[k], "smove", name, k);
    }
    print_placement(SM_SETS, sm_keys);
    memset(args, 0, sizeof(args));
    for (int i = 0; i < SM_THREADS; i++) {
        args[i].id = i;
        args[i].dst = 1 + i % (SM_SETS - 1);
        args[i].won = xcalloc(SM_MEMBERS, sizeof(int));
        fns[i] = sm_thread;
    }

    if (!(c = open_conn())) goto done;
    del_keys(c, SM_SETS, sm_keys);
    for (int base = 0; base < SM_MEMBERS && !atomic_load(&g_stop); base += 500) {
        const char *argv[502];
        char vals[500][16];
        int argc = 0;
        argv[argc++] = "SADD";
        argv[argc++] = sm_keys[0];
        for (int i = 0; i < 500 && base + i < SM_MEMBERS; i++) {
            snprintf(vals[i], sizeof(vals[i]), "m%d", base + i);
            argv[argc++] = vals[i];
        }
        redisReply *r = cmd_argv(c, argc, argv);
        want_type(r, REDIS_REPLY_INTEGER, "SADD");
        if (r) freeReplyObject(r);
    }
    if (atomic_load(&g_stop)) goto done;

    /* Phase 1: all four move the same members out of set0; exactly one may win each. */
    sm_phase = 1;
    double deadline = g_deadline;
    g_deadline = now_sec() + 0.6 * (deadline - now_sec()); /* leave phase 2 some time */
    run_threads(SM_THREADS, fns, args, sizeof(args[0]));
    g_deadline = deadline;
    final_checks();
    long ones1 = 0;
    for (int i = 0; i < SM_THREADS; i++) ones1 += args[i].ones;
    if (!sm_census(c, counts, where, cards, &unknown)) goto done;
    int multi_win = 0, wrong_place = 0, unmoved = 0, missing = 0, dups = 0;
    for (int m = 0; m < SM_MEMBERS; m++) {
        int wins = 0, winner = -1;
        for (int i = 0; i < SM_THREADS; i++)
            if (args[i].won[m]) wins += args[i].won[m], winner = i;
        if (counts[m] == 0)
            missing++;
        else if (counts[m] > 1)
            dups++;
        if (wins > 1) {
            multi_win++;
        } else if (counts[m] == 1) {
            if (wins == 1 && where[m] != 1 + args[winner].dst)
                wrong_place++;
            else if (wins == 0 && where[m] != 1)
                wrong_place++;
            else if (wins == 0 && !atomic_load(&g_deadline_hit) && !atomic_load(&g_stop))
                unmoved++;
        }
    }
    if (multi_win || wrong_place || unmoved || missing || dups || unknown)
        problem("phase 1 (4 threads SMOVE every member out of set0): %d members moved by more than one "
                "client, %d not in the set of the client that moved them, %d moved by nobody, %d missing, "
                "%d duplicated, %d unknown; %ld SMOVEs answered 1; cards %ld,%ld,%ld,%ld",
                multi_win, wrong_place, unmoved, missing, dups, unknown, ones1, cards[0], cards[1], cards[2],
                cards[3]);
    else if (ones1 != SM_MEMBERS - cards[0])
        problem("phase 1: %ld SMOVEs answered 1 but %ld members left set0", ones1, SM_MEMBERS - cards[0]);
    if (atomic_load(&g_stop)) goto done;

    /* Phase 2: random moves among all four sets. */
    sm_phase = 2;
    long ones2 = 0, zeros2 = 0;
    for (int i = 0; i < SM_THREADS; i++) args[i].ones = args[i].zeros = 0;
    run_threads(SM_THREADS, fns, args, sizeof(args[0]));
    final_checks();
    for (int i = 0; i < SM_THREADS; i++) ones2 += args[i].ones, zeros2 += args[i].zeros;
    if (!sm_census(c, counts, where, cards, &unknown)) goto done;
    missing = dups = 0;
    for (int m = 0; m < SM_MEMBERS; m++) {
        if (counts[m] == 0)
            missing++;
        else if (counts[m] > 1)
            dups++;
    }
    long total = cards[0] + cards[1] + cards[2] + cards[3];
    if (missing || dups || unknown || total != SM_MEMBERS)
        problem(
            "phase 2 (random SMOVEs among 4 sets): %d members expected exactly once, found %ld: %d missing, "
            "%d duplicated, %d unknown; cards %ld,%ld,%ld,%ld",
            SM_MEMBERS, total, missing, dups, unknown, cards[0], cards[1], cards[2], cards[3]);
    snprintf(summary, sumsz,
             "phase 1: %ld SMOVEs won; phase 2: %ld moved, %ld not there; %d missing, %d duplicated", ones1,
             ones2, zeros2, missing, dups);
done:
    for (int i = 0; i < SM_THREADS; i++) free(args[i].won);
    free(counts);
    free(where);
    if (c) {
        del_keys(c, SM_SETS, sm_keys);
        redisFree(c);
    }
}

/* ------------------------------------------------------------------------ */
/* Scenario: rename                                                          */
/* ------------------------------------------------------------------------ */

#define RN_KEYS 8
#define RN_THREADS 4
#define RN_TRIES 3000 /* per thread */

static char rn_keys[RN_KEYS][KEYLEN];
static char rn_value[64];

typedef struct {
    int id;
    long ok, nokey;
} rn_arg_t;

static void *rn_thread(void *p) {
    rn_arg_t *a = p;
    char d[256];
    rng_t rng;
    rng_init(&rng, 200 + (uint64_t)a->id);
    redisContext *c = open_conn();
    int guess = 0; /* where this thread last put the value */
    for (int i = 0; c && i < RN_TRIES && !should_stop(); i++) {
        int from = rng_below(&rng, 2) ? guess : rng_below(&rng, RN_KEYS);
        int to = (from + 1 + rng_below(&rng, RN_KEYS - 1)) % RN_KEYS;
        redisReply *r = cmd(c, "RENAME %s %s", rn_keys[from], rn_keys[to]);
        if (!r) break;
        if (is_status(r, "OK")) {
            a->ok++;
            guess = to;
        } else if (r->type == REDIS_REPLY_ERROR && strstr(r->str, "no such key")) {
            a->nokey++;
            guess = rng_below(&rng, RN_KEYS);
        } else {
            fatal("RENAME answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
    }
    if (c) redisFree(c);
    return NULL;
}

static void scen_rename(char *summary, size_t sumsz) {
    rn_arg_t args[RN_THREADS];
    thread_fn fns[RN_THREADS];
    redisContext *c = NULL;

    for (int k = 0; k < RN_KEYS; k++) {
        char name[16];
        snprintf(name, sizeof(name), "k%d", k);
        scen_key(rn_keys[k], "rename", name, k);
    }
    print_placement(RN_KEYS, rn_keys);
    snprintf(rn_value, sizeof(rn_value), "payload-%llu", g_seed);
    memset(args, 0, sizeof(args));
    for (int i = 0; i < RN_THREADS; i++) args[i].id = i, fns[i] = rn_thread;

    if (!(c = open_conn())) goto done;
    del_keys(c, RN_KEYS, rn_keys);
    if (atomic_load(&g_stop)) goto done;
    if (!setup_cmd(c, REDIS_REPLY_STATUS, "SET %s %s", rn_keys[0], rn_value)) goto done;
    run_threads(RN_THREADS, fns, args, sizeof(args[0]));
    final_checks();

    long ok = 0, nokey = 0;
    for (int i = 0; i < RN_THREADS; i++) ok += args[i].ok, nokey += args[i].nokey;
    int present = 0, right = 0;
    char where[512] = "";
    size_t o = 0;
    for (int k = 0; k < RN_KEYS; k++) {
        redisReply *r = cmd(c, "GET %s", rn_keys[k]);
        if (!r) goto done;
        if (r->type == REDIS_REPLY_STRING) {
            present++;
            if (strcmp(r->str, rn_value) == 0) right++;
            if (o < sizeof(where))
                o += (size_t)snprintf(where + o, sizeof(where) - o, " k%d=\"%.24s\"", k, r->str);
        } else if (r->type != REDIS_REPLY_NIL) {
            char d[256];
            problem("GET %s answered %s", rn_keys[k], rdesc(r, d, sizeof(d)));
        }
        freeReplyObject(r);
    }
    if (present != 1 || right != 1)
        problem(
            "after %ld RENAMEs that answered OK, %d of %d keys exist (%d with the original value \"%s\"), "
            "want exactly 1:%s",
            ok, present, RN_KEYS, right, rn_value, where);
    if (ok == 0 && !atomic_load(&g_stop)) problem("no RENAME succeeded");
    snprintf(summary, sumsz, "%ld RENAMEs OK, %ld \"no such key\"; %d key(s) at the end", ok, nokey, present);
done:
    if (c) {
        del_keys(c, RN_KEYS, rn_keys);
        redisFree(c);
    }
}

/* ------------------------------------------------------------------------ */
/* Scenario: watch-race                                                      */
/* ------------------------------------------------------------------------ */

/* Each thread has two connections: WATCH a key on the first, SET it on the
 * second once WATCH has answered, then MULTI/PING/EXEC on the first: EXEC
 * must be aborted every time (the watch is in place when WATCH answers). */
#define WR_THREADS 4
#define WR_ROUNDS 1500 /* per thread */

typedef struct {
    int id;
    long rounds, ran;
} wr_arg_t;

static void *wr_thread(void *p) {
    wr_arg_t *a = p;
    char d[256], key[KEYLEN];
    redisContext *c = open_conn(), *o = open_conn();
    for (int i = 0; c && o && i < WR_ROUNDS && !should_stop(); i++) {
        char name[24];
        snprintf(name, sizeof(name), "t%dk%d", a->id, i % 8);
        scen_key(key, "watch-race", name, i % 8);
        redisReply *r = cmd(c, "WATCH %s", key);
        if (!r) break;
        freeReplyObject(r);
        if (!(r = cmd(o, "SET %s %d", key, i))) break;
        freeReplyObject(r);
        if (!(r = cmd(c, "MULTI"))) break;
        freeReplyObject(r);
        if (!(r = cmd(c, "PING"))) break;
        freeReplyObject(r);
        if (!(r = cmd(c, "EXEC"))) break;
        a->rounds++;
        if (r->type != REDIS_REPLY_NIL) {
            a->ran++;
            if (a->ran <= 3)
                problem("thread %d: EXEC after a write to the watched %s ran: %s", a->id, key,
                        rdesc(r, d, sizeof(d)));
        }
        freeReplyObject(r);
    }
    if (c) redisFree(c);
    if (o) redisFree(o);
    return NULL;
}

static void scen_watch_race(char *summary, size_t sumsz) {
    wr_arg_t args[WR_THREADS];
    thread_fn fns[WR_THREADS];
    memset(args, 0, sizeof(args));
    for (int i = 0; i < WR_THREADS; i++) args[i].id = i, fns[i] = wr_thread;
    run_threads(WR_THREADS, fns, args, sizeof(args[0]));
    final_checks();
    long rounds = 0, ran = 0;
    for (int i = 0; i < WR_THREADS; i++) rounds += args[i].rounds, ran += args[i].ran;
    if (ran) problem("%ld of %ld EXECs ran although their watched key had been written", ran, rounds);
    if (rounds == 0 && !atomic_load(&g_stop)) problem("no round completed");
    snprintf(summary, sumsz, "%ld rounds, %ld EXECs ran that should have been aborted", rounds, ran);
}

/* ------------------------------------------------------------------------ */
/* Scenario: bigsets                                                         */
/* ------------------------------------------------------------------------ */

/* A 5,000-member set (big: commands run at its shard, sharing its lock
 * among readers) and a 100-member one on another shard; movers SMOVE
 * members between them while readers ask for the union and intersection
 * of the two, stored on a third shard or not: the union always has every
 * member, the intersection is always empty. */
#define BS_BIG 12000
#define BS_SMALL 100
#define BS_MOVERS 2
#define BS_READERS 3
#define BS_TRIES 1000 /* per thread */

static char bs_keys[2 + BS_READERS][KEYLEN]; /* big, small, one destination per reader */

typedef struct {
    int id;
    long moved, reads, bad;
} bs_arg_t;

static void *bs_mover(void *p) {
    bs_arg_t *a = p;
    char d[256];
    rng_t rng;
    rng_init(&rng, 500 + (uint64_t)a->id);
    redisContext *c = open_conn();
    for (int i = 0; c && i < BS_TRIES && !should_stop(); i++) {
        int from = rng_below(&rng, 2);
        redisReply *r =
            cmd(c, "SMOVE %s %s e%d", bs_keys[from], bs_keys[1 - from], rng_below(&rng, BS_BIG + BS_SMALL));
        if (!r) break;
        if (r->type != REDIS_REPLY_INTEGER) {
            fatal("SMOVE answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        a->moved += r->integer;
        freeReplyObject(r);
    }
    atomic_fetch_sub(&g_workers_left, 1);
    if (c) redisFree(c);
    return NULL;
}

static void *bs_reader(void *p) {
    bs_arg_t *a = p;
    char d[256];
    redisContext *c = open_conn();
    const char *dst = bs_keys[2 + a->id];
    for (long i = 0; c && atomic_load(&g_workers_left) > 0 && !should_stop(); i++) {
        redisReply *r;
        long long want;
        const char *what;
        switch (i % 3) {
        case 0:
            r = cmd(c, "SUNIONSTORE %s %s %s", dst, bs_keys[0], bs_keys[1]);
            want = BS_BIG + BS_SMALL;
            what = "SUNIONSTORE";
            break;
        case 1:
            r = cmd(c, "SINTERSTORE %s %s %s", dst, bs_keys[1], bs_keys[0]);
            want = 0;
            what = "SINTERSTORE";
            break;
        default:
            r = cmd(c, "SINTERCARD 2 %s %s", bs_keys[0], bs_keys[1]);
            want = 0;
            what = "SINTERCARD";
            break;
        }
        if (!r) break;
        if (r->type != REDIS_REPLY_INTEGER) {
            fatal("%s answered %s", what, rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        a->reads++;
        if (r->integer != want && a->bad++ < 3)
            problem("reader %d: %s answered %lld, want %lld (an SMOVE seen half done)", a->id, what,
                    r->integer, want);
        freeReplyObject(r);
    }
    if (c) redisFree(c);
    return NULL;
}

static void scen_bigsets(char *summary, size_t sumsz) {
    bs_arg_t args[BS_MOVERS + BS_READERS];
    thread_fn fns[BS_MOVERS + BS_READERS];
    redisContext *c = NULL;
    static const char *names[2 + BS_READERS] = {"big", "small", "d0", "d1", "d2"};
    for (int k = 0; k < 2 + BS_READERS; k++) scen_key(bs_keys[k], "bigsets", names[k], k);
    print_placement(2 + BS_READERS, bs_keys);
    memset(args, 0, sizeof(args));
    for (int i = 0; i < BS_MOVERS + BS_READERS; i++) {
        args[i].id = i < BS_MOVERS ? i : i - BS_MOVERS;
        fns[i] = i < BS_MOVERS ? bs_mover : bs_reader;
    }
    if (!(c = open_conn())) goto done;
    del_keys(c, 2 + BS_READERS, bs_keys);
    for (int base = 0; base < BS_BIG + BS_SMALL; base += 500) {
        const char *argv[2 + 500];
        char m[500][16];
        int key = base < BS_BIG ? 0 : 1, n = 0;
        argv[0] = "SADD";
        argv[1] = bs_keys[key];
        for (int j = base; j < base + 500 && j < (key ? BS_BIG + BS_SMALL : BS_BIG); j++, n++) {
            snprintf(m[n], sizeof(m[n]), "e%d", j);
            argv[2 + n] = m[n];
        }
        redisReply *r = cmd_argv(c, 2 + n, argv);
        if (!r) goto done;
        freeReplyObject(r);
    }
    if (atomic_load(&g_stop)) goto done;
    atomic_store(&g_workers_left, BS_MOVERS);
    run_threads(BS_MOVERS + BS_READERS, fns, args, sizeof(args[0]));
    final_checks();

    long moved = 0, reads = 0, bad = 0;
    for (int i = 0; i < BS_MOVERS; i++) moved += args[i].moved;
    for (int i = BS_MOVERS; i < BS_MOVERS + BS_READERS; i++) reads += args[i].reads, bad += args[i].bad;
    if (bad) problem("%ld of %ld reads saw a half-done SMOVE", bad, reads);
    long long cards[2] = {-1, -1};
    for (int k = 0; k < 2; k++) {
        redisReply *r = cmd(c, "SCARD %s", bs_keys[k]);
        if (!r) goto done;
        if (r->type == REDIS_REPLY_INTEGER) cards[k] = r->integer;
        freeReplyObject(r);
    }
    if (cards[0] + cards[1] != BS_BIG + BS_SMALL)
        problem("the two sets hold %lld + %lld members, want %d in all", cards[0], cards[1],
                BS_BIG + BS_SMALL);
    if (moved == 0 && !atomic_load(&g_stop)) problem("no SMOVE moved anything");
    if (reads == 0 && !atomic_load(&g_stop)) problem("no read completed");
    snprintf(summary, sumsz, "%ld SMOVEs moved a member, %ld reads (%ld bad), sets %lld + %lld", moved, reads,
             bad, cards[0], cards[1]);
done:
    if (c) {
        del_keys(c, 2 + BS_READERS, bs_keys);
        redisFree(c);
    }
}

/* ------------------------------------------------------------------------ */
/* Scenario: serverwide                                                      */
/* ------------------------------------------------------------------------ */

/* In database 9, alone: writers MSET all 8 keys (one value) or DEL them all,
 * a flusher FLUSHDBs now and then, readers ask DBSIZE (always 0 or 8) and
 * MGET them all (all missing, or all one value). */
#define SW_KEYS 8
#define SW_WRITERS 2
#define SW_READERS 2
#define SW_TRIES 1500 /* per writer */

static char sw_keys[SW_KEYS][KEYLEN];

typedef struct {
    int id;
    long ops, bad;
} sw_arg_t;

static redisContext *sw_conn(void) {
    redisContext *c = open_conn();
    if (!c) return NULL;
    redisReply *r = cmd(c, "SELECT 9");
    if (r) freeReplyObject(r);
    return r ? c : NULL;
}

static void *sw_writer(void *p) {
    sw_arg_t *a = p;
    char d[256], val[32];
    redisContext *c = sw_conn();
    for (int i = 0; c && i < SW_TRIES && !should_stop(); i++) {
        const char *argv[1 + 2 * SW_KEYS];
        int argc = 1;
        snprintf(val, sizeof(val), "w%d.%d", a->id, i);
        if (i % 2 == 0) {
            argv[0] = "MSET";
            for (int k = 0; k < SW_KEYS; k++) argv[argc++] = sw_keys[k], argv[argc++] = val;
        } else {
            argv[0] = "DEL";
            for (int k = 0; k < SW_KEYS; k++) argv[argc++] = sw_keys[k];
        }
        redisReply *r = cmd_argv(c, argc, argv);
        if (!r) break;
        if (r->type == REDIS_REPLY_ERROR) {
            fatal("%s answered %s", argv[0], rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
        a->ops++;
        if (a->id == 0 && i % 50 == 25) {
            /* the flusher's part */
            if (!(r = cmd(c, "FLUSHDB"))) break;
            freeReplyObject(r);
        }
    }
    atomic_fetch_sub(&g_workers_left, 1);
    if (c) redisFree(c);
    return NULL;
}

static void *sw_reader(void *p) {
    sw_arg_t *a = p;
    char d[256];
    redisContext *c = sw_conn();
    for (long i = 0; c && atomic_load(&g_workers_left) > 0 && !should_stop(); i++) {
        redisReply *r;
        if (i % 2 == 0) {
            if (!(r = cmd(c, "DBSIZE"))) break;
            if (r->type != REDIS_REPLY_INTEGER) {
                fatal("DBSIZE answered %s", rdesc(r, d, sizeof(d)));
                freeReplyObject(r);
                break;
            }
            if (r->integer != 0 && r->integer != SW_KEYS && a->bad++ < 3)
                problem("reader %d: DBSIZE %lld, want 0 or %d (an MSET, DEL or FLUSHDB seen half done)",
                        a->id, r->integer, SW_KEYS);
        } else {
            const char *argv[1 + SW_KEYS];
            argv[0] = "MGET";
            for (int k = 0; k < SW_KEYS; k++) argv[1 + k] = sw_keys[k];
            if (!(r = cmd_argv(c, 1 + SW_KEYS, argv))) break;
            if (r->type != REDIS_REPLY_ARRAY || r->elements != SW_KEYS) {
                fatal("MGET answered %s", rdesc(r, d, sizeof(d)));
                freeReplyObject(r);
                break;
            }
            int same = 1;
            for (int k = 1; k < SW_KEYS && same; k++) {
                const redisReply *x = r->element[0], *y = r->element[k];
                same = x->type == y->type && (x->type != REDIS_REPLY_STRING || !strcmp(x->str, y->str));
            }
            if (!same && a->bad++ < 3)
                problem("reader %d: MGET of the 8 keys saw %s and %s at once", a->id,
                        rdesc(r->element[0], d, 128), rdesc(r->element[SW_KEYS - 1], d + 128, 128));
        }
        a->ops++;
        freeReplyObject(r);
    }
    if (c) redisFree(c);
    return NULL;
}

static void scen_serverwide(char *summary, size_t sumsz) {
    sw_arg_t args[SW_WRITERS + SW_READERS];
    thread_fn fns[SW_WRITERS + SW_READERS];
    redisContext *c = NULL;
    for (int k = 0; k < SW_KEYS; k++) {
        char name[16];
        snprintf(name, sizeof(name), "k%d", k);
        scen_key(sw_keys[k], "serverwide", name, k);
    }
    print_placement(SW_KEYS, sw_keys);
    memset(args, 0, sizeof(args));
    for (int i = 0; i < SW_WRITERS + SW_READERS; i++) {
        args[i].id = i < SW_WRITERS ? i : i - SW_WRITERS;
        fns[i] = i < SW_WRITERS ? sw_writer : sw_reader;
    }
    if (!(c = sw_conn())) goto done;
    if (!setup_cmd(c, REDIS_REPLY_STATUS, "FLUSHDB")) goto done;
    atomic_store(&g_workers_left, SW_WRITERS);
    run_threads(SW_WRITERS + SW_READERS, fns, args, sizeof(args[0]));
    final_checks();
    long writes = 0, reads = 0, bad = 0;
    for (int i = 0; i < SW_WRITERS; i++) writes += args[i].ops;
    for (int i = SW_WRITERS; i < SW_WRITERS + SW_READERS; i++) reads += args[i].ops, bad += args[i].bad;
    if (bad) problem("%ld of %ld reads saw a write half done", bad, reads);
    if (reads == 0 && !atomic_load(&g_stop)) problem("no read completed");
    snprintf(summary, sumsz, "%ld writes, %ld reads (%ld bad)", writes, reads, bad);
done:
    if (c) {
        redisReply *r = cmd(c, "FLUSHDB");
        if (r) freeReplyObject(r);
        redisFree(c);
    }
}

/* ------------------------------------------------------------------------ */
/* Scenario: money                                                           */
/* ------------------------------------------------------------------------ */

#define MN_ACCOUNTS 8
#define MN_START 1000
#define MN_MOVERS 4
#define MN_AUDITORS 2
#define MN_TRANSFERS 2000 /* per mover */

static char mn_keys[MN_ACCOUNTS][KEYLEN];
/* money-global: every transfer also asks DBSIZE (a server-wide command, so
 * the EXEC holds every shard whole), and every other audit is an EXEC of
 * GETs and DBSIZE; money-script: every transfer is one EVAL */
static int mn_global, mn_script;

/* The transfer script: move ARGV[1] from KEYS[1] to KEYS[2] if it has it. */
static const char mn_transfer[] = "local a = tonumber(redis.call('get', KEYS[1]))\n"
                                  "if a < tonumber(ARGV[1]) then return 0 end\n"
                                  "redis.call('decrby', KEYS[1], ARGV[1])\n"
                                  "redis.call('incrby', KEYS[2], ARGV[1])\n"
                                  "return 1\n";
/* money-undeclared: the same with the key names in ARGV, never declared:
 * it writes the first before it touches the second */
static const char mn_transfer_undeclared[] = "local a = tonumber(redis.call('get', ARGV[2]))\n"
                                             "if a < tonumber(ARGV[1]) then return 0 end\n"
                                             "redis.call('decrby', ARGV[2], ARGV[1])\n"
                                             "redis.call('incrby', ARGV[3], ARGV[1])\n"
                                             "return 1\n";

/* money-mget: one MGET and one MSET over both (undeclared) accounts */
static const char mn_transfer_mget[] = "local v = redis.call('mget', ARGV[2], ARGV[3])\n"
                                       "local a, b = tonumber(v[1]), tonumber(v[2])\n"
                                       "if a < tonumber(ARGV[1]) then return 0 end\n"
                                       "redis.call('mset', ARGV[2], a - ARGV[1], ARGV[3], b + ARGV[1])\n"
                                       "return 1\n";

/* money-mixed: declared accounts and an undeclared one */
static const char mn_transfer_mixed[] = "local a = tonumber(redis.call('get', KEYS[1]))\n"
                                        "if a < 2 * tonumber(ARGV[1]) then return 0 end\n"
                                        "redis.call('decrby', KEYS[1], 2 * ARGV[1])\n"
                                        "redis.call('incrby', KEYS[2], ARGV[1])\n"
                                        "redis.call('incrby', ARGV[2], ARGV[1])\n"
                                        "return 1\n";

typedef struct {
    int id;
    long committed;
    long long delta[MN_ACCOUNTS];
    long audits, bad_audits;
} mn_arg_t;

static void *mn_mover(void *p) {
    mn_arg_t *a = p;
    char d[256];
    rng_t rng;
    rng_init(&rng, 300 + (uint64_t)a->id);
    redisContext *c = open_conn();
    for (int i = 0; c && i < MN_TRANSFERS && !should_stop(); i++) {
        int x = rng_below(&rng, MN_ACCOUNTS);
        int y = (x + 1 + rng_below(&rng, MN_ACCOUNTS - 1)) % MN_ACCOUNTS;
        int amount = 1 + rng_below(&rng, 50);
        redisReply *r;
        if (mn_script && mn_script != 6) {
            /* one EVAL, its keys on two shards */
            char am[16];
            snprintf(am, sizeof(am), "%d", amount);
            const char *argv[] = {"EVAL", mn_transfer, "2", mn_keys[x], mn_keys[y], am};
            const char *uargv[] = {"EVAL",     mn_script == 3 ? mn_transfer_mget : mn_transfer_undeclared,
                                   "0",        am,
                                   mn_keys[x], mn_keys[y]};
            int z = (y + 1 + rng_below(&rng, MN_ACCOUNTS - 1)) % MN_ACCOUNTS;
            const char *margv[] = {"EVAL", mn_transfer_mixed, "2", mn_keys[x], mn_keys[y], am, mn_keys[z]};
            if (mn_script == 5) {
                /* MULTI, the EVAL, EXEC in one write: EXEC's array holds its reply */
                redisAppendCommand(c, "MULTI");
                redisAppendCommandArgv(c, 6, uargv, NULL);
                redisAppendCommand(c, "EXEC");
                int queued = 1;
                for (int k = 0; k < 2; k++) {
                    if (!(r = next_reply(c, k ? "EVAL" : "MULTI"))) break;
                    if (!is_status(r, k ? "QUEUED" : "OK")) queued = 0;
                    freeReplyObject(r);
                }
                if (!r || !(r = next_reply(c, "EXEC"))) break;
                if (!queued || r->type != REDIS_REPLY_ARRAY || r->elements != 1) {
                    fatal("MULTI/EVAL/EXEC answered %s", rdesc(r, d, sizeof(d)));
                    freeReplyObject(r);
                    break;
                }
                redisReply *e = r->element[0];
                r->element[0] = NULL;
                r->elements = 0;
                freeReplyObject(r);
                r = e;
            } else if (mn_script == 4) {
                r = cmd_argv(c, 7, margv);
            } else {
                r = cmd_argv(c, 6, mn_script >= 2 ? uargv : argv);
            }
            if (!r) break;
            if (r->type != REDIS_REPLY_INTEGER) {
                fatal("the transfer script answered %s", rdesc(r, d, sizeof(d)));
                freeReplyObject(r);
                break;
            }
            if (r->integer == 1 && mn_script == 4) {
                a->delta[x] -= 2 * amount;
                a->delta[y] += amount;
                a->delta[z] += amount;
                a->committed++;
            } else if (r->integer == 1) {
                a->delta[x] -= amount;
                a->delta[y] += amount;
                a->committed++;
            }
            freeReplyObject(r);
            continue;
        }
        r = cmd(c, "MULTI");
        if (!r) break;
        if (!is_status(r, "OK")) {
            fatal("MULTI answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
        redisAppendCommand(c, "DECRBY %s %d", mn_keys[x], amount);
        redisAppendCommand(c, "INCRBY %s %d", mn_keys[y], amount);
        if (mn_global) redisAppendCommand(c, "DBSIZE");
        redisAppendCommand(c, "EXEC");
        int good = 1, nq = mn_global ? 3 : 2;
        static const char *const qn[] = {"DECRBY", "INCRBY", "DBSIZE"};
        for (int k = 0; k < nq; k++) {
            r = next_reply(c, qn[k]);
            if (!r) {
                good = 0;
                break;
            }
            if (good && !is_status(r, "QUEUED")) {
                fatal("%s inside MULTI answered %s", qn[k], rdesc(r, d, sizeof(d)));
                good = 0;
            }
            freeReplyObject(r);
        }
        if (!(r = next_reply(c, "EXEC"))) break;
        if (good) {
            if (r->type != REDIS_REPLY_ARRAY || r->elements != (size_t)nq ||
                r->element[0]->type != REDIS_REPLY_INTEGER || r->element[1]->type != REDIS_REPLY_INTEGER ||
                (mn_global && r->element[2]->type != REDIS_REPLY_INTEGER)) {
                fatal("EXEC of DECRBY+INCRBY%s answered %s, want an array of %d integers",
                      mn_global ? "+DBSIZE" : "", rdesc(r, d, sizeof(d)), nq);
                good = 0;
            } else {
                a->delta[x] -= amount;
                a->delta[y] += amount;
                a->committed++;
            }
        }
        freeReplyObject(r);
        if (!good) break;
    }
    atomic_fetch_sub(&g_workers_left, 1);
    if (c) redisFree(c);
    return NULL;
}

/* The sum of the accounts' values in the first MN_ACCOUNTS elements of r
 * (an array of want elements, the reply to `what`), written to vals too;
 * 0 with *ok = 0 if the reply is malformed. Frees r. */
static long long mn_sum(redisReply *r, size_t want, const char *what, int *ok, char *vals, size_t valsz) {
    char d[256];
    long long sum = 0;
    size_t o = 0;
    *ok = 0;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != want) {
        fatal("%s answered %s", what, rdesc(r, d, sizeof(d)));
        freeReplyObject(r);
        return 0;
    }
    for (int k = 0; k < MN_ACCOUNTS; k++) {
        long long v;
        const redisReply *e = r->element[k];
        if (e->type != REDIS_REPLY_STRING || !parse_ll(e->str, &v)) {
            fatal("%s element %d is %s, want an integer", what, k, rdesc(e, d, sizeof(d)));
            freeReplyObject(r);
            return 0;
        }
        sum += v;
        if (vals && o < valsz) o += (size_t)snprintf(vals + o, valsz - o, "%s%lld", k ? "," : "", v);
    }
    freeReplyObject(r);
    *ok = 1;
    return sum;
}

/* Sum of one MGET of all accounts; 0 with *ok = 0 if the reply is malformed. */
static long long mn_mget(redisContext *c, int *ok, char *vals, size_t valsz) {
    const char *argv[1 + MN_ACCOUNTS];
    argv[0] = "MGET";
    for (int k = 0; k < MN_ACCOUNTS; k++) argv[1 + k] = mn_keys[k];
    *ok = 0;
    redisReply *r = cmd_argv(c, 1 + MN_ACCOUNTS, argv);
    if (!r) return 0;
    return mn_sum(r, MN_ACCOUNTS, "MGET", ok, vals, valsz);
}

/* The same read as an EXEC of one GET per account and DBSIZE (global). */
static long long mn_exec_gets(redisContext *c, int *ok, char *vals, size_t valsz) {
    *ok = 0;
    redisReply *r = cmd(c, "MULTI");
    if (!r) return 0;
    freeReplyObject(r);
    for (int k = 0; k < MN_ACCOUNTS; k++) redisAppendCommand(c, "GET %s", mn_keys[k]);
    redisAppendCommand(c, "DBSIZE");
    redisAppendCommand(c, "EXEC");
    for (int k = 0; k <= MN_ACCOUNTS; k++) {
        if (!(r = next_reply(c, "GET inside MULTI"))) return 0;
        freeReplyObject(r);
    }
    if (!(r = next_reply(c, "EXEC"))) return 0;
    return mn_sum(r, MN_ACCOUNTS + 1, "EXEC of GETs and DBSIZE", ok, vals, valsz);
}

/* ---- money-bgsave: the accounts as a BGSAVE wrote them ----
 *
 * A reader of the dump.rdb the server wrote (CONFIG GET dir, dbfilename):
 * checks the magic and the CRC64 trailer, and sums the string records of
 * the accounts. The scenario's keyspace holds only strings (the accounts
 * and filler keys), so any other type is a problem. */

static int mb_fillers = 20000; /* string keys that make the snapshot take a while */

static uint64_t mb_crc64(const unsigned char *p, size_t n) {
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x95ac9329ac4bc9b5ULL : c >> 1;
    }
    return c;
}

/* An RDB length at *p: 0 when malformed; *enc set (and the value the
 * encoding) for the special string encodings. */
static int mb_len(const unsigned char **p, const unsigned char *end, uint64_t *v, int *enc) {
    if (*p >= end) return 0;
    unsigned char b = *(*p)++;
    *enc = 0;
    switch (b >> 6) {
    case 0: *v = b & 0x3f; return 1;
    case 1:
        if (*p >= end) return 0;
        *v = ((uint64_t)(b & 0x3f) << 8) | *(*p)++;
        return 1;
    case 2: {
        int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
        if (!n || end - *p < n) return 0;
        *v = 0;
        for (int i = 0; i < n; i++) *v = (*v << 8) | *(*p)++;
        return 1;
    }
    default: *enc = 1; *v = b & 0x3f; return 1;
    }
}

/* A string at *p into out (integers as text; LZF ones only skipped: *out
 * set to "?"). 0 when malformed. */
static int mb_str(const unsigned char **p, const unsigned char *end, char *out, size_t outsz) {
    uint64_t v;
    int enc;
    if (!mb_len(p, end, &v, &enc)) return 0;
    if (!enc) {
        if ((uint64_t)(end - *p) < v) return 0;
        size_t n = v < outsz - 1 ? (size_t)v : outsz - 1;
        memcpy(out, *p, n);
        out[n] = 0;
        *p += v;
        return 1;
    }
    if (v <= 2) {
        int n = 1 << v;
        if (end - *p < n) return 0;
        int64_t x = 0;
        for (int i = n - 1; i >= 0; i--) x = (x << 8) | (*p)[i];
        if (n == 1) x = (int8_t)x;
        if (n == 2) x = (int16_t)x;
        if (n == 4) x = (int32_t)x;
        *p += n;
        snprintf(out, outsz, "%lld", (long long)x);
        return 1;
    }
    if (v == 3) {
        uint64_t clen, ulen;
        if (!mb_len(p, end, &clen, &enc) || enc || !mb_len(p, end, &ulen, &enc) || enc) return 0;
        if ((uint64_t)(end - *p) < clen) return 0;
        *p += clen;
        snprintf(out, outsz, "?");
        return 1;
    }
    return 0;
}

/* The sum of the accounts in the server's dump.rdb; *ok = 0 (and a
 * problem) if it cannot be read or lacks an account. */
static long long mb_file_sum(redisContext *c, int *ok, char *vals, size_t valsz) {
    char path[1024], d[256];
    *ok = 0;
    redisReply *r1 = cmd(c, "CONFIG GET dir"), *r2 = r1 ? cmd(c, "CONFIG GET dbfilename") : NULL;
    if (!r1 || !r2 || r1->type != REDIS_REPLY_ARRAY || r1->elements != 2 || r2->type != REDIS_REPLY_ARRAY ||
        r2->elements != 2) {
        fatal("CONFIG GET dir/dbfilename answered %s", rdesc(r1 ? r1 : r2, d, sizeof(d)));
        if (r1) freeReplyObject(r1);
        if (r2) freeReplyObject(r2);
        return 0;
    }
    snprintf(path, sizeof(path), "%s/%s", r1->element[1]->str, r2->element[1]->str);
    freeReplyObject(r1);
    freeReplyObject(r2);
    FILE *f = fopen(path, "rb");
    if (!f) {
        problem("cannot open %s: %s", path, strerror(errno));
        return 0;
    }
    fseek(f, 0, SEEK_END);
    long flen = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(flen > 0 ? (size_t)flen : 1);
    size_t got = buf ? fread(buf, 1, (size_t)flen, f) : 0;
    fclose(f);
    if (!buf || flen < 18 || got != (size_t)flen || memcmp(buf, "REDIS", 5) != 0) {
        problem("%s: not an RDB file (%ld bytes)", path, flen);
        free(buf);
        return 0;
    }
    uint64_t want_crc;
    memcpy(&want_crc, buf + flen - 8, 8);
    if (want_crc && mb_crc64(buf, (size_t)flen - 8) != want_crc) {
        problem("%s: the CRC64 trailer does not match its %ld bytes", path, flen);
        free(buf);
        return 0;
    }
    const unsigned char *p = buf + 9, *end = buf + flen - 8;
    long long bal[MN_ACCOUNTS];
    int seen[MN_ACCOUNTS] = {0};
    long strings = 0;
    char key[256], val[64];
    int good = 0;
    while (p < end) {
        int op = *p++;
        uint64_t v;
        int enc;
        if (op == 0xff) {
            good = p == end;
            break;
        } else if (op == 0xfa) { /* aux */
            if (!mb_str(&p, end, key, sizeof(key)) || !mb_str(&p, end, val, sizeof(val))) break;
        } else if (op == 0xfb) { /* resizedb */
            if (!mb_len(&p, end, &v, &enc) || !mb_len(&p, end, &v, &enc)) break;
        } else if (op == 0xfe) { /* selectdb */
            if (!mb_len(&p, end, &v, &enc) || v != 0) break;
        } else if (op == 0xfc) { /* expire ms */
            if (end - p < 8) break;
            p += 8;
        } else if (op == 0) {
            if (!mb_str(&p, end, key, sizeof(key)) || !mb_str(&p, end, val, sizeof(val))) break;
            strings++;
            for (int k = 0; k < MN_ACCOUNTS; k++)
                if (strcmp(key, mn_keys[k]) == 0) {
                    if (seen[k]++ || !parse_ll(val, &bal[k])) {
                        problem("%s: account %s twice or not a number (%s)", path, key, val);
                        free(buf);
                        return 0;
                    }
                }
        } else {
            problem("%s: record type %d at offset %ld (only strings were written)", path, op,
                    (long)(p - 1 - buf));
            free(buf);
            return 0;
        }
    }
    free(buf);
    if (!good) {
        problem("%s: malformed before its end", path);
        return 0;
    }
    long long sum = 0;
    size_t o = 0;
    for (int k = 0; k < MN_ACCOUNTS; k++) {
        if (!seen[k]) {
            problem("%s: account %s is missing", path, mn_keys[k]);
            return 0;
        }
        sum += bal[k];
        if (o < valsz) o += (size_t)snprintf(vals + o, valsz - o, "%s%lld", k ? "," : "", bal[k]);
    }
    if (strings != MN_ACCOUNTS + mb_fillers)
        problem("%s: %ld strings, want %d accounts and %d fillers", path, strings, MN_ACCOUNTS, mb_fillers);
    *ok = 1;
    return sum;
}

/* BGSAVE, wait for its end, read the file. */
static long long mb_save_and_sum(redisContext *c, int *ok, char *vals, size_t valsz) {
    char d[256];
    *ok = 0;
    redisReply *r = cmd(c, "BGSAVE");
    if (!r) return 0;
    if (!is_status(r, "Background saving started")) {
        fatal("BGSAVE answered %s", rdesc(r, d, sizeof(d)));
        freeReplyObject(r);
        return 0;
    }
    freeReplyObject(r);
    for (int i = 0; i < 3000; i++) {
        r = cmd(c, "INFO persistence");
        if (!r) return 0;
        int busy = r->type != REDIS_REPLY_STRING || strstr(r->str, "rdb_bgsave_in_progress:1") != NULL;
        int failed = r->type == REDIS_REPLY_STRING && strstr(r->str, "rdb_last_bgsave_status:err") != NULL;
        freeReplyObject(r);
        if (failed) {
            fatal("BGSAVE failed (rdb_last_bgsave_status:err)");
            return 0;
        }
        if (!busy) return mb_file_sum(c, ok, vals, valsz);
        usleep(2000);
    }
    fatal("BGSAVE still in progress after 6 s");
    return 0;
}

static void *mn_auditor(void *p) {
    mn_arg_t *a = p;
    char vals[256];
    redisContext *c = open_conn();
    while (c && atomic_load(&g_workers_left) > 0 && !should_stop()) {
        int ok;
        int saver = mn_script == 6 && a->id == 0;
        long long sum = saver                          ? mb_save_and_sum(c, &ok, vals, sizeof(vals))
                        : mn_global && (a->audits & 1) ? mn_exec_gets(c, &ok, vals, sizeof(vals))
                                                       : mn_mget(c, &ok, vals, sizeof(vals));
        if (!ok) break;
        a->audits++;
        if (sum != (long long)MN_ACCOUNTS * MN_START) {
            if (a->bad_audits++ < 3)
                problem("auditor %d: %s of all accounts sums to %lld, want %d (a transfer seen half done): %s",
                        a->id, saver ? "the BGSAVE" : "MGET", sum, MN_ACCOUNTS * MN_START, vals);
        }
    }
    if (c) redisFree(c);
    return NULL;
}

static void money_common(int global, int script, char *summary, size_t sumsz) {
    mn_global = global;
    mn_script = script;
    mn_arg_t args[MN_MOVERS + MN_AUDITORS];
    thread_fn fns[MN_MOVERS + MN_AUDITORS];
    redisContext *c = NULL;

    for (int k = 0; k < MN_ACCOUNTS; k++) {
        char name[16];
        snprintf(name, sizeof(name), "acc%d", k);
        scen_key(mn_keys[k],
                 script == 6   ? "money-bgsave"
                 : script == 5 ? "money-multi-script"
                 : script == 4 ? "money-mixed"
                 : script == 3 ? "money-mget"
                 : script == 2 ? "money-undeclared"
                 : script      ? "money-script"
                 : global      ? "money-global"
                               : "money",
                 name, k);
    }
    print_placement(MN_ACCOUNTS, mn_keys);
    memset(args, 0, sizeof(args));
    for (int i = 0; i < MN_MOVERS + MN_AUDITORS; i++) {
        args[i].id = i < MN_MOVERS ? i : i - MN_MOVERS;
        fns[i] = i < MN_MOVERS ? mn_mover : mn_auditor;
    }

    if (!(c = open_conn())) goto done;
    if (script == 6) {
        /* only this scenario's strings; filler keys on every shard */
        if (!setup_cmd(c, REDIS_REPLY_STATUS, "FLUSHALL")) goto done;
        for (int i = 0; i < mb_fillers; i++) redisAppendCommand(c, "SET bgs:filler:%d value-%d", i, i);
        for (int i = 0; i < mb_fillers; i++) {
            redisReply *r = next_reply(c, "SET of a filler");
            if (!r) goto done;
            freeReplyObject(r);
        }
    }
    del_keys(c, MN_ACCOUNTS, mn_keys);
    for (int k = 0; k < MN_ACCOUNTS; k++)
        if (!setup_cmd(c, REDIS_REPLY_STATUS, "SET %s %d", mn_keys[k], MN_START)) goto done;
    if (atomic_load(&g_stop)) goto done;
    atomic_store(&g_workers_left, MN_MOVERS);
    run_threads(MN_MOVERS + MN_AUDITORS, fns, args, sizeof(args[0]));
    final_checks();

    long committed = 0, audits = 0, bad = 0;
    long long want[MN_ACCOUNTS];
    for (int k = 0; k < MN_ACCOUNTS; k++) want[k] = MN_START;
    for (int i = 0; i < MN_MOVERS; i++) {
        committed += args[i].committed;
        for (int k = 0; k < MN_ACCOUNTS; k++) want[k] += args[i].delta[k];
    }
    for (int i = MN_MOVERS; i < MN_MOVERS + MN_AUDITORS; i++)
        audits += args[i].audits, bad += args[i].bad_audits;
    if (bad) problem("%ld of %ld audits saw a sum other than %d", bad, audits, MN_ACCOUNTS * MN_START);

    int ok;
    char vals[256];
    long long sum = mn_mget(c, &ok, vals, sizeof(vals));
    if (ok && sum != (long long)MN_ACCOUNTS * MN_START)
        problem("final sum %lld, want %d: %s", sum, MN_ACCOUNTS * MN_START, vals);
    if (ok) {
        char wants[256];
        size_t o = 0;
        for (int k = 0; k < MN_ACCOUNTS && o < sizeof(wants); k++)
            o += (size_t)snprintf(wants + o, sizeof(wants) - o, "%s%lld", k ? "," : "", want[k]);
        if (strcmp(wants, vals) != 0)
            problem("final balances %s, but 1000 + the %ld committed transfers give %s", vals, committed,
                    wants);
    }
    if (committed == 0 && !atomic_load(&g_stop)) problem("no transfer committed");
    snprintf(summary, sumsz, "%ld transfers committed, %ld audits (%ld bad), final sum %lld", committed,
             audits, bad, ok ? sum : -1LL);
done:
    if (c) {
        del_keys(c, MN_ACCOUNTS, mn_keys);
        if (script == 6) {
            redisReply *r = cmd(c, "FLUSHALL");
            if (r) freeReplyObject(r);
        }
        redisFree(c);
    }
}

static void scen_money(char *summary, size_t sumsz) { money_common(0, 0, summary, sumsz); }
static void scen_money_global(char *summary, size_t sumsz) { money_common(1, 0, summary, sumsz); }
static void scen_money_script(char *summary, size_t sumsz) { money_common(0, 1, summary, sumsz); }
static void scen_money_undeclared(char *summary, size_t sumsz) { money_common(0, 2, summary, sumsz); }
static void scen_money_mget(char *summary, size_t sumsz) { money_common(0, 3, summary, sumsz); }
static void scen_money_mixed(char *summary, size_t sumsz) { money_common(0, 4, summary, sumsz); }
static void scen_money_multi_script(char *summary, size_t sumsz) { money_common(0, 5, summary, sumsz); }
static void scen_money_bgsave(char *summary, size_t sumsz) { money_common(0, 6, summary, sumsz); }

/* ------------------------------------------------------------------------ */
/* Scenarios: watch, watch-multishard                                        */
/* ------------------------------------------------------------------------ */

#define WT_THREADS 4
#define WT_INCRS 500 /* successful increments per thread */

static char wt_keys[2][KEYLEN]; /* [0] the counter, [1] the other key (multishard) */
static int wt_multi;

typedef struct {
    int id;
    long done, retries;
    long mismatch; /* multishard: committed EXECs whose INCR result was not the value SET */
} wt_arg_t;

static void *wt_thread(void *p) {
    wt_arg_t *a = p;
    char d[256];
    redisContext *c = open_conn();
    while (c && a->done < WT_INCRS && !should_stop()) {
        redisReply *r = cmd(c, "WATCH %s", wt_keys[0]);
        if (!r) break;
        if (!is_status(r, "OK")) {
            fatal("WATCH answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
        if (!(r = cmd(c, "GET %s", wt_keys[0]))) break;
        long long v = 0;
        if (r->type == REDIS_REPLY_STRING) {
            if (!parse_ll(r->str, &v)) {
                fatal("GET of the counter answered %s", rdesc(r, d, sizeof(d)));
                freeReplyObject(r);
                break;
            }
        } else if (r->type != REDIS_REPLY_NIL) {
            fatal("GET of the counter answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);

        redisAppendCommand(c, "MULTI");
        redisAppendCommand(c, "SET %s %lld", wt_keys[0], v + 1);
        if (wt_multi) redisAppendCommand(c, "INCR %s", wt_keys[1]);
        redisAppendCommand(c, "EXEC");
        int good = 1, queued = wt_multi ? 2 : 1;
        if (!(r = next_reply(c, "MULTI"))) break;
        if (!is_status(r, "OK")) {
            fatal("MULTI answered %s", rdesc(r, d, sizeof(d)));
            good = 0;
        }
        freeReplyObject(r);
        for (int k = 0; k < queued; k++) {
            const char *what = k ? "INCR" : "SET";
            if (!(r = next_reply(c, what))) {
                good = -1;
                break;
            }
            if (good == 1 && !is_status(r, "QUEUED")) {
                fatal("%s inside MULTI answered %s", what, rdesc(r, d, sizeof(d)));
                good = 0;
            }
            freeReplyObject(r);
        }
        if (good < 0 || !(r = next_reply(c, "EXEC"))) break;
        if (good) {
            if (r->type == REDIS_REPLY_NIL) {
                a->retries++; /* someone else changed the counter: try again */
            } else if (r->type == REDIS_REPLY_ARRAY && r->elements == (size_t)queued &&
                       is_status(r->element[0], "OK") &&
                       (!wt_multi || r->element[1]->type == REDIS_REPLY_INTEGER)) {
                if (wt_multi && r->element[1]->integer != v + 1 && a->mismatch++ < 2)
                    problem("thread %d: EXEC set the counter to %lld but its INCR of the other key gave %lld",
                            a->id, v + 1, r->element[1]->integer);
                a->done++;
            } else {
                fatal("EXEC answered %s, want nil or [OK%s]", rdesc(r, d, sizeof(d)), wt_multi ? ", n" : "");
                good = 0;
            }
        }
        freeReplyObject(r);
        if (!good) break;
    }
    if (c) redisFree(c);
    return NULL;
}

static void watch_common(int multi, char *summary, size_t sumsz) {
    wt_arg_t args[WT_THREADS];
    thread_fn fns[WT_THREADS];
    const char *scen = multi ? "watch2" : "watch";
    redisContext *c = NULL;

    wt_multi = multi;
    scen_key(wt_keys[0], scen, "counter", 0);
    scen_key(wt_keys[1], scen, "other", g_nshards - 1);
    print_placement(multi ? 2 : 1, wt_keys);
    memset(args, 0, sizeof(args));
    for (int i = 0; i < WT_THREADS; i++) args[i].id = i, fns[i] = wt_thread;

    if (!(c = open_conn())) goto done;
    del_keys(c, 2, wt_keys);
    if (atomic_load(&g_stop)) goto done;
    run_threads(WT_THREADS, fns, args, sizeof(args[0]));
    final_checks();

    long done = 0, retries = 0, mismatch = 0;
    for (int i = 0; i < WT_THREADS; i++)
        done += args[i].done, retries += args[i].retries, mismatch += args[i].mismatch;
    if (mismatch)
        problem("%ld of %ld committed EXECs gave the other key's INCR a result other than the counter value "
                "they SET (the WATCHed read and the commit were not isolated)",
                mismatch, done);
    long long vals[2] = {0, 0};
    for (int k = 0; k < (multi ? 2 : 1); k++) {
        redisReply *r = cmd(c, "GET %s", wt_keys[k]);
        if (!r) goto done;
        if (r->type == REDIS_REPLY_STRING) {
            parse_ll(r->str, &vals[k]);
        } else if (r->type != REDIS_REPLY_NIL) {
            char d[256];
            problem("GET %s answered %s", wt_keys[k], rdesc(r, d, sizeof(d)));
        }
        freeReplyObject(r);
    }
    if (vals[0] != done)
        problem("counter is %lld but %ld EXECs committed an increment (lost or phantom updates)", vals[0],
                done);
    if (multi && vals[1] != done)
        problem("the other shard's key is %lld but %ld EXECs committed an INCR of it", vals[1], done);
    if (done != WT_THREADS * WT_INCRS && !atomic_load(&g_stop))
        problem("only %ld of %d increments committed before the deadline (%ld EXECs aborted)", done,
                WT_THREADS * WT_INCRS, retries);
    snprintf(summary, sumsz, "counter %lld%s, %ld committed, %ld EXECs aborted by WATCH", vals[0],
             multi ? (vals[1] == vals[0] ? " (other key equal)" : " (other key differs)") : "", done,
             retries);
done:
    if (c) {
        del_keys(c, 2, wt_keys);
        redisFree(c);
    }
}

static void scen_watch(char *summary, size_t sumsz) { watch_common(0, summary, sumsz); }
static void scen_watch2(char *summary, size_t sumsz) { watch_common(1, summary, sumsz); }

/* ------------------------------------------------------------------------ */
/* Scenarios: blpop, blmove                                                  */
/* ------------------------------------------------------------------------ */

#define BP_PRODUCERS 3
#define BP_ITEMS 3000 /* per producer */
#define BP_TOTAL (BP_PRODUCERS * BP_ITEMS)
#define BP_MAX_CONSUMERS 4

static char bp_keys[3][KEYLEN]; /* blpop: q1, q2; blmove: q1, done */
static int bp_blmove;

typedef struct {
    int id;
    int kind; /* 0 producer, 1 BLPOP q1 q2, 2 BRPOP q1, 3 BLMOVE q1 done */
    long produced, received, timeouts, wrong_queue, bad_values;
    int unsure; /* producer: the item whose LPUSH got no reply (it may or may not be there), or -1 */
    int *got;   /* consumer: per item, times received */
} bp_arg_t;

/* The queue (0 or 1) item n of producer t goes to; blmove uses only q1. */
static int bp_queue_of(int t, int n) {
    if (bp_blmove) return 0;
    uint64_t h = (g_seed ^ ((uint64_t)t << 32 | (unsigned)n)) * 0x9E3779B97F4A7C15ULL;
    return (int)(h >> 63);
}

/* Item name "p<t>-<n>" -> t*BP_ITEMS+n, or -1. */
static int bp_item_index(const redisReply *e, int *t_out, int *n_out) {
    int t, n, used = 0;
    if (!e || e->type != REDIS_REPLY_STRING) return -1;
    if (sscanf(e->str, "p%d-%d%n", &t, &n, &used) != 2 || (size_t)used != e->len) return -1;
    if (t < 0 || t >= BP_PRODUCERS || n < 0 || n >= BP_ITEMS) return -1;
    *t_out = t;
    *n_out = n;
    return t * BP_ITEMS + n;
}

static void *bp_producer(void *p) {
    bp_arg_t *a = p;
    char d[256], item[32];
    redisContext *c = open_conn();
    for (int n = 0; c && n < BP_ITEMS && !should_stop(); n++) {
        snprintf(item, sizeof(item), "p%d-%d", a->id, n);
        redisReply *r = cmd(c, "LPUSH %s %s", bp_keys[bp_queue_of(a->id, n)], item);
        if (!r) {
            a->unsure = n;
            break;
        }
        if (r->type != REDIS_REPLY_INTEGER || r->integer < 1) {
            fatal("LPUSH answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
        a->produced++;
    }
    atomic_fetch_sub(&g_workers_left, 1);
    if (c) redisFree(c);
    return NULL;
}

static void *bp_consumer(void *p) {
    bp_arg_t *a = p;
    char d[256];
    redisContext *c = open_conn();
    while (c && !atomic_load(&g_stop)) {
        redisReply *r;
        if (a->kind == 1)
            r = cmd(c, "BLPOP %s %s 1", bp_keys[0], bp_keys[1]);
        else if (a->kind == 2)
            r = cmd(c, "BRPOP %s 1", bp_keys[0]);
        else
            r = cmd(c, "BLMOVE %s %s LEFT RIGHT 1", bp_keys[0], bp_keys[2]);
        if (!r) break;
        const redisReply *val = NULL;
        int q = 0;
        if (r->type == REDIS_REPLY_NIL) {
            a->timeouts++;
            freeReplyObject(r);
            /* nothing for a second, and nothing more coming: done */
            if (atomic_load(&g_workers_left) == 0 || should_stop()) break;
            continue;
        }
        if (a->kind == 3 && r->type == REDIS_REPLY_STRING) {
            val = r;
        } else if (a->kind != 3 && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
                   r->element[0]->type == REDIS_REPLY_STRING) {
            val = r->element[1];
            if (strcmp(r->element[0]->str, bp_keys[0]) == 0)
                q = 0;
            else if (a->kind == 1 && strcmp(r->element[0]->str, bp_keys[1]) == 0)
                q = 1;
            else
                q = -1;
        } else {
            fatal("%s answered %s",
                  a->kind == 1   ? "BLPOP"
                  : a->kind == 2 ? "BRPOP"
                                 : "BLMOVE",
                  rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        int t, n, ix = bp_item_index(val, &t, &n);
        if (ix < 0) {
            a->bad_values++;
        } else {
            a->got[ix]++;
            a->received++;
            if (q != bp_queue_of(t, n)) a->wrong_queue++;
        }
        freeReplyObject(r);
        if (should_stop()) break;
    }
    if (c) redisFree(c);
    return NULL;
}

static void blocking_common(int blmove, char *summary, size_t sumsz) {
    const char *scen = blmove ? "blmove" : "blpop";
    const int nconsumers = blmove ? 3 : 4;
    const int nthreads = BP_PRODUCERS + nconsumers;
    bp_arg_t args[BP_PRODUCERS + BP_MAX_CONSUMERS];
    thread_fn fns[BP_PRODUCERS + BP_MAX_CONSUMERS];
    int *counts = xcalloc(BP_TOTAL, sizeof(int));
    redisContext *c = NULL;

    bp_blmove = blmove;
    scen_key(bp_keys[0], scen, "q1", 0);
    scen_key(bp_keys[1], scen, "q2", g_nshards / 2);
    scen_key(bp_keys[2], scen, "done", g_nshards - 1);
    if (blmove) {
        char shown[2][KEYLEN];
        memcpy(shown[0], bp_keys[0], KEYLEN);
        memcpy(shown[1], bp_keys[2], KEYLEN);
        print_placement(2, shown);
    } else {
        print_placement(2, bp_keys);
    }
    memset(args, 0, sizeof(args));
    for (int i = 0; i < nthreads; i++) {
        if (i < BP_PRODUCERS) {
            args[i].id = i;
            args[i].kind = 0;
            args[i].unsure = -1;
            fns[i] = bp_producer;
        } else {
            args[i].id = i - BP_PRODUCERS;
            args[i].kind = blmove ? 3 : (i == nthreads - 1 ? 2 : 1);
            args[i].got = xcalloc(BP_TOTAL, sizeof(int));
            fns[i] = bp_consumer;
        }
    }

    if (!(c = open_conn())) goto done;
    del_keys(c, 3, bp_keys);
    if (atomic_load(&g_stop)) goto done;
    atomic_store(&g_workers_left, BP_PRODUCERS);
    run_threads(nthreads, fns, args, sizeof(args[0]));
    final_checks();

    long produced = 0, received = 0, timeouts = 0, wrong_queue = 0, bad_values = 0;
    for (int i = 0; i < nthreads; i++) {
        produced += args[i].produced;
        received += args[i].received;
        timeouts += args[i].timeouts;
        wrong_queue += args[i].wrong_queue;
        bad_values += args[i].bad_values;
        if (args[i].got)
            for (int k = 0; k < BP_TOTAL; k++) counts[k] += args[i].got[k];
    }
    if (bad_values) problem("%ld received values were never produced", bad_values);
    if (wrong_queue) problem("%ld items came with the name of a list they were not pushed to", wrong_queue);

    /* What is left in the source lists (must be nothing) and, for blmove, in done. */
    long left[2] = {0, 0}, in_done = 0, done_unknown = 0;
    int *done_counts = xcalloc(BP_TOTAL, sizeof(int));
    for (int q = 0; q < (blmove ? 1 : 2); q++) {
        redisReply *r = fetch_list(c, bp_keys[q]);
        if (!r) goto free_done;
        left[q] = (long)r->elements;
        for (size_t i = 0; i < r->elements; i++) {
            int t, n, ix = bp_item_index(r->element[i], &t, &n);
            if (ix >= 0) counts[ix]++; /* counted so that the exactly-once check covers them */
        }
        freeReplyObject(r);
    }
    if (left[0] || left[1])
        problem("lists must end empty: %ld items left in q1, %ld in q2%s", left[0], left[1],
                atomic_load(&g_deadline_hit) ? " (the deadline stopped the consumers)" : "");
    if (blmove) {
        redisReply *r = fetch_list(c, bp_keys[2]);
        if (!r) goto free_done;
        in_done = (long)r->elements;
        for (size_t i = 0; i < r->elements; i++) {
            int t, n, ix = bp_item_index(r->element[i], &t, &n);
            if (ix < 0)
                done_unknown++;
            else
                done_counts[ix]++;
        }
        freeReplyObject(r);
    }

    /* Exactly once: items produced (the first `produced` of each producer) vs received + left. */
    int missing = 0, dups = 0, phantom = 0, done_missing = 0, done_dups = 0, done_phantom = 0;
    for (int t = 0; t < BP_PRODUCERS; t++) {
        for (int n = 0; n < BP_ITEMS; n++) {
            int ix = t * BP_ITEMS + n, was_produced = n < args[t].produced;
            if (n == args[t].unsure && counts[ix] <= 1 && done_counts[ix] <= 1) continue;
            if (was_produced && counts[ix] == 0)
                missing++;
            else if (counts[ix] > 1)
                dups++;
            else if (!was_produced && counts[ix])
                phantom++;
            if (blmove) {
                if (was_produced && done_counts[ix] == 0 && counts[ix] == 1)
                    done_missing++;
                else if (done_counts[ix] > 1)
                    done_dups++;
                else if (!was_produced && done_counts[ix])
                    done_phantom++;
            }
        }
    }
    if (missing || dups || phantom)
        problem("%ld items produced, %ld received + %ld left: %d lost, %d received more than once, %d never "
                "pushed",
                produced, received, left[0] + left[1], missing, dups, phantom);
    if (blmove && (done_missing || done_dups || done_phantom || done_unknown || in_done != received))
        problem("done holds %ld items, %ld BLMOVEs answered one: %d missing, %d duplicated, %d never pushed, "
                "%ld unknown",
                in_done, received, done_missing, done_dups, done_phantom, done_unknown);
    if (produced != BP_TOTAL && !atomic_load(&g_stop))
        problem("only %ld of %d items produced before the deadline", produced, BP_TOTAL);
    char done_desc[64] = "";
    if (blmove) snprintf(done_desc, sizeof(done_desc), ", done holds %ld", in_done);
    snprintf(summary, sumsz, "%ld produced, %ld received (%d lost, %d duplicated), %ld left, %ld timeouts%s",
             produced, received, missing, dups, left[0] + left[1], timeouts, done_desc);
free_done:
    free(done_counts);
done:
    for (int i = 0; i < nthreads; i++) free(args[i].got);
    free(counts);
    if (c) {
        del_keys(c, 3, bp_keys);
        redisFree(c);
    }
}

static void scen_blpop(char *summary, size_t sumsz) { blocking_common(0, summary, sumsz); }
static void scen_blmove(char *summary, size_t sumsz) { blocking_common(1, summary, sumsz); }

/* ------------------------------------------------------------------------ */
/* Scenarios: stream-group, stream-autoclaim                                 */
/* ------------------------------------------------------------------------ */

#define SG_PRODUCERS 3
#define SG_ITEMS 2000 /* per producer */
#define SG_TOTAL (SG_PRODUCERS * SG_ITEMS)
#define SG_CONSUMERS 4
#define SG_MIN_IDLE_MS 100 /* XAUTOCLAIM: pending this long counts as abandoned */
#define SG_CRASH_BATCHES 3 /* reads a crashing consumer does before it goes away */
#define SG_GROUP "g"

static char sg_keys[2][KEYLEN];
static int sg_autoclaim;
static atomic_int sg_producers_left;

typedef struct {
    long long ms, seq;
} sg_id_t;

static sg_id_t *sg_prod_ids; /* per entry, the ID XADD answered (each producer writes its own part) */

typedef struct {
    int id;
    int kind; /* 0 producer, 1 consumer (acks), 2 crashing consumer (never acks) */
    long produced, per_stream[2];
    int unsure; /* producer: the entry whose XADD got no reply, or -1 */
    long delivered, claimed, timeouts, bad_values, wrong_stream, out_of_order, id_changed, ack_short,
        ack_zero, deleted, crashes, acked;
    sg_id_t last[2]; /* last ID delivered (by XREADGROUP >) from each stream */
    int *got;        /* per entry, deliveries by XREADGROUP > */
    int *claims;     /* per entry, times XAUTOCLAIM handed it over */
    int *acks;       /* per entry, XACKs of it that answered 1 */
    sg_id_t *seen;   /* per entry, the ID it came under */
} sg_arg_t;

/* The stream (0 or 1) entry n of producer t is added to. */
static int sg_stream_of(int t, int n) {
    uint64_t h = (g_seed ^ 0x5354524541ULL ^ ((uint64_t)t << 32 | (unsigned)n)) * 0x9E3779B97F4A7C15ULL;
    return (int)(h >> 63);
}

static int sg_id_cmp(sg_id_t a, sg_id_t b) {
    if (a.ms != b.ms) return a.ms < b.ms ? -1 : 1;
    if (a.seq != b.seq) return a.seq < b.seq ? -1 : 1;
    return 0;
}

static int sg_parse_id(const redisReply *r, sg_id_t *id) {
    int used = 0;
    if (!r || r->type != REDIS_REPLY_STRING) return 0;
    if (sscanf(r->str, "%lld-%lld%n", &id->ms, &id->seq, &used) != 2 || (size_t)used != r->len) return 0;
    return 1;
}

/* An entry [id, [v, "p<t>:<n>"]]: its index t*SG_ITEMS+n (-1 if it is not one of ours), its ID string in
 * *idstr (NULL if it has none). */
static int sg_entry(const redisReply *e, sg_id_t *id, const char **idstr, int *t_out, int *n_out) {
    *idstr = NULL;
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 || !sg_parse_id(e->element[0], id)) return -1;
    *idstr = e->element[0]->str;
    const redisReply *f = e->element[1];
    if (f->type != REDIS_REPLY_ARRAY || f->elements != 2 || f->element[0]->type != REDIS_REPLY_STRING ||
        strcmp(f->element[0]->str, "v") != 0 || f->element[1]->type != REDIS_REPLY_STRING)
        return -1;
    int t, n, used = 0;
    if (sscanf(f->element[1]->str, "p%d:%d%n", &t, &n, &used) != 2 || (size_t)used != f->element[1]->len)
        return -1;
    if (t < 0 || t >= SG_PRODUCERS || n < 0 || n >= SG_ITEMS) return -1;
    *t_out = t;
    *n_out = n;
    return t * SG_ITEMS + n;
}

/* Entries of stream q handed to a (by XREADGROUP > unless claim), then XACKed unless a is a crashing
 * consumer: stream-group acks them with one XACK (which must count them all), stream-autoclaim with one
 * XACK each (an entry another consumer claimed meanwhile may already be acked). 0 if the connection broke. */
static int sg_handle(redisContext *c, sg_arg_t *a, int q, const redisReply *entries, int claim) {
    char d[256];
    size_t n = entries->elements, nid = 0;
    int ok = 1;
    if (!n) return 1;
    const char **argv = xcalloc(n + 3, sizeof(char *));
    int *ixs = xcalloc(n, sizeof(int));
    for (size_t i = 0; i < n; i++) {
        sg_id_t id;
        const char *idstr;
        int t, k, ix = sg_entry(entries->element[i], &id, &idstr, &t, &k);
        if (idstr) {
            argv[3 + nid] = idstr;
            ixs[nid++] = ix;
        }
        if (ix < 0) {
            a->bad_values++;
            continue;
        }
        if (sg_stream_of(t, k) != q) a->wrong_stream++;
        if (claim) {
            a->claims[ix]++;
            a->claimed++;
        } else {
            a->got[ix]++;
            a->delivered++;
            if (sg_id_cmp(id, a->last[q]) <= 0) a->out_of_order++;
            a->last[q] = id;
        }
        if (a->got[ix] + a->claims[ix] > 1 && sg_id_cmp(a->seen[ix], id) != 0) a->id_changed++;
        a->seen[ix] = id;
    }
    if (a->kind == 2 || !nid) goto out;
    argv[0] = "XACK";
    argv[1] = sg_keys[q];
    argv[2] = SG_GROUP;
    if (!sg_autoclaim) {
        redisReply *r = cmd_argv(c, (int)nid + 3, argv);
        if (!r) {
            ok = 0;
            goto out;
        }
        if (r->type != REDIS_REPLY_INTEGER) {
            fatal("XACK answered %s", rdesc(r, d, sizeof(d)));
            ok = 0;
        } else if (r->integer != (long long)nid) {
            a->ack_short++;
            problem("XACK %s of %zu entries just delivered to this consumer answered %lld", sg_keys[q], nid,
                    r->integer);
        } else {
            a->acked += (long)nid;
            for (size_t i = 0; i < nid; i++)
                if (ixs[i] >= 0) a->acks[ixs[i]]++;
        }
        freeReplyObject(r);
        goto out;
    }
    for (size_t i = 0; i < nid; i++)
        redisAppendCommand(c, "XACK %s %s %s", sg_keys[q], SG_GROUP, argv[3 + i]);
    for (size_t i = 0; i < nid; i++) {
        redisReply *r = next_reply(c, "XACK");
        if (!r) {
            ok = 0;
            break;
        }
        if (r->type == REDIS_REPLY_INTEGER && r->integer == 1) {
            a->acked++;
            if (ixs[i] >= 0) a->acks[ixs[i]]++;
        } else if (r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
            a->ack_zero++;
        } else if (ok) {
            fatal("XACK %s %s answered %s", sg_keys[q], argv[3 + i], rdesc(r, d, sizeof(d)));
            ok = 0; /* the other replies are still read */
        }
        freeReplyObject(r);
    }
out:
    free(argv);
    free(ixs);
    return ok;
}

/* The reply to an XREADGROUP: handled stream by stream. 1 if it delivered something, 0 on nil, -1 on
 * trouble. */
static int sg_read_reply(redisContext *c, sg_arg_t *a, redisReply *r) {
    char d[256];
    if (r->type == REDIS_REPLY_NIL) return 0;
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || r->elements > 2) {
        fatal("XREADGROUP answered %s", rdesc(r, d, sizeof(d)));
        return -1;
    }
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *s = r->element[i];
        int q = -1;
        if (s->type == REDIS_REPLY_ARRAY && s->elements == 2 && s->element[0]->type == REDIS_REPLY_STRING &&
            s->element[1]->type == REDIS_REPLY_ARRAY)
            q = !strcmp(s->element[0]->str, sg_keys[0])   ? 0
                : !strcmp(s->element[0]->str, sg_keys[1]) ? 1
                                                          : -1;
        if (q < 0) {
            fatal("XREADGROUP answered an unexpected stream element %s", rdesc(s, d, sizeof(d)));
            return -1;
        }
        if (!sg_handle(c, a, q, s->element[1], 0)) return -1;
    }
    return 1;
}

static void *sg_producer(void *p) {
    sg_arg_t *a = p;
    char d[256], item[32];
    rng_t rng;
    rng_init(&rng, 700 + (uint64_t)a->id);
    redisContext *c = open_conn();
    for (int n = 0; c && n < SG_ITEMS && !should_stop(); n++) {
        int q = sg_stream_of(a->id, n);
        sg_id_t id;
        snprintf(item, sizeof(item), "p%d:%d", a->id, n);
        redisReply *r = cmd(c, "XADD %s * v %s", sg_keys[q], item);
        if (!r) {
            a->unsure = n;
            break;
        }
        if (!sg_parse_id(r, &id)) {
            fatal("XADD answered %s", rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
        if (sg_id_cmp(id, a->last[q]) <= 0) a->out_of_order++;
        a->last[q] = id;
        sg_prod_ids[a->id * SG_ITEMS + n] = id;
        a->produced++;
        a->per_stream[q]++;
        /* now and then a pause: the consumers run dry and block */
        if (rng_below(&rng, 64) == 0) usleep((useconds_t)rng_below(&rng, 3000));
    }
    atomic_fetch_sub(&sg_producers_left, 1);
    atomic_fetch_sub(&g_workers_left, 1);
    if (c) redisFree(c);
    return NULL;
}

/* XPENDING summary count of stream q (-1 on trouble). */
static long long sg_pending(redisContext *c, int q) {
    char d[256];
    redisReply *r = cmd(c, "XPENDING %s %s", sg_keys[q], SG_GROUP);
    long long n = -1;
    if (!r) return -1;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 4 && r->element[0]->type == REDIS_REPLY_INTEGER)
        n = r->element[0]->integer;
    else
        fatal("XPENDING %s %s answered %s", sg_keys[q], SG_GROUP, rdesc(r, d, sizeof(d)));
    freeReplyObject(r);
    return n;
}

/* XAUTOCLAIM from both streams, one batch each; 0 if the connection broke. */
static int sg_autoclaim_both(redisContext *c, sg_arg_t *a, const char *name, char cursor[2][48], int count) {
    char d[256];
    for (int q = 0; q < 2; q++) {
        redisReply *r = cmd(c, "XAUTOCLAIM %s %s %s %d %s COUNT %d", sg_keys[q], SG_GROUP, name,
                            SG_MIN_IDLE_MS, cursor[q], count);
        if (!r) return 0;
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 || r->element[0]->type != REDIS_REPLY_STRING ||
            r->element[1]->type != REDIS_REPLY_ARRAY || r->element[2]->type != REDIS_REPLY_ARRAY) {
            fatal("XAUTOCLAIM %s answered %s", sg_keys[q], rdesc(r, d, sizeof(d)));
            freeReplyObject(r);
            return 0;
        }
        snprintf(cursor[q], 48, "%s", r->element[0]->str);
        a->deleted += (long)r->element[2]->elements;
        int ok = sg_handle(c, a, q, r->element[1], 1);
        freeReplyObject(r);
        if (!ok) return 0;
    }
    return 1;
}

static void *sg_consumer(void *p) {
    sg_arg_t *a = p;
    char name[16], cursor[2][48] = {"0-0", "0-0"};
    rng_t rng;
    rng_init(&rng, 800 + (uint64_t)a->id);
    snprintf(name, sizeof(name), "c%d", a->id);
    int claiming = 0; /* the last XAUTOCLAIM got something: more may be waiting, read without blocking */
    redisContext *c = open_conn();
    for (long iter = 1; c && !should_stop(); iter++) {
        int count = 1 + rng_below(&rng, 5);
        /* read before the call: nil and no more coming means everything was delivered */
        int finished = atomic_load(&g_workers_left) == 0;
        double t0 = now_sec();
        redisReply *r = claiming ? cmd(c, "XREADGROUP GROUP %s %s COUNT %d STREAMS %s %s > >", SG_GROUP, name,
                                       count, sg_keys[0], sg_keys[1])
                                 : cmd(c, "XREADGROUP GROUP %s %s COUNT %d BLOCK 100 STREAMS %s %s > >",
                                       SG_GROUP, name, count, sg_keys[0], sg_keys[1]);
        if (!r) {
            if (c->err == REDIS_ERR_IO && strstr(c->errstr, "temporarily"))
                problem(
                    "consumer %s: XREADGROUP ... BLOCK 100 over both streams unanswered after %.1f s (%s)",
                    name, now_sec() - t0,
                    finished ? "every entry had been added before it" : "entries still coming");
            break;
        }
        int got = sg_read_reply(c, a, r);
        freeReplyObject(r);
        if (got < 0) break;
        if (!got) a->timeouts++;
        if (sg_autoclaim && (!got || claiming || iter % 8 == 0)) {
            long before = a->claimed;
            if (!sg_autoclaim_both(c, a, name, cursor, 1 + rng_below(&rng, 20))) break;
            claiming = a->claimed > before;
        }
        if (!got && finished) {
            if (!sg_autoclaim) break;
            /* done once nothing is pending either (a crashed consumer's entries become claimable late) */
            long long p0 = sg_pending(c, 0), p1 = p0 == 0 ? sg_pending(c, 1) : -1;
            if (p0 < 0 && atomic_load(&g_stop)) break;
            if (p0 == 0 && p1 == 0) break;
        }
    }
    if (c) redisFree(c);
    return NULL;
}

/* Reads without acking under a consumer name, then "crashes": drops the connection (now and then while
 * blocked in another XREADGROUP) and comes back under a new name. */
static void *sg_crasher(void *p) {
    sg_arg_t *a = p;
    char name[24];
    rng_t rng;
    rng_init(&rng, 900);
    redisContext *c = NULL;
    int batches = 0;
    while (!should_stop() && atomic_load(&sg_producers_left) > 0) {
        if (!c) {
            if (!(c = open_conn())) break;
            snprintf(name, sizeof(name), "x%ld", a->crashes);
        }
        redisReply *r = cmd(c, "XREADGROUP GROUP %s %s COUNT %d BLOCK 100 STREAMS %s %s > >", SG_GROUP, name,
                            1 + rng_below(&rng, 5), sg_keys[0], sg_keys[1]);
        if (!r) break;
        int got = sg_read_reply(c, a, r);
        freeReplyObject(r);
        if (got < 0) break;
        if (!got) a->timeouts++;
        if (++batches >= SG_CRASH_BATCHES) {
            if (rng_below(&rng, 2)) {
                int done = 0;
                redisAppendCommand(c, "XREADGROUP GROUP %s %s COUNT 5 BLOCK 1000 STREAMS %s %s > >", SG_GROUP,
                                   name, sg_keys[0], sg_keys[1]);
                while (!done && redisBufferWrite(c, &done) == REDIS_OK) {}
                usleep((useconds_t)rng_below(&rng, 2000));
            }
            redisFree(c);
            c = NULL;
            batches = 0;
            a->crashes++;
            usleep((useconds_t)(1000 + rng_below(&rng, 4000)));
        }
    }
    if (c) redisFree(c);
    atomic_fetch_sub(&g_workers_left, 1);
    return NULL;
}

static void stream_common(int autoclaim, char *summary, size_t sumsz) {
    const char *scen = autoclaim ? "stream-autoclaim" : "stream-group";
    const int nthreads = SG_PRODUCERS + SG_CONSUMERS + (autoclaim ? 1 : 0);
    const int crasher = autoclaim ? nthreads - 1 : -1, drain = nthreads;
    sg_arg_t args[SG_PRODUCERS + SG_CONSUMERS + 2];
    thread_fn fns[SG_PRODUCERS + SG_CONSUMERS + 1];
    redisContext *c = NULL;

    sg_autoclaim = autoclaim;
    scen_key(sg_keys[0], scen, "s1", 0);
    scen_key(sg_keys[1], scen, "s2", g_nshards / 2);
    print_placement(2, sg_keys);
    sg_prod_ids = xcalloc(SG_TOTAL, sizeof(sg_id_t));
    memset(args, 0, sizeof(args));
    for (int i = 0; i <= drain; i++) {
        args[i].unsure = -1;
        args[i].got = xcalloc(SG_TOTAL, sizeof(int));
        args[i].claims = xcalloc(SG_TOTAL, sizeof(int));
        args[i].acks = xcalloc(SG_TOTAL, sizeof(int));
        args[i].seen = xcalloc(SG_TOTAL, sizeof(sg_id_t));
        if (i < SG_PRODUCERS) {
            args[i].id = i;
            fns[i] = sg_producer;
        } else if (i == crasher) {
            args[i].kind = 2;
            fns[i] = sg_crasher;
        } else {
            args[i].id = i - SG_PRODUCERS;
            args[i].kind = 1;
            if (i < nthreads) fns[i] = sg_consumer;
        }
    }

    if (!(c = open_conn())) goto done;
    del_keys(c, 2, sg_keys);
    for (int q = 0; q < 2; q++)
        setup_cmd(c, REDIS_REPLY_STATUS, "XGROUP CREATE %s %s $ MKSTREAM", sg_keys[q], SG_GROUP);
    if (atomic_load(&g_stop)) goto done;
    atomic_store(&sg_producers_left, SG_PRODUCERS);
    atomic_store(&g_workers_left, SG_PRODUCERS + (autoclaim ? 1 : 0));
    run_threads(nthreads, fns, args, sizeof(args[0]));
    final_checks();

    /* What no consumer read (must be nothing): read and acked here. */
    long left = 0;
    for (;;) {
        redisReply *r = cmd(c, "XREADGROUP GROUP %s drain COUNT 1000 STREAMS %s %s > >", SG_GROUP, sg_keys[0],
                            sg_keys[1]);
        if (!r) goto done;
        long before = args[drain].delivered + args[drain].bad_values;
        int got = sg_read_reply(c, &args[drain], r);
        freeReplyObject(r);
        if (got <= 0) break;
        left += args[drain].delivered + args[drain].bad_values - before;
    }
    /* (when the deadline stopped the consumers, what they left is read
     * here and counted like the rest) */
    if (left && !atomic_load(&g_deadline_hit))
        problem("%ld entries were never delivered to a consumer", left);

    /* What crashed consumers still held when the threads stopped (the
     * deadline can stop the claimers first): claimed and acked here. */
    if (autoclaim) {
        usleep((SG_MIN_IDLE_MS + 20) * 1000);
        for (int round = 0; round < 1000; round++) {
            char cursor[2][48] = {"0-0", "0-0"};
            long before = args[drain].claimed;
            if (!sg_autoclaim_both(c, &args[drain], "drain", cursor, 1000)) goto done;
            if (args[drain].claimed == before) break;
        }
    }

    long long pending[2], xlen[2];
    for (int q = 0; q < 2; q++) {
        pending[q] = sg_pending(c, q);
        redisReply *r = cmd(c, "XLEN %s", sg_keys[q]);
        if (!r) goto done;
        xlen[q] = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
        freeReplyObject(r);
    }

    long produced = 0, per_stream[2] = {0, 0}, delivered = 0, claimed = 0, acked = 0, timeouts = 0,
         bad_values = 0, wrong_stream = 0, out_of_order = 0, id_changed = 0, ack_zero = 0, deleted = 0,
         crashes = 0;
    for (int i = 0; i <= drain; i++) {
        produced += args[i].produced;
        per_stream[0] += args[i].per_stream[0];
        per_stream[1] += args[i].per_stream[1];
        delivered += args[i].delivered;
        claimed += args[i].claimed;
        acked += args[i].acked;
        timeouts += args[i].timeouts;
        bad_values += args[i].bad_values;
        wrong_stream += args[i].wrong_stream;
        out_of_order += args[i].out_of_order;
        id_changed += args[i].id_changed;
        ack_zero += args[i].ack_zero;
        deleted += args[i].deleted;
        crashes += args[i].crashes;
    }
    if (bad_values) problem("%ld delivered entries were not ones the producers added", bad_values);
    if (wrong_stream) problem("%ld entries came from a stream they were not added to", wrong_stream);
    if (out_of_order)
        problem("%ld IDs not above the previous one of the same stream (XADD or XREADGROUP >)", out_of_order);
    if (id_changed) problem("%ld entries came to the same consumer under two different IDs", id_changed);
    if (deleted) problem("XAUTOCLAIM reported %ld deleted entries (none was deleted)", deleted);
    for (int q = 0; q < 2; q++) {
        long unsure = 0;
        for (int t = 0; t < SG_PRODUCERS; t++)
            if (args[t].unsure >= 0 && sg_stream_of(t, args[t].unsure) == q) unsure++;
        if (pending[q] != 0)
            problem("XPENDING %s %s counts %lld entries at the end", sg_keys[q], SG_GROUP, pending[q]);
        if (xlen[q] < per_stream[q] || xlen[q] > per_stream[q] + unsure)
            problem("XLEN %s is %lld, %ld entries were added to it", sg_keys[q], xlen[q], per_stream[q]);
    }

    /* Per entry: delivered once (by XREADGROUP >), acked once, with the ID XADD answered. */
    int missing = 0, dups = 0, phantom = 0, unacked = 0, multi_acked = 0, wrong_id = 0, lost_replies = 0,
        crash_unclaimed = 0, crash_read = 0;
    for (int t = 0; t < SG_PRODUCERS; t++) {
        for (int n = 0; n < SG_ITEMS; n++) {
            int ix = t * SG_ITEMS + n, was_produced = n < args[t].produced, got = 0, claims = 0, acks = 0;
            for (int i = SG_PRODUCERS; i <= drain; i++) {
                got += args[i].got[ix];
                claims += args[i].claims[ix];
                acks += args[i].acks[ix];
                if (was_produced && args[i].got[ix] + args[i].claims[ix] &&
                    sg_id_cmp(args[i].seen[ix], sg_prod_ids[ix]) != 0)
                    wrong_id++;
            }
            if (n == args[t].unsure && got <= 1 && acks <= 1) continue;
            if (!was_produced) {
                if (got || claims || acks) phantom++;
                continue;
            }
            if (got == 0) {
                /* a crashing consumer's read whose reply it never saw: claimed by another */
                if (autoclaim && claims && acks == 1)
                    lost_replies++;
                else
                    missing++;
            } else if (got > 1) {
                dups++;
            }
            if (acks == 0)
                unacked++;
            else if (acks > 1)
                multi_acked++;
            if (crasher >= 0 && args[crasher].got[ix]) {
                crash_read++;
                if (!claims) crash_unclaimed++;
            }
        }
    }
    if (missing || dups || phantom)
        problem(
            "%ld entries added, %ld delivered by XREADGROUP > (%ld of them to the final read): %d lost, %d "
            "delivered more than once, %d never added",
            produced, delivered, left, missing, dups, phantom);
    if (unacked || multi_acked)
        problem("%d entries never acked, %d acked more than once (XACK answered 1 for each)", unacked,
                multi_acked);
    if (wrong_id) problem("%d entries delivered or claimed under another ID than XADD answered", wrong_id);
    if (crash_unclaimed)
        problem("%d of the %d entries crashed consumers read were never claimed", crash_unclaimed,
                crash_read);
    /* (under a sanitizer the run may take longer than the deadline: what
     * was added is checked all the same; a stuck command fails on its own
     * I/O timeout) */
    if (produced != SG_TOTAL && !atomic_load(&g_stop) && !atomic_load(&g_deadline_hit))
        problem("only %ld of %d entries added before the deadline", produced, SG_TOTAL);
    char extra[160] = "";
    if (autoclaim)
        snprintf(
            extra, sizeof(extra),
            "; %ld crashed consumers read %d, %ld claims, %d replies lost by crashing, %ld XACKs answered 0",
            crashes, crash_read, claimed, lost_replies, ack_zero);
    snprintf(summary, sumsz,
             "%ld added (%ld + %ld), %ld delivered (%d lost, %d duplicated), %ld acked, %ld left, "
             "%ld timeouts%s",
             produced, per_stream[0], per_stream[1], delivered, missing, dups, acked, left, timeouts, extra);
done:
    for (int i = 0; i <= drain; i++) {
        free(args[i].got);
        free(args[i].claims);
        free(args[i].acks);
        free(args[i].seen);
    }
    free(sg_prod_ids);
    sg_prod_ids = NULL;
    if (c) {
        del_keys(c, 2, sg_keys);
        redisFree(c);
    }
}

static void scen_stream_group(char *summary, size_t sumsz) { stream_common(0, summary, sumsz); }
static void scen_stream_autoclaim(char *summary, size_t sumsz) { stream_common(1, summary, sumsz); }

/* ------------------------------------------------------------------------ */
/* Main                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
    const char *name, *group;
    void (*fn)(char *summary, size_t sumsz);
} scenario_t;

static const scenario_t g_scenarios[] = {
    {"lmove", "movers", scen_lmove},
    {"smove", "movers", scen_smove},
    {"rename", "movers", scen_rename},
    {"money", "money", scen_money},
    {"money-global", "money", scen_money_global},
    {"money-script", "money", scen_money_script},
    {"money-undeclared", "money", scen_money_undeclared},
    {"money-mget", "money", scen_money_mget},
    {"money-mixed", "money", scen_money_mixed},
    {"money-multi-script", "money", scen_money_multi_script},
    {"money-bgsave", "money", scen_money_bgsave},
    {"bigsets", "movers", scen_bigsets},
    {"serverwide", "money", scen_serverwide},
    {"watch", "watch", scen_watch},
    {"watch-multishard", "watch", scen_watch2},
    {"watch-race", "watch", scen_watch_race},
    {"blpop", "blocking", scen_blpop},
    {"blmove", "blocking", scen_blmove},
    {"stream-group", "blocking", scen_stream_group},
    {"stream-autoclaim", "blocking", scen_stream_autoclaim},
};
#define NSCEN ((int)(sizeof(g_scenarios) / sizeof(g_scenarios[0])))

static void put_num(char *buf, size_t *o, long v) {
    char tmp[24];
    int n = 0;
    do tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (n > 0) buf[(*o)++] = tmp[--n];
}

static void on_alarm(int sig) {
    (void)sig;
    char buf[160];
    size_t o = 0;
    static const char msg[] = "\nFAIL: watchdog: the run took far longer than its deadlines allow\n";
    memcpy(buf, msg, sizeof(msg) - 1);
    o = sizeof(msg) - 1;
    put_num(buf, &o, (long)g_passed);
    memcpy(buf + o, " passed, ", 9);
    o += 9;
    put_num(buf, &o, (long)(g_total - g_passed));
    memcpy(buf + o, " failed\n", 8);
    o += 8;
    ssize_t w = write(STDOUT_FILENO, buf, o);
    (void)w;
    _exit(1);
}

/* Mark the scenarios a name (or group name, or comma-separated list) selects; 0 if unknown. */
static int select_names(const char *list, int *sel) {
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        int hit = 0, on = 1;
        if (tok[0] == '-') { /* "-name": leave it out */
            on = 0;
            tok++;
        }
        for (int i = 0; i < NSCEN; i++) {
            if (!strcmp(tok, "all") || !strcmp(tok, g_scenarios[i].name) ||
                !strcmp(tok, g_scenarios[i].group)) {
                sel[i] = on;
                hit = 1;
            }
        }
        if (!hit) {
            fprintf(stderr, "unknown scenario '%s'; known:", tok);
            for (int i = 0; i < NSCEN; i++)
                fprintf(stderr, " %s(%s)", g_scenarios[i].name, g_scenarios[i].group);
            fprintf(stderr, "\n");
            return 0;
        }
    }
    return 1;
}

static void usage(const char *prog) {
    fprintf(stderr,
            "usage: %s [--shards N] HOST PORT [SEED] [SCENARIO ...]\n"
            "  scenarios: lmove smove rename bigsets (movers), money money-global money-script\n"
            "             money-undeclared money-mget money-mixed money-multi-script\n"
            "             serverwide (money),\n"
            "             watch watch-multishard watch-race (watch),\n"
            "             blpop blmove stream-group stream-autoclaim (blocking); default all\n"
            "  env: TEST_SHARDS (default 4), TXN_STRESS_SCENARIOS, TXN_STRESS_SECONDS (default 10)\n",
            prog);
}

int main(int argc, char **argv) {
    int sel[NSCEN] = {0}, any_sel = 0, have_seed = 0;
    const char *pos[3];
    int npos = 0;
    const char *env;

    if ((env = getenv("TEST_SHARDS")) && *env) g_nshards = atoi(env);
    if ((env = getenv("TXN_STRESS_SECONDS")) && *env) g_scen_seconds = atof(env);
    if ((env = getenv("TXN_STRESS_SCENARIOS")) && *env) {
        if (!select_names(env, sel)) return 2;
        any_sel = 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--shards") && i + 1 < argc) {
            g_nshards = atoi(argv[++i]);
        } else if (!strncmp(argv[i], "--shards=", 9)) {
            g_nshards = atoi(argv[i] + 9);
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(argv[0]);
            return 0;
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else if (npos == 2 && argv[i][0] >= '0' && argv[i][0] <= '9') {
            g_seed = strtoull(argv[i], NULL, 0);
            have_seed = 1;
            pos[npos++] = argv[i];
        } else {
            if (!select_names(argv[i], sel)) return 2;
            any_sel = 1;
            npos = 3;
        }
    }
    if (npos < 2) {
        usage(argv[0]);
        return 2;
    }
    g_host = pos[0];
    g_port = atoi(pos[1]);
    if (g_port <= 0 || g_port > 65535 || g_nshards < 1 || g_nshards > 1024 || g_scen_seconds <= 0) {
        usage(argv[0]);
        return 2;
    }
    if (!have_seed) g_seed = (unsigned long long)time(NULL);
    if (!any_sel)
        for (int i = 0; i < NSCEN; i++) sel[i] = 1;
    for (int i = 0; i < NSCEN; i++) g_total += sel[i];

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    /* each scenario: its deadline, plus I/O timeouts and the final checks */
    alarm((unsigned)(g_total * (g_scen_seconds + 2 * IO_TIMEOUT_S)) + 30);

    printf("test_txn_stress: server %s:%d, keys placed for %d shard(s), seed %llu, deadline %.0f s per "
           "scenario\n",
           g_host, g_port, g_nshards, g_seed, g_scen_seconds);
    double t_all = now_sec();
    for (int i = 0; i < NSCEN; i++) {
        if (!sel[i]) continue;
        char summary[512] = "";
        g_scen = g_scenarios[i].name;
        atomic_store(&g_stop, 0);
        atomic_store(&g_deadline_hit, 0);
        atomic_store(&g_problems, 0);
        atomic_store(&g_printed, 0);
        atomic_store(&g_workers_left, 0);
        g_last_problem[0] = '\0';
        double t0 = now_sec();
        g_deadline = t0 + g_scen_seconds;
        g_scenarios[i].fn(summary, sizeof(summary));
        int problems = atomic_load(&g_problems);
        printf("[%s] %s%s%s%s (%.2f s)\n", g_scen, problems ? "FAIL" : "PASS", summary[0] ? ": " : "",
               summary, atomic_load(&g_deadline_hit) ? "; deadline reached" : "", now_sec() - t0);
        if (problems)
            g_failed++;
        else
            g_passed++;
    }
    alarm(0);
    printf("total %.2f s\n", now_sec() - t_all);
    printf("%d passed, %d failed\n", (int)g_passed, (int)g_failed);
    return g_failed ? 1 : 0;
}
