"""SARIF 2.1.0, the format GitHub code scanning and other static-analysis viewers read; every
output validates against the official SARIF 2.1.0 JSON schema (tests/data/sarif/).

One result per roll-up group (:mod:`access.rollup`): a template problem on 40 pages is one alert,
not 40. Its ``locations`` hold the first occurrence, ``relatedLocations`` the others (up to
:data:`MAX_RELATED`), and ``partialFingerprints`` the group's key, stable across runs, so GitHub
tracks the alert from one audit to the next. Violations are kind "fail" with level error
(critical/serious impact) or warning (moderate/minor); needs-review groups are kind "review", whose
level SARIF 2.1.0 (§3.27.10) requires to be "none". Pass and inapplicable outcomes are left out:
viewers show every result as an alert.

Locations: the page URL (web) or the file (documents, HTML files) is the artifact location; a
region is written only with a source line (GitHub code scanning needs a ``startLine`` in every
region), with the snippet; the element's CSS selector, PDF structure path, page or slide is a
logical location. ``tool.driver`` is access at its version; the engines (axe-core, Chromium, lxml
…) are ``tool.extensions``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

from access import access_version
from access.models import Finding, FindingGroup, Impact, Outcome, Report
from access.registry import ReportFormat
from access.reports.common import PartIndex, RuleInfo, RuleTable, rule_info, where
from access.reports.wcag import sc_label
from access.rollup import grouped

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/access-edu/access"
FINGERPRINT_KEY = "accessGroup/v1"
MAX_RELATED = 100            # GitHub keeps at most 1,000 locations per result
MAX_TAGS = 20                # GitHub shows at most 20 tags per rule
MAX_DESCRIPTION = 1000       # GitHub cuts rule descriptions at 1,024 characters
ENGINE_URIS = {"axe-core": "https://github.com/dequelabs/axe-core", "chromium": "https://www.chromium.org/",
               "selenium": "https://www.selenium.dev/", "lxml": "https://lxml.de/",
               "pymupdf": "https://pymupdf.readthedocs.io/", "pikepdf": "https://pikepdf.readthedocs.io/",
               "python-docx": "https://python-docx.readthedocs.io/",
               "python-pptx": "https://python-pptx.readthedocs.io/"}
URI_SAFE = ":/?#[]@!$&'()*+,;=%~"
LOCATION_PROPERTIES = ("page", "slide", "shape", "paragraph", "table", "image", "bbox", "excerpt", "viewport", "state")


def level_of(outcome: Outcome, impact: Impact | None) -> str:
    if outcome is Outcome.VIOLATION:
        return "error" if impact in (Impact.CRITICAL, Impact.SERIOUS, None) else "warning"
    return "none"


def _clip(text: str, most: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    tags = list(dict.fromkeys(["accessibility", *(f"wcag{sc.replace('.', '')}" for sc in info.wcag), *info.refs]))
    return {
        "id": info.id,
        "name": re.sub(r"\W+", "", info.id.title()) or info.id,
        "shortDescription": {"text": _clip(info.title)},
        "fullDescription": {"text": _clip(info.body or info.title)},
        "help": {"text": info.help or info.title,
                 "markdown": (info.help or info.title) + "\n\nWCAG: " + (", ".join(sc_label(s) for s in info.wcag)
                                                                         or "best practice")},
        **({"helpUri": info.help_url} if info.help_url else {}),
        "defaultConfiguration": {"level": "error" if info.impact in ("critical", "serious") else "warning"},
        "properties": {"tags": tags[:MAX_TAGS], "impact": info.impact, "wcag": info.wcag, "precision": "high"},
    }


def _location(finding: Finding, uri: str, ident: int | None = None) -> dict[str, Any]:
    """A SARIF location of one finding: the page or file, a region only with a line, the element
    (selector, structure path, page or slide) as a logical location."""
    loc = finding.location
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if loc.line is not None and loc.line >= 1:
        region: dict[str, Any] = {"startLine": loc.line}
        if loc.html or loc.excerpt:
            region["snippet"] = {"text": loc.html or loc.excerpt}
        physical["region"] = region
    out: dict[str, Any] = {"physicalLocation": physical}
    if ident is not None:
        out["id"] = ident
    logical = [{"fullyQualifiedName": loc.selector, "kind": "element"}] if loc.selector else []
    if loc.path:
        logical.append({"fullyQualifiedName": loc.path, "kind": "element"})
    for name, value in (("page", loc.page), ("slide", loc.slide)):
        if value is not None:
            logical.append({"fullyQualifiedName": f"{name} {value}", "kind": "module"})
    if logical:
        out["logicalLocations"] = logical
    place = where(finding)
    if place:
        out["message"] = {"text": place}
    props = {k: v for k, v in loc.model_dump(exclude_none=True, include=set(LOCATION_PROPERTIES)).items()}
    if "region" not in physical and loc.html:
        props["snippet"] = loc.html
    if props:
        out["properties"] = props
    return out


def _result(group: FindingGroup, findings: list[Finding], index: int, parts: PartIndex,
            report: Report) -> dict[str, Any]:
    first, others = findings[0], findings[1:]
    spread = (f" Found on {len(group.pages)} of {group.pages_total} pages" if group.pages_total > 1 else "")
    if spread and group.count > len(group.pages):
        spread += f" ({group.count} times)"
    help_text = f" How to fix: {first.help}" if first.help else ""
    return {
        "ruleId": group.rule,
        "ruleIndex": index,
        "kind": "fail" if group.outcome is Outcome.VIOLATION else "review",
        "level": level_of(group.outcome, group.impact),
        "message": {"text": first.message + (spread + "." if spread else "") + help_text},
        "locations": [_location(first, _uri(first, parts, report))],
        **({"relatedLocations": [_location(f, _uri(f, parts, report), i + 1)
                                 for i, f in enumerate(others[:MAX_RELATED])]} if others else {}),
        "partialFingerprints": {FINGERPRINT_KEY: group.key()},
        "properties": {"outcome": group.outcome.value, "impact": group.impact.value if group.impact else None,
                       "wcag": group.wcag, "standardRefs": first.standard_refs, "pages": group.pages,
                       "pagesAffected": len(group.pages), "pagesTotal": group.pages_total, "count": group.count,
                       "fingerprint": group.fingerprint,
                       **({"viewports": group.viewports} if group.viewports else {}),
                       **({"states": group.states} if group.states else {}),
                       **({"screenshot": group.screenshot} if group.screenshot else {})},
    }


def _uri(finding: Finding, parts: PartIndex, report: Report) -> str:
    """The artifact a finding is in, as a URI reference: the page URL or the file (a page of a PDF
    is the PDF); characters a URI cannot hold (a space in a file name) percent-encoded."""
    uri = finding.location.url or (report.target if report.target_kind != "web" else parts.of(finding))
    return quote(uri, safe=URI_SAFE)


def automation_id(report: Report) -> str:
    """The run's category for GitHub code scanning: the kind and the site's host or the file's name,
    so the uploads of several sites or files in one workflow do not replace each other."""
    name = urlsplit(report.target).netloc if report.target_kind == "web" else report.target.rsplit("/", 1)[-1]
    return f"access/{report.target_kind}/{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-') or 'target'}/"


def _utc(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _invocation(report: Report) -> dict[str, Any]:
    failed = [p for p in report.parts if p.status == "failed"]
    out: dict[str, Any] = {"executionSuccessful": not failed, "startTimeUtc": _utc(report.started_at)}
    if report.finished_at:
        out["endTimeUtc"] = _utc(report.finished_at)
    if failed:
        out["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": f"{p.id} was not audited: {(p.error or {}).get('message', '')}"},
             **({"descriptor": {"id": p.error["code"]}} if p.error and p.error.get("code") else {})}
            for p in failed]
    return out


def render_sarif(report: Report, rules: RuleTable | None = None) -> bytes:
    groups = grouped(report)
    rule_ids = list(dict.fromkeys(g.rule for g, _ in groups))
    examples = {g.rule: findings[0] for g, findings in reversed(groups)}
    index = {rid: i for i, rid in enumerate(rule_ids)}
    parts = PartIndex(report)
    results = [_result(g, findings, index[g.rule], parts, report) for g, findings in groups]
    driver = {"name": "access", "version": access_version(), "informationUri": INFO_URI,
              "rules": [_rule_descriptor(rule_info(rid, rules, examples[rid])) for rid in rule_ids]}
    extensions = [{"name": e.name, "version": e.version,
                   **({"informationUri": ENGINE_URIS[e.name]} if e.name in ENGINE_URIS else {})}
                  for e in report.engines]
    run: dict[str, Any] = {
        "tool": {"driver": driver, **({"extensions": extensions} if extensions else {})},
        "automationDetails": {"id": automation_id(report)},
        "invocations": [_invocation(report)],
        "results": results,
        "properties": {"target": report.target, "targetKind": report.target_kind,
                       "standard": report.standard.value, "summary": report.summary.model_dump(),
                       **({"crawl": report.crawl.model_dump()} if report.crawl else {})},
    }
    if report.target_kind != "web":
        run["artifacts"] = [{"location": {"uri": quote(report.target, safe=URI_SAFE)}}]
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False).encode()


FORMAT = ReportFormat("sarif", "application/sarif+json", render_sarif)
