"""Tests mlops_vm.lab.s3_bucket_name, safe_path, requirement and host_name: one rule each, for every role."""

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_bucket_name
short_description: Whether a string is a valid S3 bucket name
description:
  - 3-63 characters of lower-case letters, digits, dots and hyphens, starting and ending with a
    letter or digit; no '..'; not an IP address; none of S3's reserved prefixes (xn--, sthree-,
    amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, --x-s3, --table-s3). The one rule for every
    bucket variable of the lab.
positional: _input
options:
  _input:
    description: The name.
    type: str
    required: true
"""

EXAMPLES = r"""
ok: "{{ 'mlflows3' is mlops_vm.lab.s3_bucket_name }}"
"""

RETURN = r"""
_value:
  description: Whether the name is valid.
  type: bool
"""

import posixpath
import re

BUCKET = re.compile(
    r"^(?!xn--|sthree-|amzn-s3-demo-)(?!.*(-s3alias|--ol-s3|--x-s3|--table-s3)$)(?!.*\.\.)"
    r"(?!(\d{1,3}\.){3}\d{1,3}$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
)
# Directories a lab role must never own, chown or fill (nor be the root of one).
SYSTEM = {
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/media",
    "/mnt",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/var",
    "/var/lib",
    "/var/cache",
    "/var/log",
    "/var/backups",
    "/var/tmp",
    "/var/run",
    "/var/spool",
}
SYSTEM_TREES = (
    "/bin/",
    "/boot/",
    "/dev/",
    "/etc/",
    "/lib/",
    "/lib32/",
    "/lib64/",
    "/proc/",
    "/run/",
    "/sbin/",
    "/sys/",
    "/usr/",
    "/var/log/",
    "/var/run/",
    "/var/spool/",
)


# A pip requirement: a name, extras, version constraints, environment markers; never an
# installer option (--extra-index-url ...) or a URL.
REQUIREMENT = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?"
    r"( *(==|>=|<=|~=|!=|<|>) *[A-Za-z0-9.*+!_-]+( *, *(==|>=|<=|~=|!=|<|>) *[A-Za-z0-9.*+!_-]+)*)?"
    r"( *;[ A-Za-z0-9_.<>=!\"'-]+)?$"
)
# A DNS name or an IPv4 address (what a Host header, a certificate name or a URL's host may be).
HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def requirement(value) -> bool:
    return isinstance(value, str) and bool(REQUIREMENT.match(value))


def host_name(value) -> bool:
    return isinstance(value, str) and bool(HOST_NAME.match(value))


def s3_bucket_name(value) -> bool:
    return isinstance(value, str) and bool(BUCKET.match(value))


def safe_path(value) -> bool:
    """An absolute, normalised path of a lab's own, not a system directory or inside one."""
    if not isinstance(value, str) or not value.startswith("/") or "\n" in value or " " in value:
        return False
    if posixpath.normpath(value) != value or "/../" in value + "/" or value.startswith("//"):
        return False
    return value not in SYSTEM and not value.startswith(SYSTEM_TREES)


class TestModule:
    def tests(self):
        return {
            "s3_bucket_name": s3_bucket_name,
            "safe_path": safe_path,
            "requirement": requirement,
            "host_name": host_name,
        }
