#!/usr/bin/env bash
# npm run test:stack — the whole stack on a three-node swarm on this machine, and a node lost (issue 12):
#   1. scripts/stack/swarm.sh up        three managers in network namespaces
#   2. scripts/stack/images.sh build    every image, built locally, in every node's engine
#   3. scripts/stack/deploy.sh up       docker stack deploy -c stack.yml -c scripts/stack/stack.local.yml,
#                                       faas-cli deploy -f faas.yml, HTTPS through the edge (local CA)
#   4. scripts/stack/contract.e2e.ts    the end-to-end contract suite through the edge
#   5. scripts/stack/node-loss.e2e.ts   node-3 crashed under load, then list-services scaled 1→4 under load
#   6. scripts/stack/deploy.sh down, scripts/stack/swarm.sh down (STACK_KEEP=1 leaves it all running)
# Prints the time of each step, the figures (also in .cache/stack/figures.json), and ends with the plain line
# "N passed, M failed" over every test (a step that fails before its tests counts as one failed test).
# Heavy steps wait while the load average is above STACK_MAX_LOAD (default 3): the machine is shared.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
ST="$ROOT/.cache/stack"
mkdir -p "$ST" "$ROOT/.cache/logs"
started=$SECONDS
passed=0
failed=0
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))"; }
finish() {
  if [ "${STACK_KEEP:-0}" != 1 ]; then
    step "tear down"
    bash scripts/stack/deploy.sh down || true
    bash scripts/stack/swarm.sh down || true
  fi
  step "done"
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
  exit $?
}
wait_load() {
  local max=${STACK_MAX_LOAD:-3} waited=0
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$max" 'BEGIN { exit !(l > m) }'; do
    ((waited == 0)) && echo "load $(cut -d' ' -f1 /proc/loadavg) > $max: waiting before $1"
    sleep 10; waited=$((waited + 10))
    ((waited < ${STACK_LOAD_WAIT_MAX:-1800})) || { echo "load still high after $waited s: going on"; break; }
  done
  ((waited == 0)) || echo "waited $waited s for the load"
}
# A step that must succeed for the rest to make sense: counted as one test.
must() { # title, command...
  local title=$1 t0=$SECONDS; shift
  if "$@"; then
    echo "ok   $title ($((SECONDS - t0)) s)"; passed=$((passed + 1))
  else
    echo "FAIL $title ($((SECONDS - t0)) s)"; failed=$((failed + 1)); finish
  fi
}
# A uvu test file: its own passed/failed counts.
uvu_file() { # file
  local out t0=$SECONDS
  out=$(mktemp)
  NODE_EXTRA_CA_CERTS=$STACK_CA node --import tsx --import ./scripts/stack/resolve.ts "$1" 2>&1 | tee "$out"
  local clean; clean=$(sed 's/\x1b\[[0-9;]*m//g' "$out")
  local total pass
  total=$(echo "$clean" | awk '/Total:/ {print $2}' | tail -1)
  pass=$(echo "$clean" | awk '/Passed:/ {print $2}' | tail -1)
  if [ -z "$total" ]; then
    echo "FAIL $1 did not finish ($((SECONDS - t0)) s)"; failed=$((failed + 1))
  else
    passed=$((passed + pass)); failed=$((failed + total - pass))
    echo "$1: $pass/$total in $((SECONDS - t0)) s"
  fi
  rm -f "$out"
}

step "three-node swarm"
must "swarm up (three managers)" bash scripts/stack/swarm.sh up

step "images"
wait_load "the image build"
t0=$SECONDS
must "every image built and on every node" bash scripts/stack/images.sh build
echo "images: $((SECONDS - t0)) s"

step "deploy"
wait_load "the deploy"
t0=$SECONDS
must "stack deployed, functions deployed, HTTPS through the edge" bash scripts/stack/deploy.sh up
echo "deploy: $((SECONDS - t0)) s"
set -a
# shellcheck disable=SC1091
. "$ST/stack.env"
set +a

step "contract suite through the edge"
uvu_file scripts/stack/contract.e2e.ts

step "node loss and scaling under load"
wait_load "the load test"
uvu_file scripts/stack/node-loss.e2e.ts

finish
