#!/usr/bin/env bash
# Runs the edge of stack.yml for real on the local swarm: Caddy with gateway-config/Caddyfile (DOMAIN=localhost,
# so Caddy uses its internal CA instead of ACME), the frontend, the relay (embedded mode), and the OpenFaaS
# gateway + provider, on encrypted overlays, as the stack `dashedge`. Then checks over HTTPS: `/` is the SPA
# with the security headers, `/function/*` reaches the gateway, `/events` reaches the relay (a WebSocket
# that gets the relay's auth challenge), `/system/*` is 404. Removes the stack at the end.
# Needs the images of scripts/openfaas/stack-images.sh and scripts/images/openfaas-images.sh, and the secrets
# of scripts/openfaas/up.sh. Publishes 18443 (host mode) while it runs. Exit 0 when every check passed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/.cache/edge-check"
url=https://localhost:18443
mkdir -p "$work"
fail=0
check() { # description, command...
  local what=$1; shift
  if "$@"; then echo "edge-check: ok   $what" >&2; else echo "edge-check: FAIL $what" >&2; fail=1; fi
}
cat >"$work/stack.yml" <<YAML
version: "3.8"
services:
  edge:
    image: 127.0.0.1:5000/dashboard-edge:2.11
    environment: { DOMAIN: localhost, ACME_EMAIL: ops@example.com }
    configs: [{ source: caddyfile, target: /etc/caddy/Caddyfile }]
    ports: [{ target: 443, published: 18443, protocol: tcp, mode: host }]
    networks: [edge]
  frontend:
    image: 127.0.0.1:5000/dashboard-frontend:dev
    configs: [{ source: frontend-caddyfile, target: /etc/caddy/Caddyfile }]
    networks: [edge]
    deploy: { endpoint_mode: dnsrr }
  relay:
    image: 127.0.0.1:5000/dashboard-relay:dev
    command: ["node", "/app/relay.mjs"]
    environment: { PORT: "8090", HOST: 0.0.0.0, DATA_DIR: /tmp/data, TRUST_PROXY: "true" }
    networks: [edge]
    deploy: { endpoint_mode: dnsrr }
  gateway:
    image: 127.0.0.1:5000/openfaas-gateway:0.25-c07bebbbc9c2
    environment:
      functions_provider_url: http://provider:8080/
      direct_functions: "false"
      basic_auth: "true"
      secret_mount_path: /run/secrets/
      auth_proxy_url: http://provider:8080/validate
      auth_proxy_pass_body: "false"
      faas_prometheus_host: provider
      faas_prometheus_port: "8080"
    secrets: [basic-auth-user, basic-auth-password]
    networks: [functions, edge]
    deploy: { endpoint_mode: dnsrr }
  provider:
    image: 127.0.0.1:5000/openfaas-provider:0.2.0
    environment: { DOCKER_API_VERSION: "1.41", network: dashedge_functions, basic_auth: "true", secret_mount_path: /run/secrets/ }
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    secrets: [basic-auth-user, basic-auth-password]
    networks: [functions]
    deploy: { endpoint_mode: dnsrr }
networks:
  functions: { driver: overlay, attachable: true, driver_opts: { encrypted: "true" } }
  edge: { driver: overlay, driver_opts: { encrypted: "true" } }
configs:
  caddyfile: { file: $root/gateway-config/Caddyfile }
  frontend-caddyfile: { file: $root/gateway-config/frontend.Caddyfile }
secrets:
  basic-auth-user: { external: true }
  basic-auth-password: { external: true }
YAML
cleanup() {
  docker stack rm dashedge >/dev/null 2>&1 || true
  # Configs and networks go once the tasks are gone; the next deploy needs the old config removed.
  local _
  for _ in $(seq 1 60); do
    [ -z "$(docker config ls -q --filter name=dashedge_)$(docker network ls -q --filter name=dashedge_)" ] && return 0
    sleep 1
    docker config rm $(docker config ls -q --filter name=dashedge_) >/dev/null 2>&1 || true
  done
}
cleanup
trap cleanup EXIT
t0=$(date +%s)
docker stack deploy --resolve-image never -c "$work/stack.yml" dashedge >/dev/null 2>&1
until curl -sk -m 3 -o /dev/null "$url/" && [ "$(curl -sk -m 5 -o /dev/null -w '%{http_code}' "$url/events")" = 404 ]; do
  (( $(date +%s) - t0 > 120 )) && { docker stack ps --no-trunc dashedge >&2; echo "edge-check: not answering after 120 s" >&2; exit 1; }
  sleep 1
done
echo "edge-check: edge, frontend, relay, gateway, provider answering after $(( $(date +%s) - t0 )) s" >&2

headers=$(curl -sk -D - -o /dev/null "$url/")
check "/ → frontend 200" grep -q '^HTTP/2 200' <<<"$headers"
check "/ has the CSP of local mode" grep -qi "^content-security-policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'" <<<"$headers"
for h in 'strict-transport-security: max-age=' 'x-content-type-options: nosniff' 'x-frame-options: DENY' 'referrer-policy: no-referrer' 'cross-origin-resource-policy: same-origin'; do
  check "/ has $h" grep -qi "^$h" <<<"$headers"
done
check "/some/client/route → index.html (SPA fallback)" bash -c "curl -sk '$url/services/abc' | grep -q '<!doctype html>'"
check "/function/* → gateway (no such function: 404 from the provider)" bash -c "curl -sk '$url/function/no-such-fn' | grep -q 'no function named'"
check "/function/* is no-store" bash -c "curl -sk -D - -o /dev/null '$url/function/no-such-fn' | grep -qi '^cache-control: no-store'"
check "/system/info is not routed (404)" bash -c "[ \$(curl -sk -o /dev/null -w '%{http_code}' '$url/system/info') = 404 ]"
check "/events → relay WebSocket (auth challenge)" bash -c "cd '$root' && timeout 15 node -e \"
  const WebSocket = require('ws');
  const ws = new WebSocket('wss://localhost:18443/events', { rejectUnauthorized: false, headers: { origin: '$url' } });
  ws.on('message', (m) => process.exit(/unauthenticated/.test(String(m)) ? 0 : 1));
  ws.on('error', () => process.exit(1));
\""
[ $fail = 0 ] && echo "edge-check: 1 passed, 0 failed" || { echo "edge-check: 0 passed, 1 failed"; exit 1; }
