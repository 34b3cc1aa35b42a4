#!/bin/sh
# As SeaweedFS's docker/entrypoint.sh: as root, give /data to seaweed (uid 1000) if it is not
# already theirs, then run `weed` as that user.
set -e
if [ "$(id -u)" = 0 ]; then
  if [ "$(stat -c %u /data)" != 1000 ]; then chown -R 1000:1000 /data; fi
  exec setpriv --reuid=1000 --regid=1000 --init-groups weed "$@"
fi
exec weed "$@"
