"""Word structure rules: headings, tables, lists, links, blank-space layout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, MsChecker
from access.textquality import is_generic_link_text, is_raw_url
from rules.docx.facts import DocxFacts
from rules.findings import closing
from rules.textmetrics import excerpt, is_typed_list_item

LONG_DOC_WORDS = 600
LONG_DOC_PARAGRAPHS = 20
BLANK_RUN = 3                      # consecutive empty paragraphs
SPACE_RUN = re.compile(r" {4,}|\t{2,}")


@rule(id="docx-heading-order", target="docx", impact="moderate",
      requirements=(WCAG("1.3.1"), MsChecker("skipped-heading-level")),
      messages={"none": "No headings.", "first-not-h1": "The first heading is Heading {level}, not Heading 1.",
                "skipped": "Heading {level} follows Heading {previous}: level {missing} is skipped.",
                "passed": "{checked} headings in order."})
def docx_heading_order(facts: DocxFacts) -> Iterator[Finding]:
    """Heading levels are not skipped

    Headings go down one level at a time (Heading 1 → Heading 2 → Heading 3); the first heading is
    Heading 1.

    **Why it matters**: learners using screen readers move by headings and use the levels to
    understand how the handout is organised; a jump from Heading 1 to Heading 3 suggests a missing
    section.

    **How to fix**: Word: apply the built-in Heading 1, Heading 2 … styles in order (View ›
    Navigation Pane shows the outline). LibreOffice: Heading 1, 2 … paragraph styles (View ›
    Navigator).
    """
    heads = [p for p in facts.paragraphs if p.heading]
    bad = 0
    if heads and heads[0].heading != 1:
        bad += 1
        yield docx_heading_order.finding(Outcome.VIOLATION, "first-not-h1", heads[0].where, level=heads[0].heading)
    for prev, cur in pairwise(heads):
        if cur.heading and prev.heading and cur.heading > prev.heading + 1:
            bad += 1
            yield docx_heading_order.finding(Outcome.VIOLATION, "skipped", cur.where, level=cur.heading,
                                             previous=prev.heading, missing=prev.heading + 1)
    yield from closing(docx_heading_order, len(heads), bad)


@rule(id="docx-headings-present", target="docx", impact="moderate",
      requirements=(WCAG("2.4.6"), WCAG("1.3.1"), MsChecker("no-headings")),
      messages={"short": "The document is short.", "present": "The document uses headings.",
                "missing": "The document has {words} words and no headings."})
def docx_headings_present(facts: DocxFacts) -> Iterator[Finding]:
    """Long documents are organised with headings

    A document of more than about 600 words or 20 paragraphs should use heading styles.

    **Why it matters**: headings let screen-reader and keyboard users jump between sections and
    create the navigation (bookmarks, table of contents) of PDFs and EPUBs made from the document.
    Bold large text looks like a heading but is not one.

    **How to fix**: Word and LibreOffice: apply Heading 1, Heading 2 … styles (Home › Styles) to the
    section titles instead of formatting them by hand.
    """
    body = [p for p in facts.body_paragraphs if p.text.strip()]
    if facts.words < LONG_DOC_WORDS and len(body) < LONG_DOC_PARAGRAPHS:
        yield docx_headings_present.finding(Outcome.INAPPLICABLE, "short")
    elif any(p.heading for p in facts.paragraphs):
        yield docx_headings_present.finding(Outcome.PASS, "present")
    else:
        yield docx_headings_present.finding(Outcome.VIOLATION, "missing", Location(paragraph=0), words=facts.words)


@rule(id="docx-heading-empty", target="docx", impact="moderate",
      requirements=(WCAG("2.4.6"), WCAG("1.3.1"), MsChecker("empty-heading")),
      messages={"empty": "Empty {style} paragraph.", "passed": "No empty headings.", "none": "No headings."})
def docx_heading_empty(facts: DocxFacts) -> Iterator[Finding]:
    """Headings are not empty

    Paragraphs in a heading style must contain text.

    **Why it matters**: an empty heading is announced as "heading level 2" with nothing after it and
    clutters the outline a learner navigates by.

    **How to fix**: delete the empty paragraph or change its style to Normal (Word: Home › Styles;
    LibreOffice: Default Paragraph Style). Use spacing in the style, not empty headings, for space.
    """
    heads = [p for p in facts.paragraphs if p.heading]
    empty = [p for p in heads if not p.text.strip() and not p.has_drawing]
    for p in empty:
        yield docx_heading_empty.finding(Outcome.VIOLATION, "empty", p.where, style=p.style)
    yield from closing(docx_heading_empty, len(heads), len(empty))


@rule(id="docx-table-header", target="docx", impact="serious",
      requirements=(WCAG("1.3.1"), MsChecker("table-header")),
      messages={"missing": "Table {number} ({rows}×{cols}) has no header row.", "none": "No data tables.",
                "passed": "{checked} tables have header rows."})
def docx_table_header(facts: DocxFacts) -> Iterator[Finding]:
    """Tables have a header row

    Data tables need their first row marked as a header row that repeats.

    **Why it matters**: screen readers announce the column header with each cell ("Due date: 12
    May"); they only can when the header row is marked. It also repeats on every printed page.

    **How to fix**: Word: click in the first row › Table Layout › Repeat Header Rows (or Table
    Properties › Row › "Repeat as header row at the top of each page"). LibreOffice: Table
    Properties › Text Flow › Repeat heading.
    """
    data_tables = [t for t in facts.tables if t.rows >= 2 and t.cols >= 2]
    missing = [t for t in data_tables if not t.header_row]
    for t in missing:
        yield docx_table_header.finding(Outcome.VIOLATION, "missing", t.where, rows=t.rows, cols=t.cols,
                                        number=t.index + 1)
    yield from closing(docx_table_header, len(data_tables), len(missing))


@rule(id="docx-table-merged", target="docx", impact="moderate",
      requirements=(WCAG("1.3.1"), MsChecker("merged-cells")),
      messages={"merged": "Table {number} has {merged} merged cell(s).", "nested": "Table {number} has a nested table.",
                "passed": "Tables have a simple grid.", "none": "No tables."})
def docx_table_merged(facts: DocxFacts) -> Iterator[Finding]:
    """Tables have no merged or split cells

    Cells merged across columns or rows, and tables nested in tables, are listed for review.

    **Why it matters**: screen readers keep track of the row and column a learner is in; merged cells
    and nested tables break that count, so values get read against the wrong header.

    **How to fix**: Word: Table Layout › Split Cells, and repeat a value instead of merging; split a
    complex table into simpler ones. LibreOffice: Table › Split Cells.
    """
    complex_tables = [t for t in facts.tables if t.merged or t.nested]
    for t in complex_tables:
        yield docx_table_merged.finding(Outcome.NEEDS_REVIEW, "merged" if t.merged else "nested", t.where,
                                        merged=t.merged, nested=t.nested, number=t.index + 1)
    yield from closing(docx_table_merged, len(facts.tables), len(complex_tables))


@rule(id="docx-table-layout", target="docx", impact="minor",
      requirements=(WCAG("1.3.1"), WCAG("1.3.2"), MsChecker("layout-table")), needs_review_only=True,
      messages={"layout": "Table {number} is {rows}×{cols}: is it used for layout?",
                "passed": "No table looks like a layout table.", "none": "No tables."})
def docx_table_layout(facts: DocxFacts) -> Iterator[Finding]:
    """Tables are not used for page layout

    Tables of a single row or a single column usually position content rather than hold data; they
    are listed for review.

    **Why it matters**: a screen reader announces "table, 1 row, 3 columns" and reads cell by cell,
    which confuses learners when the table only lays out text side by side.

    **How to fix**: use columns (Word: Layout › Columns), text boxes in line with text, or plain
    paragraphs instead. If it is a real data table, give it a header row.
    """
    layout = [t for t in facts.tables if t.rows == 1 or t.cols == 1]
    for t in layout:
        yield docx_table_layout.finding(Outcome.NEEDS_REVIEW, "layout", t.where, rows=t.rows, cols=t.cols,
                                        number=t.index + 1)
    yield from closing(docx_table_layout, len(facts.tables), len(layout))


@rule(id="docx-link-text", target="docx", impact="serious",
      requirements=(WCAG("2.4.4"), MsChecker("hyperlink-text")),
      messages={"empty": "Link text has no text.", "raw-url": "Link text is a raw web address.",
                "vague": "Link text says only {text!r}.", "passed": "{checked} links have descriptive text.",
                "none": "No links."})
def docx_link_text(facts: DocxFacts) -> Iterator[Finding]:
    """Link text describes the destination

    Link text must say where the link goes: not a raw web address, not "click here" or "more".

    **Why it matters**: screen-reader users often list all links; a list of "click here, click here,
    https://doi.org/10.1016/j..." is useless, and long addresses are read out character by character.

    **How to fix**: Word: right-click the link › Edit Hyperlink › "Text to display", e.g. "Week 4
    reading: Smith (2021)". LibreOffice: Insert › Hyperlink › Text.
    """
    bad = 0
    for link in facts.links:
        text = link.text.strip()
        if not text:
            problem = "empty"
        elif is_raw_url(text):
            problem = "raw-url"
        elif is_generic_link_text(text):
            problem = "vague"
        else:
            continue
        bad += 1
        yield docx_link_text.finding(Outcome.VIOLATION, problem, link.where, target=link.target, text=text)
    yield from closing(docx_link_text, len(facts.links), bad)


@rule(id="docx-typed-list", target="docx", impact="moderate",
      requirements=(WCAG("1.3.1"), MsChecker("list-style")),
      messages={"typed": "Paragraph starts with a typed list marker.", "passed": "No typed list markers."})
def docx_typed_list(facts: DocxFacts) -> Iterator[Finding]:
    """Lists use list formatting, not typed characters

    Paragraphs that start with a typed "- ", "•", "1)" or "a." are lists in disguise.

    **Why it matters**: real lists are announced as "list, 4 items", so a learner knows how many
    steps an instruction has and where it ends; typed dashes are read as "dash" before each line.

    **How to fix**: Word: select the lines › Home › Bullets or Numbering (and turn off typed-list
    autocorrect exceptions). LibreOffice: Format › Bullets and Numbering.
    """
    typed = [p for p in facts.paragraphs if not p.is_list and not p.heading and is_typed_list_item(p.text)]
    for p in typed:
        yield docx_typed_list.finding(Outcome.VIOLATION, "typed", p.where)
    if not typed:
        yield docx_typed_list.finding(Outcome.PASS, "passed")


@rule(id="docx-blank-layout", target="docx", impact="minor",
      requirements=(WCAG("1.3.2"), MsChecker("repeated-blank-characters")),
      messages={"blank-paragraphs": "{count} empty paragraphs in a row.",
                "spaces": "Repeated spaces or tabs used for layout.", "passed": "No blank-space layout."})
def docx_blank_layout(facts: DocxFacts) -> Iterator[Finding]:
    """Space is not made with blank paragraphs, spaces or tabs

    Three or more empty paragraphs in a row, or runs of four spaces or two tabs inside text, are
    used to position content.

    **Why it matters**: screen readers announce every "blank"; learners hear "blank, blank, blank"
    and wonder what they missed. Spaced-out columns become jumbled when text is enlarged or reflowed.

    **How to fix**: use paragraph spacing (Word: Layout › Spacing Before/After; Page Break Before for
    new pages), tab stops or a table with a header for columns. LibreOffice: Format › Paragraph ›
    Indents & Spacing.
    """
    found = 0
    run: list = []
    body = facts.body_paragraphs
    for p in [*body, None]:
        if p is not None and not p.text.strip() and not p.has_drawing:
            run.append(p)
            continue
        if len(run) >= BLANK_RUN:
            found += 1
            yield docx_blank_layout.finding(Outcome.VIOLATION, "blank-paragraphs", run[0].where, count=len(run))
        run = []
    for p in facts.paragraphs:
        if p.text.strip() and SPACE_RUN.search(p.text.strip()):
            found += 1
            yield docx_blank_layout.finding(Outcome.VIOLATION, "spaces",
                                            p.where.model_copy(update={"excerpt": excerpt(p.text)}))
    if not found:
        yield docx_blank_layout.finding(Outcome.PASS, "passed")

