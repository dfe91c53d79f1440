"""``access worker``: a Celery worker on this package's tasks (added to the CLI through the
``access.commands`` entry points)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from access.config import Settings, get_settings, redact_url
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
    queues: Annotated[str | None, typer.Option("--queues", metavar="QUEUES", help=(
        "Comma-separated queues: default, browser, documents, media (default: all)."))] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", min=1, metavar="N",
                                                    help="Worker processes (default 2).")] = None,
) -> None:
    """Run a Celery worker (all queues unless --queues)."""
    from rich.console import Console

    from access.metrics import enable_multiprocess
    from access.store import migrate

    settings = get_settings()
    enable_multiprocess(settings)        # the worker and its pool processes write their metrics there
    migrate(settings.resolved_database_url)
    err = Console(stderr=True)
    err.print(f"database: {redact_url(settings.resolved_database_url)}", soft_wrap=True, highlight=False,
              markup=False)
    err.print(f"broker: {redact_url(settings.resolved_broker_url)}", soft_wrap=True, highlight=False, markup=False)
    argv = worker_argv(settings, queues, concurrency)
    os.execv(argv[0], argv)


WORKER = Command("worker", worker, "Run a Celery worker (all queues unless --queues).")
