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

log() { echo "[cassandra] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

print_env() {
  echo "CASSANDRA_CONTACT_POINTS=$HOST:$NATIVE_PORT"
  echo "CASSANDRA_LOCAL_DC=$LOCAL_DC"
}

apt_install() {
  log "installing Debian packages: $*"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Cassandra 5.0 needs JDK 17 (or 11); never the newer default JDK.
find_java() {
  local j
  for j in /usr/lib/jvm/java-17-openjdk-*/bin/java; do
    [[ -x $j ]] && { echo "$j"; return 0; }
  done
  apt_install openjdk-17-jre-headless || true
  for j in /usr/lib/jvm/java-17-openjdk-*/bin/java; do
    [[ -x $j ]] && { echo "$j"; return 0; }
  done
  die "no JDK 17 found under /usr/lib/jvm"
}

need_tools() {
  command -v node >/dev/null || die "node is needed for the readiness probe"
  command -v flock >/dev/null || apt_install util-linux
}

install() {
  local want stamp="$LIB/.pom-sha256"
  want="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
  [[ -f $stamp && "$(cat "$stamp")" == "$want" ]] && return 0
  command -v mvn >/dev/null || apt_install maven
  log "copying jars with Maven into $LIB"
  rm -rf "$LIB.tmp"
  # One Maven at a time across kafka.sh and cassandra.sh: they share ~/.m2 and may start in parallel.
  mkdir -p "$ROOT/.cache/servers"
  (
    flock 8
    JAVA_HOME="$(dirname "$(dirname "$JAVA")")" mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIB.tmp" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  ) 8>"$ROOT/.cache/servers/.maven.lock"
  echo "$want" >"$LIB.tmp/.pom-sha256"
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
}

# A process that exists and is not a zombie (an orphan may wait a moment to be reaped after kill -9).
alive() {
  local state
  state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# The pid of our Cassandra (the one using our config file), or nothing. Handles stale pid files.
running_pid() {
  local pid=""
  [[ -f $PIDFILE ]] && pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$CONF/cassandra.yaml"; then
    echo "$pid"
    return 0
  fi
  pid="$(pgrep -f -- "-Dcassandra\.config=file://$CONF/cassandra\.yaml" | head -n1 || true)"
  if [[ -n $pid ]] && alive "$pid"; then
    echo "$pid" >"$PIDFILE"
    echo "$pid"
    return 0
  fi
  rm -f "$PIDFILE"
  return 1
}

# CQL answers SELECT release_version FROM system.local.
ready() {
  node "$HERE/ready.mjs" "$HOST" "$NATIVE_PORT" 3000 >/dev/null 2>&1
}

port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
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

stop() {
  local pid deadline
  if ! pid="$(running_pid)"; then
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.5; done
  if alive "$pid"; then
    log "still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.2; done
  fi
  rm -f "$PIDFILE"
  log "stopped"
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

with_lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock 9
  "$@"
}

case "${1:-}" in
  start) need_tools; JAVA="$(find_java)"; with_lock start ;;
  install)
    JAVA="$(find_java)"
    # Never swap the jars under a running JVM; `stop` first to pick up a changed pom.
    if pid="$(running_pid)"; then log "running (pid $pid): jars left as they are"; else with_lock install; fi
    ;;
  stop) with_lock stop ;;
  status) need_tools; status ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env|install" >&2; exit 2 ;;
esac
