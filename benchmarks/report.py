"""Markdown sections of benchmarks/RESULTS.md from the figures bench.sh collected.

python3 report.py memory IDLE_JSON BUSY_JSON VM_MEMORY BOUNDS
python3 report.py load LOAD.jsonl PROFILE.txt
python3 report.py artifacts TRANSFERS_JSON RSS_JSON
python3 report.py class CLASS.jsonl LOAD_CPU_S "CONVERGE RERUN CHANGED" "NOTEBOOK_PEAK_MB NOTEBOOK_CPU_S" VM_MEMORY
python3 report.py classroom TIMES.txt
"""

import collections
import json
import os
import re
import statistics
import sys
from pathlib import Path


def memory(idle: str, busy: str, used: str, bounds: str) -> None:
    idle, busy = json.loads(idle), json.loads(busy)
    print("## Memory\n")
    print("PSS per service (`benchmarks/pss.py`: `smaps_rollup`, shared pages counted once), idle after the")
    print("converge, then with the example notebook run and `diabetes-elasticnet` served:\n")
    print("| Service | Processes | Idle PSS | With notebook run and a served model |")
    print("|---|---|---|---|")
    for name in sorted(set(idle["services"]) | set(busy["services"])):
        a, b = idle["services"].get(name, {}), busy["services"].get(name, {})
        processes = b.get("processes", a.get("processes", 0))
        print(f"| {name} | {processes} | {a.get('pss_mb', '-')} MB | {b.get('pss_mb', '-')} MB |")
    print(f"| **total** | | **{idle['total_mb']} MB** | **{busy['total_mb']} MB** |\n")
    core = ("mlflow_serv", "container postgres", "container minio", "container jupyter")
    lab_idle = sum(idle["services"].get(name, {}).get("pss_mb", 0) for name in core)
    verdict = "met" if lab_idle <= 1536 else "not met"
    print(f"The lab idle (MLflow, PostgreSQL, MinIO, JupyterLab): **{lab_idle} MB** (goal 1.5 GB: {verdict}).")
    print("The whole VM with the notebook run and the model served (the anonymous memory of its cgroup,")
    print(f"page cache left out, the Docker engine and the OS included): {used.strip()}.")
    print(f"Bounds: {bounds}.\n")


def median_range(values):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    return f"{statistics.median(values):g} ({min(values):g}-{max(values):g})"


def load(path: str, profile: str) -> None:
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    by = collections.defaultdict(list)
    for row in rows:
        by[(row["config"], row["result"]["threads"])].append(row["result"])
    names = {
        "course": "course setup (SQLite, `mlflow server` defaults)",
        "lab": "this lab (HTTPS proxy, login, PostgreSQL)",
    }
    rounds = max(len(v) for v in by.values())
    print("## Tracking load\n")
    print("Client threads each loop create run + log-batch (100 metrics, 5 params) + end run")
    print("(`benchmarks/tracking_load.py`, no client retries), with one reader meanwhile (search runs,")
    print(f"a 1000-point metric history, the experiment page's calls); {rounds} alternating rounds per")
    print("configuration, on the same VM and venv. Median (range) of the rounds; latencies in ms.\n")
    print(
        "| Configuration | Threads | Runs/s | Run p50 | Run p95 | Run p99 | Err. | Search p95 | History p95 | UI p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (config, threads), results in sorted(by.items(), key=lambda item: (item[0][1], item[0][0])):
        cells = [
            median_range([r["runs_per_s"] for r in results]),
            median_range([r["run_ms"]["p50"] for r in results]),
            median_range([r["run_ms"]["p95"] for r in results]),
            median_range([r["run_ms"]["p99"] for r in results]),
            str(sum(r["errors"] for r in results)),
            median_range([r["reads_ms"]["search"]["p95"] for r in results]),
            median_range([r["reads_ms"]["history"]["p95"] for r in results]),
            median_range([r["reads_ms"]["ui"]["p95"] for r in results]),
        ]
        print(f"| {names[config]} | {threads} | " + " | ".join(cells) + " |")
    lab, course = by.get(("lab", 32), []), by.get(("course", 32), [])
    if lab and course:
        speed = statistics.median(r["runs_per_s"] for r in lab) / statistics.median(r["runs_per_s"] for r in course)
        tail = statistics.median(r["run_ms"]["p95"] for r in lab) / statistics.median(
            r["run_ms"]["p95"] for r in course
        )
        errors = sum(r["errors"] for r in lab)
        met = speed >= 1.5 and tail <= 0.5 and errors == 0
        print(f"\nAt 32 threads the lab does **{speed:.2f}x** the course setup's runs/s with **{tail:.2f}x** its p95")
        print(f"and {errors} errors (goal: 1.5x, at most 0.5x, zero errors: {'met' if met else 'not met'}).\n")
    reads = []
    for threads in (8, 32):
        lab, course = by.get(("lab", threads), []), by.get(("course", threads), [])
        for kind, label in (("search", "search"), ("ui", "the UI's experiment page")):
            if lab and course:
                ratio = statistics.median(r["reads_ms"][kind]["p95"] for r in lab) / statistics.median(
                    r["reads_ms"][kind]["p95"] for r in course
                )
                reads.append(f"{label} at {threads} threads **{ratio:.2f}x**{'' if ratio <= 1.0 else ' (not met)'}")
    if reads:
        print("Reads under that load, the lab's p95 against the course setup's (goal: at most 1.0x):")
        print("; ".join(reads) + ".\n")
    text = Path(profile).read_text() if Path(profile).exists() else ""
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [
            f.split(" (")[0] + " (" + f.split(" (")[1].split("/")[-1] if " (" in f else f for f in stack.split(";")
        ]
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
        own[frames[-1]] += int(count)
    if total:
        print("Where the lab's server spends its time at 32 threads (py-spy, every server process, the share")
        print("of samples in which a function is on the stack, then the share it is running itself):\n")
        print("```")
        for frame, count in inclusive.most_common(40):
            if any(skip in frame for skip in ("<module>", "_bootstrap", "run (threading", "worker (thread")):
                continue
            print(f"{100 * count / total:5.1f}%  {frame}")
        print("  --- own time ---")
        for frame, count in own.most_common(10):
            print(f"{100 * count / total:5.1f}%  {frame}")
        print("```\n")


def artifacts(transfers: str, rss: str) -> None:
    t, r = json.loads(transfers), json.loads(rss)
    print("## Artifacts\n")
    print(f"{t['size_mb']} MB (`benchmarks/artifacts.py`), through the lab's server as a student (HTTPS proxy,")
    print("`log_artifact` / `download_artifacts`) and directly to and from the S3 server on the VM (boto3):\n")
    print("| | Upload | Download |")
    print("|---|---|---|")
    print(f"| through MLflow | {t['mlflow_upload_mb_s']} MB/s | {t['mlflow_download_mb_s']} MB/s |")
    print(f"| direct S3 | {t['s3_upload_mb_s']} MB/s | {t['s3_download_mb_s']} MB/s |")
    print(f"| ratio (MLflow / direct) | {t['upload_ratio']} | {t['download_ratio']} |\n")
    print(f"Byte-identical: {t['identical']}. `mlflow_serv` RSS: {r['baseline_mb']} MB idle, peak {r['peak_mb']} MB")
    print(f"(growth {r['peak_growth_mb']} MB) during the transfers.\n")


def classroom(path: str) -> None:
    # Each line: VMs, fresh wall seconds, seconds of the test-only image archive copy and load,
    # no-change re-run wall seconds with Mitogen (ansible.cfg), then with the linear strategy;
    # then (benchmarks/cpu_of.py) the Mitogen re-run's CPU seconds on the controller and on the
    # whole machine, and the re-run's task results summed over its hosts.
    times = [[float(x) for x in line.split()] for line in Path(path).read_text().splitlines() if line.strip()]
    first = times[0]
    print("## Classroom\n")
    print("`site.yml` on N fresh test VMs in one run, then its no-change re-run with Mitogen (ansible.cfg)")
    print("and with `ANSIBLE_STRATEGY=linear`; all VMs on this machine's cores beside the controller, so each")
    print('VM\'s own work counts against the others; images from local archives. "Without the archive copy"')
    print("leaves out copying the test stand-ins' image archives into the VMs and loading them (test-only:")
    print("real VMs pull from a registry). Ratios are to one VM:\n")
    print(
        "| VMs | Fresh | Ratio | Without the archive copy | Ratio | Re-run, Mitogen | Ratio | Re-run, linear | Ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n, seconds, transport, rerun, linear, *_ in times:
        lab, first_lab = seconds - transport, first[1] - first[2]
        print(
            f"| {n:.0f} | {seconds:.0f} s | {seconds / first[1]:.2f}x | {lab:.0f} s | {lab / first_lab:.2f}x"
            f" | {rerun:.0f} s | {rerun / first[3]:.2f}x | {linear:.0f} s | {linear / first[4]:.2f}x |"
        )
    print()
    for n, goal, column, what in ((3, 1.8, 1, "fresh"), (6, 1.5, 3, "no-change re-run (Mitogen)")):
        row = [r for r in times if r[0] == n]
        if row:
            ratio = row[0][column] / first[column]
            print(f"Goal {what} of {n} VMs <= {goal}x one VM: {'met' if ratio <= goal else 'not met'} ({ratio:.2f}x).")
    print()
    cores = os.cpu_count() or 1
    print("Where the no-change re-run (Mitogen) goes, in CPU seconds: the controller's (`ansible-playbook` and")
    print("its children) and this whole machine's (the controller, the VMs, their engines and services);")
    print(f"the machine's CPU over its {cores} cores is the shortest the re-run could take here:\n")
    print(
        "| VMs | Re-run | Task results | Controller CPU | per task and host | Machine CPU | per VM"
        " | Machine CPU / cores |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n, _, _, rerun, _, controller, machine, results in times:
        print(
            f"| {n:.0f} | {rerun:.0f} s | {results:.0f} | {controller:.1f} s | {1000 * controller / results:.0f} ms"
            f" | {machine:.1f} s | {machine / n:.1f} s | {machine / cores:.0f} s |"
        )
    print()


VM_SIZES_GB = (4, 8, 16, 32, 64, 128, 256)
CORES = (2, 4, 8, 16, 32, 64)


def class_(path: str, load_cpu: str, converge: str, notebook: str, used: str) -> None:
    result, idle, busy, rss, hub, servers = (
        json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()
    )
    converge_s, rerun_s, changed = converge.split()
    peak_mb, notebook_cpu = (float(x) for x in notebook.split())
    students, cores_here = result["students"], os.cpu_count() or 1
    print("## A class on one VM\n")
    print(f"The load section's VM made a class's server: `site.yml` with {students} students in `mlops_class_students`")
    print(f"(no teams: a login and a workspace each, handouts): **{float(converge_s):.0f} s**; its re-run")
    print(f"{float(rerun_s):.0f} s, {changed} changed. Then every student at once, each with their own login and")
    print("connection, loops create run + log-batch (100 metrics, 5 params) + end run into their own workspace")
    print(f"through the HTTPS proxy (`benchmarks/class_load.py`, no retries) for {result['seconds']} s, while the UI")
    print("is used: a student's experiments page and runs page, the instructor's workspace list. Latencies in ms.\n")
    runs = result["run_ms"]
    print("| Students | Runs/s | Runs | Errors | Run p50 | p95 | p99 |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {students} | **{result['runs_per_s']}** | {result['runs']} | **{result['errors']}** | {runs['p50']}"
        f" | **{runs['p95']}** | {runs['p99']} |\n"
    )
    print("| UI call meanwhile | p50 | p95 |")
    print("|---|---|---|")
    for kind, cut in result["reads_ms"].items():
        print(f"| {kind} | {cut['p50']} | {cut['p95']} |")
    print()
    if result["first_errors"]:
        print(f"First errors: {'; '.join(result['first_errors'])}\n")
    cpu = float(load_cpu)
    busy_cores = cpu / result["seconds"]
    print(f"The VM's CPU during the load: {cpu:.0f} CPU-s in {result['seconds']} s, **{busy_cores:.2f} cores** busy")
    print(f"of this machine's {cores_here} (the load's client on the VM included).\n")
    print("PSS per service, idle after the class's converge and at the load's end:\n")
    print("| Service | Idle | At the load's end |")
    print("|---|---|---|")
    for name in sorted(set(idle["services"]) | set(busy["services"])):
        a, b = idle["services"].get(name, {}), busy["services"].get(name, {})
        print(f"| {name} | {a.get('pss_mb', '-')} MB | {b.get('pss_mb', '-')} MB |")
    print(f"| **total** | **{idle['total_mb']} MB** | **{busy['total_mb']} MB** |\n")
    print(f"`mlflow_serv` RSS during the load: {rss['baseline_mb']} MB at its start, peak {rss['peak_mb']} MB.")
    # The students' own servers on JupyterHub (containers jupyter-<student>), idle once started.
    own = [s["pss_mb"] for name, s in servers["services"].items() if name.startswith("container jupyter-")]
    server_idle = sum(own) / len(own) if own else 0
    hub_mb = servers["services"].get("jupyterhub", {}).get("pss_mb", 0)
    tracking = busy["total_mb"] - busy["services"].get("container jupyter", {}).get("pss_mb", 0)
    per_student = (busy["total_mb"] - idle["total_mb"]) / students
    print(f"Per active student, tracking: {per_student:.1f} MB (the load's end less idle, over {students}).\n")
    start = hub["start_ms"]
    print(f"Then {hub['servers']} students logged in to the class's JupyterHub at once, each starting their own")
    print("JupyterLab (a container of the lab's Jupyter image; `benchmarks/hub_start.py`, from the VM on the hub's")
    print(f"loopback port): **{hub['started']} of {hub['servers']}** up in {hub['wall_s']} s, from login to JupyterLab")
    print(f"answering p50 {start['p50']} ms, p95 **{start['p95']} ms**, slowest {hub['slowest_ms']} ms.")
    if hub["failures"]:
        print(f"Failures: {hub['failures']}")
    print(f"Their PSS once settled: **{server_idle:.0f} MB** per idle server (mean of {len(own)}, largest")
    print(f"{max(own, default=0)} MB); JupyterHub itself (hub, proxy, idle culler) {hub_mb} MB.")
    print("One student's server (s01's) at its peak while the example notebook runs in it (kernel included,")
    print(f"tracking into their workspace): **{peak_mb:.0f} MB**, and the run takes {notebook_cpu:.0f} CPU-s.")
    print(f"The whole VM at the end (its cgroup's anonymous memory, OS and Docker engine included): {used.strip()}.\n")
    print("VM sizes from these figures, for a class with a JupyterLab each on JupyterHub. RAM: the tracking")
    print("services at the load's end and JupyterHub, plus a server per student at its notebook peak (all at once),")
    print("plus a quarter for the OS, the Docker engine and the page cache, rounded up to a common size. Cores:")
    print("enough for the whole class to run the notebook at once within a minute, never fewer than the")
    print("tracking load used, with one spare.\n")
    print("| Students | Tracking only | + a JupyterLab each, idle | + all running the notebook | VM: RAM | VM: cores |")
    print("|---|---|---|---|---|---|")
    for n in (10, 30, 60):
        at_peak = tracking + hub_mb + n * peak_mb
        ram = next((gb for gb in VM_SIZES_GB if gb * 1024 >= 1.25 * at_peak), VM_SIZES_GB[-1])
        need = max(n * notebook_cpu / 60, busy_cores * n / students) + 1
        cores = next((c for c in CORES if c >= need), CORES[-1])
        idle_lab = tracking + hub_mb + n * server_idle
        print(f"| {n} | {tracking} MB | {idle_lab:.0f} MB | {at_peak:.0f} MB | **{ram} GB** | **{cores}** |")
    print()


def goals(fresh_lab: str, ssh_rerun: str, ssh_changed: str) -> None:
    """The provisioning goals: the lab's own fresh converge <= 150 s, a no-change re-run over SSH <= 30 s."""
    fresh, rerun = float(fresh_lab), float(ssh_rerun)
    print(
        f"Goals: fresh <= 150 s: {'met' if fresh <= 150 else 'not met'} ({fresh:.1f} s); no-change re-run over SSH"
        f" <= 30 s with 0 changed: {'met' if rerun <= 30 and ssh_changed == '0' else 'not met'}"
        f" ({rerun:.1f} s, {ssh_changed} changed)."
    )


SECTION_TITLES = {
    "memory": "## Memory",
    "load": "## Tracking load",
    "artifacts": "## Artifacts",
    "class": "## A class on one VM",
    "classroom": "## Classroom",
}


def sections(text: str) -> dict:
    """'## Title' -> its text (up to the next title or the closing 'Command:' line)."""
    found, title = {}, None
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            title = line.strip()
        elif line.startswith("Command: "):
            title = None
        if title:
            found[title] = found.get(title, "") + line
    return found


def keep(new: str, old: str, measured: str) -> None:
    """The new results, with the sections this run left out as an earlier run wrote them."""
    new_text = Path(new).read_text()
    old_text = Path(old).read_text() if Path(old).exists() else ""
    date = re.search(r"on (\d{4}-\d{2}-\d{2})", old_text)
    earlier = sections(old_text)
    note = f"(Kept from the run of {date.group(1) if date else 'an earlier day'}: this one's SECTIONS left it out.)"
    kept = [
        earlier[title]
        if "(Kept from the run of" in earlier[title]
        else earlier[title].replace(title + "\n", f"{title}\n\n{note}\n", 1)
        for name, title in SECTION_TITLES.items()
        if name not in measured.split() and title in earlier
    ]
    head, command, tail = new_text.rpartition("Command: ")
    print(head + "".join(kept) + command + tail, end="")


if __name__ == "__main__":
    commands = {
        "memory": memory,
        "load": load,
        "artifacts": artifacts,
        "class": class_,
        "classroom": classroom,
        "goals": goals,
        "keep": keep,
    }
    commands[sys.argv[1]](*sys.argv[2:])
