#!/usr/bin/env bash
# Builds the OpenFaaS programs into .cache/bin from the Go module proxy, pinned by go.mod/go.sum in this
# folder (pseudo-versions = commit hashes) and in gateway-config/provider, idempotently:
#   .cache/bin/openfaas-gateway   github.com/openfaas/faas/gateway @ c07bebbbc9c2 (2022-10-24, MIT, faas-provider 0.19.1)
#   .cache/bin/faas-cli           github.com/openfaas/faas-cli     @ 08e3e965c831 (2021-10-12, MIT)
#   .cache/bin/swarm-provider     gateway-config/provider (its own module): our Swarm provider on faas-provider v0.19.1
#   .cache/bin/fwatchdog          of-watchdog if the proxy serves it, else ./cmd/fwatchdog (our stand-in)
# The proxy refuses version lists and commit queries for every OpenFaaS repository, and refuses the
# modules github.com/openfaas/of-watchdog, github.com/openfaas/faas-swarm and
# github.com/neuroforgede/nf-faas-docker entirely (docs/openfaas.md has the exact errors). Each run probes
# those once more (cheap) and logs the answer to .cache/logs/openfaas-install.log.
# FORCE=1 rebuilds everything.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
provider="$root/gateway-config/provider"
bin="$root/.cache/bin"
log="$root/.cache/logs/openfaas-install.log"
mkdir -p "$bin" "$(dirname "$log")"

# Real of-watchdog, tried first: the only exact pseudo-version known to exist (0.11.0, used by
# openfaas/golang-http-template); it was refused with 403 on 2026-11-27.
OF_WATCHDOG_MODULE=github.com/openfaas/of-watchdog
OF_WATCHDOG_VERSION=v0.0.0-20251114100857-67a6309db21b

command -v go >/dev/null || { echo "openfaas-install: the go command is missing (Go >= 1.26 needed)" >&2; exit 1; }
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
ldflags='-s -w'

stamp_of() {
  { (cd "$here" && cat install.sh go.mod go.sum && find cmd -type f -name '*.go' | sort | xargs cat)
    (cd "$provider" && cat go.mod go.sum && find . -type f -name '*.go' | sort | xargs cat); } | sha256sum | cut -c1-16
}
stamp="$bin/.openfaas-stamp"
want=$(stamp_of)
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
  && [ -x "$bin/openfaas-gateway" ] && [ -x "$bin/faas-cli" ] && [ -x "$bin/swarm-provider" ] && [ -x "$bin/fwatchdog" ]; then
  echo "openfaas-install: binaries up to date in $bin ($(cat "$bin/fwatchdog.source"))" >&2
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
build swarm-provider . "" "$provider"

probe_dir=$(mktemp -d); trap 'rm -rf "$probe_dir"' EXIT
# Probe the upstream modules that were refused; use the real of-watchdog as soon as it is served.
for probe in "$OF_WATCHDOG_MODULE@$OF_WATCHDOG_VERSION" \
  github.com/openfaas/faas-swarm@856fbbad8860 github.com/neuroforgede/nf-faas-docker@6433083bf89b; do
  if (cd "$probe_dir" && go mod download -json "$probe") >>"$log" 2>&1; then
    echo "openfaas-install: $probe is now served (see docs/openfaas.md to switch to it)" >&2
  else
    echo "openfaas-install: $probe refused by the module proxy (logged)" >&2
  fi
done
if (cd "$probe_dir" && go mod download "$OF_WATCHDOG_MODULE@$OF_WATCHDOG_VERSION") >>"$log" 2>&1; then
  tmp=$(mktemp -d)
  printf 'module local/watchdog\n\ngo 1.26\n\nrequire %s %s\n' "$OF_WATCHDOG_MODULE" "$OF_WATCHDOG_VERSION" >"$tmp/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$OF_WATCHDOG_MODULE" >"$tmp/tools.go"
  t0=$(date +%s%N)
  (cd "$tmp" && go mod tidy && go build -trimpath -ldflags="$ldflags" -o "$bin/fwatchdog" "$OF_WATCHDOG_MODULE") >>"$log" 2>&1
  echo "of-watchdog@$OF_WATCHDOG_VERSION" >"$bin/fwatchdog.source"
  echo "openfaas-install: fwatchdog = real of-watchdog, built in $(ms_since "$t0") ms" >&2
  rm -rf "$tmp"
else
  build fwatchdog ./cmd/fwatchdog
  echo "stand-in (scripts/openfaas/cmd/fwatchdog)" >"$bin/fwatchdog.source"
fi
echo "$want" >"$stamp"
echo "openfaas-install: done; fwatchdog is $(cat "$bin/fwatchdog.source")" >&2
