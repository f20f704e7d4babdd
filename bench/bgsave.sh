#!/usr/bin/env bash
# bench/bgsave.sh - BGSAVE and loading dump.rdb, redis-shard vs redis-server.
#
# For each server: start it empty, load the data set (KEYS keys: 80% strings
# key:%012d of 20 bytes, 10% hashes h:%d of 5 fields, 10% sorted sets z:%d of
# 5 members) with redis-cli --pipe, then
#   1. idle:   BGSAVE with no other load: its wall time (INFO polled every
#              10 ms) and the peak memory while it runs;
#   2. base:   50 clients overwrite random string keys (redis-benchmark -t set
#              -r KEYS, pipelined 1): their p99 latency;
#   3. writes: the same writers, and a BGSAVE 0.3 s after they start: the
#              save's wall time, peak memory during it, the writers' p99;
#   4. load:   restart on the file written: seconds from exec to the first
#              PONG (redis-server answers -LOADING until it has loaded), and
#              DBSIZE checked.
# Memory: VmRSS of the server; for redis-server plus the private pages of
# its fork child (smaps_rollup Private_Clean + Private_Dirty), sampled every
# 10 ms. Writers run redis-benchmark's -n sized to last about as long as
# the idle save (at the base run's rate), so the p99 covers the save.
# See bench/README.md.

set -uo pipefail

usage() {
    cat <<'EOF'
usage: bench/bgsave.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  BENCH_BIN        redis-benchmark                     [redis-benchmark]
  SHARD_EXTRA_ARGS extra args for redis-shard          [--appendonly no]
  SERVERS          which servers, in run order         [redis shard2]
  KEYS             keys in the data set                [5000000; --quick: 500000]
  CLIENTS          writer connections                  [50]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  LOADER_CPU       CPU list for redis-cli --pipe and the writers [0]
  BASE_PORT        first port used                     [7381]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [1800]
  KEEP_TMP=1       keep the temporary directory
EOF
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=bgsave.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

[[ $QUICK == 1 ]] && : "${KEYS:=500000}"
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
BENCH_BIN=${BENCH_BIN:-redis-benchmark}
if [[ -z ${SHARD_EXTRA_ARGS+set} ]]; then SHARD_EXTRA_ARGS="--appendonly no"; fi
SERVERS=${SERVERS:-redis shard2}
KEYS=${KEYS:-5000000}
CLIENTS=${CLIENTS:-50}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
LOADER_CPU=${LOADER_CPU:-0}
BASE_PORT=${BASE_PORT:-7381}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-1800}
KEEP_TMP=${KEEP_TMP:-0}
for v in KEYS CLIENTS BASE_PORT SERVER_TIMEOUT; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
(( KEYS >= 1000 )) || die "KEYS must be >= 1000"
command -v "$BENCH_BIN" >/dev/null || die "redis-benchmark not found ($BENCH_BIN)"

bench_setup "$LOADER_CPU"

# ---------------------------------------------------------------- data

gen_resp() {
    local f="$TMPD/data.resp"
    [[ -s $f ]] && { echo "$f"; return; }
    awk -v n="$KEYS" 'BEGIN {
        ns = int(n * 0.8); nh = int(n * 0.1); nz = n - ns - nh
        for (i = 0; i < ns; i++) {
            k = sprintf("key:%012d", i)
            printf "*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$20\r\nvalue-%014d\r\n", k, i
        }
        for (i = 0; i < nh; i++) {
            k = "h:" i
            printf "*12\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n", length(k), k
            for (j = 0; j < 5; j++) printf "$2\r\nf%d\r\n$%d\r\n%s\r\n", j, length("v" i), "v" i
        }
        for (i = 0; i < nz; i++) {
            k = "z:" i
            printf "*12\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n", length(k), k
            for (j = 0; j < 5; j++) printf "$1\r\n%d\r\n$2\r\nm%d\r\n", j, j
        }
    }' > "$f" || die "generating $f failed"
    echo "$f"
}

# ---------------------------------------------------------------- probes

child_private_kb() {
    local c sum=0 pid
    for pid in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
        c=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s + 0}' "/proc/$pid/smaps_rollup" 2>/dev/null)
        sum=$(( sum + ${c:-0} ))
    done
    echo "$sum"
}

mem_kb() { echo $(( $(rss_kb "$1") + $(child_private_kb "$1") )); }

info_field() { cli "$1" info persistence | tr -d '\r' | awk -F: -v f="$2" '$1 == f {print $2}'; }

# bgsave_watch KEY: BGSAVE, then poll until it is done; prints
# "seconds peak_kb status".
bgsave_watch() {
    local key=$1 pid=${SPID[$1]} t0 peak m saves
    saves=$(info_field "$key" rdb_saves)
    t0=$(now_ns)
    peak=$(mem_kb "$pid")
    [[ $(cli "$key" bgsave) == "Background saving started" ]] || die "$key: BGSAVE refused"
    while :; do
        m=$(mem_kb "$pid"); (( m > peak )) && peak=$m
        [[ $(info_field "$key" rdb_bgsave_in_progress) == 0 && $(info_field "$key" rdb_saves) != "$saves" ]] && break
        sleep 0.01
    done
    echo "$(( ($(now_ns) - t0) / 1000000 ))" "$peak" "$(info_field "$key" rdb_last_bgsave_status)"
}

# writers KEY N OUT: redis-benchmark SETs of random existing string keys.
writers() {
    taskset -c "$LOADER_CPU" "$BENCH_BIN" -h 127.0.0.1 -p "${PORT[$1]}" -c "$CLIENTS" -n "$2" \
        -r "$(( KEYS * 8 / 10 ))" -d 20 -t set > "$3" 2>&1
}
p99_of()  { awk '/latency summary/ {getline; getline; print $5; exit}' "$1"; }
rps_of()  { awk '/throughput summary/ {print $3; exit}' "$1"; }

# ---------------------------------------------------------------- runs

data=$(gen_resp)
print_binaries
echo "keys: $KEYS (80% strings, 10% hashes of 5 fields, 10% zsets of 5 members); writers: $CLIENTS clients"
printf '%-8s %9s %9s %9s %6s %9s %9s %6s %9s %9s %8s %8s\n' server rss_mb idle_ms idle_peak ratio \
    save_ms peak_mb ratio p99_base p99_save load_ms dbsize
port=$BASE_PORT
for s in $SERVERS; do
    key=$s
    if [[ $s == redis ]]; then REDIS_EXTRA_ARGS="--dbfilename $s.rdb"; else SHARD_EXTRA_ARGS_SAVED=$SHARD_EXTRA_ARGS; SHARD_EXTRA_ARGS="$SHARD_EXTRA_ARGS --dbfilename $s.rdb"; fi
    rm -f "$TMPD/$s.rdb"
    start_server "$key" "$s" "$port"
    pipe_load "$key" "$data" 600 || die "$key: loading the data set failed"
    n=$(cli "$key" dbsize)
    [[ $n == "$KEYS" ]] || die "$key: DBSIZE $n after loading, expected $KEYS"
    sleep 1
    rss0=$(rss_kb "${SPID[$key]}")
    read -r idle_ms idle_peak st <<< "$(bgsave_watch "$key")"
    [[ $st == ok ]] || die "$key: idle BGSAVE status $st"
    # base: writers alone, about as long as the idle save (at least 2 s)
    writers "$key" 200000 "$TMPD/$key.probe"
    rps=$(rps_of "$TMPD/$key.probe"); rps=${rps%.*}
    secs=$(( idle_ms < 2000 ? 2000 : idle_ms ))
    nw=$(( rps * (secs + 600) / 1000 ))
    writers "$key" "$nw" "$TMPD/$key.base"
    p99b=$(p99_of "$TMPD/$key.base")
    # writes: the same, with a BGSAVE 0.3 s in
    writers "$key" "$nw" "$TMPD/$key.save" &
    wpid=$!
    sleep 0.3
    read -r save_ms peak st <<< "$(bgsave_watch "$key")"
    wait "$wpid"
    [[ $st == ok ]] || die "$key: BGSAVE under writes: status $st"
    p99s=$(p99_of "$TMPD/$key.save")
    stop_server "$key"
    # load
    t0=$(now_ns)
    ( cd "$TMPD" && exec timeout -k 5 "$SERVER_TIMEOUT" taskset -c "$(server_cpus "$s")" "$(server_bin "$s")" \
        $( if [[ $s == redis ]]; then echo --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMPD" --dbfilename "$s.rdb";
           else echo --port "$port" --bind 127.0.0.1 --shards "$(server_shards "$s")" --cpu-affinity no --dbfilename "$s.rdb" $SHARD_EXTRA_ARGS_SAVED; fi ) ) \
        > "$TMPD/$key.load.log" 2>&1 &
    lpid=$!
    load_ms=
    for (( i = 0; i < 60000; i++ )); do
        [[ $(timeout 2 "$CLI_BIN" -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]] && { load_ms=$(( ($(now_ns) - t0) / 1000000 )); break; }
        kill -0 "$lpid" 2>/dev/null || break
        sleep 0.01
    done
    [[ -n $load_ms ]] || die "$key: did not come back after loading (see $TMPD/$key.load.log)"
    loaded=$(timeout 10 "$CLI_BIN" -h 127.0.0.1 -p "$port" dbsize)
    timeout 10 "$CLI_BIN" -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1
    wait "$lpid" 2>/dev/null
    printf '%-8s %9d %9d %9d %6.2f %9d %9d %6.2f %9s %9s %8d %8s\n' "$s" $(( rss0 / 1024 )) "$idle_ms" \
        $(( idle_peak / 1024 )) "$(awk -v a="$idle_peak" -v b="$rss0" 'BEGIN {print a / b}')" "$save_ms" \
        $(( peak / 1024 )) "$(awk -v a="$peak" -v b="$rss0" 'BEGIN {print a / b}')" "$p99b" "$p99s" "$load_ms" "$loaded"
    [[ $s != redis ]] && SHARD_EXTRA_ARGS=$SHARD_EXTRA_ARGS_SAVED
    port=$(( port + 1 ))
done
echo "(rss_mb: before the saves; idle_*: BGSAVE alone; save_ms/peak_mb: BGSAVE under the writers;"
echo " ratio: peak / rss before; p99 in ms, from redis-benchmark's latency summary)"
