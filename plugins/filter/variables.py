"""Filter mlops_vm.lab.unknown_variables: lab variables that nothing reads (a typo, a renamed one)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: unknown_variables
short_description: Name the lab variables set in the inventory or with -e that no role reads
description:
  - A variable with one of the lab's prefixes (C(mlops_), or a role's name and C(_)), or a
    misspelling of one (C(mlfow_)), that no argument spec and no role default defines is read by
    nothing. A misspelled C(mlfow_workers) or a pre-rename C(minio_root_user) would be dropped
    silently and the run would converge with the defaults. This returns one message per such
    variable, with the closest known name.
  - Variables with other prefixes are the user's own and are left alone.
positional: _input
options:
  _input:
    description: The names of the variables set for the host (C(hostvars[inventory_hostname].keys())).
    type: list
    elements: str
    required: true
  project_dir:
    description: The directory holding C(roles/) and C(playbooks/vars/) (the lab's specs and defaults).
    type: path
    required: true
"""

EXAMPLES = r"""
unknown: "{{ hostvars[inventory_hostname].keys() | mlops_vm.lab.unknown_variables(mlops_project_dir) }}"
"""

RETURN = r"""
_value:
  description: One message per unknown variable.
  type: list
  elements: str
"""

import difflib
from functools import lru_cache
from pathlib import Path

from ansible.module_utils.common.yaml import yaml_load  # libyaml's safe parser where present (4x)

# Prefixes the lab had before a rename: their variables now carry the new one.
RENAMED_PREFIXES = {"minio_": "s3_", "seaweedfs_": "s3_"}


def _load(path: Path) -> dict:
    return (yaml_load(path.read_text()) or {}) if path.is_file() else {}


def published_facts(role: Path) -> set:
    """The facts ROLE sets for others (postgres_service...): a later play's hostvars carry them."""
    names = set()
    for path in sorted((role / "tasks").glob("*.yml")):
        for task in _tasks(yaml_load(path.read_text()) or []):
            names |= {name for name in task.get("ansible.builtin.set_fact") or {} if not name.startswith("__")}
    return names


def _tasks(tasks: list):
    for task in tasks:
        yield task
        for key in ("block", "rescue", "always"):
            yield from _tasks(task.get(key) or [])


@lru_cache(maxsize=4)
def known_variables(project_dir: str) -> tuple[frozenset, tuple]:
    """(every variable the lab's roles and playbooks define, the lab's prefixes)."""
    root = Path(project_dir)
    names, prefixes = set(), {"mlops_"}
    for role in sorted((root / "roles").iterdir()):
        if not role.is_dir():
            continue
        prefixes.add(role.name + "_")
        names |= set(_load(role / "defaults/main.yml"))
        specs = _load(role / "meta/argument_specs.yml").get("argument_specs", {})
        for entry in specs.values():
            names |= set(entry.get("options") or {})
        names |= published_facts(role)
    for spec_file in sorted((root / "playbooks/vars").glob("*argument_specs.yml")):
        for entry in _load(spec_file).get("argument_specs", {}).values():
            names |= set(entry.get("options") or {})
    return frozenset(names), tuple(sorted(prefixes | set(RENAMED_PREFIXES)))


def hint(name: str, known: frozenset) -> str:
    for old, new in RENAMED_PREFIXES.items():
        if name.startswith(old) and new + name[len(old) :] in known:
            return f"renamed: {new + name[len(old) :]}"
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else "no lab variable is close to it"


def looks_like_the_labs(name: str, prefixes: tuple) -> bool:
    """NAME carries one of the lab's prefixes, or a misspelling of one (mlfow_, jupiter_)."""
    if name.startswith(prefixes):
        return True
    word = name.split("_", 1)[0]
    words = {prefix.split("_", 1)[0] for prefix in prefixes}
    return "_" in name and bool(difflib.get_close_matches(word, words, n=1, cutoff=0.8))


def unknown_variables(names, project_dir: str) -> list[str]:
    known, prefixes = known_variables(str(project_dir))
    return [
        f"{name} ({hint(name, known)})"
        for name in sorted(names)
        if not name.startswith("__") and name not in known and looks_like_the_labs(name, prefixes)
    ]


class FilterModule:
    def filters(self):
        return {"unknown_variables": unknown_variables}
