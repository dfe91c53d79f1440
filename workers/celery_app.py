"""The Celery app the workers run: ``celery -A workers.celery_app worker`` (``access worker`` does it)."""

from __future__ import annotations

import importlib
from typing import Any

from celery import signals

from access.config import get_settings
from access.logs import configure_logging
from access.metrics import start_heartbeat
from access.queue import make_celery

app = make_celery(get_settings())


@signals.setup_logging.connect
def _json_logs(**_: Any) -> None:
    """Celery's lines and ours, as JSON with the job id and tenant (access.logs), not Celery's format."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)


@signals.worker_ready.connect
def _heartbeat(**_: Any) -> None:
    """The worker says it is alive every few seconds (the 'worker down' alert reads it)."""
    start_heartbeat()


TASK_MODULES = ["workers.tasks"]
for _name in TASK_MODULES:
    importlib.import_module(_name)
