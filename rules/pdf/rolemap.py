"""PDF/UA structure-tree integrity: role mapping, marked-content nesting, Suspects, parent entries (ISO
14289-1 7.1, ISO 14289-2 8.2)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA, PdfUA2
from rules.pdf.facts import PDF2_NS, PdfFacts
from rules.pdf.structure import NOT_TAGGED, at, not_tagged

CATALOG = Location(path="/Catalog")


@rule(id="pdf-role-map", target="pdf", impact="serious",
      requirements=(WCAG("1.3.1"), WCAG("4.1.2"), Matterhorn("02-001"), Matterhorn("02-003"), Matterhorn("02-004"),
                    PdfUA("7.1"), PdfUA2("8.2.4")),
      condition="A non-standard structure type is not role-mapped to a standard type (02-001), the role map is "
                "circular (02-003), a standard type is remapped (02-004), or (PDF/UA-2) a type is mapped to "
                "another type of its own namespace.",
      messages={**NOT_TAGGED,
                "unmapped": "Structure type {raw!r} is not mapped to a standard type (it ends on {type!r}).",
                "circular": "Structure type {raw!r} is mapped in a circle.",
                "remapped": "Standard structure type {raw!r} is remapped to {to!r}.",
                "same-namespace": "Structure type {raw!r} is mapped to a type of its own namespace.",
                "mapped": "{elements} structure elements; every type is standard or mapped to one."})
def pdf_role_map(facts: PdfFacts) -> Iterator[Finding]:
    """Every structure type is standard or role-mapped to a standard type

    Tags with custom names (``Heading1``, ``Bullet``) must be mapped in the structure tree's
    ``/RoleMap`` to a standard type (``H1``, ``LI``); the mapping may go through other custom names
    but must end on a standard type, must not go round in a circle, and must not redefine a
    standard type (mapping ``P`` to ``H1``).

    **Why it matters**: assistive technology only understands the standard types. A heading tagged
    with an unmapped custom name is announced as plain text, so a learner navigating by headings
    never finds that section.

    **How to fix**: export again from Word, PowerPoint or LibreOffice, which map their styles.
    Acrobat Pro: Tags panel › Options › Edit Role Map: map each custom type to a standard one and
    delete mappings of standard types.
    """
    if not facts.tagged:
        yield not_tagged(pdf_role_map)
        return
    seen: set[tuple[str, str]] = set()
    failed = 0
    for el in facts.elements():
        if el.mapping in ("standard", "mapped") or el.type == "StructTreeRoot":
            continue
        if (el.raw_type, el.mapping) in seen:
            continue
        seen.add((el.raw_type, el.mapping))
        failed += 1
        reqs = (PdfUA2("8.2.4"),) if el.mapping == "same-namespace" else None
        yield pdf_role_map.finding(Outcome.VIOLATION, el.mapping, at(el), requirements=reqs, raw=el.raw_type,
                                   type=el.type, to=facts.role_map.get(el.raw_type, ""))
    if not failed:
        yield pdf_role_map.finding(Outcome.PASS, "mapped", elements=facts.struct_elements)


@rule(id="pdf-marked-content", target="pdf", impact="serious",
      requirements=(WCAG("1.3.1"), Matterhorn("01-003"), Matterhorn("01-004"), Matterhorn("01-007"), PdfUA("7.1"),
                    PdfUA2("8.2.2")),
      condition="Content marked as Artifact lies inside tagged content (01-003), tagged content lies inside an "
                "Artifact (01-004), or the catalog's MarkInfo has /Suspects true (01-007).",
      messages={**NOT_TAGGED,
                "artifact-in-tagged": "Page {page}: {count} Artifact sequence(s) inside tagged content.",
                "tagged-in-artifact": "Page {page}: {count} tagged sequence(s) inside an Artifact.",
                "suspects": "The catalog's MarkInfo says the tags are suspect (/Suspects true).",
                "nested": "Artifacts and tagged content are kept apart."})
def pdf_marked_content(facts: PdfFacts) -> Iterator[Finding]:
    """Artifacts and tagged content are not nested in each other

    A page's content is either real content, tagged and reachable from the structure tree, or an
    artifact (page furniture: running headers, page numbers, decoration). One must not sit inside
    the other, and a file whose tags its producer marked as suspect (``/Suspects true``) is not
    reliable.

    **Why it matters**: a screen reader skips artifacts. Text tagged inside an artifact is lost to a
    learner who listens; an artifact inside a paragraph interrupts its reading with page furniture.

    **How to fix**: re-export from the source with tags on, or in Acrobat Pro use the Reading Order
    tool (or Content panel) to move the content out of the artifact, then clear "Suspects" by
    re-tagging the document.
    """
    if not facts.tagged:
        yield not_tagged(pdf_marked_content)
        return
    failed = 0
    if facts.ua is not None and facts.ua.suspects:
        failed += 1
        yield pdf_marked_content.finding(Outcome.VIOLATION, "suspects", CATALOG,
                                         requirements=(Matterhorn("01-007"), PdfUA("7.1")))
    for p in facts.pages:
        if p.content is None:
            continue
        if p.content.artifact_in_tagged:
            failed += 1
            yield pdf_marked_content.finding(Outcome.VIOLATION, "artifact-in-tagged", Location(page=p.number),
                                             page=p.number, count=p.content.artifact_in_tagged)
        if p.content.tagged_in_artifact:
            failed += 1
            yield pdf_marked_content.finding(Outcome.VIOLATION, "tagged-in-artifact", Location(page=p.number),
                                             page=p.number, count=p.content.tagged_in_artifact)
    if not failed:
        yield pdf_marked_content.finding(Outcome.PASS, "nested")


@rule(id="pdf-structure-root", target="pdf", impact="moderate",
      requirements=(WCAG("1.3.1"), PdfUA("7.1"), PdfUA2("8.2.1"), PdfUA2("8.2.5.2")),
      condition="A structure element has no /P (parent) entry (ISO 32000-1 Table 355); (PDF/UA-2) the "
                "structure tree root does not hold exactly one Document element of the PDF 2.0 namespace.",
      messages={**NOT_TAGGED,
                "no-parent": "{count} structure element(s) have no /P (parent) entry, e.g. {type}.",
                "root": "The structure tree root holds {kids} instead of one Document element.",
                "root-namespace": "The Document element at the root is not in the PDF 2.0 namespace.",
                "sound": "The structure tree's parent links are sound."})
def pdf_structure_root(facts: PdfFacts) -> Iterator[Finding]:
    """The structure tree is well formed

    Every structure element names its parent (``/P``), so that software can walk the tree up as well
    as down. A PDF/UA-2 file's tree starts with exactly one ``Document`` element of the PDF 2.0
    namespace.

    **Why it matters**: assistive technology that finds an element from the page (where the
    learner's focus is) walks up to its table, list or section; a broken link loses that context.

    **How to fix**: re-export with a current tool; in Acrobat Pro, re-tag the document (Accessibility
    › Autotag) or wrap the top-level tags in one Document tag.
    """
    if not facts.tagged or facts.struct_root is None:
        yield not_tagged(pdf_structure_root)
        return
    failed = 0
    orphans = [e for e in facts.elements() if e.type != "StructTreeRoot" and not e.has_p]
    if orphans:
        failed += 1
        yield pdf_structure_root.finding(Outcome.VIOLATION, "no-parent", at(orphans[0]), count=len(orphans),
                                         type=orphans[0].raw_type)
    if facts.ua_version == 2:
        kids = facts.struct_root.kid_types
        if kids != ["Document"]:
            failed += 1
            yield pdf_structure_root.finding(Outcome.VIOLATION, "root", Location(path="/StructTreeRoot"),
                                             kids=", ".join(kids) or "nothing")
        elif facts.struct_root.children[0].ns != PDF2_NS:
            failed += 1
            yield pdf_structure_root.finding(Outcome.VIOLATION, "root-namespace", Location(path="/Document[1]"))
    if not failed:
        yield pdf_structure_root.finding(Outcome.PASS, "sound")
