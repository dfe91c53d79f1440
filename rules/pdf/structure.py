"""PDF structure-tree rules: figures, headings, tables, lists, untagged content."""

from __future__ import annotations

import re
from collections.abc import Iterator

from access.catalogue import Rule, rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA, PdfUA2
from rules.pdf.facts import MATHML, Elem, PdfFacts

HEADING = re.compile(r"^H([1-6])$")
LIST_CHILDREN = {"LI", "Caption", "L"}
LI_CHILDREN = {"Lbl", "LBody"}
SCOPES = ("Row", "Column", "Both")
TABLE_ROWS = {"TR", "THead", "TBody", "TFoot", "Caption"}


def at(el: Elem) -> Location:
    text = el.alt or el.actual_text
    return Location(page=el.page, path=el.path or "/", excerpt=text[:80] if text else None)


# The message of every structure rule on an untagged PDF (where it has nothing to check).
NOT_TAGGED = {"not-tagged": "The PDF is not tagged (see pdf-tagged)."}


def not_tagged(r: Rule) -> Finding:
    return r.finding(Outcome.INAPPLICABLE, "not-tagged", Location(path="/Catalog"))


def tagged(r: Rule, facts: PdfFacts, typ: str) -> tuple[list[Elem], list[Finding]]:
    """The ``typ`` elements rule ``r`` checks, or the inapplicable finding that says why there are
    none (the PDF is not tagged, or message ``none``)."""
    if not facts.tagged:
        return [], [not_tagged(r)]
    found = facts.elements(typ)
    return found, ([] if found else [r.finding(Outcome.INAPPLICABLE, "none")])


@rule(id="pdf-figure-alt", target="pdf", impact="critical",
      requirements=(WCAG("1.1.1"), Matterhorn("13-004"), PdfUA("7.3"), PdfUA2("8.2.5.28.2")),
      condition="A Figure structure element has neither a non-empty /Alt nor an /ActualText (PDF/UA-2: neither "
                "entry).",
      messages={**NOT_TAGGED, "none": "The PDF has no Figure tags.",
                "described": "Figure has alternative text {alt!r}.", "missing": "Figure has no alternative text."})
def pdf_figure_alt(facts: PdfFacts) -> Iterator[Finding]:
    """Figures have alternative text

    Every ``Figure`` tag needs an ``/Alt`` (or ``/ActualText``) entry describing the image. Images that
    are pure decoration should be artifacts, not figures.

    **Why it matters**: a blind learner hears "figure" and nothing else: the diagram of the cell, the
    graph of the experiment result or the photo of the historical source is lost to them.

    **How to fix**: Word and PowerPoint: right-click the picture › View Alt Text, describe what it
    shows (or tick "Mark as decorative"), then export again. LibreOffice: right-click › Properties ›
    Options › Alternative (Text only). Acrobat Pro: Accessibility › Set Alternate Text, or in the
    Tags panel, Figure › Properties › Alternate text.
    """
    figures, none = tagged(pdf_figure_alt, facts, "Figure")
    yield from none
    for el in figures:
        text = (el.alt or el.actual_text or "").strip()
        if text or el.actual_text is not None or (facts.ua_version == 2 and el.alt is not None):
            yield pdf_figure_alt.finding(Outcome.PASS, "described", at(el), alt=text[:60])
        else:
            yield pdf_figure_alt.finding(Outcome.VIOLATION, "missing", at(el))


@rule(id="pdf-formula-alt", target="pdf", impact="serious",
      requirements=(WCAG("1.1.1"), Matterhorn("17-002"), PdfUA("7.7"), PdfUA2("8.2.5.29")),
      condition="(PDF/UA-1) A Formula structure element has neither a non-empty /Alt nor an /ActualText "
                "(17-002); (PDF/UA-2, where MathML may carry the formula) a MathML math element is not the "
                "child of a Formula.",
      messages={**NOT_TAGGED, "none": "The PDF has no Formula tags.",
                "described": "{formulas} formula(s) have alternative text.",
                "missing": "Formula has no alternative text.",
                "math-outside": "A MathML math element is inside {parent}, not Formula."})
def pdf_formula_alt(facts: PdfFacts) -> Iterator[Finding]:
    """Formulas have alternative text

    Every ``Formula`` tag needs an ``/Alt`` (or ``/ActualText``) that says the expression in words or
    in a linear notation a screen reader can speak, such as "x equals minus b plus or minus the
    square root of b squared minus 4 a c, all over 2 a". In PDF/UA-2 MathML sits inside a Formula.

    **Why it matters**: an equation drawn as glyphs or a picture is read as nonsense or skipped, so a
    blind learner cannot follow the worked example in a maths or science handout.

    **How to fix**: Word: write equations with the equation editor and add alt text (right-click ›
    View Alt Text) before exporting; LibreOffice Math objects: Properties › Options › Alternative.
    Acrobat Pro: Tags panel › the Formula › Properties › Alternate text.
    """
    if not facts.tagged:
        yield not_tagged(pdf_formula_alt)
        return
    formulas = facts.elements("Formula")
    failed = 0
    for el in formulas:
        if facts.ua_version == 1 and not (el.alt or "").strip() and el.actual_text is None:
            failed += 1
            yield pdf_formula_alt.finding(Outcome.VIOLATION, "missing", at(el))
    maths = [e for e in facts.elements() if e.type == "math"]
    for el in maths:
        parent = el.parent.type if el.parent is not None else ""
        if parent != "Formula" and (el.parent is None or el.parent.ns != MATHML):
            failed += 1
            yield pdf_formula_alt.finding(Outcome.VIOLATION, "math-outside", at(el), parent=parent,
                                          requirements=(WCAG("1.1.1"), PdfUA2("8.2.5.29")))
    if not formulas and not maths:
        yield pdf_formula_alt.finding(Outcome.INAPPLICABLE, "none")
    elif not failed:
        yield pdf_formula_alt.finding(Outcome.PASS, "described", formulas=len(formulas))


@rule(id="pdf-heading-order", target="pdf", impact="moderate",
      requirements=(WCAG("1.3.1"), Matterhorn("14-002"), Matterhorn("14-003"), PdfUA("7.4.2")),
      condition="The first numbered heading is not H1 (14-002), or heading levels are skipped going "
                "down (14-003), e.g. H3 directly after H1.",
      messages={**NOT_TAGGED,
                "none": "The PDF has no numbered heading tags.", "ordered": "{headings} headings in a valid order.",
                "first-not-h1": "The first heading is H{level}, not H1.",
                "skipped": "Heading level skipped: H{level} follows H{previous}."})
def pdf_heading_order(facts: PdfFacts) -> Iterator[Finding]:
    """Heading levels start at H1 and are not skipped

    Numbered heading tags must begin with ``H1`` and go down one level at a time (H1 → H2 → H3); going
    back up any number of levels is fine.

    **Why it matters**: screen-reader users move through a document by headings and use the levels
    to understand how chapters and sections nest. A jump from H1 to H3 suggests a missing section and
    breaks the outline a learner navigates by.

    **How to fix**: Word and PowerPoint: use the built-in Heading 1, Heading 2 … styles in order (the
    Navigation pane shows the outline). LibreOffice: Heading 1, 2 … paragraph styles. Acrobat Pro:
    change the tag type in the Tags panel (Properties › Type).
    """
    if not facts.tagged:
        yield not_tagged(pdf_heading_order)
        return
    headings = [(int(m.group(1)), el) for el in facts.elements() if (m := HEADING.match(el.type))]
    if not headings:
        yield pdf_heading_order.finding(Outcome.INAPPLICABLE, "none")
        return
    bad = False
    first_level, first = headings[0]
    if first_level != 1:
        bad = True
        yield pdf_heading_order.finding(Outcome.VIOLATION, "first-not-h1", at(first), level=first_level)
    previous = first_level
    for level, el in headings[1:]:
        if level > previous + 1:
            bad = True
            yield pdf_heading_order.finding(Outcome.VIOLATION, "skipped", at(el), level=level, previous=previous)
        previous = level
    if not bad:
        yield pdf_heading_order.finding(Outcome.PASS, "ordered", headings=len(headings))


@rule(id="pdf-headings-present", target="pdf", impact="moderate",
      requirements=(WCAG("2.4.6"), WCAG("1.3.1"), Matterhorn("14-001")),
      condition="A tagged document of more than two pages has no heading tags.",
      messages={"short": "Untagged or short document.",
                "present": "{headings} heading tags.", "missing": "The {pages}-page document has no heading tags."})
def pdf_headings_present(facts: PdfFacts) -> Iterator[Finding]:
    """Longer documents are organised with headings

    A tagged document of three or more pages should have heading tags (H1–H6 or H).

    **Why it matters**: headings are how screen-reader and keyboard users skim a reader or lecture
    notes; without them a learner has to listen to every word to find the section they need.

    **How to fix**: apply heading styles in the source (Word/LibreOffice: Heading 1, Heading 2 …;
    PowerPoint slide titles become headings) and export again, or retag headings in Acrobat Pro's
    Tags panel.
    """
    if not facts.tagged or facts.page_count < 3:
        yield pdf_headings_present.finding(Outcome.INAPPLICABLE, "short")
        return
    n = sum(1 for el in facts.elements() if el.type == "H" or HEADING.match(el.type))
    if n:
        yield pdf_headings_present.finding(Outcome.PASS, "present", headings=n)
    else:
        yield pdf_headings_present.finding(Outcome.VIOLATION, "missing", Location(path="/StructTreeRoot"),
                                           pages=facts.page_count)


def _headers(cell: Elem) -> list[str]:
    value = cell.attrs.get("Headers")
    return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []


def _cells(table: Elem) -> list[Elem]:
    return [el for el in table.iter() if el.type in ("TH", "TD")]


@rule(id="pdf-table-headers", target="pdf", impact="serious",
      requirements=(WCAG("1.3.1"), Matterhorn("15-003"), Matterhorn("15-005"), PdfUA("7.5")),
      condition="A table has no TH cells so headers cannot be determined (15-005), a TH has no valid /Scope "
                "in a table that does not use /Headers and /ID (15-003), or a TD's /Headers names an /ID no "
                "cell of the table has.",
      messages={**NOT_TAGGED, "none": "The PDF has no Table tags.",
                "no-th": "Table has {cells} cells and no header (TH) cells.",
                "unknown-headers": "Data cells name header cells that are not in the table: {ids}.",
                "no-scope": "{unscoped} header cell(s) have no valid /Scope (Row, Column or Both) and the table does "
                            "not use /Headers.",
                "associated": "Table has {headers} associated header cells."})
def pdf_table_headers(facts: PdfFacts) -> Iterator[Finding]:
    """Data tables have header cells associated with their data

    Tables need ``TH`` cells for their headers, and each header must be associated with its data
    cells: with a ``/Scope`` (Row, Column, Both) on the TH, or ``/Headers`` on the TD pointing at TH
    ``/ID`` values.

    **Why it matters**: a screen reader announces the column and row header with each cell ("Week 4,
    Reading: Chapter 7"). Without headers a timetable or a results table becomes a stream of
    unconnected numbers.

    **How to fix**: Word: select the first row › Table Design › Header Row, and Table Properties ›
    Row › "Repeat as header row at the top of each page". PowerPoint: Table Design › Header Row.
    LibreOffice: use the Table Heading paragraph style for the first row. Acrobat Pro: Tags panel,
    change TD to TH, then Table Editor › Table Cell Properties › Scope.
    """
    tables, none = tagged(pdf_table_headers, facts, "Table")
    yield from none
    for table in tables:
        cells = _cells(table)
        ths = [c for c in cells if c.type == "TH"]
        if not ths:
            yield pdf_table_headers.finding(Outcome.VIOLATION, "no-th", at(table), cells=len(cells))
            continue
        uses_headers = any("Headers" in c.attrs for c in cells if c.type == "TD")
        ids = {c.id for c in cells if c.id}
        unknown = sorted({h for c in cells if c.type == "TD" for h in _headers(c) if h not in ids})
        if unknown:
            yield pdf_table_headers.finding(Outcome.VIOLATION, "unknown-headers", at(table), ids=", ".join(unknown[:5]))
            continue
        no_scope = [th for th in ths if th.attrs.get("Scope") not in SCOPES]
        if no_scope and not uses_headers:
            yield pdf_table_headers.finding(Outcome.VIOLATION, "no-scope", at(no_scope[0]), unscoped=len(no_scope))
        else:
            yield pdf_table_headers.finding(Outcome.PASS, "associated", at(table), headers=len(ths))


@rule(id="pdf-list-structure", target="pdf", impact="moderate",
      requirements=(WCAG("1.3.1"), Matterhorn("09-005"), PdfUA("7.2"), PdfUA("7.6"), PdfUA2("8.2.5.25")),
      condition="A list-related structure element is used in a way that does not conform to ISO 32000-1 "
                "Table 336: L holds only LI (or Caption first, L), LI holds only Lbl and LBody, LI or LBody "
                "outside its parent; (PDF/UA-2) a list with labels has no ListNumbering (or None), or an LI "
                "holds content outside Lbl and LBody.",
      messages={**NOT_TAGGED, "li-outside-list": "LI is inside {parent}, not L.",
                "lbody-outside-item": "LBody is inside {parent}, not LI.",
                "caption": "The list's Caption is not its first child.",
                "numbering": "The list has labels (Lbl) but its ListNumbering is {value}.",
                "loose-content": "{items} list item(s) hold content outside Lbl and LBody.",
                "not-an-item": "List holds {child} where only LI items belong.",
                "item-parts": "{items} list item(s) hold {types} instead of Lbl and LBody.",
                "no-lists": "The PDF has no list tags.", "well-formed": "{lists} well-formed list(s)."})
def pdf_list_structure(facts: PdfFacts) -> Iterator[Finding]:
    """Lists are tagged L › LI › Lbl + LBody

    A list is an ``L`` element whose children are ``LI`` items; each ``LI`` holds an optional ``Lbl``
    (the bullet or number) and an ``LBody`` (the item's content).

    **Why it matters**: a screen reader announces "list, 5 items" and lets a learner step through and
    skip the list. With broken list tags instructions and steps are read as loose paragraphs and
    the learner cannot tell how many steps there are or where the list ends.

    **How to fix**: use real lists in the source (Word/PowerPoint: Home › Bullets or Numbering;
    LibreOffice: Format › Bullets and Numbering), not typed dashes. Acrobat Pro: in the Tags panel
    make each item an LI with an Lbl and an LBody.
    """
    if not facts.tagged:
        yield not_tagged(pdf_list_structure)
        return
    lists = facts.elements("L")
    stray = facts.elements("LI")
    parents = {id(c): p for p in facts.elements() for c in p.children}
    problems = 0
    for el in stray:
        parent = parents.get(id(el))
        if parent is not None and parent.type != "L":
            problems += 1
            yield pdf_list_structure.finding(Outcome.VIOLATION, "li-outside-list", at(el), parent=parent.type)
    for el in facts.elements("LBody"):
        parent = parents.get(id(el))
        if parent is not None and parent.type != "LI":
            problems += 1
            yield pdf_list_structure.finding(Outcome.VIOLATION, "lbody-outside-item", at(el), parent=parent.type)
    for lst in lists:
        if "Caption" in lst.kid_types[1:]:
            problems += 1
            yield pdf_list_structure.finding(Outcome.VIOLATION, "caption", at(lst))
        if facts.ua_version == 2:
            labelled = any(c.type == "Lbl" for li in lst.children for c in li.children)
            numbering = lst.attrs.get("ListNumbering")
            if labelled and numbering in (None, "None"):
                problems += 1
                yield pdf_list_structure.finding(Outcome.VIOLATION, "numbering", at(lst), value=numbering or "absent",
                                                 requirements=(WCAG("1.3.1"), PdfUA2("8.2.5.25")))
            loose = [li for li in lst.children if li.type == "LI" and li.mcids]
            if loose:
                problems += 1
                yield pdf_list_structure.finding(Outcome.VIOLATION, "loose-content", at(loose[0]), items=len(loose),
                                                 requirements=(WCAG("1.3.1"), PdfUA2("8.2.5.25")))
        wrong = [c for c in lst.children if c.type not in LIST_CHILDREN]
        bad_items = [(li, [c.type for c in li.children if c.type not in LI_CHILDREN])
                     for li in lst.children if li.type == "LI"]
        bad_items = [(li, types) for li, types in bad_items if types]
        if wrong:
            problems += 1
            yield pdf_list_structure.finding(Outcome.VIOLATION, "not-an-item", at(wrong[0]), child=wrong[0].type)
        if bad_items:
            problems += 1
            li, types = bad_items[0]
            yield pdf_list_structure.finding(Outcome.VIOLATION, "item-parts", at(li), items=len(bad_items),
                                             types=", ".join(sorted(set(types))))
    if not lists and not stray:
        yield pdf_list_structure.finding(Outcome.INAPPLICABLE, "no-lists")
    elif not problems:
        yield pdf_list_structure.finding(Outcome.PASS, "well-formed", lists=len(lists))


@rule(id="pdf-content-tagged", target="pdf", impact="serious",
      requirements=(WCAG("1.3.1"), WCAG("1.3.2"), Matterhorn("01-005"), PdfUA("7.1")),
      condition="Content is neither marked as Artifact nor tagged as real content: text or image "
                "painting operators outside any marked-content sequence.",
      messages={**NOT_TAGGED,
                "untagged": "Page {page} has {operations} text or image drawing operation(s) outside tagged content.",
                "all-tagged": "All page content is tagged or marked as artifact."})
def pdf_content_tagged(facts: PdfFacts) -> Iterator[Finding]:
    """All page content is tagged or marked as an artifact

    In a tagged PDF every piece of text and every image is either inside the structure tree (via
    marked content) or explicitly marked as an artifact (headers, footers, decoration).

    **Why it matters**: untagged content is skipped or read out of order by screen readers — a
    learner may miss a paragraph, a formula or an answer option without knowing it existed.

    **How to fix**: this usually comes from content added after export (stamps, comments flattened,
    edited pages). Re-export from the source with tags on. Acrobat Pro: Accessibility › Reading
    Order tool, select the untagged content and tag it, or mark it as background/artifact.
    """
    if not facts.tagged:
        yield not_tagged(pdf_content_tagged)
        return
    pages = [p for p in facts.pages if p.untagged_ops]
    for p in pages:
        yield pdf_content_tagged.finding(Outcome.VIOLATION, "untagged", Location(page=p.number), page=p.number,
                                         operations=p.untagged_ops)
    if not pages:
        yield pdf_content_tagged.finding(Outcome.PASS, "all-tagged")

