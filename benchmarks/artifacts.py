"""1 GB through the lab's MLflow server (log_artifact, download_artifacts) against the same bytes
straight to and from the S3 server on the VM (boto3), each timed. Prints JSON (MB/s, ratios).

  python artifacts.py MLFLOW_URI CREDENTIALS_FILE S3_ENDPOINT SIZE_MB  (S3 secret of MLflow's login on stdin)
"""

import configparser
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

uri, credentials, endpoint, size_mb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s3_secret = sys.stdin.read().strip()
login = configparser.ConfigParser()
login.read(credentials)
os.environ["MLFLOW_TRACKING_USERNAME"] = login["mlflow"]["mlflow_tracking_username"]
os.environ["MLFLOW_TRACKING_PASSWORD"] = login["mlflow"]["mlflow_tracking_password"]

import boto3  # noqa: E402 - after the login is in the environment
import mlflow  # noqa: E402


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def timed(call) -> float:
    start = time.monotonic()
    call()
    return time.monotonic() - start


with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
    blob = Path(tmp) / "blob.bin"
    with blob.open("wb") as out:
        for _ in range(size_mb):
            out.write(os.urandom(1 << 20))
    original = digest(blob)
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("bench-artifacts")
    with mlflow.start_run() as run:
        up = timed(lambda: mlflow.log_artifact(str(blob)))
    back = Path(tmp) / "back"
    down = timed(
        lambda: mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path="blob.bin", dst_path=str(back)
        )
    )
    identical = digest(back / "blob.bin") == original
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="mlflow",
        aws_secret_access_key=s3_secret,
    )
    bucket = "mlflows3"
    s3_up = timed(lambda: s3.upload_file(str(blob), bucket, "bench/blob.bin"))
    s3_down = timed(lambda: s3.download_file(bucket, "bench/blob.bin", str(Path(tmp) / "direct.bin")))
    s3.delete_object(Bucket=bucket, Key="bench/blob.bin")
mb = size_mb * 1.048576  # MiB written, in MB
print(
    json.dumps(
        {
            "size_mb": round(mb),
            "identical": identical,
            "mlflow_upload_mb_s": round(mb / up, 1),
            "mlflow_download_mb_s": round(mb / down, 1),
            "s3_upload_mb_s": round(mb / s3_up, 1),
            "s3_download_mb_s": round(mb / s3_down, 1),
            "upload_ratio": round(s3_up / up, 2),
            "download_ratio": round(s3_down / down, 2),
        }
    )
)
