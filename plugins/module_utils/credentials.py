"""Where the lab keeps each host's credentials on the controller, and how a new one is written.

Shared by the lookups that generate credentials (``secret``, ``age_key``): the directory is
``mlops_credentials_dir/<host>`` (``credentials/`` beside the playbook by default), each file is
created once, mode 0600 in a 0700 directory, atomically and never over an existing one: two
processes creating the same file at once both end up with the first one's content.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


def host_dir(templar, variables: dict, host: str | None) -> str:
    """The controller directory of HOST's credentials (the current host's when HOST is empty)."""
    host = host or variables.get("inventory_hostname")
    base = variables.get("mlops_credentials_dir")
    base = templar.template(base) if base else os.path.join(variables.get("playbook_dir", "."), "credentials")
    return os.path.join(base, host)


def create_once(path: str, content: str) -> None:
    """Write CONTENT to PATH unless PATH exists (then, or if another process wins, keep that one)."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".new-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as new:
            new.write(content)
        with contextlib.suppress(FileExistsError):  # another process created it first: keep theirs
            os.link(tmp, path)  # atomic
    finally:
        os.unlink(tmp)
