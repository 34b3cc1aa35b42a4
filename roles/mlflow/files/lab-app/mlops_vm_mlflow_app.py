"""MLflow server app for mlops-vm: clients need only the tracking URI, for artifacts of any size.

With an S3 artifact destination, MLflow >= 3.x servers advertise presigned (multipart) transfers
in ``/api/3.0/mlflow/server-info``. Stock clients and the UI then download every artifact, and
upload files from 500 MB, straight from the S3 endpoint the *server* uses: the VM's loopback,
which no laptop or container reaches (downloads hang in retries for minutes). MLflow has no
setting to stop advertising them, so this app wraps MLflow's own app and:

* rewrites ``multipart_uploads_enabled`` / ``multipart_downloads_enabled`` in server-info to
  false, so clients use the server's artifact proxy (streamed, bounded memory);
* answers ``.../mlflow-artifacts/presigned/...`` and ``.../mlflow-artifacts/mpu/...`` with 501
  and MLflow's own "not supported" messages, on which clients that force presigned transfers
  and the UI's download button fall back to the proxy.

The S3 bucket stays private: clients never get an S3 URL or a credential.
Entry points (``mlflow.app``): ``lab`` (no login) and ``lab-basic-auth`` (MLflow's basic auth).
It depends only on ASGI/Flask behaviour and the response format, not on MLflow internals; the
lab's test suite downloads artifacts with a stock client and fails if a new MLflow breaks it.
"""

import json
import os
import re

SERVER_INFO = re.compile(r"/(?:ajax-)?api/\d+\.\d+/mlflow/server-info/?$")
PRESIGNED_OR_MULTIPART = re.compile(r"/(?:ajax-)?api/2\.0/mlflow-artifacts/(presigned|mpu)/")
FLAGS = ("multipart_uploads_enabled", "multipart_downloads_enabled")
# The texts of MLflow's _UnsupportedMultipart{Upload,Download}Exception: a client falls back to
# the proxy only when the error message starts with them.
UNSUPPORTED = {
    "mpu": "Multipart upload is not supported for the current artifact repository",
    "presigned": "Multipart download is not supported for the current artifact repository",
}


def unsupported_body(kind: str) -> bytes:
    return json.dumps({"error_code": "NOT_IMPLEMENTED", "message": UNSUPPORTED[kind]}).encode()


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


class ProxyOnly:
    """ASGI wrapper, for uvicorn (MLflow's default server)."""

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):  # the wrapped app's attributes (state, routes, ...)
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = unprefixed(scope.get("path", ""))
        if match := PRESIGNED_OR_MULTIPART.search(path):
            body = unsupported_body(match.group(1))
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 501, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return None
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


def proxy_only_flask(flask_app):
    """The same for a plain Flask app (--gunicorn-opts, --waitress-opts)."""
    from flask import Response, request

    @flask_app.before_request
    def refuse_presigned():
        if match := PRESIGNED_OR_MULTIPART.search(unprefixed(request.path)):
            return Response(unsupported_body(match.group(1)), 501, mimetype="application/json")
        return None

    @flask_app.after_request
    def hide_presigned(response):
        if request.method == "GET" and response.status_code == 200 and SERVER_INFO.search(unprefixed(request.path)):
            response.set_data(without_presigned(response.get_data()))
        return response

    return flask_app


def proxy_only(app):
    from flask import Flask

    return proxy_only_flask(app) if isinstance(app, Flask) else ProxyOnly(app)


def create_app():
    """``mlflow server --app-name lab``: MLflow's app, no login."""
    if os.environ.get("_MLFLOW_SGI_NAME") == "uvicorn":
        from mlflow.server.fastapi_app import app
    else:
        from mlflow.server import app
    return proxy_only(app)


def create_basic_auth_app():
    """``mlflow server --app-name lab-basic-auth``: MLflow's basic-auth app."""
    from mlflow.server.auth import create_app as create_auth_app

    return proxy_only(create_auth_app())
