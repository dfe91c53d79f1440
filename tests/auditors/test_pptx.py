"""The PowerPoint auditor end to end: services.audit_file on python-pptx-made decks, bad inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from access import services
from access.config import Settings
from access.errors import InvalidDocument, LimitExceeded
from access.models import AuditOptions, Outcome, Report
from tests.documents import document


def audit(path: Path, settings: Settings | None = None) -> Report:
    source = services.source_file(path)
    assert source.format == "pptx"
    return services.audit_file(source, AuditOptions(), services.make_context(settings))


def flagged(report: Report) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in report.findings:
        if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW):
            out.setdefault(f.rule, []).append(f)
    return out


def test_clean_deck_has_no_findings_to_fix() -> None:
    report = audit(document("pptx", "lesson"))
    assert report.target_kind == "pptx"
    assert [p.id for p in report.parts] == ["slide 1", "slide 2", "slide 3"]
    assert report.parts[1].title == "What plants need"
    assert {e.name for e in report.engines} >= {"python-pptx"}
    assert flagged(report) == {}


def test_faulty_deck_names_rule_slide_shape_and_fix() -> None:
    found = flagged(audit(document("pptx", "lesson-faulty")))
    assert {"pptx-slide-title", "pptx-alt-text", "pptx-table-header", "pptx-link-text", "pptx-media-captions",
            "pptx-contrast"} <= set(found)
    alt = found["pptx-alt-text"][0]
    assert alt.location.slide == 2 and alt.location.shape.startswith("Picture")
    assert "Mark as decorative" in alt.help
    assert found["pptx-slide-title"][0].location.slide == 2
    assert found["pptx-media-captions"][0].outcome is Outcome.NEEDS_REVIEW


def test_slide_limit() -> None:
    with pytest.raises(LimitExceeded):
        audit(document("pptx", "lesson"), Settings(max_pages=2))


def test_corrupt_deck(tmp_path: Path) -> None:
    good = document("pptx", "lesson")
    broken = tmp_path / "broken.pptx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<not xml" if item.filename == "ppt/slides/slide2.xml" else data)
    with pytest.raises(InvalidDocument):
        audit(broken)
