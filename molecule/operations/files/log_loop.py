"""A client logging to MLflow in a loop while the test breaks things: every attempt is timed.

  python log_loop.py URI CREDENTIALS_FILE SECONDS OUT.json   (the MLflow venv's python)
Each attempt logs one metric value to one run, with no client-side retries (so an outage shows
as errors, not as waiting) and a 10 s timeout. OUT.json: [{"t": start, "ok": bool, "error": str}].
OUT.json.ready appears once the client is set up; the loop ends after SECONDS, or earlier when
OUT.json.stop appears.
"""

import configparser
import json
import os
import sys
import time
from pathlib import Path

uri, credentials, seconds, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
login = configparser.ConfigParser()
login.read(credentials)
os.environ["MLFLOW_TRACKING_USERNAME"] = login["mlflow"]["mlflow_tracking_username"]
os.environ["MLFLOW_TRACKING_PASSWORD"] = login["mlflow"]["mlflow_tracking_password"]
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "10"

import mlflow  # noqa: E402 - after the settings are in the environment

client = mlflow.MlflowClient(uri)
attempts, step, deadline = [], 0, time.time() + seconds
stop = out.with_name(out.name + ".stop")
# Set up before the test breaks anything: it waits for OUT.json.ready.
while True:
    try:
        experiment = client.get_experiment_by_name("faults")
        experiment_id = experiment.experiment_id if experiment else client.create_experiment("faults")
        run_id = client.create_run(experiment_id, run_name="log-loop").info.run_id
        break
    except Exception:  # noqa: BLE001 - the server may still be starting; the deadline bounds this
        if time.time() > deadline:
            raise
        time.sleep(1)
out.with_name(out.name + ".ready").touch()
while time.time() < deadline and not stop.exists():
    started = time.time()
    try:
        client.log_metric(run_id, "tick", step, step=step)
        attempts.append({"t": started, "ok": True, "error": ""})
    except Exception as error:  # noqa: BLE001 - every failure is what the test records
        attempts.append({"t": started, "ok": False, "error": str(error).splitlines()[0][:200]})
    step += 1
    time.sleep(max(0.0, 0.5 - (time.time() - started)))
out.write_text(json.dumps({"run_id": run_id, "attempts": attempts}))
