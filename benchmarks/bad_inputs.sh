#!/usr/bin/env bash
# What the bad-input suite costs: tests/test_bad_inputs.py's one site.yml preflight run (a host per
# case, every case a local connection), run through the first test that uses it. Prints, per run,
# the wall seconds, the CPU seconds of pytest and Ansible, and those of the whole machine.
#   benchmarks/bad_inputs.sh [RUNS]     (default 1; nothing else should run meanwhile)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for run in $(seq "${1:-1}"); do
  python3 benchmarks/cpu_of.py "$out" .venv/bin/pytest -q -p no:cacheprovider tests/test_bad_inputs.py \
    -k valid_input_passes >/dev/null
  read -r wall cpu machine <"$out"
  echo "bad-input suite, run $run: $wall s wall, $cpu CPU-s (pytest and Ansible), machine $machine CPU-s"
done
