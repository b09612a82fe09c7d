#!/bin/bash
# Entrypoint of the stack's Cassandra image (scripts/stack/images.sh), with the contract of the official
# cassandra image that stack.yml relies on: `cassandra -f` (the default command) configures from
# CASSANDRA_CLUSTER_NAME, CASSANDRA_SEEDS, CASSANDRA_DC, CASSANDRA_RACK, CASSANDRA_ENDPOINT_SNITCH,
# CASSANDRA_LISTEN_ADDRESS / CASSANDRA_BROADCAST_ADDRESS (default: this container's address),
# MAX_HEAP_SIZE, JVM_EXTRA_OPTS (appended to the JVM's flags, as the official image's cassandra-env.sh does);
# anything else is run as given (stack.yml wraps the start in a bash wait).
set -euo pipefail
if [ "${1:-}" != cassandra ]; then exec "$@"; fi
me=$(getent hosts "$(cat /etc/hostname)" | awk '{print $1; exit}')
listen=${CASSANDRA_LISTEN_ADDRESS:-auto}; [ "$listen" = auto ] && listen=$me
broadcast=${CASSANDRA_BROADCAST_ADDRESS:-auto}; [ "$broadcast" = auto ] && broadcast=$listen
conf=/etc/cassandra
sed -e "s|@CLUSTER_NAME@|${CASSANDRA_CLUSTER_NAME:-Test Cluster}|" -e "s|@SNITCH@|${CASSANDRA_ENDPOINT_SNITCH:-SimpleSnitch}|" \
  -e "s|@LISTEN@|$listen|" -e "s|@BROADCAST@|$broadcast|g" -e "s|@SEEDS@|${CASSANDRA_SEEDS:-$broadcast}|" \
  "$conf/cassandra.yaml.in" >"$conf/cassandra.yaml"
printf 'dc=%s\nrack=%s\n' "${CASSANDRA_DC:-datacenter1}" "${CASSANDRA_RACK:-rack1}" >"$conf/cassandra-rackdc.properties"
mkdir -p /var/lib/cassandra /var/log/cassandra
heap=${MAX_HEAP_SIZE:-1G}
mapfile -t opts < <(grep -vE '^[[:space:]]*(#|$)' "$conf/jvm.options")
# shellcheck disable=SC2086 # JVM_EXTRA_OPTS is a list of JVM flags
exec java -Xms"$heap" -Xmx"$heap" "${opts[@]}" ${JVM_EXTRA_OPTS:-} -javaagent:"$(ls /opt/cassandra/lib/jamm-*.jar | head -1)" \
  -Dcassandra.config="file://$conf/cassandra.yaml" -Dlogback.configurationFile="$conf/logback.xml" \
  -Dcassandra-foreground=yes -Dcassandra.storagedir=/var/lib/cassandra -Dcassandra.logdir=/var/log/cassandra \
  -cp "$conf:/opt/cassandra/lib/*" org.apache.cassandra.service.CassandraDaemon
