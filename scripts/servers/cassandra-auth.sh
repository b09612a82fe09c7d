#!/usr/bin/env bash
# Cassandra 5.0 that requires authentication, on 127.0.0.1:29042 (storage 27000), for the credential tests.
# PasswordAuthenticator and CassandraAuthorizer are switched on the way stack.yml does it, with JVM system
# properties (`-Dcassandra.config.allow_system_properties=true -Dcassandra.settings.<key>=…`, JVM_EXTRA_OPTS in
# the official image), so this checks that too.
# Once CQL answers, ready.mjs logs in as the default superuser, creates the role `dashboard` (LOGIN, CREATE
# on all keyspaces; a keyspace's creator gets every permission on it), and changes the superuser's password,
# as the stack's cassandra-init does; `cassandra`/`cassandra` then no longer works.
#
#   scripts/servers/cassandra-auth.sh start|stop|status|env
#   env: CASSANDRA_AUTH_CONTACT_POINTS, CASSANDRA_AUTH_LOCAL_DC, CASSANDRA_AUTH_USERNAME, CASSANDRA_AUTH_PASSWORD,
#        CASSANDRA_AUTH_SUPERUSER_PASSWORD (for workers/cassandra-init's test)
#
# Jars: those of scripts/servers/cassandra.sh (.cache/servers/cassandra/lib, installed by it when missing),
# or CASSANDRA_LIB. State in .cache/auth-servers/cassandra; log in .cache/logs/cassandra-auth.log.
set -euo pipefail

NAME=cassandra-auth
# shellcheck source=jvm-server.sh
. "$(dirname "${BASH_SOURCE[0]}")/jvm-server.sh"
# shellcheck source=auth-lib.sh
. "$ROOT/scripts/servers/auth-lib.sh"
# shellcheck source=cassandra/launch.sh
. "$ROOT/scripts/servers/cassandra/launch.sh"
auth_dir cassandra
HERE="$ROOT/scripts/servers/cassandra"
LIB="${CASSANDRA_LIB:-$ROOT/.cache/servers/cassandra/lib}"

NATIVE_PORT=29042
STORAGE_PORT=27000
SSL_STORAGE_PORT=27001
LOCAL_DC=datacenter1
READY_TIMEOUT="${CASSANDRA_READY_TIMEOUT:-180}"
STOP_TIMEOUT="${CASSANDRA_STOP_TIMEOUT:-30}"
READY_INTERVAL=1
PORTS=("$NATIVE_PORT" "$STORAGE_PORT")
MATCH="$CONF/cassandra.yaml"
PGREP_PATTERN="-Dcassandra\.config=file://$CONF/cassandra\.yaml"

print_env() {
  echo "CASSANDRA_AUTH_CONTACT_POINTS=$HOST:$NATIVE_PORT"
  echo "CASSANDRA_AUTH_LOCAL_DC=$LOCAL_DC"
  echo "CASSANDRA_AUTH_USERNAME=dashboard"
  echo "CASSANDRA_AUTH_PASSWORD=$(credential cassandra-dashboard)"
  echo "CASSANDRA_AUTH_SUPERUSER_PASSWORD=$(credential cassandra-superuser)"
}

# The role dashboard can query (made first, with the superuser, when it cannot log in yet).
ready() {
  (cd "$ROOT" && CASSANDRA_DASHBOARD_PASSWORD="$(credential cassandra-dashboard)" CASSANDRA_SUPERUSER_PASSWORD="$(credential cassandra-superuser)" \
    node "$ROOT/scripts/servers/cassandra-auth/ready.mjs" "$HOST:$NATIVE_PORT" "$LOCAL_DC") >>"$LOG" 2>&1
}

install() {
  [[ -f $LIB/.pom-sha256 ]] && return 0
  [[ -n ${CASSANDRA_LIB:-} ]] && die "CASSANDRA_LIB=$CASSANDRA_LIB holds no Cassandra jars"
  bash "$ROOT/scripts/servers/cassandra.sh" install
}

prepare() {
  install
  write_config
  cassandra_command -Dcassandra.config.allow_system_properties=true -Dcassandra.settings.authenticator=PasswordAuthenticator \
    -Dcassandra.settings.authorizer=CassandraAuthorizer -Dcassandra.superuser_setup_delay_ms=0
}

main "$@"
