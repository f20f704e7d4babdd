/*
 * config.c - the configuration table, the redis.conf / command-line
 * loaders, and CONFIG GET / CONFIG SET.
 *
 * Everything is driven by CONFIG_TABLE, one X-macro line per directive
 * (name, alias, type, field offset, default, min, max, flags). The directive
 * type selects how a value is parsed into struct config and formatted back;
 * defaults go through the same parsers at config_init() time, so what
 * CONFIG GET prints for a default is exactly what it would print after
 * setting that value. Directives of type T_IGN are known to Redis 7.0 but not
 * implemented here: they are accepted, warned about once, and their raw
 * value is kept in c->ignored_values for CONFIG GET.
 *
 * Behaviour and message texts follow redis-server 7.0.15 (checked against
 * the real binary); see config.h for the contracts.
 */
#include "config.h"

#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>

#include "util/args.h"
#include "util/glob.h"

/* How a directive's value is stored. */
enum config_type {
    T_BOOL,    /* int, yes/no */
    T_INT,     /* int, integer within [min, max] */
    T_LL,      /* long long, integer within [min, max] */
    T_MEM,     /* long long, memory value within [min, max] */
    T_CLAMP,   /* int, any integer in [0, INT_MAX], clamped to [min, max] */
    T_ENUM,    /* int, one name of the value set `min` */
    T_STR,     /* char *, any string */
    T_BIND,    /* bind[] + bind_count */
    T_SAVE,    /* char *save, normalised "secs changes ..." */
    T_OBUF,    /* obuf[] */
    T_NOTIFY,  /* int, NOTIFY_* flags from a class string ("KEA") */
    T_INCLUDE, /* the include directive */
    T_IGN      /* known to Redis, not implemented: raw value kept */
};

enum config_flag {
    F_IMM = 1 << 0,    /* CONFIG SET: "can't set immutable config" */
    F_PROT = 1 << 1,   /* CONFIG SET: "can't set protected config" */
    F_HIDDEN = 1 << 2, /* CONFIG GET: exact name only, never by pattern */
    F_NOGET = 1 << 3,  /* file-only directive, unknown to CONFIG GET/SET */
    F_MULTI = 1 << 4   /* takes any number of arguments */
};

enum config_enum_set { E_LOGLEVEL, E_POLICY, E_SANITIZE };

static const char *const config_loglevel_names[] = {
    "debug", "verbose", "notice", "warning", "nothing", NULL};
static const char *const config_policy_names[] = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction", NULL};
static const char *const config_sanitize_names[] = {"no", "yes", "clients", NULL};
static const char *const *const config_enum_sets[] = {
    [E_LOGLEVEL] = config_loglevel_names,
    [E_POLICY] = config_policy_names,
    [E_SANITIZE] = config_sanitize_names,
};

#define OFF(field) offsetof(struct config, field)
#define NOFF 0

/* One line per directive: name, alias, type, field, default, min, max,
 * flags. For T_ENUM `min` names the value set. Defaults of T_IGN entries are
 * what redis-server 7.0.15 reports in CONFIG GET. The first block is
 * implemented, the second holds file-only directives, the rest (sorted) are
 * accepted and ignored. */
#define CONFIG_TABLE(X) \
    X("bind", NULL, T_BIND, OFF(bind), "* -::*", 0, 0, F_MULTI) \
    X("port", NULL, T_INT, OFF(port), "6379", 0, 65535, 0) \
    X("tcp-backlog", NULL, T_INT, OFF(tcp_backlog), "511", 0, INT_MAX, F_IMM) \
    X("tcp-keepalive", NULL, T_INT, OFF(tcp_keepalive), "300", 0, INT_MAX, 0) \
    X("timeout", NULL, T_INT, OFF(timeout), "0", 0, INT_MAX, 0) \
    X("protected-mode", NULL, T_BOOL, OFF(protected_mode), "yes", 0, 0, 0) \
    X("maxclients", NULL, T_LL, OFF(maxclients), "10000", 1, UINT_MAX, 0) \
    X("shards", NULL, T_INT, OFF(shards), "0", 0, 1024, F_IMM) \
    X("cpu-affinity", NULL, T_BOOL, OFF(cpu_affinity), "yes", 0, 0, F_IMM) \
    X("sched-batch", NULL, T_BOOL, OFF(sched_batch), "no", 0, 0, F_IMM) \
    X("dir", NULL, T_STR, OFF(dir), "./", 0, 0, F_PROT) \
    X("logfile", NULL, T_STR, OFF(logfile), "", 0, 0, F_IMM) \
    X("pidfile", NULL, T_STR, OFF(pidfile), "", 0, 0, F_IMM) \
    X("loglevel", NULL, T_ENUM, OFF(loglevel), "notice", E_LOGLEVEL, 0, 0) \
    X("daemonize", NULL, T_BOOL, OFF(daemonize), "no", 0, 0, F_IMM) \
    X("databases", NULL, T_INT, OFF(databases), "16", 1, INT_MAX, F_IMM) \
    X("hz", NULL, T_CLAMP, OFF(hz), "10", 1, 500, 0) \
    X("requirepass", NULL, T_STR, OFF(requirepass), "", 0, 0, 0) \
    X("proto-max-bulk-len", NULL, T_MEM, OFF(proto_max_bulk_len), "512mb", \
      1048576, LLONG_MAX, 0) \
    X("client-query-buffer-limit", NULL, T_MEM, \
      OFF(client_query_buffer_limit), "1gb", 1048576, LLONG_MAX, 0) \
    X("client-output-buffer-limit", NULL, T_OBUF, OFF(obuf), \
      "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60", 0, 0, F_MULTI) \
    X("maxmemory", NULL, T_MEM, OFF(maxmemory), "0", 0, LLONG_MAX, 0) \
    X("maxmemory-policy", NULL, T_ENUM, OFF(maxmemory_policy), "noeviction", \
      E_POLICY, 0, 0) \
    X("maxmemory-samples", NULL, T_INT, OFF(maxmemory_samples), "5", 1, \
      INT_MAX, 0) \
    X("maxmemory-eviction-tenacity", NULL, T_INT, \
      OFF(maxmemory_eviction_tenacity), "10", 0, 100, 0) \
    X("lfu-log-factor", NULL, T_INT, OFF(lfu_log_factor), "10", 0, INT_MAX, 0) \
    X("lfu-decay-time", NULL, T_INT, OFF(lfu_decay_time), "1", 0, INT_MAX, 0) \
    X("save", NULL, T_SAVE, OFF(save), "3600 1 300 100 60 10000", 0, 0, \
      F_MULTI) \
    X("appendonly", NULL, T_BOOL, OFF(appendonly), "no", 0, 0, 0) \
    X("notify-keyspace-events", NULL, T_NOTIFY, OFF(notify_keyspace_events), \
      "", 0, 0, 0) \
    X("include", NULL, T_INCLUDE, NOFF, "", 0, 0, F_NOGET) \
    X("rename-command", NULL, T_IGN, NOFF, "", 0, 0, F_NOGET) \
    X("user", NULL, T_IGN, NOFF, "", 0, 0, F_NOGET) \
    X("loadmodule", NULL, T_IGN, NOFF, "", 0, 0, F_NOGET) \
    X("sentinel", NULL, T_IGN, NOFF, "", 0, 0, F_NOGET) \
    X("list-max-ziplist-entries", NULL, T_IGN, NOFF, "", 0, 0, F_NOGET) \
    X("list-max-ziplist-value", NULL, T_IGN, NOFF, "", 0, 0, F_NOGET) \
    X("lua-replicate-commands", NULL, T_IGN, NOFF, "", 0, 0, F_NOGET) \
    X("acl-pubsub-default", NULL, T_IGN, NOFF, "resetchannels", 0, 0, 0) \
    X("aclfile", NULL, T_IGN, NOFF, "", 0, 0, F_IMM) \
    X("acllog-max-len", NULL, T_IGN, NOFF, "128", 0, 0, 0) \
    X("active-defrag-cycle-max", NULL, T_IGN, NOFF, "25", 0, 0, 0) \
    X("active-defrag-cycle-min", NULL, T_IGN, NOFF, "1", 0, 0, 0) \
    X("active-defrag-ignore-bytes", NULL, T_IGN, NOFF, "104857600", 0, 0, 0) \
    X("active-defrag-max-scan-fields", NULL, T_IGN, NOFF, "1000", 0, 0, 0) \
    X("active-defrag-threshold-lower", NULL, T_IGN, NOFF, "10", 0, 0, 0) \
    X("active-defrag-threshold-upper", NULL, T_IGN, NOFF, "100", 0, 0, 0) \
    X("active-expire-effort", NULL, T_IGN, NOFF, "1", 0, 0, 0) \
    X("activedefrag", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("activerehashing", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("always-show-logo", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("aof-disable-auto-gc", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("aof-load-truncated", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("aof-rewrite-incremental-fsync", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("aof-timestamp-enabled", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("aof-use-rdb-preamble", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("aof_rewrite_cpulist", NULL, T_IGN, NOFF, "", 0, 0, F_IMM) \
    X("appenddirname", NULL, T_IGN, NOFF, "appendonlydir", 0, 0, F_IMM) \
    X("appendfilename", NULL, T_IGN, NOFF, "appendonly.aof", 0, 0, F_IMM) \
    X("appendfsync", NULL, T_IGN, NOFF, "everysec", 0, 0, 0) \
    X("auto-aof-rewrite-min-size", NULL, T_IGN, NOFF, "67108864", 0, 0, 0) \
    X("auto-aof-rewrite-percentage", NULL, T_IGN, NOFF, "100", 0, 0, 0) \
    X("bgsave_cpulist", NULL, T_IGN, NOFF, "", 0, 0, F_IMM) \
    X("bind-source-addr", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("bio_cpulist", NULL, T_IGN, NOFF, "", 0, 0, F_IMM) \
    X("busy-reply-threshold", "lua-time-limit", T_LL, OFF(busy_reply_threshold), "5000", 0, LLONG_MAX, 0) \
    X("cluster-allow-pubsubshard-when-down", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("cluster-allow-reads-when-down", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("cluster-allow-replica-migration", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("cluster-announce-bus-port", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("cluster-announce-hostname", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("cluster-announce-ip", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("cluster-announce-port", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("cluster-announce-tls-port", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("cluster-config-file", NULL, T_IGN, NOFF, "nodes.conf", 0, 0, F_IMM) \
    X("cluster-enabled", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("cluster-link-sendbuf-limit", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("cluster-migration-barrier", NULL, T_IGN, NOFF, "1", 0, 0, 0) \
    X("cluster-node-timeout", NULL, T_IGN, NOFF, "15000", 0, 0, 0) \
    X("cluster-port", NULL, T_IGN, NOFF, "0", 0, 0, F_IMM) \
    X("cluster-preferred-endpoint-type", NULL, T_IGN, NOFF, "ip", 0, 0, 0) \
    X("cluster-replica-no-failover", "cluster-slave-no-failover", T_IGN, NOFF, "no", 0, 0, 0) \
    X("cluster-replica-validity-factor", "cluster-slave-validity-factor", T_IGN, NOFF, "10", 0, 0, 0) \
    X("cluster-require-full-coverage", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("crash-log-enabled", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("crash-memcheck-enabled", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("dbfilename", NULL, T_STR, OFF(dbfilename), "dump.rdb", 0, 0, F_PROT) \
    X("disable-thp", NULL, T_IGN, NOFF, "yes", 0, 0, F_IMM) \
    X("dynamic-hz", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("enable-debug-command", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("enable-module-command", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("enable-protected-configs", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("hash-max-listpack-entries", "hash-max-ziplist-entries", T_LL, OFF(hash_max_listpack_entries), "512", 0, LLONG_MAX, 0) \
    X("hash-max-listpack-value", "hash-max-ziplist-value", T_LL, OFF(hash_max_listpack_value), "64", 0, LLONG_MAX, 0) \
    X("hll-sparse-max-bytes", NULL, T_MEM, OFF(hll_sparse_max_bytes), "3000", 0, LONG_MAX, 0) \
    X("stream-node-max-bytes", NULL, T_MEM, OFF(stream_node_max_bytes), "4096", 0, LONG_MAX, 0) \
    X("stream-node-max-entries", NULL, T_LL, OFF(stream_node_max_entries), "100", 0, LLONG_MAX, 0) \
    X("ignore-warnings", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("io-threads", NULL, T_IGN, NOFF, "1", 0, 0, F_IMM) \
    X("io-threads-do-reads", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("jemalloc-bg-thread", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("key-load-delay", NULL, T_IGN, NOFF, "0", 0, 0, F_HIDDEN) \
    X("latency-monitor-threshold", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("latency-tracking", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("latency-tracking-info-percentiles", NULL, T_IGN, NOFF, "50 99 99.9", 0, 0, 0) \
    X("lazyfree-lazy-eviction", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("lazyfree-lazy-expire", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("lazyfree-lazy-server-del", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("lazyfree-lazy-user-del", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("lazyfree-lazy-user-flush", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("list-compress-depth", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("list-max-listpack-size", "list-max-ziplist-size", T_INT, OFF(list_max_listpack_size), "-2", INT_MIN, INT_MAX, 0) \
    X("loading-process-events-interval-bytes", NULL, T_IGN, NOFF, "2097152", 0, 0, F_HIDDEN) \
    X("masterauth", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("masteruser", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("maxmemory-clients", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("min-replicas-max-lag", "min-slaves-max-lag", T_IGN, NOFF, "10", 0, 0, 0) \
    X("min-replicas-to-write", "min-slaves-to-write", T_IGN, NOFF, "0", 0, 0, 0) \
    X("no-appendfsync-on-rewrite", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("oom-score-adj", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("oom-score-adj-values", NULL, T_IGN, NOFF, "0 200 800", 0, 0, 0) \
    X("proc-title-template", NULL, T_IGN, NOFF, "{title} {listen-addr} {server-mode}", 0, 0, 0) \
    X("propagation-error-behavior", NULL, T_IGN, NOFF, "ignore", 0, 0, 0) \
    X("rdb-del-sync-files", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("rdb-key-save-delay", NULL, T_IGN, NOFF, "0", 0, 0, F_HIDDEN) \
    X("rdb-save-incremental-fsync", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("rdbchecksum", NULL, T_IGN, NOFF, "yes", 0, 0, F_IMM) \
    X("rdbcompression", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("repl-backlog-size", NULL, T_IGN, NOFF, "1048576", 0, 0, 0) \
    X("repl-backlog-ttl", NULL, T_IGN, NOFF, "3600", 0, 0, 0) \
    X("repl-disable-tcp-nodelay", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("repl-diskless-load", NULL, T_IGN, NOFF, "disabled", 0, 0, 0) \
    X("repl-diskless-sync", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("repl-diskless-sync-delay", NULL, T_IGN, NOFF, "5", 0, 0, 0) \
    X("repl-diskless-sync-max-replicas", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("repl-ping-replica-period", "repl-ping-slave-period", T_IGN, NOFF, "10", 0, 0, 0) \
    X("repl-timeout", NULL, T_IGN, NOFF, "60", 0, 0, 0) \
    X("replica-announce-ip", "slave-announce-ip", T_IGN, NOFF, "", 0, 0, 0) \
    X("replica-announce-port", "slave-announce-port", T_IGN, NOFF, "0", 0, 0, 0) \
    X("replica-announced", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("replica-ignore-disk-write-errors", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("replica-ignore-maxmemory", "slave-ignore-maxmemory", T_IGN, NOFF, "yes", 0, 0, 0) \
    X("replica-lazy-flush", "slave-lazy-flush", T_IGN, NOFF, "no", 0, 0, 0) \
    X("replica-priority", "slave-priority", T_IGN, NOFF, "100", 0, 0, 0) \
    X("replica-read-only", "slave-read-only", T_IGN, NOFF, "yes", 0, 0, 0) \
    X("replica-serve-stale-data", "slave-serve-stale-data", T_IGN, NOFF, "yes", 0, 0, 0) \
    X("replicaof", "slaveof", T_IGN, NOFF, "", 0, 0, F_IMM) \
    X("sanitize-dump-payload", NULL, T_ENUM, OFF(sanitize_dump_payload), "no", E_SANITIZE, 0, 0) \
    X("server_cpulist", NULL, T_IGN, NOFF, "", 0, 0, F_IMM) \
    X("set-max-intset-entries", NULL, T_LL, OFF(set_max_intset_entries), "512", 0, LLONG_MAX, 0) \
    X("set-max-listpack-entries", NULL, T_LL, OFF(set_max_listpack_entries), "128", 0, LLONG_MAX, 0) \
    X("set-max-listpack-value", NULL, T_LL, OFF(set_max_listpack_value), "64", 0, LLONG_MAX, 0) \
    X("set-proc-title", NULL, T_IGN, NOFF, "yes", 0, 0, F_IMM) \
    X("shutdown-on-sigint", NULL, T_IGN, NOFF, "default", 0, 0, 0) \
    X("shutdown-on-sigterm", NULL, T_IGN, NOFF, "default", 0, 0, 0) \
    X("shutdown-timeout", NULL, T_IGN, NOFF, "10", 0, 0, 0) \
    X("slowlog-log-slower-than", NULL, T_IGN, NOFF, "10000", 0, 0, 0) \
    X("slowlog-max-len", NULL, T_IGN, NOFF, "128", 0, 0, 0) \
    X("socket-mark-id", NULL, T_IGN, NOFF, "0", 0, 0, F_IMM) \
    X("stop-writes-on-bgsave-error", NULL, T_BOOL, OFF(stop_writes_on_bgsave_error), "yes", 0, 0, 0) \
    X("supervised", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("syslog-enabled", NULL, T_IGN, NOFF, "no", 0, 0, F_IMM) \
    X("syslog-facility", NULL, T_IGN, NOFF, "local0", 0, 0, F_IMM) \
    X("syslog-ident", NULL, T_IGN, NOFF, "redis", 0, 0, F_IMM) \
    X("tls-auth-clients", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("tls-ca-cert-dir", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-ca-cert-file", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-cert-file", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-ciphers", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-ciphersuites", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-client-cert-file", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-client-key-file", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-client-key-file-pass", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-cluster", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("tls-dh-params-file", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-key-file", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-key-file-pass", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-port", NULL, T_IGN, NOFF, "0", 0, 0, 0) \
    X("tls-prefer-server-ciphers", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("tls-protocols", NULL, T_IGN, NOFF, "", 0, 0, 0) \
    X("tls-replication", NULL, T_IGN, NOFF, "no", 0, 0, 0) \
    X("tls-session-cache-size", NULL, T_IGN, NOFF, "20480", 0, 0, 0) \
    X("tls-session-cache-timeout", NULL, T_IGN, NOFF, "300", 0, 0, 0) \
    X("tls-session-caching", NULL, T_IGN, NOFF, "yes", 0, 0, 0) \
    X("tracking-table-max-keys", NULL, T_IGN, NOFF, "1000000", 0, 0, 0) \
    X("unixsocket", NULL, T_IGN, NOFF, "", 0, 0, F_IMM) \
    X("unixsocketperm", NULL, T_IGN, NOFF, "0", 0, 0, F_IMM) \
    X("use-exit-on-panic", NULL, T_IGN, NOFF, "no", 0, 0, F_HIDDEN) \
    X("watchdog-period", NULL, T_IGN, NOFF, "0", 0, 0, F_HIDDEN) \
    X("zset-max-listpack-entries", "zset-max-ziplist-entries", T_LL, OFF(zset_max_listpack_entries), "128", 0, LLONG_MAX, 0) \
    X("zset-max-listpack-value", "zset-max-ziplist-value", T_LL, OFF(zset_max_listpack_value), "64", 0, LLONG_MAX, 0) \

/* End of CONFIG_TABLE. */

struct config_entry {
    const char *name;
    const char *alias;
    enum config_type type;
    size_t off;
    const char *def;
    long long min, max;
    unsigned flags;
};

static const struct config_entry config_table[] = {
#define X(name, alias, type, off, def, min, max, flags) \
    {name, alias, type, off, def, min, max, flags},
    CONFIG_TABLE(X)
#undef X
};

#define CONFIG_N ((int)(sizeof(config_table) / sizeof(config_table[0])))
#define CONFIG_WHY 256        /* room for one error reason */
#define CONFIG_INCLUDE_MAX 16 /* include nesting limit */

/* ------------------------------------------------------------------------
 * Small helpers: allocation and a growable string.
 * ---------------------------------------------------------------------- */

static void *config_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "out of memory in the config module\n");
        abort();
    }
    return q;
}

static char *config_xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(config_xrealloc(NULL, n), s, n);
}

struct config_sb {
    char *p;
    size_t len, cap;
};

static void config_sb_add(struct config_sb *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 64;
        b->p = config_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void config_sb_puts(struct config_sb *b, const char *s) {
    config_sb_add(b, s, strlen(s));
}

static void config_sb_printf(struct config_sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void config_sb_printf(struct config_sb *b, const char *fmt, ...) {
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        config_sb_add(b, "", 0); /* make sure b->p exists */
        while (b->len + (size_t)n + 1 > b->cap) b->cap *= 2;
        b->p = config_xrealloc(b->p, b->cap);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

/* The built string (never NULL); the builder is left empty. */
static char *config_sb_take(struct config_sb *b) {
    char *s = b->p ? b->p : config_xstrdup("");
    b->p = NULL;
    b->len = b->cap = 0;
    return s;
}

/* Append s quoted the way Redis's sdscatrepr() does. */
static void config_sb_repr(struct config_sb *b, const char *s) {
    config_sb_puts(b, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '\\': config_sb_puts(b, "\\\\"); break;
        case '"': config_sb_puts(b, "\\\""); break;
        case '\n': config_sb_puts(b, "\\n"); break;
        case '\r': config_sb_puts(b, "\\r"); break;
        case '\t': config_sb_puts(b, "\\t"); break;
        case '\a': config_sb_puts(b, "\\a"); break;
        case '\b': config_sb_puts(b, "\\b"); break;
        default:
            if (ch >= 0x20 && ch < 0x7f) config_sb_add(b, (const char *)&ch, 1);
            else config_sb_printf(b, "\\x%02x", ch);
        }
    }
    config_sb_puts(b, "\"");
}

/* Split a CONFIG SET value on single spaces, as Redis does for
 * multi-argument directives: "" gives no words, "a  b" gives "a", "", "b". */
static int config_split_spaces(const char *s, char ***out) {
    int n = 0;
    *out = NULL;
    if (!*s) return 0;
    for (;;) {
        const char *sp = strchr(s, ' ');
        size_t len = sp ? (size_t)(sp - s) : strlen(s);
        *out = config_xrealloc(*out, sizeof(char *) * (size_t)(n + 1));
        (*out)[n] = memcpy(config_xrealloc(NULL, len + 1), s, len);
        (*out)[n++][len] = '\0';
        if (!sp) return n;
        s = sp + 1;
    }
}

static void config_free_words(char **v, int n) {
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* ------------------------------------------------------------------------
 * Warnings.
 * ---------------------------------------------------------------------- */

static void config_warn(struct config *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void config_warn(struct config *c, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (int i = 0; i < c->nwarnings; i++)
        if (!strcmp(c->warnings[i], msg)) return;
    c->warnings = config_xrealloc(c->warnings,
                                  sizeof(char *) * (size_t)(c->nwarnings + 1));
    c->warnings[c->nwarnings++] = config_xstrdup(msg);
}

int config_warning_count(const struct config *c) {
    return c->nwarnings;
}

const char *config_warning(const struct config *c, int i) {
    return (i >= 0 && i < c->nwarnings) ? c->warnings[i] : NULL;
}

void config_clear_warnings(struct config *c) {
    config_free_words(c->warnings, c->nwarnings);
    c->warnings = NULL;
    c->nwarnings = 0;
}

/* ------------------------------------------------------------------------
 * Value parsers.
 * ---------------------------------------------------------------------- */

/* Strict integer syntax of Redis's string2ll(): optional '-', no '+', no
 * spaces, no leading zeros (except "0" itself), no overflow. */
static int config_str2ll(const char *s, long long *out) {
    int neg = 0;
    unsigned long long v = 0, limit;

    if (!strcmp(s, "0")) {
        *out = 0;
        return 1;
    }
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (*s < '1' || *s > '9') return 0;
    limit = (unsigned long long)LLONG_MAX + (unsigned long long)neg;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        unsigned d = (unsigned)(*s - '0');
        if (v > (limit - d) / 10) return 0;
        v = v * 10 + d;
    }
    *out = neg ? (long long)(0 - v) : (long long)v;
    return 1;
}

static int config_mem_unit(const char *u, long long *mul) {
    static const struct {
        const char *name;
        long long mul;
    } units[] = {{"", 1}, {"b", 1}, {"k", 1000}, {"kb", 1024},
                 {"m", 1000 * 1000}, {"mb", 1024 * 1024},
                 {"g", 1000LL * 1000 * 1000}, {"gb", 1024LL * 1024 * 1024}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (!strcasecmp(u, units[i].name)) {
            *mul = units[i].mul;
            return 1;
        }
    }
    return 0;
}

int config_memtoll(const char *s, long long *out) {
    const char *u = s;
    long long mul, v = 0;

    while (*u >= '0' && *u <= '9') u++;
    if (!config_mem_unit(u, &mul)) return -1;
    for (const char *p = s; p < u; p++) {
        int d = *p - '0';
        if (v > (LLONG_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    if (v > LLONG_MAX / mul) return -1;
    *out = v * mul;
    return 0;
}

/* strtoll() with the whole string consumed, as Redis parses save and
 * soft_seconds values (so leading blanks, '+' and "" = 0 are accepted). */
static int config_loose_ll(const char *s, long long *out) {
    char *end;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return *end == '\0';
}

/* ------------------------------------------------------------------------
 * Setters: parse argv into the field of entry e. `why` receives the reason
 * on failure. `loading` is 1 when called from the file/argument loaders.
 * ---------------------------------------------------------------------- */

static void *config_field(struct config *c, const struct config_entry *e) {
    return (char *)c + e->off;
}

static const void *config_cfield(const struct config *c,
                                 const struct config_entry *e) {
    return (const char *)c + e->off;
}

static int config_set_bool(struct config *c, const struct config_entry *e,
                           const char *v, char *why) {
    int *f = config_field(c, e);
    if (!strcasecmp(v, "yes")) *f = 1;
    else if (!strcasecmp(v, "no")) *f = 0;
    else {
        snprintf(why, CONFIG_WHY, "argument must be 'yes' or 'no'");
        return -1;
    }
    return 0;
}

static int config_set_num(struct config *c, const struct config_entry *e,
                          const char *v, char *why) {
    long long n, lo = e->min, hi = e->max;

    if (e->type == T_MEM) {
        if (config_memtoll(v, &n) < 0) {
            snprintf(why, CONFIG_WHY, "argument must be a memory value");
            return -1;
        }
    } else if (!config_str2ll(v, &n)) {
        snprintf(why, CONFIG_WHY,
                 "argument couldn't be parsed into an integer");
        return -1;
    }
    if (e->type == T_CLAMP) lo = 0, hi = INT_MAX;
    if (n < lo || n > hi) {
        snprintf(why, CONFIG_WHY, "argument must be between %lld and %lld "
                 "inclusive", lo, hi);
        return -1;
    }
    if (e->type == T_CLAMP) n = n < e->min ? e->min : n > e->max ? e->max : n;
    if (e->type == T_INT || e->type == T_CLAMP)
        *(int *)config_field(c, e) = (int)n;
    else
        *(long long *)config_field(c, e) = n;
    return 0;
}

static int config_set_enum(struct config *c, const struct config_entry *e,
                           const char *v, char *why) {
    const char *const *names = config_enum_sets[e->min];
    struct config_sb sb = {0};

    for (int i = 0; names[i]; i++) {
        if (!strcasecmp(v, names[i])) {
            *(int *)config_field(c, e) = i;
            return 0;
        }
    }
    for (int i = 0; names[i]; i++)
        config_sb_printf(&sb, "%s%s", i ? ", " : "", names[i]);
    snprintf(why, CONFIG_WHY, "argument(s) must be one of the following: %s",
             sb.p);
    free(sb.p);
    return -1;
}

void config_replace_str(char **slot, const char *v) {
    free(*slot);
    *slot = config_xstrdup(v);
}

static int config_set_bind(struct config *c, int argc, char **argv,
                           char *why) {
    if (argc > CONFIG_BIND_MAX) {
        snprintf(why, CONFIG_WHY, "Too many bind addresses specified.");
        return -1;
    }
    if (argc == 1 && argv[0][0] == '\0') argc = 0; /* bind "" = none */
    for (int i = 0; i < c->bind_count; i++) free(c->bind[i]);
    for (int i = 0; i < argc; i++) c->bind[i] = config_xstrdup(argv[i]);
    c->bind_count = argc;
    return 0;
}

/* save: pairs of <seconds >= 1> <changes >= 0>. While loading, the first
 * save directive replaces the default schedule and later ones add to it
 * (how redis.conf lists several `save` lines); CONFIG SET replaces. */
static int config_set_save(struct config *c, int argc, char **argv,
                           int loading, char *why) {
    struct config_sb sb = {0};
    long long v;

    if (argc == 1 && argv[0][0] == '\0') {
        config_replace_str(&c->save, "");
        argc = 0;
    }
    /* one argument holding the whole schedule ("900 1 300 10"), as
     * CONFIG SET and --save give it */
    char *split[64], *copy = NULL;
    if (argc == 1 && strchr(argv[0], ' ')) {
        copy = config_xstrdup(argv[0]);
        int n = 0;
        for (char *tok = strtok(copy, " "); tok && n < 64; tok = strtok(NULL, " ")) split[n++] = tok;
        argc = n;
        argv = split;
    }
    for (int i = 0; i < argc; i++) {
        if (argc % 2 || !config_loose_ll(argv[i], &v) || v < (i % 2 ? 0 : 1)) {
            free(copy);
            snprintf(why, CONFIG_WHY, "Invalid save parameters");
            return -1;
        }
    }
    if (!loading || !c->save_loaded) config_replace_str(&c->save, "");
    if (loading) c->save_loaded = 1;
    config_sb_puts(&sb, c->save);
    for (int i = 0; i < argc; i++) {
        config_loose_ll(argv[i], &v);
        config_sb_printf(&sb, "%s%lld", sb.len ? " " : "", v);
    }
    free(c->save);
    c->save = config_sb_take(&sb);
    free(copy);
    return 0;
}

static int config_obuf_class(const char *name) {
    if (!strcasecmp(name, "normal")) return CONFIG_OBUF_NORMAL;
    if (!strcasecmp(name, "replica") || !strcasecmp(name, "slave"))
        return CONFIG_OBUF_REPLICA;
    if (!strcasecmp(name, "pubsub")) return CONFIG_OBUF_PUBSUB;
    return -1;
}

/* client-output-buffer-limit <class> <hard> <soft> <soft-seconds> ...:
 * every group is checked before any is applied. */
static int config_set_obuf(struct config *c, int argc, char **argv,
                           char *why) {
    struct config_obuf_limit tmp[CONFIG_OBUF_CLASSES];
    int seen[CONFIG_OBUF_CLASSES] = {0};

    if (argc % 4) {
        snprintf(why, CONFIG_WHY, "Wrong number of arguments in buffer limit "
                 "configuration.");
        return -1;
    }
    for (int i = 0; i < argc; i += 4) {
        int cls = config_obuf_class(argv[i]);
        struct config_obuf_limit l;
        if (cls < 0) {
            snprintf(why, CONFIG_WHY, "Invalid client class specified in "
                     "buffer limit configuration.");
            return -1;
        }
        if (config_memtoll(argv[i + 1], &l.hard) < 0 ||
            config_memtoll(argv[i + 2], &l.soft) < 0 ||
            !config_loose_ll(argv[i + 3], &l.soft_seconds) ||
            l.soft_seconds < 0) {
            snprintf(why, CONFIG_WHY, "Error in hard, soft or soft_seconds "
                     "setting in buffer limit configuration.");
            return -1;
        }
        tmp[cls] = l;
        seen[cls] = 1;
    }
    for (int i = 0; i < CONFIG_OBUF_CLASSES; i++)
        if (seen[i]) c->obuf[i] = tmp[i];
    return 0;
}

/* Redis's event class letters, in the order keyspaceEventsFlagsToString
 * writes them. */
static const struct {
    char ch;
    int flag;
} config_notify_letters[] = {
    {'g', NOTIFY_GENERIC}, {'$', NOTIFY_STRING}, {'l', NOTIFY_LIST},
    {'s', NOTIFY_SET},     {'h', NOTIFY_HASH},   {'z', NOTIFY_ZSET},
    {'x', NOTIFY_EXPIRED}, {'e', NOTIFY_EVICTED}, {'t', NOTIFY_STREAM},
    {'d', NOTIFY_MODULE},  {'n', NOTIFY_NEW},    {'K', NOTIFY_KEYSPACE},
    {'E', NOTIFY_KEYEVENT}, {'m', NOTIFY_KEY_MISS}};

int config_notify_parse(const char *s) {
    int flags = 0;
    for (; *s; s++) {
        int f = *s == 'A' ? NOTIFY_ALL : 0;
        for (size_t i = 0; !f && i < sizeof(config_notify_letters) /
                                             sizeof(config_notify_letters[0]); i++)
            if (config_notify_letters[i].ch == *s) f = config_notify_letters[i].flag;
        if (!f) return -1;
        flags |= f;
    }
    return flags;
}

/* As Redis: "A" stands for g$lshzxetd when all are set (and then hides n). */
static char *config_notify_format(int flags) {
    char out[32];
    size_t n = 0;
    int all = (flags & NOTIFY_ALL) == NOTIFY_ALL;
    if (all) out[n++] = 'A';
    for (size_t i = 0; i < sizeof(config_notify_letters) / sizeof(config_notify_letters[0]); i++) {
        int f = config_notify_letters[i].flag;
        int classbit = !(f & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT | NOTIFY_KEY_MISS));
        if (all && classbit) continue;
        if (flags & f) out[n++] = config_notify_letters[i].ch;
    }
    out[n] = '\0';
    return config_xstrdup(out);
}

static void config_set_ignored(struct config *c, int idx, int argc,
                               char **argv) {
    struct config_sb sb = {0};
    for (int i = 0; i < argc; i++) {
        if (i) config_sb_puts(&sb, " ");
        config_sb_puts(&sb, argv[i]);
    }
    free(c->ignored_values[idx]);
    c->ignored_values[idx] = config_sb_take(&sb);
}

/* Set entry idx from argc words. Single-value types get exactly one. */
static int config_apply(struct config *c, int idx, int argc, char **argv,
                        int loading, char *why) {
    const struct config_entry *e = &config_table[idx];

    switch (e->type) {
    case T_BOOL: return config_set_bool(c, e, argv[0], why);
    case T_INT:
    case T_LL:
    case T_MEM:
    case T_CLAMP: return config_set_num(c, e, argv[0], why);
    case T_ENUM: return config_set_enum(c, e, argv[0], why);
    case T_STR:
        config_replace_str(config_field(c, e), argv[0]);
        return 0;
    case T_BIND: return config_set_bind(c, argc, argv, why);
    case T_SAVE: return config_set_save(c, argc, argv, loading, why);
    case T_OBUF: return config_set_obuf(c, argc, argv, why);
    case T_NOTIFY: {
        int f = config_notify_parse(argv[0]);
        if (f < 0) {
            snprintf(why, CONFIG_WHY, "Invalid event class character. Use "
                     "'Ag$lshzxeKEtmdn'.");
            return -1;
        }
        *(int *)config_field(c, e) = f;
        return 0;
    }
    case T_IGN: config_set_ignored(c, idx, argc, argv); return 0;
    case T_INCLUDE: break;
    }
    snprintf(why, CONFIG_WHY, "Bad directive or wrong number of arguments");
    return -1;
}

/* ------------------------------------------------------------------------
 * Formatting for CONFIG GET (malloc'd result).
 * ---------------------------------------------------------------------- */

static char *config_format_obuf(const struct config *c) {
    static const char *const names[] = {"normal", "slave", "pubsub"};
    struct config_sb sb = {0};
    for (int i = 0; i < CONFIG_OBUF_CLASSES; i++) {
        const struct config_obuf_limit *l = &c->obuf[i];
        config_sb_printf(&sb, "%s%s %lld %lld %lld", i ? " " : "", names[i],
                         l->hard, l->soft, l->soft_seconds);
    }
    return config_sb_take(&sb);
}

static char *config_format(const struct config *c, int idx) {
    const struct config_entry *e = &config_table[idx];
    const void *f = config_cfield(c, e);
    struct config_sb sb = {0};

    switch (e->type) {
    case T_BOOL: return config_xstrdup(*(const int *)f ? "yes" : "no");
    case T_INT:
    case T_CLAMP: config_sb_printf(&sb, "%d", *(const int *)f); break;
    case T_LL:
    case T_MEM: config_sb_printf(&sb, "%lld", *(const long long *)f); break;
    case T_ENUM:
        return config_xstrdup(config_enum_sets[e->min][*(const int *)f]);
    case T_STR:
    case T_SAVE: return config_xstrdup(*(char *const *)f);
    case T_BIND:
        for (int i = 0; i < c->bind_count; i++)
            config_sb_printf(&sb, "%s%s", i ? " " : "", c->bind[i]);
        break;
    case T_OBUF: return config_format_obuf(c);
    case T_NOTIFY: return config_notify_format(*(const int *)f);
    case T_IGN:
        return config_xstrdup(c->ignored_values[idx] ? c->ignored_values[idx]
                                                     : e->def);
    case T_INCLUDE: break;
    }
    return config_sb_take(&sb);
}

/* ------------------------------------------------------------------------
 * Lookup.
 * ---------------------------------------------------------------------- */

/* Index of the entry called `name` (case-insensitive), or -1. *alias tells
 * whether the alias matched. */
static int config_lookup(const char *name, int *alias) {
    for (int i = 0; i < CONFIG_N; i++) {
        if (!strcasecmp(name, config_table[i].name)) {
            *alias = 0;
            return i;
        }
        if (config_table[i].alias && !strcasecmp(name, config_table[i].alias)) {
            *alias = 1;
            return i;
        }
    }
    return -1;
}

static const char *config_entry_name(int idx, int alias) {
    return alias ? config_table[idx].alias : config_table[idx].name;
}

/* ------------------------------------------------------------------------
 * init / free / copy.
 * ---------------------------------------------------------------------- */

static void config_apply_default(struct config *c, int idx) {
    const struct config_entry *e = &config_table[idx];
    char why[CONFIG_WHY];
    char *one[1] = {(char *)e->def};
    char **argv = one;
    int argc = 1;

    if (e->type == T_IGN || e->type == T_INCLUDE) return;
    if (e->flags & F_MULTI) argc = config_split_spaces(e->def, &argv);
    if (config_apply(c, idx, argc, argv, 0, why) < 0) {
        fprintf(stderr, "bad built-in default for '%s': %s\n", e->name, why);
        abort();
    }
    if (argv != one) config_free_words(argv, argc);
}

void config_init(struct config *c) {
    memset(c, 0, sizeof(*c));
    c->ignored_values = config_xrealloc(NULL, sizeof(char *) * CONFIG_N);
    memset(c->ignored_values, 0, sizeof(char *) * CONFIG_N);
    for (int i = 0; i < CONFIG_N; i++) config_apply_default(c, i);
}

/* Call fn on the address of every owned string pointer in c. */
static void config_each_string(struct config *c, void (*fn)(char **slot)) {
    for (int i = 0; i < CONFIG_N; i++) {
        const struct config_entry *e = &config_table[i];
        if (e->type == T_STR || e->type == T_SAVE) fn(config_field(c, e));
    }
    for (int i = 0; i < c->bind_count; i++) fn(&c->bind[i]);
    for (int i = 0; c->ignored_values && i < CONFIG_N; i++)
        fn(&c->ignored_values[i]);
    for (int i = 0; i < c->nwarnings; i++) fn(&c->warnings[i]);
}

static void config_free_slot(char **slot) {
    free(*slot);
    *slot = NULL;
}

static void config_dup_slot(char **slot) {
    if (*slot) *slot = config_xstrdup(*slot);
}

void config_free(struct config *c) {
    config_each_string(c, config_free_slot);
    free(c->ignored_values);
    free(c->warnings);
    memset(c, 0, sizeof(*c));
}

void config_copy(struct config *dst, const struct config *src) {
    *dst = *src;
    dst->ignored_values = config_xrealloc(NULL, sizeof(char *) * CONFIG_N);
    memcpy(dst->ignored_values, src->ignored_values, sizeof(char *) * CONFIG_N);
    dst->warnings = NULL;
    if (src->nwarnings) {
        size_t n = sizeof(char *) * (size_t)src->nwarnings;
        dst->warnings = memcpy(config_xrealloc(NULL, n), src->warnings, n);
    }
    config_each_string(dst, config_dup_slot);
}

/* Replace *c by *tmp (taking ownership of tmp's memory). */
static void config_adopt(struct config *c, struct config *tmp) {
    config_free(c);
    *c = *tmp;
}

/* ------------------------------------------------------------------------
 * Loading: redis.conf text, files, includes, command-line options.
 * ---------------------------------------------------------------------- */

struct config_src {
    const char *path; /* NULL for command-line options */
    int depth;        /* include nesting */
};

static int config_load_path(struct config *c, const char *path, int depth,
                            char **err);

static char *config_fatal(const struct config_src *src, int lineno,
                          const char *line, size_t n, const char *why) {
    struct config_sb sb = {0};
    config_sb_printf(&sb, "*** FATAL CONFIG FILE ERROR (Redis %s) ***\n",
                     CONFIG_REDIS_VERSION);
    if (src->path)
        config_sb_printf(&sb, "Reading the configuration file '%s', at line "
                         "%d\n", src->path, lineno);
    else
        config_sb_printf(&sb, "Reading the configuration file, at line %d\n",
                         lineno);
    config_sb_printf(&sb, ">>> '%.*s'\n%s", (int)n, line, why);
    return config_sb_take(&sb);
}

static int config_has_wildcard(const char *s) {
    return strpbrk(s, "*?[") != NULL;
}

/* include <path>: a glob that matches nothing is skipped, as in Redis.
 * Returns 0, -1 with `why` set, or -2 with *err set by the nested load. */
static int config_include(struct config *c, const char *path, int depth,
                          char *why, char **err) {
    glob_t g;
    int rc = 0;

    if (depth > CONFIG_INCLUDE_MAX) {
        snprintf(why, CONFIG_WHY, "include nesting is deeper than %d levels",
                 CONFIG_INCLUDE_MAX);
        return -1;
    }
    if (!config_has_wildcard(path))
        return config_load_path(c, path, depth, err) < 0 ? -2 : 0;
    if (glob(path, 0, NULL, &g) != 0) return 0;
    for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
        if (config_load_path(c, g.gl_pathv[i], depth, err) < 0) rc = -2;
    globfree(&g);
    return rc;
}

/* Module configs ("module.name value ...") are accepted and ignored; without
 * a value they are an error, as in Redis. */
static int config_unknown_directive(struct config *c, struct args *a,
                                    char *why) {
    if (strchr(a->argv[0], '.')) {
        if (a->argc >= 2) {
            config_warn(c, "Ignoring directive '%s': not supported yet",
                        a->argv[0]);
            return 0;
        }
        snprintf(why, CONFIG_WHY, "Module config specified without value");
        return -1;
    }
    snprintf(why, CONFIG_WHY, "Bad directive or wrong number of arguments");
    return -1;
}

/* Apply one split line. Returns 0, -1 with `why`, or -2 with *err set. */
static int config_directive(struct config *c, struct args *a,
                            const struct config_src *src, char *why,
                            char **err) {
    int alias, idx;

    for (char *p = a->argv[0]; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    idx = config_lookup(a->argv[0], &alias);
    if (idx < 0) return config_unknown_directive(c, a, why);
    const struct config_entry *e = &config_table[idx];
    if (e->type == T_INCLUDE) {
        if (a->argc == 2)
            return config_include(c, a->argv[1], src->depth + 1, why, err);
    } else if (e->type == T_IGN) {
        if (!(e->flags & F_NOGET))
            config_set_ignored(c, idx, a->argc - 1, a->argv + 1);
        config_warn(c, "Ignoring directive '%s': not supported yet",
                    a->argv[0]);
        return 0;
    } else if ((e->flags & F_MULTI) || a->argc == 2) {
        return config_apply(c, idx, a->argc - 1, a->argv + 1, 1, why);
    } else {
        snprintf(why, CONFIG_WHY, "wrong number of arguments");
        return -1;
    }
    snprintf(why, CONFIG_WHY, "Bad directive or wrong number of arguments");
    return -1;
}

static int config_is_trim(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Handle one raw line [s, e). Returns 0 or -1 with *err set. */
static int config_load_line(struct config *c, const char *s, const char *e,
                            const struct config_src *src, int lineno,
                            char **err) {
    char why[CONFIG_WHY];
    struct args a;
    int rc;

    while (s < e && config_is_trim(*s)) s++;
    while (e > s && config_is_trim(e[-1])) e--;
    if (s == e || *s == '#') return 0;
    if (args_split(s, (size_t)(e - s), &a) < 0) {
        *err = config_fatal(src, lineno, s, (size_t)(e - s),
                            "Unbalanced quotes in configuration line");
        return -1;
    }
    if (a.argc == 0) return 0;
    rc = config_directive(c, &a, src, why, err);
    args_free(&a);
    if (rc == -1) *err = config_fatal(src, lineno, s, (size_t)(e - s), why);
    return rc < 0 ? -1 : 0;
}

/* Apply every line of text; the first line is numbered first_line. */
static int config_load_text(struct config *c, const char *text, size_t len,
                            const struct config_src *src, int first_line,
                            char **err) {
    const char *p = text, *end = text + len;
    int lineno = first_line;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (config_load_line(c, p, eol, src, lineno++, err) < 0) return -1;
        p = eol + 1;
    }
    return 0;
}

/* Read a whole file; NULL with errno set on failure. */
static char *config_read_file(const char *path, size_t *len) {
    FILE *fp = fopen(path, "r");
    struct config_sb sb = {0};
    char buf[4096];
    size_t n;

    if (!fp) return NULL;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) config_sb_add(&sb, buf, n);
    if (ferror(fp)) {
        int saved = errno;
        fclose(fp);
        free(sb.p);
        errno = saved;
        return NULL;
    }
    fclose(fp);
    *len = sb.len;
    return config_sb_take(&sb);
}

static int config_load_path(struct config *c, const char *path, int depth,
                            char **err) {
    struct config_src src = {path, depth};
    size_t len = 0;
    char *text = config_read_file(path, &len);
    int rc;

    if (!text) {
        struct config_sb sb = {0};
        config_sb_printf(&sb, "Fatal error, can't open config file '%s': %s",
                         path, strerror(errno));
        *err = config_sb_take(&sb);
        return -1;
    }
    rc = config_load_text(c, text, len, &src, 1, err);
    free(text);
    return rc;
}

/* Warnings about accepted settings that have no effect yet. */
static void config_finish_load(struct config *c) {
    if (c->appendonly)
        config_warn(c, "Directive 'appendonly yes' accepted, but the append-only file "
                    "is not implemented yet: no AOF will be written");
    if (c->daemonize)
        config_warn(c, "Directive 'daemonize yes' is not supported: the "
                    "server stays in the foreground");
}

int config_load_file(struct config *c, const char *path, char **err) {
    struct config tmp;

    *err = NULL;
    config_copy(&tmp, c);
    if (config_load_path(&tmp, path, 0, err) < 0) {
        config_free(&tmp);
        return -1;
    }
    config_finish_load(&tmp);
    config_adopt(c, &tmp);
    return 0;
}

static int config_is_option(const char *s) {
    return s[0] == '-' && s[1] == '-';
}

/* Append the directive line for option argv[j] (a "--name" word) and
 * return whether the next word must be taken as its argument. */
static int config_args_name(struct config_sb *sb, int argc, char **argv,
                            int j) {
    struct args tmp;
    int words = args_split(argv[j], strlen(argv[j]), &tmp) < 0 ? 0 : tmp.argc;
    int last = j == argc - 1;
    int next_opt = !last && config_is_option(argv[j + 1]);

    args_free(&tmp);
    if (sb->len) config_sb_puts(sb, "\n");
    config_sb_puts(sb, argv[j] + 2);
    config_sb_puts(sb, " ");
    if (words != 1) return 0; /* "--port 6380" as one word */
    if (!strcasecmp(argv[j], "--save") && (last || next_opt)) {
        config_sb_puts(sb, "\"\""); /* bare --save means save "" */
        return 0;
    }
    if (!strcasecmp(argv[j], "--sentinel") && next_opt) return 0;
    return 1;
}

/* Turn options into redis.conf text the way redis-server does. */
static int config_args_text(int argc, char **argv, struct config_sb *sb,
                            char **err) {
    int need_arg = 0;

    for (int j = 0; j < argc; j++) {
        if (!strcmp(argv[j], "-") && (j == 0 || j == argc - 1)) {
            *err = config_xstrdup("Reading the configuration from stdin "
                                  "('-') is not supported");
            return -1;
        }
        if (!need_arg && config_is_option(argv[j])) {
            need_arg = config_args_name(sb, argc, argv, j);
        } else {
            config_sb_repr(sb, argv[j]);
            config_sb_puts(sb, " ");
            need_arg = 0;
        }
    }
    return 0;
}

int config_load_args(struct config *c, int argc, char **argv, char **err) {
    struct config_src src = {NULL, 0};
    struct config_sb sb = {0};
    struct config tmp;
    int rc;

    *err = NULL;
    if (config_args_text(argc, argv, &sb, err) < 0) {
        free(sb.p);
        return -1;
    }
    config_copy(&tmp, c);
    /* redis-server numbers option lines after an empty first line. */
    rc = config_load_text(&tmp, sb.p ? sb.p : "", sb.len, &src, 2, err);
    free(sb.p);
    if (rc < 0) {
        config_free(&tmp);
        return -1;
    }
    config_finish_load(&tmp);
    config_adopt(c, &tmp);
    return 0;
}

/* ------------------------------------------------------------------------
 * CONFIG SET.
 * ---------------------------------------------------------------------- */

static char *config_set_error(const char *name, const char *why) {
    struct config_sb sb = {0};
    config_sb_printf(&sb, "ERR CONFIG SET failed (possibly related to "
                     "argument '%s') - %s", name, why);
    return config_sb_take(&sb);
}

static int config_protected_allowed(const struct config *c) {
    int alias, idx = config_lookup("enable-protected-configs", &alias);
    const char *v = c->ignored_values[idx];
    return v && !strcasecmp(v, "yes");
}

/* Check one name of a CONFIG SET call (pair i). Returns 0, or -1 with *err
 * set. Fills idx[i]/alias[i]. */
static int config_set_check(const struct config *c, int i, const char **names,
                            int *idx, int *alias, char **err) {
    const char *why = NULL;

    idx[i] = config_lookup(names[i], &alias[i]);
    if (idx[i] < 0 || (config_table[idx[i]].flags & F_NOGET)) {
        struct config_sb sb = {0};
        config_sb_printf(&sb, "ERR Unknown option or number of arguments for "
                         "CONFIG SET - '%s'", names[i]);
        *err = config_sb_take(&sb);
        return -1;
    }
    if (config_table[idx[i]].flags & F_IMM) why = "can't set immutable config";
    else if ((config_table[idx[i]].flags & F_PROT) &&
             !config_protected_allowed(c))
        why = "can't set protected config";
    for (int j = 0; j < i && !why; j++)
        if (idx[j] == idx[i] && alias[j] == alias[i])
            why = "duplicate parameter";
    if (!why) return 0;
    *err = config_set_error(names[i], why);
    return -1;
}

static int config_set_one(struct config *c, int idx, const char *value,
                          char *why) {
    const struct config_entry *e = &config_table[idx];
    char *one[1] = {(char *)value};
    char **argv = one;
    int argc = 1, rc;

    if ((e->flags & F_MULTI) && e->type != T_IGN)
        argc = config_split_spaces(value, &argv);
    rc = config_apply(c, idx, argc, argv, 0, why);
    if (argv != one) config_free_words(argv, argc);
    return rc;
}

int config_set(struct config *c, int npairs, const char **names,
               const char **values, char **err) {
    int *idx = config_xrealloc(NULL, sizeof(int) * 2 * (size_t)npairs);
    int *alias = idx + npairs;
    char why[CONFIG_WHY];
    struct config tmp;
    int rc = 0;

    *err = NULL;
    for (int i = 0; i < npairs && rc == 0; i++)
        rc = config_set_check(c, i, names, idx, alias, err);
    if (rc == 0) {
        config_copy(&tmp, c);
        for (int i = 0; i < npairs && rc == 0; i++) {
            rc = config_set_one(&tmp, idx[i], values[i], why);
            if (rc < 0)
                *err = config_set_error(config_entry_name(idx[i], alias[i]),
                                        why);
        }
        if (rc == 0) config_adopt(c, &tmp);
        else config_free(&tmp);
    }
    free(idx);
    return rc;
}

/* ------------------------------------------------------------------------
 * CONFIG GET.
 * ---------------------------------------------------------------------- */

typedef void config_emit_fn(void *ctx, const char *name, const char *value);

static void config_emit_entry(const struct config *c, int idx,
                              const char *name, config_emit_fn *emit,
                              void *ctx) {
    char *value = config_format(c, idx);
    emit(ctx, name, value);
    free(value);
}

void config_get(const struct config *c, const char *pattern,
                config_emit_fn *emit, void *ctx) {
    size_t plen = strlen(pattern);
    int alias;

    if (!config_has_wildcard(pattern)) {
        int idx = config_lookup(pattern, &alias);
        if (idx >= 0 && !(config_table[idx].flags & F_NOGET))
            config_emit_entry(c, idx, pattern, emit, ctx);
        return;
    }
    for (int i = 0; i < CONFIG_N; i++) {
        const struct config_entry *e = &config_table[i];
        if (e->flags & (F_NOGET | F_HIDDEN)) continue;
        for (alias = 0; alias < 2; alias++) {
            const char *name = config_entry_name(i, alias);
            if (name && glob_match(pattern, plen, name, strlen(name), 1))
                config_emit_entry(c, i, name, emit, ctx);
        }
    }
}

struct config_get_dedup {
    config_emit_fn *emit;
    void *ctx;
    char **seen;
    int nseen;
};

static void config_dedup_emit(void *ctx, const char *name, const char *value) {
    struct config_get_dedup *d = ctx;
    for (int i = 0; i < d->nseen; i++)
        if (!strcasecmp(d->seen[i], name)) return;
    d->seen = config_xrealloc(d->seen, sizeof(char *) * (size_t)(d->nseen + 1));
    d->seen[d->nseen++] = config_xstrdup(name);
    d->emit(d->ctx, name, value);
}

void config_get_multi(const struct config *c, int npatterns,
                      const char **patterns, config_emit_fn *emit, void *ctx) {
    struct config_get_dedup d = {emit, ctx, NULL, 0};
    for (int i = 0; i < npatterns; i++)
        config_get(c, patterns[i], config_dedup_emit, &d);
    config_free_words(d.seen, d.nseen);
}
