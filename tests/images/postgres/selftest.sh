#!/usr/bin/env bash
# Self-test: the contract the postgres role relies on. The superuser logs in over TCP with
# POSTGRES_PASSWORD_FILE's password, POSTGRES_DB exists, an init script ran, a wrong password is refused.
set -euo pipefail
image=$1
name="selftest-pg-$$"
init=$(mktemp -d) secrets=$(mktemp -d)
trap 'docker rm -f "$name" >/dev/null 2>&1; rm -rf "$init" "$secrets"' EXIT
echo "CREATE TABLE selftest_init(id int);" > "$init/01.sql"
chmod -R a+rX "$init"
# The password as a root-only secret file (POSTGRES_PASSWORD_FILE), as the postgres role passes it.
printf selftest-pw > "$secrets/pw" && chmod 0400 "$secrets/pw"
docker run -d --name "$name" -e POSTGRES_USER=admin -e POSTGRES_PASSWORD_FILE=/run/secrets/pw \
  -e POSTGRES_DB=appdb -v "$init:/docker-entrypoint-initdb.d:ro" -v "$secrets:/run/secrets:ro" "$image" >/dev/null
for _ in $(seq 1 30); do
  docker exec "$name" pg_isready -h 127.0.0.1 -q 2>/dev/null && break
  [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || { docker logs "$name" >&2; exit 1; }
  sleep 1
done
# Over the container's own address, as a published port is reached (127.0.0.1 is trusted, as upstream).
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$name")
q() { docker exec -e PGPASSWORD="$1" "$name" psql -h "$ip" -U admin -d appdb -tAc "$2"; }
[ "$(q selftest-pw "SELECT count(*) FROM selftest_init")" = 0 ]
[ "$(q selftest-pw "SHOW server_encoding")" = UTF8 ]
if q wrong-pw "SELECT 1" >/dev/null 2>&1; then echo "selftest $image: wrong password accepted" >&2; exit 1; fi
echo "selftest $image: ok"
