"""Links have names that say where they go (WCAG 2.4.4, 4.1.2)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import ACT, WCAG, Axe, Technique
from access.textquality import is_generic_link_text
from rules.html import name_finding
from rules.html.dom import Page


def _links(page: Page) -> Iterator:
    for a in page.elements("a"):
        if a.get("href") is not None and not page.is_hidden(a) and page.role(a) in ("", "link"):
            yield a


@rule(id="html-link-name", target="html", impact="serious",
      requirements=(WCAG("2.4.4"), WCAG("4.1.2"), ACT("c487ae"), Axe("link-name")),
      messages={"named": "The link is named {name!r}.", "unnamed": "The link has no accessible name."})
def link_name(page: Page) -> Iterator[Finding]:
    """Links have text

    Every link (`<a href>`) needs an accessible name: text inside it, an image inside it with
    `alt` text, or an `aria-label`. Icon-only links and images without `alt` inside links
    are the usual culprits.

    **Why it matters**: screen reader users often navigate by the list of links; an empty link is
    announced as its web address or just "link", so the next lesson, the assignment or the download
    it points to cannot be found.

    **How to fix**: put descriptive text in the link, give the image inside it an `alt` that says
    where the link goes, or add `aria-label` to an icon-only link.
    """
    for a in _links(page):
        yield name_finding(link_name, page, a, page.accessible_name(a), href=a.get("href", "")[:200])


@rule(id="html-link-text-generic", target="html", impact="moderate",
      requirements=(WCAG("2.4.4"), Technique("F84"), Technique("G91")),
      messages={"generic": "The link text {text!r} does not say where the link goes.",
                "specific": "The link text {text!r} is specific."})
def link_text_generic(page: Page) -> Iterator[Finding]:
    """Link text says where the link goes

    Links whose whole text is generic — "click here", "read more", "here", "download" — are flagged
    for a person to review: WCAG accepts them only when the surrounding sentence makes the purpose
    clear.

    **Why it matters**: screen reader users skim a page through its list of links, out of context; a
    list of ten "read more" links tells them nothing, and voice-control users cannot say which one
    they want.

    **How to fix**: write the destination into the link text, e.g. "Read the week 2 reading list"
    instead of "click here", or add the missing words with `aria-label` that starts with the visible
    text.
    """
    for a in _links(page):
        name = page.accessible_name(a)
        if not name:
            continue
        if is_generic_link_text(name):
            yield link_text_generic.finding(Outcome.NEEDS_REVIEW, "generic", page.location(a), text=name)
        else:
            yield link_text_generic.finding(Outcome.PASS, "specific", page.location(a), text=name)
