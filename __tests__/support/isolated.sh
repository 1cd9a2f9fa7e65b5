#!/bin/sh
# Runs a command with a binfmt_misc of its own: a new user and mount namespace in which
# root may mount a fresh, empty binfmt_misc (Linux 6.7+ sandboxes it per user namespace).
# Handlers registered there affect only processes inside, so tests can break and fix
# emulation without touching the host's. Usage: isolated.sh mount|nomount CMD [ARGS...]
set -eu
if [ "${RPI_ISOLATED_INNER:-}" != 1 ]; then
  RPI_ISOLATED_INNER=1 exec unshare --user --map-root-user --mount --propagation private -- "$0" "$@"
fi
mode=$1
shift
if [ "$mode" = mount ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
elif [ "$mode" = hide ]; then
  mount -t tmpfs -o size=1m tmpfs /proc/sys/fs/binfmt_misc
fi
exec "$@"
