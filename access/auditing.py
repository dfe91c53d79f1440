"""An audit as a plan of steps: discover → audit units → assemble.

Every auditor implements :class:`Auditor`. ``discover`` turns the subject (a file, a URL) into the
first units of work; ``audit_unit`` audits one unit (a page, a document) and returns a JSON-able
:class:`UnitResult`; ``expand`` turns a unit's result into more units (a crawl follows links);
``assemble`` builds the one Report from every unit's result. A file audit has one unit; a site audit
has one unit per page, found as the crawl goes.

:func:`run_audit` runs a plan in this process (the CLI, the embedded worker, a quality gate); the job
runner in :mod:`access.jobs` runs the same plan and, when there is a broker, fans the units out over
the workers, keeping the units in the job store instead of :class:`MemoryLedger`. Either way the
auditor's code is the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from access.config import Settings
from access.context import Context
from access.errors import AccessError
from access.models import AuditedPart, AuditOptions, EngineInfo, Finding, Report, SourceFile


class Subject(BaseModel):
    """What is audited: an uploaded or local file, or a URL."""

    url: str | None = None
    source: SourceFile | None = None

    @property
    def name(self) -> str:
        if self.url:
            return self.url
        assert self.source is not None
        return self.source.filename or self.source.path


class Unit(BaseModel):
    """One piece of audit work: a page, a document. ``key`` is unique within the audit."""

    key: str
    depth: int = 0
    data: dict[str, Any] = Field(default_factory=dict)


class Discovery(BaseModel):
    """What ``discover`` found: the first units, the most units the audit may have, and the
    auditor's own state for later steps (JSON, so it can cross the broker)."""

    target: str
    units: list[Unit] = Field(default_factory=list)
    limit: int = 1
    data: dict[str, Any] = Field(default_factory=dict)


class UnitResult(BaseModel):
    """One unit's result (JSON, so a worker on another machine can hand it over)."""

    key: str
    parts: list[AuditedPart] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    engines: list[EngineInfo] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)        # what a crawl may follow from here
    aliases: list[str] = Field(default_factory=list)      # other keys this unit turned out to be (redirects)
    report: Report | None = None                          # a whole-file audit's report
    data: dict[str, Any] = Field(default_factory=dict)


@runtime_checkable
class Auditor(Protocol):
    """The auditor plugin table holds these (entry-point group ``access.auditors``)."""

    format: str          # the input it audits: html, pdf, docx, pptx, zip, web ...
    queue: str           # documents | browser
    description: str
    unit_noun: str       # what a unit is called in progress messages: "page", "document"

    def discover(self, subject: Subject, options: AuditOptions, ctx: Context) -> Discovery: ...

    def audit_unit(self, unit: Unit, discovery: Discovery, options: AuditOptions, ctx: Context) -> UnitResult: ...

    def expand(self, unit: Unit, result: UnitResult, discovery: Discovery, options: AuditOptions) -> list[Unit]: ...

    def assemble(self, discovery: Discovery, results: list[UnitResult], options: AuditOptions,
                 ctx: Context) -> Report: ...

    def batch_size(self, settings: Settings) -> int:
        """Units per fanned-out task; 0: the audit never fans out (one unit, or cheap units)."""
        ...

    def workers(self, settings: Settings) -> int:
        """How many units this process audits at once when it runs the plan itself."""
        ...

    def close(self) -> None:
        """Release what the auditor keeps between jobs (browsers); called when a worker stops."""
        ...


# ----------------------------------------------------------------------------- one-unit auditors

AuditFile = Callable[[SourceFile, AuditOptions, Context], Report]
DOCUMENT_KEY = "document"


@dataclass(frozen=True)
class FileAuditor:
    """An auditor whose subject is one file audited in one go (PDF, Word, PowerPoint, HTML ...):
    the plan has a single unit whose result is the whole report."""

    format: str
    audit: AuditFile
    queue: str = "documents"
    description: str = ""
    unit_noun: str = "document"

    def discover(self, subject: Subject, options: AuditOptions, ctx: Context) -> Discovery:
        if subject.source is None:
            raise ValueError(f"the {self.format} auditor audits files, not URLs")
        return Discovery(target=subject.name, units=[Unit(key=DOCUMENT_KEY)], limit=1,
                         data={"source": subject.source.model_dump(mode="json")})

    def audit_unit(self, unit: Unit, discovery: Discovery, options: AuditOptions, ctx: Context) -> UnitResult:
        source = SourceFile.model_validate(discovery.data["source"])
        return UnitResult(key=unit.key, report=self.audit(source, options, ctx))

    def expand(self, unit: Unit, result: UnitResult, discovery: Discovery, options: AuditOptions) -> list[Unit]:
        return []

    def assemble(self, discovery: Discovery, results: list[UnitResult], options: AuditOptions,
                 ctx: Context) -> Report:
        reports = [r.report for r in results if r.report is not None]
        if len(reports) != 1:
            raise ValueError(f"a {self.format} audit has one unit, got {len(reports)} results")
        return reports[0]

    def batch_size(self, settings: Settings) -> int:
        return 0

    def workers(self, settings: Settings) -> int:
        return 1

    def close(self) -> None:
        return None


# ----------------------------------------------------------------------------- the ledger of units


class Ledger(Protocol):
    """Where a running plan keeps its units: in memory (:class:`MemoryLedger`), or in the job store
    when the units fan out over workers."""

    def add(self, units: Iterable[Unit]) -> list[Unit]:
        """Record new units (a key already known is ignored; units past the limit are only counted);
        returns the ones added."""
        ...

    def claim(self, n: int) -> list[Unit]:
        """Up to ``n`` pending units, in the order they were added, now marked as being worked on."""
        ...

    def complete(self, unit: Unit, result: UnitResult, found: Iterable[Unit] = ()) -> list[Unit]:
        """Record a unit's result and, at once, the units it led to (``expand``), so nobody sees
        the unit done before its follow-ups are known; returns the follow-ups added. The result's
        aliases are recorded first: a unit found under an alias is not added."""
        ...

    def results(self) -> list[UnitResult]:
        """Every completed unit's result, in the order the units were added."""
        ...

    def counts(self) -> LedgerCounts: ...

    def refused(self, most: int) -> list[str]:
        """Keys of units the plan's limit kept out (at most ``most``, in the order they came)."""
        ...


@dataclass(frozen=True)
class LedgerCounts:
    done: int
    total: int                 # units added (done + pending + being worked on)
    over_limit: int            # units found but not added: the plan's limit was reached

    @property
    def finished(self) -> bool:
        return self.done == self.total


@dataclass
class MemoryLedger:
    limit: int
    _order: list[str] = field(default_factory=list)
    _units: dict[str, Unit] = field(default_factory=dict)
    _pending: list[str] = field(default_factory=list)
    _results: dict[str, UnitResult] = field(default_factory=dict)
    _aliases: set[str] = field(default_factory=set)
    _over: dict[str, None] = field(default_factory=dict)      # keys kept out by the limit, in order
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, units: Iterable[Unit]) -> list[Unit]:
        with self._lock:
            return self._add(units)

    def _add(self, units: Iterable[Unit]) -> list[Unit]:
        added = []
        for unit in units:
            if unit.key in self._units or unit.key in self._aliases:
                continue
            if len(self._order) >= self.limit:
                self._over[unit.key] = None
                continue
            self._units[unit.key] = unit
            self._order.append(unit.key)
            self._pending.append(unit.key)
            added.append(unit)
        return added

    def claim(self, n: int) -> list[Unit]:
        with self._lock:
            taken, self._pending = self._pending[:n], self._pending[n:]
        return [self._units[k] for k in taken]

    def complete(self, unit: Unit, result: UnitResult, found: Iterable[Unit] = ()) -> list[Unit]:
        with self._lock:
            self._results[unit.key] = result
            self._aliases.update(a for a in result.aliases if a not in self._units)
            for alias in result.aliases:
                self._over.pop(alias, None)
            return self._add(found)

    def results(self) -> list[UnitResult]:
        return [self._results[k] for k in self._order if k in self._results]

    def counts(self) -> LedgerCounts:
        with self._lock:
            return LedgerCounts(done=len(self._results), total=len(self._order), over_limit=len(self._over))

    def refused(self, most: int) -> list[str]:
        with self._lock:
            return list(self._over)[:most]


# ----------------------------------------------------------------------------- running a plan here

REFUSED_KEPT = 5000          # keys kept out by the limit that an assembled plan is told about

UnitAudit = Callable[[Unit], UnitResult]


def progress_stage(auditor: Auditor, counts: LedgerCounts) -> str:
    """``audited 3 of 12 queued pages``: done of the units the plan holds (a crawl's queue grows as
    links are found; pages found past the limit are never queued: ``(+4 over the limit)``)."""
    noun = auditor.unit_noun
    if counts.total == 1:
        return f"auditing the {noun}"
    over = f" (+{counts.over_limit} over the limit)" if counts.over_limit else ""
    return f"audited {counts.done} of {counts.total} queued {noun}s{over}"


def report_progress(ctx: Context, auditor: Auditor, counts: LedgerCounts) -> None:
    ctx.progress(min(99.0, 99.0 * counts.done / max(counts.total, 1)), progress_stage(auditor, counts))


def failed_result(unit: Unit, exc: AccessError) -> UnitResult:
    """A unit whose audit raised ``exc``: one failed part, named by the unit's ``url`` (a page)
    or its key, so the rest of the audit goes on."""
    part = AuditedPart(id=str(unit.data.get("url", unit.key)), status="failed",
                       error={"code": exc.code, "message": exc.message})
    return UnitResult(key=unit.key, parts=[part])


def audit_units(auditor: Auditor, ledger: Ledger, take: Callable[[int], list[Unit]], audit: UnitAudit,
                discovery: Discovery, options: AuditOptions, ctx: Context,
                after: Callable[[], None] | None = None) -> None:
    """Audit the units ``take`` hands out, ``auditor.workers`` at a time; each result goes to the
    ledger together with the units ``expand`` finds from it, then ``after`` runs. The loop of
    :func:`run_audit` and of a fanned-out units task alike."""
    workers = max(1, auditor.workers(ctx.settings))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"access-{auditor.format}") as pool:
        running: dict[Future[UnitResult], Unit] = {}
        while True:
            ctx.check_cancelled()
            for unit in take(workers - len(running)):
                running[pool.submit(audit, unit)] = unit
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                unit = running.pop(future)
                result = future.result()
                ledger.complete(unit, result, auditor.expand(unit, result, discovery, options))
                if after is not None:
                    after()


def assemble_report(auditor: Auditor, discovery: Discovery, ledger: Ledger, options: AuditOptions,
                    ctx: Context) -> Report:
    """The one Report from every completed unit (the plan's limit reached is in ``over_limit``,
    the first keys it kept out in ``over_limit_keys``)."""
    discovery.data["over_limit"] = ledger.counts().over_limit
    discovery.data["over_limit_keys"] = ledger.refused(REFUSED_KEPT)
    ctx.progress(99, "assembling the report")
    report = auditor.assemble(discovery, ledger.results(), options, ctx)
    ctx.progress(100, "done")
    return report


def run_audit(auditor: Auditor, subject: Subject, options: AuditOptions, ctx: Context,
              ledger: Ledger | None = None) -> Report:
    """Discover, audit every unit (``auditor.workers`` at a time, following what ``expand``
    finds), and assemble the report, all in this process."""
    ctx.progress(0, "discovering")
    discovery = auditor.discover(subject, options, ctx)
    ledger = ledger or MemoryLedger(limit=max(1, discovery.limit))
    ledger.add(discovery.units)
    single = len(discovery.units) == 1 and discovery.limit == 1
    unit_ctx = ctx.scaled(0, 99) if single else ctx

    def audit(unit: Unit) -> UnitResult:
        return auditor.audit_unit(unit, discovery, options, unit_ctx)

    def after() -> None:
        if not single:
            report_progress(ctx, auditor, ledger.counts())

    audit_units(auditor, ledger, ledger.claim, audit, discovery, options, ctx, after)
    return assemble_report(auditor, discovery, ledger, options, ctx)
