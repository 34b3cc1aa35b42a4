#!/opt/conda/bin/python
"""What a student does from a laptop, for the tests: each command prints one JSON line.

  laptop.py scan HOST                          open TCP ports of HOST (all 65535, connect scan)
  laptop.py artifacts URI SIZE...              log files of SIZE bytes in a run, read them back
  laptop.py load-model URI MODEL ALIAS         load models:/MODEL@ALIAS and predict five rows
  laptop.py ui URL RUN_ID ARTIFACT OUT.png     the MLflow UI in Chromium: artifact view, download
  laptop.py kernel URL TOKEN CODE              run CODE in a JupyterLab kernel (websocket)

The MLflow client is stock: the tests set no MLflow environment variable. The login comes from
~/.mlflow/credentials and trust in the class CA from REQUESTS_CA_BUNDLE (for Python) and the
browser's certificate store, as the handout tells students.
"""

import asyncio
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def emit(**result):
    print(json.dumps(result), flush=True)


def scan(host: str) -> None:
    async def probe(port, limit):
        async with limit:
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 1.5)
            except (TimeoutError, OSError):
                return None
            writer.close()
            return port

    async def run():
        limit = asyncio.Semaphore(2000)
        return [p for p in await asyncio.gather(*(probe(p, limit) for p in range(1, 65536))) if p]

    start = time.monotonic()
    emit(host=host, open=asyncio.run(run()), seconds=round(time.monotonic() - start, 1))


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
    button = page.locator('button[data-component-id$="components_artifactview.tsx_337"]')
    if not button.count():
        raise SystemExit("the artifact view has no download button (data-component-id ...artifactview.tsx_337)")
    return button.first


def ui(url: str, run_id: str, artifact: str, screenshot: str) -> None:
    import mlflow
    from playwright.sync_api import sync_playwright

    login = dict(
        line.split(" = ", 1) for line in (Path.home() / ".mlflow/credentials").read_text().splitlines() if " = " in line
    )
    mlflow.set_tracking_uri(url)
    experiment_id = mlflow.get_run(run_id).info.experiment_id
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_context(
            http_credentials={
                "username": login["mlflow_tracking_username"],
                "password": login["mlflow_tracking_password"],
            },
            accept_downloads=True,
            viewport={"width": 1400, "height": 900},
        ).new_page()
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
        browser.close()
    emit(page_shows_text=True, download_identical=downloaded.read_text().strip() == expected, screenshot=screenshot)


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


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "scan":
        scan(args[0])
    elif command == "artifacts":
        artifacts(args[0], [int(size) for size in args[1:]])
    elif command == "load-model":
        load_model(*args)
    elif command == "ui":
        ui(*args)
    elif command == "kernel":
        kernel(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
