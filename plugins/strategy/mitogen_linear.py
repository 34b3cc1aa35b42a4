"""Mitogen's linear strategy, from the mitogen package in the controller's venv (requirements.txt).

The repository's ansible.cfg and Molecule's config select it (`strategy = mitogen_linear`): each VM
keeps one Python process for the whole run, so a task costs a message instead of a fresh
interpreter and module upload; a no-change re-run of the lab over SSH takes 0.6 of the time
(benchmarks/RESULTS.md). It changes how tasks travel, not what they do: `ANSIBLE_STRATEGY=linear`
runs the same playbooks without it. Not part of the built collection (galaxy.yml build_ignore):
a user of the collection picks a strategy in their own ansible.cfg.
"""

import functools
import getpass

import ansible.collections.list
import ansible_mitogen.planner
import ansible_mitogen.strategy
import ansible_mitogen.transport_config
from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule as _MitogenLinear

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


@functools.cache
def _installed_collection_dirs() -> tuple[str, ...]:
    """The installed collections' directories, listed once per run instead of once per task."""
    return tuple(path.decode() for path in ansible.collections.list.list_collection_dirs())


def _load_collections(invocation):
    """Mitogen lists every installed collection's directory (about 100 with the `ansible` package)
    for each task that runs a collection's module, in the worker Ansible forks for that task, so its
    own cache never outlives the task: 82 ms a task, 2.1 of a no-change run's 25 controller CPU-s.
    The list is made once, in the strategy's process, before any worker forks (they inherit it);
    collections are not installed in the middle of a run."""
    invocation._extra_sys_paths.update(_installed_collection_dirs())


ansible_mitogen.planner._load_collections = _load_collections


class StrategyModule(_MitogenLinear):
    def run(self, iterator, play_context, result=0):
        _installed_collection_dirs()
        return super().run(iterator, play_context, result)


__all__ = ["StrategyModule"]
