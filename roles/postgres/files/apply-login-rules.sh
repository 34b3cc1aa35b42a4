# Run inside the PostgreSQL container as root (docker exec -i ... sh -s -- HBA IDENT): write
# pg_hba.conf and pg_ident.conf into the data directory when they differ, owned like it, and
# reload the server (SIGHUP to PID 1). Prints "changed" or "unchanged".
set -eu
owner=$(stat -c %u:%g "$PGDATA")
changed=
for file in pg_hba.conf pg_ident.conf; do
  rules=$1
  shift
  if ! printf '%s' "$rules" | cmp -s - "$PGDATA/$file"; then
    printf '%s' "$rules" >"$PGDATA/$file.new"
    chown "$owner" "$PGDATA/$file.new" && chmod 0600 "$PGDATA/$file.new"
    mv -f "$PGDATA/$file.new" "$PGDATA/$file"
    changed=changed
  fi
done
[ -z "$changed" ] || kill -HUP 1
echo "${changed:-unchanged}"
