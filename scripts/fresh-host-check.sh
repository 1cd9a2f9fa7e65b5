#!/usr/bin/env bash
# Proves the README's first command on a machine that never saw the project: a clean Debian
# bookworm root (amd64, minbase, plus git and ca-certificates, empty apt lists, as a new cloud
# or container image has), with only what a new machine of ours brings copied in (node and npm,
# and this network's CA bundle and npm cafile). The commit under test is cloned into it and the
# README's first command runs there exactly as written, as root. It passes only when an image
# comes out. Everything it made is removed at the end, mounts first, also when interrupted; a
# run that was killed outright is cleaned up by the next one.
#
# Usage: scripts/fresh-host-check.sh            (the commit at HEAD)
#   FRESH_REF=<commit>   another commit        FRESH_KEEP=1   keep the root (for a look inside)
#   FRESH_BASE=<folder>  where the root goes (default /var/tmp; needs about 5 GiB)
#   FRESH_UNTIL=<ERE>    stop the command (SIGTERM, as Ctrl-C or a cancelled job would) at its
#                        first output line matching this, then pass when it has ended and left
#                        nothing mounted in the checkout. CI's quick form: the first command's
#                        start (npm ci, host packages, QEMU registered and proven, packages
#                        configured under emulation) in minutes; without it, the whole build.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
COMMIT=$(git -C "$REPO" rev-parse "${FRESH_REF:-HEAD}")
BASE=${FRESH_BASE:-/var/tmp}
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
PREFIX=rpi-build-fresh-host-
[ "$(id -u)" = 0 ] || {
  echo "fresh-host-check: run as root (it makes a root filesystem and chroots into it)" >&2
  exit 2
}

# The processes whose root is the given folder or below it (a chroot into it).
pids_in() {
  local pid link
  for pid in /proc/[0-9]*; do
    link=$(readlink "$pid/root" 2>/dev/null) || continue
    case $link in "$1" | "$1"/*) echo "${pid#/proc/}" ;; esac
  done
}

# Undo one check folder: end what runs inside its root, unmount below it (deepest first,
# lazily if busy), and only then delete it. Only folders this script made (the marker).
undo() {
  local top=$1 root=$1/root pid mp left
  [ -f "$top/.fresh-host-check" ] || return 0
  for pid in $(pids_in "$root"); do kill -KILL "$pid" 2>/dev/null || true; done
  for _ in 1 2 3; do
    left=$(awk -v r="$root/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    [ -z "$left" ] && break
    for mp in $left; do umount "$mp" 2>/dev/null || umount --lazy "$mp" 2>/dev/null || true; done
  done
  if awk -v r="$root/" 'index($5, r) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    echo "fresh-host-check: still mounted below $root; not deleting it" >&2
    return 1
  fi
  rm -rf --one-file-system "$top"
}

# A run killed outright (SIGKILL) could not clean up: its folder's owner is gone.
for old in "$BASE/$PREFIX"*; do
  [ -f "$old/.fresh-host-check" ] || continue
  owner=$(cat "$old/.fresh-host-check")
  if ! kill -0 "$owner" 2>/dev/null; then
    echo "fresh-host-check: removing $old, left by a run that was killed"
    undo "$old" || true
  fi
done

TOP=$(mktemp -d "$BASE/${PREFIX}XXXXXX")
echo $$ >"$TOP/.fresh-host-check"
ROOT=$TOP/root
finish() {
  local code=$?
  trap - EXIT INT TERM
  if [ -n "${FRESH_KEEP:-}" ]; then echo "fresh-host-check: kept $TOP"; else undo "$TOP" || code=1; fi
  exit "$code"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
echo "::: fresh root: Debian bookworm amd64 minbase + git, ca-certificates"
mmdebstrap --variant=minbase --include=git,ca-certificates --architectures=amd64 \
  bookworm "$ROOT" "$MIRROR" >"$TOP/mmdebstrap.log" 2>&1 || {
  tail -20 "$TOP/mmdebstrap.log"
  exit 1
}
lists=$(find "$ROOT/var/lib/apt/lists" -name '*_Packages*' | wc -l)
echo "    made in $(($(date +%s) - t0)) s; apt package lists in it: $lists"

# What a new machine of ours has: Node.js and npm ...
cp -a "$(readlink -f "$(command -v node)")" "$ROOT/usr/bin/node"
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
mkdir -p "$ROOT/usr/lib/node_modules"
cp -a "$npm_dir" "$ROOT/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/bin/npx"
# ... and this network's CA (TLS goes through a proxy): the bundle, the local CA files (kept
# when a package in the root regenerates the bundle) and npm's cafile setting.
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
if [ -d /usr/local/share/ca-certificates ]; then
  cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
fi
cafile=$(npm config get cafile 2>/dev/null || true)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ]; then
  mkdir -p "$ROOT$(dirname "$cafile")"
  [ -f "$ROOT$cafile" ] || cp "$cafile" "$ROOT$cafile"
  echo "cafile=$cafile" >"$ROOT/root/.npmrc"
fi

for m in proc sys dev; do mkdir -p "$ROOT/$m"; done
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys"
mount --make-rslave "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
mount --make-rslave "$ROOT/dev"

git clone -q "$REPO" "$ROOT/root/rpi-build"
git -C "$ROOT/root/rpi-build" checkout -q --detach "$COMMIT"

# The README's first command: the first line of its first sh block that is not a comment.
CMD=$(awk '/^```sh/ { inblock = 1; next } inblock && /^```/ { exit } inblock && !/^#/ && NF { print; exit }' "$REPO/README.md")
echo "::: in the fresh root, as root, at commit ${COMMIT:0:12}: $CMD"
env_in=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb)
[ -n "${NODE_EXTRA_CA_CERTS:-}" ] && env_in+=("NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
until=${FRESH_UNTIL:-}
[ -n "$until" ] && echo "    (stopped at the first line matching: $until)"
start=$(date +%s)
set +e
# timeout forwards a SIGTERM it gets to the command's whole process group.
(
  echo "$BASHPID" >"$TOP/command.pid"
  exec timeout --kill-after=30 45m chroot "$ROOT" /usr/bin/env -i "${env_in[@]}" \
    /bin/bash -c 'cd /root/rpi-build && eval "$1"' bash "$CMD"
) 2>&1 |
  while IFS= read -r line; do
    printf '[%4ds] %s\n' "$(($(date +%s) - start))" "$line"
    if [ -n "$until" ] && [ ! -f "$TOP/until-seen" ] && [[ $line =~ $until ]]; then
      touch "$TOP/until-seen"
      kill -TERM "$(cat "$TOP/command.pid")" 2>/dev/null || true
    fi
  done |
  tee "$TOP/readme-command.log"
code=${PIPESTATUS[0]}
set -e
total=$(($(date +%s) - start))

if [ -n "$until" ]; then
  [ -f "$TOP/until-seen" ] || {
    echo "FAILED: the README's first command exited $code on a fresh root before printing a line matching: $until"
    exit 1
  }
  # The shell went at once; rpi-build ends its children before it exits.
  for _ in $(seq 120); do
    inside=$(pids_in "$ROOT")
    [ -z "$inside" ] && break
    sleep 1
  done
  if [ -n "$inside" ]; then
    echo "FAILED: 120 s after SIGTERM, processes still run in the fresh root:"
    for pid in $inside; do tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null && echo; done
    exit 1
  fi
  left=$(awk -v r="$ROOT/root/rpi-build/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo)
  if [ -n "$left" ]; then
    echo "FAILED: stopped with SIGTERM, the command left mounts in the checkout: $left"
    exit 1
  fi
  echo "PASSED: the README's first command on a fresh root reached \"$(grep -E -m1 -- "$until" "$TOP/readme-command.log" | sed -E 's/^\[ *[0-9]+s\] //')\" in $total s; stopped there, it ended its processes and left nothing mounted"
  exit 0
fi

images=$(find "$ROOT/root/rpi-build/out" -maxdepth 1 -name '*.img.xz' 2>/dev/null || true)
echo "::: timings (s): whole command $total"
# npm ci ends where rpi-build's first heading (==>) starts.
awk '/\] ==> / { sub(/^\[ */, ""); sub(/s\].*/, ""); print "    npm ci (and start-up) " $0; exit }' "$TOP/readme-command.log"
grep -E '^\[ *[0-9]+s\]     [A-Z].*: [0-9.]+ s$' "$TOP/readme-command.log" | sed -E 's/^\[ *[0-9]+s\] +/    /' || true
if [ "$code" -ne 0 ] || [ -z "$images" ]; then
  echo "FAILED: the README's first command exited $code on a fresh root$([ -z "$images" ] && echo ', and no image came out')"
  exit 1
fi
echo "PASSED: $(basename "$images") ($(du -h "$images" | cut -f1)) from the README's first command on a fresh root"
