"""A job's life without a queue: access.jobs.run_job with the real HTML auditor, and with small
fake plugins for the failure paths."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from access.auditing import Discovery, FileAuditor, Unit, UnitResult
from access.config import Settings
from access.conversion import DOCUMENT, GateCheck, GateResult, GateSpec, ReaderSpec, WriterSpec
from access.errors import EngineUnavailable, InvalidDocument
from access.formats import HTML
from access.jobs import REPORT_ARTIFACT, RowProgress, Runtime, job_view, load_report, run_job, run_units
from access.models import ArtifactOut, AuditedPart, Finding, JobStatus, Location, Outcome, Report
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


@pytest.mark.parametrize(("error", "code", "message"), [
    (InvalidDocument("The HTML could not be parsed."), "invalid_document", "The HTML could not be parsed."),
    (ZeroDivisionError("division by zero"), "internal_error",
     "The job failed unexpectedly (ZeroDivisionError: division by zero)."),
])
def test_an_error_fails_the_job_readably_with_its_code(rt: Runtime, error: Exception, code: str, message: str) -> None:
    def broken(source, options, ctx):
        raise error

    rt.registry = fake_registry(broken)
    job_id = upload(rt, b"<p>x</p>", "a.html", "html")
    assert run_job(job_id, rt) is JobStatus.FAILED
    job = rt.store.get_job(job_id)
    assert (job.error_code, job.error_message) == (code, message)
    assert job_view(job)["error"] == {"code": code, "message": message}


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


# ----------------------------------------------------------------------------- fanned-out audits

GRAPH = {"a": ["b", "c", "d"], "b": ["a", "e"], "c": ["e", "f"], "d": [], "e": ["g"], "f": [], "g": []}


@dataclass
class GraphAuditor:
    """A plan with many units and no browser: the units are the nodes of GRAPH reached from the
    subject's node, each "audited" into one part and one finding; ``fail`` names nodes whose
    audit raises, ``on_audit`` runs as a node's audit starts."""

    fail: dict[str, Exception] = field(default_factory=dict)
    audited: list[str] = field(default_factory=list)
    on_audit: Callable[[str], object] = lambda key: None
    format: str = "web"
    queue: str = "browser"
    description: str = "graph"
    unit_noun: str = "node"

    def discover(self, subject, options, ctx) -> Discovery:
        start = subject.url.removeprefix("graph://")
        return Discovery(target=subject.url, units=[Unit(key=start)], limit=options.max_pages)

    def audit_unit(self, unit, discovery, options, ctx) -> UnitResult:
        self.on_audit(unit.key)
        ctx.check_cancelled()
        self.audited.append(unit.key)
        if unit.key in self.fail:
            raise self.fail[unit.key]
        finding = Finding(rule="graph-node", outcome=Outcome.VIOLATION, message=f"node {unit.key}",
                          location=Location(url=unit.key))
        return UnitResult(key=unit.key, parts=[AuditedPart(id=unit.key)], findings=[finding], links=GRAPH[unit.key])

    def expand(self, unit, result, discovery, options) -> list[Unit]:
        return [Unit(key=k, depth=unit.depth + 1) for k in result.links] if unit.depth < options.max_depth else []

    def assemble(self, discovery, results, options, ctx) -> Report:
        return Report(target=discovery.target, target_kind="web", parts=[p for r in results for p in r.parts],
                      findings=[f for r in results for f in r.findings],
                      metadata={"not_audited": discovery.data["over_limit"]}).finish()

    def batch_size(self, settings) -> int:
        return 2

    def workers(self, settings) -> int:
        return 2

    def close(self) -> None:
        return None


@dataclass
class BrokerQueue:
    """The queue of a deployment with a real broker, holding what is sent until the test delivers it."""

    units: list[list[str]] = field(default_factory=list)
    webhooks: list[str] = field(default_factory=list)
    has_broker_fanout: bool = True

    def send_job(self, job) -> None: ...

    def send_units(self, job, keys: list[str]) -> None:
        self.units.append(keys)

    def send_webhook(self, job_id: str, message_id: str | None = None, countdown: float = 0) -> None:
        self.webhooks.append(job_id)

    def revoke(self, job_id: str) -> None: ...


def graph_job(rt: Runtime, auditor: GraphAuditor, start: str = "a", **options) -> str:
    rt.registry = Registry.empty()
    rt.registry.auditors.add("web", auditor)
    job, _ = rt.store.create_job(tenant="t", kind="audit", input={"url": f"graph://{start}"}, options=options,
                                 callback_url="https://example.org/hook", queue="browser")
    return job.id


def deliver_all(rt: Runtime, queue: BrokerQueue, job_id: str) -> list[JobStatus | None]:
    """Run every units task sent, as the workers would, in the order sent."""
    statuses = []
    while queue.units:
        keys = queue.units.pop(0)
        statuses.append(run_units(job_id, keys, rt, token=f"task-{'-'.join(keys)}"))
    return statuses


def test_units_fan_out_and_one_task_assembles_the_same_report_as_one_process(rt: Runtime) -> None:
    in_process = GraphAuditor()
    local_id = graph_job(rt, in_process, max_pages=5)
    assert run_job(local_id, rt) is JobStatus.SUCCEEDED
    local = load_report(rt.store.get_job(local_id))

    queue = BrokerQueue()
    rt.queue = queue
    fanned = GraphAuditor()
    job_id = graph_job(rt, fanned, max_pages=5)
    assert run_job(job_id, rt) is JobStatus.RUNNING
    assert queue.units == [["a"]] and rt.store.get_job(job_id).stage == "auditing the node"
    statuses = deliver_all(rt, queue, job_id)
    assert statuses[-1] is JobStatus.SUCCEEDED and set(statuses[:-1]) == {JobStatus.RUNNING}
    job = rt.store.get_job(job_id)
    assert job.status == "succeeded" and job.progress == 100
    report = load_report(job)
    assert sorted(fanned.audited) == ["a", "b", "c", "d", "e"], "each unit once, up to the limit"
    assert [p.id for p in report.parts] == [p.id for p in local.parts] == ["a", "b", "c", "d", "e"]
    assert [f.message for f in report.findings] == [f.message for f in local.findings]
    assert report.metadata["not_audited"] == local.metadata["not_audited"] == 2        # f and g
    assert queue.webhooks == [job_id], "one callback, from the task that finished the job"
    assert run_units(job_id, ["a"], rt, token="late") is None, "a task delivered after the end does nothing"


def test_units_go_on_while_a_lost_job_task_waits_in_the_queue(rt: Runtime) -> None:
    """The sweeper puts a fanned-out audit whose job task was lost back in ``queued``: the units
    tasks already sent still run, and the job task, when it comes again, assembles the report."""
    queue = BrokerQueue()
    rt.queue = queue
    auditor = GraphAuditor()
    job_id = graph_job(rt, auditor, max_pages=3, max_depth=1)
    assert run_job(job_id, rt) is JobStatus.RUNNING
    assert rt.store.requeue(job_id)                       # as the sweeper does with a lost job task
    while queue.units:
        assert run_units(job_id, queue.units.pop(0), rt, token=f"t{len(queue.units)}") is JobStatus.RUNNING
    assert sorted(auditor.audited) == ["a", "b", "c"] and rt.store.status_of(job_id) == "queued"
    assert run_job(job_id, rt) is JobStatus.SUCCEEDED
    assert [p.id for p in load_report(rt.store.get_job(job_id)).parts] == ["a", "b", "c"]


def test_a_unit_delivered_again_is_not_audited_again_and_the_finisher_may_finish_again(rt: Runtime) -> None:
    queue = BrokerQueue()
    rt.queue = queue
    auditor = GraphAuditor()
    job_id = graph_job(rt, auditor, max_pages=3, max_depth=1)
    run_job(job_id, rt)
    first = queue.units.pop(0)
    assert run_units(job_id, first, rt, token="t1") is JobStatus.RUNNING
    assert run_units(job_id, first, rt, token="t1") is JobStatus.RUNNING      # redelivered: nothing to do
    assert auditor.audited == ["a"]
    (rest,) = queue.units
    assert rest == ["b", "c"]
    # the task that completes the last unit claims the job, then its worker is lost mid-assembly
    store = rt.store
    real_claim = store.claim_finish
    store.claim_finish = lambda jid, token, *a: real_claim(jid, token, *a) and False  # type: ignore[method-assign]
    assert run_units(job_id, rest, rt, token="t2") is JobStatus.RUNNING
    store.claim_finish = real_claim  # type: ignore[method-assign]
    assert run_units(job_id, rest, rt, token="other") is JobStatus.RUNNING, "another task may not assemble"
    assert run_units(job_id, rest, rt, token="t2") is JobStatus.SUCCEEDED, "the same task, delivered again, may"
    assert sorted(auditor.audited) == ["a", "b", "c"], "each once (b and c are audited side by side)"
    assert [p.id for p in load_report(rt.store.get_job(job_id)).parts] == ["a", "b", "c"]


def test_a_failing_unit_is_a_failed_part_and_engine_trouble_is_retried_first(rt: Runtime) -> None:
    queue = BrokerQueue()
    rt.queue = queue
    auditor = GraphAuditor(fail={"b": InvalidDocument("Broken node."), "c": EngineUnavailable("No browser.")})
    job_id = graph_job(rt, auditor, max_pages=3, max_depth=1)
    run_job(job_id, rt)
    run_units(job_id, queue.units.pop(0), rt, token="t1")
    batch = queue.units.pop(0)
    with pytest.raises(EngineUnavailable):
        run_units(job_id, batch, rt, token="t2", may_retry=True)
    assert rt.store.get_job(job_id).status == "running", "the job waits for the retry"
    assert run_units(job_id, batch, rt, token="t2", may_retry=False) is JobStatus.SUCCEEDED
    parts = {p.id: (p.status, (p.error or {}).get("code")) for p in load_report(rt.store.get_job(job_id)).parts}
    assert parts == {"a": ("audited", None), "b": ("failed", "invalid_document"), "c": ("failed", "engine_unavailable")}


def test_a_cancelled_fanned_out_audit_stops_and_calls_back_once(rt: Runtime) -> None:
    queue = BrokerQueue()
    rt.queue = queue
    auditor = GraphAuditor()
    job_id = graph_job(rt, auditor, max_pages=10)
    auditor.on_audit = lambda key: key == "c" and rt.store.cancel(job_id)
    run_job(job_id, rt)
    run_units(job_id, queue.units.pop(0), rt, token="t1")
    assert queue.units == [["b", "c"], ["d"]]
    assert run_units(job_id, ["b", "c"], rt, token="t2") is JobStatus.CANCELLED      # sees it while running
    assert run_units(job_id, ["d"], rt, token="t3") is None                          # starts after it
    assert rt.store.get_job(job_id).status == "cancelled" and queue.webhooks == [job_id]
    assert auditor.audited == ["a", "b"], "c was cancelled before its audit"
