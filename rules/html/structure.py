"""Structure: heading levels, data-table headers, and ids that labels point at (WCAG 1.3.1, 4.1.2)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import ACT, WCAG, Axe, Technique
from rules.html.dom import Page

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
REFERENCING_ATTRS = ("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-activedescendant")


@rule(id="html-heading-order", target="html", impact="moderate",
      requirements=(WCAG("1.3.1"), Axe("heading-order"), Technique("H42")),
      messages={"skips": "The heading jumps from level {previous} to level {level}.",
                "follows": "Heading level {level} follows level {previous}.",
                "first": "Heading level {level} follows level –."})
def heading_order(page: Page) -> Iterator[Finding]:
    """Heading levels do not skip

    Headings should go down one level at a time: an `<h2>` section holds `<h3>` subsections, not
    `<h4>`. A jump (e.g. `<h2>` followed by `<h4>`) is flagged for review, since the skipped level
    often means headings were picked for their size rather than their place in the outline.

    **Why it matters**: screen reader users move through a lesson by its headings and use their
    levels to understand how sections nest; a skipped level suggests a missing section and breaks
    the outline of the content.

    **How to fix**: choose each heading's level by its place in the outline (change the `<h4>` after
    an `<h2>` to `<h3>`), and change its look with CSS instead.
    """
    previous = 0
    for el in page.root.iter(*HEADINGS):
        if page.is_hidden(el) or not page.accessible_name(el):
            continue
        level = int(el.tag[1])
        if previous and level > previous + 1:
            yield heading_order.finding(Outcome.NEEDS_REVIEW, "skips", page.location(el), previous=previous,
                                        level=level)
        else:
            yield heading_order.finding(Outcome.PASS, "follows" if previous else "first", page.location(el),
                                        previous=previous, level=level)
        previous = level


@rule(id="html-table-headers", target="html", impact="serious",
      requirements=(WCAG("1.3.1"), Technique("H51"), Technique("F91")),
      messages={"has-headers": "The table has header cells.",
                "no-headers": "The {rows}×{columns} table has no header cells (<th>)."})
def table_headers(page: Page) -> Iterator[Finding]:
    """Data tables have header cells

    A table of data (two or more rows and columns) needs header cells: `<th>` for the column or row
    headings, with `scope` where it helps. Tables used only for layout must say so with
    `role="presentation"` (better: use CSS layout).

    **Why it matters**: a screen reader reads a table cell by cell; without header cells a learner
    hears "42" with no idea whether it is the score, the week or the page number, so timetables,
    grade tables and data sets become meaningless.

    **How to fix**: mark the first row (and, where it labels rows, the first column) as `<th>`
    cells, e.g. `<th scope="col">Week</th>`; add a `<caption>` that names the table.
    """
    for table in page.elements("table"):
        if page.is_hidden(table) or page.role(table) in ("presentation", "none"):
            continue
        rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
        widths = [len([c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]) for tr in rows]
        if len(rows) < 2 or max(widths, default=0) < 2:
            continue
        has_headers = any(_owner_table(th) is table for th in table.iter("th")) or any(
            page.role(c) in ("columnheader", "rowheader") for c in table.iter("td"))
        if has_headers:
            yield table_headers.finding(Outcome.PASS, "has-headers", page.location(table))
        else:
            yield table_headers.finding(Outcome.VIOLATION, "no-headers", page.location(table), rows=len(rows),
                                        columns=max(widths))


def _owner_table(el):  # type: ignore[no-untyped-def]
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


@rule(id="html-duplicate-id-referenced", target="html", impact="serious",
      requirements=(WCAG("4.1.2"), WCAG("1.3.1"), ACT("3ea0c8"), Axe("duplicate-id-aria")),
      messages={"duplicate": "The id {id!r}, used by {via}, appears {count} times on the page.",
                "unique": "The id {id!r} is unique."})
def duplicate_id_referenced(page: Page) -> Iterator[Finding]:
    """Ids used by labels and ARIA are unique

    An `id` that a `<label for>`, `aria-labelledby` or `aria-describedby` points at must appear
    only once on the page.

    **Why it matters**: when two elements share the id, browsers use the first one, so a quiz field
    is announced with the label of a different question, or its instructions go missing.

    **How to fix**: give every element a unique `id` (templates that repeat a block often copy ids)
    and update the `for` and `aria-*` references to match.
    """
    referenced: dict[str, str] = {}
    for el in page.root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag.lower() == "label" and el.get("for"):
            referenced.setdefault(el.get("for").strip(), "label for")
        for attr in REFERENCING_ATTRS:
            for id_ in (el.get(attr) or "").split():
                referenced.setdefault(id_, attr)
    for id_, via in referenced.items():
        count = page.id_count(id_)
        if count == 0:
            continue
        target = page.by_id(id_)
        where = page.location(target) if target is not None else Location(url=page.name)
        if count > 1:
            yield duplicate_id_referenced.finding(Outcome.VIOLATION, "duplicate", where, id=id_, via=via, count=count)
        else:
            yield duplicate_id_referenced.finding(Outcome.PASS, "unique", where, id=id_)


@rule(id="html-heading-name", target="html", impact="moderate",
      requirements=(WCAG("1.3.1"), WCAG("2.4.6"), ACT("ffd0e9"), Axe("empty-heading")),
      messages={"has-text": "The heading has text.", "empty": "The heading is empty."})
def heading_name(page: Page) -> Iterator[Finding]:
    """Headings are not empty

    Every heading (`<h1>`–`<h6>`, or `role="heading"`) needs text. Empty headings are often left
    over from the editor, or used only for spacing.

    **Why it matters**: screen reader users jump through a lesson by its headings; an empty one is
    announced as "heading level 2" and nothing else, which looks like a missing section.

    **How to fix**: put the section's title in the heading, or delete it and add space with CSS.
    """
    for el in page.root.iter():
        if not isinstance(el.tag, str) or (el.tag.lower() not in HEADINGS and page.role(el) != "heading"):
            continue
        if page.is_hidden(el):
            continue
        if page.accessible_name(el):
            yield heading_name.finding(Outcome.PASS, "has-text", page.location(el))
        else:
            yield heading_name.finding(Outcome.VIOLATION, "empty", page.location(el))


LIST_CHILDREN = {"li", "script", "template"}


@rule(id="html-list-structure", target="html", impact="serious",
      requirements=(WCAG("1.3.1"), Axe("list"), Axe("listitem"), Technique("H48")),
      messages={"stray-children": "The list contains {children} outside <li>.",
                "only-items": "The list contains only list items.",
                "item-outside-list": "The list item is not inside a list."})
def list_structure(page: Page) -> Iterator[Finding]:
    """Lists contain only list items

    The direct children of `<ul>` and `<ol>` must be `<li>` elements, and an `<li>` must sit in a
    `<ul>`, `<ol>` or `<menu>`.

    **Why it matters**: screen readers announce "list, 5 items" and let learners skip from item to
    item; broken list markup gives wrong counts or no list at all, so a list of steps or readings
    loses its structure.

    **How to fix**: wrap each entry in `<li>`; move headings and paragraphs inside an `<li>`, or out
    of the list.
    """
    for lst in page.elements("ul", "ol"):
        if page.is_hidden(lst) or page.role(lst) not in ("", "list"):
            continue
        strays = [c for c in lst if isinstance(c.tag, str) and c.tag.lower() not in LIST_CHILDREN
                  and page.role(c) not in ("listitem", "presentation", "none")]
        if strays:
            names = ", ".join(sorted({f"<{c.tag.lower()}>" for c in strays}))
            yield list_structure.finding(Outcome.VIOLATION, "stray-children", page.location(lst), children=names)
        else:
            yield list_structure.finding(Outcome.PASS, "only-items", page.location(lst))
    for li in page.elements("li"):
        parent = li.getparent()
        if page.is_hidden(li) or parent is None:
            continue
        if parent.tag.lower() not in ("ul", "ol", "menu") and page.role(parent) != "list":
            yield list_structure.finding(Outcome.VIOLATION, "item-outside-list", page.location(li))
