# Shared by every server script in this folder (ferretdb.sh, nats.sh, and kafka.sh and cassandra.sh through
# jvm-server.sh): a server run detached with a pid file, its start and stop serialised by a lock file, a
# readiness wait, its log, and the command line start|stop|status|env. Sourced, never run.
#
# The sourcing script sets NAME (the server's name, used in paths, messages and log markers) before sourcing
# it; this file then sets
#   ROOT            the checkout
#   DIR             the state folder, .cache/servers/NAME
#   PIDFILE         the pid file, DIR/pid
#   LOG             the log file, .cache/logs/NAME.log
#   LOCKFILE        the lock file that serialises start and stop between callers, DIR/lock
#   LOCK_WAIT       seconds to wait for that lock (300); empty: no limit
#   HOST            where it listens (127.0.0.1)
#   STOP_TIMEOUT    seconds between SIGTERM and SIGKILL (10)
# The sourcing script may change those defaults, and it sets, before it calls server_main:
#   PORTS           the ports it listens on (an array; the first one is named in messages)
#   MATCH           a fixed string in the command line of our server's process, to tell it from a reused pid
#   PGREP_PATTERN   optional: a `pgrep -f` pattern that finds our server when the pid file is stale or gone
#   READY_TIMEOUT   seconds to wait for readiness after a start; READY_INTERVAL seconds between two checks
# and defines:
#   print_env       its KEY=value lines (the only thing any script prints on stdout)
#   ready [args]    exit 0 when the server answers; wait_ready calls it with the words of READY_ARGS
#   prepare         installs, builds or configures what is missing, and sets the array CMD: the server's
#                   command line, run detached by start

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$ROOT/.cache/servers/$NAME"
PIDFILE="$DIR/pid"
LOG="$ROOT/.cache/logs/$NAME.log"
LOCKFILE="$DIR/lock"
LOCK_WAIT=300
HOST=127.0.0.1
STOP_TIMEOUT=10

log() { echo "[$NAME] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

apt_install() {
  log "installing Debian packages: $*"
  bash "$ROOT/scripts/apt-install.sh" "$@"
}

# A process that exists and is not a zombie (an orphan may wait a moment to be reaped after kill -9).
alive() {
  local state
  state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# The pid of our server, or nothing. A pid can be reused after a kill -9 or a reboot, so the process must
# also carry MATCH in its command line; with PGREP_PATTERN a server whose pid file is stale is found again.
running_pid() {
  local pid=""
  [[ -f $PIDFILE ]] && pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$MATCH"; then
    echo "$pid"
    return 0
  fi
  if [[ -n ${PGREP_PATTERN:-} ]]; then
    pid="$(pgrep -f -- "$PGREP_PATTERN" | head -n1 || true)"
    if [[ -n $pid ]] && alive "$pid"; then
      echo "$pid" >"$PIDFILE"
      echo "$pid"
      return 0
    fi
  fi
  rm -f "$PIDFILE"
  return 1
}

port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# Prints the Go toolchain to build with (PATH, else the tarball's /usr/local/go); dies without one.
go_toolchain() {
  local go_bin
  go_bin=$(command -v go || true)
  if [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ]; then go_bin=/usr/local/go/bin/go; fi
  [ -n "$go_bin" ] || die "needs Go >= 1.24 to build; none found on PATH or in /usr/local/go"
  echo "$go_bin"
}

# Exit 0 when the MongoDB-wire server at $1 answers a ping; with $2 and $3, as that user (SCRAM-SHA-256, admin).
mongo_ping() {
  (cd "$ROOT" && node -e '
    const { MongoClient } = require("mongodb");
    const [url, username, password] = process.argv.slice(1);
    const client = new MongoClient(url, {
      ...(username ? { auth: { username, password }, authSource: "admin", authMechanism: "SCRAM-SHA-256" } : {}),
      serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000,
    });
    client.db("admin").command({ ping: 1 })
      .then((r) => client.close().then(() => process.exit(r.ok === 1 ? 0 : 1)))
      .catch(() => process.exit(1));
  ' "$@") >/dev/null 2>&1
}

# Waits until `ready $READY_ARGS` succeeds. Returns 1 if the process died meanwhile; dies on timeout.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || return 1
    # shellcheck disable=SC2086 # READY_ARGS is a list of words
    ready ${READY_ARGS:-} && return 0
    sleep "$READY_INTERVAL"
  done
  tail -n 40 "$LOG" >&2 || true
  die "pid $pid not ready after ${READY_TIMEOUT}s; see $LOG"
}

# Appends a marker line to the log: "=== <time> <name>.sh <what> ===".
log_mark() {
  echo "=== $(date -u +%FT%TZ) $NAME.sh $1 ===" >>"$LOG"
}

start() {
  # NOTE: no local named port: the sourcing scripts use that name for their own port.
  local pid open_port t0
  t0=$(date +%s%3N)
  if pid="$(running_pid)"; then
    if wait_ready "$pid"; then
      log "already running (pid $pid) and ready"
      print_env
      return 0
    fi
    log "pid $pid died before it was ready; starting a new one"
    rm -f "$PIDFILE"
  fi
  for open_port in "${PORTS[@]}"; do
    port_open "$open_port" && die "port $HOST:$open_port is taken by a process that is not this checkout's $NAME; stop it first"
  done
  mkdir -p "$DIR" "$(dirname "$LOG")"
  prepare
  if [[ -f $LOG ]] && (($(stat -c %s "$LOG") > 50 * 1024 * 1024)); then mv -f "$LOG" "$LOG.1"; fi
  log "starting, log in $LOG"
  log_mark start
  # 9>&-: the server must not inherit the lock.
  setsid nohup "${CMD[@]}" >>"$LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  if ! wait_ready "$pid"; then
    tail -n 40 "$LOG" >&2 || true
    rm -f "$PIDFILE"
    die "pid $pid exited during startup; see $LOG"
  fi
  log "ready on $HOST:${PORTS[0]} (pid $pid) in $(($(date +%s%3N) - t0)) ms"
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
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.25; done
  if alive "$pid"; then
    log "still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  local pid
  if pid="$(running_pid)" && ready; then
    log "up (pid $pid) at $HOST:${PORTS[0]}"
    return 0
  fi
  log "down"
  return 1
}

# Serialises start and stop between concurrent callers (two test runs at once, or servers.sh in parallel).
with_lock() {
  mkdir -p "$DIR"
  exec 9>"$LOCKFILE"
  if [[ -n ${LOCK_WAIT:-} ]]; then
    flock -w "$LOCK_WAIT" 9 || die "could not take $LOCKFILE within $LOCK_WAIT s"
  else
    flock 9
  fi
  "$@"
}

# The command line: start|stop|status|env.
server_main() {
  case "${1:-}" in
    start) with_lock start ;;
    stop) with_lock stop ;;
    status) status ;;
    env) print_env ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
  esac
}
