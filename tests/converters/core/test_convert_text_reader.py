"""The text and Markdown readers, on the real UNESCO corpus text and on small inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.document import Document, Heading, ListBlock, Paragraph
from access.errors import EmptyFile
from access.models import ConvertOptions, SourceFile
from access.services import make_context
from converters.readers.markdown import parse_markdown
from converters.readers.text import parse_text, read_text

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "unesco-iite-strategy-2022-2025.txt"


@pytest.fixture(scope="module")
def unesco() -> Document:
    return read_text(SourceFile(path=str(CORPUS), format="text"), ConvertOptions(), make_context())


def test_unesco_headings_are_recovered(unesco: Document) -> None:
    texts = [h.text for h in unesco.headings()]
    for expected in ("Introduction", "UNESCO and UNESCO family", "The context and the challenges",
                     "Vision", "Mission statement", "Risk handling, monitoring and evaluation",
                     "Action Area 2: Innovative use of ICT in health and wellbeing education"):
        assert expected in texts
    assert all(len(t.split()) <= 22 for t in texts)
    assert 35 <= len(texts) <= 60


def test_unesco_footers_and_urls_leave_the_flow(unesco: Document) -> None:
    text = unesco.plain_text()
    assert "Page 4 of 22" not in text
    assert "https://" not in text
    assert any(fn[0].inlines[0].href == "https://sdgs.un.org/goals" for fn in unesco.footnotes.values())


def test_unesco_broken_lines_are_joined(unesco: Document) -> None:
    paras = [b.text for b in unesco.walk() if isinstance(b, Paragraph)]
    first = next(p for p in paras if p.startswith("This strategic document"))
    assert first.endswith("lifelong learning opportunities for all’.")
    # a paragraph cut by a page break and a footnote address is one paragraph again
    assert any("Together we are move!’ Initiative, as part of UNESCO global emergency response." in p
               for p in paras)
    assert any("human-centred" in p for p in paras)          # compound kept at a line-end hyphen


def test_unesco_bullets_become_lists(unesco: Document) -> None:
    lists = [b for b in unesco.blocks if isinstance(b, ListBlock)]
    assert len(lists) >= 20
    items = [it.blocks[0].text for lst in lists for it in lst.items]
    assert "the degradation of biodiversity;" in items
    assert not any(i.startswith(("•", "o ")) for i in items)
    functions = next(lst for lst in lists if lst.ordered)
    assert len(functions.items) == 5 and functions.items[1].blocks[0].text.startswith("provide at the request")


def test_unesco_language_detected_and_title(unesco: Document) -> None:
    assert unesco.metadata.language == "en" and unesco.metadata.language_detected
    assert unesco.metadata.title == "Unesco iite strategy 2022-2025"


def test_round_trip_json(unesco: Document) -> None:
    again = Document.model_validate_json(unesco.model_dump_json())
    assert again == unesco


def test_form_feeds_become_page_breaks() -> None:
    doc = parse_text("Title of the lesson\nThe first page ends here.\n\f\nThe second page starts.\n")
    assert [b.type for b in doc.blocks].count("pagebreak") == 1
    assert isinstance(doc.blocks[0], Heading)


def test_empty_text_is_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("   \n\n")
    with pytest.raises(EmptyFile):
        read_text(SourceFile(path=str(path), format="text"), ConvertOptions(), make_context())


def test_markdown_keeps_structure_and_shows_html_as_text() -> None:
    doc = parse_markdown("# Title\n\nSome *text* <script>alert(1)</script>\n\n- a\n- b\n\n"
                         "| A | B |\n|---|---|\n| 1 | 2 |\n")
    assert [b.type for b in doc.blocks] == ["heading", "paragraph", "list", "table"]
    assert "<script>alert(1)</script>" in doc.blocks[1].text          # text, not markup
    table = doc.blocks[3]
    assert table.header_rows == 1 and table.rows[0].cells[0].header


def test_hash_headings_in_plain_text_keep_their_level() -> None:
    doc = parse_text("# Main title\n\nSome text here.\n\n## Part two\n\nMore text.\n- a\n- b\n")
    assert [(h.level, h.text) for h in doc.headings()] == [(1, "Main title"), (2, "Part two")]
    assert isinstance(doc.blocks[-1], ListBlock) and len(doc.blocks[-1].items) == 2


def test_short_typed_text_labels_and_numbered_lists() -> None:
    doc = parse_text("Examples\n- 1/2\n- 3/4\n\nWHAT YOU NEED\n1. A ruler\n2. A pencil\n\nThen we start.\n")
    kinds = [(b.type, getattr(b, "text", "")) for b in doc.blocks]
    assert kinds == [("heading", "Examples"), ("list", ""), ("heading", "WHAT YOU NEED"), ("list", ""),
                     ("paragraph", "Then we start.")]
    numbered = doc.blocks[3]
    assert numbered.ordered and [it.blocks[0].text for it in numbered.items] == ["A ruler", "A pencil"]
