"""Test client: log one MLflow run with a param, a metric and an artifact; print it as JSON.

Usage: python log_run.py TRACKING_URI RUN_NAME   (run with the MLflow venv's python)
"""

import json
import sys
import tempfile
from pathlib import Path

import mlflow

tracking_uri, run_name = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(tracking_uri)
mlflow.set_experiment("molecule-verify")
with mlflow.start_run(run_name=run_name) as run:
    mlflow.log_param("alpha", 0.5)
    mlflow.log_metric("rmse", 0.25)
    with tempfile.TemporaryDirectory() as tmp:
        note = Path(tmp) / "note.txt"
        note.write_text(f"artifact of {run_name}\n")
        mlflow.log_artifact(str(note))
print(
    json.dumps(
        {"run_id": run.info.run_id, "experiment_id": run.info.experiment_id, "artifact_uri": run.info.artifact_uri}
    )
)
