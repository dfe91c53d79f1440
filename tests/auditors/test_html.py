"""The static HTML auditor on realistic course pages, zips of pages and hostile input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import lxml.html
import pytest

from access.config import Settings
from access.errors import AccessError, InvalidDocument
from access.models import AuditOptions, Outcome, SourceFile, Standard
from access.registry import get_registry
from access.services import audit_file, make_context, source_file
from auditors.html import audit_html, audit_zip
from rules.html.dom import Page

DATA = Path(__file__).parent / "data"


def audit(path: Path, **options: object):
    return audit_file(source_file(path), AuditOptions(**options), make_context())


def problems(report) -> list:
    return [f for f in report.findings if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)]


def test_plugin_registers_auditors_rules_and_fixtures() -> None:
    registry = get_registry()
    assert registry.auditors["html"].audit is audit_html and registry.auditors["html"].queue == "documents"
    assert registry.auditors["zip"].audit is audit_zip
    assert {"html-img-alt", "html-lang", "html-title", "html-form-label", "html-link-name"} <= set(registry.rules)
    assert registry.rulesets["html"].cases()


def test_clean_course_page_has_no_violations() -> None:
    report = audit(DATA / "course-clean.html")
    assert problems(report) == []
    assert report.target == "course-clean.html" and report.target_kind == "html"
    assert report.engines[0].name == "access-html"
    assert [p.id for p in report.parts] == ["course-clean.html"]
    assert report.parts[0].title == "Week 3: Photosynthesis – Biology 101"
    passed = {f.rule for f in report.findings if f.outcome is Outcome.PASS}
    assert {"html-img-alt", "html-lang", "html-title", "html-form-label", "html-link-name", "html-table-headers",
            "html-video-captions", "html-iframe-title", "html-area-alt", "html-input-image-alt"} <= passed
    assert report.summary.violations == 0 and report.finished_at is not None


def test_page_with_known_barriers_reports_each_rule_and_criterion() -> None:
    report = audit(DATA / "course-barriers.html")
    found = {(f.rule, f.outcome.value, sc) for f in problems(report) for sc in f.wcag}
    expected = {
        ("html-img-alt", "violation", "1.1.1"), ("html-lang", "violation", "3.1.1"),
        ("html-title", "violation", "2.4.2"), ("html-form-label", "violation", "4.1.2"),
        ("html-form-label", "needs-review", "4.1.2"), ("html-link-name", "violation", "2.4.4"),
        ("html-button-name", "violation", "4.1.2"), ("html-link-text-generic", "needs-review", "2.4.4"),
        ("html-heading-order", "needs-review", "1.3.1"), ("html-table-headers", "violation", "1.3.1"),
        ("html-video-captions", "violation", "1.2.2"), ("html-media-autoplay", "violation", "1.4.2"),
        ("html-meta-viewport", "violation", "1.4.4"), ("html-iframe-title", "violation", "4.1.2"),
        ("html-meta-refresh", "violation", "2.2.1"), ("html-autocomplete-valid", "violation", "1.3.5"),
        ("html-heading-name", "violation", "1.3.1"), ("html-list-structure", "violation", "1.3.1"),
        ("html-blink-marquee", "violation", "2.2.2"), ("html-role-img-alt", "violation", "1.1.1"),
        ("html-aria-hidden-focus", "violation", "4.1.2"),
    }
    assert expected <= found, expected - found
    counts = report.summary.by_rule
    assert counts["html-img-alt"] == 2 and counts["html-link-name"] == 2 and counts["html-form-label"] == 3


def test_findings_point_at_exactly_one_element_with_help_and_refs() -> None:
    path = DATA / "course-barriers.html"
    report = audit(path)
    root = lxml.html.document_fromstring(path.read_bytes())
    for f in problems(report):
        assert f.help and f.help_url and f.help_url.endswith("#" + f.rule) and f.impact
        assert f.location.url == "course-barriers.html"
        if f.location.selector not in (None, "head", "html"):
            assert len(root.cssselect(f.location.selector)) == 1, f.location.selector
            assert f.location.html and len(f.location.html) <= 250
            assert isinstance(f.location.line, int) and "line" not in f.data
    img = next(f for f in report.findings if f.rule == "html-img-alt")
    assert img.standard_refs == ["act:23a2a8", "axe:image-alt"]
    assert img.location.html == '<img src="chloroplast.png">' or img.location.html == '<img src="logo.png">'


def test_standard_drops_findings_outside_it(tmp_path: Path) -> None:
    page = tmp_path / "lang.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>Vocabulary</title></head>'
                    '<body><p><span lang="french">bonjour</span></p></body></html>')
    aa = audit(page, standard=Standard.WCAG22AA)
    a_only = audit(page, standard=Standard.WCAG2A)
    assert "html-element-lang-valid" in aa.summary.by_rule            # 3.1.2 is level AA
    assert not [f for f in a_only.findings if f.rule == "html-element-lang-valid"]
    assert a_only.standard is Standard.WCAG2A


def test_snippets_are_trimmed_and_selectors_unique_with_duplicate_ids() -> None:
    long_text = "word " * 200
    page = Page.parse(f'<html><body><div id="d"><a href="x">{long_text}</a></div><div id="d"><img src="a">'
                      "</div></body></html>")
    link = page.elements("a")[0]
    assert len(page.snippet(link)) <= 250 and page.snippet(link).endswith("…")
    img = page.elements("img")[0]
    assert page.selector(img) == "html > body > div:nth-of-type(2) > img"      # duplicated id is not used
    assert len(page.root.cssselect(page.selector(img))) == 1


def test_declared_encoding_is_honoured(tmp_path: Path) -> None:
    page = tmp_path / "latin.html"
    page.write_bytes('<html lang="fr"><head><meta charset="iso-8859-1"><title>Leçon d\'été</title></head>'
                     "<body><p>é</p></body></html>".encode("latin-1"))
    report = audit(page)
    assert report.parts[0].title == "Leçon d'été"


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    page = tmp_path / "xxe.html"
    page.write_text(f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
                    '<html lang="en"><head><title>&x;</title></head><body><a href="y">&x;</a></body></html>')
    report = audit(page)
    assert "TOP-SECRET-VALUE" not in report.model_dump_json()


def test_empty_or_blank_html_is_a_clear_error() -> None:
    with pytest.raises(InvalidDocument):
        Page.parse(b"   \n  ")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_of_pages_audits_each_page(tmp_path: Path) -> None:
    clean = (DATA / "course-clean.html").read_bytes()
    barriers = (DATA / "course-barriers.html").read_bytes()
    path = _zip(tmp_path / "course.zip", {"index.html": clean, "week3/lesson.htm": barriers,
                                          "week3/style.css": b"body{}", "broken.html": b"   ",
                                          "__MACOSX/._index.html": b"junk"})
    report = audit(path)
    assert report.target == "course.zip" and report.target_kind == "html"
    parts = {p.id: p for p in report.parts}
    assert set(parts) == {"broken.html", "index.html", "week3/lesson.htm"}
    assert parts["broken.html"].status == "failed" and parts["broken.html"].error["code"] == "invalid_document"
    assert {f.location.url for f in problems(report)} == {"week3/lesson.htm"}
    assert any(f.rule == "html-img-alt" and f.location.url == "week3/lesson.htm" for f in report.findings)


def test_zip_page_limit_skips_the_rest(tmp_path: Path) -> None:
    pages = {f"p{i}.html": b"<html lang='en'><head><title>P</title></head><body><p>x</p></body></html>"
             for i in range(3)}
    path = _zip(tmp_path / "site.zip", pages)
    ctx = make_context(Settings(max_pages=2))
    report = audit_zip(SourceFile(path=str(path), filename="site.zip", format="zip"), AuditOptions(), ctx)
    assert [p.status for p in report.parts] == ["audited", "audited", "skipped"]
    assert report.parts[2].error["code"] == "limit_exceeded"


def test_zip_without_pages_and_zip_bomb_are_refused(tmp_path: Path) -> None:
    no_pages = _zip(tmp_path / "notes.zip", {"a.txt": b"hello"})
    with pytest.raises(InvalidDocument):
        audit_zip(SourceFile(path=str(no_pages), format="zip"), AuditOptions(), make_context())
    bomb = _zip(tmp_path / "bomb.zip", {"big.html": b"<p>" + b"\0" * 30_000_000})
    with pytest.raises(AccessError) as err:
        audit_zip(SourceFile(path=str(bomb), format="zip"), AuditOptions(), make_context())
    assert err.value.code == "invalid_document"


def test_progress_is_reported_and_cancellation_stops_a_zip(tmp_path: Path) -> None:
    pages = {f"p{i}.html": b"<html lang='en'><head><title>P</title></head><body><p>x</p></body></html>"
             for i in range(3)}
    path = _zip(tmp_path / "site.zip", pages)
    seen: list[tuple[float, str]] = []

    class Cancelled(Exception):
        pass

    def cancel_after_first() -> None:
        if len(seen) >= 1:
            raise Cancelled

    ctx = make_context(progress=lambda pct, stage: seen.append((pct, stage)), check_cancelled=cancel_after_first)
    with pytest.raises(Cancelled):
        audit_zip(SourceFile(path=str(path), format="zip"), AuditOptions(), ctx)
    assert seen[0] == (0.0, "page 1 of 3")


def test_zip_detected_from_bytes_goes_to_the_zip_auditor(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.html", (DATA / "course-clean.html").read_bytes())
    path = tmp_path / "upload.bin"
    path.write_bytes(buf.getvalue())
    src = source_file(path, filename="upload.bin")
    assert src.format == "zip"
    assert audit_file(src, AuditOptions(), make_context()).parts[0].id == "a.html"
