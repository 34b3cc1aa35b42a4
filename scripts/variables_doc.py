"""Render the README's variable tables and group_vars/all.yml from the argument specs and defaults.

python scripts/variables_doc.py          rewrite the tables in README.md (between the markers)
                                         and group_vars/all.yml
python scripts/variables_doc.py --check  exit 1 if either is out of date (tests/ runs this)

The lab's settings (mlops_*) come from playbooks/vars/lab_argument_specs.yml and roles/mlops's
defaults; each role's from its meta/argument_specs.yml and defaults. group_vars/all.yml lists
every setting a deployment may set, at its default and commented out; it leaves out the role
variables the playbooks set themselves (playbooks/vars/wired_variables.yml).
"""

import sys
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- variables:begin -->", "<!-- variables:end -->"
ROLE_ORDER = [
    "base",
    "docker",
    "firewall",
    "postgres",
    "s3",
    "mlflow",
    "proxy",
    "jupyter",
    "mlflow_model_server",
    "backup",
]


def default_text(name: str, spec: dict, defaults: dict) -> str:
    value = defaults.get(name, spec.get("default"))
    if isinstance(value, str) and "mlops_vm.lab.secret" in value:
        return "generated per host"
    if spec.get("no_log"):
        wired = "site.yml passes" in str(spec.get("description", ""))
        return "set by site.yml" if wired else "`''` (a secret: put yours in Vault)"
    if isinstance(value, str) and "{{" in value:
        return "derived (see description)"
    if value is None:
        return "required" if spec.get("required") else ""
    text = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    text = text.removesuffix("\n...").removesuffix("...").strip()
    return f"`{text}`".replace("|", "\\|")


def sections() -> list[tuple[str, str, dict, Path]]:
    """(title, short description, options, defaults file): the lab's settings, then each role's."""
    lab = load(ROOT / "playbooks/vars/lab_argument_specs.yml")["argument_specs"]["lab"]
    found = [("The lab", lab["short_description"], lab["options"], ROOT / "roles/mlops/defaults/main.yml")]
    roles = [r for r in ROLE_ORDER if (ROOT / "roles" / r / "meta/argument_specs.yml").exists()]
    roles += sorted(
        p.parent.parent.name
        for p in ROOT.glob("roles/*/meta/argument_specs.yml")
        if p.parent.parent.name not in roles and p.parent.parent.name != "common"  # internal: no user variables
    )
    for role in roles:
        main = load(ROOT / "roles" / role / "meta/argument_specs.yml")["argument_specs"]["main"]
        found.append(
            (f"Role `{role}`", main["short_description"], main["options"], ROOT / "roles" / role / "defaults/main.yml")
        )
    return found


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def one_line(spec: dict) -> str:
    description = " ".join(str(spec.get("description", "")).split())
    if spec.get("choices"):
        description += " One of: " + ", ".join(f"`{c}`" for c in spec["choices"]) + "."
    return description


def render() -> str:
    out = []
    for title, summary, options, defaults_file in sections():
        defaults = load(defaults_file)
        out += [f"### {title}: {summary}", "", "| Variable | Default | Description |", "|---|---|---|"]
        for name, spec in options.items():
            description = one_line(spec).replace("|", "\\|")
            out.append(f"| `{name}` | {default_text(name, spec, defaults)} | {description} |")
        out.append("")
    return "\n".join(out)


GROUP_VARS_HEAD = """\
---
# This deployment's settings: every one the lab and its roles take, at its default, commented
# out. Uncomment and change what you need; the README's Variables section says more of each.
# Generated from the argument specs by `python scripts/variables_doc.py`, which a test runs.
#
# Where a value may be set, lowest to highest: the roles' defaults (what this file shows); a
# group's vars: in the inventory file, then the inventory's group_vars/all.yml; this file (read by
# site.yml, and by playbooks/*.yml through playbooks/group_vars); the inventory's
# group_vars/<group>.yml; a host's variables; -e on the command line. Secrets are generated per
# host when unset; set yours with Ansible Vault. The role variables the playbooks set themselves
# (playbooks/vars/wired_variables.yml) are not here: setting one is refused, naming the setting
# to use instead.
"""


def render_group_vars() -> str:
    wired = load(ROOT / "playbooks/vars/wired_variables.yml")
    out = [GROUP_VARS_HEAD.rstrip("\n")]
    for title, summary, options, defaults_file in sections():
        out += ["", f"# ---- {title.replace('`', '')}: {summary}"]
        for name, spec in options.items():
            if name in wired:
                continue
            if not out[-1].startswith("# ----"):
                out.append("")
            out += textwrap.wrap(one_line(spec).replace("`", ""), 98, initial_indent="# ", subsequent_indent="# ")
            if spec.get("no_log"):
                out.append(f"# {name}:  (a secret: generated per host when unset; yours in Ansible Vault)")
                continue
            out += ["# " + line if line else "#" for line in definition(name, spec, defaults_file)]
    return "\n".join(out) + "\n"


def definition(name: str, spec: dict, defaults_file: Path) -> list[str]:
    """The setting as its defaults file writes it (the author's layout kept), or its spec default."""
    lines = defaults_file.read_text().splitlines()
    for start, line in enumerate(lines):
        if line.startswith(f"{name}:"):
            end = start + 1
            while end < len(lines) and lines[end].startswith(" "):
                end += 1
            return lines[start:end]
    value = yaml.safe_dump(spec.get("default"), default_flow_style=True, width=1000)
    return [f"{name}: {value.strip().removesuffix('...').strip()}"]


def main() -> int:
    readme, group_vars = ROOT / "README.md", ROOT / "group_vars/all.yml"
    text = readme.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    wanted = {readme: f"{head}{BEGIN}\n{render()}{END}{tail}", group_vars: render_group_vars()}
    stale = [path for path, content in wanted.items() if not path.exists() or path.read_text() != content]
    if "--check" in sys.argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/variables_doc.py")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(exist_ok=True)
        path.write_text(wanted[path])
    return 0


if __name__ == "__main__":
    sys.exit(main())
