"""Lookup plugin mlops_vm.lab.s3_presign: a short-lived download URL for one S3 object, signed on the controller."""

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_presign
short_description: A presigned GET URL for one object (SigV4), computed on the controller
description:
  - Signs a download URL for C(s3://BUCKET/KEY) with a login that may read it, without any call to
    the store; the login stays on the controller, and whoever holds the URL may read that one
    object until it expires. The URL is a credential, to use under C(no_log).
options:
  _terms:
    description: The object, C(s3://BUCKET/KEY).
    required: true
  endpoint:
    description: The S3 endpoint URL ('' = AWS).
    type: str
    default: ""
  region:
    description: The bucket's region.
    type: str
    default: us-east-1
  access_key:
    description: A login that may read the object.
    type: str
    required: true
  secret_key:
    description: Its secret.
    type: str
    required: true
  expires:
    description: Seconds the URL stays valid.
    type: int
    default: 3600
"""

RETURN = r"""
_raw:
  description: The URLs, one per object.
  type: list
  elements: str
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        try:
            import botocore.session
            from botocore.config import Config
        except ImportError as error:
            raise AnsibleError("s3_presign needs botocore on the controller (requirements.txt installs it)") from error
        client = botocore.session.get_session().create_client(
            "s3",
            endpoint_url=self.get_option("endpoint") or None,
            region_name=self.get_option("region"),
            aws_access_key_id=self.get_option("access_key"),
            aws_secret_access_key=self.get_option("secret_key"),
            # Path-style URLs for other stores (MinIO, SeaweedFS on an address); AWS picks its own.
            config=Config(
                signature_version="s3v4", s3={"addressing_style": "path"} if self.get_option("endpoint") else {}
            ),
        )
        urls = []
        for term in terms:
            bucket, _slash, key = str(term).removeprefix("s3://").partition("/")
            if not str(term).startswith("s3://") or not bucket or not key:
                raise AnsibleError(f"s3_presign wants s3://BUCKET/KEY, got {term!r}")
            urls.append(
                client.generate_presigned_url(
                    "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=self.get_option("expires")
                )
            )
        return urls
