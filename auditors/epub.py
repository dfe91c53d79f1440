"""The EPUB auditor: an EPUB publication audited as DAISY Ace audits it, and more.

Every content document of the spine (and the navigation document) is served from 127.0.0.1 with
the publication's own CSS and audited in the web auditor's Chromium: axe-core at the chosen
standard plus axe's best-practice rules (as Ace runs them), and our own browser checks (keyboard,
focus, reflow, text spacing ...). The package-level rules (``rules/epub``: accessibility metadata,
conformance claim, navigation, page list and source, reading order, languages, media overlays,
resources) run once on the package. When every document is audited, the conformance claim is set
against what was found, and the report states the publication's EPUB Accessibility 1.1 standing.

The report has one part for the package document and one per content document, in spine order;
each finding names what it breaks: its WCAG success criteria, and EPUB Accessibility 1.1 §3.3
(WCAG conformance of the publication) or the section of the EPUB rule it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from access.auditing import Discovery, UnitResult
from access.context import Context
from access.models import AuditedPart, AuditOptions, Outcome, Report, SourceFile
from access.requirements import EpubA11y
from access.rulerun import RuleRun, run_rules
from auditors.packages.archive import PackageFiles
from auditors.packages.plan import PACKAGE_UNIT, PackageAuditor, Plan, Target
from rules.epub import CLAIM, PACKAGE, RULES
from rules.epub.claim import ClaimFacts, FoundViolation, claim_failures, claimed_level, claims_of
from rules.epub.facts import EpubFacts, read_epub

WCAG_CONFORMANCE = str(EpubA11y("3.3"))
A11Y_PROPERTIES = ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                   "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo",
                   "a11y:certifiedBy", "pageBreakSource", "dc:source")


def toc_labels(facts: EpubFacts) -> dict[str, str]:
    """The first table-of-contents label of each document (what a reader calls the chapter)."""
    labels: dict[str, str] = {}
    for link in (facts.nav.toc if facts.nav else None) or []:
        if link.path and link.label:
            labels.setdefault(link.path, link.label)
    return labels


@dataclass(frozen=True)
class EpubAuditor(PackageAuditor):
    def read(self, files: PackageFiles, source: SourceFile, ctx: Context) -> Plan:
        facts = read_epub(files)
        labels = toc_labels(facts)
        targets = [Target(role="page", member=d.path, part=d.path, title=labels.get(d.path) or d.title)
                   for d in facts.documents if d.present and d.media_type in ("application/xhtml+xml",
                                                                              "image/svg+xml")]
        if facts.nav is not None and facts.nav.source == "nav" and facts.nav.path not in facts.by_path:
            targets.append(Target(role="page", member=facts.nav.path, part=facts.nav.path,
                                  title="Navigation document"))
        title = (facts.values("dc:title") or [""])[0]
        return Plan(title=title, targets=targets, data={"opf": facts.opf_path, "version": facts.version})

    def package_rules(self, files: PackageFiles, discovery: Discovery,
                      options: AuditOptions) -> tuple[RuleRun, AuditedPart, dict[str, Any]]:
        facts = read_epub(files)
        run = run_rules(RULES.rules(), {PACKAGE: facts}, standard=options.standard, where=facts.location())
        part = AuditedPart(id=facts.opf_path, title="Package document")
        metadata = {prop: facts.values(prop) for prop in A11Y_PROPERTIES if facts.values(prop)}
        data = {"claims": claims_of(facts), "accessibility": metadata, "language": facts.values("dc:language"),
                "documents": len(facts.documents), "fixed_layout": facts.fixed_layout,
                "media_overlays": len(facts.overlays), "page_list": bool(facts.nav and facts.nav.page_list),
                "engines": facts.engine_versions}
        return run, part, data

    def finish(self, report: Report, discovery: Discovery, results: list[UnitResult], options: AuditOptions) -> None:
        package = next((r for r in results if r.key == PACKAGE_UNIT), None)
        info = dict(package.data) if package is not None else {}
        for f in report.findings:           # a content document's WCAG failure breaks EPUB Accessibility §3.3
            if f.wcag and not f.rule.startswith("epub-") and WCAG_CONFORMANCE not in f.standard_refs:
                f.standard_refs.append(WCAG_CONFORMANCE)
        violations = [f for f in report.findings if f.outcome is Outcome.VIOLATION]
        found: dict[tuple[str, tuple[str, ...]], int] = {}
        for f in violations:
            found[(f.rule, tuple(f.wcag))] = found.get((f.rule, tuple(f.wcag)), 0) + 1
        claim = ClaimFacts(claims=list(info.get("claims", [])), package=str(discovery.data.get("opf", "")),
                           violations=[FoundViolation(rule=r, wcag=list(w), count=n) for (r, w), n in found.items()])
        run = run_rules(RULES.rules(), {CLAIM: claim}, standard=options.standard)
        report.findings.extend(run.findings)
        report.parts.extend(run.failed_parts("the conformance claim"))
        failures = claim_failures(claim.violations, options.standard.version, options.standard.levels[-1])
        report.metadata["epub"] = {
            "version": discovery.data.get("version"), "title": discovery.data.get("title"),
            "language": info.get("language", []), "accessibility_metadata": info.get("accessibility", {}),
            "conformance": {
                "claimed": info.get("claims", []),
                "claimed_levels": [" ".join(level) for c in info.get("claims", []) if (level := claimed_level(c))],
                "audited_against": options.standard.label,
                "failures": dict(failures.most_common()),
                "meets_epub_accessibility_1_1": not failures,
            },
            "documents": info.get("documents"), "media_overlays": info.get("media_overlays"),
            "page_list": info.get("page_list"), "fixed_layout": info.get("fixed_layout"),
        }


AUDITOR = EpubAuditor(format="epub", kind="epub", best_practice=True, unit_noun="document",
                      description="EPUB publication: every content document in Chromium (axe-core with best "
                                  "practices + our checks) and the package rules (metadata, navigation, page list, "
                                  "reading order, languages, media overlays, conformance claim)")
