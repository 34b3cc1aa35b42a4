"""Tests mlops_vm.lab.<kind>: one per kind of value the lab's variables take (module_utils/kinds.py).

``port``, ``ipv4``, ``host_name``, ``s3_bucket_name``, ``s3_key_prefix``, ``login_name``,
``unix_user``, ``unit_name``, ``container_name``, ``hub_login``, ``pg_identifier``, ``release``, ``http_url``,
``https_url``, ``web_url``, ``apt_proxy``, ``s3_url``, ``email``, ``fingerprint``, ``secret``,
``requirement``, ``apt_package``, ``image``, ``docker_size``, ``docker_memory``,
``systemd_memory``, ``mlflow_duration``, ``x509_name``, ``safe_path``, ``volume``,
``pem_certificate``, ``pem_private_key``, ``password``, ``origin``, ``byte_size``, ``absolute_path``,
``interface_name``, ``name_constraint``, ``systemd_size``;
each checks the whole value against what its consumer
accepts. The ``mlops_vm.lab.problems`` filter applies the same checks to a table of variables.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_bucket_name
short_description: Whether a value is of one of the lab's kinds (here, a valid S3 bucket name)
description:
  - The collection's tests, one per kind of value (see the module's docstring), from
    C(plugins/module_utils/kinds.py). Each checks the whole value (never a prefix of it) against
    what its consumer accepts.
positional: _input
options:
  _input:
    description: The value.
    type: raw
    required: true
"""

EXAMPLES = r"""
ok: "{{ 'mlflows3' is mlops_vm.lab.s3_bucket_name and 5000 is mlops_vm.lab.port }}"
"""

RETURN = r"""
_value:
  description: Whether the value is of the kind.
  type: bool
"""

from ansible_collections.mlops_vm.lab.plugins.module_utils.kinds import KINDS


class TestModule:
    def tests(self):
        return {kind: check for kind, (check, _description) in KINDS.items() if kind not in ("file", "directory")}
