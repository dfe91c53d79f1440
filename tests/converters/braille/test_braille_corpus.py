"""The corpus text through the real text reader and real liblouis: formatted BRF that embosses."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.models import ConvertOptions
from access.services import convert, make_context
from converters.gates.brf import check_brf
from converters.writers.braille.brf import BRF_SET, brf_pages, word_counts, words_of


@pytest.fixture(scope="module")
def converted(corpus_source, tmp_path_factory):
    out = tmp_path_factory.mktemp("brf")
    result = convert(corpus_source, ConvertOptions(targets=["brf"]), out, make_context())
    return result, out


def test_corpus_brf_is_formatted_and_round_trips(converted) -> None:
    result, _ = converted
    gate = result.gate["brf"]
    assert gate["passed"], gate["problems"]
    brf_art = next(a for a in result.artifacts if a.name.endswith(".brf"))
    brf = Path(brf_art.path).read_bytes().decode("ascii")
    pages = brf_pages(brf)
    assert len(pages) > 20
    assert all(len(line) <= 40 for page in pages for line in page)
    assert all(len(page) <= 25 for page in pages)
    assert set(brf) <= BRF_SET | {"\r", "\n", "\f"}
    back = next(c for c in gate["checks"] if c["name"] == "back_translation")
    assert back["facts"]["words_recovered_percent"] >= 98.0


def test_page_numbers_run_in_order(converted) -> None:
    result, _ = converted
    brf_art = next(a for a in result.artifacts if a.name.endswith(".brf"))
    pages = brf_pages(Path(brf_art.path).read_bytes().decode("ascii"))
    letters = "JABCDEFGHI"     # braille digits 0-9 are letters a-j after the number sign
    for n, page in enumerate(pages[:12], start=1):
        assert page[0].strip() == "#" + "".join(letters[int(d)] for d in str(n))


def test_back_translation_finds_source_words(corpus_doc) -> None:
    from converters.writers.braille.brf import BrfBuilder, body_text, pages_to_brf
    from converters.writers.braille.louis import choose_table, get_louis

    table = choose_table("en", 2)
    builder = BrfBuilder(get_louis(), table)
    pages = builder.document(corpus_doc)
    back = words_of(get_louis().back_translate(table, body_text(pages)))
    source = set(words_of(corpus_doc.plain_text()))
    assert {"unesco", "pandemic", "education", "2030"} <= set(back)
    assert len(source & set(back)) / len(source) > 0.95
    checks = check_brf(pages_to_brf(pages), 40, 25, table, word_counts("\n".join(builder.print_text)))
    assert [c.name for c in checks if c.passed] == ["line_length", "page_length", "brf_characters", "back_translation"]


def test_other_page_sizes_and_grade1(corpus_source, tmp_path: Path) -> None:
    options = ConvertOptions(targets=["brf"], braille_cells=32, braille_lines=20, braille_grade=1)
    result = convert(corpus_source, options, tmp_path, make_context())
    assert result.gate["brf"]["passed"], result.gate["brf"]["problems"]
    brf_art = next(a for a in result.artifacts if a.name.endswith(".brf"))
    assert brf_art.metadata["table"] == "en-us-brf.dis,en-ueb-g1.ctb"
    pages = brf_pages(Path(brf_art.path).read_bytes().decode("ascii"))
    assert max(len(line) for page in pages for line in page) <= 32
    assert max(len(page) for page in pages) <= 20
