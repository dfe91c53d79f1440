"""The result model shared by every auditor, and the job/artifact views shared by API and CLI.

One ``Finding`` shape for web pages, PDFs, Word files and slides (see shared/DESIGN.md): a finding
names the rule, the outcome, the exact place, and the help a learner's teacher needs to fix it.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from access.browsing import BrowsingOptions

# The WCAG table and the conformance targets live in access.requirements; re-exported here, where
# every auditor takes Finding and Report from.
from access.requirements import DEFAULT_STANDARD as DEFAULT_STANDARD
from access.requirements import PRINCIPLES as PRINCIPLES
from access.requirements import WCAG_CRITERIA as WCAG_CRITERIA
from access.requirements import Standard as Standard
from access.requirements import standard_covers as standard_covers


def utcnow() -> datetime:
    return datetime.now(UTC)


class Outcome(StrEnum):
    VIOLATION = "violation"
    NEEDS_REVIEW = "needs-review"
    PASS = "pass"
    INAPPLICABLE = "inapplicable"


class Impact(StrEnum):
    CRITICAL = "critical"
    SERIOUS = "serious"
    MODERATE = "moderate"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        """Higher is worse: critical=4 … minor=1."""
        return {"critical": 4, "serious": 3, "moderate": 2, "minor": 1}[self.value]


class BBox(BaseModel):
    x0: float
    y0: float
    x1: float
    y1: float


class Location(BaseModel):
    """Where a finding is. Web findings use url/selector/html; documents use page/slide/paragraph."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    selector: str | None = None
    html: str | None = None
    page: int | None = None          # 1-based PDF page
    slide: int | None = None         # 1-based slide number
    shape: str | None = None         # PPTX shape name or id
    paragraph: int | None = None     # 0-based paragraph index in the document body
    table: int | None = None         # 0-based table index
    image: int | None = None         # 0-based image index
    bbox: BBox | None = None
    excerpt: str | None = None       # a short text excerpt that helps find the place
    path: str | None = None          # structure path (PDF structure tree, DOCX part)
    viewport: str | None = None      # web: the viewport the page was audited at ("320x640")
    state: str | None = None         # web: the named page state ("menu open"), None for the page as loaded
    line: int | None = None          # 1-based source line (HTML, Markdown), where the auditor knows it

    def key(self) -> str:
        """A stable string for de-duplication and baselines."""
        parts = [self.url, self.selector, self.page, self.slide, self.shape, self.paragraph,
                 self.table, self.image, self.path]
        # a viewport or state names another rendering of the page; keys of plain findings are unchanged
        parts += [f"{name}={value}" for name, value in (("viewport", self.viewport), ("state", self.state)) if value]
        return "|".join("" if p is None else str(p) for p in parts)


class Finding(BaseModel):
    rule: str
    outcome: Outcome
    impact: Impact | None = None
    wcag: list[str] = Field(default_factory=list)
    standard_refs: list[str] = Field(default_factory=list)
    location: Location = Field(default_factory=Location)
    message: str
    help: str = ""
    help_url: str | None = None
    screenshot: str | None = None    # name of a report artifact picturing the element (PNG)
    data: dict[str, Any] = Field(default_factory=dict)

    def fingerprint(self) -> str:
        """Identity of a finding across runs (for --baseline): rule + place, not the wording."""
        return f"{self.rule}@{self.location.key()}"

    def counts_toward(self, standard: Standard | str) -> bool:
        """Whether the finding belongs in a report against ``standard``: best practice (no WCAG
        criterion), a criterion the standard includes, or advice on a level-AAA criterion that
        never counts as a violation (e.g. reading level, 3.1.5)."""
        return not self.wcag or _counts(tuple(self.wcag), self.outcome is Outcome.VIOLATION, Standard(standard))


@lru_cache(maxsize=1024)
def _counts(wcag: tuple[str, ...], violation: bool, standard: Standard) -> bool:
    if any(standard_covers(standard, sc) for sc in wcag):
        return True
    return not violation and all(WCAG_CRITERIA.get(sc, ("",))[0] == "AAA" for sc in wcag)


class EngineInfo(BaseModel):
    name: str
    version: str


class Summary(BaseModel):
    by_outcome: dict[str, int] = Field(default_factory=dict)
    by_impact: dict[str, int] = Field(default_factory=dict)
    by_principle: dict[str, int] = Field(default_factory=dict)
    by_rule: dict[str, int] = Field(default_factory=dict)
    violations: int = 0
    needs_review: int = 0

    @classmethod
    def of(cls, findings: list[Finding]) -> Summary:
        counted = [f for f in findings if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)]
        by_principle: Counter[str] = Counter()
        for f in counted:
            for principle in {PRINCIPLES.get(sc.split(".")[0], "other") for sc in f.wcag} or {"other"}:
                by_principle[principle] += 1
        return cls(
            by_outcome=dict(Counter(f.outcome.value for f in findings)),
            by_impact=dict(Counter(f.impact.value for f in counted if f.impact)),
            by_principle=dict(by_principle),
            by_rule=dict(Counter(f.rule for f in counted)),
            violations=sum(1 for f in findings if f.outcome is Outcome.VIOLATION),
            needs_review=sum(1 for f in findings if f.outcome is Outcome.NEEDS_REVIEW),
        )


class AuditedPart(BaseModel):
    """One page (web or PDF), slide or document part that was audited, with its own status."""

    id: str                          # URL, "page 3", "slide 2", "document"
    title: str | None = None
    status: str = "audited"          # audited | failed | skipped
    error: dict[str, str] | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    viewport: str | None = None      # web: the viewport it was audited at, when the audit names viewports
    state: str | None = None         # web: the named page state ("menu open"); None: the page as loaded


class FindingGroup(BaseModel):
    """One problem rolled up across pages: the findings of one rule, with one outcome, on the same
    element (its fingerprint: normalised selector and snippet, :mod:`access.rollup`), e.g. a site
    template's barrier "on 40 of 40 pages". A finding found nowhere else is a group of one."""

    rule: str
    fingerprint: str                  # the element's fingerprint (the same element under several rules shares it)
    outcome: Outcome
    impact: Impact | None = None      # the worst impact in the group
    wcag: list[str] = Field(default_factory=list)
    message: str                      # the message of the first finding
    selector: str | None = None       # of the first finding, as found there
    html: str | None = None
    pages: list[str] = Field(default_factory=list)    # part ids (URLs) where it occurs, in report order
    count: int = 0                    # findings in the group
    screenshot: str | None = None     # the first screenshot of the group's findings
    pages_total: int = 0              # pages (parts) the report audited: the "of N pages"
    viewports: list[str] = Field(default_factory=list)   # the viewports it was found at (web), if any named
    states: list[str] = Field(default_factory=list)      # the named page states it was found in (web)

    def key(self) -> str:
        """The group's identity across runs (SARIF partialFingerprints, history diffs)."""
        return f"{self.rule}/{self.outcome.value}/{self.fingerprint}"

    @property
    def weight(self) -> int:
        """Impact × pages affected: what the roll-up is sorted by (an unrated finding counts as minor)."""
        return (self.impact.rank if self.impact else 1) * len(self.pages)


class SitemapRead(BaseModel):
    """A sitemap a site audit read: how many page URLs it listed, or why it could not be read."""

    url: str
    pages: int = 0
    error: str | None = None


CRAWL_LISTS = ("audited", "failed", "skipped_depth", "skipped_limit", "skipped_robots", "skipped_exclude")


class CrawlAccount(BaseModel):
    """Where every URL a site audit found ended up, so "20 requested, 5 audited" never happens silently.

    Every same-site page URL the crawl met (start URLs, links, sitemaps) is in exactly one list.
    A list keeps at most a few thousand URLs; ``totals`` has the full count of every list."""

    found: int = 0
    audited: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    skipped_depth: list[str] = Field(default_factory=list)
    skipped_limit: list[str] = Field(default_factory=list)
    skipped_robots: list[str] = Field(default_factory=list)
    skipped_exclude: list[str] = Field(default_factory=list)
    totals: dict[str, int] = Field(default_factory=dict)   # list name -> URLs it stands for (lists may be cut)
    requested: int | None = None      # the most pages the audit asked for (max_pages)
    max_depth: int | None = None
    crawl_delay: float | None = None  # seconds between requests the site's robots.txt asked for, if any
    sitemaps: list[SitemapRead] = Field(default_factory=list)

    def count(self, name: str) -> int:
        """How many URLs the list ``name`` stands for (more than it shows when it was cut)."""
        return self.totals.get(name, len(getattr(self, name)))

    def describe(self) -> str:
        """One line for people: "12 pages found: 5 audited, 1 failed, 4 not audited (page limit of 5) ..." """
        bits = [f"{self.count('audited')} audited"]
        reasons = [("failed", "failed"),
                   ("skipped_limit", f"over the page limit{f' of {self.requested}' if self.requested else ''}"),
                   ("skipped_depth", f"deeper than {self.max_depth} link{'s' if self.max_depth != 1 else ''}"
                    if self.max_depth is not None else "too deep"),
                   ("skipped_robots", "disallowed by robots.txt"),
                   ("skipped_exclude", "excluded by the include/exclude patterns")]
        bits += [f"{self.count(name)} {why}" for name, why in reasons if self.count(name)]
        line = f"{self.found} page{'s' if self.found != 1 else ''} found: " + ", ".join(bits)
        if self.crawl_delay:
            line += f"; robots.txt asked for {self.crawl_delay:g} s between requests"
        unread = [s for s in self.sitemaps if s.error]
        if unread:
            line += "; sitemap not read: " + ", ".join(f"{s.url} ({s.error})" for s in unread)
        return line + "."


class Report(BaseModel):
    target: str
    target_kind: str                 # web | html | pdf | docx | pptx | epub
    standard: Standard = DEFAULT_STANDARD
    engines: list[EngineInfo] = Field(default_factory=list)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    parts: list[AuditedPart] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    documents: list[str] = Field(default_factory=list)   # linked documents found (web audits)
    groups: list[FindingGroup] = Field(default_factory=list)   # findings rolled up across pages
    crawl: CrawlAccount | None = None                          # site audits: where every found URL went
    metadata: dict[str, Any] = Field(default_factory=dict)

    def finish(self) -> Report:
        """Stamp the finish time, recompute the summary and roll the findings up into groups
        (:func:`access.rollup.roll_up`); returns self."""
        from access.rollup import roll_up  # the roll-up reads this model

        self.finished_at = utcnow()
        self.summary = Summary.of(self.findings)
        self.groups = roll_up(self)
        return self

    def worst_at_or_above(self, threshold: Impact) -> list[Finding]:
        return [f for f in self.findings
                if f.outcome is Outcome.VIOLATION and f.impact and f.impact.rank >= threshold.rank]


class JobKind(StrEnum):
    AUDIT = "audit"
    CONVERSION = "conversion"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class ArtifactOut(BaseModel):
    """A file a pure function produced, before it is stored."""

    name: str
    media_type: str
    path: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class TargetOutcome(BaseModel):
    """How one target of a conversion ended: each target succeeds or fails on its own."""

    status: Literal["succeeded", "failed"]
    error: dict[str, str] | None = None          # {code, message} of a failed target


class ConversionResult(BaseModel):
    """What ``services.convert`` hands back: the files, plus the quality gate and the outcome per
    target (a target that failed delivers no file; its error is in ``targets`` and ``warnings``)."""

    artifacts: list[ArtifactOut] = Field(default_factory=list)
    gate: dict[str, Any] = Field(default_factory=dict)      # target -> {"passed": bool, ...}
    targets: dict[str, TargetOutcome] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class AuditOptions(BrowsingOptions):
    """Options of one audit, from the API body, the CLI flags or a job row (the browser's part,
    with the secrets that are never dumped, is :class:`access.browsing.BrowsingOptions`)."""

    model_config = ConfigDict(extra="forbid")

    standard: Standard = DEFAULT_STANDARD
    max_pages: int = Field(50, ge=1)
    max_depth: int = Field(3, ge=0)
    include: list[str] = Field(default_factory=list)      # URL regexes a crawled page must match
    exclude: list[str] = Field(default_factory=list)      # URL regexes that drop a page
    audit_documents: bool = False                         # audit PDF/DOCX/PPTX linked from a site
    axe_only: bool = False                                # web: skip our own browser checks
    best_practice: bool = False                           # web: also axe-core's best-practice rules
    respect_robots: bool = True
    allow_private: bool = False                           # the local CLI may audit localhost


class ConvertOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[str] = Field(default_factory=lambda: ["html"])
    language: str | None = None          # override the document language (BCP 47)
    voice: str | None = None             # speech voice, e.g. "espeak:en" or "piper:joe"
    rate: int = Field(175, ge=80, le=450)  # words per minute
    pitch: int = Field(50, ge=0, le=99)
    braille_grade: int = Field(2, ge=1, le=2)
    braille_table: str | None = None     # any installed liblouis table, overrides language/grade
    braille_cells: int = Field(40, ge=10, le=100)
    braille_lines: int = Field(25, ge=5, le=100)
    ocr: bool = True                     # OCR image-only pages
    validation: str = Field("report", pattern="^(off|report|abort)$")


class SourceFile(BaseModel):
    """An input stored on disk: what the auditors and readers receive."""

    path: str
    filename: str | None = None
    format: str                          # html, pdf, docx, pptx, epub, zip, text, markdown
