# Shared by nats.sh and nats-auth.sh (sourced after server-lib.sh, with port and monitor_port set).

# nats_ready GLOB: the client port greets with an INFO line matching GLOB, and the monitoring port's /healthz
# says ok (JetStream ready).
nats_ready() {
  local line reply
  line=$(exec 3<>"/dev/tcp/$HOST/$port" && timeout 2 head -n 1 <&3) || return 1
  # shellcheck disable=SC2053 # GLOB is a pattern on purpose
  [[ "$line" == $1 ]] || return 1
  reply=$(exec 3<>"/dev/tcp/$HOST/$monitor_port" &&
    printf 'GET /healthz HTTP/1.0\r\nHost: %s\r\n\r\n' "$HOST" >&3 && timeout 2 cat <&3) || return 1
  [[ "$reply" == "HTTP/1.0 200"* || "$reply" == "HTTP/1.1 200"* ]]
} 2>/dev/null
