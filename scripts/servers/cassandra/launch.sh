# Shared by cassandra.sh and cassandra-auth.sh (sourced after jvm-server.sh, with LIB, CONF, DATA and LOG
# set): the config from this folder's templates, and the server's command line.

write_config() {
  local templates="$ROOT/scripts/servers/cassandra"
  mkdir -p "$CONF" "$DATA" "$(dirname "$LOG")"
  sed -e "s|@HOST@|$HOST|g" -e "s|@NATIVE_PORT@|$NATIVE_PORT|g" -e "s|@STORAGE_PORT@|$STORAGE_PORT|g" \
    -e "s|@SSL_STORAGE_PORT@|$SSL_STORAGE_PORT|g" -e "s|@DATA@|$DATA|g" "$templates/cassandra.yaml" >"$CONF/cassandra.yaml"
  cp "$templates/logback.xml" "$CONF/logback.xml"
}

# cassandra_command [JVM flag...]: sets CMD, with the flags before the config's.
cassandra_command() {
  local -a opts jamm
  jamm=("$LIB"/jamm-*.jar)
  [[ -f ${jamm[0]} ]] || die "no jamm jar in $LIB (the -javaagent is mandatory)"
  mapfile -t opts < <(grep -vE '^[[:space:]]*(#|$)' "$ROOT/scripts/servers/cassandra/jvm.options")
  CMD=("$JAVA" "${opts[@]}" -javaagent:"${jamm[0]}" "$@"
    -Dcassandra.config="file://$CONF/cassandra.yaml" -Dlogback.configurationFile="$CONF/logback.xml"
    -Dcassandra-foreground=yes -Dcassandra.storagedir="$DATA" -Dcassandra.logdir="$ROOT/.cache/logs"
    -cp "$CONF:$LIB/*" org.apache.cassandra.service.CassandraDaemon)
}
