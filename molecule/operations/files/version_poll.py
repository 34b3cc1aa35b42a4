"""Ask MLflow its version through the HTTPS proxy about once a second, as a student, noting each answer.

  python3 version_poll.py URL CREDENTIALS_FILE CA_FILE OUT.jsonl
The system Python and its standard library only: the MLflow venv is switched under it. Each line
of OUT.jsonl: {"t": start, "version": "3.17.2"} or {"t": start, "error": "..."} (10 s timeout,
no retries). Runs until stopped.
"""

import base64
import configparser
import json
import ssl
import sys
import time
import urllib.request

url, credentials, ca_file, out = sys.argv[1:5]
login = configparser.ConfigParser()
login.read(credentials)
user, password = login["mlflow"]["mlflow_tracking_username"], login["mlflow"]["mlflow_tracking_password"]
headers = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
context = ssl.create_default_context(cafile=ca_file)
with open(out, "a", buffering=1) as log:
    while True:
        started = time.time()
        try:
            request = urllib.request.Request(url.rstrip("/") + "/version", headers=headers)  # noqa: S310 - the lab's https URL
            with urllib.request.urlopen(request, timeout=10, context=context) as response:  # noqa: S310 - the lab's https URL
                entry = {"t": started, "version": response.read().decode().strip()}
        except Exception as error:  # noqa: BLE001 - every failure is what the test records
            entry = {"t": started, "error": str(error)[:200]}
        log.write(json.dumps(entry) + "\n")
        time.sleep(max(0.0, 1.0 - (time.time() - started)))
