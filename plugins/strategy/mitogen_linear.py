"""Mitogen's linear strategy, from the mitogen package in the controller's venv (requirements.txt).

The repository's ansible.cfg and Molecule's config select it (`strategy = mitogen_linear`): each VM
keeps one Python process for the whole run, so a task costs a message instead of a fresh
interpreter and module upload; a no-change re-run of the lab over SSH takes 0.6 of the time
(benchmarks/RESULTS.md). It changes how tasks travel, not what they do: `ANSIBLE_STRATEGY=linear`
runs the same playbooks without it. Not part of the built collection (galaxy.yml build_ignore):
a user of the collection picks a strategy in their own ansible.cfg.
"""

import ansible_mitogen.strategy
from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule

# The controller's own tasks (delegate_to: localhost, inventory/local.yml) keep Ansible's local
# connection: Mitogen's would run sudo for `become` even as root, and gains little there.
ansible_mitogen.strategy.REDIRECTED_CONNECTION_PLUGINS = tuple(
    name for name in ansible_mitogen.strategy.REDIRECTED_CONNECTION_PLUGINS if name != "local"
)

__all__ = ["StrategyModule"]
