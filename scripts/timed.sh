#!/usr/bin/env bash
# timed.sh NAME COMMAND...: run COMMAND, then print how long it took and how busy the machine's
# cores were meanwhile ("time: NAME N s, CPU P% busy"), keeping its exit code.
cpu_ticks() { # "busy idle" clock ticks of all cores since boot (/proc/stat; iowait counts as idle)
  local _cpu user nice system idle iowait irq softirq steal
  read -r _cpu user nice system idle iowait irq softirq steal _ </proc/stat
  echo "$(( user + nice + system + irq + softirq + steal )) $(( idle + iowait ))"
}
name=$1
shift
start=$(date +%s)
read -r busy0 idle0 < <(cpu_ticks)
"$@"
rc=$?
read -r busy1 idle1 < <(cpu_ticks)
busy=$(( 100 * (busy1 - busy0) / (busy1 - busy0 + idle1 - idle0 + 1) ))
echo "time: $name $(( $(date +%s) - start )) s, CPU $busy% busy$([ $rc -eq 0 ] || echo " (failed, exit $rc)")"
exit $rc
