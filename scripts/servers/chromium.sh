#!/usr/bin/env bash
# Chromium for the headless browser tests (playwright-core with executablePath). Nothing runs in the
# background: playwright-core starts a browser per test. Never a downloaded browser build: Debian's package.
# Usage: chromium.sh start|stop|status|env
#   start   apt-get install chromium if missing, check that it renders a page headless, print the env lines
#   stop    nothing to stop
#   status  exit 0 when /usr/bin/chromium is installed and runs
#   env     print CHROMIUM_PATH=/usr/bin/chromium (only KEY=value lines go to stdout)
# The flags the tests should pass are in docs/servers.md (Chromium).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=/usr/bin/chromium
log="$root/.cache/logs/chromium.log"

say() { echo "[chromium] $*" >&2; }

print_env() { echo "CHROMIUM_PATH=$bin"; }

install() {
  [ -x "$bin" ] && return 0
  say "installing Debian's chromium"
  bash "$root/scripts/apt-install.sh" chromium
}

# Renders a data: URL headless with the same flags the tests use, in a throwaway profile.
check_headless() {
  local profile out t0
  profile=$(mktemp -d)
  t0=$(date +%s%3N)
  mkdir -p "$(dirname "$log")"
  echo "--- $(date -u +%FT%TZ) check" >>"$log"
  out=$(timeout 60 "$bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$profile" --dump-dom 'data:text/html,<p id="x">headless-ok</p>' 2>>"$log") || true
  rm -rf "$profile"
  if [[ "$out" != *headless-ok* ]]; then
    say "did not render a page headless; last lines of $log:"
    tail -n 20 "$log" >&2
    return 1
  fi
  say "$("$bin" --version 2>/dev/null | head -n1) renders headless ($(($(date +%s%3N) - t0)) ms)"
}

case "${1:-}" in
  start) install && check_headless && print_env ;;
  stop) say "nothing runs in the background" ;;
  status)
    if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then say "installed: $("$bin" --version 2>/dev/null | head -n1)"; else say "not installed"; exit 1; fi
    ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
