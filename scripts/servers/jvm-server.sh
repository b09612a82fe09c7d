# Shared by kafka.sh and cassandra.sh: a JVM server from Maven Central jars, run detached with a pid file.
# The sourcing script sets NAME, ROOT, HERE (its pom.xml), DIR, LIB, PIDFILE, STOP_TIMEOUT, CONFIG_FILE and
# PGREP_PATTERN (how to find its process), and defines start, status and print_env.

log() { echo "[$NAME] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

apt_install() {
  log "installing Debian packages: $*"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
# JDK 17: Kafka 4 needs 17 or newer, Cassandra 5.0 runs on 11 or 17 only (24+ removed its SecurityManager).
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
# The pid of our server (the one started with $CONFIG_FILE), or nothing. Handles stale pid files.
running_pid() {
  local pid=""
  [[ -f $PIDFILE ]] && pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$CONFIG_FILE"; then
    echo "$pid"
    return 0
  fi
  pid="$(pgrep -f -- "$PGREP_PATTERN" | head -n1 || true)"
  if [[ -n $pid ]] && alive "$pid"; then
    echo "$pid" >"$PIDFILE"
    echo "$pid"
    return 0
  fi
  rm -f "$PIDFILE"
  return 1
}
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
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
with_lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock 9
  "$@"
}

# The command line of every server script: start|stop|status|env|install.
main() {
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
}
