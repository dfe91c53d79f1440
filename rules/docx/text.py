"""Word text rules: colour contrast and very small fonts."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG, MsChecker
from rules.docx.facts import DocxFacts
from rules.findings import CONTRAST
from rules.textmetrics import contrast_ratio, excerpt, required_contrast, rgb_hex

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)
SMALL_PT = 9.0
DEFAULT_PT = 11.0


@rule(id="docx-contrast", target="docx", impact="serious",
      requirements=(WCAG("1.4.3"), MsChecker("text-contrast")),
      messages={"low": CONTRAST, "passed": "{checked} coloured text runs have sufficient contrast."})
def docx_contrast(facts: DocxFacts) -> Iterator[Finding]:
    """Text has enough contrast with its background

    Each run's font colour is compared with what is behind it: run shading or highlight, paragraph
    or table-cell shading, or the page colour (white when none). 4.5:1 is needed, 3:1 for large
    text (18 pt, or 14 pt bold). "Automatic" font colour adapts and passes.

    **Why it matters**: pale grey notes and coloured text on coloured shading are unreadable for
    learners with low vision or colour-vision differences, and on printouts and projectors.

    **How to fix**: Word: Review › Check Accessibility lists "Hard-to-read text contrast"; pick a
    darker Font Color or a lighter shading (Home › Font Color / Shading), or use Automatic.
    LibreOffice: Format › Character › Font Effects › Font color.
    """
    found = 0
    checked = 0
    for p in facts.paragraphs:
        for r in p.runs:
            if r.color is None and r.background is None:
                continue                    # automatic colour on the default page: fine
            fg = r.color or BLACK
            bg = r.background or WHITE
            if r.color is None and sum(bg) < 384:
                fg = WHITE                  # "auto" text turns white on dark shading
            checked += 1
            ratio = round(contrast_ratio(fg, bg), 2)
            need = required_contrast(r.size or DEFAULT_PT, r.bold)
            if ratio < need:
                found += 1
                where = p.where.model_copy(update={"excerpt": excerpt(r.text)})
                yield docx_contrast.finding(Outcome.VIOLATION, "low", where, ratio=ratio, required=need,
                                            foreground=rgb_hex(fg), background=rgb_hex(bg))
    if not found:
        yield docx_contrast.finding(Outcome.PASS, "passed", checked=checked)


@rule(id="docx-small-font", target="docx", impact="minor", requirements=(), tags=["best-practice"],
      messages={"small": "Text is {size} pt.", "passed": "No very small text."})
def docx_small_font(facts: DocxFacts) -> Iterator[Finding]:
    """Text is not very small

    Text below 9 pt is listed for review. WCAG sets no minimum size; this is best practice for
    handouts that are printed or read on small screens.

    **Why it matters**: small print is hard for learners with low vision or dyslexia and is often
    where essential details (deadlines, marking criteria) hide.

    **How to fix**: use at least 11–12 pt for body text and 9 pt for footnotes; change the size in
    the style (Word: Home › Styles › Modify; LibreOffice: Styles › Edit Style) rather than by hand.
    """
    found = 0
    for p in facts.paragraphs:
        small = [r for r in p.runs if r.size is not None and r.size < SMALL_PT]
        if small:
            found += 1
            yield docx_small_font.finding(Outcome.NEEDS_REVIEW, "small",
                                          p.where.model_copy(update={"excerpt": excerpt(small[0].text)}),
                                          size=min(r.size or 0 for r in small))
    if not found:
        yield docx_small_font.finding(Outcome.PASS, "passed")

