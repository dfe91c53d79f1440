"""Word rules about pictures, charts, SmartArt and shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG, MsChecker, Technique
from access.textquality import is_poor_alt
from rules.docx.facts import DocxFacts
from rules.findings import closing

TEXTY_ALT = re.compile(r"\b(?:screenshot|screen shot|text|quote|quotation|table|slide|equation|formula|"
                       r"worksheet|says|reads|handout|scan(?:ned)?)\b|[\"“”]", re.I)


@rule(id="docx-image-alt", target="docx", impact="critical",
      requirements=(WCAG("1.1.1"), MsChecker("missing-alt-text")),
      messages={"none": "The document has no pictures or shapes.",
                "passed": "{checked} objects have alt text or are decorative.",
                "missing": "{label} {name!r} has no alt text.",
                "poor": "{label} alt text {alt!r} is only a file name or a generic word."})
def docx_image_alt(facts: DocxFacts) -> Iterator[Finding]:
    """Pictures, charts, SmartArt and shapes have alternative text

    Every picture, chart, SmartArt graphic, shape and group needs alt text that says what it shows,
    or must be marked as decorative. Alt text that is only a file name ("IMG_2041.jpg") or a generic
    word ("picture") counts as missing.

    **Why it matters**: a blind learner's screen reader says "picture" and moves on; the diagram,
    the chart of results or the photo the lesson depends on is lost to them.

    **How to fix**: Word: right-click the object › View Alt Text (or Format Picture › Alt Text) and
    describe it in one or two sentences, or tick "Mark as decorative". LibreOffice Writer:
    right-click › Properties › Options › Alternative (Text only).
    """
    failed = 0
    for d in facts.drawings:
        if d.decorative:
            continue
        if not d.alt:
            failed += 1
            yield docx_image_alt.finding(Outcome.VIOLATION, "missing", d.where, kind=d.kind, name=d.name,
                                         label=d.kind.capitalize())
        elif is_poor_alt(d.alt):
            failed += 1
            yield docx_image_alt.finding(Outcome.VIOLATION, "poor", d.where, kind=d.kind, alt=d.alt,
                                         label=d.kind.capitalize())
    yield from closing(docx_image_alt, len(facts.drawings), failed)


@rule(id="docx-floating-object", target="docx", impact="moderate",
      requirements=(WCAG("1.3.2"), MsChecker("object-not-inline")),
      messages={"floating": "{label} {name!r} floats instead of being in line with text.",
                "passed": "All objects are in line with text.", "none": "The document has no objects."})
def docx_floating_object(facts: DocxFacts) -> Iterator[Finding]:
    """Objects are in line with text

    Pictures and shapes should be placed "In Line with Text", not floating (square, tight, behind or
    in front of text wrapping).

    **Why it matters**: screen readers and reading tools follow the text order; a floating picture or
    text box may be read at the wrong point, skipped, or be unreachable with the keyboard, and it
    often lands in the wrong place when the document is converted to large print or EPUB.

    **How to fix**: Word: select the object › Layout Options › "In Line with Text". LibreOffice:
    right-click › Anchor › As Character.
    """
    floating = [d for d in facts.drawings if not d.inline and not d.decorative]
    for d in floating:
        yield docx_floating_object.finding(Outcome.VIOLATION, "floating", d.where, kind=d.kind, name=d.name,
                                           label=d.kind.capitalize())
    yield from closing(docx_floating_object, len(facts.drawings), len(floating))


@rule(id="docx-image-of-text", target="docx", impact="moderate",
      requirements=(WCAG("1.4.5"), Technique("G140")), needs_review_only=True,
      messages={"texty": "Picture may be an image of text (alt: {alt_start!r}).",
                "passed": "No picture looks like an image of text.", "none": "No picture looks like an image of text."})
def docx_image_of_text(facts: DocxFacts) -> Iterator[Finding]:
    """Pictures are not images of text

    Pictures whose alt text suggests they show text (a screenshot, a scanned worksheet, a quote, a
    table or an equation) are listed for review: the text should be real text.

    **Why it matters**: text in a picture cannot be enlarged without blurring, re-coloured for
    dyslexia-friendly reading, searched, translated or read by braille displays.

    **How to fix**: type the text, table or equation into the document (Word: Insert › Table,
    Insert › Equation) and keep the picture only if it adds something, or use this service's
    conversion (``access convert``), which OCRs images of text.
    """
    found = 0
    for d in facts.drawings:
        if d.kind == "picture" and d.alt and TEXTY_ALT.search(d.alt):
            found += 1
            yield docx_image_of_text.finding(Outcome.NEEDS_REVIEW, "texty", d.where, alt=d.alt, alt_start=d.alt[:60])
    yield from closing(docx_image_of_text, len(facts.drawings), found)

