/*
 * lazyfree.c - the background freeing thread (see lazyfree.h).
 */
#define _GNU_SOURCE
#include "lazyfree.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../util/mem.h"
#include "object.h"

struct lf_job {
    struct lf_job *next;
    struct kv *obj;   /* or */
    struct dict dict; /* a detached table when obj is NULL */
};

static pthread_mutex_t lf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lf_cond = PTHREAD_COND_INITIALIZER;
static struct lf_job *lf_head, *lf_tail;
static int lf_running, lf_stopping;
static pthread_t lf_thread;
static _Atomic long lf_pending;

static void *lf_main(void *arg) {
    (void)arg;
    /* it frees shards' memory: straight back to their arenas, so that their
     * used_memory drops as soon as it is freed (see db/evict.h) */
    mem_thread_no_tcache();
    pthread_mutex_lock(&lf_lock);
    for (;;) {
        while (!lf_head && !lf_stopping) pthread_cond_wait(&lf_cond, &lf_lock);
        if (!lf_head) break;
        struct lf_job *j = lf_head;
        lf_head = j->next;
        if (!lf_head) lf_tail = NULL;
        pthread_mutex_unlock(&lf_lock);
        if (j->obj) kv_free(j->obj);
        else dict_clear(&j->dict);
        free(j);
        atomic_fetch_sub(&lf_pending, 1);
        pthread_mutex_lock(&lf_lock);
    }
    pthread_mutex_unlock(&lf_lock);
    return NULL;
}

void lazyfree_start(void) {
    if (pthread_create(&lf_thread, NULL, lf_main, NULL) == 0) {
        lf_running = 1;
        pthread_setname_np(lf_thread, "lazyfree");
    }
}

void lazyfree_stop(void) {
    if (!lf_running) return;
    pthread_mutex_lock(&lf_lock);
    lf_stopping = 1;
    pthread_cond_signal(&lf_cond);
    pthread_mutex_unlock(&lf_lock);
    pthread_join(lf_thread, NULL);
    lf_running = 0;
}

static void submit(struct lf_job *j) {
    atomic_fetch_add(&lf_pending, 1);
    pthread_mutex_lock(&lf_lock);
    if (lf_tail) lf_tail->next = j;
    else lf_head = j;
    lf_tail = j;
    pthread_cond_signal(&lf_cond);
    pthread_mutex_unlock(&lf_lock);
}

static size_t obj_cost(const struct kv *o) {
    if (kv_type(o) == OBJ_STRING) return 1;
    const struct type_ops *ops = g_type_ops[kv_type(o)];
    return ops && ops->cost ? ops->cost(kv_ptr(o), kv_enc(o)) : 1;
}

void lazyfree_obj(struct kv *o) {
    if (!lf_running || obj_cost(o) <= LAZYFREE_THRESHOLD) {
        kv_free(o);
        return;
    }
    struct lf_job *j = calloc(1, sizeof(*j));
    if (!j) {
        kv_free(o);
        return;
    }
    j->obj = o;
    submit(j);
}

void lazyfree_dict(struct dict *d) {
    if (!lf_running || dict_count(d) <= LAZYFREE_THRESHOLD) {
        dict_clear(d);
        return;
    }
    struct lf_job *j = calloc(1, sizeof(*j));
    if (!j) {
        dict_clear(d);
        return;
    }
    j->dict = *d;
    dict_init(d);
    submit(j);
}

long lazyfree_pending(void) { return atomic_load(&lf_pending); }
