"""The tasks: thin. Each takes a job id and hands it to ``access.jobs``; results live in the job
store, never in a Celery result backend."""

from __future__ import annotations

import logging
from typing import Any

from celery import signals

from access import jobs
from access.config import get_settings
from access.errors import EngineUnavailable
from access.queue import AUDIT_TASK, CONVERT_TASK, WEBHOOK_TASK, send_job
from access.store import Job
from access.webhooks import DeliveryFailed, deliver
from workers.celery_app import app

log = logging.getLogger(__name__)
_runtime: jobs.Runtime | None = None


def runtime() -> jobs.Runtime:
    """One store/storage per worker process, created after the fork."""
    global _runtime
    if _runtime is None:
        _runtime = jobs.Runtime.from_settings(get_settings(), migrate=False)
        _runtime.on_finished = _schedule_webhook
    return _runtime


@signals.worker_process_init.connect
def _reset_after_fork(**_: Any) -> None:
    global _runtime
    _runtime = None


def _schedule_webhook(job: Job) -> None:
    send_job(app, WEBHOOK_TASK, job.id, "default")


def _run(task: Any, job_id: str) -> None:
    jobs.run_job(job_id, runtime(), may_retry=task.request.retries < task.max_retries)


@app.task(name=AUDIT_TASK, bind=True, autoretry_for=(EngineUnavailable,), retry_backoff=5,
          retry_jitter=True, max_retries=3)
def audit(self: Any, job_id: str) -> None:
    _run(self, job_id)


@app.task(name=CONVERT_TASK, bind=True, autoretry_for=(EngineUnavailable,), retry_backoff=5,
          retry_jitter=True, max_retries=3)
def convert(self: Any, job_id: str) -> None:
    _run(self, job_id)


@app.task(name=WEBHOOK_TASK)
def webhook(job_id: str) -> None:
    rt = runtime()
    job = rt.store.get_job(job_id)
    if job is None or not job.callback_url:
        return
    settings = rt.settings
    secret = rt.store.webhook_secret(job.tenant) or settings.webhook_secret or ""
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    try:
        deliver(job.callback_url, jobs.job_json(job, base), secret, attempts=settings.webhook_attempts,
                timeout=settings.webhook_timeout)
    except DeliveryFailed as exc:
        log.warning("job %s: %s", job_id, exc)


@signals.worker_ready.connect
def _recover_orphans(**_: Any) -> None:
    """Embedded broker: a message taken by a worker that died is not redelivered, so at start
    the (single) embedded worker sends again every job left running."""
    settings = get_settings()
    if not settings.embedded_broker:
        return
    rt = jobs.Runtime.from_settings(settings, migrate=False)
    try:
        for job in jobs.orphaned_jobs(rt.store):
            if rt.store.requeue(job.id):
                log.warning("job %s was left running by a lost worker: sending it again", job.id)
                send_job(app, job.task or AUDIT_TASK, job.id, job.queue or "documents", task_id=job.id)
    finally:
        rt.store.dispose()
