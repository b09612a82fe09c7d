#!/usr/bin/env bash
# Kafka 4.x KRaft that requires SASL, on 127.0.0.1:29092 (controller 29093, brokers' own listener 29094), for
# the credential tests. The listeners are those of stack.yml's brokers:
#   CLIENT      SASL_PLAINTEXT, SCRAM-SHA-512 only: the dashboard's user `dashboard`
#   INTERNAL    SASL_PLAINTEXT, PLAIN: broker to broker, user `broker` (static JAAS)
#   CONTROLLER  SASL_PLAINTEXT, PLAIN: broker to controller, user `broker`
# SCRAM users live in the cluster metadata, so `dashboard` is added when the storage is formatted
# (`StorageTool format --add-scram`); the stack adds it at run time with kafka-configs (kafka-init).
#
#   scripts/servers/kafka-auth.sh start|stop|status|env
#   env: KAFKA_AUTH_BROKERS, KAFKA_AUTH_USERNAME, KAFKA_AUTH_PASSWORD, KAFKA_AUTH_MECHANISM
#
# Jars: those of scripts/servers/kafka.sh (.cache/servers/kafka/lib, installed by it when missing), or
# KAFKA_LIB. State in .cache/auth-servers/kafka; log in .cache/logs/kafka-auth.log.
set -euo pipefail

NAME=kafka-auth
# shellcheck source=jvm-server.sh
. "$(dirname "${BASH_SOURCE[0]}")/jvm-server.sh"
# shellcheck source=auth-lib.sh
. "$ROOT/scripts/servers/auth-lib.sh"
# shellcheck source=kafka/launch.sh
. "$ROOT/scripts/servers/kafka/launch.sh"
auth_dir kafka
HERE="$ROOT/scripts/servers/kafka"
LIB="${KAFKA_LIB:-$ROOT/.cache/servers/kafka/lib}"

PORT=29092
CONTROLLER_PORT=29093
INTERNAL_PORT=29094
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HEAP="${KAFKA_HEAP:-384m}"
PORTS=("$PORT" "$CONTROLLER_PORT" "$INTERNAL_PORT")
MATCH="$CONF/server.properties"
PGREP_PATTERN="kafka\.Kafka $CONF/server\.properties"

print_env() {
  echo "KAFKA_AUTH_BROKERS=$HOST:$PORT"
  echo "KAFKA_AUTH_USERNAME=dashboard"
  echo "KAFKA_AUTH_PASSWORD=$(credential kafka-dashboard)"
  echo "KAFKA_AUTH_MECHANISM=scram-sha-512"
}

# The dashboard's user can list topics over SCRAM (kafkajs, from the checkout's node_modules).
ready() {
  (cd "$ROOT" && node "$ROOT/scripts/servers/kafka-auth/ready.mjs" "$HOST:$PORT" dashboard "$(credential kafka-dashboard)") >/dev/null 2>&1
}

# The jars of kafka.sh, never copied again: its own install when they are missing (not with KAFKA_LIB).
install() {
  [[ -f $LIB/.pom-sha256 ]] && return 0
  [[ -n ${KAFKA_LIB:-} ]] && die "KAFKA_LIB=$KAFKA_LIB holds no Kafka jars"
  bash "$ROOT/scripts/servers/kafka.sh" install
}

# server.properties, and the stack's JAAS file with the broker password where the swarm's template puts it.
write_config() {
  local broker
  broker="$(credential kafka-broker)"
  mkdir -p "$CONF" "$DATA" "$(dirname "$LOG")"
  sed -e "s|@HOST@|$HOST|g" -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
    -e "s|@INTERNAL_PORT@|$INTERNAL_PORT|g" -e "s|@DATA@|$DATA|g" \
    "$ROOT/scripts/servers/kafka-auth/server.properties" >"$CONF/server.properties"
  (umask 077 && sed -e "s|{{ secret \"kafka-broker-password\" }}|$broker|g" "$ROOT/gateway-config/kafka-jaas.conf" >"$CONF/kafka-jaas.conf")
  grep -q '{{' "$CONF/kafka-jaas.conf" && die "gateway-config/kafka-jaas.conf has a template field this script does not fill"
  cp "$HERE/log4j2.xml" "$CONF/log4j2.xml"
}

format_storage() {
  [[ -f $DATA/meta.properties ]] && return 0
  kafka_format "$(kafka_cluster_id)" -Djava.security.auth.login.config="$CONF/kafka-jaas.conf" \
    -- --add-scram "SCRAM-SHA-512=[name=dashboard,password=$(credential kafka-dashboard)]"
}

prepare() {
  install
  write_config
  format_storage
  kafka_command -Djava.security.auth.login.config="$CONF/kafka-jaas.conf"
}

main "$@"
