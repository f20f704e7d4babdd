#!/usr/bin/env bash
# Install the Debian packages the build, tests and benchmarks need, skipping
# the ones already present. Nothing is downloaded from anywhere but Debian.
set -euo pipefail

PKGS=(gcc make pkg-config liburing-dev libjemalloc-dev libhiredis-dev libluajit-5.1-dev lua-cjson-dev libssl-dev liblzf-dev redis-tools
      redis-server tcl procps clang libclang-rt-14-dev)

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's package may start a redis-server service; tests use their own ports.
