"""Repository checks: every role documents its public variables in meta/argument_specs.yml."""

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
    assert [name for name in options if not name.startswith(prefix)] == []
