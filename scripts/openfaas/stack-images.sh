#!/usr/bin/env bash
# The images of stack.yml that this project builds besides the OpenFaaS ones, all made locally and tagged
# ${REGISTRY:-127.0.0.1:5000}/<name>:<tag>:
#   dashboard-edge:${EDGE_TAG:-2.11}   Caddy (.cache/bin/caddy, built from the Go module proxy) + CA bundle
#   dashboard-frontend:${TAG:-dev}     Caddy + frontend/dist (npm run build:frontend) in /srv
#   dashboard-relay:${TAG:-dev}        /app/relay.mjs on local/node:20 (esbuild bundle of relay/main.ts)
#   dashboard-worker:${TAG:-dev}       /app/producer.mjs, consumer.mjs, alerts.mjs, cassandra-init.mjs (workers/*/main.ts), same image
#   docker-socket-proxy:0.1.0          built by scripts/openfaas/test-env.sh (not repeated here)
# Caddy is built once (about 2–6 min on 2 cores) into .cache/bin/caddy; the rest takes seconds. It also
# checks both Caddyfiles with `caddy validate`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
REGISTRY=${REGISTRY:-127.0.0.1:5000}
TAG=${TAG:-dev}
EDGE_TAG=${EDGE_TAG:-2.11}
CADDY_VERSION=${CADDY_VERSION:-v2.11.9}
say() { echo "stack-images: $*" >&2; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

caddy="$root/.cache/bin/caddy"
if [ ! -x "$caddy" ] || ! "$caddy" version | grep -qF "$CADDY_VERSION"; then
  t0=$(date +%s%N)
  src="$root/.cache/caddy-build"
  mkdir -p "$src"
  printf 'package main\n\nimport (\n\tcaddycmd "github.com/caddyserver/caddy/v2/cmd"\n\n\t_ "github.com/caddyserver/caddy/v2/modules/standard"\n)\n\nfunc main() {\n\tcaddycmd.Main()\n}\n' >"$src/main.go"
  [ -f "$src/go.mod" ] || (cd "$src" && go mod init local/caddy >/dev/null 2>&1)
  (cd "$src" && go get "github.com/caddyserver/caddy/v2@$CADDY_VERSION" && go mod tidy \
    && CGO_ENABLED=0 nice -n 10 go build -buildvcs=false -trimpath -ldflags='-s -w' -o "$caddy" .) >&2
  say "caddy $CADDY_VERSION built in $(ms_since "$t0") ms"
fi
for f in gateway-config/Caddyfile gateway-config/frontend.Caddyfile; do
  DOMAIN=dashboard.example.com ACME_EMAIL=ops@example.com "$caddy" validate --config "$f" --adapter caddyfile >/dev/null 2>&1 \
    || { DOMAIN=dashboard.example.com "$caddy" validate --config "$f" --adapter caddyfile >&2; say "$f does not validate"; exit 1; }
  say "$f validates"
done

# Both Caddy images run as caddy (uid/gid 1000), owning only /data and /config (certificates, autosave); the
# binary and the site files stay root's and read-only to it. The edge binds 80 and 443: its binary carries the
# file capability cap_net_bind_service (as the official Caddy image's does), so the ports, the ACME challenges
# and the HTTP→HTTPS redirects stay as they are with no root and no other capability. The frontend listens on
# :8080 and gets no capability.
CADDY_UID=1000
caddy_image() { # image, bind low ports (yes|no), extra rootfs setup command
  local image=$1 low=$2 rootfs; rootfs=$(mktemp -d)
  mkdir -p "$rootfs/usr/bin" "$rootfs/etc/ssl/certs" "$rootfs/etc/caddy" "$rootfs/data" "$rootfs/config" "$rootfs/srv" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp "$caddy" "$rootfs/usr/bin/caddy"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  printf 'root:x:0:0:root:/:/sbin/nologin\ncaddy:x:%s:%s:caddy:/data:/sbin/nologin\n' $CADDY_UID $CADDY_UID >"$rootfs/etc/passwd"
  printf 'root:x:0:\ncaddy:x:%s:\n' $CADDY_UID >"$rootfs/etc/group"
  [ "$low" = yes ] && setcap cap_net_bind_service=+ep "$rootfs/usr/bin/caddy"
  [ -n "${3:-}" ] && eval "$3"
  # Owners are set in the archive, not on disk: root for everything but the two writable directories.
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 --xattrs --xattrs-include='security.capability' \
    --exclude=./data --exclude=./config -c . >"$rootfs.tar"
  tar -C "$rootfs" --numeric-owner --owner=$CADDY_UID --group=$CADDY_UID --no-recursion -rf "$rootfs.tar" ./data ./config
  docker import -c "USER $CADDY_UID:$CADDY_UID" -c 'ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data HOME=/data' \
    -c 'EXPOSE 80 443 8080' -c 'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]' - "$image" <"$rootfs.tar" >/dev/null
  rm -rf "$rootfs" "$rootfs.tar"
  say "$image imported (user $CADDY_UID, low ports: $low)"
}
caddy_image "$REGISTRY/dashboard-edge:$EDGE_TAG" yes
[ -f frontend/dist/index.html ] || npm run -s build:frontend >&2
caddy_image "$REGISTRY/dashboard-frontend:$TAG" no 'cp -r "$root/frontend/dist/." "$rootfs/srv/"'

# relay and workers: one bundle per process, the native modules build:functions already trimmed beside them.
[ -d build/functions/login/node_modules ] || npm run -s build:functions login >&2
ctx=$(mktemp -d)
t0=$(date +%s%N)
npx esbuild relay=relay/main.ts producer=workers/producer/main.ts consumer=workers/consumer/main.ts alerts=workers/alerts/main.ts \
  cassandra-init=workers/cassandra-init/main.ts \
  --bundle --splitting --format=esm --platform=node --target=node20 --minify --keep-names --log-level=error \
  --outdir="$ctx/app" --out-extension:.js=.mjs --chunk-names='chunks/[name]-[hash]' \
  --alias:ssh2=./scripts/openfaas/ssh2-stub.cjs \
  --external:@node-rs/argon2 --external:better-sqlite3 --external:kerberos --external:snappy \
  --external:@mongodb-js/zstd --external:mongodb-client-encryption --external:gcp-metadata --external:socks \
  --external:aws4 --external:@aws-sdk/credential-providers --external:lz4 --external:bufferutil --external:utf-8-validate \
  "--banner:js=import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
cp -r build/functions/login/node_modules "$ctx/app/node_modules"
say "relay and worker bundles in $(ms_since "$t0") ms ($(du -sh "$ctx/app" | cut -f1) with native modules)"
printf 'FROM local/node:20\nCOPY app/ /app/\nRUN useradd --system --uid 1000 --user-group --home-dir /tmp app \\\n && mkdir -p /data \\\n && chown app:app /data\nUSER app\nWORKDIR /app\nENV NODE_ENV=production\n' >"$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$REGISTRY/dashboard-relay:$TAG" "$ctx" >/dev/null 2>&1
docker tag "$REGISTRY/dashboard-relay:$TAG" "$REGISTRY/dashboard-worker:$TAG"
rm -rf "$ctx"
say "$REGISTRY/dashboard-relay:$TAG and dashboard-worker:$TAG built"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '/dashboard-(edge|frontend|relay|worker):' >&2
bash "$root/scripts/openfaas/check-image-users.sh" "$REGISTRY/dashboard-edge:$EDGE_TAG" "$REGISTRY/dashboard-frontend:$TAG" \
  "$REGISTRY/dashboard-relay:$TAG" "$REGISTRY/dashboard-worker:$TAG"
