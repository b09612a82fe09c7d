#!/usr/bin/env bash
# FerretDB 1.24 on SQLite that requires a user and password (SCRAM-SHA-256), on 127.0.0.1:37018, for the
# credential tests. Usage: ferretdb-auth.sh start|stop|status|env|build
#   env: MONGO_AUTH_URL (no credentials in it), MONGO_AUTH_USER, MONGO_AUTH_PASSWORD (user in `admin`)
#   build: only builds .cache/bin/ferretdb-auth (the stack test's MongoDB stand-in runs it too)
#
# NOTE: the plain server (ferretdb.sh) runs FerretDB's embeddable package, which cannot switch on FerretDB's
# "new authentication": that lives behind flags of its own command, cmd/ferretdb. So this builds the command
# itself, from a writable copy of the module with build/version/version.txt written (without it the binary
# panics at start: docs/servers.md). --test-enable-new-auth makes every command but the handshake require a
# SCRAM login, and --setup-* creates the one user on first start. FerretDB has no authorization: a user who
# logs in may do anything, as with one MongoDB user holding readWriteAnyDatabase.
#
# State (data, credentials) in .cache/auth-servers/ferretdb; log in .cache/logs/ferretdb-auth.log.
set -euo pipefail
NAME=ferretdb-auth
# shellcheck source=server-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/server-lib.sh"
# shellcheck source=auth-lib.sh
. "$ROOT/scripts/servers/auth-lib.sh"
auth_dir ferretdb
port=37018
PORTS=("$port")
version=v1.24.2
bin="$ROOT/.cache/bin/ferretdb-auth"
MATCH="$bin"
READY_TIMEOUT=30
READY_INTERVAL=0.25

print_env() {
  echo "MONGO_AUTH_URL=mongodb://$HOST:$port/"
  echo "MONGO_AUTH_USER=dashboard"
  echo "MONGO_AUTH_PASSWORD=$(credential mongo-dashboard)"
}

# Answers a ping after a SCRAM login (so the setup user exists too).
ready() {
  port_open "$port" && mongo_ping "mongodb://$HOST:$port/" dashboard "$(credential mongo-dashboard)"
}

build() {
  local go_bin stamp src
  go_bin=$(go_toolchain)
  stamp="$version $("$go_bin" env GOVERSION)"
  if [ -x "$bin" ] && [ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  log "building $bin from github.com/FerretDB/FerretDB@$version (a cold build takes 2-3 minutes on 2 cores)"
  local t0=$SECONDS module
  module=$(cd "$ROOT/scripts/servers/ferretdb" && "$go_bin" mod download -json "github.com/FerretDB/FerretDB@$version" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).Dir))')
  src="$ROOT/.cache/ferretdb-src"
  rm -rf "$src"
  cp -r "$module" "$src"
  chmod -R u+w "$src"
  echo "$version" >"$src/build/version/version.txt"
  mkdir -p "$(dirname "$bin")"
  # nice: servers.sh starts Kafka and Cassandra at the same time, and their readiness waits have time limits.
  (cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 10 "$go_bin" build -buildvcs=false -trimpath \
    -tags ferretdb_no_postgresql -ldflags='-s -w' -o "$bin.tmp" ./cmd/ferretdb) >&2
  mv -f "$bin.tmp" "$bin"
  echo "$stamp" >"$bin.stamp"
  rm -rf "$src"
  log "built in $((SECONDS - t0)) s"
}

prepare() {
  build
  mkdir -p "$DATA"
  # The password goes by environment, not on the command line, where `ps` would show it.
  export FERRETDB_SETUP_PASSWORD
  FERRETDB_SETUP_PASSWORD=$(credential mongo-dashboard)
  CMD=("$bin" --handler=sqlite --sqlite-url="file:$DATA/" --listen-addr="$HOST:$port" --state-dir="$DIR"
    --telemetry=disable --debug-addr=- --log-level=error
    --test-enable-new-auth --setup-database=admin --setup-username=dashboard)
}

if [ "${1:-}" = build ]; then build; else server_main "$@"; fi
