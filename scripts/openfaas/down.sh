#!/usr/bin/env bash
# Takes down what scripts/openfaas/up.sh brought up: every function service (label function=true and
# com.openfaas.function), the gateway and the provider. With --all, also the overlay network, the
# basic-auth secrets and the saved password. Idempotent; leaves the images and binaries in place.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
NETWORK=${OPENFAAS_NETWORK:-openfaas-functions}
all=0; [ "${1:-}" = "--all" ] && all=1

docker info >/dev/null 2>&1 || { echo "openfaas-down: no Docker engine answers; nothing to do" >&2; exit 0; }
mapfile -t functions < <(docker service ls -q --filter label=function=true --filter label=com.openfaas.function)
services=("${functions[@]}")
for s in openfaas-gateway openfaas-provider; do
  docker service inspect "$s" >/dev/null 2>&1 && services+=("$s")
done
if ((${#services[@]})); then
  echo "openfaas-down: removing ${#functions[@]} function(s), gateway and provider" >&2
  docker service rm "${services[@]}" >/dev/null
fi
if ((all)); then
  # The tasks must be gone before their network and secrets can be removed; removal is asynchronous.
  for _ in $(seq 1 60); do
    [ -z "$(docker ps -aq --filter label=com.docker.swarm.service.name=openfaas-gateway)$(docker ps -aq \
      --filter label=com.docker.swarm.service.name=openfaas-provider)$(docker ps -aq --filter label=com.openfaas.function)" ] && break
    sleep 1
  done
  docker secret rm basic-auth-user basic-auth-password >/dev/null 2>&1 || true
  rm -f "$root/.cache/openfaas/basic-auth-password"
  for _ in $(seq 1 30); do
    docker network inspect "$NETWORK" >/dev/null 2>&1 || break
    docker network rm "$NETWORK" >/dev/null 2>&1 || true
    sleep 1
  done
fi
echo "openfaas-down: done" >&2
