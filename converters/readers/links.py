"""Web links of a PDF page (link annotations) put back on the text they cover."""

from __future__ import annotations

from typing import Any

from access.document import Paragraph, Span, walk_blocks

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def page_links(page: Any) -> list[tuple[str, str]]:
    """(anchor text, URI) of a page's external links, in reading order: the words whose middle lies
    in the link's rectangle (the page's words are read once, not once per link)."""
    out: list[tuple[str, str]] = []
    links = [link for link in page.get_links()
             if (link.get("uri") or "").strip().lower().startswith(SAFE_SCHEMES)]
    if not links:
        return out
    words = page.get_text("words")
    for link in links:
        r = link["from"]
        inside = [w[4] for w in words if r.x0 - 1 <= (w[0] + w[2]) / 2 <= r.x1 + 1
                  and r.y0 - 1 <= (w[1] + w[3]) / 2 <= r.y1 + 1]
        text = " ".join(inside)
        if 2 <= len(text) <= 300:
            out.append((text, link["uri"]))
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
