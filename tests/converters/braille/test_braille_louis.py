"""liblouis through ctypes: real translation, back-translation and table choice."""

from __future__ import annotations

import pytest

from access.errors import ValidationFailed
from converters.writers.braille.louis import choose_table, chunks, get_louis


def test_translates_ueb_grade2_to_brf() -> None:
    louis = get_louis()
    table = choose_table("en", 2)
    assert table == "en-us-brf.dis,en-ueb-g2.ctb"
    assert louis.translate(table, "Hello world") == ",HELLO _W"


def test_grade1_is_uncontracted() -> None:
    louis = get_louis()
    g1 = louis.translate(choose_table("en-GB", 1), "the world and the people")
    g2 = louis.translate(choose_table("en-GB", 2), "the world and the people")
    assert len(g1) > len(g2)
    assert "THE" in g1.upper() and "THE" not in g2.upper()


def test_back_translation_recovers_text() -> None:
    louis = get_louis()
    table = choose_table("en", 2)
    text = "The COVID-19 pandemic closed 17 schools in 2020."
    assert louis.back_translate(table, louis.translate(table, text)) == text


def test_named_table_override_and_other_languages() -> None:
    assert choose_table("en", 2, "de-g1.ctb") == "en-us-brf.dis,de-g1.ctb"
    assert choose_table("de", 2).startswith("en-us-brf.dis,de")
    assert choose_table("fr", 1).startswith("en-us-brf.dis,fr")


@pytest.mark.parametrize("name", ["no-such-table.ctb", "../../etc/passwd", "/usr/share/liblouis/tables/en-ueb-g2.ctb"])
def test_unknown_or_unsafe_table_is_refused(name: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        choose_table("en", 2, name)
    assert err.value.code == "invalid_request"


def test_long_text_is_chunked_at_spaces() -> None:
    text = " ".join(["word"] * 3000)
    pieces = chunks(text, 1000)
    assert all(len(p) <= 1000 for p in pieces)
    assert " ".join(pieces) == text
