#!/usr/bin/env bash
# Fails when an image this project builds would run as root: its Config.User is empty, `root`, `0` or `0:<gid>`.
# Usage: check-image-users.sh [image…]   without arguments, every image the project builds that exists locally:
#   the stack images of stack-images.sh, the function images of faas.yml, the OpenFaaS images of
#   scripts/images/openfaas-images.sh and the socket proxy of test-env.sh.
# Run by stack-images.sh and build-images.sh after they build, so a root image never reaches a deploy.
#
# Exempt, by name (ROOT_ALLOWED, a regular expression): the two images whose only job is to hold the engine's
# socket, which is root:docker 0660 on the host; a swarm service cannot add the host's docker group to a
# non-root user (stack files have no group_add), so they start as root and drop to nobody with the socket's
# group: the provider once it has read its secrets (gateway-config/provider/privileges.go), the proxy in its
# entrypoint (gateway-config/socket-proxy/drop-root.sh); the OpenFaaS and proxy integration tests check the
# running process.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ROOT_ALLOWED=${ROOT_ALLOWED:-'/(openfaas-provider|docker-socket-proxy):'}

images=("$@")
if ((${#images[@]} == 0)); then
  REGISTRY=${REGISTRY:-127.0.0.1:5000} TAG=${TAG:-dev} EDGE_TAG=${EDGE_TAG:-2.11}
  FN_REGISTRY=${FN_REGISTRY:-127.0.0.1:5000} FN_TAG=${FN_TAG:-dev}
  images=("$REGISTRY/dashboard-edge:$EDGE_TAG" "$REGISTRY/dashboard-frontend:$TAG" "$REGISTRY/dashboard-relay:$TAG"
    "$REGISTRY/dashboard-worker:$TAG" "local/openfaas-gateway:${GATEWAY_TAG:-0.25-c07bebbbc9c2}"
    "local/openfaas-provider:${PROVIDER_TAG:-0.2.0}" "127.0.0.1:5000/docker-socket-proxy:${PROXY_TAG:-0.1.0}")
  while read -r name; do images+=("$FN_REGISTRY/dashboard-$name:$FN_TAG"); done < <(
    sed -n 's|^ *image: ${FN_REGISTRY:-[^}]*}/dashboard-\([a-z-]*\):.*|\1|p' "$root/faas.yml")
fi

bad=0 checked=0
for image in "${images[@]}"; do
  if ! user=$(docker image inspect -f '{{.Config.User}}' "$image" 2>/dev/null); then
    echo "check-image-users: $image not built here, skipped" >&2
    continue
  fi
  checked=$((checked + 1))
  name=${user%%:*}
  if [ -z "$name" ] || [ "$name" = root ] || [ "$name" = 0 ]; then
    if [[ "$image" =~ $ROOT_ALLOWED ]]; then
      echo "check-image-users: $image starts as root (exempt: it drops to nobody with the engine socket's group)" >&2
      continue
    fi
    echo "check-image-users: $image runs as root (User=\"$user\")" >&2
    bad=$((bad + 1))
  else
    echo "check-image-users: $image runs as $user" >&2
  fi
done
if ((bad > 0)); then
  echo "check-image-users: $bad image(s) run as root; set a non-root USER in the image" >&2
  exit 1
fi
echo "check-image-users: $checked image(s) checked, none runs as root" >&2
