/*
 * lock.c - key locks, the parked-work queue and watched keys of one shard
 * (see lock.h for the contract and why waiting cannot deadlock).
 *
 * Both tables are small chained hash tables keyed by lock_hash(); they hold
 * only the keys some transaction, parked item or WATCH names right now, so
 * their size follows the work in flight, not the keyspace.
 */
#include "lock.h"

#include <stdlib.h>
#include <string.h>

#include "../server.h"
#include "block.h"
#include "../util/util.h"

struct lockent {
    struct lockent *next;
    uint64_t h;
    uint64_t owner;   /* transaction holding it exclusively, 0: none */
    uint32_t shared;  /* transactions holding it shared */
    uint32_t waiters; /* parked items wanting it */
};

struct wreg {
    long long client;
    uint8_t dirty;
    uint8_t expired; /* the key was already logically expired at WATCH */
};

struct watchent {
    struct watchent *next;
    uint64_t h;
    int dbid;
    size_t klen;
    char *key;
    struct wreg *reg;
    int nreg, capreg;
};

struct held {
    uint64_t txid;
    uint64_t *h; /* with LOCK_SHARED for a shared hold */
    int n, cap;
};

struct lock_state {
    struct lockent **tab;
    size_t mask, n;
    struct park *head, *tail;
    long owned; /* holds (exclusive or shared) */
    uint64_t whole; /* the transaction holding the whole shard (LOCK_WHOLE), 0: none */
    int whole_src;  /* its origin */
    int replay;
    struct held *held; /* per transaction holding locks here: what it holds
                        * (the slots past nheld keep their arrays' room) */
    int nheld, capheld;
    struct lockent *spare; /* freed entries kept for reuse (up to SPARE_MAX) */
    int nspare;
    struct watchent **wtab;
    size_t wmask, wn;
};

#define SPARE_MAX 256

uint64_t lock_hash(int dbid, const char *key, size_t len) {
    return (hash_bytes(key, len) ^ ((uint64_t)(unsigned)dbid * 0x9e3779b97f4a7c15ull)) & ~LOCK_SHARED;
}

void lock_init(struct shard *sh) {
    struct lock_state *l = calloc(1, sizeof(*l));
    if (!l) abort();
    l->mask = 63;
    l->tab = calloc(l->mask + 1, sizeof(*l->tab));
    l->wmask = 63;
    l->wtab = calloc(l->wmask + 1, sizeof(*l->wtab));
    if (!l->tab || !l->wtab) abort();
    sh->lk = l;
}

/* ---- the lock table ---- */

static struct lockent *ent_find(struct lock_state *l, uint64_t h) {
    h &= ~LOCK_SHARED;
    for (struct lockent *e = l->tab[h & l->mask]; e; e = e->next)
        if (e->h == h) return e;
    return NULL;
}

static void tab_grow(struct lock_state *l) {
    size_t nm = l->mask * 2 + 1;
    struct lockent **t = calloc(nm + 1, sizeof(*t));
    if (!t) abort();
    for (size_t i = 0; i <= l->mask; i++)
        for (struct lockent *e = l->tab[i], *n; e; e = n) {
            n = e->next;
            e->next = t[e->h & nm];
            t[e->h & nm] = e;
        }
    free(l->tab);
    l->tab = t;
    l->mask = nm;
}

static struct lockent *ent_get(struct shard *sh, uint64_t h) {
    struct lock_state *l = sh->lk;
    h &= ~LOCK_SHARED;
    struct lockent *e = ent_find(l, h);
    if (e) return e;
    if (l->n > l->mask) tab_grow(l);
    if (l->spare) {
        e = l->spare;
        l->spare = e->next;
        l->nspare--;
        memset(e, 0, sizeof(*e));
    } else {
        e = calloc(1, sizeof(*e));
        if (!e) abort();
    }
    e->h = h;
    e->next = l->tab[h & l->mask];
    l->tab[h & l->mask] = e;
    l->n++;
    sh->lock_live = 1;
    return e;
}

/* Drop the entry if nothing holds or wants it any more. */
static void ent_put(struct shard *sh, struct lockent *e) {
    struct lock_state *l = sh->lk;
    if (e->owner || e->shared || e->waiters) return;
    struct lockent **pp = &l->tab[e->h & l->mask];
    while (*pp != e) pp = &(*pp)->next;
    *pp = e->next;
    if (l->nspare < SPARE_MAX) {
        e->next = l->spare;
        l->spare = e;
        l->nspare++;
    } else {
        free(e);
    }
    l->n--;
    sh->lock_live = l->n != 0 || l->head || l->whole;
}

static struct held *held_find(struct lock_state *l, uint64_t txid, int create) {
    for (int i = 0; i < l->nheld; i++)
        if (l->held[i].txid == txid) return &l->held[i];
    if (!create) return NULL;
    if (l->nheld == l->capheld) {
        l->capheld = l->capheld ? l->capheld * 2 : 8;
        l->held = realloc(l->held, sizeof(*l->held) * (size_t)l->capheld);
        if (!l->held) abort();
        memset(l->held + l->nheld, 0, sizeof(*l->held) * (size_t)(l->capheld - l->nheld));
    }
    struct held *x = &l->held[l->nheld++];
    x->txid = txid;
    x->n = 0;
    return x;
}

static int free_for(struct lock_state *l, const uint64_t *h, int n, uint64_t take, int all) {
    if (l->whole && !(all & LOCK_PASS)) return 0;
    if ((all & (LOCK_FREE | LOCK_WHOLE)) && l->owned) return 0;
    for (int i = 0; i < n; i++) {
        struct lockent *e = ent_find(l, h[i]);
        if (!e) continue;
        /* (a whole-shard transaction's own work passes what waits for it) */
        if (e->waiters && !(all & LOCK_PASS)) return 0;
        if (e->owner && e->owner != take) return 0;
        /* a writer waits for the readers (a transaction asks for each
         * key once, so a shared hold is never its own) */
        if (!(h[i] & LOCK_SHARED) && e->shared) return 0;
    }
    return 1;
}

static void take_locks(struct shard *sh, const uint64_t *h, int n, uint64_t txid) {
    struct lock_state *l = sh->lk;
    struct held *x = held_find(l, txid, 1);
    for (int i = 0; i < n; i++) {
        struct lockent *e = ent_get(sh, h[i]);
        if (e->owner == txid) continue;
        if (h[i] & LOCK_SHARED) e->shared++;
        else e->owner = txid;
        l->owned++;
        if (x->n == x->cap) {
            x->cap = x->cap ? x->cap * 2 : 8;
            x->h = realloc(x->h, sizeof(uint64_t) * (size_t)x->cap);
            if (!x->h) abort();
        }
        x->h[x->n++] = h[i];
    }
}

/* Is earlier work from src parked? A whole-shard transaction's own work
 * (LOCK_PASS) only queues behind its own: what else its origin sent is
 * parked until it lets go. */
static int src_parked(struct lock_state *l, int src, int all) {
    if (src < 0) return 0;
    for (struct park *p = l->head; p; p = p->next)
        if (p->src == src && (!(all & LOCK_PASS) || (p->all & LOCK_PASS))) return 1;
    return 0;
}

/* Admitted: take what it asked for. */
static void take_all(struct shard *sh, int src, const uint64_t *h, int n, uint64_t take, int all) {
    if (!take) return;
    take_locks(sh, h, n, take);
    if (all & LOCK_WHOLE) {
        sh->lk->whole = take;
        sh->lk->whole_src = src < 0 ? sh->id : src;
        sh->lock_live = 1; /* (no key need be locked: every command looks) */
    }
}

int lock_admit(struct shard *sh, int src, const uint64_t *h, int n, uint64_t take, int all) {
    struct lock_state *l = sh->lk;
    if (!free_for(l, h, n, take, all) || src_parked(l, src, all)) return 0;
    /* the whole shard (or a shard free of locks) comes after whatever is
     * parked already: those keys were asked for first */
    if ((all & (LOCK_WHOLE | LOCK_FREE)) && !(all & LOCK_PASS) && l->head) return 0;
    take_all(sh, src, h, n, take, all);
    return 1;
}

int lock_key_free(struct shard *sh, uint64_t h, int all) { return free_for(sh->lk, &h, 1, 0, all); }

uint64_t lock_whole(const struct shard *sh, int *src) {
    if (src) *src = sh->lk->whole_src;
    return sh->lk->whole;
}

struct park *lock_park_new(int src, const uint64_t *h, int n, uint64_t take, int all, size_t len) {
    struct park *p = calloc(1, sizeof(*p) + len);
    if (!p) abort();
    p->src = src;
    p->take = take;
    p->all = all;
    p->nh = n;
    p->len = len;
    if (n) {
        p->h = malloc(sizeof(uint64_t) * (size_t)n);
        if (!p->h) abort();
        memcpy(p->h, h, sizeof(uint64_t) * (size_t)n);
    }
    return p;
}

static void add_waits(struct shard *sh, struct park *p, int d) {
    for (int i = 0; i < p->nh; i++) {
        struct lockent *e = d > 0 ? ent_get(sh, p->h[i]) : ent_find(sh->lk, p->h[i]);
        if (!e) continue;
        e->waiters = (uint32_t)((int)e->waiters + d);
        if (d < 0) ent_put(sh, e);
    }
}

void lock_park(struct shard *sh, struct park *p) {
    struct lock_state *l = sh->lk;
    p->next = NULL;
    add_waits(sh, p, 1);
    if (l->tail) l->tail->next = p;
    else l->head = p;
    l->tail = p;
    sh->lock_live = 1;
}

void lock_release(struct shard *sh, uint64_t txid) {
    struct lock_state *l = sh->lk;
    if (l->whole == txid) {
        l->whole = 0;
        if (l->head) l->replay = 1;
    }
    struct held *x = held_find(l, txid, 0);
    if (!x) {
        sh->lock_live = l->n != 0 || l->head || l->whole;
        return;
    }
    for (int i = 0; i < x->n; i++) {
        struct lockent *e = ent_find(l, x->h[i]);
        if (!e) continue;
        if (x->h[i] & LOCK_SHARED) {
            if (!e->shared) continue;
            e->shared--;
        } else {
            if (e->owner != txid) continue;
            e->owner = 0;
        }
        l->owned--;
        ent_put(sh, e);
    }
    /* the last slot moves here; x's array (emptied) goes to the freed slot */
    struct held gone = *x;
    *x = l->held[--l->nheld];
    gone.n = 0;
    gone.txid = 0;
    l->held[l->nheld] = gone;
    if (l->head) l->replay = 1;
    sh->lock_live = l->n != 0 || l->head || l->whole;
}

int lock_replay_due(const struct shard *sh) { return sh->lk->replay; }

void lock_replay(struct shard *sh) {
    struct lock_state *l = sh->lk;
    for (int round = 0; l->replay && round < 8; round++) {
        l->replay = 0;
        /* take the queue; items that stay go back in order, ahead of
         * anything parked while we run the others */
        struct park *q = l->head;
        l->head = l->tail = NULL;
        for (struct park *p = q; p; p = p->next) add_waits(sh, p, -1);
        struct park *keep = NULL, *keep_tail = NULL;
        /* by source: 1 an item stays (later ones wait), 2 a whole-shard
         * transaction's own item stays (its later ones wait too) */
        uint8_t blocked_src[MAX_SHARDS];
        memset(blocked_src, 0, sizeof(uint8_t) * (size_t)g_nshards);
        struct park *later = NULL; /* parked during this pass */
        while (q) {
            struct park *p = q;
            q = q->next;
            int pass = p->all & LOCK_PASS;
            int ok = !(p->src >= 0 && blocked_src[p->src] > (pass ? 1 : 0)) &&
                     !((p->all & (LOCK_WHOLE | LOCK_FREE)) && !pass && keep) && /* (see lock_admit) */
                     free_for(l, p->h, p->nh, p->take, p->all);
            if (!ok) {
                /* stays: later items must not take its keys */
                add_waits(sh, p, 1);
                if (p->src >= 0 && blocked_src[p->src] < (pass ? 2 : 1)) blocked_src[p->src] = pass ? 2 : 1;
                p->next = NULL;
                if (keep_tail) keep_tail->next = p;
                else keep = p;
                keep_tail = p;
                continue;
            }
            take_all(sh, p->src, p->h, p->nh, p->take, p->all);
            /* anything run() parks goes to the fresh queue */
            p->run(sh, p);
            free(p->h);
            free(p);
        }
        later = l->head;
        if (keep) {
            keep_tail->next = later;
            l->head = keep;
            if (!later) l->tail = keep_tail;
        }
    }
    sh->lock_live = l->n != 0 || l->head || l->whole;
}

/* ---- watches ---- */

static struct watchent *went_find(struct lock_state *l, uint64_t h, int dbid, const char *key, size_t len) {
    for (struct watchent *e = l->wtab[h & l->wmask]; e; e = e->next)
        if (e->h == h && e->dbid == dbid && e->klen == len && !memcmp(e->key, key, len)) return e;
    return NULL;
}

static void wtab_grow(struct lock_state *l) {
    size_t nm = l->wmask * 2 + 1;
    struct watchent **t = calloc(nm + 1, sizeof(*t));
    if (!t) abort();
    for (size_t i = 0; i <= l->wmask; i++)
        for (struct watchent *e = l->wtab[i], *n; e; e = n) {
            n = e->next;
            e->next = t[e->h & nm];
            t[e->h & nm] = e;
        }
    free(l->wtab);
    l->wtab = t;
    l->wmask = nm;
}

/* The key's object in db's table, expired or not (no lazy expiry). */
static struct kv *key_peek(struct db *db, const char *key, size_t len) {
    struct dict_pos pos;
    if (!dict_find(&db->keys, key, len, dict_hash(key, len), &pos)) return NULL;
    return dict_pos_kv(&pos);
}

/* Is the key in db logically expired (present in the table, past its TTL)? */
static int key_expired(struct shard *sh, int dbid, const char *key, size_t len) {
    if (dbid < 0 || dbid >= sh->ndb) return 0;
    struct kv *o = key_peek(&sh->dbs[dbid], key, len);
    return o && kv_expired(o);
}

void watch_add(struct shard *sh, long long client, int dbid, const char *key, size_t len) {
    struct lock_state *l = sh->lk;
    uint64_t h = lock_hash(dbid, key, len);
    struct watchent *e = went_find(l, h, dbid, key, len);
    if (!e) {
        if (l->wn > l->wmask) wtab_grow(l);
        e = calloc(1, sizeof(*e));
        if (!e) abort();
        e->h = h;
        e->dbid = dbid;
        e->klen = len;
        e->key = malloc(len ? len : 1);
        if (!e->key) abort();
        memcpy(e->key, key, len);
        e->next = l->wtab[h & l->wmask];
        l->wtab[h & l->wmask] = e;
        l->wn++;
        sh->watch_live = 1;
    }
    for (int i = 0; i < e->nreg; i++)
        if (e->reg[i].client == client) return;
    if (e->nreg == e->capreg) {
        e->capreg = e->capreg ? e->capreg * 2 : 2;
        e->reg = realloc(e->reg, sizeof(*e->reg) * (size_t)e->capreg);
        if (!e->reg) abort();
    }
    e->reg[e->nreg++] = (struct wreg){.client = client, .expired = (uint8_t)key_expired(sh, dbid, key, len)};
}

void watch_remove(struct shard *sh, long long client, int dbid, const char *key, size_t len) {
    struct lock_state *l = sh->lk;
    uint64_t h = lock_hash(dbid, key, len);
    struct watchent *e = went_find(l, h, dbid, key, len);
    if (!e) return;
    for (int i = 0; i < e->nreg; i++)
        if (e->reg[i].client == client) {
            e->reg[i] = e->reg[--e->nreg];
            break;
        }
    if (e->nreg) return;
    struct watchent **pp = &l->wtab[h & l->wmask];
    while (*pp != e) pp = &(*pp)->next;
    *pp = e->next;
    free(e->key);
    free(e->reg);
    free(e);
    l->wn--;
    sh->watch_live = l->wn != 0;
}

int watch_dirty(struct shard *sh, long long client) {
    struct lock_state *l = sh->lk;
    if (!l->wn) return 0;
    for (size_t i = 0; i <= l->wmask; i++)
        for (struct watchent *e = l->wtab[i]; e; e = e->next)
            for (int j = 0; j < e->nreg; j++) {
                struct wreg *r = &e->reg[j];
                if (r->client != client) continue;
                if (r->dirty) return 1;
                /* Redis 7.0: a key that expires while watched counts as changed */
                if (!r->expired && key_expired(sh, e->dbid, e->key, e->klen)) return 1;
            }
    return 0;
}

void lock_key_changed_slow(struct shard *sh, int dbid, const char *key, size_t len) {
    if (sh->blk_live) blk_key_changed(sh, dbid, key, len);
    if (!sh->watch_live) return;
    struct lock_state *l = sh->lk;
    struct watchent *e = went_find(l, lock_hash(dbid, key, len), dbid, key, len);
    if (!e) return;
    for (int j = 0; j < e->nreg; j++) {
        struct wreg *r = &e->reg[j];
        if (r->expired) {
            /* Redis 7.0: a key already expired at WATCH counts as absent;
             * its deletion is no change, anything that brings it back is */
            struct kv *o = dbid >= 0 && dbid < sh->ndb ? key_peek(&sh->dbs[dbid], key, len) : NULL;
            if (!o || kv_expired(o)) continue; /* (its "expired" event comes just before it goes) */
        }
        r->dirty = 1;
    }
}

void watch_db_replaced(struct shard *sh, struct db *db, struct db *other) {
    if (!sh->watch_live) return;
    struct lock_state *l = sh->lk;
    for (size_t i = 0; i <= l->wmask; i++)
        for (struct watchent *e = l->wtab[i]; e; e = e->next) {
            if (e->dbid != db->id && !(other && e->dbid == other->id)) continue;
            int exists = key_peek(db, e->key, e->klen) || (other && key_peek(other, e->key, e->klen));
            if (exists)
                for (int j = 0; j < e->nreg; j++) e->reg[j].dirty = 1;
        }
}
