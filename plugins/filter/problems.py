"""Filter mlops_vm.lab.problems: what is wrong with a table of variables, one message each."""

from __future__ import annotations

DOCUMENTATION = r"""
name: problems
short_description: Check a table of variables against the lab's kinds of value
description:
  - Takes a dict of variable name to C([value, kind, extra arguments...]) and returns one message per variable
    whose value is not of its kind, naming the variable, the value (never for secrets) and what
    is allowed. Kinds are in C(plugins/module_utils/kinds.py) (port, s3_bucket_name,
    docker_memory, mlflow_duration...); C(KIND or empty) also takes ''; C(each KIND) checks every
    item of a list; C(range) takes the lowest and highest whole number allowed.
positional: _input
options:
  _input:
    description: The table.
    type: dict
    required: true
"""

EXAMPLES = r"""
problems: >-
  {{ {'mlflow_port': [mlflow_port, 'port'], 'backup_keep': [backup_keep, 'range', 1, 100]} | mlops_vm.lab.problems }}
"""

RETURN = r"""
_value:
  description: One sentence per wrong variable ([] when all are right).
  type: list
  elements: str
"""

from ansible_collections.mlops_vm.lab.plugins.module_utils.kinds import problems


class FilterModule:
    def filters(self):
        return {"problems": problems}
