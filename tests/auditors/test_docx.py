"""The Word auditor end to end: services.audit_file on python-docx-made files, bad inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from access import services
from access.errors import EncryptedDocument, InvalidDocument, UnsupportedFormat
from access.models import AuditOptions, Outcome, Report, Standard
from tests.documents import document

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def audit(path: Path, **options: object) -> Report:
    source = services.source_file(path)
    assert source.format == "docx"
    return services.audit_file(source, AuditOptions(**options), services.make_context())


def flagged(report: Report) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in report.findings:
        if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW):
            out.setdefault(f.rule, []).append(f)
    return out


def test_clean_handout_has_no_violations() -> None:
    report = audit(document("docx", "handout"))
    assert report.target_kind == "docx" and report.parts[0].id == "document"
    assert {e.name for e in report.engines} >= {"python-docx", "lxml"}
    assert flagged(report) == {}
    assert report.metadata["title"] == "Week 3 handout: Photosynthesis" and report.metadata["images"] == 1


def test_faulty_handout_names_rule_place_and_fix() -> None:
    found = flagged(audit(document("docx", "handout-faulty")))
    assert {"docx-image-alt", "docx-heading-order", "docx-table-header", "docx-link-text", "docx-typed-list",
            "docx-contrast", "docx-title"} <= set(found)
    image = found["docx-image-alt"][0]
    assert image.location.image == 0 and image.location.paragraph is not None
    assert "View Alt Text" in image.help and image.wcag == ["1.1.1"]
    assert found["docx-table-header"][0].location.table == 0
    typed = found["docx-typed-list"]
    assert len(typed) == 3 and typed[0].location.excerpt == "- Water"
    heading = found["docx-heading-order"][0]
    assert heading.location.excerpt == "What plants need"


def test_standard_filter() -> None:
    path = document("docx", "handout-contrast")
    assert "docx-contrast" in flagged(audit(path))
    level_a = flagged(audit(path, standard=Standard.WCAG2A))
    assert "docx-contrast" not in level_a and "docx-small-font" in level_a


def test_document_with_no_paragraphs(tmp_path: Path) -> None:
    d = docx.Document()
    body = d.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    d.save(str(tmp_path / "empty-body.docx"))
    report = audit(tmp_path / "empty-body.docx")
    assert report.metadata["paragraphs"] == 0
    assert set(flagged(report)) == {"docx-title"}       # python-docx's template has no title


def test_corrupt_word_file(tmp_path: Path) -> None:
    good = document("docx", "handout")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 3] if item.filename == "word/document.xml" else data)
    with pytest.raises(InvalidDocument):
        audit(broken)


def test_not_a_zip_and_password_protected_word_files(tmp_path: Path) -> None:
    fake = tmp_path / "notes.docx"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises((InvalidDocument, UnsupportedFormat)):
        audit(fake)
    # An encrypted Office file is an OLE2 container holding an EncryptedPackage stream.
    locked = tmp_path / "locked.docx"
    locked.write_bytes(OLE2_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024)
    with pytest.raises(EncryptedDocument):
        services.source_file(locked)
