"""Filter mlops_vm.lab.port_conflicts: what is wrong with the ports a VM's services would listen on."""

from __future__ import annotations

DOCUMENTATION = r"""
name: port_conflicts
short_description: The problems of a VM's ports (shared, out of range, privileged)
description:
  - Takes a dict from what listens to its port, for everything that would listen on one VM and returns a list of
    problems, each naming the variables involved; an empty list when all is well.
positional: _input, allow_privileged, ssh_port
options:
  _input:
    description: What listens where, e.g. C(mlops_mlflow_port) to 5000 and C(s3_api_port) to 9000.
    type: dict
    required: true
  allow_privileged:
    description: Whether ports below 1024 are allowed.
    type: bool
    default: false
  ssh_port:
    description: The SSH port (privileged, and fine).
    type: int
    default: 22
"""

EXAMPLES = r"""
problems: "{{ {'mlops_mlflow_port': 9000, 's3_api_port': 9000} | mlops_vm.lab.port_conflicts }}"
"""

RETURN = r"""
_value:
  description: One sentence per problem.
  type: list
  elements: str
"""


def port_conflicts(ports: dict, allow_privileged: bool = False, ssh_port: int = 22) -> list[str]:
    problems, users = [], {}
    for name, port in ports.items():
        users.setdefault(int(port), []).append(name)
    for port, names in sorted(users.items()):
        if len(names) > 1:
            problems.append(f"{' and '.join(names)} would all listen on port {port}: give each its own")
        if not 1 <= port <= 65535:
            problems.append(f"{' and '.join(names)} must be 1-65535; got {port}")
        elif port < 1024 and port != int(ssh_port) and not allow_privileged:
            problems.append(
                f"{' and '.join(names)} would listen on privileged port {port} "
                "(below 1024: set mlops_allow_privileged_ports: true if you mean it)"
            )
    return problems


class FilterModule:
    def filters(self):
        return {"port_conflicts": port_conflicts}
