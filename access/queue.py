"""The one queue adapter: the Celery app built from settings, and :class:`CeleryQueue`, which sends
a job's work by task name (the sender never imports the task's code). ``workers`` defines the tasks
on this app; the API, the web app and the job runner send through :class:`access.jobs.JobQueue`, so
Celery appears nowhere else outside ``workers/``.

Queues: ``browser`` (headless Chromium work), ``documents`` (PDF/Office/HTML audits and
conversions), ``media`` (speech), and ``default`` (webhooks and small chores).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from celery import Celery
from kombu import Queue

from access.config import Settings, get_settings

QUEUES = ("default", "browser", "documents", "media")
RUN_JOB_TASK = "access.run_job"          # a job from its start (discovery) to its end, or its plan's start
RUN_UNITS_TASK = "access.run_units"      # some units of a fanned-out audit
WEBHOOK_TASK = "access.webhook"


def _configure_embedded_transport(settings: Settings) -> None:
    """kombu 5.7 hands a ``polling_interval`` broker option to SQLAlchemy's create_engine and the
    worker crashes (shared/FIELD-NOTES.md); the interval is set on the transport class instead."""
    from kombu.transport import sqlalchemy as sqla_transport

    sqla_transport.Transport.polling_interval = settings.broker_polling_interval
    settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    url = settings.resolved_broker_url
    if url.startswith(("redis://", "rediss://", "redis+socket://")):
        vt = settings.broker_visibility_timeout
        options: dict[str, Any] = {
            "visibility_timeout": vt,
            # one Redis list per priority level 0 (taken first) ... 9: fair scheduling between tenants
            "priority_steps": list(range(10)),
            # how soon a new worker looks for tasks a lost worker left unacknowledged
            "unacked_restore_interval": max(1, min(10, vt // 3)),
            "unacked_restore_throttle": 1 if vt < 60 else 10,
        }
        if settings.broker_key_prefix:
            options["global_keyprefix"] = settings.broker_key_prefix
        return options
    return {}


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    if settings.embedded_broker:
        _configure_embedded_transport(settings)
    app = Celery("access", broker=settings.resolved_broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_time_limit=settings.task_time_limit,
        task_soft_time_limit=settings.task_soft_time_limit,
        task_default_queue="default",
        task_queues=[Queue(q, routing_key=q) for q in QUEUES],
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options=broker_transport_options(settings),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        worker_enable_remote_control=not settings.embedded_broker,
        enable_utc=True,
    )
    return app


@lru_cache
def get_celery() -> Celery:
    return make_celery(get_settings())


def send_job(app: Celery, task: str, job_id: str, queue: str, *, task_id: str | None = None,
             priority: int = 0) -> None:
    """Enqueue one job by task name. A job's own task carries the job id as task id, so cancelling
    can revoke it. ``priority``: 0 (first) to 9 (last), honoured on Redis (fair scheduling between
    tenants, :mod:`access.quotas`); the embedded broker keeps its queues in order."""
    app.send_task(task, args=[job_id], queue=queue, routing_key=queue, task_id=task_id, priority=priority)


class CeleryQueue:
    """:class:`access.jobs.JobQueue` over Celery."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def send_job(self, job: Any) -> None:
        send_job(self.app, RUN_JOB_TASK, job.id, job.queue or "documents", task_id=job.id,
                 priority=getattr(job, "priority", 0))

    def send_units(self, job: Any, keys: list[str]) -> None:
        queue = job.queue or "documents"
        self.app.send_task(RUN_UNITS_TASK, args=[job.id, keys], queue=queue, routing_key=queue,
                           priority=getattr(job, "priority", 0))

    def send_webhook(self, job_id: str, message_id: str | None = None, countdown: float = 0) -> None:
        self.app.send_task(WEBHOOK_TASK, args=[job_id, message_id], queue="default", routing_key="default",
                           countdown=countdown or None)

    def revoke(self, job_id: str) -> None:
        self.app.control.revoke(job_id)

    @property
    def has_broker_fanout(self) -> bool:
        """Whether units may fan out over several workers (not with the embedded one-worker broker)."""
        return not self.app.conf.broker_url.startswith("sqla+")


def queue_depths(app: Celery) -> dict[str, int]:
    """Messages waiting per queue (not counting those a worker has taken)."""
    depths: dict[str, int] = {}
    with app.connection_for_read() as conn:
        channel = conn.default_channel
        for name in QUEUES:
            try:
                depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
            except Exception:        # a queue nobody declared yet is empty
                depths[name] = 0
    return depths


def ping_broker(app: Celery, timeout: float = 2.0) -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        conn.default_channel  # noqa: B018 - opening a channel proves the broker answers
