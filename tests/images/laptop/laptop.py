#!/opt/conda/bin/python
"""What a student does from a laptop, for the tests: each command prints one JSON line.

  laptop.py artifacts URI SIZE...              log files of SIZE bytes in a run, read them back
  laptop.py load-model URI MODEL ALIAS         load models:/MODEL@ALIAS and predict five rows
  laptop.py ui URL RUN_ID ARTIFACT OUT.png     the MLflow UI in Chromium: artifact view, download
  laptop.py kernel URL TOKEN CODE              run CODE in a JupyterLab kernel (websocket)
  laptop.py ui-workflow URL EXPERIMENT MODEL ALIAS DIR
                                               the MLflow UI in Chromium as the student: the experiment's
                                               runs, compare two, rename one, tag it, alias the model,
                                               download an artifact (screenshots in DIR)
  laptop.py flood URL SECONDS CONNECTIONS USER...
                                               wrong passwords for each USER on CONNECTIONS connections
                                               while the student works: the student's answer times
  laptop.py tls HOST PORT...                   which TLS versions and cipher suites each port accepts
  laptop.py upload URL SIZE                    log a metric and a SIZE-byte artifact; read them back
  laptop.py otlp URL EXPERIMENT                a plain OpenTelemetry SDK exporter (no MLflow in the
                                               loop) sends a trace of three spans to URL/v1/traces,
                                               into EXPERIMENT (made with the stock client)
  laptop.py ui-trace URL EXPERIMENT TRACE_ID OUT.png
                                               the experiment's traces in Chromium: the trace opened,
                                               its spans shown
  laptop.py ui-workspaces URL DIR WORKSPACE=EXPERIMENT...
                                               a class's student in Chromium: the workspaces the home
                                               page offers, then each WORKSPACE's experiments page:
                                               what MLflow answered its search, whether EXPERIMENT
                                               shows (screenshots in DIR)
  laptop.py hub-open URL LOGINS.json OWNER    on JupyterHub, OWNER starts their server, then each login
                                               of LOGINS.json ({name: password}) opens it and lists its
                                               work/; a wrong password for OWNER first (requests only)
  laptop.py hub URL LOGINS.json STUDENT OTHER DIR
                                               a class's JupyterHub: a wrong password refused; OTHER
                                               starts their server; STUDENT logs in in Chromium, gets
                                               their JupyterLab (its work/ listed), then tries OTHER's;
                                               each login of LOGINS.json ({name: password}) opens
                                               OTHER's server as a browser would (the admin confirms
                                               the access form) and lists its work/ (screenshots in DIR)

The MLflow client is stock: the tests set no MLflow environment variable. The login comes from
~/.mlflow/credentials and trust in the class CA from REQUESTS_CA_BUNDLE (for Python) and the
browser's certificate store, as the handout tells students.
"""

import asyncio
import collections
import hashlib
import json
import math
import os
import sys
import tempfile
import threading
import time
from pathlib import Path


def emit(**result):
    print(json.dumps(result), flush=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def artifacts(uri: str, sizes: list[int]) -> None:
    import mlflow

    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("laptop-artifacts")
    results = []
    with (
        tempfile.TemporaryDirectory(dir=os.environ.get("LAPTOP_SCRATCH")) as tmp,
        mlflow.start_run(run_name="laptop") as run,
    ):
        for size in sizes:
            source = Path(tmp) / f"blob-{size}.bin"
            with source.open("wb") as out:
                remaining = size
                while remaining:
                    out.write(os.urandom(min(remaining, 1 << 20)))
                    remaining -= min(remaining, 1 << 20)
            start = time.monotonic()
            mlflow.log_artifact(str(source), artifact_path="blobs")
            upload = time.monotonic() - start
            start = time.monotonic()
            back = Path(
                mlflow.artifacts.download_artifacts(
                    run_id=run.info.run_id, artifact_path=f"blobs/{source.name}", dst_path=str(Path(tmp) / "back")
                )
            )
            download = time.monotonic() - start
            results.append(
                {
                    "size": size,
                    "identical": sha256(source) == sha256(back),
                    "upload_s": round(upload, 2),
                    "download_s": round(download, 2),
                    "upload_mb_s": round(size / 1e6 / max(upload, 1e-6), 1),
                    "download_mb_s": round(size / 1e6 / max(download, 1e-6), 1),
                }
            )
            back.unlink()
            source.unlink()
        text = "hello from the laptop\n"
        mlflow.log_text(text, "notes/hello.txt")
        read_back = mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/notes/hello.txt")
    emit(
        run_id=run.info.run_id,
        experiment_id=run.info.experiment_id,
        transfers=results,
        text_identical=read_back == text,
    )


def load_model(uri: str, name: str, alias: str) -> None:
    import mlflow
    import pandas as pd
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    mlflow.set_tracking_uri(uri)
    model = mlflow.pyfunc.load_model(f"models:/{name}@{alias}")
    # The notebook's first five test rows, through JSON as a REST client sends them (the same
    # rows the Jupyter container's reference predictions use).
    features, target = load_diabetes(return_X_y=True, as_frame=True)
    _, test, _, _ = train_test_split(features, target, test_size=0.25, random_state=42)
    rows = pd.DataFrame(**json.loads(test.head(5).to_json(orient="split", index=False)))
    emit(predictions=[float(p) for p in model.predict(rows)])


def download_button(page):
    """The artifact view's download button: an icon whose only label is its tooltip, found by the
    component id MLflow's UI gives it (3.17's; a UI that renames it fails here, saying so)."""
    button = page.locator('button[data-component-id$="components_artifactview.tsx_337"]').first
    try:
        button.wait_for(timeout=60000)
    except Exception:  # noqa: BLE001 - the reason is the missing button
        raise RuntimeError("the artifact view has no download button (component id ...artifactview.tsx_337)") from None
    return button


def student_browser(playwright, viewport: dict):
    """Chromium as the student: their login sent to the lab, downloads kept."""
    user, password = student_login()
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    )
    return browser.new_context(
        http_credentials={"username": user, "password": password}, accept_downloads=True, viewport=viewport
    )


def ui(url: str, run_id: str, artifact: str, screenshot: str) -> None:
    import mlflow
    from playwright.sync_api import sync_playwright

    mlflow.set_tracking_uri(url)
    experiment_id = mlflow.get_run(run_id).info.experiment_id
    with sync_playwright() as playwright:
        page = student_browser(playwright, {"width": 1400, "height": 900}).new_page()
        page.set_default_timeout(120000)  # a loaded 2-core machine: the UI's bundle is large
        # Not "networkidle": the UI keeps polling, so the network may never go idle.
        page.goto(f"{url}/#/experiments/{experiment_id}/runs/{run_id}/artifacts/{artifact}", wait_until="load")
        expected = mlflow.artifacts.load_text(f"runs:/{run_id}/{artifact}").strip()
        page.get_by_text(expected).first.wait_for(timeout=60000)
        page.screenshot(path=screenshot, full_page=False)
        with page.expect_download(timeout=60000) as pending:
            download_button(page).click()
        downloaded = Path(tempfile.mkdtemp()) / "download"
        pending.value.save_as(downloaded)
        page.context.browser.close()
    emit(page_shows_text=True, download_identical=downloaded.read_text().strip() == expected, screenshot=screenshot)


def ui_workflow(url: str, experiment_name: str, model: str, alias: str, out_dir: str) -> None:
    """What a student does in the MLflow UI, with real clicks (each change a POST from the browser):
    the experiment's runs, two compared, the baseline run renamed and tagged, an alias set on the
    model's first version, the baseline's plot downloaded. Every answer of 400 or more MLflow gives
    the browser is reported (a refused POST shows in the UI only as "Failed to load ...")."""
    import mlflow
    from playwright.sync_api import sync_playwright

    mlflow.set_tracking_uri(url)
    client = mlflow.MlflowClient()
    experiment_id = client.get_experiment_by_name(experiment_name).experiment_id
    runs = {run.info.run_name: run for run in client.search_runs([experiment_id])}
    baseline, grid = runs["baseline"].info.run_id, runs["grid-search"].info.run_id
    new_name, tag = f"baseline-{alias}", (f"reviewed-{alias}", "yes")
    refused, done = [], []
    shots = Path(out_dir)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        context = student_browser(playwright, {"width": 1600, "height": 1000})
        try:
            plan = {"experiment_id": experiment_id, "run": baseline, "model": model, "alias": alias}
            plan |= {"new_name": new_name, "tag": tag}
            downloaded = ui_steps(context.new_page(), url, plan, refused, done, shots)
        except Exception as error:  # noqa: BLE001 - say which step failed, with what MLflow refused
            context.pages[0].screenshot(path=str(shots / "failed.png"))
            emit(steps=done, refused=refused, error=f"{type(error).__name__}: {str(error).splitlines()[0]}")
            sys.exit(1)
        context.browser.close()

    plot = Path(mlflow.artifacts.download_artifacts(run_id=baseline, artifact_path="predicted_vs_actual.png"))
    after = client.get_run(baseline)
    emit(
        steps=done,
        refused=refused,
        renamed=after.info.run_name == new_name,
        tagged=after.data.tags.get(tag[0]) == tag[1],
        alias_version=client.get_model_version_by_alias(model, alias).version,
        download_identical=sha256(downloaded) == sha256(plot),
        compared=[baseline, grid],
    )


def ui_steps(page, url: str, plan: dict, refused: list, done: list, shots: Path) -> Path:
    """The clicks of ui_workflow; the downloaded plot."""
    experiment_id, baseline, model, alias = plan["experiment_id"], plan["run"], plan["model"], plan["alias"]
    new_name, tag = plan["new_name"], plan["tag"]
    page.set_default_timeout(120000)  # a loaded 2-core machine: the UI's bundle is large
    page.on(
        "response",
        lambda r: (
            refused.append(f"{r.status} {r.request.method} {r.url[len(url) :]}")
            if r.url.startswith(url) and r.status >= 400 and r.status != 401
            else None
        ),
    )

    def step(name: str) -> None:
        done.append(name)
        page.screenshot(path=str(shots / f"{len(done):02d}-{name}.png"))

    # The experiment's runs (POST runs/search).
    page.goto(f"{url}/#/experiments/{experiment_id}/runs", wait_until="load")
    for name in ("baseline", "grid-search"):
        page.get_by_role("link", name=name, exact=True).first.wait_for()
    step("runs-listed")

    # Two runs side by side: tick their rows, Compare.
    for name in ("baseline", "grid-search"):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True)).first
        row.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Compare", exact=True).first.click()
    page.wait_for_url("**/compare-runs**")
    page.get_by_text("grid-search").first.wait_for()
    step("runs-compared")

    # The baseline run: rename it (POST runs/update), tag it (POST runs/set-tag).
    page.goto(f"{url}/#/experiments/{experiment_id}/runs/{baseline}", wait_until="load")
    page.get_by_role("heading", name="baseline").first.wait_for()
    page.get_by_test_id("overflow-menu-trigger").first.click()
    page.get_by_role("menuitem", name="Rename").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("rename-modal-input").fill(new_name)
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="hidden")
    page.get_by_role("heading", name=new_name).first.wait_for()
    step("run-renamed")

    page.get_by_role("button", name="Add tags").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox").first.fill(tag[0])
    page.keyboard.press("Enter")
    dialog.get_by_role("textbox", name="Value").fill(tag[1])
    dialog.get_by_role("button", name="Add tag").click()
    dialog.get_by_role("button", name="Save tags").click()
    dialog.wait_for(state="hidden")
    page.get_by_text(tag[0]).first.wait_for()
    step("run-tagged")

    # The baseline's plot: open it, download it.
    page.goto(
        f"{url}/#/experiments/{experiment_id}/runs/{baseline}/artifacts/predicted_vs_actual.png", wait_until="load"
    )
    with page.expect_download(timeout=60000) as pending:
        download_button(page).click()
    downloaded = Path(tempfile.mkdtemp()) / "download"
    pending.value.save_as(downloaded)
    step("artifact-downloaded")

    # The model's first version: a new alias (POST registered-models/alias).
    page.goto(f"{url}/#/models/{model}/versions/1", wait_until="load")
    page.locator('button[data-component-id$="aliases_modelversionviewaliaseditor.tsx_37"]').click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox").first.fill(alias)
    page.keyboard.press("Enter")
    dialog.get_by_role("button", name="Save aliases").click()
    dialog.wait_for(state="hidden")
    page.get_by_title(alias, exact=True).first.wait_for()
    step("alias-set")
    return downloaded


def kernel(url: str, token: str, code: str) -> None:
    import ssl
    import uuid

    import requests
    from tornado import httpclient, websocket

    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    started = session.post(f"{url}/api/kernels", json={"name": "python3"}, timeout=60)
    started.raise_for_status()
    kernel_id = started.json()["id"]

    async def run():
        context = ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE"))
        ws_url = url.replace("https://", "wss://").replace("http://", "ws://")
        request = httpclient.HTTPRequest(
            f"{ws_url}/api/kernels/{kernel_id}/channels",
            headers={"Authorization": f"token {token}"},
            ssl_options=context,
        )
        connection = await websocket.websocket_connect(request)
        msg_id = uuid.uuid4().hex
        await connection.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "laptop",
                        "session": msg_id,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                    },
                }
            )
        )
        outputs = []
        while True:
            message = json.loads(await asyncio.wait_for(connection.read_message(), 60))
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                outputs.append(message["content"]["text"])
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return "".join(outputs)

    output = asyncio.run(run())
    session.delete(f"{url}/api/kernels/{kernel_id}", timeout=30)
    emit(output=output)


def student_login() -> tuple[str, str]:
    login = dict(
        line.split(" = ", 1) for line in (Path.home() / ".mlflow/credentials").read_text().splitlines() if " = " in line
    )
    return login["mlflow_tracking_username"], login["mlflow_tracking_password"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def attack(url: str, user: str, connections: int, deadline: float, results) -> None:
    """CONNECTIONS threads, each on its own connection, sending USER with wrong passwords."""
    import requests

    statuses = collections.Counter()
    lock = threading.Lock()

    def connection(number: int) -> None:
        session = requests.Session()
        attempt = 0
        while time.time() < deadline:
            attempt += 1
            try:
                status = session.get(url, auth=(user, f"wrong-{number}-{attempt}"), timeout=60).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=connection, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((user, dict(statuses)))


def flood(url: str, seconds: float, connections: int, users: list[str]) -> None:
    """The student's answer times alone, then while USERS are flooded with wrong passwords; and how
    long a refused login takes for each USER (a user that exists or not should not show)."""
    import multiprocessing

    import requests

    endpoint = f"{url}/api/2.0/mlflow/experiments/search?max_results=1"
    student = requests.Session()
    student.auth = student_login()

    def timed(session, **kwargs) -> tuple[float, int]:
        start = time.monotonic()
        status = session.get(endpoint, timeout=60, **kwargs).status_code
        return time.monotonic() - start, status

    quiet = [timed(student) for _ in range(30)]
    # A refused login, known user or not, before the flood (each on a connection already open).
    refused = {}
    for user in users:
        session = requests.Session()
        session.get(endpoint, timeout=60)  # no login: answered at once, opens the connection
        refused[user] = [timed(session, auth=(user, f"not-the-password-{n}")) for n in range(3)]

    results = multiprocessing.Queue()
    deadline = time.time() + seconds
    attackers = [
        multiprocessing.Process(target=attack, args=(endpoint, user, connections, deadline, results)) for user in users
    ]
    for process in attackers:
        process.start()
    time.sleep(min(2.0, seconds / 4))  # the flood is under way
    during = []
    while time.time() < deadline:
        during.append(timed(student))
        time.sleep(0.05)
    attacks = dict(results.get(timeout=120) for _ in attackers)
    for process in attackers:
        process.join()
    emit(
        quiet_p50_ms=round(percentile([t for t, _ in quiet], 0.5) * 1000),
        quiet_p95_ms=round(percentile([t for t, _ in quiet], 0.95) * 1000),
        flood_p50_ms=round(percentile([t for t, _ in during], 0.5) * 1000),
        flood_p95_ms=round(percentile([t for t, _ in during], 0.95) * 1000),
        flood_max_ms=round(max(t for t, _ in during) * 1000),
        student_requests=len(during),
        student_statuses=sorted({status for _, status in quiet + during}),
        attacks=attacks,
        connections=connections * len(users),
        refused_seconds={user: [round(t, 3) for t, _ in answers] for user, answers in refused.items()},
        refused_statuses=sorted({status for answers in refused.values() for _, status in answers}),
    )


TLS_CASES = {
    # name: (version, OpenSSL cipher list for TLS 1.2 and older, or None)
    "tls13": ("TLSv1_3", None),
    "tls12_ecdhe_aesgcm": ("TLSv1_2", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"),
    "tls12_ecdhe_chacha20": ("TLSv1_2", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"),
    "tls12_ecdhe_cbc": (
        "TLSv1_2",
        "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384"
        ":ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384",
    ),
    "tls12_rsa_key_exchange": ("TLSv1_2", "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA"),
    "tls11": ("TLSv1_1", "ALL"),
}


def tls(host: str, ports: list[str]) -> None:
    """Which of TLS_CASES each port accepts: the suite the server chose, or null."""
    import socket
    import ssl

    accepted = {}
    for port in ports:
        accepted[port] = {}
        for name, (version, ciphers) in TLS_CASES.items():
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the suites, not the certificate
            context.minimum_version = context.maximum_version = getattr(ssl.TLSVersion, version)
            if ciphers:
                context.set_ciphers(f"{ciphers}:@SECLEVEL=0")  # let the client offer what the server must refuse
            try:
                with (
                    socket.create_connection((host, int(port)), timeout=10) as raw,
                    context.wrap_socket(raw, server_hostname=host) as conn,
                ):
                    accepted[port][name] = conn.cipher()[0]
            except (ssl.SSLError, OSError):
                accepted[port][name] = None
    emit(accepted=accepted)


def upload(uri: str, size: int) -> None:
    """A run that logs a metric and a SIZE-byte artifact, read back: what a limit refuses, and what not."""
    import mlflow

    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("laptop-limits")
    with tempfile.TemporaryDirectory(dir=os.environ.get("LAPTOP_SCRATCH")) as tmp, mlflow.start_run() as run:
        mlflow.log_metric("loss", 0.5)
        source = Path(tmp) / "blob.bin"
        with source.open("wb") as out:
            out.truncate(size)
        try:
            mlflow.log_artifact(str(source))
            error = None
        except Exception as failure:  # noqa: BLE001 - what the client says is the result
            error = str(failure)
    back = mlflow.get_run(run.info.run_id)
    artifacts = [item.path for item in mlflow.MlflowClient().list_artifacts(run.info.run_id)]
    emit(
        run_id=run.info.run_id,
        uploaded=error is None and "blob.bin" in artifacts,
        error=error,
        metric_read_back=back.data.metrics.get("loss") == 0.5,
    )


def otlp(url: str, experiment_name: str) -> None:
    """What an application instrumented with OpenTelemetry alone does: its spans, exported over
    OTLP/HTTP (protobuf) to the lab, with the student's login and the class CA."""
    import base64

    import mlflow
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    mlflow.set_tracking_uri(url)
    experiment_id = mlflow.set_experiment(experiment_name).experiment_id
    user, password = student_login()
    exporter = OTLPSpanExporter(
        endpoint=f"{url}/v1/traces",
        headers={
            "x-mlflow-experiment-id": experiment_id,
            "authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode(),
        },
        certificate_file=os.environ.get("REQUESTS_CA_BUNDLE"),  # the class CA, as the handout sets it
    )
    provider = TracerProvider(resource=Resource.create({"service.name": "laptop-app"}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer("laptop")
    with tracer.start_as_current_span("handle-request") as root:
        root.set_attribute("request.question", "Where are the artifacts kept?")
        with tracer.start_as_current_span("lookup-documents") as lookup:
            lookup.set_attribute("documents.found", 2)
        with tracer.start_as_current_span("compose-answer") as compose:
            compose.set_attribute("answer.length", 42)
        trace_id = format(root.get_span_context().trace_id, "032x")
    exported = provider.force_flush(30000)
    provider.shutdown()
    emit(exported=exported, experiment_id=experiment_id, otel_trace_id=trace_id)


def ui_trace(url: str, experiment_name: str, trace_id: str, screenshot: str) -> None:
    """The experiment's Traces tab as the student: the trace found by its id in the search box,
    opened, its span tree shown (every span's name) with the root span's attributes."""
    import re

    import mlflow
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    mlflow.set_tracking_uri(url)
    experiment_id = mlflow.get_experiment_by_name(experiment_name).experiment_id
    spans = [span.name for span in mlflow.get_trace(trace_id).data.spans]
    with sync_playwright() as playwright:
        page = student_browser(playwright, {"width": 1600, "height": 1000}).new_page()
        page.set_default_timeout(120000)  # a loaded 2-core machine: the UI's bundle is large
        page.goto(f"{url}/#/experiments/{experiment_id}/traces", wait_until="load")
        page.get_by_text(re.compile(r"^\d+ of \d+$")).wait_for()  # the list loaded (its count)
        try:
            # 3.17 opens a modal tip ("Detect Issues") on a first visit, a moment after the list
            # loads; until it is closed the page takes no typing or click. Close it as a student does.
            tip = page.get_by_role("button", name="Got it")
            try:
                tip.wait_for(timeout=15000)
                tip.click()
            except PlaywrightTimeout:
                pass  # no tip this time
            search = page.get_by_placeholder("Search traces by id")
            search.press_sequentially(trace_id)
            search.press("Enter")
            page.get_by_text("1 of 1").wait_for()
            page.locator('[role="row"]').filter(has=page.get_by_text(" ago")).first.click()  # the one trace left
            page.get_by_text(trace_id.removeprefix("tr-")[:8], exact=True).first.wait_for()  # the open trace's header
            for name in spans:  # the span tree
                page.get_by_text(name, exact=True).first.wait_for()
            # The trace's state beside its id in the header.
            badge = page.get_by_text
            shown = [state for state in ("Success", "Error") if badge(state, exact=True).filter(visible=True).count()]
        finally:  # what the page showed, also when a step failed
            page.screenshot(path=screenshot, full_page=False)
        page.context.browser.close()
    emit(spans_shown=spans, state_shown=shown, screenshot=screenshot)


def ui_workspaces(url: str, out_dir: str, checks: list[str]) -> None:
    """A class's student in the MLflow UI. The home page lists the workspaces MLflow gives the
    login (its workspace selector); each workspace's experiments page (the UI reads the workspace
    from ?workspace=, as the selector sets it) is opened in a page of its own, so each is a full
    load that makes its own search."""
    from playwright.sync_api import sync_playwright

    shots, seen = Path(out_dir), {}
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = student_browser(playwright, {"width": 1400, "height": 900})
        context.set_default_timeout(120000)  # a loaded 2-core machine: the UI's bundle is large
        page = context.new_page()
        with page.expect_response(lambda answer: answer.url.split("?")[0].endswith("/mlflow/workspaces")) as pending:
            page.goto(f"{url}/", wait_until="load")
        offered = sorted(w["name"] for w in pending.value.json().get("workspaces", []))
        for name in offered:
            page.get_by_text(name, exact=True).first.wait_for(timeout=60000)
        page.screenshot(path=str(shots / "home.png"))
        page.close()
        for check in checks:
            workspace, experiment = check.split("=", 1)
            page = context.new_page()
            with page.expect_response(lambda answer: "/mlflow/experiments/search" in answer.url) as pending:
                page.goto(f"{url}/#/experiments?workspace={workspace}", wait_until="load")
            answer = pending.value
            listed = [e["name"] for e in (answer.json().get("experiments", []) if answer.ok else [])]
            shown = page.get_by_text(experiment, exact=True).first
            if experiment in listed:
                shown.wait_for(timeout=60000)
            else:
                page.wait_for_timeout(2000)  # what the page rendered from that answer
            seen[workspace] = {
                "status": answer.status,
                "header": answer.request.headers.get("x-mlflow-workspace", ""),
                "listed": listed,
                "shown": shown.is_visible(),
            }
            page.screenshot(path=str(shots / f"workspace-{workspace}.png"))
            page.close()
        context.browser.close()
    emit(offered=offered, workspaces=seen)


def hub_login(url: str, user: str, password: str):
    """A requests session logged in to JupyterHub's login form (with its XSRF cookie) as USER."""
    import requests

    session = requests.Session()
    session.get(f"{url}/hub/login", timeout=60).raise_for_status()
    answer = session.post(
        f"{url}/hub/login",
        data={"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf", "")},
        allow_redirects=False,
        timeout=60,
    )
    return session, answer.status_code


def hub_open(session, url: str, owner: str, seconds: float = 240) -> dict:
    """OWNER's JupyterLab as a browser opens it: the hub's OAuth round (an admin confirms the
    access form, as the instructor clicks Authorize); the owner's own visit starts their server and
    waits for it. Then the API lists its work/."""
    import re

    deadline = time.monotonic() + seconds
    while True:
        page = session.get(f"{url}/user/{owner}/lab", timeout=60)
        if page.status_code == 200 and "/oauth2/authorize" in page.url and 'name="scopes"' in page.text:
            fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
            page = session.post(page.url, data=fields, timeout=60)
        ready = page.status_code == 200 and page.url.split("?")[0].endswith(f"/user/{owner}/lab")
        if ready or page.status_code == 403 or time.monotonic() > deadline:
            break
        time.sleep(2)  # the server is starting (spawn-pending) or the hub is busy
    contents = session.get(f"{url}/user/{owner}/api/contents/work", timeout=60)
    return {
        "lab": page.status_code if ready or page.status_code != 200 else 0,
        "url": page.url.split("?")[0],
        "contents": contents.status_code,
        "work": sorted(item["name"] for item in contents.json().get("content", [])) if contents.ok else [],
    }


def hub(url: str, logins_file: str, student: str, other: str, out_dir: str) -> None:
    from playwright.sync_api import sync_playwright

    logins = json.loads(Path(logins_file).read_text())
    shots = Path(out_dir)
    shots.mkdir(parents=True, exist_ok=True)
    result = {"wrong_password": hub_login(url, student, logins[student] + "-wrong")[1]}
    session, result["other_login"] = hub_login(url, other, logins[other])
    session.get(f"{url}/hub/spawn", timeout=120)
    result["other_own"] = hub_open(session, url, other)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.set_default_timeout(180000)  # a loaded 2-core machine: the server starts, JupyterLab loads
        page.goto(f"{url}/hub/login", wait_until="load")
        page.fill("#username_input", student)
        page.fill("#password_input", logins[student])
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{student}/lab**")
        result["browser"] = {"own": page.url.split("?")[0]}
        page.get_by_text("work", exact=True).first.dblclick()  # JupyterLab's file browser: into work/
        page.get_by_text("01-train-track-register.ipynb", exact=True).first.wait_for()
        result["browser"]["examples_shown"] = True
        page.screenshot(path=str(shots / f"jupyterlab-{student}.png"))
        answer = page.goto(f"{url}/user/{other}/lab", wait_until="load")
        page.screenshot(path=str(shots / f"jupyterlab-{other}-as-{student}.png"))
        result["browser"]["other"] = answer.status if answer else 0
        browser.close()
    result["opened"] = hub_open_all(url, logins, other)
    emit(**result)


def hub_open_all(url: str, logins: dict, owner: str) -> dict:
    """Each login opens OWNER's server, OWNER first (their visit starts it)."""
    opened = {}
    for login in sorted(logins, key=lambda name: name != owner):
        session, status = hub_login(url, login, logins[login])
        if status == 302 and login == owner:
            session.get(f"{url}/hub/spawn", timeout=120)
        opened[login] = (
            hub_open(session, url, owner, 240 if login == owner else 30) if status == 302 else {"login": status}
        )
    return opened


def hub_servers(url: str, logins_file: str, owner: str) -> None:
    logins = json.loads(Path(logins_file).read_text())
    wrong = hub_login(url, owner, logins[owner] + "-wrong")[1]
    emit(wrong_password=wrong, opened=hub_open_all(url, logins, owner))


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "artifacts":
        artifacts(args[0], [int(size) for size in args[1:]])
    elif command == "load-model":
        load_model(*args)
    elif command == "ui":
        ui(*args)
    elif command == "kernel":
        kernel(*args)
    elif command == "ui-workflow":
        ui_workflow(*args)
    elif command == "flood":
        flood(args[0], float(args[1]), int(args[2]), args[3:])
    elif command == "tls":
        tls(args[0], args[1:])
    elif command == "upload":
        upload(args[0], int(args[1]))
    elif command == "otlp":
        otlp(*args)
    elif command == "ui-trace":
        ui_trace(*args)
    elif command == "ui-workspaces":
        ui_workspaces(args[0], args[1], args[2:])
    elif command == "hub":
        hub(*args)
    elif command == "hub-open":
        hub_servers(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
