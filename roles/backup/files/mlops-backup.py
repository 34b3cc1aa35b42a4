"""mlops-backup: back up and restore a lab's data (MLflow's databases and its artifact bucket).

  mlops-backup create [--name NAME] [--keep N] [--quiesce]   a backup in BACKUP_DIR/NAME, then prune
  mlops-backup restore DIR [--quiesce]                        put DIR's data back, then check it
  mlops-backup census [--quick]                               what the lab holds now (JSON; --quick:
                                                              object count and bytes, no checksums)
  mlops-backup verify DIR                                     compare the lab with DIR's manifest
  mlops-backup push TAR [--keep N]                            copy TAR and its manifest to the offsite
                                                              S3 location, keeping its newest N there
  mlops-backup pull URL DEST                                  fetch a backup .tar from the offsite S3

A backup is a directory: one pg_dump (custom format) per database, the bucket's objects, and
manifest.json (what was backed up: counts of experiments, runs, metrics, registered models,
versions, aliases and users; every object with its size and SHA-256; each file's SHA-256).
--quiesce stops the tracking server (the configured unit) while the databases are dumped, so
the two agree; the objects are copied after, so every artifact the dumps name is in the backup.
The configuration (/etc/mlops-vm/backup/backup.json, root only) names the PostgreSQL container,
the databases, the bucket and the S3 endpoint; the S3 logins are read from the AWS credentials
file it names (profile default; profile offsite for the offsite location), so no secret is on a
command line or in the environment.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
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


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Lab:
    def __init__(self, config: dict):
        self.config = config
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = config["s3_credentials_file"]
        import boto3

        self.s3 = boto3.client("s3", endpoint_url=config["s3_endpoint"], region_name="us-east-1")
        self.bucket = config["bucket"]

    def docker_exec(self, *argv, stdin=None, stdout=None, text=False):
        return subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["/usr/bin/docker", "exec", "-i", self.config["postgres_container"], *argv],
            stdin=stdin,
            stdout=stdout or subprocess.PIPE,
            stderr=subprocess.PIPE,
            check=True,
            text=text,
        )

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
        with tempfile.TemporaryDirectory(dir=self.config["backup_dir"]) as tmp:
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


class Offsite:
    """The S3 location backups are copied to (offsite_url: s3://BUCKET/PREFIX), profile offsite."""

    def __init__(self, config: dict):
        import boto3

        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = config["s3_credentials_file"]
        bucket, _, prefix = config["offsite_url"].removeprefix("s3://").partition("/")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        session = boto3.session.Session(profile_name="offsite")
        self.s3 = session.client("s3", endpoint_url=config.get("offsite_endpoint") or None, region_name="us-east-1")
        self.host = os.uname().nodename

    def key(self, name: str) -> str:
        return "/".join(part for part in (self.prefix, self.host, name) if part)

    def push(self, tar: Path, keep: int) -> dict:
        manifest = tar.with_suffix("") / "manifest.json"
        self.s3.upload_file(str(tar), self.bucket, self.key(tar.name))
        self.s3.upload_file(str(manifest), self.bucket, self.key(tar.stem + ".manifest.json"))
        listed = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.key(""))
        tars = sorted(o["Key"] for page in listed for o in page.get("Contents", []) if o["Key"].endswith(".tar"))
        pruned = tars[: max(len(tars) - keep, 0)]
        for old in pruned:
            self.s3.delete_object(Bucket=self.bucket, Key=old)
            self.s3.delete_object(Bucket=self.bucket, Key=old.removesuffix(".tar") + ".manifest.json")
        return {"copied": f"s3://{self.bucket}/{self.key(tar.name)}", "pruned": pruned}

    def pull(self, url: str, dest: Path) -> dict:
        bucket, _, key = url.removeprefix("s3://").partition("/")
        self.s3.download_file(bucket, key, str(dest))
        return {"fetched": url, "bytes": dest.stat().st_size}


def create(lab: Lab, name: str, keep: int, quiesce: bool) -> dict:
    root = Path(lab.config["backup_dir"])
    target = root / name
    partial = root / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
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
    census = {"counts": counts, "objects": objects, "bytes": sum(o["size"] for o in objects.values())}
    manifest = {
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "host": os.uname().nodename,
        "bucket": lab.bucket,
        "databases": lab.databases(),
        "files": files,
        **census,
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.rename(target)
    backups = sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists()
    )
    for old in backups[: max(len(backups) - keep, 0)]:
        shutil.rmtree(old)
    return {
        "backup": str(target),
        "counts": manifest["counts"],
        "objects": len(manifest["objects"]),
        "bytes": manifest["bytes"],
        "pruned": [p.name for p in backups[: max(len(backups) - keep, 0)]],
    }


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
    manifest = json.loads((directory / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        if sha256(directory / name) != digest:
            raise SystemExit(f"mlops-backup: {name} in {directory} is damaged (its SHA-256 differs from the manifest)")
    with lab.quiet(quiesce):
        owner = lab.config["database_owner"]
        for database in manifest["databases"]:
            # Database names come from the root-only configuration the role writes, not from a user.
            lab.sql("postgres", f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'")  # noqa: S608
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
        raise SystemExit("mlops-backup: the restored lab differs from the backup:\n  " + "\n  ".join(found))
    return {
        "restored": str(directory),
        "counts": manifest["counts"],
        "objects": len(wanted),
        "bytes": manifest["bytes"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="mlops-backup", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("create")
    made.add_argument("--name", default=datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ"))
    made.add_argument("--keep", type=int, default=3)
    made.add_argument("--quiesce", action="store_true")
    back = sub.add_parser("restore")
    back.add_argument("directory", type=Path)
    back.add_argument("--quiesce", action="store_true")
    sub.add_parser("census").add_argument("--quick", action="store_true")
    check = sub.add_parser("verify")
    check.add_argument("directory", type=Path)
    push = sub.add_parser("push")
    push.add_argument("tar", type=Path)
    push.add_argument("--keep", type=int, default=7)
    pull = sub.add_parser("pull")
    pull.add_argument("url")
    pull.add_argument("dest", type=Path)
    args = parser.parse_args()
    config = json.loads(CONFIG.read_text())
    if args.command in ("push", "pull"):
        offsite = Offsite(config)
        result = offsite.push(args.tar, args.keep) if args.command == "push" else offsite.pull(args.url, args.dest)
        print(json.dumps(result))
        return 0
    lab = Lab(config)
    if args.command == "create":
        result = create(lab, args.name, args.keep, args.quiesce)
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
