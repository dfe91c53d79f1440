"""Web app fixtures: the real app (real store, embedded broker, plugins) through Starlette's
TestClient, with browsers that sign in through the sign-in form; jobs run in-process with
access.jobs when a test needs a result."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from access.config import Settings
from access.jobs import Runtime, run_job
from api.app import create_app

LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("webapp") / "data"
    return Settings(_env_file=None, data_dir=data, max_upload_bytes=LIMIT, share_secret="s" * 40)


@pytest.fixture(scope="module")
def web_app(web_settings: Settings) -> Iterator[object]:
    app = create_app(web_settings)
    with TestClient(app):
        yield app


@pytest.fixture(scope="module")
def runtime(web_settings: Settings, web_app: object) -> Runtime:
    return Runtime.from_settings(web_settings)


@pytest.fixture(scope="module")
def keys(runtime: Runtime) -> dict[str, str]:
    return {tenant: runtime.store.create_api_key(tenant) for tenant in ("alpha", "beta")}


def csrf(client: TestClient) -> str:
    """The browser's CSRF token (a page must have been loaded once)."""
    token = client.cookies.get("access_csrf")
    if token is None:
        client.get("/sign-in")
        token = client.cookies.get("access_csrf")
    assert token
    return token


def sign_in(client: TestClient, key: str) -> TestClient:
    r = client.post("/sign-in", data={"key": key, "csrf_token": csrf(client), "next": "/"})
    assert r.status_code == 200 and r.url.path == "/", r.text[:500]
    return client


@pytest.fixture
def browser(web_app: object) -> Iterator[Callable[..., TestClient]]:
    """A new browser (its own cookie jar), signed in with ``key`` when one is given."""
    made: list[TestClient] = []

    def make(key: str | None = None, base_url: str = "http://testserver") -> TestClient:
        client = TestClient(web_app, base_url=base_url)    # type: ignore[arg-type]
        made.append(client)
        return sign_in(client, key) if key else client

    yield make
    for client in made:
        client.close()


def run(runtime: Runtime, job_id: str) -> None:
    """Run a submitted job in this process, as a worker would."""
    run_job(job_id, runtime)


def job_id_of(url: object) -> str:
    path = Path(str(getattr(url, "path", url)))
    assert path.parent.name == "jobs", path
    return path.name
