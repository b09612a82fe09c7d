#!/bin/sh
# The proxy image's entrypoint: runs its command as nobody (65534) with only the engine socket's group, no
# capabilities and no way to gain privileges. The container starts as root because a swarm service cannot be
# given the host's docker group (stack files have no group_add, and its number differs per node).
# NOTE: here and not in Node: Node refuses setgroups/setgid/setuid whenever libuv may use io_uring
# (CVE-2024-22017), which is always so for Debian's Node on the system libuv, whatever UV_USE_IO_URING says.
set -eu
socket=${DOCKER_SOCKET:-/var/run/docker.sock}
group=$(stat -c %g "$socket")
# A unix listener (the events profile) is made in a volume that root owns: its folder becomes nobody's, with
# its mode kept (the producer that shares the volume runs as another user).
case ${LISTEN:-} in
  /*) mkdir -p "$(dirname "$LISTEN")" && chown 65534 "$(dirname "$LISTEN")" ;;
esac
exec setpriv --reuid=65534 --regid=65534 --groups="$group" --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
