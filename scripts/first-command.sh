#!/usr/bin/env bash
# The README's first command as a newcomer runs it: `make lab`, then the URLs it printed checked
# from this machine with the printed CA, login and token (scripts/check-lab.sh), then
# `make lab-destroy`. CI runs it from a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache/logs
make lab </dev/null 2>&1 | tee .cache/logs/make-lab.log
scripts/check-lab.sh .cache/logs/make-lab.log
make lab-destroy </dev/null
