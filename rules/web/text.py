"""Text rules: how text is set (tiny, justified, cramped, capitals, long italics), instructions that
rely on position or colour (1.3.3, 1.4.1), unexpanded abbreviations (3.1.4), and markup used for
looks (presentational elements, empty paragraphs, spacer images). They read the ``content`` fact
(:mod:`rules.web.content`); each only points a person at what to check."""

from __future__ import annotations

import re
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG, Technique
from rules.web.content import Content

SMALL_PX = 10               # type below this size is hard to read for many (9 px ≈ 7 pt)
LONG_LETTERS = 80           # a run of capitals or italics this long is a passage, not a word
SENSORY = re.compile(r"\b(on|to|at) the (right|left)\b|\b(right|left)[- ]hand (side|column)\b|"
                     r"\b(the|in) (red|green|blue|yellow|orange|purple|grey|gray) (ones?|items?|buttons?|text|links?|"
                     r"[a-z]+s)\b|\b(shown|marked|highlighted|coloured|colored) in (red|green|blue|yellow|orange)\b|"
                     r"\bthe (round|square) (button|icon)\b", re.I)
CAPS_RUN = re.compile(r"(\b[A-Z]{2,}\b[\s,.;:!?'-]*){4,}")


def _blocks(content: Content) -> list[dict]:
    return content.data.get("blocks", [])


@rule(id="web-text-style", target="web", impact="moderate", reads="content",
      requirements=(WCAG("1.4.8"), WCAG("1.4.4")),
      messages={"small": "This text is set at {px} px, too small for many learners to read.",
                "justified": "This passage is justified: the uneven gaps between words make it harder to read.",
                "cramped": "The lines of this passage are {ratio} times the font size apart, so they crowd or "
                           "overlap; 1.5 is comfortable.",
                "capitals": "This passage is set in capitals ({letters} letters), which is slow to read and some "
                            "screen readers spell out.",
                "italic": "This passage is set in italics ({letters} letters), which many learners with dyslexia "
                          "find hard to read."})
def text_style(content: Content) -> Iterator[Finding]:
    """Passages of text are set to be read

    Flags text set below 10 px, justified passages, lines closer together than the font size,
    and passages (80 letters or more) in capitals or italics.

    **Why it matters**: Learners with low vision, dyslexia or other reading difficulties lose
    their place in crowded lines and "rivers" of justified text, and read capitals and long
    italics far more slowly; tiny print is unreadable without zooming.

    **How to fix**: Use at least 16 px body text, left-aligned, with a line height of 1.5; keep
    capitals and italics for a few words of emphasis.
    """
    for b in _blocks(content):
        letters = int(b.get("letters") or 0)
        own = b.get("own") or ""
        if b.get("font_px", 16) < SMALL_PX and len(own) >= 10:
            yield text_style.finding(Outcome.NEEDS_REVIEW, "small", content.at(b), px=round(b["font_px"], 1))
        elif b.get("align") == "justify" and b.get("lines", 0) >= 2 and own:
            yield text_style.finding(Outcome.NEEDS_REVIEW, "justified", content.at(b))
        elif b.get("line_ratio", 1.5) < 1.0 and b.get("lines", 0) >= 2 and own:
            yield text_style.finding(Outcome.NEEDS_REVIEW, "cramped", content.at(b), ratio=round(b["line_ratio"], 2))
        elif own and letters >= LONG_LETTERS and (b.get("transform") == "uppercase" or CAPS_RUN.search(own)):
            yield text_style.finding(Outcome.NEEDS_REVIEW, "capitals", content.at(b), letters=letters)
        elif own and letters >= LONG_LETTERS and b.get("italic"):
            yield text_style.finding(Outcome.NEEDS_REVIEW, "italic", content.at(b), letters=letters)


@rule(id="web-sensory-instructions", target="web", impact="serious", reads="content",
      requirements=(WCAG("1.3.3"), WCAG("1.4.1")),
      messages={"cue": "The text “{excerpt}” identifies something by position or colour: check that it is also "
                       "named or labelled in text."})
def sensory_instructions(content: Content) -> Iterator[Finding]:
    """Instructions do not rely on position or colour alone

    Flags sentences that point at content by where it is or what colour it is ("the artist on
    the right", "the red mushrooms"), for a person to check that the content is also identified
    another way.

    **Why it matters**: A screen-reader user does not know what is "on the right"; a colour-blind
    learner cannot tell the "green" answers from the "red" ones; on a phone the right-hand column
    is underneath.

    **How to fix**: Name the thing as well ("the artist on the right, Taylor Swift"; "the
    poisonous mushrooms, marked ✗"), and mark meaning with text or icons as well as colour.
    """
    for b in _blocks(content):
        own = b.get("own") or ""
        if match := SENSORY.search(own):
            start = max(0, match.start() - 30)
            yield sensory_instructions.finding(Outcome.NEEDS_REVIEW, "cue", content.at(b),
                                               excerpt=own[start:match.end() + 30].strip())


@rule(id="web-abbreviation-expanded", target="web", impact="minor", reads="content",
      requirements=(WCAG("3.1.4"), Technique("H28")),
      messages={"unexpanded": "The abbreviation “{text}” is marked up but never expanded."})
def abbreviation_expanded(content: Content) -> Iterator[Finding]:
    """Abbreviations are expanded

    Flags `<abbr>` elements that have no `title` and are not expanded elsewhere on the page.

    **Why it matters**: Learners new to a subject, learners with cognitive disabilities and
    learners reading in a second language may not know what "GDS" or "VLE" stands for.

    **How to fix**: Write the full form the first time ("Government Digital Service (GDS)"), or
    give `<abbr title="Government Digital Service">GDS</abbr>`.
    """
    seen: set[str] = set()
    for a in content.data.get("abbreviations", []):
        if a.get("text") and a["text"] not in seen:
            seen.add(a["text"])
            yield abbreviation_expanded.finding(Outcome.NEEDS_REVIEW, "unexpanded", content.at(a), text=a["text"])


@rule(id="web-markup-for-looks", target="web", impact="minor", reads="content",
      requirements=(WCAG("1.3.1"), Technique("F43")),
      messages={"presentational": "The <{tag}> element sets the look of text in HTML; use CSS.",
                "empty-paragraph": "This paragraph is empty: it is used for spacing, and screen readers may "
                                   "announce it.",
                "spacer": "This image is a spacer used for layout; use CSS for spacing."})
def markup_for_looks(content: Content) -> Iterator[Finding]:
    """Markup means structure, not looks

    Flags presentational elements (`<center>`, `<font>`, `<big>`, `<tt>`, `<strike>`), empty
    paragraphs and spacer images.

    **Why it matters**: Structure in the HTML is what screen readers, reading modes and
    converters (to large print, braille, audio) read; markup used for looks adds noise or loses
    meaning when learners restyle the page.

    **How to fix**: Set alignment, fonts and spacing in CSS; delete empty paragraphs and spacer
    images.
    """
    for el in content.data.get("presentational", []):
        yield markup_for_looks.finding(Outcome.NEEDS_REVIEW, "presentational", content.at(el), tag=el.get("tag"))
    for el in content.data.get("empty_paragraphs", []):
        yield markup_for_looks.finding(Outcome.NEEDS_REVIEW, "empty-paragraph", content.at(el))
    for el in content.data.get("spacers", []):
        yield markup_for_looks.finding(Outcome.NEEDS_REVIEW, "spacer", content.at(el))
