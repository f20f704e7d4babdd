/*
 * test_pipeline.c - pipelining integration test for redis-shard.
 *
 * Usage: test_pipeline HOST PORT [SEED]
 *
 * Runs against an already running server speaking RESP.
 *
 *   Test 1: a single connection sends one large buffer holding 100,000
 *           pipelined mixed string commands touching ~2,000 keys that are
 *           spread over all 16384 hash slots.  A local model predicts every
 *           reply; each reply is checked (type and value) in order.
 *
 *   Test 2: 200 concurrent connections (one thread each) run the same kind of
 *           workload in chunks of 500 pipelined commands, each on its own
 *           disjoint key set (plain and {hash-tagged} keys), each checked
 *           against its own model.
 *
 *   Test 3: 64 connections in request/response style (mostly one command
 *           per round trip, sometimes 2-3), the pattern whose replies the
 *           owning shard sends itself; now and then a value larger than
 *           such a reply may be (20 KB), and connections that send commands
 *           and close without reading their replies.
 *
 * The last line printed is "P passed, F failed"; the exit status is non-zero
 * if anything failed.  A watchdog (alarm) fails the run after 120 seconds.
 *
 * Build:
 *   gcc -std=gnu11 -O2 -g -Wall -Wextra -pthread tests/c/test_pipeline.c \
 *       -lhiredis -o /tmp/test_pipeline
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#define NUM_TESTS 3
#define WATCHDOG_SECONDS 120

#define T1_COMMANDS 100000
#define T1_PLAIN_KEYS 1900
#define T1_TAGGED_KEYS 100

#define T2_CONNS 200
#define T2_COMMANDS 2000
#define T2_CHUNK 500
#define T2_PLAIN_KEYS 100
#define T2_TAGGED_KEYS 30

#define T3_CONNS 64
#define T3_COMMANDS 1500
#define T3_BIG_LEN 20000

#define MAX_VALUE_LEN 16384  /* APPEND turns into SET beyond this size */

static const char *g_host;
static int g_port;
static unsigned long long g_seed;
static volatile sig_atomic_t g_passed;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    return p;
}

static char *xmemdup(const char *s, size_t len)
{
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64* generator, one state per thread. */
typedef struct { uint64_t s; } rng_t;

static void rng_seed(rng_t *r, uint64_t seed)
{
    r->s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    if (r->s == 0)
        r->s = 1;
}

static uint64_t rng_next(rng_t *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static unsigned rng_below(rng_t *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}

/* Growable byte buffer. */
typedef struct {
    char *data;
    size_t len, cap;
} buf_t;

static void buf_append(buf_t *b, const char *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_free(buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Printable, truncated rendering of a binary string (into out, size outsz). */
static void render(char *out, size_t outsz, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 8 < outsz; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r') { out[o++] = '\\'; out[o++] = 'r'; }
        else if (c == '\n') { out[o++] = '\\'; out[o++] = 'n'; }
        else if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; }
        else if (c < 32 || c >= 127) o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
        else out[o++] = (char)c;
        if (i + 1 < len && o + 8 >= outsz) {
            out[o++] = '.'; out[o++] = '.'; out[o++] = '.';
            break;
        }
    }
    out[o] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Redis Cluster hash slot (CRC16/XMODEM with {hash tag} support)            */
/* ------------------------------------------------------------------------ */

static uint16_t crc16_xmodem(const char *buf, size_t len)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)((unsigned char)buf[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

static unsigned key_slot(const char *key, size_t len)
{
    size_t open, close;
    for (open = 0; open < len && key[open] != '{'; open++)
        ;
    if (open < len) {
        for (close = open + 1; close < len && key[close] != '}'; close++)
            ;
        if (close < len && close != open + 1)
            return crc16_xmodem(key + open + 1, close - open - 1) & 16383;
    }
    return crc16_xmodem(key, len) & 16383;
}

/* ------------------------------------------------------------------------ */
/* Model                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * The key universe of a workload is fixed up front, so the model is a table
 * indexed directly by key id (a perfect hash): each entry says whether the
 * key exists, its string value, and the TTL last given with EXPIRE (0: none).
 * Integers are kept as their decimal string, as the server does.
 */
typedef struct {
    int exists;
    char *val;
    size_t len;
    long long ttl;
} entry_t;

typedef struct {
    int nkeys;
    char **names;
    size_t *namelens;
    entry_t *e;
} model_t;

static void model_init(model_t *m, int nkeys)
{
    m->nkeys = nkeys;
    m->names = xmalloc(sizeof(char *) * (size_t)nkeys);
    m->namelens = xmalloc(sizeof(size_t) * (size_t)nkeys);
    m->e = calloc((size_t)nkeys, sizeof(entry_t));
    if (!m->e)
        abort();
}

static void model_set_name(model_t *m, int i, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    m->names[i] = xmemdup(tmp, (size_t)n);
    m->namelens[i] = (size_t)n;
}

static void model_free(model_t *m)
{
    for (int i = 0; i < m->nkeys; i++) {
        free(m->names[i]);
        free(m->e[i].val);
    }
    free(m->names);
    free(m->namelens);
    free(m->e);
}

static void entry_store(entry_t *e, const char *v, size_t len, int keep_ttl)
{
    char *nv = xmemdup(v, len);
    free(e->val);
    e->val = nv;
    e->len = len;
    e->exists = 1;
    if (!keep_ttl)
        e->ttl = 0;
}

static void entry_delete(entry_t *e)
{
    free(e->val);
    e->val = NULL;
    e->len = 0;
    e->exists = 0;
    e->ttl = 0;
}

/*
 * Strict integer parsing with the same rules as the server's string->int64
 * conversion: optional '-', no '+', no spaces, no leading zeros (except "0"
 * itself), "-0" rejected, must fit in a signed 64-bit integer.
 */
static int parse_strict_ll(const char *s, size_t len, long long *out)
{
    size_t i = 0;
    int neg = 0;
    unsigned long long v = 0;

    if (len == 0)
        return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (s[0] == '-') {
        neg = 1;
        i = 1;
        if (len == 1)
            return 0;
    }
    if (s[i] < '1' || s[i] > '9')
        return 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1ULL)
            return 0;
        *out = (v == (unsigned long long)LLONG_MAX + 1ULL) ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX)
            return 0;
        *out = (long long)v;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Expected replies                                                          */
/* ------------------------------------------------------------------------ */

enum {
    X_STATUS,   /* +str            */
    X_INT,      /* :i              */
    X_RANGE,    /* :lo..hi (TTL)   */
    X_BULK,     /* $str            */
    X_NIL,      /* $-1             */
    X_ERR,      /* -ERR... containing str */
    X_ARRAY     /* *n of bulk/nil  */
};

typedef struct {
    char *s;    /* NULL means nil */
    size_t len;
} xbulk_t;

typedef struct {
    int kind;
    long long lo, hi;   /* X_INT: lo; X_RANGE: lo..hi */
    char *s;            /* X_STATUS, X_BULK, X_ERR */
    size_t len;
    int n;              /* X_ARRAY */
    xbulk_t *elems;
    char *desc;         /* printable command, for diagnostics */
} expect_t;

static void expect_free(expect_t *x)
{
    free(x->s);
    free(x->desc);
    for (int i = 0; i < x->n; i++)
        free(x->elems[i].s);
    free(x->elems);
    memset(x, 0, sizeof(*x));
}

static void x_status(expect_t *x, const char *s)
{
    x->kind = X_STATUS;
    x->s = xmemdup(s, strlen(s));
    x->len = strlen(s);
}

static void x_int(expect_t *x, long long v)
{
    x->kind = X_INT;
    x->lo = x->hi = v;
}

static void x_bulk_or_nil(expect_t *x, const entry_t *e)
{
    if (e->exists) {
        x->kind = X_BULK;
        x->s = xmemdup(e->val, e->len);
        x->len = e->len;
    } else {
        x->kind = X_NIL;
    }
}

static void x_err(expect_t *x, const char *substr)
{
    x->kind = X_ERR;
    x->s = xmemdup(substr, strlen(substr));
    x->len = strlen(substr);
}

static void describe_expect(char *out, size_t outsz, const expect_t *x)
{
    char tmp[160];
    switch (x->kind) {
    case X_STATUS: snprintf(out, outsz, "status \"%s\"", x->s); break;
    case X_INT: snprintf(out, outsz, "integer %lld", x->lo); break;
    case X_RANGE: snprintf(out, outsz, "integer in [%lld, %lld]", x->lo, x->hi); break;
    case X_BULK:
        render(tmp, sizeof(tmp), x->s, x->len);
        snprintf(out, outsz, "bulk(%zu) \"%s\"", x->len, tmp);
        break;
    case X_NIL: snprintf(out, outsz, "nil"); break;
    case X_ERR: snprintf(out, outsz, "error containing \"%s\"", x->s); break;
    case X_ARRAY: {
        size_t o = (size_t)snprintf(out, outsz, "array of %d: [", x->n);
        for (int i = 0; i < x->n && o < outsz; i++) {
            if (x->elems[i].s) {
                render(tmp, 40, x->elems[i].s, x->elems[i].len);
                o += (size_t)snprintf(out + o, outsz - o, "%s\"%s\"", i ? ", " : "", tmp);
            } else {
                o += (size_t)snprintf(out + o, outsz - o, "%snil", i ? ", " : "");
            }
        }
        if (o < outsz)
            snprintf(out + o, outsz - o, "]");
        break;
    }
    default: snprintf(out, outsz, "?"); break;
    }
}

static void describe_reply(char *out, size_t outsz, const redisReply *r)
{
    char tmp[160];
    if (!r) {
        snprintf(out, outsz, "(no reply)");
        return;
    }
    switch (r->type) {
    case REDIS_REPLY_STATUS:
        render(tmp, sizeof(tmp), r->str, r->len);
        snprintf(out, outsz, "status \"%s\"", tmp);
        break;
    case REDIS_REPLY_ERROR:
        render(tmp, sizeof(tmp), r->str, r->len);
        snprintf(out, outsz, "error \"%s\"", tmp);
        break;
    case REDIS_REPLY_INTEGER: snprintf(out, outsz, "integer %lld", r->integer); break;
    case REDIS_REPLY_NIL: snprintf(out, outsz, "nil"); break;
    case REDIS_REPLY_STRING:
        render(tmp, sizeof(tmp), r->str, r->len);
        snprintf(out, outsz, "bulk(%zu) \"%s\"", r->len, tmp);
        break;
    case REDIS_REPLY_ARRAY: {
        size_t o = (size_t)snprintf(out, outsz, "array of %zu: [", r->elements);
        for (size_t i = 0; i < r->elements && o < outsz; i++) {
            const redisReply *e = r->element[i];
            if (e->type == REDIS_REPLY_STRING) {
                render(tmp, 40, e->str, e->len);
                o += (size_t)snprintf(out + o, outsz - o, "%s\"%s\"", i ? ", " : "", tmp);
            } else if (e->type == REDIS_REPLY_NIL) {
                o += (size_t)snprintf(out + o, outsz - o, "%snil", i ? ", " : "");
            } else {
                o += (size_t)snprintf(out + o, outsz - o, "%s<type %d>", i ? ", " : "", e->type);
            }
        }
        if (o < outsz)
            snprintf(out + o, outsz - o, "]");
        break;
    }
    default: snprintf(out, outsz, "<reply type %d>", r->type); break;
    }
}

static int reply_matches(const expect_t *x, const redisReply *r)
{
    switch (x->kind) {
    case X_STATUS:
        return r->type == REDIS_REPLY_STATUS && r->len == x->len &&
               memcmp(r->str, x->s, x->len) == 0;
    case X_INT:
        return r->type == REDIS_REPLY_INTEGER && r->integer == x->lo;
    case X_RANGE:
        return r->type == REDIS_REPLY_INTEGER && r->integer >= x->lo && r->integer <= x->hi;
    case X_BULK:
        return r->type == REDIS_REPLY_STRING && r->len == x->len &&
               memcmp(r->str, x->s, x->len) == 0;
    case X_NIL:
        return r->type == REDIS_REPLY_NIL;
    case X_ERR:
        return r->type == REDIS_REPLY_ERROR && r->len >= 3 &&
               memcmp(r->str, "ERR", 3) == 0 && strstr(r->str, x->s) != NULL;
    case X_ARRAY:
        if (r->type != REDIS_REPLY_ARRAY || r->elements != (size_t)x->n)
            return 0;
        for (int i = 0; i < x->n; i++) {
            const redisReply *e = r->element[i];
            if (x->elems[i].s == NULL) {
                if (e->type != REDIS_REPLY_NIL)
                    return 0;
            } else if (e->type != REDIS_REPLY_STRING || e->len != x->elems[i].len ||
                       memcmp(e->str, x->elems[i].s, e->len) != 0) {
                return 0;
            }
        }
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------------ */
/* Workload generator                                                        */
/* ------------------------------------------------------------------------ */

#define MAX_ARGS 8

typedef struct {
    int argc;
    const char *argv[MAX_ARGS];
    size_t lens[MAX_ARGS];
    char scratch[MAX_ARGS][64];  /* storage for numeric args */
} cmd_t;

static void cmd_start(cmd_t *c, const char *name)
{
    c->argc = 0;
    c->argv[c->argc] = name;
    c->lens[c->argc] = strlen(name);
    c->argc++;
}

static void cmd_arg(cmd_t *c, const char *p, size_t len)
{
    c->argv[c->argc] = p;
    c->lens[c->argc] = len;
    c->argc++;
}

static void cmd_arg_ll(cmd_t *c, long long v)
{
    char *s = c->scratch[c->argc];
    int n = snprintf(s, sizeof(c->scratch[0]), "%lld", v);
    cmd_arg(c, s, (size_t)n);
}

static void cmd_arg_key(cmd_t *c, const model_t *m, int k)
{
    cmd_arg(c, m->names[k], m->namelens[k]);
}

static char *cmd_describe(const cmd_t *c)
{
    char out[200], tmp[64];
    size_t o = 0;
    for (int i = 0; i < c->argc && o + 4 < sizeof(out); i++) {
        render(tmp, sizeof(tmp), c->argv[i], c->lens[i]);
        o += (size_t)snprintf(out + o, sizeof(out) - o, i ? " \"%s\"" : "%s", tmp);
    }
    if (o >= sizeof(out))
        o = sizeof(out) - 1;
    return xmemdup(out, o);
}

/* Random value.  Returns a pointer into buf (size >= 4200) or a literal. */
static const char *gen_value(rng_t *r, char *buf, size_t *len)
{
    static const char *const tricky[] = {
        "9223372036854775807", "-9223372036854775808", "9223372036854775800",
        "-9223372036854775800", "007", "-0", "+5", " 5", "5 ", "1e3", "0x10",
        "12345678901234567890", "-", "0", "-1", "3.5",
    };
    unsigned p = rng_below(r, 100);
    if (p < 30) {
        *len = (size_t)sprintf(buf, "%lld", (long long)rng_below(r, 101000) - 1000);
        return buf;
    }
    if (p < 40) {
        const char *t = tricky[rng_below(r, sizeof(tricky) / sizeof(tricky[0]))];
        *len = strlen(t);
        return t;
    }
    if (p < 75) {
        static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        size_t n = 1 + rng_below(r, 24);
        buf[0] = 'v';
        for (size_t i = 1; i < n; i++)
            buf[i] = alnum[rng_below(r, sizeof(alnum) - 1)];
        *len = n;
        return buf;
    }
    if (p < 88) {
        /* binary-safe payloads: CR/LF, NUL, spaces, quotes, RESP look-alikes */
        static const char *const parts[] = {
            "\r\n", "\0", " ", "\"", "'", "*3\r\n", "$5\r\n", "+OK\r\n", "-ERR x\r\n",
            ":1\r\n", "\xff\xfe", "\t", "\\", "x", "{tag}",
        };
        static const size_t partlens[] = {2, 1, 1, 1, 1, 4, 4, 5, 8, 4, 2, 1, 1, 1, 5};
        size_t n = 0, parts_n = 1 + rng_below(r, 8);
        for (size_t i = 0; i < parts_n; i++) {
            unsigned j = rng_below(r, sizeof(partlens) / sizeof(partlens[0]));
            memcpy(buf + n, parts[j], partlens[j]);
            n += partlens[j];
        }
        *len = n;
        return buf;
    }
    if (p < 94) {
        size_t n = 200 + rng_below(r, 3900);
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)('a' + (i * 7 + n) % 26);
        if (n > 10)
            buf[rng_below(r, (unsigned)n)] = '\n';
        *len = n;
        return buf;
    }
    *len = 0;
    return "";
}

/*
 * Pick one random key id.  A small share of picks go to a "hot" subset so
 * that keys are read back and modified repeatedly, not just touched once.
 */
static int pick_key(rng_t *r, const model_t *m)
{
    int hot = m->nkeys < 64 ? m->nkeys : 64;
    if (rng_below(r, 4) == 0)
        return (int)rng_below(r, (unsigned)hot);
    return (int)rng_below(r, (unsigned)m->nkeys);
}

/* Command mix: name and weight. */
enum {
    C_SET, C_GET, C_INCR, C_INCRBY, C_DEL, C_EXISTS, C_MGET, C_MSET, C_APPEND,
    C_STRLEN, C_GETSET, C_SETNX, C_TTL, C_EXPIRE, C_TYPE, C_PING, C_ECHO, C_NCMDS
};
static const int cmd_weights[C_NCMDS] = {
    12, 14, 8, 6, 5, 6, 7, 5, 6, 5, 5, 5, 4, 3, 4, 2, 3,
};

static int pick_cmd(rng_t *r)
{
    int t = 0;
    for (int i = 0; i < C_NCMDS; i++)
        t += cmd_weights[i];
    int v = (int)rng_below(r, (unsigned)t);
    for (int i = 0; i < C_NCMDS; i++) {
        if (v < cmd_weights[i])
            return i;
        v -= cmd_weights[i];
    }
    return C_PING;
}

/* INCR / INCRBY against the model. */
static void model_incrby(model_t *m, int k, long long by, expect_t *x)
{
    entry_t *e = &m->e[k];
    long long old = 0;
    if (e->exists && !parse_strict_ll(e->val, e->len, &old)) {
        x_err(x, "not an integer");
        return;
    }
    if ((by < 0 && old < 0 && by < LLONG_MIN - old) ||
        (by > 0 && old > 0 && by > LLONG_MAX - old)) {
        x_err(x, "overflow");
        return;
    }
    long long nv = old + by;
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%lld", nv);
    entry_store(e, tmp, (size_t)n, 1);
    x_int(x, nv);
}

/*
 * Generate one random command, append its RESP encoding to out, apply it to
 * the model, and fill in the expected reply.
 */
static void gen_command(rng_t *r, model_t *m, buf_t *out, expect_t *x)
{
    static __thread char vbuf[2][4200]; /* values of one command */
    cmd_t c;
    size_t vlen;
    const char *v;
    int k, k2;

    memset(x, 0, sizeof(*x));
    switch (pick_cmd(r)) {
    case C_SET:
        k = pick_key(r, m);
        v = gen_value(r, vbuf[0], &vlen);
        cmd_start(&c, "SET");
        cmd_arg_key(&c, m, k);
        cmd_arg(&c, v, vlen);
        entry_store(&m->e[k], v, vlen, 0);
        x_status(x, "OK");
        break;
    case C_GET:
        k = pick_key(r, m);
        cmd_start(&c, "GET");
        cmd_arg_key(&c, m, k);
        x_bulk_or_nil(x, &m->e[k]);
        break;
    case C_INCR:
        k = pick_key(r, m);
        cmd_start(&c, "INCR");
        cmd_arg_key(&c, m, k);
        model_incrby(m, k, 1, x);
        break;
    case C_INCRBY: {
        long long by;
        unsigned p = rng_below(r, 20);
        if (p == 0)
            by = LLONG_MAX / 2 + (long long)rng_below(r, 1000);
        else if (p == 1)
            by = -(LLONG_MAX / 2) - (long long)rng_below(r, 1000);
        else
            by = (long long)rng_below(r, 2001) - 1000;
        k = pick_key(r, m);
        cmd_start(&c, "INCRBY");
        cmd_arg_key(&c, m, k);
        cmd_arg_ll(&c, by);
        model_incrby(m, k, by, x);
        break;
    }
    case C_DEL: {
        int nk = 1 + (rng_below(r, 4) == 0);
        long long cnt = 0;
        cmd_start(&c, "DEL");
        for (int i = 0; i < nk; i++) {
            k = pick_key(r, m);
            cmd_arg_key(&c, m, k);
            if (m->e[k].exists) {
                cnt++;
                entry_delete(&m->e[k]);
            }
        }
        x_int(x, cnt);
        break;
    }
    case C_EXISTS: {
        int nk = 1 + (int)rng_below(r, 3);
        long long cnt = 0;
        cmd_start(&c, "EXISTS");
        for (int i = 0; i < nk; i++) {
            k = pick_key(r, m);
            cmd_arg_key(&c, m, k);
            cnt += m->e[k].exists;
        }
        x_int(x, cnt);
        break;
    }
    case C_MGET:
        cmd_start(&c, "MGET");
        x->kind = X_ARRAY;
        x->n = 3;
        x->elems = xmalloc(sizeof(xbulk_t) * 3);
        for (int i = 0; i < 3; i++) {
            k = pick_key(r, m);
            cmd_arg_key(&c, m, k);
            if (m->e[k].exists) {
                x->elems[i].s = xmemdup(m->e[k].val, m->e[k].len);
                x->elems[i].len = m->e[k].len;
            } else {
                x->elems[i].s = NULL;
                x->elems[i].len = 0;
            }
        }
        break;
    case C_MSET:
        k = pick_key(r, m);
        k2 = pick_key(r, m);
        cmd_start(&c, "MSET");
        cmd_arg_key(&c, m, k);
        v = gen_value(r, vbuf[0], &vlen);
        cmd_arg(&c, v, vlen);
        entry_store(&m->e[k], v, vlen, 0);
        cmd_arg_key(&c, m, k2);
        v = gen_value(r, vbuf[1], &vlen);
        cmd_arg(&c, v, vlen);
        entry_store(&m->e[k2], v, vlen, 0);
        x_status(x, "OK");
        break;
    case C_APPEND: {
        static const char *const sfx[] = {"x", "ab", "7", "42", "-", "0", "\r\n", ""};
        static const size_t sfxlen[] = {1, 2, 1, 2, 1, 1, 2, 0};
        unsigned j = rng_below(r, 8);
        k = pick_key(r, m);
        entry_t *e = &m->e[k];
        if (e->exists && e->len + sfxlen[j] > MAX_VALUE_LEN) {
            /* keep values bounded: reset instead of growing further */
            cmd_start(&c, "SET");
            cmd_arg_key(&c, m, k);
            cmd_arg(&c, "reset", 5);
            entry_store(e, "reset", 5, 0);
            x_status(x, "OK");
            break;
        }
        cmd_start(&c, "APPEND");
        cmd_arg_key(&c, m, k);
        cmd_arg(&c, sfx[j], sfxlen[j]);
        if (e->exists) {
            char *nv = xmalloc(e->len + sfxlen[j] + 1);
            memcpy(nv, e->val, e->len);
            memcpy(nv + e->len, sfx[j], sfxlen[j]);
            free(e->val);
            e->val = nv;
            e->len += sfxlen[j];
        } else {
            entry_store(e, sfx[j], sfxlen[j], 0);
        }
        x_int(x, (long long)e->len);
        break;
    }
    case C_STRLEN:
        k = pick_key(r, m);
        cmd_start(&c, "STRLEN");
        cmd_arg_key(&c, m, k);
        x_int(x, m->e[k].exists ? (long long)m->e[k].len : 0);
        break;
    case C_GETSET:
        k = pick_key(r, m);
        v = gen_value(r, vbuf[0], &vlen);
        cmd_start(&c, "GETSET");
        cmd_arg_key(&c, m, k);
        cmd_arg(&c, v, vlen);
        x_bulk_or_nil(x, &m->e[k]);
        entry_store(&m->e[k], v, vlen, 0);
        break;
    case C_SETNX:
        k = pick_key(r, m);
        v = gen_value(r, vbuf[0], &vlen);
        cmd_start(&c, "SETNX");
        cmd_arg_key(&c, m, k);
        cmd_arg(&c, v, vlen);
        if (m->e[k].exists) {
            x_int(x, 0);
        } else {
            entry_store(&m->e[k], v, vlen, 0);
            x_int(x, 1);
        }
        break;
    case C_TTL:
        k = pick_key(r, m);
        cmd_start(&c, "TTL");
        cmd_arg_key(&c, m, k);
        if (!m->e[k].exists) {
            x_int(x, -2);
        } else if (m->e[k].ttl == 0) {
            x_int(x, -1);
        } else {
            /* the run is bounded by the watchdog, so allow that much drift */
            x->kind = X_RANGE;
            x->lo = m->e[k].ttl - WATCHDOG_SECONDS - 5;
            x->hi = m->e[k].ttl;
        }
        break;
    case C_EXPIRE: {
        long long secs = 1000 + (long long)rng_below(r, 1000);
        k = pick_key(r, m);
        cmd_start(&c, "EXPIRE");
        cmd_arg_key(&c, m, k);
        cmd_arg_ll(&c, secs);
        if (m->e[k].exists) {
            m->e[k].ttl = secs;
            x_int(x, 1);
        } else {
            x_int(x, 0);
        }
        break;
    }
    case C_TYPE:
        k = pick_key(r, m);
        cmd_start(&c, "TYPE");
        cmd_arg_key(&c, m, k);
        x_status(x, m->e[k].exists ? "string" : "none");
        break;
    case C_ECHO:
        v = gen_value(r, vbuf[0], &vlen);
        cmd_start(&c, "ECHO");
        cmd_arg(&c, v, vlen);
        x->kind = X_BULK;
        x->s = xmemdup(v, vlen);
        x->len = vlen;
        break;
    case C_PING:
    default:
        cmd_start(&c, "PING");
        x_status(x, "PONG");
        break;
    }

    char *enc = NULL;
    int n = redisFormatCommandArgv(&enc, c.argc, c.argv, c.lens);
    if (n < 0 || !enc) {
        fprintf(stderr, "redisFormatCommandArgv failed\n");
        abort();
    }
    buf_append(out, enc, (size_t)n);
    redisFreeCommand(enc);
    x->desc = cmd_describe(&c);
}

/* ------------------------------------------------------------------------ */
/* I/O                                                                       */
/* ------------------------------------------------------------------------ */

static int write_all(int fd, const char *p, size_t len, char *err, size_t errsz)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errsz, "write failed: %s", strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

typedef struct {
    int fd;
    const char *data;
    size_t len;
    int rc;
    char err[128];
} writer_arg_t;

static void *writer_main(void *p)
{
    writer_arg_t *w = p;
    w->rc = write_all(w->fd, w->data, w->len, w->err, sizeof(w->err));
    return NULL;
}

static redisContext *connect_server(char *err, size_t errsz)
{
    struct timeval tv = {10, 0};
    redisContext *c = redisConnectWithTimeout(g_host, g_port, tv);
    if (!c || c->err) {
        snprintf(err, errsz, "connect %s:%d failed: %s", g_host, g_port,
                 c ? c->errstr : "out of memory");
        if (c)
            redisFree(c);
        return NULL;
    }
    tv.tv_sec = 60;
    redisSetTimeout(c, tv);
    return c;
}

/* Read one reply from the context (which must have nothing pending to send). */
static redisReply *read_reply(redisContext *c)
{
    void *reply = NULL;
    if (redisGetReply(c, &reply) != REDIS_OK)
        return NULL;
    return reply;
}

/*
 * Read and check n replies against xs[0..n).  base is the global index of
 * xs[0] (for messages).  Returns 0 on success; on mismatch fills err.
 */
static int check_replies(redisContext *c, expect_t *xs, int n, long base,
                         char *err, size_t errsz)
{
    for (int i = 0; i < n; i++) {
        redisReply *r = read_reply(c);
        if (!r) {
            snprintf(err, errsz, "reply #%ld (%s): connection error: %s", base + i,
                     xs[i].desc, c->err ? c->errstr : "unknown");
            return -1;
        }
        if (!reply_matches(&xs[i], r)) {
            char want[400], got[400];
            describe_expect(want, sizeof(want), &xs[i]);
            describe_reply(got, sizeof(got), r);
            snprintf(err, errsz, "reply #%ld mismatch\n    command:  %s\n    expected: %s\n    got:      %s",
                     base + i, xs[i].desc, want, got);
            freeReplyObject(r);
            return -1;
        }
        freeReplyObject(r);
    }
    return 0;
}

static int simple_command(redisContext *c, const char *cmd, const char *want_status,
                          char *err, size_t errsz)
{
    redisReply *r = redisCommand(c, cmd);
    if (!r) {
        snprintf(err, errsz, "%s: connection error: %s", cmd, c->errstr);
        return -1;
    }
    int ok = r->type == REDIS_REPLY_STATUS && strcmp(r->str, want_status) == 0;
    if (!ok) {
        char got[200];
        describe_reply(got, sizeof(got), r);
        snprintf(err, errsz, "%s: expected +%s, got %s", cmd, want_status, got);
    }
    freeReplyObject(r);
    return ok ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Test 1: one connection, one huge pipeline                                 */
/* ------------------------------------------------------------------------ */

static int test_single_big_pipeline(void)
{
    char err[2048] = "";
    model_t m;
    rng_t r;
    buf_t out = {0};
    expect_t *xs = NULL;
    redisContext *c = NULL;
    int rc = -1, i;
    double t0;

    printf("[test 1] single connection, %d pipelined commands in one buffer\n", T1_COMMANDS);
    fflush(stdout);

    /* Keys: plain "k:<i>" names spread over all slots, plus tagged ones. */
    model_init(&m, T1_PLAIN_KEYS + T1_TAGGED_KEYS);
    for (i = 0; i < T1_PLAIN_KEYS; i++)
        model_set_name(&m, i, "k:%d", i);
    for (i = 0; i < T1_TAGGED_KEYS; i++)
        model_set_name(&m, T1_PLAIN_KEYS + i, "{tag%d}:k:%d", i % 10, i);

    /* Check coverage: every 128-slot region of the 16384 slots is hit. */
    {
        int regions[128] = {0}, covered = 0;
        for (i = 0; i < m.nkeys; i++)
            regions[key_slot(m.names[i], m.namelens[i]) / 128]++;
        for (i = 0; i < 128; i++)
            covered += regions[i] > 0;
        printf("  %d keys cover %d/128 slot regions (128 slots each)\n", m.nkeys, covered);
        if (covered != 128) {
            snprintf(err, sizeof(err), "key set does not cover all slot regions");
            goto done;
        }
    }

    c = connect_server(err, sizeof(err));
    if (!c)
        goto done;
    if (simple_command(c, "FLUSHALL", "OK", err, sizeof(err)) < 0)
        goto done;

    rng_seed(&r, g_seed);
    xs = calloc(T1_COMMANDS, sizeof(expect_t));
    if (!xs)
        abort();
    for (i = 0; i < T1_COMMANDS; i++)
        gen_command(&r, &m, &out, &xs[i]);
    printf("  pipeline buffer: %zu bytes\n", out.len);
    fflush(stdout);

    /*
     * Send the whole buffer as one stream from a separate thread while this
     * thread reads, so that a server which stops reading while its output is
     * backed up cannot deadlock the test.
     */
    t0 = now_sec();
    writer_arg_t w = {.fd = c->fd, .data = out.data, .len = out.len, .rc = 0};
    pthread_t wt;
    if (pthread_create(&wt, NULL, writer_main, &w) != 0) {
        snprintf(err, sizeof(err), "pthread_create failed");
        goto done;
    }
    int crc = check_replies(c, xs, T1_COMMANDS, 0, err, sizeof(err));
    if (crc < 0)
        shutdown(c->fd, SHUT_RDWR); /* unblock the writer */
    pthread_join(wt, NULL);
    if (crc < 0)
        goto done;
    if (w.rc < 0) {
        snprintf(err, sizeof(err), "%s", w.err);
        goto done;
    }
    printf("  %d replies verified in %.2fs\n", T1_COMMANDS, now_sec() - t0);

    /* The connection must still be usable and the data still consistent. */
    if (simple_command(c, "PING", "PONG", err, sizeof(err)) < 0)
        goto done;
    for (i = 0; i < m.nkeys; i++) {
        redisReply *rep = redisCommand(c, "GET %b", m.names[i], m.namelens[i]);
        expect_t x;
        memset(&x, 0, sizeof(x));
        x_bulk_or_nil(&x, &m.e[i]);
        int ok = rep && reply_matches(&x, rep);
        if (!ok) {
            char want[400], got[400];
            describe_expect(want, sizeof(want), &x);
            describe_reply(got, sizeof(got), rep);
            snprintf(err, sizeof(err), "final state check: GET %s expected %s, got %s",
                     m.names[i], want, got);
        }
        expect_free(&x);
        if (rep)
            freeReplyObject(rep);
        if (!ok)
            goto done;
    }
    rc = 0;

done:
    if (rc == 0)
        printf("[test 1] PASS\n");
    else
        printf("[test 1] FAIL: %s\n", err);
    fflush(stdout);
    if (c)
        redisFree(c);
    if (xs) {
        for (i = 0; i < T1_COMMANDS; i++)
            expect_free(&xs[i]);
        free(xs);
    }
    buf_free(&out);
    model_free(&m);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Test 2: many concurrent pipelining connections                            */
/* ------------------------------------------------------------------------ */

typedef struct {
    int id;
    int rc;
    int rr; /* test 3: request/response rounds instead of big chunks */
    char err[2048];
} conn_arg_t;

/* Test 3 extras: SET a T3_BIG_LEN value on key k and GET it back, one
 * round trip each; then a throwaway connection that sends a few GETs and
 * closes without reading. Returns 0 or -1 (err set). */
static int rr_extras(redisContext *c, model_t *m, rng_t *r, int k, char *err, size_t errsz) {
    char *big = xmalloc(T3_BIG_LEN);
    for (size_t i = 0; i < T3_BIG_LEN; i++) big[i] = (char)('A' + (i * 13 + (size_t)k) % 26);
    big[rng_below(r, T3_BIG_LEN)] = '\n';
    expect_t x = {0};
    char *enc = NULL;
    int n = redisFormatCommand(&enc, "SET %b %b", m->names[k], m->namelens[k], big, (size_t)T3_BIG_LEN);
    entry_store(&m->e[k], big, T3_BIG_LEN, 0);
    free(big);
    x_status(&x, "OK");
    x.desc = xmemdup("SET <big>", 9);
    int rc = write_all(c->fd, enc, (size_t)n, err, errsz);
    redisFreeCommand(enc);
    if (rc == 0) rc = check_replies(c, &x, 1, 0, err, errsz);
    expect_free(&x);
    if (rc < 0) return -1;
    n = redisFormatCommand(&enc, "GET %b", m->names[k], m->namelens[k]);
    x_bulk_or_nil(&x, &m->e[k]);
    x.desc = xmemdup("GET <big>", 9);
    rc = write_all(c->fd, enc, (size_t)n, err, errsz);
    redisFreeCommand(enc);
    if (rc == 0) rc = check_replies(c, &x, 1, 0, err, errsz);
    expect_free(&x);
    if (rc < 0) return -1;
    /* abandoned: replies (some from other shards) to a socket already closed */
    char e2[256];
    redisContext *t = connect_server(e2, sizeof(e2));
    if (t) {
        for (int i = 0; i < 3; i++) {
            int j = rng_below(r, (unsigned)m->nkeys);
            n = redisFormatCommand(&enc, "GET %b", m->names[j], m->namelens[j]);
            write_all(t->fd, enc, (size_t)n, e2, sizeof(e2));
            redisFreeCommand(enc);
        }
        redisFree(t);
    }
    return 0;
}

static void *conn_main(void *p)
{
    conn_arg_t *a = p;
    model_t m;
    rng_t r;
    buf_t out = {0};
    expect_t *xs = calloc(T2_CHUNK, sizeof(expect_t));
    redisContext *c = NULL;
    int i;

    a->rc = -1;
    if (!xs)
        abort();

    /* Disjoint key set: plain keys prefixed by the connection id (spread
     * over many slots) and keys sharing one {hash tag} (a single slot). */
    model_init(&m, T2_PLAIN_KEYS + T2_TAGGED_KEYS);
    for (i = 0; i < T2_PLAIN_KEYS; i++)
        model_set_name(&m, i, "c%d:k:%d", a->id, i);
    for (i = 0; i < T2_TAGGED_KEYS; i++)
        model_set_name(&m, T2_PLAIN_KEYS + i, "{c%d}:t:%d", a->id, i);

    c = connect_server(a->err, sizeof(a->err));
    if (!c)
        goto done;

    rng_seed(&r, g_seed ^ ((uint64_t)(a->id + 1) * 0x100000001B3ULL));
    int total = a->rr ? T3_COMMANDS : T2_COMMANDS;
    for (int done_cmds = 0, round = 0; done_cmds < total; round++) {
        int chunk = T2_CHUNK;
        if (a->rr) {
            chunk = rng_below(&r, 5) == 0 ? 2 + (int)rng_below(&r, 2) : 1;
            if (round % 97 == 96 && rr_extras(c, &m, &r, pick_key(&r, &m), a->err, sizeof(a->err)) < 0)
                goto done;
        }
        out.len = 0;
        for (i = 0; i < chunk; i++) gen_command(&r, &m, &out, &xs[i]);
        if (write_all(c->fd, out.data, out.len, a->err, sizeof(a->err)) < 0)
            goto done;
        int crc = check_replies(c, xs, chunk, done_cmds, a->err, sizeof(a->err));
        for (i = 0; i < chunk; i++) expect_free(&xs[i]);
        if (crc < 0)
            goto done;
        done_cmds += chunk;
    }

    /* Final state check: one pipelined GET per key. */
    out.len = 0;
    {
        expect_t *fx = calloc((size_t)m.nkeys, sizeof(expect_t));
        if (!fx)
            abort();
        for (i = 0; i < m.nkeys; i++) {
            char *enc = NULL;
            int n = redisFormatCommand(&enc, "GET %b", m.names[i], m.namelens[i]);
            buf_append(&out, enc, (size_t)n);
            redisFreeCommand(enc);
            x_bulk_or_nil(&fx[i], &m.e[i]);
            fx[i].desc = xmemdup(m.names[i], m.namelens[i]);
        }
        int crc = -1;
        if (write_all(c->fd, out.data, out.len, a->err, sizeof(a->err)) == 0)
            crc = check_replies(c, fx, m.nkeys, T2_COMMANDS, a->err, sizeof(a->err));
        for (i = 0; i < m.nkeys; i++)
            expect_free(&fx[i]);
        free(fx);
        if (crc < 0)
            goto done;
    }
    a->rc = 0;

done:
    if (c)
        redisFree(c);
    for (i = 0; i < T2_CHUNK; i++)
        expect_free(&xs[i]);
    free(xs);
    buf_free(&out);
    model_free(&m);
    return NULL;
}

static int test_concurrent_pipelines(int rr) {
    static conn_arg_t args[T2_CONNS];
    pthread_t th[T2_CONNS];
    int started = 0, failed = 0, i;
    int nconns = rr ? T3_CONNS : T2_CONNS, tn = rr ? 3 : 2;
    double t0 = now_sec();
    char err[256];

    if (rr)
        printf("[test 3] %d concurrent connections x %d commands, request/response\n", T3_CONNS, T3_COMMANDS);
    else
        printf("[test 2] %d concurrent connections x %d commands (chunks of %d)\n", T2_CONNS, T2_COMMANDS,
               T2_CHUNK);
    fflush(stdout);

    /* Start from an empty database so this test also stands alone. */
    {
        redisContext *c = connect_server(err, sizeof(err));
        if (!c || simple_command(c, "FLUSHALL", "OK", err, sizeof(err)) < 0) {
            printf("[test %d] FAIL: %s\n", tn, err);
            if (c)
                redisFree(c);
            return -1;
        }
        redisFree(c);
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    for (i = 0; i < nconns; i++) {
        args[i].id = i;
        args[i].rr = rr;
        args[i].rc = -1;
        args[i].err[0] = '\0';
        if (pthread_create(&th[i], &attr, conn_main, &args[i]) != 0) {
            snprintf(args[i].err, sizeof(args[i].err), "pthread_create failed");
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);

    for (i = 0; i < nconns; i++) {
        if (args[i].rc != 0) {
            if (failed < 5)
                printf("  connection %d: %s\n", i, args[i].err);
            failed++;
        }
    }
    printf("  %d/%d connections correct in %.2fs\n", nconns - failed, nconns, now_sec() - t0);
    if (failed)
        printf("[test %d] FAIL: %d connection(s) failed\n", tn, failed);
    else
        printf("[test %d] PASS\n", tn);
    fflush(stdout);
    return failed ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Main                                                                      */
/* ------------------------------------------------------------------------ */

static void put_num(char *buf, size_t *o, long v)
{
    char tmp[24];
    int n = 0;
    if (v == 0)
        tmp[n++] = '0';
    while (v > 0) {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    }
    while (n > 0)
        buf[(*o)++] = tmp[--n];
}

static void on_alarm(int sig)
{
    (void)sig;
    char buf[160];
    size_t o = 0;
    const char *msg = "\nWATCHDOG: test run exceeded time limit\n";
    memcpy(buf, msg, strlen(msg));
    o = strlen(msg);
    put_num(buf, &o, (long)g_passed);
    memcpy(buf + o, " passed, ", 9);
    o += 9;
    put_num(buf, &o, (long)(NUM_TESTS - g_passed));
    memcpy(buf + o, " failed\n", 8);
    o += 8;
    ssize_t w = write(STDOUT_FILENO, buf, o);
    (void)w;
    _exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s HOST PORT [SEED]\n", argv[0]);
        return 2;
    }
    g_host = argv[1];
    g_port = atoi(argv[2]);
    if (g_port <= 0 || g_port > 65535) {
        fprintf(stderr, "bad port: %s\n", argv[2]);
        return 2;
    }
    g_seed = argc == 4 ? strtoull(argv[3], NULL, 0) : (unsigned long long)time(NULL);

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(WATCHDOG_SECONDS);

    printf("test_pipeline: server %s:%d, seed %llu\n", g_host, g_port, g_seed);

    int failed = 0;
    if (test_single_big_pipeline() == 0)
        g_passed++;
    else
        failed++;
    if (test_concurrent_pipelines(0) == 0)
        g_passed++;
    else
        failed++;
    if (test_concurrent_pipelines(1) == 0)
        g_passed++;
    else
        failed++;

    alarm(0);
    printf("%d passed, %d failed\n", (int)g_passed, failed);
    return failed ? 1 : 0;
}
