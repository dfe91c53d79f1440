"""API throughput on the Redis-backed deployment of this machine.

Starts its own API (uvicorn) and worker (`access worker`) processes on Redis (a private key prefix)
and a fresh PostgreSQL database, submits N tiny HTML audits (or submits for ``--duration`` seconds)
from C concurrent clients, waits until every job has finished, and reports submit latency p50/p99,
where the submit time goes (the API's ``Server-Timing`` phases: auth lookup, form parsing, quota
check, upload write, insert, publish; p50/p99 of each), end-to-end jobs/s and lost jobs.
Targets: issue 2, submit p99 < 50 ms at 20 clients paced; issue 14, p99 < 100 ms at 20 clients in a
closed loop for 60 s with the workers running on the same cores.

    .venv/bin/python bench/api_throughput.py [-n 500] [-c 20] [--worker-concurrency 2]
    .venv/bin/python bench/api_throughput.py -c 20 --duration 60 --api-workers 2    # issue 14
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
HTML = (b"<!DOCTYPE html><html lang=\"en\"><head><title>Tiny</title></head><body><main><h1>Tiny</h1>"
        b"<img src=\"a.png\"></main></body></html>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def parse_server_timing(value: str) -> dict[str, float]:
    phases: dict[str, float] = {}
    for part in value.split(","):
        name, _, rest = part.strip().partition(";dur=")
        with contextlib.suppress(ValueError):
            phases[name] = float(rest)
    return phases


async def submit_all(base: str, key: str, n: int, concurrency: int, rate: float | None = None,
                     duration: float | None = None,
                     phases: dict[str, list[float]] | None = None) -> tuple[list[float], list[str], int]:
    """C clients share N submissions. Without ``rate`` each client sends its next one as soon as
    the previous answered (closed loop: the API's saturation). With ``rate`` the submissions are
    paced to ``rate`` per second in total (request k is due at k / rate seconds)."""
    latencies: list[float] = []
    ids: list[str] = []
    errors = 0
    counter = iter(range(n)) if duration is None else iter(range(10**9))
    t0 = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits,
                                 timeout=30) as client:
        async def one_client() -> None:
            nonlocal errors
            for k in counter:
                if duration is not None and time.perf_counter() - t0 > duration:
                    break
                if rate:
                    await asyncio.sleep(max(0.0, t0 + k / rate - time.perf_counter()))
                start = time.perf_counter()
                try:
                    r = await client.post("/v1/audits", files={"file": ("tiny.html", HTML, "text/html")})
                except httpx.HTTPError as exc:
                    errors += 1
                    print(f"submit failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                    continue
                latencies.append((time.perf_counter() - start) * 1000)
                if phases is not None:
                    for name, ms in parse_server_timing(r.headers.get("server-timing", "")).items():
                        phases.setdefault(name, []).append(ms)
                if r.status_code == 202:
                    ids.append(r.json()["id"])
                else:
                    errors += 1

        await asyncio.gather(*(one_client() for _ in range(concurrency)))
    return latencies, ids, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=500, help="jobs to submit")
    parser.add_argument("-c", type=int, default=20, help="concurrent clients")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--api-workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--duration", type=float, default=None,
                        help="submit for this many seconds (closed loop) instead of -n jobs")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for all jobs")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="run the worker at this nice level, as `access serve` does (0: same priority)")
    parser.add_argument("--quota-checks", action="store_true",
                        help="set limits too high to refuse anything, so every submission runs the locked check")
    parser.add_argument("--rate", type=float, default=None,
                        help="pace submissions to this many per second in total (default: as fast as answered)")
    args = parser.parse_args()

    db = f"access_bench_{uuid.uuid4().hex[:10]}"
    prefix = f"access-bench-{uuid.uuid4().hex[:8]}:"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    tmp = Path(tempfile.mkdtemp(prefix="access-bench-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env.update({"ACCESS_DATA_DIR": str(tmp / "data"), "ACCESS_PORT": str(port),
                "ACCESS_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}",
                "ACCESS_BROKER_URL": "redis://127.0.0.1:6379/0", "ACCESS_BROKER_KEY_PREFIX": prefix,
                "ACCESS_LOG_LEVEL": "WARNING",
                # one tenant sends every job: its quotas are lifted, or set out of reach
                **{f"ACCESS_QUOTA_{name}": "1000000000" if args.quota_checks else "0"
                   for name in ("JOBS_PER_MINUTE", "CONCURRENT_JOBS", "BYTES_PER_DAY")}})
    procs: list[subprocess.Popen[bytes]] = []
    try:
        key = subprocess.run([sys.executable, "-m", "access.cli", "keys", "create", "--tenant", "bench"],
                             env=env, cwd=tmp, capture_output=True, text=True, check=True).stdout.strip()
        log = (tmp / "processes.log").open("wb")
        procs.append(subprocess.Popen(      # `access serve` as deployed: its HTTP edge, N API processes
            [sys.executable, "-m", "access.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.api_workers)],
            env={**env, "ACCESS_EMBEDDED_WORKER": "false"}, cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True))
        nice = args.worker_nice
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "access.cli", "worker", "--concurrency", str(args.worker_concurrency)],
            env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=(lambda: os.nice(nice)) if nice else None))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the API did not become ready")
            time.sleep(0.2)
        # warm up: one job through the whole path (loads the plugins in the worker)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
            warm = client.post("/v1/audits", files={"file": ("w.html", HTML, "text/html")}).json()["id"]
            while client.get(f"/v1/jobs/{warm}").json()["status"] not in ("succeeded", "failed"):
                time.sleep(0.1)

        started = time.perf_counter()
        phases: dict[str, list[float]] = {}
        latencies, ids, errors = asyncio.run(submit_all(base, key, args.n, args.c, args.rate, args.duration,
                                                        phases))
        submitted_n = len(latencies)
        submitted = time.perf_counter()
        target = 100 if args.duration else 50
        counts: dict[str, int] = {}
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}") as conn:
            while time.perf_counter() - started < args.timeout:
                rows = conn.execute("SELECT status, count(*) FROM jobs WHERE id = ANY(%s) GROUP BY status",
                                    (ids,)).fetchall()
                conn.commit()
                counts = {status: int(n) for status, n in rows}
                if counts.get("queued", 0) + counts.get("running", 0) == 0:
                    break
                time.sleep(0.05)
            last_finish = conn.execute("SELECT max(finished_at) - min(created_at) FROM jobs WHERE id = ANY(%s)",
                                       (ids,)).fetchone()[0]
        finished = time.perf_counter()
        succeeded = counts.get("succeeded", 0)
        span = last_finish.total_seconds() if last_finish else finished - started
        result = {
            "benchmark": "api_throughput",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            "deployment": f"access serve --workers {args.api_workers} + access worker (prefork -c "
                          f"{args.worker_concurrency}, nice {args.worker_nice}), Redis broker, "
                          "PostgreSQL job store, all on this machine",
            "jobs": submitted_n, "clients": args.c, "paced_rate_per_s": args.rate, "duration_s": args.duration,
            "submit_ms": {"p50": round(statistics.median(latencies), 1), "p90": round(percentile(latencies, 90), 1),
                          "p99": round(percentile(latencies, 99), 1), "max": round(max(latencies), 1)},
            "submit_per_s": round(submitted_n / (submitted - started), 1),
            "server_phases_ms": {name: {"p50": round(statistics.median(v), 2), "p99": round(percentile(v, 99), 2)}
                                 for name, v in phases.items()},
            "end_to_end_jobs_per_s": round(len(ids) / span, 1) if span else None,
            "statuses": counts, "submit_errors": errors,
            "lost_jobs": len(ids) - sum(counts.values()) + counts.get("queued", 0) + counts.get("running", 0),
            "target": {"submit_p99_ms_below": target, "met": percentile(latencies, 99) < target},
        }
        assert succeeded + counts.get("failed", 0) <= submitted_n
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)

    print(f"{'jobs':<24}{result['jobs']}\n{'concurrent clients':<24}{result['clients']}")
    for name in ("p50", "p90", "p99", "max"):
        print(f"{'submit ' + name + ' (ms)':<24}{result['submit_ms'][name]}")
    print(f"{'submits/s':<24}{result['submit_per_s']}")
    for name, q in result["server_phases_ms"].items():
        print(f"{'  ' + name + ' p50/p99 (ms)':<24}{q['p50']} / {q['p99']}")
    print(f"{'end-to-end jobs/s':<24}{result['end_to_end_jobs_per_s']}")
    print(f"{'statuses':<24}{result['statuses']}")
    print(f"{'lost jobs':<24}{result['lost_jobs']}")
    print(f"{'target p99 < ' + str(result['target']['submit_p99_ms_below']) + ' ms':<24}"
          f"{'met' if result['target']['met'] else 'NOT met'}")
    print(f"{'paced rate (/s)':<24}{args.rate or 'none (closed loop)'}")
    suffix = ((f"-rate{args.rate:g}" if args.rate else "") + (f"-{args.duration:g}s" if args.duration else "")
              + (f"-api{args.api_workers}" if args.api_workers > 1 else ""))
    out = REPO / "bench" / "results" / f"api_throughput-c{args.c}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
