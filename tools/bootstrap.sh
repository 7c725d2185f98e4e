#!/usr/bin/env bash
# Installs whatever is missing for syscall-counter, idempotently: the Debian
# packages the agent build needs, the npm dependencies, then the builds.
# Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  clang clang-format llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkgconf make gcc
  libgrpc-dev libprotobuf-c-dev protobuf-c-compiler
  fonts-dejavu-core  # text in the PNG plots (resvg renders with system fonts)
  g++ python3        # node-gyp builds better-sqlite3 from source
  openssl util-linux # tests: a throw-away TLS CA, setpriv for the --uid filter
  dpkg-dev           # make deb: dpkg-shlibdeps computes the agent package's dependencies
  prometheus         # deploy/prometheus: promtool tests the alert rules
  postgresql         # tools/pg-cluster.sh: throw-away clusters for the PostgreSQL tests and benchmarks
  strace             # tools/bench/summary-cost.mjs: summary against strace -c -f
  libseccomp-dev libjansson-dev  # tests: agent/tests/seccomp_apply applies generated profiles
)

log() { printf 'bootstrap: %s\n' "$*" >&2; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci when the lock file changed since the last install (or nothing is installed).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.bootstrap-lock-hash
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  log "installing npm dependencies (npm ci; better-sqlite3 compiles from source, about a minute)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

# make and nx both skip what is up to date.
make -C agent -s all test-bins
NX_TUI=false npx nx run-many -t build --outputStyle=static --skip-nx-cache=false >/dev/null ||
  NX_TUI=false npx nx run-many -t build --outputStyle=static
