"""The content facts the link, text and form rules read: one read-only pass over the page
(``js/content.js``) that lists links, text blocks and their type style, presentational markup,
unexpanded abbreviations, fieldsets, fields marked in error, hints and labels.

Most of these rules can only point a person at something to check (needs review): whether a link
makes sense out of context, whether text in capitals or italics is long, whether an error message
says how to correct the error. Each fires only on the specific pattern it names, never on every
link or paragraph, so what it lists is worth a person's look.
"""

from __future__ import annotations

from typing import Any

from rules.web.page import BrowserPage, Probe, script

MAX_ITEMS = 200
Content = Probe[dict[str, list[dict[str, Any]]]]


def collect(page: BrowserPage, url: str) -> Content:
    """Links, text blocks, markup and form facts of the page (read-only)."""
    return Probe(url, page.run(script("content"), MAX_ITEMS) or {})
