#!/usr/bin/env bash
# A three-node Docker Swarm on this one machine, for the stack test (scripts/stack/stack.int.test.ts):
# three dockerd engines, each in its own network namespace behind a Linux bridge, its own data root, exec
# root, socket, hostname and mount namespace. The host's own engine and its swarm are never touched.
#
#   swarm.sh up            bridge, namespaces, engines, swarm (3 managers), node labels; idempotent
#   swarm.sh status        engines and nodes
#   swarm.sh down          everything `up` made, and nothing else
#   swarm.sh crash I       kill -9 node I: its dockerd, containerd, shims and every container process
#   swarm.sh start I       start node I's engine again (it rejoins by itself)
#   swarm.sh env           DOCKER_HOST_1..3 and the node addresses (KEY=value lines)
#
# Layout (all under .cache/stack/, ignored by git): nodes/nI (data root), run/nI.sock (the engine, for the
# host), run/nI.pid, logs/nI.log. Network: bridge br-dstk 10.233.0.1/24, namespaces dstk1..3 at
# 10.233.0.11..13, no default route (nothing leaves the bridge, and the swarm agent's image pulls fail at
# once instead of waiting on DNS). Knobs: STACK_NET (10.233.0), STACK_NS (dstk).
#
# Why every engine gets its own mount namespace with a private /run: stack.yml bind-mounts
# /var/run/docker.sock into the provider and the socket proxies. Those paths are resolved by the engine
# that runs the task; on a shared /run they would name the HOST's engine. Inside each node /run is a fresh
# tmpfs where that node's dockerd listens on /var/run/docker.sock, exactly as on a real node.
#
# Managers: all three. A swarm keeps its Raft quorum only with a majority of managers, so three managers
# survive the loss of any one node; and stack.yml puts the gateway, the provider, the socket proxy and the
# Swarm functions on managers (node.role == manager), so each node lost must leave managers to run them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ST="$ROOT/.cache/stack"
RUN="$ST/run"
NET=${STACK_NET:-10.233.0}
NS=${STACK_NS:-dstk}
BR="br-$NS"
N=3

say() { echo "swarm: $*" >&2; }
d() { local i=$1; shift; docker -H "unix://$RUN/n$i.sock" "$@"; }
ip_of() { echo "$NET.$((10 + $1))"; }
alive() { [ -s "$RUN/n$1.pid" ] && kill -0 "$(cat "$RUN/n$1.pid")" 2>/dev/null; }
answers() { d "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_engine() { # $1 = node number
  local i=$1
  alive "$i" && answers "$i" && return 0
  mkdir -p "$ST/nodes/n$i" "$RUN" "$ST/logs"
  rm -f "$RUN/n$i.sock"
  # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1: the swarm agent otherwise asks a registry for every task's image.
  # --iptables=false: the rules would land in this namespace only, and nothing here needs NAT. The default
  # bridge stays: `docker build` runs its RUN steps on it.
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid nohup nsenter --net="/run/netns/$NS$i" \
    unshare --uts --mount --propagation private sh -c "
      hostname node-$i
      mount -t tmpfs -o mode=0755 tmpfs /run
      exec dockerd --data-root '$ST/nodes/n$i' --exec-root /run/docker --pidfile '$RUN/n$i.pid' \
        -H unix:///var/run/docker.sock -H 'unix://$RUN/n$i.sock' --iptables=false \
        --log-opt max-size=10m --log-opt max-file=2" >>"$ST/logs/n$i.log" 2>&1 </dev/null &
  local t=0
  until answers "$i"; do
    sleep 0.2; t=$((t + 1))
    [ $t -lt 300 ] || { tail -20 "$ST/logs/n$i.log" >&2; say "node-$i's dockerd did not start"; exit 1; }
  done
}

network_up() {
  touch "$RUN/created"
  for x in "link:$BR" $(for i in $(seq 1 $N); do echo "netns:$NS$i link:v$NS$i"; done); do
    if { [ "${x%%:*}" = netns ] && [ -e "/run/netns/${x#*:}" ]; } || { [ "${x%%:*}" = link ] && ip link show "${x#*:}" >/dev/null 2>&1; }; then
      grep -qx "$x" "$RUN/created" || { say "$x exists but was not made by this script (set STACK_NS/STACK_NET)"; exit 1; }
    fi
  done
  if ! ip link show "$BR" >/dev/null 2>&1; then
    echo "link:$BR" >>"$RUN/created"
    ip link add "$BR" type bridge && ip addr add "$NET.1/24" dev "$BR"
  fi
  ip link set "$BR" up
  for i in $(seq 1 $N); do
    [ -e "/run/netns/$NS$i" ] || { echo "netns:$NS$i" >>"$RUN/created"; ip netns add "$NS$i"; }
    if ! ip -n "$NS$i" link show eth0 >/dev/null 2>&1; then
      echo "link:v$NS$i" >>"$RUN/created"
      ip link add "v$NS$i" type veth peer name "e$NS$i"
      ip link set "v$NS$i" master "$BR" up
      ip link set "e$NS$i" netns "$NS$i"
      ip -n "$NS$i" link set "e$NS$i" name eth0
      ip -n "$NS$i" addr add "$(ip_of "$i")/24" dev eth0
      ip -n "$NS$i" link set eth0 up
      ip -n "$NS$i" link set lo up
    fi
  done
}

cmd_up() {
  [ "$(id -u)" = 0 ] || { say "run as root"; exit 1; }
  for c in dockerd docker ip nsenter unshare; do command -v $c >/dev/null || { say "missing $c"; exit 1; }; done
  mkdir -p "$RUN" "$ST/logs"
  local t0=$SECONDS
  network_up
  for i in $(seq 1 $N); do start_engine "$i"; done
  if [ "$(d 1 info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    d 1 swarm init --advertise-addr "$(ip_of 1)" >/dev/null
  fi
  local tok; tok=$(d 1 swarm join-token -q manager)
  for i in $(seq 2 $N); do
    [ "$(d "$i" info --format '{{.Swarm.LocalNodeState}}')" = active ] ||
      d "$i" swarm join --token "$tok" --advertise-addr "$(ip_of "$i")" "$(ip_of 1):2377" >/dev/null
  done
  # The labels docs/deploy.md gives a real swarm: each stateful member pinned to one node; the edge on
  # node-1 only (the test's clients use node-1's address, as DNS would).
  for i in $(seq 1 $N); do
    local labels=(--label-add "dashboard.kafka=$i" --label-add "dashboard.cassandra=$i" --label-add "dashboard.mongo=$i")
    [ "$i" = 1 ] && labels+=(--label-add dashboard.edge=true)
    d 1 node update "${labels[@]}" "node-$i" >/dev/null
  done
  say "three managers up in $((SECONDS - t0)) s"
}

cmd_status() {
  for i in $(seq 1 $N); do
    if alive "$i"; then echo "node-$i: dockerd pid $(cat "$RUN/n$i.pid"), swarm $(d "$i" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)"
    else echo "node-$i: not running"; fi
  done
  for i in $(seq 1 $N); do alive "$i" && d "$i" node ls 2>/dev/null && break; done || true
}

# Every process of node I: those in its engine's mount namespace (dockerd, containerd, the shims) and those
# in the cgroups of its containers.
node_pids() {
  local i=$1 mnt p id
  alive "$i" || return 0
  mnt=$(readlink "/proc/$(cat "$RUN/n$i.pid")/ns/mnt")
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mnt" ] && echo "${p#/proc/}"
  done
  for id in $(ls "$ST/nodes/n$i/containers" 2>/dev/null); do
    [[ $id =~ ^[0-9a-f]{64}$ ]] || continue
    for p in $(cat /sys/fs/cgroup/pids/docker/"$id"/cgroup.procs 2>/dev/null); do echo "$p"; done
  done
}

cmd_crash() {
  local i=${1:?node number}
  alive "$i" || { say "node-$i is not running"; return 0; }
  local pids; pids=$(node_pids "$i" | sort -u | tr '\n' ' ')
  # shellcheck disable=SC2086
  kill -9 $pids 2>/dev/null || true
  say "node-$i crashed (kill -9 of $(echo "$pids" | wc -w) processes)"
}

cmd_down() {
  local i pid
  for i in $(seq 1 $N); do
    alive "$i" || continue
    d "$i" swarm leave --force >/dev/null 2>&1 || true
  done
  # A node's containers, shims and engine are all in its mount namespace or its containers' cgroups:
  # stop the engine politely first, then kill what is left of that node, by pid.
  for i in $(seq 1 $N); do
    alive "$i" || continue
    d "$i" rm -f $(d "$i" ps -aq) >/dev/null 2>&1 || true
    pid=$(cat "$RUN/n$i.pid")
    local rest; rest=$(node_pids "$i" | sort -u | tr '\n' ' ')
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    # shellcheck disable=SC2086
    kill -9 $rest 2>/dev/null || true
  done
  # The private mount namespaces die with their last process; what the host may still hold is its own.
  for x in $(tac "$RUN/created" 2>/dev/null || true); do
    case $x in
      netns:*) if [ -e "/run/netns/${x#netns:}" ]; then ip netns del "${x#netns:}"; fi ;;
      link:*) if ip link show "${x#link:}" >/dev/null 2>&1; then ip link del "${x#link:}"; fi ;;
    esac
  done
  rm -f "$RUN/created" "$RUN"/n*.sock "$RUN"/n*.pid
  # NOTE: the data roots are kept unless PURGE=1: the images imported into them are the slow part to redo.
  if [ "${PURGE:-0}" = 1 ]; then
    findmnt -rn -o TARGET | grep -q "^$ST/nodes/" && { say "mounts left under $ST/nodes, not purging"; exit 1; }
    rm -rf "$ST/nodes"
  fi
  say "down"
}

cmd_env() {
  for i in $(seq 1 $N); do echo "DOCKER_HOST_$i=unix://$RUN/n$i.sock"; echo "NODE_ADDR_$i=$(ip_of "$i")"; done
}

case ${1:-} in
  up) cmd_up ;;
  status) cmd_status ;;
  down) cmd_down ;;
  crash) cmd_crash "${2:-}" ;;
  start) start_engine "${2:?node number}"; say "node-$2's engine answers" ;;
  env) cmd_env ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
