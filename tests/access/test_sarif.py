"""Every SARIF report validates against the official SARIF 2.1.0 JSON schema and meets GitHub code
scanning's needs, for every kind of report: HTML file, zip of pages, PDF, Word, PowerPoint (web
reports: tests/auditors/web/test_site_report.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from access.models import AuditedPart, AuditOptions, EngineInfo, Finding, Impact, Location, Outcome, Report
from access.reports.sarif import FINGERPRINT_KEY
from access.services import audit_file, make_context, render_report, source_file
from tests.documents import document
from tests.sarif import check_sarif

DATA = Path(__file__).parents[1] / "auditors" / "data"
TEMPLATE = ('<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>'
            '<header><a href="index.html"><img src="logo.png"></a></header>'
            '<main><h1>{title}</h1><p>{body}</p></main></body></html>')


def course_zip(path: Path, pages: int = 4) -> Path:
    """A course export: every page has the template's logo link without a text alternative."""
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(pages):
            zf.writestr(f"course/unit-{i + 1}.html", TEMPLATE.format(title=f"Unit {i + 1}", body=f"Lesson {i + 1}."))
    return path


def audit(path: Path) -> Report:
    return audit_file(source_file(path), AuditOptions(), make_context())


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    tmp = tmp_path_factory.mktemp("sarif")
    return {
        "html": audit(DATA / "course-barriers.html"),
        "zip": audit(course_zip(tmp / "course export.zip")),
        "pdf": audit(document("pdf", "barriers", tmp / "lecture notes.pdf")),
        "docx": audit(document("docx", "handout-barriers", tmp / "handout.docx")),
        "pptx": audit(document("pptx", "lesson-barriers", tmp / "lesson.pptx")),
    }


@pytest.mark.parametrize("kind", ["html", "zip", "pdf", "docx", "pptx"])
def test_sarif_of_every_report_kind_validates(kind: str, reports: dict[str, Report]) -> None:
    report = reports[kind]
    log = check_sarif(render_report(report, "sarif")[0])
    run = log["runs"][0]
    assert run["results"], "each sample has barriers"
    assert len(run["results"]) == len(report.groups)
    assert {e["name"] for e in run["tool"]["extensions"]} == {e.name for e in report.engines}
    assert run["artifacts"][0]["location"]["uri"] == report.target.replace(" ", "%20")
    assert run["automationDetails"]["id"] == f"access/{report.target_kind}/{report.target.replace(' ', '-')}/"


def test_html_findings_carry_their_source_line_into_the_region(reports: dict[str, Report]) -> None:
    report = reports["html"]
    run = check_sarif(render_report(report, "sarif")[0])["runs"][0]
    img = next(r for r in run["results"] if r["ruleId"] == "html-img-alt")
    physical = img["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "course-barriers.html"
    assert physical["region"]["startLine"] > 1 and physical["region"]["snippet"]["text"].startswith("<img")
    assert img["locations"][0]["logicalLocations"][0]["kind"] == "element"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["html-img-alt"]["helpUri"].endswith("#html-img-alt")
    assert {"wcag111", "act:23a2a8"} <= set(rules["html-img-alt"]["properties"]["tags"])


def test_a_template_barrier_is_one_result_with_every_page(reports: dict[str, Report]) -> None:
    run = check_sarif(render_report(reports["zip"], "sarif")[0])["runs"][0]
    logo = [r for r in run["results"] if r["ruleId"] == "html-img-alt"]
    assert len(logo) == 1
    (result,) = logo
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for loc in result["locations"] + result["relatedLocations"]]
    assert uris == [f"course/unit-{i}.html" for i in range(1, 5)]
    assert [loc["id"] for loc in result["relatedLocations"]] == [1, 2, 3]
    assert "Found on 4 of 4 pages" in result["message"]["text"]
    assert result["properties"]["pagesAffected"] == result["properties"]["pagesTotal"] == 4
    assert result["partialFingerprints"][FINGERPRINT_KEY].startswith("html-img-alt/violation/")


def test_document_findings_are_logical_locations_without_a_region(reports: dict[str, Report]) -> None:
    run = check_sarif(render_report(reports["pdf"], "sarif")[0])["runs"][0]
    for result in run["results"]:
        for loc in result["locations"]:
            assert "region" not in loc["physicalLocation"]           # a PDF has no source lines
            assert loc["physicalLocation"]["artifactLocation"]["uri"] == "lecture%20notes.pdf"


def test_fingerprints_are_stable_across_runs(tmp_path: Path) -> None:
    first = check_sarif(render_report(audit(course_zip(tmp_path / "a.zip")), "sarif")[0])
    second = check_sarif(render_report(audit(course_zip(tmp_path / "b.zip", pages=2)), "sarif")[0])
    prints = [{r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]}
              for log in (first, second)]
    assert prints[0] == prints[1]


def test_failed_parts_and_review_findings() -> None:
    report = Report(target="notes.pdf", target_kind="pdf", engines=[EngineInfo(name="pymupdf", version="1.28")], parts=[
        AuditedPart(id="page 1"), AuditedPart(id="page 2", status="failed",
                                              error={"code": "invalid_document", "message": "broken page"})])
    report.findings = [Finding(rule="demo-contrast", outcome=Outcome.NEEDS_REVIEW, impact=Impact.SERIOUS,
                               wcag=["1.4.3"], location=Location(page=1, bbox={"x0": 1, "y0": 2, "x1": 3, "y1": 4}),
                               message="Check contrast")]
    run = check_sarif(render_report(report.finish(), "sarif")[0])["runs"][0]
    assert run["tool"]["extensions"] == [{"name": "pymupdf", "version": "1.28",
                                          "informationUri": "https://pymupdf.readthedocs.io/"}]
    (result,) = run["results"]
    assert (result["kind"], result["level"]) == ("review", "none")
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "broken page" in invocation["toolExecutionNotifications"][0]["message"]["text"]
