#!/usr/bin/env bash
# Self-test: the docker-stacks contract. The API answers with the token and refuses without it,
# the server runs as jovyan (uid 1000), a notebook executes with scikit-learn.
set -euo pipefail
image=$1
name="selftest-jupyter-$$"
trap 'docker rm -f "$name" >/dev/null 2>&1' EXIT
docker run -d --name "$name" -e JUPYTER_TOKEN=selftest-token "$image" >/dev/null
for _ in $(seq 1 60); do
  docker exec "$name" curl -fsS -H 'Authorization: token selftest-token' http://127.0.0.1:8888/api/status >/dev/null 2>&1 && break
  sleep 1
done
docker exec "$name" curl -fsS -H 'Authorization: token selftest-token' http://127.0.0.1:8888/api/status >/dev/null
code=$(docker exec "$name" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8888/api/status)
[ "$code" = 403 ] || { echo "selftest $image: no token gave $code" >&2; exit 1; }
[ "$(docker exec "$name" id -u)" = 1000 ]
docker exec "$name" python -c 'import nbformat, nbclient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sklearn; print(sklearn.__version__)")])
nbclient.NotebookClient(nb, kernel_name="python3").execute()'
echo "selftest $image: ok"
