"""Reading level of the main content (3.1.5, AAA: a finding for review, never a violation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from access.catalogue import rule
from access.models import Finding, Outcome
from access.readability import measure_text
from access.requirements import WCAG
from rules.web.page import BrowserPage, Probe, script

MIN_WORDS = 100
LOWER_SECONDARY_GRADE = 9.0      # WCAG 3.1.5: "more advanced than the lower secondary education level"
ReadingText = Probe[dict[str, Any]]


def collect(page: BrowserPage, url: str) -> ReadingText:
    """The main content's text (``text``), its element (``selector``) and the page language (``lang``)."""
    return Probe(url, page.run(script("reading_text")) or {})


@rule(id="web-reading-level", target="web", impact="minor", requirements=(WCAG("3.1.5"),),
      needs_review_only=True, reads="reading_text",
      messages={"above-lower-secondary": "The main content reads at about US grade {grade:g} (Flesch–Kincaid), "
                                         "above lower-secondary level; consider a simpler summary.",
                "readable": "The main content reads at about US grade {grade:g} (Flesch–Kincaid)."})
def reading_level(reading: ReadingText) -> Iterator[Finding]:
    """Main content should be readable at lower-secondary level, or offer a simpler version

    Measures the Flesch–Kincaid grade of the page's main content (English text of at least 100
    words). Above grade 9 (the end of lower secondary education) it asks a person to review;
    otherwise it records the grade as a pass. WCAG 3.1.5 is level AAA, so this never counts as a
    violation of an AA standard.

    **Why it matters**: Learners with cognitive or learning disabilities, younger learners and
    learners reading in a second language understand more, and faster, when text uses short
    sentences and common words. A summary or an easy-read version lets them take part in the
    same lesson.

    **How to fix**: Shorten sentences, prefer common words, explain technical terms when they
    first appear, and use lists and headings. Where the subject needs advanced language, add a
    plain-language summary or link an easy-read version (`access convert --to easy-read`).
    """
    data = reading.data
    lang = (data.get("lang") or "en").lower()
    if not lang.startswith("en"):
        return
    stats = measure_text(data.get("text", ""))
    if stats.words < MIN_WORDS:
        return
    where = reading.at({"selector": data.get("selector") or "body"})
    details = {"grade": stats.grade, "words": stats.words, "sentences": stats.sentences}
    if stats.grade > LOWER_SECONDARY_GRADE:
        yield reading_level.finding(Outcome.NEEDS_REVIEW, "above-lower-secondary", where, **details)
    else:
        yield reading_level.finding(Outcome.PASS, "readable", where, **details)
