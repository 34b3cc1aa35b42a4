"""The collection's modules, as a role calls them (the ansible CLI on this machine).

secret_files (as root): the directories and files with their modes and owners, nothing rewritten
on a second run, a changed value or mode put back, check mode writing nothing, and no value in its
output. dpkg_packages: on this (Debian) machine, the same packages and versions as
ansible.builtin.package_facts reads through apt's cache, which it replaces."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="secret_files chowns files: run as root")
needs_dpkg = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg (Debian, Ubuntu)")


def run_module(module, *args):
    """MODULE run on localhost with ARGS (-a ..., --check): its result and the whole output."""
    result = subprocess.run(  # noqa: S603 - Ansible's own CLI on a module
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
    return json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"], result.stdout


def secret_files(state_dir, files, *, check=False):
    args = json.dumps({"state_dir": str(state_dir), "files": files})
    return run_module("mlops_vm.lab.secret_files", "-a", args, *(["--check"] if check else []))


FILES = [{"name": "password", "value": "not-in-any-output"}, {"name": "token", "value": "x\ny", "owner": 1000}]


@needs_root
def test_writes_once_with_modes_and_owners(tmp_path):
    state = tmp_path / "service"
    first, output = secret_files(state, FILES)
    assert first["changed"] and first["changed_files"] == ["password", "token"]
    assert "not-in-any-output" not in output
    assert oct(state.stat().st_mode & 0o7777) == "0o700" and oct((state / "secrets").stat().st_mode & 0o7777) == "0o711"
    token = (state / "secrets/token").stat()
    assert (token.st_uid, token.st_gid, oct(token.st_mode & 0o7777)) == (1000, 0, "0o400")
    assert (state / "secrets/token").read_text() == "x\ny"
    again, _ = secret_files(state, FILES)
    assert not again["changed"] and again["changed_files"] == []


@needs_root
def test_puts_back_a_changed_value_and_mode(tmp_path):
    state = tmp_path / "service"
    secret_files(state, FILES)
    os.chmod(state / "secrets/token", 0o644)
    changed, _ = secret_files(state, [FILES[0] | {"value": "another"}, FILES[1]])
    assert changed["changed_files"] == ["password", "token"]
    assert (state / "secrets/password").read_text() == "another"
    assert oct((state / "secrets/token").stat().st_mode & 0o7777) == "0o400"
    assert sorted(p.name for p in (state / "secrets").iterdir()) == ["password", "token"]  # no temporary left


@needs_root
def test_check_mode_writes_nothing(tmp_path):
    state = tmp_path / "service"
    would, _ = secret_files(state, FILES, check=True)
    assert would["changed"] and would["changed_files"] == ["password", "token"] and not state.exists()


@needs_root
def test_makes_missing_parents_root_only(tmp_path):
    # As ansible.builtin.file's state=directory did: a role run alone on a fresh VM has no
    # /var/lib/mlops-vm yet.
    state = tmp_path / "var-lib/mlops-vm/service"
    written, _ = secret_files(state, FILES[:1])
    assert written["changed_files"] == ["password"]
    assert oct(state.parent.stat().st_mode & 0o7777) == "0o700" and state.parent.stat().st_uid == 0


def packages(module, *args):
    host, _ = run_module(module, *args)
    assert not host.get("changed")
    return host["ansible_facts"]["packages"]


def instances(found):
    return {(name, i["version"], i["arch"]) for name, items in found.items() for i in items}


@needs_dpkg
def test_dpkg_packages_same_as_package_facts():
    ours = packages("mlops_vm.lab.dpkg_packages")
    try:
        import apt  # noqa: F401
    except ImportError:
        if not Path("/usr/lib/python3/dist-packages/apt").exists():
            pytest.skip("package_facts (manager apt) needs python3-apt")
    theirs = packages("ansible.builtin.package_facts", "-a", "manager=apt")
    assert len(ours) > 50 and "dpkg" in ours
    assert instances(ours) == instances(theirs)
    assert {"name", "version", "arch", "source"} <= set(ours["dpkg"][0])


@needs_dpkg
def test_dpkg_packages_reads_in_check_mode_too():
    assert "dpkg" in packages("mlops_vm.lab.dpkg_packages", "--check")
