#!/usr/bin/env bash
# Self-test: the MinIO contract the roles rely on. Signed requests with the root credentials (from
# /run/secrets files) work,
# a wrong secret is refused, health answers, objects survive the container being recreated.
set -euo pipefail
image=$1
name="selftest-minio-$$"
volume="selftest-minio-$$"
secrets=$(mktemp -d)
trap 'docker rm -f "$name" >/dev/null 2>&1; docker volume rm "$volume" >/dev/null 2>&1; rm -rf "$secrets"' EXIT
# Credentials as root-only files in /run/secrets (the image's MINIO_ROOT_*_FILE defaults), as the role passes them.
printf selftest > "$secrets/access_key" && printf selftest-secret > "$secrets/secret_key" && chmod 0400 "$secrets"/*
start() {
  docker run -d --name "$name" -v "$secrets:/run/secrets:ro" \
    -v "$volume:/data" "$image" server /data --console-address :9001 >/dev/null
  for _ in $(seq 1 30); do
    docker exec "$name" curl -fsS http://127.0.0.1:9000/minio/health/live >/dev/null 2>&1 && return
    sleep 1
  done
  echo "selftest $image: not healthy" >&2; docker logs "$name" >&2; exit 1
}
s3() { # s3 SECRET PYTHON: run boto3 code against the stand-in inside its own container
  docker exec -i "$name" /opt/standin/bin/python - "$1" <<PY
import sys, boto3, botocore
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:9000", aws_access_key_id="selftest",
                  aws_secret_access_key=sys.argv[1], region_name="us-east-1")
$2
PY
}
if docker run --rm "$image" server /data >/dev/null 2>&1; then
  echo "selftest $image: started without root credentials" >&2; exit 1
fi
start
s3 selftest-secret 's3.create_bucket(Bucket="self-test"); s3.put_object(Bucket="self-test", Key="a/b.txt", Body=b"hello")'
s3 wrong-secret '
try:
    s3.list_buckets(); sys.exit("wrong secret accepted")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "SignatureDoesNotMatch", e.response'
docker rm -f "$name" >/dev/null
start
s3 selftest-secret 'assert s3.get_object(Bucket="self-test", Key="a/b.txt")["Body"].read() == b"hello"'
docker exec "$name" curl -fsS http://127.0.0.1:9001/ | grep -q Console
echo "selftest $image: ok"
