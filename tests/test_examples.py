"""Every example inventory passes site.yml's checks, its hosts mapped to this machine.

A variable renamed or removed in the roles, and still set in an example, is refused by the
preflight as unknown: this test then fails, so the examples users copy stay true.
"""

import json
import sys
from pathlib import Path

import pytest
import yaml
from test_bad_inputs import ROOT, ansible_playbook

EXAMPLES = [
    ROOT / "inventory/example.yml",
    ROOT / "inventory/classroom.example",
    ROOT / "inventory/team-split.example.yml",
    ROOT / "inventory/local.yml",
    ROOT / "inventory/lab.yml",
]


def lab_hosts(example: Path) -> set[str]:
    source = example / "hosts.yml" if example.is_dir() else example
    hosts, groups = set(), [yaml.safe_load(source.read_text())["all"]]
    while groups:
        group = groups.pop()
        hosts |= set((group.get("hosts") or {}).keys())
        groups += list((group.get("children") or {}).values())
    return hosts


def test_every_inventory_in_the_repository_is_an_example_here():
    listed = {p.relative_to(ROOT) for p in EXAMPLES}
    found = {p.relative_to(ROOT) for p in (ROOT / "inventory").iterdir() if p.suffix == ".yml" or p.is_dir()}
    assert found == listed


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_an_example_inventory_passes_the_checks(example: Path, tmp_path: Path):
    settings = {
        "mlops_preflight_only": True,
        "mlops_credentials_dir": str(tmp_path / "credentials"),
        "mlops_handouts_dir": str(tmp_path / "handouts"),
        # The example's hosts, on this machine: nothing reaches a VM.
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
    }
    run = ansible_playbook(example, "site.yml", "-e", json.dumps(settings), timeout=600)
    hosts = lab_hosts(example)
    checked = {line.split()[1] for line in run.stdout.splitlines() if line.strip().startswith("CHECKED")}
    assert run.returncode == 0 and checked == hosts, run.stdout[-3000:]
