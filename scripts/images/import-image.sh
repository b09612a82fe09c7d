# Sourced by scripts/openfaas/test-env.sh and scripts/stack/images.sh (each defines `say`), so both make their
# small server images the same way.
# import_image: a tiny image from static (or libc-only) binaries: rootfs + docker import, rebuilt only when the
# files change (their hash is the image's content.sha256 label). The rootfs has a world-writable /tmp and an empty
# state folder, IMPORT_DATA_DIR (default /data).
import_image() { # image, entrypoint JSON, source:destination...
  local image=$1 entry=$2; shift 2
  local pair sum; sum=$(for pair in "$@"; do cat "${pair%%:*}"; done | sha256sum | cut -c1-16)
  [ "$(docker image inspect -f '{{index .Config.Labels "content.sha256"}}' "$image" 2>/dev/null || true)" = "$sum" ] && return 0
  local rootfs; rootfs=$(mktemp -d)
  mkdir -p "$rootfs/tmp" "$rootfs${IMPORT_DATA_DIR:-/data}" && chmod 1777 "$rootfs/tmp"
  for pair in "$@"; do mkdir -p "$rootfs$(dirname "${pair#*:}")" && cp -L "${pair%%:*}" "$rootfs${pair#*:}"; done
  tar -C "$rootfs" --owner=0 --group=0 -c . | docker import -c "LABEL content.sha256=$sum" -c "ENTRYPOINT $entry" - "$image" >/dev/null
  rm -rf "$rootfs"
  say "$image imported"
}
