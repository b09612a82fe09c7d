#!/usr/bin/env bash
# Every image of the stack test, built locally (no registry) on node-1's engine of scripts/stack/swarm.sh,
# then copied into node-2's and node-3's engines with `docker save | docker load` (the same image IDs on every
# node: the provider deploys functions by image ID). Idempotent: each image is rebuilt only when its inputs
# changed, and only images a node lacks (or holds in another version) are copied.
#
# Built by the project's existing scripts, pointed at node-1 with DOCKER_HOST:
#   scripts/images/node-base.sh         local/node:20, local/openfaas-node:20
#   scripts/images/openfaas-images.sh   openfaas-gateway, openfaas-provider
#   scripts/openfaas/stack-images.sh    dashboard-edge, -frontend, -relay, -worker
#   scripts/openfaas/build-images.sh    the 21 function images of faas.yml
# Built here:
#   local/jre:17                        Debian bookworm minbase + openjdk-17-jre-headless (debootstrap + docker import)
#   dashboard-kafka:4.1.2               Kafka from Maven Central jars (scripts/stack/kafka/pom.xml) on local/jre:17
#   dashboard-cassandra:5.0.8           Cassandra from Maven Central jars (scripts/servers/cassandra/pom.xml)
#   dashboard-nats:2.9                  Debian's nats-server (+ libc) via docker import
#   dashboard-ferretdb:1.24             FerretDB's own command with SCRAM on (scripts/servers/ferretdb-auth.sh) and
#                                       busybox sh and cat (the stand-in for MongoDB reads its password secret)
#   docker-socket-proxy:0.1.0           gateway-config/socket-proxy bundled on local/node:20
#   local/busybox:1                     static busybox, the image the contract suite's services run
# All tagged ${REGISTRY:-127.0.0.1:5000}/… (a loopback registry nothing listens on: never pulled).
# Usage: images.sh [build|list]   (list prints the image names, one a line)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/stack"
cd "$ROOT"
R=${REGISTRY:-127.0.0.1:5000}
RUN="$ROOT/.cache/stack/run"
CACHE="$ROOT/.cache/stack/images"
LOG="$ROOT/.cache/logs/stack-images.log"
mkdir -p "$CACHE" "$(dirname "$LOG")"
export DOCKER_HOST="unix://$RUN/n1.sock"
say() { echo "stack-images: $*" >&2; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
label_of() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }

FUNCTIONS=$(sed -n 's/^  \([a-z][a-z-]*\):$/\1/p' faas.yml)
KAFKA_IMAGE="$R/dashboard-kafka:4.1.2"
CASSANDRA_IMAGE="$R/dashboard-cassandra:5.0.8"
NATS_IMAGE="$R/dashboard-nats:2.9"
FERRETDB_IMAGE="$R/dashboard-ferretdb:1.24"

list() {
  echo "$R/openfaas-gateway:${GATEWAY_TAG:-0.25-c07bebbbc9c2}"
  echo "$R/openfaas-provider:${PROVIDER_TAG:-0.2.0}"
  echo "$R/docker-socket-proxy:0.1.0"
  echo "$R/dashboard-edge:2.11"
  for n in frontend relay worker; do echo "$R/dashboard-$n:dev"; done
  for f in $FUNCTIONS; do echo "$R/dashboard-$f:dev"; done
  echo "$KAFKA_IMAGE"; echo "$CASSANDRA_IMAGE"; echo "$NATS_IMAGE"; echo "$FERRETDB_IMAGE"
  echo local/busybox:1
}

# The Debian mirror apt already uses on this machine (as scripts/images/node-base.sh).
debian_mirror() {
  local url=''
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    url=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' /etc/apt/sources.list.d/*.sources)
  fi
  [ -n "$url" ] || url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $i !~ /security/) { print $i; exit } }')
  [ -n "$url" ] || { say "no Debian mirror in /etc/apt/sources.list{,.d}"; exit 1; }
  echo "$url"
}

# import_image: a tiny image from files, rebuilt when they change; FerretDB keeps its state in /data/db.
IMPORT_DATA_DIR=/data/db
. "$ROOT/scripts/images/import-image.sh"

# docker build from a context folder, skipped when the context's content hash is the image's label.
build_context() { # image, context
  local image=$1 ctx=$2 sum
  # NOTE: jars by name and size only (their names carry versions); every other file by content.
  sum=$(cd "$ctx" && { find . -type f -printf '%p %s\n' | sort; find . -type f ! -name '*.jar' -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -c1-16)
  [ "$(label_of "$image" content.sha256)" = "$sum" ] && return 0
  local t0; t0=$(date +%s%N)
  DOCKER_BUILDKIT=0 docker build -q --label "content.sha256=$sum" -t "$image" "$ctx" >>"$LOG" 2>&1 \
    || { tail -20 "$LOG" >&2; say "docker build of $image failed"; exit 1; }
  say "$image built in $(ms_since "$t0") ms"
}

jre() {
  docker image inspect local/jre:17 >/dev/null 2>&1 && return 0
  local tarball="$CACHE/jre17-rootfs.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || bash "$ROOT/scripts/apt-install.sh" debootstrap
    local rootfs="$CACHE/jre17-rootfs" t0; t0=$(date +%s%N)
    rm -rf "$rootfs"
    say "debootstrap bookworm + openjdk-17-jre-headless (log: $LOG)"
    # NOTE: bookworm, not trixie: Cassandra 5.0 runs on JDK 11 or 17 only, and trixie has no openjdk-17.
    debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$(debian_mirror)" >>"$LOG" 2>&1 \
      || { tail -20 "$LOG" >&2; say "debootstrap failed"; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
      "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
    tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
    say "JRE rootfs in $(ms_since "$t0") ms"
  fi
  docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' \
    "$tarball" local/jre:17 >/dev/null
  say "local/jre:17 imported"
}

kafka() {
  local lib="$ROOT/.cache/stack/kafka-lib" pom="$HERE/kafka/pom.xml" want
  want=$(sha256sum "$pom" | cut -c1-16)
  if [ "$(cat "$lib/.pom-sha256" 2>/dev/null)" != "$want" ]; then
    command -v mvn >/dev/null || bash "$ROOT/scripts/apt-install.sh" maven
    rm -rf "$lib.tmp"
    mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib.tmp" >>"$LOG" 2>&1 \
      || { tail -20 "$LOG" >&2; say "mvn failed for $pom"; exit 1; }
    echo "$want" >"$lib.tmp/.pom-sha256"; rm -rf "$lib"; mv "$lib.tmp" "$lib"
  fi
  local ctx="$CACHE/kafka-ctx"
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp -a "$lib" "$ctx/libs"; rm -f "$ctx/libs/.pom-sha256"
  cp "$HERE/kafka/run" "$HERE/kafka/kafka-topics.sh" "$HERE/kafka/kafka-configs.sh" "$ROOT/scripts/servers/kafka/log4j2.xml" "$ctx/"
  sed 's/<Root level="INFO">/<Root level="WARN">/' "$ROOT/scripts/servers/kafka/log4j2.xml" >"$ctx/tools-log4j2.xml"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM local/jre:17
COPY libs/ /opt/kafka/libs/
COPY run /etc/kafka/docker/run
COPY kafka-topics.sh kafka-configs.sh /opt/kafka/bin/
COPY log4j2.xml tools-log4j2.xml /opt/kafka/config/
RUN mkdir -p /var/lib/kafka/data
EXPOSE 9092 9093
CMD ["/etc/kafka/docker/run"]
EOF
  build_context "$KAFKA_IMAGE" "$ctx"
}

cassandra() {
  [ -f "$ROOT/.cache/servers/cassandra/lib/.pom-sha256" ] || bash scripts/servers/cassandra.sh install >&2
  local ctx="$CACHE/cassandra-ctx"
  rm -rf "$ctx"; mkdir -p "$ctx/conf"
  cp -a "$ROOT/.cache/servers/cassandra/lib" "$ctx/lib"; rm -f "$ctx/lib/.pom-sha256"
  cp "$HERE/cassandra/cassandra.yaml" "$ctx/conf/cassandra.yaml.in"
  cp "$ROOT/scripts/servers/cassandra/logback.xml" "$ctx/conf/"
  # The test servers' JVM flags, less the heap (MAX_HEAP_SIZE) and the single-node gossip shortcut.
  grep -vE '^-Xm[sx]|skip_wait_for_gossip' "$ROOT/scripts/servers/cassandra/jvm.options" >"$ctx/conf/jvm.options"
  cp "$HERE/cassandra/docker-entrypoint.sh" "$ctx/"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM local/jre:17
COPY lib/ /opt/cassandra/lib/
COPY conf/ /etc/cassandra/
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN mkdir -p /var/lib/cassandra /var/log/cassandra
EXPOSE 7000 9042
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["cassandra", "-f"]
EOF
  build_context "$CASSANDRA_IMAGE" "$ctx"
}

small_images() {
  local bb; bb=$(command -v busybox || true)
  [ -n "$bb" ] && ! { LANG=C ldd "$bb" 2>&1 || true; } | grep -q 'not a dynamic' && bb=''
  [ -n "$bb" ] || { bash "$ROOT/scripts/apt-install.sh" busybox-static; bb=$(command -v busybox); }
  # The same build as the credential tests' server (it is built only, not started, here). busybox's applets
  # are chosen by their name, so sh and cat are copies of it.
  bash scripts/servers/ferretdb-auth.sh build
  import_image "$FERRETDB_IMAGE" '["/usr/bin/ferretdb"]' .cache/bin/ferretdb-auth:/usr/bin/ferretdb "$bb:/bin/sh" "$bb:/bin/cat"
  command -v nats-server >/dev/null || bash "$ROOT/scripts/apt-install.sh" nats-server
  import_image "$NATS_IMAGE" '["/usr/sbin/nats-server"]' "$(command -v nats-server):/usr/sbin/nats-server" \
    /lib/x86_64-linux-gnu/libc.so.6:/lib/x86_64-linux-gnu/libc.so.6 /lib64/ld-linux-x86-64.so.2:/lib64/ld-linux-x86-64.so.2
  if ! docker image inspect local/busybox:1 >/dev/null 2>&1; then
    local rootfs; rootfs=$(mktemp -d); mkdir -p "$rootfs/bin"; cp "$bb" "$rootfs/bin/busybox"
    for c in sh sleep httpd echo cat; do ln -sf busybox "$rootfs/bin/$c"; done
    tar -C "$rootfs" -c . | docker import - local/busybox:1 >/dev/null; rm -rf "$rootfs"
  fi
  # The socket proxy: one esbuild bundle and gateway-config/socket-proxy/Dockerfile.
  local ctx="$CACHE/proxy-ctx"; rm -rf "$ctx"
  bash gateway-config/socket-proxy/context.sh "$ctx"
  build_context "$R/docker-socket-proxy:0.1.0" "$ctx"
}

# Copies into node I every listed image it lacks or holds with another ID, in one `docker save` stream
# (shared layers travel once).
distribute() {
  local i=$1 name want have missing=()
  while read -r name; do
    want=$(docker image inspect -f '{{.Id}}' "$name")
    have=$(docker -H "unix://$RUN/n$i.sock" image inspect -f '{{.Id}}' "$name" 2>/dev/null || true)
    [ "$want" = "$have" ] || missing+=("$name")
  done < <(list)
  ((${#missing[@]})) || return 0
  local t0; t0=$(date +%s%N)
  docker save "${missing[@]}" | docker -H "unix://$RUN/n$i.sock" load -q >/dev/null
  say "node-$i: ${#missing[@]} images loaded in $(ms_since "$t0") ms"
}

build() {
  docker version >/dev/null 2>&1 || { say "node-1's engine does not answer: scripts/stack/swarm.sh up first"; exit 1; }
  local t0 t; t0=$(date +%s%N)
  t=$(date +%s%N); bash scripts/openfaas/install.sh >&2; say "OpenFaaS binaries in $(ms_since "$t") ms"
  t=$(date +%s%N); bash scripts/images/node-base.sh >&2; say "Node base images in $(ms_since "$t") ms"
  t=$(date +%s%N); bash scripts/images/openfaas-images.sh >&2; say "gateway and provider images in $(ms_since "$t") ms"
  t=$(date +%s%N); jre; kafka; cassandra; say "JVM images in $(ms_since "$t") ms"
  t=$(date +%s%N); small_images; say "NATS, FerretDB, socket proxy, busybox in $(ms_since "$t") ms"
  t=$(date +%s%N); REGISTRY=$R bash scripts/openfaas/stack-images.sh >&2; say "edge, frontend, relay, worker in $(ms_since "$t") ms"
  t=$(date +%s%N); FN_REGISTRY=$R bash scripts/openfaas/build-images.sh >&2; say "function images in $(ms_since "$t") ms"
  local name; while read -r name; do docker image inspect "$name" >/dev/null 2>&1 || { say "missing after the build: $name"; exit 1; }; done < <(list)
  for i in 2 3; do distribute "$i"; done
  say "all $(list | wc -l) images on the three nodes in $(ms_since "$t0") ms"
}

case ${1:-build} in
  build) build ;;
  list) list ;;
  *) sed -n '2,24p' "$0" >&2; exit 2 ;;
esac
