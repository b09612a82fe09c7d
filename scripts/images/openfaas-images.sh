#!/usr/bin/env bash
# Images for the OpenFaaS control plane, from the static binaries in .cache/bin (scripts/openfaas/install.sh):
#   local/openfaas-gateway:$GATEWAY_TAG    the gateway, user nobody, port 8080 (metrics 8082)
#   local/openfaas-provider:$PROVIDER_TAG  our swarm-provider (gateway-config/provider), starts as root and drops to nobody with the Docker socket's group, port 8080
# Each is a tiny rootfs (the binary, CA certificates, /etc/passwd, /tmp) put in with `docker import`.
# Idempotent: rebuilt only when the binary changed (its sha256 is kept as an image label).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.cache/bin"
GATEWAY_TAG=${GATEWAY_TAG:-0.25-c07bebbbc9c2}
PROVIDER_TAG=${PROVIDER_TAG:-0.2.0}

image_from_binary() { # image, binary, user, extra `docker import -c` changes...
  local image=$1 binary=$2 user=$3; shift 3
  [ -x "$bin/$binary" ] || { echo "openfaas-images: $bin/$binary missing: run scripts/openfaas/install.sh" >&2; exit 1; }
  local sum; sum=$(sha256sum "$bin/$binary" | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "binary.sha256"}}' "$image" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  local rootfs; rootfs=$(mktemp -d)
  mkdir -p "$rootfs/usr/bin" "$rootfs/etc/ssl/certs" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp "$bin/$binary" "$rootfs/usr/bin/$binary"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  local t0; t0=$(date +%s%N)
  tar -C "$rootfs" --owner=0 --group=0 -c . | docker import \
    -c "USER $user" -c 'WORKDIR /tmp' -c 'EXPOSE 8080' -c "LABEL binary.sha256=$sum" \
    -c "ENTRYPOINT [\"/usr/bin/$binary\"]" "$@" - "$image" >/dev/null
  rm -rf "$rootfs"
  echo "openfaas-images: $image imported in $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
}

image_from_binary "local/openfaas-gateway:$GATEWAY_TAG" openfaas-gateway 65534:65534
image_from_binary "local/openfaas-provider:$PROVIDER_TAG" swarm-provider 0:0
# NOTE: the same images under a loopback registry prefix, for `docker stack deploy`: the swarm executor's
# pull of 127.0.0.1:5000/… fails at once (connection refused) and the task runs from the local image,
# where a plain local/… name would first look up docker.io.
docker tag "local/openfaas-gateway:$GATEWAY_TAG" "127.0.0.1:5000/openfaas-gateway:$GATEWAY_TAG"
docker tag "local/openfaas-provider:$PROVIDER_TAG" "127.0.0.1:5000/openfaas-provider:$PROVIDER_TAG"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^local/openfaas-(gateway|provider):' >&2
