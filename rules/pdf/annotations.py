"""PDF annotation rules: links, form fields, tab order."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import BBox, Finding, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA, PdfUA2
from rules.findings import closing, narrowed
from rules.pdf.facts import Annot, PdfFacts
from rules.pdf.structure import NOT_TAGGED, not_tagged
from rules.pdf.uafacts import MARKUP_ANNOTS


def at(page: int, a: Annot) -> Location:
    return Location(page=page, bbox=BBox(x0=a.rect[0], y0=a.rect[1], x1=a.rect[2], y1=a.rect[3]),
                    excerpt=(a.contents or a.tooltip or a.field_name or None))


@rule(id="pdf-link-alt", target="pdf", impact="serious",
      requirements=(WCAG("2.4.4"), WCAG("4.1.2"), Matterhorn("28-011"), Matterhorn("28-012"), PdfUA("7.18.5"),
                    PdfUA2("8.2.5.20")),
      condition="A visible link annotation is not nested in a Link tag (28-011; PDF/UA-2: a Link or Reference "
                "tag) or, in PDF/UA-1, has no alternate description in its /Contents key (28-012); (PDF/UA-2) "
                "one tag holds links to different places.",
      messages={"none": "The PDF has no links.", "passed": "{checked} links are tagged and described.",
                "not-in-link-tag": "Link annotation is not nested in a Link tag.",
                "targets": "One {tag} tag holds links to {targets} different places; each needs its own tag.",
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
    links = [(p.number, a) for p in facts.pages for a in p.annots if a.subtype == "Link" and not a.hidden]
    failed = 0
    owners = ("Link", "Reference") if facts.ua_version == 2 else ("Link",)
    for page, a in links:
        if facts.tagged and a.parent_type not in owners:
            failed += 1
            yield pdf_link_alt.finding(Outcome.VIOLATION, "not-in-link-tag", at(page, a))
        elif facts.ua_version == 1 and not (a.contents or "").strip():
            failed += 1
            yield pdf_link_alt.finding(Outcome.VIOLATION, "no-description", at(page, a),
                                       requirements=narrowed(pdf_link_alt, "4.1.2"))
    if facts.ua_version == 2:
        by_owner: dict[int, tuple[Annot, set[str]]] = {}
        for _page, a in links:
            if a.parent is not None and a.target is not None:
                by_owner.setdefault(id(a.parent), (a, set()))[1].add(a.target)
        for first, targets in by_owner.values():
            if len(targets) > 1:
                failed += 1
                yield pdf_link_alt.finding(Outcome.VIOLATION, "targets", Location(page=first.parent.page,
                                           path=first.parent.path), requirements=(WCAG("2.4.4"), PdfUA2("8.2.5.20")),
                                           tag=first.parent_type, targets=len(targets))
    yield from closing(pdf_link_alt, len(links), failed)


@rule(id="pdf-form-field-name", target="pdf", impact="critical",
      requirements=(WCAG("4.1.2"), WCAG("3.3.2"), Matterhorn("28-005"), PdfUA("7.18.1")),
      condition="A visible form field has no /TU (tooltip) entry and no alternate description (/Alt) on its "
                "enclosing structure element.",
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
    fields = [(p.number, a) for p in facts.pages for a in p.annots if a.subtype == "Widget" and not a.hidden]
    missing = [(pg, a) for pg, a in fields if not (a.tooltip or "").strip() and not (a.parent_alt or "").strip()]
    for page, a in missing:
        yield pdf_form_field_name.finding(Outcome.VIOLATION, "no-tooltip", at(page, a), field=a.field_name or "")
    yield from closing(pdf_form_field_name, len(fields), len(missing))


@rule(id="pdf-annotation-alt", target="pdf", impact="moderate",
      requirements=(WCAG("1.1.1"), Matterhorn("28-004"), PdfUA("7.18.1")),
      condition="A visible annotation other than Widget, Link, Popup or PrinterMark has neither a /Contents "
                "entry nor an /Alt on its enclosing structure element.",
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
              if a.subtype not in ("Link", "Widget", "PrinterMark", "Popup") and not a.hidden]
    missing = [(pg, a) for pg, a in annots if not (a.contents or "").strip() and not (a.parent_alt or "").strip()]
    for page, a in missing:
        yield pdf_annotation_alt.finding(Outcome.VIOLATION, "no-description", at(page, a), subtype=a.subtype)
    yield from closing(pdf_annotation_alt, len(annots), len(missing))


@rule(id="pdf-tab-order", target="pdf", impact="moderate",
      requirements=(WCAG("2.4.3"), Matterhorn("28-008"), Matterhorn("28-009"), PdfUA("7.18.3"), PdfUA2("8.9.3.3")),
      condition="A page with annotations has no /Tabs key (28-008) or its value is not /S (28-009; PDF/UA-2 "
                "allows /A, /W or /S).",
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
    allowed = ("S", "A", "W") if facts.ua_version == 2 else ("S",)
    bad = [p for p in pages if p.tabs not in allowed]
    for p in bad:
        yield pdf_tab_order.finding(Outcome.VIOLATION, "no-tabs" if p.tabs is None else "other-tabs",
                                    Location(page=p.number), tabs=p.tabs, page=p.number)
    yield from closing(pdf_tab_order, len(pages), len(bad))



def tagging_problem(a: Annot, ua2: bool) -> str | None:
    """Why an annotation's place in the structure tree breaks ISO 14289-1 7.18 (or -2 8.9, 8.10)."""
    owner = a.parent_type
    if a.subtype == "PrinterMark":
        return "a PrinterMark annotation is in the structure tree" if owner is not None else None
    if a.subtype == "Popup":
        return "a Popup annotation is in the structure tree" if ua2 and owner is not None else None
    if ua2:
        if owner is not None and (a.flags & 1 or (a.flags & 32 and not a.flags & 256)):
            return f"an invisible {a.subtype} annotation is in the structure tree"
        if a.subtype == "Widget":
            if owner is not None and owner != "Form":
                return f"a widget annotation is inside {owner}, not Form"
            if owner is not None and a.width == 0 and a.height == 0:
                return "a widget annotation of zero size is in the structure tree"
            return None
        if a.subtype in MARKUP_ANNOTS and owner != "Annot":
            return f"a {a.subtype} annotation is {'inside ' + owner if owner else 'not tagged'}, not in an Annot tag"
        if a.subtype == "Watermark" and owner is not None and owner != "Annot":
            return f"a Watermark annotation is inside {owner}, not Annot"
        return None
    if a.hidden or a.subtype == "Link":
        return None
    if a.subtype == "Widget":
        where = f"inside {owner}" if owner else "not tagged"
        return None if owner == "Form" else f"a widget annotation is {where}, not in a Form tag"
    if owner != "Annot":
        return f"a {a.subtype} annotation is {'inside ' + owner if owner else 'not tagged'}, not in an Annot tag"
    return None


@rule(id="pdf-annotation-tagging", target="pdf", impact="serious",
      requirements=(WCAG("1.3.1"), WCAG("4.1.2"), Matterhorn("28-002"), Matterhorn("28-010"), Matterhorn("28-017"),
                    PdfUA("7.18.1"), PdfUA("7.18.4"), PdfUA("7.18.8"), PdfUA2("8.9.2"), PdfUA2("8.10.1")),
      condition="A visible annotation other than Widget, Link, Popup or PrinterMark is not nested in an Annot tag "
                "(28-002); a widget is not nested in a Form tag (28-010); a Form tag without a Role attribute "
                "holds other than one widget; a PrinterMark annotation is in the structure tree (28-017); "
                "(PDF/UA-2) markup annotations outside Annot, a Form with several widgets, a Popup or an "
                "invisible annotation in the structure tree.",
      messages={**NOT_TAGGED, "none": "The PDF has no annotations to tag.",
                "misplaced": "Page {page}: {problem}.",
                "form": "A Form tag holds {widgets} widget(s) and {elements} other element(s).",
                "passed": "{checked} annotation(s) are tagged where they belong."})
def pdf_annotation_tagging(facts: PdfFacts) -> Iterator[Finding]:
    """Annotations and form fields sit in the right tags

    Comments, stamps and other annotations belong in ``Annot`` tags, form fields (widgets) in
    ``Form`` tags, links in ``Link`` tags; printer's marks belong to no tag at all.

    **Why it matters**: assistive technology reaches an annotation through its tag, in reading
    order. A form field outside a Form tag is announced out of context or not at all, so a learner
    cannot fill in the worksheet; a comment outside an Annot tag is skipped.

    **How to fix**: Acrobat Pro: Accessibility › Autotag Form Fields, or in the Tags panel drag
    each annotation into an Annot tag and each field into a Form tag; delete printer's marks from
    the tags. Exporting forms from LibreOffice with tags does this for you.
    """
    if not facts.tagged:
        yield not_tagged(pdf_annotation_tagging)
        return
    ua2 = facts.ua_version == 2
    annots = [(p.number, a) for p in facts.pages for a in p.annots]
    failed = 0
    for page, a in annots:
        problem = tagging_problem(a, ua2)
        if problem:
            failed += 1
            yield pdf_annotation_tagging.finding(Outcome.VIOLATION, "misplaced", at(page, a), page=page,
                                                 problem=problem)
    for form in facts.elements("Form"):
        widgets = sum(1 for t in form.objr if t == "Widget")
        if (ua2 and widgets > 1) or (not ua2 and "Role" not in form.attrs and form.objr
                                     and (len(form.objr) != 1 or form.children)):
            failed += 1
            yield pdf_annotation_tagging.finding(Outcome.VIOLATION, "form", Location(page=form.page, path=form.path),
                                                 widgets=widgets, elements=len(form.children))
    yield from closing(pdf_annotation_tagging, len(annots), failed)


@rule(id="pdf-media-alt", target="pdf", impact="serious",
      requirements=(WCAG("1.1.1"), WCAG("1.2.1"), Matterhorn("28-014"), Matterhorn("28-015"), PdfUA("7.18.6.2"),
                    PdfUA2("8.9.2.4"), PdfUA2("8.10.2.3")),
      condition="A media clip has no content type /CT (28-014) or no alternate description /Alt (28-015); "
                "(PDF/UA-2) a Screen, 3D, RichMedia or Ink annotation has no /Contents, a Stamp neither /Name "
                "nor /Contents, a file attachment's specification no /AFRelationship, a widget with "
                "additional actions no /Contents, or /Contents differs from its tag's /Alt.",
      messages={"none": "The PDF has no media or descriptive annotations to check.",
                "media": "Page {page}: a media clip lacks {keys}.",
                "contents": "Page {page}: a {subtype} annotation has no /Contents.",
                "af": "Page {page}: the file attachment's specification has no /AFRelationship.",
                "alt-differs": "Page {page}: the annotation's /Contents differs from its tag's /Alt.",
                "passed": "{checked} media or descriptive annotation(s) are described."})
def pdf_media_alt(facts: PdfFacts) -> Iterator[Finding]:
    """Media and rich annotations are described

    Sound and video clips embedded in the PDF state their content type and carry an alternate
    description; 3D models, rich media and ink drawings carry a description in ``/Contents``.

    **Why it matters**: a learner who cannot see or hear the clip needs to know what it is and what
    it shows; without a description the video of an experiment is an unlabelled box.

    **How to fix**: Acrobat Pro: right-click the media › Properties › set the alternate text; for
    comments and drawings type their description; prefer linking to an accessible video page with
    captions over embedding the clip.
    """
    ua2 = facts.ua_version == 2
    checked = failed = 0
    for p in facts.pages:
        for a in p.annots:
            if a.subtype == "Screen" or a.media_missing:
                checked += 1
                if a.media_missing:
                    failed += 1
                    yield pdf_media_alt.finding(Outcome.VIOLATION, "media", at(p.number, a), page=p.number,
                                                keys=" and ".join(a.media_missing))
                    continue
            if not ua2:
                continue
            needs = a.subtype in ("Screen", "3D", "RichMedia", "Ink") or (a.subtype == "Stamp" and a.name is None) \
                or (a.subtype == "Widget" and a.has_aa)
            if needs or a.file_spec_af is not None:
                checked += 1
            if needs and not a.has_contents:
                failed += 1
                yield pdf_media_alt.finding(Outcome.VIOLATION, "contents", at(p.number, a), page=p.number,
                                            subtype=a.subtype)
            elif a.file_spec_af is False:
                failed += 1
                yield pdf_media_alt.finding(Outcome.VIOLATION, "af", at(p.number, a), page=p.number)
            elif a.contents is not None and a.parent_alt is not None and a.contents != a.parent_alt:
                checked += 1
                failed += 1
                yield pdf_media_alt.finding(Outcome.VIOLATION, "alt-differs", at(p.number, a), page=p.number)
    yield from closing(pdf_media_alt, checked, failed)
