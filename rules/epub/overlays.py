"""Media overlays (synchronized text-audio playback, EPUB Accessibility 1.1 §3.4.2)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, EpubA11y
from rules.epub import PACKAGE
from rules.epub.facts import EpubFacts


@rule(id="epub-media-overlays", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("1.3.1"), WCAG("1.3.2"), EpubA11y("3.4.2")),
      messages={"missing": "{path} names the media overlay {item!r}, which is not in the publication.",
                "malformed": "The media overlay {path} is not well-formed ({error}).",
                "target": "The media overlay {path} reads {target}, which is not in {document}.",
                "audio": "The media overlay {path} plays {audio}, which is not in the publication.",
                "order": "The media overlay {path} plays {target} before a part that comes earlier in the "
                         "document: the narration does not follow the reading order.",
                "pagebreak": "The media overlay {path} reads the page number {target} without marking it as a "
                             "page break (epub:type=\"pagebreak\"): readers cannot skip it.",
                "duration": "The package does not state the duration of the media overlay {path} (media:duration).",
                "ok": "{count} media overlay(s) follow their documents, with every text and audio file present."})
def media_overlays(facts: EpubFacts) -> Iterator[Finding]:
    """Media overlays follow their documents

    Each content document's media overlay (SMIL) is present and well formed; every text fragment
    it reads exists in the document, in document order; every audio file it plays is in the
    publication; page numbers it reads are marked as page breaks, so playback can skip them (a
    MUST of §3.4.1); and the package states each overlay's ``media:duration``.

    **Why it matters**: learners with dyslexia or low vision follow highlighted text while the
    narration plays; an overlay that jumps around, reads text that is not there or stops at a
    missing audio file breaks that reading.

    **How to fix**: regenerate the overlays from the documents as packed; mark page numbers
    ``epub:type="pagebreak"`` in the SMIL; state ``media:duration`` for each overlay.
    """
    r = media_overlays
    if not facts.overlays:
        return
    flagged = False
    breaks = {(d.path, b.element.id) for d in facts.documents for b in d.page_breaks}
    for doc in facts.documents:
        overlay = facts.overlays.get(doc.media_overlay or "")
        if overlay is None:
            continue
        if not overlay.present:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "missing", Location(url=doc.path), path=doc.path,
                            item=overlay.item_id)
            continue
        path = overlay.path or overlay.item_id
        if overlay.error:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "malformed", Location(url=path), path=path, error=overlay.error)
            continue
        positions = {id_: i for i, id_ in enumerate(doc.id_order)}
        last = -1
        for text in overlay.texts:
            target = f"{text.path}#{text.fragment}" if text.fragment else str(text.path)
            if text.path != doc.path or (text.fragment and text.fragment not in doc.ids):
                flagged = True
                yield r.finding(Outcome.VIOLATION, "target", Location(url=path), path=path, target=target,
                                document=doc.path)
                continue
            if text.audio is None or text.audio not in facts.files:
                flagged = True
                yield r.finding(Outcome.VIOLATION, "audio", Location(url=path), path=path, audio=text.audio or "?")
            if (doc.path, text.fragment) in breaks and "pagebreak" not in text.types:
                flagged = True
                yield r.finding(Outcome.VIOLATION, "pagebreak", Location(url=path), impact="moderate", path=path,
                                target=target)
            pos = positions.get(text.fragment, -1)
            if pos >= 0:
                if pos < last:
                    flagged = True
                    yield r.finding(Outcome.VIOLATION, "order", Location(url=path), impact="moderate", path=path,
                                    target=target)
                last = max(last, pos)
        if not facts.refining("media:duration", overlay.item_id):
            flagged = True
            yield r.finding(Outcome.VIOLATION, "duration", facts.location(), impact="minor", path=path)
    if not flagged:
        yield r.finding(Outcome.PASS, "ok", facts.location(), count=len(facts.overlays))
