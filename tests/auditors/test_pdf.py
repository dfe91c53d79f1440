"""The PDF auditor end to end: services.audit_file with the real engines (Chromium-made tagged PDF,
pymupdf, pikepdf), bad inputs failing with stable error codes, the standard filter, page limits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from access import services
from access.config import Settings
from access.errors import EmptyFile, EncryptedDocument, InvalidDocument, LimitExceeded
from access.models import AuditOptions, Outcome, Report, Standard
from tests.documents import document

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test PDFs of tests/data/documents.yml, under their own names (reports name the file)."""
    d = tmp_path_factory.mktemp("pdfs")
    return {name: document("pdf", name, d / f"{name}.pdf")
            for name in ("lecture", "untagged", "contrast-bad", "scanned")}


@pytest.fixture(scope="module")
def bad_pdfs(tmp_path_factory: pytest.TempPathFactory, pdfs: dict[str, Path]) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad-pdfs")
    lecture = pdfs["lecture"].read_bytes()
    files = {"empty": b"", "corrupt": b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
             "truncated": lecture[: len(lecture) // 2]}
    out = {name: d / f"{name}.pdf" for name in files}
    for name, data in files.items():
        out[name].write_bytes(data)
    pikepdf.new().save(d / "zero-pages.pdf")
    out["zero-pages"] = d / "zero-pages.pdf"
    with pikepdf.open(pdfs["lecture"]) as pdf:
        pdf.save(d / "password.pdf", encryption=pikepdf.Encryption(owner="owner", user="secret", R=6))
    out["password"] = d / "password.pdf"
    return out


@pytest.fixture(scope="module")
def pages_500() -> Path:
    return document("pdf", "pages-500")


def audit(path: Path, settings: Settings | None = None, **options: object) -> Report:
    source = services.source_file(path)
    assert source.format == "pdf"
    return services.audit_file(source, AuditOptions(**options), services.make_context(settings))


def flagged(report: Report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule and f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)]


def test_audit_tagged_lecture_end_to_end(pdfs: dict[str, Path]) -> None:
    report = audit(pdfs["lecture"])
    assert report.target_kind == "pdf" and report.target == "lecture.pdf"
    assert {e.name for e in report.engines} >= {"pymupdf", "pikepdf"}
    assert [p.id for p in report.parts] == ["page 1", "page 2", "page 3"]
    assert report.metadata["tagged"] is True
    passed = {f.rule for f in report.findings if f.outcome is Outcome.PASS}
    assert {"pdf-tagged", "pdf-figure-alt", "pdf-table-headers", "pdf-heading-order", "pdf-language",
            "pdf-fonts-embedded", "pdf-contrast"} <= passed
    # What Chromium really leaves out: LBody in list items, /Contents on links, the PDF/UA claim.
    lists = flagged(report, "pdf-list-structure")
    assert lists and lists[0].location.page == 2 and lists[0].location.path.startswith("/Document[1]/L[1]")
    assert lists[0].standard_refs[0] == "matterhorn:09-005"
    link = flagged(report, "pdf-link-alt")[0]
    assert link.location.page == 3 and link.location.bbox is not None
    assert "matterhorn:28-012" in link.standard_refs
    assert flagged(report, "pdf-ua-identifier")
    assert report.summary.violations == sum(1 for f in report.findings if f.outcome is Outcome.VIOLATION)


def test_untagged_pdf_names_rule_place_and_fix(pdfs: dict[str, Path]) -> None:
    report = audit(pdfs["untagged"])
    tagged = flagged(report, "pdf-tagged")[0]
    assert tagged.impact.value == "critical" and "Automatically tag PDF" in tagged.help
    assert tagged.help_url.endswith("#pdf-tagged")


def test_contrast_finding_points_at_the_span(pdfs: dict[str, Path]) -> None:
    report = audit(pdfs["contrast-bad"])
    low = flagged(report, "pdf-contrast")
    assert {f.location.page for f in low} == {1}
    dark_panel = [f for f in low if f.location.excerpt and f.location.excerpt.startswith("Exam")]
    assert dark_panel and dark_panel[0].location.bbox.y0 > 300
    assert dark_panel[0].data["background"] != "#ffffff" and dark_panel[0].data["ratio"] < 4.5


def test_scanned_page_points_to_ocr_conversion(pdfs: dict[str, Path]) -> None:
    report = audit(pdfs["scanned"])
    scanned = flagged(report, "pdf-image-only-page")
    assert scanned and scanned[0].location.page == 1
    assert "access convert" in scanned[0].message and scanned[0].data["ocr_available"] is True


def test_standard_filter_keeps_pdfua_only_findings(pdfs: dict[str, Path]) -> None:
    aa = audit(pdfs["contrast-bad"], standard=Standard.WCAG22AA)
    a = audit(pdfs["contrast-bad"], standard=Standard.WCAG2A)
    assert flagged(aa, "pdf-contrast") and not any(f.rule == "pdf-contrast" for f in a.findings)
    assert flagged(a, "pdf-fonts-embedded")            # PDF/UA only: no WCAG criterion, still reported
    assert a.standard is Standard.WCAG2A


@pytest.mark.parametrize(("name", "error"), [
    ("corrupt", InvalidDocument), ("truncated", InvalidDocument), ("zero-pages", EmptyFile),
    ("password", EncryptedDocument)])
def test_bad_pdfs_fail_with_stable_codes(bad_pdfs: dict[str, Path], name: str, error: type) -> None:
    with pytest.raises(error) as info:
        audit(bad_pdfs[name])
    assert info.value.code in {"invalid_document", "empty_file", "encrypted_document"}
    assert info.value.message


def test_empty_file_is_refused(bad_pdfs: dict[str, Path]) -> None:
    with pytest.raises(EmptyFile):
        services.source_file(bad_pdfs["empty"])
    from access.models import SourceFile
    from auditors.pdf import audit_pdf
    with pytest.raises(EmptyFile):
        audit_pdf(SourceFile(path=str(bad_pdfs["empty"]), format="pdf"), AuditOptions(), services.make_context())


def test_500_pages_audit_and_page_limit(pages_500: Path) -> None:
    report = audit(pages_500)
    assert len(report.parts) == 500 and report.metadata["pages"] == 500
    assert flagged(report, "pdf-bookmarks")[0].data["pages"] == 500
    with pytest.raises(LimitExceeded):
        audit(pages_500, Settings(max_pages=499))


def test_file_larger_than_upload_limit_is_refused(pdfs: dict[str, Path]) -> None:
    from access.errors import FileTooLarge
    with pytest.raises(FileTooLarge):
        audit(pdfs["lecture"], Settings(max_upload_bytes=1000))


def test_auditors_load_through_the_registry_in_a_fresh_process(pdfs: dict[str, Path]) -> None:
    files = [str(pdfs["lecture"]), str(document("docx", "handout")), str(document("pptx", "lesson"))]
    code = (
        "import json, sys\nfrom pathlib import Path\nfrom access import services\n"
        "from access.models import AuditOptions\nfrom access.registry import Registry\n"
        "reg = Registry()\nout = {}\n"
        "for f in sys.argv[1:]:\n"
        "    r = services.audit_file(services.source_file(Path(f)), AuditOptions(), services.make_context(), reg)\n"
        "    out[r.target_kind] = len(r.findings)\n"
        "print(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True, cwd=REPO,
                          timeout=120, check=True)
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(counts) == {"pdf", "docx", "pptx"} and all(n > 0 for n in counts.values())
