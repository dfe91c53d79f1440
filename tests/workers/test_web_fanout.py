"""A site audit fanned out over real workers (Redis + PostgreSQL, headless Chromium): the job
task discovers the site, both workers audit batches of its pages (``access.run_units``), one of
them assembles the one report, and that report holds what the CLI finds on the same site (the same
plan, run in one process)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from access.models import JobKind
from access.queue import RUN_JOB_TASK, RUN_UNITS_TASK, make_celery, send_job

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.browser]
PAGES = 6


@pytest.fixture()
def course_site(tmp_path: Path) -> Iterator[str]:
    """Six pages that link to each other; every odd page has an image without a text alternative."""
    for i in range(PAGES):
        links = " ".join(f'<a href="/p{j}.html">Page {j}</a>' for j in range(PAGES) if j != i)
        alt = "" if i % 2 else ' alt="A diagram"'
        (tmp_path / f"p{i}.html").write_text(
            f'<!doctype html><html lang="en"><head><title>Page {i}</title></head><body><main><h1>Page {i}</h1>'
            f'<p>{links}</p><img src="/x.png"{alt} width="10" height="10"></main></body></html>')

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def signature(report: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    """What two audits of one site must agree on: the pages with their status, and every finding."""
    parts = sorted((p["id"], p["status"]) for p in report["parts"])
    findings = sorted((f["location"]["url"], f["rule"], f["outcome"], f["location"].get("selector") or "")
                      for f in report["findings"])
    return parts, findings


def cli_audit(url: str, out: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env["ACCESS_DATA_DIR"] = str(out.parent / "cli-data")
    done = subprocess.run([sys.executable, "-m", "access.cli", "audit", url, "--max-pages", str(PAGES), "--axe-only",
                           "-o", str(out)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and out.is_file(), done.stderr[-3000:]
    return json.loads(out.read_text())


def test_site_audit_fans_out_over_two_workers_like_the_cli(deployment_factory, pg_database_factory, redis_prefix,
                                                           course_site: str, tmp_path: Path) -> None:
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}web:", web_batch_pages=2, progress_interval=0.1)
    store = dep.store()
    celery = make_celery(dep.settings())
    workers = [dep.start_worker(concurrency=1) for _ in range(2)]
    start = course_site + "/p0.html"
    job, _ = store.create_job(tenant="ops", kind=JobKind.AUDIT, input={"url": start}, queue="browser",
                              options={"max_pages": PAGES, "axe_only": True})
    send_job(celery, RUN_JOB_TASK, job.id, "browser", task_id=job.id)
    stages: set[str] = set()
    deadline = time.monotonic() + 180
    while (row := store.get_job(job.id)).status not in ("succeeded", "failed") and time.monotonic() < deadline:
        stages.add(row.stage or "")
        time.sleep(0.1)
    logs = [dep.log(w) for w in workers]
    assert row.status == "succeeded", (row.error_code, row.error_message, [log[-2000:] for log in logs])
    report = json.loads(Path(next(a.path for a in row.artifacts if a.name == "report.json")).read_text())
    assert sorted(p["id"] for p in report["parts"]) == sorted(f"{course_site}/p{i}.html" for i in range(PAGES))
    assert report["parts"][0]["id"] == start, "crawl order: the start page first"
    assert all(p["status"] == "audited" for p in report["parts"])
    assert sum(f["rule"] == "axe-image-alt" for f in report["findings"]) == PAGES // 2
    assert report["metadata"]["crawl"]["pages_audited"] == PAGES
    assert {e["name"] for e in report["engines"]} >= {"chromium", "axe-core"}
    assert any(s.startswith("audited ") and s.endswith(" pages") for s in stages), stages
    assert all(f"Task {RUN_UNITS_TASK}[" in log for log in logs), "both workers audited pages"
    store.dispose()
    dep.stop()

    cli = cli_audit(start, tmp_path / "cli.json")
    assert signature(cli) == signature(report)
    assert cli["parts"][0]["id"] == start
    assert cli["metadata"]["crawl"] == report["metadata"]["crawl"]
