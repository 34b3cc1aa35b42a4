"""Print the entries of a lock file (uv pip compile --generate-hashes) the image does not have.

  python missing-from-image.py LOCK > additions.lock
The image's own packages come with the image (pin jupyter_image by digest to fix them); what the
lab adds is installed from the lock with --no-deps --require-hashes, so each added file is the
one locked. An entry whose marker does not apply to the image's Python is left out.
"""

import importlib.metadata
import re
import sys

from pip._vendor.packaging.markers import Marker  # the image's pip, so no dependency of our own

installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() for d in importlib.metadata.distributions()}
entry: list[str] = []


def flush() -> None:
    if not entry:
        return
    requirement, _semicolon, marker = entry[0].rstrip(" \\").partition(";")
    name = re.sub(r"[-_.]+", "-", re.split(r"[=<>!~\[ ]", requirement.strip())[0]).lower()
    if name not in installed and (not marker.strip() or Marker(marker.strip()).evaluate()):
        sys.stdout.write("".join(entry))
    entry.clear()


with open(sys.argv[1]) as lock:
    for line in lock:
        if line.strip().startswith("#") or not line.strip():
            continue
        if not line[0].isspace():
            flush()
        entry.append(line)
flush()
