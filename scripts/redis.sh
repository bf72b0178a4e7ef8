#!/usr/bin/env bash
# A throw-away Redis server (Debian's redis-server) on loopback, for the gateway's shared rate
# limits in tests and local runs.
#
#   scripts/redis.sh up       start it (no persistence), wait until it answers PING
#   scripts/redis.sh down     stop it and delete its folder
#   scripts/redis.sh url      print its URL
#
# Environment: REDIS_PORT (default 56379), REDIS_HOME (default ${TMPDIR:-/tmp}/dictamesh-redis-<port>).
set -euo pipefail
port="${REDIS_PORT:-56379}"
home="${REDIS_HOME:-${TMPDIR:-/tmp}/dictamesh-redis-$port}"
url="redis://127.0.0.1:$port"

command -v redis-server > /dev/null || { echo "redis-server not found; install Debian's redis-server package" >&2; exit 1; }

running() { [[ -f "$home/redis.pid" ]] && kill -0 "$(cat "$home/redis.pid")" 2>/dev/null; }

up() {
  if running; then echo "redis already running ($url)"; return; fi
  rm -rf "$home" && mkdir -p "$home"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$home" --save '' --appendonly no \
    --daemonize yes --pidfile "$home/redis.pid" --logfile "$home/redis.log"
  for _ in $(seq 1 50); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then echo "redis up: $url"; return; fi
    sleep 0.1
  done
  tail -20 "$home/redis.log" >&2; exit 1
}

down() {
  if running; then kill "$(cat "$home/redis.pid")"; for _ in $(seq 1 50); do running || break; sleep 0.1; done; echo "redis stopped"; fi
  rm -rf "$home"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) echo "$url" ;;
  *) echo "usage: $0 up|down|url" >&2; exit 2 ;;
esac
