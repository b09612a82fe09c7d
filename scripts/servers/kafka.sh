#!/usr/bin/env bash
# A single-node Apache Kafka 4.x (KRaft, combined broker + controller) on 127.0.0.1, from Maven Central jars.
#
#   scripts/servers/kafka.sh start    install if needed, start detached, wait until a Metadata request
#                                     lists the broker; prints the env lines. Idempotent; a stale pid file
#                                     (kill -9) is fine and the data directory is kept.
#   scripts/servers/kafka.sh stop     SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT seconds (default 60)
#   scripts/servers/kafka.sh status   exit 0 if running and answering
#   scripts/servers/kafka.sh env      KAFKA_BROKERS=127.0.0.1:19092 (stdout holds only KEY=value lines)
#   scripts/servers/kafka.sh install  only copy the jars (start does it when needed)
#
# Files: jars in .cache/servers/kafka/lib (from scripts/servers/kafka/pom.xml), config in .../config,
# data in .../data, pid in .../pid, log in .cache/logs/kafka.log.
set -euo pipefail

NAME=kafka
# shellcheck source=jvm-server.sh
. "$(dirname "${BASH_SOURCE[0]}")/jvm-server.sh"
# shellcheck source=kafka/launch.sh
. "$ROOT/scripts/servers/kafka/launch.sh"

PORT=19092
CONTROLLER_PORT=19093
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-60}"
HEAP="${KAFKA_HEAP:-512m}"
PORTS=("$PORT" "$CONTROLLER_PORT")
READY_ARGS="--warm" # a start waits for the coordinators too
MATCH="$CONF/server.properties" # in the command line of our server's process
PGREP_PATTERN="kafka\.Kafka $CONF/server\.properties"

print_env() {
  echo "KAFKA_BROKERS=$HOST:$PORT"
}

# Metadata lists this broker as live. With --warm (READY_ARGS, after a start): the group and transaction
# coordinators answer too.
ready() {
  node "$HERE/ready.mjs" "$HOST" "$PORT" 3000 "$@" >/dev/null 2>&1
}

write_config() {
  mkdir -p "$CONF" "$DATA" "$(dirname "$LOG")"
  sed -e "s|@HOST@|$HOST|g" -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
    -e "s|@DATA@|$DATA|g" "$HERE/server.properties" >"$CONF/server.properties"
  cp "$HERE/log4j2.xml" "$CONF/log4j2.xml"
}

# Format the KRaft storage once; later starts reuse the data directory (--ignore-formatted).
format_storage() {
  local cid=""
  if [[ -f $DATA/meta.properties ]]; then
    cid="$(sed -n 's/^cluster\.id=//p' "$DATA/meta.properties")"
  elif [[ -f $DIR/cluster-id ]]; then
    cid="$(cat "$DIR/cluster-id")"
  fi
  [[ -n $cid ]] || cid="$(kafka_cluster_id)"
  echo "$cid" >"$DIR/cluster-id"
  [[ -f $DATA/meta.properties ]] && return 0
  kafka_format "$cid"
}

prepare() {
  install
  write_config
  format_storage
  kafka_command
}

main "$@"
