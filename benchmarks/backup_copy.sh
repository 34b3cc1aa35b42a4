#!/usr/bin/env bash
# The copy of a backup off the VM to the controller over SSH, as an instructor runs it: the wall
# time of playbooks/backup.yml and of its copy step, and the controller's peak memory (RSS of the
# ansible-playbook process tree, sampled every 0.1 s), for a lab holding one object of SIZE_MB
# (default 1024) of random bytes. Prints the figures (and JSON with them).
#   benchmarks/backup_copy.sh                 a fresh test VM with the lab (site.yml, 5-10 min), removed after
#   VM=name INVENTORY=file benchmarks/backup_copy.sh   an existing lab VM of that inventory (kept)
# Ansible reaches the VM over SSH as a sudo user with a key (molecule/shared/tasks/ssh-login.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
SIZE_MB=${SIZE_MB:-1024}
work=$(mktemp -d /tmp/mlops-bench-backup.XXXX)
log() { printf 'backup_copy: %s\n' "$*" >&2; }
started=""
cleanup() {
  [ -z "$started" ] || docker rm -f -v "$started" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${VM:-}" ]; then
  VM=bench-backup INVENTORY=$work/lab.yml
  log "starting $VM and converging the lab (site.yml)"
  scripts/start-test-vm.sh "$VM"
  started=$VM
  python3 - "$INVENTORY" "$PWD" "$work/credentials" "$VM" <<'PY'
import sys, yaml
file, root, credentials, name = sys.argv[1:]
standins = [{"name": f"mlops-test/{n}:latest", "archive": f"{root}/.cache/images/archives/{n}.tar"} for n in ("postgres", "minio", "jupyter")]
group = {"hosts": {name: {"ansible_connection": "docker", "ansible_python_interpreter": "/usr/bin/python3"}},
         "vars": {"base_ca_certificates": ["/etc/ssl/certs/ca-certificates.crt"], "postgres_image": "mlops-test/postgres:latest",
                  "s3_image": "mlops-test/minio:latest", "jupyter_image": "mlops-test/jupyter:latest",
                  "docker_image_archives": standins, "mlops_credentials_dir": credentials,
                  "mlops_handouts_dir": credentials + "/handouts"}}
yaml.safe_dump({"all": {"children": {"mlops": group}}}, open(file, "w"))
PY
  ansible-playbook -i "$INVENTORY" site.yml > "$work/converge.log" 2>&1 || { tail -30 "$work/converge.log" >&2; exit 1; }
fi

log "sshd and a sudo user on $VM"
cat > "$work/ssh.yml" <<YAML
- name: SSH with a sudo user
  hosts: $VM
  tasks:
    - name: Install sshd, the user and its key
      ansible.builtin.include_tasks: $PWD/molecule/shared/tasks/ssh-login.yml
      vars: {test_ssh_dir: $work/ssh}
YAML
ansible-playbook -i "$INVENTORY" "$work/ssh.yml" > "$work/ssh.log" 2>&1 || { tail -30 "$work/ssh.log" >&2; exit 1; }

log "a ${SIZE_MB} MB object in the lab's bucket"
docker exec -i "$VM" bash -c "head -c ${SIZE_MB}M /dev/urandom > /var/tmp/bench.bin && /opt/mlops-vm/s3-client/bin/python -c '
import json, os, boto3
config = json.load(open(\"/etc/mlops-vm/backup/backup.json\"))
os.environ[\"AWS_SHARED_CREDENTIALS_FILE\"] = config[\"s3_credentials_file\"]
boto3.client(\"s3\", endpoint_url=config[\"s3_endpoint\"], region_name=\"us-east-1\").upload_file(\"/var/tmp/bench.bin\", config[\"bucket\"], \"bench/${SIZE_MB}MB.bin\")
' && rm /var/tmp/bench.bin"

log "playbooks/backup.yml over SSH, to the controller"
ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks python3 benchmarks/tree_rss.py "$work/run.json" \
  ansible-playbook -i "$INVENTORY" -i "$work/ssh/inventory.yml" -l "$VM" playbooks/backup.yml \
  -e "{\"mlops_backups_dir\": \"$work/backups\", \"backup_offsite_url\": \"\"}" >/dev/null
run=$(cat "$work/run.json")
[ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rc"])' "$run")" = 0 ] || { tail -30 "$work/run.json.log" >&2; exit 1; }
copy=$(python3 benchmarks/profile_summary.py total "$work/run.json.log" "Copy them, streamed")
take=$(python3 benchmarks/profile_summary.py total "$work/run.json.log" "Take a backup on the VM")
tar=$(find "$work/backups/$VM" -name '*.tar' -printf '%s\n' | head -1)

# The same bytes by plain sftp with the same key, right after: what the network and disks allow.
log "the same size by plain sftp, for comparison"
docker exec "$VM" bash -c "head -c $tar /dev/urandom > /home/operator/same-size && chown operator /home/operator/same-size"
# The address the playbook reached over SSH (the VM's own bridges come first in hostname -I).
address=$(python3 -c 'import sys, yaml; print(next(h["ansible_host"] for h in yaml.safe_load(open(sys.argv[1]))["all"]["hosts"].values()))' \
  "$work/ssh/inventory.yml")
t0=$(date +%s.%N)
sftp -q -i "$work/ssh/id_ed25519" -o UserKnownHostsFile="$work/ssh/known_hosts" -o StrictHostKeyChecking=accept-new \
  "operator@$address:/home/operator/same-size" "$work/same-size" >/dev/null
t1=$(date +%s.%N)
docker exec "$VM" rm -f /home/operator/same-size
sftp_s=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$t0" "$t1")
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$run" "$copy" "$take" "$tar" "$SIZE_MB" "$sftp_s" "$load" <<'PY'
import json, sys
run, copy, take, size, object_mb, sftp, load = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6]), sys.argv[7]
mb = size / 2**20
print(f"backup of a lab holding one {object_mb} MB object: {mb:.0f} MB packed, copied to the controller over SSH")
print(f"  playbooks/backup.yml: {run['seconds']} s in all; taking the backup on the VM {take} s")
print(f"  the copy (both checksums included) {copy} s ({mb / copy:.0f} MB/s); plain sftp of the same size {sftp} s ({mb / sftp:.0f} MB/s)")
print(f"  controller's peak memory (RSS of the ansible-playbook process tree): {run['peak_rss_mb']} MB")
print(f"  load average at the end: {load}")
print(json.dumps({"object_mb": int(object_mb), "packed_mb": round(mb), "playbook_s": run["seconds"], "take_s": take,
                  "copy_s": copy, "sftp_s": sftp, "peak_rss_mb": run["peak_rss_mb"], "load": load}))
PY
