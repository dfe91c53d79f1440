"""What the readers keep, rendered: superscripts and subscripts, notes linked both ways; and the EPUB
gate with DAISY Ace (real Ace in the Debian Chromium) and epubcheck on what Ace reported on our EPUBs:
page-source metadata with a page list, schema.org accessibility features only, no empty header cell,
in-document links of Markdown that resolve."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from access.conversion import OutputFolder
from access.document import (
    Cell,
    Document,
    Heading,
    Metadata,
    NoteRef,
    PageBreak,
    Paragraph,
    Row,
    Span,
    Table,
)
from access.models import ConvertOptions
from access.services import convert, make_context, source_file
from converters.gates.ace import ace_check
from converters.gates.epub import check_epub
from converters.gates.epubcheck import epubcheck
from converters.writers.epub import (
    ContentDoc,
    EpubMetadata,
    NavEntry,
    nav_document,
    package_epub,
    withdraw_conformance_claim,
    write_epub,
    xhtml_page,
)
from converters.writers.html import render_html

XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def text_cell(text: str, header: bool = False) -> Cell:
    return Cell(blocks=[Paragraph(inlines=[Span(text=text)])] if text else [], header=header)


def book() -> Document:
    return Document(metadata=Metadata(title="Census", language="en"), blocks=[
        Heading(level=1, inlines=[Span(text="Census")]),
        PageBreak(label="1"),
        Paragraph(inlines=[Span(text="The population was 83,190,556"), NoteRef(id="n2", label="2"),
                           Span(text=" in 2019, and a"), Span(text="n", position="super"), Span(text=" + b"),
                           Span(text="n", position="super"), Span(text=" = c"), Span(text="n", position="super"),
                           Span(text=" has no solution. Water is H"), Span(text="2", position="sub"),
                           Span(text="O.")]),
        Heading(level=1, inlines=[Span(text="Figures")]),
        PageBreak(label="2"),
        Table(rows=[Row(cells=[text_cell("", header=True), text_cell("2019", header=True)]),
                    Row(cells=[text_cell("People", header=True), text_cell("83,190,556")])], header_rows=1),
        Paragraph(inlines=[Span(text="As noted before"), NoteRef(id="n2", label="2"), Span(text=".")]),
    ], footnotes={"n2": [Paragraph(inlines=[Span(text="Census of 2019, federal office.")])]})


def test_html_keeps_positions_and_links_notes_both_ways() -> None:
    tree = lxml_html.fromstring(render_html(book()))
    (para,) = tree.xpath("//main//p[.//sub]")
    assert [s.text for s in para.iter("sup")] == ["2", "n", "n", "n"] and para.find(".//sub").text == "2"
    assert para.xpath(".//a[@role='doc-noteref']/sup/text()") == ["2"]       # a linked mark, not a digit
    refs = tree.xpath("//a[@role='doc-noteref']")
    assert [r.get("id") for r in refs] == ["ref-n2", "ref-n2-2"] and {r.get("href") for r in refs} == {"#fn-n2"}
    back = tree.xpath("//li[@id='fn-n2']//a[@role='doc-backlink']/@href")
    assert back == ["#ref-n2", "#ref-n2-2"]
    # an empty header cell names nothing: it is a data cell
    first_row = tree.xpath("//table//tr")[0]
    assert [c.tag for c in first_row] == ["td", "th"]


@pytest.fixture(scope="module")
def census_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    (art,) = write_epub(book(), OutputFolder(tmp_path_factory.mktemp("epub"), "census"), ConvertOptions(),
                        make_context())
    return Path(art.path)


def test_epub_notes_link_back_to_their_chapter(census_epub: Path) -> None:
    with zipfile.ZipFile(census_epub) as zf:
        notes = etree.fromstring(zf.read("OEBPS/notes.xhtml"))
        opf = zf.read("OEBPS/content.opf").decode()
    back = notes.xpath("//x:a[@role='doc-backlink']/@href", namespaces=XHTML)
    assert back == ["chapter-001.xhtml#ref-n2", "chapter-002.xhtml#ref-n2-2"]
    # Ace's findings on our EPUBs: page source named when there is a page list; schema.org features only
    assert '<dc:source id="print-source">' in opf and 'property="source-of">pagination<' in opf
    assert "tableHeaders" not in opf and ">ARIA<" in opf and "dcterms:conformsTo" in opf


def test_epub_passes_epubcheck_and_daisy_ace(census_epub: Path) -> None:
    check = epubcheck(census_epub)
    assert check.passed, check.problems
    ace = ace_check(census_epub, make_context())
    assert ace.passed, ace.problems
    assert ace.facts["violations"] == 0 and ace.facts["version"]


def test_ace_is_not_a_rubber_stamp(tmp_path: Path) -> None:
    """A package with a page list but no page source and an invalid accessibility feature fails."""
    body = '<section><h1>One</h1><span role="doc-pagebreak" epub:type="pagebreak" id="p1" aria-label="1"/></section>'
    doc = ContentDoc("one.xhtml", xhtml_page(title="One", language="en", body=body))
    nav = nav_document("Old", "en", [NavEntry("One", "one.xhtml")], [NavEntry("1", "one.xhtml#p1")])
    meta = EpubMetadata(title="Old", language="en", identifier="urn:uuid:1",
                        accessibility={"schema:accessibilityFeature": ["tableHeaders"],
                                       "schema:accessMode": ["textual"]})
    path = package_epub(tmp_path / "old.epub", metadata=meta, content_docs=[doc], nav_xhtml=nav, css="p{}")
    with zipfile.ZipFile(path) as zf:                      # what our writer did before: no page source
        opf = zf.read("OEBPS/content.opf").decode()
    stripped = tmp_path / "stripped.epub"
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(stripped, "w") as out:
        for info in zf.infolist():
            data = zf.read(info.filename)
            if info.filename == "OEBPS/content.opf":
                data = opf.replace('<dc:source id="print-source">Old</dc:source>\n', "").replace(
                    '<meta refines="#print-source" property="source-of">pagination</meta>\n', "").encode()
            out.writestr(info, data, compress_type=info.compress_type)
    ace = ace_check(stripped, make_context())
    assert not ace.passed
    assert {"epub-pagesource", "metadata-accessibilityfeature-invalid"} <= set(ace.facts["rules"])


def test_a_failed_gate_withdraws_the_conformance_claim(census_epub: Path, tmp_path: Path) -> None:
    copy = tmp_path / "census.epub"
    copy.write_bytes(census_epub.read_bytes())
    assert withdraw_conformance_claim(copy)
    with zipfile.ZipFile(copy) as zf:
        assert "dcterms:conformsTo" not in zf.read("OEBPS/content.opf").decode()
        assert zf.namelist()[0] == "mimetype"
    assert epubcheck(copy).passed and not withdraw_conformance_claim(copy)


def test_the_epub_gate_runs_ace(census_epub: Path, tmp_path: Path) -> None:
    from access.models import ArtifactOut

    art = ArtifactOut(name="census.epub", media_type="application/epub+zip", path=str(census_epub))
    gate = check_epub([art], ConvertOptions(), make_context())
    assert [c.name for c in gate.checks] == ["epubcheck", "DAISY Ace", "auditor (content documents)"]
    assert gate.passed, gate.problems


def test_markdown_with_in_document_links_makes_a_valid_epub(tmp_path: Path) -> None:
    """epubcheck failed on a Markdown-derived EPUB: links to a heading's anchor (#install) pointed at a
    fragment no content document had; they now go to the heading, in the content document holding it."""
    source = tmp_path / "guide.md"
    source.write_text("# Setup guide\n\nContents: [Install](#install), [Use it](#use-it), [Gone](#nowhere).\n\n"
                      "## Install\n\nRun `pip install x`.\n\n# Use it\n\nBack to [install](#install).\n",
                      encoding="utf-8")
    result = convert(source_file(source), ConvertOptions(targets=["epub", "html"]), tmp_path / "out",
                     make_context())
    assert result.gate["epub"]["passed"], result.gate["epub"]["problems"]
    epub = next(a for a in result.artifacts if a.name.endswith(".epub"))
    with zipfile.ZipFile(epub.path) as zf:
        first = zf.read("OEBPS/chapter-001.xhtml").decode()
    assert 'href="chapter-001.xhtml#h-install"' in first and 'href="chapter-002.xhtml#h-use-it"' in first
    assert "#nowhere" not in first and "Gone" in first                   # dropped link, kept text
    page = Path(next(a for a in result.artifacts if a.name.endswith(".html")).path).read_text(encoding="utf-8")
    assert 'href="#h-install"' in page and 'href="#h-use-it"' in page
