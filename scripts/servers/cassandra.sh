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

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/servers/cassandra"
DIR="$ROOT/.cache/servers/cassandra"
LIB="$DIR/lib"
CONF="$DIR/config"
DATA="$DIR/data"
PIDFILE="$DIR/pid"
LOG="$ROOT/.cache/logs/cassandra.log"

HOST=127.0.0.1
NATIVE_PORT=19042
STORAGE_PORT=17000
SSL_STORAGE_PORT=17001
LOCAL_DC=datacenter1
READY_TIMEOUT="${CASSANDRA_READY_TIMEOUT:-240}"
STOP_TIMEOUT="${CASSANDRA_STOP_TIMEOUT:-60}"
NAME=cassandra
CONFIG_FILE="$CONF/cassandra.yaml"
PGREP_PATTERN="-Dcassandra\.config=file://$CONF/cassandra\.yaml"
# shellcheck source=jvm-server.sh
. "$ROOT/scripts/servers/jvm-server.sh"

print_env() {
  echo "CASSANDRA_CONTACT_POINTS=$HOST:$NATIVE_PORT"
  echo "CASSANDRA_LOCAL_DC=$LOCAL_DC"
}

# CQL answers SELECT release_version FROM system.local.
ready() {
  node "$HERE/ready.mjs" "$HOST" "$NATIVE_PORT" 3000 >/dev/null 2>&1
}

write_config() {
  mkdir -p "$CONF" "$DATA" "$(dirname "$LOG")"
  sed -e "s|@HOST@|$HOST|g" -e "s|@NATIVE_PORT@|$NATIVE_PORT|g" -e "s|@STORAGE_PORT@|$STORAGE_PORT|g" \
    -e "s|@SSL_STORAGE_PORT@|$SSL_STORAGE_PORT|g" -e "s|@DATA@|$DATA|g" "$HERE/cassandra.yaml" >"$CONF/cassandra.yaml"
  cp "$HERE/logback.xml" "$CONF/logback.xml"
}

# Wait until ready. Returns 1 if the process died meanwhile; dies on timeout.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || return 1
    ready && return 0
    sleep 0.5
  done
  tail -n 40 "$LOG" >&2 || true
  die "cassandra (pid $pid) not ready after ${READY_TIMEOUT}s; see $LOG"
}

start() {
  local pid t0=$SECONDS
  local -a opts jamm
  if pid="$(running_pid)"; then
    if wait_ready "$pid"; then
      log "already running (pid $pid) and ready"
      print_env
      return 0
    fi
    log "pid $pid died before it was ready; starting a new one"
    rm -f "$PIDFILE"
  fi
  for port in "$NATIVE_PORT" "$STORAGE_PORT"; do
    port_open "$port" && die "port $HOST:$port is taken by a process that is not this checkout's Cassandra"
  done
  install
  write_config
  jamm=("$LIB"/jamm-*.jar)
  [[ -f ${jamm[0]} ]] || die "no jamm jar in $LIB (the -javaagent is mandatory)"
  mapfile -t opts < <(grep -vE '^[[:space:]]*(#|$)' "$HERE/jvm.options")
  if [[ -f $LOG ]] && (($(stat -c %s "$LOG") > 50 * 1024 * 1024)); then mv -f "$LOG" "$LOG.1"; fi
  log "starting cassandra, log in $LOG"
  echo "=== $(date -u +%FT%TZ) cassandra.sh start ===" >>"$LOG"
  setsid nohup "$JAVA" "${opts[@]}" -javaagent:"${jamm[0]}" \
    -Dcassandra.config="file://$CONF/cassandra.yaml" -Dlogback.configurationFile="$CONF/logback.xml" \
    -Dcassandra-foreground=yes -Dcassandra.storagedir="$DATA" -Dcassandra.logdir="$ROOT/.cache/logs" \
    -cp "$CONF:$LIB/*" org.apache.cassandra.service.CassandraDaemon >>"$LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  if ! wait_ready "$pid"; then
    tail -n 40 "$LOG" >&2 || true
    die "cassandra (pid $pid) exited during startup; see $LOG"
  fi
  log "ready in $((SECONDS - t0))s (pid $pid)"
  print_env
}

status() {
  local pid
  if pid="$(running_pid)" && ready; then
    log "up (pid $pid) at $HOST:$NATIVE_PORT"
    return 0
  fi
  log "down"
  return 1
}

main "$@"
