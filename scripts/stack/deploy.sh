#!/usr/bin/env bash
# Deploys the whole stack onto the three-node swarm of scripts/stack/swarm.sh, as docs/deploy.md tells an
# operator to, with the test's override (scripts/stack/stack.local.yml) and the images of scripts/stack/images.sh:
#
#   deploy.sh up     secrets, `docker stack deploy -c stack.yml -c scripts/stack/stack.local.yml dash`, wait until
#                    every service runs, `faas-cli deploy -f faas.yml` through the gateway, wait for every
#                    function, then HTTPS through the edge with its local CA. Idempotent. Writes
#                    .cache/stack/stack.env (STACK_URL, STACK_CA, ADMIN_PASSWORD, OPENFAAS_URL, ...).
#   deploy.sh ready  the end of `up` alone: waits for every function and the edge, writes stack.env (after an
#                    `up` that ran out of time on a busy machine; READY_TIMEOUT, default 300 s).
#   deploy.sh down   removes the functions, the stack, its volumes and its secrets (the swarm stays).
#
# HTTPS: DOMAIN is dashboard.localhost, which the test's "DNS" points at node-1 (the only node labelled
# dashboard.edge=true): curl --resolve, and scripts/stack/resolve.ts for Node. A *.localhost name gets its
# certificate from Caddy's internal CA instead of ACME (no internet here); that CA's root certificate, in
# node-1's edge-data volume, is the test's local CA. (An IP address as DOMAIN does not work: clients send no
# SNI for an IP, and Caddy, behind Docker's port proxy, cannot pick the certificate by local address.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
ST="$ROOT/.cache/stack"
SECRETS="$ST/secrets"
STACK=dash
eval "$(bash scripts/stack/swarm.sh env | sed 's/^/export /')"
export DOCKER_HOST=$DOCKER_HOST_1
# ACME_EMAIL: the Caddyfile's global `email` needs a value, even when no ACME account is made (an IP address).
# FN_SCALE_MIN=1: one replica per function. Two of each (faas.yml's default) is 42 Node processes, 26 of them
# holding Kafka and Cassandra clients (about 3 % of a core each when idle) and all of them health-checked by an
# exec every 3 s: on 2 shared cores they starve, fail their health checks, are killed and start again, and the
# deploy never settles (docs/deploy.md, troubleshooting). The node-loss test scales the functions it loads to 2.
export FN_SCALE_MIN=${FN_SCALE_MIN:-1}
# CONFIG_VERSION: the configs' contents, so an edited config file gets a new config on the next deploy (stack.yml).
CONFIG_VERSION=$(cat gateway-config/Caddyfile gateway-config/kafka-jaas.conf gateway-config/nats.conf gateway-config/frontend.Caddyfile | sha256sum | cut -c1-12)
export CONFIG_VERSION
export STACK_NAME=$STACK DOMAIN=${DOMAIN:-dashboard.localhost} ACME_EMAIL=${ACME_EMAIL:-ops@example.com} REGISTRY=${REGISTRY:-127.0.0.1:5000}
say() { echo "stack-deploy: $*" >&2; }
t_start=$SECONDS
elapsed() { echo "$((SECONDS - t_start)) s"; }

secrets() {
  mkdir -p "$SECRETS" && chmod 700 "$SECRETS"
  rand() { head -c "$1" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
  (umask 077
    [ -s "$SECRETS/basic-auth-user" ] || printf admin >"$SECRETS/basic-auth-user"
    [ -s "$SECRETS/basic-auth-password" ] || rand 24 >"$SECRETS/basic-auth-password"
    [ -s "$SECRETS/jwt-secret" ] || rand 32 >"$SECRETS/jwt-secret"
    [ -s "$SECRETS/docker-api-token" ] || rand 32 >"$SECRETS/docker-api-token"
    [ -s "$SECRETS/admin-password" ] || rand 18 >"$SECRETS/admin-password"
    [ -s "$SECRETS/mongo-root-password" ] || rand 24 >"$SECRETS/mongo-root-password"
    [ -s "$SECRETS/mongo-app-password" ] || rand 24 >"$SECRETS/mongo-app-password"
    [ -s "$SECRETS/mongo-keyfile" ] || head -c 756 /dev/urandom | base64 -w 0 >"$SECRETS/mongo-keyfile"
    # The servers' credentials (stack.yml): pasted into templated configs and CQL, so base64url only.
    for s in kafka-broker-password kafka-password cassandra-superuser-password cassandra-password nats-password; do
      [ -s "$SECRETS/$s" ] || rand 24 >"$SECRETS/$s"
    done
    # FerretDB stands in for the replica set: one member, which creates the user itself (stack.local.yml), so
    # the string is production's (docs/deploy.md) without the other members and replicaSet.
    printf 'mongodb://dashboard:%s@mongo-1:27017/dashboard?authSource=dashboard' "$(cat "$SECRETS/mongo-app-password")" \
      >"$SECRETS/mongo-url")
  local s
  for s in basic-auth-user basic-auth-password jwt-secret docker-api-token admin-password mongo-root-password mongo-app-password mongo-keyfile mongo-url \
    kafka-broker-password kafka-password cassandra-superuser-password cassandra-password nats-password; do
    docker secret inspect "$s" >/dev/null 2>&1 || docker secret create --label dashboard.stack-test=true "$s" "$SECRETS/$s" >/dev/null
  done
}

# Every service of the stack at its desired count (global ones on each eligible node); kafka-init completes.
converged() {
  local name reps rest bad=0
  # NOTE: Replicas may read "2/2 (max 1 per node)": only the first word counts.
  while read -r name reps rest; do
    [ "$name" = "${STACK}_kafka-init" ] || [ "$name" = "${STACK}_cassandra-init" ] && continue
    [ "${reps%%/*}" = "${reps#*/}" ] || { bad=1; echo "$name $reps"; }
  done < <(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Replicas}}')
  return $bad
}

wait_for() { # what, seconds, command...
  local what=$1 limit=$2 t0=$SECONDS out; shift 2
  until out=$("$@" 2>&1); do
    if ((SECONDS - t0 > limit)); then say "$what: not ready after $limit s:"; echo "$out" >&2; return 1; fi
    sleep 3
  done
  say "$what: ready after $((SECONDS - t0)) s (total $(elapsed))"
}

# The stateful members answer from inside: each Cassandra's CQL port (it opens once the node joined the ring)
# and kafka-init has created the events topic. Then everything has stayed converged for 10 s (the relay and
# the consumer crash-loop until Cassandra answers, and a crash-looping task counts as running now and then).
backends_ready() {
  local i n c
  for n in 1 2 3; do
    c=''
    for i in 1 2 3; do
      c=$(docker -H "unix://$ST/run/n$i.sock" ps -q --filter "label=com.docker.swarm.service.name=${STACK}_cassandra-$n" 2>/dev/null | head -1)
      [ -n "$c" ] && break
    done
    [ -n "$c" ] || { echo "cassandra-$n: no container"; return 1; }
    docker -H "unix://$ST/run/n$i.sock" exec "$c" bash -c '(exec 3<>/dev/tcp/127.0.0.1/9042)' 2>/dev/null || { echo "cassandra-$n: CQL not open"; return 1; }
  done
  docker service ps "${STACK}_kafka-init" --format '{{.CurrentState}}' | grep -q '^Complete' || { echo "kafka-init not complete"; return 1; }
  docker service ps "${STACK}_cassandra-init" --format '{{.CurrentState}}' | grep -q '^Complete' || { echo "cassandra-init not complete"; return 1; }
  converged && sleep 10 && converged
}

gateway_url() { # the address of a node running a gateway task (published in host mode on 31112)
  local node
  node=$(docker service ps "${STACK}_gateway" --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | awk '/Running/ {print $1; exit}')
  [ -n "$node" ] || return 1
  echo "http://$(eval echo "\$NODE_ADDR_${node#node-}"):31112"
}

gateway_up() {
  local url; url=$(gateway_url) || return 1
  curl -fsS -m 5 -u "admin:$(cat "$SECRETS/basic-auth-password")" "$url/system/info" >/dev/null
}

functions_ready() { # the named functions (default: every one of faas.yml) have all their replicas healthy
  local names n want healthy bad=() i
  names=${*:-$(sed -n 's/^  \([a-z][a-z-]*\):$/\1/p' faas.yml)}
  for n in $names; do
    # NOTE: counted by health, on each engine: the gateway's availableReplicas counts a task as soon as it
    # runs, and a Node replica that is still starting (or about to be killed as unhealthy) answers nothing.
    want=$(docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$n" 2>/dev/null || echo missing)
    healthy=0
    for i in 1 2 3; do
      healthy=$((healthy + $(docker -H "unix://$ST/run/n$i.sock" ps -q --filter "label=com.docker.swarm.service.name=$n" \
        --filter health=healthy 2>/dev/null | wc -l)))
    done
    [ "$want" != missing ] && ((healthy >= want)) || bad+=("$n $healthy/$want")
  done
  ((${#bad[@]} == 0)) || { echo "not healthy: ${bad[*]}"; return 1; }
}

edge_ca() {
  local crt="$ST/nodes/n1/volumes/${STACK}_edge-data/_data/caddy/pki/authorities/local/root.crt"
  [ -s "$crt" ] || return 1
  cp "$crt" "$ST/edge-ca.crt"
  curl -fsS -m 5 --cacert "$ST/edge-ca.crt" --resolve "$DOMAIN:443:$NODE_ADDR_1" -o /dev/null "https://$DOMAIN/"
}

# The template's health check (every 3 s, 2 s timeout, 30 s start period, 3 retries) is made for a machine with
# CPU to spare: on 2 shared cores a replica that is still loading, or merely starved for a few seconds, is
# declared unhealthy and replaced, and the replacements' cold starts starve the others (load average 150+ seen).
# The test gives the function services a slower check, directly with Docker (an operator's knob: the gateway and
# faas.yml have none), before any replica has come up. FN_HEALTH=template keeps the template's.
relax_health() {
  [ "${FN_HEALTH:-relaxed}" = template ] && return 0
  local f
  for f in "$@"; do
    docker service update --detach --quiet --health-interval 5s --health-timeout 10s --health-retries 6 \
      --health-start-period 120s "$f" >/dev/null
  done
}

up() {
  docker node ls >/dev/null 2>&1 || { say "the swarm is not up: scripts/stack/swarm.sh up"; exit 1; }
  secrets
  say "docker stack deploy -c stack.yml -c scripts/stack/stack.local.yml $STACK (DOMAIN=$DOMAIN)"
  docker stack deploy --resolve-image never -c stack.yml -c scripts/stack/stack.local.yml "$STACK" >/dev/null
  wait_for "every stack service" "${CONVERGE_TIMEOUT:-1200}" converged
  wait_for "Cassandra ×3, Kafka's topic, and every service steady" "${CONVERGE_TIMEOUT:-1200}" backends_ready
  # The configs of earlier versions, once no service uses them: after the update (removing one in use fails, and it stays).
  docker config ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}}' | grep -v -- "-$CONFIG_VERSION\$" \
    | xargs -r docker config rm >/dev/null 2>&1 || true
  wait_for "the gateway" 120 gateway_up
  local url; url=$(gateway_url)
  .cache/bin/faas-cli login --gateway "$url" --username admin --password-stdin <"$SECRETS/basic-auth-password" >/dev/null
  # NOTE: in batches of FN_BATCH, each waited for: 42 Node replicas cold-starting at once on 2 cores (with
  # a health check exec every 3 s each) starve each other past their health checks' start period; the swarm
  # then kills them and they start again, and it never settles.
  local fns batch=() f; fns=$(sed -n 's/^  \([a-z][a-z-]*\):$/\1/p' faas.yml)
  # NOTE: the functions' exec_timeout (10 s in faas.yml's absence) is made for a machine with CPU to spare: at a
  # load average of 130 on 2 cores, an Argon2id hash in create-user or a service create took longer, and the
  # contract suite got 504 for them. The test raises it below the gateway's upstream_timeout
  # (60 s), as an operator of a small cluster would; FN_EXEC_TIMEOUT=template keeps the default.
  local exec_timeout=(--env "exec_timeout=${FN_EXEC_TIMEOUT:-50s}")
  [ "${FN_EXEC_TIMEOUT:-}" = template ] && exec_timeout=()
  : >"$ST/faas-deploy.log"
  for f in $fns; do
    batch+=("$f")
    if ((${#batch[@]} == ${FN_BATCH:-4})) || [ "$f" = "$(echo "$fns" | tail -1)" ]; then
      say "faas-cli deploy -f faas.yml --regex '^(${batch[*]})\$' through $url"
      OPENFAAS_URL=$url FN_REGISTRY=$REGISTRY .cache/bin/faas-cli deploy -f faas.yml --gateway "$url" "${exec_timeout[@]}" \
        --regex "^($(IFS='|'; echo "${batch[*]}"))\$" >>"$ST/faas-deploy.log" 2>&1 \
        || { tail -30 "$ST/faas-deploy.log" >&2; say "faas-cli deploy failed"; exit 1; }
      relax_health "${batch[@]}"
      wait_for "functions ${batch[*]}" 900 functions_ready "${batch[@]}"
      [ -z "${FN_BATCH_PAUSE:-}" ] || sleep "$FN_BATCH_PAUSE"
      batch=()
    fi
  done
  ready
}

# Every function healthy and the edge serving HTTPS, then the test's settings in stack.env. Also a command of
# its own: after an `up` that ran out of time on a busy machine, it picks up where `up` stopped.
ready() {
  wait_for "every function" "${READY_TIMEOUT:-300}" functions_ready
  wait_for "HTTPS through the edge" 180 edge_ca
  {
    echo "STACK_URL=https://$DOMAIN"
    echo "STACK_RESOLVE=$DOMAIN=$NODE_ADDR_1"
    echo "STACK_CA=$ST/edge-ca.crt"
    echo "ADMIN_PASSWORD=$(cat "$SECRETS/admin-password")"
    echo "OPENFAAS_PASSWORD=$(cat "$SECRETS/basic-auth-password")"
    echo "STACK_NAME=$STACK"
    bash scripts/stack/swarm.sh env
  } >"$ST/stack.env"
  chmod 600 "$ST/stack.env"
  say "up in $(elapsed)"
}

down() {
  docker node ls >/dev/null 2>&1 || { say "the swarm is not up: nothing to remove"; return 0; }
  local fns; fns=$(docker service ls -q --filter label=function=true)
  [ -z "$fns" ] || docker service rm $fns >/dev/null
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  # Services and their tasks go away asynchronously; volumes and secrets only after that.
  for _ in $(seq 1 90); do
    [ -z "$(docker service ls -q --filter label=function=true; docker service ls -q --filter "label=com.docker.stack.namespace=$STACK")" ] \
      && [ -z "$(for i in 1 2 3; do docker -H "unix://$ST/run/n$i.sock" ps -aq --filter "label=com.docker.stack.namespace=$STACK" 2>/dev/null; done)" ] && break
    sleep 2
  done
  for i in 1 2 3; do
    docker -H "unix://$ST/run/n$i.sock" volume ls -q --filter "label=com.docker.stack.namespace=$STACK" 2>/dev/null \
      | xargs -r docker -H "unix://$ST/run/n$i.sock" volume rm -f >/dev/null 2>&1 || true
  done
  docker secret ls -q --filter label=dashboard.stack-test=true | xargs -r docker secret rm >/dev/null 2>&1 || true
  docker secret ls -q --filter label=com.openfaas.owner=openfaas | xargs -r docker secret rm >/dev/null 2>&1 || true
  rm -f "$ST/stack.env"
  say "stack removed"
}

case ${1:-} in
  up) up ;;
  ready) ready ;;
  down) down ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
