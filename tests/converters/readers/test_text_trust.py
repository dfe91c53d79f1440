"""Text you can trust: the pure functions every reader applies (no engine, no document)."""

from __future__ import annotations

from access.document import NoteRef, Span
from converters.readers.language import contradicts, identify, main_script_text, same_language
from converters.readers.marks import mark, note_mark, plain, to_inlines
from converters.readers.pdf_layout import Line, PageItems, build_blocks, furniture
from converters.readers.reflow import join_lines, line_end_hyphen
from converters.readers.textnorm import looks_mis_mapped, map_symbols, normalise_text, unreadable_count


def test_ligatures_and_presentation_forms_only() -> None:
    assert normalise_text("Deﬁnition der Grenzﬂäche") == "Definition der Grenzfläche"
    assert normalise_text("ﺍﻟﻌﺮﺑﻴﺔ") == "العربية"
    # NFKC of the whole text would change these: they stay as written
    assert normalise_text("x² ½ 10 µm ℓ") == "x² ½ 10 µm ℓ"


def test_soft_hyphens_and_controls_removed_but_a_line_end_break_is_kept_for_joining() -> None:
    assert normalise_text("Ein\u00adfach\x1a \u202bنص\u202c") == "Einfach نص"
    assert join_lines(normalise_text("in\u00ad"), "cluding") == "including"


def test_symbol_fonts_mapped() -> None:
    assert map_symbols("\uf0de", "ABCDEF+Symbol") == "⇒"
    assert map_symbols("a\uf0de b") == "a⇒ b"                  # Word's private-use Symbol glyph, no font name
    assert map_symbols("3", "ZapfDingbats") == "✓"
    assert map_symbols("\uf0fc", "Wingdings-Regular") == "✓"
    assert unreadable_count("ab\ufffd\ue123\x07") == 3


def test_mis_mapped_cyrillic_is_recognised() -> None:
    assert looks_mis_mapped("Çíàêè êàâû÷åê Òèðå è äåôèñû Òèëüäà Çíàê ãðàäóñà Ñèìâîë Åâðî")
    assert not looks_mis_mapped("Größere Änderungen für Übersetzer und Bücher sind möglich, schön.")


def test_line_end_hyphenation_by_dictionary() -> None:
    assert join_lines("we com-", "pile it") == "we compile it"
    assert join_lines("a human-", "centred view") == "a human-centred view"
    assert join_lines("die Infor-", "mation", "de") == "die Information"
    assert join_lines("инфор-", "мация", "ru") == "информация"
    assert not line_end_hyphen("self", "esteem", "en")


def test_raised_marks_never_glued() -> None:
    inlines = to_inlines("83,190,556" + mark("2", "super") + " people")
    assert [(i.text, i.position) for i in inlines if isinstance(i, Span)] == [
        ("83,190,556", None), ("2", "super"), (" people", None)]
    formula = to_inlines("a" + mark("n", "super") + " + b" + mark("n", "super"))
    assert [i.position for i in formula if isinstance(i, Span)] == [None, "super", None, "super"]
    ref = to_inlines("tables." + note_mark("fn1-1", "1") + " Next")
    assert isinstance(ref[1], NoteRef) and ref[1].label == "1"
    assert plain("x" + mark("2", "sub") + note_mark("a", "1")) == "x2"


def _page(n: int, lines: list[Line]) -> PageItems:
    return PageItems(number=n, label=str(n), width=600, height=800, lines=lines)


def test_running_headers_by_repetition_and_page_numbers_everywhere() -> None:
    pages = [_page(n, [Line(f"3 CITATIONS {n}", 60, 20, 300, 30, 9), Line("Body text of the page.", 60, 100, 540,
                                                                           112, 10, block=1),
                       Line(str(n), 290, 760, 310, 772, 9, block=2)]) for n in range(1, 6)]
    layout = build_blocks(pages)
    text = " ".join(b.text for b in layout.blocks if hasattr(b, "text"))
    assert "CITATIONS" not in text and text.count("Body text") == 5
    assert layout.furniture == 10
    assert furniture(pages, 10.0) == {(p, i) for p in range(5) for i in (0, 2)}


def test_footnote_mark_linked_to_its_note() -> None:
    body = Line("Population 83,190,556" + mark("2", "super") + " in 2020.", 60, 100, 540, 112, 10, block=1)
    note = Line(mark("2", "super") + " Census of 2020.", 60, 700, 400, 710, 8, block=2)
    layout = build_blocks([_page(1, [body, note])])
    para = layout.blocks[1]
    assert isinstance(para.inlines[1], NoteRef) and para.inlines[1].label == "2"
    assert "83,190,556" in para.text and "5562" not in para.text
    assert layout.footnotes["fn1-2"][0].text == "Census of 2020."


def test_language_of_the_text() -> None:
    found = identify("The quick brown fox jumps over the lazy dog while the children watch from the garden.")
    assert found is not None and found.language == "en"
    assert contradicts("fi", found, 400) and not contradicts("en-GB", found, 400)
    assert not contradicts("fi", found, 20)                   # too little text to overrule the author
    assert same_language("nb", "no") and not same_language("de", "en")
    mixed = "\\newcommand{\\lycee}{\\sffamily نكتب هنا اسم الثانوية } \\newcommand{\\annee} كتابة موضوع الامتحان"
    assert "newcommand" not in main_script_text(mixed)
