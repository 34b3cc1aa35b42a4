#!/usr/bin/env bash
# Benchmark: bytes a class fetches from outside while site.yml provisions N fresh lab VMs
# (Debian 12 test VMs, in parallel), without and with the controller's caches.
#   benchmarks/classroom_bytes.sh N direct   each VM downloads its packages itself
#   benchmarks/classroom_bytes.sh N cached   the controller downloads the Python wheels once
#                                            (into an empty wheelhouse) and pushes them, and apt
#                                            goes through a cold apt-cacher-ng on the controller
# Counts what the VMs received over their network interface (apt, PyPI, everything; the
# controller's pushes go over the Docker connection and are not in it), minus what the apt cache
# served them, plus what the apt cache and the wheelhouse fetched from outside. Images come from
# the controller's archives in both modes (no registry here): their size is printed apart.
# Needs `make venv images`; cached needs Debian's apt-cacher-ng package (not its service).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:?usage: $0 N direct|cached}
mode=${2:?usage: $0 N direct|cached}
[[ $mode == direct || $mode == cached ]] || { echo "mode: direct or cached" >&2; exit 2; }
export PATH="$PWD/.venv/bin:$PATH"
work=$(mktemp -d /tmp/classroom-bytes.XXXX)
names=()
for i in $(seq 1 "$count"); do names+=("bench-$mode-$i"); done
cleanup() {
  docker rm -f -v "${names[@]}" >/dev/null 2>&1 || true
  [[ -f $work/acng/pid ]] && kill "$(cat "$work/acng/pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

apt_proxy=""
if [[ $mode == cached ]]; then
  # A private apt-cacher-ng with an empty cache, fetching from the VMs' own mirror.
  command -v apt-cacher-ng >/dev/null || { echo "cached needs: apt-get install apt-cacher-ng" >&2; exit 2; }
  mkdir -p "$work/acng/cache" "$work/acng/log"
  cp -r /etc/apt-cacher-ng "$work/acng/conf"
  echo "http://deb.debian.org/debian/" >"$work/acng/conf/backends_debian"
  apt-cacher-ng -c "$work/acng/conf" CacheDir="$work/acng/cache" LogDir="$work/acng/log" \
    Port=3143 BindAddress=0.0.0.0 ConnectProto=v4 pidfile="$work/acng/pid" \
    SocketPath="$work/acng/socket" foreground=0
  gateway=$(ip -4 -o addr show docker0 | awk '{sub("/.*", "", $4); print $4}')  # the VMs' bridge
  apt_proxy="http://$gateway:3143"
fi

archives=$PWD/.cache/images/archives
# Host vars: the first host's, reused by anchor.
{
  echo "all:"
  echo "  children:"
  echo "    mlops:"
  echo "      hosts:"
  echo "        ${names[0]}: &vm"
  echo "          ansible_connection: docker"
  echo "          mlops_credentials_dir: $work/credentials"
  echo "          base_ca_certificates: [${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}]"
  echo "          mlops_wheelhouse_dir: \"$([[ $mode == cached ]] && echo "$work/wheelhouse")\""
  echo "          base_apt_proxy: \"$apt_proxy\""
  echo "          postgres_image: mlops-test/postgres:latest"
  echo "          s3_image: mlops-test/minio:latest"
  echo "          jupyter_image: mlops-test/jupyter:latest"
  echo "          docker_image_archives:"
  for image in postgres minio jupyter; do
    echo "            - {name: \"mlops-test/$image:latest\", archive: \"$archives/$image.tar\"}"
  done
  for name in "${names[@]:1}"; do echo "        $name: *vm"; done
} >"$work/inventory.yml"

for name in "${names[@]}"; do scripts/start-test-vm.sh "$name"; done
rx() { docker exec "$1" cat /sys/class/net/eth0/statistics/rx_bytes; }
declare -A before
for name in "${names[@]}"; do before[$name]=$(rx "$name"); done

start=$(date +%s)
ansible-playbook -i "$work/inventory.yml" -e "mlops_handouts_dir=$work/handouts" site.yml >"$work/run.log" 2>&1 \
  || { tail -60 "$work/run.log"; echo "site.yml failed" >&2; exit 1; }
seconds=$(( $(date +%s) - start ))

vm_bytes=0
for name in "${names[@]}"; do vm_bytes=$(( vm_bytes + $(rx "$name") - ${before[$name]} )); done
wheel_bytes=0 apt_served=0 apt_fetched=0
if [[ $mode == cached ]]; then
  # The downloaded wheels (the per-platform directories; the packed .tar beside each is a copy).
  wheel_bytes=$(find "$work/wheelhouse" -mindepth 2 -name '*.whl' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  # apt-cacher-ng's log: time|I|bytes|... fetched from the mirror, time|O|bytes|... served.
  sum() { awk -F'|' -v kind="$1" '$2 == kind {s += $3} END {print s + 0}' "$work/acng/log/apt-cacher.log"; }
  apt_fetched=$(sum I) apt_served=$(sum O)
fi
image_bytes=$(cat "$archives"/{postgres,minio,jupyter}.tar | wc -c)
outside=$(( vm_bytes - apt_served + apt_fetched + wheel_bytes ))
mb() { python3 -c "print(f'{$1 / 1e6:.1f}')"; }
echo "$count VM(s), $mode: from outside $(mb "$outside") MB, $(mb $((outside / count))) MB per VM" \
  "(VMs' network $(mb "$vm_bytes") MB of which $(mb "$apt_served") MB from the apt cache;" \
  "apt cache fetched $(mb "$apt_fetched") MB; wheelhouse $(mb "$wheel_bytes") MB);" \
  "images pushed from the controller $(mb $((image_bytes * count))) MB; site.yml ${seconds} s"
