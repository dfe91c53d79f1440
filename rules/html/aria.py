"""ARIA misuse a static check can see: hidden-but-focusable content, unnamed role="img" (WCAG 4.1.2, 1.1.1)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import ACT, WCAG, Axe
from rules.html import name_finding
from rules.html.dom import Page, text_of

DISPLAY_NONE = re.compile(r"(?:^|;)\s*display\s*:\s*none", re.I)
NATIVELY_FOCUSABLE = {"button", "select", "textarea", "iframe", "summary", "embed", "object"}


def is_focusable(el: etree._Element) -> bool:
    """In the sequential focus order: native controls and links, or tabindex >= 0 (not disabled)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    tabindex = (el.get("tabindex") or "").strip()
    if tabindex.lstrip("-").isdigit() and int(tabindex) < 0:
        return False
    if el.get("disabled") is not None and tag in ("button", "input", "select", "textarea"):
        return False
    if tag == "a" and el.get("href") is not None:
        return True
    if tag == "input":
        return (el.get("type") or "").lower() != "hidden"
    if tag in NATIVELY_FOCUSABLE:
        return True
    if (el.get("contenteditable") or "").lower() in ("", "true") and el.get("contenteditable") is not None:
        return True
    return tabindex.isdigit()


def _rendered(el: etree._Element, stop: etree._Element) -> bool:
    """Not removed from rendering (hidden attribute, display:none) from ``el`` up to ``stop``."""
    node: etree._Element | None = el
    while node is not None:
        if node.get("hidden") is not None or DISPLAY_NONE.search(node.get("style") or ""):
            return False
        if node is stop:
            return True
        node = node.getparent()
    return True


@rule(id="html-aria-hidden-focus", target="html", impact="serious",
      requirements=(WCAG("4.1.2"), WCAG("1.3.1"), ACT("6cfa84"), Axe("aria-hidden-focus")),
      messages={"focusable": "This focusable element is inside aria-hidden content.",
                "nothing-focusable": "The aria-hidden content has nothing focusable."})
def aria_hidden_focus(page: Page) -> Iterator[Finding]:
    """Content hidden from screen readers cannot take keyboard focus

    An element with `aria-hidden="true"` must not contain links, buttons, fields or other focusable
    elements (unless they also have `tabindex="-1"` or are disabled).

    **Why it matters**: a keyboard and screen reader user tabs onto the hidden control and hears
    nothing, or something meaningless: a "ghost" stop in a quiz or a carousel that cannot be
    understood or left sensibly.

    **How to fix**: remove `aria-hidden` from content people can use, or take its controls out of the
    focus order (`tabindex="-1"`, `disabled`, or the `hidden` attribute when it is not shown at all).
    """
    for container in page.root.iter():
        if not isinstance(container.tag, str) or (container.get("aria-hidden") or "").strip().lower() != "true":
            continue
        if not _rendered(container, page.root):
            continue
        focusable = [el for el in container.iter() if isinstance(el.tag, str) and is_focusable(el)
                     and _rendered(el, container)]
        if focusable:
            for el in focusable:
                yield aria_hidden_focus.finding(Outcome.VIOLATION, "focusable", page.location(el))
        else:
            yield aria_hidden_focus.finding(Outcome.PASS, "nothing-focusable", page.location(container))


@rule(id="html-role-img-alt", target="html", impact="serious",
      requirements=(WCAG("1.1.1"), ACT("23a2a8"), ACT("7d6734"), Axe("role-img-alt"), Axe("svg-img-alt")),
      messages={"named": "The graphic is named {name!r}.",
                "unnamed": 'The element with role="img" has no text alternative.'})
def role_img_alt(page: Page) -> Iterator[Finding]:
    """Graphics marked role="img" have a text alternative

    Elements with `role="img"` — often inline `<svg>` icons and charts, or icon-font `<span>`s — need
    an accessible name: `aria-label`, `aria-labelledby`, or for SVG a `<title>` child.

    **Why it matters**: `role="img"` tells a screen reader "here is a picture" and then there is
    nothing to say about it; the learner knows something is there but not what.

    **How to fix**: add `aria-label="…"` (or a `<title>` as the first child of the `<svg>`); if the
    graphic is decorative, remove `role="img"` and add `aria-hidden="true"` instead.
    """
    for el in page.root.iter():
        if not isinstance(el.tag, str) or page.role(el) not in ("img", "graphics-document") or page.is_hidden(el):
            continue
        name = page.labelledby_text(el) or (el.get("aria-label") or "").strip() or (el.get("title") or "").strip()
        if not name and el.tag.lower() == "svg":
            title = el.find("title")
            name = "" if title is None else " ".join(text_of(title).split())
        yield name_finding(role_img_alt, page, el, name)
