"""The tasks: thin. Each takes a job id (and, for the units of a fanned-out audit, their keys) and
hands it to ``access.jobs``; results live in the job store, never in a Celery result backend."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from celery import signals

from access import jobs, limits, logs, webhooks
from access.config import get_settings
from access.errors import EngineUnavailable, StoreUnavailable
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
    """A pool process starts: its own store, the parent's connections left alone (never closed
    from here, which would break them for the parent), and the job memory ceiling (access.limits)."""
    global _runtime
    _runtime = None
    if _sweeper is not None:
        _sweeper.store.engine.dispose(close=False)
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


STORE_RETRY_MAX = 1000           # the database away: the task comes again (30 s apart at most) for hours


def _retry_store(task: Any, exc: StoreUnavailable) -> Any:
    """The job store is away: the task comes back later, however long that takes (the job is
    never failed for it), sooner at first."""
    countdown = min(30, 2 ** min(task.request.retries, 5))
    return task.retry(exc=exc, countdown=countdown, max_retries=STORE_RETRY_MAX)


@app.task(name=RUN_JOB_TASK, **RETRY)
def run_job(self: Any, job_id: str) -> None:
    try:
        jobs.run_job(job_id, runtime(), may_retry=_may_retry(self))
    except StoreUnavailable as exc:
        raise _retry_store(self, exc) from exc


@app.task(name=RUN_UNITS_TASK, **RETRY)
def run_units(self: Any, job_id: str, keys: list[str]) -> None:
    try:
        jobs.run_units(job_id, keys, runtime(), token=self.request.id, may_retry=_may_retry(self))
    except StoreUnavailable as exc:
        raise _retry_store(self, exc) from exc


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
def _start_sweeper(**_: Any) -> None:
    """Every worker looks for jobs lost with their worker (:mod:`access.leases`) at its start and
    then every ``lease_sweep_interval`` seconds, in a thread of its main process; the embedded
    broker does not redeliver what a lost worker held, so its pending webhooks are sent again too."""
    global _sweeper
    settings = get_settings()
    rt = jobs.Runtime.from_settings(settings, migrate=False, queue=CeleryQueue(app))
    _sweeper = rt
    if settings.embedded_broker:
        try:
            if sent := jobs.resend_due_webhooks(rt):
                log.warning("%d webhook message(s) left pending by a lost worker: sent again", sent)
        except Exception:
            log.exception("could not send the pending webhook messages again")
    threading.Thread(target=_sweep_forever, args=(rt,), name="access-sweeper", daemon=True).start()


_sweeper: jobs.Runtime | None = None


def _sweep_forever(rt: jobs.Runtime) -> None:
    while True:
        try:
            jobs.sweep_lost_jobs(rt)
        except Exception as exc:         # the database or the broker is away: the next sweep tries again
            log.warning("could not look for lost jobs: %s: %s", type(exc).__name__, str(exc)[:200])
        time.sleep(rt.settings.lease_sweep_interval)
