"""SARIF 2.1.0, the format GitHub code scanning and other static-analysis viewers read.

Violations and needs-review findings become results (pass and inapplicable outcomes are left out:
viewers show every result as an alert). Violations are kind "fail" with level error (critical/serious
impact) or warning (moderate/minor); needs-review findings are kind "review", whose level SARIF
2.1.0 (§3.27.10) requires to be "none".
"""

from __future__ import annotations

import json
from typing import Any

from access.models import Finding, Impact, Outcome, Report
from access.registry import ReportFormat
from access.reports.common import PROBLEMS, RuleTable, part_of, rule_info
from access.reports.wcag import sc_label

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/access-edu/access"
FINGERPRINT_KEY = "accessFinding/v1"


def level_of(finding: Finding) -> str:
    if finding.outcome is Outcome.VIOLATION:
        return "error" if finding.impact in (Impact.CRITICAL, Impact.SERIOUS, None) else "warning"
    return "none"


def _rule_descriptor(info: Any) -> dict[str, Any]:
    tags = ["accessibility", *(f"wcag{sc.replace('.', '')}" for sc in info.wcag), *info.refs]
    return {
        "id": info.id,
        "name": info.id,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.body or info.title},
        "help": {"text": info.help or info.title,
                 "markdown": (info.help or info.title) + "\n\nWCAG: " + ", ".join(sc_label(s) for s in info.wcag)},
        **({"helpUri": info.help_url} if info.help_url else {}),
        "defaultConfiguration": {"level": "error" if info.impact in ("critical", "serious") else "warning"},
        "properties": {"tags": tags, "impact": info.impact, "wcag": info.wcag, "precision": "high"},
    }


def _location(finding: Finding, report: Report) -> dict[str, Any]:
    loc = finding.location
    uri = loc.url or report.target
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    region: dict[str, Any] = {}
    if "line" in finding.data:
        region["startLine"] = int(finding.data["line"])
    snippet = loc.html or loc.excerpt
    if snippet:
        region["snippet"] = {"text": snippet}
    if region:
        physical["region"] = region
    props = {k: v for k, v in loc.model_dump(exclude_none=True).items() if k not in ("url", "html")}
    out: dict[str, Any] = {"physicalLocation": physical}
    logical = loc.selector or loc.path or (f"page {loc.page}" if loc.page is not None else None) or (
        f"slide {loc.slide}" if loc.slide is not None else None)
    if logical:
        out["logicalLocations"] = [{"fullyQualifiedName": logical, "kind": "element" if loc.selector else "part"}]
    if props:
        out["properties"] = props
    return out


def render_sarif(report: Report, rules: RuleTable | None = None) -> bytes:
    problems = [f for f in report.findings if f.outcome in PROBLEMS]
    rule_ids = list(dict.fromkeys(f.rule for f in problems))
    examples = {f.rule: f for f in problems}
    infos = [rule_info(rid, rules, examples[rid]) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = []
    for f in problems:
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "kind": "fail" if f.outcome is Outcome.VIOLATION else "review",
            "level": level_of(f),
            "message": {"text": f.message + (f" {f.help}" if f.help else "")},
            "locations": [_location(f, report)],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint()},
            "properties": {"outcome": f.outcome.value, "impact": f.impact.value if f.impact else None,
                           "wcag": f.wcag, "standardRefs": f.standard_refs, "part": part_of(f, report)},
        })
    engines = {e.name: e.version for e in report.engines}
    driver_version = next(iter(engines.values()), "0")
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "access", "version": driver_version, "informationUri": INFO_URI,
                            "rules": [_rule_descriptor(i) for i in infos]},
                 "extensions": [{"name": n, "version": v} for n, v in engines.items()]},
        "invocations": [{"executionSuccessful": all(p.status != "failed" for p in report.parts),
                         "startTimeUtc": report.started_at.isoformat().replace("+00:00", "Z"),
                         **({"endTimeUtc": report.finished_at.isoformat().replace("+00:00", "Z")}
                            if report.finished_at else {})}],
        "results": results,
        "properties": {"target": report.target, "targetKind": report.target_kind,
                       "standard": report.standard.value, "summary": report.summary.model_dump()},
    }
    if report.target_kind != "web":
        run["artifacts"] = [{"location": {"uri": report.target}}]
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False).encode()


FORMAT = ReportFormat("sarif", "application/sarif+json", render_sarif)
