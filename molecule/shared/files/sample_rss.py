"""Sample the memory of a systemd service: the RSS of all processes in its cgroup, every 0.2 s.

Usage: python3 sample_rss.py UNIT OUT.json MAX_SECONDS
Stops at MAX_SECONDS or when OUT.json.stop exists, then writes {baseline_mb, peak_mb,
peak_growth_mb, samples} to OUT.json (baseline: the first sample).
"""

import json
import os
import sys
import time

unit, out, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
procs = f"/sys/fs/cgroup/system.slice/{unit}.service/cgroup.procs"


def rss_mb() -> float:
    total = 0
    with open(procs) as pids:
        for pid in pids.read().split():
            try:
                with open(f"/proc/{pid}/status") as status:
                    total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            except (FileNotFoundError, StopIteration):
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
