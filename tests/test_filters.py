"""The collection's filters that build what a server reads (policies, identities), case by case."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "collections"))  # the repository is mlops_vm.lab

from ansible_collections.mlops_vm.lab.plugins.filter.class_workspaces import (  # noqa: E402
    class_logins,
    class_problems,
    class_workspaces,
)
from ansible_collections.mlops_vm.lab.plugins.filter.s3_access import (  # noqa: E402
    s3_minio_calls,
    s3_seaweedfs_identities,
)
from ansible_collections.mlops_vm.lab.plugins.test.installed import installed  # noqa: E402

MLFLOW = {"name": "mlflow", "password": "p@ss 'w\"rd", "buckets": ["mlflows3", "other"]}


def test_each_minio_user_gets_a_policy_for_its_buckets_only_then_the_user_then_the_attachment():
    calls = s3_minio_calls([MLFLOW])
    assert [c["label"] for c in calls] == ["mlflow: policy", "mlflow: user", "mlflow: attach"]
    policy = json.loads(calls[0]["stdin"])
    resources = [r for statement in policy["Statement"] for r in statement["Resource"]]
    assert sorted(resources) == sorted(
        ["arn:aws:s3:::mlflows3", "arn:aws:s3:::other", "arn:aws:s3:::mlflows3/*", "arn:aws:s3:::other/*"]
    )
    actions = {a for statement in policy["Statement"] for a in statement["Action"]}
    assert "s3:CreateBucket" not in actions and "s3:ListAllMyBuckets" not in actions
    assert {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"} <= actions
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    assert calls[2]["argv"][-3:] == ["mlflow-buckets", "--user", "mlflow"]


def test_no_secret_is_on_a_minio_command_line():
    for call in s3_minio_calls([MLFLOW]):
        assert MLFLOW["password"] not in " ".join(call["argv"])
    assert s3_minio_calls([MLFLOW])[1]["stdin"] == MLFLOW["password"]


def test_no_users_no_calls():
    assert s3_minio_calls([]) == []


def test_seaweedfs_identities_give_the_admin_everything_and_each_user_its_buckets():
    identities = s3_seaweedfs_identities([MLFLOW], "admin", "root-secret")["identities"]
    assert identities[0] == {
        "name": "admin",
        "credentials": [{"accessKey": "admin", "secretKey": "root-secret"}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
    }
    user = identities[1]
    assert user["credentials"] == [{"accessKey": "mlflow", "secretKey": MLFLOW["password"]}]
    assert sorted(user["actions"]) == sorted(
        f"{a}:{b}" for a in ["Read", "Write", "List", "Tagging"] for b in ["mlflows3", "other"]
    )
    assert not [a for a in user["actions"] if ":" not in a], "an action not limited to a bucket"


CLASS = [{"name": "alice"}, {"name": "bob", "team": "red"}, {"name": "carol", "team": "red"}]


def test_a_class_gets_its_workspace_read_only_each_student_or_team_one_and_the_lab_default():
    workspaces = {w["name"]: w for w in class_workspaces(CLASS, ["ta"], ["student"], ["mlflow-models"])}
    assert list(workspaces) == ["default", "class", "alice", "red"]
    assert workspaces["class"]["readers"] == ["alice", "bob", "carol"] and workspaces["class"]["managers"] == ["ta"]
    assert "users" not in workspaces["class"]  # nobody but the instructor (the admin) writes there
    assert workspaces["alice"]["users"] == ["alice"] and workspaces["red"]["users"] == ["bob", "carol"]
    assert all(workspaces[name]["managers"] == ["ta"] for name in ("alice", "red"))
    assert workspaces["default"] == {"name": "default", "users": ["student"], "readers": ["mlflow-models"]}


def test_each_handout_login_names_its_workspace_an_assistant_none():
    passwords = {"alice": "a" * 24, "bob": "b" * 24, "carol": "c" * 24, "ta": "t" * 24}
    logins = {login["mlflow_user"]: login for login in class_logins(CLASS, ["ta"], passwords)}
    assert {name: login["workspace"] for name, login in logins.items()} == {
        "alice": "alice",
        "bob": "red",
        "carol": "red",
        "ta": "",
    }
    assert logins["bob"]["mlflow_password"] == "b" * 24


def test_class_names_that_clash_are_named():
    assert class_problems(CLASS, ["ta"], ["student", "admin"]) == []
    assert "alice" in class_problems(CLASS, ["alice"], ["student"])[0]
    assert "student" in class_problems([{"name": "student"}], [], ["student"])[0]
    assert "red" in class_problems([{"name": "red"}, {"name": "bob", "team": "red"}], [], [])[0]
    assert "default" in class_problems([{"name": "bob", "team": "default"}], [], [])[0]


def test_installed_only_when_the_packages_were_read_and_all_are_there():
    facts = {"packages": {"nginx": [{"version": "1.22"}], "acl": [{"version": "2.3"}]}}
    assert installed(["nginx", "acl"], facts)
    assert not installed(["nginx", "certbot"], facts)  # one missing: apt installs it
    assert not installed(["nginx"], {})  # nothing read (a role run alone): apt asks as before
    assert installed([], facts)
