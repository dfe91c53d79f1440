"""PDF annotation rules: links, form fields, tab order."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import BBox, Finding, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA
from rules.findings import closing, narrowed
from rules.pdf.facts import Annot, PdfFacts


def at(page: int, a: Annot) -> Location:
    return Location(page=page, bbox=BBox(x0=a.rect[0], y0=a.rect[1], x1=a.rect[2], y1=a.rect[3]),
                    excerpt=(a.contents or a.tooltip or a.field_name or None))


@rule(id="pdf-link-alt", target="pdf", impact="serious",
      requirements=(WCAG("2.4.4"), WCAG("4.1.2"), Matterhorn("28-011"), Matterhorn("28-012"), PdfUA("7.18.5")),
      condition="A link annotation is not nested in a Link tag (28-011) or has no alternate description in "
                "its /Contents key (28-012).",
      messages={"none": "The PDF has no links.", "passed": "{checked} links are tagged and described.",
                "not-in-link-tag": "Link annotation is not nested in a Link tag.",
                "no-description": "Link annotation has no alternate description (/Contents)."})
def pdf_link_alt(facts: PdfFacts) -> Iterator[Finding]:
    """Links are tagged and describe their destination

    Each link annotation must belong to a ``Link`` structure element (through ``/StructParent``) and
    carry an alternate description in its ``/Contents`` entry.

    **Why it matters**: screen-reader users list the links of a document to jump to readings and
    resources; an untagged link is unreachable and a link without a description is announced only
    as "link".

    **How to fix**: in the source, write meaningful link text ("Course reading list", not the raw
    address) and export with tags. Word for Microsoft 365 writes /Contents from the link's
    ScreenTip. Acrobat Pro: Accessibility › Autotag, or in the Tags panel select the Link tag ›
    Properties and add the alternate text to the link annotation's Contents.
    """
    links = [(p.number, a) for p in facts.pages for a in p.annots if a.subtype == "Link"]
    failed = 0
    for page, a in links:
        if facts.tagged and not a.tagged:
            failed += 1
            yield pdf_link_alt.finding(Outcome.VIOLATION, "not-in-link-tag", at(page, a))
        elif not (a.contents or "").strip():
            failed += 1
            yield pdf_link_alt.finding(Outcome.VIOLATION, "no-description", at(page, a),
                                       requirements=narrowed(pdf_link_alt, "4.1.2"))
    yield from closing(pdf_link_alt, len(links), failed)


@rule(id="pdf-form-field-name", target="pdf", impact="critical",
      requirements=(WCAG("4.1.2"), WCAG("3.3.2"), Matterhorn("28-005"), PdfUA("7.18.1")),
      condition="A form field has no /TU (tooltip) entry and no alternate description on its enclosing "
                "structure element.",
      messages={"none": "The PDF has no form fields.", "passed": "{checked} form fields have tooltips.",
                "no-tooltip": "Form field {field!r} has no tooltip (/TU)."})
def pdf_form_field_name(facts: PdfFacts) -> Iterator[Finding]:
    """Form fields have an accessible name (tooltip)

    Every form field (text box, check box, choice) needs a ``/TU`` tooltip that names it, such as
    "Student number" or "I agree to the assessment rules".

    **Why it matters**: a screen reader announces a field by its tooltip. Without one, a learner
    filling in an enrolment form or a worksheet hears "edit text, blank" and cannot know what to type.

    **How to fix**: Acrobat Pro: Prepare Form › double-click the field › General › Tooltip. LibreOffice:
    the control's Properties › Help text, then export as PDF with "Create PDF form". Word does not
    create PDF form fields; build forms in LibreOffice or Acrobat.
    """
    fields = [(p.number, a) for p in facts.pages for a in p.annots if a.subtype == "Widget"]
    missing = [(pg, a) for pg, a in fields if not (a.tooltip or "").strip()]
    for page, a in missing:
        yield pdf_form_field_name.finding(Outcome.VIOLATION, "no-tooltip", at(page, a), field=a.field_name or "")
    yield from closing(pdf_form_field_name, len(fields), len(missing))


@rule(id="pdf-annotation-alt", target="pdf", impact="moderate",
      requirements=(WCAG("1.1.1"), Matterhorn("28-004"), PdfUA("7.18.1")),
      condition="An annotation other than Widget, Link or PrinterMark has no /Contents entry.",
      messages={"none": "The PDF has no other annotations.", "passed": "{checked} annotations are described.",
                "no-description": "{subtype} annotation has no description (/Contents)."})
def pdf_annotation_alt(facts: PdfFacts) -> Iterator[Finding]:
    """Comments and other annotations have a description

    Annotations such as notes, stamps, highlights and file attachments need a ``/Contents`` text.

    **Why it matters**: a teacher's sticky-note feedback or a stamped "Answer key" is invisible to a
    screen-reader user unless the annotation carries its text.

    **How to fix**: Acrobat Pro: open the comment and type its text, or right-click › Properties ›
    General › Description. Delete annotations that are not meant for the learner before publishing.
    """
    annots = [(p.number, a) for p in facts.pages for a in p.annots
              if a.subtype not in ("Link", "Widget", "PrinterMark", "Popup")]
    missing = [(pg, a) for pg, a in annots if not (a.contents or "").strip()]
    for page, a in missing:
        yield pdf_annotation_alt.finding(Outcome.VIOLATION, "no-description", at(page, a), subtype=a.subtype)
    yield from closing(pdf_annotation_alt, len(annots), len(missing))


@rule(id="pdf-tab-order", target="pdf", impact="moderate",
      requirements=(WCAG("2.4.3"), Matterhorn("28-008"), Matterhorn("28-009"), PdfUA("7.18.3")),
      condition="A page with annotations has no /Tabs key (28-008) or its value is not /S (28-009).",
      messages={"none": "No page has annotations.", "passed": "{checked} page(s) with annotations use /Tabs /S.",
                "no-tabs": "Page {page} has links or fields and has no /Tabs entry.",
                "other-tabs": "Page {page} has links or fields and has /Tabs /{tabs}, not /S."})
def pdf_tab_order(facts: PdfFacts) -> Iterator[Finding]:
    """Pages with links or fields use the structure tab order

    Each page that has annotations needs ``/Tabs /S`` so that the Tab key follows the document
    structure.

    **Why it matters**: keyboard users move between links and form fields with Tab; without the
    structure order the focus can jump around the page in the order the objects were drawn.

    **How to fix**: Acrobat Pro: Page Thumbnails › select all › Page Properties › Tab Order › "Use
    Document Structure". Exporting from Word, PowerPoint or LibreOffice with tags sets it.
    """
    pages = [p for p in facts.pages if p.annots]
    bad = [p for p in pages if p.tabs != "S"]
    for p in bad:
        yield pdf_tab_order.finding(Outcome.VIOLATION, "no-tabs" if p.tabs is None else "other-tabs",
                                    Location(page=p.number), tabs=p.tabs, page=p.number)
    yield from closing(pdf_tab_order, len(pages), len(bad))

