# Shared by kafka.sh and kafka-auth.sh (sourced after jvm-server.sh, with LIB, CONF, DATA, LOG and HEAP set):
# formatting the KRaft storage and the broker's command line.

# kafka_format CLUSTER_ID [JVM flag...] [-- StorageTool argument...]: formats $DATA once; later starts reuse it.
kafka_format() {
  local cid=$1
  local -a jvm=() tool=()
  shift
  while (($#)); do
    [[ $1 == -- ]] && { shift; tool=("$@"); break; }
    jvm+=("$1")
    shift
  done
  log "formatting KRaft storage in $DATA (cluster id $cid)"
  log_mark format
  # NOTE: the cluster id may start with "-", so it is passed as --cluster-id=<id> ("-t <id>" reads it as an option).
  if ! "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$CONF/log4j2.xml" "${jvm[@]}" \
    -cp "$LIB/*" kafka.tools.StorageTool format --cluster-id="$cid" -c "$CONF/server.properties" --ignore-formatted \
    "${tool[@]}" >>"$LOG" 2>&1 9>&-; then
    tail -n 20 "$LOG" >&2
    die "kafka.tools.StorageTool format failed; see $LOG"
  fi
}

# A Kafka Uuid: 16 random bytes, URL-safe base64 without padding.
kafka_cluster_id() { head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='; }

# kafka_command [JVM flag...]: sets CMD. C1 only (TieredStopAtLevel=1): about half the CPU to start on 2
# shared cores; test traffic is light.
kafka_command() {
  CMD=("$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:TieredStopAtLevel=1
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
    -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true -Dlog4j2.configurationFile="$CONF/log4j2.xml" "$@"
    -cp "$LIB/*" kafka.Kafka "$CONF/server.properties")
}
