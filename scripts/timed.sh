#!/usr/bin/env bash
# timed.sh NAME COMMAND...: run COMMAND, then print how long it took and how busy the machine's
# cores were meanwhile ("time: NAME N s, CPU P% busy"), keeping its exit code. The figures come
# from benchmarks/cpu_of.py, as the benchmarks' do.
name=$1
shift
figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
python3 "$(dirname "$0")/../benchmarks/cpu_of.py" "$figures" "$@"
rc=$?
read -r wall _controller machine <"$figures" || { wall=0 machine=0; }
busy=$(awk -v wall="$wall" -v machine="$machine" -v cores="$(nproc)" \
  'BEGIN { printf "%d", (wall > 0 ? 100 * machine / (wall * cores) : 0) }')
echo "time: $name ${wall%.*} s, CPU $busy% busy$([ $rc -eq 0 ] || echo " (failed, exit $rc)")"
exit $rc
