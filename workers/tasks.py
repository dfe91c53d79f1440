"""The tasks: thin. Each takes a job id (and, for the units of a fanned-out audit, their keys) and
hands it to ``access.jobs``; results live in the job store, never in a Celery result backend."""

from __future__ import annotations

import logging
from typing import Any

from celery import signals

from access import jobs, limits, logs, webhooks
from access.config import get_settings
from access.errors import EngineUnavailable
from access.queue import RUN_JOB_TASK, RUN_UNITS_TASK, WEBHOOK_TASK, CeleryQueue
from workers.celery_app import app

log = logging.getLogger(__name__)
_runtime: jobs.Runtime | None = None
# Task names of the first wave, still accepted for messages queued before an upgrade.
OLD_JOB_TASKS = ("access.audit", "access.convert", "access.web.audit_site")


def runtime() -> jobs.Runtime:
    """One store/storage per worker process, created after the fork."""
    global _runtime
    if _runtime is None:
        _runtime = jobs.Runtime.from_settings(get_settings(), migrate=False, queue=CeleryQueue(app))
    return _runtime


@signals.worker_process_init.connect
def _reset_after_fork(**_: Any) -> None:
    """A new pool process: a fresh runtime, and the job memory ceiling (access.limits) on it."""
    global _runtime
    _runtime = None
    limits.apply_memory_ceiling(get_settings().job_memory_limit)


@signals.worker_process_shutdown.connect
def _close_auditors(**_: Any) -> None:
    """A pool process ends: let the auditors it loaded release what they hold (browsers); forked
    pool processes skip atexit."""
    if _runtime is not None:
        jobs.close_auditors(_runtime)


def _may_retry(task: Any) -> bool:
    return bool(task.request.retries < task.max_retries)


RETRY = {"bind": True, "autoretry_for": (EngineUnavailable,), "retry_backoff": 5, "retry_jitter": True,
         "max_retries": 3}


@app.task(name=RUN_JOB_TASK, **RETRY)
def run_job(self: Any, job_id: str) -> None:
    jobs.run_job(job_id, runtime(), may_retry=_may_retry(self))


@app.task(name=RUN_UNITS_TASK, **RETRY)
def run_units(self: Any, job_id: str, keys: list[str]) -> None:
    jobs.run_units(job_id, keys, runtime(), token=self.request.id, may_retry=_may_retry(self))


for _old in OLD_JOB_TASKS:
    app.task(name=_old, **RETRY)(run_job.run)


@app.task(name=WEBHOOK_TASK, bind=True, max_retries=None)
def webhook(self: Any, job_id: str, message_id: str | None = None) -> None:
    """One delivery attempt of a webhook message; a failed one comes back as a Celery retry with
    the backoff as countdown (the delivery log in the job store decides when to give up). A
    message queued before messages existed (job id only) is made here."""
    rt = runtime()
    message_id = message_id or jobs.legacy_webhook_message(rt, job_id)
    if message_id is None:
        return
    job = rt.store.get_job(job_id)
    with logs.bound(job_id=job_id, tenant=job.tenant if job is not None else None):
        wait = webhooks.deliver(rt.store, rt.settings, message_id)
    if wait is not None:
        raise self.retry(args=[job_id, message_id], countdown=wait)


@signals.worker_ready.connect
def _recover_orphans(**_: Any) -> None:
    """Embedded broker: a message taken by a worker that died is not redelivered, so at start
    the (single) embedded worker sends again every job left running."""
    settings = get_settings()
    if not settings.embedded_broker:
        return
    rt = jobs.Runtime.from_settings(settings, migrate=False, queue=CeleryQueue(app))
    try:
        for job in jobs.orphaned_jobs(rt.store):
            if rt.store.requeue(job.id):
                log.warning("job %s was left running by a lost worker: sending it again", job.id)
                assert rt.queue is not None
                rt.queue.send_job(job)
        if sent := jobs.resend_due_webhooks(rt):
            log.warning("%d webhook message(s) left pending by a lost worker: sent again", sent)
    finally:
        rt.store.dispose()
