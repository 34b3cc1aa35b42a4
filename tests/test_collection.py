"""The repository as the collection mlops_vm.lab: built, installed on plain ansible-core, sanity-clean.

The installed collection converging a VM is in the default scenario (molecule/default/verify.yml).
"""

import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = ROOT / ".cache/collection"  # scripts/install-collection.sh's default (the scenario installs its own)
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603 - our own tools


@pytest.fixture(scope="module")
def installed():
    result = run([str(ROOT / "scripts/install-collection.sh"), str(INSTALLED)])
    assert result.returncode == 0, result.stdout + result.stderr
    return INSTALLED / "collections/ansible_collections/mlops_vm/lab"


def test_the_tarball_holds_what_a_user_needs_and_nothing_of_the_repositorys_own(tmp_path):
    galaxy = Path(sys.executable).parent / "ansible-galaxy"
    result = run([str(galaxy), "collection", "build", "--output-path", str(tmp_path), str(ROOT)])
    assert result.returncode == 0, result.stderr
    with tarfile.open(next(tmp_path.glob("mlops_vm-lab-*.tar.gz"))) as built:
        names = set(built.getnames())
    assert {"roles/mlflow/tasks/main.yml", "plugins/lookup/secret.py", "playbooks/site.yml", "LICENSE"} <= names
    assert not [n for n in names if n.startswith(("credentials/", ".venv/", ".cache/", "tests/images/", "molecule/"))]


def test_it_installs_with_its_dependencies_on_plain_ansible_core(installed):
    listed = run([str(INSTALLED / "venv/bin/pip"), "list", "--format=freeze"]).stdout
    assert not [line for line in listed.splitlines() if line.startswith("ansible==")], "not plain ansible-core"
    collections = {p.parent.name + "." + p.name for p in installed.parent.parent.glob("*/*") if p.is_dir()}
    assert set(GALAXY["dependencies"]) | {"mlops_vm.lab"} <= collections


@pytest.mark.parametrize("playbook", ["site", "verify", "backup", "restore", "teardown", "report"])
def test_each_playbook_runs_by_its_name_from_the_installed_collection(installed, playbook):
    result = run(
        [
            str(INSTALLED / "venv/bin/ansible-playbook"),
            "--syntax-check",
            "-i",
            str(ROOT / "inventory/example.yml"),
            f"mlops_vm.lab.{playbook}",
        ],
        cwd=INSTALLED,
        env={"ANSIBLE_CONFIG": str(INSTALLED / "ansible.cfg"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_collection_the_code_uses_is_a_declared_dependency():
    used = set()
    for path in [*ROOT.glob("roles/**/*.yml"), *ROOT.glob("roles/**/*.j2"), *ROOT.glob("playbooks/**/*.yml")]:
        used |= set(re.findall(r"\b([a-z_]+\.[a-z_0-9]+)\.[a-z_0-9]+[:'\"(]", path.read_text()))
    known = {"ansible.builtin", "mlops_vm.lab", *GALAXY["dependencies"]}
    # Dotted names that are not plugins: facts, hostvars and result attributes.
    undeclared = {u for u in used if u.split(".")[0] in {"ansible", "community", "amazon", "kubernetes", "containers"}}
    assert undeclared - known == set()


def test_ansible_test_sanity_is_clean(installed):
    # ansible-test makes a venv per test and fetches get-pip.py from ci-files.testing.ansible.com,
    # out of reach here: its cache gets a stand-in that bootstraps pip from Python's own ensurepip.
    cache = Path.home() / ".ansible/test/cache"
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("get_pip_24_2.py",):
        if not (cache / name).exists():
            (cache / name).write_text("import ensurepip\nensurepip.bootstrap(upgrade=True)\n")
    result = run([str(Path(sys.executable).parent / "ansible-test"), "sanity", "--python", "3.11"], cwd=installed)
    assert result.returncode == 0, "\n".join(
        line for line in (result.stdout + result.stderr).splitlines() if line.startswith(("ERROR", "FATAL"))
    )


def test_changelog_fragments_name_known_sections():
    config = yaml.safe_load((ROOT / "changelogs/config.yaml").read_text())
    sections = {name for name, _ in config["sections"]} | {config["prelude_section_name"]}
    for fragment in (ROOT / "changelogs/fragments").glob("*.yml"):
        content = yaml.safe_load(fragment.read_text())
        assert set(content) <= sections, fragment.name
        assert all(isinstance(v, list) and all(isinstance(line, str) for line in v) for v in content.values())
