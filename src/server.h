/*
 * server.h - the types every part of the server shares: the shard (one per
 * core), the client connection, the execution context a command handler sees
 * (struct client), and the command table entry.
 *
 * Ownership in one paragraph: a shard thread owns its struct shard, its
 * databases, its connections and everything they point to. Other shards
 * reach it only through its incoming xrings, with messages that carry copies
 * (see shard/xmsg.h). A handler's argv points into a receive buffer or a
 * message body and is valid only until the handler returns.
 */
#ifndef SERVER_H
#define SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "config.h"
#include "db/db.h"
#include "db/lru.h"
#include "resp/parse.h"
#include "resp/reply.h"
#include "util/buf.h"

#define REDIS_COMPAT_VERSION "7.0.15"
#define RS_VERSION "0.1.0"
#define MAX_SHARDS 1024

struct shard;
struct conn;
struct command;
struct xmsg;
struct dsend;
struct lock_state;
struct blk_state;

struct arg {
    const char *p;
    size_t len;
};

/* Where blk_wait (txn/block.h) reports on a blocking command that found
 * nothing, for the callers that ask (client.blk). */
struct blk_out {
    int would_block;    /* noblock 2: it would wait */
    long long deadline; /* until when (0: for ever) */
    void *bw;           /* a remote request: its waiter, now parked */
    /* or a reply that comes later (a script run holding every shard): told
     * where it goes once the request's own reply entry is withdrawn */
    void (*defer)(struct shard *sh, void *arg, int src, uint64_t cookie);
    void *defer_arg;
    /* a command the coordinator runs on copies (not an EXEC's body) may
     * give up and run again by itself (a script that needs a key it did
     * not declare): it sets restarted, its copies are not written back and
     * its reply is empty (the new run's comes after it) */
    int restart_ok, restarted;
    /* a blocked command run again because a key it waits on changed */
    int retry;
    /* noblock 2: the arguments to wait with, when not the command's own
     * (blk_wait_argv); owned here, freed by whoever gave the blk_out */
    struct arg *wait_argv;
    int wait_argc;
    struct buf wait_bytes;
};

/* What a command handler runs with. */
struct client {
    struct shard *sh;
    struct conn *conn;     /* NULL when running for another shard */
    struct db *db;         /* the selected database */
    int dbid;
    int resp;              /* 2 or 3 */
    int argc;
    int16_t src;           /* the shard the command came from (this one for local clients) */
    uint8_t part;          /* one shard's share of a fanned-out command: counted once, at the origin */
    uint8_t noblock;       /* 1: inside EXEC, a blocking command runs as its non-blocking form;
                            * 2: run by the coordinator, which does the waiting */
    uint8_t from_script;   /* called by a script (redis.call) */
    struct arg *argv;
    struct buf *out;       /* where the reply goes */
    const struct command *cmd;
    struct db *(*db_for)(struct client *c, int id); /* another database by index */
    struct blk_out *blk;   /* see struct blk_out; NULL: a local client's wait needs none */
    void *ctx;             /* private to db_for */
};

/* Command flags */
#define CMD_WRITE 0x0001
#define CMD_READONLY 0x0002
#define CMD_DENYOOM 0x0004
#define CMD_ADMIN 0x0008
#define CMD_FAST 0x0010
#define CMD_NOSCRIPT 0x0020
#define CMD_LOADING 0x0040
#define CMD_STALE 0x0080
#define CMD_PUBSUB 0x0100
#define CMD_NOAUTH 0x0200
#define CMD_INTERNAL 0x0400  /* only ever sent between shards */
#define CMD_PARENT 0x0800    /* has subcommands */
#define CMD_RANDOM 0x1000    /* nondeterministic output */
#define CMD_SORT 0x2000      /* to_sort_for_scripts */
#define CMD_MULTIKEY_COORD 0x4000 /* keys may be in another db (COPY DB) */
#define CMD_SUBCTX 0x8000 /* allowed while a RESP2 client is subscribed */
#define CMD_BLOCKING 0x10000 /* may wait for data (BLPOP...): never delegated */
#define CMD_ALLOW_BUSY 0x20000 /* runs while a script is busy (allow_busy) */
#define CMD_SCRIPT_RUN 0x40000 /* runs a script (EVAL, FCALL...): may come to lock every shard */

/* Where a command runs. */
enum route {
    R_LOCAL, /* on the connection's shard, no keys */
    R_KEYS,  /* on the shard owning its keys; split or coordinate if several */
    R_ALL,   /* on every shard, results combined */
};

/* How partial results from several shards become one reply. */
enum combine {
    C_NONE,   /* never spans shards */
    C_ARRAY,  /* R_KEYS: one element per key, in key order (MGET) */
    C_SUM,    /* integers added (DEL, EXISTS, DBSIZE) */
    C_OK,     /* +OK if every part said OK, else the first error */
    C_CONCAT, /* R_ALL: arrays concatenated (KEYS) */
    C_COORD,  /* R_KEYS: fetch values, run here, write back (RENAME, MSETNX) */
    C_FUNC,   /* R_ALL: the command's own combine function */
};

struct gather;
struct command {
    const char *name;      /* "get", or "config|get" for a subcommand */
    void (*proc)(struct client *c);
    int arity;
    uint32_t flags;
    int first_key, last_key, key_step;
    enum route route;
    enum combine combine;
    const char *group;
    /* optional: custom combine for C_FUNC (writes the whole reply to out) */
    void (*combine_fn)(struct gather *g, struct buf *out, int resp);
    /* key positions that depend on the arguments (numkeys, STORE): fills
     * pos with argv indexes, returns the count; NULL = first/last/step */
    int (*keys_fn)(const struct arg *argv, int argc, int *pos, int max);
    int id;
    int nsub;
    const struct command *const *subs; /* filled at startup for parents */
    const struct command *parent;
};

/* Per-command statistics, one row per shard. */
struct cmd_stat {
    long long calls, rejected, failed;
    unsigned long long ticks; /* time spent, in ticks_now() units */
};

#define MAX_ERR_KINDS 64
struct shard_stats {
    long long connections_received;
    long long commands_processed;
    long long net_input_bytes, net_output_bytes;
    long long reads_processed, writes_processed; /* receives with data, sends issued */
    long long expired_keys, evicted_keys;
    long long keyspace_hits, keyspace_misses;
    long long rejected_conn;
    long long total_error_replies;
    long long expired_stale_perc; /* unused placeholder kept at 0 */
    char err_name[MAX_ERR_KINDS][32];
    long long err_count[MAX_ERR_KINDS];
    int nerr;
};

/* Provided by src/server/conn.c */
struct conn;

enum { PAUSE_NONE, PAUSE_WRITE, PAUSE_ALL };

/* Output buffers kept for reuse by a shard (at most OBUF_POOL_BYTES). */
#define OBUF_POOL_MAX 64
#define OBUF_POOL_BYTES (1024 * 1024)

struct shard {
    int id;
    struct config cfg; /* this shard's copy; CONFIG SET updates every copy */
    struct io *io;
    int ring_fd;
    int thr_idx; /* its place among the shards of its thread; 0 reports the thread's CPU time */
    int listen_fd[16];
    int nlisten;
    struct db *dbs;
    int ndb;
    struct shard_stats st;
    struct lfu_params lfu; /* from the config; every db points here */
    struct cmd_stat *cmdstat; /* indexed by command id */

    /* cross-shard messaging */
    struct xring **in;        /* in[src] */
    struct xring **out;       /* out[dst] */
    struct xmsg **batch;      /* batch being built for dst this iteration */
    struct xmsg **backlog_head, **backlog_tail; /* batches that found a full ring */
    struct dsend *dsend;                        /* replies this shard sends on other shards' sockets */
    int open_dst;      /* a request's reply entry is being written into the batch for open_dst: */
    struct buf late;   /* entries for it queued meanwhile wait here, then follow the reply */
    uint32_t late_n;
    int deleg_last;                             /* the command being dispatched ends its input */
    int coord_starting;                         /* inside coord_start: the op may complete at once */
    int no_delegate; /* REDIS_SHARD_TEST_NO_DELEGATE: always reply via the origin */
    int deleg_async; /* REDIS_SHARD_TEST_DELEG_ASYNC: delegated sends only through the ring */
    _Atomic int sleeping;

    /* transactions (src/txn/) */
    struct lock_state *lk; /* key locks, parked work, watched keys */
    int lock_live;         /* locks held or work parked: commands look at the lock table */
    int watch_live;        /* some key here is watched */
    uint64_t txn_seq;      /* ids of the transactions this shard starts */
    struct txn *txn_pool;  /* ended transactions kept for reuse (txn.c) */
    int txn_pooled;
    struct gather *gather_pool; /* freed gathers kept for reuse (dispatch.c) */
    int gather_pooled;
    struct coord *coord_pool;   /* ended coordinations kept for reuse (coord.c) */
    int coord_pooled;
    struct buf txn_h;      /* scratch: the lock hashes of the command being admitted */
    struct arg *xargv;     /* scratch: the arguments of a transaction's command being run */
    struct db *empty_db;   /* always empty: handlers check their syntax against it (txn/move.c) */
    int xargv_cap;
    struct blk_state *bk;  /* clients waiting for keys here (txn/block.c) */
    int blk_ready;         /* keys got data: serve their waiters after this command */
    int blk_live;          /* clients wait on keys here */
    long blocked_clients;  /* this shard's clients in a blocking command (INFO) */
    uint64_t whole_act;    /* dispatching the body of this whole-shard EXEC: what it sends passes its locks */
    int whole_kids;        /* transactions its body started, still running */
    int whole_resume;      /* they ended: dispatch the rest of the body (multi_whole_resume) */
    struct gexec *whole_g; /* that EXEC, while this shard is its origin */

    /* persistence (src/persist/): key changes, read by other threads for INFO */
    _Atomic long long dirty;
    _Atomic long long dirty_saved; /* `dirty` as of the last saved snapshot */
    void *snap;                    /* the snapshot running here (persist/bgsave.c), or NULL */
    long long snap_next_us;        /* ... and when its next slice is due (mono_us) */

    /* scripts (src/script/) */
    struct lua_shard *lua; /* this shard's Lua state, made on first use */
    void (*lua_close)(struct shard *sh); /* frees it as the shard ends (set with it) */

    /* connections */
    struct conn *flush_head; /* connections with output to send */
    struct conn *bulk_head, *bulk_tail; /* subscribers with output to send, in turn */
    /* Set by pubsub_watch around a subscribed client's command: where its
     * own keyspace events go (ahead of notify_hole; after the reply once
     * reply_watch has grown past reply_at; notify_conn: the client, running
     * here). */
    struct oseg *notify_hole;
    struct conn *notify_conn;
    struct buf *reply_watch;
    size_t reply_at;
    size_t notify_split; /* notify_q length when the reply began, or SIZE_MAX */
    struct conn **rearm;     /* connections whose recv must be re-armed */
    size_t rearm_n, rearm_cap;
    struct conn *conns;      /* all connections, least recently active first */
    struct conn *conns_tail; /* most recently active */
    struct oseg *seg_pool;   /* free output segments (in seg_blocks) */
    int seg_pool_n;
    int seg_pool_low;        /* fewest free segments since the last cron tick */
    struct seg_block *seg_blocks; /* the blocks segments are cut from */
    int seg_blocks_empty;    /* blocks none of whose segments is in use */
    long nconns;
    struct pubsub *pubsub;   /* subscriptions of this shard's connections */
    int pause_type;          /* CLIENT PAUSE on this shard: PAUSE_NONE/WRITE/ALL */
    long long pause_end_ms;
    struct conn **paused;    /* connections holding a command until the pause ends */
    size_t paused_n, paused_cap;
    struct conn **obuf_watch; /* clients whose output reached a limit's size */
    size_t obuf_watch_n, obuf_watch_cap;
    struct buf obuf_pool[OBUF_POOL_MAX]; /* output buffers of idle connections */
    int obuf_pool_n;
    int obuf_pool_low;       /* fewest pooled buffers since the last cron tick */
    size_t obuf_pool_bytes;

    /* scratch for parsing */
    struct resp_spans spans;
    struct arg *argv;
    size_t argv_cap;
    struct buf inline_buf;
    struct conn *running;       /* the connection whose command runs now (process in conn.c) */

    /* cron */
    _Atomic long long ops_per_sec; /* read by INFO on any shard */
    long long ops_last_count;
    long long ops_last_ms;
    unsigned long long loops, cron_loops; /* loop iterations: now, at the last tick */
    int quiet;        /* idle (only the timer ran) since busy_ms + QUIET_MS */
    long long busy_ms; /* the last tick that found other work done */
    int release_bufs; /* give receive buffer pages back at the end of the iteration */
    unsigned long long expire_cursor;
    int expire_db;
};

extern struct shard **g_shards;
extern int g_nshards;
extern _Atomic int g_shutdown;
/* A script has run longer than busy-reply-threshold: 1 an EVAL, 2 a
 * function (src/script/); commands without CMD_ALLOW_BUSY get -BUSY. */
extern _Atomic int g_script_busy;
#define ERR_BUSY_EVAL "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
#define ERR_BUSY_FUNCTION "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
extern _Atomic long g_clients;       /* open connections over all shards */
extern _Atomic long long g_next_client_id;
extern long long g_start_time_ms;
extern char g_config_file[4096];
extern char g_executable[4096];
extern _Atomic long long g_lastsave;
/* the last snapshot could not be written (stop-writes-on-bgsave-error) */
extern _Atomic int g_rdb_save_failed;
/* SHUTDOWN's choice: 1 SAVE, -1 NOSAVE, 0 as the save points say */
extern _Atomic int g_shutdown_save;
/* FLUSHALL's save of the empty dataset when save points are set, as Redis
 * 7.0 does (src/persist/ sets it; called by one shard) */
extern void (*g_flushall_save)(struct shard *sh);
/* INFO's persistence section (src/persist/ sets it) */
extern void (*g_persist_info)(struct buf *b);
extern char g_run_id[41];
extern _Atomic size_t g_mem_peak;

/* Slot -> shard: each shard owns a contiguous slot range. */
extern uint16_t g_slot_shard[16384];
int shard_for_key(const char *key, size_t len);

/* The shard running on this thread. */
extern _Thread_local struct shard *tl_shard;

/* Errors: count then reply. `msg` is the full error line without '-'. */
void reply_err(struct client *c, const char *msg);
void reply_errf(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void stats_count_error(struct shard *sh, const char *msg);

#endif
