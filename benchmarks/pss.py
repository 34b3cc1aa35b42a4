"""Memory of the lab's services on a VM: PSS (proportional set size, from /proc/PID/smaps_rollup:
shared pages counted once across processes) per service, in MB. Prints JSON.

  python3 pss.py   (on the VM, as root)
Services: each running systemd unit of the lab (mlflow_serv, nginx, model servers, jupyterhub) by its main
process and descendants (the same on cgroup v1 and v2), and each container by every process in its
PID namespace: its init's tree and what `docker exec` started in it (a notebook run with nbconvert,
its kernel); the total is their sum.
"""

import json
import os
import subprocess
from pathlib import Path

SYSTEMCTL, DOCKER = "/usr/bin/systemctl", "/usr/bin/docker"


def run(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True).stdout  # noqa: S603 - fixed commands


def pss_kb(pid: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def tree(main: str) -> list[str]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children.setdefault(stat.read_text().rpartition(")")[2].split()[1], []).append(stat.parent.name)
        except OSError:
            continue
    pids, todo = [], [main] if main not in ("", "0") else []
    while todo:
        pids.append(todo.pop())
        todo.extend(children.get(pids[-1], []))
    return pids


def namespace(main: str) -> list[str]:
    """Every process in main's PID namespace (a container's)."""
    try:
        wanted = os.readlink(f"/proc/{main}/ns/pid")
    except (OSError, ValueError):
        return []
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if os.readlink(entry / "ns" / "pid") == wanted:
                pids.append(entry.name)
        except OSError:
            continue
    return pids


services = {}
units = run(
    SYSTEMCTL,
    "list-units",
    "--type=service",
    "--state=running",
    "--plain",
    "--no-legend",
    "mlflow*",
    "nginx*",
    "jupyterhub*",
)
for unit in (line.split()[0] for line in units.splitlines() if line.strip()):
    pids = tree(run(SYSTEMCTL, "show", "-p", "MainPID", "--value", unit).strip())
    services[unit.removesuffix(".service")] = {"processes": len(pids), "pss_mb": round(sum(map(pss_kb, pids)) / 1024)}
for name in run(DOCKER, "ps", "--format", "{{.Names}}").split():
    main = run(DOCKER, "inspect", "-f", "{{.State.Pid}}", name).strip()
    pids = namespace(main) if main not in ("", "0") else []
    services[f"container {name}"] = {"processes": len(pids), "pss_mb": round(sum(map(pss_kb, pids)) / 1024)}
print(json.dumps({"services": services, "total_mb": sum(s["pss_mb"] for s in services.values())}))
