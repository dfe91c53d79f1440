"""PDF annotation rules: links, form fields, tab order."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import BBox, Finding, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA
from rules.pdf.facts import Annot, PdfFacts


def at(page: int, a: Annot) -> Location:
    return Location(page=page, bbox=BBox(x0=a.rect[0], y0=a.rect[1], x1=a.rect[2], y1=a.rect[3]),
                    excerpt=(a.contents or a.tooltip or a.field_name or None))


@rule(id="pdf-link-alt", target="pdf", impact="serious",
      requirements=(WCAG("2.4.4"), WCAG("4.1.2"), Matterhorn("28-011"), Matterhorn("28-012"), PdfUA("7.18.5")),
      condition="A link annotation is not nested in a Link tag (28-011) or has no alternate description in "
                "its /Contents key (28-012).")
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
    if not links:
        yield pdf_link_alt.finding(Outcome.INAPPLICABLE, "The PDF has no links.")
        return
    failed = 0
    for page, a in links:
        if facts.tagged and not a.tagged:
            failed += 1
            yield pdf_link_alt.finding(Outcome.VIOLATION, "Link annotation is not nested in a Link tag.",
                                       at(page, a), refs=["matterhorn:28-011"])
        elif not (a.contents or "").strip():
            failed += 1
            yield pdf_link_alt.finding(Outcome.VIOLATION, "Link annotation has no alternate description "
                                       "(/Contents).", at(page, a), wcag=["4.1.2"], refs=["matterhorn:28-012"])
    if not failed:
        yield pdf_link_alt.finding(Outcome.PASS, f"{len(links)} links are tagged and described.")


@rule(id="pdf-form-field-name", target="pdf", impact="critical",
      requirements=(WCAG("4.1.2"), WCAG("3.3.2"), Matterhorn("28-005"), PdfUA("7.18.1")),
      condition="A form field has no /TU (tooltip) entry and no alternate description on its enclosing "
                "structure element.")
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
    if not fields:
        yield pdf_form_field_name.finding(Outcome.INAPPLICABLE, "The PDF has no form fields.")
        return
    missing = [(pg, a) for pg, a in fields if not (a.tooltip or "").strip()]
    for page, a in missing:
        yield pdf_form_field_name.finding(Outcome.VIOLATION, f"Form field {a.field_name or ''!r} has no "
                                          "tooltip (/TU).", at(page, a), field=a.field_name)
    if not missing:
        yield pdf_form_field_name.finding(Outcome.PASS, f"{len(fields)} form fields have tooltips.")


@rule(id="pdf-annotation-alt", target="pdf", impact="moderate",
      requirements=(WCAG("1.1.1"), Matterhorn("28-004"), PdfUA("7.18.1")),
      condition="An annotation other than Widget, Link or PrinterMark has no /Contents entry.")
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
    if not annots:
        yield pdf_annotation_alt.finding(Outcome.INAPPLICABLE, "The PDF has no other annotations.")
        return
    missing = [(pg, a) for pg, a in annots if not (a.contents or "").strip()]
    for page, a in missing:
        yield pdf_annotation_alt.finding(Outcome.VIOLATION, f"{a.subtype} annotation has no description "
                                         "(/Contents).", at(page, a), subtype=a.subtype)
    if not missing:
        yield pdf_annotation_alt.finding(Outcome.PASS, f"{len(annots)} annotations are described.")


@rule(id="pdf-tab-order", target="pdf", impact="moderate",
      requirements=(WCAG("2.4.3"), Matterhorn("28-008"), Matterhorn("28-009"), PdfUA("7.18.3")),
      condition="A page with annotations has no /Tabs key (28-008) or its value is not /S (28-009).")
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
    if not pages:
        yield pdf_tab_order.finding(Outcome.INAPPLICABLE, "No page has annotations.")
        return
    bad = [p for p in pages if p.tabs != "S"]
    for p in bad:
        ref = "matterhorn:28-008" if p.tabs is None else "matterhorn:28-009"
        msg = "has no /Tabs entry" if p.tabs is None else f"has /Tabs /{p.tabs}, not /S"
        yield pdf_tab_order.finding(Outcome.VIOLATION, f"Page {p.number} has links or fields and {msg}.",
                                    Location(page=p.number), refs=[ref], tabs=p.tabs)
    if not bad:
        yield pdf_tab_order.finding(Outcome.PASS, f"{len(pages)} page(s) with annotations use /Tabs /S.")


RULES = [pdf_link_alt, pdf_form_field_name, pdf_annotation_alt, pdf_tab_order]
