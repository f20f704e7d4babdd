/*
 * cmd_server.c - server commands: COMMAND, INFO, CONFIG, TIME, LASTSAVE,
 * DEBUG, SHUTDOWN, MEMORY.
 *
 * INFO runs a part on every shard that returns that shard's counters in a
 * binary blob; the client's shard adds them up and formats Redis's fields.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../db/lazyfree.h"
#include "../db/evict.h"
#include "../db/lru.h"
#include "../log.h"
#include "../shard/shard.h"
#include "../util/glob.h"
#include "../util/mem.h"
#include "../script/script.h"
#include "cmdutil.h"
#include "commands.h"
#include "conn.h"
#include "pubsub.h"

/* ---- COMMAND ---- */

static void reply_flags(struct client *c, const struct command *cmd) {
    static const struct { uint32_t bit; const char *name; } names[] = {
        {CMD_WRITE, "write"},     {CMD_READONLY, "readonly"}, {CMD_DENYOOM, "denyoom"},
        {CMD_ADMIN, "admin"},     {CMD_PUBSUB, "pubsub"},     {CMD_NOSCRIPT, "noscript"},
        {CMD_LOADING, "loading"}, {CMD_STALE, "stale"},       {CMD_FAST, "fast"},
        {CMD_NOAUTH, "no_auth"},
    };
    int n = cmd->keys_fn ? 1 : 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (cmd->flags & names[i].bit) n++;
    reply_set(c->out, c->resp, n);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (cmd->flags & names[i].bit) reply_simple(c->out, names[i].name);
    if (cmd->keys_fn) reply_simple(c->out, "movablekeys");
}

static void reply_acl_cats(struct client *c, const struct command *cmd) {
    const char *cats[6];
    int n = 0;
    if (cmd->first_key) cats[n++] = "@keyspace";
    if (cmd->flags & CMD_WRITE) cats[n++] = "@write";
    if (cmd->flags & CMD_READONLY) cats[n++] = "@read";
    static const char *const data_cats[][2] = {{"string", "@string"}, {"list", "@list"},
                                               {"hash", "@hash"},     {"set", "@set"},
                                               {"sorted-set", "@sortedset"}};
    for (size_t i = 0; i < sizeof(data_cats) / sizeof(data_cats[0]); i++)
        if (!strcmp(cmd->group, data_cats[i][0])) cats[n++] = data_cats[i][1];
    if (!strcmp(cmd->group, "connection")) cats[n++] = "@connection";
    cats[n++] = (cmd->flags & CMD_FAST) ? "@fast" : "@slow";
    reply_set(c->out, c->resp, n);
    for (int i = 0; i < n; i++) reply_simple(c->out, cats[i]);
}

static void reply_key_specs(struct client *c, const struct command *cmd) {
    if (!cmd->first_key) {
        reply_array(c->out, 0);
        return;
    }
    reply_array(c->out, 1);
    reply_map(c->out, c->resp, 3);
    reply_bulkc(c->out, "flags");
    reply_set(c->out, c->resp, 1);
    reply_simple(c->out, (cmd->flags & CMD_WRITE) ? "RW" : "RO");
    reply_bulkc(c->out, "begin_search");
    reply_map(c->out, c->resp, 2);
    reply_bulkc(c->out, "type");
    reply_bulkc(c->out, "index");
    reply_bulkc(c->out, "spec");
    reply_map(c->out, c->resp, 1);
    reply_bulkc(c->out, "index");
    reply_int(c->out, cmd->first_key);
    reply_bulkc(c->out, "find_keys");
    reply_map(c->out, c->resp, 2);
    reply_bulkc(c->out, "type");
    reply_bulkc(c->out, "range");
    reply_bulkc(c->out, "spec");
    reply_map(c->out, c->resp, 3);
    reply_bulkc(c->out, "lastkey");
    reply_int(c->out, cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key);
    reply_bulkc(c->out, "keystep");
    reply_int(c->out, cmd->key_step);
    reply_bulkc(c->out, "limit");
    reply_int(c->out, 0);
}

/* What redis-server says of a command in COMMAND INFO's descriptive fields,
 * generated from it by command_meta.py; sorted by name. */
struct cmd_meta {
    const char *name;
    int first_key, last_key, key_step;
    const char *flags, *acl, *tips, *specs;
};

static const struct cmd_meta cmd_metas[] = {
#define META(name, first, last, step, flags, acl, tips, specs)                                               \
    {name, first, last, step, flags, acl, tips, specs},
#include "command_meta.def"
#undef META
};

static const struct cmd_meta *meta_for(const char *name) {
    size_t lo = 0, hi = sizeof(cmd_metas) / sizeof(cmd_metas[0]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(cmd_metas[mid].name, name);
        if (r == 0) return &cmd_metas[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void reply_meta_field(struct client *c, const char *resp3) {
    reply_resp3_value(c->out, c->resp, resp3, strlen(resp3));
}

static void reply_command_info(struct client *c, const struct command *cmd) {
    const struct cmd_meta *m = meta_for(cmd->name);
    reply_array(c->out, 10);
    reply_bulkc(c->out, cmd->name);
    reply_int(c->out, cmd->arity);
    if (m)
        reply_meta_field(c, m->flags);
    else
        reply_flags(c, cmd);
    reply_int(c->out, m ? m->first_key : cmd->first_key);
    reply_int(c->out, m ? m->last_key : cmd->last_key);
    reply_int(c->out, m ? m->key_step : cmd->key_step);
    if (m) {
        reply_meta_field(c, m->acl);
        reply_meta_field(c, m->tips);
        reply_meta_field(c, m->specs);
    } else {
        reply_acl_cats(c, cmd);
        reply_set(c->out, c->resp, 0);
        reply_key_specs(c, cmd);
    }
    reply_array(c->out, cmd->nsub);
    for (int i = 0; i < cmd->nsub; i++) reply_command_info(c, cmd->subs[i]);
}

static int visible(const struct command *cmd) { return !(cmd->flags & CMD_INTERNAL); }

void command_command(struct client *c) {
    if (c->argc > 1) {
        reply_errf(c, "ERR unknown subcommand '%.*s'. Try COMMAND HELP.", (int)c->argv[1].len, c->argv[1].p);
        return;
    }
    int n = 0;
    for (int i = 0; i < g_ncommands; i++)
        if (visible(g_commands[i]) && !g_commands[i]->parent) n++;
    reply_array(c->out, n);
    for (int i = 0; i < g_ncommands; i++)
        if (visible(g_commands[i]) && !g_commands[i]->parent) reply_command_info(c, g_commands[i]);
}

void command_count_command(struct client *c) {
    int n = 0;
    for (int i = 0; i < g_ncommands; i++)
        if (visible(g_commands[i]) && !g_commands[i]->parent) n++;
    reply_int(c->out, n);
}

static const struct command *lookup_visible(const struct arg *a) {
    const struct command *cmd = command_lookup(a->p, a->len);
    return cmd && visible(cmd) ? cmd : NULL;
}

void command_info_command(struct client *c) {
    if (c->argc == 2) {
        command_command(c);
        return;
    }
    reply_array(c->out, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        const struct command *cmd = lookup_visible(&c->argv[i]);
        if (cmd) reply_command_info(c, cmd);
        else reply_null_array(c->out, c->resp);
    }
}

static void reply_command_doc(struct client *c, const struct command *cmd) {
    reply_bulkc(c->out, cmd->name);
    int has_args = command_docs_has_args(cmd);
    int n = 4 + (has_args ? 1 : 0) + (cmd->nsub ? 1 : 0);
    reply_map(c->out, c->resp, n);
    reply_bulkc(c->out, "summary");
    reply_bulkc(c->out, command_summary(cmd));
    reply_bulkc(c->out, "since");
    reply_bulkc(c->out, command_since(cmd));
    reply_bulkc(c->out, "group");
    reply_bulkc(c->out, cmd->group);
    reply_bulkc(c->out, "complexity");
    reply_bulkc(c->out, command_complexity(cmd));
    if (has_args) {
        reply_bulkc(c->out, "arguments");
        command_docs_reply_args(c->out, c->resp, cmd);
    }
    if (cmd->nsub) {
        reply_bulkc(c->out, "subcommands");
        reply_map(c->out, c->resp, cmd->nsub);
        for (int i = 0; i < cmd->nsub; i++) reply_command_doc(c, cmd->subs[i]);
    }
}

void command_docs_command(struct client *c) {
    int n = 0;
    if (c->argc == 2) {
        for (int i = 0; i < g_ncommands; i++)
            if (visible(g_commands[i]) && !g_commands[i]->parent) n++;
        reply_map(c->out, c->resp, n);
        for (int i = 0; i < g_ncommands; i++)
            if (visible(g_commands[i]) && !g_commands[i]->parent) reply_command_doc(c, g_commands[i]);
        return;
    }
    for (int i = 2; i < c->argc; i++) n += lookup_visible(&c->argv[i]) != NULL;
    reply_map(c->out, c->resp, n);
    for (int i = 2; i < c->argc; i++) {
        const struct command *cmd = lookup_visible(&c->argv[i]);
        if (cmd) reply_command_doc(c, cmd);
    }
}

/* Whether Redis puts cmd in ACL category cat ("string", any case). */
static int in_acl_category(const struct command *cmd, const struct arg *cat) {
    const struct cmd_meta *m = meta_for(cmd->name);
    if (!m) return 0;
    for (const char *p = strstr(m->acl, "+@"); p; p = strstr(p + 2, "+@")) {
        const char *name = p + 2, *end = strchr(name, '\r');
        if (end && (size_t)(end - name) == cat->len && !strncasecmp(cat->p, name, cat->len)) return 1;
    }
    return 0;
}

void command_list_command(struct client *c) {
    const struct arg *pat = NULL, *cat = NULL;
    if (c->argc == 5 && ARG_IS(c->argv[2], "filterby")) {
        if (ARG_IS(c->argv[3], "pattern")) pat = &c->argv[4];
        else if (ARG_IS(c->argv[3], "aclcat")) cat = &c->argv[4];
        else if (!ARG_IS(c->argv[3], "module")) {
            reply_err(c, ERR_SYNTAX);
            return;
        } else {
            reply_array(c->out, 0);
            return;
        }
    } else if (c->argc != 2) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    struct buf names = {0};
    long long n = 0;
    for (int i = 0; i < g_ncommands; i++) {
        const struct command *cmd = g_commands[i];
        if (!visible(cmd)) continue;
        if (pat && !glob_match(pat->p, pat->len, cmd->name, strlen(cmd->name), 1)) continue;
        if (cat && !in_acl_category(cmd, cat)) continue;
        buf_put(&names, &cmd, sizeof(cmd));
        n++;
    }
    reply_array(c->out, n);
    for (long long i = 0; i < n; i++) reply_bulkc(c->out, ((const struct command **)(void *)names.p)[i]->name);
    buf_free(&names);
}

void command_getkeys_command(struct client *c) {
    const struct command *cmd = lookup_visible(&c->argv[2]);
    struct arg *argv = c->argv + 2;
    int argc = c->argc - 2;
    if (cmd && (cmd->flags & CMD_PARENT) && argc >= 2) {
        const struct command *sub = NULL;
        for (int i = 0; i < cmd->nsub; i++)
            if (str_ieq(argv[1].p, argv[1].len, strchr(cmd->subs[i]->name, '|') + 1)) sub = cmd->subs[i];
        cmd = sub;
    }
    if (!cmd) {
        reply_err(c, "ERR Invalid command specified");
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
        reply_err(c, "ERR Invalid number of arguments specified for command");
        return;
    }
    int *pos = malloc(sizeof(int) * (size_t)argc);
    if (!pos) abort();
    int n = command_keys(cmd, argv, argc, pos, argc);
    if (n == 0) reply_err(c, "ERR The command has no key arguments");
    else {
        reply_array(c->out, n);
        for (int i = 0; i < n; i++) reply_bulk(c->out, argv[pos[i]].p, argv[pos[i]].len);
    }
    free(pos);
}

void command_help_command(struct client *c) {
    static const char *const lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "HELP",
        "    Print this help.",
        NULL};
    reply_help(c->out, lines);
}

/* ---- INFO ---- */

/* What one shard reports: fixed header, then per-db and per-command rows. */
struct info_head {
    struct shard_stats st;
    long long nconns, blocked;
    long long cpu_user_us, cpu_sys_us;
    long long lua_mem; /* this shard's Lua state */
    int ndb, ncmd;
};

void info_command(struct client *c) {
    struct shard *sh = c->sh;
    /* this shard's memory figure, before the reply's own buffers */
    evict_refresh(sh);
    struct buf b = {0};
    struct info_head h;
    memset(&h, 0, sizeof(h));
    h.st = sh->st;
    h.nconns = sh->nconns;
    h.blocked = sh->blocked_clients;
    struct rusage ru;
    /* shards that share a thread: the first reports its time */
    if (sh->thr_idx == 0 && getrusage(RUSAGE_THREAD, &ru) == 0) {
        h.cpu_user_us = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
        h.cpu_sys_us = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    }
    h.lua_mem = script_vm_memory(sh);
    h.ndb = sh->ndb;
    h.ncmd = g_ncommands;
    buf_put(&b, &h, sizeof(h));
    for (int i = 0; i < sh->ndb; i++) {
        long long kv[2] = {(long long)db_size(&sh->dbs[i]), (long long)sh->dbs[i].expires};
        buf_put(&b, kv, sizeof(kv));
    }
    buf_put(&b, sh->cmdstat, sizeof(struct cmd_stat) * (size_t)g_ncommands);
    pubsub_info_part(sh, &b);
    reply_bulk(c->out, b.p, b.len);
    buf_free(&b);
}

struct info_sum {
    struct shard_stats st;
    long long nconns, blocked, cpu_user_us, cpu_sys_us, lua_mem;
    long long *keys, *expires;
    struct cmd_stat *cs;
    int ndb;
    long long pubsub[3]; /* distinct channels, patterns, shard channels */
};

static int want(const struct gather *g, const char *section, int in_default) {
    if (g->argc <= 1) return in_default;
    for (int i = 1; i < g->argc; i++) {
        const struct arg *a = &g->orig_argv[i];
        if (str_ieq(a->p, a->len, section) || str_ieq(a->p, a->len, "all") ||
            str_ieq(a->p, a->len, "everything"))
            return 1;
        if (str_ieq(a->p, a->len, "default") && in_default) return 1;
    }
    return 0;
}

#define LINE(...) buf_printf(b, __VA_ARGS__)

static void sum_parts(struct gather *g, struct info_sum *s) {
    memset(s, 0, sizeof(*s));
    s->cs = calloc((size_t)g_ncommands, sizeof(struct cmd_stat));
    const char **ps_at = calloc((size_t)g_nshards, sizeof(*ps_at));
    size_t *ps_len = calloc((size_t)g_nshards, sizeof(*ps_len));
    if (!s->cs || !ps_at || !ps_len) abort();
    for (int i = 0; i < g_nshards; i++) {
        const struct buf *r = &g->parts[i].reply;
        const char *cr = memchr(r->p, '\r', r->len);
        if (!cr) continue;
        const char *p = cr + 2;
        struct info_head h;
        memcpy(&h, p, sizeof(h));
        p += sizeof(h);
        if (!s->keys) {
            s->ndb = h.ndb;
            s->keys = calloc((size_t)h.ndb, sizeof(long long));
            s->expires = calloc((size_t)h.ndb, sizeof(long long));
        }
        long long *f = (long long *)(void *)&s->st, *t = (long long *)(void *)&h.st;
        /* the counters come first in struct shard_stats, all long long */
        size_t nctr = offsetof(struct shard_stats, err_name) / sizeof(long long);
        for (size_t k = 0; k < nctr; k++) f[k] += t[k];
        for (int e = 0; e < h.st.nerr; e++) {
            int found = 0;
            for (int k = 0; k < s->st.nerr; k++)
                if (!strcmp(s->st.err_name[k], h.st.err_name[e])) {
                    s->st.err_count[k] += h.st.err_count[e];
                    found = 1;
                }
            if (!found && s->st.nerr < MAX_ERR_KINDS) {
                memcpy(s->st.err_name[s->st.nerr], h.st.err_name[e], 32);
                s->st.err_count[s->st.nerr++] = h.st.err_count[e];
            }
        }
        s->nconns += h.nconns;
        s->blocked += h.blocked;
        s->cpu_user_us += h.cpu_user_us;
        s->lua_mem += h.lua_mem;
        s->cpu_sys_us += h.cpu_sys_us;
        for (int d = 0; d < h.ndb; d++) {
            long long kv[2];
            memcpy(kv, p, sizeof(kv));
            p += sizeof(kv);
            s->keys[d] += kv[0];
            s->expires[d] += kv[1];
        }
        for (int k = 0; k < h.ncmd; k++) {
            struct cmd_stat cs;
            memcpy(&cs, p, sizeof(cs));
            p += sizeof(cs);
            s->cs[k].calls += cs.calls;
            s->cs[k].ticks += cs.ticks;
            s->cs[k].rejected += cs.rejected;
            s->cs[k].failed += cs.failed;
        }
        /* then the pub/sub names, up to the bulk's trailing CRLF */
        ps_at[i] = p;
        ps_len[i] = (size_t)(r->p + r->len - 2 - p);
    }
    pubsub_info_distinct(ps_at, ps_len, g_nshards, s->pubsub);
    free(ps_at);
    free(ps_len);
}

static void info_server(struct buf *b, const struct shard *sh) {
    struct utsname u;
    uname(&u);
    long long now_us = ustime();
    long long up = (now_us / 1000 - g_start_time_ms) / 1000;
    LINE("# Server\r\nredis_version:%s\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n", REDIS_COMPAT_VERSION);
    LINE("redis_build_id:0\r\nredis_mode:standalone\r\nos:%s %s %s\r\narch_bits:64\r\n", u.sysname, u.release, u.machine);
    LINE("monotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:io_uring\r\natomicvar_api:c11-builtin\r\n");
    LINE("gcc_version:%d.%d.%d\r\nprocess_id:%d\r\nprocess_supervised:no\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__, (int)getpid());
    LINE("run_id:%s\r\ntcp_port:%d\r\nserver_time_usec:%lld\r\n", g_run_id, sh->cfg.port, now_us);
    LINE("uptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:%d\r\nconfigured_hz:%d\r\n", up, up / 86400, sh->cfg.hz, sh->cfg.hz);
    LINE("lru_clock:%u\r\nexecutable:%s\r\nconfig_file:%s\r\nio_threads_active:0\r\n", lru_clock(), g_executable, g_config_file);
    LINE("redis_shard_version:%s\r\nshards:%d\r\n", RS_VERSION, g_nshards);
}

static void info_memory(struct buf *b, struct shard *sh, const struct info_sum *s) {
    char h1[32], h2[32], h3[32], h4[32], h5[32];
    size_t used = evict_used_memory(), rss = mem_rss(), total = mem_total_system();
    if (used > g_mem_peak) g_mem_peak = used;
    size_t peak = g_mem_peak;
    mem_refresh();
    size_t allocated = mem_allocated_snapshot(), active = mem_active_snapshot();
    size_t resident = mem_resident_snapshot();
    size_t startup = evict_startup_memory() < used ? evict_startup_memory() : used;
    size_t overhead = startup;
    bytes_to_human(h1, sizeof(h1), used);
    bytes_to_human(h2, sizeof(h2), rss);
    bytes_to_human(h3, sizeof(h3), peak);
    bytes_to_human(h4, sizeof(h4), total);
    bytes_to_human(h5, sizeof(h5), (unsigned long long)sh->cfg.maxmemory);
    static const char *policies[] = {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                                     "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"};
    size_t dataset = used - overhead;
    LINE("# Memory\r\nused_memory:%zu\r\nused_memory_human:%s\r\nused_memory_rss:%zu\r\n", used, h1, rss);
    LINE("used_memory_rss_human:%s\r\nused_memory_peak:%zu\r\nused_memory_peak_human:%s\r\n", h2, peak, h3);
    LINE("used_memory_peak_perc:%.2f%%\r\nused_memory_overhead:%zu\r\nused_memory_startup:%zu\r\n", peak ? 100.0 * (double)used / (double)peak : 0.0, overhead, startup);
    LINE("used_memory_dataset:%zu\r\nused_memory_dataset_perc:%.2f%%\r\n", dataset, used > startup ? 100.0 * (double)dataset / (double)(used - startup) : 0.0);
    LINE("allocator_allocated:%zu\r\nallocator_active:%zu\r\nallocator_resident:%zu\r\n", allocated, active, resident);
    LINE("total_system_memory:%zu\r\ntotal_system_memory_human:%s\r\n", total, h4);
    {
        /* the shards' Lua states, and the server's script cache */
        long nscripts, nlibs, nfns;
        long long sbytes, fbytes;
        char hl[32], hv[32], hs[32];
        script_cache_stats(&nscripts, &sbytes);
        function_stats(&nlibs, &nfns, &fbytes);
        bytes_to_human(hl, sizeof(hl), (unsigned long long)s->lua_mem);
        bytes_to_human(hv, sizeof(hv), (unsigned long long)s->lua_mem);
        bytes_to_human(hs, sizeof(hs), (unsigned long long)(sbytes + fbytes));
        LINE("used_memory_lua:%lld\r\nused_memory_vm_eval:%lld\r\nused_memory_lua_human:%s\r\n", s->lua_mem, s->lua_mem, hl);
        LINE("used_memory_scripts_eval:%lld\r\nnumber_of_cached_scripts:%ld\r\nnumber_of_functions:%ld\r\n", sbytes, nscripts, nfns);
        /* (functions live in the same Lua state as scripts: its bytes are counted once, as eval's) */
        LINE("used_memory_vm_functions:0\r\nused_memory_vm_total:%lld\r\nused_memory_vm_total_human:%s\r\n", s->lua_mem, hv);
        LINE("used_memory_functions:%lld\r\nused_memory_scripts:%lld\r\nused_memory_scripts_human:%s\r\n", fbytes, sbytes + fbytes, hs);
    }
    LINE("maxmemory:%lld\r\nmaxmemory_human:%s\r\nmaxmemory_policy:%s\r\n", sh->cfg.maxmemory, h5, policies[sh->cfg.maxmemory_policy]);
    LINE("allocator_frag_ratio:%.2f\r\nallocator_frag_bytes:%lld\r\n", allocated ? (double)active / (double)allocated : 0.0, (long long)active - (long long)allocated);
    LINE("allocator_rss_ratio:%.2f\r\nallocator_rss_bytes:%lld\r\n", active ? (double)resident / (double)active : 0.0, (long long)resident - (long long)active);
    LINE("rss_overhead_ratio:%.2f\r\nrss_overhead_bytes:%lld\r\n", resident ? (double)rss / (double)resident : 0.0, (long long)rss - (long long)resident);
    LINE("mem_fragmentation_ratio:%.2f\r\nmem_fragmentation_bytes:%lld\r\n", used ? (double)rss / (double)used : 0.0, (long long)rss - (long long)used);
    LINE("mem_not_counted_for_evict:0\r\nmem_replication_backlog:0\r\nmem_total_replication_buffers:0\r\n");
    LINE("mem_clients_slaves:0\r\nmem_cluster_links:0\r\nmem_aof_buffer:0\r\n");
    LINE("mem_allocator:%s\r\nactive_defrag_running:0\r\nlazyfree_pending_objects:%ld\r\nlazyfreed_objects:0\r\n", mem_allocator_name(), lazyfree_pending());
}

static void info_stats(struct buf *b, const struct info_sum *s) {
    long long ops = 0;
    for (int i = 0; i < g_nshards; i++) ops += g_shards[i]->ops_per_sec;
    LINE("# Stats\r\ntotal_connections_received:%lld\r\ntotal_commands_processed:%lld\r\n", s->st.connections_received, s->st.commands_processed);
    LINE("instantaneous_ops_per_sec:%lld\r\ntotal_net_input_bytes:%lld\r\ntotal_net_output_bytes:%lld\r\n", ops, s->st.net_input_bytes, s->st.net_output_bytes);
    LINE("rejected_connections:%lld\r\nsync_full:0\r\nsync_partial_ok:0\r\nsync_partial_err:0\r\n", s->st.rejected_conn);
    LINE("expired_keys:%lld\r\nexpired_stale_perc:0.00\r\nexpired_time_cap_reached_count:0\r\n", s->st.expired_keys);
    LINE("evicted_keys:%lld\r\nevicted_clients:0\r\nkeyspace_hits:%lld\r\nkeyspace_misses:%lld\r\n", s->st.evicted_keys, s->st.keyspace_hits, s->st.keyspace_misses);
    LINE("pubsub_channels:%lld\r\npubsub_patterns:%lld\r\npubsubshard_channels:%lld\r\n", s->pubsub[0], s->pubsub[1], s->pubsub[2]);
    LINE("latest_fork_usec:0\r\ntotal_forks:0\r\n");
    LINE("unexpected_error_replies:0\r\ntotal_error_replies:%lld\r\ndump_payload_sanitizations:0\r\n", s->st.total_error_replies);
    LINE("total_reads_processed:%lld\r\ntotal_writes_processed:%lld\r\n", s->st.reads_processed, s->st.writes_processed);
    LINE("io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\n");
}

static void info_keyspace(struct buf *b, const struct info_sum *s) {
    LINE("# Keyspace\r\n");
    for (int d = 0; d < s->ndb; d++)
        if (s->keys[d]) LINE("db%d:keys=%lld,expires=%lld,avg_ttl=0\r\n", d, s->keys[d], s->expires[d]);
}

void info_combine(struct gather *g, struct buf *out, int resp) {
    struct shard *sh = g->conn->sh;
    struct info_sum s;
    sum_parts(g, &s);
    struct buf all = {0}, *b = &all;
#define SEP() do { if (b->len) buf_puts(b, "\r\n"); } while (0)
    if (want(g, "server", 1)) { SEP(); info_server(b, sh); }
    if (want(g, "clients", 1)) {
        SEP();
        LINE("# Clients\r\nconnected_clients:%lld\r\ncluster_connections:0\r\nmaxclients:%lld\r\n", s.nconns, sh->cfg.maxclients);
        LINE("client_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:%lld\r\ntracking_clients:0\r\nclients_in_timeout_table:%lld\r\n", s.blocked, s.blocked);
    }
    if (want(g, "memory", 1)) { SEP(); info_memory(b, sh, &s); }
    if (want(g, "persistence", 1)) {
        SEP();
        if (g_persist_info) g_persist_info(b);
        LINE("aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\naof_last_write_status:ok\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n");
    }
    if (want(g, "stats", 1)) { SEP(); info_stats(b, &s); }
    if (want(g, "replication", 1)) {
        SEP();
        LINE("# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:%s\r\nmaster_repl_offset:0\r\nrepl_backlog_active:0\r\n", g_run_id);
    }
    if (want(g, "cpu", 1)) {
        SEP();
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        LINE("# CPU\r\nused_cpu_sys:%ld.%06ld\r\nused_cpu_user:%ld.%06ld\r\n", (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec, (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
        LINE("used_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\n");
        LINE("used_cpu_sys_main_thread:%lld.%06lld\r\nused_cpu_user_main_thread:%lld.%06lld\r\n", s.cpu_sys_us / 1000000, s.cpu_sys_us % 1000000, s.cpu_user_us / 1000000, s.cpu_user_us % 1000000);
    }
    if (want(g, "modules", 1)) { SEP(); LINE("# Modules\r\n"); }
    if (want(g, "commandstats", 0)) {
        SEP();
        LINE("# Commandstats\r\n");
        for (int i = 0; i < g_ncommands; i++) {
            const struct cmd_stat *cs = &s.cs[i];
            if (!cs->calls && !cs->rejected && !cs->failed) continue;
            if (g_commands[i]->flags & CMD_INTERNAL) continue;
            long long usec = ticks_to_us(cs->ticks);
            LINE("cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,failed_calls=%lld\r\n",
                 g_commands[i]->name, cs->calls, usec, cs->calls ? (double)usec / (double)cs->calls : 0.0,
                 cs->rejected, cs->failed);
        }
    }
    if (want(g, "errorstats", 1)) {
        SEP();
        LINE("# Errorstats\r\n");
        for (int i = 0; i < s.st.nerr; i++) LINE("errorstat_%s:count=%lld\r\n", s.st.err_name[i], s.st.err_count[i]);
    }
    if (want(g, "cluster", 1)) { SEP(); LINE("# Cluster\r\ncluster_enabled:0\r\n"); }
    if (want(g, "keyspace", 1)) { SEP(); info_keyspace(b, &s); }
#undef SEP
    reply_verbatim(out, resp, "txt", all.p ? all.p : "", all.len);
    buf_free(&all);
    free(s.keys);
    free(s.expires);
    free(s.cs);
}

/* ---- CONFIG ---- */

struct get_ctx {
    struct buf items;
    long long n;
};

static void emit_pair(void *ctx, const char *name, const char *value) {
    struct get_ctx *g = ctx;
    reply_bulkc(&g->items, name);
    reply_bulkc(&g->items, value);
    g->n++;
}

void config_get_command(struct client *c) {
    const char *pats[64];
    char *copies[64];
    int np = c->argc - 2 < 64 ? c->argc - 2 : 64;
    for (int i = 0; i < np; i++) {
        copies[i] = strndup(c->argv[i + 2].p, c->argv[i + 2].len);
        pats[i] = copies[i];
    }
    struct get_ctx g = {{0}, 0};
    config_get_multi(&c->sh->cfg, np, pats, emit_pair, &g);
    reply_map(c->out, c->resp, g.n);
    buf_put(c->out, g.items.p, g.items.len);
    buf_free(&g.items);
    for (int i = 0; i < np; i++) free(copies[i]);
}

/* Runs on every shard: each applies the same change to its own copy. */
void config_set_command(struct client *c) {
    if ((c->argc - 2) % 2) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    int np = (c->argc - 2) / 2;
    const char **names = calloc((size_t)np, sizeof(char *)), **vals = calloc((size_t)np, sizeof(char *));
    if (!names || !vals) abort();
    for (int i = 0; i < np; i++) {
        names[i] = strndup(c->argv[2 + 2 * i].p, c->argv[2 + 2 * i].len);
        vals[i] = strndup(c->argv[3 + 2 * i].p, c->argv[3 + 2 * i].len);
    }
    char *err = NULL;
    long long old_max = c->sh->cfg.maxmemory;
    if (config_set(&c->sh->cfg, np, names, vals, &err) != 0) {
        reply_err(c, err);
        free(err);
    } else {
        shard_apply_config(c->sh);
        size_t used = evict_used_memory();
        if (c->sh->id == 0 && c->sh->cfg.maxmemory != old_max && c->sh->cfg.maxmemory > 0 &&
            (size_t)c->sh->cfg.maxmemory < used)
            log_warning("WARNING: the new maxmemory value set via CONFIG SET (%lld) is smaller than the "
                        "current memory usage (%zu). This will result in key eviction and/or the "
                        "inability to accept new write commands depending on the maxmemory-policy.",
                        c->sh->cfg.maxmemory, used);
        evict_perform(c->sh); /* a lower maxmemory takes effect at once */
        if (c->sh->id == 0) log_set_level(c->sh->cfg.loglevel);
        reply_ok(c->out);
    }
    for (int i = 0; i < np; i++) {
        free((void *)names[i]);
        free((void *)vals[i]);
    }
    free(names);
    free(vals);
}

void config_resetstat_command(struct client *c) {
    struct shard *sh = c->sh;
    memset(&sh->st, 0, sizeof(sh->st));
    memset(sh->cmdstat, 0, sizeof(struct cmd_stat) * (size_t)g_ncommands);
    reply_ok(c->out);
}

void config_help_command(struct client *c) {
    static const char *const lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "HELP",
        "    Print this help.",
        NULL};
    reply_help(c->out, lines);
}

/* ---- small server commands ---- */

void time_command(struct client *c) {
    long long us = ustime();
    reply_array(c->out, 2);
    reply_bulk_ll(c->out, us / 1000000);
    reply_bulk_ll(c->out, us % 1000000);
}

void lastsave_command(struct client *c) { reply_int(c->out, (long long)g_lastsave); }

void debug_command(struct client *c) {
    if (ARG_IS(c->argv[1], "sleep") && c->argc == 3) {
        double secs;
        if (!str_to_double(c->argv[2].p, c->argv[2].len, &secs) || secs < 0 || secs > 1e9) {
            reply_err(c, ERR_NOT_FLOAT);
            return;
        }
        struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
        nanosleep(&ts, NULL);
        reply_ok(c->out);
    } else if (ARG_IS(c->argv[1], "help")) {
        static const char *const lines[] = {
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "SLEEP <seconds>",
            "    Stop the shard that runs this command for <seconds> (decimals allowed).",
            "RELOAD",
            "    Save the RDB on disk and load it back into memory (every shard).",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is given it is",
            "    used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cached values are created with <size>.",
            "HELP",
            "    Print this help.",
            NULL};
        reply_help(c->out, lines);
    } else {
        reply_errf(c, "ERR unknown subcommand '%.*s'. Try DEBUG HELP.", (int)c->argv[1].len, c->argv[1].p);
    }
}

void shutdown_command(struct client *c) {
    int save = 0, nosave = 0, abort_ = 0;
    for (int j = 1; j < c->argc; j++) {
        const struct arg *a = &c->argv[j];
        if (ARG_IS(*a, "abort")) abort_ = 1;
        else if (ARG_IS(*a, "nosave")) nosave = 1;
        else if (ARG_IS(*a, "save")) save = 1;
        else if (!ARG_IS(*a, "now") && !ARG_IS(*a, "force")) {
            reply_err(c, ERR_SYNTAX);
            return;
        }
    }
    if ((save && nosave) || (abort_ && c->argc > 2)) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (abort_) {
        reply_err(c, "ERR No shutdown in progress.");
        return;
    }
    int busy = atomic_load(&g_script_busy);
    if (busy && !nosave) {
        /* past busy-reply-threshold only SHUTDOWN NOSAVE ends the server */
        reply_err(c, busy == 2 ? ERR_BUSY_FUNCTION : ERR_BUSY_EVAL);
        return;
    }
    log_warning("User requested shutdown...");
    atomic_store(&g_shutdown_save, save ? 1 : nosave ? -1 : 0);
    atomic_store(&g_shutdown, 1);
    kill(getpid(), SIGTERM);
}

void memory_usage_command(struct client *c) {
    if (c->argc != 3 && !(c->argc == 5 && ARG_IS(c->argv[3], "samples"))) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    if (c->argc == 5) {
        long long s;
        if (!arg_ll(c, &c->argv[4], &s)) return;
    }
    struct kv *o = db_find(c->db, c->argv[2].p, c->argv[2].len, 0);
    if (!o) reply_null(c->out, c->resp);
    else reply_int(c->out, (long long)kv_mem_usage(o));
}

/* One shard's part of MEMORY STATS / DOCTOR: its memory figure refreshed
 * first, then per database its key count and table bytes. */
void memory_stats_command(struct client *c) {
    struct shard *sh = c->sh;
    evict_refresh(sh);
    struct buf b = {0};
    long long n = sh->ndb;
    buf_put(&b, &n, sizeof(n));
    for (int i = 0; i < sh->ndb; i++) {
        long long v[2] = {(long long)db_size(&sh->dbs[i]), (long long)dict_bucket_bytes(&sh->dbs[i].keys)};
        buf_put(&b, v, sizeof(v));
    }
    reply_bulk(c->out, b.p, b.len);
    buf_free(&b);
}

void memory_doctor_command(struct client *c) { memory_stats_command(c); }

/* The figures MEMORY STATS and DOCTOR report, over every shard. */
struct mem_overview {
    size_t used, peak, startup, allocated, active, resident, rss;
    long long keys, ndb;
    long long db_keys[256], db_table[256];
};

static void mem_overview(struct gather *g, struct mem_overview *m) {
    memset(m, 0, sizeof(*m));
    for (int i = 0; i < g_nshards; i++) {
        const struct buf *r = &g->parts[i].reply;
        const char *cr = r->len ? memchr(r->p, '\r', r->len) : NULL;
        if (!cr || r->p[0] != '$') continue;
        const char *p = cr + 2;
        long long n;
        memcpy(&n, p, sizeof(n));
        p += sizeof(n);
        for (long long d = 0; d < n && d < 256; d++) {
            long long v[2];
            memcpy(v, p, sizeof(v));
            p += sizeof(v);
            m->db_keys[d] += v[0];
            m->db_table[d] += v[1];
            m->keys += v[0];
        }
        if (n > m->ndb) m->ndb = n < 256 ? n : 256;
    }
    m->used = evict_used_memory();
    m->peak = g_mem_peak > m->used ? g_mem_peak : m->used;
    m->startup = evict_startup_memory() < m->used ? evict_startup_memory() : m->used;
    mem_refresh();
    m->allocated = mem_allocated_snapshot();
    m->active = mem_active_snapshot();
    m->resident = mem_resident_snapshot();
    m->rss = mem_rss();
}

static void map_int(struct buf *b, const char *k, long long v) {
    reply_bulkc(b, k);
    reply_int(b, v);
}

static void map_double(struct buf *b, int resp, const char *k, double v) {
    reply_bulkc(b, k);
    reply_double(b, resp, v);
}

void memory_stats_combine(struct gather *g, struct buf *out, int resp) {
    struct mem_overview m;
    mem_overview(g, &m);
    int dbs = 0;
    for (long long d = 0; d < m.ndb; d++) dbs += m.db_keys[d] > 0;
    size_t table = 0;
    for (long long d = 0; d < m.ndb; d++) table += (size_t)m.db_table[d];
    size_t overhead = m.startup + table;
    if (overhead > m.used) overhead = m.used;
    size_t dataset = m.used - overhead;
    size_t net = m.used > m.startup ? m.used - m.startup : 0;
    reply_map(out, resp, 27 + dbs);
    map_int(out, "peak.allocated", (long long)m.peak);
    map_int(out, "total.allocated", (long long)m.used);
    map_int(out, "startup.allocated", (long long)m.startup);
    map_int(out, "replication.backlog", 0);
    map_int(out, "clients.slaves", 0);
    map_int(out, "clients.normal", 0);
    map_int(out, "cluster.links", 0);
    map_int(out, "aof.buffer", 0);
    map_int(out, "lua.caches", 0);
    map_int(out, "functions.caches", 0);
    for (long long d = 0; d < m.ndb; d++) {
        if (!m.db_keys[d]) continue;
        char name[32];
        snprintf(name, sizeof(name), "db.%lld", d);
        reply_bulkc(out, name);
        reply_map(out, resp, 2);
        map_int(out, "overhead.hashtable.main", m.db_table[d]);
        map_int(out, "overhead.hashtable.expires", 0);
    }
    map_int(out, "overhead.total", (long long)overhead);
    map_int(out, "keys.count", m.keys);
    map_int(out, "keys.bytes-per-key", m.keys ? (long long)(net / (size_t)m.keys) : 0);
    map_int(out, "dataset.bytes", (long long)dataset);
    map_double(out, resp, "dataset.percentage", net ? 100.0 * (double)dataset / (double)net : 0.0);
    map_double(out, resp, "peak.percentage", m.peak ? 100.0 * (double)m.used / (double)m.peak : 0.0);
    map_int(out, "allocator.allocated", (long long)m.allocated);
    map_int(out, "allocator.active", (long long)m.active);
    map_int(out, "allocator.resident", (long long)m.resident);
    map_double(out, resp, "allocator-fragmentation.ratio", m.allocated ? (double)m.active / (double)m.allocated : 0.0);
    map_int(out, "allocator-fragmentation.bytes", (long long)m.active - (long long)m.allocated);
    map_double(out, resp, "allocator.rss-ratio", m.active ? (double)m.resident / (double)m.active : 0.0);
    map_int(out, "allocator.rss-bytes", (long long)m.resident - (long long)m.active);
    map_double(out, resp, "rss-overhead.ratio", m.resident ? (double)m.rss / (double)m.resident : 0.0);
    map_int(out, "rss-overhead.bytes", (long long)m.rss - (long long)m.resident);
    map_double(out, resp, "fragmentation", m.used ? (double)m.rss / (double)m.used : 0.0);
    map_int(out, "fragmentation.bytes", (long long)m.rss - (long long)m.used);
}

/* Redis's memory doctor, with the checks that apply here: an instance
 * under 5 MB is "empty"; a peak over 150% of the current use is reported. */
void memory_doctor_combine(struct gather *g, struct buf *out, int resp) {
    struct mem_overview m;
    mem_overview(g, &m);
    int empty = m.used < 5 * 1024 * 1024;
    int big_peak = !empty && (double)m.peak / (double)m.used > 1.5;
    const char *text;
    char report[1024];
    if (empty) {
        text = "Hi Sam, this instance is empty or is using very little memory, my issues detector "
               "can't be used in these conditions. Please, leave for your mission on Earth and fill "
               "it with some data. The new Sam and I will be back to our programming as soon as I "
               "finished rebooting.\n";
    } else if (!big_peak) {
        text = "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
               "occurs on this base.\n";
    } else {
        snprintf(report, sizeof(report), "%s%s%s",
                 "Sam, I detected a few issues in this Redis instance memory implants:\n\n",
                 " * Peak memory: In the past this instance used more than 150% the memory that is "
                 "currently using. The allocator is normally not able to release memory after a "
                 "peak, so you can expect to see a big fragmentation ratio, however this is actually "
                 "harmless and is only due to the memory peak, and if the Redis instance Resident Set "
                 "Size (RSS) is currently bigger than expected, the memory will be used as soon as "
                 "you fill the Redis instance with more data. If the memory peak was only occasional "
                 "and you want to try to reclaim memory, please try the MEMORY PURGE command, "
                 "otherwise the only other option is to shutdown and restart the instance.\n\n",
                 "I'm here to keep you safe, Sam. I want to help you.\n");
        text = report;
    }
    reply_verbatim(out, resp, "txt", text, strlen(text));
}

void memory_purge_command(struct client *c) {
    mem_purge();
    reply_ok(c->out);
}

static void malloc_stats_write(void *ctx, const char *s) { buf_put(ctx, s, strlen(s)); }

void memory_malloc_stats_command(struct client *c) {
    struct buf b = {0};
    if (!mem_stats_print(malloc_stats_write, &b))
        buf_puts(&b, "Stats not supported for the current allocator");
    reply_verbatim(c->out, c->resp, "txt", b.p ? b.p : "", b.len);
    buf_free(&b);
}

void memory_help_command(struct client *c) {
    static const char *const lines[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
        NULL};
    reply_help(c->out, lines);
}
