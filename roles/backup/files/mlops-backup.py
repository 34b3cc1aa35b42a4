"""mlops-backup: back up and restore a lab's data (MLflow's databases and its artifact bucket).

  mlops-backup create [--name NAME] [--keep N] [--quiesce] [--pack] [--reserve-mb MB]
                                   a backup in BACKUP_DIR/NAME, then prune (--pack: also NAME.tar
                                   and NAME.manifest.json beside it, for the copy off the VM)
  mlops-backup push NAME           encrypt NAME.tar (age, to the controller's key) and add it to
                                   the offsite S3 location, under this VM's prefix
  mlops-backup offsite-check FILE  refuse an offsite login (AWS credentials FILE) that may list,
                                   read or delete there, or cannot add objects under this VM's prefix
  mlops-backup pull DEST           download a backup (a presigned URL, as JSON {"url"} on stdin)
  mlops-backup stage FILE          unpack FILE (.tar, or .tar.age: the age identity on stdin) into
                                   BACKUP_DIR/NAME and check every file against its manifest
  mlops-backup restore DIR [--quiesce]   check DIR, put its data back, then compare the lab with it
  mlops-backup census [--quick]    what the lab holds now (JSON; --quick: object count and bytes)
  mlops-backup verify DIR          compare the lab with DIR's manifest

A backup is a directory: one pg_dump (custom format) per database, the bucket's objects, and
manifest.json (what was backed up: counts of experiments, runs, metrics, registered models,
versions, aliases and users; every object with its size and SHA-256; each file's SHA-256).
--quiesce stops the tracking server (the configured unit) while the databases are dumped, so
the two agree; the objects are copied after, so every artifact the dumps name is in the backup.
Nothing is dropped or replaced before the whole backup has been checked against its manifest.
A run that fails leaves nothing behind; each run first removes what an interrupted one left
(.NAME.partial directories; packed copies and downloads older than a day). One run at a time
(a lock in BACKUP_DIR). The configuration (/etc/mlops-vm/backup/backup.json, root only) names the
PostgreSQL container, the databases, the bucket and the S3 endpoint; the S3 logins are read from
the AWS credentials files it names, so no secret is on a command line or in the environment.
"""

import argparse
import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CONFIG = Path(os.environ.get("MLOPS_BACKUP_CONFIG", "/etc/mlops-vm/backup/backup.json"))
# What the census counts, per database (MLflow's schema; the auth tables only when auth is on).
TRACKING_COUNTS = {
    "experiments": "SELECT count(*) FROM experiments",
    "runs": "SELECT count(*) FROM runs",
    "params": "SELECT count(*) FROM params",
    "metrics": "SELECT count(*) FROM metrics",
    "tags": "SELECT count(*) FROM tags",
    "registered_models": "SELECT count(*) FROM registered_models",
    "model_versions": "SELECT count(*) FROM model_versions",
    "aliases": "SELECT count(*) FROM registered_model_aliases",
}
AUTH_COUNTS = {"users": "SELECT count(*) FROM users"}
MB = 1 << 20
# Leftovers of interrupted runs that are not under the lock: packed copies, downloads, census scratch.
STALE_AFTER = 24 * 3600
BACKUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for chunk in iter(lambda: data.read(MB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fail(message: str):
    raise SystemExit(f"mlops-backup: {message}")


@contextlib.contextmanager
def locked(root: Path):
    """One run at a time in ROOT (the nightly timer and a playbook may meet)."""
    with (root / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fail(f"another mlops-backup run is busy in {root}: try again when it has finished")
        yield


def clean_leftovers(root: Path, keep: Path | None = None) -> list[str]:
    """Remove what interrupted runs left: partial directories (only runs under the lock make
    them), and packed copies, downloads and scratch older than a day (a playbook may be copying a
    fresh one outside the lock)."""
    removed = []
    for path in root.iterdir():
        stale = time.time() - path.lstat().st_mtime > STALE_AFTER
        partial = path.name.startswith(".") and path.name.endswith(".partial")
        scratch = (
            path.name.startswith((".restore.", ".census-"))
            or path.suffix == ".tar"
            or path.name.endswith(".manifest.json")
        )
        if path != keep and (partial or (scratch and stale)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path.name)
    return removed


def check_space(root: Path, needed: int, reserve_mb: int, what: str):
    free = shutil.disk_usage(root).free
    if free - needed < reserve_mb * MB:
        fail(
            f"not enough free space in {root} for {what}: it needs about {needed // MB + 1} MB and "
            f"{reserve_mb} MB must stay free (backup_reserve_mb), but {free // MB} MB are free. "
            "Nothing was written. Free some space (fewer backups kept: backup_keep) or grow the disk."
        )


class Lab:
    def __init__(self, config: dict):
        self.config = config
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = config["s3_credentials_file"]
        import boto3

        self.s3 = boto3.client("s3", endpoint_url=config["s3_endpoint"], region_name="us-east-1")
        self.bucket = config["bucket"]

    def docker_exec(self, *argv, stdin=None, stdout=None, text=False):
        try:
            return subprocess.run(  # noqa: S603 - fixed argv, no shell
                ["/usr/bin/docker", "exec", "-i", self.config["postgres_container"], *argv],
                stdin=stdin,
                stdout=stdout or subprocess.PIPE,
                stderr=subprocess.PIPE,
                check=True,
                text=text,
            )
        except subprocess.CalledProcessError as error:
            problem = error.stderr if isinstance(error.stderr, str) else error.stderr.decode(errors="replace")
            fail(f"{' '.join(argv[:3])} in the container {self.config['postgres_container']} failed: {problem.strip()}")

    def sql(self, database: str, query: str) -> str:
        return self.docker_exec("psql", "-U", "postgres", "-d", database, "-At", "-c", query, text=True).stdout.strip()

    def databases(self) -> list[str]:
        return [self.config["tracking_database"]] + ([self.config["auth_database"]] if self.has_auth() else [])

    def has_auth(self) -> bool:
        database = self.config.get("auth_database")
        return (
            bool(database)
            and self.sql(database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'users'") == "1"
        )

    def database_bytes(self) -> int:
        """What the databases take on disk: more than their compressed dumps need."""
        return sum(int(self.sql(db, "SELECT pg_database_size(current_database())")) for db in self.databases())

    def objects(self):
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            yield from page.get("Contents", [])

    def counts(self) -> dict:
        counts = {
            name: int(self.sql(self.config["tracking_database"], query)) for name, query in TRACKING_COUNTS.items()
        }
        if self.has_auth():
            counts |= {name: int(self.sql(self.config["auth_database"], query)) for name, query in AUTH_COUNTS.items()}
        return counts

    def fetch_objects(self, directory: Path, keep: bool) -> dict:
        """Every object with its size and SHA-256, downloaded into DIRECTORY (kept there when asked)."""
        objects = {}
        for number, entry in enumerate(self.objects()):
            local = directory / f"{number:08d}"
            self.s3.download_file(self.bucket, entry["Key"], str(local))
            objects[entry["Key"]] = {"size": entry["Size"], "sha256": sha256(local)} | (
                {"file": local.name} if keep else {}
            )
            if not keep:
                local.unlink()
        return objects

    def census(self) -> dict:
        with tempfile.TemporaryDirectory(dir=self.config["backup_dir"], prefix=".census-") as tmp:
            objects = self.fetch_objects(Path(tmp), keep=False)
        return {"counts": self.counts(), "objects": objects, "bytes": sum(o["size"] for o in objects.values())}

    @contextlib.contextmanager
    def quiet(self, enabled: bool):
        """The tracking server stopped meanwhile, when asked (and running on this VM)."""
        unit = self.config.get("quiesce_unit", "")
        stopped = False
        if enabled and unit and subprocess.run(["systemctl", "is-active", "-q", unit], check=False).returncode == 0:  # noqa: S603, S607
            subprocess.run(["systemctl", "stop", unit], check=True)  # noqa: S603, S607
            stopped = True
        try:
            yield
        finally:
            if stopped:
                subprocess.run(["systemctl", "start", unit], check=True)  # noqa: S603, S607


def offsite_client(config: dict, credentials_file: str):
    """An S3 client for the offsite location with the login in CREDENTIALS_FILE (profile default)."""
    import boto3

    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials_file
    return boto3.session.Session().client(
        "s3",
        endpoint_url=config.get("offsite_endpoint") or None,
        region_name=config.get("offsite_region") or "us-east-1",
    )


class Offsite:
    """The offsite S3 location (offsite_url: s3://BUCKET/PREFIX), this VM's part: PREFIX/<name>/.
    Its login may only add objects there; retention is the store's own (lifecycle rules)."""

    def __init__(self, config: dict, credentials_file: str | None = None):
        self.config = config
        bucket, _slash, prefix = config["offsite_url"].removeprefix("s3://").partition("/")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.s3 = offsite_client(config, credentials_file or config["offsite_credentials_file"])

    def key(self, name: str) -> str:
        return "/".join(part for part in (self.prefix, self.config["offsite_name"], name) if part)

    def push(self, tar: Path) -> dict:
        """Encrypt TAR with age to the controller's key, streamed into the upload (nothing more on disk)."""
        recipients = self.config["offsite_recipients"]
        key = self.key(tar.name + ".age")
        with subprocess.Popen(  # noqa: S603 - fixed argv
            ["age", "--encrypt", "--recipients-file", recipients, str(tar)],  # noqa: S607 - Debian's age
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as age:
            self.s3.upload_fileobj(age.stdout, self.bucket, key)
            error = age.stderr.read().decode(errors="replace")
        if age.returncode != 0:
            fail(f"age could not encrypt {tar}: {error.strip()} (the copy at s3://{self.bucket}/{key} is incomplete)")
        return {"copied": f"s3://{self.bucket}/{key}"}

    def check(self) -> list[str]:
        """What this login may do beyond adding objects under this VM's prefix (must be nothing)."""
        from botocore.exceptions import BotoCoreError, ClientError

        probe = self.key(".write-check")
        where = f"s3://{self.bucket}/{self.key('')}/"
        try:
            self.s3.put_object(Bucket=self.bucket, Key=probe, Body=b"mlops-backup: this VM's login may add here\n")
        except ClientError as error:
            code = error.response["Error"].get("Code")
            fail(f"refused: this offsite login cannot add objects under {where} ({code})")
        except BotoCoreError as error:
            fail(f"the offsite store does not answer this VM ({error})")

        def allowed(call) -> bool:
            try:
                call()
            except ClientError as error:
                return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") not in (401, 403)
            return True

        checks = {
            f"list the bucket {self.bucket}": lambda: self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=1),
            f"list {where}": lambda: self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.key(""), MaxKeys=1),
            f"read objects under {where}": lambda: self.s3.get_object(Bucket=self.bucket, Key=probe),
            f"delete objects under {where}": lambda: self.s3.delete_object(Bucket=self.bucket, Key=probe),
        }
        return [what for what, call in checks.items() if allowed(call)]


def create(lab: Lab, name: str, keep: int, quiesce: bool, pack: bool, reserve_mb: int) -> dict:
    if not BACKUP_NAME.match(name):
        fail(f"a backup name is letters, digits, '.', '_' and '-'; got {name!r}")
    root = Path(lab.config["backup_dir"])
    target = root / name
    partial = root / f".{name}.partial"
    with locked(root):
        cleaned = clean_leftovers(root)
        # Room for the dumps (at most the databases' size) and the objects, twice when packed,
        # and the reserve left over: checked before anything is written.
        listed = list(lab.objects())
        needed = lab.database_bytes() + sum(o["Size"] for o in listed)
        check_space(root, needed * (2 if pack else 1), reserve_mb, f"the backup {name}")
        try:
            (partial / "objects").mkdir(parents=True)
            # The databases first (with the server stopped when asked, so the two agree), then the
            # objects: every artifact the dumps name was written before them, so it is in the copy.
            with lab.quiet(quiesce):
                files = {}
                for database in lab.databases():
                    dump = partial / f"{database}.dump"
                    with dump.open("wb") as out:
                        lab.docker_exec("pg_dump", "-U", "postgres", "-d", database, "--format=custom", stdout=out)
                    files[dump.name] = sha256(dump)
                counts = lab.counts()
            objects = lab.fetch_objects(partial / "objects", keep=True)
            manifest = {
                "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "host": os.uname().nodename,
                "bucket": lab.bucket,
                "databases": lab.databases(),
                "files": files,
                "counts": counts,
                "objects": objects,
                "bytes": sum(o["size"] for o in objects.values()),
            }
            (partial / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
            if target.exists():
                shutil.rmtree(target)
            partial.rename(target)
            if pack:
                packed = root / f".{name}.tar.partial"
                with tarfile.open(packed, "w") as tar:
                    tar.add(target, arcname=name)
                shutil.copyfile(target / "manifest.json", root / f"{name}.manifest.json")
                packed.rename(root / f"{name}.tar")
        except BaseException:
            # A failed or stopped run leaves nothing behind (the next run would remove it anyway).
            for leftover in (partial, root / f".{name}.tar.partial"):
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                elif leftover.exists():
                    leftover.unlink()
            raise
        backups = sorted(
            p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists()
        )
        pruned = backups[: max(len(backups) - keep, 0)]
        for old in pruned:
            shutil.rmtree(old)
    return {
        "backup": str(target),
        "counts": manifest["counts"],
        "objects": len(manifest["objects"]),
        "bytes": manifest["bytes"],
        "pruned": [p.name for p in pruned],
        "cleaned": cleaned,
    }


def damage(directory: Path) -> list[str]:
    """Every way DIRECTORY differs from its manifest: each dump's and each object's SHA-256."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        return [f"manifest.json: unreadable ({error})"]
    found = []
    for database in manifest["databases"]:
        if f"{database}.dump" not in manifest["files"]:
            found.append(f"{database}.dump: not in the manifest")
    for name, digest in manifest["files"].items():
        path = directory / name
        if not path.is_file() or sha256(path) != digest:
            found.append(f"{name}: {'missing' if not path.is_file() else 'its SHA-256 differs from the manifest'}")
    for key, info in manifest["objects"].items():
        path = directory / "objects" / info.get("file", "?")
        if not path.is_file():
            found.append(f"object {key}: missing")
        elif path.stat().st_size != info["size"] or sha256(path) != info["sha256"]:
            found.append(f"object {key}: its size or SHA-256 differs from the manifest")
    return found


def check_intact(directory: Path, label: str = ""):
    found = damage(directory)
    if found:
        more = f"\n  ... and {len(found) - 20} more" if len(found) > 20 else ""
        what = label or f"the backup in {directory}"
        fail(f"{what} is damaged; nothing was changed:\n  " + "\n  ".join(found[:20]) + more)


def pull(config: dict, dest: Path, reserve_mb: int) -> dict:
    """Download a backup from a presigned URL (JSON {"url"} on stdin: it is a credential)."""
    url = json.loads(sys.stdin.read())["url"]
    where = url.split("?")[0]
    root = Path(config["backup_dir"])
    with locked(root):
        clean_leftovers(root)
        try:
            with urllib.request.urlopen(url, timeout=60) as answer, dest.open("wb") as out:  # noqa: S310 - http(s) only
                size = int(answer.headers.get("Content-Length") or 0)
                check_space(root, 2 * size, reserve_mb, f"the download of {where}")
                shutil.copyfileobj(answer, out, MB)
        except urllib.error.HTTPError as error:
            dest.unlink(missing_ok=True)
            fail(f"the offsite store refused the download of {where}: HTTP {error.code} {error.reason}")
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
    return {"fetched": where, "bytes": dest.stat().st_size}


def unpack(stream, into: Path) -> str:
    """Extract a backup's tar stream into INTO; return its name (the one top-level directory).
    Only directories and regular files under that name are taken."""
    name = None
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            parts = Path(member.name).parts
            top = parts[0] if parts else ""
            if (
                member.name.startswith("/")
                or ".." in parts
                or not BACKUP_NAME.match(top)
                or (name and top != name)
                or not (member.isdir() or member.isfile())
            ):
                fail(f"{member.name!r} in the archive is not part of a backup made by mlops-backup")
            name = top
            path = into.joinpath(*parts)
            if member.isdir():
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as data, path.open("wb") as out:
                    shutil.copyfileobj(data, out, MB)
    if not name:
        fail("the archive is empty")
    return name


def stage(config: dict, source: Path, reserve_mb: int) -> dict:
    """Unpack SOURCE (decrypting a .age with the identity on stdin) and check it whole."""
    root = Path(config["backup_dir"])
    partial = root / ".staging.partial"
    with locked(root):
        clean_leftovers(root, keep=source)
        try:
            check_space(root, source.stat().st_size, reserve_mb, f"unpacking {source.name}")
            partial.mkdir()
            if source.name.endswith(".age"):
                identity = sys.stdin.read().strip()
                if not identity.startswith("AGE-SECRET-KEY-") and "\nAGE-SECRET-KEY-" not in identity:
                    fail(f"{source.name} is encrypted: its age identity (from the controller) must come on stdin")
                read, write = os.pipe()
                os.write(write, identity.encode() + b"\n")
                os.close(write)
                with subprocess.Popen(  # noqa: S603 - fixed argv; the identity through a pipe, never on disk
                    ["age", "--decrypt", "--identity", f"/dev/fd/{read}", str(source)],  # noqa: S607
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    pass_fds=(read,),
                ) as age:
                    os.close(read)
                    try:
                        name = unpack(age.stdout, partial)
                    except (tarfile.TarError, SystemExit) as error:
                        age.kill()
                        age.wait()
                        problem = age.stderr.read().decode(errors="replace").strip().split("\n")[0]
                        fail(f"{source.name} cannot be decrypted or unpacked: {problem or error}")
                    problem = age.stderr.read().decode(errors="replace").strip().split("\n")[0]
                if age.returncode != 0:
                    fail(f"{source.name} cannot be decrypted: {problem}")
            else:
                with source.open("rb") as stream:
                    try:
                        name = unpack(stream, partial)
                    except tarfile.TarError as error:
                        fail(f"{source.name} is not a backup archive: {error}")
            check_intact(partial / name, f"the backup {name}")
            target = root / name
            if target.exists():
                shutil.rmtree(target)
            (partial / name).rename(target)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
            source.unlink(missing_ok=True)
    manifest = json.loads((target / "manifest.json").read_text())
    return {"staged": str(target), "host": manifest["host"], "created": manifest["created"]}


def differences(manifest: dict, census: dict) -> list[str]:
    found = []
    for name, count in manifest["counts"].items():
        if census["counts"].get(name) != count:
            found.append(f"{name}: {census['counts'].get(name)} now, {count} in the backup")
    for key, info in manifest["objects"].items():
        now = census["objects"].get(key)
        if not now or (now["size"], now["sha256"]) != (info["size"], info["sha256"]):
            found.append(f"object {key}: {'missing' if not now else 'different'}")
    found += [f"object {key}: not in the backup" for key in census["objects"].keys() - manifest["objects"].keys()]
    return found


def restore(lab: Lab, directory: Path, quiesce: bool) -> dict:
    with locked(Path(lab.config["backup_dir"])):
        # Every dump and every object checked before anything is dropped or replaced.
        check_intact(directory)
        manifest = json.loads((directory / "manifest.json").read_text())
        with lab.quiet(quiesce):
            owner = lab.config["database_owner"]
            for database in manifest["databases"]:
                # Database names come from the root-only configuration the role writes, not from a user.
                terminate = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"  # noqa: S608
                lab.sql("postgres", terminate)
                lab.sql("postgres", f'DROP DATABASE IF EXISTS "{database}"')
                lab.sql("postgres", f'CREATE DATABASE "{database}" OWNER "{owner}" ENCODING \'UTF8\'')
                with (directory / f"{database}.dump").open("rb") as dump:
                    lab.docker_exec(
                        "pg_restore",
                        "-U",
                        "postgres",
                        "-d",
                        database,
                        "--no-owner",
                        f"--role={owner}",
                        "--exit-on-error",
                        stdin=dump,
                    )
            wanted = manifest["objects"]
            for entry in list(lab.objects()):
                if entry["Key"] not in wanted:
                    lab.s3.delete_object(Bucket=lab.bucket, Key=entry["Key"])
            for key, info in wanted.items():
                lab.s3.upload_file(str(directory / "objects" / info["file"]), lab.bucket, key)
            found = differences(manifest, lab.census())
    if found:
        fail("the restored lab differs from the backup:\n  " + "\n  ".join(found))
    return {
        "restored": str(directory),
        "counts": manifest["counts"],
        "objects": len(wanted),
        "bytes": manifest["bytes"],
    }


def main() -> int:
    # A stop (systemctl stop, shutdown) unwinds like an error: partial files go, the server restarts.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.umask(0o077)
    parser = argparse.ArgumentParser(prog="mlops-backup", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("create")
    made.add_argument("--name", default=datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ"))
    made.add_argument("--keep", type=int, default=3)
    made.add_argument("--quiesce", action="store_true")
    made.add_argument("--pack", action="store_true")
    made.add_argument("--reserve-mb", type=int, default=1024)
    back = sub.add_parser("restore")
    back.add_argument("directory", type=Path)
    back.add_argument("--quiesce", action="store_true")
    sub.add_parser("census").add_argument("--quick", action="store_true")
    check = sub.add_parser("verify")
    check.add_argument("directory", type=Path)
    sub.add_parser("push").add_argument("name")
    sub.add_parser("offsite-check").add_argument("credentials")
    pulled = sub.add_parser("pull")
    pulled.add_argument("dest", type=Path)
    pulled.add_argument("--reserve-mb", type=int, default=1024)
    staged = sub.add_parser("stage")
    staged.add_argument("source", type=Path)
    staged.add_argument("--reserve-mb", type=int, default=1024)
    args = parser.parse_args()
    config = json.loads(CONFIG.read_text())
    if args.command == "push":
        result = Offsite(config).push(Path(config["backup_dir"]) / f"{args.name}.tar")
    elif args.command == "offsite-check":
        offsite = Offsite(config, args.credentials)
        beyond = offsite.check()
        if beyond:
            fail(
                f"refused: this offsite login (backup_offsite_access_key) may {', '.join(beyond)}. A student with "
                f"sudo on this VM could do the same. Give each VM its own login that may only add objects under "
                f"s3://{offsite.bucket}/{offsite.key('')}/ (README: Backups, off the VM); the file was not written."
            )
        result = {"offsite_login": f"may only add objects under s3://{offsite.bucket}/{offsite.key('')}/"}
    elif args.command == "pull":
        result = pull(config, args.dest, args.reserve_mb)
    elif args.command == "stage":
        result = stage(config, args.source, args.reserve_mb)
    else:
        lab = Lab(config)
        if args.command == "create":
            result = create(lab, args.name, args.keep, args.quiesce, args.pack, args.reserve_mb)
        elif args.command == "restore":
            result = restore(lab, args.directory, args.quiesce)
        elif args.command == "census" and args.quick:
            listed = list(lab.objects())
            result = {"counts": lab.counts(), "objects": len(listed), "bytes": sum(o["Size"] for o in listed)}
        elif args.command == "census":
            result = lab.census()
        else:
            found = differences(json.loads((args.directory / "manifest.json").read_text()), lab.census())
            result = {"identical": not found, "differences": found}
    print(json.dumps(result))
    return 1 if args.command == "verify" and not result["identical"] else 0


if __name__ == "__main__":
    sys.exit(main())
