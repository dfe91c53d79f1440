"""The web-audit fan-out with real workers on Redis + PostgreSQL: a site's pages are audited as
batch tasks by two worker processes and one report is assembled."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from access.models import JobKind
from access.queue import make_celery, send_job
from workers.web_tasks import SITE_TASK, batches

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.browser]
PAGES = 6


def test_batches_split_pages_in_order() -> None:
    assert batches(["a", "b", "c", "d", "e"], 2) == [["a", "b"], ["c", "d"], ["e"]]
    assert batches([], 3) == []


@pytest.fixture()
def course_site(tmp_path: Path):
    for i in range(PAGES):
        links = " ".join(f'<a href="/p{j}.html">Page {j}</a>' for j in range(PAGES) if j != i)
        alt = "" if i % 2 else ' alt="A diagram"'
        (tmp_path / f"p{i}.html").write_text(
            f'<!doctype html><html lang="en"><head><title>Page {i}</title></head><body><main><h1>Page {i}</h1>'
            f'<p>{links}</p><img src="/x.png"{alt} width="10" height="10"></main></body></html>')

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_site_audit_fans_out_over_two_workers(deployment_factory, pg_database_factory, redis_prefix,
                                              course_site: str) -> None:
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}web:", web_batch_pages=2, progress_interval=0.1)
    store = dep.store()
    celery = make_celery(dep.settings())
    workers = [dep.start_worker(concurrency=1) for _ in range(2)]
    job, _ = store.create_job(tenant="ops", kind=JobKind.AUDIT, input={"url": course_site + "/p0.html"},
                              options={"max_pages": PAGES, "axe_only": True})
    send_job(celery, SITE_TASK, job.id, "browser", task_id=job.id)
    deadline = time.monotonic() + 120
    while (row := store.get_job(job.id)).status not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert row.status == "succeeded", (row.error_code, row.error_message, [dep.log(w)[-2000:] for w in workers])
    report = json.loads(Path(next(a.path for a in row.artifacts if a.name == "report.json")).read_text())
    assert sorted(p["id"] for p in report["parts"]) == sorted(f"{course_site}/p{i}.html" for i in range(PAGES))
    assert all(p["status"] == "audited" for p in report["parts"])
    assert sum(f["rule"] == "axe-image-alt" for f in report["findings"]) == PAGES // 2
    assert report["metadata"]["fanout"]["batches"] == PAGES // 2
    assert {e["name"] for e in report["engines"]} >= {"chromium", "axe-core"}
    logs = [dep.log(w) for w in workers]
    assert all("access.web.audit_batch" in log for log in logs), "both workers audited pages"
    store.dispose()
    dep.stop()
