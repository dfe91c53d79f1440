"""Web links of a PDF page (link annotations) put back on the text they cover."""

from __future__ import annotations

from typing import Any

from access.document import Paragraph, Span, walk_blocks

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def page_links(page: Any) -> list[tuple[str, str]]:
    """(anchor text, URI) of a page's external links, in reading order."""
    out: list[tuple[str, str]] = []
    for link in page.get_links():
        uri = link.get("uri")
        if not uri or not uri.strip().lower().startswith(SAFE_SCHEMES):
            continue
        text = " ".join(page.get_textbox(link["from"]).split())
        if 2 <= len(text) <= 300:
            out.append((text, uri))
    return out


def apply_links(blocks: list[Any], links: list[tuple[str, str]]) -> int:
    """Turn the first unlinked occurrence of each anchor text into a link; returns how many."""
    paragraphs = [b for b in walk_blocks(blocks) if isinstance(b, Paragraph)]
    done = 0
    start = 0
    for text, uri in links:
        for k in range(start, len(paragraphs)):
            if _link_in(paragraphs[k], text, uri):
                done += 1
                start = k
                break
    return done


def _link_in(para: Paragraph, anchor: str, uri: str) -> bool:
    for i, span in enumerate(para.inlines):
        if not isinstance(span, Span) or span.href or anchor not in span.text:
            continue
        before, _, after = span.text.partition(anchor)
        parts = [Span(text=before, strong=span.strong, emphasis=span.emphasis)] if before else []
        parts.append(Span(text=anchor, strong=span.strong, emphasis=span.emphasis, href=uri))
        if after:
            parts.append(Span(text=after, strong=span.strong, emphasis=span.emphasis))
        para.inlines[i:i + 1] = parts
        return True
    return False
