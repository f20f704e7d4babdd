#!/usr/bin/env bash
# bench/latency_bigkeys.sh - latency seen by ordinary clients while big
# collections are scanned and deleted.
#
# Per server (fresh each time): build BIG_KEYS keys of BIG_ELEMS elements
# (hash, set, zset, list in turn), start a GET/SET latency probe
# (bench/bigkeys.c), then, one phase at a time: a full HSCAN/SSCAN/ZSCAN
# (COUNT SCAN_COUNT) of one key of each type, DEL of one key of each type,
# UNLINK of another key of each type, FLUSHALL ASYNC.  Prints p50/p99/max
# per phase and over all of them.  See bench/README.md.
#
#   bench/latency_bigkeys.sh            # 20 keys x 1M elements (~3-4 min)
#   bench/latency_bigkeys.sh --quick    # 8 keys x 200k elements

set -uo pipefail

usage() {
    cat <<'EOF'
usage: bench/latency_bigkeys.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  CC               C compiler for bench/bigkeys.c      [cc]
  SHARD_STYLE      "shard" or "redis": how SHARD_BIN is started
                   [redis if its basename is redis-server*, else shard]
  SHARD_EXTRA_ARGS extra args for redis-shard          [--appendonly no]
  SERVERS          which servers, in run order         [redis shard1 shard2]
  BIG_KEYS         big keys built, types in turn       [20; --quick: 8]
  BIG_TYPES        types used, in turn                 [hash set zset list]
  BIG_ELEMS        elements per big key                [1000000; --quick: 200000]
  LOAD_BATCH       elements per loading command        [1000]
  SCAN_COUNT       COUNT of the *SCAN calls            [100]
  LAT_CONNS        latency probe connections           [10]
  LAT_RATE         requests/s per connection, on a fixed schedule; 0 = closed
                   loop (latency = round trip)         [1000]
  BASELINE_SECS    probe time before any big-key operation   [3; --quick: 2]
  SETTLE_SECS      probe time kept after each DEL/UNLINK     [1]
  FLUSH_SETTLE_SECS  probe time kept after FLUSHALL ASYNC    [2]
  TARGET_MS        p99 target printed in the summary   [10]
  PROBE_RT         1: run the probe with SCHED_FIFO priority 10 (chrt) if
                   permitted, 0: normal priority       [1]
  BENCH_CPU        CPU list for the probe and the driver     [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (BASE_PORT..+2)     [7361]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [1800]
  OP_TIMEOUT       seconds allowed for one load/scan/delete       [300]
  KEEP_TMP=1       keep the temporary directory (server logs, raw probe output)
EOF
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=latency_bigkeys.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then
    : "${BIG_KEYS:=8}" "${BIG_ELEMS:=200000}" "${BASELINE_SECS:=2}"
fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
CC=${CC:-cc}
if [[ -z ${SHARD_EXTRA_ARGS+set} ]]; then SHARD_EXTRA_ARGS="--appendonly no"; fi
SERVERS=${SERVERS:-redis shard1 shard2}
BIG_KEYS=${BIG_KEYS:-20}
BIG_TYPES=${BIG_TYPES:-hash set zset list}
BIG_ELEMS=${BIG_ELEMS:-1000000}
LOAD_BATCH=${LOAD_BATCH:-1000}
SCAN_COUNT=${SCAN_COUNT:-100}
LAT_CONNS=${LAT_CONNS:-10}
LAT_RATE=${LAT_RATE:-1000}
BASELINE_SECS=${BASELINE_SECS:-3}
SETTLE_SECS=${SETTLE_SECS:-1}
FLUSH_SETTLE_SECS=${FLUSH_SETTLE_SECS:-2}
TARGET_MS=${TARGET_MS:-10}
BENCH_CPU=${BENCH_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
BASE_PORT=${BASE_PORT:-7361}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-1800}
OP_TIMEOUT=${OP_TIMEOUT:-300}
KEEP_TMP=${KEEP_TMP:-0}
PROBE_RT=${PROBE_RT:-1}

for v in BIG_KEYS BIG_ELEMS LOAD_BATCH SCAN_COUNT LAT_CONNS LAT_RATE BASE_PORT SERVER_TIMEOUT OP_TIMEOUT TARGET_MS; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
for v in BASELINE_SECS SETTLE_SECS FLUSH_SETTLE_SECS; do
    [[ ${!v} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$v must be a number of seconds (got '${!v}')"
done
(( BIG_KEYS >= 1 && BIG_ELEMS >= 1 && LAT_CONNS >= 1 && SCAN_COUNT >= 1 )) \
    || die "BIG_KEYS, BIG_ELEMS, LAT_CONNS and SCAN_COUNT must be >= 1"
read -r -a TYPES <<< "$BIG_TYPES"
(( ${#TYPES[@]} >= 1 )) || die "BIG_TYPES is empty"
for t in "${TYPES[@]}"; do
    [[ $t =~ ^(hash|set|zset|list)$ ]] || die "unknown type '$t' in BIG_TYPES (use hash set zset list)"
done
command -v "$CC" >/dev/null || die "C compiler not found: $CC (set CC)"

bench_setup "$BENCH_CPU"

BIGKEYS="$TMPD/bigkeys"
"$CC" -O2 -o "$BIGKEYS" "$SCRIPT_DIR/bigkeys.c" 2>"$TMPD/cc.err" \
    || { cat "$TMPD/cc.err" >&2; die "compiling bench/bigkeys.c failed"; }

LAT_PID=
# Stop the latency probe if it is still ours and running.
bench_cleanup_extra() {
    if [[ -n $LAT_PID ]] && [[ $(readlink "/proc/$LAT_PID/exe" 2>/dev/null) == "$BIGKEYS" ]]; then
        kill -TERM "$LAT_PID" 2>/dev/null
        wait "$LAT_PID" 2>/dev/null
    fi
    LAT_PID=
}

# The probe runs SCHED_FIFO when allowed (PROBE_RT=1), so that the driver and
# other processes on its CPU do not delay it: its own scheduling delays would
# be counted as server latency.  It uses little CPU (LAT_CONNS * LAT_RATE req/s).
PROBE_PREFIX=
if [[ $PROBE_RT == 1 ]] && chrt -f 10 true 2>/dev/null; then PROBE_PREFIX="chrt -f 10"; fi

bk() { timeout --foreground "$OP_TIMEOUT" taskset -c "$BENCH_CPU" "$BIGKEYS" "$@"; }

# key names: type in turn, index within the type
KEYS=()
KTYPE=()
for (( i = 0; i < BIG_KEYS; i++ )); do
    t=${TYPES[i % ${#TYPES[@]}]}
    KEYS+=("big:$t:$(( i / ${#TYPES[@]} ))")
    KTYPE+=("$t")
done
key_exists_in_plan() { local k; for k in "${KEYS[@]}"; do [[ $k == "$1" ]] && return 0; done; return 1; }

len_cmd() { case "$1" in hash) echo hlen ;; set) echo scard ;; zset) echo zcard ;; list) echo llen ;; esac; }

# ---------------------------------------------------------------- header

echo "== latency of other clients during big-key DEL/UNLINK/FLUSHALL ASYNC/*SCAN =="
echo "date:        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:        $(uname -sr), $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
print_binaries
echo "data:        $BIG_KEYS keys ($BIG_TYPES in turn) x $BIG_ELEMS elements, built with pipelined variadic commands"
if (( LAT_RATE > 0 )); then
    echo "probe:       $LAT_CONNS connections x $LAT_RATE GET/SET per s on a fixed schedule, pinned to CPU $BENCH_CPU,"
    echo "             scheduling: ${PROBE_PREFIX:-normal (not SCHED_FIFO)};"
    echo "             latency counted from each request's scheduled send time (a stall counts for every"
    echo "             request due during it); rtt_* = plain round trip of the requests actually sent"
else
    echo "probe:       $LAT_CONNS connections, closed loop (latency = round trip), pinned to CPU $BENCH_CPU,"
    echo "             scheduling: ${PROBE_PREFIX:-normal (not SCHED_FIFO)}"
fi
echo "pinning:     redis, shard1 -> CPU $SERVER_CPU; shard2 -> CPUs $SHARD2_CPUS; driver (scans, deletes) -> CPU $BENCH_CPU"
echo

# ---------------------------------------------------------------- one server

SUMMARY=()

# run_server NAME PORT
run_server() {
    local s=$1 port=$2 i k t n out
    local -a labels=() opms=() notes=()

    start_server "$s" "$s" "$port"
    log "  loading $BIG_KEYS keys x $BIG_ELEMS elements into $s"
    local l0; l0=$(now_ns)
    for i in "${!KEYS[@]}"; do
        out=$(bk load 127.0.0.1 "$port" "${KTYPE[i]}" "${KEYS[i]}" "$BIG_ELEMS" "$LOAD_BATCH") \
            || { warn "$s: loading ${KEYS[i]} failed"; stop_server "$s"; SUMMARY+=("$s failed(load)"); return; }
        log "    $out"
    done
    n=$(cli "$s" dbsize)
    [[ $n == "$BIG_KEYS" ]] || { warn "$s: DBSIZE is '$n', expected $BIG_KEYS"; stop_server "$s"; SUMMARY+=("$s failed(dbsize)"); return; }
    for i in "${!KEYS[@]}"; do
        n=$(cli "$s" "$(len_cmd "${KTYPE[i]}")" "${KEYS[i]}")
        [[ $n == "$BIG_ELEMS" ]] || { warn "$s: ${KEYS[i]} has '$n' elements, expected $BIG_ELEMS"; stop_server "$s"; SUMMARY+=("$s failed(count)"); return; }
    done
    local rss; rss=$(rss_kb "${SPID[$s]}")
    echo "-- $s: loaded and verified in $(( ($(now_ns) - l0) / 1000000 )) ms (DBSIZE $BIG_KEYS, every key $BIG_ELEMS elements); RSS $(( rss / 1024 )) MB"

    # latency probe; phase 0 = warm-up, 1 = baseline, 2.. = operations
    local latout="$TMPD/lat.$s.csv"
    $PROBE_PREFIX taskset -c "$BENCH_CPU" "$BIGKEYS" lat -a 2 127.0.0.1 "$port" "$LAT_CONNS" "$LAT_RATE" 3600 > "$latout" &
    LAT_PID=$!
    next_phase() { kill -USR1 "$LAT_PID" 2>/dev/null || warn "latency probe is gone"; }
    sleep 1
    next_phase; labels+=("baseline"); opms+=("-"); notes+=("")
    sleep "$BASELINE_SECS"

    # op LABEL SETTLE CMD...: one phase = the operation plus SETTLE seconds
    op() {
        local label=$1 settle=$2 res ms note=""
        shift 2
        next_phase
        res=$(bk "$@" 2>&1)
        local rc=$?
        if [[ $1 == scan ]]; then
            ms=$(sed -n 's/.*items [0-9]*, \([0-9.]*\) ms.*/\1/p' <<< "$res")
            note=$(sed -n 's/.*calls \([0-9]*\), items \([0-9]*\),.*slowest call \([0-9.]*\) ms.*/\2 items in \1 calls, slowest call \3 ms/p' <<< "$res")
            local items; items=$(sed -n 's/.*items \([0-9]*\),.*/\1/p' <<< "$res")
            [[ $items == "$BIG_ELEMS" ]] || note="$note (expected $BIG_ELEMS items)"
        else
            ms=$(sed -n 's/.*(\([0-9.]*\) ms)$/\1/p' <<< "$res")
            note=$(sed -n 's/.* -> \(.*\) ([0-9.]* ms)$/reply \1/p' <<< "$res")
        fi
        (( rc == 0 )) || { note="FAILED: $(tail -c 120 <<< "$res")"; warn "$s: $label: $res"; }
        log "    $label: ${ms:-?} ms; $note"
        labels+=("$label"); opms+=("${ms:--}"); notes+=("$note")
        sleep "$settle"
    }

    # full scans of index 0 of each scannable type
    for t in "${TYPES[@]}"; do
        k="big:$t:0"
        case "$t" in
            hash) op "HSCAN $k" 0 scan 127.0.0.1 "$port" HSCAN "$k" "$SCAN_COUNT" ;;
            set)  op "SSCAN $k" 0 scan 127.0.0.1 "$port" SSCAN "$k" "$SCAN_COUNT" ;;
            zset) op "ZSCAN $k" 0 scan 127.0.0.1 "$port" ZSCAN "$k" "$SCAN_COUNT" ;;
        esac
    done
    for t in "${TYPES[@]}"; do
        k="big:$t:0"; key_exists_in_plan "$k" && op "DEL $k" "$SETTLE_SECS" cmd 127.0.0.1 "$port" DEL "$k"
    done
    for t in "${TYPES[@]}"; do
        k="big:$t:1"; key_exists_in_plan "$k" && op "UNLINK $k" "$SETTLE_SECS" cmd 127.0.0.1 "$port" UNLINK "$k"
    done
    op "FLUSHALL ASYNC" "$FLUSH_SETTLE_SECS" cmd 127.0.0.1 "$port" FLUSHALL ASYNC
    # (the probe's own lat:* keys come back right away; check the big keys)
    n=$(cli "$s" exists "${KEYS[@]}")
    [[ $n == 0 ]] || warn "$s: EXISTS of the big keys is '$n' after FLUSHALL ASYNC, expected 0"

    kill -TERM "$LAT_PID" 2>/dev/null
    wait "$LAT_PID" 2>/dev/null
    LAT_PID=
    local rss2; rss2=$(rss_kb "${SPID[$s]}")
    stop_server "$s"

    # table: PHASE,idx,secs,samples,p50,p99,p999,max,over10,rtt_p99,rtt_max,errors
    echo "-- $s: GET/SET latency per phase (ms; phase = operation + settle time; RSS after: $(( rss2 / 1024 )) MB)"
    local fmt="%-22s %9s %6s %8s %7s %8s %8s %8s %6s %8s %8s %4s  %s\n"
    # shellcheck disable=SC2059
    printf "$fmt" phase op_ms secs samples p50 p99 p99.9 max ">10ms" rtt_p99 rtt_max errs note
    local idx secs cnt p50 p99 p999 max over rp99 rmax errs
    while IFS=, read -r kind idx secs cnt p50 p99 p999 max over rp99 rmax errs; do
        if [[ $kind == PHASE ]]; then
            (( idx == 0 )) && continue   # warm-up
            i=$(( idx - 1 ))
            # shellcheck disable=SC2059
            printf "$fmt" "${labels[i]:-?}" "${opms[i]:--}" "$secs" "$cnt" "$p50" "$p99" "$p999" "$max" "$over" "$rp99" "$rmax" "$errs" "${notes[i]:-}"
            [[ $idx == 1 ]] && local base_p99=$p99
            if (( idx >= 2 )) && awk -v a="$max" -v b="${worst_max:--1}" 'BEGIN { exit !(a > b) }'; then
                local worst_max=$max worst_label=${labels[i]// /_}
            fi
        elif [[ $kind == TOTAL ]]; then
            # shellcheck disable=SC2059
            printf "$fmt" "ALL OPERATIONS" "-" "$secs" "$cnt" "$p50" "$p99" "$p999" "$max" "$over" "$rp99" "$rmax" "$errs" "(every phase after baseline)"
            SUMMARY+=("$s ${base_p99:-NA} $p99 $p999 $max $over $rp99 $cnt ${worst_label:-NA}")
        fi
    done < "$latout"
    echo
}

i=0
for s in $SERVERS; do
    run_server "$s" $(( BASE_PORT + i ))
    i=$(( i + 1 ))
done

echo "== summary: GET/SET probe during all big-key operations (ms) =="
printf '%s\n' "${SUMMARY[@]}" | awk -v target="$TARGET_MS" '
    BEGIN {
        fmt = "%-7s %12s %8s %9s %9s %7s %9s %9s  %-11s  %s\n"
        printf fmt, "server", "baseline_p99", "p99", "p99.9", "max", ">10ms", "rtt_p99", "samples", "p99<" target "ms", "phase with the max"
        printf fmt, "-------", "------------", "--------", "---------", "---------", "-------", "---------", "---------", "-----------", "------------------"
    }
    NF < 9 { printf fmt, $1, "-", "-", "-", "-", "-", "-", "-", $2, "-"; next }
    { w = $9; gsub(/_/, " ", w); printf fmt, $1, $2, $3, $4, $5, $6, $7, $8, ($3 < target) ? "yes" : "NO", w }'
