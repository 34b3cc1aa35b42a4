"""A semester's worth of lab content, and a snapshot of it through MLflow's REST API.

  python semester.py populate          in the Jupyter container, as the student: an experiment with
                                       runs (metric histories, params, tags, artifacts), a model
                                       registered twice with the alias champion on version 2, and
                                       a run deleted (for gc); prints what it made as JSON
  python semester.py snapshot URI CREDENTIALS_FILE
                                       on a VM, as the admin: every experiment, run (with each
                                       metric's full history), artifact (with its SHA-256, read
                                       through the server), registered model, version, alias and
                                       the listed users, as one JSON document
  python semester.py predict-local     in the Jupyter container: the champion's predictions for the
                                       probe rows, loaded in Python
  python semester.py predict URL       the same, from a model server's /invocations
The snapshot leaves out what legitimately differs between two servers holding the same data
(the admin's own runs of the smoke test, timestamps of the last access), so a restore compares equal.
"""

import configparser
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

EXPERIMENT = "semester"
MODEL = "semester-model"
PROBE = [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5], [2.5, 0.0, -0.5]]


def populate() -> None:
    import mlflow
    import numpy as np
    from sklearn.linear_model import LinearRegression

    mlflow.set_experiment(EXPERIMENT)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 3))
    made = {"runs": [], "versions": []}
    for number, scale in enumerate((1.0, 2.0)):
        y = X @ np.array([1.5, -2.0, 0.5]) * scale + 0.1
        with mlflow.start_run(run_name=f"week-{number + 1}") as run:
            mlflow.log_params({"scale": scale, "features": 3})
            mlflow.set_tags({"week": str(number + 1), "course": "mlops"})
            for step in range(20):
                mlflow.log_metric("loss", 1.0 / (step + 1) * scale, step=step)
            mlflow.log_text(f"notes of week {number + 1}\n", "notes/week.txt")
            mlflow.log_dict({"scale": scale}, "config/settings.json")
            model = LinearRegression().fit(X, y)
            info = mlflow.sklearn.log_model(model, name="model", registered_model_name=MODEL, input_example=X[:2])
            made["runs"].append(run.info.run_id)
            made["versions"].append(info.registered_model_version)
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(MODEL, "champion", made["versions"][-1])
    with mlflow.start_run(run_name="mistake") as doomed:
        mlflow.log_metric("loss", 99.0)
        mlflow.log_text("logged by mistake\n", "mistake.txt")
    client.delete_run(doomed.info.run_id)
    made["deleted_run"] = doomed.info.run_id
    made["deleted_artifact_uri"] = doomed.info.artifact_uri
    print(json.dumps(made))


class Api:
    """MLflow's REST API as the login in CREDENTIALS (the MLflow client's credentials format)."""

    def __init__(self, uri: str, credentials: str):
        import mlflow
        import requests

        login = configparser.ConfigParser()
        login.read(credentials)
        user, password = login["mlflow"]["mlflow_tracking_username"], login["mlflow"]["mlflow_tracking_password"]
        os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"] = user, password
        mlflow.set_tracking_uri(uri)
        self.mlflow, self.uri = mlflow, uri.rstrip("/")
        self.session = requests.Session()
        self.session.auth = (user, password)

    def call(self, method: str, endpoint: str, **kwargs) -> dict:
        response = self.session.request(method, self.uri + endpoint, timeout=60, **kwargs)
        response.raise_for_status()
        return response.json()

    def pages(self, method: str, endpoint: str, key: str, body: dict) -> list:
        items, token = [], None
        while True:
            query = body | ({"page_token": token} if token else {})
            page = self.call(method, endpoint, **({"json": query} if method == "POST" else {"params": query}))
            items += page.get(key, [])
            token = page.get("next_page_token")
            if not token:
                return items


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(uri: str, credentials: str) -> None:
    api = Api(uri, credentials)
    experiments = api.pages(
        "POST", "/api/2.0/mlflow/experiments/search", "experiments", {"max_results": 1000, "view_type": "ALL"}
    )
    # The smoke tests' experiment holds runs each server makes itself: not lab content.
    experiments = [e for e in experiments if e["name"] != "smoke-test"]
    for experiment in experiments:
        experiment.pop("last_update_time", None)
    runs = api.pages(
        "POST",
        "/api/2.0/mlflow/runs/search",
        "runs",
        {"experiment_ids": [e["experiment_id"] for e in experiments], "max_results": 1000, "run_view_type": "ALL"},
    )
    histories, artifacts = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in runs:
            run_id = run["info"]["run_id"]
            for metric in run["data"].get("metrics", []):
                histories[f"{run_id}/{metric['key']}"] = api.pages(
                    "GET",
                    "/api/2.0/mlflow/metrics/get-history",
                    "metrics",
                    {"run_id": run_id, "metric_key": metric["key"], "max_results": 25000},
                )
            if run["info"]["lifecycle_stage"] != "active":
                continue
            local = Path(api.mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=f"{tmp}/{run_id}"))
            artifacts[run_id] = {str(p.relative_to(local)): sha256(p) for p in sorted(local.rglob("*")) if p.is_file()}
    models = api.pages("GET", "/api/2.0/mlflow/registered-models/search", "registered_models", {"max_results": 1000})
    versions = api.pages("GET", "/api/2.0/mlflow/model-versions/search", "model_versions", {"max_results": 1000})
    for item in models + versions:
        item.pop("last_updated_timestamp", None)
        item.pop("latest_versions", None)
    users = {
        name: api.call("GET", "/api/2.0/mlflow/users/get", params={"username": name})["user"].get("is_admin")
        for name in ("admin", "student", "mlflow-models", "ta-alice")
    }
    print(
        json.dumps(
            {
                "experiments": sorted(experiments, key=lambda e: e["experiment_id"]),
                "runs": sorted(runs, key=lambda r: r["info"]["run_id"]),
                "metric_histories": histories,
                "artifacts": artifacts,
                "registered_models": sorted(models, key=lambda m: m["name"]),
                "model_versions": sorted(versions, key=lambda v: (v["name"], int(v["version"]))),
                "users": users,
            },
            sort_keys=True,
        )
    )


def predict_local() -> None:
    import mlflow
    import numpy as np

    model = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
    print(json.dumps({"predictions": [float(p) for p in model.predict(np.array(PROBE))]}))


def predict(url: str) -> None:
    import requests

    response = requests.post(url, json={"inputs": PROBE}, timeout=30)
    response.raise_for_status()
    print(json.dumps({"predictions": response.json()["predictions"]}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "populate":
        populate()
    elif command == "predict-local":
        predict_local()
    elif command == "snapshot":
        snapshot(sys.argv[2], sys.argv[3])
    else:
        predict(sys.argv[2])
