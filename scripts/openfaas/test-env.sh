#!/usr/bin/env bash
# What the function containers need on the local swarm, for scripts/openfaas/functions.int.test.ts and for
# trying faas.yml by hand. The functions run on the overlay network of scripts/openfaas/up.sh, where the host's
# 127.0.0.1 servers are NOT reachable, so this runs small swarm services on that network (dnsrr: no IPVS here):
#   dash-test-mongo         FerretDB (.cache/bin/ferretdb, SQLite handler, MongoDB wire protocol) :27017
#   dash-test-nats          nats-server (Debian's binary) :4222, for permission-cache invalidations
#   dash-test-docker-proxy  the restricted Docker API proxy (gateway-config/socket-proxy) :2375
# and the Docker secrets faas.yml names: jwt-secret, mongo-url, admin-password, docker-api-token, nats-password,
# kafka-password, cassandra-password (values kept, 0600, in
# .cache/openfaas/test-env/). Images are made locally (docker import / docker build FROM local/node:20).
# Usage: test-env.sh up     idempotent; prints the FN_* variables for faas.yml and ADMIN_PASSWORD on stdout
#        test-env.sh down   removes the services and the secrets (remove the functions first)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
state="$root/.cache/openfaas/test-env"
NETWORK=${OPENFAAS_NETWORK:-openfaas-functions}
SERVICES=(dash-test-mongo dash-test-nats dash-test-docker-proxy)
SECRETS=(jwt-secret mongo-url admin-password docker-api-token nats-password kafka-password cassandra-password)
say() { echo "test-env: $*" >&2; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# import_image: a tiny image from binaries, rebuilt when they change.
. "$root/scripts/images/import-image.sh"

images() {
  local t0; t0=$(date +%s%N)
  [ -x "$root/.cache/bin/ferretdb" ] || bash "$root/scripts/servers/ferretdb.sh" start >/dev/null
  import_image 127.0.0.1:5000/dash-test-ferretdb:1 '["/usr/bin/ferretdb"]' "$root/.cache/bin/ferretdb:/usr/bin/ferretdb"
  command -v nats-server >/dev/null || bash "$root/scripts/apt-install.sh" nats-server
  local nats; nats=$(command -v nats-server)
  import_image 127.0.0.1:5000/dash-test-nats:1 '["/usr/sbin/nats-server"]' "$nats:/usr/sbin/nats-server" \
    /lib/x86_64-linux-gnu/libc.so.6:/lib/x86_64-linux-gnu/libc.so.6 /lib64/ld-linux-x86-64.so.2:/lib64/ld-linux-x86-64.so.2
  # The socket proxy: one esbuild bundle on the Node base image.
  local ctx; ctx=$(mktemp -d)
  bash "$root/gateway-config/socket-proxy/context.sh" "$ctx"
  local sum; sum=$(cat "$ctx/proxy.mjs" "$ctx/Dockerfile" "$ctx/drop-root.sh" | sha256sum | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "content.sha256"}}' 127.0.0.1:5000/docker-socket-proxy:0.1.0 2>/dev/null)" != "$sum" ]; then
    DOCKER_BUILDKIT=0 docker build -q --label "content.sha256=$sum" -t 127.0.0.1:5000/docker-socket-proxy:0.1.0 "$ctx" >/dev/null 2>&1
    say "127.0.0.1:5000/docker-socket-proxy:0.1.0 built"
  fi
  rm -rf "$ctx"
  say "images ready in $(ms_since "$t0") ms"
}

# NOTE: each secret carries a hash of its value as a label, so one made from another checkout's $state is
# noticed and made again from this one's; the services using it (ours; foreign functions are removed by the
# test before this runs) go first, since a secret in use cannot be removed.
secret() { # name, value file
  local want; want=$(sha256sum "$2" | cut -c1-64)
  if docker secret inspect "$1" >/dev/null 2>&1; then
    [ "$(docker secret inspect -f '{{index .Spec.Labels "dashboard.value-sha256"}}' "$1")" = "$want" ] && return 0
    say "secret $1 does not match $2: making it again"
    docker service rm "${SERVICES[@]}" >/dev/null 2>&1 || true
    for _ in $(seq 60); do docker secret rm "$1" >/dev/null 2>&1 && break; sleep 1; done
  fi
  docker secret create --label dashboard.test-env=true --label "dashboard.value-sha256=$want" "$1" "$2" >/dev/null
}

service() { # name, image, service options... [-- command arguments...]
  local name=$1 image=$2; shift 2
  local opts=() args=()
  while (($#)); do [ "$1" = -- ] && { shift; args=("$@"); break; }; opts+=("$1"); shift; done
  local id; id=$(docker image inspect -f '{{.Id}}' "$image")
  local hash; hash=$(printf '%s\n' "$id" "$@" | sha256sum | cut -c1-16)
  [ "$(docker service inspect -f '{{index .Spec.Labels "dashboard.spec-hash"}}' "$name" 2>/dev/null)" = "$hash" ] && return 0
  docker service rm "$name" >/dev/null 2>&1 && sleep 2 || true
  # NOTE: by image ID, so the swarm executor never asks a registry (see docs/openfaas.md).
  docker service create --detach --quiet --no-resolve-image --name "$name" --network "$NETWORK" --endpoint-mode dnsrr \
    --label dashboard.test-env=true --label "dashboard.spec-hash=$hash" "${opts[@]}" "$id" "${args[@]}" >/dev/null
  say "service $name created"
}

up() {
  mkdir -p "$state" && chmod 700 "$state"
  docker network inspect "$NETWORK" >/dev/null 2>&1 || { say "network $NETWORK missing: run scripts/openfaas/up.sh first"; exit 1; }
  images
  (umask 077
    [ -s "$state/jwt-secret" ] || head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$state/jwt-secret"
    [ -s "$state/admin-password" ] || head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$state/admin-password"
    [ -s "$state/docker-api-token" ] || head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$state/docker-api-token"
    # faas.yml mounts these on the functions; this NATS takes any user (no authorization block), and without
    # the event cluster (events-embedded.yml) no Kafka or Cassandra username is set, so they go unread.
    for s in nats-password kafka-password cassandra-password; do
      [ -s "$state/$s" ] || head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$state/$s"
    done
    printf 'mongodb://dash-test-mongo:27017/dashboard' >"$state/mongo-url")
  for s in "${SECRETS[@]}"; do secret "$s" "$state/$s"; done
  service dash-test-mongo 127.0.0.1:5000/dash-test-ferretdb:1 \
    --mount type=tmpfs,target=/data -- --listen-addr 0.0.0.0:27017 --data-dir /data --log-level warn
  service dash-test-nats 127.0.0.1:5000/dash-test-nats:1 -- -p 4222 -a 0.0.0.0
  service dash-test-docker-proxy 127.0.0.1:5000/docker-socket-proxy:0.1.0 --constraint node.role==manager \
    --mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock \
    --secret docker-api-token --env TOKEN_FILE=/run/secrets/docker-api-token \
    --env PROFILE=functions --env LISTEN=0.0.0.0:2375
  local t0 name; t0=$(date +%s%N)
  for name in "${SERVICES[@]}"; do
    until [ "$(docker service ls --filter "name=$name" --format '{{.Replicas}}')" = "1/1" ]; do
      if (( $(ms_since "$t0") > 90000 )); then docker service ps --no-trunc "$name" >&2; say "$name not running after 90 s"; exit 1; fi
      sleep 0.5
    done
  done
  say "services running ($(ms_since "$t0") ms)"
  echo "FN_NATS_URL=nats://dash-test-nats:4222"
  echo "FN_DOCKER_HOST=tcp://dash-test-docker-proxy:2375"
  echo "FN_EVENTS_ENV=faas-env/events-embedded.yml"
  echo "ADMIN_PASSWORD=$(cat "$state/admin-password")"
}

down() {
  docker service rm "${SERVICES[@]}" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    docker secret rm "${SECRETS[@]}" >/dev/null 2>&1 && break
    # A secret is in use until its tasks are gone (removal is asynchronous).
    docker secret ls -q --filter label=dashboard.test-env=true | grep -q . || break
    sleep 1
  done
  say "down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
