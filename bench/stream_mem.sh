#!/usr/bin/env bash
# bench/stream_mem.sh - resident memory per stream entry, redis-shard
# (--shards 1) vs redis-server.
#
# For each data set and each server: start a fresh server, read VmRSS, load
# the data set with redis-cli --pipe (XADD with '*' IDs, two short fields per
# entry), check the lengths and the first and last entries, read VmRSS again.
# Data sets (sizes configurable):
#   one   one stream s of 1,000,000 entries
#   many  100 streams s:000..s:099 of 10,000 entries each
# Every entry is `f1 v%07d f2 w%07d` (two 2-byte field names, two 8-byte
# values, not integers).  Prints (RSS delta) / entries and the ratio to
# redis-server, and the same from INFO used_memory.  See bench/README.md.

set -uo pipefail

usage() {
    cat <<'EOF'
usage: bench/stream_mem.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  SHARD_STYLE      "shard" or "redis": how SHARD_BIN is started
                   [redis if its basename is redis-server*, else shard]
  SHARD_EXTRA_ARGS extra args for redis-shard          [--appendonly no]
  SERVERS          which servers, in run order         [redis shard1]
  DATASETS         which data sets                     [one many]
  ONE_LEN          entries of the one stream           [1000000; --quick: 200000]
  MANY_KEYS        streams of the "many" data set      [100]
  MANY_LEN         entries per stream of "many"        [10000; --quick: 2000]
  LOADER_CPU       CPU list for redis-cli --pipe       [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (BASE_PORT..+3)     [7371]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [900]
  LOAD_TIMEOUT     seconds allowed for one load        [120]
  SETTLE_SECS      wait before the RSS reading after loading       [1]
  KEEP_TMP=1       keep the temporary directory (server logs, RESP files)
EOF
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=stream_mem.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then
    : "${ONE_LEN:=200000}" "${MANY_LEN:=2000}"
fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
if [[ -z ${SHARD_EXTRA_ARGS+set} ]]; then SHARD_EXTRA_ARGS="--appendonly no"; fi
SERVERS=${SERVERS:-redis shard1}
DATASETS=${DATASETS:-one many}
ONE_LEN=${ONE_LEN:-1000000}
MANY_KEYS=${MANY_KEYS:-100}
MANY_LEN=${MANY_LEN:-10000}
LOADER_CPU=${LOADER_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
BASE_PORT=${BASE_PORT:-7371}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-900}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-120}
SETTLE_SECS=${SETTLE_SECS:-1}
KEEP_TMP=${KEEP_TMP:-0}

for v in ONE_LEN MANY_KEYS MANY_LEN BASE_PORT SERVER_TIMEOUT LOAD_TIMEOUT; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
[[ $SETTLE_SECS =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "SETTLE_SECS must be a number of seconds"
(( ONE_LEN >= 1 && MANY_KEYS >= 1 && MANY_LEN >= 1 )) || die "sizes must be >= 1"
(( ONE_LEN <= 10000000 && MANY_KEYS * MANY_LEN <= 10000000 )) || die "at most 10,000,000 entries per data set (8-byte values)"
(( MANY_KEYS <= 1000 )) || die "MANY_KEYS must be <= 1000 (key names s:%03d)"
for d in $DATASETS; do
    [[ $d =~ ^(one|many)$ ]] || die "unknown data set '$d' (use one many)"
done

bench_setup "$LOADER_CPU"

# ---------------------------------------------------------------- data

# one:  XADD s * f1 v%07d f2 w%07d, entries 0..ONE_LEN-1
# many: the same to s:000..s:<MANY_KEYS-1>, round robin (entry i to stream
#       i % MANY_KEYS), so every stream is built up at the same pace
gen_resp() {
    local d=$1 f="$TMPD/$1.resp"
    if [[ ! -s $f ]]; then
        awk -v d="$d" -v one="$ONE_LEN" -v nk="$MANY_KEYS" -v nl="$MANY_LEN" 'BEGIN {
            total = (d == "one") ? one : nk * nl
            for (i = 0; i < total; i++) {
                k = (d == "one") ? "s" : sprintf("s:%03d", i % nk)
                e = i % 10000000
                printf "*7\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$2\r\nf1\r\n$8\r\nv%07d\r\n$2\r\nf2\r\n$8\r\nw%07d\r\n",
                    length(k), k, e, e
            }
        }' > "$f" || die "generating $f failed"
    fi
    echo "$f"
}

used_memory() { cli "$1" info memory | awk -F: '/^used_memory:/ {print $2 + 0}'; }
entries()     { if [[ $1 == one ]]; then echo "$ONE_LEN"; else echo $(( MANY_KEYS * MANY_LEN )); fi; }
streams()     { if [[ $1 == one ]]; then echo 1; else echo "$MANY_KEYS"; fi; }

# check_stream KEY STREAM LEN FIRST LAST: XLEN and the values of the first and
# last entries (f1's value) of one stream.
check_stream() {
    local key=$1 k=$2 len=$3 first=$4 last=$5 n
    n=$(cli "$key" xlen "$k")
    [[ $n == "$len" ]] || { warn "$key: XLEN $k is '$n', expected $len"; return 1; }
    n=$(cli "$key" xrange "$k" - + count 1 | sed -n 3p)
    [[ $n == "$first" ]] || { warn "$key: first entry of $k has f1 '$n', expected $first"; return 1; }
    n=$(cli "$key" xrevrange "$k" + - count 1 | sed -n 3p)
    [[ $n == "$last" ]] || { warn "$key: last entry of $k has f1 '$n', expected $last"; return 1; }
}

# verify KEY DATASET: DBSIZE, the sum of XLEN over every stream, and the
# first/last entries of a few streams.
verify() {
    local key=$1 d=$2 n i k total
    n=$(cli "$key" dbsize)
    [[ $n == "$(streams "$d")" ]] || { warn "$key: DBSIZE is '$n', expected $(streams "$d")"; return 1; }
    if [[ $d == one ]]; then
        check_stream "$key" s "$ONE_LEN" v0000000 "$(printf 'v%07d' $(( (ONE_LEN - 1) % 10000000 )))"
        return
    fi
    total=$(for (( i = 0; i < MANY_KEYS; i++ )); do printf 'XLEN s:%03d\n' "$i"; done |
            timeout 10 "$CLI_BIN" -h 127.0.0.1 -p "${PORT[$key]}" 2>/dev/null | awk '{ t += $1 } END { print t + 0 }')
    [[ $total == "$(entries many)" ]] || { warn "$key: XLEN over the streams sums to '$total', expected $(entries many)"; return 1; }
    for i in 0 $(( MANY_KEYS / 2 )) $(( MANY_KEYS - 1 )); do
        k=$(printf 's:%03d' "$i")
        check_stream "$key" "$k" "$MANY_LEN" "$(printf 'v%07d' "$i")" \
            "$(printf 'v%07d' $(( ((MANY_LEN - 1) * MANY_KEYS + i) % 10000000 )))" || return 1
    done
}

# ---------------------------------------------------------------- header

echo "== stream memory: redis-shard vs redis-server (RSS delta per entry) =="
echo "date:        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:        $(uname -sr), $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
print_binaries
echo "entries:     XADD <key> * f1 v%07d f2 w%07d (2-byte fields, 8-byte values), pipelined by redis-cli --pipe"
echo "data sets:   one: 1 stream x $ONE_LEN entries; many: $MANY_KEYS streams x $MANY_LEN entries;"
echo "             each load into a fresh server"
echo "pinning:     redis, shard1 -> CPU $SERVER_CPU; shard2 -> CPUs $SHARD2_CPUS; redis-cli --pipe -> CPU $LOADER_CPU"
echo

# ---------------------------------------------------------------- runs

ROWS=()
i=0
for d in $DATASETS; do
    f=$(gen_resp "$d") || exit 1
    log "data set $d: $(( $(stat -c %s "$f") / 1024 / 1024 )) MB of RESP"
    for s in $SERVERS; do
        key="$d-$s"
        start_server "$key" "$s" $(( BASE_PORT + i % 4 ))
        i=$(( i + 1 ))
        sleep 0.5
        rss0=$(rss_kb "${SPID[$key]}")
        um0=$(used_memory "$key")
        t0=$(now_ns)
        if ! PIPE_CPU=$LOADER_CPU pipe_load "$key" "$f" "$LOAD_TIMEOUT"; then
            ROWS+=("$d $s failed"); stop_server "$key"; continue
        fi
        t1=$(now_ns)
        if ! verify "$key" "$d"; then ROWS+=("$d $s failed"); stop_server "$key"; continue; fi
        sleep "$SETTLE_SECS"
        rss1=$(rss_kb "${SPID[$key]}")
        um1=$(used_memory "$key")
        ROWS+=("$d $s $rss0 $rss1 $(streams "$d") $(entries "$d") $(( (t1 - t0) / 1000000 )) ${um0:-0} ${um1:-0}")
        log "  $d on $s: RSS ${rss0} kB -> ${rss1} kB, load $(( (t1 - t0) / 1000000 )) ms"
        stop_server "$key"
    done
done

echo "== RSS delta per stream entry =="
printf '%s\n' "${ROWS[@]}" | awk '
    BEGIN {
        fmt = "%-5s %-7s %8s %10s %13s %14s %11s %8s %12s %8s %8s\n"
        printf fmt, "set", "server", "streams", "entries", "rss_empty_MB", "rss_loaded_MB", "bytes/entry", "x_redis", "alloc_b/ent", "x_alloc", "load_ms"
        printf fmt, "-----", "-------", "--------", "----------", "-------------", "--------------", "-----------", "--------", "------------", "--------", "--------"
    }
    $3 == "failed" { printf fmt, $1, $2, "-", "-", "-", "-", "failed", "-", "-", "-", "-"; next }
    {
        n++; t[n] = $1; s[n] = $2; e0[n] = $3; e1[n] = $4; k[n] = $5; el[n] = $6; ms[n] = $7
        b[n] = ($4 - $3) * 1024 / $6
        a[n] = ($9 > 0) ? ($9 - $8) / $6 : -1
        if ($2 == "redis") { rb[$1] = b[n]; ra[$1] = a[n] }
    }
    END {
        for (i = 1; i <= n; i++)
            printf fmt, t[i], s[i], k[i], el[i], sprintf("%.1f", e0[i] / 1024), sprintf("%.1f", e1[i] / 1024),
                sprintf("%.1f", b[i]), (rb[t[i]] > 0) ? sprintf("%.2f", b[i] / rb[t[i]]) : "-",
                (a[i] >= 0) ? sprintf("%.1f", a[i]) : "-", (a[i] >= 0 && ra[t[i]] > 0) ? sprintf("%.2f", a[i] / ra[t[i]]) : "-",
                ms[i]
    }'
echo
echo "bytes/entry = (rss_loaded - rss_empty) / entries; x_redis = the same over redis-server's."
echo "alloc_b/ent = the same from INFO used_memory (bytes the allocator handed out); redis-shard's"
echo "receive buffers (up to 8 MB per shard, touched as traffic comes in) show in RSS only."
