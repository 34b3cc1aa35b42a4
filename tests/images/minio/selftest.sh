#!/usr/bin/env bash
# Self-test: the MinIO contract the s3 role relies on. The root login comes from /run/secrets
# files; signed requests with it work and a wrong secret is refused; health answers; `mc admin`
# creates a user whose policy limits it to one bucket, and the server enforces it; objects
# (a multipart one among them) survive the container being re-created.
set -euo pipefail
image=$1
name="selftest-minio-$$"
volume="selftest-minio-$$"
secrets=$(mktemp -d)
trap 'docker rm -f "$name" >/dev/null 2>&1; docker volume rm "$volume" >/dev/null 2>&1; rm -rf "$secrets"' EXIT
printf selftest > "$secrets/access_key" && printf selftest-secret > "$secrets/secret_key" && chmod 0400 "$secrets"/*
start() {
  docker run -d --name "$name" -v "$secrets:/run/secrets:ro" -v "$volume:/data" "$image" \
    server /data --console-address :9001 >/dev/null
  for _ in $(seq 1 30); do
    docker exec "$name" curl -fsS http://127.0.0.1:9000/minio/health/live >/dev/null 2>&1 && return
    sleep 1
  done
  echo "selftest $image: not healthy" >&2; docker logs "$name" >&2; exit 1
}
s3() { # s3 ACCESS SECRET PYTHON: boto3-like code (botocore) against the stand-in, inside its container
  docker exec -i "$name" /opt/standin/bin/python - "$1" "$2" <<PY
import sys, botocore.session, botocore.exceptions
s3 = botocore.session.get_session().create_client("s3", endpoint_url="http://127.0.0.1:9000",
    aws_access_key_id=sys.argv[1], aws_secret_access_key=sys.argv[2], region_name="us-east-1")
def refused(call, code):
    try:
        call(); sys.exit(f"allowed: {call}")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == code, error.response
$3
PY
}
if docker run --rm "$image" server /data >/dev/null 2>&1; then
  echo "selftest $image: started without root credentials" >&2; exit 1
fi
start
s3 selftest selftest-secret '
for bucket in ("self-test", "other-bucket"):
    s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket="self-test", Key="a/b.txt", Body=b"hello")
upload = s3.create_multipart_upload(Bucket="self-test", Key="big.bin")["UploadId"]
parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket="self-test", Key="big.bin", UploadId=upload, PartNumber=n,
          Body=bytes([n]) * (5 << 20))["ETag"]} for n in (1, 2)]
s3.complete_multipart_upload(Bucket="self-test", Key="big.bin", UploadId=upload, MultipartUpload={"Parts": parts})
assert s3.get_object(Bucket="self-test", Key="big.bin", Range="bytes=5242879-5242880")["Body"].read() == b"\x01\x02"'
s3 selftest wrong-secret 'refused(s3.list_buckets, "SignatureDoesNotMatch")'
# A presigned URL (SigV4 query signature) downloads without a login; a tampered one is refused.
s3 selftest selftest-secret '
import urllib.request, urllib.error, botocore.config
signer = botocore.session.get_session().create_client("s3", endpoint_url="http://127.0.0.1:9000", region_name="us-east-1",
    aws_access_key_id=sys.argv[1], aws_secret_access_key=sys.argv[2], config=botocore.config.Config(signature_version="s3v4"))
url = signer.generate_presigned_url("get_object", Params={"Bucket": "self-test", "Key": "a/b.txt"}, ExpiresIn=60)
assert urllib.request.urlopen(url).read() == b"hello"
try:
    urllib.request.urlopen(url.replace("a/b.txt", "big.bin")); sys.exit("a URL signed for another key was accepted")
except urllib.error.HTTPError as error:
    assert error.code == 403, error'
# A user limited to one bucket, made with mc as the s3 role does (login in MC_HOST_local, secrets on stdin).
policy='{"Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::self-test"]},
  {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::self-test/*"]}]}'
mc() { docker exec -i -e MC_HOST_local=http://selftest:selftest-secret@127.0.0.1:9000 "$name" mc "$@"; }
echo "$policy" | mc admin policy create local self-test-rw /dev/stdin >/dev/null
echo "limited-secret" | mc admin user add local limited >/dev/null
mc admin policy attach local self-test-rw --user limited >/dev/null
s3 limited limited-secret '
s3.put_object(Bucket="self-test", Key="c.txt", Body=b"mine")
assert s3.get_object(Bucket="self-test", Key="a/b.txt")["Body"].read() == b"hello"
refused(lambda: s3.list_objects_v2(Bucket="other-bucket"), "AccessDenied")
refused(lambda: s3.create_bucket(Bucket="third-bucket"), "AccessDenied")
refused(s3.list_buckets, "AccessDenied")
s3.put_object(Bucket="self-test", Key="gone/1.txt", Body=b"x")
# A batch delete (what MLflow gc sends) is allowed per key, by s3:DeleteObject on bucket/key.
result = s3.delete_objects(Bucket="self-test", Delete={"Objects": [{"Key": "gone/1.txt"}]})
assert [d["Key"] for d in result.get("Deleted", [])] == ["gone/1.txt"] and not result.get("Errors"), result
refused(lambda: s3.head_object(Bucket="self-test", Key="gone/1.txt"), "404")'
# A disabled user is refused (mc admin user disable), and works again once enabled.
mc admin user disable local limited >/dev/null
s3 limited limited-secret 'refused(lambda: s3.list_objects_v2(Bucket="self-test"), "InvalidAccessKeyId")'
mc admin user enable local limited >/dev/null
docker rm -f "$name" >/dev/null
start
s3 selftest selftest-secret '
assert s3.get_object(Bucket="self-test", Key="a/b.txt")["Body"].read() == b"hello"
assert s3.head_object(Bucket="self-test", Key="big.bin")["ContentLength"] == 10 << 20'
s3 limited limited-secret 'assert s3.get_object(Bucket="self-test", Key="c.txt")["Body"].read() == b"mine"'
docker exec "$name" curl -fsS http://127.0.0.1:9001/ | grep -q Console
echo "selftest $image: ok"
