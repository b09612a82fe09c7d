#!/usr/bin/env bash
# Builds the OpenFaaS programs into .cache/bin from the Go module proxy, pinned by go.mod/go.sum in this
# folder (pseudo-versions = commit hashes) and in gateway-config/provider, idempotently:
#   .cache/bin/openfaas-gateway   github.com/openfaas/faas/gateway @ c07bebbbc9c2 (2022-10-24, MIT, faas-provider 0.19.1)
#   .cache/bin/faas-cli           github.com/openfaas/faas-cli     @ 08e3e965c831 (2021-10-12, MIT)
#   .cache/bin/swarm-provider     gateway-config/provider (its own module): our Swarm provider on faas-provider v0.19.1
# No watchdog: each function serves the OpenFaaS workload contract itself (docs/openfaas.md).
# FORCE=1 rebuilds everything.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
provider="$root/gateway-config/provider"
bin="$root/.cache/bin"
log="$root/.cache/logs/openfaas-install.log"
mkdir -p "$bin" "$(dirname "$log")"

command -v go >/dev/null || { echo "openfaas-install: the go command is missing (Go >= 1.26 needed)" >&2; exit 1; }
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
ldflags='-s -w'

stamp_of() {
  { (cd "$here" && cat install.sh go.mod go.sum tools.go)
    (cd "$provider" && cat go.mod go.sum && find . -type f -name '*.go' | sort | xargs cat); } | sha256sum | cut -c1-16
}
stamp="$bin/.openfaas-stamp"
want=$(stamp_of)
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
  && [ -x "$bin/openfaas-gateway" ] && [ -x "$bin/faas-cli" ] && [ -x "$bin/swarm-provider" ]; then
  echo "openfaas-install: binaries up to date in $bin" >&2
  exit 0
fi

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
build() { # name, package, extra ldflags, module folder (default: this one)
  local t0; t0=$(date +%s%N)
  (cd "${4:-$here}" && go build -trimpath -ldflags="$ldflags ${3:-}" -o "$bin/$1" "$2") >>"$log" 2>&1 \
    || { echo "openfaas-install: building $1 failed; see $log" >&2; tail -20 "$log" >&2; exit 1; }
  echo "openfaas-install: $1 built in $(ms_since "$t0") ms ($(du -h "$bin/$1" | cut -f1))" >&2
}

echo "== $(date -u +%FT%TZ) openfaas-install" >>"$log"
(cd "$here" && go mod download) >>"$log" 2>&1 || { echo "openfaas-install: go mod download failed; see $log" >&2; exit 1; }
gw=github.com/openfaas/faas/gateway/version
build openfaas-gateway github.com/openfaas/faas/gateway "-X $gw.Version=0.25-c07bebbbc9c2 -X $gw.GitCommitSHA=c07bebbbc9c2"
cli=github.com/openfaas/faas-cli/version
build faas-cli github.com/openfaas/faas-cli "-X $cli.Version=0.13-08e3e965c831 -X $cli.GitCommit=08e3e965c831"
(cd "$provider" && go mod download) >>"$log" 2>&1 || { echo "openfaas-install: go mod download failed in $provider; see $log" >&2; exit 1; }
build swarm-provider . "-X main.commit=$(cd "$provider" && git rev-parse --short HEAD 2>/dev/null || echo dev)" "$provider"

rm -f "$bin/fwatchdog" "$bin/fwatchdog.source"
echo "$want" >"$stamp"
echo "openfaas-install: done" >&2
