"""W3C EARL 1.0 as JSON-LD, the shape ACT-rules implementation reports use.

One ``earl:Assertion`` per finding: asserted by this tool, about the page or document
(``earl:subject``), for the rule (``earl:test``, part of the ACT rules and WCAG criteria it
implements), with ``earl:result`` (``earl:passed`` / ``earl:failed`` / ``earl:cantTell`` /
``earl:inapplicable``) and, where there is one, an ``earl:pointer`` to the element or page.
The ``@context`` is inline, so reading the report needs no network.
"""

from __future__ import annotations

import json
from typing import Any

from access.models import Finding, Outcome, Report
from access.registry import ReportFormat
from access.reports.common import RuleTable, part_of, rule_info, where
from access.reports.wcag import sc_url

CONTEXT = {
    "earl": "http://www.w3.org/ns/earl#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "ptr": "http://www.w3.org/2009/pointers#",
    "sch": "https://schema.org/",
    "WCAG22": "https://www.w3.org/TR/WCAG22/#",
    "act": "https://www.w3.org/WAI/standards-guidelines/act/rules/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:date": {"@type": "xsd:dateTime"},
    "dct:isPartOf": {"@type": "@id"},
}
OUTCOMES = {Outcome.PASS: "earl:passed", Outcome.VIOLATION: "earl:failed",
            Outcome.NEEDS_REVIEW: "earl:cantTell", Outcome.INAPPLICABLE: "earl:inapplicable"}
ASSERTOR_ID = "_:assertor"


def _pointer(finding: Finding) -> dict[str, Any] | None:
    loc = finding.location
    if loc.selector:
        return {"@type": "ptr:CSSSelectorPointer", "ptr:expression": loc.selector,
                **({"sch:description": loc.html} if loc.html else {})}
    description = where(finding)
    if description:
        return {"@type": "ptr:Pointer", "sch:description": description,
                **({"sch:text": loc.excerpt} if loc.excerpt else {})}
    return None


def render_earl(report: Report, rules: RuleTable | None = None) -> bytes:
    engines = ", ".join(f"{e.name} {e.version}" for e in report.engines)
    assertor = {"@id": ASSERTOR_ID, "@type": ["earl:Assertor", "earl:Software"],
                "dct:title": "access", "dct:description": engines,
                "dct:hasVersion": report.engines[0].version if report.engines else "0"}
    subjects: dict[str, dict[str, Any]] = {}
    tests: dict[str, dict[str, Any]] = {}
    graph: list[dict[str, Any]] = [assertor]
    for f in report.findings:
        pid = part_of(f, report)
        if pid not in subjects:
            kind = "sch:WebPage" if report.target_kind in ("web", "html") else "sch:CreativeWork"
            subjects[pid] = {"@id": f"_:subject-{len(subjects)}", "@type": ["earl:TestSubject", kind],
                             "dct:source": pid}
            if pid != report.target:
                subjects[pid]["dct:title"] = f"{pid} ({report.target})"
        if f.rule not in tests:
            info = rule_info(f.rule, rules, f)
            part_of_refs = [f"act:{r.split(':', 1)[1]}" for r in info.refs if r.startswith("act:")]
            part_of_refs += [f"WCAG22:{sc_url(sc).rsplit('/', 1)[-1].removesuffix('.html')}" for sc in info.wcag]
            tests[f.rule] = {"@id": info.help_url or f"_:rule-{f.rule}", "@type": "earl:TestCase",
                             "dct:identifier": f.rule, "dct:title": info.title,
                             "dct:isPartOf": part_of_refs}
        result: dict[str, Any] = {"@type": "earl:TestResult", "earl:outcome": {"@id": OUTCOMES[f.outcome]},
                                  "dct:description": f.message}
        if report.finished_at:
            result["dct:date"] = report.finished_at.isoformat()
        pointer = _pointer(f)
        if pointer:
            result["earl:pointer"] = pointer
        if f.impact:
            result["earl:impact"] = f.impact.value
        graph.append({"@type": "earl:Assertion", "earl:assertedBy": {"@id": ASSERTOR_ID},
                      "earl:subject": {"@id": subjects[pid]["@id"]},
                      "earl:test": {"@id": tests[f.rule]["@id"]},
                      "earl:mode": {"@id": "earl:automatic"}, "earl:result": result})
    graph[1:1] = [*subjects.values(), *tests.values()]
    return json.dumps({"@context": CONTEXT, "@graph": graph}, indent=2, ensure_ascii=False).encode()


FORMAT = ReportFormat("earl", "application/ld+json", render_earl)
