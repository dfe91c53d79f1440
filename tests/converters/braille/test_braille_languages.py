"""Braille for every language liblouis has a table for, on real-language text: no "outside Braille
ASCII" failure, characters a table cannot write transliterated and reported, superscripts and note
marks written with the table's indicators, and the gate's round trip measured against the table's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.conversion import OutputFolder
from access.document import Document, Heading, Metadata, NoteRef, Paragraph, Span
from access.models import ConvertOptions
from access.services import make_context
from converters.gates.brf import check_brf_files
from converters.writers.braille.brf import BRF_SET, BrfBuilder
from converters.writers.braille.louis import choose_table, get_louis
from converters.writers.brf import write_brf

TEXTS = {
    "de": "Die Zelle ist die kleinste Einheit des Lebens. Größere Organismen bestehen aus vielen Zellen. Ärztinnen "
          "untersuchen Gewebe unter dem Mikroskop – „Vergrößerung“ 400-fach, Winkel α ≥ 30°.",
    "ru": "Клетка — основная единица жизни. Ёлка растёт в лесу. Эта работа выполнена в 2019 году.",
    "fi": "Solu on elämän perusyksikkö. Äiti ja Öljy ovat sanoja. Hyvää päivää!",
    "fr": "La cellule est l’unité de base du vivant. Œuvre « oui ». L’élève a dû être là.",
    "zh": "细胞是生命的基本单位。",
    "am": "ሰላም ለዓለም። ትምህርት ቤት።",
    "en": "Café – “naïve” 5 ½ ≥ α → ⇒ ∑ 𝑥, and the Amharic ሰላም and the Russian Привет.",
}


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_every_language_gives_braille_ascii_and_passes_its_gate(language: str, tmp_path: Path) -> None:
    doc = Document(metadata=Metadata(title="Text", language=language),
                   blocks=[Heading(level=1, inlines=[Span(text="Text")]),
                           Paragraph(inlines=[Span(text=TEXTS[language])])])
    options = ConvertOptions(targets=["brf"])
    arts = write_brf(doc, OutputFolder(tmp_path, language), options, make_context())
    brf = Path(arts[0].path).read_bytes().decode("ascii")
    assert set(brf) <= BRF_SET | {"\r", "\n", "\f"}
    meta = arts[0].metadata
    assert "No liblouis table" not in " ".join(meta["warnings"])         # a table of its own language
    assert meta["cells_left_out"] == 0
    gate = check_brf_files(arts, options, make_context())
    assert gate.passed, gate.problems


def test_six_dot_tables_come_first_and_aliases_are_known() -> None:
    assert choose_table("fi", 2).endswith("fi.utb")           # not the 8-dot fi-fi-8dot.ctb
    assert choose_table("ru", 2).endswith("ru-litbrl.ctb")    # defines the capital letters too
    assert choose_table("zh", 2).endswith("zhcn-g2.ctb") and choose_table("am", 1).endswith("gez.tbl")


def test_characters_without_cells_are_transliterated_and_reported(tmp_path: Path) -> None:
    doc = Document(metadata=Metadata(title="Names", language="en"),
                   blocks=[Paragraph(inlines=[Span(text=TEXTS["en"])])])
    arts = write_brf(doc, OutputFolder(tmp_path, "names"), ConvertOptions(targets=["brf"]), make_context())
    meta = arts[0].metadata
    assert meta["replaced_characters"] >= 8 and "П" in meta["replaced"] and "ሰ" in meta["replaced"]
    assert any("transliterated" in w for w in meta["warnings"])
    builder = BrfBuilder(get_louis(), choose_table("en", 1))
    assert builder.charset.prepare("Привет ሰላም") == "Privet selam"


def test_superscripts_and_note_marks_keep_apart_from_numbers() -> None:
    builder = BrfBuilder(get_louis(), choose_table("en", 2))
    text = builder.inline_text([Span(text="It was 83,190,556"), NoteRef(id="n2", label="2"), Span(text=" and x"),
                                Span(text="n", position="super"), Span(text=" and H"),
                                Span(text="2", position="sub"), Span(text="O")])
    assert text == "It was 83,190,556² and x^n and H_2O"
    assert ";9" in builder.braille(text)                       # UEB's superscript indicator (dots 56, 35)
