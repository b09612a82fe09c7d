#!/usr/bin/env bash
# FerretDB 1.24 (MongoDB wire protocol, SQLite handler) on 127.0.0.1:37017, for the MongoDB adapters and
# their integration tests. Usage: ferretdb.sh start|stop|status|env
#   start   build .cache/bin/ferretdb if it is missing or out of date, start it detached, wait for a ping,
#           then print the env lines; a no-op when it already runs
#   stop    SIGTERM (then SIGKILL after 10 s)
#   status  exit 0 when it runs and answers a ping
#   env     print MONGO_URL=… (only KEY=value lines go to stdout; everything else goes to stderr)
# The binary is our own wrapper module (scripts/servers/ferretdb/), see docs/servers.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port=37017
src="$root/scripts/servers/ferretdb"
bin="$root/.cache/bin/ferretdb"
state="$root/.cache/servers/ferretdb"
pid_file="$state/pid"
log="$root/.cache/logs/ferretdb.log"

say() { echo "[ferretdb] $*" >&2; }

# A process that exists and is not a zombie (an orphan may wait a moment to be reaped after kill -9).
alive() {
  local st
  st=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && $st != Z && $st != X ]]
}

# Serialises start/stop between concurrent callers (two test runs at once).
with_lock() {
  mkdir -p "$state"
  exec 9>"$state/lock"
  flock -w 300 9 || { say "could not take $state/lock within 300 s"; return 1; }
  "$@"
}

print_env() { echo "MONGO_URL=mongodb://127.0.0.1:$port/"; }

# Prints the pid when the process in the pid file is alive and is our binary (a pid can be reused after a
# kill -9 or a reboot).
running_pid() {
  local pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$bin" || return 1
  echo "$pid"
}

ping_server() {
  (cd "$root" && node -e '
    const { MongoClient } = require("mongodb");
    const client = new MongoClient(process.argv[1], { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
    client.db("admin").command({ ping: 1 })
      .then((r) => client.close().then(() => process.exit(r.ok === 1 ? 0 : 1)))
      .catch(() => process.exit(1));
  ' "mongodb://127.0.0.1:$port/") >/dev/null 2>&1
}

build() {
  local stamp go_bin
  go_bin=$(command -v go || true)
  if [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ]; then go_bin=/usr/local/go/bin/go; fi
  if [ -z "$go_bin" ]; then
    say "needs Go >= 1.24 to build (go.mod says go 1.24); none found on PATH or in /usr/local/go"
    return 1
  fi
  stamp=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)
  stamp="$stamp $("$go_bin" env GOVERSION)"
  if [ -x "$bin" ] && [ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  say "building $bin (a cold build takes 2-3 minutes on 2 cores)"
  mkdir -p "$(dirname "$bin")"
  local t0=$SECONDS
  # NOTE: ferretdb_no_postgresql leaves out the PostgreSQL handler (we use SQLite), which shortens the build.
  # nice: servers.sh starts Kafka and Cassandra at the same time, and their readiness waits have time limits.
  (cd "$src" && CGO_ENABLED=0 nice -n 10 "$go_bin" build -buildvcs=false -trimpath -tags ferretdb_no_postgresql \
    -ldflags='-s -w' -o "$bin.tmp" .) >&2
  mv -f "$bin.tmp" "$bin"
  echo "$stamp" >"$bin.stamp"
  say "built in $((SECONDS - t0)) s"
}

start() {
  local pid
  if pid=$(running_pid); then
    say "already running (pid $pid)"
    print_env
    return 0
  fi
  rm -f "$pid_file"
  build
  mkdir -p "$state/data" "$(dirname "$log")"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    say "something else already listens on 127.0.0.1:$port (not this checkout's ferretdb); stop it first"
    return 1
  fi
  local t0
  t0=$(date +%s%3N)
  echo "--- $(date -u +%FT%TZ) start" >>"$log"
  setsid nohup "$bin" --listen-addr "127.0.0.1:$port" --data-dir "$state/data" --log-level error \
    >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pid_file"
  for _ in $(seq 1 120); do
    if ! alive "$pid"; then
      say "exited during startup; last lines of $log:"
      tail -n 20 "$log" >&2
      rm -f "$pid_file"
      return 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ping_server; then
      say "ready on 127.0.0.1:$port (pid $pid) in $(( $(date +%s%3N) - t0 )) ms"
      print_env
      return 0
    fi
    sleep 0.25
  done
  say "did not answer a ping within 30 s; last lines of $log:"
  tail -n 20 "$log" >&2
  return 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$pid_file"
    say "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do alive "$pid" || break; sleep 0.25; done
  if alive "$pid"; then
    say "still running after 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$pid_file"
  say "stopped"
}

status() {
  local pid
  if pid=$(running_pid) && ping_server; then
    say "up (pid $pid) on 127.0.0.1:$port"
    return 0
  fi
  say "down"
  return 1
}

case "${1:-}" in
  start) with_lock start ;;
  stop) with_lock stop ;;
  status) status ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
