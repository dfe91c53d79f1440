"""A picture of each violation: the element scrolled into view, outlined, cropped with a margin,
written as a PNG the finding names (``Finding.screenshot``: a report artifact in an API job, a
file beside the report on the command line).

At most one picture per rule on a page and :data:`MAX_PER_PAGE` per page, so a template problem
found on every page is pictured once per page at most. The file name is a hash of the page, its
rendering (viewport, state), the rule and the selector, so the same element gives the same name
in every worker and a repeated audit overwrites rather than adds.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from pathlib import Path

from selenium.common.exceptions import WebDriverException

from access.models import Finding, Outcome
from auditors.web.browser import BrowserSession

log = logging.getLogger(__name__)
MAX_PER_PAGE = 10
MARGIN = 12                    # CSS px around the element
MAX_WIDTH, MAX_HEIGHT = 1280, 800

# Scrolls the element into view, outlines it (the old inline outline is kept to put back) and
# returns its box in page coordinates; null when the selector finds nothing visible.
MARK = """
const el = document.querySelector(arguments[0]);
if (!el || !el.getBoundingClientRect) return null;
el.scrollIntoView({block: "center", inline: "center"});
const r = el.getBoundingClientRect();
if (r.width === 0 && r.height === 0) return null;
window.__accessMarked = [el, el.style.outline, el.style.outlineOffset];
el.style.outline = "3px solid #d0021b"; el.style.outlineOffset = "2px";
const d = document.documentElement;
return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height,
        pageWidth: Math.max(d.scrollWidth, window.innerWidth),
        pageHeight: Math.max(d.scrollHeight, window.innerHeight)};
"""
UNMARK = """
const m = window.__accessMarked; if (!m) return;
m[0].style.outline = m[1]; m[0].style.outlineOffset = m[2]; delete window.__accessMarked;
"""


def shot_name(url: str, key: str, rule: str, selector: str) -> str:
    digest = hashlib.sha256("\x1f".join((url, key, rule, selector)).encode()).hexdigest()[:16]
    return f"shot-{rule}-{digest}.png"


def chosen(findings: list[Finding]) -> list[Finding]:
    """The violations to picture: the first of each rule that has a selector, up to MAX_PER_PAGE."""
    seen: set[str] = set()
    picked = []
    for f in findings:
        if f.outcome is not Outcome.VIOLATION or not f.location.selector or f.rule in seen:
            continue
        if ">>>" in f.location.selector:          # inside a frame or a shadow root: not reachable from the top
            continue
        seen.add(f.rule)
        picked.append(f)
        if len(picked) == MAX_PER_PAGE:
            break
    return picked


def clip_of(box: dict[str, float]) -> dict[str, float]:
    """The element's box with a margin, kept inside the page and at most MAX_WIDTH × MAX_HEIGHT."""
    x = max(0.0, box["x"] - MARGIN)
    y = max(0.0, box["y"] - MARGIN)
    width = min(box["width"] + 2 * MARGIN, MAX_WIDTH, max(1.0, box["pageWidth"] - x))
    height = min(box["height"] + 2 * MARGIN, MAX_HEIGHT, max(1.0, box["pageHeight"] - y))
    return {"x": round(x, 1), "y": round(y, 1), "width": round(max(width, 1.0), 1),
            "height": round(max(height, 1.0), 1), "scale": 1}


def picture(browser: BrowserSession, selector: str) -> bytes | None:
    """A PNG of the element outlined, or None when it cannot be pictured."""
    try:
        box = browser.run(MARK, selector)
        if not box:
            return None
        try:
            shot = browser.cdp("Page.captureScreenshot", {"format": "png", "clip": clip_of(box),
                                                          "captureBeyondViewport": True})
        finally:
            browser.run(UNMARK)
    except WebDriverException:
        log.debug("no screenshot of %s", selector, exc_info=True)
        return None
    return base64.b64decode(shot["data"]) if shot and shot.get("data") else None


def picture_violations(browser: BrowserSession, findings: list[Finding], folder: Path, key: str) -> int:
    """Picture the chosen violations into ``folder`` and name each picture in its finding; how many."""
    made = 0
    for f in chosen(findings):
        assert f.location.selector is not None
        name = shot_name(f.location.url or "", key, f.rule, f.location.selector)
        png = picture(browser, f.location.selector)
        if png is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)
        f.screenshot = name
        made += 1
    return made
