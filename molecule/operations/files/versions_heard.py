"""Sum up what version_poll.py heard around the upgrade runs, as JSON on stdout.

  python3 versions_heard.py VERSIONS.jsonl RECORD.json OLD NEW
RECORD.json's "windows": {label: [start, end]} of the failed runs. A read timeout is a busy
machine, not an outage ("slow"); any other error is MLflow down ("down").
Output: {"before": S, <label>: S..., "switch": {"last_old", "first_new", "seconds", "down"},
"after": S, "stray_down": [errors outside the rolled-back run and the switch]}, where
S = {"calls", "versions" (answered, in order of first answer), "down", "slow", "last"}.
"""

import json
import sys


def summary(calls):
    versions = [call["version"] for call in calls if "version" in call]
    return {
        "calls": len(calls),
        "versions": list(dict.fromkeys(versions)),
        "down": sum("error" in call and "timed out" not in call["error"] for call in calls),
        "slow": sum("timed out" in call.get("error", "") for call in calls),
        "last": versions[-1] if versions else None,
    }


heard_file, record_file, old, new = sys.argv[1:5]
with open(heard_file) as lines:
    heard = [json.loads(line) for line in lines if line.strip()]
with open(record_file) as record:
    windows = json.load(record)["windows"]
first_start = min(start for start, _ in windows.values())
result = {"before": summary([call for call in heard if call["t"] < first_start])}
for label, (start, end) in windows.items():
    result[label] = summary([call for call in heard if start <= call["t"] <= end])
last_old = max(call["t"] for call in heard if call.get("version") == old)
first_new = min((call["t"] for call in heard if call.get("version") == new), default=float("inf"))
switch = [call for call in heard if last_old < call["t"] < first_new]
result["switch"] = {
    "last_old": last_old,
    "first_new": first_new,
    "seconds": round(first_new - last_old, 1),
    "down": summary(switch)["down"],
}
result["after"] = summary([call for call in heard if call["t"] >= first_new])
rolled_back = windows.get("rolled_back", [0, 0])
result["stray_down"] = [
    call
    for call in heard
    if "error" in call
    and "timed out" not in call["error"]
    and not rolled_back[0] <= call["t"] <= rolled_back[1]
    and not last_old < call["t"] < first_new
][:5]
print(json.dumps(result))
