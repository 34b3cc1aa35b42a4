"""Summarise the profile_roles / profile_tasks callbacks' closing tables of a playbook log.

python3 profile_summary.py roles LOG   time per role, slowest first, and the total
python3 profile_summary.py tasks LOG [N]   time per task, slowest first (the N slowest)
python3 profile_summary.py total LOG PATTERN   seconds of the tasks whose name matches PATTERN
"""

import re
import sys
from pathlib import Path

kind, log, arg = sys.argv[1], sys.argv[2], (sys.argv[3:] or [""])[0]
recap = Path(log).read_text().split("PLAY RECAP")[-1]
rows = [
    (name.strip(), float(seconds))
    for name, seconds in re.findall(r"^(\S.*?) -{2,} +(\d+\.\d+)s$", recap, re.MULTILINE)
    if name.strip() != "total"
]
# profile_roles names a role (or "~": tasks outside roles) with no spaces; tasks have spaces.
wanted = [(n, s) for n, s in rows if (" " not in n) == (kind == "roles")]
if kind == "total":
    print(round(sum(s for n, s in wanted if re.search(arg, n)), 1))
    sys.exit()
for name, seconds in sorted(wanted, key=lambda row: -row[1])[: int(arg) if arg else None]:
    print(f"{seconds:8.1f} s  {'(playbook tasks)' if name == '~' else name}")
if kind == "roles":
    print(f"{sum(s for _, s in wanted):8.1f} s  total")
