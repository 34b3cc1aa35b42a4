#!/usr/bin/env bash
# Run Molecule scenarios one by one (default: all, as `molecule test --all`), keep going after a
# failure, print each scenario's wall time and a closing "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"  # molecule runs ansible-config, ansible-playbook from PATH
molecule=${MOLECULE:-molecule}
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  mapfile -t scenarios < <(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml | cut -d/ -f2 | sort)
fi
mkdir -p .cache/logs
passed=0 failed=0 summary=""
for scenario in "${scenarios[@]}"; do
  start=$(date +%s)
  log=".cache/logs/molecule-$scenario.log"
  echo "=== molecule test -s $scenario (log: $log)"
  if "$molecule" test -s "$scenario" >"$log" 2>&1; then
    result=passed; passed=$((passed + 1))
  else
    result=FAILED; failed=$((failed + 1))
    tail -80 "$log"
  fi
  line="$(printf '%-12s %-7s %4d s' "$scenario" "$result" $(( $(date +%s) - start )))"
  echo "$line"; summary+="$line"$'\n'
done
printf '\n%s' "$summary"
echo "scenarios: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
