"""A job's life without a queue: access.jobs.run_job with the real HTML auditor, and with small
fake plugins for the failure paths."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from access.auditing import FileAuditor
from access.config import Settings
from access.conversion import DOCUMENT, GateCheck, GateResult, GateSpec, ReaderSpec, WriterSpec
from access.errors import EngineUnavailable, InvalidDocument
from access.formats import HTML
from access.jobs import REPORT_ARTIFACT, RowProgress, Runtime, job_view, load_report, run_job
from access.models import ArtifactOut, JobStatus, Report
from access.registry import Registry
from access.storage import Storage
from access.store import Store


@pytest.fixture
def rt(tmp_path: Path) -> Runtime:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", progress_interval=0.0)
    store = Store(settings.resolved_database_url)
    store.ensure_schema()
    return Runtime(settings=settings, store=store, storage=Storage(settings.files_dir))


def upload(rt: Runtime, content: bytes, name: str, fmt: str, kind: str = "audit", **options) -> str:
    job, _ = rt.store.create_job(tenant="t", kind=kind, input={}, options=options)
    path = rt.storage.save_stream([content], "t", job.id, name, limit=1 << 20)
    with rt.store.sessions.begin() as s:
        s.get(type(job), job.id).input = {"path": str(path), "filename": name, "format": fmt}
    return job.id


def test_html_audit_runs_the_real_auditor_and_stores_the_report(rt: Runtime, sample_html: bytes) -> None:
    job_id = upload(rt, sample_html, "lesson.html", "html")
    assert run_job(job_id, rt) is JobStatus.SUCCEEDED
    job = rt.store.get_job(job_id)
    assert job.status == "succeeded" and job.progress == 100 and job.attempts == 1
    report = load_report(job)
    assert isinstance(report, Report) and report.target_kind == "html"
    rules = {f.rule for f in report.findings if f.outcome == "violation"}
    assert {"html-img-alt", "html-lang"} <= rules
    assert job.result["summary"]["violations"] == report.summary.violations
    art = rt.store.get_artifact(job_id, REPORT_ARTIFACT)
    assert art.media_type == "application/json" and art.size == Path(art.path).stat().st_size
    view = job_view(job, "http://h")
    assert view["artifacts"][0]["url"] == f"http://h/v1/jobs/{job_id}/artifacts/report.json"
    assert "path" not in view["input"], "server paths never leave the service"


def test_run_is_idempotent_after_success(rt: Runtime, sample_html: bytes) -> None:
    job_id = upload(rt, sample_html, "lesson.html", "html")
    run_job(job_id, rt)
    assert run_job(job_id, rt) is None
    assert rt.store.get_job(job_id).attempts == 1
    assert run_job("no-such-job", rt) is None


def fake_registry(fn) -> Registry:
    registry = Registry.empty()
    registry.formats.add("html", HTML)
    registry.auditors.add("html", FileAuditor("html", fn))
    return registry


def test_access_error_fails_the_job_with_its_code(rt: Runtime) -> None:
    def broken(source, options, ctx):
        raise InvalidDocument("The HTML could not be parsed.")

    rt.registry = fake_registry(broken)
    job_id = upload(rt, b"<p>x</p>", "a.html", "html")
    assert run_job(job_id, rt) is JobStatus.FAILED
    job = rt.store.get_job(job_id)
    assert (job.error_code, job.error_message) == ("invalid_document", "The HTML could not be parsed.")
    assert job_view(job)["error"] == {"code": "invalid_document", "message": "The HTML could not be parsed."}


def test_unexpected_exception_fails_readably(rt: Runtime) -> None:
    def crash(source, options, ctx):
        raise ZeroDivisionError("division by zero")

    rt.registry = fake_registry(crash)
    job_id = upload(rt, b"<p>x</p>", "a.html", "html")
    assert run_job(job_id, rt) is JobStatus.FAILED
    job = rt.store.get_job(job_id)
    assert job.error_code == "internal_error" and "ZeroDivisionError" in job.error_message


def test_engine_unavailable_is_retried_then_fails(rt: Runtime) -> None:
    def flaky(source, options, ctx):
        raise EngineUnavailable("Chromium did not start.")

    rt.registry = fake_registry(flaky)
    job_id = upload(rt, b"<p>x</p>", "a.html", "html")
    with pytest.raises(EngineUnavailable):
        run_job(job_id, rt, may_retry=True)
    assert rt.store.get_job(job_id).status == "queued", "back in the queue for the retry"
    assert run_job(job_id, rt, may_retry=False) is JobStatus.FAILED
    job = rt.store.get_job(job_id)
    assert job.error_code == "engine_unavailable" and job.attempts == 2


def test_cancellation_reaches_the_running_work(rt: Runtime) -> None:
    started = threading.Event()

    def slow(source, options, ctx):
        started.set()
        for _ in range(200):
            ctx.check_cancelled()
            time.sleep(0.01)
        raise AssertionError("not cancelled")

    rt.registry = fake_registry(slow)
    job_id = upload(rt, b"<p>x</p>", "a.html", "html")
    threading.Timer(0.2, lambda: rt.store.cancel(job_id)).start()
    assert run_job(job_id, rt) is JobStatus.CANCELLED
    assert started.is_set() and rt.store.get_job(job_id).status == "cancelled"


def test_conversion_stores_artifacts_with_gate(rt: Runtime) -> None:
    def write_text(doc, outdir, options, ctx):
        path = outdir / "lesson.txt"
        path.write_text("\n".join(b.text for b in doc.blocks if getattr(b, "text", None)) or "x")
        return [ArtifactOut(name="lesson.txt", media_type="text/plain", path=str(path))]

    def read(source, options, ctx):
        from access.document import Document

        return Document.model_validate({"metadata": {"title": "Lesson", "language": "en"}, "blocks": []})

    registry = Registry.empty()
    registry.readers.add("text", ReaderSpec("text", read))
    registry.writers.add("txt", WriterSpec("txt", DOCUMENT, lambda doc, out, o, c: write_text(doc, out.path, o, c)))
    exists = GateCheck(name="exists", passed=True)
    registry.gates.add("txt", GateSpec("txt", lambda arts, o, c: GateResult.of("txt", [exists])))
    rt.registry = registry
    job_id = upload(rt, b"Hello", "a.txt", "text", kind="conversion", targets=["txt"])
    assert run_job(job_id, rt) is JobStatus.SUCCEEDED
    job = rt.store.get_job(job_id)
    assert [a.name for a in job.artifacts] == ["lesson.txt"]
    assert job.result["gate"]["txt"]["passed"] is True


def test_progress_writes_are_throttled(rt: Runtime) -> None:
    job, _ = rt.store.create_job(tenant="t", kind="audit", input={}, options={})
    rt.store.mark_running(job.id)
    now = [0.0]
    writes: list[tuple[float, str]] = []
    rt.store.set_progress = lambda jid, p, s: writes.append((p, s))  # type: ignore[method-assign]
    row = RowProgress(rt.store, job.id, interval=0.5, clock=lambda: now[0])
    row(10, "page 1")            # the row was written when the job started: too soon
    now[0] = 0.6
    row(12, "page 1")            # interval passed: written
    row(13, "page 2")            # too soon again, even with a new stage
    now[0] = 1.2
    row(14, "page 2")
    assert writes == [(12, "page 1"), (14, "page 2")]
