"""The secret_files module, as a role calls it (ansible on this machine, as root): the directories
and files with their modes and owners, nothing rewritten on a second run, a changed value or mode
put back, check mode writing nothing, and no value in its output."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the module chowns files: run as root")


def secret_files(state_dir, files, *, check=False):
    args = json.dumps({"state_dir": str(state_dir), "files": files})
    result = subprocess.run(  # noqa: S603 - our own module
        [
            str(Path(sys.executable).parent / "ansible"),
            "localhost",
            "-c",
            "local",
            "-m",
            "mlops_vm.lab.secret_files",
            "-a",
            args,
            *(["--check"] if check else []),
        ],
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


FILES = [{"name": "password", "value": "not-in-any-output"}, {"name": "token", "value": "x\ny", "owner": 1000}]


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


def test_puts_back_a_changed_value_and_mode(tmp_path):
    state = tmp_path / "service"
    secret_files(state, FILES)
    os.chmod(state / "secrets/token", 0o644)
    changed, _ = secret_files(state, [FILES[0] | {"value": "another"}, FILES[1]])
    assert changed["changed_files"] == ["password", "token"]
    assert (state / "secrets/password").read_text() == "another"
    assert oct((state / "secrets/token").stat().st_mode & 0o7777) == "0o400"
    assert sorted(p.name for p in (state / "secrets").iterdir()) == ["password", "token"]  # no temporary left


def test_check_mode_writes_nothing(tmp_path):
    state = tmp_path / "service"
    would, _ = secret_files(state, FILES, check=True)
    assert would["changed"] and would["changed_files"] == ["password", "token"] and not state.exists()


def test_makes_missing_parents_root_only(tmp_path):
    # As ansible.builtin.file's state=directory did: a role run alone on a fresh VM has no
    # /var/lib/mlops-vm yet.
    state = tmp_path / "var-lib/mlops-vm/service"
    written, _ = secret_files(state, FILES[:1])
    assert written["changed_files"] == ["password"]
    assert oct(state.parent.stat().st_mode & 0o7777) == "0o700" and state.parent.stat().st_uid == 0
