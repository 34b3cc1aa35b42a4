"""Memory of the lab's services on a VM: PSS (proportional set size, from /proc/PID/smaps_rollup:
shared pages counted once across processes) per service, in MB. Prints JSON.

  python3 pss.py   (on the VM, as root)
Services: each systemd unit of the lab (mlflow_serv, nginx, model servers) by its cgroup, and
each container by `docker top`; the total is their sum.
"""

import glob
import json
import subprocess
from pathlib import Path


def pss_kb(pid: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


services = {}
for procs in glob.glob("/sys/fs/cgroup/system.slice/*.service/cgroup.procs"):
    unit = procs.split("/")[-2].removesuffix(".service")
    if unit.startswith(("mlflow", "nginx")):
        pids = Path(procs).read_text().split()
        services[unit] = {"processes": len(pids), "pss_mb": round(sum(map(pss_kb, pids)) / 1024)}
DOCKER = "/usr/bin/docker"
names = subprocess.run([DOCKER, "ps", "--format", "{{.Names}}"], capture_output=True, text=True).stdout.split()  # noqa: S603
for name in names:
    top = subprocess.run([DOCKER, "top", name, "-o", "pid"], capture_output=True, text=True).stdout.split()[1:]  # noqa: S603
    services[f"container {name}"] = {"processes": len(top), "pss_mb": round(sum(map(pss_kb, top)) / 1024)}
print(json.dumps({"services": services, "total_mb": sum(s["pss_mb"] for s in services.values())}))
