"""JUnit XML: one test suite per page/part, one test case per part × rule, as CI servers show them.

A violation is a ``<failure>``; a rule with nothing to check is ``<skipped>``; needs-review findings
are listed in the case's ``<system-out>`` without failing it; a part that could not be audited is an
``<error>``.
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from access.models import Finding, Outcome, Report
from access.registry import ReportFormat
from access.reports.common import RuleTable, part_of, part_order, rule_info, where


def _describe(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        place = where(f)
        code = f.location.html or f.location.excerpt
        lines.append(f"- [{f.outcome.value}{', ' + f.impact.value if f.impact else ''}] {f.message}"
                     + (f" ({place})" if place else "") + (f"\n  {code}" if code else ""))
    return "\n".join(lines)


def render_junit(report: Report, rules: RuleTable | None = None) -> bytes:
    grouped: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in report.findings:
        grouped[part_of(f, report)][f.rule].append(f)
    parts = {p.id: p for p in report.parts}
    root = ET.Element("testsuites", name=f"access: {report.target}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    stamp = report.started_at.replace(tzinfo=None).isoformat(timespec="seconds")
    for pid in part_order(report):
        suite = ET.SubElement(root, "testsuite", name=pid, timestamp=stamp)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        part = parts.get(pid)
        if part is not None and part.status != "audited":
            case = ET.SubElement(suite, "testcase", classname=pid, name="audit")
            counts["tests"] += 1
            err = part.error or {}
            if part.status == "failed":
                ET.SubElement(case, "error", message=err.get("message", "failed"), type=err.get("code", "error"))
                counts["errors"] += 1
            else:
                ET.SubElement(case, "skipped", message=err.get("message", part.status))
                counts["skipped"] += 1
        for rule_id, findings in grouped.get(pid, {}).items():
            info = rule_info(rule_id, rules, findings[0])
            case = ET.SubElement(suite, "testcase", classname=pid, name=f"{rule_id}: {info.title}")
            counts["tests"] += 1
            violations = [f for f in findings if f.outcome is Outcome.VIOLATION]
            reviews = [f for f in findings if f.outcome is Outcome.NEEDS_REVIEW]
            if violations:
                worst = max((f.impact.rank for f in violations if f.impact), default=0)
                impact = next((f.impact.value for f in violations if f.impact and f.impact.rank == worst), "")
                failure = ET.SubElement(case, "failure", type=impact or "violation",
                                        message=f"{len(violations)} violation(s) of {rule_id} "
                                                f"(WCAG {', '.join(info.wcag) or 'best practice'})")
                failure.text = _describe(violations) + (f"\nHow to fix: {info.help}" if info.help else "")
                counts["failures"] += 1
            elif all(f.outcome is Outcome.INAPPLICABLE for f in findings):
                ET.SubElement(case, "skipped", message="inapplicable: nothing to check")
                counts["skipped"] += 1
            if reviews:
                ET.SubElement(case, "system-out").text = "Needs review:\n" + _describe(reviews)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


FORMAT = ReportFormat("junit", "application/xml", render_junit)
