"""Fair scheduling between tenants, measured: tenant "burst" queues N audits, then tenant "lone"
queues one; a worker with C slots starts on Redis. Reported: how many burst jobs started before
the lone job, and how long the lone job waited, with fair scheduling (priority falls one level per
`fair_share_step` jobs a tenant has in flight) and without it (a step so large that every job has
the same priority: plain first-in first-out).

    .venv/bin/python bench/fairness.py [--burst 40] [--concurrency 2] [--job-seconds 0.5]

Needs Redis on 127.0.0.1:6379 (as the test suite). Writes bench/results/fairness.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import REDIS_URL, Deployment  # noqa: E402
from tests.workers.fairness import burst_and_lone  # noqa: E402


def run(burst: int, concurrency: int, job_seconds: float, step: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        dep = Deployment(Path(tmp), broker_url=REDIS_URL, broker_key_prefix=f"bench-fair-{uuid.uuid4().hex[:8]}:",
                         embedded_worker="false", debug_task_delay=str(job_seconds), fair_share_step=str(step),
                         quota_concurrent_jobs="0", quota_jobs_per_minute="0")
        try:
            outcome = burst_and_lone(dep, burst, concurrency=concurrency, timeout=600)
        finally:
            dep.stop()
    return {"fair_share_step": step, "burst_jobs_started_before_lone": outcome.burst_started_before,
            "lone_wait_seconds": round(outcome.lone_wait, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--job-seconds", type=float, default=0.5)
    args = parser.parse_args()
    runs = [run(args.burst, args.concurrency, args.job_seconds, step) for step in (10**6, 2)]
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
              "cpus": __import__("os").cpu_count(), "burst": args.burst, "worker_concurrency": args.concurrency,
              "job_seconds": args.job_seconds, "fifo": runs[0], "fair": runs[1]}
    out = REPO / "bench" / "results" / "fairness.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
