#!/usr/bin/env bash
# Benchmark: wall time to install the MLflow server venv (the mlflow role's package set) inside a
# fresh Debian 12 test VM, with pip and with uv, each with a cold cache. Prints one line per tool.
# Needs `make images`. Usage: benchmarks/mlflow_install.sh [MLFLOW_VERSION] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-3.17.2}
rounds=${2:-1}
packages="mlflow[auth]==$version psycopg2-binary==2.9.13 boto3==1.44.5"
name="bench-mlflow-install-$$"
trap 'docker rm -f -v "$name" >/dev/null 2>&1' EXIT
scripts/start-test-vm.sh "$name"
docker cp "${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" "$name:/usr/local/share/ca-certificates/controller.crt"
run() { docker exec "$name" bash -c "$1"; }
run 'update-ca-certificates >/dev/null 2>&1; apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null'
run 'python3 -m venv /opt/uv && /opt/uv/bin/pip install -q --cert /etc/ssl/certs/ca-certificates.crt uv==0.13.8'

seconds() { local start end; start=$(date +%s.%N); run "$1"; end=$(date +%s.%N); python3 -c "print($end - $start)"; }
for round in $(seq 1 "$rounds"); do
  pip_s=$(seconds "rm -rf /opt/b && python3 -m venv /opt/b && /opt/b/bin/pip install -q --no-cache-dir --cert /etc/ssl/certs/ca-certificates.crt $packages")
  uv_s=$(seconds "rm -rf /opt/b && /opt/uv/bin/uv venv -q --python /usr/bin/python3 /opt/b && SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt /opt/uv/bin/uv pip install -q --native-tls --no-cache --python /opt/b/bin/python $packages")
  printf 'round %d: pip %.1f s, uv %.1f s (mlflow %s, cold caches, Debian 12 test VM)\n' "$round" "$pip_s" "$uv_s" "$version"
done
