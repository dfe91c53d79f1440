"""Short forms for long names, repeated definitions, doubled plain words and names left alone."""

from __future__ import annotations

from access.document import Document, Metadata, Paragraph, Span
from converters.transforms.easyread.content import content_kept
from converters.transforms.easyread.shortforms import ShortForms, repeated_definitions
from converters.transforms.easyread.simplify import RuleRewriter
from converters.transforms.easyread.transform import body_lines, easy_read_document

FORMS = {"Strategic Objective": "Key Aim", "the Russian Federation": "Russia"}


def test_name_spelt_out_first_then_short_form_defined_once() -> None:
    sf = ShortForms(dict(FORMS))
    first, defs1 = sf.apply("UNESCO Strategic Objective 1 is about learning.")
    second, defs2 = sf.apply("UNESCO Strategic Objective 1 has 3 parts.")
    third, defs3 = sf.apply("UNESCO Strategic Objective 2 is new.")
    assert first == "UNESCO Strategic Objective 1 is about learning." and defs1 == []
    assert second == "UNESCO Key Aim 1 has 3 parts."
    assert defs2 == ["In this text, Key Aim means Strategic Objective."]
    assert third == "UNESCO Key Aim 2 is new." and defs3 == []          # defined once only


def test_a_different_name_is_spelt_out_before_it_is_shortened() -> None:
    sf = ShortForms(dict(FORMS))
    sf.apply("UNESCO Strategic Objective 1 is about learning.")
    line, _ = sf.apply("IITE Strategic Objective 1 is about tech.")
    assert line == "IITE Strategic Objective 1 is about tech."           # "IITE Strategic Objective": first use
    line, _ = sf.apply("The Government of the Russian Federation pays.")
    assert "Russian Federation" in line
    line, defs = sf.apply("It thanks the Russian Federation.")
    assert line == "It thanks Russia." and defs == ["In this text, Russia means the Russian Federation."]


def test_short_forms_keep_every_name_for_the_content_measure() -> None:
    source = ["UNESCO Strategic Objective 1 is about learning.", "IITE Strategic Objective 2 is about tech.",
              "The UNESCO Strategic Objective 1 has 3 parts.", "IITE Strategic Objective 2 needs 4 staff."]
    sf = ShortForms(dict(FORMS))
    out: list[str] = []
    for sentence in source:
        line, definitions = sf.apply(sentence)
        out += [line, *definitions]
    assert sf.replaced == 2
    kept = content_kept(source, out)
    assert kept.entities_percent == 100.0 and kept.numbers_percent == 100.0


def test_repeated_definition_in_brackets_is_dropped_silently() -> None:
    repeated = repeated_definitions({"OER": "Open Education Resources", "SDG4": "Goal 4"})
    assert repeated == {"Open Education Resources (OER)": "OER"}            # never one with a number
    sf = ShortForms(repeated, silent=frozenset(repeated))
    assert sf.apply("UNESCO adopted Open Education Resources (OER) in 2019.")[0].endswith("(OER) in 2019.")
    assert sf.apply("It promotes Open Education Resources (OER) widely.") == ("It promotes OER widely.", [])


def test_doubles_from_the_lexicon_are_said_once_but_idioms_stay() -> None:
    rw = RuleRewriter()
    assert rw.rewrite("We need openness and transparency in the team.") == ["We need openness in the team."]
    assert rw.stats.doubles_dropped == 1
    assert "more and more" in rw.rewrite("Schools increasingly use computers.")[0]


def test_phrases_inside_names_are_not_replaced() -> None:
    out = RuleRewriter().rewrite("The Unit of Teacher Professional Development and Networking trains staff. "
                                 "It supports teacher professional development in Africa.")
    assert out[0].startswith("The Unit of Teacher Professional Development and Networking")
    assert "teacher training" in out[1]


def test_transform_defines_short_forms_in_text_and_glossary() -> None:
    paragraphs = ["UNESCO Strategic Objective 3 covers peace and 4 other themes.",
                  "Output 7 is under UNESCO Strategic Objective 3.",
                  "Funding comes from the Russian Federation since 2001.",
                  "The Russian Federation pays for the building."]
    doc = Document(metadata=Metadata(title="Plan", language="en"),
                   blocks=[Paragraph(inlines=[Span(text=p)]) for p in paragraphs])
    easy = easy_read_document(doc)
    lines = body_lines(easy.blocks)
    assert "Output 7 is under UNESCO Key Aim 3." in lines
    assert lines[lines.index("Output 7 is under UNESCO Key Aim 3.") + 1] == \
        "In this text, Key Aim means Strategic Objective."
    assert "Russia pays for the building." in lines
    figures = easy.metadata.extra["easy_read"]
    short = {g["term"]: g["explanation"] for g in figures["glossary"] if g["kind"] == "short form"}
    assert short == {"Key Aim": "Strategic Objective.", "Russia": "The Russian Federation."}
    kept = figures["content_kept"]
    assert kept["entities_percent"] == 100.0 and kept["numbers_percent"] == 100.0
    assert figures["after_whole_page"]["words"] > figures["after"]["words"]
