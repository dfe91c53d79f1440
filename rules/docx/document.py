"""Word document-level rules: title, language, headers and footers."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, MsChecker
from rules.docx.facts import DocxFacts
from rules.findings import closing
from rules.textmetrics import excerpt

PROPERTIES = Location(path="docProps/core.xml")
HEADER_FOOTER_WORDS = 25


@rule(id="docx-title", target="docx", impact="serious",
      requirements=(WCAG("2.4.2"), MsChecker("document-title")),
      messages={"titled": "The title is {title!r}.", "untitled": "The document has no Title property."})
def docx_title(facts: DocxFacts) -> Iterator[Finding]:
    """The document has a title

    The document's Title property (not the file name, and not just text in the Title style) names it.

    **Why it matters**: the title is what a screen reader announces for the window and what appears
    in the PDF or EPUB made from the file; "Doc1" or "final_v3.docx" does not tell a learner which
    handout they have open.

    **How to fix**: Word: File › Info › Properties › Title. LibreOffice: File › Properties ›
    Description › Title.
    """
    if facts.title:
        yield docx_title.finding(Outcome.PASS, "titled", PROPERTIES, title=facts.title)
    else:
        yield docx_title.finding(Outcome.VIOLATION, "untitled", PROPERTIES)


@rule(id="docx-language", target="docx", impact="serious", requirements=(WCAG("3.1.1"), MsChecker("language")),
      messages={"declared": "The document language is {language!r}.",
                "missing": "The document does not declare a language."})
def docx_language(facts: DocxFacts) -> Iterator[Finding]:
    """The document declares its language

    The default language (document defaults or the Normal style's ``w:lang``) must be set.

    **Why it matters**: text-to-speech, screen readers and braille translation pick pronunciation and
    contractions from the language; with none, a French text is read with English sounds.

    **How to fix**: Word: Review › Language › Set Proofing Language, choose the language and click
    "Set As Default". LibreOffice: Tools › Options › Language Settings › Languages › Default
    languages for documents.
    """
    where = Location(path="word/styles.xml")
    if facts.language:
        yield docx_language.finding(Outcome.PASS, "declared", where, language=facts.language)
    else:
        yield docx_language.finding(Outcome.VIOLATION, "missing", where)


@rule(id="docx-header-footer-content", target="docx", impact="moderate",
      requirements=(WCAG("1.3.2"), MsChecker("header-footer")), needs_review_only=True,
      messages={"long": "The {part} holds {words} words; check nothing essential is only there.",
                "passed": "Headers and footers are short.", "none": "No headers or footers."})
def docx_header_footer_content(facts: DocxFacts) -> Iterator[Finding]:
    """Headers and footers hold no essential content

    Headers and footers longer than a short line (more than 25 words) are listed for review.

    **Why it matters**: many screen readers and conversions skip headers and footers, so a due date,
    a contact address or instructions placed there never reach some learners.

    **How to fix**: keep headers and footers to running titles and page numbers; move anything a
    learner needs into the body text. Word: Insert › Header › Edit Header. LibreOffice: Insert ›
    Header and Footer.
    """
    long_parts = [(kind, text) for kind, text in facts.headers_footers
                  if len(text.split()) > HEADER_FOOTER_WORDS]
    for kind, text in long_parts:
        yield docx_header_footer_content.finding(Outcome.NEEDS_REVIEW, "long",
                                                 Location(path=f"word/{kind}", excerpt=excerpt(text)), part=kind,
                                                 words=len(text.split()))
    yield from closing(docx_header_footer_content, len(facts.headers_footers), len(long_parts))

