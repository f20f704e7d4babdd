#!/usr/bin/env bash
# bench/compare.sh - run redis-shard and redis-server side by side.
#
# Throughput, latency and server CPU cost per request for SET/GET at several
# pipeline depths, plus resident memory per key after loading 1M keys.
# See bench/README.md for details.  Usage:
#
#   bench/compare.sh            # full run (a few minutes)
#   bench/compare.sh --quick    # smoke run: REPEAT=1, small N
#
# Settings come from environment variables (see usage() below).

set -uo pipefail

usage() {
    cat <<'EOF'
usage: bench/compare.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  BENCH_BIN        redis-benchmark                     [redis-benchmark]
  CLI_BIN          redis-cli                           [redis-cli]
  SHARD_STYLE      "shard" or "redis": how SHARD_BIN is started
                   [redis if its basename is redis-server*, else shard]
  SHARD_EXTRA_ARGS extra args for redis-shard          [--appendonly no]
  SERVERS          which servers, in run order         [redis shard1 shard2]
  WORKLOADS        <set|get>_p<depth> list             [set_p1 get_p1 set_p16 get_p16 set_p64 get_p64]
  REPEAT           runs per (workload, server)         [3; --quick: 1]
  N_P1, N_P16, N_P64, N_P<depth>
                   requests per run                    [200000 for -P 1, 2000000 otherwise;
                                                        --quick: 20000 / 200000]
  CLIENTS          redis-benchmark -c                  [50]
  KEYSPACE         redis-benchmark -r                  [1000000]
  DATASIZE         redis-benchmark -d                  [16]
  BENCH_CPU        CPU list for redis-benchmark        [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (uses BASE_PORT..+2 and +10..+12)  [7301]
  SERVER_TIMEOUT   seconds after which servers stop by themselves     [3600]
  BENCH_TIMEOUT    seconds allowed for one redis-benchmark run        [300]
  PREFILL=0        do not preload the KEYSPACE keys before benchmarking
  SKIP_BENCH=1     only run the memory test
  SKIP_MEMORY=1    skip the memory test
  MEM_KEYS         keys loaded for the memory test     [1000000]
  LOADER           how keys are loaded: auto, pipe (redis-cli --pipe, needs
                   ECHO) or raw (RESP over /dev/tcp)   [auto]
  RAW_CSV          also copy the per-run results to this file
  KEEP_TMP=1       keep the temporary directory (server logs, raw data)
EOF
}

QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
    esac
done

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

if [[ $QUICK == 1 ]]; then
    : "${REPEAT:=1}" "${N_P1:=20000}" "${N_P16:=200000}" "${N_P64:=200000}"
    N_DEFAULT_P1=20000; N_DEFAULT=200000
else
    N_DEFAULT_P1=200000; N_DEFAULT=2000000
fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
BENCH_BIN=${BENCH_BIN:-redis-benchmark}
CLI_BIN=${CLI_BIN:-redis-cli}
# (set SHARD_EXTRA_ARGS="" if redis-shard rejects --appendonly)
if [[ -z ${SHARD_EXTRA_ARGS+set} ]]; then SHARD_EXTRA_ARGS="--appendonly no"; fi
SERVERS=${SERVERS:-redis shard1 shard2}
WORKLOADS=${WORKLOADS:-set_p1 get_p1 set_p16 get_p16 set_p64 get_p64}
REPEAT=${REPEAT:-3}
CLIENTS=${CLIENTS:-50}
KEYSPACE=${KEYSPACE:-1000000}
DATASIZE=${DATASIZE:-16}
BENCH_CPU=${BENCH_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
BASE_PORT=${BASE_PORT:-7301}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-3600}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-300}
PREFILL=${PREFILL:-1}
SKIP_BENCH=${SKIP_BENCH:-0}
SKIP_MEMORY=${SKIP_MEMORY:-0}
MEM_KEYS=${MEM_KEYS:-1000000}
KEEP_TMP=${KEEP_TMP:-0}
LOADER=${LOADER:-auto}
RAW_CSV=${RAW_CSV:-}

# ---------------------------------------------------------------- helpers

die()  { echo "compare.sh: error: $*" >&2; exit 1; }
warn() { echo "compare.sh: warning: $*" >&2; }
log()  { echo "$*" >&2; }

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

# Resolve a command name or path to an absolute executable path.
resolve_bin() {
    local what=$1 bin=$2 p
    if [[ $bin == */* ]]; then
        [[ -e $bin ]] || die "$what not found: $bin (build it, or set $what=/path/to/binary)"
        [[ -x $bin && -f $bin ]] || die "$what is not an executable file: $bin"
        p=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
    else
        p=$(command -v "$bin") || die "$what not found in PATH: $bin"
    fi
    echo "$p"
}

# utime+stime (clock ticks) of a whole process, all threads included.
cpu_ticks() {
    local s
    { s=$(< "/proc/$1/stat"); } 2>/dev/null || return 1
    s=${s##*) }            # drop "pid (comm) ", comm may contain spaces
    # shellcheck disable=SC2086
    set -- $s              # now $1 is field 3 (state); utime=14 -> $12, stime=15 -> $13
    echo $(( ${12} + ${13} ))
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

now_ns() { date +%s%N; }

# True if the binary is built with ASan/TSan (dynamically or statically).
sanitizer_build() {
    ldd "$1" 2>/dev/null | grep -qE 'lib(asan|tsan|ubsan)' && return 0
    grep -aqE '__(asan|tsan)_init' "$1" 2>/dev/null
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- checks

for v in REPEAT CLIENTS KEYSPACE DATASIZE BASE_PORT SERVER_TIMEOUT BENCH_TIMEOUT LOAD_TIMEOUT MEM_KEYS; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
(( REPEAT >= 1 )) || die "REPEAT must be >= 1"
[[ $LOADER =~ ^(auto|pipe|raw)$ ]] || die "LOADER must be auto, pipe or raw"

REDIS_BIN=$(resolve_bin REDIS_BIN "$REDIS_BIN") || exit 1
BENCH_BIN=$(resolve_bin BENCH_BIN "$BENCH_BIN") || exit 1
CLI_BIN=$(resolve_bin CLI_BIN "$CLI_BIN") || exit 1
for tool in taskset timeout awk sort; do
    command -v "$tool" >/dev/null || die "required tool not found: $tool"
done

need_shard=0
for s in $SERVERS; do
    case "$s" in
        redis) ;;
        shard1|shard2) need_shard=1 ;;
        *) die "unknown server '$s' in SERVERS (use redis, shard1, shard2)" ;;
    esac
done
if (( need_shard )); then
    SHARD_BIN=$(resolve_bin SHARD_BIN "$SHARD_BIN") || exit 1
    if [[ -z ${SHARD_STYLE:-} ]]; then
        case "$(basename "$SHARD_BIN")" in
            redis-server*) SHARD_STYLE=redis ;;
            *) SHARD_STYLE=shard ;;
        esac
    fi
    [[ $SHARD_STYLE == redis || $SHARD_STYLE == shard ]] || die "SHARD_STYLE must be 'redis' or 'shard'"
fi

for w in $WORKLOADS; do
    [[ $w =~ ^(set|get)_p([0-9]+)$ ]] || die "bad workload '$w' (expected set_pN or get_pN)"
done

CLK_TCK=$(getconf CLK_TCK) || die "getconf CLK_TCK failed"
for cpus in "$BENCH_CPU" "$SERVER_CPU" "$SHARD2_CPUS"; do
    taskset -c "$cpus" true 2>/dev/null || die "cannot pin to CPU list '$cpus' (allowed: $(taskset -pc $$ | sed 's/.*: //'))"
done

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/redis-shard-bench.XXXXXX") || die "mktemp failed"

# ---------------------------------------------------------------- servers

declare -A SPID=() TPID=() PORT=() IDLE_TICKS=() IDLE_NS=()
STARTED=()     # names of servers started (for cleanup)

server_bin()   { if [[ $1 == redis ]]; then echo "$REDIS_BIN"; else echo "$SHARD_BIN"; fi; }
server_style() { if [[ $1 == redis ]]; then echo redis; else echo "$SHARD_STYLE"; fi; }
server_cpus()  { if [[ $1 == shard2 ]]; then echo "$SHARD2_CPUS"; else echo "$SERVER_CPU"; fi; }
server_shards(){ if [[ $1 == shard2 ]]; then echo 2; else echo 1; fi; }

# True while the server process we started is alive (checks that its parent is
# still our `timeout` process, so a recycled PID is never mistaken for it).
server_alive() {
    local key=$1 spid=${SPID[$1]:-} s
    [[ -n $spid ]] || return 1
    { s=$(< "/proc/$spid/stat"); } 2>/dev/null || return 1
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    [[ $1 != Z && $2 == "${TPID[$key]}" ]]
}

# start_server KEY NAME PORT: start NAME (redis|shard1|shard2) under KEY.
start_server() {
    local key=$1 name=$2 port=$3
    local bin style cpus shards logf i reply
    bin=$(server_bin "$name"); style=$(server_style "$name")
    cpus=$(server_cpus "$name"); shards=$(server_shards "$name")
    logf="$TMPD/$key.log"
    port_in_use "$port" && die "port $port is already in use (set BASE_PORT)"

    local -a args
    if [[ $style == redis ]]; then
        args=(--port "$port" --bind 127.0.0.1 --save '' --appendonly no
              --daemonize no --protected-mode no --dir "$TMPD" --logfile '')
    else
        # shellcheck disable=SC2206
        args=(--port "$port" --bind 127.0.0.1 --shards "$shards" --cpu-affinity no
              --save '' $SHARD_EXTRA_ARGS)
    fi
    echo "+ taskset -c $cpus $bin ${args[*]}" > "$logf"
    ( cd "$TMPD" && exec timeout -k 5 "$SERVER_TIMEOUT" taskset -c "$cpus" "$bin" "${args[@]}" ) >>"$logf" 2>&1 &
    TPID[$key]=$!
    PORT[$key]=$port
    STARTED+=("$key")

    # find the child of `timeout` (the server itself, after taskset exec'd it)
    SPID[$key]=
    for (( i = 0; i < 100; i++ )); do
        SPID[$key]=$(awk '{print $1}' "/proc/${TPID[$key]}/task/${TPID[$key]}/children" 2>/dev/null)
        [[ -n ${SPID[$key]} ]] && break
        kill -0 "${TPID[$key]}" 2>/dev/null || break
        sleep 0.05
    done
    [[ -n ${SPID[$key]} ]] || { tail -n 20 "$logf" >&2; die "$name did not start (see log above)"; }

    # wait until it answers PING
    for (( i = 0; i < 200; i++ )); do
        reply=$(timeout 2 "$CLI_BIN" -h 127.0.0.1 -p "$port" ping 2>/dev/null)
        [[ $reply == PONG ]] && break
        if ! server_alive "$key"; then
            tail -n 20 "$logf" >&2
            die "$name ($bin) exited during startup (log above)"
        fi
        sleep 0.05
    done
    [[ $reply == PONG ]] || { tail -n 20 "$logf" >&2; die "$name on port $port did not answer PING within 10s"; }
    local exe; exe=$(readlink "/proc/${SPID[$key]}/exe" 2>/dev/null)
    log "  started $key: $name pid ${SPID[$key]} port $port cpus $cpus ($exe)"
}

stop_server() {
    local key=$1 i
    [[ -n ${TPID[$key]:-} ]] || return 0
    if server_alive "$key"; then
        kill -TERM "${SPID[$key]}" 2>/dev/null
        for (( i = 0; i < 100; i++ )); do
            server_alive "$key" || break
            sleep 0.05
        done
        server_alive "$key" && kill -KILL "${SPID[$key]}" 2>/dev/null
    fi
    kill -0 "${TPID[$key]}" 2>/dev/null && kill -TERM "${TPID[$key]}" 2>/dev/null
    wait "${TPID[$key]}" 2>/dev/null
    unset "TPID[$key]" "SPID[$key]"
}

cleanup() {
    local k
    trap - EXIT INT TERM
    for k in "${STARTED[@]}"; do stop_server "$k"; done
    if [[ $KEEP_TMP == 1 ]]; then log "temporary files kept in $TMPD"; else rm -rf "$TMPD"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

cli() { local key=$1; shift; timeout 10 "$CLI_BIN" -h 127.0.0.1 -p "${PORT[$key]}" "$@" 2>/dev/null; }

# RESP file with COUNT distinct keys key:%012d (16 bytes), 16-byte values.
# The key names are the same ones redis-benchmark -r generates, so the
# prefill makes every GET a hit.
gen_keys() {
    local count=$1 f="$TMPD/keys.$1.resp"
    if [[ ! -s $f ]]; then
        awk -v n="$count" 'BEGIN {
            for (i = 0; i < n; i++)
                printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$16\r\nval:%012d\r\n", i, i
        }' > "$f" || die "generating $f failed"
    fi
    echo "$f"
}

# load_keys KEY COUNT: SET COUNT distinct keys, then check DBSIZE == COUNT.
load_keys() {
    local key=$1 count=$2 f port=${PORT[$1]} out n
    f=$(gen_keys "$count") || exit 1
    local mode=$LOADER
    if [[ $mode == auto ]]; then
        # redis-cli --pipe ends with an ECHO to detect completion
        if [[ $(cli "$key" echo bench-probe) == bench-probe ]]; then mode=pipe; else mode=raw; fi
    fi
    if [[ $mode == pipe ]]; then
        out=$(timeout --foreground "$LOAD_TIMEOUT" "$CLI_BIN" -h 127.0.0.1 -p "$port" --pipe < "$f" 2>&1) \
            || warn "redis-cli --pipe into $key: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
    else
        # no ECHO: redis-cli --pipe cannot detect the end; write raw RESP and
        # read exactly one "+OK\r\n" per command back.
        # shellcheck disable=SC2016  # $1..$3 expand in the inner shell
        timeout --foreground "$LOAD_TIMEOUT" bash -c '
            exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
            head -c "$3" <&3 >/dev/null & r=$!
            cat "$2" >&3
            wait $r' _ "$port" "$f" "$((count * 5))" \
            || warn "raw RESP load into $key did not finish cleanly"
    fi
    n=$(cli "$key" dbsize)
    [[ $n == "$count" ]] || die "$key: DBSIZE is '$n' after loading, expected $count"
}

# ---------------------------------------------------------------- header

print_header() {
    echo "== redis-shard vs redis-server =="
    echo "date:        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "host:        $(uname -sr), $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "redis:       $REDIS_BIN ($("$REDIS_BIN" --version 2>/dev/null | awk '{print $3}'))"
    if (( need_shard )); then
        echo "redis-shard: $SHARD_BIN (started as: $SHARD_STYLE)"
        if sanitizer_build "$SHARD_BIN"; then
            echo "             WARNING: $SHARD_BIN is a sanitizer (ASan/TSan) build; CPU and memory"
            echo "             numbers are NOT representative. Use a release build (make)."
            warn "$SHARD_BIN is a sanitizer build; results are not representative"
        fi
        if [[ $SHARD_STYLE == redis ]]; then
            echo "             NOTE: SHARD_BIN is a redis-server stand-in; shard1/shard2 rows are plain redis"
        fi
    fi
    echo "client:      $("$BENCH_BIN" --version 2>/dev/null), -c $CLIENTS -r $KEYSPACE -d $DATASIZE, pinned to CPU $BENCH_CPU"
    echo "pinning:     redis, shard1 -> CPU $SERVER_CPU; shard2 -> CPUs $SHARD2_CPUS"
    if [[ " $SERVERS " == *" shard2 "* ]]; then
        echo "             NOTE: shard2 shares CPU(s) with redis-benchmark; with 2 cores this is unavoidable"
    fi
    echo "repeats:     $REPEAT per (workload, server), interleaved; medians reported"
    echo "prefill:     $([[ $PREFILL == 1 ]] && echo "$KEYSPACE keys before benchmarking (GETs hit)" || echo no)"
    echo
}

# ---------------------------------------------------------------- benchmark

n_for_depth() {
    local p=$1 var="N_P$1"
    if [[ -n ${!var:-} ]]; then echo "${!var}"
    elif (( p == 1 )); then echo "$N_DEFAULT_P1"
    else echo "$N_DEFAULT"; fi
}

RAW="$TMPD/raw.csv"
echo "workload,server,rep,requests,rps,p50_ms,p99_ms,cpu_us_per_req,server_cpu_pct" > "$RAW"

# run_one WORKLOAD SERVER REP
run_one() {
    local w=$1 s=$2 rep=$3 test depth n port out line k
    test=${w%_p*}; depth=${w##*_p}; n=$(n_for_depth "$depth"); port=${PORT[$s]}
    if ! is_uint "$n" || (( n == 0 )); then die "bad request count for depth $depth: '$n'"; fi
    if ! server_alive "$s"; then
        warn "$s is not running; skipping $w"
        echo "$w,$s,$rep,$n,NA,NA,NA,NA,NA" >> "$RAW"
        return
    fi

    declare -A t0=()
    for k in $SERVERS; do server_alive "$k" && t0[$k]=$(cpu_ticks "${SPID[$k]}"); done
    local ns0 ns1; ns0=$(now_ns)
    out=$(timeout --foreground "$BENCH_TIMEOUT" taskset -c "$BENCH_CPU" "$BENCH_BIN" \
            -h 127.0.0.1 -p "$port" -t "$test" -c "$CLIENTS" -r "$KEYSPACE" \
            -d "$DATASIZE" -P "$depth" -n "$n" --csv 2>"$TMPD/bench.err")
    local rc=$?
    ns1=$(now_ns)
    declare -A t1=()
    for k in $SERVERS; do server_alive "$k" && t1[$k]=$(cpu_ticks "${SPID[$k]}"); done

    # CPU used by the idle servers meanwhile (should be ~0; reported at the end)
    for k in $SERVERS; do
        [[ $k == "$s" || -z ${t0[$k]:-} || -z ${t1[$k]:-} ]] && continue
        IDLE_TICKS[$k]=$(( ${IDLE_TICKS[$k]:-0} + t1[$k] - t0[$k] ))
        IDLE_NS[$k]=$(( ${IDLE_NS[$k]:-0} + ns1 - ns0 ))
    done

    line=$(echo "$out" | grep -i "^\"${test}\"," | tail -n 1 | tr -d '"')
    if (( rc != 0 )) || [[ -z $line ]] || [[ -z ${t1[$s]:-} ]]; then
        warn "$w on $s (rep $rep) failed (rc=$rc): $(tail -c 300 "$TMPD/bench.err" | tr '\n' ' ')"
        server_alive "$s" || { warn "$s died; log tail:"; tail -n 10 "$TMPD/$s.log" >&2; }
        echo "$w,$s,$rep,$n,NA,NA,NA,NA,NA" >> "$RAW"
        return
    fi
    # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    local rps p50 p99 dt
    IFS=, read -r _ rps _ _ p50 _ p99 _ <<< "$line"
    dt=$(( t1[$s] - t0[$s] ))
    awk -v w="$w" -v s="$s" -v rep="$rep" -v n="$n" -v rps="$rps" -v p50="$p50" -v p99="$p99" \
        -v dt="$dt" -v hz="$CLK_TCK" -v wall="$(( ns1 - ns0 ))" 'BEGIN {
            us = dt * 1e6 / hz
            printf "%s,%s,%d,%d,%.2f,%.3f,%.3f,%.4f,%.1f\n", w, s, rep, n, rps, p50, p99, us / n, 100 * us * 1000 / wall
        }' >> "$RAW"
    log "$(tail -n 1 "$RAW" | awk -F, '{printf "  %-8s %-6s rep %s: %10.0f rps  p50 %6.3f ms  p99 %6.3f ms  cpu %7.3f us/req  (%s%% cpu)", $1, $2, $3, $5, $6, $7, $8, $9}')"
}

report_bench() {
    echo "== throughput / latency / server CPU (median of $REPEAT) =="
    echo "cpu_us/req = server utime+stime (all threads) / requests; x_redis = ratio to redis-server (same workload)"
    echo
    awk -F, -v order="$WORKLOADS" -v servers="$SERVERS" '
        function median(key,   n, i, j, t, a) {
            n = cnt[key]
            for (i = 1; i <= n; i++) a[i] = val[key, i]
            for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
            if (n == 0) return "NA"
            return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        NR == 1 { next }
        $5 != "NA" {
            split("rps p50 p99 cpu pct", names, " ")
            for (m = 1; m <= 5; m++) { key = $1 SUBSEP $2 SUBSEP names[m]; val[key, ++cnt[key]] = $(m + 4) }
        }
        END {
            nw = split(order, W, " "); ns = split(servers, S, " ")
            fmt = "%-9s %-7s %11s %9s %9s %11s %8s %8s %7s\n"
            printf fmt, "workload", "server", "rps", "p50_ms", "p99_ms", "cpu_us/req", "x_redis", "rps_x", "cpu%"
            printf fmt, "---------", "-------", "-----------", "---------", "---------", "-----------", "--------", "--------", "-------"
            for (i = 1; i <= nw; i++) {
                w = W[i]
                rcpu = median(w SUBSEP "redis" SUBSEP "cpu"); rrps = median(w SUBSEP "redis" SUBSEP "rps")
                for (j = 1; j <= ns; j++) {
                    s = S[j]
                    rps = median(w SUBSEP s SUBSEP "rps")
                    if (rps == "NA") { printf fmt, w, s, "failed", "-", "-", "-", "-", "-", "-"; continue }
                    cpu = median(w SUBSEP s SUBSEP "cpu")
                    xr = (rcpu != "NA" && rcpu > 0) ? sprintf("%.2f", cpu / rcpu) : "-"
                    xp = (rrps != "NA" && rrps > 0) ? sprintf("%.2f", rps / rrps) : "-"
                    printf fmt, w, s, sprintf("%.0f", rps),
                        sprintf("%.3f", median(w SUBSEP s SUBSEP "p50")),
                        sprintf("%.3f", median(w SUBSEP s SUBSEP "p99")),
                        sprintf("%.3f", cpu), xr, xp,
                        sprintf("%.0f", median(w SUBSEP s SUBSEP "pct"))
                }
            }
        }' "$RAW"
    echo
    echo "rps_x = rps / redis rps; cpu% = server CPU time / wall time of the run (100 = one core)"
    local k line=""
    for k in $SERVERS; do
        [[ -n ${IDLE_NS[$k]:-} ]] || continue
        line+=$(awk -v k="$k" -v t="${IDLE_TICKS[$k]}" -v hz="$CLK_TCK" -v ns="${IDLE_NS[$k]}" \
                'BEGIN { p = 100 * (t / hz) / (ns / 1e9); printf " %s %.2f%%", k, p; if (p > 2) printf " (HIGH)" }')
    done
    [[ -n $line ]] && echo "idle servers' CPU while another was benchmarked:$line"
    echo
}

run_bench() {
    local i s w rep
    log "starting servers..."
    i=0
    for s in $SERVERS; do
        start_server "$s" "$s" $(( BASE_PORT + i ))
        i=$(( i + 1 ))
    done
    if [[ $PREFILL == 1 ]]; then
        for s in $SERVERS; do
            log "  prefilling $s with $KEYSPACE keys"
            load_keys "$s" "$KEYSPACE"
        done
    fi
    for w in $WORKLOADS; do
        log "workload $w (n=$(n_for_depth "${w##*_p}"))"
        for (( rep = 1; rep <= REPEAT; rep++ )); do
            for s in $SERVERS; do run_one "$w" "$s" "$rep"; done
        done
    done
    for s in $SERVERS; do stop_server "$s"; done
    [[ -n $RAW_CSV ]] && cp "$RAW" "$RAW_CSV"
    report_bench
}

# ---------------------------------------------------------------- memory

run_memory() {
    local s key i=0 rss0 rss1
    local -a rows=()
    log "memory test: $MEM_KEYS keys per fresh server"
    gen_keys "$MEM_KEYS" > /dev/null
    for s in $SERVERS; do
        key="mem_$s"
        start_server "$key" "$s" $(( BASE_PORT + 10 + i ))
        i=$(( i + 1 ))
        sleep 0.5
        rss0=$(rss_kb "${SPID[$key]}")
        load_keys "$key" "$MEM_KEYS"
        sleep 1
        rss1=$(rss_kb "${SPID[$key]}")
        rows+=("$s $rss0 $rss1")
        stop_server "$key"
    done
    echo "== memory: $MEM_KEYS keys (16-byte keys key:%012d, 16-byte values), RSS delta =="
    printf '%s\n' "${rows[@]}" | awk -v keys="$MEM_KEYS" '
        { s[NR] = $1; e[NR] = $2; l[NR] = $3; b[NR] = ($3 - $2) * 1024 / keys; if ($1 == "redis") rb = b[NR] }
        END {
            fmt = "%-7s %13s %14s %11s %8s\n"
            printf fmt, "server", "rss_empty_MB", "rss_loaded_MB", "bytes/key", "x_redis"
            printf fmt, "-------", "-------------", "--------------", "-----------", "--------"
            for (i = 1; i <= NR; i++)
                printf fmt, s[i], sprintf("%.1f", e[i] / 1024), sprintf("%.1f", l[i] / 1024),
                    sprintf("%.1f", b[i]), (rb > 0) ? sprintf("%.2f", b[i] / rb) : "-"
        }'
    echo
}

# ---------------------------------------------------------------- main

print_header
[[ $SKIP_BENCH == 1 ]] || run_bench
[[ $SKIP_MEMORY == 1 ]] || run_memory
