"""End to end: POST /v1/conversions to a real API process, a real Celery worker converts, the
job record carries the quality gate and the files download (Redis broker + PostgreSQL)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def deployment(deployment_factory: Any, pg_database_factory: Any, redis_prefix: str) -> Iterator[Any]:
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}convert-core:", embedded_worker="false")
    dep.worker = dep.start_worker(concurrency=1, wait=False)
    dep.start_api()
    dep.wait_worker(dep.worker)
    yield dep
    dep.stop()


@pytest.mark.redis
@pytest.mark.postgres
def test_docx_to_html_and_epub_through_api_and_worker(deployment: Any, lesson_docx: Path) -> None:
    store = deployment.store()
    try:
        key = store.create_api_key("convert-core")
    finally:
        store.dispose()
    with deployment.client(key) as client:
        r = client.post("/v1/conversions", data={"targets": "html,epub"},
                        files={"file": ("cells.docx", lesson_docx.read_bytes(),
                                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
        assert r.status_code == 202, r.text
        job = deployment.wait_job(client, r.json()["id"], timeout=180)
        assert job["status"] == "succeeded", job
        gate = job["result"]["gate"]
        assert gate["html"]["passed"] and gate["epub"]["passed"], gate
        assert gate["html"]["needs_review"]                      # the image without alt text
        names = {a["name"]: a for a in job["artifacts"]}
        assert {"cells.html", "cells.epub"} <= set(names)
        page = client.get(names["cells.html"]["url"])
        assert page.status_code == 200 and b'<html lang="en-US">' in page.content
        epub = client.get(names["cells.epub"]["url"])
        with zipfile.ZipFile(BytesIO(epub.content)) as zf:
            assert zf.read("mimetype") == b"application/epub+zip"
