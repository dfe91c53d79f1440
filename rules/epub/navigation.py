"""Navigation: the table of contents, landmarks, the page list and its source, page break markers
(EPUB 3.3 navigation document; EPUB Accessibility 1.1 §3.4.1)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, EpubA11y
from rules.epub import PACKAGE
from rules.epub.facts import EpubFacts, NavLink, documents_in

LANDMARK_TYPES = frozenset({"toc", "bodymatter", "frontmatter", "backmatter", "cover", "titlepage", "loi", "lot",
                            "lov", "loa", "index", "glossary", "bibliography", "preface", "introduction",
                            "acknowledgments", "appendix", "chapter", "part", "copyright-page", "colophon",
                            "dedication", "epigraph", "foreword", "prologue", "epilogue", "afterword",
                            "conclusion", "endnotes", "footnotes", "rearnotes", "errata", "landmarks",
                            "page-list", "halftitlepage", "other-credits", "contributors", "imprint",
                            "seriespage"})


def _nav_location(facts: EpubFacts, kind: str) -> Location:
    nav = facts.nav
    if nav is None:
        return facts.location()
    return Location(url=nav.path, selector=f'nav[epub|type~="{kind}"]' if nav.source == "nav" else None)


def broken(facts: EpubFacts, link: NavLink) -> str | None:
    """Why a navigation link leads nowhere (None when it reaches its target)."""
    if link.path is None:
        return "it points outside the publication"
    doc = facts.by_path.get(link.path)
    if doc is None:
        return "its document is not in the spine" if link.path in facts.files else "its document is missing"
    if link.fragment and link.fragment not in doc.ids:
        return f"the document has no element with id {link.fragment!r}"
    return None


@rule(id="epub-nav-toc", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("2.4.5"), EpubA11y("3.3")),
      messages={"no-nav": "The publication has no navigation document (nor an NCX): there is no table of contents.",
                "no-toc": "The navigation document has no table of contents (nav epub:type=\"toc\").",
                "empty": "The table of contents has no entries.",
                "broken": "The table of contents entry {label!r} ({href}) leads nowhere: {why}.",
                "unlabelled": "A table of contents entry ({href}) has no text.",
                "ok": "The table of contents has {entries} entries, each reaching its place."})
def nav_toc(facts: EpubFacts) -> Iterator[Finding]:
    """The table of contents exists and every entry reaches its place

    Every EPUB 3 publication has a navigation document whose ``nav epub:type="toc"`` lists the
    publication's structure (EPUB 2: the NCX ``navMap``). Fails when there is none, when it is
    empty, when an entry has no text, or when an entry leads to a missing document or to an id the
    document does not have.

    **Why it matters**: the table of contents is how a screen-reader user moves through a book;
    a learner told to "open chapter 4" cannot get there when the entry is missing or broken.

    **How to fix**: list every chapter and section in the navigation document's ``toc`` nav, each
    link pointing at a content document of the spine (and an id it contains).
    """
    r = nav_toc
    nav = facts.nav
    if nav is None:
        yield r.finding(Outcome.VIOLATION, "no-nav", facts.location())
        return
    where = _nav_location(facts, "toc")
    if nav.toc is None:
        yield r.finding(Outcome.VIOLATION, "no-toc", where)
        return
    if not nav.toc:
        yield r.finding(Outcome.VIOLATION, "empty", where)
        return
    flagged = False
    for link in nav.toc:
        if not link.label:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "unlabelled", where, href=link.href)
        why = broken(facts, link)
        if why:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "broken", where, label=link.label, href=link.href, why=why)
    if not flagged:
        yield r.finding(Outcome.PASS, "ok", where, entries=len(nav.toc))


@rule(id="epub-toc-order", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("1.3.2"), WCAG("2.4.3"), EpubA11y("3.3")),
      messages={"order": "The table of contents lists {label!r} ({href}) after an entry that comes later in the "
                         "reading order.",
                "ok": "The table of contents follows the reading order."})
def toc_order(facts: EpubFacts) -> Iterator[Finding]:
    """The table of contents follows the reading order

    Entries of the table of contents are in the order of the spine, and within a document in the
    order of their targets. Fails at the first entry that goes back.

    **Why it matters**: a table of contents that jumps back and forth misleads a learner about the
    structure of the book and makes "next chapter" unpredictable.

    **How to fix**: order the table of contents like the spine (or reorder the spine if it is the
    one that is wrong).
    """
    nav = facts.nav
    if nav is None or not nav.toc:
        return
    order: dict[str, int] = {}
    for i, doc in enumerate(facts.documents):
        order.setdefault(doc.path, i)
    last = -1
    for link in nav.toc:
        if link.path not in order:
            continue
        pos = order[link.path]
        if pos < last:
            yield toc_order.finding(Outcome.VIOLATION, "order", _nav_location(facts, "toc"), label=link.label,
                                    href=link.href)
            return
        last = pos
    yield toc_order.finding(Outcome.PASS, "ok", _nav_location(facts, "toc"))


@rule(id="epub-nav-landmarks", target="epub", impact="minor", reads=PACKAGE,
      requirements=(WCAG("2.4.1"), EpubA11y("3.3")),
      messages={"none": "The navigation document has no landmarks (nav epub:type=\"landmarks\"): reading systems "
                        "cannot offer 'go to the start' or 'go to the table of contents'.",
                "broken": "The landmark {label!r} ({href}) leads nowhere: {why}.",
                "untyped": "The landmark {label!r} ({href}) has no epub:type naming what it is.",
                "ok": "The landmarks ({types}) each reach their place."})
def nav_landmarks(facts: EpubFacts) -> Iterator[Finding]:
    """The navigation document has working landmarks

    The ``nav epub:type="landmarks"`` of the navigation document names the major parts of the
    publication (``bodymatter`` where the content starts, ``toc`` ...), each link with its
    ``epub:type``. A publication without landmarks needs review; a landmark without a type, or one
    that leads nowhere, fails. (EPUB 2 publications have no landmarks: not applicable.)

    **Why it matters**: reading systems turn landmarks into commands such as "go to start" and
    "go to contents"; a learner using a screen reader relies on them instead of scanning pages.

    **How to fix**: add a landmarks nav with at least ``toc`` and ``bodymatter`` entries whose
    links reach their targets.
    """
    r = nav_landmarks
    nav = facts.nav
    if nav is None or nav.source != "nav":
        return
    where = _nav_location(facts, "landmarks")
    if not nav.landmarks:
        yield r.finding(Outcome.NEEDS_REVIEW, "none", Location(url=nav.path))
        return
    flagged = False
    for link in nav.landmarks:
        why = None if link.path == nav.path else broken(facts, link)
        if why:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "broken", where, impact="moderate", label=link.label, href=link.href,
                            why=why)
        if not link.types:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "untyped", where, label=link.label, href=link.href)
    if not flagged:
        yield r.finding(Outcome.PASS, "ok", where, types=", ".join(t for link in nav.landmarks for t in link.types))


@rule(id="epub-page-list", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("2.4.5"), EpubA11y("3.4.1")),
      messages={"no-list": "{count} page break marker(s) are in the content but the navigation has no page list "
                           "(first: {first}).",
                "broken": "The page list entry {label!r} ({href}) leads nowhere: {why}.",
                "not-a-break": "The page list entry {label!r} ({href}) points at an element that is not marked as a "
                               "page break.",
                "unlisted": "The page break {label!r} is not in the page list.",
                "ok": "The page list has {entries} entries, each at a page break marker."})
def page_list(facts: EpubFacts) -> Iterator[Finding]:
    """The page list reaches every page break, and every page break is in it

    When a publication has page navigation (print page numbers), EPUB Accessibility 1.1 requires
    a page list (``nav epub:type="page-list"``) with a link to every page break marker. Fails when
    page break markers exist without a page list, when an entry leads nowhere or to an element
    that is not a page break, and when a page break is missing from the list. (Fixed-layout
    publications, whose pages are the documents, only need entries that reach their documents.)

    **Why it matters**: in class, the teacher says "turn to page 112"; the page list is how a learner
    with a screen reader or a reflowed large-print view gets there.

    **How to fix**: generate the page list from the page break markers (``epub:type="pagebreak"``
    with ``role="doc-pagebreak"``) so each one has exactly one entry.
    """
    r = page_list
    nav = facts.nav
    breaks = [(d, b) for d in documents_in(facts) for b in d.page_breaks]
    entries = nav.page_list if nav is not None else None
    if entries is None:
        if breaks:
            doc, first = breaks[0]
            yield r.finding(Outcome.VIOLATION, "no-list", first.element.location(doc.path), count=len(breaks),
                            first=first.label or doc.path)
        return
    where = _nav_location(facts, "page-list")
    break_ids = {(d.path, b.element.id) for d, b in breaks}
    listed: set[tuple[str, str]] = set()
    flagged = False
    for link in entries:
        why = broken(facts, link)
        if why:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "broken", where, label=link.label, href=link.href, why=why)
            continue
        assert link.path is not None
        listed.add((link.path, link.fragment))
        if link.fragment and (link.path, link.fragment) not in break_ids and not facts.fixed_layout:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "not-a-break", where, impact="minor", label=link.label, href=link.href)
    if not facts.fixed_layout:
        for doc, b in breaks:
            if (doc.path, b.element.id) not in listed:
                flagged = True
                yield r.finding(Outcome.VIOLATION, "unlisted", b.element.location(doc.path), label=b.label or "?")
    if not flagged and entries:
        yield r.finding(Outcome.PASS, "ok", where, entries=len(entries))


def pagination_source(facts: EpubFacts) -> list[str]:
    """``dc:source`` as the source of the pagination: in EPUB 3 only when a ``source-of`` statement
    says ``pagination`` (EPUB Accessibility 1.0); in EPUB 2, which cannot say it, any ``dc:source``."""
    if facts.is_epub2:
        return facts.values("dc:source")
    return [m.value for m in facts.meta if m.property == "dc:source" and m.value and m.id
            and "pagination" in facts.refining("source-of", m.id)]


@rule(id="epub-page-source", target="epub", impact="serious", reads=PACKAGE,
      requirements=(EpubA11y("3.4.1"),),
      messages={"missing": "The publication has page navigation but does not say which print edition the page "
                           "numbers come from (pageBreakSource or dc:source).",
                "stated": "The page numbers come from {source!r}."})
def page_source(facts: EpubFacts) -> Iterator[Finding]:
    """Page numbers name the edition they come from

    A publication with a page list or page break markers identifies the source of its pagination
    in the package metadata: ``pageBreakSource`` (EPUB Accessibility 1.1, e.g. the print ISBN)
    or a ``dc:source`` refined by ``source-of`` = ``pagination`` (1.0; in EPUB 2 any ``dc:source``).
    A ``dc:source`` that only names where the text came from does not count. Fails when the page
    navigation has no stated source. (Fixed-layout publications, whose pages are their own, are not
    checked.)

    **Why it matters**: hardback and paperback editions number their pages differently; a
    learner's "page 112" must be the same page as the class's printed copy.

    **How to fix**: add ``<meta property="pageBreakSource">urn:isbn:…</meta>`` naming the print
    edition (or ``none`` when the page numbers are the digital edition's own).
    """
    nav = facts.nav
    has_pages = bool(nav is not None and nav.page_list) or any(d.page_breaks for d in documents_in(facts))
    if not has_pages or facts.fixed_layout:
        return
    source = facts.values("pageBreakSource") or facts.values("a11y:pageBreakSource") or pagination_source(facts)
    if source:
        yield page_source.finding(Outcome.PASS, "stated", facts.location(), source=source[0])
    else:
        yield page_source.finding(Outcome.VIOLATION, "missing", facts.location())


@rule(id="epub-pagebreak-label", target="epub", impact="moderate", reads=PACKAGE,
      requirements=(WCAG("1.3.1"), WCAG("4.1.2"), EpubA11y("3.4.1")),
      messages={"unlabelled": "A page break marker has no page number a reader could announce "
                              "(no aria-label, title or text).",
                "ok": "{count} page break marker(s) each carry their page number."})
def pagebreak_label(facts: EpubFacts) -> Iterator[Finding]:
    """Page break markers carry their page number

    Each page break marker (``epub:type="pagebreak"`` or ``role="doc-pagebreak"``) has an
    accessible name: its page number as text, ``aria-label`` or ``title``. Fails for a marker with
    none.

    **Why it matters**: a screen reader announces page breaks as the learner reads; without a
    number it can only say "page break", and the learner cannot tell where they are.

    **How to fix**: give each marker its page number, e.g.
    ``<span id="p12" epub:type="pagebreak" role="doc-pagebreak" aria-label="12"/>``.
    """
    count = 0
    for doc in documents_in(facts):
        for b in doc.page_breaks:
            count += 1
            if not b.label:
                yield pagebreak_label.finding(Outcome.VIOLATION, "unlabelled", b.element.location(doc.path))
    if count:
        yield pagebreak_label.finding(Outcome.PASS, "ok", facts.location(), count=count)
