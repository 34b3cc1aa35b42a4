"""The lab's kinds of value (plugins/module_utils/kinds.py) and the unknown-variable check."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "collections"))  # the repository is the collection mlops_vm.lab

from ansible_collections.mlops_vm.lab.plugins.filter.variables import unknown_variables  # noqa: E402
from ansible_collections.mlops_vm.lab.plugins.module_utils import kinds  # noqa: E402

# kind: (values it takes, values it refuses). Every refused list has a trailing-newline case
# where the kind is a pattern: Python's $ lets one through, fullmatch does not.
CASES = {
    "port": ([1, 5000, "5000", 65535], [0, 65536, "５０００", "5000\n", True, 50.0, "-1", ""]),
    "range": (None, None),
    "ipv4": (["127.0.0.1", "10.0.0.10"], ["::1", "10.0.0", "10.0.0.1\n", "010.0.0.1", "a"]),
    "ipv4_source": (["10.0.0.0/8", "192.0.2.7"], ["10.0.0.0/33", "example.org", "10.0.0.1\n"]),
    "host_name": (["vm.example.org", "10.0.0.1", "localhost"], ["a b", "-a", "a_b", "vm\n", "a" * 64]),
    "interface_name": (["mlops-notebooks", "br0", "a_b.c"], ["", "a" * 16, "a b", "br0\n", "a/b", ".."]),
    "name_constraint": (
        ["vm.example.org", ".example.org", "10.0.0.5", "10.0.0.0/16"],
        ["", "a b", "10.0.0.0/33", "*.example.org", "vm\n", "10.0.0.1\n"],
    ),
    "s3_bucket_name": (
        ["mlflows3", "my-bucket.v2", "abc", "a" * 63],
        ["Bad_Bucket", "ab", "a" * 64, "-start", "end-", "a..b", "192.168.1.10", "xn--idn", "my-s3alias", "mlflows3\n"],
    ),
    "s3_key_prefix": (["artifacts", "a/b.c/d_e-f"], ["a b", "/a", "a//b", "a/../b", "a\n", "a" * 257]),
    "s3_access_key": (["mlflow", "mlops-admin"], ["ab", "a b", "admin\nX=1", "-a"]),
    "login_name": (["student", "a.b@c"], ["", "a b", "-a", "a\n", "a" * 65]),
    "unix_user": (["mlflow", "mlflow-models"], ["root", "www-data", "Mlflow", "a b", "mlflow\n"]),
    "unit_name": (["mlflow_serv", "a.b-c"], ["a b", "x.service", "a\nExecStart=/bin/sh", ""]),
    "container_name": (["postgres", "a_b.c-d"], ["-a", "a b", "a\n", "a" * 64]),
    "hub_login": (["ta", "ta.smith", "t_a-2"], ["TA", "ta@uni", "-ta", "a b", "ta\n", "a" * 51]),
    "query_parameter": (["token", "X-Amz-Signature"], ["", "a b", "token=", "a\n", "a" * 65]),
    "pg_identifier": (["mlflow", "mlflow_auth"], ["Mlflow", "1a", "a-b", "a\n", "a" * 64]),
    # MLflow 3.17's WorkspaceNameValidator: what it refuses, the lab refuses before a change.
    "mlflow_workspace": (
        ["alice", "team-red", "default", "a1", "a" * 63],
        ["Alice", "a", "-a", "a-", "a_b", "a b", "api", "workspaces", "ajax-api", "static-files", "a\n", "a" * 64],
    ),
    "mlflow_alias": (["champion", "v2-candidate"], ["v2", "V10", "a b", "a\n"]),
    "release": (["3.17.2"], ["3.17", "3.17.2\n", "v3.17.2"]),
    "http_url": (
        ["http://127.0.0.1:9000", "https://s3.example.org/"],
        ["ftp://a", "http://a:70000", "http://a b", "http://a\n"],
    ),
    "https_url": (["https://download.docker.com/linux"], ["http://a", "https://a\n", "https://a/x y"]),
    "web_url": (["http://mirror.lan/debian", "https://a"], ["ftp://a", "http://a\n"]),
    "apt_proxy": (["http://10.0.0.5:3142", "http://cache.lan/"], ["https://a", "ftp://a", "http://10.0.0.5:3142\n"]),
    "s3_url": (
        ["s3://class-backups/semester", "s3://class-backups"],
        ["s3://Bad_Bucket/x", "https://a/b", "s3://b/x\n"],
    ),
    "email": (["a@b.org"], ["a", "a@b", "a@b.org\n", "a b@c.org"]),
    "fingerprint": (
        ["9DC858229FC7DD38854AE2D88D81803C0EBFCD88", "9DC8 5822 9FC7 DD38 854A E2D8 8D81 803C 0EBF CD88"],
        ["9DC8", "x" * 40],
    ),
    "secret": (["abcdefghijkl", "A.b_c~d-e123"], ["short", "abcdefghijkl\n", "abc def ghi jkl", "abcdefghij%k"]),
    "requirement": (
        ["pandas==2.2.3", "scikit-learn>=1.5,<2"],
        ["--extra-index-url http://x", "p @ http://x/p.whl", "p\n"],
    ),
    "apt_package": (["htop", "curl=7.88.1-10"], ["-o APT::x", "Htop", "htop\n"]),
    "image": (
        [
            "postgres:17.6-bookworm",
            "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
            "localhost:5000/a/b@sha256:" + "a" * 64,
        ],
        ["postgres:17\nRUN x", "postgres:17 --privileged", "Postgres:17", ""],
    ),
    "docker_size": (["10m", "1g", "500k"], ["10 MB", "10m\n", "0m", "10M\n", "m"]),
    "docker_memory": (["6m", "512m", "2g"], ["4m", "1k", "512m\n", "half"]),
    "systemd_memory": (["1536M", "2G", "1024M"], ["512M", "lots", "1536M\n", "1536m\n"]),
    "systemd_size": (["500M", "1G", "64K"], ["500m", "0M", "1 G", "500M\n", "M", ""]),
    "mlflow_duration": (["30d", "12h", "1d12h", "90m", "0s", "1.5d"], ["", "30 days", "1.2.3d", "30d\n", "d"]),
    "x509_name": (["mlops-vm class CA"], ["", "x" * 65, "a\nb", " padded "]),
    "safe_path": (
        ["/var/lib/mlflow", "/srv/jupyter/work", "/opt/mlflow", "/data/lab", "/home/alice/lab"],
        [
            "/",
            "/etc",
            "/etc/mlflow",
            "/usr/local/x",
            "/var/lib/../../etc",
            "/srv",
            "/var/lib",
            "relative",
            "/opt/x/",
            "/a b",
            "/a\n",
        ],
    ),
    "volume": (["mlops-postgres-data", "/data/pg"], ["/etc", "a b", "vol\n"]),
    "password": (
        ["Adm1n%20pa$s'wo\"r\\d#;x%", "with inner spaces", "abcdefghijkl"],
        ["short", " padded-pass ", "two\nlines-long", "pässwörter-lang", "trailing-newline\n", "tab\there-long"],
    ),
    "origin": (
        ["https://vm.example.org:5000", "https://10.0.0.5:5000", "http://host.docker.internal"],
        ["https://*.example.org", "https://vm/x", "ftp://vm", "https://vm:70000", "*", "https://vm\n"],
    ),
    "byte_size": (["4G", "512M", "1T", "100000G", "2g"], ["4 GB", "lots", "4G\n", "G", "-1G"]),
    "absolute_path": (["/var/lib/docker", "/", "/data/my lab"], ["relative", "/a:/b", "/a\n", ""]),
}


@pytest.mark.parametrize("kind", [k for k, (good, _) in CASES.items() if good], ids=str)
def test_a_kind_takes_its_values(kind):
    good, _ = CASES[kind]
    assert [v for v in good if not kinds.check(v, kind)] == []


@pytest.mark.parametrize("kind", [k for k, (_, bad) in CASES.items() if bad], ids=str)
def test_a_kind_refuses_what_its_consumer_refuses(kind):
    _, bad = CASES[kind]
    assert [v for v in bad if kinds.check(v, kind)] == []


def test_every_kind_has_cases():
    assert set(kinds.KINDS) - set(CASES) <= {"number_range", "pem_certificate", "pem_private_key", "file", "directory"}


def test_ranges_and_their_arguments():
    assert (
        kinds.check("5", "range", 1, 10)
        and not kinds.check(11, "range", 1, 10)
        and not kinds.check("５", "range", 1, 10)
    )
    assert kinds.check("8.5", "number_range", 0, 10) and not kinds.check("lots", "number_range", 0, 10)


def test_pem_files(tmp_path):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "t")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (tmp_path / "text").write_text("not a certificate\n")
    assert kinds.pem_certificate(str(tmp_path / "c.pem")) and kinds.pem_private_key(str(tmp_path / "k.pem"))
    assert not kinds.pem_certificate(str(tmp_path / "text")) and not kinds.pem_private_key(str(tmp_path / "c.pem"))
    assert not kinds.pem_certificate(str(tmp_path / "missing"))


def test_problems_name_the_variable_the_value_and_what_is_allowed():
    messages = kinds.problems(
        {
            "mlflow_port": [70000, "port"],
            "s3_memory": ["", "docker_memory or empty"],
            "mlops_lab_names": [["ok.example.org", "a b"], "each host_name"],
            "postgres_password": ["short", "secret", 12],
        }
    )
    assert messages == [
        "mlflow_port must be a port number 1-65535; got 70000",
        "mlops_lab_names must be a list, each item a DNS name or an IPv4 address; got ['a b']",
        "postgres_password must be 12 or more letters, digits, . _ ~ - (leave it unset to generate one);"
        " got (a secret: not shown)",
    ]


def test_unknown_variables_are_named_with_the_closest_known_one():
    names = [
        "mlfow_workers",
        "minio_root_user",
        "mlflow_workers",
        "my_own_setting",
        "ansible_user",
        "__mlflow_x",
        "jupiter_port",
        "postgres_service",  # a fact the postgres role publishes: a later play's hostvars carry it
        "postgres_servce",
    ]
    assert unknown_variables(names, str(ROOT)) == [
        "jupiter_port (did you mean jupyter_port?)",
        "minio_root_user (renamed: s3_root_user)",
        "mlfow_workers (did you mean mlflow_workers?)",
        "postgres_servce (did you mean postgres_service?)",
    ]
