/*
 * commands.h - prototypes of every command handler and combiner named in
 * commands.def (generated from the table itself).
 */
#ifndef SERVER_COMMANDS_H
#define SERVER_COMMANDS_H

#include "../server.h"

struct gather;
#define CMD(name, proc, arity, flags, fk, lk, step, route, comb, cfn, group) \
    void proc(struct client *c);
#define CMDK(name, proc, arity, flags, kfn, route, comb, cfn, group) \
    void proc(struct client *c);                                            \
    int kfn(const struct arg *argv, int argc, int *pos, int max);
#include "../commands.def"
#undef CMD
#undef CMDK

void parent_command(struct client *c);
void randomkey_combine(struct gather *g, struct buf *out, int resp);
void client_list_combine(struct gather *g, struct buf *out, int resp);
void client_kill_combine(struct gather *g, struct buf *out, int resp);
void info_combine(struct gather *g, struct buf *out, int resp);
void save_combine(struct gather *g, struct buf *out, int resp);
void bgsave_combine(struct gather *g, struct buf *out, int resp);
void debug_all_combine(struct gather *g, struct buf *out, int resp);
void memory_stats_combine(struct gather *g, struct buf *out, int resp);
void memory_doctor_combine(struct gather *g, struct buf *out, int resp);
void pubsub_names_combine(struct gather *g, struct buf *out, int resp);
void pubsub_numpat_combine(struct gather *g, struct buf *out, int resp);
void pubsub_numsub_combine(struct gather *g, struct buf *out, int resp);

/* COMMAND DOCS text (command_docs.c); "" for unknown commands. */
const char *command_summary(const struct command *cmd);
const char *command_since(const struct command *cmd);
const char *command_complexity(const struct command *cmd);
/* COMMAND DOCS "arguments": the value (an array of maps), and whether any. */
void command_docs_reply_args(struct buf *out, int resp, const struct command *cmd);
int command_docs_has_args(const struct command *cmd);

#endif
