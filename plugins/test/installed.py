"""Test mlops_vm.lab.installed: whether every package of a list is on the VM, as read this run."""

from __future__ import annotations

DOCUMENTATION = r"""
name: installed
short_description: Whether every package of a list is installed, from the packages read this run
description:
  - True when the play has read the VM's packages (C(mlops_vm.lab.dpkg_packages), which the base
    role runs at its start, live, every run) and every name of the list is among them. False when
    one is missing, and when nothing was read (a role run alone), so an apt task whose condition
    is C(not (packages is mlops_vm.lab.installed(ansible_facts))) asks apt exactly as before.
positional: _input, facts
options:
  _input:
    description: The package names an apt task installs.
    type: list
    elements: str
    required: true
  facts:
    description: The host's C(ansible_facts).
    type: dict
    required: true
"""

EXAMPLES = r"""
skip_apt: "{{ ['nginx', 'certbot'] is mlops_vm.lab.installed(ansible_facts) }}"
"""

RETURN = r"""
_value:
  description: Whether all are installed.
  type: bool
"""


def installed(packages: list, facts: dict) -> bool:
    known = (facts or {}).get("packages")
    return known is not None and set(packages) <= set(known)


class TestModule:
    def tests(self):
        return {"installed": installed}
