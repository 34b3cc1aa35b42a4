#!/bin/sh
# As in MinIO's image: arguments that are not a command are passed to `minio`.
set -e
if [ "${1}" != "minio" ] && [ "${1#-}" = "$1" ] && ! command -v "$1" >/dev/null 2>&1; then
  set -- minio "$@"
fi
exec "$@"
