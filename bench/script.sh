#!/usr/bin/env bash
# bench/script.sh - Lua scripts against redis-server: a rate limiter by
# EVALSHA and the same commands sent plainly, a lock's acquire + release
# script, and a transfer script over two keys on both shards. The runs and
# all settings are bench/txn.sh's (see its --help and bench/README.md).
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export RUNS=${RUNS:-rl-script rl-cmds lock-script transfer-script}
exec "$SCRIPT_DIR/txn.sh" "$@"
