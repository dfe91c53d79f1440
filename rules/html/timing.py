"""Time and motion: automatic refresh/redirect and blinking or scrolling text (WCAG 2.2.1, 2.2.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import ACT, WCAG, Axe
from rules.html.dom import Page

REFRESH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[;,]\s*(?:url\s*=\s*)?(.*))?$", re.I | re.S)
TWENTY_HOURS = 72_000


@rule(id="html-meta-refresh", target="html", impact="critical",
      requirements=(WCAG("2.2.1"), ACT("bc659a"), Axe("meta-refresh")),
      messages={"redirects": "The page redirects by itself after {delay:g} seconds.",
                "refreshes": "The page refreshes by itself after {delay:g} seconds.",
                "immediate-or-long": "The refresh is immediate (a redirect) or very long."})
def meta_refresh(page: Page) -> Iterator[Finding]:
    """The page does not refresh or redirect on a timer

    `<meta http-equiv="refresh" content="30">` reloads the page, or sends the learner elsewhere,
    after a delay they did not choose. An immediate redirect (delay 0) is fine; any delay up to 20
    hours fails.

    **Why it matters**: a learner who reads slowly, uses a screen reader or magnifier, or is
    filling in an answer loses their place or their work when the page changes under them.

    **How to fix**: remove the timed refresh; redirect on the server (HTTP 301/302), or give the
    learner a link or a button to update the content when they are ready.
    """
    for meta in page.elements("meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        match = REFRESH.match(meta.get("content") or "")
        if not match:
            continue
        delay = float(match.group(1))
        if 0 < delay < TWENTY_HOURS:
            key = "redirects" if (match.group(2) or "").strip() else "refreshes"
            yield meta_refresh.finding(Outcome.VIOLATION, key, page.location(meta), delay=delay)
        else:
            yield meta_refresh.finding(Outcome.PASS, "immediate-or-long", page.location(meta))


@rule(id="html-blink-marquee", target="html", impact="serious",
      requirements=(WCAG("2.2.2"), Axe("blink"), Axe("marquee")),
      messages={"moving": "<{tag}> makes text move with no way to stop it."})
def blink_marquee(page: Page) -> Iterator[Finding]:
    """Text does not blink or scroll by itself

    The obsolete `<blink>` and `<marquee>` elements make text blink or scroll with no way to stop it.

    **Why it matters**: moving text is hard or impossible to read for learners with low vision,
    dyslexia or attention difficulties, and it pulls attention away from the rest of the lesson.

    **How to fix**: replace `<marquee>`/`<blink>` with ordinary text; if something must move, give
    it a visible pause button and stop it after 5 seconds.
    """
    for el in page.elements("blink", "marquee"):
        if not page.is_hidden(el):
            yield blink_marquee.finding(Outcome.VIOLATION, "moving", page.location(el), tag=el.tag)
