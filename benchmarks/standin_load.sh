#!/usr/bin/env bash
# What a test VM pays to get the stand-in images (postgres, minio, jupyter: the archives from
# `make images`), both ways the docker role offers (docker_image_archives):
#   archive     copied from the controller into the VM, loaded, removed (a real classroom's way)
#   vm_archive  loaded in place from the read-only mount every test VM has (/srv/mlops-test-images)
# and the way the Molecule scenarios' Debian 12 VMs get them: none loaded, the VM's Docker starts
# with the image store of `make images` (mlops-test-image-store) hard-linked in (local-vm.yml).
# One fresh test VM with Docker (the docker role), then each way timed with the images removed
# in between; then a second VM started from the store (its start timed against the first one's,
# then the docker role's run on it asserted to load nothing). Prints the wall time of each (and
# JSON with them).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
VM=${VM:-bench-standins}
work=$(mktemp -d /tmp/mlops-bench-standins.XXXX)
trap 'docker rm -f -v "$VM" "$VM-store" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
log() { printf 'standin_load: %s\n' "$*" >&2; }
since() { python3 -c "import sys, time; print(round(time.time() - float(sys.argv[1]), 1))" "$1"; }  # since T0: seconds

log "starting $VM and installing Docker in it (the docker role)"
t0=$(date +%s.%N)
scripts/start-test-vm.sh "$VM"
plain_start=$(since "$t0")
cat > "$work/inventory.yml" <<YAML
all:
  hosts:
    $VM: {ansible_connection: docker, ansible_python_interpreter: /usr/bin/python3}
  vars:
    base_ca_certificates: [/etc/ssl/certs/ca-certificates.crt]
YAML
cat > "$work/load.yml" <<YAML
- name: The docker role, with the stand-ins' archives one way or the other (docker_image_archives from -e)
  hosts: all
  gather_facts: true
  pre_tasks:
    - name: Install what Ansible's apt module needs (as site.yml does first)
      ansible.builtin.include_tasks: $PWD/playbooks/tasks/apt-bindings.yml
  roles: [mlops_vm.lab.docker]
YAML
archives() { # archives KEY DIR: docker_image_archives as JSON, each stand-in's archive under KEY
  python3 -c 'import json, sys; print(json.dumps({"docker_image_archives": [
      {"name": f"mlops-test/{n}:latest", sys.argv[1]: f"{sys.argv[2]}/{n}.tar"} for n in sys.argv[3:]]}))' "$@"
}
ansible-playbook -i "$work/inventory.yml" "$work/load.yml" > "$work/install.log" 2>&1 \
  || { tail -30 "$work/install.log" >&2; exit 1; }

timed() { # timed WAY WHERE: seconds for the role's run that loads the three images that way
  docker exec "$VM" sh -c 'docker rmi -f mlops-test/postgres:latest mlops-test/minio:latest mlops-test/jupyter:latest >/dev/null 2>&1; true'
  local t0 took
  t0=$(date +%s.%N)
  ansible-playbook -i "$work/inventory.yml" "$work/load.yml" -e "$(archives "$1" "$2" postgres minio jupyter)" > "$work/$1.log" 2>&1 \
    || { tail -30 "$work/$1.log" >&2; exit 1; }
  took=$(since "$t0")
  grep -q "changed: \[$VM\] => (item=mlops-test/jupyter:latest)" "$work/$1.log" || { echo "no load in $1.log" >&2; exit 1; }
  echo "$took"
}
log "loading the stand-ins copied from the controller (archive)"
copied=$(timed archive "$PWD/.cache/images/archives")
log "loading the stand-ins in place (vm_archive)"
in_place=$(timed vm_archive /srv/mlops-test-images)
docker rm -f -v "$VM" >/dev/null

log "starting $VM-store from the image store (make images' mlops-test-image-store), as Molecule does"
t0=$(date +%s.%N)
DOCKER_STORE=mlops-test-image-store scripts/start-test-vm.sh "$VM-store"
from_store=$(since "$t0")
docker exec "$VM-store" test -d /var/lib/docker/image/overlay2 \
  || { echo "$VM-store has no images from the store (is it built? make images)" >&2; exit 1; }
sed -i "s/^    $VM:/    $VM-store:/" "$work/inventory.yml"
ansible-playbook -i "$work/inventory.yml" "$work/load.yml" -e "$(archives vm_archive /srv/mlops-test-images postgres minio jupyter)" \
  > "$work/store.log" 2>&1 || { tail -30 "$work/store.log" >&2; exit 1; }
grep -A4 "Load the archives into the engine" "$work/store.log" | grep -q "skipping: \[$VM-store\]" \
  || { cat "$work/store.log" >&2; echo "the VM from the store loaded an archive" >&2; exit 1; }

bytes=$(cat .cache/images/archives/{postgres,minio,jupyter}.tar | wc -c)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "stand-in images into one test VM ($(( bytes / 1048576 )) MB of archives), the docker role's run:"
echo "  copied from the controller, then loaded (archive): ${copied} s"
echo "  loaded in place from the read-only mount (vm_archive): ${in_place} s"
echo "  already there: the VM started from the image store (hard links), no load: ${from_store} s to start it, against ${plain_start} s without"
echo "  load average at the end: $load"
echo "{\"archive_mb\": $(( bytes / 1048576 )), \"archive_s\": $copied, \"vm_archive_s\": $in_place, \"store_start_s\": $from_store, \"plain_start_s\": $plain_start, \"load\": \"$load\"}"
