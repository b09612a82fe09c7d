#!/usr/bin/env bash
# Builds the local base images the OpenFaaS functions run on, without any container registry:
#   local/node:20             Debian trixie minbase + nodejs (20.x) + ca-certificates, via debootstrap + docker import
#   local/openfaas-node:20    local/node:20 + non-root user `app` (Dockerfile.openfaas-node); no watchdog: each
#                             function's Node process is the OpenFaaS workload itself
# Idempotent: local/node:20 is kept once it exists (FORCE=1 rebuilds both); local/openfaas-node:20 is rebuilt
# only when Dockerfile.openfaas-node changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/images"
cache="$root/.cache"
mkdir -p "$cache/logs" "$cache/images"
log="$cache/logs/images.log"

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# The Debian mirror apt already uses on this machine (deb822 `URIs:` or one-line `deb URL suite`).
debian_mirror() {
  local url=''
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    url=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$url" ]; then
    url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $i !~ /security/) { print $i; exit } }')
  fi
  [ -n "$url" ] || { echo "node-base: no Debian mirror found in /etc/apt/sources.list{,.d}" >&2; exit 1; }
  echo "$url"
}

[ "${FORCE:-0}" = 1 ] && docker image rm -f local/openfaas-node:20 local/node:20 >/dev/null 2>&1 || true

if ! have_image local/node:20; then
  command -v debootstrap >/dev/null || {
    bash "$root/scripts/apt-install.sh" debootstrap
  }
  mirror=$(debian_mirror)
  rootfs="$cache/images/node20-rootfs"
  rm -rf "$rootfs"
  echo "node-base: debootstrap trixie from $mirror (log: $log)" >&2
  t0=$(date +%s%N)
  debootstrap --variant=minbase --include=nodejs,ca-certificates trixie "$rootfs" "$mirror" >>"$log" 2>&1
  # NOTE: trim what a runtime image never needs (apt caches, docs, man pages, locales).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  echo "node-base: debootstrap took $(ms_since "$t0") ms" >&2
  t0=$(date +%s%N)
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["node"]' - local/node:20 >/dev/null
  echo "node-base: docker import took $(ms_since "$t0") ms" >&2
  rm -rf "$rootfs"
fi
echo "node-base: local/node:20 has node $(docker run --rm --network none local/node:20 node --version)" >&2

sum=$(sha256sum "$here/Dockerfile.openfaas-node" | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "dockerfile.sha256"}}' local/openfaas-node:20 2>/dev/null)" != "$sum" ]; then
  ctx=$(mktemp -d)
  cp "$here/Dockerfile.openfaas-node" "$ctx/Dockerfile"
  t0=$(date +%s%N)
  DOCKER_BUILDKIT=0 docker build -q --label "dockerfile.sha256=$sum" -t local/openfaas-node:20 "$ctx" >>"$log" 2>&1
  echo "node-base: local/openfaas-node:20 built in $(ms_since "$t0") ms" >&2
  rm -rf "$ctx"
fi
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^local/(node|openfaas-node):20 ' >&2
