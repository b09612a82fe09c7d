#!/usr/bin/env bash
# Brings up a local Docker engine and a single-node swarm, idempotently, on a fresh Debian machine
# (README, "Test it"). Also imports the small local images the tests and benchmarks use, because
# no registry can be reached.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log_dir="$root/.cache/logs"; mkdir -p "$log_dir"

bash "$root/scripts/apt-install.sh" docker.io busybox-static iproute2

# After a crash (kill -9) dockerd restarts its containerd, which can time out while it reattaches the
# running containers on a busy machine; dockerd then exits. Give each start 90 s, and try three times.
# Only the host's engine counts (its pidfile, or the process started here): the stack test's node engines are
# dockerd processes too.
host_dockerd() { [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }
for attempt in 1 2 3; do
  docker info >/dev/null 2>&1 && break
  started=
  if ! host_dockerd; then
    echo "swarm-local: starting dockerd (attempt $attempt, log: $log_dir/dockerd.log)" >&2
    # NOTE: no iptables/bridge on these machines; swarm overlay networks still work.
    nohup dockerd --iptables=false --bridge=none >>"$log_dir/dockerd.log" 2>&1 &
    started=$!
  fi
  for _ in $(seq 1 180); do
    docker info >/dev/null 2>&1 && break
    if [ -n "$started" ]; then kill -0 "$started" 2>/dev/null || break; else host_dockerd || break; fi
    sleep 0.5
  done
done
docker info >/dev/null 2>&1 || { echo "swarm-local: dockerd did not answer; see $log_dir/dockerd.log" >&2; exit 1; }

state=$(docker info --format '{{.Swarm.LocalNodeState}}')
if [ "$state" != "active" ]; then
  echo "swarm-local: docker swarm init" >&2
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

if ! docker image inspect local/busybox:1 >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  mkdir -p "$tmp/bin"; cp /bin/busybox "$tmp/bin/"
  for c in sh sleep httpd echo cat ls true false; do ln -sf busybox "$tmp/bin/$c"; done
  tar -C "$tmp" -c . | docker import - local/busybox:1 >/dev/null
  rm -rf "$tmp"
fi
echo "swarm-local: engine $(docker version --format '{{.Server.Version}}') swarm active, image local/busybox:1 ready" >&2
