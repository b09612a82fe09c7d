#!/usr/bin/env bash
# npm test: brings up everything the tests need on a fresh Debian machine (Docker engine and swarm,
# FerretDB, NATS, Kafka, Cassandra, Chromium, and the Kafka, Cassandra and NATS that require credentials;
# installed and cached under .cache/), then runs the
# type check, the unit tests and the integration tests against the real servers.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "dependencies"
[ -d node_modules/hono ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund

step "docker engine and swarm"
bash scripts/swarm-local.sh

step "servers"
set -a
# shellcheck disable=SC1090
. <(bash scripts/servers.sh start ferretdb nats kafka cassandra chromium kafka-auth cassandra-auth nats-auth ferretdb-auth)
set +a
# NOTE: the *_AUTH_PASSWORD values are the auth servers' random test passwords; they stay out of the CI log.
env | grep -E '^(MONGO_URL|NATS_URL|KAFKA_BROKERS|CASSANDRA_CONTACT_POINTS|CHROMIUM_PATH|[A-Z]+_AUTH_[A-Z_]+)=' | grep -v '_PASSWORD=' | sort

step "type check"
npx tsc --noEmit -p .
npx tsc --noEmit -p frontend

step "layers (the nevers)"
node --import tsx scripts/check-layers.ts

step "frontend build"
npm run -s build:frontend

status=0
step "unit tests"
node --import tsx scripts/run-tests.ts --unit --jobs 2 || status=1

step "go tests"
npm run -s test:go || status=1

step "integration tests"
# One at a time: they share the engine and the servers, and the fault test kills them.
node --import tsx scripts/run-tests.ts --int --jobs 1 || status=1

step "done"
exit $status
