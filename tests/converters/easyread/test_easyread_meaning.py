"""Easy-read keeps meaning: numbers, dates, times, addresses, code and commands are never changed
(2026-03-24 once became "2026 to 2003-24"), a substitution that changes meaning (benefit → gain) is not
made, on made sentences and on the real corpus; and no document shape crashes it (slide decks did)."""

from __future__ import annotations

import json
import random
import re

from access.document import (
    Code,
    Document,
    Figure,
    Heading,
    ListBlock,
    ListItem,
    Metadata,
    Notes,
    Paragraph,
    Section,
    Span,
)
from converters.transforms.easyread.content import dates
from converters.transforms.easyread.html import render_html
from converters.transforms.easyread.lexicon import load_lexicon
from converters.transforms.easyread.protect import protect
from converters.transforms.easyread.simplify import RuleRewriter
from converters.transforms.easyread.transform import body_lines, easy_read_document

# swaps an earlier lexicon made that change what a sentence says in some ordinary context
MEANING_CHANGING = {
    "benefit": "gain", "benefits": "gains", "education": "learning", "educational": "learning", "address": "deal with",
    "application": "use", "development": "growth", "digital": "tech", "global": "world", "significant": "big",
    "relevant": "useful", "effective": "good", "efficient": "good", "sustainable": "lasting", "document": "paper",
    "major": "big", "instruction": "teaching", "commit": "promise", "monitor": "check", "increase": "raise",
    "provide": "give", "consider": "think about", "framework": "plan", "solution": "answer", "capacity": "skill",
    "integrity": "wholeness", "accessible": "easy to use", "accessibility": "access", "awareness": "knowledge",
    "foundation": "base", "activity": "task", "decision": "choice", "various": "many", "particularly": "mainly",
    "international": "global", "promote": "boost", "enable": "help", "determine": "decide",
}


def easy(*paragraphs: str | Paragraph) -> list[str]:
    blocks = [p if isinstance(p, Paragraph) else Paragraph(inlines=[Span(text=p)]) for p in paragraphs]
    doc = Document(metadata=Metadata(title="T", language="en"), blocks=[Heading(level=1, inlines=[Span(text="T")]),
                                                                         *blocks])
    return body_lines(easy_read_document(doc).blocks)


def test_dates_times_numbers_and_commands_are_never_changed() -> None:
    lines = " ".join(easy(
        "The meeting is on 2026-03-24 at 10:30 and the plan covers 2022-2025, version 1.2.3.",
        Paragraph(inlines=[Span(text="Run "), Span(text="pip install -e .", code=True),
                           Span(text=" then edit config.yml, call print() with --verbose or see https://example.org/a.")]),
    ))
    for kept in ("2026-03-24", "10:30", "2022 to 2025", "1.2.3", "pip install -e .", "config.yml", "print()",
                 "--verbose", "https://example.org/a"):
        assert kept in lines, kept
    assert "2003" not in lines
    assert dates("on 2026-03-24 and 3 May 2021") == {"2026-03-24": 1, "2021-05-03": 1}


def test_protection_round_trips_whatever_the_rewriter_does_to_case() -> None:
    guarded = protect("Send it to ann@example.org by 2026-03-24.", ["it"])
    assert "2026" not in guarded.text and "@" not in guarded.text
    assert guarded.restore(guarded.text.capitalize()) == "Send it to ann@example.org by 2026-03-24."


def test_meaning_changing_swaps_are_not_made() -> None:
    lexicon = load_lexicon("en")
    for word, plain in MEANING_CHANGING.items():
        assert lexicon.words.get(word) != plain and word not in lexicon.past_forms, word
    rewriter = RuleRewriter()
    assert rewriter.rewrite("The benefits of the plan are clear.") == ["The benefits of the plan are clear."]
    assert rewriter.rewrite("Please send your email address to the school.") == \
        ["Please send your email address to the school."]
    # a verb that is a noun too is replaced only where it is a verb
    assert rewriter.rewrite("We will implement the plan.") == ["We will carry out the plan."]
    assert rewriter.rewrite("A stone implement was found.") == ["A stone implement was found."]
    assert rewriter.rewrite("The facilitator will facilitate it.") == ["The helper will help it."]


def test_the_corpus_keeps_its_meaning(easy_corpus) -> None:
    """On the real strategy document: no meaning-changing swap was made, every number and date kept."""
    figures = easy_corpus["figures"]
    replaced = figures["rewriter_stats"]["replacements"]
    made = {w: p for w, p in replaced.items() if MEANING_CHANGING.get(w) == p}
    assert not made, made
    assert replaced and len(replaced) > 100                    # it still simplifies
    kept = figures["content_kept"]
    assert kept["numbers_percent"] == 100.0 and kept["dates_percent"] == 100.0
    json.dumps(figures)


def test_a_slide_deck_whose_headings_sit_below_the_slide_labels() -> None:
    """Two English slide decks crashed: a slide's label became a level-2 heading while the deck's own
    headings were level 3, and the output level came out as 0."""
    deck = Document(metadata=Metadata(title="Deck", language="en"), blocks=[
        Section(kind="slide", label="Slide 1", blocks=[Heading(level=3, inlines=[Span(text="Agenda")]),
                                                       ListBlock(items=[ListItem(blocks=[
                                                           Paragraph(inlines=[Span(text="Intro to cells")])])])]),
        Section(kind="slide", label="Slide 2", blocks=[Heading(level=4, inlines=[Span(text="Cells")]),
                                                       Paragraph(inlines=[Span(text="Cells divide.")]),
                                                       Notes(blocks=[Paragraph(inlines=[Span(text="Say hello.")])])]),
    ])
    out = easy_read_document(deck)
    assert all(2 <= h.level <= 6 for h in out.headings()[1:])
    assert "<h2>" in render_html(out)


def test_no_document_shape_crashes_it() -> None:
    words = re.split(" ", "Agenda • Week 3 – Intro: cells, tissues and organs; Q&A (10 min) 2026-03-24 e.g. and, or "
                     ", ; : 1. a) → http://x.org/a pip install -e . `code` ... ! ? ( ) NASA's CO2 x^2 50% €5 WHAT "
                     "PLANTS NEED - which because including such as was approved by the board The Institute of "
                     "Education in order to Ünïcödé ﬁne ‘quoted’ 1/2 10,000 two twenty However, May 3, 2021 2022-25")
    rng = random.Random(7)

    def text() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(0, 20)))

    def block(depth: int = 0):
        kind = rng.randint(0, 8 if depth < 2 else 4)
        if kind == 0:
            return Heading(level=rng.randint(1, 6), inlines=[Span(text=text()[:30])])
        if kind in (1, 2):
            return Paragraph(inlines=[Span(text=text(), code=rng.random() < 0.1) for _ in range(rng.randint(0, 3))])
        if kind == 3:
            return Figure(alt=rng.choice([None, text()]), caption=rng.choice([None, text()]))
        if kind == 4:
            return Code(text=text())
        if kind == 5:
            return ListBlock(items=[ListItem(blocks=[block(depth + 1) for _ in range(rng.randint(0, 3))])
                                    for _ in range(rng.randint(0, 4))])
        if kind == 6:
            return Notes(blocks=[block(depth + 1) for _ in range(rng.randint(0, 3))])
        return Section(kind=rng.choice(["slide", "part"]), label=rng.choice([None, "Slide 2"]),
                       blocks=[block(depth + 1) for _ in range(rng.randint(0, 5))])

    for _ in range(300):
        doc = Document(metadata=Metadata(title=rng.choice([None, "", "Deck"]), language="en"),
                       blocks=[block() for _ in range(rng.randint(0, 8))])
        render_html(easy_read_document(doc))


