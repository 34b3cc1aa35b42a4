#!/usr/bin/env bash
# Start a test VM (a systemd container) by hand, with the Molecule platform options of
# .config/molecule/config.yml. For benchmarks; remove it with `docker rm -f -v NAME`.
# Usage: scripts/start-test-vm.sh NAME [IMAGE]   (IMAGE defaults to mlops-test/debian12-systemd)
set -euo pipefail
name=${1:?usage: $0 NAME [IMAGE]}
docker run -d --name "$name" --hostname "$name" --cap-add SYS_ADMIN --cap-add NET_ADMIN --cap-add SYS_PTRACE \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined --cgroupns=host \
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v /var/lib/docker --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
  "${2:-mlops-test/debian12-systemd}" >/dev/null
