#!/usr/bin/env bash
# bench/compare.sh - run redis-shard and redis-server side by side.
#
# Throughput, latency and server CPU cost per request for SET/GET at several
# pipeline depths, plus resident memory per key after loading 1M keys; with
# SUITE=collections, the list/set/hash/zset redis-benchmark tests instead;
# SUITE=bitmaps, SETBIT/GETBIT/BITCOUNT over random keys; SUITE=geo,
# GEOADD of random members and GEOSEARCH in a 100,000-point index;
# SUITE=hll, PFADD of random elements and PFCOUNT of two dense HLLs;
# SUITE=streams, XADD to 100 growing streams, XRANGE of 10 entries of a
# 10,000-entry stream, XREADGROUP ... COUNT 1 NOACK of a prefilled stream,
# and XREADGROUP without NOACK then XACK (xreadgroup_ack: a read run and an
# ack run, priced separately and summed per entry).
# See bench/README.md for details.  Usage:
#
#   bench/compare.sh            # full run (a few minutes)
#   bench/compare.sh --quick    # smoke run: REPEAT=1, small N
#   SUITE=collections bench/compare.sh
#
# Settings come from environment variables (see usage() below).

set -uo pipefail

usage() {
    cat <<'EOF2'
usage: bench/compare.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  BENCH_BIN        redis-benchmark                     [redis-benchmark]
  CLI_BIN          redis-cli                           [redis-cli]
  SHARD_STYLE      "shard" or "redis": how SHARD_BIN is started
                   [redis if its basename is redis-server*, else shard]
  SHARD_EXTRA_ARGS extra args for redis-shard          [--appendonly no]
  SERVERS          which servers, in run order         [redis shard1 shard2c shard2]
                   (shard2c: 2 shards on SERVER_CPU, sharing one thread;
                    shard2: 2 shards on SHARD2_CPUS, a thread each)
  SUITE            strings, collections, bitmaps, geo, hll, streams or all: picks the default WORKLOADS
                   (and SKIP_MEMORY=1 for collections) [strings]
  WORKLOADS        <test>_p<depth> list; test is one of set get lpush lpop
                   sadd hset zadd zpopmin lrange_100 setbit getbit bitcount
                   geoadd geosearch pfadd pfcount xadd xrange xreadgroup
                   xreadgroup_ack (rows /read /ack /miss /hit /sum)
                   [strings:     set_p1 get_p1 set_p16 get_p16 set_p64 get_p64
                    collections: lpush_p16 lpop_p16 sadd_p16 hset_p16 zadd_p16
                                 zpopmin_p16 lrange_100_p16
                    bitmaps:     setbit_p16 getbit_p16 bitcount_p16
                    geo:         geoadd_p16 geosearch_p16
                    hll:         pfadd_p16 pfcount_p16
                    streams:     xadd_p16 xrange_p16 xreadgroup_p16
                                 xreadgroup_ack_p16]
  REPEAT           runs per (workload, server)         [3; --quick: 1]
  N_P1, N_P16, N_P64, N_P<depth>
                   requests per set/get run            [200000 for -P 1, 2000000 otherwise;
                                                        --quick: 20000 / 200000]
  N_COLL, N_COLL_P1
                   requests per run of any other test (-P >1 / -P 1)
                                                       [500000 / 100000; --quick: 50000 / 10000]
  N_LRANGE         requests per lrange_100 run         [200000; --quick: 20000]
  N_<WORKLOAD>     override for one workload, e.g. N_ZADD_P16=300000
  LRANGE_LIST_LEN  mylist is topped up to this length before lrange_100  [10000]
  XADD_KEYS        streams xs:<n> that xadd spreads over (its -r)         [100]
  XRANGE_LEN       stream xr is topped up to this length before xrange    [10000]
  CLIENTS          redis-benchmark -c                  [50]
  KEYSPACE         redis-benchmark -r                  [1000000]
  DATASIZE         redis-benchmark -d                  [16]
  BENCH_CPU        CPU list for redis-benchmark        [0]
  SERVER_CPU       CPU list for redis and shard1       [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (uses BASE_PORT..+3 and +10..+13)  [7301]
  SERVER_TIMEOUT   seconds after which servers stop by themselves     [3600]
  BENCH_TIMEOUT    seconds allowed for one redis-benchmark run        [300]
  PREFILL=0        do not preload the KEYSPACE keys before set/get benchmarks
  SKIP_BENCH=1     only run the memory test
  SKIP_MEMORY=1    skip the memory test
  MEM_KEYS         keys loaded for the memory test     [1000000]
  MEM_TTL          if > 0, the memory test's keys are SET with EX MEM_TTL  [0]
  LOADER           how keys are loaded: auto, pipe (redis-cli --pipe, needs
                   ECHO) or raw (RESP over /dev/tcp)   [auto]
  RAW_CSV          also copy the per-run results to this file
  KEEP_TMP=1       keep the temporary directory (server logs, raw data)
EOF2
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=compare.sh
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then
    : "${REPEAT:=1}" "${N_P1:=20000}" "${N_P16:=200000}" "${N_P64:=200000}"
    : "${N_COLL:=50000}" "${N_COLL_P1:=10000}" "${N_LRANGE:=20000}"
    N_DEFAULT_P1=20000; N_DEFAULT=200000
else
    N_DEFAULT_P1=200000; N_DEFAULT=2000000
fi
N_COLL=${N_COLL:-500000}
N_COLL_P1=${N_COLL_P1:-100000}
N_LRANGE=${N_LRANGE:-200000}
LRANGE_LIST_LEN=${LRANGE_LIST_LEN:-10000}
XADD_KEYS=${XADD_KEYS:-100}
XRANGE_LEN=${XRANGE_LEN:-10000}
STRING_WORKLOADS="set_p1 get_p1 set_p16 get_p16 set_p64 get_p64"
COLL_WORKLOADS="lpush_p16 lpop_p16 sadd_p16 hset_p16 zadd_p16 zpopmin_p16 lrange_100_p16"
BIT_WORKLOADS="setbit_p16 getbit_p16 bitcount_p16"
GEO_WORKLOADS="geoadd_p16 geosearch_p16"
HLL_WORKLOADS="pfadd_p16 pfcount_p16"
STREAM_WORKLOADS="xadd_p16 xrange_p16 xreadgroup_p16 xreadgroup_ack_p16"
SUITE=${SUITE:-strings}
case "$SUITE" in
    strings)     DEFAULT_WORKLOADS=$STRING_WORKLOADS ;;
    collections) DEFAULT_WORKLOADS=$COLL_WORKLOADS; : "${SKIP_MEMORY:=1}" ;;
    bitmaps)     DEFAULT_WORKLOADS=$BIT_WORKLOADS; : "${SKIP_MEMORY:=1}" ;;
    geo)         DEFAULT_WORKLOADS=$GEO_WORKLOADS; : "${SKIP_MEMORY:=1}" ;;
    hll)         DEFAULT_WORKLOADS=$HLL_WORKLOADS; : "${SKIP_MEMORY:=1}" ;;
    streams)     DEFAULT_WORKLOADS=$STREAM_WORKLOADS; : "${SKIP_MEMORY:=1}" ;;
    all)         DEFAULT_WORKLOADS="$STRING_WORKLOADS $COLL_WORKLOADS $BIT_WORKLOADS $GEO_WORKLOADS $HLL_WORKLOADS $STREAM_WORKLOADS" ;;
    *) die "SUITE must be strings, collections, bitmaps, geo, hll, streams or all (got '$SUITE')" ;;
esac
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
BENCH_BIN=${BENCH_BIN:-redis-benchmark}
CLI_BIN=${CLI_BIN:-redis-cli}
# (set SHARD_EXTRA_ARGS="" if redis-shard rejects --appendonly)
if [[ -z ${SHARD_EXTRA_ARGS+set} ]]; then SHARD_EXTRA_ARGS="--appendonly no"; fi
SERVERS=${SERVERS:-redis shard1 shard2c shard2}
WORKLOADS=${WORKLOADS:-$DEFAULT_WORKLOADS}
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
MEM_TTL=${MEM_TTL:-0}
KEEP_TMP=${KEEP_TMP:-0}
LOADER=${LOADER:-auto}
RAW_CSV=${RAW_CSV:-}

# ---------------------------------------------------------------- checks

for v in REPEAT CLIENTS KEYSPACE DATASIZE BASE_PORT SERVER_TIMEOUT BENCH_TIMEOUT LOAD_TIMEOUT MEM_KEYS MEM_TTL \
         N_COLL N_COLL_P1 N_LRANGE LRANGE_LIST_LEN XADD_KEYS XRANGE_LEN; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
(( REPEAT >= 1 )) || die "REPEAT must be >= 1"
(( XADD_KEYS >= 1 )) || die "XADD_KEYS must be >= 1"
[[ $LOADER =~ ^(auto|pipe|raw)$ ]] || die "LOADER must be auto, pipe or raw"

WORKLOAD_RE='^(set|get|lpush|lpop|sadd|hset|zadd|zpopmin|lrange_100|setbit|getbit|bitcount|geoadd|geosearch|pfadd|pfcount|xadd|xrange|xreadgroup_ack|xreadgroup)_p([0-9]+)$'
HAVE_STRINGS=0
for w in $WORKLOADS; do
    [[ $w =~ $WORKLOAD_RE ]] || die "bad workload '$w' (expected <test>_p<depth>, test one of set get lpush lpop sadd hset zadd zpopmin lrange_100 setbit getbit bitcount geoadd geosearch pfadd pfcount xadd xrange xreadgroup xreadgroup_ack)"
    (( BASH_REMATCH[2] >= 1 )) || die "bad workload '$w': depth must be >= 1"
    [[ ${BASH_REMATCH[1]} == set || ${BASH_REMATCH[1]} == get ]] && HAVE_STRINGS=1
done

BENCH_BIN=$(resolve_bin BENCH_BIN "$BENCH_BIN") || exit 1
bench_setup "$BENCH_CPU"

declare -A IDLE_TICKS=() IDLE_NS=() UNSUPPORTED=()
XADD_BEFORE=0


# RESP file with COUNT distinct keys key:%012d (16 bytes), 16-byte values,
# with "EX TTL" when a second argument > 0 is given. The key names are the
# same ones redis-benchmark -r generates, so the prefill makes every GET a hit.
gen_keys() {
    local count=$1 ttl=${2:-0} f="$TMPD/keys.$1.${2:-0}.resp"
    if [[ ! -s $f ]]; then
        awk -v n="$count" -v ttl="$ttl" 'BEGIN {
            ex = (ttl > 0) ? sprintf("$2\r\nEX\r\n$%d\r\n%d\r\n", length(ttl ""), ttl) : ""
            for (i = 0; i < n; i++)
                printf "*%d\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$16\r\nval:%012d\r\n%s",
                    (ttl > 0 ? 5 : 3), i, i, ex
        }' > "$f" || die "generating $f failed"
    fi
    echo "$f"
}

# load_keys KEY COUNT [TTL]: SET COUNT distinct keys (with EX TTL if > 0),
# then check DBSIZE == COUNT.
load_keys() {
    local key=$1 count=$2 f port=${PORT[$1]} out n
    f=$(gen_keys "$count" "${3:-0}") || exit 1
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
    print_binaries
    echo "client:      $("$BENCH_BIN" --version 2>/dev/null), -c $CLIENTS -r $KEYSPACE -d $DATASIZE, pinned to CPU $BENCH_CPU"
    echo "pinning:     redis, shard1, shard2c -> CPU $SERVER_CPU; shard2 -> CPUs $SHARD2_CPUS"
    if [[ " $SERVERS " == *" shard2 "* ]]; then
        echo "             NOTE: shard2 shares CPU(s) with redis-benchmark; with 2 cores this is unavoidable"
    fi
    echo "suite:       $SUITE; workloads: $WORKLOADS"
    echo "repeats:     $REPEAT per (workload, server), interleaved; medians reported"
    if (( HAVE_STRINGS )); then
        echo "prefill:     $([[ $PREFILL == 1 ]] && echo "$KEYSPACE keys before benchmarking (GETs hit)" || echo no)"
    fi
    if [[ " $WORKLOADS " =~ \ (lpush|lpop|sadd|hset|zadd|zpopmin|lrange_100)_p ]]; then
        echo "collections: redis-benchmark's single keys mylist/myset/myhash/myzset (one shard even with --shards 2);"
        echo "             lpop/zpopmin: list/zset topped up to >= N before each run (every pop hits);"
        echo "             lrange_100: 'LRANGE mylist 0 99' on a list of >= $LRANGE_LIST_LEN entries (the LPUSH"
        echo "             that -t lrange_100 runs first is not timed); setup is outside the timed window"
    fi
    if [[ " $WORKLOADS " =~ \ (xadd|xrange|xreadgroup|xreadgroup_ack)_p ]]; then
        echo "streams:     xadd: 'XADD xs:__rand_int__ * f1 v1 f2 v2' with -r $XADD_KEYS (the streams grow over the runs);"
        echo "             xrange: 'XRANGE xr - + COUNT 10' on a stream of >= $XRANGE_LEN entries;"
        echo "             xreadgroup: 'XREADGROUP GROUP g c COUNT 1 NOACK STREAMS xg >', stream xg rebuilt before"
        echo "             each run with exactly N entries and a fresh group, so every read delivers one entry;"
        echo "             after the run the group must show lag 0 and no pending entries (NOACK: no PEL, no XACK)"
    fi
    if [[ " $WORKLOADS " =~ \ xreadgroup_ack_p ]]; then
        echo "xread+ack:   stream xa rebuilt before each rep with exactly N entries 0-1 .. N-1 - 1 and a fresh group;"
        echo "             /read: N x 'XREADGROUP GROUP g c COUNT 1 STREAMS xa >' (no NOACK), then pending must be N;"
        echo "             /ack: N x 'XACK xa g __rand_int__-1' with -r N (random with replacement: ~63% of the"
        echo "             entries get acked, the other XACKs reply 0); acked = N - pending, shown below the table;"
        echo "             /miss: N x 'XACK xa g __rand_int__-2' (no such IDs; pending must not change);"
        echo "             /hit (derived) = (ack * N - miss * (N - acked)) / acked: CPU of an XACK that acks;"
        echo "             /sum (derived) = read + hit: CPU per entry read (without NOACK) and acked"
    fi
    echo
}

# ---------------------------------------------------------------- benchmark

n_for_depth() {
    local p=$1 var="N_P$1"
    if [[ -n ${!var:-} ]]; then echo "${!var}"
    elif (( p == 1 )); then echo "$N_DEFAULT_P1"
    else echo "$N_DEFAULT"; fi
}

# Requests per run of a workload: N_<WORKLOAD> (e.g. N_ZADD_P16) if set,
# else N_P<depth> for set/get, N_LRANGE for lrange_100, N_COLL(_P1) otherwise.
n_for_workload() {
    local w=$1 test=${1%_p*} depth=${1##*_p} var
    var="N_${w^^}"
    if [[ -n ${!var:-} ]]; then echo "${!var}"; return; fi
    case "$test" in
        set|get)    n_for_depth "$depth" ;;
        lrange_100) echo "$N_LRANGE" ;;
        *)          if (( depth == 1 )); then echo "$N_COLL_P1"; else echo "$N_COLL"; fi ;;
    esac
}

# The redis-benchmark arguments that select the test.  lrange_100 is sent as
# the same command ("LRANGE mylist 0 99"), because -t lrange_100 first runs
# an untimed-by-us LPUSH of N requests in the same process, which would be
# counted in cpu_us/req.
bench_test_args() {
    case "$1" in
        lrange_100) echo "LRANGE mylist 0 99" ;;
        # (the random part in the key: redis-benchmark's __rand_int__ has
        # leading zeros, which no bit offset may have)
        setbit)     echo "SETBIT bm:__rand_int__ 1000 1" ;;
        getbit)     echo "GETBIT bm:__rand_int__ 1000" ;;
        bitcount)   echo "BITCOUNT bm:__rand_int__" ;;
        geoadd)     echo "GEOADD geo 13.361389 38.115556 m:__rand_int__" ;;
        geosearch)  echo "GEOSEARCH geopts FROMLONLAT 15 37 BYRADIUS 200 km ASC COUNT 10" ;;
        # (PFCOUNT of two keys: the union is counted every time, no cache)
        pfadd)      echo "PFADD hll el:__rand_int__" ;;
        pfcount)    echo "PFCOUNT {h}a {h}b" ;;
        # (a second -r after compare.sh's own overrides it: XADD_KEYS streams)
        xadd)       echo "-r $XADD_KEYS XADD xs:__rand_int__ * f1 v1 f2 v2" ;;
        xrange)     echo "XRANGE xr - + COUNT 10" ;;
        # (NOACK: redis-benchmark sends one command per test, so there is no
        # XACK to pair with each read; no PEL entry is made instead)
        xreadgroup) echo "XREADGROUP GROUP g c COUNT 1 NOACK STREAMS xg >" ;;
        *)          echo "-t $1" ;;
    esac
}

# probe_workload SERVER TEST: check on scratch keys that the server implements
# the commands the test needs (redis-benchmark 7.0 does not report error
# replies, so an unknown command would otherwise look extremely fast).
probe_workload() {
    local s=$1 t=$2 k=bench:probe:$2 got want
    cli "$s" del "$k" >/dev/null
    case "$t" in
        set|get) return 0 ;;
        lpush)   got=$(cli "$s" lpush "$k" a b; cli "$s" llen "$k"); want=$'2\n2' ;;
        lpop)    got=$(cli "$s" rpush "$k" a b; cli "$s" lpop "$k"; cli "$s" llen "$k"); want=$'2\na\n1' ;;
        lrange_100) got=$(cli "$s" rpush "$k" a b c; cli "$s" lrange "$k" 0 99; cli "$s" llen "$k")
                 want=$'3\na\nb\nc\n3' ;;
        sadd)    got=$(cli "$s" sadd "$k" a b a; cli "$s" scard "$k"); want=$'2\n2' ;;
        hset)    got=$(cli "$s" hset "$k" f1 v f2 v; cli "$s" hlen "$k"); want=$'2\n2' ;;
        zadd)    got=$(cli "$s" zadd "$k" 2 b 1 a; cli "$s" zcard "$k"); want=$'2\n2' ;;
        zpopmin) got=$(cli "$s" zadd "$k" 2 b 1 a; cli "$s" zpopmin "$k"; cli "$s" zcard "$k"); want=$'2\na\n1\n1' ;;
        setbit|getbit|bitcount)
                 got=$(cli "$s" setbit "$k" 1000 1; cli "$s" getbit "$k" 1000; cli "$s" bitcount "$k"); want=$'0\n1\n1' ;;
        geoadd|geosearch)
                 got=$(cli "$s" geoadd "$k" 13.36 38.11 a; cli "$s" geosearch "$k" fromlonlat 13.36 38.11 byradius 1 km)
                 want=$'1\na' ;;
        pfadd|pfcount)
                 got=$(cli "$s" pfadd "$k" a b c; cli "$s" pfcount "$k"); want=$'1\n3' ;;
        xadd|xrange|xreadgroup)
                 got=$(cli "$s" xadd "$k" 1-1 f1 v1 f2 v2; cli "$s" xrange "$k" - + count 10
                       cli "$s" xgroup create "$k" g 0
                       cli "$s" xreadgroup group g c count 1 noack streams "$k" '>'
                       cli "$s" xpending "$k" g | head -n 1)
                 want=$'1-1\n1-1\nf1\nv1\nf2\nv2\nOK\n'"$k"$'\n1-1\nf1\nv1\nf2\nv2\n0' ;;
        xreadgroup_ack)
                 # (XACK of a zero-padded ID, as __rand_int__ makes them; the
                 # setup's EVAL is checked there)
                 got=$(cli "$s" xadd "$k" 0-1 f v; cli "$s" xadd "$k" 12-1 f v
                       cli "$s" xgroup create "$k" g 0
                       cli "$s" xreadgroup group g c count 2 streams "$k" '>' >/dev/null
                       cli "$s" xpending "$k" g | head -n 1
                       cli "$s" xack "$k" g 000000000012-1 000000000012-1; cli "$s" xack "$k" g 000000000012-1
                       cli "$s" xpending "$k" g | head -n 1)
                 want=$'0-1\n12-1\nOK\n2\n1\n0\n1' ;;
    esac
    cli "$s" del "$k" >/dev/null
    [[ $got == "$want" ]] && return 0
    warn "$s does not pass the $t probe (got: $(echo "$got" | head -n 3 | tr '\n' '|')); its $t rows will read 'failed'"
    return 1
}

# redis-benchmark run used only to set up state (not timed, not recorded).
bench_setup_run() {
    local s=$1; shift
    timeout --foreground "$BENCH_TIMEOUT" taskset -c "$BENCH_CPU" "$BENCH_BIN" \
        -h 127.0.0.1 -p "${PORT[$s]}" -c "$CLIENTS" -P 16 -d "$DATASIZE" -q "$@" >/dev/null 2>&1
}

# setup_one TEST SERVER N: make the state a run of TEST needs, outside the
# timed window.  Pops must hit: mylist/myzset hold at least N entries.
setup_one() {
    local t=$1 s=$2 n=$3 have i
    case "$t" in
        lpop|lrange_100)
            local need=$n; [[ $t == lrange_100 ]] && need=$LRANGE_LIST_LEN
            have=$(cli "$s" llen mylist)
            is_uint "$have" || { warn "$s: LLEN mylist -> '$have'"; return 1; }
            if (( have < need )); then
                bench_setup_run "$s" -t lpush -n $(( need - have ))
                have=$(cli "$s" llen mylist)
                (( have >= need )) || { warn "$s: mylist has $have entries after topping up, need $need"; return 1; }
            fi ;;
        zpopmin)
            # random 12-digit scores and member names: a few collide, so loop
            for (( i = 0; i < 5; i++ )); do
                have=$(cli "$s" zcard myzset)
                is_uint "$have" || { warn "$s: ZCARD myzset -> '$have'"; return 1; }
                (( have >= n )) && break
                bench_setup_run "$s" -r 1000000000 -n $(( n - have + (n - have) / 50 + 100 )) \
                    ZADD myzset __rand_int__ zfill:__rand_int__
            done
            (( have >= n )) || { warn "$s: myzset has $have members after topping up, need $n"; return 1; } ;;
        getbit|bitcount)
            # every key of the range holds a 126-byte bitmap (most reads hit)
            bench_setup_run "$s" -r "$KEYSPACE" -n "$n" SETBIT bm:__rand_int__ 1000 1 ;;
        geosearch)
            # 100,000 points spread over the map, the same on every server
            have=$(cli "$s" zcard geopts)
            is_uint "$have" || { warn "$s: ZCARD geopts -> '$have'"; return 1; }
            (( have >= 100000 )) || cli "$s" eval "for i = 1, 100000 do redis.call('geoadd', KEYS[1],
                (i * 7919 % 36000) / 100 - 180, (i * 104729 % 17000) / 100 - 85, 'p' .. i) end" 1 geopts >/dev/null ;;
        pfcount)
            # two dense HLLs of about 100,000 elements each
            bench_setup_run "$s" -r 100000 -n 200000 PFADD {h}a a:__rand_int__
            bench_setup_run "$s" -r 100000 -n 200000 PFADD {h}b b:__rand_int__ ;;
        xadd)
            XADD_BEFORE=$(xadd_total "$s")
            is_uint "$XADD_BEFORE" || { warn "$s: XLEN of the xs:* streams -> '$XADD_BEFORE'"; return 1; } ;;
        xrange)
            have=$(cli "$s" xlen xr)
            is_uint "$have" || { warn "$s: XLEN xr -> '$have'"; return 1; }
            if (( have < XRANGE_LEN )); then
                bench_setup_run "$s" -n $(( XRANGE_LEN - have )) XADD xr '*' f1 v1 f2 v2
                have=$(cli "$s" xlen xr)
                (( have >= XRANGE_LEN )) || { warn "$s: xr has $have entries after topping up, need $XRANGE_LEN"; return 1; }
            fi ;;
        xreadgroup)
            # a fresh stream of exactly N entries and a group at its start:
            # each of the N reads delivers the next entry
            cli "$s" del xg >/dev/null
            bench_setup_run "$s" -n "$n" XADD xg '*' f1 v1 f2 v2
            have=$(cli "$s" xlen xg)
            if ! is_uint "$have" || (( have < n )); then warn "$s: xg has '$have' entries after filling, need $n"; return 1; fi
            (( have > n )) && cli "$s" xtrim xg maxlen "$n" >/dev/null
            cli "$s" xgroup create xg g 0 >/dev/null
            have=$(xgroup_field "$s" lag)
            [[ $have == "$n" ]] || { warn "$s: group g of xg has lag '$have' before the run, expected $n"; return 1; } ;;
        xreadgroup_ack)
            # a fresh stream xa of exactly N entries with IDs 0-1 .. N-1 - 1
            # (the IDs 'XACK xa g __rand_int__-1' with -r N names) and a
            # group g at 0
            cli "$s" del xa >/dev/null
            have=$(cli "$s" eval "for i = 0, tonumber(ARGV[1]) - 1 do
                redis.call('xadd', KEYS[1], i .. '-1', 'f1', 'v1', 'f2', 'v2') end
                return redis.call('xlen', KEYS[1])" 1 xa "$n")
            [[ $have == "$n" ]] || { warn "$s: xa has '$have' entries after filling, need $n"; return 1; }
            have="$(cli "$s" xrange xa - + count 1 | head -n 1) $(cli "$s" xrevrange xa + - count 1 | head -n 1)"
            [[ $have == "0-1 $(( n - 1 ))-1" ]] || { warn "$s: xa runs from/to '$have', expected '0-1 $(( n - 1 ))-1'"; return 1; }
            cli "$s" xgroup create xa g 0 >/dev/null
            have="$(xgroup_field "$s" lag xa) $(xgroup_field "$s" pending xa)"
            [[ $have == "$n 0" ]] || { warn "$s: group g of xa has lag/pending '$have' before the run, expected '$n 0'"; return 1; } ;;
    esac
    return 0
}

# Sum of XLEN over the XADD_KEYS streams xadd writes to (one redis-cli).
xadd_total() {
    local i
    for (( i = 0; i < XADD_KEYS; i++ )); do printf 'XLEN xs:%012d\n' "$i"; done |
        timeout 10 "$CLI_BIN" -h 127.0.0.1 -p "${PORT[$1]}" 2>/dev/null |
        awk '/^[0-9]+$/ { t += $1; n++ } END { if (n == '"$XADD_KEYS"') print t + 0 }'
}

# xgroup_field SERVER FIELD [KEY]: FIELD of group g in XINFO GROUPS KEY (xg).
xgroup_field() {
    cli "$1" xinfo groups "${3:-xg}" | awk -v f="$2" 'p { print; exit } $0 == f { p = 1 }'
}

# check_one TEST SERVER N: after a run, check that it did what it should
# (redis-benchmark does not count error or nil replies).
check_one() {
    local t=$1 s=$2 n=$3 v
    case "$t" in
        xadd)
            v=$(xadd_total "$s")
            if ! is_uint "$v" || (( v - XADD_BEFORE < n )); then
                warn "$s: the xs:* streams grew by $(( ${v:-0} - XADD_BEFORE )) entries, expected $n"; return 1
            fi ;;
        xreadgroup)
            v="$(xgroup_field "$s" lag) $(xgroup_field "$s" pending)"
            [[ $v == "0 0" ]] || { warn "$s: after the run group g of xg has lag/pending '$v', expected '0 0'"; return 1; } ;;
    esac
    return 0
}

RAW="$TMPD/raw.csv"
echo "workload,server,rep,requests,rps,p50_ms,p99_ms,cpu_us_per_req,server_cpu_pct" > "$RAW"
# xreadgroup_ack: entries acked by each ack run (workload,server,rep,acked,N)
ACKED="$TMPD/acked.csv"
: > "$ACKED"

na_row() { echo "$1,$2,$3,$4,NA,NA,NA,NA,NA" >> "$RAW"; }

# timed_run SERVER DEPTH N ARGS...: one redis-benchmark run against SERVER,
# with the server CPU it used.  Sets TR_LINE (the CSV result row), TR_TICKS
# (the server's CPU ticks) and TR_WALL (ns); returns 1 (after a warning) if
# the run failed.
timed_run() {
    local s=$1 depth=$2 n=$3 port=${PORT[$1]} out k rc ns0 ns1
    shift 3
    declare -A t0=() t1=()
    for k in $SERVERS; do server_alive "$k" && t0[$k]=$(cpu_ticks "${SPID[$k]}"); done
    ns0=$(now_ns)
    out=$(timeout --foreground "$BENCH_TIMEOUT" taskset -c "$BENCH_CPU" "$BENCH_BIN" \
            -h 127.0.0.1 -p "$port" -c "$CLIENTS" -r "$KEYSPACE" \
            -d "$DATASIZE" -P "$depth" -n "$n" --csv "$@" 2>"$TMPD/bench.err")
    rc=$?
    ns1=$(now_ns)
    for k in $SERVERS; do server_alive "$k" && t1[$k]=$(cpu_ticks "${SPID[$k]}"); done

    # CPU used by the idle servers meanwhile (should be ~0; reported at the end)
    for k in $SERVERS; do
        [[ $k == "$s" || -z ${t0[$k]:-} || -z ${t1[$k]:-} ]] && continue
        IDLE_TICKS[$k]=$(( ${IDLE_TICKS[$k]:-0} + t1[$k] - t0[$k] ))
        IDLE_NS[$k]=$(( ${IDLE_NS[$k]:-0} + ns1 - ns0 ))
    done

    # the one result row (the first CSV line is the header)
    TR_LINE=$(echo "$out" | grep '^"' | grep -v '^"test",' | tail -n 1 | tr -d '"')
    if (( rc != 0 )) || [[ -z $TR_LINE ]] || [[ -z ${t1[$s]:-} ]]; then
        warn "$* on $s failed (rc=$rc): $(tail -c 300 "$TMPD/bench.err" | tr '\n' ' ')"
        server_alive "$s" || { warn "$s died; log tail:"; tail -n 10 "$TMPD/$s.log" >&2; }
        return 1
    fi
    TR_TICKS=$(( t1[$s] - t0[$s] ))
    TR_WALL=$(( ns1 - ns0 ))
}

# record_row LABEL SERVER REP N: append the last timed_run's figures to RAW.
record_row() {
    local rps p50 p99
    # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    IFS=, read -r _ rps _ _ p50 _ p99 _ <<< "$TR_LINE"
    awk -v w="$1" -v s="$2" -v rep="$3" -v n="$4" -v rps="$rps" -v p50="$p50" -v p99="$p99" \
        -v dt="$TR_TICKS" -v hz="$CLK_TCK" -v wall="$TR_WALL" 'BEGIN {
            us = dt * 1e6 / hz
            printf "%s,%s,%d,%d,%.2f,%.3f,%.3f,%.4f,%.1f\n", w, s, rep, n, rps, p50, p99, us / n, 100 * us * 1000 / wall
        }' >> "$RAW"
    log "$(tail -n 1 "$RAW" | awk -F, '{printf "  %-14s %-6s rep %s: %10.0f rps  p50 %6.3f ms  p99 %6.3f ms  cpu %7.3f us/req  (%s%% cpu)", $1, $2, $3, $5, $6, $7, $8, $9}')"
}

# run_one WORKLOAD SERVER REP
run_one() {
    local w=$1 s=$2 rep=$3 test depth n
    test=${w%_p*}; depth=${w##*_p}; n=$(n_for_workload "$w")
    if ! is_uint "$n" || (( n == 0 )); then die "bad request count for $w: '$n'"; fi
    if [[ $test == xreadgroup_ack ]]; then run_xack "$w" "$s" "$rep" "$depth" "$n"; return; fi
    if ! server_alive "$s"; then
        warn "$s is not running; skipping $w"
        na_row "$w" "$s" "$rep" "$n"; return
    fi
    if [[ -n ${UNSUPPORTED[$s,$test]:-} ]] || ! setup_one "$test" "$s" "$n"; then
        na_row "$w" "$s" "$rep" "$n"; return
    fi
    local -a targs
    read -r -a targs <<< "$(bench_test_args "$test")"
    if ! timed_run "$s" "$depth" "$n" "${targs[@]}" || ! check_one "$test" "$s" "$n"; then
        na_row "$w" "$s" "$rep" "$n"; return
    fi
    record_row "$w" "$s" "$rep" "$n"
}

# xack_na WORKLOAD SERVER REP N FIRST: NA rows for run FIRST and the later ones
xack_na() {
    local r on=0
    for r in read ack miss; do
        [[ $r == "$5" ]] && on=1
        (( on )) && na_row "$1/$r" "$2" "$3" "$4"
    done
}

# run_xack WORKLOAD SERVER REP DEPTH N: xreadgroup_ack, three timed runs on
# stream xa (entries 0-1 .. N-1 - 1 = exactly N, group g at 0):
#   read: N x 'XREADGROUP GROUP g c COUNT 1 STREAMS xa >' (no NOACK: each
#         read adds one entry to the PEL); then lag 0 and pending N
#   ack:  N x 'XACK xa g __rand_int__-1' with -r N.  __rand_int__ is 12
#         zero-padded digits (000000001234-1 is ID 1234-1 on both servers),
#         drawn with replacement, so about 1 - 1/e = 63% of the entries get
#         acked and the rest of the XACKs find an ID already acked (reply 0).
#         The acked count (N - pending) goes to ACKED and must be close to
#         its expectation N * (1 - (1 - 1/N)^N) (2% + 5 sigma).
#   miss: N x 'XACK xa g __rand_int__-2' with -r N: IDs that do not exist,
#         against the ~37% N entries still pending; pending must not change.
#         It prices the ack run's misses, so that the report can estimate
#         the CPU of an XACK that acks (rows /hit and /sum, see report_bench).
# Rows WORKLOAD/read, /ack and /miss (cpu_us/req per XREADGROUP / per XACK).
run_xack() {
    local w=$1 s=$2 rep=$3 depth=$4 n=$5 v p c acked
    if ! server_alive "$s" || [[ -n ${UNSUPPORTED[$s,xreadgroup_ack]:-} ]] || ! setup_one xreadgroup_ack "$s" "$n"; then
        server_alive "$s" || warn "$s is not running; skipping $w"
        xack_na "$w" "$s" "$rep" "$n" read; return
    fi
    if ! timed_run "$s" "$depth" "$n" XREADGROUP GROUP g c COUNT 1 STREAMS xa '>'; then
        xack_na "$w" "$s" "$rep" "$n" read; return
    fi
    v="$(xgroup_field "$s" lag xa) $(xgroup_field "$s" pending xa)"
    if [[ $v != "0 $n" ]]; then
        warn "$s: after the read run group g of xa has lag/pending '$v', expected '0 $n'"
        xack_na "$w" "$s" "$rep" "$n" read; return
    fi
    record_row "$w/read" "$s" "$rep" "$n"
    if ! timed_run "$s" "$depth" "$n" -r "$n" XACK xa g '__rand_int__-1'; then
        xack_na "$w" "$s" "$rep" "$n" ack; return
    fi
    p=$(xgroup_field "$s" pending xa)
    c=$(cli "$s" xinfo consumers xa g | awk '$0 == "pending" { getline; print; exit }')
    if ! is_uint "$p" || (( p > n )) || [[ $c != "$p" ]] || ! awk -v n="$n" -v a="$(( n - p ))" \
            'BEGIN { e = n * (1 - exp(n * log(1 - 1 / n))); if (n == 1) e = 1; d = a - e; exit !(d * d <= (5 * sqrt(0.1 * n) + 1 + 0.02 * e) ^ 2) }'; then
        warn "$s: after the ack run group g of xa has pending '$p' (consumer c: '$c'), expected about $(awk -v n="$n" 'BEGIN { printf "%.0f", n * exp(n * log(1 - 1 / n)) }') (N $n)"
        xack_na "$w" "$s" "$rep" "$n" ack; return
    fi
    acked=$(( n - p ))
    echo "$w,$s,$rep,$acked,$n" >> "$ACKED"
    record_row "$w/ack" "$s" "$rep" "$n"
    log "$(printf '  %-14s %-6s rep %s: %d of %d entries acked (%.1f%%)' "$w/ack" "$s" "$rep" "$acked" "$n" "$(awk -v a="$acked" -v n="$n" 'BEGIN { print 100 * a / n }')")"
    # the misses' share of the ack run: XACKs of IDs that are not pending
    # (seq 2: no such entry) against the PEL the ack run left
    if ! timed_run "$s" "$depth" "$n" -r "$n" XACK xa g '__rand_int__-2'; then
        na_row "$w/miss" "$s" "$rep" "$n"; return
    fi
    v=$(xgroup_field "$s" pending xa)
    if [[ $v != "$p" ]]; then
        warn "$s: after the miss run group g of xa has pending '$v', expected $p (unchanged)"
        na_row "$w/miss" "$s" "$rep" "$n"; return
    fi
    record_row "$w/miss" "$s" "$rep" "$n"
}

report_bench() {
    echo "== throughput / latency / server CPU (median of $REPEAT) =="
    echo "cpu_us/req = server utime+stime (all threads) / requests; x_redis = ratio to redis-server (same workload)"
    echo
    awk -F, -v order="$WORKLOADS" -v servers="$SERVERS" -v ackf="$ACKED" '
        function median(key,   n, i, j, t, a) {
            n = cnt[key]
            for (i = 1; i <= n; i++) a[i] = val[key, i]
            for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
            if (n == 0) return "NA"
            return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        # xreadgroup_ack: the ack run sent N XACKs, K of which acked an entry
        # (ACKED); the miss run N XACKs of absent IDs.  With A and M their
        # cpu_us/req, an acking XACK costs about (A N - M (N - K)) / K.
        function xack_derived(w, s,   b, r, a, m, k, n, h) {
            b = substr(w, 1, length(w) - 4)
            r = median(b "/read" SUBSEP s SUBSEP "cpu"); a = median(b "/ack" SUBSEP s SUBSEP "cpu")
            m = median(b "/miss" SUBSEP s SUBSEP "cpu"); k = median(b SUBSEP s SUBSEP "acked"); n = nreq[b]
            if (r == "NA" || a == "NA" || m == "NA" || k == "NA" || k == 0) return "NA"
            h = (a * n - m * (n - k)) / k
            return (w ~ /\/hit$/) ? h : r + h
        }
        BEGIN {
            while ((getline line < ackf) > 0) {
                split(line, f, ","); key = f[1] SUBSEP f[2] SUBSEP "acked"; val[key, ++cnt[key]] = f[4]; nreq[f[1]] = f[5]
            }
        }
        FNR == 1 { next }
        $5 != "NA" {
            split("rps p50 p99 cpu pct", names, " ")
            for (m = 1; m <= 5; m++) { key = $1 SUBSEP $2 SUBSEP names[m]; val[key, ++cnt[key]] = $(m + 4) }
        }
        END {
            nw0 = split(order, W0, " "); ns = split(servers, S, " ")
            nw = 0
            for (i = 1; i <= nw0; i++) {
                if (W0[i] ~ /^xreadgroup_ack_p/) { split("read ack miss hit sum", X, " "); for (x = 1; x <= 5; x++) W[++nw] = W0[i] "/" X[x] }
                else W[++nw] = W0[i]
            }
            wl = 9; for (i = 1; i <= nw; i++) if (length(W[i]) > wl) wl = length(W[i])
            fmt = "%-" wl "s %-7s %11s %9s %9s %11s %8s %8s %7s\n"
            dash = sprintf("%" wl "s", ""); gsub(/ /, "-", dash)
            printf fmt, "workload", "server", "rps", "p50_ms", "p99_ms", "cpu_us/req", "x_redis", "rps_x", "cpu%"
            printf fmt, dash, "-------", "-----------", "---------", "---------", "-----------", "--------", "--------", "-------"
            for (i = 1; i <= nw; i++) {
                w = W[i]
                if (w ~ /\/(hit|sum)$/) {
                    # derived rows: hit = estimated CPU of an XACK that acks,
                    # sum = read + hit (CPU per entry read and acked)
                    rv = xack_derived(w, "redis")
                    for (j = 1; j <= ns; j++) {
                        v = xack_derived(w, S[j])
                        if (v == "NA") { printf fmt, w, S[j], "failed", "-", "-", "-", "-", "-", "-"; continue }
                        xr = (rv != "NA" && rv > 0) ? sprintf("%.2f", v / rv) : "-"
                        printf fmt, w, S[j], "-", "-", "-", sprintf("%.3f", v), xr, "-", "-"
                    }
                    continue
                }
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
    if [[ -s $ACKED ]]; then
        awk -F, -v servers="$SERVERS" '
            { k = $1 SUBSEP $2; v = (k in a) ? a[k] "/" $4 : $4; a[k] = v; sa[$1] += $4; sn[$1] += $5; nn[$1] = $5
              if (!($1 in seen)) { seen[$1] = 1; order[++nw] = $1 } }
            END {
                ns = split(servers, S, " ")
                for (i = 1; i <= nw; i++) {
                    w = order[i]; line = ""
                    for (j = 1; j <= ns; j++) if ((w, S[j]) in a) line = line " " S[j] " " a[w, S[j]] ";"
                    printf "%s/ack: entries acked per run (of N = %d XACKs, %.1f%% on average):%s\n",
                        w, nn[w], 100 * sa[w] / sn[w], line
                }
            }' "$ACKED"
    fi
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
    local i s w rep t
    log "starting servers..."
    i=0
    for s in $SERVERS; do
        start_server "$s" "$s" $(( BASE_PORT + i ))
        i=$(( i + 1 ))
    done
    if [[ $PREFILL == 1 ]] && (( HAVE_STRINGS )); then
        for s in $SERVERS; do
            log "  prefilling $s with $KEYSPACE keys"
            load_keys "$s" "$KEYSPACE"
        done
    fi
    for s in $SERVERS; do
        for w in $WORKLOADS; do
            t=${w%_p*}
            [[ -n ${UNSUPPORTED[$s,$t]:-} ]] && continue
            probe_workload "$s" "$t" || UNSUPPORTED[$s,$t]=1
        done
    done
    for w in $WORKLOADS; do
        log "workload $w (n=$(n_for_workload "$w"))"
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
    gen_keys "$MEM_KEYS" "$MEM_TTL" > /dev/null
    for s in $SERVERS; do
        key="mem_$s"
        start_server "$key" "$s" $(( BASE_PORT + 10 + i ))
        i=$(( i + 1 ))
        sleep 0.5
        rss0=$(rss_kb "${SPID[$key]}")
        load_keys "$key" "$MEM_KEYS" "$MEM_TTL"
        sleep 1
        rss1=$(rss_kb "${SPID[$key]}")
        rows+=("$s $rss0 $rss1")
        stop_server "$key"
    done
    echo "== memory: $MEM_KEYS keys (16-byte keys key:%012d, 16-byte values$( (( MEM_TTL > 0 )) && echo ", EX $MEM_TTL")), RSS delta =="
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
