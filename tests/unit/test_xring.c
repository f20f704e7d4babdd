/*
 * test_xring.c - unit tests for the single-producer single-consumer pointer
 * ring (src/shard/xring.h): ordering, the full/empty edges, index
 * wrap-around, and two real threads passing millions of pointers.
 *
 * Run it under ThreadSanitizer (make unit SANITIZE=thread) to check the
 * acquire/release pairing: the payload test hands heap messages back and
 * forth, so a missing barrier shows up as a data race on their contents.
 */
#include "test.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <unistd.h>

#include "shard/xring.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define SLOW_BUILD 1
#endif
#endif

#ifdef SLOW_BUILD
#define THREAD_ITEMS 2000000ULL
#define PAYLOAD_ITEMS 300000ULL
#else
#define THREAD_ITEMS 10000000ULL
#define PAYLOAD_ITEMS 2000000ULL
#endif

/* Sequence number n travels as the pointer value n (never 0: NULL = empty). */
#define SEQ(n) ((void *)(uintptr_t)(n))
#define UNSEQ(p) ((unsigned long long)(uintptr_t)(p))

static void test_empty_ring(void) {
    struct xring *r = xring_new(8);
    ASSERT(xring_pop(r) == NULL);
    ASSERT(!xring_ready(r));
    ASSERT(xring_push(r, SEQ(1)));
    ASSERT(xring_ready(r));
    ASSERT(xring_pop(r) == SEQ(1));
    ASSERT(!xring_ready(r));
    ASSERT(xring_pop(r) == NULL);
    free(r);
}

static void test_fifo_order(void) {
    struct xring *r = xring_new(64);
    for (unsigned long long i = 1; i <= 50; i++) ASSERT(xring_push(r, SEQ(i)));
    for (unsigned long long i = 1; i <= 50; i++) ASSERT(xring_pop(r) == SEQ(i));
    ASSERT(xring_pop(r) == NULL);
    free(r);
}

/* A ring of capacity N holds exactly N pointers. */
static void test_full_and_recover(void) {
    size_t caps[] = {1, 2, 4, 16, 1024};
    for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
        size_t cap = caps[c];
        struct xring *r = xring_new(cap);
        for (size_t i = 1; i <= cap; i++) ASSERT(xring_push(r, SEQ(i)));
        ASSERT(!xring_push(r, SEQ(999999)));
        ASSERT(!xring_push(r, SEQ(999999))); /* refusing twice changes nothing */
        ASSERT(xring_ready(r));
        /* one slot frees up, exactly one push fits */
        ASSERT(xring_pop(r) == SEQ(1));
        ASSERT(xring_push(r, SEQ(cap + 1)));
        ASSERT(!xring_push(r, SEQ(999999)));
        /* drain: everything in order, the refused pointers never appear */
        for (size_t i = 2; i <= cap + 1; i++) ASSERT(xring_pop(r) == SEQ(i));
        ASSERT(xring_pop(r) == NULL);
        ASSERT(!xring_ready(r));
        /* and it fills up completely again */
        for (size_t i = 1; i <= cap; i++) ASSERT(xring_push(r, SEQ(i)));
        ASSERT(!xring_push(r, SEQ(999999)));
        for (size_t i = 1; i <= cap; i++) ASSERT(xring_pop(r) == SEQ(i));
        ASSERT(xring_pop(r) == NULL);
        free(r);
    }
}

/* Batches of varying size so the indices go around the slots many times at
 * every offset, with the ring sometimes full and sometimes empty. */
static void test_wraparound(void) {
    struct xring *r = xring_new(8);
    unsigned long long next_in = 1, next_out = 1;
    uint32_t x = 12345;
    for (int round = 0; round < 200000; round++) {
        x = x * 1103515245u + 12345u;
        unsigned npush = (x >> 16) % 10; /* up to 9: sometimes overfills */
        x = x * 1103515245u + 12345u;
        unsigned npop = (x >> 16) % 10;
        for (unsigned i = 0; i < npush; i++) {
            size_t queued = (size_t)(next_in - next_out);
            int ok = xring_push(r, SEQ(next_in));
            ASSERT(ok == (queued < 8));
            if (ok) next_in++;
        }
        for (unsigned i = 0; i < npop; i++) {
            void *p = xring_pop(r);
            if (next_out == next_in) {
                ASSERT(p == NULL);
            } else {
                ASSERT(p == SEQ(next_out));
                next_out++;
            }
        }
        ASSERT(xring_ready(r) == (next_in != next_out));
    }
    ASSERT(next_in > 500000); /* the slots were reused many times over */
    free(r);
}

/* head and tail are free-running counters; start them just below SIZE_MAX
 * so they overflow mid-test. */
static void test_counter_overflow(void) {
    struct xring *r = xring_new(4);
    size_t start = SIZE_MAX - 5;
    atomic_store(&r->head, start);
    atomic_store(&r->tail, start);
    r->head_cache = r->tail_cache = start;
    unsigned long long in = 1, out = 1;
    for (int round = 0; round < 10; round++) {
        while (xring_push(r, SEQ(in))) in++;
        ASSERT(in - out == 4);
        void *p;
        while ((p = xring_pop(r)) != NULL) {
            ASSERT(p == SEQ(out));
            out++;
        }
        ASSERT(in == out);
    }
    ASSERT(atomic_load(&r->head) < start); /* it did wrap */
    free(r);
}

/* ------------------------------------------------------------------------ */
/* Two threads. A broken ring could leave one side spinning forever, so
 * these tests arm an alarm that kills the process instead. */

#define WATCHDOG_SECONDS 120

struct seq_args {
    struct xring *r;
    unsigned long long n;
    unsigned long long bad;  /* first out-of-order value seen + 1, 0 if none */
    unsigned long long got;
};

static void *seq_producer(void *arg) {
    struct seq_args *a = arg;
    for (unsigned long long i = 1; i <= a->n; i++) {
        unsigned spins = 0;
        while (!xring_push(a->r, SEQ(i)))
            if (++spins % 64 == 0) sched_yield();
    }
    return NULL;
}

static void *seq_consumer(void *arg) {
    struct seq_args *a = arg;
    unsigned long long want = 1;
    unsigned spins = 0;
    while (want <= a->n) {
        void *p = xring_pop(a->r);
        if (!p) {
            if (++spins % 64 == 0) sched_yield();
            continue;
        }
        if (UNSEQ(p) != want && !a->bad) a->bad = UNSEQ(p) + 1;
        want++;
        a->got++;
    }
    return NULL;
}

static void test_two_threads_sequence(void) {
    size_t caps[] = {1024, 2};
    alarm(WATCHDOG_SECONDS);
    for (size_t c = 0; c < 2; c++) {
        struct seq_args a = {.r = xring_new(caps[c])};
        a.n = c == 0 ? THREAD_ITEMS : THREAD_ITEMS / 20; /* a tiny ring is slower */
        pthread_t prod, cons;
        ASSERT(pthread_create(&cons, NULL, seq_consumer, &a) == 0);
        ASSERT(pthread_create(&prod, NULL, seq_producer, &a) == 0);
        pthread_join(prod, NULL);
        pthread_join(cons, NULL);
        ASSERT(a.bad == 0);
        ASSERT(a.got == a.n);
        ASSERT(xring_pop(a.r) == NULL); /* nothing extra */
        free(a.r);
    }
    alarm(0);
}

/* Messages the producer fills in and the consumer reads, then hands back
 * through a second ring for reuse: both directions publish memory. */
struct msg {
    unsigned long long seq;
    unsigned long long check;
    char text[40];
};

#define POOL 64

struct payload_args {
    struct xring *fwd;  /* producer -> consumer */
    struct xring *back; /* consumer -> producer, returns used messages */
    unsigned long long n;
    unsigned long long errors;
};

static unsigned long long check_of(unsigned long long s) {
    return s * 0x9E3779B97F4A7C15ULL ^ 0xabcdef;
}

static void *payload_producer(void *arg) {
    struct payload_args *a = arg;
    struct msg *pool[POOL];
    int nfree = 0;
    for (int i = 0; i < POOL; i++) {
        pool[nfree] = malloc(sizeof(struct msg));
        if (!pool[nfree]) abort();
        nfree++;
    }
    for (unsigned long long s = 1; s <= a->n; s++) {
        while (nfree == 0) {
            struct msg *m = xring_pop(a->back);
            if (m) pool[nfree++] = m;
            else sched_yield();
        }
        struct msg *m = pool[--nfree];
        m->seq = s;
        m->check = check_of(s);
        snprintf(m->text, sizeof(m->text), "message %llu", s);
        while (!xring_push(a->fwd, m)) sched_yield();
    }
    /* collect every message back, then free them */
    while (nfree < POOL) {
        struct msg *m = xring_pop(a->back);
        if (m) pool[nfree++] = m;
        else sched_yield();
    }
    for (int i = 0; i < POOL; i++) free(pool[i]);
    return NULL;
}

static void *payload_consumer(void *arg) {
    struct payload_args *a = arg;
    char want[40];
    for (unsigned long long s = 1; s <= a->n;) {
        struct msg *m = xring_pop(a->fwd);
        if (!m) {
            sched_yield();
            continue;
        }
        snprintf(want, sizeof(want), "message %llu", s);
        if (m->seq != s || m->check != check_of(s) || strcmp(m->text, want) != 0) a->errors++;
        m->seq = 0; /* scribble before handing it back */
        memset(m->text, 'x', sizeof(m->text));
        /* `back` has POOL slots and only POOL messages exist: never full */
        if (!xring_push(a->back, m)) {
            fprintf(stderr, "  return ring refused a message: it is not full\n");
            abort();
        }
        s++;
    }
    return NULL;
}

static void test_two_threads_payload(void) {
    struct payload_args a = {.fwd = xring_new(16), .back = xring_new(POOL), .n = PAYLOAD_ITEMS};
    pthread_t prod, cons;
    alarm(WATCHDOG_SECONDS);
    ASSERT(pthread_create(&cons, NULL, payload_consumer, &a) == 0);
    ASSERT(pthread_create(&prod, NULL, payload_producer, &a) == 0);
    pthread_join(prod, NULL);
    pthread_join(cons, NULL);
    alarm(0);
    ASSERT(a.errors == 0);
    ASSERT(xring_pop(a.fwd) == NULL);
    ASSERT(xring_pop(a.back) == NULL);
    free(a.fwd);
    free(a.back);
}

TEST_MAIN(test_empty_ring, test_fifo_order, test_full_and_recover, test_wraparound,
          test_counter_overflow, test_two_threads_sequence, test_two_threads_payload)
