#!/usr/bin/env bash
# Writes the socket proxy's image build context into the folder $1: the esbuild bundle of main.ts (proxy.mjs),
# this folder's Dockerfile and drop-root.sh. Shared by scripts/openfaas/test-env.sh and scripts/stack/images.sh,
# which each build the image their own way.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: context.sh <folder>}
mkdir -p "$out"
(cd "$here/../.." && npx esbuild gateway-config/socket-proxy/main.ts --bundle --platform=node --format=esm \
  --target=node20 --log-level=error --outfile="$out/proxy.mjs")
cp "$here/Dockerfile" "$here/drop-root.sh" "$out/"
