"""Test-only S3 server standing in for MinIO and SeaweedFS (no registry, no binaries reachable here).

One small S3 implementation on the file system, behind each server's command line and contract:

  minio server DIR [--address :9000] [--console-address :9001]
      root login from MINIO_ROOT_USER/_PASSWORD or the files MINIO_ROOT_USER_FILE/_PASSWORD_FILE
      name (/run/secrets first); users and canned policies (IAM JSON) set with `mc admin` and kept
      in DIR/.minio.sys; health at /minio/health/live and /minio/health/ready; console page on :9001.
  weed server -dir=DIR -s3 -s3.port=8333 -s3.config=FILE
      identities from the -s3.config JSON ({"identities": [{"name", "credentials": [{accessKey,
      secretKey}], "actions": ["Admin" | "Read[:bucket]" | "Write[:bucket]" | "List[:bucket]"]}]}),
      reloaded on SIGHUP; no identity means no authentication (as SeaweedFS); health at /healthz,
      /readyz and /status; buckets live under DIR/buckets; the image runs it as uid 1000.

Every request but health must carry a valid AWS Signature V4 (Authorization header) of a known
identity, and the identity must be allowed the request's action on its bucket. Objects are
streamed to and from files (DIR/<bucket>/objects), so large artifacts cost disk, not memory, and
survive the container. Presigned URLs (SigV4 query signatures) are accepted too. Covered: buckets
(list, create, head, delete, location), objects (put,
get with ranges, head, delete, batch delete, list v1/v2 with prefix, delimiter and pages),
multipart uploads, user metadata.
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
CHUNK = 1024 * 1024
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class S3Error(Exception):
    def __init__(self, status: HTTPStatus, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ts))


def xml(root: str, body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NS}">{body}</{root}>'.encode()


# --- Identities and what they may do ---------------------------------------------------------


class Identity:
    def __init__(self, name: str, secret: str, allowed):
        self.name, self.secret, self.allowed = name, secret, allowed


def no_such_user() -> S3Error:
    """MinIO's admin API answer for an unknown access key (its error code, as mc and madmin expect)."""
    return S3Error(HTTPStatus.NOT_FOUND, "XMinioAdminNoSuchUser", "The specified user does not exist")


# The query parameters of a ListObjects (v1 or v2) request: anything else on a bucket is another
# sub-resource.
LIST_PARAMETERS = {
    "list-type",
    "prefix",
    "delimiter",
    "max-keys",
    "encoding-type",
    "continuation-token",
    "start-after",
    "marker",
    "fetch-owner",
}


def s3_action(method: str, bucket: str, key: str, query: dict) -> str:
    """The IAM action name of a request (MinIO policies use these; SeaweedFS maps them)."""
    if not bucket:
        return "s3:ListAllMyBuckets"
    if not key:
        if method == "PUT" and not query:
            return "s3:CreateBucket"
        if method == "DELETE" and not query:
            return "s3:DeleteBucket"
        if method == "POST" and "delete" in query:
            return "s3:DeleteObject"
        if "location" in query:
            return "s3:GetBucketLocation"
        if "uploads" in query:
            return "s3:ListBucketMultipartUploads"
        if method in ("GET", "HEAD") and set(query) - LIST_PARAMETERS:
            return "s3:GetBucketPolicy"  # other bucket sub-resources: for the root login only
        return "s3:ListBucket"
    if method in ("GET", "HEAD"):
        return "s3:ListMultipartUploadParts" if "uploadId" in query else "s3:GetObject"
    if method == "DELETE":
        return "s3:AbortMultipartUpload" if "uploadId" in query else "s3:DeleteObject"
    return "s3:PutObject"  # PUT object or part, POST uploads / complete


def policy_allows(document: dict, action: str, bucket: str, key: str) -> bool:
    """Allow statements of an IAM policy (Deny wins); resources arn:aws:s3:::bucket[/key], wildcards."""
    resource = f"arn:aws:s3:::{bucket}" + (f"/{key}" if key else "")

    def matches(patterns, value):
        patterns = [patterns] if isinstance(patterns, str) else patterns
        return any(re.fullmatch(re.escape(p).replace(r"\*", ".*").replace(r"\?", "."), value) for p in patterns)

    allowed = False
    for statement in document.get("Statement", []):
        if matches(statement.get("Action", []), action) and matches(statement.get("Resource", []), resource):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


SEAWEED_ACTIONS = {
    "s3:ListAllMyBuckets": None,  # any identity lists the buckets it may see
    "s3:CreateBucket": "Admin",
    "s3:DeleteBucket": "Admin",
    "s3:GetBucketPolicy": "Admin",
    "s3:GetBucketLocation": "Read",
    "s3:ListBucket": "List",
    "s3:ListBucketMultipartUploads": "List",
    "s3:GetObject": "Read",
    "s3:ListMultipartUploadParts": "Read",
    "s3:PutObject": "Write",
    "s3:DeleteObject": "Write",
    "s3:AbortMultipartUpload": "Write",
}


def seaweed_allows(actions: list, action: str, bucket: str) -> bool:
    if "Admin" in actions:
        return True
    needed = SEAWEED_ACTIONS[action]
    return needed is None or needed in actions or f"{needed}:{bucket}" in actions


class MinioIdentities:
    def __init__(self, data_dir: str, root_user: str, root_password: str):
        self.root = Identity(root_user, root_password, lambda action, bucket, key: True)
        self.path = os.path.join(data_dir, ".minio.sys", "iam.json")
        self.lock = threading.Lock()

    def load(self) -> dict:
        try:
            with open(self.path) as state:
                return json.load(state)
        except FileNotFoundError:
            return {"users": {}, "policies": {}}

    def save(self, iam: dict):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(self.path), delete=False) as new:
            json.dump(iam, new)
        os.replace(new.name, self.path)

    def get(self, access_key: str) -> Identity | None:
        if access_key == self.root.name:
            return self.root
        iam = self.load()
        user = iam["users"].get(access_key)
        if not user or user.get("status") != "enabled":
            return None
        documents = [iam["policies"][p] for p in user.get("policies", []) if p in iam["policies"]]
        return Identity(
            access_key,
            user["secretKey"],
            lambda action, bucket, key: any(policy_allows(d, action, bucket, key) for d in documents),
        )

    def admin(self, identity: Identity, method: str, path: str, query: dict, body: bytes):
        """The `mc admin` calls the stand-in's mc makes (plain JSON; real MinIO encrypts them)."""
        if identity is not self.root:
            raise S3Error(HTTPStatus.FORBIDDEN, "AccessDenied", "Access Denied.")
        with self.lock:
            iam = self.load()
            if path.endswith("/add-user") and method == "PUT":
                request = json.loads(body)
                user = iam["users"].setdefault(query["accessKey"], {"policies": []})
                user.update(secretKey=request["secretKey"], status=request.get("status", "enabled"))
            elif path.endswith("/user-info") and method == "GET":
                user = iam["users"].get(query["accessKey"])
                if not user:
                    raise no_such_user()
                return {"status": user["status"], "policyName": ",".join(user["policies"])}
            elif path.endswith("/set-user-status") and method == "PUT":
                user = iam["users"].get(query["accessKey"])
                if not user or query.get("status") not in ("enabled", "disabled"):
                    raise no_such_user()
                user["status"] = query["status"]
            elif path.endswith("/add-canned-policy") and method == "PUT":
                iam["policies"][query["name"]] = json.loads(body)
            elif path.endswith("/idp/builtin/policy/attach") and method == "POST":
                request = json.loads(body)
                user = iam["users"].get(request["user"])
                if not user:
                    raise no_such_user()
                if set(request["policies"]) <= set(user["policies"]):
                    raise S3Error(
                        HTTPStatus.BAD_REQUEST,
                        "XMinioAdminPolicyChangeAlreadyApplied",
                        "The specified policy change is already in effect.",
                    )
                user["policies"] = sorted(set(user["policies"]) | set(request["policies"]))
            else:
                raise S3Error(HTTPStatus.NOT_IMPLEMENTED, "NotImplemented", f"{method} {path} is not in the stand-in")
            self.save(iam)
        return {}


class SeaweedIdentities:
    def __init__(self, config_path: str):
        self.config_path, self.identities = config_path, {}
        self.reload()

    def reload(self, *_):
        identities = {}
        if self.config_path:
            with open(self.config_path) as config:
                for entry in json.load(config).get("identities", []):
                    actions = entry.get("actions", [])
                    for credential in entry.get("credentials", []):
                        identities[credential["accessKey"]] = Identity(
                            entry.get("name", credential["accessKey"]),
                            credential["secretKey"],
                            lambda action, bucket, key, actions=actions: seaweed_allows(actions, action, bucket),
                        )
        self.identities = identities
        print(f"s3 stand-in: {len(identities)} identities loaded from {self.config_path or 'nowhere'}", flush=True)

    @property
    def open(self) -> bool:  # SeaweedFS authenticates only when identities are configured
        return not self.identities

    def get(self, access_key: str) -> Identity | None:
        return self.identities.get(access_key)

    def admin(self, *_):
        raise S3Error(HTTPStatus.NOT_FOUND, "NoSuchKey", "SeaweedFS has no MinIO admin API")


def signer_of(auth_class, identities, scope, signature: str, request, timestamp: str) -> Identity:
    """The identity whose secret signs REQUEST (as AUTH_CLASS computes it) to SIGNATURE.

    SCOPE: (access key, region, service) from the credential. Unknown keys and wrong signatures
    get S3's own errors."""
    access_key, region, service = scope
    identity = identities.get(access_key)
    if identity is None:
        raise S3Error(
            HTTPStatus.FORBIDDEN, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records."
        )
    request.context["timestamp"] = timestamp
    auth = auth_class(Credentials(access_key, identity.secret), service, region)
    if auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request) != signature:
        raise S3Error(
            HTTPStatus.FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    return identity


def verify_presigned(headers, method: str, raw_path: str, identities) -> Identity:
    """Check a presigned URL's SigV4 query signature (X-Amz-Signature) and expiry."""
    path, _, query = raw_path.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    try:
        access_key, _date, region, service, _term = params["X-Amz-Credential"].split("/")
        signed, signature = params["X-Amz-SignedHeaders"].split(";"), params["X-Amz-Signature"]
        expires = time.mktime(time.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ")) - time.timezone
        expires += int(params["X-Amz-Expires"])
    except (KeyError, ValueError) as error:
        raise S3Error(
            HTTPStatus.BAD_REQUEST, "AuthorizationQueryParametersError", "A malformed presigned URL."
        ) from error
    if time.time() > expires:
        raise S3Error(HTTPStatus.FORBIDDEN, "AccessDenied", "Request has expired")
    unsigned = "&".join(part for part in query.split("&") if not part.startswith("X-Amz-Signature="))
    return signer_of(
        S3SigV4QueryAuth,
        identities,
        (access_key, region, service),
        signature,
        AWSRequest(
            method=method,
            url=f"http://{headers.get('Host', '')}{path}?{unsigned}",
            headers={name: headers[name] for name in signed if headers.get(name) is not None},
        ),
        params["X-Amz-Date"],
    )


def verify_signature(headers, method: str, raw_path: str, identities) -> Identity:
    """Check the request's AWS SigV4 Authorization header (or presigned URL); return the identity it proves."""
    if "X-Amz-Signature=" in raw_path.partition("?")[2]:
        return verify_presigned(headers, method, raw_path, identities)
    header = headers.get("Authorization", "")
    if not header.startswith("AWS4-HMAC-SHA256 "):
        raise S3Error(HTTPStatus.FORBIDDEN, "AccessDenied", "Access Denied (anonymous or unsupported signature).")
    try:
        fields = dict(part.strip().split("=", 1) for part in header[len("AWS4-HMAC-SHA256 ") :].split(","))
        access_key, _date, region, service, _term = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        signature = fields["Signature"]
    except (KeyError, ValueError) as error:
        raise S3Error(
            HTTPStatus.BAD_REQUEST, "AuthorizationHeaderMalformed", "The authorization header is malformed."
        ) from error
    return signer_of(
        S3SigV4Auth,
        identities,
        (access_key, region, service),
        signature,
        AWSRequest(
            method=method,
            url=f"http://{headers.get('Host', '')}{raw_path}",
            headers={name: headers[name] for name in signed if headers.get(name) is not None},
        ),
        headers.get("x-amz-date", ""),
    )


# --- Buckets and objects on disk -------------------------------------------------------------


class Store:
    """DIR/<bucket>/objects/<sha256(key)>{.data,.json} and DIR/<bucket>/uploads/<id>/<part>."""

    def __init__(self, root: str):
        self.root = root
        self.lock = threading.Lock()
        os.makedirs(root, exist_ok=True)

    def bucket_dir(self, bucket: str, must_exist: bool = True) -> str:
        path = os.path.join(self.root, bucket)
        if must_exist and not os.path.isdir(os.path.join(path, "objects")):
            raise S3Error(HTTPStatus.NOT_FOUND, "NoSuchBucket", "The specified bucket does not exist")
        return path

    def buckets(self) -> list[tuple[str, float]]:
        return sorted(
            (name, os.stat(os.path.join(self.root, name)).st_mtime)
            for name in os.listdir(self.root)
            if not name.startswith(".") and os.path.isdir(os.path.join(self.root, name, "objects"))
        )

    def create_bucket(self, bucket: str):
        if not BUCKET_NAME.match(bucket):
            raise S3Error(HTTPStatus.BAD_REQUEST, "InvalidBucketName", "The specified bucket is not valid.")
        path = self.bucket_dir(bucket, must_exist=False)
        if os.path.isdir(os.path.join(path, "objects")):
            raise S3Error(
                HTTPStatus.CONFLICT,
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            )
        os.makedirs(os.path.join(path, "objects"))
        os.makedirs(os.path.join(path, "uploads"), exist_ok=True)

    def delete_bucket(self, bucket: str):
        path = self.bucket_dir(bucket)
        if os.listdir(os.path.join(path, "objects")):
            raise S3Error(HTTPStatus.CONFLICT, "BucketNotEmpty", "The bucket you tried to delete is not empty")
        shutil.rmtree(path)

    def object_paths(self, bucket: str, key: str) -> tuple[str, str]:
        base = os.path.join(self.bucket_dir(bucket), "objects", hashlib.sha256(key.encode()).hexdigest())
        return base + ".data", base + ".json"

    def head(self, bucket: str, key: str) -> dict:
        data, meta = self.object_paths(bucket, key)
        try:
            with open(meta) as sidecar:
                info = json.load(sidecar)
        except FileNotFoundError as error:
            raise S3Error(HTTPStatus.NOT_FOUND, "NoSuchKey", "The specified key does not exist.") from error
        info["path"] = data
        return info

    def keys(self, bucket: str) -> list[dict]:
        objects = os.path.join(self.bucket_dir(bucket), "objects")
        listed = []
        for name in os.listdir(objects):
            if name.endswith(".json"):
                with open(os.path.join(objects, name)) as sidecar:
                    listed.append(json.load(sidecar))
        return sorted(listed, key=lambda info: info["key"])

    def commit(self, bucket: str, key: str, tmp: str, etag: str, size: int, headers: dict):
        data, meta = self.object_paths(bucket, key)
        info = {
            "key": key,
            "etag": etag,
            "size": size,
            "mtime": time.time(),
            "content_type": headers.get("Content-Type") or "binary/octet-stream",
            "metadata": {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-amz-meta-")},
        }
        with self.lock:
            os.replace(tmp, data)
            with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(meta), delete=False) as new:
                json.dump(info, new)
            os.replace(new.name, meta)
        return info

    def delete(self, bucket: str, key: str):
        for path in self.object_paths(bucket, key):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


# --- HTTP ------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "s3-standin"
    store: Store
    identities = None
    health_paths: tuple = ()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if os.environ.get("STANDIN_LOG"):
            super().log_message(format, *args)

    # One entry for every method: parse, authenticate, authorise, dispatch, answer errors as S3 does.
    def handle_any(self):
        self.drained = False  # one handler serves every request of a kept-alive connection
        self.parsed = urlsplit(self.path)
        self.query = dict(parse_qsl(self.parsed.query, keep_blank_values=True))
        path = unquote(self.parsed.path)
        try:
            if path in self.health_paths:
                return self.reply(HTTPStatus.OK, b"")
            if path.startswith("/minio/admin/"):
                identity = verify_signature(self.headers, self.command, self.path, self.identities)
                answer = self.identities.admin(identity, self.command, path, self.query, self.read_body())
                return self.reply(HTTPStatus.OK, json.dumps(answer).encode(), "application/json")
            bucket, _, key = path.lstrip("/").partition("/")
            action = s3_action(self.command, bucket, key, self.query)
            if not getattr(self.identities, "open", False):
                identity = verify_signature(self.headers, self.command, self.path, self.identities)
                # A batch delete is allowed per key (s3:DeleteObject on bucket/key), as MinIO and
                # AWS do: keys the identity may not delete come back as errors in the result.
                batch_delete = self.command == "POST" and not key and "delete" in self.query
                if not batch_delete and not identity.allowed(action, bucket, key):
                    raise S3Error(HTTPStatus.FORBIDDEN, "AccessDenied", "Access Denied.")
                self.identity = identity
            else:
                self.identity = None
            return self.dispatch(bucket, key)
        except S3Error as error:
            body = (
                b""
                if self.command == "HEAD"
                else xml(
                    "Error",
                    f"<Code>{error.code}</Code><Message>{escape(error.message)}</Message><Resource>{escape(path)}</Resource>",
                ).replace(f' xmlns="{NS}"'.encode(), b"")
            )
            self.drain()
            return self.reply(error.status, body, "application/xml")

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        self.drained = True
        return self.rfile.read(length) if length else b""

    def drain(self):
        if self.command in ("PUT", "POST") and not getattr(self, "drained", False):
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining > 0:
                remaining -= len(self.rfile.read(min(CHUNK, remaining)))
            self.drained = True

    def receive_to_file(self, directory: str) -> tuple[str, str, int]:
        """Stream the request body into a temporary file; return (path, md5 hex, size)."""
        if "aws-chunked" in self.headers.get("Content-Encoding", ""):
            raise S3Error(HTTPStatus.NOT_IMPLEMENTED, "NotImplemented", "aws-chunked uploads are not in the stand-in")
        remaining, digest = int(self.headers.get("Content-Length") or 0), hashlib.md5()  # noqa: S324 - S3's ETag
        size = remaining
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".incoming-")
        with os.fdopen(fd, "wb") as out:
            while remaining > 0:
                chunk = self.rfile.read(min(CHUNK, remaining))
                if not chunk:
                    raise S3Error(HTTPStatus.BAD_REQUEST, "IncompleteBody", "The request body ended early.")
                digest.update(chunk)
                out.write(chunk)
                remaining -= len(chunk)
        self.drained = True
        return tmp, digest.hexdigest(), size

    def reply(self, status, body: bytes = b"", content_type: str = "application/xml", headers: dict | None = None):
        self.send_response(status)
        self.send_header("x-amz-request-id", secrets.token_hex(8))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body or "Content-Length" not in (headers or {}):
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def dispatch(self, bucket: str, key: str):
        store, method, query = self.store, self.command, self.query
        if not bucket:
            visible = [
                (name, ts)
                for name, ts in store.buckets()
                if self.identity is None or self.identity.allowed("s3:ListBucket", name, "")
            ]
            items = "".join(
                f"<Bucket><Name>{n}</Name><CreationDate>{iso(t)}</CreationDate></Bucket>" for n, t in visible
            )
            return self.reply(
                HTTPStatus.OK,
                xml(
                    "ListAllMyBucketsResult",
                    f"<Owner><ID>stand-in</ID><DisplayName>stand-in</DisplayName></Owner><Buckets>{items}</Buckets>",
                ),
            )
        if not key:
            return self.bucket_request(bucket)
        if method == "POST" and "uploads" in query:
            store.bucket_dir(bucket)
            upload = secrets.token_hex(16)
            os.makedirs(os.path.join(store.bucket_dir(bucket), "uploads", upload))
            with open(os.path.join(store.bucket_dir(bucket), "uploads", upload, "headers.json"), "w") as saved:
                json.dump({"key": key, "headers": dict(self.headers.items())}, saved)
            return self.reply(
                HTTPStatus.OK,
                xml(
                    "InitiateMultipartUploadResult",
                    f"<Bucket>{bucket}</Bucket><Key>{escape(key)}</Key><UploadId>{upload}</UploadId>",
                ),
            )
        if "uploadId" in query:
            return self.multipart(bucket, key, query["uploadId"])
        if method == "PUT":
            if "x-amz-copy-source" in self.headers:
                raise S3Error(HTTPStatus.NOT_IMPLEMENTED, "NotImplemented", "CopyObject is not in the stand-in")
            tmp, md5, size = self.receive_to_file(os.path.join(store.bucket_dir(bucket), "objects"))
            info = store.commit(bucket, key, tmp, f'"{md5}"', size, dict(self.headers.items()))
            return self.reply(HTTPStatus.OK, headers={"ETag": info["etag"], "Content-Length": "0"})
        if method == "DELETE":
            store.delete(bucket, key)
            return self.reply(HTTPStatus.NO_CONTENT, headers={"Content-Length": "0"})
        return self.send_object(store.head(bucket, key))

    def send_object(self, info: dict):
        size, start, end = info["size"], 0, info["size"] - 1
        status, headers = HTTPStatus.OK, {}
        ranged = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if ranged and size:
            first, last = ranged.groups()
            start, end = (
                (size - int(last), size - 1) if not first else (int(first), min(int(last or size - 1), size - 1))
            )
            if start >= size or start > end:
                raise S3Error(
                    HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "InvalidRange", "The requested range is not satisfiable"
                )
            status, headers["Content-Range"] = HTTPStatus.PARTIAL_CONTENT, f"bytes {start}-{end}/{size}"
        if "If-None-Match" in self.headers and self.headers["If-None-Match"] == info["etag"]:
            return self.reply(HTTPStatus.NOT_MODIFIED, headers={"ETag": info["etag"], "Content-Length": "0"})
        length = max(end - start + 1, 0)
        headers.update(
            {
                "ETag": info["etag"],
                "Last-Modified": formatdate(info["mtime"], usegmt=True),
                "Accept-Ranges": "bytes",
                "Content-Type": info["content_type"],
                "Content-Length": str(length),
                **info["metadata"],
            }
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return None
        with open(info["path"], "rb") as data:
            data.seek(start)
            while length > 0:
                chunk = data.read(min(CHUNK, length))
                if not chunk:
                    break
                self.wfile.write(chunk)
                length -= len(chunk)
        return None

    def bucket_request(self, bucket: str):
        store, method, query = self.store, self.command, self.query
        if method == "PUT" and not query:
            store.create_bucket(bucket)
            return self.reply(HTTPStatus.OK, headers={"Location": f"/{bucket}", "Content-Length": "0"})
        if method == "DELETE" and not query:
            store.delete_bucket(bucket)
            return self.reply(HTTPStatus.NO_CONTENT, headers={"Content-Length": "0"})
        store.bucket_dir(bucket)
        if method == "HEAD":
            return self.reply(HTTPStatus.OK, headers={"Content-Length": "0", "x-amz-bucket-region": "us-east-1"})
        if method == "POST" and "delete" in query:
            tree = ElementTree.fromstring(self.read_body())  # noqa: S314 - a test stand-in
            keys = [e.text or "" for e in tree.iter() if e.tag.endswith("Key")]
            quiet = any(e.tag.endswith("Quiet") and (e.text or "").lower() == "true" for e in tree.iter())
            denied = [k for k in keys if self.identity and not self.identity.allowed("s3:DeleteObject", bucket, k)]
            for key in keys:
                if key not in denied:
                    store.delete(bucket, key)
            done = [k for k in keys if k not in denied]
            deleted = "" if quiet else "".join(f"<Deleted><Key>{escape(k)}</Key></Deleted>" for k in done)
            errors = "".join(
                f"<Error><Key>{escape(k)}</Key><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>"
                for k in denied
            )
            return self.reply(HTTPStatus.OK, xml("DeleteResult", deleted + errors))
        if "location" in query:
            return self.reply(HTTPStatus.OK, xml("LocationConstraint", ""))
        if method == "GET" and set(query) <= LIST_PARAMETERS:
            return self.list_objects(bucket)
        raise S3Error(HTTPStatus.NOT_IMPLEMENTED, "NotImplemented", "This bucket request is not in the stand-in")

    def list_objects(self, bucket: str):
        query = self.query
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        v2, url = query.get("list-type") == "2", query.get("encoding-type") == "url"
        max_keys = min(int(query.get("max-keys", 1000)), 1000)
        after = query.get("continuation-token", query.get("start-after", "")) if v2 else query.get("marker", "")
        enc = (lambda s: quote(s, safe="/")) if url else escape
        contents, prefixes, truncated, last = [], [], False, ""
        for info in self.store.keys(bucket):
            key = info["key"]
            if not key.startswith(prefix) or key <= after:
                continue
            if delimiter and delimiter in key[len(prefix) :]:
                common = key[: len(prefix) + key[len(prefix) :].index(delimiter) + len(delimiter)]
                if common <= after or (prefixes and prefixes[-1] == common):
                    continue
                entry = ("prefix", common)
            else:
                entry = ("key", info)
            if len(contents) + len(prefixes) == max_keys:
                truncated = True
                break
            if entry[0] == "prefix":
                prefixes.append(entry[1])
                last = entry[1]
            else:
                contents.append(entry[1])
                last = key
        body = [f"<Name>{bucket}</Name><Prefix>{enc(prefix)}</Prefix><MaxKeys>{max_keys}</MaxKeys>"]
        if delimiter:
            body.append(f"<Delimiter>{enc(delimiter)}</Delimiter>")
        if url:
            body.append("<EncodingType>url</EncodingType>")
        body.append(f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>")
        if v2:
            body.append(f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount>")
            if "continuation-token" in query:
                body.append(f"<ContinuationToken>{escape(query['continuation-token'])}</ContinuationToken>")
            if truncated:
                body.append(f"<NextContinuationToken>{escape(last)}</NextContinuationToken>")
        else:
            body.append(f"<Marker>{enc(query.get('marker', ''))}</Marker>")
            if truncated:
                body.append(f"<NextMarker>{enc(last)}</NextMarker>")
        for info in contents:
            body.append(
                f"<Contents><Key>{enc(info['key'])}</Key><LastModified>{iso(info['mtime'])}</LastModified>"
                f"<ETag>{escape(info['etag'])}</ETag><Size>{info['size']}</Size><StorageClass>STANDARD</StorageClass></Contents>"
            )
        body.extend(f"<CommonPrefixes><Prefix>{enc(p)}</Prefix></CommonPrefixes>" for p in prefixes)
        return self.reply(HTTPStatus.OK, xml("ListBucketResult", "".join(body)))

    def multipart(self, bucket: str, key: str, upload: str):
        directory = os.path.join(self.store.bucket_dir(bucket), "uploads", upload)
        if not os.path.isdir(directory) or not re.fullmatch(r"[0-9a-f]{32}", upload):
            raise S3Error(HTTPStatus.NOT_FOUND, "NoSuchUpload", "The specified multipart upload does not exist.")
        if self.command == "PUT":
            number = int(self.query.get("partNumber", 0))
            if not 1 <= number <= 10000:
                raise S3Error(
                    HTTPStatus.BAD_REQUEST, "InvalidArgument", "Part number must be an integer between 1 and 10000"
                )
            tmp, md5, _size = self.receive_to_file(directory)
            os.replace(tmp, os.path.join(directory, f"{number:05d}.part"))
            with open(os.path.join(directory, f"{number:05d}.md5"), "w") as digest:
                digest.write(md5)
            return self.reply(HTTPStatus.OK, headers={"ETag": f'"{md5}"', "Content-Length": "0"})
        if self.command == "DELETE":
            shutil.rmtree(directory)
            return self.reply(HTTPStatus.NO_CONTENT, headers={"Content-Length": "0"})
        if self.command == "POST":
            tree = ElementTree.fromstring(self.read_body())  # noqa: S314 - a test stand-in
            numbers = [int(e.text) for e in tree.iter() if e.tag.endswith("PartNumber")]
            digests, size = hashlib.md5(), 0  # noqa: S324 - S3's multipart ETag
            fd, tmp = tempfile.mkstemp(dir=os.path.join(self.store.bucket_dir(bucket), "objects"), prefix=".incoming-")
            with os.fdopen(fd, "wb") as out:
                for number in numbers:
                    part = os.path.join(directory, f"{number:05d}.part")
                    if not os.path.exists(part):
                        os.unlink(tmp)
                        raise S3Error(
                            HTTPStatus.BAD_REQUEST,
                            "InvalidPart",
                            "One or more of the specified parts could not be found.",
                        )
                    with open(part, "rb") as data:
                        shutil.copyfileobj(data, out, CHUNK)
                    size += os.path.getsize(part)
                    with open(os.path.join(directory, f"{number:05d}.md5")) as digest:
                        digests.update(bytes.fromhex(digest.read()))
            with open(os.path.join(directory, "headers.json")) as saved:
                headers = json.load(saved)["headers"]
            etag = f'"{digests.hexdigest()}-{len(numbers)}"'
            self.store.commit(bucket, key, tmp, etag, size, headers)
            shutil.rmtree(directory)
            return self.reply(
                HTTPStatus.OK,
                xml(
                    "CompleteMultipartUploadResult",
                    f"<Location>/{bucket}/{escape(key)}</Location><Bucket>{bucket}</Bucket><Key>{escape(key)}</Key><ETag>{escape(etag)}</ETag>",
                ),
            )
        parts = sorted(p for p in os.listdir(directory) if p.endswith(".part"))
        listed = "".join(
            f"<Part><PartNumber>{int(p[:5])}</PartNumber><Size>{os.path.getsize(Path(directory, p))}</Size></Part>"
            for p in parts
        )
        return self.reply(
            HTTPStatus.OK,
            xml(
                "ListPartsResult",
                f"<Bucket>{bucket}</Bucket><Key>{escape(key)}</Key><UploadId>{upload}</UploadId>{listed}",
            ),
        )


def serve(address: str, handler: type) -> ThreadingHTTPServer:
    host, _, port = address.rpartition(":")
    server = ThreadingHTTPServer((host or "0.0.0.0", int(port)), handler)  # noqa: S104 - as the servers do
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_for_stop() -> int:
    """Serve until SIGTERM or SIGINT (as PID 1 of a container, a signal needs a handler to stop us)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(3600):
        pass
    return 0


def from_file(name: str) -> str | None:
    """As MinIO: NAME_FILE names a file (under /run/secrets first); its trimmed content wins over NAME."""
    ref = os.environ.get(f"{name}_FILE", "")
    for path in (os.path.join("/run/secrets", ref), ref) if ref else ():
        if os.path.isfile(path):
            with open(path) as secret:
                return secret.read().strip()
    return None


def minio_main(argv: list[str]) -> int:
    if not argv or argv[0] != "server":
        print("usage: minio server DIR [--address :9000] [--console-address :9001]", file=sys.stderr)
        return 2
    args, options = [], {"--address": ":9000", "--console-address": ":9001"}
    rest = iter(argv[1:])
    for arg in rest:
        if arg in options:
            options[arg] = next(rest)
        else:
            args.append(arg)
    data_dir = args[0]
    # Real MinIO falls back to a well-known default login; the stand-in refuses to start instead.
    user = from_file("MINIO_ROOT_USER") or os.environ.get("MINIO_ROOT_USER", "")
    password = from_file("MINIO_ROOT_PASSWORD") or os.environ.get("MINIO_ROOT_PASSWORD", "")
    if len(user) < 3 or len(password) < 8:
        print("ERROR MINIO_ROOT_USER (3+ characters) and MINIO_ROOT_PASSWORD (8+) must be set", file=sys.stderr)
        return 1
    handler = type(
        "MinioHandler",
        (Handler,),
        {
            "store": Store(data_dir),
            "identities": MinioIdentities(data_dir, user, password),
            "health_paths": ("/minio/health/live", "/minio/health/ready", "/minio/health/cluster"),
        },
    )

    class Console(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the base class's name
            page = b"<html><body><h1>MinIO Console (test stand-in)</h1><p>Log in with the root user.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_):
            pass

    serve(options["--console-address"], Console)
    serve(options["--address"], handler)
    print(
        f"MinIO stand-in: API {options['--address']}, console {options['--console-address']}, data {data_dir}",
        flush=True,
    )
    return wait_for_stop()


def weed_server(argv: list[str]) -> int:
    options = dict(arg.lstrip("-").split("=", 1) if "=" in arg else (arg.lstrip("-"), "true") for arg in argv)
    if options.get("s3") != "true":
        print("weed server stand-in: only `weed server -s3` is in the stand-in", file=sys.stderr)
        return 2
    data_dir = options.get("dir", "/data")
    identities = SeaweedIdentities(options.get("s3.config", ""))
    signal.signal(signal.SIGHUP, identities.reload)
    handler = type(
        "SeaweedHandler",
        (Handler,),
        {
            "store": Store(os.path.join(data_dir, "buckets")),
            "identities": identities,
            "health_paths": ("/healthz", "/readyz", "/status"),
        },
    )
    address = f"{options.get('ip.bind', '')}:{options.get('s3.port', '8333')}"
    serve(address, handler)
    print(f"SeaweedFS stand-in: S3 {address}, data {data_dir}", flush=True)
    return wait_for_stop()


def weed_main(argv: list[str]) -> int:
    if argv[:1] == ["server"]:
        return weed_server(argv[1:])
    if argv[:1] == ["version"]:
        print("version 4.x (test stand-in)")
        return 0
    print("usage: weed server -dir=/data -s3 -s3.port=8333 -s3.config=FILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    # The image's /usr/bin/minio and /usr/bin/weed run `s3_standin.py minio|weed ARGS...`.
    sys.exit({"weed": weed_main, "minio": minio_main}[sys.argv[1]](sys.argv[2:]))
