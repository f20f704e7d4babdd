#!/usr/bin/env bash
# bench/pubsub.sh - Pub/Sub fan-out and latency, redis-shard (--shards 1
# and 2) vs redis-server, with bench/pubsub_bench (built here from
# bench/pubsub_bench.c).
#
# For each server, on a fresh instance:
#   fanout-1      1 publisher, SUBS subscribers on one channel, FANOUT1_MSGS
#                 messages: deliveries/s and server CPU per delivery
#   fanout-N      1 publisher, CHANNELS channels x SUBS/CHANNELS subscribers,
#                 FANOUTN_MSGS messages (round-robin over the channels)
#   latency-1     one channel, LAT1_RATE messages/s for LAT_SECS seconds:
#                 publish-to-receive p50/p99 over every delivery
#   latency-N     CHANNELS channels, LATN_RATE messages/s
# Every run checks that every message reached every subscriber of its
# channel once, in publish order, and that PUBLISH returned the exact
# number of receivers; a failed check prints FAILED in the table.
# See bench/README.md.

set -uo pipefail

usage() {
    cat <<'USAGE'
usage: bench/pubsub.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  SERVERS          which servers, in run order         [redis shard1 shard2]
  RUNS             which runs                          [fanout-1 fanout-N latency-1 latency-N]
  SUBS             subscribers                         [10000; --quick: 2000]
  CHANNELS         channels for the fanout-N/latency-N runs [1000; --quick: 200]
  MSG_SIZE         payload bytes                       [64]
  FANOUT1_MSGS     messages in fanout-1                [200]
  FANOUTN_MSGS     messages in fanout-N                [20000]
  WINDOW           fan-out runs: deliveries outstanding at most    [200000]
  LAT1_RATE        messages/s in latency-1             [2]
  LATN_RATE        messages/s in latency-N             [2000]
  LAT_SECS         seconds of each latency run         [5; --quick: 2]
  CLIENT_CPU       CPU list for the bench client       [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (BASE_PORT..+2)     [7821]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [900]
  KEEP_TMP=1       keep the temporary directory (server logs)
The latency rates are meant to stay well below saturation: the bench client
is one thread reading every subscriber, so at high delivery rates its own
queueing shows up as latency. Servers run with --maxclients 19000 and
--protected-mode no (subscribers come from 127.0.0.x, x != 1).
USAGE
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=pubsub.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then : "${SUBS:=2000}" "${CHANNELS:=200}" "${LAT_SECS:=2}"; fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
SHARD_EXTRA_ARGS="--appendonly no --maxclients 19000 --protected-mode no ${SHARD_EXTRA_ARGS:-}"
REDIS_EXTRA_ARGS="--maxclients 19000 ${REDIS_EXTRA_ARGS:-}"
SERVERS=${SERVERS:-redis shard1 shard2}
SUBS=${SUBS:-10000}
CHANNELS=${CHANNELS:-1000}
MSG_SIZE=${MSG_SIZE:-64}
FANOUT1_MSGS=${FANOUT1_MSGS:-200}
FANOUTN_MSGS=${FANOUTN_MSGS:-20000}
LAT1_RATE=${LAT1_RATE:-2}
LATN_RATE=${LATN_RATE:-2000}
LAT_SECS=${LAT_SECS:-5}
WINDOW=${WINDOW:-200000}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
BASE_PORT=${BASE_PORT:-7821}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-900}
KEEP_TMP=${KEEP_TMP:-0}
for v in SUBS CHANNELS MSG_SIZE FANOUT1_MSGS FANOUTN_MSGS WINDOW LAT1_RATE LATN_RATE LAT_SECS BASE_PORT SERVER_TIMEOUT; do
    is_uint "${!v}" || die "$v must be a non-negative integer"
done

bench_setup "$CLIENT_CPU"
TOOL="$REPO_ROOT/build/bench/pubsub_bench"
mkdir -p "$(dirname "$TOOL")"
if [[ ! -x $TOOL || $REPO_ROOT/bench/pubsub_bench.c -nt $TOOL ]]; then
    ${CC:-cc} -O2 -Wall -o "$TOOL" "$REPO_ROOT/bench/pubsub_bench.c" || die "building bench/pubsub_bench failed"
fi

echo "# bench/pubsub.sh ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
print_binaries
echo "subscribers $SUBS, channels 1 and $CHANNELS, payload $MSG_SIZE bytes; client on CPU $CLIENT_CPU"
echo

RUNS=${RUNS:-fanout-1 fanout-N latency-1 latency-N}
declare -A RES=()
# field KEY LINE: the value of key=... in a result line
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<< " $2"; }

idx=0
for name in $SERVERS; do
    key=$name
    start_server "$key" "$name" $((BASE_PORT + idx))
    idx=$((idx + 1))
    if [[ $(cli "$key" publish probe x) != 0 ]]; then
        warn "$name: PUBLISH is not supported; skipping"
        for run in $RUNS; do RES[$name,$run]="no-pubsub"; done
        stop_server "$key"
        continue
    fi
    for run in $RUNS; do
        case $run in
            fanout-1)  args=(-n "$SUBS" -c 1 -m "$FANOUT1_MSGS") ;;
            fanout-N)  args=(-n "$SUBS" -c "$CHANNELS" -m "$FANOUTN_MSGS") ;;
            latency-1) args=(-n "$SUBS" -c 1 -r "$LAT1_RATE" -d "$LAT_SECS") ;;
            latency-N) args=(-n "$SUBS" -c "$CHANNELS" -r "$LATN_RATE" -d "$LAT_SECS") ;;
        esac
        [[ $run == fanout-* ]] && args+=(-W "$WINDOW")
        out=$(taskset -c "$CLIENT_CPU" "$TOOL" -p "${PORT[$key]}" -P "${SPID[$key]}" -s "$MSG_SIZE" "${args[@]}" 2>"$TMPD/$key.$run.err")
        rc=$?
        log "  $name $run: ${out:-(no result)}"
        if (( rc != 0 )); then
            warn "$name $run failed: $(head -n 3 "$TMPD/$key.$run.err" | tr '\n' ' ')"
            RES[$name,$run]="FAILED"
        else
            RES[$name,$run]=$out
        fi
    done
    stop_server "$key"
done

echo "## fan-out (throughput)"
printf '%-10s %-8s %12s %14s %14s %9s %9s\n' run server deliveries deliveries/s "server ns/dlv" user_ns sys_ns
for run in fanout-1 fanout-N; do
    for name in $SERVERS; do
        line=${RES[$name,$run]:-}
        if [[ $line == FAILED || $line == no-pubsub || -z $line ]]; then
            printf '%-10s %-8s %12s\n' "$run" "$name" "${line:-none}"; continue
        fi
        printf '%-10s %-8s %12s %14s %14s %9s %9s\n' "$run" "$name" "$(field deliveries "$line")" \
            "$(field deliveries_per_s "$line")" "$(field server_ns_per_delivery "$line")" \
            "$(field server_user_ns "$line")" "$(field server_sys_ns "$line")"
    done
done
echo
echo "## latency (publish to receive, every delivery)"
printf '%-10s %-8s %8s %12s %10s %10s %10s\n' run server msgs/s deliveries p50_us p99_us max_us
for run in latency-1 latency-N; do
    for name in $SERVERS; do
        line=${RES[$name,$run]:-}
        if [[ $line == FAILED || $line == no-pubsub || -z $line ]]; then
            printf '%-10s %-8s %8s\n' "$run" "$name" "${line:-none}"; continue
        fi
        printf '%-10s %-8s %8s %12s %10s %10s %10s\n' "$run" "$name" "$(field rate "$line")" \
            "$(field deliveries "$line")" "$(field p50_us "$line")" "$(field p99_us "$line")" "$(field max_us "$line")"
    done
done
echo "(server ns/dlv: utime+stime of the server over the run / deliveries; every run checked"
echo " complete, in order, and PUBLISH's count exact)"
