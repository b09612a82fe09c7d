#!/usr/bin/env bash
# End-to-end check of the OpenFaaS path on the local swarm, with timings:
# up.sh → `faas-cli build` of a function from template/hono-node (its starter index.mjs) → `faas-cli deploy`
# → `faas-cli invoke` through the gateway → 401 with a wrong password → POST /system/scale-function to 2
# (the first task keeps running) → back to 1 → `faas-cli remove`. Exits non-zero on the first failure and
# always removes its function. Leaves the gateway and provider up (idle); scripts/openfaas/down.sh stops them.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fn=${SMOKE_FUNCTION:-openfaas-smoke}
work="$root/.cache/openfaas-smoke"
cli="$root/.cache/bin/faas-cli"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
fail() { echo "openfaas-smoke: FAIL: $*" >&2; exit 1; }

eval "$(bash scripts/openfaas/up.sh)"
pw=$(cat .cache/openfaas/basic-auth-password)
rm -rf "$work" && mkdir -p "$work/$fn"
cp template/hono-node/function/index.mjs "$work/$fn/index.mjs"
cat >"$work/faas.yml" <<EOF
version: 1.0
provider:
  name: openfaas
  gateway: $OPENFAAS_URL
functions:
  $fn:
    lang: hono-node
    handler: ./.cache/openfaas-smoke/$fn
    image: 127.0.0.1:5000/$fn:latest
    labels:
      com.openfaas.scale.min: "1"
      com.openfaas.scale.max: "3"
    limits:
      memory: 128m
EOF
cleanup() { "$cli" remove -f "$work/faas.yml" >/dev/null 2>&1 || true; }
trap cleanup EXIT

t0=$(date +%s%N)
"$cli" build -f "$work/faas.yml" >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; fail "faas-cli build"; }
echo "openfaas-smoke: faas-cli build $(ms "$t0") ms, image $(docker image ls --format '{{.Size}}' "127.0.0.1:5000/$fn:latest")" >&2

t0=$(date +%s%N)
"$cli" deploy -f "$work/faas.yml" >"$work/deploy.log" 2>&1 || { cat "$work/deploy.log" >&2; fail "faas-cli deploy"; }
for _ in $(seq 1 240); do
  out=$("$cli" invoke -f "$work/faas.yml" "$fn" </dev/null 2>/dev/null) && break
  sleep 0.25
done
echo "$out" | grep -q '"ok":true' || fail "invoke answered: ${out:-nothing}"
echo "openfaas-smoke: deploy → first answer from faas-cli invoke $(ms "$t0") ms: $out" >&2

code=$(curl -s -o /dev/null -w '%{http_code}' -u admin:wrong "$OPENFAAS_URL/system/functions")
[ "$code" = 401 ] || fail "wrong password got $code, not 401"
code=$(curl -s -o /dev/null -w '%{http_code}' "$OPENFAAS_URL/function/no-such-function-$$")
[ "$code" = 404 ] || fail "unknown function got $code, not 404"

replicas() { curl -fsS -u "admin:$pw" "$OPENFAAS_URL/system/function/$fn" \
  | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const f=JSON.parse(s);console.log(f.replicas+"/"+f.availableReplicas)})'; }
first_task=$(docker service ps -q --filter desired-state=running "$fn")
scale_to() {
  local t0; t0=$(date +%s%N)
  curl -fsS -u "admin:$pw" -X POST "$OPENFAAS_URL/system/scale-function/$fn" \
    -d "{\"serviceName\":\"$fn\",\"replicas\":$1}" || fail "scale to $1"
  for _ in $(seq 1 240); do [ "$(replicas)" = "$1/$1" ] && break; sleep 0.25; done
  [ "$(replicas)" = "$1/$1" ] || fail "replicas/available is $(replicas), not $1/$1"
  echo "openfaas-smoke: scaled to $1 in $(ms "$t0") ms" >&2
}
scale_to 2
docker service ps -q --filter desired-state=running "$fn" | grep -q "$first_task" || fail "scaling restarted the first task"
scale_to 1
"$cli" invoke -f "$work/faas.yml" "$fn" </dev/null >/dev/null 2>&1 || fail "invoke after scaling"

t0=$(date +%s%N)
"$cli" remove -f "$work/faas.yml" >/dev/null || fail "faas-cli remove"
trap - EXIT
echo "openfaas-smoke: faas-cli remove $(ms "$t0") ms" >&2
echo "openfaas-smoke: 1 passed, 0 failed"
