"""The package and its content documents: title, languages, the spine as reading order, the
resources the manifest lists, well-formed documents, and the ARIA roles of ``epub:type``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, EpubA11y
from rules.epub import PACKAGE
from rules.epub.facts import EpubFacts, documents_in
from rules.html.document import lang_is_valid


def primary(tag: str | None) -> str:
    return (tag or "").split("-")[0].strip().lower()


@rule(id="epub-title", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("2.4.2"), EpubA11y("3.3")),
      messages={"missing": "The package document has no title (dc:title).",
                "titled": "The publication is titled {title!r}."})
def title(facts: EpubFacts) -> Iterator[Finding]:
    """The publication has a title

    The package document's ``dc:title`` names the publication. Fails when it is missing or empty.

    **Why it matters**: the title is what reading systems and screen readers announce for the
    book on a learner's shelf; without it the learner hears a file name.

    **How to fix**: add ``<dc:title>`` with the book's title to the package metadata.
    """
    titles = facts.values("dc:title")
    if titles:
        yield title.finding(Outcome.PASS, "titled", facts.location("dc|title"), title=titles[0])
    else:
        yield title.finding(Outcome.VIOLATION, "missing", facts.location())


@rule(id="epub-lang", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("3.1.1"), EpubA11y("3.3")),
      messages={"missing": "The package document states no language (dc:language).",
                "invalid": "The publication's language {lang!r} is not a valid BCP 47 language tag.",
                "package": "The package document does not say what language its own metadata is in (no xml:lang "
                           "on package): titles and the accessibility summary are read with no language.",
                "stated": "The publication's language is {lang!r}."})
def lang(facts: EpubFacts) -> Iterator[Finding]:
    """The publication states its language

    The package document has a ``dc:language`` with a valid BCP 47 tag (EPUB 3 requires one), and
    (EPUB 3) its ``package`` element says in ``xml:lang`` what language the metadata itself is
    written in. Fails when either is missing, or the tag is not valid.

    **Why it matters**: reading systems choose the text-to-speech voice and the braille table from
    the language; English text read by a French voice is nonsense to a blind learner.

    **How to fix**: add ``<dc:language>`` with the main language of the text, e.g. ``en`` or
    ``fr-CA``, and ``xml:lang`` on the package document's ``package`` element.
    """
    langs = facts.values("dc:language")
    if not facts.is_epub2 and not facts.package_lang:
        yield lang.finding(Outcome.VIOLATION, "package", facts.location("package"), impact="moderate")
    if not langs:
        yield lang.finding(Outcome.VIOLATION, "missing", facts.location())
        return
    for tag in langs:
        if lang_is_valid(tag):
            yield lang.finding(Outcome.PASS, "stated", facts.location("dc|language"), lang=tag)
        else:
            yield lang.finding(Outcome.VIOLATION, "invalid", facts.location("dc|language"), lang=tag)


@rule(id="epub-document-lang", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("3.1.1"), EpubA11y("3.3")),
      messages={"none": "{path} declares no language and the package states none either: nothing tells a "
                        "reading system what language it is in.",
                "mismatch": "{path} declares the language {doc_lang!r}, but the package states {package_lang}.",
                "attributes": "{path} has lang={lang!r} but xml:lang={xml_lang!r}.",
                "ok": "Every content document's language agrees with the package ({checked} checked)."})
def document_lang(facts: EpubFacts) -> Iterator[Finding]:
    """Each content document's language agrees with the publication's

    Each content document declares its language (``xml:lang`` and ``lang`` on ``html``, with the
    same value), and that language is one the package states. Fails when neither the document nor
    the package says anything, or when ``lang`` and ``xml:lang`` differ; needs review when a
    document is in a language the package does not list (a language of a part is allowed, but
    should be listed). A document without a language while the package has one is reported by
    the browser check of the document (axe-core ``html-has-lang``).

    **Why it matters**: a screen reader switches voice at each document; a document with no or
    the wrong language is read with the wrong pronunciation rules.

    **How to fix**: put ``xml:lang`` and ``lang`` with the same tag on each document's ``html``
    element, and list every language of the publication in ``dc:language``.
    """
    r = document_lang
    package = [primary(t) for t in facts.values("dc:language")]
    checked = 0
    flagged = False
    for doc in documents_in(facts, ("application/xhtml+xml",)):
        checked += 1
        where = Location(url=doc.path, selector="html")
        if doc.lang and doc.xml_lang and doc.lang.lower() != doc.xml_lang.lower():
            flagged = True
            yield r.finding(Outcome.VIOLATION, "attributes", where, path=doc.path, lang=doc.lang,
                            xml_lang=doc.xml_lang)
        if not doc.language and not package:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "none", where, path=doc.path)
        elif doc.language and package and primary(doc.language) not in package:
            flagged = True
            yield r.finding(Outcome.NEEDS_REVIEW, "mismatch", where, impact="moderate", path=doc.path,
                            doc_lang=doc.language, package_lang=", ".join(facts.values("dc:language")))
    if checked and not flagged:
        yield r.finding(Outcome.PASS, "ok", facts.location(), checked=checked)


@rule(id="epub-reading-order", target="epub", impact="serious", reads=PACKAGE,
      requirements=(WCAG("1.3.2"), WCAG("2.4.3"), EpubA11y("3.3")),
      messages={"empty": "The spine is empty: the publication has no reading order.",
                "unknown": "The spine refers to {idref!r}, which the manifest does not have.",
                "twice": "The spine lists {path} {count} times.",
                "unreachable": "{path} is left out of the reading order (linear=\"no\") and nothing links to it: "
                               "readers cannot reach it.",
                "not-content": "The spine lists {path} ({media_type}), which is not a content document.",
                "ok": "The reading order has {count} document(s), each reachable once."})
def reading_order(facts: EpubFacts) -> Iterator[Finding]:
    """The spine gives a complete reading order

    The spine lists the content documents in reading order: every entry names a manifest item
    that is a content document, no document is listed twice, and a document left out of the
    linear order (``linear="no"``: answers, pop-up notes) is linked from somewhere so readers can
    reach it. The order of the table of contents is checked against it by ``epub-toc-order``.

    **Why it matters**: the spine is the order in which a screen reader or read-aloud plays the
    book; a chapter listed twice is read twice, and a non-linear document nobody links to is
    invisible to a learner who cannot browse the file.

    **How to fix**: list each content document once, in reading order; link every non-linear
    document from the text or the table of contents.
    """
    r = reading_order
    if not facts.spine:
        yield r.finding(Outcome.VIOLATION, "empty", facts.location("spine"))
        return
    flagged = False
    for ref in facts.spine:
        if ref.idref not in facts.manifest:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "unknown", facts.location("spine"), idref=ref.idref)
    counts = Counter(d.path for d in facts.documents)
    for path, n in counts.items():
        if n > 1:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "twice", facts.location("spine"), impact="moderate", path=path, count=n)
    linked = {target for d in facts.documents for target in d.links}
    if facts.nav is not None:
        linked |= {link.path for link in (facts.nav.toc or []) + (facts.nav.landmarks or []) if link.path}
    for doc in facts.documents:
        if doc.present and doc.media_type not in ("application/xhtml+xml", "image/svg+xml"):
            flagged = True
            yield r.finding(Outcome.VIOLATION, "not-content", facts.location("spine"), impact="moderate",
                            path=doc.path, media_type=doc.media_type)
        if not doc.linear and doc.path not in linked:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "unreachable", Location(url=doc.path), path=doc.path)
    if not flagged:
        yield r.finding(Outcome.PASS, "ok", facts.location("spine"), count=len(facts.documents))


@rule(id="epub-resources", target="epub", impact="serious", reads=PACKAGE,
      requirements=(EpubA11y("3.3"),),
      messages={"missing": "The manifest lists {href} ({media_type}), but the file is not in the publication.",
                "outside": "The manifest item {href} points outside the publication.",
                "malformed": "{path} is not well-formed XHTML ({error}): reading systems may show nothing of it.",
                "ok": "All {count} resources of the manifest are present; every content document is well formed."})
def resources(facts: EpubFacts) -> Iterator[Finding]:
    """Every resource is present and every content document is well formed

    Each manifest item's file is in the container, and each content document of the spine is
    well-formed XML (XHTML). Fails for a missing file, an item pointing outside the container, and
    a content document that does not parse as XML.

    **Why it matters**: a missing chapter or image, or a document a reading system refuses to
    show, is content the learner never gets, and assistive technology cannot recover it.

    **How to fix**: pack every file the manifest lists; fix the XML errors named (unclosed
    elements, HTML entities such as ``&nbsp;`` that XML does not know; use ``&#160;``).
    """
    r = resources
    flagged = False
    for item in facts.manifest.values():
        if item.path is None and ":" not in item.href.split("/")[0]:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "outside", facts.location("manifest"), href=item.href)
        elif item.path is not None and not item.present:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "missing", facts.location(f'item[href="{item.href}"]'), href=item.href,
                            media_type=item.media_type)
    for doc in facts.documents:
        if doc.present and not doc.well_formed:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "malformed", Location(url=doc.path), path=doc.path, error=doc.error)
    if not flagged:
        yield r.finding(Outcome.PASS, "ok", facts.location("manifest"), count=len(facts.manifest))


# epub:type → the DPUB-ARIA (or ARIA) role that carries the same meaning to assistive technology
TYPE_ROLES = {
    "abstract": "doc-abstract", "acknowledgments": "doc-acknowledgments", "afterword": "doc-afterword",
    "appendix": "doc-appendix", "backlink": "doc-backlink", "bibliography": "doc-bibliography",
    "biblioref": "doc-biblioref", "chapter": "doc-chapter", "colophon": "doc-colophon",
    "conclusion": "doc-conclusion", "cover": "doc-cover", "credit": "doc-credit", "credits": "doc-credits",
    "dedication": "doc-dedication", "endnotes": "doc-endnotes", "epigraph": "doc-epigraph",
    "epilogue": "doc-epilogue", "errata": "doc-errata", "example": "doc-example", "footnote": "doc-footnote",
    "foreword": "doc-foreword", "glossary": "doc-glossary", "glossref": "doc-glossref", "index": "doc-index",
    "introduction": "doc-introduction", "noteref": "doc-noteref", "notice": "doc-notice",
    "pagebreak": "doc-pagebreak", "page-list": "doc-pagelist", "part": "doc-part", "preface": "doc-preface",
    "prologue": "doc-prologue", "pullquote": "doc-pullquote", "qna": "doc-qna", "subtitle": "doc-subtitle",
    "tip": "doc-tip", "toc": "doc-toc", "glossterm": "term", "glossdef": "definition",
}


@rule(id="epub-type-role", target="epub", impact="minor", reads=PACKAGE,
      requirements=(WCAG("1.3.1"), EpubA11y("3.3")),
      messages={"no-role": "The element has epub:type={type!r} but no role={role!r}: assistive technology does "
                           "not see what it is.",
                "ok": "{count} element(s) with an epub:type carry the matching role."})
def type_role(facts: EpubFacts) -> Iterator[Finding]:
    """Structural semantics reach assistive technology (epub:type with its ARIA role)

    ``epub:type`` is read by reading systems only; assistive technology reads ARIA roles. An
    element whose ``epub:type`` has a DPUB-ARIA counterpart (``chapter`` → ``doc-chapter``,
    ``footnote`` → ``doc-footnote``, ``pagebreak`` → ``doc-pagebreak`` ...) carries that role too.
    Fails for each element without it, in the content documents and the navigation document
    (``nav epub:type="toc"`` takes ``role="doc-toc"``).

    **Why it matters**: a screen reader announces "footnote" or "page 12" only from the role; with
    ``epub:type`` alone, the learner hears plain text and cannot skip notes or find pages.

    **How to fix**: add the matching ``role`` next to ``epub:type``, e.g.
    ``<aside epub:type="footnote" role="doc-footnote">``.
    """
    count = 0
    docs = documents_in(facts, ("application/xhtml+xml",))
    if facts.nav_document is not None:
        docs.append(facts.nav_document)
    for doc in docs:
        for typed in doc.typed:
            expected = [TYPE_ROLES[t] for t in typed.types if t in TYPE_ROLES]
            if not expected or typed.element.html.startswith(("<body", "<html")):
                continue
            count += 1
            if not set(typed.role.split()) & set(expected):
                yield type_role.finding(Outcome.VIOLATION, "no-role", typed.element.location(doc.path),
                                        type=" ".join(typed.types), role=expected[0])
    if count:
        yield type_role.finding(Outcome.PASS, "ok", facts.location(), count=count)
