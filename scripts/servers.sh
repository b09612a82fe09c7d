#!/usr/bin/env bash
# Starts, stops or checks the real servers the integration tests use, each through its own script in
# scripts/servers/<name>.sh (same interface: start|stop|status|env).
#
#   bash scripts/servers.sh [start|stop|status|env] [name…]
#
# Names default to: ferretdb nats kafka cassandra (chromium only when named). The auth variants kafka-auth,
# cassandra-auth, nats-auth and ferretdb-auth (servers that require credentials, on ports of their own, state in
# .cache/auth-servers/, reusing the jars of kafka and cassandra) run only when named. `start` runs the scripts in
# parallel, and on success prints every server's KEY=value lines on stdout (and nothing else), so both of
# these work:
#   eval "$(npm run -s servers)"
#   set -a; . <(bash scripts/servers.sh start); set +a
# If one fails, stdout stays empty, the script names it, shows the end of .cache/logs/<name>.log on stderr
# and exits 1. `status` exits 0 only when all named servers are up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here="$root/scripts/servers"
default_names=(ferretdb nats kafka cassandra)

say() { echo "[servers] $*" >&2; }
usage() { echo "usage: $0 [start|stop|status|env] [name…]   (names: ${default_names[*]} chromium kafka-auth cassandra-auth nats-auth ferretdb-auth)" >&2; }

action=${1:-start}
[ $# -gt 0 ] && shift
case "$action" in
  start | stop | status | env) ;;
  -h | --help | help) usage; exit 0 ;;
  *) usage; exit 2 ;;
esac
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${default_names[@]}")

for name in "${names[@]}"; do
  if [[ ! "$name" =~ ^[a-z0-9-]+$ ]] || [ ! -f "$here/$name.sh" ]; then
    say "unknown server '$name': there is no scripts/servers/$name.sh"
    exit 2
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs one script; its stdout goes to $tmp/<name>.out, its exit code to $tmp/<name>.rc, its stderr through.
run_one() {
  local name=$1 rc=0
  bash "$here/$name.sh" "$action" >"$tmp/$name.out" </dev/null || rc=$?
  echo "$rc" >"$tmp/$name.rc"
}

# Keeps only KEY=value lines of a script's stdout (so the output stays safe to eval), warning about others.
env_lines() {
  local name=$1 line re='^[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9_.:/,@%+=~-]*$'
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ $re ]]; then
      echo "$line"
    elif [ -n "$line" ]; then
      say "ignored a line from $name.sh that is not KEY=value: $line"
    fi
  done <"$tmp/$name.out"
}

t0=$SECONDS
case "$action" in
  start | stop)
    # NOTE: in parallel: most of a start is waiting (JVM warm-up, readiness polls), which overlaps well even
    # on 2 cores. Each script serialises its own start/stop with a lock file.
    for name in "${names[@]}"; do run_one "$name" & done
    wait
    ;;
  status | env)
    for name in "${names[@]}"; do run_one "$name"; done
    ;;
esac

failed=()
for name in "${names[@]}"; do
  rc=$(cat "$tmp/$name.rc" 2>/dev/null || echo 1)
  [ "$rc" = 0 ] || failed+=("$name")
done

if [ "$action" = status ]; then
  if [ ${#failed[@]} -gt 0 ]; then say "down: ${failed[*]}"; exit 1; fi
  say "all up: ${names[*]}"
  exit 0
fi

if [ ${#failed[@]} -gt 0 ]; then
  for name in "${failed[@]}"; do
    say "$name failed to $action (exit $(cat "$tmp/$name.rc" 2>/dev/null || echo '?'))"
    log="$root/.cache/logs/$name.log"
    if [ -s "$log" ]; then
      say "last 30 lines of .cache/logs/$name.log:"
      tail -n 30 "$log" | sed "s/^/  $name| /" >&2
    fi
  done
  say "FAILED: ${failed[*]}"
  exit 1
fi

case "$action" in
  start | env)
    for name in "${names[@]}"; do env_lines "$name"; done
    [ "$action" = start ] && say "ready in $((SECONDS - t0)) s: ${names[*]}"
    ;;
  stop) say "stopped: ${names[*]}" ;;
esac
exit 0
