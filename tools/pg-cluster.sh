#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests, benchmarks and trying a fleet by hand; no
# system-wide service is assumed or touched.
#
#   tools/pg-cluster.sh start [DIR]   initdb + pg_ctl in DIR (default: a new /tmp/sc-pg.XXXXXX),
#                                     listening on 127.0.0.1 at a free port with its socket in
#                                     DIR/sock; creates database syscall_counter; prints
#                                     "postgres://postgres@127.0.0.1:PORT/syscall_counter DIR"
#   tools/pg-cluster.sh stop DIR      stops it (fast shutdown) and deletes DIR
#   tools/pg-cluster.sh halt DIR      stops it and keeps DIR (a benchmark history kept for later)
#   tools/pg-cluster.sh resume DIR    starts a halted DIR again at a free port; prints as start does
#
# Run as root, the server runs as the `postgres` user (initdb refuses root); as anyone else,
# as that user. Authentication is `trust`, on loopback only: the cluster is a throw-away one.
# SC_PG_FAST=1 turns fsync off (tests: nothing here must survive a power cut).
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
DB=syscall_counter

die() {
  printf 'pg-cluster: %s\n' "$1" >&2
  exit "${2:-1}"
}
usage() { die 'usage: tools/pg-cluster.sh start [DIR] | stop DIR | halt DIR | resume DIR' 2; }

[ -x "$PG_BIN/initdb" ] || die "no PostgreSQL server binaries (install postgresql: bash tools/bootstrap.sh)"

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

# A free TCP port on loopback (the kernel picks it; pg_ctl retries below cover the race).
free_port() {
  # process.stdout.write, not console.log: under FORCE_COLOR (nx, jest) console.log colours numbers.
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'
}

# Starts the server of an initialised DIR at a free port (written to DIR/port).
serve() {
  local dir=$1
  local fast=()
  [ "${SC_PG_FAST:-0}" = 1 ] && fast=(-c fsync=off -c full_page_writes=off)
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 ${fast[*]}" >/dev/null; then
      break
    fi
    if [ "$attempt" -eq 5 ]; then
      tail -n 5 "$dir/server.log" >&2
      return 1
    fi
  done
  echo "$port" >"$dir/port"
}

start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/sc-pg.XXXXXX)
  else
    mkdir -p "$dir"
  fi
  dir=$(cd "$dir" && pwd)
  [ -e "$dir/data" ] && die "$dir/data already exists (stop it first: tools/pg-cluster.sh stop $dir)"
  mkdir -p "$dir/sock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
  chmod 700 "$dir"

  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || die "initdb failed: see $dir/initdb.log"

  serve "$dir" || {
    rm -rf "$dir"
    die "pg_ctl start failed (its log is above)"
  }
  local port
  port=$(cat "$dir/port")
  as_owner "$PG_BIN/createdb" -h "$dir/sock" -p "$port" -U postgres "$DB" ||
    die "createdb failed: see $dir/server.log"
  local url="postgres://postgres@127.0.0.1:$port/$DB"
  echo "$url" >"$dir/url"
  echo "$url $dir"
}

# Stops the server of cluster directory $1 if it runs (fast shutdown: sessions are cut).
server_down() {
  if [ -f "$1/data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null ||
      die "pg_ctl stop failed: see $1/server.log"
  fi
}

stop() {
  local dir=${1:-}
  [ -n "$dir" ] || usage
  [ -d "$dir" ] || die "no cluster directory $dir"
  server_down "$dir"
  rm -rf "$dir"
}

halt() {
  local dir=${1:-}
  [ -n "$dir" ] || usage
  [ -f "$dir/data/PG_VERSION" ] || die "no cluster directory $dir"
  server_down "$dir"
}

resume() {
  local dir=${1:-}
  [ -n "$dir" ] || usage
  [ -f "$dir/data/PG_VERSION" ] || die "no cluster directory $dir"
  [ -f "$dir/data/postmaster.pid" ] && die "$dir is running (halt it first: tools/pg-cluster.sh halt $dir)"
  dir=$(cd "$dir" && pwd)
  serve "$dir" || die "pg_ctl start failed (its log is above)"
  local url="postgres://postgres@127.0.0.1:$(cat "$dir/port")/$DB"
  echo "$url" >"$dir/url"
  echo "$url $dir"
}

case "${1:-}" in
start) start "${2:-}" ;;
stop) stop "${2:-}" ;;
halt) halt "${2:-}" ;;
resume) resume "${2:-}" ;;
*) usage ;;
esac
