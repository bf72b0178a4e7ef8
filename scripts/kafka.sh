#!/usr/bin/env bash
# A single-node Apache Kafka 3.9 broker (KRaft mode) on loopback, for tests and local runs.
#
#   scripts/kafka.sh up       fetch the jars from Maven Central (first time), format, start, wait until it answers
#   scripts/kafka.sh down     stop it (by PID) and delete its data
#   scripts/kafka.sh stop     stop it, keeping its data (outage drills)
#   scripts/kafka.sh start    start a stopped broker again on its data, wait until it answers
#   scripts/kafka.sh status   print whether it runs
#
# Environment: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HOME
# (default .dictamesh/kafka: data, logs, PID). Needs java (17+) and mvn.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
home="${KAFKA_HOME:-$root/.dictamesh/kafka}"
libs="$root/scripts/kafka/target/dependency"
pidfile="$home/kafka.pid"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

fetch() {
  if ! ls "$libs"/kafka_2.13-*.jar > /dev/null 2>&1; then
    echo "fetching Kafka jars from Maven Central"
    (cd "$root/scripts/kafka" && mvn -q -B dependency:copy-dependencies)
  fi
}

up() {
  if running; then echo "kafka already running (pid $(cat "$pidfile"))"; return; fi
  fetch
  rm -rf "$home/data" && mkdir -p "$home/data" "$home/logs"
  cat > "$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$home/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=10000
PROPS
  java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
    -t "$(java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool random-uuid)" -c "$home/server.properties" > "$home/logs/format.log"
  start
}

java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
  "-Dkafka.logs.dir=$home/logs" "-Dlog4j.configuration=file:$root/scripts/kafka/log4j.properties")

start() {
  if running; then echo "kafka already running (pid $(cat "$pidfile"))"; return; fi
  [[ -f "$home/server.properties" ]] || { echo "no broker set up in $home: run '$0 up'" >&2; exit 1; }
  nohup java "${java_opts[@]}" -cp "$libs/*" kafka.Kafka "$home/server.properties" > "$home/logs/stdout.log" 2>&1 &
  echo $! > "$pidfile"
  if ! node "$root/scripts/kafka-ready.mjs" "127.0.0.1:$port" 90; then
    tail -50 "$home/logs/stdout.log" "$home/logs/server.log" 2>/dev/null || true
    down
    exit 1
  fi
}

stop() {
  if running; then
    local pid; pid="$(cat "$pidfile")"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    echo "kafka stopped"
  fi
  rm -f "$pidfile"
}

down() {
  stop
  rm -rf "$home/data"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  stop) stop ;;
  start) start ;;
  status) if running; then echo "kafka running (pid $(cat "$pidfile"), 127.0.0.1:$port)"; else echo "kafka not running"; exit 1; fi ;;
  *) echo "usage: $0 up|down|stop|start|status" >&2; exit 2 ;;
esac
