"""Document-level PDF rules: tagging, title, language, PDF/UA identifier, security, bookmarks."""

from __future__ import annotations

import re
from collections.abc import Iterator

import langcodes

from access.catalogue import rule
from access.models import Finding, Impact, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA, PdfUA2, Technique
from rules.findings import narrowed
from rules.pdf.facts import PdfFacts
from rules.pdf.uafacts import LANG_SHAPE

CATALOG = Location(path="/Catalog")
BOOKMARKS_FROM_PAGES = 21


@rule(id="pdf-tagged", target="pdf", impact="critical",
      requirements=(WCAG("1.3.1"), Matterhorn("01-005"), PdfUA("7.1")),
      condition="The catalog has no /MarkInfo with /Marked true, or no /StructTreeRoot: the document is "
                "not a tagged PDF, so no content is tagged as real content.",
      messages={"tagged": "The PDF is tagged ({elements} structure elements).",
                "untagged": "The PDF is not tagged: {reasons}."})
def pdf_tagged(facts: PdfFacts) -> Iterator[Finding]:
    """The PDF is tagged

    A tagged PDF carries a structure tree (headings, paragraphs, lists, tables, figures) and says so
    with ``/MarkInfo /Marked true`` in its catalog. Without tags, every other structural check fails.

    **Why it matters**: screen readers, read-aloud tools and reflow on phones rely on the tags to
    know what is a heading, a list or a table and in which order to read it. An untagged lecture PDF
    is read as one undifferentiated stream of text, often in the wrong order.

    **How to fix**: export with tags turned on. Word: File › Save as › PDF › Options › "Document
    structure tags for accessibility". PowerPoint: the same option. LibreOffice: File › Export as
    PDF › "Universal Accessibility (PDF/UA)". For an existing file, Acrobat Pro: All tools › Prepare
    for accessibility › Automatically tag PDF, then check the tags.
    """
    if facts.tagged:
        yield pdf_tagged.finding(Outcome.PASS, "tagged", CATALOG, elements=facts.struct_elements)
        return
    missing = []
    if not facts.marked:
        missing.append("/MarkInfo /Marked is not true")
    if facts.struct_root is None:
        missing.append("there is no structure tree (/StructTreeRoot)")
    yield pdf_tagged.finding(Outcome.VIOLATION, "untagged", CATALOG, missing=missing, reasons=" and ".join(missing))


@rule(id="pdf-title", target="pdf", impact="serious",
      requirements=(WCAG("2.4.2"), Matterhorn("06-003"), Matterhorn("07-001"), Matterhorn("07-002"), PdfUA("7.1")),
      condition="The XMP metadata has no dc:title (06-003); the ViewerPreferences have no DisplayDocTitle "
                "(07-001) or it is false (07-002).",
      messages={"problem": "Title problem: {details}.", "displayed": "The title is {title!r} and viewers display it."})
def pdf_title(facts: PdfFacts) -> Iterator[Finding]:
    """The PDF has a title that viewers display

    The document needs a title in its metadata (the Info ``/Title`` and XMP ``dc:title``) and
    ``/DisplayDocTitle true`` so that viewers show the title instead of the file name.

    **Why it matters**: a learner with several course files open hears the window title first; a
    title such as "Week 3 – Photosynthesis" tells them which one they are in, "lec03_final_v2.pdf"
    does not.

    **How to fix**: Word and PowerPoint: File › Info › Properties › Title, then save as PDF.
    LibreOffice: File › Properties › Description › Title; the PDF/UA export sets the display option.
    Acrobat Pro: File › Properties › Description › Title, and Initial View › Show: Document Title.
    """
    title = (facts.xmp_title or facts.info_title or "").strip()
    problems = []
    if not title:
        problems.append("the document has no title in its metadata")
    elif not facts.xmp_title:
        problems.append("the title is not in the XMP metadata (dc:title)")
    if facts.display_doc_title is None:
        problems.append("viewers are not told to display the title (no /DisplayDocTitle)")
    elif facts.display_doc_title is False:
        problems.append("/DisplayDocTitle is false, so viewers show the file name")
    if not title or facts.display_doc_title is not True:
        yield pdf_title.finding(Outcome.VIOLATION, "problem", CATALOG, problems=problems, title=title or None,
                                details="; ".join(problems))
    elif problems:     # a title that viewers show, only missing from XMP: PDF/UA only, no WCAG failure
        yield pdf_title.finding(Outcome.VIOLATION, "problem", CATALOG, impact=Impact.MODERATE,
                                requirements=narrowed(pdf_title), problems=problems, title=title,
                                details="; ".join(problems))
    else:
        yield pdf_title.finding(Outcome.PASS, "displayed", CATALOG, title=title)


def language_gaps(facts: PdfFacts) -> list[str]:
    """What has no determinable language when the catalog has no /Lang (ISO 14289-1 7.2: page text,
    Alt/ActualText/E of structure elements and Span marked content, annotation Contents, field
    tooltips, outline entries and metadata need one, from the structure or marked content)."""
    gaps: list[str] = []
    text = sum(p.content.text_without_lang for p in facts.pages if p.content is not None)
    if text:
        gaps.append(f"{text} text operation(s) on the pages")
    spans = sum(p.content.span_text_without_lang for p in facts.pages if p.content is not None)
    if spans:
        gaps.append(f"{spans} Span marked-content sequence(s) with replacement text")
    described = [e for e in facts.elements() if (e.alt is not None or e.actual_text is not None or e.e is not None)
                 and e.inherited_lang is None]
    if described:
        gaps.append(f"the Alt, ActualText or E text of {len(described)} structure element(s)")
    annots = [a for p in facts.pages for a in p.annots if (a.contents is not None or a.tooltip is not None)
              and (a.parent is None or a.parent.inherited_lang is None)]
    if annots:
        gaps.append(f"the descriptions of {len(annots)} annotation(s) or field(s)")
    if facts.outline_items:
        gaps.append("the bookmarks")
    if facts.ua is not None and facts.ua.title_x_default:
        gaps.append("the document metadata (title)")
    if not facts.tagged and facts.words:
        gaps.append("the text (the PDF is not tagged)")
    return gaps


@rule(id="pdf-language", target="pdf", impact="serious",
      requirements=(WCAG("3.1.1"), Matterhorn("11-001"), Matterhorn("11-006"), PdfUA("7.2"), PdfUA2("8.4.4")),
      condition="The natural language of page content and metadata cannot be determined: the catalog has no "
                "/Lang and the structure elements or marked content do not declare one for every text "
                "(PDF/UA-2 8.4.4: the catalog must have /Lang).",
      messages={"declared": "The document language is {lang!r}.",
                "from-structure": "The catalog has no /Lang, but the structure and marked content give every text "
                                  "a language.",
                "partial": "The catalog has no /Lang and no language is determined for {gaps}.",
                "ua2": "The catalog has no /Lang, which PDF/UA-2 requires (8.4.4).",
                "missing": "The document does not declare its language (no /Lang in the catalog)."})
def pdf_language(facts: PdfFacts) -> Iterator[Finding]:
    """The PDF declares its language

    The catalog ``/Lang`` entry (for example ``en-GB``) gives the language of the document;
    passages in another language carry their own ``/Lang`` on the structure element. Without a
    catalog language, every text (page content, alternative texts, annotation descriptions,
    bookmarks and metadata) must take its language from its structure element or marked content.

    **Why it matters**: text-to-speech picks its pronunciation from the language. Without it a
    Spanish reading is spoken with English rules and becomes unintelligible to a learner who
    listens rather than reads.

    **How to fix**: Word: Review › Language › Set Proofing Language before exporting. PowerPoint:
    the same. LibreOffice: Tools › Options › Language Settings › Languages › Western. Acrobat Pro:
    File › Properties › Advanced › Reading Options › Language.
    """
    if facts.lang:
        yield pdf_language.finding(Outcome.PASS, "declared", CATALOG, lang=facts.lang)
        return
    if not facts.tagged:
        yield pdf_language.finding(Outcome.VIOLATION, "missing", CATALOG)
        return
    gaps = language_gaps(facts)
    has_structure_lang = any(e.lang for e in facts.elements()) or any(
        p.content is not None and p.content.mcids for p in facts.pages)
    text_gap = bool(gaps) and gaps[0].endswith("on the pages")
    if facts.ua_version == 2:
        yield pdf_language.finding(Outcome.VIOLATION, "ua2", CATALOG, impact=Impact.MODERATE if not text_gap else None,
                                   requirements=None if text_gap else narrowed(pdf_language))
    elif not gaps and has_structure_lang:
        yield pdf_language.finding(Outcome.PASS, "from-structure", CATALOG)
    elif gaps and not text_gap and has_structure_lang:   # the text has a language; metadata or bookmarks not
        yield pdf_language.finding(Outcome.VIOLATION, "partial", CATALOG, impact=Impact.MODERATE,
                                   requirements=narrowed(pdf_language), gaps="; ".join(gaps))
    elif gaps:
        yield pdf_language.finding(Outcome.VIOLATION, "partial", CATALOG, gaps="; ".join(gaps))
    else:
        yield pdf_language.finding(Outcome.VIOLATION, "missing", CATALOG)


def lang_is_valid(value: str) -> bool:
    """A well-formed language tag (RFC 3066 / BCP 47 shape: ``en``, ``fr-CA``, ``x-klingon``)."""
    return bool(LANG_SHAPE.match(value.strip()))


def lang_is_registered(value: str) -> bool:
    """A well-formed tag whose language subtag is registered (``en``, ``fr-CA``)."""
    try:
        return bool(langcodes.tag_is_valid(value.strip()))
    except (ValueError, LookupError):
        return False


@rule(id="pdf-language-valid", target="pdf", impact="serious",
      requirements=(WCAG("3.1.1"), WCAG("3.1.2"), PdfUA("7.2"), PdfUA2("8.4.4")),
      condition="A /Lang value (catalog or structure element) is not a language identifier of the RFC 3066 "
                "form (letters, then hyphen-separated subtags), so the language of the document or of a "
                "passage cannot be determined.",
      messages={"none": "No language is declared (see pdf-language).",
                "invalid": "{lang!r} is not a valid language code.",
                "unregistered": "{lang!r} is well formed but its language is not in the IANA registry: check it "
                                "is the code you meant.",
                "valid": "Valid language codes: {langs}."})
def pdf_language_valid(facts: PdfFacts) -> Iterator[Finding]:
    """Language codes are valid, for the document and for passages in other languages

    The catalog ``/Lang`` and every ``/Lang`` on a structure element (a quotation in French, a
    glossary term in Latin) must be a language code such as ``en``, ``fr-CA`` or ``sw`` — not
    a language name such as ``English``. A well-formed code whose language is not registered (a
    private ``x-`` tag, a new code) conforms; it is listed for a person to check.

    **Why it matters**: assistive technology ignores codes it does not know, so the passage is read
    with the wrong pronunciation; language learners depend on hearing the other language correctly.

    **How to fix**: Word: select the passage › Review › Language › Set Proofing Language, then
    export. LibreOffice: Format › Character › Font › Language. Acrobat Pro: Tags panel › the
    element › Properties › Language, or File › Properties › Advanced › Language for the document.
    """
    values = []
    if facts.lang:
        values.append((facts.lang, CATALOG))
    for el in facts.elements():
        if el.lang is not None:
            values.append((el.lang, Location(page=el.page, path=el.path)))
    for p in facts.pages:
        if p.content is not None:
            values += [(v, Location(page=p.number, path="marked content")) for v in p.content.langs]
    if not values:
        yield pdf_language_valid.finding(Outcome.INAPPLICABLE, "none")
        return
    bad = [(v, where) for v, where in values if not lang_is_valid(v)]
    for value, where in bad:
        criterion = "3.1.1" if where.path == "/Catalog" else "3.1.2"
        yield pdf_language_valid.finding(Outcome.VIOLATION, "invalid", where,
                                         requirements=narrowed(pdf_language_valid, criterion), lang=value)
    unregistered = [(v, where) for v, where in values if lang_is_valid(v) and not lang_is_registered(v)]
    for value, where in unregistered:
        criterion = "3.1.1" if where.path == "/Catalog" else "3.1.2"
        yield pdf_language_valid.finding(Outcome.NEEDS_REVIEW, "unregistered", where, impact=Impact.MINOR,
                                         requirements=(WCAG(criterion),), lang=value)
    if not bad and not unregistered:
        yield pdf_language_valid.finding(Outcome.PASS, "valid", langs=", ".join(sorted({v for v, _ in values})))


@rule(id="pdf-ua-identifier", target="pdf", impact="minor",
      requirements=(Matterhorn("06-001"), Matterhorn("06-002"), PdfUA("5"), PdfUA2("5")),
      condition="The document has no XMP metadata stream (06-001) or it lacks the PDF/UA identifier "
                "pdfuaid:part (06-002); the part is not 1 or 2; an identifier property is written under a "
                "prefix other than pdfuaid; (PDF/UA-2) pdfuaid:rev is not a four-digit year.",
      messages={"claimed": "The XMP metadata claims PDF/UA-{part}.",
                "no-xmp": "The PDF has no XMP metadata stream, so it has no PDF/UA identifier.",
                "no-identifier": "The XMP metadata has no PDF/UA identifier (pdfuaid:part).",
                "bad-part": "The XMP metadata claims PDF/UA part {part!r}, which does not exist.",
                "prefix": "The PDF/UA identifier is written as {properties}, not with the pdfuaid prefix.",
                "bad-rev": "The PDF/UA-2 identifier's revision (pdfuaid:rev) is {rev!r}, not a four-digit year."})
def pdf_ua_identifier(facts: PdfFacts) -> Iterator[Finding]:
    """The PDF identifies itself as PDF/UA

    A file that claims PDF/UA conformance says so in its XMP metadata (``pdfuaid:part = 1``, or 2 with
    ``pdfuaid:rev`` the year of the edition). This is a PDF/UA requirement with no WCAG success
    criterion.

    **Why it matters**: procurement rules and checkers (PAC, veraPDF) only treat a file as PDF/UA when
    it claims to be; assistive technology may use the claim to trust the tags.

    **How to fix**: LibreOffice: File › Export as PDF › "Universal Accessibility (PDF/UA)". Word
    (Microsoft 365): File › Save as › PDF › Options › "PDF/UA compliant". Acrobat Pro: the Preflight
    fixup "Convert to PDF/UA". Only claim it once the other PDF checks pass.
    """
    ua = facts.ua
    part = (facts.pdfua_part or (ua.part if ua is not None else None) or "").strip()
    if not facts.has_xmp:
        yield pdf_ua_identifier.finding(Outcome.VIOLATION, "no-xmp", CATALOG)
        return
    if not part:
        yield pdf_ua_identifier.finding(Outcome.VIOLATION, "no-identifier", CATALOG)
        return
    failed = False
    if part not in ("1", "2"):
        failed = True
        yield pdf_ua_identifier.finding(Outcome.VIOLATION, "bad-part", CATALOG, part=part)
    if ua is not None and ua.wrong_prefixes:
        failed = True
        yield pdf_ua_identifier.finding(Outcome.VIOLATION, "prefix", CATALOG, properties=", ".join(ua.wrong_prefixes))
    if part == "2" and ua is not None and not re.fullmatch(r"\d{4}", (ua.rev or "").strip()):
        failed = True
        yield pdf_ua_identifier.finding(Outcome.VIOLATION, "bad-rev", CATALOG, rev=ua.rev,
                                        requirements=(PdfUA2("5"),))
    if not failed:
        yield pdf_ua_identifier.finding(Outcome.PASS, "claimed", CATALOG, part=part)


@rule(id="pdf-security-at", target="pdf", impact="critical",
      requirements=(WCAG("4.1.2"), Matterhorn("26-002"), PdfUA("7.16")),
      condition="The file is encrypted and the permission bit 10 (content extraction for accessibility) is not set.",
      messages={"not-encrypted": "The PDF is not encrypted.",
                "permitted": "The PDF is encrypted but allows extraction for accessibility.",
                "blocked": "The PDF's security settings block text access for assistive technology."})
def pdf_security_at(facts: PdfFacts) -> Iterator[Finding]:
    """Security settings let assistive technology read the text

    A PDF may be encrypted with an owner password that restricts copying or printing, but it must
    keep the "content extraction for accessibility" permission.

    **Why it matters**: with that permission off, screen readers and text-to-speech tools may refuse
    to read the document at all, locking blind and dyslexic learners out of the material.

    **How to fix**: Acrobat Pro: File › Properties › Security › Security Method: No Security, or
    keep password security but tick "Enable text access for screen reader devices". Re-export from
    Word, PowerPoint or LibreOffice without restrictions.
    """
    if not facts.encrypted:
        yield pdf_security_at.finding(Outcome.INAPPLICABLE, "not-encrypted", CATALOG)
    elif facts.accessibility_permitted:
        yield pdf_security_at.finding(Outcome.PASS, "permitted", CATALOG)
    else:
        yield pdf_security_at.finding(Outcome.VIOLATION, "blocked", CATALOG)


@rule(id="pdf-bookmarks", target="pdf", impact="moderate", requirements=(WCAG("2.4.5"), Technique("PDF2")),
      condition=f"A document of {BOOKMARKS_FROM_PAGES} or more pages has no outline (bookmarks).",
      messages={"short": "The PDF has only {pages} pages.", "bookmarked": "The PDF has {bookmarks} bookmarks.",
                "missing": "The PDF has {pages} pages and no bookmarks."})
def pdf_bookmarks(facts: PdfFacts) -> Iterator[Finding]:
    """Long PDFs have bookmarks

    Documents of more than 20 pages need an outline (bookmarks) that mirrors the headings.

    **Why it matters**: bookmarks let a learner jump straight to the chapter they need instead of
    paging through a long reader with a screen reader or magnifier, one page at a time.

    **How to fix**: Word: File › Save as › PDF › Options › "Create bookmarks using: Headings" (use
    heading styles). LibreOffice: Export as PDF › "Export outlines". Acrobat Pro: Bookmarks panel ›
    Options › "New Bookmarks from Structure".
    """
    if facts.page_count < BOOKMARKS_FROM_PAGES:
        yield pdf_bookmarks.finding(Outcome.INAPPLICABLE, "short", CATALOG, pages=facts.page_count)
    elif facts.outline_items:
        yield pdf_bookmarks.finding(Outcome.PASS, "bookmarked", CATALOG, bookmarks=facts.outline_items)
    else:
        yield pdf_bookmarks.finding(Outcome.VIOLATION, "missing", CATALOG, pages=facts.page_count)

