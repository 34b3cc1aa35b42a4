"""Test-only stand-in for the MinIO client `mc` that MinIO's image ships (no MinIO binary is
reachable here), for the commands the s3 role runs inside the container:

  mc admin user add ALIAS ACCESSKEY [SECRETKEY]        (the secret from stdin when not given)
  mc admin user info ALIAS ACCESSKEY [--json]
  mc admin policy create ALIAS NAME FILE                (FILE may be /dev/stdin)
  mc admin policy attach ALIAS POLICY... --user USER

ALIAS comes from MC_HOST_<alias>=http://ACCESSKEY:SECRETKEY@host:port, as in mc. The calls are
signed with AWS Signature V4; real mc encrypts the admin API's bodies, the stand-in server takes
plain JSON (this client and that server are the two ends of the stand-in).
"""

import json
import os
import sys
import urllib.error
import urllib.request
from urllib.parse import quote, unquote, urlsplit

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def fail(message: str) -> int:
    print(f"mc: <ERROR> {message}", file=sys.stderr)
    return 1


def alias(name: str):
    url = os.environ.get(f"MC_HOST_{name}")
    if not url:
        raise SystemExit(fail(f"Unable to find alias `{name}`: set MC_HOST_{name}."))
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port}", unquote(parts.username), unquote(parts.password)


def admin(name: str, method: str, call: str, query: dict, body: bytes = b""):
    endpoint, access_key, secret_key = alias(name)
    url = f"{endpoint}/minio/admin/v3/{call}" + (
        "?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()) if query else ""
    )
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    S3SigV4Auth(Credentials(access_key, secret_key), "s3", "us-east-1").add_auth(request)
    prepared = urllib.request.Request(  # noqa: S310 - the alias's http(s) endpoint
        url, data=body or None, method=method, headers=dict(request.headers.items())
    )
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:  # noqa: S310 - our own endpoint
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        message = text.split("<Message>")[-1].split("</Message>")[0] if "<Message>" in text else text
        raise SystemExit(fail(message)) from error


def main(argv: list[str]) -> int:
    if argv[:3] == ["admin", "user", "add"] and len(argv) in (5, 6):
        secret = argv[5] if len(argv) == 6 else sys.stdin.readline().strip()
        admin(
            argv[3],
            "PUT",
            "add-user",
            {"accessKey": argv[4]},
            json.dumps({"secretKey": secret, "status": "enabled"}).encode(),
        )
        print(f"Added user `{argv[4]}` successfully.")
    elif argv[:3] == ["admin", "user", "info"] and len(argv) >= 5:
        info = admin(argv[3], "GET", "user-info", {"accessKey": argv[4]})
        print(
            json.dumps({"status": "success", "accessKey": argv[4], **info})
            if "--json" in argv
            else f"AccessKey: {argv[4]}"
        )
    elif argv[:2] == ["admin", "user"] and len(argv) == 5 and argv[2] in ("enable", "disable"):
        admin(argv[3], "PUT", "set-user-status", {"accessKey": argv[4], "status": argv[2] + "d"})
        print(f"User status set to {argv[2]}d.")
    elif argv[:3] == ["admin", "policy", "create"] and len(argv) == 6:
        with open(argv[5], "rb") as document:
            admin(argv[3], "PUT", "add-canned-policy", {"name": argv[4]}, document.read())
        print(f"Created policy `{argv[4]}` successfully.")
    elif argv[:3] == ["admin", "policy", "attach"] and "--user" in argv:
        user = argv[argv.index("--user") + 1]
        policies = argv[4 : argv.index("--user")]
        admin(
            argv[3], "POST", "idp/builtin/policy/attach", {}, json.dumps({"policies": policies, "user": user}).encode()
        )
        print(f"Attached Policies: {policies}\nTo User: {user}")
    else:
        return fail(f"the stand-in mc has no command `{' '.join(argv)}`")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
