"""``access serve``: the HTTP API and, in embedded mode, a worker beside it (added to the CLI
through the ``access.commands`` entry points)."""

from __future__ import annotations

import signal
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from access.config import get_settings, redact_url
from access.registry import Command
from api.httpedge import uvicorn_options
from api.supervise import WorkerSupervisor, state_path

API_FACTORY = "api.app:create_app"
err = Console(stderr=True)


def serve(
    host: Annotated[str | None, typer.Option("--host", metavar="ADDRESS",
                                             help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", metavar="PORT", help="Port to listen on (default 8000).")]
    = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help=(
        "API processes (default 1, or ACCESS_API_WORKERS); the embedded worker stays one."))] = None,
) -> None:
    """Run the HTTP API (and, in embedded mode, a worker beside it)."""
    import uvicorn

    from access.logs import configure_logging
    from access.metrics import enable_multiprocess
    from access.store import migrate

    settings = get_settings()
    enable_multiprocess(settings)            # before anything records; the worker child inherits it
    configure_logging(settings.log_level, settings.log_format)
    migrate(settings.resolved_database_url)
    host, port = host or settings.host, port or settings.port
    say(f"database: {redact_url(settings.resolved_database_url)}")
    say(f"data folder: {settings.resolved_data_dir}")
    supervisor: WorkerSupervisor | None = None
    if settings.embedded_worker:
        supervisor = WorkerSupervisor([sys.executable, "-m", "access.cli", "worker"], state_path(settings))
        child = supervisor.start()
        say(f"started a worker (pid {child.pid}) on broker {redact_url(settings.resolved_broker_url)}")
    say(f"access API on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    say("create an API key with: access keys create --tenant NAME  (in a checkout: make key)")
    # uvicorn re-raises SIGTERM after its graceful shutdown: turn it into an exception so that the
    # worker is stopped below instead of the process dying on the spot.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(API_FACTORY, factory=True, host=host, port=port, log_level=settings.log_level.lower(),
                    log_config=None,         # uvicorn's lines go through access.logs (JSON, redacted)
                    workers=workers or settings.api_workers, **uvicorn_options(settings))
    finally:
        if supervisor is not None:
            supervisor.stop()


def say(message: str) -> None:
    """One plain line on standard error (never wrapped: logs and terminals alike)."""
    err.print(message, soft_wrap=True, highlight=False, markup=False)


def _exit_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


SERVE = Command("serve", serve, "Run the HTTP API (and, in embedded mode, a worker beside it).")
