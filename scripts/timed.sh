#!/usr/bin/env bash
# timed.sh NAME COMMAND...: run COMMAND, then print how long it took ("time: NAME N s"), keeping its exit code.
name=$1
shift
start=$(date +%s)
"$@"
rc=$?
echo "time: $name $(( $(date +%s) - start )) s$([ $rc -eq 0 ] || echo " (failed, exit $rc)")"
exit $rc
