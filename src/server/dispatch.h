/*
 * dispatch.h - from a parsed command to its execution: table lookup, arity,
 * routing to the owning shard(s), fan-out and gathering, and statistics.
 */
#ifndef SERVER_DISPATCH_H
#define SERVER_DISPATCH_H

#include "../server.h"

struct conn;

/* A multi-shard operation's parts, gathered at the origin. */
struct gpart {
    struct gather *g;
    int shard;
    int active;
    struct buf reply;
    struct buf args; /* the part's own argv, serialized (for keyed splits) */
};

struct gather {
    struct conn *conn;
    struct oseg *hole;
    const struct command *cmd;
    int resp;
    int dbid;
    int argc; /* of the original command */
    int pending;
    int *key_part;   /* C_ARRAY: part (shard) of each key, in key order */
    int nkeys;
    void *priv;      /* coordinator state */
    struct arg *orig_argv; /* C_FUNC: a copy of the command's arguments */
    struct buf orig_bytes;
    void (*done)(struct gather *g); /* called when every part has replied */
    struct txn *txn; /* a split command's transaction, until its parts are out */
    struct buf blobs; /* its parts, as the transaction carries them */
    struct gpart parts[];
};

/* A command whose keys lie on several shards split for a caller that runs
 * the parts itself (a script holding every shard): gather_can_split says
 * whether cmd splits so (keys to the end, its replies summed, all OK, or
 * an array in key order); gather_split makes the parts (nkeys -1: every
 * shard runs the whole command, a server-wide one) (active ones have
 * their arguments in args, pending counts them; argv must outlive the
 * sends); each reply goes to gather_part_done (cookie XC_PART), the last
 * calls g->done, which gathers them with gather_combine and frees g. */
int gather_can_split(const struct command *cmd);
struct gather *gather_split(const struct command *cmd, int dbid, int resp, const struct arg *argv, int argc,
                            const int *shard_of, int nkeys);
void gather_combine(struct gather *g, struct buf *out);
void gather_free(struct gather *g);
/* A gather with no parts active (from the shard's pool where it can). */
struct gather *gather_alloc(const struct command *cmd, int dbid, int resp);

void commands_init(void);
const struct command *command_lookup(const char *name, size_t len);
extern const struct command *g_commands[];
extern int g_ncommands;
const struct command *command_by_id(int id);

/* Run one parsed command for connection c (argv valid during the call). */
void dispatch_command(struct conn *c, struct arg *argv, int argc);
/* Execute a command on this shard with the given context, counting stats. */
/* Redis's error for a command refused under maxmemory. */
extern const char ERR_OOM[];
extern const char ERR_MISCONF[];
void exec_command(struct client *cl);
/* The same without the maxmemory check before it (the caller made it). */
void exec_command_run(struct client *cl);
/* A reply for a gather part arrived (bytes copied). */
void gather_part_done(struct gpart *p, const char *data, size_t len);

/* Copy argv[0..argc) into bytes (reserved once for them and `extra` more
 * bytes, so the copies do not move while that much is added) and return a
 * malloc'd argument array pointing into it: arguments that must outlive
 * the receive buffer or message they came in. */
struct arg *args_keep(struct buf *bytes, const struct arg *argv, int argc, size_t extra);

/* Key positions of a command invocation; returns count written to pos. */
int command_keys(const struct command *cmd, struct arg *argv, int argc, int *pos, int max);
/* The database of the command's nth key when the client is in dbid: dbid,
 * but for COPY's destination with a valid DB option (an invalid one is
 * reported when the command runs). */
int command_key_db(const struct command *cmd, const struct arg *argv, int argc, int nth, int dbid, int ndb);
/* Does the command write its nth key? Not for a read-only command, nor for
 * the sources of a command that stores into its first key (SUNIONSTORE
 * and the like) or COPY's source; every key of the other writes. */
int command_key_writes(const struct command *cmd, const struct arg *argv, int argc, int nth);

/* Reply helpers shared by handlers. */
extern const char *ERR_SYNTAX, *ERR_NOT_INT, *ERR_WRONGTYPE, *ERR_OVERFLOW, *ERR_NOT_FLOAT;

#endif
