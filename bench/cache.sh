#!/usr/bin/env bash
# bench/cache.sh - redis-shard and redis-server as caches with the same
# maxmemory: for each eviction policy and server, a fresh server gets
# `CONFIG SET maxmemory` and `maxmemory-policy`, then bench/cache_bench plays
# a cache against it (Zipf keys over a key space larger than memory, GET and
# SET on a miss). A warm-up run fills memory; a measured run gives hit ratio,
# rps and GET latency. Meanwhile RSS is sampled every 0.2 s (its maximum over
# warm-up and measurement is reported against maxmemory), and the server's
# CPU time (utime+stime from /proc) over the measured run gives CPU per
# request. See bench/README.md.  Usage:
#
#   bench/cache.sh            # full run (about 2 x 3 x (WARMUP + TIME) s)
#   bench/cache.sh --quick    # smoke run: small memory and key space, 5 s runs
#
# Settings come from environment variables (see usage() below).

set -uo pipefail

usage() {
    cat <<'EOF2'
usage: bench/cache.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  CACHE_BENCH      the load tool; built from bench/cache_bench.c if unset
                   [<repo>/build/bench/cache_bench]
  SERVERS          which servers, in run order         [redis shard1 shard2]
  POLICIES         maxmemory-policy values             [allkeys-lru allkeys-lfu]
  MAXMEMORY        maxmemory for every server          [200mb; --quick: 20mb]
  KEYS             key space (distinct keys)           [10000000; --quick: 1000000]
  ZIPF             Zipf exponent                       [0.99]
  VALUE            value size in bytes                 [100]
  CONNS            connections (client threads)        [4]
  PIPELINE         GETs in flight per connection       [16]
  WARMUP           minimum warm-up seconds             [30; --quick: 5]
  WARMUP_MAX       warm-up goes on until the server evicts, at most this long
                                                       [180; --quick: 30]
  TIME             measured seconds                    [30; --quick: 5]
  BENCH_CPU        CPU list for the load tool          [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  SHARD_EXTRA_ARGS extra args for redis-shard          []
  BASE_PORT        first port (uses BASE_PORT..+2)     [7351]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [3600]
  KEEP_TMP=1       keep the temporary directory (server logs, raw data)
EOF2
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=cache.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then
    : "${MAXMEMORY:=20mb}" "${KEYS:=1000000}" "${WARMUP:=5}" "${WARMUP_MAX:=30}" "${TIME:=5}"
fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
SERVERS=${SERVERS:-redis shard1 shard2}
POLICIES=${POLICIES:-allkeys-lru allkeys-lfu}
MAXMEMORY=${MAXMEMORY:-200mb}
KEYS=${KEYS:-10000000}
ZIPF=${ZIPF:-0.99}
VALUE=${VALUE:-100}
CONNS=${CONNS:-4}
PIPELINE=${PIPELINE:-16}
WARMUP=${WARMUP:-30}
WARMUP_MAX=${WARMUP_MAX:-180}
TIME=${TIME:-30}
BENCH_CPU=${BENCH_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
SHARD_EXTRA_ARGS=${SHARD_EXTRA_ARGS:-}
BASE_PORT=${BASE_PORT:-7351}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-3600}
KEEP_TMP=${KEEP_TMP:-0}

for v in KEYS VALUE CONNS PIPELINE WARMUP WARMUP_MAX TIME BASE_PORT SERVER_TIMEOUT; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
(( TIME >= 1 )) || die "TIME must be >= 1"
[[ $ZIPF =~ ^[0-9]*\.?[0-9]+$ ]] || die "ZIPF must be a positive number (got '$ZIPF')"

# maxmemory in bytes (redis units: b, k, kb, m, mb, g, gb; k = 1000, kb = 1024)
mem_bytes() {
    local s=${1,,} n u
    [[ $s =~ ^([0-9]+)([a-z]*)$ ]] || return 1
    n=${BASH_REMATCH[1]}; u=${BASH_REMATCH[2]}
    case "$u" in
        ''|b) echo "$n" ;;
        k) echo $(( n * 1000 )) ;;   kb) echo $(( n * 1024 )) ;;
        m) echo $(( n * 1000000 )) ;; mb) echo $(( n * 1024 * 1024 )) ;;
        g) echo $(( n * 1000000000 )) ;; gb) echo $(( n * 1024 * 1024 * 1024 )) ;;
        *) return 1 ;;
    esac
}
MAXMEM_BYTES=$(mem_bytes "$MAXMEMORY") || die "MAXMEMORY: cannot parse '$MAXMEMORY'"

# The load tool: build it next to the other build outputs when needed.
if [[ -z ${CACHE_BENCH:-} ]]; then
    CACHE_BENCH=$REPO_ROOT/build/bench/cache_bench
    if [[ ! -x $CACHE_BENCH || $SCRIPT_DIR/cache_bench.c -nt $CACHE_BENCH ]]; then
        mkdir -p "$(dirname "$CACHE_BENCH")"
        ${CC:-cc} -O2 -Wall -o "$CACHE_BENCH" "$SCRIPT_DIR/cache_bench.c" -lhiredis -lpthread -lm \
            || die "building cache_bench failed (needs libhiredis-dev)"
    fi
fi
CACHE_BENCH=$(resolve_bin CACHE_BENCH "$CACHE_BENCH") || exit 1

bench_setup "$BENCH_CPU"

SAMPLER_PID=
bench_cleanup_extra() {
    [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
    SAMPLER_PID=
}

# Sample the RSS (kB) of PID into FILE every 0.2 s, keeping the maximum.
start_sampler() {
    local pid=$1 f=$2
    ( max=0
      while kill -0 "$pid" 2>/dev/null; do
          r=$(rss_kb "$pid"); [[ -n $r ]] && (( r > max )) && { max=$r; echo "$max" > "$f"; }
          sleep 0.2
      done ) &
    SAMPLER_PID=$!
}

info_field() { cli "$1" info "$2" | tr -d '\r' | awk -F: -v k="$3" '$1 == k {print $2}'; }

# run_one POLICY SERVER PORT: one row of results (stdout), or a row of dashes.
run_one() {
    local policy=$1 s=$2 port=$3 key="${1}_$2" out t0 t1 rss_f
    start_server "$key" "$s" "$port"
    local pid=${SPID[$key]}
    if [[ $(cli "$key" config set maxmemory "$MAXMEM_BYTES") != OK ||
          $(cli "$key" config set maxmemory-policy "$policy") != OK ]]; then
        warn "$s does not accept CONFIG SET maxmemory / maxmemory-policy $policy: skipped"
        stop_server "$key"
        printf '%-12s %-7s %s\n' "$policy" "$s" "unsupported (no maxmemory / $policy)"
        return
    fi
    rss_f="$TMPD/$key.rss"; echo 0 > "$rss_f"
    start_sampler "$pid" "$rss_f"
    local -a tool=(taskset -c "$BENCH_CPU" "$CACHE_BENCH" -p "$port" -c "$CONNS" -P "$PIPELINE"
                   -k "$KEYS" -s "$ZIPF" -d "$VALUE" -w 0)
    # warm-up: at least WARMUP seconds, then on until the server has started
    # evicting (memory full), at most WARMUP_MAX seconds; each 10 s chunk and
    # the measured run draw their own key sequence (seed)
    local warm=0 seed=1 chunk
    while (( warm < WARMUP_MAX )); do
        if (( warm >= WARMUP )); then
            [[ $(info_field "$key" stats evicted_keys) =~ ^[1-9] ]] && break
        fi
        chunk=$(( WARMUP_MAX - warm < 10 ? WARMUP_MAX - warm : 10 ))
        log "  $policy $s: warm-up ${warm}s..$(( warm + chunk ))s"
        "${tool[@]}" -r "$seed" -t "$chunk" > "$TMPD/$key.warmup" 2>&1 \
            || { warn "$s: warm-up run failed: $(tail -n 1 "$TMPD/$key.warmup")"; break; }
        warm=$(( warm + chunk )); seed=$(( seed + 1 ))
    done
    log "  $policy $s: measuring ${TIME}s"
    t0=$(cpu_ticks "$pid")
    out=$("${tool[@]}" -r 1000 -t "$TIME" --csv 2> "$TMPD/$key.err")
    local rc=$?
    t1=$(cpu_ticks "$pid")
    local used evicted nkeys
    used=$(info_field "$key" memory used_memory)
    nkeys=$(cli "$key" dbsize)
    evicted=$(info_field "$key" stats evicted_keys)
    bench_cleanup_extra
    local rss_max; rss_max=$(< "$rss_f")
    stop_server "$key"
    if (( rc != 0 )) || [[ -z $out ]]; then
        warn "$s: measured run failed: $(tail -n 1 "$TMPD/$key.err")"
        printf '%-12s %-7s %s\n' "$policy" "$s" "failed"
        return
    fi
    if [[ $evicted == 0 && ${used:-0} -gt $(( MAXMEM_BYTES * 3 / 2 )) ]]; then
        warn "$s: used_memory ${used} is far over maxmemory and nothing was evicted: it does not enforce maxmemory"
        s="$s!"
    fi
    # out: hit_ratio,gets_per_s,reqs_per_s,p50_ms,p99_ms,p999_ms,gets,sets,errors
    awk -F, -v p="$policy" -v s="$s" -v ticks=$(( t1 - t0 )) -v tck="$CLK_TCK" \
        -v rss="$rss_max" -v maxmem="$MAXMEM_BYTES" -v used="${used:-0}" -v ev="${evicted:--}" -v nk="${nkeys:--}" '{
        reqs = $7 + $8
        cpu = reqs > 0 ? ticks / tck * 1e6 / reqs : 0
        printf "%-12s %-7s %9.4f %10.0f %10.0f %8.3f %8.3f %10.2f %11.1f %8.2f %9.1f %9s %10s %7s\n",
            p, s, $1, $2, $3, $4, $5, cpu, rss / 1024, rss * 1024 / maxmem,
            used / 1048576, nk, ev, $9
    }' <<< "$out"
}

echo "== cache benchmark: redis-shard vs redis-server =="
echo "date:        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:        $(uname -sr), $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
print_binaries
echo "load:        $CACHE_BENCH -c $CONNS -P $PIPELINE -k $KEYS -s $ZIPF -d $VALUE (GET, SET on miss), pinned to CPU $BENCH_CPU"
echo "maxmemory:   $MAXMEMORY ($MAXMEM_BYTES bytes), set with CONFIG SET on a fresh server; policies: $POLICIES"
echo "runs:        warm-up ${WARMUP}s or until evicting (at most ${WARMUP_MAX}s), then ${TIME}s measured;"
echo "             each run its own key sequence; rss_max sampled every 0.2 s over both"
echo "pinning:     redis, shard1 -> CPU $SERVER_CPU; shard2 -> CPUs $SHARD2_CPUS"
echo
fmt='%-12s %-7s %9s %10s %10s %8s %8s %10s %11s %8s %9s %9s %10s %7s\n'
printf "$fmt" policy server hit_ratio gets/s reqs/s p50_ms p99_ms cpu_us/req rss_max_MB rss/max used_MB keys evicted errors
printf "$fmt" ------------ ------- --------- ---------- ---------- -------- -------- ---------- ----------- -------- --------- --------- ---------- -------
for policy in $POLICIES; do
    i=0
    for s in $SERVERS; do
        run_one "$policy" "$s" $(( BASE_PORT + i ))
        i=$(( i + 1 ))
    done
done
echo
echo "cpu_us/req: server utime+stime over the measured run / (GETs + SETs); rss/max: rss_max / maxmemory;"
echo "used_MB, keys and evicted: INFO / DBSIZE at the end; a server name ending in ! did not evict (used_memory > 1.5 x maxmemory)."
