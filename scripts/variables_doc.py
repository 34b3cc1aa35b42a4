"""Render the README's variable tables from each role's meta/argument_specs.yml and defaults.

python scripts/variables_doc.py          rewrite the tables in README.md (between the markers)
python scripts/variables_doc.py --check  exit 1 if README.md is out of date (tests/ runs this)
"""

import sys
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


def render() -> str:
    roles = [r for r in ROLE_ORDER if (ROOT / "roles" / r / "meta/argument_specs.yml").exists()]
    roles += sorted(
        p.parent.parent.name
        for p in ROOT.glob("roles/*/meta/argument_specs.yml")
        if p.parent.parent.name not in roles and p.parent.parent.name != "common"  # internal: no user variables
    )
    out = []
    for role in roles:
        specs = yaml.safe_load((ROOT / "roles" / role / "meta/argument_specs.yml").read_text())
        main = specs["argument_specs"]["main"]
        defaults = yaml.safe_load((ROOT / "roles" / role / "defaults/main.yml").read_text()) or {}
        out += [
            f"### Role `{role}`: {main['short_description']}",
            "",
            "| Variable | Default | Description |",
            "|---|---|---|",
        ]
        for name, spec in main["options"].items():
            description = " ".join(str(spec.get("description", "")).split()).replace("|", "\\|")
            if spec.get("choices"):
                description += " One of: " + ", ".join(f"`{c}`" for c in spec["choices"]) + "."
            out.append(f"| `{name}` | {default_text(name, spec, defaults)} | {description} |")
        out.append("")
    return "\n".join(out)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    updated = f"{head}{BEGIN}\n{render()}{END}{tail}"
    if "--check" in sys.argv:
        if updated != text:
            print("README.md variable tables are out of date: run python scripts/variables_doc.py")
            return 1
        return 0
    readme.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
