"""Shared test fixtures: fresh PostgreSQL databases, an isolated Redis key space, and real
deployments (uvicorn + Celery worker subprocesses) for end-to-end tests.

Everything here is real: PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 must be running
(``.ci/run`` starts them). Fixtures are cheap to request; the expensive ones are module-scoped in
the tests that use them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
REPO = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_database_factory() -> Iterator[Callable[[], str]]:
    """Call it to get the SQLAlchemy URL of a new, empty PostgreSQL database (dropped at the end)."""
    import psycopg

    created: list[str] = []

    def make() -> str:
        name = f"access_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    yield make
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------------- Redis


@pytest.fixture(scope="session")
def redis_prefix() -> Iterator[str]:
    """A key prefix no other test run uses; its keys are deleted at the end."""
    import redis

    prefix = f"access-test-{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


# ----------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


class Deployment:
    """An API and workers as real processes, with their own data dir, database and broker."""

    def __init__(self, root: Path, database_url: str | None = None, broker_url: str | None = None,
                 **settings: Any) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
        env.update({"ACCESS_DATA_DIR": str(self.data_dir), "ACCESS_LOG_LEVEL": "INFO",
                    "ACCESS_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8", "ACCESS_PORT": str(self.port),
                    "ACCESS_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1"})
        if database_url:
            env["ACCESS_DATABASE_URL"] = database_url
        if broker_url:
            env["ACCESS_BROKER_URL"] = broker_url
        for key, value in settings.items():
            env[f"ACCESS_{key.upper()}"] = str(value)
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Path] = {}

    # settings / store as the processes see them
    def settings(self) -> Any:
        from access.config import Settings

        values = {k[len("ACCESS_"):].lower(): v for k, v in self.env.items() if k.startswith("ACCESS_")}
        return Settings(_env_file=None, **values)

    def store(self) -> Any:
        from access.store import Store

        store = Store(self.settings().resolved_database_url)
        store.ensure_schema()
        return store

    def _spawn(self, argv: list[str], name: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = self.root / f"{name}-{len(self.procs)}.log"
        with log.open("wb") as fh:
            proc = subprocess.Popen(argv, cwd=self.root, env={**self.env, **(env or {})}, stdout=fh,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        self.logs[proc.pid] = log
        return proc

    def log(self, proc: subprocess.Popen[bytes]) -> str:
        return self.logs[proc.pid].read_text(errors="replace")

    def start_api(self) -> subprocess.Popen[bytes]:
        proc = self._spawn([sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
                            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"], "api")
        self.wait_http(proc)
        return proc

    def start_serve(self) -> subprocess.Popen[bytes]:
        """`access serve`: the API plus its embedded worker."""
        proc = self._spawn([sys.executable, "-m", "access.cli", "serve"], "serve")
        self.wait_http(proc)
        return proc

    def wait_http(self, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
        def up() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"process exited early:\n{self.log(proc)[-3000:]}")
            try:
                return httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, timeout, "the API")

    def start_worker(self, concurrency: int = 1, wait: bool = True, **settings: Any) -> subprocess.Popen[bytes]:
        env = {f"ACCESS_{k.upper()}": str(v) for k, v in settings.items()}
        proc = self._spawn([sys.executable, "-m", "access.cli", "worker", "--concurrency", str(concurrency)],
                           "worker", env)
        if wait:
            self.wait_worker(proc)
        return proc

    def wait_worker(self, proc: subprocess.Popen[bytes]) -> None:
        def ready() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"worker exited early:\n{self.log(proc)[-3000:]}")
            return " ready." in self.log(proc)

        wait_for(ready, 60, "the worker")

    def kill(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):      # orphaned pool children, if any
                os.killpg(proc.pid, signal.SIGKILL)

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def wait_job(self, client: httpx.Client, job_id: str, timeout: float = 60,
                 statuses: tuple[str, ...] = ("succeeded", "failed", "cancelled")) -> dict[str, Any]:
        def done() -> dict[str, Any] | None:
            job = client.get(f"/v1/jobs/{job_id}").json()
            return job if job.get("status") in statuses else None

        return wait_for(done, timeout, f"job {job_id} to reach {statuses}", interval=0.1)


@pytest.fixture(scope="session")
def deployment_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Deployment]]:
    """Build Deployments; every process they started is stopped at the end of the session."""
    made: list[Deployment] = []

    def make(**kwargs: Any) -> Deployment:
        dep = Deployment(tmp_path_factory.mktemp("deployment"), **kwargs)
        made.append(dep)
        return dep

    yield make
    for dep in made:
        dep.stop()


SAMPLE_HTML = (b"<!DOCTYPE html><html><head><title>Lesson</title></head><body><main><h1>Lesson 1</h1>"
               b"<img src=\"cell.png\"><a href=\"/next\"></a></main></body></html>")


@pytest.fixture(scope="session")
def sample_html() -> bytes:
    """A small HTML page with known problems (no lang, image without alt, empty link)."""
    return SAMPLE_HTML
