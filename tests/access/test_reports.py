"""Report formats: each one parses, carries what its consumers need, and the HTML report passes our
own HTML auditor with zero violations."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from access.models import (
    AuditedPart,
    AuditOptions,
    EngineInfo,
    Finding,
    Impact,
    Location,
    Outcome,
    Report,
)
from access.registry import get_registry
from access.reports.common import part_of
from access.services import audit_file, make_context, render_report, report_formats, source_file

DATA = Path(__file__).parents[1] / "auditors" / "data"
FORMATS = ["html", "csv", "sarif", "junit", "earl"]


@pytest.fixture(scope="module")
def barrier_report() -> Report:
    return audit_file(source_file(DATA / "course-barriers.html"), AuditOptions(), make_context())


@pytest.fixture(scope="module")
def document_report() -> Report:
    """A PDF-like report built by hand: findings placed by page, a failed part, a hostile excerpt."""
    report = Report(target="lecture=notes.pdf", target_kind="pdf", engines=[EngineInfo(name="fake", version="1")],
                    parts=[AuditedPart(id="page 1"), AuditedPart(id="page 2"),
                           AuditedPart(id="page 3", status="failed",
                                       error={"code": "invalid_document", "message": "broken page"})])
    report.findings = [
        Finding(rule="demo-figure-alt", outcome=Outcome.VIOLATION, impact=Impact.CRITICAL, wcag=["1.1.1"],
                standard_refs=["matterhorn:13-004"], location=Location(page=2, excerpt="=HYPERLINK(\"x\")"),
                message="Figure without alternate text <script>alert(1)</script>", help="Add alt text.",
                help_url="https://example.org/rules#demo-figure-alt"),
        Finding(rule="demo-title", outcome=Outcome.PASS, wcag=["2.4.2"], location=Location(page=1),
                message="ok"),
        Finding(rule="demo-contrast", outcome=Outcome.NEEDS_REVIEW, impact=Impact.SERIOUS, wcag=["1.4.3"],
                location=Location(page=1, bbox={"x0": 1, "y0": 2, "x1": 3, "y1": 4}), message="Check contrast"),
        Finding(rule="demo-headings", outcome=Outcome.INAPPLICABLE, wcag=["1.3.1"], message="no text"),
    ]
    return report.finish()


def test_every_format_is_registered() -> None:
    assert set(FORMATS) <= set(report_formats())
    assert get_registry().report_formats["sarif"].media_type == "application/sarif+json"


@pytest.mark.parametrize("fmt", ["json", *FORMATS])
def test_end_to_end_audit_then_each_format(fmt: str, barrier_report: Report, document_report: Report) -> None:
    for report in (barrier_report, document_report):
        data, media_type = render_report(report, fmt)
        assert data and media_type
        if fmt in ("json", "sarif", "earl"):
            json.loads(data)
        elif fmt == "junit":
            ET.fromstring(data)


def _self_audit(tmp_path: Path, html: bytes) -> Report:
    out = tmp_path / "report.html"
    out.write_bytes(html)
    return audit_file(source_file(out), AuditOptions(), make_context())


def test_html_report_passes_our_own_auditor(tmp_path: Path, barrier_report: Report, document_report: Report) -> None:
    for report in (barrier_report, document_report):
        html, media_type = render_report(report, "html")
        assert media_type.startswith("text/html")
        audited = _self_audit(tmp_path, html)
        bad = [(f.rule, f.message) for f in audited.findings if f.outcome in (Outcome.VIOLATION,
                                                                                Outcome.NEEDS_REVIEW)]
        assert bad == []
        assert audited.summary.by_outcome.get("pass", 0) >= 5


def test_html_report_content_is_escaped_and_script_free(barrier_report: Report, document_report: Report) -> None:
    html = render_report(document_report, "html")[0].decode()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    barrier_html = render_report(barrier_report, "html")[0].decode()
    assert "&lt;img src=&#34;chloroplast.png&#34;&gt;" in barrier_html       # snippets shown, not rendered
    assert "Images have a text alternative" in barrier_html and "How to fix" in barrier_html
    assert 'class="chart" aria-hidden="true"' in barrier_html
    assert "<caption>Findings by WCAG principle</caption>" in barrier_html
    assert "https://www.w3.org/WAI/WCAG22/Understanding/non-text-content.html" in barrier_html
    assert "broken page" in html                                               # failed part listed


def test_csv_has_one_row_per_finding_and_neutralises_formulas(document_report: Report) -> None:
    text = render_report(document_report, "csv")[0].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(document_report.findings)
    first = rows[0]
    assert first["rule"] == "demo-figure-alt" and first["page"] == "2" and first["part"] == "page 2"
    assert first["excerpt"].startswith("'=")


def test_junit_has_a_case_per_part_and_rule(barrier_report: Report, document_report: Report) -> None:
    root = ET.fromstring(render_report(barrier_report, "junit")[0])
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["course-barriers.html"]
    cases = suites[0].findall("testcase")
    rules_run = {f.rule for f in barrier_report.findings}
    assert len(cases) == len(rules_run) == int(root.get("tests"))
    failed = {c.get("name").split(":")[0] for c in cases if c.find("failure") is not None}
    assert failed == {f.rule for f in barrier_report.findings if f.outcome is Outcome.VIOLATION}
    assert int(root.get("failures")) == len(failed)
    doc = ET.fromstring(render_report(document_report, "junit")[0])
    by_name = {s.get("name"): s for s in doc.findall("testsuite")}
    assert set(by_name) == {"page 1", "page 2", "page 3", "lecture=notes.pdf"}
    assert by_name["page 3"].find("testcase/error") is not None and doc.get("errors") == "1"
    assert by_name["page 2"].find("testcase/failure").get("type") == "critical"
    review = by_name["page 1"].find("testcase[@name='demo-contrast: demo-contrast']")
    assert review is not None and review.find("failure") is None and "Check contrast" in review.find("system-out").text


def test_earl_is_json_ld_with_one_assertion_per_finding(barrier_report: Report) -> None:
    earl = json.loads(render_report(barrier_report, "earl")[0])
    assert earl["@context"]["earl"] == "http://www.w3.org/ns/earl#"
    nodes = {n["@id"]: n for n in earl["@graph"] if "@id" in n}
    assertions = [n for n in earl["@graph"] if n.get("@type") == "earl:Assertion"]
    assert len(assertions) == len(barrier_report.findings)
    outcomes = {a["earl:result"]["earl:outcome"]["@id"] for a in assertions}
    assert {"earl:failed", "earl:cantTell", "earl:inapplicable"} <= outcomes
    assert outcomes <= {"earl:failed", "earl:cantTell", "earl:inapplicable", "earl:passed"}
    for a in assertions:
        assert a["earl:assertedBy"]["@id"] in nodes and a["earl:subject"]["@id"] in nodes
        assert nodes[a["earl:test"]["@id"]]["@type"] == "earl:TestCase"
    img = next(a for a in assertions if nodes[a["earl:test"]["@id"]]["dct:identifier"] == "html-img-alt")
    assert "act:23a2a8" in nodes[img["earl:test"]["@id"]]["dct:isPartOf"]
    assert img["earl:result"]["earl:pointer"]["@type"] == "ptr:CSSSelectorPointer"
    assert nodes[img["earl:subject"]["@id"]]["dct:source"] == "course-barriers.html"


def test_earl_shows_passes_for_a_clean_page() -> None:
    report = audit_file(source_file(DATA / "course-clean.html"), AuditOptions(), make_context())
    earl = json.loads(render_report(report, "earl")[0])
    outcomes = [n["earl:result"]["earl:outcome"]["@id"] for n in earl["@graph"] if n.get("@type") == "earl:Assertion"]
    assert "earl:passed" in outcomes and not {"earl:failed", "earl:cantTell"} & set(outcomes)


def test_findings_are_attributed_to_parts(document_report: Report) -> None:
    assert [part_of(f, document_report) for f in document_report.findings] == [
        "page 2", "page 1", "page 1", "lecture=notes.pdf"]
