"""In-process API fixtures: the real app (real store, real embedded broker, real plugins) driven
through Starlette's TestClient. Jobs are run in-process with access.jobs when a test needs a result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from access.config import Settings
from access.jobs import Runtime
from api.app import create_app


@pytest.fixture(scope="module")
def api_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("api") / "data"
    return Settings(_env_file=None, data_dir=data, max_upload_bytes=4096, public_url="http://testserver")


@pytest.fixture(scope="module")
def app_client(api_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as client:
        yield client


@pytest.fixture(scope="module")
def runtime(api_settings: Settings, app_client: TestClient) -> Runtime:
    return Runtime.from_settings(api_settings)


@pytest.fixture(scope="module")
def keys(runtime: Runtime) -> dict[str, str]:
    return {tenant: runtime.store.create_api_key(tenant) for tenant in ("alpha", "beta")}


@pytest.fixture
def alpha(keys: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {keys['alpha']}"}


@pytest.fixture
def beta(keys: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {keys['beta']}"}


def data_path(settings: Settings) -> Path:
    return settings.files_dir
