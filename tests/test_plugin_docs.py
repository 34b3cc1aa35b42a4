"""Every plugin's documentation parses, as `ansible-doc` reads it.

The test plugin `installed` once had a "when: ..." inside a plain YAML string: `ansible-doc -t test
mlops_vm.lab.installed` failed, and ansible-lint printed "Unable to parse documentation" yet passed.
The strings are read from the files (not imported), the way ansible-doc finds them.
"""

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# The plugin types a user can ask ansible-doc about; each file of them carries its documentation.
DOCUMENTED = ["filter", "lookup", "modules", "test"]
PLUGINS = sorted(p for kind in DOCUMENTED for p in (ROOT / "plugins" / kind).glob("*.py") if p.name != "__init__.py")


def doc_strings(path: Path) -> dict[str, str]:
    strings = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in {"DOCUMENTATION", "EXAMPLES", "RETURN"}:
                    strings[target.id] = node.value.value
    return strings


def test_there_are_plugins_to_check():
    assert len(PLUGINS) >= 10


@pytest.mark.parametrize("path", PLUGINS, ids=[f"{p.parent.name}/{p.name}" for p in PLUGINS])
def test_documentation_parses(path):
    strings = doc_strings(path)
    assert "DOCUMENTATION" in strings, f"{path.name} has no DOCUMENTATION"
    parsed = {}
    for name, text in strings.items():
        try:
            parsed[name] = yaml.safe_load(text)
        except yaml.YAMLError as error:
            pytest.fail(f"{path.name} {name}: {error}")
    documentation = parsed["DOCUMENTATION"]
    assert isinstance(documentation, dict) and documentation.get("short_description"), path.name
