#!/usr/bin/env bash
# bench/collections_mem.sh - resident memory per collection element,
# redis-shard (--shards 1 and 2) vs redis-server.
#
# For each data set and each server: start a fresh server, read VmRSS, load
# the data set with redis-cli --pipe, check the counts, read VmRSS again.
# Data sets (sizes configurable):
#   hash  100,000 hashes x 10 fields (f0..f9, 8-byte values)
#   set   100,000 sets x 10 members (8-byte non-integer members)
#   zset  100,000 sorted sets x 10 members (8-byte members, integer scores)
#   list  one list of 1,000,000 entries (8-byte values)
# Prints (RSS delta) / elements, where an element is a field, member or list
# entry, and the ratio to redis-server; and the same for the allocator's
# allocated bytes (INFO used_memory), which fixed buffers touched by the
# first traffic do not blur.  See bench/README.md.

set -uo pipefail

usage() {
    cat <<'EOF'
usage: bench/collections_mem.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  SHARD_STYLE      "shard" or "redis": how SHARD_BIN is started
                   [redis if its basename is redis-server*, else shard]
  SHARD_EXTRA_ARGS extra args for redis-shard          [--appendonly no]
  SERVERS          which servers, in run order         [redis shard1 shard2]
  DATASETS         which data sets                     [hash set zset list]
  MEM_KEYS         hashes / sets / sorted sets loaded  [100000; --quick: 20000]
  MEM_ELEMS        fields / members per key            [10]
  MEM_LIST_LEN     entries of the one list             [1000000; --quick: 200000]
  LOADER_CPU       CPU list for redis-cli --pipe       [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (BASE_PORT..+2)     [7341]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [1800]
  LOAD_TIMEOUT     seconds allowed for one load        [300]
  SETTLE_SECS      wait before each RSS reading after loading      [1]
  KEEP_TMP=1       keep the temporary directory (server logs, RESP files)
EOF
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=collections_mem.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then
    : "${MEM_KEYS:=20000}" "${MEM_LIST_LEN:=200000}"
fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
if [[ -z ${SHARD_EXTRA_ARGS+set} ]]; then SHARD_EXTRA_ARGS="--appendonly no"; fi
SERVERS=${SERVERS:-redis shard1 shard2}
DATASETS=${DATASETS:-hash set zset list}
MEM_KEYS=${MEM_KEYS:-100000}
MEM_ELEMS=${MEM_ELEMS:-10}
MEM_LIST_LEN=${MEM_LIST_LEN:-1000000}
LOADER_CPU=${LOADER_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
BASE_PORT=${BASE_PORT:-7341}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-1800}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-300}
SETTLE_SECS=${SETTLE_SECS:-1}
KEEP_TMP=${KEEP_TMP:-0}

for v in MEM_KEYS MEM_ELEMS MEM_LIST_LEN BASE_PORT SERVER_TIMEOUT LOAD_TIMEOUT; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
[[ $SETTLE_SECS =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "SETTLE_SECS must be a number of seconds"
(( MEM_KEYS >= 1 && MEM_ELEMS >= 1 && MEM_LIST_LEN >= 1 )) || die "sizes must be >= 1"
(( MEM_KEYS * MEM_ELEMS <= 10000000 )) || die "MEM_KEYS * MEM_ELEMS must be <= 10,000,000 (8-byte names)"
(( MEM_LIST_LEN <= 10000000 )) || die "MEM_LIST_LEN must be <= 10,000,000 (8-byte values)"
for d in $DATASETS; do
    [[ $d =~ ^(hash|set|zset|list)$ ]] || die "unknown data set '$d' (use hash set zset list)"
done

bench_setup "$LOADER_CPU"

# ---------------------------------------------------------------- data

# Names: keys h:%06d / s:%06d / z:%06d (8 bytes for up to 1M keys), biglist.
# Elements are 8 bytes and never integers (no intset/integer encodings):
#   hash fields f0..f<E-1>, values v%07d; set and zset members m%07d (unique
#   within the data set); zset scores are small integers; list entries v%07d.
gen_resp() {
    local d=$1 f="$TMPD/$1.resp"
    if [[ ! -s $f ]]; then
        awk -v d="$d" -v n="$MEM_KEYS" -v e="$MEM_ELEMS" -v ll="$MEM_LIST_LEN" 'BEGIN {
            if (d == "list") {
                for (i = 0; i < ll; i += 1000) {
                    m = (ll - i < 1000) ? ll - i : 1000
                    printf "*%d\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n", m + 2
                    for (j = i; j < i + m; j++) printf "$8\r\nv%07d\r\n", j
                }
                exit
            }
            verb = (d == "hash") ? "HSET" : (d == "set") ? "SADD" : "ZADD"
            pfx = substr(d, 1, 1)
            args = (d == "set") ? e : 2 * e
            for (i = 0; i < n; i++) {
                k = sprintf("%s:%06d", pfx, i)
                printf "*%d\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", args + 2, length(verb), verb, length(k), k
                for (j = 0; j < e; j++) {
                    if (d == "hash") {
                        fl = "f" j
                        printf "$%d\r\n%s\r\n$8\r\nv%07d\r\n", length(fl), fl, (i * e + j) % 10000000
                    } else if (d == "set") {
                        printf "$8\r\nm%07d\r\n", i * e + j
                    } else {
                        sc = j + 1
                        printf "$%d\r\n%d\r\n$8\r\nm%07d\r\n", length(sc ""), sc, i * e + j
                    }
                }
            }
        }' > "$f" || die "generating $f failed"
    fi
    echo "$f"
}

# used_memory KEY: INFO memory used_memory (allocated bytes), or empty.
used_memory() { cli "$1" info memory | awk -F: '/^used_memory:/ {print $2 + 0}'; }

expected_keys()  { if [[ $1 == list ]]; then echo 1; else echo "$MEM_KEYS"; fi; }
expected_elems() { if [[ $1 == list ]]; then echo "$MEM_LIST_LEN"; else echo $(( MEM_KEYS * MEM_ELEMS )); fi; }
key_name()       { printf '%s:%06d' "${1:0:1}" "$2"; }
len_cmd()        { case "$1" in hash) echo hlen ;; set) echo scard ;; zset) echo zcard ;; list) echo llen ;; esac; }

# verify KEY DATASET: DBSIZE and the lengths of sample keys; prints the
# encoding of the first key (informational).
verify() {
    local key=$1 d=$2 n want i k idx
    n=$(cli "$key" dbsize)
    want=$(expected_keys "$d")
    [[ $n == "$want" ]] || { warn "$key: DBSIZE is '$n', expected $want"; return 1; }
    if [[ $d == list ]]; then
        n=$(cli "$key" llen biglist)
        [[ $n == "$MEM_LIST_LEN" ]] || { warn "$key: LLEN biglist is '$n', expected $MEM_LIST_LEN"; return 1; }
        n=$(cli "$key" lindex biglist -1)
        [[ $n == $(printf 'v%07d' $(( MEM_LIST_LEN - 1 ))) ]] || { warn "$key: LINDEX biglist -1 is '$n'"; return 1; }
        ENCODING=$(cli "$key" object encoding biglist)
        return 0
    fi
    for idx in 0 $(( MEM_KEYS / 3 )) $(( MEM_KEYS / 2 )) $(( MEM_KEYS - 1 )); do
        k=$(key_name "$d" "$idx")
        n=$(cli "$key" "$(len_cmd "$d")" "$k")
        [[ $n == "$MEM_ELEMS" ]] || { warn "$key: $(len_cmd "$d") $k is '$n', expected $MEM_ELEMS"; return 1; }
    done
    # one content check per type
    k=$(key_name "$d" 0)
    case "$d" in
        hash) n=$(cli "$key" hget "$k" f0); i=v0000000 ;;
        set)  n=$(cli "$key" sismember "$k" m0000000); i=1 ;;
        zset) n=$(cli "$key" zscore "$k" m0000000); i=1 ;;
    esac
    [[ $n == "$i" ]] || { warn "$key: content check on $k returned '$n', expected '$i'"; return 1; }
    ENCODING=$(cli "$key" object encoding "$k")
    return 0
}

# ---------------------------------------------------------------- header

echo "== collection memory: redis-shard vs redis-server (RSS delta per element) =="
echo "date:        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:        $(uname -sr), $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
print_binaries
echo "data sets:   hash/set/zset: $MEM_KEYS keys x $MEM_ELEMS fields/members (8-byte values/members);"
echo "             list: 1 key x $MEM_LIST_LEN entries (8 bytes); each load into a fresh server"
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
        start_server "$key" "$s" $(( BASE_PORT + i % 3 ))
        i=$(( i + 1 ))
        sleep 0.5
        rss0=$(rss_kb "${SPID[$key]}")
        um0=$(used_memory "$key")
        t0=$(now_ns)
        if ! PIPE_CPU=$LOADER_CPU pipe_load "$key" "$f" "$LOAD_TIMEOUT"; then
            ROWS+=("$d $s failed"); stop_server "$key"; continue
        fi
        t1=$(now_ns)
        ENCODING=
        if ! verify "$key" "$d"; then ROWS+=("$d $s failed"); stop_server "$key"; continue; fi
        sleep "$SETTLE_SECS"
        rss1=$(rss_kb "${SPID[$key]}")
        um1=$(used_memory "$key")
        ROWS+=("$d $s $rss0 $rss1 $(expected_keys "$d") $(expected_elems "$d") $(( (t1 - t0) / 1000000 )) ${ENCODING:-?} ${um0:-0} ${um1:-0}")
        log "  $d on $s: RSS ${rss0} kB -> ${rss1} kB, load $(( (t1 - t0) / 1000000 )) ms, encoding ${ENCODING:-?}"
        stop_server "$key"
    done
done

echo "== RSS delta per element (element = hash field, set/zset member, list entry) =="
printf '%s\n' "${ROWS[@]}" | awk '
    BEGIN {
        fmt = "%-5s %-7s %8s %10s %13s %14s %10s %9s %8s %11s %8s %8s  %s\n"
        printf fmt, "type", "server", "keys", "elements", "rss_empty_MB", "rss_loaded_MB", "bytes/elem", "bytes/key", "x_redis", "alloc_b/el", "x_alloc", "load_ms", "encoding"
        printf fmt, "-----", "-------", "--------", "----------", "-------------", "--------------", "----------", "---------", "--------", "-----------", "--------", "--------", "--------"
    }
    $3 == "failed" { printf fmt, $1, $2, "-", "-", "-", "-", "failed", "-", "-", "-", "-", "-", "-"; next }
    {
        n++; t[n] = $1; s[n] = $2; e0[n] = $3; e1[n] = $4; k[n] = $5; el[n] = $6; ms[n] = $7; enc[n] = $8
        b[n] = ($4 - $3) * 1024 / $6
        a[n] = ($10 > 0) ? ($10 - $9) / $6 : -1
        if ($2 == "redis") { rb[$1] = b[n]; ra[$1] = a[n] }
    }
    END {
        for (i = 1; i <= n; i++)
            printf fmt, t[i], s[i], k[i], el[i], sprintf("%.1f", e0[i] / 1024), sprintf("%.1f", e1[i] / 1024),
                sprintf("%.1f", b[i]), sprintf("%.0f", b[i] * el[i] / k[i]),
                (rb[t[i]] > 0) ? sprintf("%.2f", b[i] / rb[t[i]]) : "-",
                (a[i] >= 0) ? sprintf("%.1f", a[i]) : "-", (a[i] >= 0 && ra[t[i]] > 0) ? sprintf("%.2f", a[i] / ra[t[i]]) : "-",
                ms[i], enc[i]
    }'
echo
echo "bytes/elem = (rss_loaded - rss_empty) / elements, so key overhead is spread over the elements;"
echo "bytes/key = the same delta per key. encoding = OBJECT ENCODING of the first key."
echo "alloc_b/el = the same from INFO used_memory (bytes the allocator handed out; redis-shard's"
echo "receive buffers, 8 MB per shard reserved at startup and touched as they come into use, are"
echo "not in used_memory: they show in the RSS columns only)."
