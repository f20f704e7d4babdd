/*
 * cmd_conn.c - connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH and
 * CLIENT. They act on the calling connection, except CLIENT LIST and KILL,
 * which run on every shard and are combined.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "commands.h"
#include "conn.h"
#include "../txn/txn.h"
#include "pubsub.h"

void ping_command(struct client *c) {
    if (c->argc > 2) {
        reply_errf(c, "ERR wrong number of arguments for '%s' command", c->cmd->name);
        return;
    }
    if (c->conn && c->resp == 2 && pubsub_subscribed(c->conn)) {
        /* a subscribed RESP2 client gets a message-shaped reply */
        reply_array(c->out, 2);
        reply_bulkc(c->out, "pong");
        reply_bulk(c->out, c->argc == 2 ? c->argv[1].p : "", c->argc == 2 ? c->argv[1].len : 0);
    } else if (c->argc == 2) {
        reply_bulk(c->out, c->argv[1].p, c->argv[1].len);
    } else {
        buf_puts(c->out, "+PONG\r\n");
    }
}

void echo_command(struct client *c) { reply_bulk(c->out, c->argv[1].p, c->argv[1].len); }

void quit_command(struct client *c) {
    reply_ok(c->out);
    if (c->conn) c->conn->close_after_reply = 1;
}

static void reset_conn(struct conn *k) {
    pubsub_conn_gone(k);
    multi_conn_reset(k);
    k->dbid = 0;
    k->resp = 2;
    k->reply_mode = REPLY_ON;
    if (k->meta) {
        free(k->meta->name);
        k->meta->name = NULL;
    }
}

void reset_command(struct client *c) {
    if (c->conn) reset_conn(c->conn);
    reply_simple(c->out, "RESET");
}

/* Client names: printable ASCII without spaces. */
static int valid_name(const struct arg *a) {
    for (size_t i = 0; i < a->len; i++)
        if (a->p[i] < '!' || a->p[i] > '~') return 0;
    return 1;
}

static int set_name(struct client *c, const struct arg *a) {
    if (!valid_name(a)) {
        reply_err(c, "ERR Client names cannot contain spaces, newlines or special characters.");
        return 0;
    }
    struct conn *k = c->conn;
    if (!a->len && !k->meta) return 1;
    struct conn_meta *m = conn_meta(k);
    free(m->name);
    m->name = NULL;
    if (a->len) {
        m->name = malloc(a->len + 1);
        if (!m->name) abort();
        memcpy(m->name, a->p, a->len);
        m->name[a->len] = '\0';
    }
    return 1;
}

/* AUTH check for a user/password pair; the only user is "default". */
static int auth_ok(struct client *c, const struct arg *user, const struct arg *pass) {
    const char *req = c->sh->cfg.requirepass;
    if (user && !str_ieq(user->p, user->len, "default")) return 0;
    if (!req || !req[0]) return 1;
    return strlen(req) == pass->len && !memcmp(req, pass->p, pass->len);
}

void auth_command(struct client *c) {
    if (c->argc > 3) {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    const char *req = c->sh->cfg.requirepass;
    if (c->argc == 2 && (!req || !req[0])) {
        reply_err(c, "ERR AUTH <password> called without any password configured for the default "
                     "user. Are you sure your configuration is correct?");
        return;
    }
    const struct arg *user = c->argc == 3 ? &c->argv[1] : NULL;
    if (!auth_ok(c, user, &c->argv[c->argc - 1])) {
        reply_err(c, "WRONGPASS invalid username-password pair or user is disabled.");
        return;
    }
    if (c->conn) c->conn->authenticated = 1;
    reply_ok(c->out);
}

void hello_command(struct client *c) {
    struct conn *k = c->conn;
    long long ver = k->resp;
    int j = 1;
    if (c->argc >= 2) {
        if (!str_to_ll(c->argv[1].p, c->argv[1].len, &ver)) {
            reply_err(c, "ERR Protocol version is not an integer or out of range");
            return;
        }
        if (ver < 2 || ver > 3) {
            reply_err(c, "NOPROTO unsupported protocol version");
            return;
        }
        j = 2;
    }
    const struct arg *name = NULL;
    for (; j < c->argc; j++) {
        int left = c->argc - j - 1;
        if (ARG_IS(c->argv[j], "auth") && left >= 2) {
            if (!auth_ok(c, &c->argv[j + 1], &c->argv[j + 2])) {
                reply_err(c, "WRONGPASS invalid username-password pair or user is disabled.");
                return;
            }
            k->authenticated = 1;
            j += 2;
        } else if (ARG_IS(c->argv[j], "setname") && left >= 1) {
            name = &c->argv[++j];
            if (!valid_name(name)) {
                reply_err(c, "ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
        } else {
            reply_errf(c, "ERR Syntax error in HELLO option '%.*s'", (int)c->argv[j].len, c->argv[j].p);
            return;
        }
    }
    if (!k->authenticated) {
        reply_err(c, "NOAUTH HELLO must be called with the client already authenticated, otherwise "
                     "the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the "
                     "client and select the RESP protocol version at the same time");
        return;
    }
    if (name) set_name(c, name);
    k->resp = (uint8_t)ver;
    c->resp = (int)ver;
    reply_map(c->out, c->resp, 7);
    reply_bulkc(c->out, "server");
    reply_bulkc(c->out, "redis");
    reply_bulkc(c->out, "version");
    reply_bulkc(c->out, REDIS_COMPAT_VERSION);
    reply_bulkc(c->out, "proto");
    reply_int(c->out, ver);
    reply_bulkc(c->out, "id");
    reply_int(c->out, k->id);
    reply_bulkc(c->out, "mode");
    reply_bulkc(c->out, "standalone");
    reply_bulkc(c->out, "role");
    reply_bulkc(c->out, "master");
    reply_bulkc(c->out, "modules");
    reply_array(c->out, 0);
}

void client_id_command(struct client *c) { reply_int(c->out, c->conn->id); }

void client_setname_command(struct client *c) {
    if (set_name(c, &c->argv[2])) reply_ok(c->out);
}

void client_getname_command(struct client *c) {
    if (c->conn->meta && c->conn->meta->name) reply_bulkc(c->out, c->conn->meta->name);
    else reply_null(c->out, c->resp);
}

void client_info_command(struct client *c) {
    struct buf b = {0};
    conn_describe(c->conn, &b);
    buf_putc(&b, '\n');
    reply_verbatim(c->out, c->resp, "txt", b.p, b.len);
    buf_free(&b);
}

/* CLIENT LIST part: this shard's lines, as one bulk string. */
void client_list_command(struct client *c) {
    int type = -1; /* -1 any, else the pubsub_obuf_class a client must have (-2: none) */
    struct buf ids = {0};
    for (int j = 2; j < c->argc; j++) {
        if (ARG_IS(c->argv[j], "type") && j + 1 < c->argc) {
            const struct arg *t = &c->argv[++j];
            if (ARG_IS(*t, "normal")) type = CONFIG_OBUF_NORMAL;
            else if (ARG_IS(*t, "pubsub")) type = CONFIG_OBUF_PUBSUB;
            else if (ARG_IS(*t, "master") || ARG_IS(*t, "replica") || ARG_IS(*t, "slave")) type = -2;
            else {
                reply_errf(c, "ERR Unknown client type '%.*s'", (int)t->len, t->p);
                buf_free(&ids);
                return;
            }
        } else if (ARG_IS(c->argv[j], "id") && j + 1 < c->argc) {
            for (j++; j < c->argc; j++) {
                long long id;
                if (!str_to_ll(c->argv[j].p, c->argv[j].len, &id) || id <= 0) {
                    reply_err(c, "ERR Invalid client ID");
                    buf_free(&ids);
                    return;
                }
                buf_put(&ids, &id, sizeof(id));
            }
        } else {
            reply_err(c, ERR_SYNTAX);
            buf_free(&ids);
            return;
        }
    }
    struct buf b = {0};
    for (struct conn *k = c->sh->conns; k && type != -2; k = k->next) {
        if (k->closing || k->internal || (type >= 0 && pubsub_obuf_class(k) != type)) continue;
        if (ids.len) {
            int found = 0;
            for (size_t i = 0; i < ids.len / sizeof(long long); i++)
                if (((long long *)(void *)ids.p)[i] == k->id) found = 1;
            if (!found) continue;
        }
        conn_describe(k, &b);
        buf_putc(&b, '\n');
    }
    reply_bulk(c->out, b.p ? b.p : "", b.len);
    buf_free(&b);
    buf_free(&ids);
}

/* Concatenate the shards' lines into one verbatim string. */
void client_list_combine(struct gather *g, struct buf *out, int resp) {
    struct buf all = {0};
    for (int i = 0; i < g_nshards; i++) {
        const struct buf *r = &g->parts[i].reply;
        if (!r->len) continue;
        if (r->p[0] == '-') {
            buf_put(out, r->p, r->len);
            buf_free(&all);
            return;
        }
        const char *cr = memchr(r->p, '\r', r->len);
        size_t off = (size_t)(cr - r->p) + 2;
        if (r->len >= off + 2) buf_put(&all, r->p + off, r->len - off - 2);
    }
    reply_verbatim(out, resp, "txt", all.p ? all.p : "", all.len);
    buf_free(&all);
}

struct kill_filter {
    long long id;
    const struct arg *addr, *laddr, *user;
    int skipme, type_set, type; /* type: a pubsub_obuf_class, -2 none */
    long long my_id;
};

static int kill_matches(const struct kill_filter *f, const struct conn *k) {
    if (f->id && k->id != f->id) return 0;
    char a[CONN_ADDR_LEN];
    if (f->addr && !str_ieq(f->addr->p, f->addr->len, conn_addr(k, a))) return 0;
    if (f->laddr && !str_ieq(f->laddr->p, f->laddr->len, conn_laddr(k, a))) return 0;
    if (f->user && !str_ieq(f->user->p, f->user->len, "default")) return 0;
    if (f->type_set && (f->type < 0 || pubsub_obuf_class(k) != f->type)) return 0;
    if (f->skipme && k->id == f->my_id) return 0;
    return 1;
}

/* CLIENT KILL part. The old form (one address) replies +OK / error like
 * Redis; the new form replies the number of clients killed here. */
void client_kill_command(struct client *c) {
    struct kill_filter f = {0};
    f.skipme = 1;
    f.my_id = c->conn ? c->conn->id : -1;
    int old_form = c->argc == 3;
    if (old_form) {
        f.addr = &c->argv[2];
        f.skipme = 0;
    } else {
        if ((c->argc - 2) % 2) {
            reply_err(c, ERR_SYNTAX);
            return;
        }
        for (int j = 2; j + 1 < c->argc; j += 2) {
            const struct arg *o = &c->argv[j], *v = &c->argv[j + 1];
            if (ARG_IS(*o, "id")) {
                if (!str_to_ll(v->p, v->len, &f.id) || f.id <= 0) {
                    reply_err(c, "ERR client-id should be greater than 0");
                    return;
                }
            } else if (ARG_IS(*o, "addr")) f.addr = v;
            else if (ARG_IS(*o, "laddr")) f.laddr = v;
            else if (ARG_IS(*o, "user")) {
                if (!str_ieq(v->p, v->len, "default")) {
                    reply_errf(c, "ERR No such user '%.*s'", (int)v->len, v->p);
                    return;
                }
                f.user = v;
            }
            else if (ARG_IS(*o, "type")) {
                f.type_set = 1;
                f.type = -2;
                if (ARG_IS(*v, "normal")) f.type = CONFIG_OBUF_NORMAL;
                else if (ARG_IS(*v, "pubsub")) f.type = CONFIG_OBUF_PUBSUB;
                else if (!ARG_IS(*v, "master") && !ARG_IS(*v, "replica") && !ARG_IS(*v, "slave")) {
                    reply_errf(c, "ERR Unknown client type '%.*s'", (int)v->len, v->p);
                    return;
                }
            } else if (ARG_IS(*o, "skipme")) {
                if (ARG_IS(*v, "yes")) f.skipme = 1;
                else if (ARG_IS(*v, "no")) f.skipme = 0;
                else {
                    reply_err(c, ERR_SYNTAX);
                    return;
                }
            } else {
                reply_err(c, ERR_SYNTAX);
                return;
            }
        }
    }
    long long n = 0;
    for (struct conn *k = c->sh->conns; k; k = k->next) {
        if (k->closing || k->internal || !kill_matches(&f, k)) continue;
        n++;
        /* the caller itself goes after its reply; others at once */
        if (c->conn == k) k->close_after_reply = 1;
        else conn_close(k);
    }
    reply_int(c->out, n);
}

void client_kill_combine(struct gather *g, struct buf *out, int resp) {
    UNUSED(resp);
    long long total = 0;
    for (int i = 0; i < g_nshards; i++) {
        const struct buf *r = &g->parts[i].reply;
        long long v;
        if (!r->len) continue;
        if (r->p[0] == '-') {
            buf_put(out, r->p, r->len);
            return;
        }
        if (str_to_ll(r->p + 1, r->len - 3, &v)) total += v;
    }
    if (g->argc == 3) { /* CLIENT KILL addr:port */
        if (total) reply_ok(out);
        else reply_error(out, "ERR No such client");
        return;
    }
    reply_int(out, total);
}

void client_setinfo_command(struct client *c) {
    const struct arg *attr = &c->argv[2], *val = &c->argv[3];
    char **slot;
    if (ARG_IS(*attr, "lib-name")) slot = &conn_meta(c->conn)->lib_name;
    else if (ARG_IS(*attr, "lib-ver")) slot = &conn_meta(c->conn)->lib_ver;
    else {
        reply_errf(c, "ERR Unrecognized option '%.*s'", (int)attr->len, attr->p);
        return;
    }
    if (!valid_name(val)) {
        reply_errf(c, "ERR %.*s cannot contain spaces, newlines or special characters.",
                   (int)attr->len, attr->p);
        return;
    }
    free(*slot);
    *slot = malloc(val->len + 1);
    if (!*slot) abort();
    memcpy(*slot, val->p, val->len);
    (*slot)[val->len] = '\0';
    reply_ok(c->out);
}

void client_noevict_command(struct client *c) {
    if (ARG_IS(c->argv[2], "on")) c->conn->no_evict = 1;
    else if (ARG_IS(c->argv[2], "off")) c->conn->no_evict = 0;
    else {
        reply_err(c, ERR_SYNTAX);
        return;
    }
    reply_ok(c->out);
}

void client_reply_command(struct client *c) {
    if (ARG_IS(c->argv[2], "on")) {
        c->conn->reply_mode = REPLY_ON;
        reply_ok(c->out);
    } else if (ARG_IS(c->argv[2], "off")) {
        c->conn->reply_mode = REPLY_OFF;
    } else if (ARG_IS(c->argv[2], "skip")) {
        if (c->conn->reply_mode == REPLY_ON) c->conn->reply_mode = REPLY_SKIP_NEXT;
    } else {
        reply_err(c, ERR_SYNTAX);
    }
}

/* CLIENT PAUSE timeout [WRITE|ALL]: runs on every shard (each one holds
 * its own clients' commands), checked the same way everywhere, so every
 * part gives the same error. */
void client_pause_command(struct client *c) {
    if (c->argc > 4) {
        reply_err(c, "ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.");
        return;
    }
    int type = PAUSE_ALL;
    if (c->argc == 4) {
        if (ARG_IS(c->argv[3], "write")) type = PAUSE_WRITE;
        else if (!ARG_IS(c->argv[3], "all")) {
            reply_err(c, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    long long ms;
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &ms)) {
        reply_err(c, "ERR timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        reply_err(c, "ERR timeout is negative");
        return;
    }
    long long now = mstime();
    if (ms > 0 && ms > LLONG_MAX - now) {
        reply_err(c, "ERR timeout is out of range");
        return;
    }
    conns_pause(c->sh, type, ms > 0 ? now + ms : 0);
    reply_ok(c->out);
}

void client_unpause_command(struct client *c) {
    conns_unpause(c->sh, 0);
    reply_ok(c->out);
}

void client_help_command(struct client *c) {
    static const char *const lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME.",
        "LIST [options ...]",
        "    Return information about client connections. Options: TYPE, ID.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <LIB-NAME|LIB-VER> <value>",
        "    Set client meta attributes.",
        "HELP",
        "    Print this help.",
        NULL};
    reply_help(c->out, lines);
}
