"""Look for every generated secret of the lab in text a user or a log could see.

Usage: python find_secrets.py CREDENTIALS_DIR... -- FILE...
Secrets are the files under CREDENTIALS_DIR named *password*, *token*, *secret* or *.key (for a
PEM key, each full 64-character line of its body: the short last line of an EC key is the tail of
its public key, which certificates and `openssl_privatekey`'s own output show by design).
Prints {"checked": N, "found": [secret file names]} as JSON; the secrets themselves are never printed.
"""

import json
import sys
from pathlib import Path

dirs, files = sys.argv[1 : sys.argv.index("--")], sys.argv[sys.argv.index("--") + 1 :]
secrets = {}
for directory in dirs:
    for path in Path(directory).iterdir():
        if not path.is_file() or not any(s in path.name for s in ("password", "token", "secret", ".key")):
            continue
        text = path.read_text().strip()
        lines = [line for line in text.splitlines() if len(line) == 64 and not line.startswith("-----")]
        secrets[str(path)] = lines if path.name.endswith(".key") else [text]
haystack = "\n".join(Path(f).read_text(errors="replace") for f in files)
found = sorted(name for name, parts in secrets.items() if any(part in haystack for part in parts))
print(json.dumps({"checked": len(secrets), "found": found}))
