"""The text half of the talking books (pure): ids for every utterance, escaped input, heading levels."""

from __future__ import annotations

from lxml import etree

from access.document import Document, Heading, Metadata, Paragraph, Span
from converters.speech.script import build_script
from converters.writers.talking_text import chapters_html, display_levels


def render(doc: Document, words=None) -> etree._Element:
    script = build_script(doc)
    body = chapters_html(script.chapters, script.language, xhtml5=True, image_src=lambda item: None,
                         levels=display_levels(script.chapters), words=words)
    return etree.fromstring(f'<body xmlns:epub="http://www.idpf.org/2007/ops">{body}</body>')


def test_markup_from_the_input_is_text_never_markup() -> None:
    doc = Document(metadata=Metadata(language="en"), blocks=[
        Heading(level=1, inlines=[Span(text="<script>alert(1)</script>")]),
        Paragraph(inlines=[Span(text='Click <a href="javascript:x()">here</a> & <img src=x onerror=y>.')])])
    root = render(doc)
    assert not [el for el in root.iter() if el.tag in ("script", "a", "img")]
    assert "<script>alert(1)</script>" in "".join(root.itertext())


def test_every_spoken_sentence_has_its_element_and_levels_do_not_skip() -> None:
    doc = Document(metadata=Metadata(language="en"), blocks=[
        Heading(level=2, inlines=[Span(text="Start")]), Heading(level=4, inlines=[Span(text="Deep")]),
        Paragraph(inlines=[Span(text="One. Two. "), Span(text="Drei.", lang="de")])])
    root = render(doc)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    script = build_script(doc)
    assert {s.target for s in script.segments() if s.spoken} <= ids
    assert [el.tag for el in root.iter() if el.tag.startswith("h")] == ["h1", "h2"]
    german = next(el for el in root.iter() if el.text == "Drei.")
    assert german.get("lang") == "de"


def test_word_spans_wrap_exactly_the_words() -> None:
    doc = Document(metadata=Metadata(language="en"), blocks=[Paragraph(inlines=[Span(text="Read this aloud.")])])
    root = render(doc, words=lambda seg: [(0, 4), (5, 4), (10, 6)])
    sentence = root.find(".//p/span")
    assert [w.text for w in sentence] == ["Read", "this", "aloud."]
    assert "".join(sentence.itertext()) == "Read this aloud."
