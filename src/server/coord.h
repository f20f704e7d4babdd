/*
 * coord.h - commands whose keys live on several shards and that cannot be
 * split (RENAME, COPY, MSETNX, LCS): fetch copies of every key's value to
 * the client's shard, run the command there against temporary databases,
 * then write every changed key back to its owner.
 *
 * The connection holds further input while this runs, so the client sees
 * its commands in order. Concurrent clients may interleave between fetch and
 * write-back: cross-shard atomicity arrives with transactions.
 */
#ifndef SERVER_COORD_H
#define SERVER_COORD_H

#include "../server.h"

struct conn;
void coord_start(struct conn *c, const struct command *cmd, struct arg *argv, int argc);

#endif
