"""Lookup plugin mlops_vm.lab.age_key: an age key pair per host, its private half kept on the controller."""

from __future__ import annotations

DOCUMENTATION = r"""
name: age_key
short_description: An age (age-encryption.org) key pair generated once per host, kept on the controller
description:
  - The identity (private key) lives in C(mlops_credentials_dir/<host>/backup_age_identity), mode
    0600 in a 0700 directory, in age-keygen's format; the first use of C(recipient) generates it
    (X25519, with the controller's C(cryptography)), later runs read the same one.
  - C(recipient) returns the public key (C(age1...)), which only encrypts (what the VM holds).
    C(identity) returns the identity file's text, to decrypt with (never creates one).
options:
  _terms:
    description: What to return, C(recipient) or C(identity).
    required: true
  host:
    description: Inventory hostname whose key to use (default the current host).
    type: str
"""

EXAMPLES = r"""
recipient: "{{ lookup('mlops_vm.lab.age_key', 'recipient') }}"
identity: "{{ lookup('mlops_vm.lab.age_key', 'identity', host='student-01') }}"
"""

RETURN = r"""
_raw:
  description: The recipient or the identity file's text.
  type: list
  elements: str
"""

import datetime
import os

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase
from ansible_collections.mlops_vm.lab.plugins.module_utils.credentials import create_once, host_dir

FILE = "backup_age_identity"
CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    return check


def bech32_encode(hrp: str, data: bytes) -> str:
    """Bech32 (BIP 173, without its length limit), as age encodes its keys."""
    acc, bits, words = 0, 0, []
    for byte in data:
        acc, bits = (acc << 8) | byte, bits + 8
        while bits >= 5:
            bits -= 5
            words.append((acc >> bits) & 31)
    if bits:
        words.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _polymod(expanded + words + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[w] for w in words + checksum)


def bech32_decode(text: str) -> tuple[str, bytes]:
    text = text.lower()
    hrp, _separator, rest = text.rpartition("1")
    words = [CHARSET.index(c) for c in rest]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    if _polymod(expanded + words) != 1:
        raise ValueError("bad checksum")
    acc, bits, data = 0, 0, bytearray()
    for word in words[:-6]:
        acc, bits = (acc << 5) | word, bits + 5
        if bits >= 8:
            bits -= 8
            data.append((acc >> bits) & 255)
    return hrp, bytes(data)


def recipient_of(identity_text: str) -> str:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    line = next(x for x in identity_text.splitlines() if x.startswith("AGE-SECRET-KEY-1"))
    hrp, secret = bech32_decode(line)
    if hrp != "age-secret-key-" or len(secret) != 32:
        raise ValueError("not an age X25519 identity")
    return bech32_encode("age", X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw())


def create_identity(path: str):
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    key = X25519PrivateKey.generate()
    identity = bech32_encode("age-secret-key-", key.private_bytes_raw()).upper()
    public = bech32_encode("age", key.public_key().public_bytes_raw())
    created = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    create_once(path, f"# created: {created}\n# public key: {public}\n{identity}\n")


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        host = self.get_option("host") or (variables or {}).get("inventory_hostname")
        directory = host_dir(self._templar, variables or {}, host)
        path = os.path.join(directory, FILE)
        results = []
        for term in terms:
            if term not in ("recipient", "identity"):
                raise AnsibleError(f"age_key returns 'recipient' or 'identity', not {term!r}")
            if term == "recipient" and not os.path.exists(path):
                create_identity(path)
            if not os.path.exists(path):
                raise AnsibleError(
                    f"no age identity for {host} at {path}: offsite backups of {host} were encrypted with a key "
                    "this controller does not have (copy that file from the controller that made them)"
                )
            with open(path) as stored:
                text = stored.read()
            try:
                results.append(text if term == "identity" else recipient_of(text))
            except (ValueError, StopIteration) as error:
                raise AnsibleError(f"{path} is not an age identity ({error})") from error
        return results
