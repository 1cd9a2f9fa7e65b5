#!/bin/sh
# Downloads real ARM programs from Debian's archive for the emulation tests:
# busybox-static for arm64, armhf and armel, unpacked under .fixtures/<arch>/.
# Needs root (adds the foreign architectures to dpkg so apt-get download can find them).
set -eu
cd "$(dirname "$0")/.."
mkdir -p .fixtures
need=""
for arch in arm64 armhf armel; do
  [ -x ".fixtures/$arch/bin/busybox" ] || need="$need $arch"
done
[ -z "$need" ] && exit 0
for arch in $need; do dpkg --add-architecture "$arch"; done
# A security mirror mid-sync fails the update as a whole; the main archive is enough here.
apt-get update -q >/dev/null 2>&1 || echo "warning: apt-get update reported errors; trying the download anyway" >&2
tmp=$(mktemp -d)
chmod 755 "$tmp" # apt downloads as _apt
for arch in $need; do
  (cd "$tmp" && apt-get download -q "busybox-static:$arch" >/dev/null)
  mkdir -p ".fixtures/$arch"
  dpkg-deb -x "$tmp"/busybox-static_*_"$arch".deb ".fixtures/$arch"
  echo "fixture: .fixtures/$arch/bin/busybox"
done
rm -rf "$tmp"
