"""MLflow server app for mlops-vm: MLflow's own app behind four guards a lab on the internet needs.

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
   before a byte is read (and one that does not say its size with 411).
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
   student is never slowed by someone else's failures.

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
import time

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
# Only nginx on this VM may say who the client is.
TRUSTED_PROXIES = {"127.0.0.1", "::1"}


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
        self.budgets = collections.OrderedDict()  # client -> [tokens, time]
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

    def take(self, client: str, now: float) -> float:
        """Take one failure token from client: 0 when taken, else the seconds until one is there."""
        tokens, then = self.budgets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        self.budgets[client] = (tokens - 1, now) if tokens >= 1 else (tokens, now)
        while len(self.budgets) > self.limit:
            self.budgets.popitem(last=False)
        return 0 if tokens >= 1 else (1 - tokens) / self.rate

    def give_back(self, client: str) -> None:
        tokens, then = self.budgets.get(client, (self.capacity, 0))
        self.budgets[client] = (min(self.capacity, tokens + 1), then)

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

    async def refuse(self, send, status: int, body: bytes, headers: list, since: float) -> None:
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
            # A failure costs a token, taken before the check (requests in parallel cannot all
            # get one check each) and given back when the login works. Processes on the VM
            # itself (the playbooks, the model servers) have no budget.
            took = digest not in self.pending and client not in TRUSTED_PROXIES
            if took and (wait := self.take(client, now)):
                message = f"Too many failed logins from {client}: try again in {math.ceil(wait)} s.".encode()
                return await self.refuse(send, 429, message, [(b"retry-after", str(math.ceil(wait)).encode())], now)
            result = await self.verdict(scope, login, digest)
            if result is False:
                return await self.refuse(send, 401, NOT_AUTHENTICATED, [(b"www-authenticate", REALM)], now)
            if took:
                self.give_back(client)
            if result:
                self.working[digest] = now + self.remember
                while len(self.working) > self.limit:
                    self.working.popitem(last=False)

        async def forget_if_refused(message):
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.working.pop(digest, None)  # its password changed meanwhile
            await send(message)

        return await self.app(scope, receive, forget_if_refused)


class Lab:
    """ASGI wrapper, for uvicorn (MLflow's default server)."""

    def __init__(self, app, uploads: Uploads, needs_login: bool = False):
        self.app, self.uploads, self.needs_login = app, uploads, needs_login

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
            return await self.answer(send, 501, unsupported_body(match.group(1)))
        length = LoginGuard.header(scope, b"content-length").decode("latin-1") or None
        # Without a login MLflow refuses the request anyway: tell the disk's state to users only.
        anonymous = self.needs_login and not LoginGuard.header(scope, b"authorization")
        if not anonymous and (refusal := self.uploads.refusal(scope["method"], path, length)):
            return await self.answer(send, *refusal)
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
    wrapped = Lab(app, uploads, needs_login=login_guard)
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
    from mlflow.server.auth import create_app as create_auth_app

    return lab(create_auth_app(), login_guard=True)
