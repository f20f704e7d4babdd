/*
 * move.h - moving one element between keys of two shards (LMOVE,
 * RPOPLPUSH, SMOVE) as a transaction that runs at the data (move.c).
 */
#ifndef TXN_MOVE_H
#define TXN_MOVE_H

#include "../server.h"

struct conn;

/* Start cmd for c if it is a move whose keys are on two shards; returns 1
 * if it took the command (its reply comes later into a hole), 0 if the
 * caller should run it some other way. */
int move_start(struct conn *c, const struct command *cmd, struct arg *argv, int argc);

#endif
