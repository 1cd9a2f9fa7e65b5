#!/bin/sh
# Prepares a fresh Debian/Ubuntu machine (as root) for the test suite: the host tools the
# end-to-end tests drive for real (Debian's linux-source is the kernel tree the kernel tests
# build), and ARM programs from Debian's archive as fixtures.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
PKGS="qemu-user-static qemu-system-arm qemu-utils mmdebstrap debootstrap dosfstools mtools fdisk
e2fsprogs bmap-tools xz-utils zstd openssl file sudo util-linux ca-certificates
linux-source make gcc libc6-dev flex bison bc libssl-dev libelf-dev kmod cpio rsync ccache"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  # A mirror mid-sync can fail one index; retry, then go on with what was fetched.
  apt-get update -q >/dev/null 2>&1 || { sleep 5; apt-get update -q >/dev/null 2>&1; } || echo "warning: apt-get update reported errors" >&2
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
scripts/fetch-fixtures.sh
