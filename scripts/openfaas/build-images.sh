#!/usr/bin/env bash
# npm run build:images [names…] — the function images of faas.yml, built locally:
#   1. the base images (scripts/images/node-base.sh: local/node:20, local/openfaas-node:20, no watchdog);
#   2. npm run build:functions [names…]  → build/functions/<name>/ (bundle + native node_modules);
#   3. faas-cli build -f faas.yml         → one image per function from template/hono-node (FROM local/openfaas-node:20).
# Image names come from faas.yml (FN_REGISTRY, FN_TAG). Prints the time of each step and the image sizes.
# Env: PARALLEL (faas-cli build --parallel, default 2), SKIP_BUNDLES=1 (reuse build/functions).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
say() { echo "build-images: $*" >&2; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

t0=$(date +%s%N)
bash scripts/openfaas/install.sh >&2
bash scripts/images/node-base.sh >&2
say "base images and tools ready in $(ms_since "$t0") ms"

if [ "${SKIP_BUNDLES:-0}" != 1 ]; then
  t0=$(date +%s%N)
  npm run -s build:functions -- "$@" >&2
  say "bundles built in $(ms_since "$t0") ms"
fi

filter=()
if (($#)); then filter=(--regex "^($(IFS='|'; echo "$*"))\$"); fi
t0=$(date +%s%N)
log="$root/.cache/logs/build-images.log"
mkdir -p "$(dirname "$log")"
# NOTE: faas-cli copies each handler folder into ./build/<name>/function/ and runs docker build there.
if ! DOCKER_BUILDKIT=0 .cache/bin/faas-cli build -f faas.yml --parallel "${PARALLEL:-2}" "${filter[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  say "faas-cli build failed (log: $log)"
  exit 1
fi
say "faas-cli build in $(ms_since "$t0") ms (log: $log)"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '/dashboard-[a-z-]+:' | sort >&2 || true
# Every function image must run as its non-root user (template/hono-node: USER app).
images=()
while read -r name; do
  if ((${#filter[@]} == 0)) || [[ " $* " == *" $name "* ]]; then images+=("${FN_REGISTRY:-127.0.0.1:5000}/dashboard-$name:${FN_TAG:-dev}"); fi
done < <(sed -n 's|^ *image: ${FN_REGISTRY:-[^}]*}/dashboard-\([a-z-]*\):.*|\1|p' faas.yml)
bash scripts/openfaas/check-image-users.sh "${images[@]}"
