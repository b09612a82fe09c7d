#!/usr/bin/env bash
# Installs Debian packages that are missing, for every script of this repository:
#   bash scripts/apt-install.sh package…
# One at a time across processes: the server scripts start in parallel, and a second `apt-get update` fails
# at once on the lists lock ("Could not get lock /var/lib/apt/lists/lock"), which apt's DPkg::Lock::Timeout
# does not cover. Output goes to stderr; quiet unless something fails.
set -euo pipefail
# NOTE: not `dpkg -s`, which succeeds for a removed package whose config files remain.
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
find_missing() { missing=(); for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done; }
find_missing "$@"
((${#missing[@]})) || exit 0
exec 9>/var/lock/swarm-dashboard-apt.lock
flock -w 900 9 || { echo "apt-install: another install held the lock for 15 minutes" >&2; exit 1; }
# Again under the lock: the process that held it may have installed them.
find_missing "$@"
((${#missing[@]})) || exit 0
echo "apt-install: ${missing[*]}" >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# NOTE: apt run by something else on the machine (unattended upgrades) is waited for, not fought.
if ! { apt-get update -qq -o DPkg::Lock::Timeout=300 &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}"; } >"$out" 2>&1; then
  tail -n 30 "$out" >&2
  echo "apt-install: installing ${missing[*]} failed" >&2
  exit 1
fi
