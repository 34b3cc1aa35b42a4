#!/usr/bin/env bash
# Build the local test images (`make images`), each rebuilt only when its inputs change.
#
#   mlops-test/debian12-systemd, mlops-test/debian13-systemd   systemd "VMs" for Molecule
#   mlops-test/postgres (15), mlops-test/postgres17, mlops-test/minio, mlops-test/seaweedfs,
#   mlops-test/jupyter                                         stand-ins for the real service images
#   mlops-test/laptop                                          a student's laptop, for the tests
#
# No container registry answers on our test machines, so the VM base comes from debootstrap when
# `docker pull` fails, and the stand-ins are built from Debian packages and PyPI. Each image carries
# the hash of its inputs in a label; an image whose label matches is left alone.
# Usage: scripts/build-images.sh [IMAGE_NAME...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
# One build at a time on this Docker engine (several checkouts may share it): the images' tags are global.
exec 9>/tmp/mlops-vm-images.lock
flock 9

LABEL=org.mlops-vm.inputs
CONTEXTS=tests/images
WORK=.cache/images
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
mkdir -p "$WORK"

log() { printf 'images: %s\n' "$*" >&2; }
source tests/images/vm.sh  # vm_run, vm_booted

hash_of() { # hash of strings and the content of files/dirs given after --
  { for arg in "$@"; do
      if [ -e "$arg" ]; then find "$arg" -type f -print0 | sort -z | xargs -0 sha256sum; else echo "$arg"; fi
    done; } | sha256sum | cut -c1-16
}

image_label() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

REGISTRY=""
registry_answers() {
  if [ -z "$REGISTRY" ]; then
    if timeout 30 docker pull -q debian:bookworm-slim >/dev/null 2>&1; then REGISTRY=yes; else REGISTRY=no; fi
    log "container registry reachable: $REGISTRY"
  fi
  [ "$REGISTRY" = yes ]
}

ensure_debootstrap() { command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }; }

# Base root file system for a Debian suite: the registry's image, else debootstrap.
VM_PACKAGES=systemd,systemd-sysv,python3,sudo,iproute2,ca-certificates
rootfs_inputs() { hash_of "debootstrap minbase $1 $VM_PACKAGES"; }
rootfs_current() { [ "$(image_label "mlops-test/$1-rootfs")" = "$(rootfs_inputs "$1")" ]; }
base_for_suite() {
  local suite=$1 name="mlops-test/$1-rootfs" want
  want=$(rootfs_inputs "$suite")
  if rootfs_current "$suite"; then echo "$name"; return; fi
  if registry_answers && docker pull -q "debian:$suite" >/dev/null; then echo "debian:$suite"; return; fi
  ensure_debootstrap
  local dir="$WORK/rootfs-$suite"
  rm -rf "$dir"
  log "debootstrap $suite (about a minute)"
  debootstrap --variant=minbase --include="$VM_PACKAGES" "$suite" "$dir" http://deb.debian.org/debian >"$WORK/debootstrap-$suite.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap-$suite.log" >&2; exit 1; }
  rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
  tar -C "$dir" -c . | docker import -c "LABEL $LABEL=$want" - "$name" >/dev/null
  rm -rf "$dir"
  echo "$name"
}

# build NAME CONTEXT BASE [BUILD_ARG...]: docker build with the controller's CA bundle in the context
build() {
  local name=$1 context=$2 base=$3 want ctx args=()
  for arg in "${@:4}"; do args+=(--build-arg "$arg"); done
  want=$(hash_of "$context" "$CA_BUNDLE" "$(docker image inspect -f '{{.Id}}' "$base")" "${@:4}")
  if [ "$(image_label "$name")" = "$want" ]; then log "$name up to date"; return; fi
  log "building $name"
  ctx="$WORK/context-${name//\//_}"
  rm -rf "$ctx" && cp -r "$context" "$ctx" && cp "$CA_BUNDLE" "$ctx/ca-bundle.crt"
  if ! docker build --build-arg "BASE=$base" "${args[@]}" --label "$LABEL=$want" -t "$name" "$ctx" >"$WORK/build.log" 2>&1; then
    tail -30 "$WORK/build.log" >&2
    exit 1
  fi
  rm -rf "$ctx"
  if [ -x "$context/selftest.sh" ]; then
    log "self-test $name"
    "$context/selftest.sh" "$name"
  fi
}

# save NAME: keep `docker save` output for the roles' docker_image_archives, refreshed with the image.
ARCHIVES="$WORK/archives"
save() {
  local name=$1 id file
  id=$(docker image inspect -f '{{.Id}}' "$name")
  file="$ARCHIVES/${name##*/}.tar"
  mkdir -p "$ARCHIVES"
  if [ -f "$file" ] && [ "$(cat "$file.id" 2>/dev/null)" = "$id" ]; then return; fi
  log "saving $name to $file"
  docker save "$name:latest" -o "$file.tmp" && mv "$file.tmp" "$file" && echo "$id" > "$file.id"
}

SELECTED=" $* "
selected() { [ "$SELECTED" = "  " ] || [[ "$SELECTED" == *" $1 "* ]]; }

# Debian 13's root file system downloads while Debian 12's builds (debootstrap waits on the network).
trixie_job=""
if selected mlops-test/debian13-systemd || selected mlops-test/postgres17; then
  rootfs_current trixie || registry_answers || ensure_debootstrap  # once, before the two run at once
  base_for_suite trixie > "$WORK/trixie-base" &
  trixie_job=$!
fi
# Debian 12 always: the stand-ins build on it (it already holds python3 and the CA store).
build mlops-test/debian12-systemd "$CONTEXTS/systemd-vm" "$(base_for_suite bookworm)"
if [ -n "$trixie_job" ]; then
  wait "$trixie_job" || { log "the Debian 13 root file system failed"; exit 1; }
  build mlops-test/debian13-systemd "$CONTEXTS/systemd-vm" "$(cat "$WORK/trixie-base")"
fi
# NAME CONTEXT BASE [BUILD_ARG]: the stand-ins, each saved as an archive the roles load into VMs.
while read -r name context base arg; do
  if selected "$name"; then
    build "$name" "$CONTEXTS/$context" "$base" ${arg:+"$arg"} </dev/null  # (the list is on stdin)
    save "$name"
  fi
done <<'LIST'
mlops-test/postgres postgres mlops-test/debian12-systemd
mlops-test/postgres17 postgres mlops-test/debian13-systemd PG_MAJOR=17
mlops-test/minio minio mlops-test/debian12-systemd
mlops-test/seaweedfs seaweedfs mlops-test/minio
mlops-test/jupyter jupyter mlops-test/debian12-systemd
LIST
# The laptop runs next to the VMs, not in them: no archive.
if selected mlops-test/laptop; then
  build mlops-test/laptop "$CONTEXTS/laptop" mlops-test/jupyter
fi

# The stand-ins already loaded, as a Debian 12 test VM's Docker keeps them: the Docker volume
# mlops-test-image-store, which Molecule's Debian 12 VMs start from (playbooks/tasks/local-vm.yml
# hard-links its layers into each VM's /var/lib/docker: nothing copied or loaded per VM; a VM's
# writes go to its own upper layers, never into these files). Made once by a VM of that image with
# the distribution's Docker, so its format is the one the VMs' Docker reads; rebuilt when an
# archive or the VM image changes. `make lab` and the benchmarks still load the archives, as a
# user's VM would get its images.
STORE=mlops-test-image-store STORE_VM=mlops-test/debian12-systemd
image_store() {
  local want maker=mlops-test-image-store-maker
  want=$(hash_of "$(cat "$ARCHIVES"/*.tar.id)" "$(docker image inspect -f '{{.Id}}' "$STORE_VM")")
  if [ "$(docker volume inspect -f "{{ index .Labels \"$LABEL\" }}" "$STORE" 2>/dev/null)" = "$want" ]; then
    log "$STORE up to date"; return
  fi
  log "loading the stand-ins into $STORE (about a minute)"
  docker rm -f -v "$maker" >/dev/null 2>&1 || true
  docker volume rm -f "$STORE" >/dev/null 2>&1 || true
  docker volume create --label "$LABEL=$want" --label "org.mlops-vm.vm-image=$STORE_VM" "$STORE" >/dev/null
  vm_run "$maker" "$STORE_VM" -v "$STORE:/var/lib/docker" -v "$PWD/$ARCHIVES:/srv/mlops-test-images:ro"
  vm_booted "$maker" >/dev/null || { log "$maker did not boot"; docker rm -f "$maker" >/dev/null; exit 1; }
  # Loaded, then Docker stopped cleanly; only its image and layer stores are kept.
  if ! docker exec -e DEBIAN_FRONTEND=noninteractive "$maker" sh -ec '
      apt-get update -qq && apt-get install -y -qq --no-install-recommends docker.io >/dev/null
      for archive in /srv/mlops-test-images/*.tar; do docker load -q -i "$archive"; done
      systemctl stop docker.socket docker containerd
      cd /var/lib/docker && find . -mindepth 1 -maxdepth 1 ! -name image ! -name overlay2 -exec rm -rf {} +' \
      >"$WORK/image-store.log" 2>&1; then
    tail -20 "$WORK/image-store.log" >&2
    docker rm -f "$maker" >/dev/null; docker volume rm -f "$STORE" >/dev/null
    exit 1
  fi
  docker rm -f "$maker" >/dev/null
}
if [ "$SELECTED" = "  " ]; then image_store; fi
log "done"
