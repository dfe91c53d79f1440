"""HTML and EPUB writers checked by the real auditor and the real epubcheck (one EPUB run per
session: epubcheck is a Java program, 2-4 s a run), plus the injection test."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from access.conversion import OutputFolder
from access.document import Document, Figure, Heading, Metadata, PageBreak, Paragraph, Span
from access.models import ConvertOptions
from access.registry import get_registry
from access.services import convert, make_context, source_file
from converters.readers.text import parse_text
from converters.writers.epub import (
    ContentDoc,
    EpubMetadata,
    NavEntry,
    Resource,
    nav_document,
    package_epub,
    xhtml_page,
)
from converters.writers.html import render_html

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="session")
def docx_result(lesson_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("docx-out")
    return convert(source_file(lesson_docx), ConvertOptions(targets=["html", "epub"]), out, make_context())


def test_targets_are_registered() -> None:
    registry = get_registry()
    assert {"html", "epub"} <= set(registry.writers.names()) and {"html", "epub"} <= set(registry.gates.names())
    assert {"text", "markdown", "html", "docx", "pptx", "pdf"} <= set(registry.readers.names())


def test_docx_to_html_passes_our_auditor(docx_result: Any) -> None:
    gate = docx_result.gate["html"]
    assert gate["passed"], gate["problems"]
    assert gate["checks"][0]["facts"]["violations"] == 0 and gate["checks"][0]["facts"]["rules_passed"] > 0
    # the image without alt text is flagged for review, visibly, not hidden
    assert any("had no text alternative in the source" in r for r in gate["needs_review"])
    page = Path(next(a.path for a in docx_result.artifacts if a.name.endswith(".html"))).read_text()
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == "en-US" and tree.findtext(".//title") == "Cells"
    assert tree.find(".//main") is not None and tree.find(".//nav") is not None
    # the title in the header first, then the contents (h2 in their nav), then the sections in main
    assert [h.tag for h in tree.iter("h1", "h2", "h3")] == ["h1", "h2", "h2"]
    assert tree.find(".//header/h1") is not None
    assert tree.find(".//table//th[@scope='col']") is not None
    imgs = tree.findall(".//main//img")
    assert imgs[0].get("alt") == "A round cell with a dark nucleus" and imgs[0].get("src").startswith("data:image/png")
    assert "without a text alternative" in imgs[1].get("alt") and tree.find(".//*[@data-access-review='missing-alt']") \
        is not None
    assert "<script" not in page


def test_docx_to_epub_passes_epubcheck_and_auditor(docx_result: Any) -> None:
    gate = docx_result.gate["epub"]
    checks = {c["name"]: c for c in gate["checks"]}
    assert checks["epubcheck"]["passed"] and checks["epubcheck"]["facts"]["errors"] == 0, gate["problems"]
    assert checks["auditor (content documents)"]["facts"]["violations"] == 0
    epub = Path(next(a.path for a in docx_result.artifacts if a.name.endswith(".epub")))
    with zipfile.ZipFile(epub) as zf:
        assert zf.namelist()[0] == "mimetype"
        opf = zf.read("OEBPS/content.opf").decode()
        nav = zf.read("OEBPS/nav.xhtml").decode()
    assert "schema:accessMode" in opf and "schema:accessibilityHazard" in opf
    assert "dcterms:conformsTo" not in opf          # an image lacks alt text: no conformance claim
    assert 'epub:type="toc"' in nav and "Parts of a cell" in nav


def test_epubcheck_catches_a_broken_package(tmp_path: Path, png_bytes: bytes) -> None:
    """The gate is not a rubber stamp: a package with a dangling reference fails."""
    from converters.gates.epubcheck import epubcheck

    body = '<section><h1>One</h1><p><a href="missing.xhtml">gone</a></p></section>'
    doc = ContentDoc("one.xhtml", xhtml_page(title="One", language="en", body=body))
    nav = nav_document("Broken", "en", [NavEntry("One", "one.xhtml")])
    path = package_epub(tmp_path / "broken.epub",
                        metadata=EpubMetadata(title="Broken", language="en", identifier="urn:uuid:1"),
                        content_docs=[doc], nav_xhtml=nav, css="p{}",
                        resources=[Resource("images/a.png", png_bytes, "image/png")])
    check = epubcheck(path)
    assert not check.passed and check.problems and check.facts["errors"] >= 1


def test_text_to_html_headings_without_gaps_and_pages() -> None:
    doc = Document(metadata=Metadata(title="Lesson", language="en"), blocks=[
        PageBreak(label="1"), Heading(level=3, inlines=[Span(text="Deep start")]),
        Paragraph(inlines=[Span(text="Text.")]), Heading(level=5, inlines=[Span(text="Deeper")]),
        PageBreak(label="2"), Figure(image=b"\x00\x01", media_type="image/x-unknown", alt="A chart")])
    page = render_html(doc)
    tree = lxml_html.fromstring(page)
    levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6") if not h.xpath("ancestor::nav")]
    assert levels == [1, 2, 3]
    assert tree.find(".//hr[@id='page-2']").get("role") == "doc-pagebreak"
    assert tree.find(".//nav[@aria-label='Pages of the original']") is not None
    assert "image-not-converted" in page


def test_input_cannot_inject_markup(png_bytes: bytes) -> None:
    doc = parse_text(f"{EVIL}\n\nA paragraph with {EVIL} inside.\n")
    doc.metadata.title = EVIL
    doc.metadata.language = 'en" onload="x'
    doc.blocks.append(Paragraph(inlines=[Span(text="link", href="javascript:alert(1)")]))
    doc.blocks.append(Figure(image=png_bytes, media_type="image/png", alt=EVIL, caption=EVIL))
    page = render_html(doc)
    tree = lxml_html.fromstring(page)
    assert not tree.findall(".//script") and "javascript:" not in page
    assert all(not k.startswith("on") for el in tree.iter() for k in el.attrib)
    assert tree.findall(".//img")[0].get("alt") == EVIL          # the text survives, as text
    assert EVIL in tree.findtext(".//title")


def test_unesco_text_to_html_and_epub_end_to_end(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[3] / "tests" / "data" / "unesco-iite-strategy-2022-2025.txt"
    result = convert(source_file(corpus), ConvertOptions(targets=["html"]), tmp_path, make_context())
    assert result.gate["html"]["passed"], result.gate["html"]["problems"]
    tree = lxml_html.fromstring(Path(result.artifacts[0].path).read_text())
    assert len(tree.findall(".//main//ul")) >= 20 and len(tree.findall(".//nav//li")) >= 30


def test_epub_claims_conformance_only_when_nothing_is_known_missing(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The package is written once and its content documents audited once: by the writer, to decide
    the claim; the gate reuses that audit."""
    from access import services

    audited: list[str] = []
    audit_file = services.audit_file

    def counted(source: Any, *args: Any) -> Any:
        audited.append(source.filename)
        return audit_file(source, *args)

    monkeypatch.setattr(services, "audit_file", counted)
    source = tmp_path / "plants.txt"
    source.write_text("Lesson\n\nPlants need light. They also need water.\n", encoding="utf-8")
    result = convert(source_file(source), ConvertOptions(targets=["epub"], language="en"), tmp_path / "out",
                     make_context())
    (art,) = result.artifacts
    with zipfile.ZipFile(art.path) as zf:
        assert zf.namelist()[0] == "mimetype"
        assert "dcterms:conformsTo" in zf.read("OEBPS/content.opf").decode()
    assert art.metadata["conforms_to"].startswith("EPUB Accessibility 1.1")
    assert audited == ["plants.epub"]
    gate = result.gate["epub"]
    assert gate["passed"], gate["problems"]
    assert {c["name"]: c for c in gate["checks"]}["auditor (content documents)"]["facts"]["violations"] == 0


def test_epub_makes_no_claim_when_the_auditor_finds_a_violation(tmp_path: Path) -> None:
    from converters.writers.epub import write_epub

    doc = parse_text("Lesson\n\nPlants need light.\n")
    doc.metadata.language = "english"                      # not a language tag: html-lang-valid fails
    (art,) = write_epub(doc, OutputFolder(tmp_path, "lesson"), ConvertOptions(), make_context())
    with zipfile.ZipFile(art.path) as zf:
        assert "dcterms:conformsTo" not in zf.read("OEBPS/content.opf").decode()
    assert art.metadata["conforms_to"] is None
    audit = art.metadata["audit"]["check"]
    assert not audit["passed"] and "html-lang-valid" in audit["facts"]["rules"]
