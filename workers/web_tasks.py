"""Web-audit fan-out: the pages of one site audit spread over every worker on the ``browser`` queue.

``access.web.audit_site(job_id)`` discovers the pages (a link-only crawl), writes a manifest and
sends one ``access.web.audit_batch`` task per batch of pages. Each batch audits its pages in its
worker's browser pool and writes its partial result as a file in the job's folder; the batch that
completes the set (it sees every partial after writing its own, and wins an exclusive lock file)
assembles the one Report, stores it and finishes the job. No result backend is needed (the
embedded broker has none), the join survives redelivery (``acks_late``: a batch re-run rewrites
the same file), and on several machines the job folder is the shared storage the API reads.
With the embedded broker (one machine) or ``ACCESS_WEB_FANOUT=false`` the site runs as one task
(``access.jobs.run_job`` → ``services.audit_url``), which avoids loading every page twice.

Workers do not import auditors: discovery, page audits and assembly are the web auditor's
registry extras ``web.discover``, ``web.audit_pages`` and ``web.assemble``.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from celery import signals

from access import jobs
from access.errors import AccessError, Cancelled, EngineUnavailable
from access.jobs import REPORT_ARTIFACT, RowProgress
from access.models import JobStatus, Report
from access.queue import WEBHOOK_TASK, send_job
from access.registry import Context, get_registry
from access.store import Job
from workers.celery_app import app
from workers.tasks import runtime

log = logging.getLogger(__name__)
SITE_TASK = "access.web.audit_site"
BATCH_TASK = "access.web.audit_batch"
QUEUE = "browser"
FOLDER = "web-fanout"


def _folder(job: Job, run_id: str) -> Path:
    return runtime().storage.output_dir(job.tenant, job.id) / FOLDER / run_id


def _write_json(path: Path, data: Any) -> None:
    """Atomic: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _claim(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        return True
    except FileExistsError:
        return False


def batches(pages: list[str], size: int) -> list[list[str]]:
    return [pages[i:i + size] for i in range(0, len(pages), max(1, size))]


def _fail(job_id: str, exc: AccessError) -> None:
    runtime().store.finish(job_id, JobStatus.FAILED, error_code=exc.code, error_message=exc.message)
    _after(job_id)


def _after(job_id: str) -> None:
    job = runtime().store.get_job(job_id)
    if job is not None and job.callback_url:
        send_job(app, WEBHOOK_TASK, job_id, "default")


@signals.worker_process_shutdown.connect
def _close_browsers(**_: Any) -> None:
    """A pool process ends: quit its pooled browsers (forked pool processes skip atexit)."""
    close = get_registry().extras.get("web.close_browsers")
    if close is not None:
        close()


@app.task(name=SITE_TASK, bind=True, autoretry_for=(EngineUnavailable,), retry_backoff=5, retry_jitter=True,
          max_retries=3)
def audit_site(self: Any, job_id: str) -> None:
    """Discover the site's pages and fan the batches out (one task on a single machine)."""
    rt = runtime()
    if rt.settings.embedded_broker or not rt.settings.web_fanout:
        jobs.run_job(job_id, rt, may_retry=self.request.retries < self.max_retries)
        return
    job = rt.store.get_job(job_id)
    if job is None or job.job_status.finished or not rt.store.mark_running(job_id):
        return
    row = RowProgress(rt.store, job_id, rt.settings.progress_interval)
    ctx = Context(settings=rt.settings, progress=lambda p, s: row(min(p, 100) * 0.1, f"discovering: {s}"),
                  check_cancelled=row.check_cancelled, extra={"job_id": job_id, "tenant": job.tenant})
    extras = get_registry().extras
    try:
        discovered = extras["web.discover"](job.input["url"], job.options, ctx)
    except Cancelled:
        rt.store.cancel(job_id)
        return
    except EngineUnavailable as exc:
        if self.request.retries < self.max_retries:
            rt.store.requeue(job_id)
            raise
        _fail(job_id, exc)
        return
    except AccessError as exc:
        _fail(job_id, exc)
        return
    run_id = uuid.uuid4().hex[:12]
    groups = batches(discovered["pages"], rt.settings.web_batch_pages)
    folder = _folder(job, run_id)
    _write_json(folder / "manifest.json", {"discovered": discovered, "batches": len(groups)})
    rt.store.set_progress(job_id, 10, f"auditing {len(discovered['pages'])} pages in {len(groups)} batches")
    if not groups:
        _assemble(job, folder)
        return
    for i, urls in enumerate(groups):
        app.send_task(BATCH_TASK, args=[job_id, run_id, i, urls], queue=QUEUE, routing_key=QUEUE)


@app.task(name=BATCH_TASK, bind=True, autoretry_for=(EngineUnavailable,), retry_backoff=5, retry_jitter=True,
          max_retries=3)
def audit_batch(self: Any, job_id: str, run_id: str, index: int, urls: list[str]) -> None:
    """Audit one batch of pages; the batch that completes the set assembles the report."""
    rt = runtime()
    job = rt.store.get_job(job_id)
    if job is None or job.job_status.finished:
        return
    folder = _folder(job, run_id)
    row = RowProgress(rt.store, job_id, rt.settings.progress_interval)
    ctx = Context(settings=rt.settings, check_cancelled=row.check_cancelled,
                  extra={"job_id": job_id, "tenant": job.tenant})
    try:
        partial = get_registry().extras["web.audit_pages"](urls, job.options, ctx)
    except Cancelled:
        return
    except EngineUnavailable:
        if self.request.retries < self.max_retries:
            raise
        partial = _failed_partial(urls, EngineUnavailable("The browser could not be started."))
    except AccessError as exc:
        partial = _failed_partial(urls, exc)
    _write_json(folder / f"batch-{index:05d}.json", partial)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    done = len(list(folder.glob("batch-*.json")))
    rt.store.set_progress(job_id, 10 + 88 * done / manifest["batches"],
                          f"audited {done}/{manifest['batches']} batches of pages")
    if done == manifest["batches"] and _claim(folder / "assemble.lock"):
        _assemble(job, folder)


def _failed_partial(urls: list[str], exc: AccessError) -> dict[str, Any]:
    return {"parts": [{"id": u, "status": "failed", "error": {"code": exc.code, "message": exc.message}}
                      for u in urls], "findings": [], "engines": []}


def _assemble(job: Job, folder: Path) -> None:
    rt = runtime()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    partials = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("batch-*.json"))]
    row = RowProgress(rt.store, job.id, rt.settings.progress_interval)
    ctx = Context(settings=rt.settings, check_cancelled=row.check_cancelled, extra={"job_id": job.id})
    try:
        report: Report = get_registry().extras["web.assemble"](manifest["discovered"], partials, job.options, ctx)
    except Cancelled:
        return
    except AccessError as exc:
        _fail(job.id, exc)
        return
    report.metadata["fanout"] = {"batches": manifest["batches"], "run": folder.name}
    outdir = rt.storage.output_dir(job.tenant, job.id)
    path = outdir / REPORT_ARTIFACT
    path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    rt.store.add_artifact(job.id, name=REPORT_ARTIFACT, media_type="application/json",
                          size=path.stat().st_size, path=str(path), metadata={"kind": "report"})
    rt.store.finish(job.id, JobStatus.SUCCEEDED, result={
        "summary": report.summary.model_dump(mode="json"), "parts": len(report.parts), "target_kind": "web"})
    _after(job.id)
