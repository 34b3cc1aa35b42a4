#!/usr/bin/env bash
# Start test VMs (systemd containers) by hand, with the options Molecule's create uses
# (playbooks/tasks/local-vm.yml). For benchmarks; remove them with `docker rm -f -v NAME`.
# Usage: scripts/start-test-vm.sh NAME... (DISTRO=debian13 for Debian 13; default debian12;
# DOCKER_STORE=mlops-test-image-store: a Debian 12 VM's Docker starts with the stand-ins loaded, as
# Molecule's do)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 NAME..." >&2; exit 2; }
# Each sees the stand-ins' archives read-only at /srv/mlops-test-images, as Molecule's VMs do.
json=$(python3 -c 'import json, sys; print(json.dumps({"test_vms": [
    {"name": n, "distro": sys.argv[1], "image_store": sys.argv[2], **({"docker_store": sys.argv[3]} if sys.argv[3] else {})}
    for n in sys.argv[4:]]}))' \
  "${DISTRO:-debian12}" "$PWD/.cache/images/archives" "${DOCKER_STORE:-}" "$@")
# The controller's venv runs the modules (interpreter discovery may find an unusable shim).
.venv/bin/ansible-playbook -i localhost, -c local -e ansible_python_interpreter="$PWD/.venv/bin/python" \
  molecule/shared/start-vms.yml -e "$json" >/dev/null
