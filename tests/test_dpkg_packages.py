"""The dpkg_packages module against what it replaces: on this (Debian) machine, the same packages
and versions as ansible.builtin.package_facts reads through apt's cache."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg (Debian, Ubuntu)")


def facts(module, *args):
    result = subprocess.run(  # noqa: S603 - Ansible's own CLI on our module
        [str(Path(sys.executable).parent / "ansible"), "localhost", "-c", "local", "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={
            **os.environ,
            "ANSIBLE_STRATEGY": "linear",
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "json",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    host = json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert not host.get("changed")
    return host["ansible_facts"]["packages"]


def instances(packages):
    return {(name, i["version"], i["arch"]) for name, items in packages.items() for i in items}


def test_same_packages_as_package_facts():
    ours = facts("mlops_vm.lab.dpkg_packages")
    try:
        import apt  # noqa: F401
    except ImportError:
        if not Path("/usr/lib/python3/dist-packages/apt").exists():
            pytest.skip("package_facts (manager apt) needs python3-apt")
    theirs = facts("ansible.builtin.package_facts", "-a", "manager=apt")
    assert len(ours) > 50 and "dpkg" in ours
    assert instances(ours) == instances(theirs)
    assert {"name", "version", "arch", "source"} <= set(ours["dpkg"][0])


def test_check_mode_reads_too():
    assert "dpkg" in facts("mlops_vm.lab.dpkg_packages", "--check")
