"""Action mlops_vm.lab.check_inputs: a role's variables have exactly the types its argument spec says,
then pass the role's own rules.

Ansible's own role argument validation converts rather than refuses: the string "alice" passes as
the list ["alice"], "false" as a boolean, and a later loop or condition then misbehaves after
the VM has been changed. This action refuses such values, naming each variable, the value given
and the type wanted, before anything changes. A role's other rules (names, ports, paths) are a
list of problems it works out in a task variable; they are read only once the types are right
(a rule written for a list would misread a string), in the same task: every run pays per task.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: check_inputs
short_description: Refuse role variables whose types differ from the role's argument spec, then any other problem
description:
  - Reads an entry point of a role's C(meta/argument_specs.yml) and checks each option that is set
    against its C(type) (and C(elements), and the C(options) of list or dict items), strictly; a
    list must be a list, a dict a dict, a bool a boolean, an int an integer (or a string of ASCII digits,
    as C(-e name=5000) gives), a float a number, a str or path a string.
  - Also refuses a value outside the option's C(choices), an unknown key in a dict item and a
    missing required key. Fails with one line per wrong variable.
  - Then, when every type is right, reads the variable named by O(rules), a list of problems the
    role worked out (empty strings ignored), and fails with them joined by C(; ). Does nothing else.
options:
  spec:
    description: Path of the role's meta/argument_specs.yml on the controller.
    type: path
    required: true
  entry_point:
    description: Entry point whose options to check.
    type: str
    default: main
  rules:
    description:
      - Name of a task variable holding a list of the role's other problems (strings), worked out
        only when every type is right. None when omitted.
    type: str
"""

EXAMPLES = r"""
- name: Check the variables' types strictly (a string is not a list), then the role's rules
  mlops_vm.lab.check_inputs:
    spec: "{{ role_path }}/meta/argument_specs.yml"
    rules: __example_problems
  vars:
    __example_problems: "{{ ['example_port must differ from 22'] if example_port == 22 else [] }}"
"""

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.yaml import yaml_load
from ansible.plugins.action import ActionBase
from ansible_collections.mlops_vm.lab.plugins.module_utils.kinds import number, whole_number


def kind(value) -> str:
    for python_type, name in ((bool, "a boolean"), (int, "a number"), (str, "a string"), (list, "a list")):
        if isinstance(value, python_type):
            return name
    return "a dict" if isinstance(value, dict) else type(value).__name__


def type_error(value, wanted: str) -> str | None:
    """Why VALUE is not of the argument spec's type WANTED, or None."""
    if wanted in ("str", "path"):
        ok, want = isinstance(value, str), "a string"
    elif wanted == "list":
        ok, want = isinstance(value, list), "a list (in YAML: [a, b] or one '- item' per line)"
    elif wanted == "dict":
        ok, want = isinstance(value, dict), "a dict"
    elif wanted == "bool":
        ok, want = isinstance(value, bool), "true or false, unquoted (with -e, as JSON: -e '{\"name\": true}')"
    elif wanted == "int":
        ok, want = whole_number(value) is not None, "a whole number (ASCII digits)"
    elif wanted == "float":
        ok, want = number(value) is not None, "a number"
    else:
        return None
    return None if ok else f"must be {want}; got {kind(value)}: {value!r}"


def check(name: str, value, spec: dict, errors: list[str]):
    problem = type_error(value, spec.get("type", "str"))
    if problem:
        errors.append(f"{name} {problem}")
        return
    if spec.get("choices") and value not in spec["choices"]:
        errors.append(f"{name} must be one of {spec['choices']}; got {value!r}")
        return
    if spec.get("type") == "list":
        for index, item in enumerate(value):
            element = spec.get("elements")
            problem = type_error(item, element) if element else None
            if problem:
                errors.append(f"{name}[{index}] {problem}")
            elif element == "dict" and spec.get("options"):
                check_options(f"{name}[{index}]", item, spec["options"], errors)
    elif spec.get("type") == "dict" and spec.get("options"):
        check_options(name, value, spec["options"], errors)


def check_options(name: str, item: dict, options: dict, errors: list[str]):
    unknown = sorted(set(item) - set(options))
    if unknown:
        errors.append(f"{name} has unknown keys {unknown}; allowed: {sorted(options)}")
    for key, sub in options.items():
        if key in item:
            check(f"{name}.{key}", item[key], sub, errors)
        elif sub.get("required"):
            errors.append(f"{name} needs the key {key}")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        with open(args["spec"]) as spec_file:
            specs = yaml_load(spec_file)  # libyaml's parser where PyYAML has it: every run checks each spec
            options = specs["argument_specs"][args.get("entry_point", "main")].get("options", {})
        errors, unevaluated = [], []
        for name, spec in options.items():
            if name not in task_vars:
                continue
            try:
                value = self._templar.template(task_vars[name])
            except Exception as error:  # noqa: BLE001 - a default derived from another wrong variable
                unevaluated.append(f"{name} cannot be worked out ({str(error).splitlines()[0]})")
                continue
            if spec.get("no_log"):
                problem = type_error(value, spec.get("type", "str"))
                if problem:
                    errors.append(f"{name} must be {spec.get('type', 'str')} (its value is a secret: not shown)")
                continue
            check(name, value, spec, errors)
        result["changed"] = False
        # A value that cannot be worked out is most often derived from a wrong one: name it only
        # when nothing else explains the failure.
        errors = errors or unevaluated
        if errors:
            result["failed"] = True
            result["msg"] = "Wrong type: " + "; ".join(errors)
            return result
        problems = [problem for problem in self._rules(args.get("rules"), task_vars) if problem]
        if problems:
            result["failed"] = True
            result["msg"] = "; ".join(str(problem) for problem in problems)
        else:
            result["msg"] = f"{len(options)} variables checked"
        return result

    def _rules(self, name, task_vars) -> list:
        """The role's other problems: the list in task variable NAME, worked out now."""
        if name is None:
            return []
        if not isinstance(name, str) or name not in task_vars:
            raise AnsibleActionFail(f"rules must name a variable of the task; got {name!r}")
        problems = self._templar.template(task_vars[name])
        if not isinstance(problems, list):
            raise AnsibleActionFail(f"{name} must work out to a list of problems; got {problems!r}")
        return problems
