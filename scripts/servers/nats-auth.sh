#!/usr/bin/env bash
# NATS (Debian's nats-server) that requires a user and password, on 127.0.0.1:24222 (monitoring 28222), for
# the credential tests. Its config has the `authorization` block of stack.yml's nats.conf.
#
#   scripts/servers/nats-auth.sh start|stop|status|env
#   env: NATS_AUTH_URL, NATS_AUTH_USER, NATS_AUTH_PASSWORD
#
# State (config with the password, mode 0600) in .cache/auth-servers/nats; log in .cache/logs/nats-auth.log.
set -euo pipefail
NAME=nats-auth
# shellcheck source=server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/server-lib.sh"
# shellcheck source=auth-lib.sh
. "$ROOT/scripts/servers/auth-lib.sh"
# shellcheck source=nats-ready.sh
. "$ROOT/scripts/servers/nats-ready.sh"
auth_dir nats
port=24222
monitor_port=28222
PORTS=("$port" "$monitor_port")
bin=/usr/sbin/nats-server
conf="$DIR/nats.conf"
# NOTE: the argument order of CMD matters: this is how running_pid recognises our server.
MATCH="nats-server -c $conf"
READY_TIMEOUT=12
READY_INTERVAL=0.1

print_env() {
  echo "NATS_AUTH_URL=nats://$HOST:$port"
  echo "NATS_AUTH_USER=dashboard"
  echo "NATS_AUTH_PASSWORD=$(credential nats-dashboard)"
}

ready() { nats_ready 'INFO*"auth_required":true*'; }

prepare() {
  [ -x "$bin" ] || apt_install nats-server
  mkdir -p "$DIR"
  (umask 077 && cat >"$conf" <<CONF
listen: "$HOST:$port"
http: "$HOST:$monitor_port"
server_name: swarm-dashboard-auth
authorization {
  user: dashboard
  password: "$(credential nats-dashboard)"
}
CONF
  )
  CMD=("$bin" -c "$conf")
}

server_main "$@"
