#!/usr/bin/env bash
# `make bench`: the lab measured against the course material's setup, on this machine, written to
# benchmarks/RESULTS.md. Brings up what it needs (test VMs from `make images`), removes it after.
#   1. provisioning: site.yml on a fresh VM (per-role times) and the no-change re-run, through the
#      Docker connection and over SSH as a sudo user, each with Mitogen (ansible.cfg) and without
#   2. memory: each service's PSS, idle, then with the example notebook run and a model served
#   3. tracking load: the lab (HTTPS proxy, logins, PostgreSQL) against the course setup (mlflow
#      server on SQLite with its defaults) on the same VM, 8 and 32 client threads, alternating
#      rounds, plus reads under the load; a profile of the lab's server at 32 threads
#   4. artifacts: 1 GB up and down through the lab's server against direct S3 on the VM, with
#      mlflow_serv's peak RSS meanwhile
#   5. class: one VM as a class's server (CLASS_STUDENTS logins and workspaces): the converge, its
#      re-run, every student logging runs into their own workspace at once for CLASS_SECONDS while
#      the UI is used; the VM's CPU and each service's memory meanwhile; CLASS_SERVERS students
#      starting their own JupyterLab on the class's JupyterHub at once, each server's memory idle,
#      one student's while the example notebook runs; the VM sizes these give for 10, 30, 60 students
#   6. classroom: site.yml on 1, 3 and 6 fresh VMs in one run each, then its no-change re-run
#      (wall times, ratios to one VM; the re-run's CPU on the controller and on the whole machine)
# Knobs: ROUNDS (3), SECONDS_PER_RUN (20), SECTIONS (which of 2.-6. to measure, default
# "memory load artifacts class classroom"; 1. always runs, it builds the VM), KEEP=1 (leave the VM and
# the work directory for a look by hand), CLASS_SIZES (the classroom section's numbers of VMs,
# default "1 3 6"; the first is the base of its ratios), CLASS_STUDENTS (30), CLASS_SECONDS (60),
# CLASS_SERVERS (10). On a failure the work directory is kept and named.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
SECTIONS=${SECTIONS-memory load artifacts class classroom}  # SECTIONS="": provisioning only
KEEP=${KEEP:-0}
CLASS_SIZES=${CLASS_SIZES:-1 3 6}
CLASS_STUDENTS=${CLASS_STUDENTS:-30}
CLASS_SECONDS=${CLASS_SECONDS:-60}
CLASS_SERVERS=${CLASS_SERVERS:-10}
work=$(mktemp -d /tmp/mlops-bench.XXXX)
vms=()
log() { printf 'bench: %s\n' "$*" >&2; }
cleanup() {
  local rc=$?
  if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then log "kept the work directory $work and VMs: ${vms[*]}"; return; fi
  [ ${#vms[@]} -eq 0 ] || docker rm -f -v "${vms[@]}" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
section() { [[ " $SECTIONS " == *" $1 "* ]]; }

# An inventory of test VMs with the test stand-in images, as Molecule's (.config/molecule/config.yml).
inventory() { # inventory FILE VM...
  local file=$1; shift
  python3 - "$file" "$PWD" "$work/credentials" "$@" <<'PY'
import sys, yaml
file, root, credentials, *names = sys.argv[1:]
archives = root + "/.cache/images/archives/"
standins = {n: {"name": f"mlops-test/{n}:latest", "archive": archives + n + ".tar"} for n in ("postgres", "minio", "jupyter")}
hosts = {n: {"ansible_connection": "docker", "ansible_python_interpreter": "/usr/bin/python3"} for n in names}
group = {
    "hosts": hosts,
    "vars": {
        "base_ca_certificates": ["/etc/ssl/certs/ca-certificates.crt"],
        "postgres_image": "mlops-test/postgres:latest",
        "s3_image": "mlops-test/minio:latest",
        "jupyter_image": "mlops-test/jupyter:latest",
        "docker_image_archives": list(standins.values()),
        "mlops_credentials_dir": credentials,
        "mlops_handouts_dir": credentials + "/handouts",
    },
}
yaml.safe_dump({"all": {"children": {"mlops": group}}}, open(file, "w"))
PY
}
start_vms() { vms+=("$@"); scripts/start-test-vm.sh "$@"; }
on_vm() { docker exec -i "$1" bash -c "$2"; }
# The VM's address on the test network (its certificate's name); inside, hostname -I lists the
# VM's own Docker bridges first.
vm_address() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | cut -d' ' -f1; }
# A test VM's own Docker puts its containers' cgroups beside the VM's, not in it (cgroupns=host):
# a VM's figures add those of the containers it runs (PostgreSQL, MinIO, the JupyterLabs).
vm_cgroup_ids() { # The VM's container id and those of the containers its Docker runs.
  docker inspect -f '{{.Id}}' "$1"
  docker exec "$1" docker ps -q --no-trunc 2>/dev/null || true
}
vm_anon_mb() { # The anonymous memory of a VM's cgroups (v1: total_rss, v2: anon), in MB.
  local id stat total=0 found=""
  for id in $(vm_cgroup_ids "$1"); do
    for stat in "/sys/fs/cgroup/memory/docker/$id/memory.stat" "/sys/fs/cgroup/system.slice/docker-$id.scope/memory.stat"; do
      [ -r "$stat" ] || continue
      total=$((total + $(awk '$1 == "total_rss" || $1 == "anon" {print $2; exit}' "$stat")))
      found=1
    done
  done
  if [ -n "$found" ]; then echo "$((total / 1048576)) MB"; else echo "unknown (no cgroup memory.stat)"; fi
}
vm_cpu_s() { # The CPU seconds a VM's cgroups have used (v1: cpuacct.usage, v2: cpu.stat usage_usec).
  local id
  for id in $(vm_cgroup_ids "$1"); do
    if [ -r "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage" ]; then
      awk '{print $1 / 1e9}' "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage"
    elif [ -r "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat" ]; then
      awk '$1 == "usage_usec" {print $2 / 1e6}' "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat"
    fi
  done | awk '{total += $1} END {printf "%.1f\n", total}'
}
seconds_of() { python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$1" "$2"; }

results=$work/results.md
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), Docker $(docker version -f '{{.Server.Version}}')"
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (benchmarks/bench.sh) on $(date -u +%Y-%m-%d), on $machine."
  echo "Every figure below comes from this run (but sections marked as kept from an earlier one); the test VMs are systemd containers on this machine"
  echo "(the stand-in images of \`make images\`), so absolute figures are this machine's."
  echo
} > "$results"

# 1. Provisioning ----------------------------------------------------------------------------------
vm=bench-lab
log "provisioning $vm"
start_vms "$vm"
inventory "$work/lab.yml" "$vm"
converge() { # converge LOG [ARGS...]: site.yml with per-role and per-task times
  local out=$1; shift
  ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_roles,ansible.posix.profile_tasks \
    ansible-playbook -i "$work/lab.yml" site.yml "$@" > "$out" 2>&1 || { tail -40 "$out" >&2; exit 1; }
}
task_results() { # the task results of a run, summed over its hosts (ok and skipped, from the recap)
  grep -oE ': ok=[0-9]+ .* skipped=[0-9]+' "$1" | awk '{sub("ok=", "", $2); sub("skipped=", "", $6); n += $2 + $6} END {print n + 0}'
}
changed_in() { grep -oE "$vm +: ok=[0-9]+ +changed=[0-9]+" "$1" | grep -oE 'changed=[0-9]+' | cut -d= -f2; }
timed() { # timed COMMAND...: runs it, prints its wall seconds
  local t0; t0=$(date +%s.%N); "$@"; seconds_of "$t0" "$(date +%s.%N)"
}
fresh=$(timed converge "$work/fresh.log")
rerun=$(timed converge "$work/rerun.log")
rerun_linear=$(ANSIBLE_STRATEGY=linear timed converge "$work/rerun-linear.log")
transport=$(python3 benchmarks/profile_summary.py total "$work/fresh.log" "Copy the missing archives|Load the archives")
fresh_lab=$(seconds_of "$transport" "$fresh")
changed=$(changed_in "$work/rerun.log") changed_linear=$(changed_in "$work/rerun-linear.log")
# Over SSH as a sudo user with a key, as on a cloud VM (the Molecule scenarios' own steps).
log "provisioning: SSH"
cat > "$work/ssh-login.yml" <<YML
- name: Let Ansible reach the VM over SSH as a sudo user
  hosts: all
  tasks:
    - name: Install sshd, a sudo user and its key; write the inventory that uses them
      ansible.builtin.include_tasks: $PWD/molecule/shared/tasks/ssh-login.yml
      vars: {test_ssh_dir: $work/ssh}
YML
ansible-playbook -i "$work/lab.yml" "$work/ssh-login.yml" > "$work/ssh-login.log" 2>&1 || { tail -30 "$work/ssh-login.log" >&2; exit 1; }
# The first run over SSH rewrites the handout's address (the VM's IP, not its container name).
converge "$work/ssh-first.log" -i "$work/ssh/inventory.yml"
# The goal's figure: three runs, the median (this machine's runs of the same work spread by a few
# seconds); the changed count is the most any of them changed.
ssh_reruns=()
for n in 1 2 3; do ssh_reruns+=("$(timed converge "$work/ssh-rerun-$n.log" -i "$work/ssh/inventory.yml")"); done
read -r ssh_rerun ssh_rerun_median_log <<<"$(for n in 1 2 3; do echo "${ssh_reruns[n - 1]} $work/ssh-rerun-$n.log"; done | sort -n | sed -n 2p)"
cp "$ssh_rerun_median_log" "$work/ssh-rerun.log"
ssh_rerun_linear=$(ANSIBLE_STRATEGY=linear timed converge "$work/ssh-rerun-linear.log" -i "$work/ssh/inventory.yml")
ssh_changed=$(for n in 1 2 3; do changed_in "$work/ssh-rerun-$n.log"; done | sort -n | tail -1)  # the most any run changed
ssh_changed_linear=$(changed_in "$work/ssh-rerun-linear.log")
# The same re-run as a user of the installed collection makes it (README): plain ansible-core, run
# from another directory (the lab's credentials and handouts named, as theirs would be), with the
# pipelining the README advises and without it.
log "provisioning: the installed collection"
scripts/install-collection.sh "$work/collection" > "$work/collection.log" 2>&1 || { tail -30 "$work/collection.log" >&2; exit 1; }
printf '[defaults]\ncollections_path = %s\n' "$work/collection/collections" > "$work/collection/no-pipelining.cfg"
collection_rerun() { # collection_rerun LOG CONFIG
  (cd "$work/collection" && env -i HOME="$HOME" PATH="$work/collection/venv/bin:/usr/bin:/bin" ANSIBLE_CONFIG="$2" \
    venv/bin/ansible-playbook -i "$work/lab.yml" -i "$work/ssh/inventory.yml" -e "mlops_output_dir=$PWD" mlops_vm.lab.site \
    > "$1" 2>&1) || { tail -40 "$1" >&2; exit 1; }
}
coll_rerun=$(timed collection_rerun "$work/collection-rerun.log" "$work/collection/ansible.cfg")
coll_rerun_plain=$(timed collection_rerun "$work/collection-rerun-plain.log" "$work/collection/no-pipelining.cfg")
coll_changed=$(changed_in "$work/collection-rerun.log") coll_changed_plain=$(changed_in "$work/collection-rerun-plain.log")
tasks_run=$(grep -oE "$vm +: ok=[0-9]+" "$work/rerun.log" | grep -oE '[0-9]+$')
{
  echo "## Provisioning"
  echo
  echo "\`site.yml\` on one fresh Debian 12 test VM, images loaded from local archives (as \`docker_image_archives\`),"
  echo "Python packages from PyPI: **fresh ${fresh} s**. Of it, ${transport} s went to copying the test stand-ins'"
  echo "image archives into the VM and loading them (test-only: a VM pulls the real images from their"
  echo "registry), so **${fresh_lab} s** is the lab's own converge."
  echo
  echo "The no-change re-run ($tasks_run tasks run), with Mitogen (the strategy in ansible.cfg) and without it"
  echo "(\`ANSIBLE_STRATEGY=linear\`); over SSH as a sudo user with a key, and through the Docker connection:"
  echo
  echo "| Connection | Mitogen | Without (linear) |"
  echo "|---|---|---|"
  echo "| SSH, sudo | **${ssh_rerun} s** (median of ${ssh_reruns[*]}), ${ssh_changed} changed | ${ssh_rerun_linear} s, ${ssh_changed_linear} changed |"
  echo "| Docker | **${rerun} s**, ${changed} changed | ${rerun_linear} s, ${changed_linear} changed |"
  echo
  echo "The same re-run over SSH from the installed collection (\`mlops_vm.lab.site\` on plain ansible-core,"
  echo "\`scripts/install-collection.sh\`): **${coll_rerun} s** with \`pipelining = True\` (what the README advises),"
  echo "${coll_rerun_plain} s without it (ansible-core's default); ${coll_changed} and ${coll_changed_plain} changed."
  echo
  python3 benchmarks/report.py goals "$fresh_lab" "$ssh_rerun" "$ssh_changed"
  echo
  echo "Per role, fresh run (\`profile_roles\`; lab wiring and report count as their own lines):"
  echo
  echo '```'
  python3 benchmarks/profile_summary.py roles "$work/fresh.log"
  echo '```'
  echo
  echo "Slowest tasks of the no-change re-run over SSH with Mitogen (\`profile_tasks\`):"
  echo
  echo '```'
  python3 benchmarks/profile_summary.py tasks "$work/ssh-rerun.log" 12
  echo '```'
  echo
} >> "$results"

# 2. Memory ----------------------------------------------------------------------------------------
if section memory; then
  log "memory"
  docker cp benchmarks/pss.py "$vm:/root/pss.py"
  sleep 30  # let the services settle
  idle=$(on_vm "$vm" "python3 /root/pss.py")
  on_vm "$vm" "docker exec jupyter jupyter nbconvert --to notebook --execute --output /tmp/run.ipynb work/01-train-track-register.ipynb" >/dev/null 2>&1
  converge "$work/serve.log" -e '{"mlflow_served_models": [{"name": "diabetes-elasticnet", "alias": "champion", "port": 5002}]}'
  busy=$(on_vm "$vm" "python3 /root/pss.py")
  # The whole VM as its host sees it: its cgroup's anonymous memory (page cache left out).
  vm_memory=$(vm_anon_mb "$vm")
  bounds="mlflow_serv $(on_vm "$vm" "systemctl show -p MemoryMax mlflow_serv"), jupyter container Memory=$(on_vm "$vm" "docker inspect -f '{{.HostConfig.Memory}}' jupyter") bytes"
  python3 benchmarks/report.py memory "$idle" "$busy" "$vm_memory" "$bounds" >> "$results"
fi

# 3. Tracking load ---------------------------------------------------------------------------------
load() { # load CONFIG THREADS OUTPUT: one run of tracking_load.py, its JSON line in OUTPUT
  local out=$3
  case $1 in
    course) on_vm "$vm" "/opt/mlflow/bin/python /root/tracking_load.py http://127.0.0.1:5600 $2 $SECONDS_PER_RUN" ;;
    lab) on_vm "$vm" "REQUESTS_CA_BUNDLE=/root/mlops-vm-ca.crt /opt/mlflow/bin/python /root/tracking_load.py https://$vm_ip:5000 $2 $SECONDS_PER_RUN /root/student-credentials" ;;
  esac > "$out.log" 2>&1 || true
  grep -a '^{"threads"' "$out.log" | tail -1 > "$out"
  [ -s "$out" ] || { log "tracking_load.py printed no result:"; tail -20 "$out.log" >&2; exit 1; }
}
if section load; then
  log "tracking load"
  docker cp benchmarks/tracking_load.py "$vm:/root/tracking_load.py"
  docker cp benchmarks/load_stats.py "$vm:/root/load_stats.py"
  docker cp "$work/credentials/ca/ca.crt" "$vm:/root/mlops-vm-ca.crt"
  # The student's login as a credentials file (copied, never on a command line).
  printf '[mlflow]\nmlflow_tracking_username = student\nmlflow_tracking_password = %s\n' \
    "$(cat "$work/credentials/$vm/mlflow_student_password")" > "$work/student-credentials"
  docker cp "$work/student-credentials" "$vm:/root/student-credentials"
  on_vm "$vm" "chmod 0600 /root/student-credentials"
  # The course material's server: mlflow server on SQLite, its defaults, on the same VM and venv.
  on_vm "$vm" "mkdir -p /var/lib/course && systemd-run --unit course-mlflow --working-directory /var/lib/course \
    /opt/mlflow/bin/mlflow server --backend-store-uri sqlite:////var/lib/course/mlflow.db \
    --default-artifact-root /var/lib/course/mlruns --host 127.0.0.1 --port 5600 >/dev/null"
  on_vm "$vm" "for i in \$(seq 90); do curl -fs http://127.0.0.1:5600/health >/dev/null && exit 0; sleep 2; done; exit 1"
  # The lab as students reach it: HTTPS at the VM's address (its certificate's name).
  vm_ip=$(vm_address "$vm")
  : > "$work/load.jsonl"
  for round in $(seq 1 "$ROUNDS"); do
    for threads in 8 32; do
      for config in course lab; do
        log "round $round: $config, $threads threads"
        load "$config" "$threads" "$work/load-$config-$threads-$round.json"
        printf '{"config": "%s", "round": %d, "result": %s}\n' "$config" "$round" \
          "$(cat "$work/load-$config-$threads-$round.json")" >> "$work/load.jsonl"
      done
    done
  done
  # Where the lab's server spends its time at 32 threads: py-spy on the server and its workers.
  on_vm "$vm" "python3 -m venv /opt/py-spy && /opt/py-spy/bin/pip install -q py-spy==0.4.1" >/dev/null 2>&1 || true
  if on_vm "$vm" "test -x /opt/py-spy/bin/py-spy"; then
    on_vm "$vm" "rm -f /root/profile.txt; (/opt/py-spy/bin/py-spy record --nonblocking --subprocesses --format raw \
      -d $SECONDS_PER_RUN -p \$(systemctl show -p MainPID --value mlflow_serv) -o /root/profile.txt >/root/py-spy.log 2>&1 &); sleep 2"
    load lab 32 "$work/load-profiled.json"
    on_vm "$vm" "for i in \$(seq 30); do [ -s /root/profile.txt ] && break; sleep 1; done; cat /root/profile.txt" > "$work/profile.txt" || true
  fi
  python3 benchmarks/report.py load "$work/load.jsonl" "$work/profile.txt" >> "$results"
  on_vm "$vm" "systemctl stop course-mlflow" || true
fi

# 4. Artifacts -------------------------------------------------------------------------------------
if section artifacts; then
  log "artifacts"
  [ -s "$work/student-credentials" ] || { log "artifacts: needs the load section's login"; exit 1; }
  vm_ip=$(vm_address "$vm")
  docker cp benchmarks/artifacts.py "$vm:/root/artifacts.py"
  docker cp molecule/shared/files/sample_rss.py "$vm:/root/sample_rss.py"
  on_vm "$vm" "rm -f /root/rss.json*; (python3 /root/sample_rss.py mlflow_serv /root/rss.json 900 &) ; sleep 1"
  # MLflow's S3 secret on stdin, for the direct S3 comparison.
  transfers=$(on_vm "$vm" "REQUESTS_CA_BUNDLE=/root/mlops-vm-ca.crt /opt/mlflow/bin/python /root/artifacts.py https://$vm_ip:5000 /root/student-credentials http://127.0.0.1:9000 1024" \
    < "$work/credentials/$vm/s3_mlflow_password" | tail -1)
  on_vm "$vm" "touch /root/rss.json.stop; for i in \$(seq 20); do [ -s /root/rss.json ] && break; sleep 1; done"
  rss=$(on_vm "$vm" "cat /root/rss.json")
  python3 benchmarks/report.py artifacts "$transfers" "$rss" >> "$results"
fi

# 5. A class on one VM ----------------------------------------------------------------------------
if section class; then
  log "class: $CLASS_STUDENTS students on one VM"
  vm_ip=$(vm_address "$vm")
  python3 -c 'import json, sys; print(json.dumps({"mlops_class_students": [{"name": f"s{i:02d}"} for i in range(1, int(sys.argv[1]) + 1)]}))' \
    "$CLASS_STUDENTS" > "$work/class-vars.json"
  class_converge=$(timed converge "$work/class-converge.log" -e "@$work/class-vars.json")
  class_rerun=$(timed converge "$work/class-rerun.log" -e "@$work/class-vars.json")
  class_changed=$(changed_in "$work/class-rerun.log")
  # The students' and the instructor's logins (the students as class-vars.json names them), from
  # the secrets the converge generated, as a file copied to the VM (never on a command line).
  python3 - "$work/credentials/$vm" "$work/class-vars.json" > "$work/class-logins.json" <<'PY'
import json, sys
from pathlib import Path
secrets = Path(sys.argv[1])
names = [student["name"] for student in json.loads(Path(sys.argv[2]).read_text())["mlops_class_students"]]
students = {name: (secrets / f"mlflow_class_{name}_password").read_text().strip() for name in names}
print(json.dumps({"students": students, "admin": ["admin", (secrets / "mlflow_admin_password").read_text().strip()]}))
PY
  for file in benchmarks/class_load.py benchmarks/load_stats.py benchmarks/pss.py benchmarks/hub_start.py \
      tests/images/laptop/laptop.py molecule/shared/files/sample_rss.py "$work/class-logins.json"; do
    docker cp "$file" "$vm:/root/$(basename "$file")"
  done
  docker cp "$work/credentials/ca/ca.crt" "$vm:/root/mlops-vm-ca.crt"
  on_vm "$vm" "chmod 0600 /root/class-logins.json"
  idle=$(on_vm "$vm" "python3 /root/pss.py")
  on_vm "$vm" "rm -f /root/class-rss.json*; (python3 /root/sample_rss.py mlflow_serv /root/class-rss.json 900 &); sleep 1"
  cpu_before=$(vm_cpu_s "$vm")
  class_result=$(on_vm "$vm" "REQUESTS_CA_BUNDLE=/root/mlops-vm-ca.crt /opt/mlflow/bin/python /root/class_load.py \
    https://$vm_ip:5000 /root/class-logins.json $CLASS_SECONDS" | tail -1)
  cpu_after=$(vm_cpu_s "$vm")
  busy=$(on_vm "$vm" "python3 /root/pss.py")
  on_vm "$vm" "touch /root/class-rss.json.stop; for i in \$(seq 20); do [ -s /root/class-rss.json ] && break; sleep 1; done"
  class_rss=$(on_vm "$vm" "cat /root/class-rss.json")
  # The students' own JupyterLabs on the class's JupyterHub: CLASS_SERVERS students log in and
  # start theirs at once (on the hub's loopback port, behind the proxy); then every server's PSS,
  # idle, once they have settled.
  hub_result=$(on_vm "$vm" "cd /root && /opt/jupyterhub/bin/python hub_start.py http://127.0.0.1:18000 \
    /root/class-logins.json $CLASS_SERVERS" | tail -1)
  sleep 20
  servers=$(on_vm "$vm" "python3 /root/pss.py")
  # One student's own JupyterLab (s01's, on the hub): its peak PSS while the example notebook runs
  # (its kernel included, tracking into s01's workspace), and the CPU seconds of that run.
  cpu_before_notebook=$(vm_cpu_s "$vm")
  notebook_peak=$(docker exec -i "$vm" bash -s <<'SH'
docker exec -w /home/jovyan jupyter-s01 jupyter nbconvert --to notebook --execute --output /tmp/class-run.ipynb \
  work/01-train-track-register.ipynb >/dev/null 2>&1 &
notebook=$! peak=0
while kill -0 "$notebook" 2>/dev/null; do
  now=$(python3 /root/pss.py | python3 -c 'import json, sys; print(json.load(sys.stdin)["services"]["container jupyter-s01"]["pss_mb"])')
  [ "$now" -gt "$peak" ] && peak=$now
  sleep 1
done
wait "$notebook" && echo "$peak"
SH
)
  notebook_cpu=$(seconds_of "$cpu_before_notebook" "$(vm_cpu_s "$vm")")
  printf '%s\n' "$class_result" "$idle" "$busy" "$class_rss" "$hub_result" "$servers" > "$work/class.jsonl"
  python3 benchmarks/report.py class "$work/class.jsonl" "$(seconds_of "$cpu_before" "$cpu_after")" \
    "$class_converge $class_rerun $class_changed" "$notebook_peak $notebook_cpu" "$(vm_anon_mb "$vm")" >> "$results"
fi

# 6. Classroom -------------------------------------------------------------------------------------
if section classroom; then
  [ "$KEEP" = 1 ] || { docker rm -f -v "$vm" >/dev/null; vms=(); }
  : > "$work/classroom.txt"
  for n in $CLASS_SIZES; do
    names=(); for i in $(seq 1 "$n"); do names+=("bench-class$n-$i"); done
    log "classroom: $n VM(s)"
    start_vms "${names[@]}"
    inventory "$work/class$n.yml" "${names[@]}"
    t0=$(date +%s.%N)
    ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks \
      ansible-playbook -i "$work/class$n.yml" site.yml > "$work/class$n.log" 2>&1 || { tail -30 "$work/class$n.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    # The re-run's CPU: the controller's (ansible-playbook and its children), the whole machine's.
    python3 benchmarks/cpu_of.py "$work/class$n-cpu.txt" ansible-playbook -i "$work/class$n.yml" site.yml \
      > "$work/class$n-rerun.log" 2>&1 || { tail -30 "$work/class$n-rerun.log" >&2; exit 1; }
    t2=$(date +%s.%N)
    ANSIBLE_STRATEGY=linear ansible-playbook -i "$work/class$n.yml" site.yml > "$work/class$n-rerun-linear.log" 2>&1 \
      || { tail -30 "$work/class$n-rerun-linear.log" >&2; exit 1; }
    t3=$(date +%s.%N)
    if grep -qE "changed=[1-9]" "$work/class$n-rerun.log" "$work/class$n-rerun-linear.log"; then
      log "classroom: a re-run of $n VM(s) changed something"; exit 1
    fi
    echo "$n $(seconds_of "$t0" "$t1") $(python3 benchmarks/profile_summary.py total "$work/class$n.log" "Copy the missing archives|Load the archives") $(seconds_of "$t1" "$t2") $(seconds_of "$t2" "$t3") $(cut -d' ' -f2- "$work/class$n-cpu.txt") $(task_results "$work/class$n-rerun.log")" >> "$work/classroom.txt"
    docker rm -f -v "${names[@]}" >/dev/null
    vms=("${vms[@]:0:${#vms[@]}-$n}")
  done
  python3 benchmarks/report.py classroom "$work/classroom.txt" >> "$results"
fi

{
  echo "Command: \`ROUNDS=$ROUNDS SECONDS_PER_RUN=$SECONDS_PER_RUN SECTIONS=\"$SECTIONS\" CLASS_SIZES=\"$CLASS_SIZES\" CLASS_STUDENTS=$CLASS_STUDENTS CLASS_SECONDS=$CLASS_SECONDS CLASS_SERVERS=$CLASS_SERVERS make bench\`"
  echo "($(( SECONDS / 60 )) min)."
} >> "$results"
# The sections this run left out stay as an earlier run measured them, marked with its date.
python3 benchmarks/report.py keep "$results" benchmarks/RESULTS.md "$SECTIONS" > "$work/merged.md"
cp "$work/merged.md" benchmarks/RESULTS.md
log "written benchmarks/RESULTS.md"
