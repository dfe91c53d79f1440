"""Two tenants on one queue, one bursting: shared by the fair-scheduling test and
bench/fairness.py. Every job is submitted through :mod:`access.submission` (quotas and
priorities as in production) before the worker starts, so the queue holds them all at once."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from access.jobs import Runtime
from access.models import JobKind, JobStatus
from access.queue import CeleryQueue, make_celery
from access.submission import submit_file

HTML = (b"<!DOCTYPE html><html lang='en'><head><title>Lesson</title></head><body><main><h1>Lesson</h1>"
        b"<p>Half of two is one.</p></main></body></html>")


@dataclass
class Outcome:
    burst_started_before: int      # the bursting tenant's jobs that started before the lone job
    lone_wait: float               # seconds from the worker's first start of a job to the lone job's start
    lone_status: str


def burst_and_lone(dep, burst: int, concurrency: int = 1, timeout: float = 120) -> Outcome:
    """``burst`` jobs of tenant ``burst`` then one job of tenant ``lone``; a worker with
    ``concurrency`` slots starts once all are queued. Returns when the lone job has ended, after
    cancelling what is left of the burst."""
    settings = dep.settings()
    celery = make_celery(settings)
    rt = Runtime.from_settings(settings, queue=CeleryQueue(celery))
    try:
        burst_ids = [submit_file(rt, "burst", JobKind.AUDIT, io.BytesIO(HTML), f"lesson-{i}.html", [], None)[0].id
                     for i in range(burst)]
        lone, _ = submit_file(rt, "lone", JobKind.AUDIT, io.BytesIO(HTML), "lesson.html", [], None)
        worker = dep.start_worker(concurrency=concurrency)
        deadline = time.monotonic() + timeout
        while (job := rt.store.get_job(lone.id)) is not None and not job.job_status.finished:
            assert time.monotonic() < deadline, f"the lone job never ended:\n{dep.log(worker)[-3000:]}"
            time.sleep(0.05)
        assert job is not None and job.started_at is not None
        for job_id in burst_ids:
            rt.store.cancel(job_id)
        ahead = [j for j in (rt.store.get_job(i) for i in burst_ids)
                 if j is not None and j.started_at is not None and j.started_at < job.started_at]
        first = min([job.started_at, *(j.started_at for j in ahead if j.started_at)])
        dep.stop()
        return Outcome(len(ahead), (job.started_at - first).total_seconds(), JobStatus(job.status).value)
    finally:
        rt.store.dispose()
        celery.close()
