"""Mitogen's linear strategy, from the mitogen package in the controller's venv (requirements.txt).

The repository's ansible.cfg and Molecule's config select it (`strategy = mitogen_linear`): each VM
keeps one Python process for the whole run, so a task costs a message instead of a fresh
interpreter and module upload; a no-change re-run of the lab over SSH takes 0.6 of the time
(benchmarks/RESULTS.md). It changes how tasks travel, not what they do: `ANSIBLE_STRATEGY=linear`
runs the same playbooks without it. Not part of the built collection (galaxy.yml build_ignore):
a user of the collection picks a strategy in their own ansible.cfg.
"""

import getpass

import ansible_mitogen.strategy
import ansible_mitogen.transport_config
from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule

_remote_user = ansible_mitogen.transport_config.PlayContextSpec.remote_user


def _local_remote_user(spec):
    """The controller's own tasks (delegate_to: localhost) run as whoever runs Ansible, whatever
    ansible_user says, as with Ansible's local connection. Mitogen took ansible_user (or nothing)
    there, so `become` to that same user (root running as root) went through sudo, which a
    controller need not have. With the user known, Mitogen skips such a become as Ansible does,
    and the controller's tasks keep one Python for the run instead of a new interpreter per module:
    a no-change run of the lab (18 such tasks) cost the controller 31.8 CPU-s instead of 38.5."""
    if spec.transport() == "local":
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # a uid without a name: as before, ansible_user or nothing
            pass
    return _remote_user(spec)


ansible_mitogen.transport_config.PlayContextSpec.remote_user = _local_remote_user

__all__ = ["StrategyModule"]
