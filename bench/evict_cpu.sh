#!/bin/bash
# evict_cpu.sh - server CPU per SET under maxmemory, redis-server vs redis-shard.
#
# Each server gets maxmemory M and POLICY, is filled past the limit by one
# redis-benchmark run, then a second run of N SETs on random keys (16-byte
# values, pipeline 16) is measured: server utime+stime from /proc per request
# (steady eviction when M is small), plus evicted_keys and used_memory.
#
#   bench/evict_cpu.sh [redis-shard binary]
#   env: N (default 300000), POLICY (allkeys-lru), SHARDS (1), MEMS ("0 20mb"),
#        PORT (7510: uses PORT and PORT+1)
BIN=${1:-src/redis-shard}
N=${N:-300000}
POLICY=${POLICY:-allkeys-lru}
PORT=${PORT:-7510}
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
hz=$(getconf CLK_TCK)
run() { # name pid port maxmemory
    local pid=$2 port=$3
    redis-cli -p $port config set maxmemory-policy $POLICY >/dev/null
    redis-cli -p $port config set maxmemory $4 >/dev/null
    redis-benchmark -p $port -t set -n $N -r 100000000 -d 16 -P 16 -q >/dev/null 2>&1
    local c0=$(cpu $pid)
    redis-benchmark -p $port -t set -n $N -r 100000000 -d 16 -P 16 -q >/dev/null 2>&1
    local c1=$(cpu $pid)
    local ev=$(redis-cli -p $port info stats | grep evicted_keys | tr -d '\r')
    local um=$(redis-cli -p $port info memory | grep -E "^used_memory:" | tr -d '\r')
    printf "%-6s %-14s maxmemory=%-5s cpu_us/req=%.2f %s %s\n" $1 $POLICY $4 \
        "$(echo "($c1-$c0)*1000000/$hz/$N" | bc -l)" "$ev" "$um"
}
timeout 600 /usr/bin/redis-server --port $PORT --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
RT=$!
timeout 600 $BIN --port $((PORT + 1)) --bind 127.0.0.1 --shards ${SHARDS:-1} >/dev/null 2>&1 &
ST=$!
sleep 0.5
RPID=$(pgrep -P $RT); SPID=$(pgrep -P $ST)
for m in ${MEMS:-0 20mb}; do
    run redis $RPID $PORT $m
    run shard $SPID $((PORT + 1)) $m
done
kill $RPID $SPID
