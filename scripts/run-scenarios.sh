#!/usr/bin/env bash
# Run Molecule scenarios (default: all), MOLECULE_JOBS at a time, keep going after a failure,
# print each scenario's wall time and a closing "N passed, N failed" line. Each scenario has its
# own VMs, ephemeral directory and log, and its line gives the CPU seconds its controller
# (Molecule, Ansible and their children) spent. Default 2 at a time: on 2 cores, 3 at a time
# kept the cores 94% busy against 82% and took as long (two CI runs: scenarios 2731 s with 3,
# 2776 s with 2, each scenario about 1.5 times slower with 3): they are bound by CPU.
# But two at a time leave the cores idle 18% of the time (both waiting: a service starting, a
# retry's delay, the disk), so MOLECULE_IDLE_JOBS more (default 1) run on what the others leave:
# at low priority (nice, and a low CPU weight for their VMs), shortest first from the end of the
# list while the others take the longest from its start. Measured, two CI runs of the same code
# but this: scenarios 2282 s with it (the cores 89% busy), 2606 s without (82%).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"  # molecule runs ansible-config, ansible-playbook from PATH
molecule=${MOLECULE:-molecule}
jobs=${MOLECULE_JOBS:-2}
idle_jobs=${MOLECULE_IDLE_JOBS:-1}
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  # Longest first (the whole-lab scenarios, then the role scenarios as measured), then any other.
  mapfile -t found < <(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml | cut -d/ -f2 | sort)
  for known in operations default classroom mlflow s3 jupyter base firewall postgres proxy; do
    for s in "${found[@]}"; do [ "$s" = "$known" ] && scenarios+=("$s"); done
  done
  for s in "${found[@]}"; do [[ " ${scenarios[*]} " == *" $s "* ]] || scenarios+=("$s"); done
fi
mkdir -p .cache/logs
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

stage_times() { # copy Molecule's output through; write "create 40 s, prepare ..." to file $1
  local line plain stage="" began=0 times=""
  shopt -s extglob
  while IFS= read -r line; do
    printf '%s\n' "$line"
    [[ $line == *➜* || $line == *"] Execut"* ]] || continue
    plain=${line//$'\e['*([0-9;])m/}  # without colours
    # Molecule's stage lines, on a terminal "<scenario> ➜ converge: Executing" ... "converge:
    # Executed: Successful", in CI's logs "INFO [<scenario> > converge] Executing" ... "Executed".
    if [[ $plain =~ ➜\ ([a-z_]+):\ Executing || $plain =~ \ \>\ ([a-z_]+)\]\ Executing ]]; then
      stage=${BASH_REMATCH[1]} began=$EPOCHSECONDS
    elif [[ -n $stage && ( $plain == *"➜ $stage: Executed"* || $plain == *"> $stage] Executed"* ) ]]; then
      times+="${times:+, }$stage $(( EPOCHSECONDS - began )) s" stage=""
      echo "$times" > "$1"
    fi
  done
}

run_one() { # run_one SCENARIO: molecule test, its result line in $results/SCENARIO
  local scenario=$1 start result log=".cache/logs/molecule-$1.log"
  start=$(date +%s)
  # A scenario's VM names are fixed: one run of each scenario at a time on this Docker engine,
  # whichever checkout starts it.
  # benchmarks/cpu_of.py writes "wall controller machine": the controller is molecule and all
  # below it on this machine (not the VMs' own processes).
  if flock "/tmp/mlops-vm-scenario-$scenario.lock" python3 benchmarks/cpu_of.py "$results/$scenario.cpu" \
      "$molecule" test -s "$scenario" 2>&1 | stage_times "$results/$scenario.stages" >"$log"; then
    result=passed
  else
    result=FAILED
  fi
  local _wall cpu=0 _machine
  read -r _wall cpu _machine <"$results/$scenario.cpu" 2>/dev/null
  printf '%-12s %-7s %4d s  controller %4d CPU-s  (%s)\n' "$scenario" "$result" $(( $(date +%s) - start )) \
    "${cpu%.*}" "$(cat "$results/$scenario.stages" 2>/dev/null)" > "$results/$scenario"
  echo "=== $(cat "$results/$scenario") (log: $log)"
  [ "$result" = passed ] || tail -80 "$log"
}

# Lanes: "main" ones take the next scenario from the start of the list, "idle" ones from its end.
declare -A lane_of=()  # running job's PID -> its lane
first=0 last=$(( ${#scenarios[@]} - 1 ))
while [ "$first" -le "$last" ]; do
  main=0 idle=0
  for lane in "${lane_of[@]}"; do
    if [ "$lane" = main ]; then main=$((main + 1)); else idle=$((idle + 1)); fi
  done
  if [ "$main" -lt "$jobs" ]; then
    scenario=${scenarios[first]} first=$((first + 1))
    echo "=== molecule test -s $scenario"
    run_one "$scenario" &
    lane_of[$!]=main
  elif [ "$idle" -lt "$idle_jobs" ]; then
    scenario=${scenarios[last]} last=$((last - 1))
    echo "=== molecule test -s $scenario (on the idle CPU: nice, its VMs' CPU weight low)"
    (renice -n 10 -p "$BASHPID" >/dev/null && MOLECULE_VM_CPU_SHARES=128 run_one "$scenario") &
    lane_of[$!]=idle
  else
    wait -n -p finished
    unset "lane_of[$finished]"
    continue
  fi
  sleep 20  # the scenarios' create steps do not start their VMs in the same second
done
wait

echo
results_lines=$(find "$results" -type f ! -name '*.stages' ! -name '*.cpu' -exec cat {} +)
echo "$results_lines"
passed=$(grep -c ' passed ' <<<"$results_lines")
failed=$(grep -c ' FAILED ' <<<"$results_lines")
echo "scenarios: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
