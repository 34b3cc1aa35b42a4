"""The age_key lookup's keys are age's own: a key pair made by age-keygen decodes to the same
recipient, and where the age tool is installed, what it encrypts to our recipient our identity
decrypts."""

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Made by age-keygen 1.1.1 (a throwaway key pair: a test vector, never used for data).
AGE_KEYGEN_IDENTITY = "AGE-SECRET-KEY-1800KW6N2Q4R9CV2CLRQF6FXUMCKAM2TWVW7FGD4Z29K7LPS9DGYQTZDXVP"
AGE_KEYGEN_RECIPIENT = "age169swf7end98jmh6yvc47kwjcnv2zkhja0fhwh4kzr7gfg37u2c2qwj2u2l"


def age_key():
    spec = importlib.util.spec_from_file_location("age_key", ROOT / "plugins/lookup/age_key.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_age_keygen_identity_gives_its_recipient():
    assert age_key().recipient_of(f"# a comment\n{AGE_KEYGEN_IDENTITY}\n") == AGE_KEYGEN_RECIPIENT


def test_a_generated_identity_is_private_and_kept(tmp_path):
    path = tmp_path / "credentials/vm1/backup_age_identity"
    age_key().create_identity(str(path))
    first = path.read_text()
    age_key().create_identity(str(path))  # a second run keeps the first key
    assert path.read_text() == first
    assert oct(path.stat().st_mode & 0o777) == "0o600" and oct(path.parent.stat().st_mode & 0o777) == "0o700"
    recipient = age_key().recipient_of(first)
    assert recipient.startswith("age1") and len(recipient) == 62 and f"# public key: {recipient}" in first


@pytest.mark.skipif(not shutil.which("age"), reason="the age tool is not installed here (apt-get install age)")
def test_age_decrypts_with_a_generated_identity(tmp_path):
    path = tmp_path / "identity"
    age_key().create_identity(str(path))
    (tmp_path / "plain").write_bytes(os.urandom(100_000))
    recipient = age_key().recipient_of(path.read_text())
    age = shutil.which("age")
    subprocess.run([age, "-r", recipient, "-o", tmp_path / "sealed", tmp_path / "plain"], check=True)  # noqa: S603
    opened = subprocess.run([age, "-d", "-i", path, tmp_path / "sealed"], check=True, capture_output=True)  # noqa: S603
    assert opened.stdout == (tmp_path / "plain").read_bytes()
