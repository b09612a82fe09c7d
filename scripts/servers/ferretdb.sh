#!/usr/bin/env bash
# FerretDB 1.24 (MongoDB wire protocol, SQLite handler) on 127.0.0.1:37017, for the MongoDB adapters and
# their integration tests. Usage: ferretdb.sh start|stop|status|env
#   start   build .cache/bin/ferretdb if it is missing or out of date, start it detached, wait for a ping,
#           then print the env lines; a no-op when it already runs
#   stop    SIGTERM (then SIGKILL after 10 s)
#   status  exit 0 when it runs and answers a ping
#   env     print MONGO_URL=… (only KEY=value lines go to stdout; everything else goes to stderr)
# The binary is our own wrapper module (scripts/servers/ferretdb/), see docs/servers.md.
# Pid file, lock, start, stop and the readiness wait: server-lib.sh.
set -euo pipefail
NAME=ferretdb
# shellcheck source=server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/server-lib.sh"
port=37017
PORTS=("$port")
src="$ROOT/scripts/servers/ferretdb"
bin="$ROOT/.cache/bin/ferretdb"
MATCH="$bin"
READY_TIMEOUT=30
READY_INTERVAL=0.25

print_env() { echo "MONGO_URL=mongodb://$HOST:$port/"; }

# The port is open and the server answers a ping.
ready() {
  port_open "$port" && mongo_ping "mongodb://$HOST:$port/"
}

build() {
  local stamp go_bin
  go_bin=$(go_toolchain)
  stamp=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)
  stamp="$stamp $("$go_bin" env GOVERSION)"
  if [ -x "$bin" ] && [ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  log "building $bin (a cold build takes 2-3 minutes on 2 cores)"
  mkdir -p "$(dirname "$bin")"
  local t0=$SECONDS
  # NOTE: ferretdb_no_postgresql leaves out the PostgreSQL handler (we use SQLite), which shortens the build.
  # nice: servers.sh starts Kafka and Cassandra at the same time, and their readiness waits have time limits.
  (cd "$src" && CGO_ENABLED=0 nice -n 10 "$go_bin" build -buildvcs=false -trimpath -tags ferretdb_no_postgresql \
    -ldflags='-s -w' -o "$bin.tmp" .) >&2
  mv -f "$bin.tmp" "$bin"
  echo "$stamp" >"$bin.stamp"
  log "built in $((SECONDS - t0)) s"
}

prepare() {
  build
  mkdir -p "$DIR/data"
  CMD=("$bin" --listen-addr "$HOST:$port" --data-dir "$DIR/data" --log-level error)
}

server_main "$@"
