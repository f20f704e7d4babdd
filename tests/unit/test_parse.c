/*
 * test_parse.c - unit tests for the RESP request parser and the reply-length
 * scanner (src/resp/parse.c).
 *
 * The request tests drive resp_parse() the way src/server/conn.c does: a
 * command that comes back RESP_MORE keeps its bytes from the command start,
 * and the next call passes that same start plus whatever has arrived since;
 * after RESP_OK or RESP_EMPTY the state is cleared with resp_state_reset().
 * Buffers handed to the parser are heap copies of exactly the bytes that
 * "arrived" (or, byte by byte, have the bytes after them poisoned), so the
 * address sanitizer catches a read past `len`.
 *
 * The protocol error texts were checked against redis-server 7.0.15 by
 * sending the same bytes over a socket.
 */
#include "test.h"

#include <stdint.h>

#include "resp/parse.h"
#include "resp/reply.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define GUARD(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNGUARD(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define GUARD(p, n) ((void)(p), (void)(n))
#define UNGUARD(p, n) ((void)(p), (void)(n))
#endif

#define MAX_BULK ((size_t)512 * 1024 * 1024)

/* Sanitizer builds skip most split points inside the big argument's body
 * (every byte near its edges is still tried) and feed fewer random pieces. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define BODY_STRIDE 61
#define RANDOM_FEEDS 40
#else
#define BODY_STRIDE 1
#define RANDOM_FEEDS 200
#endif

#define E_MBULK_LEN "ERR Protocol error: invalid multibulk length"
#define E_BULK_LEN "ERR Protocol error: invalid bulk length"
#define E_MBULK_BIG "ERR Protocol error: too big mbulk count string"
#define E_BULK_BIG "ERR Protocol error: too big bulk count string"
#define E_INLINE_BIG "ERR Protocol error: too big inline request"
#define E_QUOTES "ERR Protocol error: unbalanced quotes in request"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static char *dup_bytes(const char *p, size_t n) {
    char *c = malloc(n ? n : 1);
    if (!c) abort();
    if (n) memcpy(c, p, n);
    return c;
}

/* ------------------------------------------------------------------------ */
/* A byte stream of commands together with what the parser must make of it. */

#define MAX_CMDS 32

struct want {
    int empty;    /* RESP_EMPTY expected */
    int is_inline;
    size_t start; /* where the command begins in the stream */
    size_t end;   /* one past its last byte */
    int argc;
    size_t first; /* index of its first argument in stream.args */
};

struct stream {
    struct buf b;    /* the wire bytes */
    struct buf exp;  /* expected argument bytes, back to back */
    size_t *aoff;    /* per argument: offset in exp */
    size_t *alen;    /* per argument: length */
    size_t nargs, capargs;
    struct want cmd[MAX_CMDS];
    int ncmd;
    size_t big_from, big_to; /* the big argument's body, minus 100 bytes each side */
};

static void st_expect_arg(struct stream *s, const char *p, size_t n) {
    if (s->nargs == s->capargs) {
        s->capargs = s->capargs ? s->capargs * 2 : 64;
        s->aoff = realloc(s->aoff, s->capargs * sizeof(size_t));
        s->alen = realloc(s->alen, s->capargs * sizeof(size_t));
        if (!s->aoff || !s->alen) abort();
    }
    s->aoff[s->nargs] = s->exp.len;
    s->alen[s->nargs] = n;
    s->nargs++;
    buf_put(&s->exp, p, n);
}

static struct want *st_begin(struct stream *s) {
    if (s->ncmd == MAX_CMDS) abort();
    struct want *w = &s->cmd[s->ncmd++];
    memset(w, 0, sizeof(*w));
    w->start = s->b.len;
    w->first = s->nargs;
    return w;
}

/* A multibulk command; args given as (pointer, length) pairs. */
static void st_multibulk(struct stream *s, int argc, const char *const *argv, const size_t *lens) {
    char hdr[32];
    struct want *w = st_begin(s);
    int n = snprintf(hdr, sizeof(hdr), "*%d\r\n", argc);
    buf_put(&s->b, hdr, (size_t)n);
    for (int i = 0; i < argc; i++) {
        n = snprintf(hdr, sizeof(hdr), "$%zu\r\n", lens[i]);
        buf_put(&s->b, hdr, (size_t)n);
        buf_put(&s->b, argv[i], lens[i]);
        buf_puts(&s->b, "\r\n");
        st_expect_arg(s, argv[i], lens[i]);
    }
    w->argc = argc;
    w->end = s->b.len;
}

/* Raw bytes that must parse to RESP_EMPTY. */
static void st_empty(struct stream *s, const char *raw) {
    struct want *w = st_begin(s);
    buf_put(&s->b, raw, strlen(raw));
    w->empty = 1;
    w->end = s->b.len;
}

/* An inline line and the NULL-terminated words it must split into. */
static void st_inline(struct stream *s, const char *raw, size_t rawlen, const char *const *words,
                      const size_t *wlens) {
    struct want *w = st_begin(s);
    buf_put(&s->b, raw, rawlen);
    w->is_inline = 1;
    for (; words[w->argc]; w->argc++) st_expect_arg(s, words[w->argc], wlens[w->argc]);
    w->end = s->b.len;
}

static void st_free(struct stream *s) {
    buf_free(&s->b);
    buf_free(&s->exp);
    free(s->aoff);
    free(s->alen);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------------ */
/* The caller emulation. */

struct feeder {
    const struct stream *s;
    struct resp_state st;
    struct resp_spans sp;
    struct buf ib;
    int next;       /* index of the next expected command */
    int bad;        /* line of the first mismatch, 0 if none */
    int more_seen;  /* RESP_MORE answers so far */
};

static void feeder_init(struct feeder *f, const struct stream *s) {
    memset(f, 0, sizeof(*f));
    f->s = s;
    resp_state_reset(&f->st);
}

static void feeder_free(struct feeder *f) {
    free(f->sp.v);
    buf_free(&f->ib);
}

#define FAIL_AT(f) ((f)->bad = (f)->bad ? (f)->bad : __LINE__)

/* Check one RESP_OK / RESP_EMPTY answer against the next expected command. */
static void check_cmd(struct feeder *f, enum resp_status rc, const char *buf, size_t used) {
    const struct stream *s = f->s;
    if (f->next >= s->ncmd) {
        FAIL_AT(f);
        return;
    }
    const struct want *w = &s->cmd[f->next++];
    if (used != w->end - w->start) FAIL_AT(f);
    if (w->empty) {
        if (rc != RESP_EMPTY) FAIL_AT(f);
        return;
    }
    if (rc != RESP_OK || f->st.argc != w->argc || f->st.is_inline != w->is_inline) {
        FAIL_AT(f);
        return;
    }
    const char *base = f->st.is_inline ? f->ib.p : buf;
    for (int i = 0; i < w->argc; i++) {
        size_t a = w->first + (size_t)i;
        const struct resp_span *sp = &f->sp.v[i];
        if (sp->len != s->alen[a] ||
            (sp->len && memcmp(base + sp->off, s->exp.p + s->aoff[a], sp->len) != 0)) {
            FAIL_AT(f);
            return;
        }
        /* multibulk spans must lie inside the command's own bytes */
        if (!f->st.is_inline && sp->off + sp->len + 2 > used) FAIL_AT(f);
    }
}

/* Parse every complete command in buf[0..len), which begins at a command
 * start. Returns the bytes consumed; the rest belongs to an unfinished
 * command the caller must keep. */
static size_t drain(struct feeder *f, const char *buf, size_t len) {
    size_t done = 0;
    while (done < len && !f->bad) {
        size_t used = 0;
        const char *err = NULL;
        enum resp_status rc =
            resp_parse(&f->st, &f->sp, &f->ib, buf + done, len - done, MAX_BULK, &used, &err);
        if (rc == RESP_MORE) {
            f->more_seen++;
            break;
        }
        if (rc == RESP_ERR) {
            fprintf(stderr, "  unexpected protocol error: %s\n", err ? err : "(null)");
            FAIL_AT(f);
            break;
        }
        if (used == 0 || used > len - done) {
            FAIL_AT(f);
            break;
        }
        check_cmd(f, rc, buf + done, used);
        done += used;
        resp_state_reset(&f->st);
    }
    return done;
}

/* 1 if a command ends at stream offset pos (or pos is 0). */
static int at_boundary(const struct stream *s, size_t pos) {
    if (pos == 0) return 1;
    for (int i = 0; i < s->ncmd; i++)
        if (s->cmd[i].end == pos) return 1;
    return 0;
}

/* Feed the stream in pieces ending at cuts[0] < cuts[1] < ... < len. The
 * pending bytes always sit in an exactly sized heap copy. Exactly the
 * pieces that end inside a command get one RESP_MORE each. */
static int feed_cuts(const struct stream *s, const size_t *cuts, size_t ncuts) {
    const char *all = s->b.p;
    struct feeder f;
    feeder_init(&f, s);
    size_t from = 0; /* stream offset of the first pending byte */
    size_t prev = 0;
    int inside = 0;
    for (size_t c = 0; c < ncuts && !f.bad; c++) {
        size_t upto = cuts[c];
        if (upto <= prev) continue;
        char *pending = dup_bytes(all + from, upto - from);
        from += drain(&f, pending, upto - from);
        free(pending);
        prev = upto;
        inside += !at_boundary(s, upto);
    }
    int ok = !f.bad && from == s->b.len && prev == s->b.len && f.next == s->ncmd &&
             f.st.argc == 0 && f.st.pos == 0 && f.more_seen == inside;
    if (!ok)
        fprintf(stderr, "  feed failed: bad=%d from=%zu/%zu next=%d/%d\n", f.bad, from,
                s->b.len, f.next, s->ncmd);
    feeder_free(&f);
    return ok;
}

/* Byte by byte. Copying the pending bytes on every arrival would be
 * quadratic, so the stream is copied once and, under ASan, the bytes just
 * past each call's end are poisoned instead. */
static int feed_bytewise(const struct stream *s) {
    size_t n = s->b.len;
    char *all = dup_bytes(s->b.p, n);
    struct feeder f;
    feeder_init(&f, s);
    size_t from = 0;
    for (size_t i = 0; i < n && !f.bad; i++) {
        size_t end = i + 1, guard = n - end < 64 ? n - end : 64;
        GUARD(all + end, guard);
        from += drain(&f, all + from, end - from);
        UNGUARD(all + end, guard);
    }
    free(all);
    int ok = !f.bad && from == n && f.next == s->ncmd && f.more_seen == (int)n - s->ncmd;
    if (!ok)
        fprintf(stderr, "  bytewise failed: bad=%d from=%zu/%zu next=%d/%d\n", f.bad, from, n,
                f.next, s->ncmd);
    feeder_free(&f);
    return ok;
}

/* Random piece sizes in [1, maxpiece]. */
static int feed_random(const struct stream *s, size_t maxpiece) {
    size_t n = 0, cap = 64, pos = 0;
    size_t *cuts = malloc(cap * sizeof(*cuts));
    if (!cuts) abort();
    while (pos < s->b.len) {
        pos += 1 + (size_t)(rnd() % maxpiece);
        if (pos > s->b.len) pos = s->b.len;
        if (n == cap) {
            cap *= 2;
            cuts = realloc(cuts, cap * sizeof(*cuts));
            if (!cuts) abort();
        }
        cuts[n++] = pos;
    }
    int ok = feed_cuts(s, cuts, n);
    free(cuts);
    return ok;
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define LENS(...) ((const size_t[]){__VA_ARGS__})
#define INLINE_LIT(s, lit, words, lens) st_inline((s), (lit), sizeof(lit) - 1, (words), (lens))

/* The pipeline used by the split tests. */
static void build_pipeline(struct stream *s, size_t big_len, int many) {
    /* 1. empty arguments */
    st_multibulk(s, 3, WORDS("SET", "", ""), LENS(3, 0, 0));

    /* 2. an inline command with quoting */
    INLINE_LIT(s, "SET  \"a b\" 'c d'\r\n", WORDS("SET", "a b", "c d"), LENS(3, 3, 3));

    /* 3. binary bytes, including CRLF and things that look like RESP */
    char bin[300];
    for (size_t i = 0; i < sizeof(bin); i++) bin[i] = (char)(i * 7 + 3);
    memcpy(bin + 10, "\r\n", 2);
    memcpy(bin + 40, "*1\r\n$3\r\nfoo\r\n", 13);
    memcpy(bin + 100, "\r\n\r\n$-1\r\n", 9);
    bin[200] = '\0';
    bin[sizeof(bin) - 2] = '\r';
    bin[sizeof(bin) - 1] = '\n';
    st_multibulk(s, 2, WORDS("ECHO", bin), LENS(4, sizeof(bin)));

    /* 4. a zero-length multibulk */
    st_empty(s, "*0\r\n");

    /* 5. a large argument, longer than the inline limit */
    char *big = malloc(big_len);
    if (!big) abort();
    for (size_t i = 0; i < big_len; i++) big[i] = (char)(rnd() & 0xff);
    if (big_len > 4) memcpy(big + big_len / 2, "\r\n", 2);
    st_multibulk(s, 3, WORDS("SET", "bigkey", big), LENS(3, 6, big_len));
    if (big_len > 200) {
        s->big_to = s->b.len - 2 - 100;
        s->big_from = s->b.len - 2 - big_len + 100;
    }
    free(big);

    /* 6. a blank inline line */
    st_empty(s, "\r\n");

    /* 7. many arguments */
    const char **argv = malloc((size_t)many * sizeof(*argv));
    size_t *lens = malloc((size_t)many * sizeof(*lens));
    char *words = malloc((size_t)many * 16);
    if (!argv || !lens || !words) abort();
    argv[0] = "RPUSH";
    lens[0] = 5;
    argv[1] = "list";
    lens[1] = 4;
    for (int i = 2; i < many; i++) {
        char *w = words + (size_t)i * 16;
        lens[i] = (size_t)snprintf(w, 16, "e%d", i * 37);
        argv[i] = w;
    }
    st_multibulk(s, many, argv, lens);
    free(argv);
    free(lens);
    free(words);

    /* 8. a negative multibulk count is an empty command, as in Redis */
    st_empty(s, "*-1\r\n");

    /* 9. inline with a bare LF */
    INLINE_LIT(s, "PING\n", WORDS("PING"), LENS(4));

    /* 10. a single empty argument */
    st_multibulk(s, 2, WORDS("ECHO", ""), LENS(4, 0));

    /* 11. inline with a hex escape producing a NUL byte */
    INLINE_LIT(s, "ECHO \"\\x41\\x00z\"\r\n", WORDS("ECHO", "A\0z"), LENS(4, 3));

    /* 12. whitespace-only inline line */
    st_empty(s, " \t \r\n");

    /* 13. a plain final command */
    st_multibulk(s, 1, WORDS("PING"), LENS(4));
}

static void test_pipeline_whole(void) {
    struct stream s = {0};
    build_pipeline(&s, 70000, 300);
    size_t cut = s.b.len;
    ASSERT(feed_cuts(&s, &cut, 1));
    st_free(&s);
}

/* Two pieces, split at every byte position of the stream (in sanitizer
 * builds, every BODY_STRIDE-th inside the big argument's body). */
static void test_pipeline_every_split(void) {
    struct stream s = {0};
    build_pipeline(&s, 70000, 300);
    int ok = 1;
    size_t bad_at = 0;
    for (size_t k = 0; k <= s.b.len && ok; k++) {
        if (k > s.big_from && k < s.big_to && k % BODY_STRIDE) continue;
        size_t cuts[2] = {k, s.b.len};
        if (!feed_cuts(&s, cuts, 2)) {
            ok = 0;
            bad_at = k;
        }
    }
    if (!ok) fprintf(stderr, "  split at %zu failed\n", bad_at);
    st_free(&s);
    ASSERT(ok);
}

static void test_pipeline_bytewise(void) {
    struct stream s = {0};
    build_pipeline(&s, 70000, 300);
    ASSERT(feed_bytewise(&s));
    st_free(&s);
}

static void test_pipeline_random_pieces(void) {
    struct stream s = {0};
    build_pipeline(&s, 70000, 300);
    int ok = 1;
    for (int i = 0; i < RANDOM_FEEDS && ok; i++) ok = feed_random(&s, 1 + (size_t)(rnd() % 5000));
    st_free(&s);
    ASSERT(ok);
}

/* More arguments than the parser preallocates spans for (it caps the
 * initial allocation at 1024 and grows while reading). */
static void test_many_arguments(void) {
    struct stream s = {0};
    build_pipeline(&s, 10, 5000);
    ASSERT(feed_bytewise(&s));
    size_t cut = s.b.len;
    ASSERT(feed_cuts(&s, &cut, 1));
    int ok = 1;
    for (int i = 0; i < 50 && ok; i++) ok = feed_random(&s, 1 + (size_t)(rnd() % 3000));
    ASSERT(ok);
    st_free(&s);
}

/* A 2 MB argument arriving in read-sized pieces. */
static void test_huge_argument(void) {
    struct stream s = {0};
    build_pipeline(&s, 2 * 1024 * 1024 + 17, 10);
    int ok = 1;
    for (int i = 0; i < 3 && ok; i++) ok = feed_random(&s, 65536);
    size_t cut = s.b.len;
    ASSERT(ok);
    ASSERT(feed_cuts(&s, &cut, 1));
    st_free(&s);
}

/* While a command is incomplete the state must keep what it has read; the
 * resumed call returns the same spans as a single call would. */
static void test_resume_state(void) {
    static const char cmd[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
    const size_t n = sizeof(cmd) - 1;
    struct resp_state st;
    struct resp_spans sp = {0};
    struct buf ib = {0};
    size_t used = 0;
    const char *err = NULL;
    resp_state_reset(&st);
    /* stop inside the last bulk's body */
    char *p = dup_bytes(cmd, n - 4);
    ASSERT(resp_parse(&st, &sp, &ib, p, n - 4, MAX_BULK, &used, &err) == RESP_MORE);
    free(p);
    ASSERT(st.argc == 3 && st.argi == 2 && st.bulklen == 5);
    p = dup_bytes(cmd, n);
    ASSERT(resp_parse(&st, &sp, &ib, p, n, MAX_BULK, &used, &err) == RESP_OK);
    free(p);
    ASSERT(used == n && st.argc == 3 && !st.is_inline);
    ASSERT(sp.v[0].off == 8 && sp.v[0].len == 3);
    ASSERT(sp.v[1].off == 17 && sp.v[1].len == 1);
    ASSERT(sp.v[2].off == 24 && sp.v[2].len == 5);
    /* an empty buffer asks for more and changes nothing */
    resp_state_reset(&st);
    ASSERT(resp_parse(&st, &sp, &ib, cmd, 0, MAX_BULK, &used, &err) == RESP_MORE);
    ASSERT(st.argc == 0 && st.pos == 0);
    free(sp.v);
    buf_free(&ib);
}

/* ------------------------------------------------------------------------ */
/* Malformed requests. */

/* Feed `len` bytes in pieces of `piece` bytes (0: all at once), parsing
 * commands as they complete. Returns the first error text, or NULL if none
 * came (the input was fine or still incomplete); *oks counts commands. */
static const char *feed_err(const char *in, size_t len, size_t piece, size_t max_bulk, int *oks) {
    struct resp_state st;
    struct resp_spans sp = {0};
    struct buf ib = {0};
    const char *err = NULL;
    size_t from = 0, upto = 0;
    resp_state_reset(&st);
    *oks = 0;
    while (upto < len && !err) {
        upto = piece ? upto + piece : len;
        if (upto > len) upto = len;
        char *pending = dup_bytes(in + from, upto - from);
        size_t plen = upto - from, done = 0;
        while (done < plen) {
            size_t used = 0;
            const char *e = NULL;
            enum resp_status rc =
                resp_parse(&st, &sp, &ib, pending + done, plen - done, max_bulk, &used, &e);
            if (rc == RESP_MORE) break;
            if (rc == RESP_ERR) {
                err = e;
                break;
            }
            ++*oks;
            done += used;
            resp_state_reset(&st);
        }
        from += done;
        free(pending);
    }
    free(sp.v);
    buf_free(&ib);
    return err;
}

/* The same error whole, byte by byte (short inputs) and in 4 KB pieces. */
static int errs_as(const char *in, size_t len, size_t max_bulk, const char *want) {
    size_t pieces[] = {0, 1, 3, 4096};
    for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
        if (pieces[i] && pieces[i] < 4096 && len > 1000) continue;
        int oks;
        const char *e = feed_err(in, len, pieces[i], max_bulk, &oks);
        if (!e || strcmp(e, want) != 0) {
            fprintf(stderr, "  input \"%.20s\" (piece %zu): got \"%s\", want \"%s\"\n", in,
                    pieces[i], e ? e : "(no error)", want);
            return 0;
        }
    }
    return 1;
}

#define ERRS(lit, want) errs_as((lit), sizeof(lit) - 1, MAX_BULK, (want))
#define ERRS_MAX(lit, max_bulk, want) errs_as((lit), sizeof(lit) - 1, (max_bulk), (want))

/* No error, whatever the pieces. */
static int no_err(const char *in, size_t len, size_t max_bulk) {
    for (size_t piece = 0; piece < 3; piece++) {
        int oks;
        if (feed_err(in, len, piece, max_bulk, &oks)) return 0;
    }
    return 1;
}

#define NO_ERR(lit, max_bulk) no_err((lit), sizeof(lit) - 1, (max_bulk))

static void test_err_multibulk_length(void) {
    ASSERT(ERRS("*abc\r\n", E_MBULK_LEN));
    ASSERT(ERRS("*1x\r\n", E_MBULK_LEN));
    ASSERT(ERRS("* 1\r\n", E_MBULK_LEN));
    ASSERT(ERRS("*+1\r\n", E_MBULK_LEN));
    ASSERT(ERRS("*\r\n", E_MBULK_LEN));
    ASSERT(ERRS("*2147483648\r\n", E_MBULK_LEN));          /* INT_MAX + 1 */
    ASSERT(ERRS("*99999999999999999999\r\n", E_MBULK_LEN)); /* overflows 64 bits */
    /* after a good command in the same buffer */
    ASSERT(ERRS("*1\r\n$4\r\nPING\r\n*1x\r\n", E_MBULK_LEN));
    /* INT_MAX itself is accepted as a count (then waits for arguments) */
    ASSERT(NO_ERR("*2147483647\r\n", MAX_BULK));
}

static void test_err_expected_dollar(void) {
    ASSERT(ERRS("*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'"));
    ASSERT(ERRS("*2\r\n$1\r\na\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"));
    ASSERT(ERRS("*2\r\n$1\r\na\r\n*1\r\n", "ERR Protocol error: expected '$', got '*'"));
}

static void test_err_bulk_length(void) {
    ASSERT(ERRS("*1\r\n$-1\r\n", E_BULK_LEN));
    ASSERT(ERRS("*1\r\n$-5\r\n", E_BULK_LEN));
    ASSERT(ERRS("*1\r\n$abc\r\n", E_BULK_LEN));
    ASSERT(ERRS("*1\r\n$3x\r\n", E_BULK_LEN));
    ASSERT(ERRS("*1\r\n$\r\n", E_BULK_LEN));
    ASSERT(ERRS("*1\r\n$99999999999999999999\r\n", E_BULK_LEN));
    ASSERT(ERRS("*2\r\n$3\r\nGET\r\n$x\r\n", E_BULK_LEN));
    /* proto-max-bulk-len */
    ASSERT(ERRS_MAX("*1\r\n$11\r\n", 10, E_BULK_LEN));
    ASSERT(NO_ERR("*1\r\n$10\r\n", 10));
    ASSERT(NO_ERR("*1\r\n$10\r\n0123456789\r\n", 10));
    /* 4 GB (2^32) must not wrap into something small */
    ASSERT(ERRS("*1\r\n$4294967296\r\n", E_BULK_LEN));
    ASSERT(ERRS("*1\r\n$4294967297\r\n", E_BULK_LEN));
    ASSERT(ERRS("*1\r\n$536870913\r\n", E_BULK_LEN)); /* 512 MB + 1 */
    ASSERT(NO_ERR("*1\r\n$536870912\r\n", MAX_BULK));
}

/* A count line with no CR within 64 KB. */
static void test_err_count_string_too_big(void) {
    size_t n = 70000;
    char *p = malloc(n);
    if (!p) abort();
    memset(p, '1', n);
    p[0] = '*';
    ASSERT(errs_as(p, n, MAX_BULK, E_MBULK_BIG));
    memcpy(p, "*1\r\n$", 5);
    ASSERT(errs_as(p, n, MAX_BULK, E_BULK_BIG));
    memcpy(p, "*2\r\n$3\r\nGET\r\n$", 14);
    ASSERT(errs_as(p, n, MAX_BULK, E_BULK_BIG));
    /* short unterminated count lines just wait */
    ASSERT(no_err(p, 100, MAX_BULK));
    p[0] = '*';
    memset(p + 1, '1', 99);
    ASSERT(no_err(p, 100, MAX_BULK));
    free(p);
}

static void test_err_inline_too_big(void) {
    size_t n = 70000;
    char *p = malloc(n);
    if (!p) abort();
    memset(p, 'a', n);
    ASSERT(errs_as(p, n, MAX_BULK, E_INLINE_BIG));
    memcpy(p, "SET k ", 6);
    ASSERT(errs_as(p, n, MAX_BULK, E_INLINE_BIG));
    /* a short unterminated inline line waits */
    ASSERT(no_err(p, 1000, MAX_BULK));
    /* a long line that does end inside the buffer is fine */
    p[n - 1] = '\n';
    int oks;
    ASSERT(feed_err(p, n, 0, MAX_BULK, &oks) == NULL && oks == 1);
    free(p);
}

static void test_err_unbalanced_quotes(void) {
    ASSERT(ERRS("SET \"abc\r\n", E_QUOTES));
    ASSERT(ERRS("SET 'a\r\n", E_QUOTES));
    ASSERT(ERRS("SET \"a\"b\r\n", E_QUOTES));
    ASSERT(ERRS("ECHO 'x'y\n", E_QUOTES));
    ASSERT(ERRS("*1\r\n$4\r\nPING\r\nGET \"k\r\n", E_QUOTES));
}

/* ------------------------------------------------------------------------ */
/* resp_reply_len */

struct reply {
    const char *p;
    size_t len;
};

#define R(lit) {(lit), sizeof(lit) - 1}

static const struct reply good_replies[] = {
    R("+OK\r\n"),
    R("+\r\n"),
    R("-ERR unknown command 'x'\r\n"),
    R(":0\r\n"),
    R(":-9223372036854775808\r\n"),
    R("$5\r\nhello\r\n"),
    R("$0\r\n\r\n"),
    R("$4\r\na\r\nb\r\n"), /* CRLF inside a bulk */
    R("$-1\r\n"),          /* RESP2 null bulk */
    R("*-1\r\n"),          /* RESP2 null array */
    R("*0\r\n"),
    R("*2\r\n$3\r\nfoo\r\n:1\r\n"),
    R("*3\r\n*2\r\n:1\r\n*1\r\n$-1\r\n_\r\n,3.14\r\n"),
    R("*2\r\n*2\r\n*2\r\n*0\r\n*1\r\n+x\r\n$1\r\n*\r\n*1\r\n%1\r\n+k\r\n~1\r\n:7\r\n"),
    R("%0\r\n"),
    R("%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*2\r\n:2\r\n:3\r\n"),
    R("~3\r\n+x\r\n+y\r\n$1\r\nz\r\n"),
    R(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"),
    R("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*2\r\n:2\r\n:3\r\n"),
    R("|0\r\n+OK\r\n"),
    R("*1\r\n|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n"), /* attribute inside an aggregate */
    R(",1.23\r\n"),
    R(",inf\r\n"),
    R(",-nan\r\n"),
    R("(3492890328409238509324850943850943825024385\r\n"),
    R("#t\r\n"),
    R("#f\r\n"),
    R("_\r\n"),
    R("=15\r\ntxt:Some string\r\n"),
    R("=4\r\ntxt:\r\n"),
    R("!21\r\nSYNTAX invalid syntax\r\n"),
};

#define NGOOD (sizeof(good_replies) / sizeof(good_replies[0]))

static void test_reply_len_complete(void) {
    for (size_t i = 0; i < NGOOD; i++) {
        const struct reply *r = &good_replies[i];
        char *p = dup_bytes(r->p, r->len);
        long got = resp_reply_len(p, r->len);
        free(p);
        if (got != (long)r->len) fprintf(stderr, "  reply %zu: got %ld want %zu\n", i, got, r->len);
        ASSERT(got == (long)r->len);
        /* followed by another reply: still only the first one */
        char *q = malloc(r->len + 7);
        if (!q) abort();
        memcpy(q, r->p, r->len);
        memcpy(q + r->len, "+NEXT\r\n", 7);
        got = resp_reply_len(q, r->len + 7);
        free(q);
        ASSERT(got == (long)r->len);
    }
}

/* Every proper prefix of a complete reply is incomplete, never malformed. */
static void test_reply_len_every_truncation(void) {
    for (size_t i = 0; i < NGOOD; i++) {
        const struct reply *r = &good_replies[i];
        for (size_t k = 0; k < r->len; k++) {
            char *p = dup_bytes(r->p, k);
            long got = resp_reply_len(p, k);
            free(p);
            if (got != 0) fprintf(stderr, "  reply %zu cut at %zu: got %ld\n", i, k, got);
            ASSERT(got == 0);
        }
    }
}

/* Replies gathered back to back split apart again, as the coordinator does. */
static void test_reply_len_gathered(void) {
    struct buf b = {0};
    for (size_t i = 0; i < NGOOD; i++) buf_put(&b, good_replies[i].p, good_replies[i].len);
    char *p = dup_bytes(b.p, b.len);
    size_t pos = 0;
    for (size_t i = 0; i < NGOOD; i++) {
        long e = resp_reply_len(p + pos, b.len - pos);
        ASSERT(e == (long)good_replies[i].len);
        pos += (size_t)e;
    }
    ASSERT(pos == b.len);
    ASSERT(resp_reply_len(p + pos, 0) == 0);
    free(p);
    buf_free(&b);
}

static void test_reply_len_large_bulk(void) {
    size_t n = 1 << 20;
    struct buf b = {0};
    char hdr[32];
    int h = snprintf(hdr, sizeof(hdr), "$%zu\r\n", n);
    buf_put(&b, hdr, (size_t)h);
    buf_reserve(&b, n + 2);
    memset(b.p + b.len, '\r', n);
    b.len += n;
    buf_puts(&b, "\r\n");
    char *p = dup_bytes(b.p, b.len);
    ASSERT(resp_reply_len(p, b.len) == (long)b.len);
    ASSERT(resp_reply_len(p, b.len - 1) == 0);
    ASSERT(resp_reply_len(p, (size_t)h + n) == 0);
    ASSERT(resp_reply_len(p, (size_t)h) == 0);
    free(p);
    buf_free(&b);
}

static const struct reply bad_replies[] = {
    R("?\r\n"),
    R("x"),
    R("\r\n"),
    R("OK\r\n"),
    R("$abc\r\n"),
    R("$\r\n"),
    R("$1x\r\n"),
    R("*x\r\n"),
    R("*\r\n"),
    R("%z\r\n"),
    R("~1.5\r\n"),
    R("|-\r\n"),
    R("=\r\n"),
    R("!x\r\n"),
    R("*2\r\n+ok\r\n?\r\n"),
    R("*2\r\n+ok\r\n?"), /* malformed is known before the end */
    R("*1\r\n*1\r\nfoo\r\n"),
    R("%1\r\n+a\r\n$x\r\n"),
    R("~2\r\n:1\r\n$1x\r\nz\r\n"),
    R("|1\r\n+a\r\n+b\r\n@\r\n"),
    R(">1\r\n\x00\r\n"),
};

static void test_reply_len_malformed(void) {
    for (size_t i = 0; i < sizeof(bad_replies) / sizeof(bad_replies[0]); i++) {
        const struct reply *r = &bad_replies[i];
        char *p = dup_bytes(r->p, r->len);
        long got = resp_reply_len(p, r->len);
        free(p);
        if (got != -1) fprintf(stderr, "  bad reply %zu: got %ld\n", i, got);
        ASSERT(got == -1);
    }
    ASSERT(resp_reply_len("", 0) == 0);
}

/* RESP3 bytes replayed as they are for RESP3 and rewritten for RESP2. */
static void test_resp3_value(void) {
    const char *v = "~2\r\n%1\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n:-7\r\n";
    size_t n = strlen(v);
    struct buf b = {0};
    ASSERT(reply_resp3_value(&b, 3, v, n) == n);
    ASSERT(b.len == n && !memcmp(b.p, v, n));
    b.len = 0;
    ASSERT(reply_resp3_value(&b, 2, v, n) == n);
    const char *want = "*2\r\n*2\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n:-7\r\n";
    ASSERT(b.len == strlen(want) && !memcmp(b.p, want, b.len));
    /* the RESP2 form is one complete reply */
    ASSERT(resp_reply_len(b.p, b.len) == (long)b.len);
    /* every truncation is refused and appends nothing */
    for (size_t cut = 0; cut < n; cut++) {
        b.len = 0;
        ASSERT(reply_resp3_value(&b, 2, v, cut) == 0);
        ASSERT(b.len == 0);
    }
    /* a value followed by more bytes: only the first is consumed */
    b.len = 0;
    ASSERT(reply_resp3_value(&b, 2, "+OK\r\n:1\r\n", 9) == 5);
    /* unknown types and bad counts */
    ASSERT(reply_resp3_value(&b, 2, ",1.5\r\n", 7) == 0);
    ASSERT(reply_resp3_value(&b, 2, "*-1\r\n", 5) == 0);
    ASSERT(reply_resp3_value(&b, 2, "$9\r\nabc\r\n", 10) == 0);
    buf_free(&b);
}

TEST_MAIN(test_pipeline_whole, test_pipeline_every_split, test_pipeline_bytewise, test_pipeline_random_pieces,
          test_many_arguments, test_huge_argument, test_resume_state, test_err_multibulk_length,
          test_err_expected_dollar, test_err_bulk_length, test_err_count_string_too_big,
          test_err_inline_too_big, test_err_unbalanced_quotes, test_reply_len_complete,
          test_reply_len_every_truncation, test_reply_len_gathered, test_reply_len_large_bulk,
          test_reply_len_malformed, test_resp3_value)
