/*
 * config.h - server configuration: defaults, redis.conf and command-line
 * loading, CONFIG GET / CONFIG SET.
 *
 * Every directive Redis 7.0 knows is listed once in the table in config.c.
 * The ones this server implements live in typed fields of struct config;
 * all others are accepted and "ignored": the loaders record a warning
 * ("Ignoring directive 'X': not supported yet", once per name) and keep the
 * raw value so CONFIG GET can still report it (Redis's default is reported
 * for ignored directives that were never set). Names nobody knows are
 * errors, reported in redis-server's own format.
 *
 * Ownership: struct config owns heap memory (strings, the ignored-value
 * store, the warning list). Never copy it with `=`; use config_copy() and
 * release with config_free(). Each shard thread may keep its own copy;
 * applying the same successful config_set() to every copy, or copying the
 * updated master copy, keeps them in step.
 *
 * Thread safety: none; a struct config must not be used by two threads at
 * once.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

/* The Redis version quoted in fatal config-file errors. */
#ifndef CONFIG_REDIS_VERSION
#define CONFIG_REDIS_VERSION "7.0.15"
#endif

#define CONFIG_BIND_MAX 16 /* most addresses `bind` accepts */

enum config_loglevel {
    CONFIG_LOGLEVEL_DEBUG,
    CONFIG_LOGLEVEL_VERBOSE,
    CONFIG_LOGLEVEL_NOTICE,
    CONFIG_LOGLEVEL_WARNING,
    CONFIG_LOGLEVEL_NOTHING
};

enum config_maxmemory_policy {
    CONFIG_MAXMEMORY_VOLATILE_LRU,
    CONFIG_MAXMEMORY_VOLATILE_LFU,
    CONFIG_MAXMEMORY_VOLATILE_RANDOM,
    CONFIG_MAXMEMORY_VOLATILE_TTL,
    CONFIG_MAXMEMORY_ALLKEYS_LRU,
    CONFIG_MAXMEMORY_ALLKEYS_LFU,
    CONFIG_MAXMEMORY_ALLKEYS_RANDOM,
    CONFIG_MAXMEMORY_NOEVICTION
};

/* Client classes of client-output-buffer-limit ("slave" = "replica"). */
enum config_obuf_class {
    CONFIG_OBUF_NORMAL,
    CONFIG_OBUF_REPLICA,
    CONFIG_OBUF_PUBSUB,
    CONFIG_OBUF_CLASSES
};

/* notify-keyspace-events classes (Redis's NOTIFY_* values). */
#define NOTIFY_KEYSPACE (1 << 0) /* K */
#define NOTIFY_KEYEVENT (1 << 1) /* E */
#define NOTIFY_GENERIC (1 << 2)  /* g */
#define NOTIFY_STRING (1 << 3)   /* $ */
#define NOTIFY_LIST (1 << 4)     /* l */
#define NOTIFY_SET (1 << 5)      /* s */
#define NOTIFY_HASH (1 << 6)     /* h */
#define NOTIFY_ZSET (1 << 7)     /* z */
#define NOTIFY_EXPIRED (1 << 8)  /* x */
#define NOTIFY_EVICTED (1 << 9)  /* e */
#define NOTIFY_STREAM (1 << 10)  /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m */
#define NOTIFY_MODULE (1 << 12)  /* d */
#define NOTIFY_NEW (1 << 13)     /* n */
#define NOTIFY_ALL                                                                             \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |   \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE) /* A */

/* Parse a notify-keyspace-events class string; -1 on an unknown letter. */
int config_notify_parse(const char *s);

struct config_obuf_limit {
    long long hard;         /* bytes; 0 = no hard limit */
    long long soft;         /* bytes; 0 = no soft limit */
    long long soft_seconds; /* how long the soft limit may be exceeded */
};

struct config {
    /* Network. bind[] holds the addresses exactly as written, a leading
     * '-' (meaning "skip if unavailable") included. */
    char *bind[CONFIG_BIND_MAX];
    int bind_count;
    int port;
    int tcp_backlog;
    int tcp_keepalive; /* seconds, 0 = off */
    int timeout;       /* client idle timeout in seconds, 0 = never */
    int protected_mode;
    long long maxclients;

    /* Threads. shards == 0 means "one per online CPU". */
    int shards;
    int cpu_affinity;
    int sched_batch; /* shard threads run as SCHED_BATCH (no wake-up preemption) */

    /* Process and logging. Empty strings mean "not set". */
    char *dir;
    char *dbfilename; /* the RDB file, in dir */
    int stop_writes_on_bgsave_error; /* MISCONF for writes while the last snapshot failed */
    int sanitize_dump_payload; /* 0 no, 1 yes, 2 clients: RESTORE's deep checks */
    char *logfile; /* "" = stdout */
    char *pidfile;
    int loglevel;  /* enum config_loglevel */
    int daemonize; /* accepted, never acted on (warned about) */

    int databases;
    int hz; /* always within 1..500 (out-of-range values are clamped) */
    long long busy_reply_threshold; /* ms a script runs before others get -BUSY (0: never) */
    char *requirepass;

    /* Protocol limits, bytes. */
    long long proto_max_bulk_len;
    long long client_query_buffer_limit;
    struct config_obuf_limit obuf[CONFIG_OBUF_CLASSES];

    /* Memory policy. */
    long long maxmemory; /* 0 = unlimited */
    int maxmemory_policy; /* enum config_maxmemory_policy */
    int maxmemory_samples;
    int maxmemory_eviction_tenacity; /* 0..100, see db/evict.c */
    int lfu_log_factor;
    int lfu_decay_time;

    /* Compact encodings of small collections: thresholds for converting to
     * the full structure (Redis's names; ziplist aliases accepted). */
    int list_max_listpack_size; /* >0 entries per node, -1..-5 = 4..64 KB */
    long long hash_max_listpack_entries, hash_max_listpack_value;
    long long set_max_intset_entries, set_max_listpack_entries, set_max_listpack_value;
    long long zset_max_listpack_entries, zset_max_listpack_value;
    long long hll_sparse_max_bytes; /* a sparse HyperLogLog grows dense past this */
    long long stream_node_max_bytes, stream_node_max_entries; /* a stream node's size */

    /* Persistence: stored and reported, not implemented yet. save holds the
     * normalised schedule ("3600 1 300 100"), "" when disabled. */
    char *save;
    int appendonly;

    int notify_keyspace_events; /* NOTIFY_* flags */

    /* Private to config.c. */
    int save_loaded;       /* a loader already replaced the default save */
    char **ignored_values; /* raw value per table entry, NULL = default */
    char **warnings;
    int nwarnings;
};

/* Fill *c with the defaults. Must be called before any other function; the
 * result must eventually be released with config_free(). */
void config_init(struct config *c);

/* Release everything *c owns; *c must be config_init()ed again before
 * reuse. */
void config_free(struct config *c);

/* Make *dst an independent deep copy of *src (warnings included). *dst must
 * not hold a live configuration (it is overwritten, not freed). */
void config_copy(struct config *dst, const struct config *src);

/* Load a redis.conf-syntax file on top of *c: '#' comments, blank lines,
 * arguments split with args_split(), case-insensitive directive names,
 * `include <path-or-glob>` (relative paths are relative to the current
 * directory, as in Redis; a glob that matches nothing is skipped), later
 * lines overriding earlier ones.
 * Returns 0 on success. On failure returns -1, leaves *c unchanged and sets
 * *err to a malloc'd message (caller frees) of the form
 *   *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
 *   Reading the configuration file 'PATH', at line N
 *   >>> 'LINE'
 *   REASON
 * without a trailing newline (redis-server prints it after a blank line), or
 * "Fatal error, can't open config file 'PATH': REASON" for unreadable files.
 * Warnings (ignored directives, unimplemented features) are appended to the
 * list read with config_warning(). */
int config_load_file(struct config *c, const char *path, char **err);

/* Apply redis-server style command-line options on top of *c. argv holds
 * only the options (no program name, no config file path): "--name" starts a
 * directive and the following words, until the next "--name", are its
 * arguments ("--port 7000 --bind 127.0.0.1 ::1 --save ''"). As in Redis, a
 * "--word" right after a bare "--name" is taken as that directive's
 * argument, a bare "--save" followed by another option or the end means
 * `save ""`, and "--port 7000" given as one word also works. Errors and
 * warnings as config_load_file(), the location being reported as Redis does
 * for options: "Reading the configuration file, at line N" with N = 2 for
 * the first directive, and the directive shown with quoted arguments. */
int config_load_args(struct config *c, int argc, char **argv, char **err);

/* CONFIG SET name value [name value ...]: all or nothing. Names are
 * case-insensitive; multi-argument directives (bind, save,
 * client-output-buffer-limit) split their value on single spaces, as Redis
 * does. Returns 0, or -1 with *err a malloc'd error line ready for
 * reply_error() (no leading '-'), word for word as Redis 7.0:
 *   ERR Unknown option or number of arguments for CONFIG SET - 'foo'
 *   ERR CONFIG SET failed (possibly related to argument 'port') - REASON
 * REASON being a value error, "can't set immutable config",
 * "can't set protected config" (dir, dbfilename unless
 * enable-protected-configs is "yes") or "duplicate parameter". Ignored
 * directives are accepted and their raw value stored. On failure *c is
 * unchanged. npairs == 0 succeeds and does nothing. */
/* Replace a string setting's value (a copy of v). */
void config_replace_str(char **slot, const char *v);
int config_set(struct config *c, int npairs, const char **names,
               const char **values, char **err);

/* CONFIG GET pattern: call emit(ctx, name, value) for each directive whose
 * name or alias matches `pattern` (glob, case-insensitive). Like Redis, a
 * pattern without any of "*?[" is an exact, case-insensitive lookup that
 * echoes the name as given and also finds hidden directives; glob patterns
 * skip hidden ones and report aliases as separate entries. Values are
 * formatted as Redis does (plain byte counts, yes/no, enum names, bind and
 * save space-joined, client-output-buffer-limit in its long form). `value`
 * is only valid during the call. */
void config_get(const struct config *c, const char *pattern,
                void (*emit)(void *ctx, const char *name, const char *value),
                void *ctx);

/* CONFIG GET with several patterns: like config_get() for each, but a name
 * already emitted (compared case-insensitively) is not emitted again, as in
 * Redis. */
void config_get_multi(const struct config *c, int npatterns,
                      const char **patterns,
                      void (*emit)(void *ctx, const char *name,
                                   const char *value),
                      void *ctx);

/* Parse a Redis memory value: digits optionally followed by a unit,
 * case-insensitive: b (1), k (1000), kb (1024), m (1000^2), mb (1024^2),
 * g (1000^3), gb (1024^3). No sign, no spaces, no fractions. Like Redis, an
 * empty digit string counts as 0 ("" and "mb" parse as 0). Returns 0 and
 * sets *out, or -1 on a malformed value or one that overflows long long. */
int config_memtoll(const char *s, long long *out);

/* Warnings collected by the loaders, oldest first, each distinct text once:
 * "Ignoring directive 'X': not supported yet" and notes about accepted but
 * unimplemented settings (save, appendonly yes, daemonize yes). Meant to be
 * logged by main once loading is done. */
int config_warning_count(const struct config *c);
const char *config_warning(const struct config *c, int i);
void config_clear_warnings(struct config *c);

#endif
