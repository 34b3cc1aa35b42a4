#!/usr/bin/env bash
# Remove Molecule test VMs (and their anonymous volumes) left over from an interrupted run.
set -euo pipefail
leftovers=$(docker ps -aq --filter label=owner=molecule)
if [ -n "$leftovers" ]; then
  echo "clean-test-vms: removing $(echo "$leftovers" | wc -l) leftover test VM(s)"
  docker rm -f -v $leftovers >/dev/null
fi
rm -rf "${HOME}/.ansible/tmp/molecule."* 2>/dev/null || true
