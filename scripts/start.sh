#!/usr/bin/env bash
# npm start: local mode in one process. Installs dependencies and builds the SPA on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/hono ] || npm ci --no-audit --no-fund
if [ -f frontend/index.html ] && { [ ! -f frontend/dist/index.html ] || [ -n "$(find frontend/src frontend/index.html -newer frontend/dist/index.html -print -quit 2>/dev/null)" ]; }; then
  npm run -s build:frontend >&2
fi
exec node --import tsx local/main.ts
