"""Real Celery workers on Redis + PostgreSQL: a running job is cancelled through its row, and a
job whose worker is killed with SIGKILL mid-task is completed by the next worker (acks_late +
reject_on_worker_lost + Redis visibility timeout)."""

from __future__ import annotations

import time

import pytest

from access.models import JobKind
from access.queue import RUN_JOB_TASK, make_celery, send_job

VISIBILITY = 3          # seconds before a lost worker's task is handed out again


def html_job(dep, store, html: bytes) -> str:
    job, _ = store.create_job(tenant="ops", kind=JobKind.AUDIT, options={}, input={})
    path = dep.settings().files_dir / "ops" / job.id / "input" / "lesson.html"
    path.parent.mkdir(parents=True)
    path.write_bytes(html)
    with store.sessions.begin() as s:
        s.get(type(job), job.id).input = {"path": str(path), "filename": "lesson.html", "format": "html"}
    return job.id


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def wait_status(dep, store, job_id: str, statuses: tuple[str, ...], timeout: float = 60):
    return wait_for(lambda: (j := store.get_job(job_id)) is not None and j.status in statuses and j,
                    timeout, f"job {job_id} in {statuses}")


def running_job(dep, store, celery, html: bytes) -> str:
    """An HTML audit sent to the workers, once one of them runs it."""
    job_id = html_job(dep, store, html)
    send_job(celery, RUN_JOB_TASK, job_id, "documents", task_id=job_id)
    wait_status(dep, store, job_id, ("running",))
    return job_id


def survives_sigkill(dep, store, worker, job_id: str) -> None:
    """The worker running ``job_id`` dies with SIGKILL mid-task; a new worker completes the job."""
    dep.kill(worker)
    assert store.get_job(job_id).status == "running"
    dep.start_worker(concurrency=1)
    job = wait_status(dep, store, job_id, ("succeeded", "failed"), timeout=60)
    assert job.status == "succeeded", (job.error_code, job.error_message)
    assert job.attempts == 2, "run once by the killed worker, once by the new one"


@pytest.mark.redis
@pytest.mark.postgres
def test_cancel_running_then_survive_sigkill(deployment_factory, pg_database_factory, redis_prefix,
                                             sample_html: bytes) -> None:
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}recovery:", broker_visibility_timeout=VISIBILITY,
                             progress_interval=0.1)
    store = dep.store()
    celery = make_celery(dep.settings())
    slow = dep.start_worker(concurrency=1, debug_task_delay=60)

    # 1. a running job is cancelled: the task sees its row and stops within a moment
    cancelled = running_job(dep, store, celery, sample_html)
    assert store.cancel(cancelled)
    celery.control.revoke(cancelled)
    assert "Task access.run_job" in wait_status_log(dep, slow, f"Task access.run_job[{cancelled}] succeeded")

    # 2. the worker dies with SIGKILL mid-task; a new worker completes the job
    survives_sigkill(dep, store, slow, running_job(dep, store, celery, sample_html))
    assert store.get_job(cancelled).status == "cancelled"
    store.dispose()
    dep.stop()


def wait_status_log(dep, proc, needle: str, timeout: float = 20) -> str:
    return wait_for(lambda: needle in dep.log(proc) and dep.log(proc), timeout, needle)


def test_embedded_broker_job_survives_sigkill(deployment_factory, sample_html: bytes) -> None:
    """The embedded (SQLite) broker does not redeliver a lost worker's message: the next worker
    sends every job left running again when it starts."""
    dep = deployment_factory()
    store = dep.store()
    celery = make_celery(dep.settings())
    slow = dep.start_worker(concurrency=1, debug_task_delay=60)
    survives_sigkill(dep, store, slow, running_job(dep, store, celery, sample_html))
    store.dispose()
    dep.stop()
