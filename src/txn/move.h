/*
 * move.h - moving one element between keys of two shards (LMOVE,
 * RPOPLPUSH, SMOVE) as a transaction that runs at the data (move.c).
 */
#ifndef TXN_MOVE_H
#define TXN_MOVE_H

#include "../server.h"

struct conn;
struct oseg;

/* Start cmd for c if it is a move whose keys are on two shards (LMOVE,
 * RPOPLPUSH, SMOVE, BLMOVE, BRPOPLPUSH) or a pop from the first non-empty
 * of keys on several shards (LMPOP, ZMPOP, BLPOP, BRPOP, BLMPOP, BZPOPMIN,
 * BZPOPMAX, BZMPOP): each lock step looks at its keys' types, then the
 * owner of the first key with data pops from it alone (and a move's
 * destination owner pushes); a blocking one that finds nothing waits
 * (block.h). Returns 1 if it took the command (its reply comes later into
 * a hole, or its syntax error now), 0 if the caller should run it some
 * other way. */
int move_start(struct conn *c, const struct command *cmd, struct arg *argv, int argc);
/* A waiter of such a command (or of BLMOVE/BRPOPLPUSH) over several shards
 * heard of data: run it again, its reply to `hole`, waiting until
 * `deadline` if it finds nothing; tells owner notify_from when done. */
int pop_retry(struct conn *c, struct oseg *hole, const struct command *cmd, int dbid, const struct arg *argv,
              int argc, long long deadline, int notify_from, uint64_t notify_id);

#endif
