#!/usr/bin/env bash
# benchmark_smoke.sh SERVER_BIN SHARDS
# Runs `redis-benchmark -t ping,set,get,incr,mset -P 16` against a fresh
# server, then redis-benchmark's whole default suite (no -t: lists, sets,
# hashes, zsets, LRANGE_*, MSET too), and fails if redis-benchmark reports
# any error (7.0 exits at the first error reply), misses a test, or the
# server counted an error reply.
# Timing figures are not judged here (see bench/ for that).
set -u
BIN=$(realpath "$1")
SHARDS=$2
PORT=$(( 23000 + RANDOM % 2000 ))
DIR=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT

(cd "$DIR" && exec timeout 300 "$BIN" --port "$PORT" --bind 127.0.0.1 --shards "$SHARDS" \
    --cpu-affinity no --save "" >"$DIR/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 100); do
    redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
done
out=$(timeout 240 redis-benchmark -p "$PORT" -t ping,set,get,incr,mset -P 16 -n 100000 \
    -r 100000 -c 50 --csv 2>"$DIR/bench.err")
rc=$?
failed=0
if [ $rc -ne 0 ] || [ -s "$DIR/bench.err" ]; then
    echo "redis-benchmark failed (rc=$rc):"; cat "$DIR/bench.err"; failed=1
fi
for t in PING_INLINE PING_MBULK SET GET INCR "MSET (10 keys)"; do
    if ! grep -q "^\"$t\"" <<<"$out"; then echo "missing result for $t"; failed=1; fi
done
# the whole default suite, small
all=$(timeout 240 redis-benchmark -p "$PORT" -n 2000 -r 1000 -c 20 --csv 2>"$DIR/bench_all.err")
rc=$?
if [ $rc -ne 0 ] || [ -s "$DIR/bench_all.err" ]; then
    echo "redis-benchmark (default suite) failed (rc=$rc):"; cat "$DIR/bench_all.err"; failed=1
fi
for t in PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET SPOP ZADD ZPOPMIN \
         "LPUSH (needed to benchmark LRANGE)" "LRANGE_100 (first 100 elements)" \
         "LRANGE_300 (first 300 elements)" "LRANGE_500 (first 500 elements)" \
         "LRANGE_600 (first 600 elements)" "MSET (10 keys)"; do
    if ! grep -q "^\"$t\"" <<<"$all"; then echo "default suite: missing result for $t"; failed=1; fi
done
errs=$(redis-cli -p "$PORT" info stats | tr -d '\r' | awk -F: '$1 == "total_error_replies" {print $2}')
if [ "${errs:-x}" != 0 ]; then echo "total_error_replies after the benchmarks: '$errs'"; failed=1; fi
# the server must still answer and hold the keys the benchmark wrote
n=$(redis-cli -p "$PORT" dbsize)
if ! [ "${n:-0}" -gt 0 ] 2>/dev/null; then echo "DBSIZE after the benchmark: '$n'"; failed=1; fi
echo "$out"
if [ $failed -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; tail -20 "$DIR/server.log"; fi
exit $failed
