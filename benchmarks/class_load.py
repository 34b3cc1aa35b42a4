"""A class on one MLflow server (workspaces on): every student logs runs into their own workspace at
once, each on a connection of their own with their own login, for SECONDS; meanwhile the UI is
used: a student's experiments page and the runs in it, and the instructor's workspace list.
Each student loops create run + log-batch (100 metrics, 5 params) + end run, as tracking_load.py's
writers do, through MLflow's REST API (the stock client keeps one login and one workspace per
process). Prints JSON.

  python class_load.py URL LOGINS_JSON SECONDS   (the MLflow venv's python)
LOGINS_JSON: {"students": {login: password}, "admin": [login, password]}; each student's
workspace is their login (a class without teams). No retries: an error counts as an error.
"""

import json
import sys
import threading
import time

import requests
from load_stats import summary  # beside this script

url, logins_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
logins = json.loads(open(logins_file).read())  # noqa: PTH123, SIM115 - a small file read once
api = f"{url}/api/2.0/mlflow"
lock = threading.Lock()
deadline = 0.0  # set when every student has their experiment: the load starts together
runs, errors, reads = [], [], {"experiments page": [], "runs page": [], "instructor's workspaces": []}


def session_of(login: str, password: str, workspace: str = "") -> requests.Session:
    session = requests.Session()
    session.auth = (login, password)
    if workspace:
        session.headers["X-MLFLOW-WORKSPACE"] = workspace
    return session


def call(session: requests.Session, method: str, path: str, body: dict | None = None) -> dict:
    answer = session.request(method, f"{api}/{path}", json=body, timeout=60)
    answer.raise_for_status()
    return answer.json()


def experiment_of(session: requests.Session) -> str:
    found = session.get(f"{api}/experiments/get-by-name", params={"experiment_name": "bench-class"}, timeout=60)
    if found.status_code == 200:
        return found.json()["experiment"]["experiment_id"]
    return call(session, "POST", "experiments/create", {"name": "bench-class"})["experiment_id"]


def student(login: str, password: str) -> None:
    session = session_of(login, password, login)
    try:
        experiment_id = experiment_of(session)
    except Exception as error:  # noqa: BLE001 - counted; the others start anyway
        errors.append(f"{login}: {str(error).splitlines()[0][:120]}")
        experiment_id = None
    ready.wait()
    if experiment_id is None:
        return
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            now = int(time.time() * 1000)
            run_id = call(session, "POST", "runs/create", {"experiment_id": experiment_id, "start_time": now})["run"][
                "info"
            ]["run_id"]
            batch = {
                "run_id": run_id,
                "metrics": [{"key": f"m{i}", "value": float(i), "timestamp": now, "step": 0} for i in range(100)],
                "params": [{"key": f"p{i}", "value": str(i)} for i in range(5)],
            }
            call(session, "POST", "runs/log-batch", batch)
            call(session, "POST", "runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": now})
            with lock:
                runs.append(time.monotonic() - start)
        except Exception as error:  # noqa: BLE001 - every failure is counted
            with lock:
                errors.append(f"{login}: {str(error).splitlines()[0][:120]}")


def timed(kind: str, action) -> None:
    start = time.monotonic()
    try:
        action()
        with lock:
            reads[kind].append(time.monotonic() - start)
    except Exception as error:  # noqa: BLE001
        with lock:
            errors.append(f"{kind}: {str(error).splitlines()[0][:120]}")


def ui() -> None:
    """What the UI asks for (its ajax-api prefix): the first student's experiments page and the
    runs of their experiment; the instructor's workspace list (the home page's selector)."""
    first, password = next(iter(logins["students"].items()))
    student_session = session_of(first, password, first)
    instructor = session_of(*logins["admin"])
    ajax = f"{url}/ajax-api"
    ready.wait()  # the first student has made their experiment by then
    experiment_id = experiment_of(student_session)

    def experiments_page():
        answer = student_session.post(f"{ajax}/2.0/mlflow/experiments/search", json={"max_results": 25}, timeout=60)
        answer.raise_for_status()

    def runs_page():
        body = {"experiment_ids": [experiment_id], "max_results": 100, "order_by": ["attributes.start_time DESC"]}
        student_session.post(f"{ajax}/2.0/mlflow/runs/search", json=body, timeout=60).raise_for_status()

    def workspaces():
        instructor.get(f"{ajax}/3.0/mlflow/workspaces", timeout=60).raise_for_status()

    while time.monotonic() < deadline:
        timed("experiments page", experiments_page)
        timed("runs page", runs_page)
        timed("instructor's workspaces", workspaces)


def start() -> None:
    global deadline, began  # noqa: PLW0603 - read by every thread once the barrier opens
    began = time.monotonic()
    deadline = began + seconds


students = logins["students"]
ready = threading.Barrier(len(students) + 1, action=start)
workers = [threading.Thread(target=student, args=item) for item in students.items()] + [threading.Thread(target=ui)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
elapsed = time.monotonic() - began
print(json.dumps({"students": len(students), "seconds": round(elapsed, 1), **summary(runs, errors, elapsed, reads)}))
