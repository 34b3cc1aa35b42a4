"""Filters for the S3 role: each user limited to its buckets, in MinIO's and SeaweedFS's terms."""

from __future__ import annotations

import json

DOCUMENTATION = r"""
name: s3_minio_calls
short_description: The mc admin calls that give each S3 user a policy limited to its buckets
description:
  - For each user, three calls of C(mc admin) inside the MinIO container, in order - create its policy
    (read, write and list its buckets, nothing else), add the user, attach the policy. The policy and
    the password go on stdin, never on a command line.
  - The other filter of this file, C(s3_seaweedfs_identities), gives the same limits as SeaweedFS's
    identities file (the admin first, with every action).
positional: _input
options:
  _input:
    description: The users, each C(name), C(password) and C(buckets).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
loop: "{{ s3_users | mlops_vm.lab.s3_minio_calls }}"
identities: "{{ s3_users | mlops_vm.lab.s3_seaweedfs_identities(s3_root_user, s3_root_password) }}"
"""

RETURN = r"""
_value:
  description: Each call's C(label), C(argv) and C(stdin).
  type: list
  elements: dict
"""

# What a user may do with its buckets (and their objects): read, write, delete, list, multipart.
BUCKET_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
OBJECT_ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
]
# SeaweedFS's actions, each limited to a bucket as ACTION:BUCKET.
SEAWEEDFS_USER_ACTIONS = ["Read", "Write", "List", "Tagging"]
SEAWEEDFS_ADMIN_ACTIONS = ["Admin", "Read", "List", "Tagging", "Write"]


def minio_policy(buckets: list[str]) -> dict:
    """A MinIO (IAM) policy: read, write and list these buckets, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": BUCKET_ACTIONS, "Resource": [f"arn:aws:s3:::{b}" for b in buckets]},
            {"Effect": "Allow", "Action": OBJECT_ACTIONS, "Resource": [f"arn:aws:s3:::{b}/*" for b in buckets]},
        ],
    }


def s3_minio_calls(users: list[dict]) -> list[dict]:
    calls = []
    for user in users:
        policy = f"{user['name']}-buckets"
        calls += [
            {
                "label": f"{user['name']}: policy",
                "argv": ["mc", "admin", "policy", "create", "local", policy, "/dev/stdin"],
                "stdin": json.dumps(minio_policy(user["buckets"])),
            },
            {
                "label": f"{user['name']}: user",
                "argv": ["mc", "admin", "user", "add", "local", user["name"]],
                "stdin": user["password"],
            },
            {
                "label": f"{user['name']}: attach",
                "argv": ["mc", "admin", "policy", "attach", "local", policy, "--user", user["name"]],
            },
        ]
    return calls


def s3_seaweedfs_identities(users: list[dict], root_user: str, root_password: str) -> dict:
    def identity(name: str, secret: str, actions: list[str]) -> dict:
        return {"name": name, "credentials": [{"accessKey": name, "secretKey": secret}], "actions": actions}

    return {
        "identities": [identity(root_user, root_password, SEAWEEDFS_ADMIN_ACTIONS)]
        + [
            identity(u["name"], u["password"], [f"{a}:{b}" for a in SEAWEEDFS_USER_ACTIONS for b in u["buckets"]])
            for u in users
        ]
    }


class FilterModule:
    def filters(self):
        return {"s3_minio_calls": s3_minio_calls, "s3_seaweedfs_identities": s3_seaweedfs_identities}
