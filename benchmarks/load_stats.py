"""What the load scripts print (tracking_load.py, class_load.py): runs/s, errors, latency percentiles.
Copied to the VM beside them."""

import statistics


def percentiles(values: list[float]) -> dict:
    """p50, p95 and p99 of durations in seconds, in ms (None with fewer than two). Inclusive: a
    percentile of a few values (10 hub logins) stays within them, never past the slowest."""
    if len(values) < 2:
        return {"p50": None, "p95": None, "p99": None}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000), "p95": round(cuts[94] * 1000), "p99": round(cuts[98] * 1000)}


def summary(runs: list[float], errors: list[str], elapsed: float, reads: dict) -> dict:
    """The figures of one load run: its runs' durations, its errors, the reads made meanwhile."""
    return {
        "runs_per_s": round(len(runs) / elapsed, 1),
        "runs": len(runs),
        "errors": len(errors),
        "first_errors": errors[:3],
        "run_ms": percentiles(runs),
        "reads_ms": {kind: percentiles(values) for kind, values in reads.items()},
    }
