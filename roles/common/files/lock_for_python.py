"""Write the entries of hash-locked requirement files that apply to a target Python and CPU.

  python lock_for_python.py PYTHON_X.Y MACHINE OUT LOCK...
The locks are universal (uv's markers choose per Python version); `pip download --python-version`
evaluates markers for the controller's own Python, so a VM on another Python would get the wrong
versions. This evaluates them for the VM's and writes the chosen entries, hashes kept, without
markers, for `pip download --require-hashes --no-deps -r OUT`.
"""

import re
import sys
from pathlib import Path

from packaging.markers import Marker

python, machine, out, *locks = sys.argv[1:]
environment = {
    "python_version": python,
    "python_full_version": f"{python}.0",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_machine": machine,
}
chosen = []
for lock in locks:
    text = re.sub(r"\\\n", " ", Path(lock).read_text())
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement, _separator, hashes = line.partition(" --hash")
        name, _semicolon, marker = requirement.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate(environment):
            continue
        chosen.append(f"{name.strip()} --hash{hashes}" if hashes else name.strip())
Path(out).write_text("\n".join(chosen) + "\n")
