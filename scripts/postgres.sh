#!/usr/bin/env bash
# A throw-away PostgreSQL server (Debian's postgresql package) on loopback, with logical
# replication enabled, for the postgres-table adapter's tests and local demos.
#
#   scripts/postgres.sh up       initdb (superuser dictamesh, scram password), start, wait until it answers
#   scripts/postgres.sh down     stop it and delete its data
#   scripts/postgres.sh status   print whether it runs and its URL
#   scripts/postgres.sh url      print its connection URL
#
# Environment: PG_PORT (default 55432), PG_PASSWORD (default dictamesh), PG_HOME (default
# ${TMPDIR:-/tmp}/dictamesh-postgres-<port>: data, socket, log), PG_BIN (default the newest
# /usr/lib/postgresql/*/bin). Run as root, the server runs as the `postgres` system user.
# Durability is off (fsync): this server is for tests, never for data. (synchronous_commit stays
# on: logical decoding only sees flushed WAL, so with it off changes would show up ~200 ms late.)
set -euo pipefail
port="${PG_PORT:-55432}"
password="${PG_PASSWORD:-dictamesh}"
home="${PG_HOME:-${TMPDIR:-/tmp}/dictamesh-postgres-$port}"
bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
url="postgres://dictamesh:$password@127.0.0.1:$port/postgres"

[[ -x "$bin/initdb" ]] || { echo "PostgreSQL binaries not found (PG_BIN=$bin); install Debian's postgresql package" >&2; exit 1; }

# as root, everything the server touches runs as (and belongs to) the postgres user
as_owner() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

running() { as_owner "$bin/pg_ctl" -D "$home/data" status > /dev/null 2>&1; }

up() {
  if running; then echo "postgres already running ($url)"; return; fi
  rm -rf "$home" && mkdir -p "$home"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$home"
  as_owner bash -c "umask 077 && printf '%s\n' '$password' > '$home/pwfile'"
  as_owner "$bin/initdb" -D "$home/data" -U dictamesh --pwfile="$home/pwfile" --auth=scram-sha-256 -E UTF8 --no-locale > "$home/initdb.log"
  as_owner "$bin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 start -o "\
    -c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$home' \
    -c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20 \
    -c fsync=off -c full_page_writes=off" > /dev/null \
    || { tail -30 "$home/server.log" >&2; exit 1; }
  echo "postgres up: $url"
}

down() {
  if running; then as_owner "$bin/pg_ctl" -D "$home/data" -m fast -w stop > /dev/null; echo "postgres stopped"; fi
  rm -rf "$home"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) echo "$url" ;;
  status) if running; then echo "postgres running ($url)"; else echo "postgres not running"; exit 1; fi ;;
  *) echo "usage: $0 up|down|status|url" >&2; exit 2 ;;
esac
