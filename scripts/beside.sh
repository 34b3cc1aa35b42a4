#!/usr/bin/env bash
# beside.sh NAME COMMAND... -- MAIN...: run COMMAND at the lowest CPU priority (nice 19) beside
# MAIN, COMMAND's output kept in .cache/logs/NAME.log and printed after MAIN's, each line
# prefixed "NAME| ". Exits non-zero if either failed.
# Why: the Molecule scenarios leave about a fifth of the cores idle while their VMs start and
# answer; work that needs only the controller's CPU (pytest, make lab's controller side) takes
# that instead of running before them, and gives way whenever a scenario wants the CPU.
set -uo pipefail
name=${1:?usage: beside.sh NAME COMMAND... -- MAIN...}
shift
side=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do side+=("$1"); shift; done
[ $# -gt 1 ] && [ ${#side[@]} -gt 0 ] || { echo "usage: beside.sh NAME COMMAND... -- MAIN..." >&2; exit 2; }
shift
mkdir -p .cache/logs
log=.cache/logs/$name.log
nice -n 19 "${side[@]}" </dev/null >"$log" 2>&1 &
side_job=$!
"$@"
main=$?
wait "$side_job"
side_rc=$?
sed "s/^/$name| /" "$log"
[ "$side_rc" = 0 ] || echo "beside: $name FAILED (exit $side_rc; its output above, $name| lines, and in $log)"
[ "$main" = 0 ] && [ "$side_rc" = 0 ]
