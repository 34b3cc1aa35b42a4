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
            status = 200 if auth == basic("student", PASSWORD) else 401
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
