"""Test-only stand-in for the MinIO server, built on moto's S3 implementation.

No MinIO binary is reachable on our test machines, so this honours the parts of MinIO's contract
the roles rely on:
- `minio server DIR [--address :9000] [--console-address :9001]`, data kept under DIR;
- MINIO_ROOT_USER / MINIO_ROOT_PASSWORD (8+ characters), or the files MINIO_ROOT_USER_FILE /
  MINIO_ROOT_PASSWORD_FILE name (the image sets access_key / secret_key, looked up under
  /run/secrets first, as MinIO's loadEnvVarsFromFiles does), as the only valid credentials: every S3
  request must carry a valid AWS Signature V4 made with them;
- /minio/health/live and /minio/health/ready on the API port; a console page on the console port.
moto keeps objects in memory, so after each change the stand-in writes the whole store to
DIR/.standin-s3.pickle and reads it back on start (objects survive a container being recreated).
"""

import argparse
import os
import pickle
import sys
import threading
from http import HTTPStatus

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.s3.models import s3_backends
from werkzeug.serving import make_server

STATE_FILE = ".standin-s3.pickle"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def s3_error(start_response, status: HTTPStatus, code: str, message: str):
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    ).encode()
    start_response(
        f"{status.value} {status.phrase}",
        [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
    )
    return [body]


def signature_error(environ, access_key: str, secret_key: str) -> tuple[str, str] | None:
    """Check the request's AWS SigV4 Authorization header; return (code, message) when it fails."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("AWS4-HMAC-SHA256 "):
        return "AccessDenied", "Access Denied (anonymous or unsupported signature)."
    fields = dict(part.strip().split("=", 1) for part in header[len("AWS4-HMAC-SHA256 ") :].split(","))
    try:
        key_id, _date, region, service, _term = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        signature = fields["Signature"]
    except (KeyError, ValueError):
        return "AuthorizationHeaderMalformed", "The authorization header is malformed."
    if key_id != access_key:
        return "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records."

    headers = {}
    for name in signed:
        wsgi_name = name.upper().replace("-", "_")
        value = environ.get(wsgi_name if wsgi_name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{wsgi_name}")
        if value is not None:
            headers[name] = value
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
    request = AWSRequest(
        method=environ["REQUEST_METHOD"], url=f"http://{environ.get('HTTP_HOST', '')}{raw_uri}", headers=headers
    )
    request.context["timestamp"] = headers.get("x-amz-date", "")
    auth = S3SigV4Auth(Credentials(access_key, secret_key), service, region)
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    if expected != signature:
        return "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
    return None


class StandIn:
    def __init__(self, data_dir: str, access_key: str, secret_key: str):
        self.state_path = os.path.join(data_dir, STATE_FILE)
        self.access_key, self.secret_key = access_key, secret_key
        self.backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.lock = threading.Lock()
        if os.path.exists(self.state_path):
            with open(self.state_path, "rb") as state:
                self.backend.buckets.update(pickle.load(state))  # noqa: S301 - our own state file

    def save(self):
        tmp = self.state_path + ".tmp"
        with open(tmp, "wb") as state:
            pickle.dump(dict(self.backend.buckets), state)
        os.replace(tmp, self.state_path)

    def api(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path in ("/minio/health/live", "/minio/health/ready"):
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        error = signature_error(environ, self.access_key, self.secret_key)
        if error:
            return s3_error(start_response, HTTPStatus.FORBIDDEN, *error)
        # moto routes by the Host header; send everything to its S3 backend.
        environ["HTTP_HOST"] = "s3.amazonaws.com"
        status = {}

        def remember(code, headers, exc_info=None):
            status["code"] = int(code.split()[0])
            return start_response(code, headers, exc_info)

        with self.lock:
            body = b"".join(self.moto(environ, remember))
            if environ["REQUEST_METHOD"] not in SAFE_METHODS and status.get("code", 500) < 300:
                self.save()
        return [body]

    @staticmethod
    def console(environ, start_response):
        page = b"<html><body><h1>MinIO Console (test stand-in)</h1><p>Log in with the root user.</p></body></html>"
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(page)))])
        return [page]


def host_port(address: str, default_port: int) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "0.0.0.0", int(port or default_port)  # noqa: S104 - MinIO binds all by default


def from_file(name: str) -> str | None:
    """As MinIO: NAME_FILE names a file (under /run/secrets first); its trimmed content wins over NAME."""
    ref = os.environ.get(f"{name}_FILE", "")
    for path in (os.path.join("/run/secrets", ref), ref) if ref else ():
        if os.path.isfile(path):
            with open(path) as secret:
                return secret.read().strip()
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="minio")
    sub = parser.add_subparsers(dest="command", required=True)
    server = sub.add_parser("server")
    server.add_argument("data_dir")
    server.add_argument("--address", default=":9000")
    server.add_argument("--console-address", default=":9001")
    args = parser.parse_args(argv)

    # Real MinIO falls back to a well-known default login; the stand-in refuses to start instead.
    user = from_file("MINIO_ROOT_USER") or os.environ.get("MINIO_ROOT_USER", "")
    password = from_file("MINIO_ROOT_PASSWORD") or os.environ.get("MINIO_ROOT_PASSWORD", "")
    if len(user) < 3 or len(password) < 8:
        print("ERROR MINIO_ROOT_USER (3+ characters) and MINIO_ROOT_PASSWORD (8+) must be set", file=sys.stderr)
        return 1
    os.makedirs(args.data_dir, exist_ok=True)
    standin = StandIn(args.data_dir, user, password)
    console = make_server(*host_port(args.console_address, 9001), StandIn.console, threaded=True)
    threading.Thread(target=console.serve_forever, daemon=True).start()
    print(f"MinIO stand-in: API {args.address}, console {args.console_address}, data {args.data_dir}", flush=True)
    make_server(*host_port(args.address, 9000), standin.api, threaded=True).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
