# bench/lib.sh - helpers shared by the bench/*.sh scripts (sourced, not run).
#
# The sourcing script sets PROG (its name, for messages) and these globals
# before calling bench_setup:
#   SHARD_BIN REDIS_BIN CLI_BIN SHARD_STYLE(optional) SHARD_EXTRA_ARGS SERVERS
#   SERVER_CPU SHARD2_CPUS SERVER_TIMEOUT KEEP_TMP REDIS_EXTRA_ARGS(optional)
# Servers are named redis, shard1 (--shards 1), shard2 (--shards 2, on
# SHARD2_CPUS) and shard2c (--shards 2 on SERVER_CPU alone, where the two
# shards share one thread: the issue's "server on the other CPU"); each
# one listens on 127.0.0.1, runs pinned with taskset under `timeout
# SERVER_TIMEOUT`, and only PIDs started here are ever signalled.

# shellcheck shell=bash

# The arguments every bench script takes: --quick (sets QUICK=1), -h/--help
# (the script's own usage function). Anything else is an error.
bench_args() {
    QUICK=0
    local arg
    for arg in "$@"; do
        case "$arg" in
            --quick) QUICK=1 ;;
            -h|--help) usage; exit 0 ;;
            *) echo "${PROG:-bench}: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
        esac
    done
}

die()  { echo "${PROG:-bench}: error: $*" >&2; exit 1; }
warn() { echo "${PROG:-bench}: warning: $*" >&2; }
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

# ---------------------------------------------------------------- setup

# bench_setup: resolve binaries, check SERVERS and CPU lists, create TMPD and
# install the cleanup traps.  Sets need_shard, SHARD_STYLE, CLK_TCK, TMPD.
bench_setup() {
    local s cpus tool
    REDIS_BIN=$(resolve_bin REDIS_BIN "$REDIS_BIN") || exit 1
    CLI_BIN=$(resolve_bin CLI_BIN "$CLI_BIN") || exit 1
    for tool in taskset timeout awk sort; do
        command -v "$tool" >/dev/null || die "required tool not found: $tool"
    done
    need_shard=0
    for s in $SERVERS; do
        case "$s" in
            redis) ;;
            shard1|shard2|shard2c) need_shard=1 ;;
            *) die "unknown server '$s' in SERVERS (use redis, shard1, shard2, shard2c)" ;;
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
    # shellcheck disable=SC2034  # used by the sourcing scripts
    CLK_TCK=$(getconf CLK_TCK) || die "getconf CLK_TCK failed"
    for cpus in "$SERVER_CPU" "$SHARD2_CPUS" "$@"; do
        taskset -c "$cpus" true 2>/dev/null || die "cannot pin to CPU list '$cpus' (allowed: $(taskset -pc $$ | sed 's/.*: //'))"
    done
    TMPD=$(mktemp -d "${TMPDIR:-/tmp}/redis-shard-bench.XXXXXX") || die "mktemp failed"
    trap cleanup EXIT
    trap 'log "interrupted"; exit 130' INT TERM
}

# Header lines describing the binaries (stdout).
print_binaries() {
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
}

# ---------------------------------------------------------------- servers

declare -A SPID=() TPID=() PORT=()
STARTED=()     # keys of servers started (for cleanup)

server_bin()   { if [[ $1 == redis ]]; then echo "$REDIS_BIN"; else echo "$SHARD_BIN"; fi; }
server_style() { if [[ $1 == redis ]]; then echo redis; else echo "$SHARD_STYLE"; fi; }
server_cpus()  { if [[ $1 == shard2 ]]; then echo "$SHARD2_CPUS"; else echo "$SERVER_CPU"; fi; }
server_shards(){ if [[ $1 == shard2* ]]; then echo 2; else echo 1; fi; }

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

# start_server KEY NAME PORT: start NAME (redis|shard1|shard2|shard2c) under KEY.
start_server() {
    local key=$1 name=$2 port=$3
    local bin style cpus shards logf i reply
    bin=$(server_bin "$name"); style=$(server_style "$name")
    cpus=$(server_cpus "$name"); shards=$(server_shards "$name")
    logf="$TMPD/$key.log"
    port_in_use "$port" && die "port $port is already in use (set BASE_PORT)"

    local -a args
    if [[ $style == redis ]]; then
        # shellcheck disable=SC2206
        args=(--port "$port" --bind 127.0.0.1 --save '' --appendonly no
              --daemonize no --protected-mode no --dir "$TMPD" --logfile '' ${REDIS_EXTRA_ARGS:-})
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

# Extra cleanup hook: a script may define bench_cleanup_extra (e.g. to stop
# client processes it started); it runs before the servers are stopped.
cleanup() {
    local k
    trap - EXIT INT TERM
    declare -F bench_cleanup_extra >/dev/null && bench_cleanup_extra
    for k in "${STARTED[@]}"; do stop_server "$k"; done
    if [[ ${KEEP_TMP:-0} == 1 ]]; then log "temporary files kept in $TMPD"; else rm -rf "$TMPD"; fi
}

cli() { local key=$1; shift; timeout 10 "$CLI_BIN" -h 127.0.0.1 -p "${PORT[$key]}" "$@" 2>/dev/null; }

# pipe_load KEY FILE TIMEOUT: send a RESP file through redis-cli --pipe
# (which needs ECHO to detect the end), pinned to PIPE_CPU if that is set.
# Fails if any reply is an error.
pipe_load() {
    local key=$1 f=$2 tmo=$3 out
    local -a pin=()
    [[ -n ${PIPE_CPU:-} ]] && pin=(taskset -c "$PIPE_CPU")
    out=$(timeout --foreground "$tmo" "${pin[@]}" "$CLI_BIN" -h 127.0.0.1 -p "${PORT[$key]}" --pipe < "$f" 2>&1)
    local rc=$?
    if (( rc != 0 )) || ! grep -q 'errors: 0,' <<< "$out"; then
        warn "redis-cli --pipe into $key (rc=$rc): $(echo "$out" | tail -n 3 | tr '\n' ' ')"
        return 1
    fi
}
