"""Tracking load on one MLflow server: THREADS writers, each looping create run + log-batch of 100
metrics and 5 params + end run, for SECONDS; plus one reader doing what the UI and a notebook do
(search runs, a metric's history, the experiment page's calls) under that load. Prints JSON.

  python tracking_load.py URI THREADS SECONDS [CREDENTIALS_FILE]   (the MLflow venv's python)
CREDENTIALS_FILE (MLflow's credentials format) gives the login, when the server asks for one.
No client retries: an error counts as an error, not as a slow request.
"""

import configparser
import json
import os
import sys
import threading
import time

uri, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
if len(sys.argv) > 4:
    login = configparser.ConfigParser()
    login.read(sys.argv[4])
    os.environ["MLFLOW_TRACKING_USERNAME"] = login["mlflow"]["mlflow_tracking_username"]
    os.environ["MLFLOW_TRACKING_PASSWORD"] = login["mlflow"]["mlflow_tracking_password"]
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "60"

import requests  # noqa: E402 - after the settings
from load_stats import summary  # noqa: E402 - beside this script
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param  # noqa: E402

client = MlflowClient(uri)
name = "bench-load"
experiment = client.get_experiment_by_name(name)
experiment_id = experiment.experiment_id if experiment else client.create_experiment(name)
# One run with a long metric history, for the reader.
seed = client.create_run(experiment_id, run_name="history")
client.log_batch(seed.info.run_id, metrics=[Metric("loss", 1.0 / (i + 1), 0, i) for i in range(1000)])
session = requests.Session()
if "MLFLOW_TRACKING_USERNAME" in os.environ:
    session.auth = (os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"])
session.verify = os.environ.get("REQUESTS_CA_BUNDLE", True)

deadline = time.monotonic() + seconds
lock = threading.Lock()
runs, errors, reads = [], [], {"search": [], "history": [], "ui": []}


def writer():
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            run = client.create_run(experiment_id)
            now = int(time.time() * 1000)
            client.log_batch(
                run.info.run_id,
                metrics=[Metric(f"m{i}", float(i), now, 0) for i in range(100)],
                params=[Param(f"p{i}", str(i)) for i in range(5)],
            )
            client.set_terminated(run.info.run_id)
            with lock:
                runs.append(time.monotonic() - start)
        except Exception as error:  # noqa: BLE001 - every failure is counted
            with lock:
                errors.append(str(error).splitlines()[0][:120])


def timed(kind, call):
    start = time.monotonic()
    try:
        call()
        reads[kind].append(time.monotonic() - start)
    except Exception as error:  # noqa: BLE001
        errors.append(f"{kind}: {str(error).splitlines()[0][:120]}")


def ui_page():
    # What the experiment page asks for when it opens (MLflow's UI uses the ajax-api prefix).
    for path, body in (
        ("/ajax-api/2.0/mlflow/experiments/get", None),
        ("/ajax-api/2.0/mlflow/runs/search", {"experiment_ids": [experiment_id], "max_results": 100}),
    ):
        if body is None:
            response = session.get(uri + path, params={"experiment_id": experiment_id}, timeout=60)
        else:
            response = session.post(uri + path, json=body, timeout=60)
        response.raise_for_status()


def reader():
    while time.monotonic() < deadline:
        timed("search", lambda: client.search_runs([experiment_id], max_results=100))
        timed("history", lambda: client.get_metric_history(seed.info.run_id, "loss"))
        timed("ui", ui_page)


workers = [threading.Thread(target=writer) for _ in range(threads)] + [threading.Thread(target=reader)]
began = time.monotonic()
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
elapsed = time.monotonic() - began


print(json.dumps({"threads": threads, **summary(runs, errors, elapsed, reads)}))
