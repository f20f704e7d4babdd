#!/usr/bin/env bash
# bench/txn.sh - MULTI/EXEC, multi-key commands and a BRPOP job queue:
# throughput and server CPU per operation, redis-shard (--shards 1 and 2)
# vs redis-server, with bench/txn_bench (built here from bench/txn_bench.c).
#
# For each repeat, for each server, on a fresh instance:
#   multi-tag     MULTI + 3 INCR of keys sharing a hash tag + EXEC (op = 1 transaction)
#   incr-tag      the same 3 INCRs without MULTI/EXEC (op = the 3 INCRs)
#   multi-spread  MULTI + 3 INCR of keys on both shards of a 2-shard server + EXEC
#   mset10        MSET of 10 keys, 5 on each shard (op = 1 MSET)
#   mget10        MGET of 10 keys, 5 on each shard (op = 1 MGET)
#   jobs-q1       PRODUCERS x LPUSH, CONSUMERS x BRPOP q0 1 (op = 1 job)
#   jobs-q64      64 lists, each consumer BRPOPs 8 of them (op = 1 job)
#   big-inter     SINTERSTORE of a 1,000,000-member set (shard 0) with a
#                 10-member set (shard 1) into either shard (op = 1 command)
# and, not run unless named in RUNS (bench/script.sh runs them):
#   rl-script     a rate limiter: EVALSHA of INCR + PEXPIRE on one key (op = 1 call)
#   rl-cmds       the same INCR and PEXPIRE sent as two commands (op = both)
#   lock-script   SET key token NX PX, then EVALSHA of the release script
#                 (compare and delete) (op = both)
#   transfer-script  EVALSHA of DECRBY/INCRBY over two keys on both shards
# Every reply is checked (EXEC arrays, INCR values, MGET values, each job
# received exactly once); a failed check makes the row FAILED and is listed
# at the end. The table shows the median over REPEAT runs.
# See bench/README.md.

set -uo pipefail

usage() {
    cat <<'USAGE'
usage: bench/txn.sh [--quick] [--help]

Environment (defaults in brackets):
  SHARD_BIN        redis-shard binary                  [<repo>/src/redis-shard]
  REDIS_BIN        reference redis-server              [/usr/bin/redis-server]
  CLI_BIN          redis-cli                           [redis-cli]
  SERVERS          which servers, in run order         [redis shard1 shard2 shard2c]
  RUNS             which runs       [multi-tag incr-tag multi-spread mset10 mget10 jobs-q1 jobs-q64 big-inter]
  REPEAT           runs of each (median reported)      [3; --quick: 1]
  CONNS            connections (all but the jobs runs) [50]
  DEPTH            ops in flight per connection        [16]
  N_MULTI_TAG      transactions in multi-tag           [2000000; --quick: 100000]
  N_INCR_TAG       groups of 3 INCRs in incr-tag       [2000000; --quick: 100000]
  N_MULTI_SPREAD   transactions in multi-spread        [500000; --quick: 30000]
  N_MSET10         MSETs in mset10                     [500000; --quick: 30000]
  N_MGET10         MGETs in mget10                     [500000; --quick: 30000]
  N_BIG_INTER      SINTERSTOREs in big-inter           [200000; --quick: 20000]
  N_SCRIPT         ops in rl-script, rl-cmds, lock-script [2000000; --quick: 100000]
  N_TRANSFER       calls in transfer-script            [500000; --quick: 30000]
  JOBS             jobs per jobs run                   [200000; --quick: 20000]
  PRODUCERS        producer connections                [4]
  CONSUMERS        consumer connections                [8]
  JOB_DEPTH        LPUSHes in flight per producer      [16]
  RUN_TIMEOUT      seconds before one run is killed    [180]
  CLIENT_CPU       CPU list for the bench client       [0]
  SERVER_CPU       CPU list for redis, shard1, shard2c [1]
  SHARD2_CPUS      CPU list for shard2                 [0-1]
  BASE_PORT        first port used (BASE_PORT..+3)     [7861]
  SERVER_TIMEOUT   seconds after which servers stop by themselves  [900]
  KEEP_TMP=1       keep the temporary directory (server logs, tool stderr)
USAGE
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROG=txn.sh

# the command line as given, with the settings taken from the environment
SETTINGS="SHARD_BIN REDIS_BIN CLI_BIN SERVERS RUNS REPEAT CONNS DEPTH N_MULTI_TAG N_INCR_TAG N_MULTI_SPREAD
  N_MSET10 N_MGET10 N_BIG_INTER N_SCRIPT N_TRANSFER JOBS PRODUCERS CONSUMERS JOB_DEPTH RUN_TIMEOUT CLIENT_CPU SERVER_CPU SHARD2_CPUS
  BASE_PORT SERVER_TIMEOUT KEEP_TMP SHARD_EXTRA_ARGS REDIS_EXTRA_ARGS SHARD_STYLE"
CMDLINE=
for v in $SETTINGS; do
    [[ -n ${!v+x} ]] && CMDLINE+="$v=$(printf '%q' "${!v}") "
done
CMDLINE+="$0"
for a in "$@"; do CMDLINE+=" $(printf '%q' "$a")"; done

# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
bench_args "$@"

if [[ $QUICK == 1 ]]; then
    : "${REPEAT:=1}" "${N_MULTI_TAG:=100000}" "${N_INCR_TAG:=100000}" "${N_MULTI_SPREAD:=30000}"
    : "${N_MSET10:=30000}" "${N_MGET10:=30000}" "${N_BIG_INTER:=20000}" "${N_SCRIPT:=100000}" "${N_TRANSFER:=30000}" "${JOBS:=20000}"
fi
SHARD_BIN=${SHARD_BIN:-$REPO_ROOT/src/redis-shard}
REDIS_BIN=${REDIS_BIN:-/usr/bin/redis-server}
CLI_BIN=${CLI_BIN:-redis-cli}
SHARD_EXTRA_ARGS="--appendonly no ${SHARD_EXTRA_ARGS:-}"
SERVERS=${SERVERS:-redis shard1 shard2 shard2c}
RUNS=${RUNS:-multi-tag incr-tag multi-spread mset10 mget10 jobs-q1 jobs-q64 big-inter}
REPEAT=${REPEAT:-3}
CONNS=${CONNS:-50}
DEPTH=${DEPTH:-16}
N_MULTI_TAG=${N_MULTI_TAG:-2000000}
N_INCR_TAG=${N_INCR_TAG:-2000000}
N_MULTI_SPREAD=${N_MULTI_SPREAD:-500000}
N_MSET10=${N_MSET10:-500000}
N_MGET10=${N_MGET10:-500000}
N_BIG_INTER=${N_BIG_INTER:-200000}
N_SCRIPT=${N_SCRIPT:-2000000}
N_TRANSFER=${N_TRANSFER:-500000}
JOBS=${JOBS:-200000}
PRODUCERS=${PRODUCERS:-4}
CONSUMERS=${CONSUMERS:-8}
JOB_DEPTH=${JOB_DEPTH:-16}
RUN_TIMEOUT=${RUN_TIMEOUT:-180}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
SHARD2_CPUS=${SHARD2_CPUS:-0-1}
BASE_PORT=${BASE_PORT:-7861}
SERVER_TIMEOUT=${SERVER_TIMEOUT:-900}
KEEP_TMP=${KEEP_TMP:-0}
for v in REPEAT CONNS DEPTH N_MULTI_TAG N_INCR_TAG N_MULTI_SPREAD N_MSET10 N_MGET10 N_BIG_INTER N_SCRIPT N_TRANSFER JOBS PRODUCERS \
         CONSUMERS JOB_DEPTH RUN_TIMEOUT BASE_PORT SERVER_TIMEOUT; do
    if ! is_uint "${!v}" || (( ${!v} == 0 )); then die "$v must be a positive integer"; fi
done
for run in $RUNS; do
    case $run in
        multi-tag|incr-tag|multi-spread|mset10|mget10|jobs-q1|jobs-q64|big-inter) ;;
        rl-script|rl-cmds|lock-script|transfer-script) ;;
        *) die "unknown run '$run' in RUNS" ;;
    esac
done

bench_setup "$CLIENT_CPU"
# Run a private copy of SHARD_BIN: a rebuild during the run (make in the same
# tree) must not give later server starts a different binary.
SHARD_NOTE=
if (( need_shard )); then
    SHARD_SRC=$SHARD_BIN
    SHARD_BIN="$TMPD/$(basename "$SHARD_SRC")"
    cp -L "$SHARD_SRC" "$SHARD_BIN" || die "cannot copy $SHARD_SRC"
    SHARD_NOTE="copy of $SHARD_SRC taken at start (built $(date -u -r "$SHARD_SRC" '+%Y-%m-%d %H:%M:%S UTC'),"
    SHARD_NOTE+=" sha1 $(sha1sum < "$SHARD_BIN" | cut -c1-12)"
    if git -C "$REPO_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
        SHARD_NOTE+="; tree at $(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null)"
    fi
    SHARD_NOTE+=")"
fi
TOOL="$REPO_ROOT/build/bench/txn_bench"
mkdir -p "$(dirname "$TOOL")"
if [[ ! -x $TOOL || $REPO_ROOT/bench/txn_bench.c -nt $TOOL ]]; then
    ${CC:-cc} -O2 -Wall -o "$TOOL" "$REPO_ROOT/bench/txn_bench.c" -lhiredis \
        || die "building bench/txn_bench failed (needs libhiredis-dev)"
fi

# run_args RUN: the txn_bench arguments of a run (port and PID come later)
run_args() {
    case $1 in
        multi-tag)    echo "-m multi-tag -c $CONNS -d $DEPTH -n $N_MULTI_TAG" ;;
        incr-tag)     echo "-m incr-tag -c $CONNS -d $DEPTH -n $N_INCR_TAG" ;;
        multi-spread) echo "-m multi-spread -c $CONNS -d $DEPTH -n $N_MULTI_SPREAD" ;;
        mset10)       echo "-m mset10 -c $CONNS -d $DEPTH -n $N_MSET10" ;;
        mget10)       echo "-m mget10 -c $CONNS -d $DEPTH -n $N_MGET10" ;;
        big-inter)    echo "-m big-inter -c $CONNS -d $DEPTH -n $N_BIG_INTER" ;;
        rl-script|rl-cmds|lock-script)
                      echo "-m $1 -c $CONNS -d $DEPTH -n $N_SCRIPT" ;;
        transfer-script)
                      echo "-m $1 -c $CONNS -d $DEPTH -n $N_TRANSFER" ;;
        jobs-q1)      echo "-m jobs -q 1 -w $PRODUCERS -k $CONSUMERS -d $JOB_DEPTH -j $JOBS" ;;
        jobs-q64)     echo "-m jobs -q 64 -l 8 -w $PRODUCERS -k $CONSUMERS -d $JOB_DEPTH -j $JOBS" ;;
    esac
}

echo "# bench/txn.sh ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "command: $CMDLINE"
print_binaries
[[ -n $SHARD_NOTE ]] && echo "             $SHARD_NOTE"
echo "servers: $SERVERS; repeat $REPEAT (median shown); client on CPU $CLIENT_CPU, redis/shard1/shard2c on"
echo "CPU $SERVER_CPU, shard2 on CPUs $SHARD2_CPUS (it shares a CPU with the client)"
for run in $RUNS; do
    printf '  %-13s taskset -c %s %s -p PORT -P PID %s\n' "$run" "$CLIENT_CPU" "${TOOL#"$REPO_ROOT"/}" "$(run_args "$run")"
done
echo

declare -A RES=()
FAILURES=()
# field KEY LINE: the value of key=... in a result line
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<< " $2"; }

note_failure() { # note_failure RUN SERVER REP WHAT ERRFILE
    local msg="$1 on $2 (repeat $3): $4"
    [[ -s ${5:-} ]] && msg+=$'\n'"$(head -n 15 "$5" | sed 's/^/    /')"
    FAILURES+=("$msg")
}

for (( rep = 1; rep <= REPEAT; rep++ )); do
    log "repeat $rep of $REPEAT"
    idx=0
    for name in $SERVERS; do
        key=$name
        port=$((BASE_PORT + idx))
        idx=$((idx + 1))
        start_server "$key" "$name" "$port"
        for run in $RUNS; do
            if ! server_alive "$key"; then
                log "  $name is not running; starting it again"
                stop_server "$key"
                start_server "$key" "$name" "$port"
            fi
            err="$TMPD/$key.$run.$rep.err"
            # shellcheck disable=SC2046
            out=$(timeout -k 5 "$RUN_TIMEOUT" taskset -c "$CLIENT_CPU" "$TOOL" -p "${PORT[$key]}" -P "${SPID[$key]}" \
                  $(run_args "$run") 2>"$err")
            rc=$?
            log "  $name $run: ${out:-(no result)}"
            if (( rc != 0 )) || [[ -z $out ]]; then
                what="txn_bench exit status $rc"
                (( rc == 124 || rc == 137 )) && what="killed after RUN_TIMEOUT=${RUN_TIMEOUT}s (a hang, or far slower than expected)"
                if ! server_alive "$key"; then
                    what+="; the server died (end of its log below)"
                    tail -n 10 "$TMPD/$key.log" >> "$err"
                fi
                warn "$name $run failed: $what: $(head -n 3 "$err" | tr '\n' ' ')"
                note_failure "$run" "$name" "$rep" "$what" "$err"
                RES[$run,$name,$rep]=FAILED
            else
                grep -q 'warning' "$err" && warn "$name $run: $(grep warning "$err" | head -n 1)"
                RES[$run,$name,$rep]=$out
            fi
        done
        stop_server "$key"
    done
done

# median of the numbers on stdin (mean of the middle two for an even count)
median() { sort -g | awk 'NF {v[++n] = $1} END {if (n == 0) exit; if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2}'; }

declare -A MED_CPU=()
for run in $RUNS; do
    for name in $SERVERS; do
        vals=
        for (( rep = 1; rep <= REPEAT; rep++ )); do
            line=${RES[$run,$name,$rep]:-FAILED}
            [[ $line == FAILED ]] || vals+="$(field cpu_us_per_op "$line")"$'\n'
        done
        [[ -n $vals ]] && MED_CPU[$run,$name]=$(median <<< "$vals")
    done
done

echo "## server CPU per op (median of $REPEAT)"
printf '%-15s %-8s %9s %10s %11s %8s %17s %6s\n' mode server ops ops/s "cpu_us/op" x_redis "cpu_us/op min-max" check
for run in $RUNS; do
    for name in $SERVERS; do
        ops='' rates='' cpus='' nfail=0
        for (( rep = 1; rep <= REPEAT; rep++ )); do
            line=${RES[$run,$name,$rep]:-FAILED}
            if [[ $line == FAILED ]]; then nfail=$((nfail + 1)); continue; fi
            ops=$(field ops "$line")
            rates+="$(field ops_per_s "$line")"$'\n'
            cpus+="$(field cpu_us_per_op "$line")"$'\n'
        done
        check=ok
        (( nfail )) && check="FAILED $nfail/$REPEAT"
        if [[ -z $cpus ]]; then
            printf '%-15s %-8s %9s %10s %11s %8s %17s %6s\n' "$run" "$name" - - - - - "$check"
            continue
        fi
        med=${MED_CPU[$run,$name]}
        ref=${MED_CPU[$run,redis]:-}
        x=-
        [[ -n $ref ]] && x=$(awk -v a="$med" -v b="$ref" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')
        range=$(sort -g <<< "$cpus" | awk 'NF {v[++n] = $1} END {printf "%.3f-%.3f", v[1], v[n]}')
        printf '%-15s %-8s %9s %10.0f %11.3f %8s %17s %6s\n' "$run" "$name" "$ops" "$(median <<< "$rates")" \
            "$med" "$x" "$range" "$check"
    done
done
echo "(op: one transaction (multi-*), one group of 3 INCRs (incr-tag), one command (mset10, mget10, big-inter),"
echo " one script call (rl-script, transfer-script), INCR + PEXPIRE (rl-cmds), SET NX PX + release (lock-script),"
echo " one job pushed and popped (jobs-*); cpu_us/op: utime+stime of the whole server process over the"
echo " timed part / ops, 10 ms tick resolution; x_redis: cpu_us/op / redis-server's, medians of the same"
echo " invocation; ops/s is bounded by the one-thread client on CPU $CLIENT_CPU in the fast runs)"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

if (( ${#FAILURES[@]} )); then
    echo
    echo "## FAILURES (${#FAILURES[@]})"
    for f in "${FAILURES[@]}"; do echo "- $f"; done
    exit 1
fi
