"""Lookup plugin mlops_vm.lab.secret: one generated secret per host, kept on the controller."""

from __future__ import annotations

DOCUMENTATION = r"""
name: secret
short_description: A secret generated once per host and kept on the controller
description:
  - Returns the secret called NAME for the current host (or for O(host)), read from
    C(mlops_credentials_dir/<host>/NAME). The first use generates it (letters and digits) and
    writes it with mode 0600 in a 0700 directory; later runs read the same value, so a re-run
    never rotates a password. Deleting the file makes the next run generate a new one.
  - C(mlops_credentials_dir) defaults to C(credentials/) beside the playbook.
  - Two processes asking for the same new secret at once get the same value (the file is created
    atomically; the loser reads the winner's).
options:
  _terms:
    description: Names of the secrets.
    required: true
  host:
    description: Inventory hostname whose secret to return.
    type: str
  length:
    description: Length of a newly generated secret.
    type: int
    default: 32
"""

EXAMPLES = r"""
postgres_password: "{{ lookup('mlops_vm.lab.secret', 'postgres_password') }}"
"""

RETURN = r"""
_raw:
  description: The secrets, one per name.
  type: list
  elements: str
"""

import os
import secrets
import string

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase
from ansible_collections.mlops_vm.lab.plugins.module_utils.credentials import create_once, host_dir

ALPHABET = string.ascii_letters + string.digits


def read_or_create(path: str, length: int) -> str:
    if not os.path.exists(path):
        create_once(path, "".join(secrets.choice(ALPHABET) for _position in range(length)) + "\n")
    with open(path) as stored:
        value = stored.read().rstrip("\n")
    if not value:
        raise AnsibleError(f"the secret file {path} is empty: delete it to generate a new secret")
    return value


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        directory = host_dir(self._templar, variables or {}, self.get_option("host"))
        return [read_or_create(os.path.join(directory, name), self.get_option("length")) for name in terms]
