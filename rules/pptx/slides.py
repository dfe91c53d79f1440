"""PowerPoint slide rules: titles and reading order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, MsChecker
from rules.findings import closing
from rules.pptx.facts import PptxFacts, ShapeFacts

ROW_TOLERANCE_PT = 20.0


@rule(id="pptx-slide-title", target="pptx", impact="serious",
      requirements=(WCAG("2.4.6"), WCAG("1.3.1"), MsChecker("missing-slide-title")),
      messages={"empty-title": "Slide {slide} has an empty title.",
                "no-title-placeholder": "Slide {slide} has no title placeholder.",
                "passed": "All {checked} slides have titles.", "none": "The presentation has no slides."})
def pptx_slide_title(facts: PptxFacts) -> Iterator[Finding]:
    """Every slide has a title

    Each slide needs a title in its title placeholder (it can be hidden off-slide if the design
    needs it).

    **Why it matters**: screen-reader users jump between slides by their titles, and the titles
    become the headings and bookmarks of a PDF or handout made from the deck; untitled slides all
    sound the same.

    **How to fix**: PowerPoint: Home › Layout › choose a layout with a title, or Review › Check
    Accessibility › Missing slide title › Add slide title. LibreOffice Impress: Slide › Layout ›
    "Title, Content".
    """
    missing = [s for s in facts.slides if not (s.title or "").strip()]
    for s in missing:
        yield pptx_slide_title.finding(Outcome.VIOLATION, "empty-title" if s.has_title_placeholder else
                                       "no-title-placeholder", Location(slide=s.number), slide=s.number)
    yield from closing(pptx_slide_title, len(facts.slides), len(missing))


@rule(id="pptx-duplicate-title", target="pptx", impact="moderate",
      requirements=(WCAG("2.4.6"), MsChecker("duplicate-slide-title")),
      messages={"repeated": "Slide {slide} repeats the title {title!r} of slide {first}.",
                "passed": "Slide titles are unique.", "none": "No slide titles."})
def pptx_duplicate_title(facts: PptxFacts) -> Iterator[Finding]:
    """Slide titles are unique

    No two slides share the same title; continued slides say so ("Results (2 of 3)").

    **Why it matters**: when a learner lists the slides by title, three slides called "Results"
    cannot be told apart and the one they need is hard to find.

    **How to fix**: PowerPoint: edit the titles to be distinct, e.g. add "(continued)" or a
    subtitle-like detail. Review › Check Accessibility lists duplicate titles.
    """
    by_title: dict[str, list[int]] = defaultdict(list)
    for s in facts.slides:
        if s.title and s.title.strip():
            by_title[" ".join(s.title.lower().split())].append(s.number)
    dups = {t: n for t, n in by_title.items() if len(n) > 1}
    for title, numbers in dups.items():
        for n in numbers[1:]:
            yield pptx_duplicate_title.finding(Outcome.VIOLATION, "repeated", Location(slide=n, excerpt=title),
                                               slides=numbers, slide=n, title=title, first=numbers[0])
    yield from closing(pptx_duplicate_title, len(by_title), len(dups))


def visual_order(shapes: list[ShapeFacts]) -> list[ShapeFacts]:
    """Top-to-bottom, then left-to-right, treating shapes whose tops are close as one row."""
    placed = [s for s in shapes if s.box is not None]
    rows: list[list[ShapeFacts]] = []
    for s in sorted(placed, key=lambda s: (s.box or (0, 0, 0, 0))[1]):
        if rows and abs((rows[-1][0].box or (0, 0, 0, 0))[1] - (s.box or (0, 0, 0, 0))[1]) <= ROW_TOLERANCE_PT:
            rows[-1].append(s)
        else:
            rows.append([s])
    return [s for row in rows for s in sorted(row, key=lambda s: (s.box or (0, 0, 0, 0))[0])]


@rule(id="pptx-reading-order", target="pptx", impact="moderate",
      requirements=(WCAG("1.3.2"), MsChecker("reading-order")), needs_review_only=True,
      messages={"out-of-order": "Slide {slide}: the reading order differs from the visual order ({shape!r} is read "
                                "out of place).",
                "passed": "Reading order matches the visual order on every slide."})
def pptx_reading_order(facts: PptxFacts) -> Iterator[Finding]:
    """The reading order of slide content matches what learners see

    Screen readers read shapes in the slide's object order, not by position. Slides whose object
    order differs from the visual top-to-bottom, left-to-right order are listed for review.

    **Why it matters**: a learner may hear the conclusion before the question, or a picture's
    caption before the title, and lose the thread of the lesson.

    **How to fix**: PowerPoint: Home › Arrange › Selection Pane (or Review › Check Accessibility ›
    Reading Order pane) and drag the objects so the title comes first and the rest follows the
    order a sighted reader would follow (the list reads bottom-to-top in the Selection Pane).
    """
    flagged = 0
    for s in facts.slides:
        content = [sh for sh in s.shapes if sh.box is not None and not sh.decorative and
                   (sh.text or sh.kind in ("picture", "chart", "table", "group", "smartart", "media"))]
        if len(content) < 2:
            continue
        order = [sh.id for sh in content]
        seen = [sh.id for sh in visual_order(content)]
        if order != seen:
            flagged += 1
            first_diff = next(sh for sh, want in zip(content, seen, strict=False) if sh.id != want)
            yield pptx_reading_order.finding(
                Outcome.NEEDS_REVIEW, "out-of-order", first_diff.where(s.number), slide=s.number, shape=first_diff.name,
                reading_order=[sh.name for sh in content], visual_order=[sh.name for sh in visual_order(content)])
    if not flagged:
        yield pptx_reading_order.finding(Outcome.PASS, "passed")

