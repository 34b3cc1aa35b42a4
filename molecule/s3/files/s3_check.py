"""What an S3 login may do on the lab's S3 server, from the VM (run with the role's boto3 venv).

Usage: python s3_check.py write|read. Environment: S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY (a
login limited to BUCKET), BUCKET, OTHER_BUCKET. Prints one JSON line: each check's outcome, the
S3 error code where one is expected.
"""

import json
import os
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

KEY, BODY = "scenario/check.txt", b"kept across a restart\n"


def client(access_key=None, secret_key=None, unsigned=False):
    config = Config(signature_version=UNSIGNED) if unsigned else Config(s3={"addressing_style": "path"})
    return boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT"],
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name="us-east-1",
        config=config,
    )


def error_of(call) -> str:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return "allowed"


def main(mode: str) -> None:
    bucket, other = os.environ["BUCKET"], os.environ["OTHER_BUCKET"]
    login = client(os.environ["S3_ACCESS_KEY"], os.environ["S3_SECRET_KEY"])
    result = {}
    if mode == "write":
        login.put_object(Bucket=bucket, Key=KEY, Body=BODY)
        result["listed"] = [item["Key"] for item in login.list_objects_v2(Bucket=bucket).get("Contents", [])]
        result["other_bucket_write"] = error_of(lambda: login.put_object(Bucket=other, Key=KEY, Body=BODY))
        result["other_bucket_list"] = error_of(lambda: login.list_objects_v2(Bucket=other))
        result["anonymous_list"] = error_of(lambda: client(unsigned=True).list_objects_v2(Bucket=bucket))
        wrong = client(os.environ["S3_ACCESS_KEY"], "not-the-secret-key")
        result["wrong_secret_list"] = error_of(lambda: wrong.list_objects_v2(Bucket=bucket))
    result["read"] = login.get_object(Bucket=bucket, Key=KEY)["Body"].read().decode()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
