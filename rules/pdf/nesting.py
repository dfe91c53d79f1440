"""PDF/UA nesting of table, table-of-contents, heading and note structure (ISO 14289-1 7.2, 7.4.4, 7.9;
ISO 14289-2 8.2.5)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA, PdfUA2
from rules.pdf.facts import Elem, PdfFacts
from rules.pdf.structure import NOT_TAGGED, at, not_tagged

TABLE_KIDS = {"TR", "THead", "TBody", "TFoot", "Caption"}
ROW_GROUPS = {"THead", "TBody", "TFoot"}
CELLS = {"TH", "TD"}


def table_problems(table: Elem) -> list[str]:
    """How a Table's own children break ISO 32000-1 Table 337."""
    kids = table.kid_types
    problems = [f"the table holds {t}" for t in sorted(set(kids) - TABLE_KIDS)]
    count = Counter(kids)
    if count["THead"] > 1:
        problems.append("the table has more than one THead")
    if count["TFoot"] > 1:
        problems.append("the table has more than one TFoot")
    if (count["THead"] or count["TFoot"]) and not count["TBody"]:
        problems.append("the table has a THead or TFoot but no TBody")
    if count["Caption"] > 1:
        problems.append("the table has more than one Caption")
    if "Caption" in kids[1:-1]:
        problems.append("the table's Caption is neither its first nor its last child")
    for group in table.children:
        if group.type in ROW_GROUPS:
            problems += [f"{group.type} holds {t}" for t in sorted(set(group.kid_types) - {"TR"})]
    return problems


def placement_problems(el: Elem) -> str | None:
    """Where a table part sits outside its parent type."""
    parent = el.parent.type if el.parent is not None else ""
    if el.type == "TR" and parent not in ("Table", *ROW_GROUPS):
        return f"TR is inside {parent}"
    if el.type in ROW_GROUPS and parent != "Table":
        return f"{el.type} is inside {parent}"
    if el.type in CELLS and parent != "TR":
        return f"{el.type} is inside {parent}"
    if el.type == "TR" and set(el.kid_types) - CELLS:
        return f"TR holds {', '.join(sorted(set(el.kid_types) - CELLS))}"
    return None


def _span(cell: Elem, key: str) -> int:
    try:
        return max(1, int(cell.attrs.get(key, 1)))
    except (TypeError, ValueError):
        return 1


def table_grid(table: Elem) -> tuple[bool, set[int], int]:
    """Lay the table's cells on a grid, honouring RowSpan and ColSpan: (cells overlap, the distinct
    row widths, rows a row span reaches beyond the last row)."""
    rows = [r for k in table.children for r in ([k] if k.type == "TR" else k.children if k.type in ROW_GROUPS else [])
            if r.type == "TR"]
    taken: set[tuple[int, int]] = set()
    overlap = False
    for r, row in enumerate(rows):
        c = 0
        for cell in row.children:
            if cell.type not in CELLS:
                continue
            while (r, c) in taken:
                c += 1
            rs, cs = _span(cell, "RowSpan"), _span(cell, "ColSpan")
            for i in range(rs):
                for j in range(cs):
                    if (r + i, c + j) in taken:
                        overlap = True
                    taken.add((r + i, c + j))
            c += cs
    widths = {max((c for rr, c in taken if rr == r), default=-1) + 1 for r in range(len(rows))}
    beyond = len({rr for rr, _ in taken if rr >= len(rows)})
    return overlap, widths, beyond


@rule(id="pdf-table-structure", target="pdf", impact="serious",
      requirements=(WCAG("1.3.1"), Matterhorn("09-004"), PdfUA("7.2"), PdfUA("7.5"), PdfUA2("8.2.5.26"),
                    PdfUA2("8.2.5.27")),
      condition="A table-related structure element does not follow ISO 32000-1 Table 337 (09-004): Table holds "
                "only TR, THead, TBody, TFoot and Caption (at most one THead, TFoot and Caption; a TBody when "
                "there is a THead or TFoot; Caption first or last); row groups hold only TR; TR sits in Table or "
                "a row group and holds only TH and TD; or the table is not regular (cells overlap, or rows "
                "differ in width counting RowSpan and ColSpan).",
      messages={**NOT_TAGGED, "none": "The PDF has no Table tags.",
                "children": "Table structure: {problems}.", "placement": "Table structure: {problem}.",
                "irregular": "The table is not regular: {problem}.",
                "well-formed": "{tables} well-formed table(s)."})
def pdf_table_structure(facts: PdfFacts) -> Iterator[Finding]:
    """Tables are tagged Table › (THead, TBody, TFoot) › TR › TH/TD, and are regular

    A table is a ``Table`` element whose rows (``TR``) sit directly in it or in ``THead``, ``TBody``
    and ``TFoot`` groups; each row holds only ``TH`` and ``TD`` cells; and every row spans the same
    number of columns once ``RowSpan`` and ``ColSpan`` are counted.

    **Why it matters**: a screen reader announces "table, 4 columns, 12 rows" and reads each cell
    with its headers. Broken table tags or rows of different widths make it announce the wrong
    headers, so a learner reading a timetable or a marks table hears the wrong column.

    **How to fix**: build tables with the table tool of Word, PowerPoint or LibreOffice (not tabs or
    drawn lines), avoid merged cells where you can, and export with tags. Acrobat Pro: Tags panel,
    fix the nesting, or Reading Order › Table Editor to set the spans.
    """
    if not facts.tagged:
        yield not_tagged(pdf_table_structure)
        return
    tables = facts.elements("Table")
    failed = 0
    for el in facts.elements("TR", "THead", "TBody", "TFoot", "TH", "TD"):
        problem = placement_problems(el)
        if problem:
            failed += 1
            yield pdf_table_structure.finding(Outcome.VIOLATION, "placement", at(el), problem=problem)
    for table in tables:
        problems = table_problems(table)
        if problems:
            failed += 1
            yield pdf_table_structure.finding(Outcome.VIOLATION, "children", at(table), problems="; ".join(problems))
            continue
        overlap, widths, beyond = table_grid(table)
        problem = ("cells overlap" if overlap else f"rows span {', '.join(map(str, sorted(widths)))} columns"
                   if len(widths) > 1 else f"row spans reach {beyond} row(s) past the table" if beyond else "")
        if problem:
            failed += 1
            yield pdf_table_structure.finding(Outcome.VIOLATION, "irregular", at(table), problem=problem,
                                              requirements=(WCAG("1.3.1"), PdfUA("7.2"), PdfUA2("8.2.5.26")))
    if not tables and not failed:
        yield pdf_table_structure.finding(Outcome.INAPPLICABLE, "none")
    elif not failed:
        yield pdf_table_structure.finding(Outcome.PASS, "well-formed", tables=len(tables))


@rule(id="pdf-toc-structure", target="pdf", impact="moderate",
      requirements=(WCAG("1.3.1"), Matterhorn("09-006"), PdfUA("7.2"), PdfUA2("8.2.5.8")),
      condition="A TOC-related structure element does not follow ISO 32000-1 Table 333 (09-006): TOCI outside "
                "TOC, TOC holding other than TOC, TOCI and Caption, or Caption not first; (PDF/UA-2) a TOCI "
                "without a /Ref to its target.",
      messages={**NOT_TAGGED, "none": "The PDF has no table-of-contents tags.",
                "toci-outside": "TOCI is inside {parent}, not TOC.",
                "children": "TOC holds {types}.", "caption": "TOC's Caption is not its first child.",
                "no-ref": "{count} TOC item(s) do not say what they point to (/Ref).",
                "well-formed": "{tocs} well-formed table(s) of contents."})
def pdf_toc_structure(facts: PdfFacts) -> Iterator[Finding]:
    """Tables of contents are tagged TOC › TOCI

    A table of contents is a ``TOC`` element holding ``TOCI`` items (and nested ``TOC`` elements,
    and an optional first ``Caption``). In PDF/UA-2 each item points at its target with ``/Ref``.

    **Why it matters**: a screen reader announces the contents as a list a learner can step through
    and follow; broken tags read it as loose lines of text and page numbers.

    **How to fix**: insert the table of contents with Word's or LibreOffice's contents tool (from
    heading styles) and export with tags. Acrobat Pro: retag the entries as TOCI inside one TOC.
    """
    if not facts.tagged:
        yield not_tagged(pdf_toc_structure)
        return
    tocs = facts.elements("TOC")
    items = facts.elements("TOCI")
    failed = 0
    for el in items:
        parent = el.parent.type if el.parent is not None else ""
        if parent != "TOC":
            failed += 1
            yield pdf_toc_structure.finding(Outcome.VIOLATION, "toci-outside", at(el), parent=parent)
    for toc in tocs:
        wrong = sorted(set(toc.kid_types) - {"TOC", "TOCI", "Caption"})
        if wrong:
            failed += 1
            yield pdf_toc_structure.finding(Outcome.VIOLATION, "children", at(toc), types=", ".join(wrong))
        if "Caption" in toc.kid_types[1:]:
            failed += 1
            yield pdf_toc_structure.finding(Outcome.VIOLATION, "caption", at(toc))
    if facts.ua_version == 2:
        no_ref = [el for el in items if not el.has_ref and not any(c.has_ref for c in el.iter())]
        if no_ref:
            failed += 1
            yield pdf_toc_structure.finding(Outcome.VIOLATION, "no-ref", at(no_ref[0]), count=len(no_ref),
                                            requirements=(WCAG("1.3.1"), PdfUA2("8.2.5.8")))
    if not tocs and not items:
        yield pdf_toc_structure.finding(Outcome.INAPPLICABLE, "none")
    elif not failed:
        yield pdf_toc_structure.finding(Outcome.PASS, "well-formed", tocs=len(tocs))


@rule(id="pdf-heading-structure", target="pdf", impact="moderate",
      requirements=(WCAG("1.3.1"), Matterhorn("14-006"), Matterhorn("14-007"), PdfUA("7.4.4"), PdfUA2("8.2.5.12")),
      condition="A structure node holds more than one H (14-006), the document uses both H and H1–H6 "
                "(14-007), or (PDF/UA-2) it uses H at all.",
      messages={**NOT_TAGGED, "none": "The PDF has no heading tags.",
                "two-h": "{parent} holds {count} H headings; a section holds at most one.",
                "mixed": "The document uses both H and numbered headings (H1–H6).",
                "ua2-h": "PDF/UA-2 does not allow the H heading type ({count} used).",
                "consistent": "{headings} heading(s), structured consistently."})
def pdf_heading_structure(facts: PdfFacts) -> Iterator[Finding]:
    """Headings are either all numbered or all unnumbered

    A document is either strongly structured (sections, each with at most one ``H`` heading) or
    weakly structured (numbered headings ``H1`` to ``H6``), not both. PDF/UA-2 drops ``H``.

    **Why it matters**: screen readers build the outline a learner navigates by from the heading
    tags; mixing the two schemes gives an outline whose levels do not match the document.

    **How to fix**: use Word's, PowerPoint's or LibreOffice's numbered heading styles (Heading 1, 2 …)
    throughout and export again; in Acrobat Pro change H tags to H1–H6 in the Tags panel.
    """
    if not facts.tagged:
        yield not_tagged(pdf_heading_structure)
        return
    hs = facts.elements("H")
    numbered = facts.elements("H1", "H2", "H3", "H4", "H5", "H6")
    failed = 0
    if facts.ua_version == 2 and hs:
        failed += 1
        yield pdf_heading_structure.finding(Outcome.VIOLATION, "ua2-h", at(hs[0]), count=len(hs),
                                            requirements=(WCAG("1.3.1"), PdfUA2("8.2.5.12")))
    parents = Counter(id(h.parent) for h in hs)
    for h in hs:
        if parents.get(id(h.parent), 0) > 1 and h.parent is not None:
            failed += 1
            yield pdf_heading_structure.finding(Outcome.VIOLATION, "two-h", at(h.parent), parent=h.parent.type,
                                                count=parents[id(h.parent)])
            parents[id(h.parent)] = 0
    if hs and numbered:
        failed += 1
        yield pdf_heading_structure.finding(Outcome.VIOLATION, "mixed", at(hs[0]))
    if not hs and not numbered:
        yield pdf_heading_structure.finding(Outcome.INAPPLICABLE, "none")
    elif not failed:
        yield pdf_heading_structure.finding(Outcome.PASS, "consistent", headings=len(hs) + len(numbered))


@rule(id="pdf-note-id", target="pdf", impact="moderate",
      requirements=(WCAG("1.3.1"), Matterhorn("19-003"), Matterhorn("19-004"), PdfUA("7.9"), PdfUA2("8.2.5.14")),
      condition="A Note element has no /ID (19-003) or shares its /ID with another Note (19-004); (PDF/UA-2) "
                "a Note element is used (FENote replaces it) or an FENote's NoteType is not Footnote, Endnote "
                "or None.",
      messages={**NOT_TAGGED, "none": "The PDF has no note tags.",
                "no-id": "{count} Note element(s) have no /ID.", "duplicate": "Note /ID {id!r} is used {count} times.",
                "ua2-note": "PDF/UA-2 does not allow the Note type ({count} used); use FENote.",
                "note-type": "FENote has NoteType {value!r}, not Footnote, Endnote or None.",
                "identified": "{notes} note(s), each with its own /ID."})
def pdf_note_id(facts: PdfFacts) -> Iterator[Finding]:
    """Footnotes and endnotes are identified

    Each ``Note`` element carries a unique ``/ID`` so that the references to it can point at it
    (PDF/UA-2 uses ``FENote`` with a ``NoteType`` instead).

    **Why it matters**: a learner who follows a footnote reference with a screen reader must land
    on that note and come back; without an identifier the note is only reachable by reading on.

    **How to fix**: use Word's or LibreOffice's footnote tool (References › Insert Footnote) and
    export with tags; Acrobat Pro: Tags panel › the Note › Properties › ID.
    """
    if not facts.tagged:
        yield not_tagged(pdf_note_id)
        return
    notes = facts.elements("Note")
    fenotes = facts.elements("FENote")
    failed = 0
    if facts.ua_version == 2:
        raw_notes = [n for n in notes if n.raw_type == "Note"]
        if raw_notes:
            failed += 1
            yield pdf_note_id.finding(Outcome.VIOLATION, "ua2-note", at(raw_notes[0]), count=len(raw_notes),
                                      requirements=(WCAG("1.3.1"), PdfUA2("8.2.5.14")))
        for fe in fenotes:
            value = fe.attrs.get("NoteType")
            if value is not None and value not in ("Footnote", "Endnote", "None"):
                failed += 1
                yield pdf_note_id.finding(Outcome.VIOLATION, "note-type", at(fe), value=str(value),
                                          requirements=(WCAG("1.3.1"), PdfUA2("8.2.5.14")))
    else:
        missing = [n for n in notes if not (n.id or "").strip()]
        if missing:
            failed += 1
            yield pdf_note_id.finding(Outcome.VIOLATION, "no-id", at(missing[0]), count=len(missing))
        ids = Counter(n.id for n in notes if (n.id or "").strip())
        for value, count in ids.items():
            if count > 1:
                failed += 1
                yield pdf_note_id.finding(Outcome.VIOLATION, "duplicate", at(notes[0]), id=value, count=count)
    if not notes and not fenotes:
        yield pdf_note_id.finding(Outcome.INAPPLICABLE, "none")
    elif not failed:
        yield pdf_note_id.finding(Outcome.PASS, "identified", notes=len(notes) + len(fenotes))
