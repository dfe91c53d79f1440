"""Every document capability end to end through the HTTP API and a real Celery worker.

One `access serve` (API + embedded worker, SQLite store and broker, fresh data dir and port) is shared
by the module. All jobs are submitted first and then polled together:

- audits of a PDF, a DOCX and a PPTX with known barriers (pdf, docx, pptx auditors) → JSON report with
  the expected rule ids at the expected page / paragraph / slide, plus one SARIF report;
- one conversion of a small DOCX to html, epub, easy-read and brf → artifacts that are what they claim
  to be, and the quality gate results in the job record;
- bad input through the worker: a password-protected PDF and a truncated PDF → failed jobs with the
  stable error codes encrypted_document and invalid_document.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pymupdf
import pytest
from lxml import html as lxml_html

from tests.documents import document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TARGETS = ("html", "epub", "easy-read", "brf")
FINISHED = ("succeeded", "failed", "cancelled")


# ----------------------------------------------------------------------------- inputs


def encrypted_pdf(src: Path, out: Path) -> Path:
    doc = pymupdf.open(src)
    doc.save(out, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="student")
    doc.close()
    return out


def truncated_pdf(src: Path, out: Path) -> Path:
    data = src.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("capability-inputs")
    # two untagged pages: page 1 plain text, page 2 text at 5 pt and light grey text on white
    pdf = document("pdf", "barriers", d / "handout.pdf")
    return {
        "pdf": pdf,
        # picture without alt (paragraph 3), H1 → H3 (paragraph 2), grey key-term run (paragraph 8)
        "docx": document("docx", "handout-barriers"),
        # slide 2: picture without alt, table without header row; slide 3 repeats slide 2's title
        "pptx": document("pptx", "lesson-barriers"),
        "lesson": document("docx", "handout"),         # headings, picture with alt, table, bullet list
        "encrypted": encrypted_pdf(pdf, d / "locked.pdf"),
        "truncated": truncated_pdf(pdf, d / "cut.pdf"),
    }


# ----------------------------------------------------------------------------- the service and its jobs


@pytest.fixture(scope="module")
def served(deployment_factory):
    dep = deployment_factory()            # embedded defaults: SQLite store and broker, worker beside the API
    dep.serve = dep.start_serve()
    yield dep
    dep.stop()


@pytest.fixture(scope="module")
def client(served) -> Any:
    store = served.store()
    try:
        key = store.create_api_key("capabilities-school")
    finally:
        store.dispose()
    with served.client(key) as c:
        yield c


def wait_all(client: httpx.Client, ids: dict[str, str], timeout: float = 180) -> dict[str, dict[str, Any]]:
    """Poll every job until all are finished; return the final job records by name."""
    done: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(done) < len(ids):
        if time.monotonic() > deadline:
            pending = {n: client.get(f"/v1/jobs/{i}").json() for n, i in ids.items() if n not in done}
            raise AssertionError(f"jobs not finished after {timeout:.0f} s: {pending}")
        for name, job_id in ids.items():
            if name not in done:
                job = client.get(f"/v1/jobs/{job_id}").json()
                if job["status"] in FINISHED:
                    done[name] = job
        time.sleep(0.2)
    return done


@pytest.fixture(scope="module")
def jobs(client: httpx.Client, inputs: dict[str, Path]) -> dict[str, dict[str, Any]]:
    uploads = {
        "pdf": ("audits", "handout.pdf", "application/pdf", {}),
        "docx": ("audits", "handout.docx", DOCX_TYPE, {}),
        "pptx": ("audits", "lesson.pptx", PPTX_TYPE, {}),
        "lesson": ("conversions", "lesson.docx", DOCX_TYPE, {"targets": ",".join(TARGETS)}),
        "encrypted": ("audits", "locked.pdf", "application/pdf", {}),
        "truncated": ("audits", "cut.pdf", "application/pdf", {}),
    }
    ids: dict[str, str] = {}
    for name, (endpoint, filename, media_type, data) in uploads.items():
        r = client.post(f"/v1/{endpoint}", data=data,
                        files={"file": (filename, inputs[name].read_bytes(), media_type)})
        assert r.status_code == 202, (name, r.text)
        submitted = r.json()
        assert submitted["status"] in ("queued", "running", "succeeded"), submitted
        ids[name] = submitted["id"]
    return wait_all(client, ids)


def report_of(client: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    assert job["status"] == "succeeded", job
    r = client.get(f"/v1/jobs/{job['id']}/report")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    return r.json()


def violations(report: dict[str, Any]) -> set[tuple[str, Any]]:
    """(rule, page/paragraph/slide) of every violation."""
    out = set()
    for f in report["findings"]:
        if f["outcome"] == "violation":
            loc = f["location"]
            out.add((f["rule"], loc.get("page") or loc.get("slide") or loc.get("paragraph")))
    return out


# ----------------------------------------------------------------------------- audits


def test_pdf_audit_finds_the_barriers_on_their_pages(client: httpx.Client, jobs: dict[str, dict]) -> None:
    job = jobs["pdf"]
    report = report_of(client, job)
    assert report["target_kind"] == "pdf" and len(report["parts"]) == 2
    found = violations(report)
    rules = {rule for rule, _ in found}
    assert {"pdf-tagged", "pdf-language", "pdf-ua-identifier"} <= rules, found
    assert ("pdf-contrast", 2) in found, found
    assert not any(rule == "pdf-contrast" and where == 1 for rule, where in found), found
    small = [f for f in report["findings"] if f["rule"] == "pdf-small-text" and f["outcome"] != "pass"]
    assert [f["location"]["page"] for f in small] == [2], small
    assert "Terms and conditions" in small[0]["location"]["excerpt"]
    assert report["summary"]["by_outcome"]["violation"] == sum(
        f["outcome"] == "violation" for f in report["findings"])

    # the stored report artifact is the same report; SARIF renders the same violations
    (art,) = job["artifacts"]
    assert art["name"] == "report.json" and json.loads(client.get(art["url"]).content) == report
    r = client.get(f"/v1/jobs/{job['id']}/report", params={"format": "sarif"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sarif+json")
    sarif = r.json()
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert {x["ruleId"] for x in results if x["kind"] == "fail"} == rules
    contrast = [x for x in results if x["ruleId"] == "pdf-contrast"]
    assert contrast and all(x["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "page 2"
                            for x in contrast), contrast


def test_docx_audit_finds_the_barriers_at_their_paragraphs(client: httpx.Client, jobs: dict[str, dict]) -> None:
    report = report_of(client, jobs["docx"])
    assert report["target_kind"] == "docx"
    found = violations(report)
    assert {("docx-image-alt", 3), ("docx-heading-order", 2), ("docx-contrast", 8)} <= found, found
    heading = next(f for f in report["findings"] if f["rule"] == "docx-heading-order" and f["outcome"] == "violation")
    assert heading["location"]["excerpt"] == "What plants need" and "1.3.1" in heading["wcag"]


def test_pptx_audit_finds_the_barriers_on_their_slides(client: httpx.Client, jobs: dict[str, dict]) -> None:
    report = report_of(client, jobs["pptx"])
    assert report["target_kind"] == "pptx" and len(report["parts"]) == 3
    found = violations(report)
    assert {("pptx-alt-text", 2), ("pptx-table-header", 2), ("pptx-duplicate-title", 3)} <= found, found
    assert not any(where == 1 for _, where in found), found          # the title slide is clean
    alt = next(f for f in report["findings"] if f["rule"] == "pptx-alt-text" and f["outcome"] == "violation")
    assert alt["location"]["shape"].startswith("Picture") and "1.1.1" in alt["wcag"]


# ----------------------------------------------------------------------------- conversion


def test_docx_converts_to_html_epub_easy_read_and_brf(client: httpx.Client, jobs: dict[str, dict]) -> None:
    job = jobs["lesson"]
    assert job["status"] == "succeeded", job
    assert job["kind"] == "conversion" and job["progress"] == 100
    gate = job["result"]["gate"]
    assert set(gate) == {*TARGETS, "document"}, gate          # each target's gate and the text's, once
    assert gate["document"]["passed"], gate["document"]["problems"]
    for target in TARGETS:
        assert gate[target]["passed"] and gate[target]["checks"] and not gate[target]["problems"], gate[target]
    html_checks = {c["name"]: c for c in gate["html"]["checks"]}
    assert html_checks["auditor"]["facts"]["violations"] == 0 and html_checks["auditor"]["facts"]["rules_passed"] > 0
    epub_checks = {c["name"]: c for c in gate["epub"]["checks"]}
    assert epub_checks["epubcheck"]["facts"]["errors"] == 0

    arts = {a["name"]: a for a in job["artifacts"]}
    expected = {"lesson.html": "text/html", "lesson.epub": "application/epub+zip",
                "lesson-easy-read.html": "text/html", "lesson.brf": "application/x-brf"}
    for name, media_type in expected.items():
        assert name in arts, sorted(arts)
        assert arts[name]["media_type"].startswith(media_type), arts[name]
    files = {}
    for name in expected:
        r = client.get(arts[name]["url"])
        assert r.status_code == 200, r.text
        assert len(r.content) == arts[name]["size"] > 0
        files[name] = r.content

    page = lxml_html.fromstring(files["lesson.html"])
    assert page.get("lang", "").startswith("en")
    (main,) = page.xpath("//main")
    headings = [h.text_content().strip() for h in page.iter("h1", "h2") if not h.xpath("ancestor::nav")]
    assert headings == ["Photosynthesis", "What plants need"]
    assert main.xpath(".//img/@alt") == ["Diagram of a leaf taking in light, water and air"]
    assert main.xpath(".//table//th") and [li.text_content().strip() for li in main.iter("li")] == [
        "Water", "Light", "Air"]
    assert not page.xpath("//script")

    with zipfile.ZipFile(io.BytesIO(files["lesson.epub"])) as epub:
        first = epub.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert epub.read("mimetype") == b"application/epub+zip"
        assert "META-INF/container.xml" in epub.namelist()
        assert any(n.endswith(".xhtml") and b"Photosynthesis" in epub.read(n) for n in epub.namelist())

    easy = lxml_html.fromstring(files["lesson-easy-read.html"])
    assert easy.get("lang", "").startswith("en")
    assert [h.text_content().strip() for h in easy.iter("h1", "h2", "h3")] == [
        "Week 3 handout: Photosynthesis", "Photosynthesis", "What plants need"]
    assert "plant" in easy.text_content().lower()

    brf = files["lesson.brf"].decode("ascii")
    pages = brf.split("\f")
    lines = [line for p in pages for line in p.split("\r\n")]
    assert max(len(line) for line in lines) <= 40, max(lines, key=len)
    assert all(len(p.split("\r\n")) <= 25 + 1 for p in pages)
    assert ",PHOTOSYN!SIS" in brf                           # grade 2 UEB from liblouis: "Photosynthesis"


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("name", "code"), [("encrypted", "encrypted_document"), ("truncated", "invalid_document")])
def test_bad_pdfs_fail_with_a_stable_error_code(client: httpx.Client, jobs: dict[str, dict], name: str,
                                                code: str) -> None:
    job = jobs[name]
    assert job["status"] == "failed", job
    assert job["error"]["code"] == code and job["error"]["message"], job["error"]
    assert job["attempts"] == 1                                  # not a transient error: not retried
    r = client.get(f"/v1/jobs/{job['id']}/report")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict", r.text
