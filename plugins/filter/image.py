"""Filter mlops_vm.lab.image_ref: an image reference as Docker lists it (RepoTags, RepoDigests)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: image_ref
short_description: Normalize a container image reference the way Docker lists it
description:
  - C(docker.io/library/postgres:17.6) and C(postgres:17.6) name the same image, but Docker lists
    only the short form in C(RepoTags). This returns that short form, with C(:latest) added when
    the reference has neither a tag nor a digest, so references can be compared.
positional: _input
options:
  _input:
    description: An image reference (name[:tag][@sha256:digest]).
    type: str
    required: true
"""

EXAMPLES = r"""
short_name: "{{ 'docker.io/library/postgres:17.6-bookworm' | mlops_vm.lab.image_ref }}"  # postgres:17.6-bookworm
"""

RETURN = r"""
_value:
  description: The normalized reference.
  type: str
"""


def image_ref(reference: str) -> str:
    name, at, digest = reference.partition("@")
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            if "/" not in name.split(":")[0]:
                name = "library/" + name
            break
    if name.startswith("library/"):
        name = name[len("library/") :]
    if not at and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name + at + digest


class FilterModule:
    def filters(self):
        return {"image_ref": image_ref}
