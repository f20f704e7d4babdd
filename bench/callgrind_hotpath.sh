#!/usr/bin/env bash
# bench/callgrind_hotpath.sh BIN [TEST] [PIPELINE] - instructions the server
# runs for a fixed load, under valgrind's callgrind: a repeatable figure for
# the single-key path where CPU time on this noisy machine is not.
#
#   bench/callgrind_hotpath.sh src/redis-shard set 16
#   bench/callgrind_hotpath.sh /tmp/old/src/redis-shard get 16
#
# Starts BIN with one shard on a free loopback port under callgrind (and
# `timeout 300`), sends 20,000 warm-up and 200,000 measured requests with
# redis-benchmark -c 50 -P PIPELINE -r 100000, stops the server by its PID
# and prints the total instructions of the whole run (all threads). Compare
# two binaries with the same arguments; the difference is per-request cost.
set -uo pipefail
BIN=${1:?usage: $0 BIN [set|get] [PIPELINE]}
TEST=${2:-set}
PIPE=${3:-16}
command -v valgrind > /dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
PORT=$((20000 + RANDOM % 20000))
OUT=$(mktemp -d /tmp/callgrind.XXXXXX)
timeout 300 valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" "$BIN" --port "$PORT" --bind 127.0.0.1 \
    --shards 1 --cpu-affinity no --save "" > "$OUT/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 150); do redis-cli -p "$PORT" ping > /dev/null 2>&1 && break; sleep 0.2; done
redis-benchmark -p "$PORT" -t "$TEST" -n 20000 -P "$PIPE" -c 50 -q > /dev/null 2>&1
redis-benchmark -p "$PORT" -t "$TEST" -n 200000 -P "$PIPE" -c 50 -r 100000 -q > /dev/null 2>&1
kill "$PID" 2> /dev/null
wait "$PID" 2> /dev/null
total=$(grep -m1 -E '^(summary|totals):' "$OUT/cg.out" | awk '{print $2}')
echo "$TEST -P $PIPE: $total instructions ($BIN)"
rm -rf "$OUT"
