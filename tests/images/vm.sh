# Sourced by scripts/build-images.sh and the VM image's self-test: start a test VM (a systemd
# container with the only options that work on our machines, as playbooks/tasks/local-vm.yml
# starts them) and wait until it has booted, with plain docker (no venv needed yet).

# vm_run NAME IMAGE [DOCKER_RUN_OPTION...]: start it detached
vm_run() {
  local name=$1 image=$2
  shift 2
  docker run -d --name "$name" --cap-add SYS_ADMIN --cap-add NET_ADMIN --cap-add SYS_PTRACE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined --cgroupns=host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp "$@" "$image" >/dev/null
}

# vm_booted NAME: wait up to 60 s until systemd is up (running or degraded); prints the state
vm_booted() {
  local state=""
  for _ in $(seq 1 60); do
    state=$(docker exec "$1" systemctl is-system-running 2>/dev/null || true)
    case $state in running|degraded) echo "$state"; return 0 ;; esac
    sleep 1
  done
  echo "${state:-none}"
  return 1
}
