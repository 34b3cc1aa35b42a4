"""Summarise the profile_roles / profile_tasks callbacks' closing tables of a playbook log.

python3 profile_summary.py roles LOG   time per role, slowest first, and the total
python3 profile_summary.py tasks LOG   time per task, slowest first
"""

import re
import sys
from pathlib import Path

kind, log = sys.argv[1], sys.argv[2]
recap = Path(log).read_text().split("PLAY RECAP")[-1]
rows = [
    (name.strip(), float(seconds))
    for name, seconds in re.findall(r"^(\S.*?) -{2,} +(\d+\.\d+)s$", recap, re.MULTILINE)
    if name.strip() != "total"
]
# profile_roles names a role (or "~": tasks outside roles) with no spaces; tasks have spaces.
wanted = [(n, s) for n, s in rows if (" " not in n) == (kind == "roles")]
for name, seconds in sorted(wanted, key=lambda row: -row[1]):
    print(f"{seconds:8.1f} s  {'(playbook tasks)' if name == '~' else name}")
if kind == "roles":
    print(f"{sum(s for _, s in wanted):8.1f} s  total")
