"""PDF text rules: fonts, Unicode mapping, scanned pages, contrast, text size, reading level."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import Rule, rule
from access.models import BBox, Finding, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA, PdfUA2, Technique
from rules.findings import CONTRAST, narrowed
from rules.pdf.facts import PdfFacts, Span
from rules.pdf.uafacts import CJK_ORDERINGS, UaFont
from rules.textmetrics import reading_grade, required_contrast, rgb_hex

IMAGE_ONLY_COVER = 0.3          # share of a text-less page covered by images to call it scanned
GARBLED_SHARE = 0.05            # share of unmappable characters that makes text unusable
READING_GRADE_REVIEW = 12.0     # Flesch-Kincaid grade above which a person should review the wording
READING_MIN_WORDS = 100


def span_at(page: int, s: Span) -> Location:
    return Location(page=page, bbox=BBox(x0=s.bbox[0], y0=s.bbox[1], x1=s.bbox[2], y1=s.bbox[3]),
                    excerpt=s.text[:80])


@rule(id="pdf-fonts-embedded", target="pdf", impact="moderate",
      requirements=(PdfUA("7.21.4.1"), Matterhorn("31-009")),
      condition="A font used for rendering is not embedded in the file.",
      messages={"not-embedded": "Font {font!r} ({type}) is not embedded.",
                "embedded": "All {fonts} fonts are embedded.", "no-fonts": "The PDF uses no fonts."})
def pdf_fonts_embedded(facts: PdfFacts) -> Iterator[Finding]:
    """Fonts are embedded

    PDF/UA requires every font used to draw text to be embedded in the file (the standard 14 fonts
    included). This is a PDF/UA condition with no WCAG success criterion of its own.

    **Why it matters**: a viewer that lacks the font substitutes another one, which can change
    spacing, break symbols in maths and science material, and change what text-to-speech reads.

    **How to fix**: Word: File › Options › Save › "Embed fonts in the file", or use Save as PDF (which
    embeds). LibreOffice: PDF/UA or PDF/A export embeds all fonts. Acrobat Pro: Preflight › "Embed
    missing fonts".
    """
    missing = [f for f in facts.fonts if not f.embedded]
    for f in missing:
        yield pdf_fonts_embedded.finding(Outcome.VIOLATION, "not-embedded", Location(page=f.pages[0], excerpt=f.name),
                                         font=f.name, pages=f.pages, type=f.type)
    if facts.fonts and not missing:
        yield pdf_fonts_embedded.finding(Outcome.PASS, "embedded", fonts=len(facts.fonts))
    elif not facts.fonts:
        yield pdf_fonts_embedded.finding(Outcome.INAPPLICABLE, "no-fonts")


@rule(id="pdf-text-unicode", target="pdf", impact="serious",
      requirements=(WCAG("1.3.1"), WCAG("4.1.2"), Matterhorn("10-001"), PdfUA("7.21.7"), PdfUA2("8.4.5.8")),
      condition="Character codes cannot be mapped to Unicode: a composite (Type0) font whose character "
                "collection is not one of Adobe's CJK collections, or a symbolic TrueType font, has no "
                "ToUnicode map; a ToUnicode map gives U+0000, U+FEFF or U+FFFE; (WCAG only) the extracted "
                "text is garbled (replacement or private-use characters).",
      messages={"no-tounicode": "Font {font!r} has no ToUnicode map.",
                "bad-tounicode": "The ToUnicode map of font {font!r} maps codes to U+0000, U+FEFF or U+FFFE.",
                "garbled": "Page {page}: {garbled} of {chars} extracted characters are unmappable (garbled text).",
                "mapped": "Extracted text maps to Unicode.", "no-text": "The PDF has no text."})
def pdf_text_unicode(facts: PdfFacts) -> Iterator[Finding]:
    """Text can be extracted as real characters

    Every character drawn must map to Unicode (through a ``/ToUnicode`` map or a standard encoding),
    so that the text extracted from the page is the text a sighted reader sees.

    **Why it matters**: when the mapping is missing, a screen reader speaks nonsense, search finds
    nothing and copy-paste into a translation or dictionary tool gives garbage — the document is
    effectively an image of text for the learner.

    **How to fix**: re-export from the source with a current Word, PowerPoint or LibreOffice and
    common Unicode fonts. Avoid "print to PDF" drivers that convert text to glyph codes. Acrobat Pro
    cannot repair missing mappings reliably; re-create the PDF.
    """
    bad_fonts = [f for f in facts.ua_fonts if needs_to_unicode(f) and not f.to_unicode]
    for f in bad_fonts:
        yield pdf_text_unicode.finding(Outcome.VIOLATION, "no-tounicode", Location(page=f.page, excerpt=f.name),
                                       font=f.name)
    bad_maps = [f for f in facts.ua_fonts if f.to_unicode_bad]
    for f in bad_maps:
        yield pdf_text_unicode.finding(Outcome.VIOLATION, "bad-tounicode", Location(page=f.page, excerpt=f.name),
                                       font=f.name, requirements=narrowed(pdf_text_unicode))
    bad_fonts += bad_maps
    garbled = [p for p in facts.pages if p.chars and p.garbled / p.chars > GARBLED_SHARE]
    for p in garbled:      # a heuristic of what a reader gets, not a PDF/UA condition
        yield pdf_text_unicode.finding(Outcome.VIOLATION, "garbled", Location(page=p.number), page=p.number,
                                       garbled=p.garbled, chars=p.chars, requirements=(WCAG("1.3.1"), WCAG("4.1.2")))
    if not bad_fonts and not garbled:
        yield from has_text(pdf_text_unicode, facts, "mapped")


def needs_to_unicode(f: UaFont) -> bool:
    """Whether ISO 14289-1 7.21.7 needs a ToUnicode map for the font to give Unicode: a composite font
    outside Adobe's CJK collections (or with an Identity CMap), a symbolic TrueType font, a Type3 font.
    Simple fonts with a standard encoding map through their glyph names."""
    if f.subtype == "Type0":
        return not (f.cid_system is not None and f.cid_system[0] == "Adobe" and f.cid_system[1] in CJK_ORDERINGS)
    if f.subtype == "TrueType":
        return bool(f.symbolic) and not f.differences
    return f.subtype == "Type3" and f.encoding is None


@rule(id="pdf-image-only-page", target="pdf", impact="critical",
      requirements=(WCAG("1.1.1"), WCAG("1.4.5"), Technique("PDF7")),
      condition="A page shows images but has no extractable text: a scanned page that was never OCRed.",
      messages={"scanned": "Page {page} is an image with no text (a scan?). OCR conversion is available: "
                           "`access convert FILE --to html` recognises the text.",
                "no-scans": "No page is an image of text without text."})
def pdf_image_only_page(facts: PdfFacts) -> Iterator[Finding]:
    """Pages are not images of text (scanned pages)

    A page that is a scan or photograph of text has no extractable text at all.

    **Why it matters**: to a screen reader, read-aloud tool or braille display a scanned page is
    blank. Learners who are blind, dyslexic or reading in a second language cannot read, enlarge,
    search or translate it.

    **How to fix**: this service can OCR scanned pages: ``access convert FILE --to html`` (or the API's
    conversions) produces accessible HTML with the recognised text. To keep a PDF, use Acrobat Pro:
    Scan & OCR › Recognize text, then tag the result; or export the original from its source.
    """
    scanned = [p for p in facts.pages if p.chars == 0 and p.images and p.image_cover >= IMAGE_ONLY_COVER]
    for p in scanned:
        yield pdf_image_only_page.finding(Outcome.VIOLATION, "scanned", Location(page=p.number), page=p.number,
                                          image_cover=round(p.image_cover, 2), ocr_available=True)
    if not scanned:
        yield pdf_image_only_page.finding(Outcome.PASS, "no-scans")


@rule(id="pdf-contrast", target="pdf", impact="serious", requirements=(WCAG("1.4.3"), Technique("G18")),
      condition="Text colour against the rendered background is below 4.5:1 (3:1 for large text).",
      messages={"low": CONTRAST,
                "not-rendered": "Page {page} could not be rendered, so the contrast of its text over images or "
                                "shading was not measured.",
                "sufficient": "All sampled text has sufficient contrast.", "no-text": "The PDF has no text."})
def pdf_contrast(facts: PdfFacts) -> Iterator[Finding]:
    """Text has enough contrast with its background

    Text needs a contrast ratio of at least 4.5:1 with what is behind it (3:1 for text of 18 pt, or
    14 pt bold). The background is sampled from the rendered page around each text span.

    **Why it matters**: light grey notes, pale text on coloured slide backgrounds and text over photos
    are hard or impossible to read for learners with low vision, colour-vision differences or a
    projector in a bright classroom.

    **How to fix**: in the source (Word, PowerPoint, LibreOffice) choose darker text or a lighter
    background — Word's and PowerPoint's Accessibility checker flag low contrast; WebAIM's contrast
    checker gives the ratio. Do not place text over busy images. Then export again.
    """
    found = 0
    for p in facts.pages:
        for s in p.low_contrast:
            found += 1
            need = required_contrast(s.size, s.bold)
            yield pdf_contrast.finding(Outcome.VIOLATION, "low", span_at(p.number, s), ratio=s.ratio, required=need,
                                       foreground=rgb_hex(s.fg), background=rgb_hex(s.bg), size=s.size)
    for p in facts.pages:
        if p.render_failed:
            found += 1
            yield pdf_contrast.finding(Outcome.NEEDS_REVIEW, "not-rendered", Location(page=p.number), page=p.number)
    if not found:
        yield from has_text(pdf_contrast, facts, "sufficient")


@rule(id="pdf-small-text", target="pdf", impact="minor", requirements=(), tags=["best-practice"],
      condition="Visible text smaller than 7 pt.",
      messages={"small": "Text is {size} pt.", "readable": "No very small text."})
def pdf_small_text(facts: PdfFacts) -> Iterator[Finding]:
    """Text is not very small

    Body text below about 7 pt (footnotes and captions included) is flagged for review. WCAG has no
    minimum size; this is best practice for printed and on-screen reading.

    **Why it matters**: tiny text forces learners with low vision to zoom and scroll sideways, and is
    unreadable when the handout is printed. It often hides essential content such as formula
    legends or assessment rules.

    **How to fix**: use at least 9–10 pt for footnotes and 11–12 pt for body text in Word or
    LibreOffice styles, and at least 18 pt on slides, then export again.
    """
    found = 0
    for p in facts.pages:
        for s in p.small_spans:
            found += 1
            yield pdf_small_text.finding(Outcome.NEEDS_REVIEW, "small", span_at(p.number, s), size=s.size)
    if not found:
        yield pdf_small_text.finding(Outcome.PASS, "readable")


@rule(id="pdf-reading-level", target="pdf", impact="minor", requirements=(WCAG("3.1.5"),),
      needs_review_only=True,
      condition=f"Estimated Flesch-Kincaid grade of the text above {READING_GRADE_REVIEW:g} (needs review).",
      messages={"too-little": "Too little text ({words} words) to estimate.",
                "review": "Estimated reading grade {grade} ({words} words sampled): check the wording suits the "
                          "learners.",
                "suitable": "Estimated reading grade {grade}."})
def pdf_reading_level(facts: PdfFacts) -> Iterator[Finding]:
    """The reading level suits the learners

    The text's reading grade is estimated (Flesch-Kincaid on up to 20,000 words). A high grade is
    not a failure by itself — a university text may need it — so it asks a person to review
    (WCAG 3.1.5, level AAA, is the criterion).

    **Why it matters**: long sentences and rare words make a text hard for learners with cognitive
    or learning disabilities and for those reading in a second language.

    **How to fix**: shorten sentences, prefer common words, explain terms on first use, add a
    summary. This service can also produce an easy-read version: ``access convert FILE --to easy-read``.
    """
    grade, words = reading_grade(facts.text_sample)
    if words < READING_MIN_WORDS:
        yield pdf_reading_level.finding(Outcome.INAPPLICABLE, "too-little", words=words)
    elif grade > READING_GRADE_REVIEW:
        yield pdf_reading_level.finding(Outcome.NEEDS_REVIEW, "review", Location(page=1, path="document text"),
                                        grade=grade, words=words)
    else:
        yield pdf_reading_level.finding(Outcome.PASS, "suitable", grade=grade, words=words)



def has_text(r: Rule, facts: PdfFacts, passed: str) -> Iterator[Finding]:
    """The closing finding of a text rule that found nothing wrong: ``passed``, or ``no-text``."""
    if any(p.chars for p in facts.pages):
        yield r.finding(Outcome.PASS, passed)
    else:
        yield r.finding(Outcome.INAPPLICABLE, "no-text")
