"""Small documents through the transform and writers; the optional LLM rewriter's safety net."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from access.conversion import OutputFolder
from access.document import Document, Heading, ListBlock, ListItem, Metadata, Paragraph, Span
from access.models import ConvertOptions
from access.services import make_context
from converters.gates.easy_read import check_easy_read
from converters.transforms.easy_read import easy_read
from converters.transforms.easyread.llm import LLMRewriter
from converters.transforms.easyread.simplify import RuleRewriter
from converters.transforms.easyread.transform import body_lines, easy_read_document
from converters.writers.easy_read import write_easy_read


def para(text: str) -> Paragraph:
    return Paragraph(inlines=[Span(text=text)])


def sample() -> Document:
    return Document(metadata=Metadata(title="Sample", language="en", source_name="sample.txt"), blocks=[
        Heading(level=1, inlines=[Span(text="Our plan")]),
        para("The Institute facilitates the dissemination of innovative pedagogy in 12 countries; it also "
             "collaborates with universities, which provide approximately 40 courses."),
        para('<script>alert("x")</script> Learners with disabilities need accessible materials.'),
        ListBlock(items=[ListItem(blocks=[para("Teachers in 2023")]), ListItem(blocks=[para("Parents")])]),
    ])


def test_transform_structure_and_figures() -> None:
    easy = easy_read_document(sample())
    labels = [getattr(b, "label", None) for b in easy.blocks]
    assert labels.index("glossary") < labels.index("text")
    assert labels.index("summary") < labels.index("text")
    lines = body_lines(easy.blocks)
    # "innovative" is not "new" and "pedagogy" not "teaching": meaning-changing swaps are not made
    assert "The Institute helps the sharing of innovative pedagogy in 12 countries." in lines
    figures = easy.metadata.extra["easy_read"]
    assert figures["content_kept"]["numbers_percent"] == 100.0
    assert figures["after"]["fk_grade"] < figures["before"]["fk_grade"]
    json.dumps(figures)                                             # serialisable as the job result


def written(doc: Document, folder: Path, options: ConvertOptions, ctx: Any) -> list[Any]:
    """The easy-read step, then the writer, as the conversion plan runs them."""
    return write_easy_read(easy_read(doc, options, ctx), OutputFolder.for_document(folder, doc), options, ctx)


def test_writer_escapes_input_and_passes_gate(tmp_path: Path) -> None:
    options = ConvertOptions(targets=["easy-read"])
    ctx = make_context()
    arts = written(sample(), tmp_path, options, ctx)
    assert sorted(a.name for a in arts) == ["sample-easy-read.docx", "sample-easy-read.html",
                                            "sample-easy-read.json"]
    page = (tmp_path / "sample-easy-read.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "&lt;script&gt;" in page.lower()
    gate = check_easy_read(arts, options, ctx)
    assert gate.passed, gate.problems


def fake_llm(answer: str) -> httpx.Client:
    """A stand-in HTTP endpoint (the real one is never called in tests)."""
    def handler(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content)["model"] == "m"
        return httpx.Response(200, json={"choices": [{"message": {"content": answer}}]})
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_llm_output_is_checked_like_the_rules() -> None:
    text = "UNESCO supported 12 countries in 2021 with many useful and practical courses."
    good = LLMRewriter("http://llm/v1", "m", client=fake_llm("UNESCO helped 12 countries in 2021.\n"
                                                             "It gave them good courses."))
    assert [ln.text for ln in good.rewrite_lines(text)] == ["UNESCO helped 12 countries in 2021.",
                                                            "It gave them good courses."]
    lossy = LLMRewriter("http://llm/v1", "m", client=fake_llm("UNESCO helped many countries."))
    assert [ln.text for ln in lossy.rewrite_lines(text)] == [ln.text for ln in RuleRewriter().rewrite_lines(text)]
    assert lossy.fallbacks == 1


def test_other_languages_need_the_llm_rewriter(tmp_path: Path) -> None:
    import pytest

    from access.errors import UnsupportedFormat

    doc = Document(metadata=Metadata(title="Plan", language="fr"), blocks=[para("Le plan est long ; il dure 3 ans.")])
    with pytest.raises(UnsupportedFormat) as err:
        easy_read(doc, ConvertOptions(targets=["easy-read"]), make_context())
    assert err.value.code == "unsupported_format"
    neutral = RuleRewriter("fr").rewrite("Le plan est long ; il dure 3 ans.")
    assert neutral == ["Le plan est long.", "Il dure 3 ans."]          # no English rules applied


def test_mixed_blocks_are_kept_and_valid(tmp_path: Path) -> None:
    from access.document import Cell, Code, Figure, Notes, Row, Section, Table

    doc = Document(metadata=Metadata(title="Slides", language="en", source_name="deck.pptx"), blocks=[
        Section(kind="slide", label="Slide 1", blocks=[
            Heading(level=1, inlines=[Span(text="Welcome")]),
            para("This course, which starts in 2024, teaches 30 learners how to facilitate workshops."),
            Figure(alt="A map of Africa", caption="Figure 1: our partners"),
            Notes(blocks=[para("Say hello to the 30 learners.")]),
        ]),
        Section(kind="slide", label="Slide 2", blocks=[
            Table(header_rows=1, rows=[Row(cells=[Cell(blocks=[para("Year")], header=True)]),
                                       Row(cells=[Cell(blocks=[para("2024")])])]),
            Code(text="print('hi')"),
        ]),
    ])
    options = ConvertOptions(targets=["easy-read"])
    ctx = make_context()
    arts = written(doc, tmp_path, options, ctx)
    page = (tmp_path / "deck-easy-read.html").read_text(encoding="utf-8")
    assert "<table>" in page and "our partners" in page and "print(&#x27;hi&#x27;)" in page
    assert "Say hello to the 30 learners." in page
    gate = check_easy_read(arts, options, ctx)
    assert gate.passed, gate.problems
