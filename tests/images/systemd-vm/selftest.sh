#!/usr/bin/env bash
# Self-test: systemd boots to a running system in the VM image with the Molecule platform options.
set -euo pipefail
image=$1
name="selftest-$$"
trap 'docker rm -f "$name" >/dev/null 2>&1' EXIT
docker run -d --name "$name" --cap-add SYS_ADMIN --cap-add NET_ADMIN --cap-add SYS_PTRACE \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined --cgroupns=host \
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp "$image" >/dev/null
for _ in $(seq 1 30); do
  state=$(docker exec "$name" systemctl is-system-running 2>/dev/null || true)
  case $state in
    running|degraded)
      docker exec "$name" sh -c 'grep -q " /proc/sys proc rw" /proc/mounts' || { echo "selftest $image: /proc/sys not writable" >&2; exit 1; }
      echo "selftest $image: systemd $state"
      exit 0 ;;
  esac
  sleep 1
done
echo "selftest $image: systemd did not come up (state: ${state:-none})" >&2
docker exec "$name" systemctl --failed --no-pager >&2 || true
exit 1
