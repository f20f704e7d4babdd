#!/usr/bin/env bash
# bench/conns.sh - resident memory per idle connection, redis-shard
# (--shards 1 and 2) vs redis-server.
#
# For each server: start it fresh, then bench/conns (built here from
# bench/conns.c) opens STEPS connections from 127.0.0.2..127.0.0.(1+NSRC),
# PINGs each one to be sure it was accepted, waits SETTLE_MS and reads the
# server's VmRSS at 0 and at every step. Prints a table: RSS at each step,
# bytes per connection ((RSS(step) - RSS(0)) / step) and the ratio to
# redis-server. The kernel's socket memory is not in any server's RSS.
# See bench/README.md.

set -uo pipefail

usage() {
    cat <<'USAGE'
usage: bench/conns.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  SERVERS          which servers, in run order         [redis shard1 shard2]
  STEPS            connection counts                   [5000 10000 15000; --quick: 2000 4000]
  NSRC             source addresses 127.0.0.2..        [8]
  SETTLE_MS        wait before each RSS reading        [2000]
  CLIENT_CPU       CPU list for the connection tool    [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (BASE_PORT..+2)     [7811]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [900]
  KEEP_TMP=1       keep the temporary directory (server logs)
Both servers run with --maxclients 19000 (the open-file cap here is 20,000)
and --protected-mode no (clients come from 127.0.0.x, x != 1).
USAGE
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=conns.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then : "${STEPS:=2000 4000}"; fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
SHARD_EXTRA_ARGS="--appendonly no --maxclients 19000 --protected-mode no ${SHARD_EXTRA_ARGS:-}"
REDIS_EXTRA_ARGS="--maxclients 19000 ${REDIS_EXTRA_ARGS:-}"
SERVERS=${SERVERS:-redis shard1 shard2}
STEPS=${STEPS:-5000 10000 15000}
NSRC=${NSRC:-8}
SETTLE_MS=${SETTLE_MS:-2000}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
BASE_PORT=${BASE_PORT:-7811}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-900}
KEEP_TMP=${KEEP_TMP:-0}
for v in NSRC SETTLE_MS BASE_PORT SERVER_TIMEOUT; do
    is_uint "${!v}" || die "$v must be a non-negative integer"
done
for s in $STEPS; do is_uint "$s" || die "STEPS must be integers"; done

bench_setup "$CLIENT_CPU"
TOOL="$REPO_ROOT/build/bench/conns"
mkdir -p "$(dirname "$TOOL")"
if [[ ! -x $TOOL || $REPO_ROOT/bench/conns.c -nt $TOOL ]]; then
    ${CC:-cc} -O2 -Wall -o "$TOOL" "$REPO_ROOT/bench/conns.c" || die "building bench/conns failed"
fi

echo "# bench/conns.sh: RSS per idle connection ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs)"
print_binaries
echo "steps: $STEPS; sources 127.0.0.2..127.0.0.$((1 + NSRC)); settle ${SETTLE_MS} ms before each reading"
echo

declare -A RSS=()
idx=0
for name in $SERVERS; do
    key=$name
    start_server "$key" "$name" $((BASE_PORT + idx))
    idx=$((idx + 1))
    out=$(taskset -c "$CLIENT_CPU" "$TOOL" -p "${PORT[$key]}" -P "${SPID[$key]}" -s "$NSRC" \
          -w "$SETTLE_MS" $STEPS) || { warn "$name: the connection tool failed"; out=""; }
    while read -r n kb; do
        [[ -n $n ]] && RSS[$name,$n]=$kb
    done <<< "$out"
    stop_server "$key"
done

# the table: B/conn = (RSS(n) - RSS(0)) / n; marg = the same over the last
# step only, which leaves out one-time costs (receive buffers touched once,
# allocator metadata) and is what each further connection costs.
printf '%-8s' "conns"
for name in $SERVERS; do printf ' %11s %7s %6s' "$name KB" "B/conn" "marg"; done
for name in $SERVERS; do [[ $name != redis && -n ${RSS[redis,0]:-} ]] && printf ' %13s' "$name/redis"; done
echo
prev=0
for n in 0 $STEPS; do
    printf '%-8s' "$n"
    for name in $SERVERS; do
        kb=${RSS[$name,$n]:-}
        base=${RSS[$name,0]:-}
        pkb=${RSS[$name,$prev]:-}
        if [[ -z $kb ]]; then printf ' %11s %7s %6s' failed - -; continue; fi
        if (( n == 0 )); then printf ' %11s %7s %6s' "$kb" - -; continue; fi
        printf ' %11s %7s %6s' "$kb" $(( (kb - base) * 1024 / n )) $(( (kb - pkb) * 1024 / (n - prev) ))
    done
    for name in $SERVERS; do
        [[ $name == redis || -z ${RSS[redis,0]:-} ]] && continue
        if (( n == 0 )) || [[ -z ${RSS[$name,$n]:-} || -z ${RSS[redis,$n]:-} ]]; then printf ' %13s' -; continue; fi
        awk -v a=$(( RSS[$name,$n] - RSS[$name,0] )) -v b=$(( RSS[redis,$n] - RSS[redis,0] )) \
            'BEGIN { if (b > 0) printf " %13.3f", a / b; else printf " %13s", "-" }'
    done
    echo
    prev=$n
done
echo "(KB: VmRSS; B/conn: (RSS - RSS at 0) / conns; marg: bytes per connection over the last step;"
echo " ratio: RSS growth of redis-shard / RSS growth of redis at the same count)"
