"""Module mlops_vm.lab.secret_files: a service's secrets as files on the VM, in one task.

The roles' containers read their secrets from files mounted at /run/secrets. Writing them with
ansible.builtin.copy in a loop costs one round trip per file and per check on every run; this
module makes the state directory, its secrets directory and every file in one call, and writes
only what differs (content, owner or mode), atomically.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: secret_files
short_description: Write a service's secret files (and their root-only directories) in one call
description:
  - Makes O(state_dir) (root, 0700) and O(state_dir)/secrets (root, 0711, so a container's user
    may open its own file but list nothing), then each of O(files) in it, owned by its owner and
    group root, mode 0400. A file is rewritten (atomically, by rename) only when its content,
    owner or mode differs. Files not listed are left alone.
  - The values are never returned or logged; give the task C(no_log) as well.
  - Supports check mode (reports what would change, writes nothing).
options:
  state_dir:
    description: The service's state directory.
    type: path
    required: true
  files:
    description: The secret files.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: File name in O(state_dir)/secrets.
        type: str
        required: true
      value:
        description: Its content.
        type: str
        required: true
        no_log: true
      owner:
        description: Its owner, a user name or a numeric uid (the container's user).
        type: raw
        default: root
"""

EXAMPLES = r"""
- name: Write the secrets as files
  mlops_vm.lab.secret_files:
    state_dir: /var/lib/mlops-vm/postgres
    files:
      - {name: postgres_password, value: "{{ postgres_password }}"}
  no_log: true
"""

RETURN = r"""
changed_files:
  description: The names of the files written (or, in check mode, that would be).
  type: list
  elements: str
  returned: always
"""

import os
import pwd
import tempfile

from ansible.module_utils.basic import AnsibleModule


def uid_of(owner: int | str) -> int:
    return int(owner) if str(owner).isdigit() else pwd.getpwnam(str(owner)).pw_uid


def directory(path: str, mode: int, check: bool) -> bool:
    """Make PATH a directory owned by root with MODE; whether it changed. Missing parents are
    made the same way, as ansible.builtin.file's state=directory does."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        if not check:
            if not os.path.isdir(os.path.dirname(path)):
                directory(os.path.dirname(path), mode, check)
            os.mkdir(path, mode)
            os.chown(path, 0, 0)
            os.chmod(path, mode)
        return True
    if (found.st_mode & 0o7777, found.st_uid, found.st_gid) == (mode, 0, 0):
        return False
    if not check:
        os.chown(path, 0, 0)
        os.chmod(path, mode)
    return True


def secret_file(path: str, value: bytes, uid: int, check: bool) -> bool:
    """Write VALUE to PATH (owner UID, group root, 0400) unless it is there already; whether it changed."""
    try:
        found = os.lstat(path)
        with open(path, "rb") as current:
            same = current.read() == value and (found.st_mode & 0o7777, found.st_uid, found.st_gid) == (0o400, uid, 0)
    except FileNotFoundError:
        same = False
    if same or check:
        return not same
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".secret-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(value)
            out.flush()
            os.fsync(out.fileno())
        os.chown(temporary, uid, 0)
        os.chmod(temporary, 0o400)
        os.rename(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return True


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "state_dir": {"type": "path", "required": True},
            "files": {
                "type": "list",
                "elements": "dict",
                "required": True,
                "options": {
                    "name": {"type": "str", "required": True},
                    "value": {"type": "str", "required": True, "no_log": True},
                    "owner": {"type": "raw", "default": "root"},
                },
            },
        },
        supports_check_mode=True,
    )
    try:
        written, changed = write(module)
    except OSError as error:
        module.fail_json(msg=f"secret_files: {error}")
    module.exit_json(changed=changed, changed_files=written)


def write(module: AnsibleModule) -> tuple[list, bool]:
    """Write the directories and files; (the names of the files written, whether anything changed)."""
    check, state_dir = module.check_mode, module.params["state_dir"]
    secrets_dir = os.path.join(state_dir, "secrets")
    changed = directory(state_dir, 0o700, check)
    changed = directory(secrets_dir, 0o711, check) or changed
    written = []
    for item in module.params["files"]:
        if "/" in item["name"] or item["name"] in ("", ".", ".."):
            module.fail_json(msg=f"secret_files: {item['name']!r} is not a file name")
        try:
            uid = uid_of(item["owner"])
        except KeyError:
            module.fail_json(msg=f"secret_files: no user {item['owner']!r} on this VM (owner of {item['name']})")
        path = os.path.join(secrets_dir, item["name"])
        # In check mode a directory this run would make is not there: every file in it would be written.
        if (check and not os.path.isdir(secrets_dir)) or secret_file(path, item["value"].encode(), uid, check):
            written.append(item["name"])
    return written, changed or bool(written)


if __name__ == "__main__":
    main()
