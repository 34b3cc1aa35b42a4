"""Smoke test client: log one MLflow run with a param, a metric and an artifact, read the artifact
back through the server, and print the run as JSON.

Usage: python smoke_run.py TRACKING_URI RUN_NAME [CREDENTIALS_FILE]   (the MLflow venv's python)
CREDENTIALS_FILE is in MLflow's ~/.mlflow/credentials format; its login is used for this process
only, so no password is on a command line or in the environment of the calling task.
"""

import configparser
import json
import os
import sys
import tempfile
from pathlib import Path

tracking_uri, run_name = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    login = configparser.ConfigParser()
    login.read(sys.argv[3])
    os.environ["MLFLOW_TRACKING_USERNAME"] = login["mlflow"]["mlflow_tracking_username"]
    os.environ["MLFLOW_TRACKING_PASSWORD"] = login["mlflow"]["mlflow_tracking_password"]

import mlflow  # noqa: E402 - after the login is in the environment

mlflow.set_tracking_uri(tracking_uri)
mlflow.set_experiment("smoke-test")
text = f"artifact of {run_name}\n"
with mlflow.start_run(run_name=run_name) as run:
    mlflow.log_param("alpha", 0.5)
    mlflow.log_metric("rmse", 0.25)
    with tempfile.TemporaryDirectory() as tmp:
        note = Path(tmp) / "note.txt"
        note.write_text(text)
        mlflow.log_artifact(str(note))
read_back = mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/note.txt")
if read_back != text:
    sys.exit(f"the artifact read back differs: {read_back!r}")
print(
    json.dumps(
        {"run_id": run.info.run_id, "experiment_id": run.info.experiment_id, "artifact_uri": run.info.artifact_uri}
    )
)
