"""The audit plan every package auditor shares (:class:`access.auditing.Auditor`):

- ``discover``: open the package (zip in place, tar unpacked once, both checked for bombs, unsafe
  names and links), read what it is (the auditor's :meth:`PackageAuditor.read`) and plan the units:
  one ``package`` unit (the package-level rules), then one unit per page and per document, in
  reading or course order;
- ``audit_unit``: the package rules; a page served from 127.0.0.1 and audited in the browser
  (:mod:`auditors.packages.browser`); or a document (PDF, Word, PowerPoint, EPUB) audited by its
  own auditor through :mod:`access.services`;
- ``expand``: the package's own pages and documents a page links to that the outline does not list
  (a SCORM lesson of several pages, a handout linked from a page), once;
- ``assemble``: one report whose parts follow the package's structure, each finding placed at its
  package file and outline path.

Units are independent (each process serves the package itself), so a large course fans out over
the workers like a site (``package_batch_items`` per task).
"""

from __future__ import annotations

import posixpath
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, Field

from access import services
from access.auditing import Discovery, Subject, Unit, UnitResult
from access.config import Settings, plugin_settings
from access.context import Context
from access.errors import AccessError, LimitExceeded
from access.models import AuditedPart, AuditOptions, EngineInfo, Finding, Report, SourceFile, utcnow
from access.rulerun import RuleRun
from auditors.docreport import check_size
from auditors.packages.archive import PACKAGES, OverlayFiles, PackageFiles, open_package
from auditors.packages.browser import audit_served_page
from auditors.packages.serve import SERVED, PackageServer
from auditors.packages.settings import PackageSettings
from auditors.web.settings import WebSettings
from rules.course.model import DOCUMENT_SUFFIXES, PAGE_SUFFIXES

PACKAGE_UNIT = "package"


class Target(BaseModel):
    """A page or document of the package to audit (``Unit.data``, JSON)."""

    role: str                                    # page | document
    member: str                                  # the file served or audited
    part: str                                    # the report part's id
    title: str = ""
    source: str | None = None                    # where findings point (default: member)
    outline: list[str] = Field(default_factory=list)
    section: str | None = None

    def unit(self, depth: int = 0) -> Unit:
        return Unit(key=f"{self.role}:{self.member}", depth=depth, data=self.model_dump(mode="json"))


class Plan(BaseModel):
    """What :meth:`PackageAuditor.read` found: the targets in order, parts that are listed but not
    audited (links, sections), and the auditor's own data for later steps."""

    title: str = ""
    targets: list[Target] = Field(default_factory=list)
    listed: list[AuditedPart] = Field(default_factory=list)
    pages: dict[str, str] = Field(default_factory=dict)   # generated pages: served member → HTML
    aliases: dict[str, str] = Field(default_factory=dict) # another name of a stored file → the file
    head_snippet: str = ""                                 # inserted in every served HTML page
    data: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class PackageAuditor:
    """The shared plan; an auditor says how to read its package (:meth:`read`), runs its package
    rules (:meth:`package_rules`) and finishes the report (:meth:`finish`)."""

    format: str
    kind: str = ""                                 # the report's target_kind
    queue: str = "browser"
    description: str = ""
    unit_noun: str = "page"
    best_practice: bool = False                    # EPUB: axe-core's best-practice rules too

    # ------------------------------------------------------------------ to implement

    def read(self, files: PackageFiles, source: SourceFile, ctx: Context) -> Plan:
        raise NotImplementedError

    def package_rules(self, files: PackageFiles, discovery: Discovery, options: AuditOptions) -> tuple[
            RuleRun, AuditedPart, dict[str, Any]]:
        raise NotImplementedError

    def finish(self, report: Report, discovery: Discovery, results: list[UnitResult], options: AuditOptions) -> None:
        return None

    # ------------------------------------------------------------------ the plan

    def discover(self, subject: Subject, options: AuditOptions, ctx: Context) -> Discovery:
        if subject.source is None:
            raise ValueError(f"the {self.format} auditor audits files, not URLs")
        source = subject.source
        check_size(Path(source.path), ctx.settings)
        package = plugin_settings(PackageSettings, ctx.settings)
        files = self.files(source, ctx.settings)
        plan = self.read(files, source, ctx)
        if len(plan.targets) > package.package_max_items:
            raise LimitExceeded(f"The package has {len(plan.targets)} pages and documents; at most "
                                f"{package.package_max_items} are audited (setting ACCESS_PACKAGE_MAX_ITEMS).")
        budget = min(package.package_max_pages, options.max_pages) if "max_pages" in options.model_fields_set \
            else package.package_max_pages
        targets = unique_parts(plan.targets)
        planned, over = targets[:budget], targets[budget:]
        plan.listed += [AuditedPart(id=t.part, title=t.title, status="skipped",
                                    error={"code": "limit_exceeded",
                                           "message": f"Only the first {budget} pages and documents are audited."})
                        for t in over]
        units = [Unit(key=PACKAGE_UNIT), *(t.unit() for t in planned)]
        data = {"source": source.model_dump(mode="json"), "title": plan.title, "pages": plan.pages,
                "aliases": plan.aliases,
                "head_snippet": plan.head_snippet, "listed": [p.model_dump(mode="json") for p in plan.listed],
                "order": [t.part for t in targets], "started_at": utcnow().isoformat(), **plan.data}
        return Discovery(target=source.filename or Path(source.path).name, units=units, limit=1 + budget, data=data)

    def audit_unit(self, unit: Unit, discovery: Discovery, options: AuditOptions, ctx: Context) -> UnitResult:
        ctx.check_cancelled()
        source = SourceFile.model_validate(discovery.data["source"])
        files = self.files(source, ctx.settings)
        if unit.key == PACKAGE_UNIT:
            started = time.perf_counter()
            run, part, data = self.package_rules(files, discovery, options)
            part.timings["rules"] = round(time.perf_counter() - started, 4)
            return UnitResult(key=unit.key, parts=[part, *run.failed_parts(part.id)], findings=run.findings,
                              engines=[EngineInfo(name=k, version=v) for k, v in data.pop("engines", {}).items()],
                              data=data)
        target = Target.model_validate(unit.data)
        if target.role == "page":
            return self._page(unit, target, files, discovery, options, ctx)
        return self._document(unit, target, self.served_files(files, discovery), options, ctx)

    @staticmethod
    def served_files(files: PackageFiles, discovery: Discovery) -> PackageFiles:
        """The package's files with the pages this audit renders and the names it gives."""
        pages = {k: v.encode() for k, v in discovery.data.get("pages", {}).items()}
        aliases = dict(discovery.data.get("aliases", {}))
        return OverlayFiles(files, pages, aliases) if pages or aliases else files

    def _server(self, files: PackageFiles, discovery: Discovery) -> PackageServer:
        source = discovery.data["source"]
        snippet = str(discovery.data.get("head_snippet") or "").encode()
        key = f"{self.format}:{source['path']}:{_mtime(source['path'])}"
        return SERVED.get(key, lambda: PackageServer(self.served_files(files, discovery), snippet).start())

    def _page(self, unit: Unit, target: Target, files: PackageFiles, discovery: Discovery, options: AuditOptions,
              ctx: Context) -> UnitResult:
        server = self._server(files, discovery)
        page = audit_served_page(server, target.member, options, ctx.settings, best_practice=self.best_practice)
        page.part.id, page.part.title = target.part, page.part.title or target.title
        for f in page.findings:
            if target.source and f.location.url == target.member:
                f.location.url = target.source
            self._place(f, target)
        return UnitResult(key=unit.key, parts=[page.part], findings=page.findings, engines=page.engines,
                          links=page.links)

    def _document(self, unit: Unit, target: Target, files: PackageFiles, options: AuditOptions,
                  ctx: Context) -> UnitResult:
        name = PurePosixPath(target.member).name
        try:
            data = files.read(target.member)
            with tempfile.TemporaryDirectory(prefix="access-package-doc-") as tmp:
                path = Path(tmp) / name
                path.write_bytes(data)
                source = services.source_file(path, name, ctx.settings)
                report = services.audit_file(source, options, services.make_context(ctx.settings))
        except KeyError:
            return UnitResult(key=unit.key, parts=[AuditedPart(
                id=target.part, title=target.title, status="failed",
                error={"code": "not_found", "message": f"{target.member} is not in the package."})])
        except AccessError as exc:
            return UnitResult(key=unit.key, parts=[AuditedPart(id=target.part, title=target.title, status="failed",
                                                               error={"code": exc.code, "message": exc.message})])
        for f in report.findings:
            f.location.url = target.member
            self._place(f, target)
        part = AuditedPart(id=target.part, title=target.title or name,
                           timings={"seconds": float(report.metadata.get("seconds", 0.0) or 0.0)})
        failed = [p for p in report.parts if p.status == "failed"]
        if failed:
            part.error = {"code": "internal_error", "message": "; ".join(
                f"{p.id}: {(p.error or {}).get('message', '')}" for p in failed)[:500]}
        return UnitResult(key=unit.key, parts=[part], findings=report.findings, engines=report.engines)

    @staticmethod
    def _place(finding: Finding, target: Target) -> None:
        """The finding's place in the course: its outline path (``data["outline"]``, and the
        location's ``path`` unless the finding has a structure path of its own) and section."""
        if target.outline:
            outline = " › ".join(target.outline)
            finding.data.setdefault("outline", outline)
            finding.location.path = finding.location.path or outline
        if target.section:
            finding.data.setdefault("section", target.section)

    def expand(self, unit: Unit, result: UnitResult, discovery: Discovery, options: AuditOptions) -> list[Unit]:
        """The package's own pages and documents a planned page links to (one level, as an LMS
        shows a multi-page lesson)."""
        if unit.depth > 0 or unit.key == PACKAGE_UNIT:
            return []
        target = Target.model_validate(unit.data)
        found = []
        for member in result.links:
            lower = member.lower()
            role = "page" if lower.endswith(PAGE_SUFFIXES) else "document" if lower.endswith(DOCUMENT_SUFFIXES) \
                else None
            if role is None:
                continue
            outline = [*target.outline, PurePosixPath(member).name] if target.outline else []
            part = " › ".join(outline) if outline else member
            found.append(Target(role=role, member=member, part=part, title=PurePosixPath(member).name,
                                outline=outline, section=target.section).unit(depth=1))
        return found

    def assemble(self, discovery: Discovery, results: list[UnitResult], options: AuditOptions,
                 ctx: Context) -> Report:
        parts = [p for r in results for p in r.parts]
        parts += [AuditedPart.model_validate(p) for p in discovery.data.get("listed", [])]
        findings = [f for r in results for f in r.findings]
        engines = list({(e.name, e.version): e for r in results for e in r.engines}.values())
        report = Report(target=discovery.target, target_kind=self.kind or self.format, standard=options.standard,
                        engines=engines, parts=parts, findings=findings,
                        metadata={"package": {"title": discovery.data.get("title", ""), "format": self.format,
                                              "pages_not_audited": int(discovery.data.get("over_limit", 0))}},
                        started_at=discovery.data.get("started_at") or utcnow())
        self.finish(report, discovery, results, options)
        source = discovery.data["source"]
        SERVED.close(f"{self.format}:{source['path']}:{_mtime(source['path'])}")
        return report.finish()

    # ------------------------------------------------------------------ plumbing

    @staticmethod
    def files(source: SourceFile, settings: Settings) -> PackageFiles:
        return open_package(Path(source.path), settings.max_unpacked_bytes)

    def batch_size(self, settings: Settings) -> int:
        package = plugin_settings(PackageSettings, settings)
        return package.package_batch_items if package.package_fanout else 0

    def workers(self, settings: Settings) -> int:
        return plugin_settings(WebSettings, settings).browser_pool_size

    def close(self) -> None:
        SERVED.close_all()
        PACKAGES.close_all()


def _mtime(path: str) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return 0


def unique_parts(targets: Iterable[Target]) -> list[Target]:
    """The targets with distinct part ids (a second "Week 1 › Quiz" becomes "Week 1 › Quiz (2)")
    and each file once."""
    seen_parts: dict[str, int] = {}
    seen_members: set[tuple[str, str]] = set()
    out = []
    for t in targets:
        if (t.role, t.member) in seen_members:
            continue
        seen_members.add((t.role, t.member))
        n = seen_parts.get(t.part, 0) + 1
        seen_parts[t.part] = n
        out.append(t if n == 1 else t.model_copy(update={"part": f"{t.part} ({n})"}))
    return out


def rendered_page_path(source: str, item_id: str) -> str:
    """Where a page the auditor renders from ``source`` (an XML file) is served: beside it, so its
    relative references resolve as the LMS resolves them."""
    folder = posixpath.dirname(source)
    name = f".access-{item_id or PurePosixPath(source).stem}.html"
    return posixpath.join(folder, name) if folder else name
