#!/usr/bin/env bash
# Check what `make lab` printed, as its user would use it: the MLflow URL answers over HTTPS with
# the printed CA and student login (and refuses anyone without it), JupyterLab answers with its
# token (and refuses anyone without it). CI runs it on make lab's output.
# Usage: make lab | tee lab.log; scripts/check-lab.sh lab.log
set -euo pipefail
log=${1:?usage: $0 MAKE_LAB_OUTPUT}
field() { sed -n "s/^ *$1 *\(.*\)$/\1/p" "$log" | tail -1; }
mlflow_line=$(field 'MLflow UI:')
jupyter_url=$(field 'JupyterLab:')
ca=$(field 'Class CA:' | awk '{print $1}')
mlflow_url=$(awk '{print $1}' <<<"$mlflow_line")
login=$(sed -n 's/^.* login: \([^ ]*\) \/ \(.*\)$/\1:\2/p' <<<"$mlflow_line")
token=${jupyter_url##*token=}
for value in mlflow_url login jupyter_url token ca; do
  [ -n "${!value}" ] || { echo "check-lab: make lab printed no ${value} (see $log)" >&2; exit 1; }
done
[ -f "$ca" ] || { echo "check-lab: the printed CA $ca is not a file" >&2; exit 1; }

status() { curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" "$@"; }
expect() { # expect WHAT WANTED GOT
  if [ "$2" = "$3" ]; then echo "check-lab: $1: $3"; else echo "check-lab: $1: wanted $2, got $3" >&2; exit 1; fi
}
api="${mlflow_url%/}/api/2.0/mlflow/experiments/search?max_results=1"
expect "MLflow API with the student login" 200 "$(status --netrc-file <(printf 'machine 127.0.0.1 login %s password %s\n' "${login%%:*}" "${login#*:}") "$api")"
expect "MLflow API without a login" 401 "$(status "$api")"
expect "MLflow UI page with the student login" 200 \
  "$(status --netrc-file <(printf 'machine 127.0.0.1 login %s password %s\n' "${login%%:*}" "${login#*:}") "$mlflow_url")"
jupyter_base=${jupyter_url%%/lab*}
expect "JupyterLab API with the token" 200 "$(status -H "Authorization: token $token" "$jupyter_base/api/status")"
expect "JupyterLab API without the token" 403 "$(status "$jupyter_base/api/status")"
expect "JupyterLab page from the printed URL" 200 "$(status -L "$jupyter_url")"
echo "check-lab: make lab's URLs answer"
