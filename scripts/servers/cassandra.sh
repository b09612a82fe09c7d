#!/usr/bin/env bash
# A single-node Apache Cassandra 5.0 on 127.0.0.1, from Maven Central jars, on JDK 17.
#
#   scripts/servers/cassandra.sh start    install if needed, start detached, wait until CQL answers
#                                         `SELECT release_version FROM system.local`; prints the env lines.
#                                         Idempotent; a stale pid file (kill -9) is fine and the data is kept.
#   scripts/servers/cassandra.sh stop     SIGTERM (Cassandra drains), then SIGKILL after CASSANDRA_STOP_TIMEOUT s
#   scripts/servers/cassandra.sh status   exit 0 if running and answering CQL
#   scripts/servers/cassandra.sh env      CASSANDRA_CONTACT_POINTS=127.0.0.1:19042, CASSANDRA_LOCAL_DC=datacenter1
#   scripts/servers/cassandra.sh install  only copy the jars (start does it when needed)
#
# Files: jars in .cache/servers/cassandra/lib (from scripts/servers/cassandra/pom.xml), config in .../config,
# data in .../data, pid in .../pid, log in .cache/logs/cassandra.log.
# Cassandra 5.0 runs on JDK 11 or 17 only (JDK 24+ removed the SecurityManager it installs): this uses JDK 17.
set -euo pipefail

NAME=cassandra
# shellcheck source=jvm-server.sh
. "$(dirname "${BASH_SOURCE[0]}")/jvm-server.sh"
# shellcheck source=cassandra/launch.sh
. "$ROOT/scripts/servers/cassandra/launch.sh"

NATIVE_PORT=19042
STORAGE_PORT=17000
SSL_STORAGE_PORT=17001
LOCAL_DC=datacenter1
READY_TIMEOUT="${CASSANDRA_READY_TIMEOUT:-240}"
STOP_TIMEOUT="${CASSANDRA_STOP_TIMEOUT:-60}"
PORTS=("$NATIVE_PORT" "$STORAGE_PORT")
MATCH="$CONF/cassandra.yaml" # in the command line of our server's process
PGREP_PATTERN="-Dcassandra\.config=file://$CONF/cassandra\.yaml"

print_env() {
  echo "CASSANDRA_CONTACT_POINTS=$HOST:$NATIVE_PORT"
  echo "CASSANDRA_LOCAL_DC=$LOCAL_DC"
}

# CQL answers SELECT release_version FROM system.local.
ready() {
  node "$HERE/ready.mjs" "$HOST" "$NATIVE_PORT" 3000 >/dev/null 2>&1
}

prepare() {
  install
  write_config
  cassandra_command
}

main "$@"
