# Shared by kafka.sh and cassandra.sh: a JVM server from Maven Central jars. The sourcing script sets NAME
# before sourcing it, then HOST, PORTS, READY_TIMEOUT, STOP_TIMEOUT, MATCH (its config file) and
# PGREP_PATTERN (how to find its process), and defines print_env, ready and prepare (which calls install and
# sets CMD). This file holds only the JVM part (the JDK, the jars, the install command) and the paths below;
# the pid file, the lock, start, stop, status and the readiness wait are server-lib.sh's.
# shellcheck source=server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/server-lib.sh"

HERE="$ROOT/scripts/servers/$NAME" # pom.xml and the config templates
LIB="$DIR/lib"
CONF="$DIR/config"
DATA="$DIR/data"
LOCKFILE="$DIR/.lock"
LOCK_WAIT="" # no limit: a first start copies the jars with Maven
READY_INTERVAL=0.5

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

# The command line of every JVM server script: start|stop|status|env|install.
main() {
  case "${1:-}" in
    start) need_tools; JAVA="$(find_java)"; server_main start ;;
    install)
      JAVA="$(find_java)"
      # Never swap the jars under a running JVM; `stop` first to pick up a changed pom.
      if pid="$(running_pid)"; then log "running (pid $pid): jars left as they are"; else with_lock install; fi
      ;;
    status) need_tools; server_main status ;;
    stop | env) server_main "$1" ;;
    *) echo "usage: $0 start|stop|status|env|install" >&2; exit 2 ;;
  esac
}
