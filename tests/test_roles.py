"""Repository checks: every role documents its public variables in meta/argument_specs.yml."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ROLES = sorted(p.parent.parent for p in ROOT.glob("roles/*/defaults/main.yml"))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_defaults_and_argument_specs_agree(role: Path):
    defaults = set(load(role / "defaults/main.yml"))
    options = load(role / "meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    assert defaults - set(options) == set(), "defaults missing from argument_specs"
    undocumented = [name for name, spec in options.items() if not spec.get("description")]
    assert undocumented == []


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_public_variables_carry_the_role_prefix(role: Path):
    options = load(role / "meta/argument_specs.yml")["argument_specs"]["main"]["options"]
    prefix = role.name + "_"
    documented_exceptions = {"mlflow_served_models"}  # the name the course material uses
    assert [name for name in options if not name.startswith(prefix) and name not in documented_exceptions] == []


def bucket_pattern():
    return re.compile(load(ROOT / "roles/minio/vars/main.yml")["__minio_bucket_pattern"].strip())


@pytest.mark.parametrize("name", ["mlflows3", "my-bucket.v2", "abc", "a" * 63])
def test_bucket_names_s3_accepts(name):
    assert bucket_pattern().match(name)


@pytest.mark.parametrize(
    "name",
    ["Bad_Bucket", "ab", "a" * 64, "-start", "end-", "a..b", "192.168.1.10", "xn--idn", "my-s3alias", "under_score"],
)
def test_bucket_names_s3_rejects(name):
    assert not bucket_pattern().match(name)


def test_readme_variable_tables_match_argument_specs():
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts/variables_doc.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


LAB_CHOICES = {"mlflow_host", "jupyter_bind_address", "mlops_credentials_dir", "docker_users"}


def test_group_vars_agree_with_role_defaults():
    """group_vars/all.yml restates stack-wide choices; apart from the lab's own, they equal the defaults."""
    group_vars = load(ROOT / "group_vars/all.yml")
    defaults = {}
    for role in ROLES:
        defaults.update(load(role / "defaults/main.yml"))
    drift = {
        k: (v, defaults[k])
        for k, v in group_vars.items()
        if k in defaults and k not in LAB_CHOICES and v != defaults[k]
    }
    assert drift == {}
