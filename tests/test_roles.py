"""Repository checks: every role documents its variables in meta/argument_specs.yml, per entry point."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# The roles with variables of their own; roles/mlops holds only the lab's settings (mlops_*).
ROLES = sorted(p.parent.parent for p in ROOT.glob("roles/*/defaults/main.yml") if p.parent.parent.name != "mlops")
SETTINGS = ROOT / "roles/mlops/defaults/main.yml"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def options(role: Path) -> dict:
    """Every option of every entry point of the role."""
    specs = load(role / "meta/argument_specs.yml")["argument_specs"]
    return {name: spec for entry in specs.values() for name, spec in entry.get("options", {}).items()}


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_defaults_and_argument_specs_agree(role: Path):
    defaults = set(load(role / "defaults/main.yml"))
    assert defaults - set(options(role)) == set(), "defaults missing from argument_specs"
    undocumented = [name for name, spec in options(role).items() if not spec.get("description")]
    assert undocumented == []


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_public_variables_carry_the_role_prefix(role: Path):
    prefix = role.name + "_"
    documented_exceptions = {"mlflow_served_models"}  # the name the course material uses
    assert [name for name in options(role) if not name.startswith(prefix) and name not in documented_exceptions] == []


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_no_role_default_reads_another_roles_variable(role: Path):
    """A role's inputs are its own variables: the playbooks pass values across roles."""
    text = (role / "defaults/main.yml").read_text()
    others = sorted({p.name for p in ROLES} - {role.name, "common"})
    borrowed = [name for name in others if re.search(rf"{{{{[^}}]*\b{name}_\w+", text)]
    borrowed += ["mlops"] if re.search(r"{{[^}]*\bmlops_(?!vm\.)\w+", text) else []
    assert borrowed == []


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_every_role_has_the_entry_points_the_playbooks_call(role: Path):
    """tasks/check-inputs.yml runs preflight (types checked against the main spec), verify.yml verify, in every role."""
    if role.name != "common":
        assert (role / "tasks/preflight.yml").read_text().count("mlops_vm.lab.check_inputs") == 1
        assert (role / "tasks/verify.yml").exists() or role.name == "base"


def test_readme_variable_tables_match_argument_specs():
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts/variables_doc.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_lab_settings_restate_no_role_default():
    """roles/mlops holds the lab's own choices, not copies of role defaults."""
    settings = load(SETTINGS)
    defaults = {}
    for role in ROLES:
        defaults.update(load(role / "defaults/main.yml"))
    assert {k: v for k, v in settings.items() if k in defaults and v == defaults[k]} == {}


def test_lab_settings_are_all_type_checked():
    spec = load(ROOT / "playbooks/vars/lab_argument_specs.yml")["argument_specs"]["lab"]["options"]
    assert set(load(SETTINGS)) - set(spec) - {"mlops_project_dir"} == set()  # derived, not an input


PLAYBOOKS = [ROOT / "site.yml", *sorted(ROOT.glob("playbooks/*.yml"))]


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=lambda p: p.name)
def test_every_play_that_reads_the_lab_settings_loads_them(playbook: Path):
    """At role-default precedence, so an inventory value wins at any level (a group's vars: too)."""
    plays = [play for play in yaml.safe_load(playbook.read_text()) if "hosts" in play]
    settings = re.compile(rf"\b({'|'.join(load(SETTINGS))})\b")
    missing = [
        play["name"]
        for play in plays
        if settings.search(yaml.safe_dump(play)) and "mlops_vm.lab.mlops" not in play.get("roles", [])
    ]
    assert missing == []


def test_the_wired_variables_are_the_ones_the_wiring_sets():
    """preflight refuses these in the inventory and group_vars/all.yml leaves them out: both need the whole list."""
    wiring = {name for name in load(ROOT / "roles/mlops/vars/main.yml") if not name.startswith("__")}
    assert wiring == set(load(ROOT / "playbooks/vars/wired_variables.yml"))


OPERATIONS = sorted(ROOT.glob("playbooks/*.yml")) + sorted(ROOT.glob("playbooks/tasks/*.yml"))


def role_includes(tasks: list) -> list[tuple[str, str, dict]]:
    """(role, entry point, task) for every include_role or import_role of TASKS, blocks included."""
    found = []
    for task in tasks or []:
        for key in ("block", "rescue", "always", "tasks"):
            found += role_includes(task.get(key, []))
        for action in ("ansible.builtin.include_role", "ansible.builtin.import_role"):
            if action in task:
                found.append(
                    (task[action]["name"].removeprefix("mlops_vm.lab."), task[action].get("tasks_from", "main"), task)
                )
    return found


def operations_run() -> list[tuple[str, str, dict]]:
    return [found for path in OPERATIONS for found in role_includes(yaml.safe_load(path.read_text()))]


def test_the_operations_wire_roles_through_vars_not_public_defaults():
    """Data flows one way: no include is public, no include passes the wired variables itself.

    An import_role is public whatever it says: the imported role's defaults reach the rest of the
    play, even from an included file (checked on ansible-core 2.19).
    """
    wired = set(load(ROOT / "playbooks/vars/wired_variables.yml"))
    public, passed = [], []
    for role, entry, task in operations_run():
        imported = "ansible.builtin.import_role" in task
        public += [f"{role}/{entry}"] if imported or task["ansible.builtin.include_role"].get("public") else []
        passed += [f"{role}/{entry}: {name}" for name in task.get("vars", {}) if name in wired]
    assert (public, passed) == ([], [])


def test_every_play_that_runs_a_role_loads_the_wiring():
    """The wiring is the mlops role's vars/main.yml: a play that runs a role lists that role."""
    missing = []
    for path in sorted(ROOT.glob("playbooks/*.yml")):
        for play in yaml.safe_load(path.read_text()):
            runs_roles = "hosts" in play and role_includes(play.get("tasks", []))
            if runs_roles and "mlops_vm.lab.mlops" not in play.get("roles", []):
                missing.append(f"{path.name}: {play['name']}")
    assert missing == []


@pytest.mark.parametrize("role", [*ROLES, ROOT / "roles/mlops"], ids=lambda p: p.name)
def test_no_role_uses_another_roles_private_names(role: Path):
    """__<role>_* names are a role's internals: no other role (nor the playbooks' __lab_*) appears in it.

    The lab's own role (mlops, whose vars/main.yml is the playbooks' wiring) and the playbooks share __lab_*.
    """
    owners = sorted([p.name for p in ROLES] + ["lab"], key=len, reverse=True)
    own = "lab" if role.name == "mlops" else role.name
    borrowed = set()
    for path in role.rglob("*"):
        if path.is_file() and path.suffix in {".yml", ".j2"}:
            for name in re.findall(r"\b__([a-z][a-z0-9_]*)", path.read_text()):
                owner = next((o for o in owners if name.startswith(o + "_")), own)
                if owner != own:
                    borrowed.add(f"{path.relative_to(ROOT)}: __{name}")
    assert sorted(borrowed) == []


def test_every_entry_point_of_a_role_is_run_by_an_operation():
    """A tasks file no other file of its role includes is an entry point: some operation's playbook runs it."""
    run = {(role, entry) for role, entry, _ in operations_run()}
    unrun = []
    for role in ROLES:
        if role.name == "common":  # internal: its entry points are the other roles' helpers
            continue
        tasks = {p.stem: p.read_text() for p in (role / "tasks").glob("*.yml")}
        included = {name for text in tasks.values() for name in re.findall(r"_tasks: (\S+)\.yml", text)}
        # An include by a templated name ("install-{{ docker_install_from }}.yml") covers every file it can name.
        prefixes = [p for text in tasks.values() for p in re.findall(r"_tasks: \"?([\w-]*)\{\{", text)]
        included |= {name for name in tasks for prefix in prefixes if name.startswith(prefix)}
        unrun += [f"{role.name}/{e}" for e in sorted(set(tasks) - included) if (role.name, e) not in run]
    missing = [
        f"{role}/{entry}" for role, entry in sorted(run) if not (ROOT / f"roles/{role}/tasks/{entry}.yml").exists()
    ]
    assert unrun == [], "entry points no operation runs"
    assert missing == [], "operations run entry points that do not exist"


SCENARIOS = {path.parent.name: load(path) for path in ROOT.glob("molecule/*/molecule.yml")}
WHOLE_LAB = {"default", "operations", "classroom"}


def roles_under_test(scenario: str) -> list[str]:
    """test_roles (converged by molecule/shared/converge-role.yml), then any role the scenario's converge.yml adds."""
    inventory = SCENARIOS[scenario].get("provisioner", {}).get("inventory", {}).get("group_vars", {})
    converge = ROOT / "molecule" / scenario / "converge.yml"
    added = [
        role for play in yaml.safe_load(converge.read_text()) for role, _, _ in role_includes(play.get("tasks", []))
    ]
    return inventory.get("all", {}).get("test_roles", []) + added


def test_every_role_has_a_scenario_of_its_own():
    tested = {role for scenario in SCENARIOS for role in roles_under_test(scenario)}
    assert {role.name for role in ROLES} - {"common"} - tested == set()
    assert set(SCENARIOS) - WHOLE_LAB == {scenario for scenario in SCENARIOS if roles_under_test(scenario)}


def test_readme_role_scenario_table_matches_the_scenarios():
    rows = re.findall(r"^\| (`[^|]+`) \| `(\w+)` \(", (ROOT / "README.md").read_text(), re.MULTILINE)
    table = {scenario: re.findall(r"`(\w+)`", roles) for roles, scenario in rows}
    assert table == {scenario: roles_under_test(scenario) for scenario in set(SCENARIOS) - WHOLE_LAB}
