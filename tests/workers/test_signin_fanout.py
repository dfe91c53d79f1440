"""A site behind a sign-in fanned out over two workers (Redis + PostgreSQL, headless Chromium): the
job task signs in once and seals the session into the discovery; both workers audit pages with it
(each notices the expired session and signs in again itself); the report holds the hidden pages,
and the password is in no PostgreSQL row, Redis value, file or log."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from access.models import JobKind
from access.queue import RUN_JOB_TASK, RUN_UNITS_TASK, make_celery, send_job
from access.vault import new_key, seal
from tests.conftest import REDIS_URL
from tests.course_site import CourseSite, files_holding

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.browser]


def postgres_text(url: str) -> str:
    """Every row of every table of the database, as text."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return "\n".join(str(row[0]) for t in tables for row in conn.execute(f'SELECT t::text FROM "{t}" t'))


def redis_text(prefix: str) -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    out = []
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        kind = client.type(key).decode()
        value = {"string": lambda k: client.get(k), "list": lambda k: client.lrange(k, 0, -1),
                 "hash": lambda k: client.hgetall(k), "set": lambda k: client.smembers(k),
                 "zset": lambda k: client.zrange(k, 0, -1)}.get(kind, lambda k: b"")(key)
        out.append(repr(value))
    client.close()
    return "\n".join(out)


def test_signed_in_site_fans_out_over_two_workers(deployment_factory, pg_database_factory, redis_prefix) -> None:
    course = CourseSite(expire_after=5).start()
    database = pg_database_factory()
    prefix = f"{redis_prefix}signin:"
    dep = deployment_factory(database_url=database, broker_url=REDIS_URL, broker_key_prefix=prefix,
                             web_batch_pages=2, progress_interval=0.1, secret_key=new_key())
    store = dep.store()
    try:
        celery = make_celery(dep.settings())
        workers = [dep.start_worker(concurrency=1) for _ in range(2)]
        from access.auditconfig import SiteConfig

        site = SiteConfig.model_validate(course.site_json(axe_only=True, threshold=None))
        options = site.options()
        sealed = seal(options.sign_in.model_dump_json().encode(), dep.settings(), server=True)
        job, _ = store.create_job(tenant="ops", kind=JobKind.AUDIT, input={"url": site.start}, queue="browser",
                                  options=options.model_dump(mode="json"), sealed=sealed)
        send_job(celery, RUN_JOB_TASK, job.id, "browser", task_id=job.id)
        deadline = time.monotonic() + 240
        while (row := store.get_job(job.id)).status not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
        logs = [dep.log(w) for w in workers]
        assert row.status == "succeeded", (row.error_code, row.error_message, [log[-2000:] for log in logs])
        report = json.loads(Path(next(a.path for a in row.artifacts if a.name == "report.json")).read_text())
        parts = {p["id"]: p for p in report["parts"]}
        assert {course.url("/course/1"), course.url("/course/3"), course.url("/app/#/topics/1"),
                course.url("/menu.html") + " [state: menu open]"} <= set(parts)
        assert all(p["status"] == "audited" for p in parts.values()), [p.get("error") for p in parts.values()]
        assert {f["location"]["url"] for f in report["findings"] if f["rule"] == "axe-label"} == {
            course.url("/course/3")}
        assert all(f"Task {RUN_UNITS_TASK}[" in log for log in logs), "both workers audited pages"
        assert course.logouts == 0 and 2 <= course.sign_ins <= 3, course.sign_ins
        assert store.get_secret(job.id) is None
        dep.stop()
        secret = course.password
        assert secret not in postgres_text(database)
        assert secret not in redis_text(prefix)
        assert files_holding(secret, dep.root) == []
    finally:
        store.dispose()
        course.stop()
