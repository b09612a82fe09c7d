# Shared by the auth variants (kafka-auth.sh, cassandra-auth.sh, nats-auth.sh, ferretdb-auth.sh): servers that require
# authentication, for the credential tests (`*.auth.int.test.ts`). Sourced after server-lib.sh or
# jvm-server.sh. Each runs beside the plain server of the same kind, on ports of its own, with its state in
# .cache/auth-servers/<kind> (AUTH_SERVERS_DIR to move it), and reuses that server's binaries read-only.
#
# The credentials are random, made on first use and kept in <state>/credentials (mode 0600): a line
# `name=value` each, values of [A-Za-z0-9] only, so servers.sh passes them on as KEY=value lines.

auth_dir() {
  DIR="${AUTH_SERVERS_DIR:-$ROOT/.cache/auth-servers}/$1"
  PIDFILE="$DIR/pid"
  LOCKFILE="$DIR/lock"
  CONF="$DIR/config"
  DATA="$DIR/data"
}

# The value of credential $1, made (24 random alphanumerics) when missing.
credential() {
  local file="$DIR/credentials" value
  mkdir -p "$DIR"
  [[ -f $file ]] || (umask 077 && : >"$file")
  value="$(sed -n "s/^$1=//p" "$file" | head -n1)"
  if [[ -z $value ]]; then
    value="$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
    echo "$1=$value" >>"$file"
  fi
  echo "$value"
}
