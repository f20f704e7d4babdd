/*
 * main.c - process start and stop: arguments and configuration, open-file
 * limit, listening sockets (one SO_REUSEPORT socket per shard and address),
 * the shard threads, and signals.
 *
 * Usage, like redis-server: redis-shard [config-file] [--directive value ...]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "db/lazyfree.h"
#include "log.h"
#include "persist/bgsave.h"
#include "persist/snapshot.h"
#include "server.h"
#include "server/dispatch.h"
#include "shard/shard.h"
#include "util/mem.h"
#include "util/util.h"


#ifdef USE_JEMALLOC
/* As redis-server does by default: return freed pages to the system from a
 * background thread instead of on the shards' allocation paths. Freed pages
 * go back within about a second (jemalloc's default is 10 s): a burst of
 * cross-shard batches or an eviction storm would otherwise keep RSS tens of
 * MB above what is allocated for that long. */
const char *malloc_conf = "background_thread:true,dirty_decay_ms:1000";
#endif

static void usage(void) {
    fprintf(stderr,
            "Usage: ./redis-shard [/path/to/redis.conf] [options]\n"
            "       ./redis-shard - (read config from stdin)\n"
            "       ./redis-shard -v or --version\n"
            "       ./redis-shard -h or --help\n\n"
            "Examples:\n"
            "       ./redis-shard (run the server with default conf)\n"
            "       ./redis-shard redis-shard.conf\n"
            "       ./redis-shard --port 7777 --shards 4\n");
    exit(1);
}

static void make_run_id(void) {
    unsigned char r[20];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        for (size_t i = 0; i < sizeof(r); i++) r[i] = (unsigned char)(ustime() >> (i % 8));
    for (int i = 0; i < 20; i++) sprintf(g_run_id + 2 * i, "%02x", r[i]);
}

/* Raise RLIMIT_NOFILE for maxclients, lowering maxclients if we cannot. */
static void adjust_open_files(struct config *cfg) {
    rlim_t want = (rlim_t)cfg->maxclients + 32 + (rlim_t)cfg->shards * 4;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    rlim_t old = rl.rlim_cur;
    if (old >= want) return;
    rlim_t best = want;
    while (best > old) {
        rl.rlim_cur = best;
        if (rl.rlim_max < best) rl.rlim_max = best;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0) break;
        rl.rlim_max = old > rl.rlim_max ? old : rl.rlim_max;
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_max >= old && rl.rlim_max < best) best = rl.rlim_max;
        else best -= 16;
    }
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < want) {
        long long clients = (long long)rl.rlim_cur - 32 - cfg->shards * 4;
        if (clients < 1) clients = 1;
        log_warning("You requested maxclients of %lld requiring at least %llu max file descriptors.",
                    cfg->maxclients, (unsigned long long)want);
        log_warning("Server can't set maximum open files to %llu because of OS error: %s.",
                    (unsigned long long)want, strerror(EPERM));
        log_warning("Current maximum open files is %llu. maxclients has been reduced to %lld to "
                    "compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
                    (unsigned long long)rl.rlim_cur, clients);
        cfg->maxclients = clients;
    } else {
        log_notice("Increased maximum number of open files to %llu (it was originally set to %llu).",
                   (unsigned long long)rl.rlim_cur, (unsigned long long)old);
    }
}

/* One listening socket; returns the fd or -1 with errno set. */
static int listen_on(const char *addr, int port, int backlog) {
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%d", port);
    if (!strcmp(addr, "*")) addr = "0.0.0.0";
    int rc = getaddrinfo(addr, portstr, &hints, &res);
    if (rc != 0) {
        errno = EINVAL;
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (res->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
        int e = errno;
        close(fd);
        freeaddrinfo(res);
        errno = e;
        return -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* Open every shard's sockets; returns the number per shard or -1. */
static int open_listeners(const struct config *cfg, int nshards, int fds[][16]) {
    int count = 0;
    const char *defaults[] = {"*", "-::*"};
    int nb = cfg->bind_count ? cfg->bind_count : 2;
    for (int b = 0; b < nb && b < 16; b++) {
        const char *addr = cfg->bind_count ? cfg->bind[b] : defaults[b];
        int optional = addr[0] == '-';
        if (optional) addr++;
        if (!strcmp(addr, "::*")) addr = "::";
        int ok = 1;
        for (int s = 0; s < nshards; s++) {
            int fd = listen_on(addr, cfg->port, cfg->tcp_backlog);
            if (fd < 0) {
                if (optional) {
                    for (int t = 0; t < s; t++) close(fds[t][count]);
                    ok = 0;
                    break;
                }
                log_warning("Warning: Could not create server TCP listening socket %s:%d: bind: %s",
                            addr, cfg->port, strerror(errno));
                log_warning("Failed listening on port %d (tcp), aborting.", cfg->port);
                return -1;
            }
            fds[s][count] = fd;
        }
        if (ok) count++;
    }
    if (count == 0) {
        log_warning("Failed listening on port %d (tcp), aborting.", cfg->port);
        return -1;
    }
    return count;
}

int main(int argc, char **argv) {
    struct config cfg;
    config_init(&cfg);
    int first_opt = 1;
    if (argc >= 2) {
        if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")) {
            printf("redis-shard v=%s (Redis %s compatible) bits=64 io=io_uring\n", RS_VERSION, REDIS_COMPAT_VERSION);
            return 0;
        }
        if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) usage();
        if (argv[1][0] != '-' || argv[1][1] != '-') {
            char *err = NULL;
            if (config_load_file(&cfg, argv[1], &err) != 0) {
                fprintf(stderr, "\n%s\n", err);
                free(err);
                return 1;
            }
            if (!realpath(argv[1], g_config_file)) snprintf(g_config_file, sizeof(g_config_file), "%s", argv[1]);
            first_opt = 2;
        }
    }
    if (argc > first_opt) {
        char *err = NULL;
        if (config_load_args(&cfg, argc - first_opt, argv + first_opt, &err) != 0) {
            fprintf(stderr, "\n%s\n", err);
            free(err);
            return 1;
        }
    }
    if (!realpath("/proc/self/exe", g_executable)) snprintf(g_executable, sizeof(g_executable), "%s", argv[0]);
    if (log_open(cfg.logfile, cfg.loglevel) != 0) {
        fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
        return 1;
    }
    if (cfg.shards <= 0) {
        int n = shards_usable_cpus();
        cfg.shards = n > MAX_SHARDS ? MAX_SHARDS : n;
    }
    g_start_time_ms = mstime();
    g_lastsave = g_start_time_ms / 1000;
    hash_seed_init();
    ticks_calibrate();
    make_run_id();
    srandom((unsigned)ustime());
    log_notice("oO0OoO0OoO0Oo redis-shard is starting oO0OoO0OoO0Oo");
    log_notice("redis-shard version=%s (Redis %s compatible), bits=64, shards=%d, pid=%d, just started",
               RS_VERSION, REDIS_COMPAT_VERSION, cfg.shards, (int)getpid());
    if (g_config_file[0]) log_notice("Configuration loaded");
    else log_warning("Warning: no config file specified, using the default config. In order to specify a config file use %s /path/to/redis-shard.conf", argv[0]);
    for (int i = 0; i < config_warning_count(&cfg); i++) log_warning("%s", config_warning(&cfg, i));
    config_clear_warnings(&cfg);
    if (cfg.dir && cfg.dir[0] && chdir(cfg.dir) != 0) {
        log_warning("Can't chdir to '%s': %s", cfg.dir, strerror(errno));
        return 1;
    }
    {
        /* CONFIG GET dir answers the absolute directory, as Redis does */
        char cwd[4096];
        if (getcwd(cwd, sizeof(cwd))) config_replace_str(&cfg.dir, cwd);
    }
    adjust_open_files(&cfg);

    static int fds[MAX_SHARDS][16];
    int nlisten = open_listeners(&cfg, cfg.shards, fds);
    if (nlisten < 0) return 1;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    commands_init();
    if (shards_create(cfg.shards, &cfg, fds, nlisten) != 0) {
        log_warning("Out of memory creating the shards");
        return 1;
    }
    lazyfree_start();
    long long load_start = ustime();
    if (snapshot_read(cfg.dbfilename && cfg.dbfilename[0] ? cfg.dbfilename : "dump.rdb", cfg.shards) != 0) return 1;
    g_shard_load = snapshot_load_shard;
    g_shard_exit = snapshot_exit_part;
    bgsave_init();
    if (shards_start() != 0) {
        log_warning("Failed to start the shard threads, aborting.");
        return 1;
    }
    if (snapshot_loaded()) log_notice("DB loaded from disk: %.3f seconds", (double)(ustime() - load_start) / 1e6);
    snapshot_read_done();
    if (cfg.pidfile && cfg.pidfile[0]) {
        FILE *f = fopen(cfg.pidfile, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        } else {
            log_warning("Failed to write PID file: %s", strerror(errno));
        }
    }
    log_notice("Server initialized");
    if (shards_threads() < cfg.shards)
        log_notice("Ready to accept connections tcp (port %d, %d shards on %d thread%s)", cfg.port, cfg.shards,
                   shards_threads(), shards_threads() == 1 ? "" : "s");
    else
        log_notice("Ready to accept connections tcp (port %d, %d shards)", cfg.port, cfg.shards);

    int sig = 0;
    while (sigwait(&set, &sig) == 0) {
        if (sig == SIGINT || sig == SIGTERM) break;
    }
    if (!atomic_load(&g_shutdown))
        log_warning("Received %s scheduling shutdown...", sig == SIGINT ? "SIGINT" : "SIGTERM");
    atomic_store(&g_shutdown, 1);
    shards_join();
    snapshot_exit_write(g_shards[0]->cfg.dbfilename && g_shards[0]->cfg.dbfilename[0] ? g_shards[0]->cfg.dbfilename
                                                                                      : "dump.rdb",
                        g_shards[0]->ndb);
    lazyfree_stop();
    if (cfg.pidfile && cfg.pidfile[0]) unlink(cfg.pidfile);
    log_warning("redis-shard is now ready to exit, bye bye...");
    config_free(&cfg);
    return 0;
}
