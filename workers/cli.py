"""``access worker``: a Celery worker on this package's tasks (added to the CLI through the
``access.commands`` entry points)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from access.config import Settings, get_settings
from access.registry import Command

WORKER_APP = "workers.celery_app"


def worker_argv(settings: Settings, queues: str | None, concurrency: int | None,
                loglevel: str | None = None) -> list[str]:
    from access.queue import QUEUES  # Celery loads only when a worker starts, not for `access --help`

    return [sys.executable, "-m", "celery", "-A", WORKER_APP, "worker",
            "-Q", queues or ",".join(QUEUES), "-c", str(concurrency or settings.worker_concurrency),
            "--loglevel", (loglevel or settings.log_level).upper(), "-n", f"access-{os.getpid()}@%h",
            "--without-gossip", "--without-mingle"]


def worker(
    queues: Annotated[str | None, typer.Option(help="Comma-separated queues (default: all).")] = None,
    concurrency: Annotated[int | None, typer.Option(min=1, help="Worker processes.")] = None,
) -> None:
    """Run a Celery worker (all queues unless --queues)."""
    from access.store import migrate

    settings = get_settings()
    migrate(settings.resolved_database_url)
    argv = worker_argv(settings, queues, concurrency)
    os.execv(argv[0], argv)


WORKER = Command("worker", worker, "Run a Celery worker (all queues unless --queues).")
