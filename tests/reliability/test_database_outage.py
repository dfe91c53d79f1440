"""Issue 14: a PostgreSQL outage fails no valid job and the API never answers 500. First every
connection of the service is killed (``pg_terminate_backend``) again and again while jobs are
submitted and run; then the database refuses connections for longer than the store's retries
(the API answers 503 meanwhile) and every job still ends ``succeeded`` once it is back."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import PG_ADMIN_URL
from tests.reliability.conftest import wait_until

JOBS = 12


def _kill_connections(database: str) -> int:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", (database,)).fetchall()
    return len(rows)


def _allow_connections(database: str, allow: bool) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"true" if allow else "false"}')


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(300)
def test_database_outage_fails_no_job_and_no_request(deployment_factory, pg_database_factory, redis_prefix,
                                                     sample_html: bytes) -> None:
    url = pg_database_factory()
    database = url.rsplit("/", 1)[1]
    dep = deployment_factory(database_url=url, broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}pg-outage:", progress_interval=0.05)
    store = dep.store()
    key = store.create_api_key("ops")
    store.dispose()
    dep.start_api()
    dep.start_worker(concurrency=2)
    answers: list[int] = []
    stop = threading.Event()

    def poll(client: httpx.Client, ids: list[str]) -> None:
        while not stop.is_set():
            for job_id in list(ids):
                try:
                    answers.append(client.get(f"/v1/jobs/{job_id}").status_code)
                except httpx.HTTPError:
                    answers.append(-1)
            time.sleep(0.05)

    with dep.client(key) as client:
        ids: list[str] = []
        poller = threading.Thread(target=poll, args=(client, ids), daemon=True)
        poller.start()
        # 1. connections killed under the service's feet, over and over, while it works
        killed = 0
        for i in range(JOBS):
            r = client.post("/v1/audits", files={"file": (f"lesson-{i}.html", sample_html, "text/html")})
            answers.append(r.status_code)
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
            if i % 3 == 0:
                killed += _kill_connections(database)
        for _ in range(6):
            time.sleep(0.3)
            killed += _kill_connections(database)
        assert killed > 0
        # 2. the database refuses every connection for longer than the store tries
        _allow_connections(database, False)
        try:
            _kill_connections(database)
            r = client.get(f"/v1/jobs/{ids[0]}")
            assert r.status_code == 503 and r.json()["error"]["code"] == "unavailable", r.text
            assert r.headers.get("Retry-After")
            time.sleep(4)
        finally:
            _allow_connections(database, True)

        def ended() -> list[dict[str, Any]] | None:
            views = [client.get(f"/v1/jobs/{j}").json() for j in ids]
            return views if all(v["status"] in ("succeeded", "failed", "cancelled") for v in views) else None

        views = wait_until(ended, 150, "every job to end", interval=1)
        stop.set()
        poller.join(timeout=10)
    assert [v["status"] for v in views] == ["succeeded"] * JOBS, [(v["id"], v["error"]) for v in views]
    assert 500 not in answers and -1 not in answers, sorted(set(answers))
    dep.stop()
