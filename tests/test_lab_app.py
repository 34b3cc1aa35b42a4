"""The MLflow server app's guards (roles/mlflow/files/lab-app), against a stand-in for MLflow's app.

The stand-in answers like MLflow's basic auth: users/current is 200 for the right password and 401
otherwise, after a "hash" that the tests count. The scenarios check the same guards on the real
server, through the proxy, from a laptop.
"""

import asyncio
import base64
import importlib.util
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "mlops_vm_mlflow_app", ROOT / "roles/mlflow/files/lab-app/mlops_vm_mlflow_app.py"
)
app_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(app_module)

PASSWORD = "the-right-password"  # noqa: S105 - the stand-in's


def basic(user: str, password: str) -> bytes:
    return b"Basic " + base64.b64encode(f"{user}:{password}".encode())


class FakeMlflow:
    """Answers users/current (200 or 401 after a check) and anything else with 200."""

    def __init__(self, check_seconds: float = 0.05):
        self.logins = {basic("student", PASSWORD)}
        self.checks = 0
        self.requests = []
        self.check_seconds = check_seconds

    async def __call__(self, scope, receive, send):
        self.requests.append(scope["path"])
        status = 200
        auth = dict(scope["headers"]).get(b"authorization", b"")
        if scope["path"].endswith("/users/current"):
            self.checks += 1
            await asyncio.sleep(self.check_seconds)
            status = 200 if auth in self.logins else 401
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def call(app, path="/api/2.0/mlflow/experiments/search", method="GET", headers=(), client="198.51.100.1"):
    """One request through app: (status, headers, seconds)."""
    result = {}
    start = time.monotonic()

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            result["status"], result["headers"] = message["status"], dict(message["headers"])

    scope = {"type": "http", "method": method, "path": path, "headers": [(b"host", b"vm:5000"), *headers]}
    await app({**scope, "client": (client, 40000)}, receive, send)
    return result["status"], result["headers"], time.monotonic() - start


def guard(mlflow, **kwargs):
    return app_module.LoginGuard(mlflow, **{"failures_per_minute": 10, "delay": 0.2, **kwargs})


def test_a_working_login_is_checked_once_then_goes_straight_through():
    mlflow = FakeMlflow()
    app = guard(mlflow)

    async def run():
        return [await call(app, headers=[(b"authorization", basic("student", PASSWORD))]) for _ in range(5)]

    answers = asyncio.run(run())
    assert [status for status, _, _ in answers] == [200] * 5
    assert mlflow.checks == 1


def test_requests_sent_together_with_a_new_login_share_one_check():
    mlflow = FakeMlflow()
    app = guard(mlflow)

    async def run():
        login = [(b"authorization", basic("student", PASSWORD))]
        return await asyncio.gather(*(call(app, headers=login) for _ in range(40)))

    assert {status for status, _, _ in asyncio.run(run())} == {200}
    assert mlflow.checks == 1


def test_failed_logins_are_limited_per_client_and_all_answered_after_the_same_delay():
    mlflow = FakeMlflow()
    app = guard(mlflow)

    async def run():
        known = [await call(app, headers=[(b"authorization", basic("student", f"wrong-{i}"))]) for i in range(5)]
        unknown = [await call(app, headers=[(b"authorization", basic("nobody", f"wrong-{i}"))]) for i in range(5)]
        over = await call(app, headers=[(b"authorization", basic("student", "wrong-again"))])
        other_client = await call(app, headers=[(b"authorization", basic("nobody", "x"))], client="192.0.2.9")
        return known, unknown, over, other_client

    known, unknown, over, other_client = asyncio.run(run())
    assert {status for status, _, _ in known + unknown} == {401}
    assert all(0.19 < seconds < 0.35 for _, _, seconds in known + unknown), [s for _, _, s in known + unknown]
    assert over[0] == 429 and int(over[1][b"retry-after"]) >= 1
    assert other_client[0] == 401  # another address has its own budget
    assert mlflow.checks == 11  # the refused one cost no check


def test_a_class_behind_one_address_logging_in_at_once_is_not_refused():
    # 30 students behind a campus NAT start the lab together: each login is checked, none refused.
    mlflow = FakeMlflow(check_seconds=0.01)
    students = [basic(f"s{i:02d}", PASSWORD) for i in range(30)]
    mlflow.logins |= set(students)
    app = guard(mlflow)

    async def run():
        return await asyncio.gather(*(call(app, headers=[(b"authorization", login)]) for login in students * 2))

    assert [status for status, _, _ in asyncio.run(run())] == [200] * 60
    assert mlflow.checks == 30
    assert not app.in_flight


def test_wrong_passwords_sent_together_get_no_more_checks_than_the_budget():
    mlflow = FakeMlflow()
    app = guard(mlflow)

    async def run():
        guesses = [[(b"authorization", basic("student", f"guess-{i}"))] for i in range(40)]
        return await asyncio.gather(*(call(app, headers=guess) for guess in guesses))

    statuses = sorted(status for status, _, _ in asyncio.run(run()))
    assert statuses == [401] * 10 + [429] * 30
    assert mlflow.checks == 10
    assert not app.in_flight


def test_a_student_logging_in_among_wrong_guesses_from_the_same_address_gets_in():
    mlflow = FakeMlflow()
    app = guard(mlflow)

    async def run():
        guesses = [call(app, headers=[(b"authorization", basic("admin", f"guess-{i}"))]) for i in range(9)]
        student = call(app, headers=[(b"authorization", basic("student", PASSWORD))])
        return await asyncio.gather(*guesses, student)

    answers = asyncio.run(run())
    assert answers[-1][0] == 200
    assert [status for status, _, _ in answers[:-1]] == [401] * 9


def test_processes_on_the_vm_have_no_failure_budget():
    app = guard(FakeMlflow())

    async def run():
        login = [(b"authorization", basic("student", "wrong"))]
        return [(await call(app, headers=login, client="127.0.0.1"))[0] for _ in range(12)]

    assert asyncio.run(run()) == [401] * 12


def test_a_student_is_not_slowed_by_someone_elses_failures_from_the_same_address():
    mlflow = FakeMlflow(check_seconds=0.2)
    app = guard(mlflow, delay=0.5)

    async def run():
        student = [(b"authorization", basic("student", PASSWORD))]
        await call(app, headers=student)

        async def attacker(user):
            for i in range(8):
                await call(app, headers=[(b"authorization", basic(user, f"guess-{i}"))])

        flood = [asyncio.create_task(attacker(user)) for user in ("admin", "nobody") * 8]
        await asyncio.sleep(0.1)
        times = []
        for _ in range(20):
            times.append((await call(app, headers=student))[2])
            await asyncio.sleep(0.02)
        await asyncio.gather(*flood)
        return times

    times = asyncio.run(run())
    assert max(times) < 0.05, times


def test_x_real_ip_is_trusted_from_loopback_only():
    app = guard(FakeMlflow())

    def scope(peer, real):
        return {"client": (peer, 1), "headers": [(b"x-real-ip", real)]}

    assert app.client(scope("127.0.0.1", b"198.51.100.7")) == "198.51.100.7"
    assert app.client(scope("198.51.100.8", b"127.0.0.1")) == "198.51.100.8"


def test_a_login_refused_later_is_checked_again():
    app = guard(FakeMlflow())
    login = [(b"authorization", basic("student", PASSWORD))]

    async def refuse(scope, receive, send):  # MLflow, once the password changed
        await send({"type": "http.response.start", "status": 401, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def run():
        await call(app, headers=login)
        app.app = refuse
        return await call(app, headers=login)

    assert asyncio.run(run())[0] == 401
    assert not app.working


@pytest.mark.parametrize(
    ("method", "path", "length", "status"),
    [
        ("PUT", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/big.bin", "2000", 413),
        ("PUT", "/ajax-api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x.bin", None, 411),
        ("PUT", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/ok.bin", "1000", None),
        ("GET", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/big.bin", None, None),
        ("POST", "/api/2.0/mlflow/runs/log-batch", "5000", None),
    ],
)
def test_uploads_over_the_limit_are_refused(method, path, length, status):
    uploads = app_module.Uploads(max_bytes=1000)
    refusal = uploads.refusal(method, path, length)
    assert (refusal and refusal[0]) == status
    if status == 413:
        assert b"mlflow_max_upload_size" in refusal[1]


def test_new_artifacts_are_refused_when_the_disk_reserve_would_be_touched(tmp_path):
    huge = app_module.Uploads(reserve_bytes=1 << 60, paths=(str(tmp_path), "/nonexistent"))
    status, body = huge.refusal("PUT", "/api/2.0/mlflow-artifacts/artifacts/1/r/a.txt", "10")
    assert status == 507 and b"mlflow_disk_reserve" in body and str(tmp_path).encode() in body
    assert huge.refusal("POST", "/api/2.0/mlflow/runs/log-metric", "10") is None
    small = app_module.Uploads(reserve_bytes=1, paths=(str(tmp_path),))
    assert small.refusal("PUT", "/api/2.0/mlflow-artifacts/artifacts/1/r/a.txt", "10") is None


def test_uploads_without_a_login_are_left_to_mlflow():
    mlflow = FakeMlflow()
    lab = app_module.Lab(mlflow, app_module.Uploads(max_bytes=10), needs_login=True)
    status, _, _ = asyncio.run(call(lab, "/api/2.0/mlflow-artifacts/artifacts/a", "PUT", [(b"content-length", b"99")]))
    assert status == 200  # the stand-in lets it through; MLflow would answer 401


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/big.bin", [(b"content-length", b"3000")], 413),
        ("/api/2.0/mlflow-artifacts/mpu/create/1/r/artifacts/big.bin", [(b"content-length", b"3000")], 501),
    ],
)
def test_a_refused_upload_is_answered_after_its_body_is_read(path, headers, status):
    """nginx streams the body; a server answering and closing mid-body makes it answer 502."""
    lab = app_module.Lab(FakeMlflow(), app_module.Uploads(max_bytes=1000))
    events = []
    chunks = [b"x" * 1000, b"x" * 1000, b"x" * 1000]

    async def receive():
        body = chunks.pop(0)
        events.append("chunk")
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message):
        events.append(message.get("status", "body"))

    scope = {"type": "http", "method": "PUT", "path": path, "headers": [(b"authorization", basic("s", "p")), *headers]}
    asyncio.run(lab({**scope, "client": ("127.0.0.1", 40000)}, receive, send))
    assert events == ["chunk", "chunk", "chunk", status, "body"]


def test_a_refused_login_is_answered_after_its_body_is_read():
    events = []
    chunks = [b"x" * 10, b"x" * 10]

    async def receive():
        events.append("chunk")
        body = chunks.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message):
        events.append(message.get("status", "body"))

    scope = {
        "type": "http",
        "method": "PUT",
        "path": "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.bin",
        "headers": [(b"authorization", basic("student", "wrong")), (b"content-length", b"20")],
        "client": ("198.51.100.1", 40000),
    }
    asyncio.run(guard(FakeMlflow(check_seconds=0))(scope, receive, send))
    assert events == ["chunk", "chunk", 401, "body"]


class FakeAuth:
    """MLflow's basic-auth module as the authorization cache relies on it (3.17's shape): a run's
    requirement from its experiment, decisions from grants that the test changes."""

    def __init__(self, run_experiments, grants, requirement_uses_run_id=False):
        self.run_experiments, self.grants = run_experiments, grants
        self.reads, self.decisions = [], []
        self.requirement_uses_run_id = requirement_uses_run_id
        outer = self

        class Store:
            def get_run(self, run_id):
                outer.reads.append(run_id)
                if run_id not in outer.run_experiments:
                    return None
                run = type("Run", (), {})()
                run.info = type("RunInfo", (), {"experiment_id": outer.run_experiments[run_id], "run_id": run_id})()
                return run

        self._get_tracking_store = Store

    def _run_requirement(self, run_id, action):
        run = self._get_tracking_store().get_run(run_id)
        if run is None:
            return None
        experiment = ("experiment", run.info.experiment_id)
        owner = (run.info.run_id,) if self.requirement_uses_run_id else ()
        return experiment, [("experiment", run.info.experiment_id, "read"), ("run", "*", action, experiment, *owner)]

    def authorize(self, username, anchor, requirements):
        self.decisions.append((username, anchor))
        return (username, anchor[1]) in self.grants

    user = "student"  # the request's
    admins = ()

    def authenticate_request(self):
        return type("Authorization", (), {"username": self.user})()

    def sender_is_admin(self):
        self.decisions.append((self.user, "admin?"))
        return self.user in self.admins


def authorize_run(auth, username, run_id, action="update"):
    """What MLflow's validators do for a request on a run."""
    resolved = auth._run_requirement(run_id, action)
    return resolved is not None and auth.authorize(username, *resolved)


def test_a_runs_requests_cost_one_run_read_and_one_decision_while_allowed():
    auth = FakeAuth({"r1": "7"}, grants={("student", "7")})
    assert app_module.fast_authorization(auth, 10)
    auth.reads.clear()  # the start-up check's own reads
    assert all(authorize_run(auth, "student", "r1") for _ in range(50))
    assert auth.reads == ["r1"] and len(auth.decisions) == 1


def test_refusals_are_never_remembered_and_a_new_grant_works_at_once():
    auth = FakeAuth({"r1": "7"}, grants=set())
    app_module.fast_authorization(auth, 10)
    assert not authorize_run(auth, "student", "r1") and not authorize_run(auth, "student", "r1")
    assert len(auth.decisions) == 2  # MLflow decided both refusals
    auth.grants.add(("student", "7"))  # e.g. the experiment the student just created
    assert authorize_run(auth, "student", "r1")
    assert not authorize_run(auth, "other", "r1")  # per user
    assert authorize_run(auth, "student", "nope") is False  # a missing run is refused, as by MLflow


def test_an_allowed_request_is_decided_again_after_the_bound_and_after_a_permission_change():
    auth = FakeAuth({"r1": "7"}, grants={("student", "7")})
    app_module.fast_authorization(auth, 0.2)
    assert authorize_run(auth, "student", "r1")
    auth.grants.clear()  # revoked (in another worker)
    assert authorize_run(auth, "student", "r1")  # remembered, within the bound
    time.sleep(0.25)
    assert not authorize_run(auth, "student", "r1")
    auth.grants.add(("student", "7"))
    assert authorize_run(auth, "student", "r1")
    auth.grants.clear()  # revoked through this worker: forgotten at once
    lab = app_module.Lab(FakeMlflow(), app_module.Uploads())
    asyncio.run(call(lab, path="/api/3.0/mlflow/users/permissions/revoke", method="POST"))
    assert not authorize_run(auth, "student", "r1")


def test_with_a_run_lookup_a_runs_first_request_costs_one_query_and_no_run_read():
    auth = FakeAuth({"r1": "7"}, grants={("student", "7")})
    queries = []

    def experiment_of(run_id):
        queries.append(run_id)
        return {"r1": "7"}.get(run_id)

    assert app_module.fast_authorization(auth, 10, experiment_of)
    auth.reads.clear()
    assert all(authorize_run(auth, "student", "r1") for _ in range(20))
    assert not authorize_run(auth, "student", "missing")  # refused, as MLflow refuses it
    assert queries == ["r1", "missing"] and auth.reads == [] and len(auth.decisions) == 1


def test_whether_the_user_is_an_admin_is_remembered_within_the_bound():
    auth = FakeAuth({}, grants=set())
    app_module.fast_authorization(auth, 0.2)
    auth.admins = ("student",)
    assert all(auth.sender_is_admin() for _ in range(10))
    auth.admins = ()
    assert auth.sender_is_admin()  # demoted in another worker: remembered within the bound
    time.sleep(0.25)
    assert not auth.sender_is_admin()
    auth.user = "teacher"
    assert not auth.sender_is_admin()  # per user
    assert len([d for d in auth.decisions if d[1] == "admin?"]) == 3


def test_the_cache_stays_off_when_mlflow_no_longer_behaves_as_relied_on(capsys):
    auth = FakeAuth({"r1": "7"}, grants={("student", "7")}, requirement_uses_run_id=True)
    authorize = auth.authorize
    assert not app_module.fast_authorization(auth, 10)
    assert auth.authorize == authorize and "authorization cache off" in capsys.readouterr().err
    assert not app_module.fast_authorization(type("RenamedInAFutureMlflow", (), {})(), 10)
    assert not app_module.fast_authorization(FakeAuth({}, set()), 0)  # off by setting


def test_run_writes_wait_their_turn_while_reads_go_straight_through():
    running, most = {"writes": 0}, {"writes": 0}
    done = []

    async def mlflow(scope, receive, send):
        write = scope["path"].endswith("/log-batch")
        if write:
            running["writes"] += 1
            most["writes"] = max(most["writes"], running["writes"])
        await asyncio.sleep(0.05)
        if write:
            running["writes"] -= 1
        done.append(scope["path"].rsplit("/", 1)[1])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    lab = app_module.Lab(mlflow, app_module.Uploads(), concurrent_writes=2)

    async def run():
        writes = [call(lab, path="/api/2.0/mlflow/runs/log-batch", method="POST") for _ in range(10)]
        search = call(lab, path="/api/2.0/mlflow/runs/search", method="POST")
        return await asyncio.gather(*writes, search)

    answers = asyncio.run(run())
    assert {status for status, _, _ in answers} == {200}
    assert most["writes"] == 2
    assert done.index("search") < 3  # not behind the ten writes


def test_metrics_need_a_working_login_and_any_such_login_reads_them(monkeypatch):
    monkeypatch.setattr(app_module, "metrics_body", lambda: b"mlflow_http_request_total 1.0\n")
    mlflow = FakeMlflow()
    app = guard(mlflow)

    async def run():
        return [
            await call(app, path="/metrics"),  # MLflow's own 401 without a login (the stand-in: 200)
            await call(app, path="/metrics", headers=[(b"authorization", basic("student", "wrong"))]),
            await call(app, path="/metrics", headers=[(b"authorization", basic("student", PASSWORD))]),
            await call(app, path="/metrics", headers=[(b"authorization", basic("student", PASSWORD))]),
        ]

    (anonymous, wrong, first, again) = asyncio.run(run())
    assert wrong[0] == 401
    assert first[0] == again[0] == 200
    assert first[1][b"content-type"].startswith(b"text/plain; version=0.0.4")
    # Only the anonymous request reached MLflow (which refuses it), besides the two login checks.
    assert mlflow.requests.count("/metrics") == 1
    assert anonymous[0] == 200  # the stand-in's answer: MLflow decides, not the guard


def test_metrics_are_left_to_mlflow_when_the_server_exposes_none(monkeypatch):
    monkeypatch.setattr(app_module, "metrics_body", lambda: None)
    mlflow = FakeMlflow()
    app = guard(mlflow)
    status, _, _ = asyncio.run(call(app, path="/metrics", headers=[(b"authorization", basic("student", PASSWORD))]))
    assert status == 200 and mlflow.requests.count("/metrics") == 1
