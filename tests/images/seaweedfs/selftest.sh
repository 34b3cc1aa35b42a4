#!/usr/bin/env bash
# Self-test: the SeaweedFS contract the s3 role relies on. Identities come from the -s3.config
# file (an admin, and a user limited to one bucket); the server runs as uid 1000 and owns /data;
# /healthz answers; signed requests are checked against the identities; objects survive.
set -euo pipefail
image=$1
name="selftest-seaweedfs-$$"
volume="selftest-seaweedfs-$$"
secrets=$(mktemp -d)
trap 'docker rm -f "$name" >/dev/null 2>&1; docker volume rm "$volume" >/dev/null 2>&1; rm -rf "$secrets"' EXIT
cat > "$secrets/s3.json" <<'JSON'
{"identities": [
  {"name": "admin", "credentials": [{"accessKey": "selftest", "secretKey": "selftest-secret"}],
   "actions": ["Admin", "Read", "List", "Tagging", "Write"]},
  {"name": "limited", "credentials": [{"accessKey": "limited", "secretKey": "limited-secret"}],
   "actions": ["Read:self-test", "Write:self-test", "List:self-test"]}]}
JSON
chmod 0711 "$secrets"  # as the role's secrets dir: traversable, not listable
chown 1000 "$secrets/s3.json" && chmod 0400 "$secrets/s3.json"
start() {
  docker run -d --name "$name" -v "$secrets:/run/secrets:ro" -v "$volume:/data" "$image" \
    server -dir=/data -s3 -s3.port=8333 -s3.config=/run/secrets/s3.json >/dev/null
  for _ in $(seq 1 30); do
    docker exec "$name" curl -fsS http://127.0.0.1:8333/healthz >/dev/null 2>&1 && return
    sleep 1
  done
  echo "selftest $image: not healthy" >&2; docker logs "$name" >&2; exit 1
}
s3() {
  docker exec -i "$name" /opt/standin/bin/python - "$1" "$2" <<PY
import sys, botocore.session, botocore.exceptions
s3 = botocore.session.get_session().create_client("s3", endpoint_url="http://127.0.0.1:8333",
    aws_access_key_id=sys.argv[1], aws_secret_access_key=sys.argv[2], region_name="us-east-1")
def refused(call, code):
    try:
        call(); sys.exit(f"allowed: {call}")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == code, error.response
$3
PY
}
start
[ "$(docker exec "$name" stat -c %u /data)" = 1000 ] || { echo "selftest $image: /data not owned by 1000" >&2; exit 1; }
[ "$(docker top "$name" -o uid,pid | awk 'NR > 1 {print $1}' | sort -u)" = 1000 ] || { echo "selftest $image: server not uid 1000" >&2; exit 1; }
s3 selftest selftest-secret 's3.create_bucket(Bucket="self-test"); s3.create_bucket(Bucket="other-bucket")
s3.put_object(Bucket="self-test", Key="a/b.txt", Body=b"hello")'
s3 selftest wrong-secret 'refused(s3.list_buckets, "SignatureDoesNotMatch")'
s3 limited limited-secret '
s3.put_object(Bucket="self-test", Key="c.txt", Body=b"mine")
refused(lambda: s3.list_objects_v2(Bucket="other-bucket"), "AccessDenied")
refused(lambda: s3.create_bucket(Bucket="third-bucket"), "AccessDenied")'
if docker exec "$name" curl -fsS http://127.0.0.1:8333/self-test/a/b.txt >/dev/null 2>&1; then
  echo "selftest $image: anonymous read allowed" >&2; exit 1
fi
docker rm -f "$name" >/dev/null
start
s3 limited limited-secret 'assert s3.get_object(Bucket="self-test", Key="a/b.txt")["Body"].read() == b"hello"'
echo "selftest $image: ok"
