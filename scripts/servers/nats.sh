#!/usr/bin/env bash
# NATS (Debian's nats-server 2.9, JetStream on) on 127.0.0.1:14222, monitoring on 127.0.0.1:18222, for the
# NATS event bus and its integration tests. Usage: nats.sh start|stop|status|env
#   start   apt-get install nats-server if missing, start it detached, wait until /healthz answers and the
#           client port sends INFO, then print the env lines; a no-op when it already runs
#   stop    SIGTERM (then SIGKILL after 10 s)
#   status  exit 0 when it runs and answers
#   env     print NATS_URL=… (only KEY=value lines go to stdout; everything else goes to stderr)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port=14222
monitor_port=18222
bin=/usr/sbin/nats-server
state="$root/.cache/servers/nats"
pid_file="$state/pid"
log="$root/.cache/logs/nats.log"

say() { echo "[nats] $*" >&2; }

print_env() { echo "NATS_URL=nats://127.0.0.1:$port"; }

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

# Prints the pid when the process in the pid file is alive and is our server (a pid can be reused).
running_pid() {
  local pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "nats-server -a 127.0.0.1 -p $port " || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The client port greets with an INFO line, and the monitoring port's /healthz says ok (JetStream ready).
answers() {
  local line reply
  line=$(exec 3<>"/dev/tcp/127.0.0.1/$port" && timeout 2 head -c 4 <&3) || return 1
  [ "$line" = "INFO" ] || return 1
  reply=$(exec 3<>"/dev/tcp/127.0.0.1/$monitor_port" &&
    printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && timeout 2 cat <&3) || return 1
  [[ "$reply" == "HTTP/1.0 200"* || "$reply" == "HTTP/1.1 200"* ]]
} 2>/dev/null

install() {
  [ -x "$bin" ] && return 0
  say "installing Debian's nats-server"
  apt-get update -qq -o DPkg::Lock::Timeout=300 >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 nats-server >&2
}

start() {
  local pid t0
  if pid=$(running_pid); then
    say "already running (pid $pid)"
    print_env
    return 0
  fi
  rm -f "$pid_file"
  install
  if port_open "$port" || port_open "$monitor_port"; then
    say "something else already listens on 127.0.0.1:$port or :$monitor_port (not this checkout's nats); stop it first"
    return 1
  fi
  mkdir -p "$state" "$(dirname "$log")"
  t0=$(date +%s%3N)
  echo "--- $(date -u +%FT%TZ) start" >>"$log"
  # NOTE: the monitoring listener binds to the -a host too. The argument order matters: running_pid
  # matches "nats-server -a 127.0.0.1 -p PORT ".
  setsid nohup "$bin" -a 127.0.0.1 -p "$port" -m "$monitor_port" -n swarm-dashboard-dev \
    -js -sd "$state" >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pid_file"
  for _ in $(seq 1 120); do
    if ! alive "$pid"; then
      say "exited during startup; last lines of $log:"
      tail -n 20 "$log" >&2
      rm -f "$pid_file"
      return 1
    fi
    if answers; then
      say "ready on 127.0.0.1:$port (pid $pid) in $(($(date +%s%3N) - t0)) ms"
      print_env
      return 0
    fi
    sleep 0.1
  done
  say "did not answer within 12 s; last lines of $log:"
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
  if pid=$(running_pid) && answers; then
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
