"""MLflow server app for mlops-vm: MLflow's own app behind the guards a lab on the internet needs,
and the shortcuts that let two cores keep up with a class.

1. Artifacts through the server only. With an S3 artifact destination, MLflow >= 3.x servers
   advertise presigned (multipart) transfers in ``/api/3.0/mlflow/server-info``. Stock clients and
   the UI then download every artifact, and upload files from 500 MB, straight from the S3
   endpoint the *server* uses: the VM's loopback, which no laptop or container reaches (downloads
   hang in retries for minutes). MLflow has no setting to stop advertising them, so this app
   rewrites ``multipart_uploads_enabled`` / ``multipart_downloads_enabled`` in server-info to
   false, and answers ``.../mlflow-artifacts/presigned/...`` and ``.../mlflow-artifacts/mpu/...``
   with 501 and MLflow's own "not supported" messages, on which clients fall back to the proxy.
   The S3 bucket stays private: clients never get an S3 URL or a credential.
2. Upload size: an artifact upload larger than ``MLOPS_VM_MAX_UPLOAD_BYTES`` is refused with 413
   before a byte is stored (and one that does not say its size with 411). A refused request's
   body is read and dropped before the answer: nginx streams bodies to the server, and a server
   that answers and closes mid-body makes nginx answer 502 instead (clients send the whole body
   before they read an answer anyway).
3. Disk reserve: a new artifact is refused with 507 when it would leave less than
   ``MLOPS_VM_DISK_RESERVE_BYTES`` free on any of ``MLOPS_VM_DISK_PATHS`` (where uploads are
   staged, where PostgreSQL and the S3 server keep their data): PostgreSQL stays writable, so
   runs, metrics and reads go on while the disk fills with artifacts.
4. Failed logins (``lab-basic-auth``): MLflow checks every new password with a slow hash (by
   design) in the server's workers, with no limit, and answers an unknown user faster than a
   known one. Here a login is checked once (MLflow's own check, on its ``users/current``
   endpoint, one at a time per worker) before MLflow sees the request; a client address
   (nginx's X-Real-IP, trusted from loopback only) may fail ``MLOPS_VM_LOGIN_FAILURES_PER_MINUTE``
   times a minute, then gets 429 without any check; every refused login is answered after the
   same delay, known user or not. A login that worked recently goes straight through: a
   student is never slowed by someone else's failures. Only failures spend the budget: a class
   behind one address (a campus NAT) logging in at once is checked as fast as the budget allows,
   the logins beyond it waiting for the checks in flight, not refused.
5. Authorization that costs one cheap lookup (``lab-basic-auth``). MLflow authorizes a request on
   a run by loading the whole run (params, metrics, tags) to learn its experiment, then the
   user's grants, before the handler loads the run again: a third of a busy server's time. A
   run's experiment never changes, so what a run requires (MLflow's ``_run_requirement``) is
   remembered per run; a request MLflow allowed is allowed again without a query for
   ``MLOPS_VM_PERMISSION_CACHE_SECONDS`` (0 turns it off). Only allowed answers are kept: a new
   grant works at once (a student's new experiment), a revoked one within that bound (at once
   in the worker that revoked it). MLflow decides every first time, with its own model, and every
   refusal. ``fast_authorization`` checks at start that MLflow still behaves as relied on and
   leaves MLflow's checks alone otherwise; the journal says which (the scenarios assert it).
   Whether a user is an admin is remembered for the same time. A run's first request costs
   one query for its experiment (with a SQL store, workspaces off), not a read of the whole run.
6. Reads before a grid search: at most ``MLOPS_VM_CONCURRENT_WRITES`` run writes (runs created,
   logged to, ended) run at once per worker; the others wait in the event loop, where waiting
   holds no thread, so a search or the UI is not queued behind thirty writers (0: no bound).
7. Metrics for any working login (``lab-basic-auth``, ``--expose-prometheus``). MLflow's basic
   auth lets only admins read ``/metrics`` (no permission covers it), so a Prometheus scraper
   would need the admin's password. Here a GET of ``/metrics`` with a login the guard found
   working gets the server's metrics, all workers' (prometheus_client's multiprocess files,
   as MLflow's own endpoint reads them); without a login MLflow answers 401 as ever.

Entry points (``mlflow.app``): ``lab`` (no login) and ``lab-basic-auth`` (MLflow's basic auth).
It depends only on ASGI/Flask behaviour, MLflow's REST API and its response format, not on MLflow
internals; the lab's test suite exercises each guard and fails if a new MLflow breaks one.
"""

import asyncio
import collections
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import sys
import threading
import time
from types import SimpleNamespace

SERVER_INFO = re.compile(r"/(?:ajax-)?api/\d+\.\d+/mlflow/server-info/?$")
PRESIGNED_OR_MULTIPART = re.compile(r"/(?:ajax-)?api/2\.0/mlflow-artifacts/(presigned|mpu)/")
# New artifacts: the artifact proxy's PUT, and the UI's small uploads.
UPLOAD = re.compile(r"/(?:ajax-)?api/2\.0/(?:mlflow-artifacts/artifacts/|mlflow/upload-artifact)")
CURRENT_USER = "/api/2.0/mlflow/users/current"
# What MLflow's basic auth lets anyone reach (mlflow.server.auth.is_unprotected_route).
UNPROTECTED = ("/static", "/favicon.ico", "/health")
FLAGS = ("multipart_uploads_enabled", "multipart_downloads_enabled")
# The texts of MLflow's _UnsupportedMultipart{Upload,Download}Exception: a client falls back to
# the proxy only when the error message starts with them.
UNSUPPORTED = {
    "mpu": "Multipart upload is not supported for the current artifact repository",
    "presigned": "Multipart download is not supported for the current artifact repository",
}
# MLflow's own answer to a missing or wrong login.
NOT_AUTHENTICATED = (
    b"You are not authenticated. Please see "
    b"https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate."
)
REALM = b'Basic realm="mlflow"'
# What a training loop sends (runs created, logged to, ended), not searches or artifacts.
RUN_WRITE = re.compile(r"/(?:ajax-)?api/2\.0/mlflow/runs/(?!search)")
# Requests that change who may do what: cached authorizations are dropped after them.
PERMISSION_CHANGE = re.compile(r"/mlflow/(?:users|roles)/|/permissions/")
# Only nginx on this VM may say who the client is.
TRUSTED_PROXIES = {"127.0.0.1", "::1"}
# prometheus_flask_exporter's endpoint (mlflow server --expose-prometheus), never under a prefix.
METRICS = "/metrics"


def metrics_body() -> bytes | None:
    """The server's Prometheus metrics, every worker's; None when it exposes none."""
    # MLflow sets the lower-case name, which prometheus_client reads too.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")  # noqa: SIM112
    if not directory:
        return None
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    return generate_latest(registry)


def unsupported_body(kind: str) -> bytes:
    return json.dumps({"error_code": "NOT_IMPLEMENTED", "message": UNSUPPORTED[kind]}).encode()


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error_code": code, "message": message}).encode()


def without_presigned(body: bytes) -> bytes:
    try:
        info = json.loads(body)
    except ValueError:
        return body
    if isinstance(info, dict):
        info.update(dict.fromkeys(FLAGS, False))
    return json.dumps(info).encode()


def unprefixed(path: str) -> str:
    prefix = os.environ.get("_MLFLOW_STATIC_PREFIX", "").rstrip("/")
    return path[len(prefix) :] if prefix and path.startswith(prefix) else path


def env_int(name: str, default: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


async def drain(receive) -> None:
    """Read and drop the rest of the request's body (see 2. above)."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


def size(count: float) -> str:
    """Bytes for people: 4.0 GB, 512.0 MB."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return ""  # not reached


class Uploads:
    """The upload size limit and the disk reserve (0 turns either off)."""

    def __init__(self, max_bytes: int = 0, reserve_bytes: int = 0, paths: tuple = ()):
        self.max_bytes, self.reserve_bytes, self.paths = max_bytes, reserve_bytes, paths

    @classmethod
    def from_environment(cls):
        paths = tuple(p for p in os.environ.get("MLOPS_VM_DISK_PATHS", "").split(":") if p)
        return cls(env_int("MLOPS_VM_MAX_UPLOAD_BYTES"), env_int("MLOPS_VM_DISK_RESERVE_BYTES"), paths)

    def refusal(self, method: str, path: str, length: str | None):
        """(status, body) refusing this request, or None to let it through."""
        if method not in ("PUT", "POST") or not UPLOAD.search(path):
            return None
        declared = int(length) if length and length.isdigit() else None
        if self.max_bytes and declared is None:
            return 411, error_body("INVALID_PARAMETER_VALUE", "Artifact uploads must say their size (Content-Length).")
        if self.max_bytes and declared > self.max_bytes:
            return 413, error_body(
                "RESOURCE_LIMIT_EXCEEDED",
                f"Artifact of {size(declared)} refused: this server takes artifacts of up to {size(self.max_bytes)} "
                "(mlflow_max_upload_size).",
            )
        for path_ in self.paths if self.reserve_bytes else ():
            try:
                stat = os.statvfs(path_)
            except OSError:
                continue  # not on this VM (the data services on another one)
            free = stat.f_bavail * stat.f_frsize
            if free - (declared or 0) < self.reserve_bytes:
                return 507, error_body(
                    "RESOURCE_EXHAUSTED",
                    f"Disk almost full: {size(free)} free on {path_}, and this server keeps {size(self.reserve_bytes)} "
                    "free for its database (mlflow_disk_reserve), so it takes no new artifacts. Runs, metrics and "
                    "downloads still work: delete old runs and their artifacts (mlflow gc) or give the VM more disk.",
                )
        return None


class LoginGuard:
    """Rate limits and a constant answer time for failed logins (see the module's docstring).

    Per worker process: each of the server's workers keeps its own counts."""

    def __init__(self, app, failures_per_minute: int = 10, delay: float = 1.0, remember: float = 600.0):
        self.app = app
        self.capacity = max(1, failures_per_minute)
        self.rate = self.capacity / 60.0  # tokens per second
        self.delay = delay  # every refused login is answered this long after it arrived
        self.remember = remember  # seconds a login that worked goes straight through (renewed on use)
        self.budgets = collections.OrderedDict()  # client -> (failure tokens, time)
        self.in_flight = {}  # client -> checks of its new logins under way (each may fail)
        self.turns = asyncio.Condition()  # a check settled: waiting logins look again
        self.working = collections.OrderedDict()  # login digest -> until
        self.pending = {}  # login digest -> future of its check
        self.checks = asyncio.Semaphore(1)
        self.key = secrets.token_bytes(32)
        self.limit = 10000  # entries per table (oldest dropped first)

    def __getattr__(self, name):  # the wrapped app's attributes (state, routes, ...)
        return getattr(self.app, name)

    @staticmethod
    def header(scope, name: bytes) -> bytes:
        return next((v for k, v in scope.get("headers", []) if k.lower() == name), b"")

    def client(self, scope) -> str:
        peer = (scope.get("client") or ("",))[0]
        real = self.header(scope, b"x-real-ip").decode("latin-1").strip()
        return real if peer in TRUSTED_PROXIES and real else peer

    def login(self, scope) -> bytes:
        """The Basic credentials this request carries, as MLflow reads them (b'' when none)."""
        value = b""
        if b"/gateway/" in scope.get("path", "").encode():
            value = self.header(scope, b"x-mlflow-authorization")
        value = value or self.header(scope, b"authorization")
        return value if value[:6].lower() == b"basic " else b""

    def remembered(self, digest: bytes, now: float) -> bool:
        if self.working.get(digest, 0) <= now:
            self.working.pop(digest, None)
            return False
        self.working[digest] = now + self.remember
        self.working.move_to_end(digest)
        return True

    def tokens(self, client: str, now: float) -> float:
        tokens, then = self.budgets.get(client, (self.capacity, now))
        return min(self.capacity, tokens + (now - then) * self.rate)

    async def admit(self, client: str, digest: bytes) -> str | float:
        """How a new login from client goes on: "check" (its check admitted: settle() after it),
        "share" (a check of the same login is under way), "known" (it worked meanwhile), or the
        seconds until client's failures allow a check. A check under way may fail, so it holds a
        token until it settles; logins beyond the tokens left wait for those checks."""
        async with self.turns:
            while True:
                now = time.monotonic()
                if digest in self.pending:
                    return "share"
                if self.working.get(digest, 0) > now:
                    return "known"
                tokens, busy = self.tokens(client, now), self.in_flight.get(client, 0)
                if tokens < 1:
                    return (1 - tokens) / self.rate
                if tokens - busy >= 1:
                    self.in_flight[client] = busy + 1
                    return "check"
                await self.turns.wait()

    async def settle(self, client: str, failed: bool) -> None:
        async with self.turns:
            busy = self.in_flight.pop(client, 1) - 1
            if busy:
                self.in_flight[client] = busy
            if failed:
                now = time.monotonic()
                self.budgets[client] = (self.tokens(client, now) - 1, now)
                self.budgets.move_to_end(client)
                while len(self.budgets) > self.limit:
                    self.budgets.popitem(last=False)
            self.turns.notify_all()

    async def check(self, scope, login: bytes):
        """MLflow's own verdict on a login: True, False, or None (it could not say)."""
        async with self.checks:
            status = None
            sent = False

            async def receive():
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": b"", "more_body": False}
                await asyncio.Event().wait()  # the check has no client that could go away
                return {"type": "http.disconnect"}

            async def send(message):
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]

            prefix = os.environ.get("_MLFLOW_STATIC_PREFIX", "").rstrip("/")
            headers = [(b"host", self.header(scope, b"host")), (b"authorization", login)]
            path = prefix + CURRENT_USER
            probe = {**scope, "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b""}
            await self.app({**probe, "headers": headers}, receive, send)
        return True if status == 200 else False if status == 401 else None

    async def verdict(self, scope, login: bytes, digest: bytes):
        """One check per login at a time: requests sent together with a new login share it."""
        if digest in self.pending:
            return await asyncio.shield(self.pending[digest])
        future = asyncio.get_running_loop().create_future()
        self.pending[digest] = future
        result = None
        try:
            result = await self.check(scope, login)
        except Exception:  # noqa: BLE001, S110 - MLflow decides on the request itself then
            pass
        finally:
            del self.pending[digest]
            future.set_result(result)  # also when cancelled: the others sharing it go on
        return result

    async def refuse(self, receive, send, status: int, body: bytes, headers: list, since: float) -> None:
        await drain(receive)
        await asyncio.sleep(max(0.0, since + self.delay - time.monotonic()))
        headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode()), *headers]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        login = self.login(scope) if scope["type"] == "http" else b""
        path = unprefixed(scope.get("path", ""))
        if not login or path.startswith(UNPROTECTED) or SERVER_INFO.search(path):  # MLflow checks no login there
            return await self.app(scope, receive, send)
        now = time.monotonic()
        digest = hmac.new(self.key, login, hashlib.sha256).digest()
        if not self.remembered(digest, now):
            client = self.client(scope)
            # A failure costs a token; a check under way holds one until it settles (requests in
            # parallel cannot all get one check each). Processes on the VM itself (the
            # playbooks, the model servers) have no budget.
            admitted = "trusted" if client in TRUSTED_PROXIES else await self.admit(client, digest)
            if not isinstance(admitted, str):
                message = f"Too many failed logins from {client}: try again in {math.ceil(admitted)} s.".encode()
                retry = [(b"retry-after", str(math.ceil(admitted)).encode())]
                return await self.refuse(receive, send, 429, message, retry, now)
            if admitted != "known":
                result = None
                try:
                    result = await self.verdict(scope, login, digest)
                finally:
                    if admitted == "check":
                        await self.settle(client, result is False)
                if result is False:
                    return await self.refuse(receive, send, 401, NOT_AUTHENTICATED, [(b"www-authenticate", REALM)], now)
                if result:
                    self.working[digest] = now + self.remember
                    while len(self.working) > self.limit:
                        self.working.popitem(last=False)
                elif scope.get("path") == METRICS:  # MLflow could not say: its own rules apply
                    return await self.app(scope, receive, send)
        if scope.get("path") == METRICS and scope.get("method") == "GET":
            body = await asyncio.to_thread(metrics_body)
            if body is not None:
                await drain(receive)
                headers = [
                    (b"content-type", b"text/plain; version=0.0.4; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                return await send({"type": "http.response.body", "body": body})

        async def forget_if_refused(message):
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.working.pop(digest, None)  # its password changed meanwhile
            await send(message)

        return await self.app(scope, receive, forget_if_refused)


class Remembered:
    """A bounded, thread-safe table whose entries last ``seconds`` (None: until pushed out)."""

    def __init__(self, seconds: float | None = None, limit: int = 100_000):
        self.seconds, self.limit = seconds, limit
        self.entries = collections.OrderedDict()  # key -> (value, until)
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value, until = self.entries.get(key, (None, 0.0))
            if until is not None and until <= time.monotonic():
                self.entries.pop(key, None)
                return None
            return value

    def put(self, key, value) -> None:
        until = None if self.seconds is None else time.monotonic() + self.seconds
        with self.lock:
            self.entries[key] = (value, until)
            self.entries.move_to_end(key)
            while len(self.entries) > self.limit:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


# What this worker remembers of MLflow's authorizations (see 5. above); cleared after a
# permission change.
ALLOWED = Remembered(0)


def Run(**info):  # noqa: N802 - a stand-in for MLflow's Run: what _run_requirement reads of it
    return SimpleNamespace(info=SimpleNamespace(**info))


class OneRun:
    """The tracking store as ``_run_requirement`` reads it: one run, with its experiment alone."""

    def __init__(self, experiment_id):
        self.experiment_id = experiment_id

    def get_run(self, run_id):
        return Run(run_id=run_id, experiment_id=self.experiment_id)


def sql_run_experiments(store):
    """run_id -> its experiment's id (None when there is no such run), from MLflow's SQL store."""
    from sqlalchemy import text

    query = text("SELECT experiment_id FROM runs WHERE run_uuid = :run_id")

    def experiment_of(run_id):
        with store.engine.connect() as connection:
            row = connection.execute(query, {"run_id": run_id}).first()
        return None if row is None else str(row[0])

    experiment_of("")  # the table and its columns are there, or this raises
    return experiment_of


def fast_authorization(auth, seconds: float, experiment_of=None) -> bool:
    """Remember run requirements, admins and allowed requests in MLflow's basic auth (``auth``).

    Relies on: ``auth._run_requirement(run_id, action)`` reads the run through
    ``auth._get_tracking_store().get_run`` and returns data made of ``run.info.experiment_id``
    and ``action`` alone (None for a missing run); ``auth.authorize(username, anchor,
    requirements)`` decides from the user's grants; ``auth.sender_is_admin()`` answers for the
    request's user. The first is checked here against a stand-in store; on any surprise MLflow's
    own checks stay as they are. ``experiment_of(run_id)`` (its experiment's id, None when there
    is no such run), when given, answers a run's first requirement in one query. Returns whether
    the cache is on."""
    if seconds <= 0:
        return False
    try:
        run_requirement, authorize, sender_is_admin = auth._run_requirement, auth.authorize, auth.sender_is_admin
        get_store, local = auth._get_tracking_store, threading.local()
    except AttributeError as error:
        print(f"mlops-vm: authorization cache off: MLflow changed ({error!r})", file=sys.stderr, flush=True)
        return False

    def requirement_with(store, run_id, action):
        local.store = store
        try:
            return run_requirement(run_id, action)
        finally:
            local.store = None

    try:
        auth._get_tracking_store = lambda: getattr(local, "store", None) or get_store()
        # Two runs of one experiment that differ in everything else must require the same.
        runs = {"run-a": ("11", "active"), "run-b": ("11", "deleted")}
        reads = []

        class Store:
            def get_run(self, run_id):
                reads.append(run_id)
                experiment_id, stage = runs[run_id]
                return Run(run_id=run_id, experiment_id=experiment_id, lifecycle_stage=stage, user_id=run_id)

        first, second = (requirement_with(Store(), run_id, "update") for run_id in runs)
        light = requirement_with(OneRun("11"), "run-a", "update")
        hash((first[0], *first[1]))  # the anchor and requirements are keys of the tables below
        missing_refused = True  # a missing run requires nothing: refused (checked where MLflow is)
        if "mlflow" in sys.modules:
            from mlflow.exceptions import MlflowException
            from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST

            class NoRuns:
                def get_run(self, run_id):
                    raise MlflowException(f"Run with id={run_id} not found", RESOURCE_DOES_NOT_EXIST)

            missing_refused = requirement_with(NoRuns(), "run-c", "read") is None
        relied_on = reads == list(runs) and first == second == light and "11" in repr(first) and missing_refused
        why = "its run requirement no longer depends on the run's experiment alone"
    except Exception as error:  # noqa: BLE001 - an MLflow that changed: keep its own checks
        relied_on, why = False, repr(error)
    if not relied_on:
        auth._get_tracking_store = get_store
        print(f"mlops-vm: authorization cache off: MLflow changed ({why})", file=sys.stderr, flush=True)
        return False

    requirements, ALLOWED.seconds = Remembered(), seconds
    ALLOWED.clear()

    def requirement_of(run_id, action):
        if not experiment_of:
            return run_requirement(run_id, action)  # reads the whole run
        experiment_id = experiment_of(run_id)  # one query
        # No such run: refused, as MLflow refuses it (its _run_requirement is None then too).
        return None if experiment_id is None else requirement_with(OneRun(experiment_id), run_id, action)

    def remembered_run_requirement(run_id, action):
        key = ("run", run_id, action)
        if (found := requirements.get(key)) is None and (found := requirement_of(run_id, action)) is not None:
            requirements.put(key, found)  # a run's experiment never changes
        return found

    def remembered_authorize(username, anchor, required):
        key = ("allowed", username, anchor, tuple(required))
        if ALLOWED.get(key):
            return True
        allowed = authorize(username, anchor, required)
        if allowed:
            ALLOWED.put(key, True)
        return allowed

    def remembered_sender_is_admin():
        key = ("admin", auth.authenticate_request().username)
        if (admin := ALLOWED.get(key)) is None:
            admin = sender_is_admin()
            ALLOWED.put(key, admin)
        return admin

    auth._run_requirement, auth.authorize = remembered_run_requirement, remembered_authorize
    auth.sender_is_admin = remembered_sender_is_admin
    how = "a run's experiment in one query" if experiment_of else "whole runs read once"
    print(f"mlops-vm: authorization cache on ({seconds:g} s; {how})", file=sys.stderr, flush=True)
    return True


class Lab:
    """ASGI wrapper, for uvicorn (MLflow's default server)."""

    def __init__(self, app, uploads: Uploads, needs_login: bool = False, concurrent_writes: int = 0):
        self.app, self.uploads, self.needs_login = app, uploads, needs_login
        # At most this many run writes at once in this worker (0: no bound); the others wait
        # here, where waiting costs nothing, so reads are not queued behind a grid search.
        self.writes = asyncio.Semaphore(concurrent_writes) if concurrent_writes > 0 else None

    def __getattr__(self, name):  # the wrapped app's attributes (state, routes, ...)
        return getattr(self.app, name)

    @staticmethod
    async def answer(send, status: int, body: bytes) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = unprefixed(scope.get("path", ""))
        if match := PRESIGNED_OR_MULTIPART.search(path):
            await drain(receive)
            return await self.answer(send, 501, unsupported_body(match.group(1)))
        length = LoginGuard.header(scope, b"content-length").decode("latin-1") or None
        # Without a login MLflow refuses the request anyway: tell the disk's state to users only.
        anonymous = self.needs_login and not LoginGuard.header(scope, b"authorization")
        if not anonymous and (refusal := self.uploads.refusal(scope["method"], path, length)):
            await drain(receive)
            return await self.answer(send, *refusal)
        if self.writes and scope["method"] == "POST" and RUN_WRITE.search(path):
            async with self.writes:
                return await self.app(scope, receive, send)
        if scope["method"] != "GET" and PERMISSION_CHANGE.search(path):
            try:
                return await self.app(scope, receive, send)
            finally:
                ALLOWED.clear()
        if scope["method"] != "GET" or not SERVER_INFO.search(path):
            return await self.app(scope, receive, send)

        start, chunks = None, []

        async def rewrite(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return None
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return None
            body = b"".join(chunks)
            if start["status"] == 200:
                body = without_presigned(body)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return None

        return await self.app(scope, receive, rewrite)


# The name of earlier releases of this module.
ProxyOnly = Lab


def lab_flask(flask_app, uploads: Uploads):
    """The same for a plain Flask app (--gunicorn-opts, --waitress-opts); no login guard there."""
    from flask import Response, request

    @flask_app.before_request
    def refuse_presigned_and_oversized():
        path = unprefixed(request.path)
        if match := PRESIGNED_OR_MULTIPART.search(path):
            return Response(unsupported_body(match.group(1)), 501, mimetype="application/json")
        if refusal := uploads.refusal(request.method, path, request.headers.get("Content-Length")):
            return Response(refusal[1], refusal[0], mimetype="application/json")
        return None

    @flask_app.after_request
    def hide_presigned(response):
        if request.method == "GET" and response.status_code == 200 and SERVER_INFO.search(unprefixed(request.path)):
            response.set_data(without_presigned(response.get_data()))
        return response

    return flask_app


def lab(app, login_guard: bool = False):
    from flask import Flask

    uploads = Uploads.from_environment()
    if isinstance(app, Flask):
        return lab_flask(app, uploads)
    # The login guard outermost: a refused login costs no other work.
    wrapped = Lab(app, uploads, needs_login=login_guard, concurrent_writes=env_int("MLOPS_VM_CONCURRENT_WRITES"))
    if login_guard:
        wrapped = LoginGuard(wrapped, env_int("MLOPS_VM_LOGIN_FAILURES_PER_MINUTE", 10))
    return wrapped


def create_app():
    """``mlflow server --app-name lab``: MLflow's app, no login."""
    if os.environ.get("_MLFLOW_SGI_NAME") == "uvicorn":
        from mlflow.server.fastapi_app import app
    else:
        from mlflow.server import app
    return lab(app)


def create_basic_auth_app():
    """``mlflow server --app-name lab-basic-auth``: MLflow's basic-auth app."""
    from mlflow.server import auth

    app = auth.create_app()
    from mlflow.environment_variables import MLFLOW_ENABLE_WORKSPACES

    experiment_of = None
    if not MLFLOW_ENABLE_WORKSPACES.get():  # with workspaces: MLflow's get_run, which knows them
        try:
            experiment_of = sql_run_experiments(auth._get_tracking_store())
        except Exception as error:  # noqa: BLE001 - not a SQL store, or another schema: whole runs
            print(f"mlops-vm: runs' experiments read whole ({error!r})", file=sys.stderr, flush=True)
    fast_authorization(auth, env_int("MLOPS_VM_PERMISSION_CACHE_SECONDS", 0), experiment_of)
    return lab(app, login_guard=True)
