#!/bin/sh
# Prepares a fresh Debian/Ubuntu machine (as root, or a user with passwordless sudo) for the
# test suite. The packages come from the product's own table (src/host/requirements.ts), by
# the product's own install step, so the build and the tests cannot need different lists:
# every part the suite drives (image, boot, kernel, pi-gen) plus what only the tests use.
# Then ARM programs from Debian's archive as fixtures.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
node dist/cli.js host-packages --install image boot base kernel pigen tests
scripts/fetch-fixtures.sh
