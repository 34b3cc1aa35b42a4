"""Pack the collections galaxy.yml depends on (transitively) as installable artifacts, offline.

python scripts/pack_dependencies.py GALAXY_YML OUT_DIR

Each comes from the copy the `ansible` package bundles in this venv, with the MANIFEST.json and
FILES.json it was published with; FILES.json loses the entries the package left out (.github,
tests), every other file keeps its published checksum, which `ansible-galaxy collection install`
checks. Used by scripts/install-collection.sh (Galaxy is out of reach on the test machines).
"""

import io
import json
import sys
import tarfile
from pathlib import Path

import ansible_collections.community.docker as bundled_example
import yaml

BUNDLED = Path(list(bundled_example.__path__)[0]).parent.parent


def pack(name: str, out: Path) -> list[str]:
    """Write NAMESPACE-NAME-VERSION.tar.gz into out; return the collection's own dependencies."""
    src = BUNDLED / name.replace(".", "/")
    manifest = json.loads((src / "MANIFEST.json").read_text())
    files = json.loads((src / "FILES.json").read_text())
    files["files"] = [f for f in files["files"] if f["name"] == "." or (src / f["name"]).exists()]
    version = manifest["collection_info"]["version"]
    with tarfile.open(out / f"{name.replace('.', '-')}-{version}.tar.gz", "w:gz") as tar:
        tar.add(src / "MANIFEST.json", "MANIFEST.json")
        data = json.dumps(files).encode()
        info = tarfile.TarInfo("FILES.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for entry in files["files"]:
            if entry["name"] != ".":
                tar.add(src / entry["name"], entry["name"], recursive=False)
    return list(manifest["collection_info"]["dependencies"])


def main() -> int:
    galaxy, out = Path(sys.argv[1]), Path(sys.argv[2])
    wanted, packed = list(yaml.safe_load(galaxy.read_text())["dependencies"]), set()
    while wanted:
        name = wanted.pop()
        if name not in packed:
            packed.add(name)
            wanted += pack(name, out)
    print("pack_dependencies: " + " ".join(sorted(packed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
