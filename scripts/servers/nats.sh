#!/usr/bin/env bash
# NATS (Debian's nats-server 2.9, JetStream on) on 127.0.0.1:14222, monitoring on 127.0.0.1:18222, for the
# NATS event bus and its integration tests. Usage: nats.sh start|stop|status|env
#   start   apt-get install nats-server if missing, start it detached, wait until /healthz answers and the
#           client port sends INFO, then print the env lines; a no-op when it already runs
#   stop    SIGTERM (then SIGKILL after 10 s)
#   status  exit 0 when it runs and answers
#   env     print NATS_URL=… (only KEY=value lines go to stdout; everything else goes to stderr)
# Pid file, lock, start, stop and the readiness wait: server-lib.sh.
set -euo pipefail
NAME=nats
# shellcheck source=server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/server-lib.sh"
# shellcheck source=nats-ready.sh
. "$ROOT/scripts/servers/nats-ready.sh"
port=14222
monitor_port=18222
PORTS=("$port" "$monitor_port")
bin=/usr/sbin/nats-server
# NOTE: the argument order of CMD matters: this is how running_pid recognises our server.
MATCH="nats-server -a $HOST -p $port "
READY_TIMEOUT=12
READY_INTERVAL=0.1

print_env() { echo "NATS_URL=nats://$HOST:$port"; }

ready() { nats_ready 'INFO*'; }

prepare() {
  [ -x "$bin" ] || apt_install nats-server
  # NOTE: the monitoring listener binds to the -a host too.
  CMD=("$bin" -a "$HOST" -p "$port" -m "$monitor_port" -n swarm-dashboard-dev -js -sd "$DIR")
}

server_main "$@"
