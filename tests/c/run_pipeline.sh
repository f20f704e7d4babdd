#!/usr/bin/env bash
# run_pipeline.sh SERVER_BIN SHARDS [SEED]
#
# Starts SERVER_BIN on a free loopback port (under `timeout 300`), waits until
# it answers PING, runs the pipelining test (tests/c/test_pipeline.c) against
# it, stops the server by PID and exits with the test's status.
#
# SERVER_BIN is normally src/redis-shard and gets
#   --port P --bind 127.0.0.1 --shards SHARDS --cpu-affinity no --save ""
# If SERVER_BIN is a stock redis-server, the redis-shard-only options
# (--shards, --cpu-affinity) are left out and SHARDS is ignored.
#
# The test program is compiled into a temporary directory unless
# TEST_PIPELINE_BIN names an already built binary.

set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 SERVER_BIN SHARDS [SEED]" >&2
    exit 2
fi

SERVER_BIN=$1
SERVER_BIN=$(realpath "$SERVER_BIN" 2>/dev/null || echo "$SERVER_BIN")
[ -n "${TEST_PIPELINE_BIN:-}" ] && TEST_PIPELINE_BIN=$(realpath "$TEST_PIPELINE_BIN")
SHARDS=$2
SEED=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$SERVER_BIN" ]; then
    echo "run_pipeline: server binary '$SERVER_BIN' not found or not executable" >&2
    exit 2
fi

WORKDIR=$(mktemp -d /tmp/run_pipeline.XXXXXX)
SERVER_PID=""

# True while the process is alive (a zombie that has exited counts as dead).
alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    case "$st" in Z*) return 1 ;; esac
    return 0
}

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null
        for _ in $(seq 1 50); do
            alive "$SERVER_PID" || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$WORKDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- test binary -------------------------------------------------------------
TEST_BIN=${TEST_PIPELINE_BIN:-}
if [ -z "$TEST_BIN" ]; then
    TEST_BIN=$WORKDIR/test_pipeline
    if ! gcc -std=gnu11 -O2 -g -Wall -Wextra -pthread "$HERE/test_pipeline.c" \
            -lhiredis -o "$TEST_BIN"; then
        echo "run_pipeline: failed to build test_pipeline" >&2
        exit 2
    fi
fi

# --- pick a free port and start the server ------------------------------------
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_server() {
    local port=$1
    local args=(--port "$port" --bind 127.0.0.1)
    case "$(basename "$SERVER_BIN")" in
        redis-server*) args+=(--save "" --appendonly no) ;;
        *) args+=(--shards "$SHARDS" --cpu-affinity no --save "") ;;
    esac
    # Run from the scratch dir so any files the server writes land there.
    (cd "$WORKDIR" && exec timeout 300 "$SERVER_BIN" "${args[@]}") \
        >"$WORKDIR/server.log" 2>&1 &
    SERVER_PID=$!
}

# Prefer ports below the kernel's ephemeral range, so that client source
# ports of concurrent tests cannot collide with the listening port.
PORT_LO=20000
PORT_HI=60000
if read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null &&
        [ "$eph_lo" -gt $((PORT_LO + 1000)) ]; then
    PORT_HI=$((eph_lo - 1))
fi

PORT=""
for attempt in 1 2 3 4 5; do
    candidate=$(( PORT_LO + (RANDOM * 32768 + RANDOM) % (PORT_HI - PORT_LO + 1) ))
    port_in_use "$candidate" && continue
    start_server "$candidate"
    # Wait up to ~10s for PING.
    for _ in $(seq 1 100); do
        alive "$SERVER_PID" || break
        if [ "$(redis-cli -h 127.0.0.1 -p "$candidate" ping 2>/dev/null)" = "PONG" ]; then
            PORT=$candidate
            break
        fi
        sleep 0.1
    done
    [ -n "$PORT" ] && break
    echo "run_pipeline: server did not come up on port $candidate (attempt $attempt)" >&2
    tail -n 20 "$WORKDIR/server.log" >&2
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
done

if [ -z "$PORT" ]; then
    echo "run_pipeline: could not start $SERVER_BIN" >&2
    exit 2
fi

echo "run_pipeline: $SERVER_BIN (shards=$SHARDS) on 127.0.0.1:$PORT, pid $SERVER_PID"

# --- run the test -------------------------------------------------------------
if [ -n "$SEED" ]; then
    "$TEST_BIN" 127.0.0.1 "$PORT" "$SEED"
else
    "$TEST_BIN" 127.0.0.1 "$PORT"
fi
STATUS=$?

if ! alive "$SERVER_PID"; then
    echo "run_pipeline: server exited during the test; last log lines:" >&2
    tail -n 20 "$WORKDIR/server.log" >&2
    [ "$STATUS" -eq 0 ] && STATUS=1
fi

exit "$STATUS"
