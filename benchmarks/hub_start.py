"""A class logging in to JupyterHub at once: the first N students of a logins file each log in
and start their own JupyterLab, each on their own session and thread, as a browser does (laptop.py's
hub_login and hub_open, copied beside this script). Prints JSON: servers started, wall time, and
each server's time from login to its JupyterLab answering, in ms.

  /opt/jupyterhub/bin/python hub_start.py HUB_URL LOGINS.json N
LOGINS.json: {"students": {name: password}} (bench.sh's class-logins.json).
"""

import json
import sys
import threading
import time
from pathlib import Path

from laptop import hub_login, hub_open
from load_stats import percentiles

url, logins_file, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
students = dict(list(json.loads(Path(logins_file).read_text())["students"].items())[:count])
took, failures = {}, {}


def start(name: str, password: str) -> None:
    begun = time.monotonic()
    try:
        session, status = hub_login(url, name, password)
        if status != 302:
            failures[name] = f"login {status}"
            return
        session.get(f"{url}/hub/spawn", timeout=300)
        opened = hub_open(session, url, name, 300)
        if opened["lab"] == 200:
            took[name] = time.monotonic() - begun
        else:
            failures[name] = f"lab {opened['lab']}"
    except Exception as error:  # noqa: BLE001 - counted and shown, the others go on
        failures[name] = repr(error)[:200]


begun = time.monotonic()
threads = [threading.Thread(target=start, args=item) for item in students.items()]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(
    json.dumps(
        {
            "servers": len(students),
            "started": len(took),
            "wall_s": round(time.monotonic() - begun, 1),
            "start_ms": percentiles(list(took.values())),
            "slowest_ms": round(max(took.values(), default=0) * 1000),
            "failures": dict(list(failures.items())[:3]),
        }
    )
)
