#!/usr/bin/env bash
# Self-test: systemd boots to a running system in the VM image with the Molecule platform options.
set -euo pipefail
image=$1
name="selftest-$$"
source "$(dirname "$0")/../vm.sh"
trap 'docker rm -f "$name" >/dev/null 2>&1' EXIT
vm_run "$name" "$image"
if ! state=$(vm_booted "$name"); then
  echo "selftest $image: systemd did not come up (state: $state)" >&2
  docker exec "$name" systemctl --failed --no-pager >&2 || true
  exit 1
fi
docker exec "$name" sh -c 'grep -q " /proc/sys proc rw" /proc/mounts' || { echo "selftest $image: /proc/sys not writable" >&2; exit 1; }
echo "selftest $image: systemd $state"
