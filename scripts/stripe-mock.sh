#!/usr/bin/env bash
# A throw-away stripe-mock (Stripe's official mock of its HTTP API: validates every request against
# Stripe's OpenAPI spec and answers with fixtures, keeps no state) on loopback, for the billing
# subgraph's Stripe payment provider tests. Nothing reaches Stripe.
#
#   scripts/stripe-mock.sh up       install it if missing (go install), start it, wait until it answers
#   scripts/stripe-mock.sh down     stop it and delete its folder
#   scripts/stripe-mock.sh url      print its URL
#
# Environment: STRIPE_MOCK_PORT (HTTP, default 12111), STRIPE_MOCK_HOME (default
# ${TMPDIR:-/tmp}/dictamesh-stripe-mock-<port>). HTTPS is served on a Unix socket in that folder
# only: stripe-mock would otherwise also listen on TCP 12112, which another instance may hold.
# The binary is <repo>/.dictamesh/bin/stripe-mock, built with Go on first use (needs `go`).
set -euo pipefail
version=v0.203.0
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin_dir="$repo/.dictamesh/bin"
bin="$bin_dir/stripe-mock"
port="${STRIPE_MOCK_PORT:-12111}"
home="${STRIPE_MOCK_HOME:-${TMPDIR:-/tmp}/dictamesh-stripe-mock-$port}"
url="http://127.0.0.1:$port"

running() { [[ -f "$home/stripe-mock.pid" ]] && kill -0 "$(cat "$home/stripe-mock.pid")" 2>/dev/null; }

# Whether an HTTP server answers on the port (bash's /dev/tcp: no curl needed). Any status will do:
# stripe-mock replies 401 to a request without an API key once it serves requests.
answers() {
  (
    exec 3<> "/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET /v1/customers HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    read -r -t 2 status <&3 && [[ "$status" == HTTP/* ]]
  ) 2> /dev/null
}

install() {
  [[ -x "$bin" ]] && return
  command -v go > /dev/null || { echo "go not found; install Go (Debian's golang-go) to build stripe-mock" >&2; exit 1; }
  echo "stripe-mock: installing github.com/stripe/stripe-mock@$version into $bin_dir"
  mkdir -p "$bin_dir"
  GOBIN="$bin_dir" GOFLAGS=-mod=mod go install "github.com/stripe/stripe-mock@$version"
}

up() {
  if running; then echo "stripe-mock: $url"; return; fi
  if answers; then echo "port $port is taken by another server; set STRIPE_MOCK_PORT" >&2; exit 1; fi
  install
  rm -rf "$home" && mkdir -p "$home"
  "$bin" -http-addr "127.0.0.1:$port" -https-unix "$home/https.sock" > "$home/stripe-mock.log" 2>&1 &
  echo $! > "$home/stripe-mock.pid"
  for _ in $(seq 1 100); do
    if answers; then echo "stripe-mock: $url"; return; fi
    running || break
    sleep 0.1
  done
  echo "stripe-mock did not answer on $url" >&2
  tail -20 "$home/stripe-mock.log" >&2
  down > /dev/null
  exit 1
}

down() {
  if running; then
    kill "$(cat "$home/stripe-mock.pid")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
    echo "stripe-mock stopped"
  fi
  rm -rf "$home"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) echo "$url" ;;
  *) echo "usage: $0 up|down|url" >&2; exit 2 ;;
esac
