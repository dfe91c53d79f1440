"""The reliability suite (issue 14): each defect an adversarial run found, replayed against real
services (PostgreSQL, Redis, RabbitMQ, real worker and API processes) with a bound on time.
Every test here is marked ``reliability``; run them with ``pytest tests/reliability``."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest

from access.models import JobKind
from tests.conftest import wait_for

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/reliability/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def rabbitmq_vhost() -> Iterator[Callable[[], str]]:
    """Call it for the URL of a new RabbitMQ virtual host of its own (deleted at the end), so the
    queues of a test are nobody else's."""
    made: list[str] = []

    def ctl(*args: str) -> None:
        subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)

    def make() -> str:
        name = f"access-test-{uuid.uuid4().hex[:10]}"
        try:
            ctl("add_vhost", name)
            ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"RabbitMQ cannot be administered here ({exc})")
        made.append(name)
        return RABBITMQ_URL + name

    yield make
    for name in made:
        subprocess.run(["rabbitmqctl", "delete_vhost", name], capture_output=True, timeout=60)


def html_job(dep: Any, store: Any, html: bytes, tenant: str = "ops") -> str:
    """A queued HTML audit with its file in place (not sent)."""
    job, _ = store.create_job(tenant=tenant, kind=JobKind.AUDIT, options={}, input={}, queue="documents")
    path = dep.settings().files_dir / tenant / job.id / "input" / "lesson.html"
    path.parent.mkdir(parents=True)
    path.write_bytes(html)
    with store.sessions.begin() as s:
        s.get(type(job), job.id).input = {"path": str(path), "filename": "lesson.html", "format": "html"}
    return job.id


# tests.conftest.wait_for, polling every 0.2 s (real processes and services take their time)
wait_until = partial(wait_for, interval=0.2)
