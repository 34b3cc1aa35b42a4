#!/usr/bin/env bash
# Install the collection as a user of it would, into DIR (default .cache/collection):
#   DIR/venv          a plain `pip install ansible-core` (the pinned version), nothing else
#   DIR/tarballs      mlops_vm-lab-<version>.tar.gz from `ansible-galaxy collection build`, and the
#                     artifacts of its dependencies
#   DIR/collections   `ansible-galaxy collection install` of them all
#   DIR/ansible.cfg   collections_path = DIR/collections, and pipelining on (as the README advises
#                     a user of the collection), nothing else
# Then: ANSIBLE_CONFIG=DIR/ansible.cfg DIR/venv/bin/ansible-playbook -i INVENTORY mlops_vm.lab.site
# Galaxy is out of reach on the test machines: the dependencies (galaxy.yml's, transitively) are
# packed from the copies the `ansible` package bundles in .venv, each with the MANIFEST.json and
# FILES.json it was published with (less the entries the package leaves out: .github, tests), and
# the install checks every file against FILES.json's checksums. A dependency galaxy.yml does not
# declare is not installed, so a role that uses it fails when the installed collection runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mkdir -p "${1:-$root/.cache/collection}" && cd "${1:-$root/.cache/collection}" && pwd)
core=$(grep -oE '^ansible-core==[0-9.]+' "$root/requirements.txt")

installed=$("$dir/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("ansible-core"))' 2>/dev/null || true)
if [[ $installed != "${core#*==}" ]]; then
  rm -rf "$dir/venv"
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install -q "$core"
fi

rm -rf "$dir/tarballs" "$dir/collections"
mkdir -p "$dir/tarballs" "$dir/collections"
"$dir/venv/bin/ansible-galaxy" collection build --output-path "$dir/tarballs" "$root" >/dev/null
"$root/.venv/bin/python" "$root/scripts/pack_dependencies.py" "$root/galaxy.yml" "$dir/tarballs"

# From DIR, with a configuration of its own, so nothing of this checkout (ansible.cfg, collections/) is found.
printf '[defaults]\ncollections_path = %s\n\n[connection]\npipelining = True\n' "$dir/collections" >"$dir/ansible.cfg"
(cd "$dir" && ANSIBLE_CONFIG="$dir/ansible.cfg" "$dir/venv/bin/ansible-galaxy" collection install --offline \
  -p "$dir/collections" "$dir"/tarballs/*.tar.gz >/dev/null)
(cd "$dir" && ANSIBLE_CONFIG="$dir/ansible.cfg" "$dir/venv/bin/ansible-galaxy" collection list 2>/dev/null) \
  | awk '$1 ~ /\./ && $1 !~ /^ansible\._/ {print "install-collection: " $1 " " $2}'
