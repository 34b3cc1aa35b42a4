"""Checks of a role's names and schedules against the VM itself, for its preflight (reads only).

argv[1]: {"users": [{"variable", "name", "home"}], "units": [{"variable", "name"}],
          "calendars": [{"variable", "value"}]}
Prints {"problems": [...]}: one sentence per variable whose value the VM refuses or already uses
for something that is not the lab's.
"""

import json
import os
import pwd
import subprocess
import sys

MARK = "Ansible managed"  # the first line of every unit the lab writes ({{ ansible_managed }})


def user_problem(variable, name, home):
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        return None  # new: the role creates it
    if account.pw_uid == 0 or account.pw_dir != home:
        return (
            f"{variable} {name} is an account this VM already has for something else (uid {account.pw_uid},"
            f" home {account.pw_dir}): a lab service must run as a user of its own; choose another name"
        )
    return None


def unit_problem(variable, name):
    # The unit files on disk, where systemd loads them from (no running systemd needed to look).
    for directory in ("/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"):
        path = os.path.join(directory, f"{name}.service")
        if os.path.exists(path):
            try:
                with open(path) as unit:
                    ours = directory == "/etc/systemd/system" and MARK in unit.read(200)
            except OSError:
                ours = False
            if not ours:
                return f"{variable} {name}: {name}.service already exists on this VM ({path}), not the lab's own"
    return None


def calendar_problem(variable, value):
    checked = subprocess.run(  # noqa: S603 - as above
        ["systemd-analyze", "calendar", "--", value],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if checked.returncode == 0:
        return None
    reason = (checked.stderr.strip().splitlines() or ["refused"])[-1]
    return (
        f"{variable} must be a systemd calendar expression like '*-*-* 04:30:00'; systemd refuses {value!r}: {reason}"
    )


def main():
    checks = json.loads(sys.argv[1])
    problems = [user_problem(u["variable"], u["name"], u["home"]) for u in checks.get("users", [])]
    problems += [unit_problem(u["variable"], u["name"]) for u in checks.get("units", [])]
    problems += [calendar_problem(c["variable"], c["value"]) for c in checks.get("calendars", []) if c["value"]]
    print(json.dumps({"problems": [p for p in problems if p]}))


if __name__ == "__main__":
    main()
