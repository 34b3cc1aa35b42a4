#!/usr/bin/env bash
# `make lock`: lock files with hashes for every Python environment the project creates, from the
# top-level pins, by uv (universal: one lock fits every Python and CPU the VMs run).
#
#   roles/mlflow/files/locks/mlflow-<version>.txt   the MLflow venv, per mlflow_version supported
#   roles/s3/files/locks/s3-client.txt               the S3 client venv (boto3)
#   roles/jupyter/files/locks/jupyter-<version>.txt  the JupyterLab image's additions
#   roles/jupyterhub/files/locks/jupyterhub.txt      a class server's JupyterHub venv
#   roles/common/files/locks/uv.txt                  uv itself, installed with pip on each VM
#   requirements.lock                                the controller's .venv (make venv)
# The roles install with hash checking (uv pip install --require-hashes); a tampered or missing
# entry fails the install. Re-run after changing a pin; MLFLOW_VERSIONS lists the MLflow releases.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
MLFLOW_VERSIONS=${MLFLOW_VERSIONS:-"3.17.2 3.15.2"}
# Debian 12 has Python 3.11, Ubuntu 22.04 3.10, Debian 13 3.13: lock for 3.10 and newer.
PYTHON=${PYTHON:-3.10}
# The pins of each environment, read from the roles so there is one place for each.
pins() { python3 - "$1" "$2" <<'PY'
import sys, yaml
path, name = sys.argv[1], sys.argv[2]
print("\n".join(yaml.safe_load(open(path))[name]))
PY
}
lock() { # lock OUTPUT PYTHON (requirements on stdin)
  mkdir -p "$(dirname "$1")"
  # Seeded with the current lock, uv keeps its versions: a changed pin moves only what it needs.
  if [ -f "$1" ]; then cp "$1" "$1.new"; fi
  "$UV" pip compile --quiet --universal --generate-hashes --python-version "$2" --no-header \
    --custom-compile-command "make lock" -o "$1.new" - && mv "$1.new" "$1"
  echo "lock: $1 ($(grep -cE '^[A-Za-z0-9]' "$1") packages)"
}
for version in $MLFLOW_VERSIONS; do
  pins roles/mlflow/vars/main.yml __mlflow_packages | sed "s/{{ mlflow_version }}/$version/" \
    | lock "roles/mlflow/files/locks/mlflow-$version.txt" "$PYTHON"
  pins roles/jupyter/vars/main.yml __jupyter_packages | sed "s/{{ jupyter_mlflow_version }}/$version/" \
    | lock "roles/jupyter/files/locks/jupyter-$version.txt" 3.11
done
pins roles/jupyterhub/vars/main.yml __jupyterhub_packages | lock roles/jupyterhub/files/locks/jupyterhub.txt "$PYTHON"
pins roles/s3/vars/main.yml __s3_client_packages | lock roles/s3/files/locks/s3-client.txt "$PYTHON"
python3 -c 'import yaml; print("uv==" + yaml.safe_load(open("roles/common/vars/main.yml"))["__common_uv_version"])' \
  | lock roles/common/files/locks/uv.txt "$PYTHON"
grep -vE '^\s*(#|$)' requirements.txt | sed 's/ *#.*//' | lock requirements.lock 3.11
