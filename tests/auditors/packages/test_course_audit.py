"""Course packages end to end in the real Chromium: SCORM 2004, Common Cartridge 1.3 and a Moodle
backup, each audited item by item in course order, findings at their item and file."""

from __future__ import annotations

import pytest

from access import services
from access.models import AuditOptions, Outcome

pytestmark = pytest.mark.browser


def audit(path, settings, **options):
    source = services.source_file(path, path.name, settings)
    return services.audit_file(source, AuditOptions(**options), services.make_context(settings))


def where(report, rule):
    return [(f.data.get("outline") or f.location.path, f.location.url) for f in report.findings
            if f.rule == rule and f.outcome is Outcome.VIOLATION]


def test_scorm_package_in_course_order(packages, package_settings) -> None:
    report = audit(packages["course.zip"], package_settings, allow_private=True)
    assert report.target_kind == "scorm"
    assert [p.id for p in report.parts] == [
        "imsmanifest.xml",
        "Week 1: Light › Introduction",
        "Week 1: Light › Reading: how leaves catch light",
        "Week 1: Light › Reading: how leaves catch light › reading-2.html",    # linked from the reading
        "Week 1: Light › Handout (PDF)",
        "Week 1: Light › Quiz: light",
        "Week 2: Review › Untitled"]
    assert all(p.status == "audited" for p in report.parts)
    assert where(report, "axe-image-alt") == [("Week 1: Light › Reading: how leaves catch light",
                                               "content/reading.html")]   # none on the quiz: the runtime was there
    assert where(report, "axe-label") == [("Week 1: Light › Quiz: light", "content/quiz.html")]
    assert ("Week 1: Light › Handout (PDF)", "content/handout.pdf") in where(report, "pdf-tagged")
    assert where(report, "course-item-title") == [("Week 2: Review › Untitled", "imsmanifest.xml")]
    assert where(report, "course-language") and not where(report, "course-resources")
    pdf = next(f for f in report.findings if f.rule == "pdf-tagged")
    assert pdf.data["section"] == "Week 1: Light"
    sections = {s["section"]: s["violations"] for s in report.metadata["course"]["sections"]}
    assert sections["Week 1: Light"] >= 3 and sections["Week 2: Review"] == 1
    outline = report.metadata["course"]["outline"]
    assert outline[0] == {"part": "Week 1: Light", "title": "Week 1: Light", "kind": "section", "depth": 0,
                          "violations": 0, "needs_review": 0}


def test_common_cartridge_renders_discussions_and_quizzes(packages, package_settings) -> None:
    report = audit(packages["course.imscc"], package_settings, allow_private=True)
    parts = {p.id: p for p in report.parts}
    assert list(parts) == ["imsmanifest.xml", "Week 1: Light › Introduction",
                           "Week 1: Light › Reading: how leaves catch light", "Week 1: Light › Handout (PDF)",
                           "Week 1: Light › Discussion: where do plants get their mass?", "Week 1: Light › Quiz: light",
                           "Week 1: Light › Further reading (web)"]
    assert parts["Week 1: Light › Further reading (web)"].status == "skipped"
    assert "https://example.org/photosynthesis" in parts["Week 1: Light › Further reading (web)"].error["message"]
    assert ("Week 1: Light › Discussion: where do plants get their mass?", "r4/discussion.xml") in where(
        report, "axe-image-alt")
    assert not where(report, "axe-label")              # the rendered quiz labels its choices and its field
    assert parts["Week 1: Light › Quiz: light"].status == "audited"
    assert not where(report, "course-language") and not where(report, "course-item-title")


def test_moodle_backup_sections_pages_labels_books_and_files(packages, package_settings) -> None:
    report = audit(packages["backup.mbz"], package_settings, allow_private=True)
    assert report.target_kind == "mbz"
    assert [p.id for p in report.parts] == [
        "moodle_backup.xml", "Week 1: Light › Week 1: Light (summary)", "Week 1: Light › Read before class",
        "Week 1: Light › Reading: how leaves catch light", "Week 1: Light › Cells and energy › Chapter 1: Cells",
        "Week 1: Light › Cells and energy › Chapter 2: Energy", "Week 1: Light › Handout (PDF)",
        "Topic 2 › Quiz: light"]
    assert where(report, "axe-image-alt") == [("Week 1: Light › Reading: how leaves catch light",
                                               "activities/page_11/page.xml")]
    assert where(report, "axe-color-contrast") == [("Week 1: Light › Cells and energy › Chapter 2: Energy",
                                                    "activities/book_13/book.xml")]
    assert where(report, "axe-label") == [("Topic 2 › Quiz: light", "activities/quiz_15/quiz.xml")]
    assert where(report, "course-item-title") == [("Topic 2", "moodle_backup.xml")]
    assert any(f.rule == "pdf-tagged" for f in report.findings)
    assert not where(report, "course-resources")       # the embedded image and the PDF were found


def test_guarded_audit_reaches_the_package_and_nothing_else(packages, package_settings) -> None:
    """An API audit (guarded browser) serves the package through the guard proxy's one opening."""
    report = audit(packages["course.zip"], package_settings)
    assert all(p.status == "audited" for p in report.parts)
    assert where(report, "axe-label") == [("Week 1: Light › Quiz: light", "content/quiz.html")]


def test_page_limit_lists_what_was_not_audited(packages, package_settings) -> None:
    report = audit(packages["course.zip"], package_settings, allow_private=True, max_pages=2)
    statuses = [(p.id, p.status) for p in report.parts]
    assert sum(s == "audited" for _, s in statuses) == 3            # the package and two items
    assert ("Week 2: Review › Untitled", "skipped") in statuses
