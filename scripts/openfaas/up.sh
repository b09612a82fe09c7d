#!/usr/bin/env bash
# Brings up OpenFaaS on the local swarm, idempotently: the gateway and our swarm-provider as swarm services
# on an attachable overlay network labelled openfaas=true (the network functions are deployed to), basic
# auth from swarm secrets (checked by the provider at /validate, the gateway's auth_proxy_url), the gateway
# published in host mode on $OPENFAAS_PORT (default 31112).
# Prints `export OPENFAAS_URL=...` on stdout; the admin password is in .cache/openfaas/basic-auth-password
# and faas-cli is logged in with its config in .cache/openfaas/faas-cli (OPENFAAS_CONFIG, printed too).
# Steps: scripts/swarm-local.sh, scripts/openfaas/install.sh, scripts/images/*.sh (all idempotent).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
state="$root/.cache/openfaas"
mkdir -p "$state"
PORT=${OPENFAAS_PORT:-31112}
NETWORK=${OPENFAAS_NETWORK:-openfaas-functions}
GATEWAY_TAG=${GATEWAY_TAG:-0.25-c07bebbbc9c2}
PROVIDER_TAG=${PROVIDER_TAG:-0.2.0}
DOCKER_API_VERSION_FOR_PROVIDER=${PROVIDER_DOCKER_API_VERSION:-1.41}
say() { echo "openfaas-up: $*" >&2; }

bash "$root/scripts/swarm-local.sh"
bash "$here/install.sh"
bash "$root/scripts/images/node-base.sh"
GATEWAY_TAG=$GATEWAY_TAG PROVIDER_TAG=$PROVIDER_TAG bash "$root/scripts/images/openfaas-images.sh"

if ! docker network inspect "$NETWORK" >/dev/null 2>&1; then
  say "creating overlay network $NETWORK (attachable, label openfaas=true)"
  docker network create --driver overlay --attachable --label openfaas=true "$NETWORK" >/dev/null
fi

# Basic auth: the password lives only in the swarm secret and in $state (0600). The secret carries a hash of
# the password as a label, so a secret made from another checkout's file (another .cache) is noticed; it and
# the services using it are then made again from this checkout's file (or a new one if the file was lost).
pw_file="$state/basic-auth-password"
if [ ! -s "$pw_file" ]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$pw_file")
fi
pw_hash=$(sha256sum "$pw_file" | cut -c1-64)
if docker secret inspect basic-auth-password >/dev/null 2>&1 &&
  [ "$(docker secret inspect -f '{{index .Spec.Labels "openfaas.password-sha256"}}' basic-auth-password)" != "$pw_hash" ]; then
  say "the basic-auth secrets do not match $pw_file: recreating them"
  docker service rm openfaas-gateway openfaas-provider >/dev/null 2>&1 || true
  for _ in $(seq 30); do docker secret rm basic-auth-user basic-auth-password >/dev/null 2>&1 && break; sleep 1; done
fi
if ! docker secret inspect basic-auth-user >/dev/null 2>&1; then
  printf admin | docker secret create --label openfaas=true basic-auth-user - >/dev/null
fi
if ! docker secret inspect basic-auth-password >/dev/null 2>&1; then
  docker secret create --label openfaas=true --label "openfaas.password-sha256=$pw_hash" basic-auth-password "$pw_file" >/dev/null
fi

# NOTE: services are created by image ID: the swarm executor skips the registry pull only for an image ID
# (or a digest present locally); a name like local/x:1 would make every task start try docker.io first.
ensure_service() { # name, image, args...
  local name=$1 image=$2; shift 2
  local id; id=$(docker image inspect -f '{{.Id}}' "$image")
  local hash; hash=$(printf '%s\n' "$id" "$@" | sha256sum | cut -c1-16)
  if [ "$(docker service inspect -f '{{index .Spec.Labels "openfaas.spec-hash"}}' "$name" 2>/dev/null)" = "$hash" ]; then
    return 0
  fi
  docker service rm "$name" >/dev/null 2>&1 && sleep 2 || true
  say "creating service $name from $image ($id)"
  docker service create --detach --quiet --no-resolve-image --name "$name" \
    --label openfaas=true --label "com.openfaas.image=$image" --label "openfaas.spec-hash=$hash" "$@" "$id" >/dev/null
}

ensure_service openfaas-provider "local/openfaas-provider:$PROVIDER_TAG" \
  --network "$NETWORK" --endpoint-mode dnsrr --constraint node.role==manager \
  --mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock \
  --secret basic-auth-user --secret basic-auth-password \
  --env DOCKER_API_VERSION="$DOCKER_API_VERSION_FOR_PROVIDER" --env network="$NETWORK" \
  --env basic_auth=true --env secret_mount_path=/run/secrets/ \
  --env read_timeout=65s --env write_timeout=65s --env resolve_local_images=false

# NOTE: scale_from_zero=false: this gateway build asks the provider for the function's status on every
# invocation while the function has replicas (it caches only answers with none, scaling/function_scaler.go),
# which was most of the gateway path's time. The dashboard's functions never scale to zero (scale.min >= 1).
ensure_service openfaas-gateway "local/openfaas-gateway:$GATEWAY_TAG" \
  --network "$NETWORK" --endpoint-mode dnsrr \
  --publish mode=host,target=8080,published="$PORT",protocol=tcp \
  --secret basic-auth-user --secret basic-auth-password \
  --env functions_provider_url=http://openfaas-provider:8080/ --env direct_functions=false \
  --env auth_proxy_url=http://openfaas-provider:8080/validate --env auth_proxy_pass_body=false \
  --env faas_prometheus_host=openfaas-provider --env faas_prometheus_port=8080 \
  --env basic_auth=true --env secret_mount_path=/run/secrets/ --env scale_from_zero=false \
  --env read_timeout=65s --env write_timeout=65s --env upstream_timeout=60s

url="http://127.0.0.1:$PORT"
t0=$(date +%s)
until curl -fsS -u "admin:$(cat "$pw_file")" "$url/system/info" >/dev/null 2>&1; do
  if (( $(date +%s) - t0 > 90 )); then
    say "gateway did not answer on $url within 90 s"
    docker service ps --no-trunc openfaas-gateway openfaas-provider >&2 || true
    docker service logs --tail 20 openfaas-gateway >&2 || true
    docker service logs --tail 20 openfaas-provider >&2 || true
    exit 1
  fi
  sleep 1
done
# NOTE: faas-cli's login goes to this checkout's own config, not ~/.openfaas, which every checkout on the machine
# shares: another checkout's up.sh (another password) would otherwise log this one's faas-cli out.
export OPENFAAS_CONFIG="${OPENFAAS_CONFIG:-$state/faas-cli}"
"$root/.cache/bin/faas-cli" login --gateway "$url" --username admin --password-stdin <"$pw_file" >/dev/null
say "gateway $url up ($(curl -fsS -u "admin:$(cat "$pw_file")" "$url/system/info"))"
echo "export OPENFAAS_URL=$url"
echo "export OPENFAAS_CONFIG=$OPENFAAS_CONFIG"
