#!/usr/bin/env bash
# bench/ab_env.sh - A/B of one redis-shard binary under two environments.
#
# Starts the same binary twice (A and B, each with its own environment
# assignments) and redis-server, fills each with the same keys, then runs
# redis-benchmark against A, B and redis in turn, REPS times, and prints the
# server CPU per request (utime+stime from /proc) of every run. Interleaving
# the three in one run is what makes a few-percent difference visible on a
# shared, noisy machine. Example (replies sent by the owner vs not):
#
#   bench/ab_env.sh REDIS_SHARD_TEST_NO_DELEGATE=1 X=1
#
# Environment: SHARD_BIN [build/release/redis-shard], SHARDS [2], REPS [5],
# TESTS ["get set"], PIPELINE [1], CLIENTS [50], N [200000],
# SHARD_CPUS [0-1], REDIS_CPU [1], BENCH_CPU [0], BASE_PORT [7391],
# AFFINITY [no] (cpu-affinity: with yes, shards pin to the CPUs of
# SHARD_CPUS, and those that land on one CPU share its thread).
set -uo pipefail

[[ $# == 2 ]] || { sed -n '2,18p' "$0" >&2; exit 2; }
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/build/release/redis-shard}
SHARDS=${SHARDS:-2} REPS=${REPS:-5} TESTS=${TESTS:-get set} PIPELINE=${PIPELINE:-1}
CLIENTS=${CLIENTS:-50} N=${N:-200000} SHARD_CPUS=${SHARD_CPUS:-0-1}
REDIS_CPU=${REDIS_CPU:-1} BENCH_CPU=${BENCH_CPU:-0} BASE_PORT=${BASE_PORT:-7391}
AFFINITY=${AFFINITY:-no}
ENV_A=$1 ENV_B=$2
[[ -x $SHARD_BIN ]] || { echo "ab_env.sh: $SHARD_BIN not built (make)" >&2; exit 1; }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

# start_bg CPUS ENV CMD...: run under `timeout`; the server's own PID is
# appended to PIDS (only those are ever signalled)
start_bg() {
    local cpus=$1 envs=$2; shift 2
    # shellcheck disable=SC2086  # envs is a list of NAME=VALUE words
    env $envs taskset -c "$cpus" timeout 1800 "$@" >/dev/null 2>&1 &
    local t=$! p=""
    for _ in $(seq 50); do p=$(pgrep -P "$t") && break; sleep 0.1; done
    [[ -n $p ]] || { echo "ab_env.sh: server did not start: $*" >&2; exit 1; }
    PIDS+=("$p")
}
# wait_up PORT: until the server answers PING (10 s at most)
wait_up() {
    for _ in $(seq 100); do
        [[ $(timeout 2 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]] && return 0
        sleep 0.1
    done
    echo "ab_env.sh: nothing answers on port $1" >&2
    exit 1
}
shard_args=(--bind 127.0.0.1 --shards "$SHARDS" --cpu-affinity "$AFFINITY" --save '' --appendonly no)

start_bg "$SHARD_CPUS" "$ENV_A" "$SHARD_BIN" --port "$BASE_PORT" "${shard_args[@]}"
start_bg "$SHARD_CPUS" "$ENV_B" "$SHARD_BIN" --port $((BASE_PORT + 1)) "${shard_args[@]}"
start_bg "$REDIS_CPU" "" redis-server --port $((BASE_PORT + 2)) --bind 127.0.0.1 --save '' --appendonly no
PA=${PIDS[0]} PB=${PIDS[1]} PR=${PIDS[2]}
for port in $BASE_PORT $((BASE_PORT + 1)) $((BASE_PORT + 2)); do
    wait_up "$port"
    timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -t set -n 1000000 -r 1000000 -d 16 -P 32 -q >/dev/null 2>&1
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A RES=()
for _ in $(seq "$REPS"); do
    for t in $TESTS; do
        for s in "A:$BASE_PORT:$PA" "B:$((BASE_PORT + 1)):$PB" "redis:$((BASE_PORT + 2)):$PR"; do
            IFS=: read -r name port pid <<< "$s"
            t0=$(ticks "$pid")
            timeout 300 taskset -c "$BENCH_CPU" redis-benchmark -h 127.0.0.1 -p "$port" -t "$t" -n "$N" \
                -r 1000000 -d 16 -c "$CLIENTS" -P "$PIPELINE" -q >/dev/null 2>&1
            t1=$(ticks "$pid")
            RES[$name,$t]+=" $(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN {printf "%.2f", d / hz * 1e6 / n}')"
        done
    done
done
echo "server CPU us/request, $SHARDS shards, -P $PIPELINE, -c $CLIENTS, $REPS runs each (A: $ENV_A; B: $ENV_B)"
for t in $TESTS; do
    for name in A B redis; do
        printf '%-4s %-6s %s  median %s\n' "$t" "$name" "${RES[$name,$t]}" \
            "$(tr ' ' '\n' <<< "${RES[$name,$t]}" | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
    done
done
