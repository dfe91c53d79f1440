"""The one job runner: a job's life from queue to result, for every kind of job.

:func:`run_job` loads the job, marks it running, runs its plan (an audit: discover → audit units →
assemble, :mod:`access.auditing`; a conversion: read → transform → write → gate,
:mod:`access.conversion`), stores the report or the files, and marks it succeeded or failed with a
stable error code; it reports progress to the job's row and describes the job to the outside world
(the JSON the API returns and the webhook posts). Tasks in ``workers/`` are one call each into
this module; everything here is testable without a queue.

An audit whose auditor has a batch size (the web auditor: pages) fans out when the queue has a real
broker: :func:`run_job` discovers and sends the first units in batches, each :func:`run_units`
task audits its batch, records the results (files in the job's folder, rows in ``job_units``:
:class:`access.store.StoreLedger`) and sends the units they lead to, and the task that completes
the last unit assembles the report. Without a broker (the embedded one has one worker) the same
plan runs in one task through :func:`access.auditing.run_audit`, as in the CLI.
"""

from __future__ import annotations

import contextlib
import json
import logging
import mimetypes
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from access import logs, metrics, services
from access.auditconfig import check_threshold
from access.auditing import (
    Auditor,
    Discovery,
    Subject,
    Unit,
    UnitResult,
    assemble_report,
    audit_units,
    failed_result,
    report_progress,
    run_audit,
)
from access.browsing import SignIn
from access.config import Settings, get_settings
from access.context import Context
from access.errors import AccessError, Cancelled, Conflict, EngineUnavailable, StoreUnavailable, Timeout
from access.leases import Lease, LeaseKeeper, owner_id, owner_is_dead
from access.limits import memory_exceeded
from access.models import AuditOptions, ConvertOptions, JobKind, JobStatus, Report, SourceFile
from access.registry import Registry, get_registry
from access.storage import Storage, write_atomic
from access.store import Job, Start, Store, StoreLedger, WebhookMessage, is_transient
from access.vault import unseal
from access.webhooks import retry_in

log = logging.getLogger(__name__)
REPORT_ARTIFACT = "report.json"


class JobQueue(Protocol):
    """How jobs and their units reach workers (:class:`access.queue.CeleryQueue`)."""

    def send_job(self, job: Job) -> None: ...

    def send_units(self, job: Job, keys: list[str]) -> None: ...

    def send_webhook(self, job_id: str, message_id: str | None = None, countdown: float = 0) -> None: ...

    @property
    def has_broker_fanout(self) -> bool:
        """Whether an audit's units may fan out over several workers (a real broker)."""
        ...

    def revoke(self, job_id: str) -> None: ...


@dataclass
class Runtime:
    """The long-lived things jobs need: settings, store, file storage, plugins and the queue."""

    settings: Settings
    store: Store
    storage: Storage
    registry: Registry = field(default_factory=get_registry)
    queue: JobQueue | None = None
    _keeper: LeaseKeeper | None = field(default=None, init=False, repr=False)

    def lease(self) -> Lease:
        """The lease this process takes on a job it starts (:mod:`access.leases`)."""
        return Lease(owner=owner_id(), seconds=self.settings.job_lease_seconds,
                     max_attempts=self.settings.job_max_attempts)

    @property
    def keeper(self) -> LeaseKeeper:
        """The thread renewing the leases of the jobs this process runs (started on first use)."""
        if self._keeper is None:
            self._keeper = LeaseKeeper(self.store.renew_leases, self.settings.job_lease_seconds)
        return self._keeper

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, migrate: bool = True,
                      queue: JobQueue | None = None, registry: Registry | None = None) -> Runtime:
        settings = settings or get_settings()
        store = Store(settings.resolved_database_url)
        if migrate:
            store.ensure_schema()
        return cls(settings=settings, store=store, storage=Storage(settings.files_dir),
                   registry=registry or get_registry(), queue=queue)


# ----------------------------------------------------------------------------- progress


class RowProgress:
    """ctx.progress and ctx.check_cancelled bound to a job row, with writes and reads throttled."""

    def __init__(self, store: Store, job_id: str, interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.job_id, self.interval, self.clock = store, job_id, interval, clock
        self._last_write = self._last_check = clock()      # the row was just written (running)

    def __call__(self, percent: float, stage: str) -> None:
        """At most one write per interval: a job shorter than the interval writes none at all."""
        now = self.clock()
        if now - self._last_write < self.interval:
            return
        self._last_write = now
        self.store.set_progress(self.job_id, percent, stage)

    def check_cancelled(self) -> None:
        now = self.clock()
        if now - self._last_check < self.interval:
            return
        self._last_check = now
        if self.store.status_of(self.job_id) in (None, JobStatus.CANCELLED.value):
            raise Cancelled("The job was cancelled.")


# ----------------------------------------------------------------------------- running

Work = Callable[[], dict[str, Any] | None]     # the job's result summary; None: its units tasks go on


def run_job(job_id: str, rt: Runtime, *, may_retry: bool = False) -> JobStatus | None:
    """Run one job: its whole plan in this process, or, for an audit whose units fan out over
    the workers, its discovery (units tasks carry it on: returns ``running``). Returns the status
    the job is left in (None when the job is gone, cancelled or already finished, e.g. a task
    delivered again after success).

    ``EngineUnavailable`` is re-raised when ``may_retry`` (the task retries it); every other error
    ends the job ``failed`` with its code, and the worker lives on. Every line logged meanwhile
    carries the job id and tenant (:mod:`access.logs`). The database going away is never the
    job's failure: :class:`StoreUnavailable` is raised (the task tries again later) and the job is
    given back to the queue, or, when even that fails, found by the sweeper once its lease runs out."""
    with logs.bound(job_id=job_id), _store_errors():
        job = rt.store.get_job(job_id)
        if job is None or job.job_status.finished:
            log.info("job %s: nothing to do (%s)", job_id, "gone" if job is None else job.status)
            return None
        with logs.bound(tenant=job.tenant):
            started = rt.store.start(job_id, rt.lease())
            if started is Start.GAVE_UP:
                log.warning("job %s: its worker was lost %d times: failed (resource_limit)", job_id, job.attempts)
                _record_end(rt, job_id)
                if job.callback_url:
                    _after(job_id, rt)
                return JobStatus.FAILED
            if started is Start.SKIP:
                log.info("job %s: nothing to do (finished, cancelled or running elsewhere)", job_id)
                return None
            log.info("job %s: running (%s)", job_id, job.kind)
            ctx, row = _job_context(rt, job)

            def work() -> dict[str, Any] | None:
                _debug_delay(rt.settings.debug_task_delay, row)
                run = _run_audit if job.kind == JobKind.AUDIT.value else _run_conversion
                return run(job, rt, ctx)

            rt.keeper.hold(job_id)
            try:
                status = _conclude(rt, job, work, may_retry=may_retry)
            finally:
                rt.keeper.release(job_id)
            if status is JobStatus.RUNNING:        # its units tasks carry it on: no process holds it now
                rt.store.release_lease(job_id)
            return status


def run_units(job_id: str, keys: list[str], rt: Runtime, *, token: str, may_retry: bool = False) -> JobStatus | None:
    """Audit some units of a fanned-out audit (one ``access.run_units`` task): each result goes to
    the job's folder and the job store with the units it leads to, new units are sent on, and the
    task that completes the last unit assembles the report and finishes the job. ``token`` names
    the task (the same when the task is delivered again). A unit that fails with an AccessError
    is a failed part of the report, not a failed job; ``EngineUnavailable`` is retried first."""
    with logs.bound(job_id=job_id), _store_errors():
        job = rt.store.get_job(job_id)
        # queued: its job task was lost and is sent again (the sweeper, an engine retry); the units
        # already sent go on meanwhile, and whichever task completes the job once it runs assembles
        if job is None or job.job_status not in (JobStatus.RUNNING, JobStatus.QUEUED):
            log.info("job %s: no units to audit (%s)", job_id, "gone" if job is None else job.status)
            return None
        with logs.bound(tenant=job.tenant):
            ctx, _ = _job_context(rt, job)

            def work() -> dict[str, Any] | None:
                plan = FannedOut.open(job, rt)
                plan.audit(keys, ctx, may_retry=may_retry)
                return plan.advance(ctx, token)

            return _conclude(rt, job, work, may_retry=may_retry, token=token)


def _job_context(rt: Runtime, job: Job) -> tuple[Context, RowProgress]:
    row = RowProgress(rt.store, job.id, rt.settings.progress_interval)
    return Context(settings=rt.settings, progress=row, check_cancelled=row.check_cancelled, job_id=job.id,
                   tenant=job.tenant, artifacts_dir=rt.storage.output_dir(job.tenant, job.id)), row


def _conclude(rt: Runtime, job: Job, work: Work, *, may_retry: bool, token: str | None = None) -> JobStatus:
    """Run a task's work and record how the job ends: the one error ladder of every task. A job's
    own task (``token`` None) ends it alone; of a fanned-out audit's units tasks, only the one
    that ends the job (or, when it was cancelled, the first to see it) sends its callback."""
    try:
        result = work()
    except Cancelled:
        rt.store.cancel(job.id)
        status = JobStatus.CANCELLED
        tell = token is None or rt.store.claim_finish(job.id, token, JobStatus.CANCELLED)
    except EngineUnavailable as exc:
        if may_retry:
            if token is None:
                rt.store.requeue(job.id)
            raise
        status, tell = _fail(rt, job.id, exc)
    except StoreUnavailable as exc:
        _give_back(rt, job.id, token, exc)
        raise
    except AccessError as exc:
        status, tell = _fail(rt, job.id, exc)
    except MemoryError:                 # past the job memory ceiling (access.limits)
        status, tell = _fail(rt, job.id, memory_exceeded(rt.settings.job_memory_limit))
    except Exception as exc:
        if is_transient(exc):
            _give_back(rt, job.id, token, exc)
            raise StoreUnavailable("The job store went away while the job ran; it runs again.") from exc
        if type(exc).__name__ == "SoftTimeLimitExceeded":
            status, tell = _fail(rt, job.id, Timeout("The job took longer than the time limit "
                                                     f"of {rt.settings.task_soft_time_limit} s."))
        else:
            log.exception("job %s failed unexpectedly", job.id)
            status, tell = _fail(rt, job.id, AccessError(
                f"The job failed unexpectedly ({type(exc).__name__}: {str(exc)[:300]})."))
    else:
        if result is None:
            return JobStatus.RUNNING
        tell = rt.store.finish(job.id, JobStatus.SUCCEEDED, result=result)
        status = JobStatus.SUCCEEDED if tell else JobStatus.CANCELLED
    if tell:
        _record_end(rt, job.id)
    if job.callback_url and (tell or token is None):
        _after(job.id, rt)
    return status


@contextmanager
def _store_errors() -> Iterator[None]:
    """The database's errors, once the store gave up trying, as :class:`StoreUnavailable`."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as exc:
        if is_transient(exc):
            raise StoreUnavailable("The job store is unavailable.") from exc
        raise


def _give_back(rt: Runtime, job_id: str, token: str | None, exc: BaseException) -> None:
    """The job's only error was the database: back to the queue (its task comes again), never failed."""
    log.warning("job %s: the job store went away (%s): the job is given back to the queue", job_id,
                type(exc).__name__)
    if token is None:
        try:
            rt.store.requeue(job_id)
        except Exception:           # still away: the job keeps its lease, which the sweeper sees run out
            log.warning("job %s: could not give the job back yet", job_id)


def _record_end(rt: Runtime, job_id: str) -> None:
    """The job just ended in this call: log it and count it (metrics never fail a job)."""
    try:
        ended = rt.store.get_job(job_id)
        if ended is None:
            return
        seconds = ((ended.finished_at - ended.started_at).total_seconds()
                   if ended.finished_at is not None and ended.started_at is not None else None)
        log.info("job %s: %s%s", job_id, ended.status, f" ({ended.error_code})" if ended.error_code else "")
        metrics.job_finished(ended.kind, ended.status, code=ended.error_code, seconds=seconds, tenant=ended.tenant)
    except Exception:
        log.exception("job %s: could not record its end", job_id)


def _fail(rt: Runtime, job_id: str, exc: AccessError) -> tuple[JobStatus, bool]:
    """The job failed with ``exc``'s code; whether this call ended it (not cancelled meanwhile)."""
    ended = rt.store.finish(job_id, JobStatus.FAILED, error_code=exc.code, error_message=exc.message)
    return JobStatus.FAILED, ended


def _after(job_id: str, rt: Runtime) -> None:
    job = rt.store.get_job(job_id)
    if job is not None and rt.queue is not None and job.callback_url:
        try:
            schedule_webhook(rt, job, "finished")
        except Exception:
            log.exception("job %s: could not schedule its callback", job_id)


def schedule_webhook(rt: Runtime, job: Job, trigger: str) -> WebhookMessage:
    """Record a webhook message for the job as it is now (the body every attempt sends) and send
    its delivery task (:func:`access.webhooks.deliver` makes each attempt)."""
    if rt.queue is None:
        raise EngineUnavailable("This process has no job queue.")
    message = _new_webhook_message(rt, job, trigger)
    rt.queue.send_webhook(job.id, message.id)
    return message


def _new_webhook_message(rt: Runtime, job: Job, trigger: str) -> WebhookMessage:
    if not job.callback_url:
        raise Conflict("The job has no callback_url.")
    base = rt.settings.public_url or f"http://{rt.settings.host}:{rt.settings.port}"
    return rt.store.add_webhook_message(job.id, job.callback_url, job_json(job, base).decode(), trigger)


def legacy_webhook_message(rt: Runtime, job_id: str) -> str | None:
    """The message for a delivery task queued by the previous release (job id only)."""
    job = rt.store.get_job(job_id)
    return _new_webhook_message(rt, job, "finished").id if job is not None and job.callback_url else None


def redeliver_webhook(rt: Runtime, job: Job) -> WebhookMessage:
    """Send a finished job's callback again, as a new message with its own attempts."""
    if not job.job_status.finished:
        raise Conflict(f"The job is {job.status}; its callback is sent when it ends.")
    return schedule_webhook(rt, job, "redelivery")


def resend_due_webhooks(rt: Runtime) -> int:
    """Send again the delivery task of every pending message, at its time (a restarted embedded
    worker: the broker does not redeliver what a lost worker held)."""
    assert rt.queue is not None
    due = rt.store.due_webhooks()
    for msg in due:
        rt.queue.send_webhook(msg.job_id, msg.id, countdown=retry_in(msg))
    return len(due)


def _debug_delay(seconds: float, row: RowProgress) -> None:
    """Fault injection for tests of the machinery: sleep (cancellable) before the work."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        row.check_cancelled()
        time.sleep(min(0.1, max(0.0, end - time.monotonic())))


def _source(job: Job) -> SourceFile:
    data = job.input
    return SourceFile(path=data["path"], filename=data.get("filename"), format=data["format"])


def subject_of(job: Job) -> Subject:
    return Subject(url=job.input["url"]) if job.input.get("url") else Subject(source=_source(job))


def audit_options(job: Job, rt: Runtime) -> AuditOptions:
    """A job's audit options with its sign-in credentials, kept sealed in the job store until it ends."""
    options = AuditOptions.model_validate(job.options)
    sealed = rt.store.get_secret(job.id)
    if sealed is not None:
        options.sign_in = SignIn.model_validate_json(unseal(sealed, rt.settings))
    return options


def _run_audit(job: Job, rt: Runtime, ctx: Context) -> dict[str, Any] | None:
    options = audit_options(job, rt)
    subject = subject_of(job)
    auditor = services.auditor_for(subject, rt.registry)
    services.check_audit_options(subject, options, ctx.settings)
    if rt.queue is not None and rt.queue.has_broker_fanout and auditor.batch_size(rt.settings) > 0:
        plan = FannedOut.start(job, rt, auditor, subject, options, ctx)
        return plan.advance(ctx, token=job.id)
    report = run_audit(auditor, subject, options, ctx)
    ctx.check_cancelled()
    return store_report(job, rt, report, options)


# ----------------------------------------------------------------------------- fanned-out audits

UNITS_FOLDER = "units"            # in the job's folder: discovery.json and one result file per unit
DISCOVERY_FILE = "discovery.json"


@dataclass
class FannedOut:
    """An audit whose units fan out over the workers: what discovery found (a JSON file in the
    job's folder) and the units (:class:`StoreLedger`), shared by every task of the job. Each
    task runs the plan's own steps (:func:`access.auditing.audit_units`, ``assemble_report``)."""

    job: Job
    rt: Runtime
    auditor: Auditor
    options: AuditOptions
    discovery: Discovery
    ledger: StoreLedger

    @staticmethod
    def _folder(job: Job, rt: Runtime) -> Path:
        return rt.storage.job_dir(job.tenant, job.id) / UNITS_FOLDER

    @classmethod
    def _make(cls, job: Job, rt: Runtime, auditor: Auditor, options: AuditOptions,
              discovery: Discovery) -> FannedOut:
        ledger = StoreLedger(rt.store, job.id, cls._folder(job, rt), max(1, discovery.limit))
        return cls(job, rt, auditor, options, discovery, ledger)

    @classmethod
    def start(cls, job: Job, rt: Runtime, auditor: Auditor, subject: Subject, options: AuditOptions,
              ctx: Context) -> FannedOut:
        """Discover and record the first units (a job task delivered again reads what the first
        delivery discovered)."""
        path = cls._folder(job, rt) / DISCOVERY_FILE
        if path.is_file():
            discovery = Discovery.model_validate_json(path.read_text(encoding="utf-8"))
        else:
            ctx.progress(0, "discovering")
            discovery = auditor.discover(subject, options, ctx)
            write_atomic(path, discovery.model_dump_json())
        plan = cls._make(job, rt, auditor, options, discovery)
        plan.ledger.add(discovery.units)
        return plan

    @classmethod
    def open(cls, job: Job, rt: Runtime) -> FannedOut:
        path = cls._folder(job, rt) / DISCOVERY_FILE
        if not path.is_file():
            raise AccessError("The audit's discovery is missing from the job's folder.")
        discovery = Discovery.model_validate_json(path.read_text(encoding="utf-8"))
        auditor = services.auditor_for(subject_of(job), rt.registry)
        return cls._make(job, rt, auditor, audit_options(job, rt), discovery)

    def audit(self, keys: list[str], ctx: Context, *, may_retry: bool) -> None:
        """Audit the units named ``keys`` that are not done yet, sending on the units they lead to."""
        todo = self.ledger.unfinished(keys)

        def take(n: int) -> list[Unit]:
            taken = todo[:n]
            del todo[:n]
            return taken

        def audit_one(unit: Unit) -> UnitResult:
            try:
                return self.auditor.audit_unit(unit, self.discovery, self.options, ctx)
            except AccessError as exc:
                if isinstance(exc, Cancelled | StoreUnavailable) or (isinstance(exc, EngineUnavailable) and may_retry):
                    raise
                return failed_result(unit, exc)

        audit_units(self.auditor, self.ledger, take, audit_one, self.discovery, self.options, ctx,
                    after=lambda: self._send(ctx))

    def _send(self, ctx: Context) -> None:
        """Send the pending units in batches, and say how far the audit is."""
        queue = self.rt.queue
        assert queue is not None
        self.ledger.dispatch(self.auditor.batch_size(self.rt.settings), lambda keys: queue.send_units(self.job, keys))
        report_progress(ctx, self.auditor, self.ledger.counts())

    def advance(self, ctx: Context, token: str) -> dict[str, Any] | None:
        """Send what is pending; once every unit is done, the one task that claims the job
        assembles and stores the report (its summary; None while units are left)."""
        self._send(ctx)
        if not self.ledger.counts().finished or not self.rt.store.claim_finish(self.job.id, token):
            return None
        report = assemble_report(self.auditor, self.discovery, self.ledger, self.options, ctx)
        return store_report(self.job, self.rt, report, self.options)


def store_report(job: Job, rt: Runtime, report: Report, options: AuditOptions | None = None) -> dict[str, Any]:
    """Write the report into the job's folder as its report artifact, with the screenshots its
    findings name; the job's result summary (with the threshold's verdict when the audit has one)."""
    outdir = rt.storage.output_dir(job.tenant, job.id)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / REPORT_ARTIFACT
    path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    rt.store.add_artifact(job.id, name=REPORT_ARTIFACT, media_type="application/json",
                          size=path.stat().st_size, path=str(path), metadata={"kind": "report"})
    for name in dict.fromkeys(f.screenshot for f in report.findings if f.screenshot):
        shot = outdir / name
        if shot.is_file() and shot.parent == outdir:
            rt.store.add_artifact(job.id, name=name, media_type="image/png", size=shot.stat().st_size,
                                  path=str(shot), metadata={"kind": "screenshot"})
    result: dict[str, Any] = {"summary": report.summary.model_dump(mode="json"), "parts": len(report.parts),
                              "target_kind": report.target_kind}
    if options is not None and options.threshold is not None:
        result["threshold"] = check_threshold(report, options.threshold).model_dump(mode="json")
    return result


def _run_conversion(job: Job, rt: Runtime, ctx: Context) -> dict[str, Any]:
    options = ConvertOptions.model_validate(job.options)
    outdir = rt.storage.output_dir(job.tenant, job.id)
    result = services.convert(_source(job), options, outdir, ctx, rt.registry)
    for art in result.artifacts:
        path = Path(art.path)
        if not path.is_absolute():
            path = outdir / path
        if not path.is_file() or not rt.storage.contains(path):
            raise AccessError(f"The converter produced no file {art.name!r} inside the job folder.")
        rt.store.add_artifact(job.id, name=art.name, media_type=art.media_type or _guess_type(path),
                              size=path.stat().st_size, path=str(path), metadata=art.metadata)
    return {"gate": result.gate, "warnings": result.warnings, "metadata": result.metadata,
            "targets": {t: o.model_dump(mode="json") for t, o in result.targets.items()}}


def _guess_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def load_report(job: Job) -> Report | None:
    art = next((a for a in job.artifacts if a.name == REPORT_ARTIFACT), None)
    if art is None or not Path(art.path).is_file():
        return None
    return Report.model_validate_json(Path(art.path).read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- recovery


def sweep_lost_jobs(rt: Runtime) -> dict[str, int]:
    """Find the jobs lost with their worker (lease run out, or owner a dead process of this host)
    and send each again, or fail it with ``resource_limit`` once it has been started
    ``job_max_attempts`` times. Safe to run in every worker at once: each job is taken by one
    conditional update. Returns how many were sent again and how many given up on."""
    assert rt.queue is not None
    counts = {"requeued": 0, "gave_up": 0}
    for job in rt.store.lost_jobs(owner_is_dead):
        with logs.bound(job_id=job.id, tenant=job.tenant):
            outcome = rt.store.recover_lost(job, rt.settings.job_max_attempts)
            if outcome is Start.RUN:
                log.warning("job %s was lost with its worker (%s): sending it again", job.id, job.lease_owner)
                rt.queue.send_job(job)
                counts["requeued"] += 1
            elif outcome is Start.GAVE_UP:
                log.warning("job %s was lost with its worker %d times: failed (resource_limit)", job.id,
                            job.attempts)
                _record_end(rt, job.id)
                if job.callback_url:
                    _after(job.id, rt)
                counts["gave_up"] += 1
    return counts


# ----------------------------------------------------------------------------- cancel and delete


def cancel_job(rt: Runtime, job: Job) -> Job | None:
    """Cancel a queued or running job (the job as it is now), or None when it had already finished."""
    if job.job_status.finished or not rt.store.cancel(job.id):
        return None
    with contextlib.suppress(Exception):   # the embedded broker has no broadcast; the task sees the row
        if rt.queue is not None:
            rt.queue.revoke(job.id)
    return rt.store.get_job(job.id) or job


def delete_job(rt: Runtime, job: Job) -> None:
    """Delete a job with its files (share links to them stop working with it)."""
    rt.storage.delete_job(job.tenant, job.id)
    rt.store.delete_job(job.id)


# ----------------------------------------------------------------------------- the public view


def job_view(job: Job, base_url: str = "") -> dict[str, Any]:
    """The job as DESIGN.md promises it (GET /v1/jobs/{id}, webhooks)."""
    base = base_url.rstrip("/")
    error = ({"code": job.error_code, "message": job.error_message or ""}
             if job.error_code and job.status != JobStatus.SUCCEEDED.value else None)
    view: dict[str, Any] = {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "stage": job.stage,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "error": error,
        "artifacts": [artifact_view(job, a, base) for a in job.artifacts],
        "attempts": job.attempts,
        "input": {k: v for k, v in job.input.items() if k != "path"},
        "options": job.options,
        "result": job.result or {},
    }
    if job.kind == JobKind.AUDIT.value and job.status == JobStatus.SUCCEEDED.value:
        view["report_url"] = f"{base}/v1/jobs/{job.id}/report"
    if job.kind == JobKind.CONVERSION.value and (job.result or {}).get("targets"):
        view["targets"] = job.result["targets"]     # each target's outcome: a job may succeed with some failed
    return view


def artifact_view(job: Job, art: Any, base: str) -> dict[str, Any]:
    """One output as the API describes it: where to download it, the conversion target that made it
    and that target's quality-gate record (``GateResult.record``), and what its writer measured:
    ``duration`` (s) and ``chapters`` ``[{title, start, end}]`` of audio, ``pages`` of documents
    (braille pages, the print pages an EPUB marks)."""
    meta: dict[str, Any] = art.meta or {}
    target = meta.get("target")
    gate = (job.result or {}).get("gate", {}).get(target) if target else None
    view: dict[str, Any] = {"name": art.name, "media_type": art.media_type, "size": art.size,
                            "url": f"{base}/v1/jobs/{job.id}/artifacts/{art.name}", "target": target,
                            "gate": gate}
    if isinstance(meta.get("duration"), int | float):
        view["duration"] = meta["duration"]
    if isinstance(meta.get("chapters"), list):
        view["chapters"] = meta["chapters"]
    if isinstance(meta.get("pages"), int):
        view["pages"] = meta["pages"]
    return view


def artifacts_zip_name(job: Job) -> str:
    """The file name of a job's outputs downloaded in one zip: the source's name and the job id."""
    from access.conversion import output_stem

    source = job.input.get("filename") or job.input.get("url")
    return f"{output_stem(source, 'job')}-{job.id[:8]}.zip"


def job_json(job: Job, base_url: str = "") -> bytes:
    return json.dumps(job_view(job, base_url), separators=(",", ":"), sort_keys=True).encode()


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def close_auditors(rt: Runtime) -> None:
    """Let every auditor this process loaded release what it keeps between jobs (browsers)."""
    for name, auditor in rt.registry.auditors.loaded().items():
        try:
            auditor.close()
        except Exception:
            log.exception("auditor %s did not close cleanly", name)
