"""Layout rules: reflow at 320 CSS px (1.4.10) and text spacing (1.4.12)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG
from rules.web.page import BrowserPage, Probe, script

REFLOW_WIDTH = 320
REFLOW_HEIGHT = 256
MAX_FINDINGS = 10
Measured = Probe[dict[str, Any]]


def collect_reflow(page: BrowserPage, url: str) -> Measured:
    """At a 320 CSS px wide viewport (put back afterwards): the ``width``, how far the page scrolls
    sideways (``overflow``) and the outermost elements that stick out (``culprits``)."""
    page.set_viewport(REFLOW_WIDTH, REFLOW_HEIGHT)
    try:
        return Probe(url, page.run(script("reflow")) or {})
    finally:
        page.reset_viewport()


def collect_text_spacing(page: BrowserPage, url: str) -> Measured:
    """With WCAG 1.4.12 spacing applied (removed again): text boxes ``checked``, ``clipped``, ``spilled``."""
    return Probe(url, page.run(script("text_spacing")) or {})


@rule(id="web-reflow", target="web", impact="serious", requirements=(WCAG("1.4.10"),), reads="reflow",
      messages={"reflows": "At {width} CSS px wide the page does not scroll sideways.",
                "scrolls": "At {width} CSS px wide the page scrolls sideways by {overflow} px.",
                "sticks-out": "At {width} CSS px wide this element reaches {right} px, so the page scrolls "
                              "sideways.",
                "sticks-out-exempt": "At {width} CSS px wide this element reaches {right} px, so the page scrolls "
                                     "sideways (a table, image, media or code block: check whether it needs "
                                     "two-dimensional layout)."})
def reflow(measured: Measured) -> Iterator[Finding]:
    """Content must reflow at 320 CSS pixels without horizontal scrolling

    The page is laid out in a 320 CSS px wide viewport (what 400% zoom of a 1280 px window gives);
    if it then scrolls sideways, the elements that stick out are reported. Tables, images, video,
    maps and code, which need two dimensions, are exempt and reported for review only.

    **Why it matters**: Learners with low vision zoom in to read, and many learners study on small
    phones. When text does not reflow, they must scroll sideways for every line of a reading
    assignment — slow, tiring and easy to lose one's place.

    **How to fix**: Use responsive layout: relative widths (`max-width: 100%`), flexbox or grid
    that wraps, media queries for narrow screens, and `overflow-wrap: anywhere` for long words
    and URLs. Avoid fixed pixel widths on containers.
    """
    data = measured.data
    width = data.get("width")
    culprits = data.get("culprits", [])
    if data.get("overflow", 0) <= 1:
        if data:
            yield reflow.finding(Outcome.PASS, "reflows", measured.at(), width=width)
        return
    blocking = [c for c in culprits if not c.get("exempt")]
    listed = blocking or culprits
    outcome = Outcome.VIOLATION if blocking or not culprits else Outcome.NEEDS_REVIEW
    if not listed:
        yield reflow.finding(outcome, "scrolls", measured.at({"selector": "html"}), width=width,
                             overflow=data["overflow"])
        return
    for c in listed[:MAX_FINDINGS]:
        yield reflow.finding(outcome, "sticks-out-exempt" if c.get("exempt") else "sticks-out", measured.at(c),
                             width=width, overflow=data["overflow"], right=c["right"])


@rule(id="web-text-spacing", target="web", impact="serious", requirements=(WCAG("1.4.12"),), reads="text_spacing",
      messages={"readable": "{checked} text box(es) still show all their text with increased spacing.",
                "clipped": "With increased text spacing, about {lost_px} px of this text is cut off.",
                "spilled": "With increased text spacing, this text spills {lost_px} px out of its fixed-size box "
                           "and may overlap other content."})
def text_spacing(measured: Measured) -> Iterator[Finding]:
    """Text must stay readable when learners increase text spacing

    Applies the WCAG 1.4.12 spacing (line height 1.5 × font size, paragraph spacing 2 ×, letter
    spacing 0.12 ×, word spacing 0.16 ×) and looks for text that is then cut off by a box that
    hides overflow (violation) or spills out of a fixed-size box where it may overlap other
    content (needs review).

    **Why it matters**: Many learners with dyslexia or low vision read far better with wider
    spacing and set it with a browser extension or reading tool. If boxes have fixed heights,
    the extra spacing cuts words off or piles text on top of other text, and the lesson becomes
    unreadable exactly for those learners.

    **How to fix**: Let boxes grow with their text: use `min-height` instead of `height`,
    avoid `overflow: hidden` on text containers, and size buttons and labels with padding
    rather than fixed dimensions.
    """
    data = measured.data
    if data.get("checked") and not data.get("clipped") and not data.get("spilled"):
        yield text_spacing.finding(Outcome.PASS, "readable", measured.at(), checked=data["checked"])
    for c in data.get("clipped", [])[:MAX_FINDINGS]:
        yield text_spacing.finding(Outcome.VIOLATION, "clipped", measured.at(c), lost_px=c["lost"])
    for c in data.get("spilled", [])[:MAX_FINDINGS]:
        yield text_spacing.finding(Outcome.NEEDS_REVIEW, "spilled", measured.at(c), lost_px=c["lost"])
