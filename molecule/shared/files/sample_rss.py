"""Sample the memory of a systemd service: the RSS of its main process and descendants, every 0.2 s.

Usage: python3 sample_rss.py UNIT OUT.json MAX_SECONDS
Stops at MAX_SECONDS or when OUT.json.stop exists, then writes {baseline_mb, peak_mb,
peak_growth_mb, samples} to OUT.json (baseline: the first sample).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

unit, out, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])


def unit_pids() -> list[str]:
    """The unit's main process and all its descendants (works on cgroup v1 and v2 alike)."""
    main = subprocess.run(  # noqa: S603 - fixed command
        ["/usr/bin/systemctl", "show", "-p", "MainPID", "--value", unit], capture_output=True, text=True
    ).stdout.strip()
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(fields[1], []).append(stat.parent.name)
    pids, todo = [], [main] if main and main != "0" else []
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    return pids


def rss_mb() -> float:
    total = 0
    for pid in unit_pids():
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            pass
    return total / 1024


samples = [rss_mb()]
deadline = time.monotonic() + limit
while time.monotonic() < deadline and not os.path.exists(out + ".stop"):
    time.sleep(0.2)
    samples.append(rss_mb())
with open(out, "w") as result:
    json.dump(
        {
            "baseline_mb": round(samples[0]),
            "peak_mb": round(max(samples)),
            "peak_growth_mb": round(max(samples) - samples[0]),
            "samples": len(samples),
        },
        result,
    )
for leftover in (out + ".stop",):
    if os.path.exists(leftover):
        os.unlink(leftover)
