"""Run a command; print its wall seconds, the CPU seconds of the command and its children (the
Ansible controller), and the CPU seconds this whole machine spent meanwhile (the VMs, their
engines and services, the controller), one line: "wall controller machine".

    python3 benchmarks/cpu_of.py COMMAND...   (the command's output goes to its own stdout)
"""

import os
import resource
import subprocess
import sys
import time


def busy_seconds() -> float:
    """CPU time spent by every core of this machine but idle and iowait (/proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    began, busy = time.monotonic(), busy_seconds()
    result = subprocess.run(sys.argv[2:], check=False)  # noqa: S603 - the command line given to the benchmark
    wall, machine = time.monotonic() - began, busy_seconds() - busy
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(sys.argv[1], "w") as out:
        print(f"{wall:.1f} {children.ru_utime + children.ru_stime:.1f} {machine:.1f}", file=out)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
