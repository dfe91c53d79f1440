"""A course package fanned out over real workers (Redis + PostgreSQL, headless Chromium) like a
site: the job task reads the package and plans its items, both workers audit batches of items
(each serving the package itself), one assembles the report, which holds what the CLI finds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from access.models import JobKind
from access.queue import RUN_JOB_TASK, RUN_UNITS_TASK, make_celery, send_job
from tests.courses import scorm_2004
from tests.workers.test_web_fanout import signature

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.browser]


def cli_audit(path: Path, out: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env["ACCESS_DATA_DIR"] = str(out.parent / "cli-data")
    done = subprocess.run([sys.executable, "-m", "access.cli", "audit", str(path), "-o", str(out)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and out.is_file(), done.stderr[-3000:]
    return json.loads(out.read_text())


def test_course_package_fans_out_over_two_workers_like_the_cli(deployment_factory, pg_database_factory,
                                                              redis_prefix, tmp_path: Path) -> None:
    package = scorm_2004(tmp_path / "course.zip")
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}pkg:", package_batch_items=2, progress_interval=0.1)
    store = dep.store()
    celery = make_celery(dep.settings())
    workers = [dep.start_worker(concurrency=1) for _ in range(2)]
    job, _ = store.create_job(tenant="ops", kind=JobKind.AUDIT, queue="browser", options={},
                              input={"path": str(package), "filename": "course.zip", "format": "scorm"})
    send_job(celery, RUN_JOB_TASK, job.id, "browser", task_id=job.id)
    deadline = time.monotonic() + 240
    while (row := store.get_job(job.id)).status not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.1)
    logs = [dep.log(w) for w in workers]
    assert row.status == "succeeded", (row.error_code, row.error_message, [log[-2000:] for log in logs])
    report = json.loads(Path(next(a.path for a in row.artifacts if a.name == "report.json")).read_text())
    assert [p["id"] for p in report["parts"]][:3] == ["imsmanifest.xml", "Week 1: Light › Introduction",
                                                      "Week 1: Light › Reading: how leaves catch light"]
    assert all(p["status"] == "audited" for p in report["parts"])
    assert all(f"Task {RUN_UNITS_TASK}[" in log for log in logs), "both workers audited items"
    store.dispose()
    dep.stop()

    cli = cli_audit(package, tmp_path / "cli.json")
    assert signature(cli) == signature(report)
    assert [p["id"] for p in cli["parts"]] == [p["id"] for p in report["parts"]]
