"""Run a command and sample the memory of its whole process tree (RSS summed over the command and
every descendant, every 0.1 s) until it exits; then print its exit code, wall time and peak.

python3 tree_rss.py OUT.json COMMAND [ARGS...]   (the command's output goes to OUT.json.log)
"""

import json
import subprocess
import sys
import time
from pathlib import Path

out, command = sys.argv[1], sys.argv[2:]
PAGE_KB = 4  # RSS in /proc/PID/statm counts pages


def tree_rss_mb(root: int) -> float:
    children, rss = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            rss[int(stat.parent.name)] = int((stat.parent / "statm").read_text().split()[1]) * PAGE_KB
        except (OSError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 1024


start = time.monotonic()
with open(out + ".log", "w") as log:
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - the caller's command
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
result = {"rc": process.returncode, "seconds": round(time.monotonic() - start, 1), "peak_rss_mb": round(peak)}
Path(out).write_text(json.dumps(result) + "\n")
print(json.dumps(result))
