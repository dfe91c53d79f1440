"""PDF/UA document features: optional content, embedded files, and what PDF/UA forbids (dynamic XFA,
reference XObjects, trap networks, sound and movie annotations) — ISO 14289-1 7.10, 7.11, 7.15, 7.18.2,
7.20; ISO 14289-2 8.7, 8.9.2.4, 8.10.1, 8.14."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, Matterhorn, PdfUA, PdfUA2
from rules.findings import closing
from rules.pdf.facts import PdfFacts

CATALOG = Location(path="/Catalog")


@rule(id="pdf-optional-content", target="pdf", impact="moderate",
      requirements=(Matterhorn("20-001"), Matterhorn("20-002"), Matterhorn("20-003"), PdfUA("7.10"), PdfUA2("8.7")),
      condition="An optional content configuration (the default D, or one in Configs) has no non-empty /Name "
                "(20-001, 20-002; PDF/UA-2: only when there are Configs) or has an /AS entry (20-003).",
      messages={"none": "The PDF has no optional content (layers).",
                "no-name": "An optional content configuration ({which}) has no name.",
                "as": "An optional content configuration ({which}) has an /AS entry.",
                "passed": "{checked} optional content configuration(s) are named."})
def pdf_optional_content(facts: PdfFacts) -> Iterator[Finding]:
    """Layers (optional content) are named

    Each optional-content configuration, the set of layers a reader may switch between, has a name,
    and none switches layers automatically (``/AS``). This is a PDF/UA condition with no WCAG success
    criterion of its own.

    **Why it matters**: a screen-reader user choosing a view (with or without answers, say) hears
    the configuration's name; an unnamed one cannot be told apart, and automatic switching changes
    what is read without the learner knowing.

    **How to fix**: Acrobat Pro: Layers panel › Options › Layer Properties, name each configuration;
    remove automatic (print/view) state changes.
    """
    ua = facts.ua
    configs = ua.oc_configs if ua is not None else []
    failed = 0
    for conf in configs:
        which = "default" if conf["d"] else "in Configs"
        needs_name = facts.ua_version == 1 or (ua is not None and ua.oc_has_configs)
        if needs_name and not (conf["name"] or "").strip():
            failed += 1
            yield pdf_optional_content.finding(Outcome.VIOLATION, "no-name", CATALOG, which=which)
        if conf["as"]:
            failed += 1
            yield pdf_optional_content.finding(Outcome.VIOLATION, "as", CATALOG, which=which)
    yield from closing(pdf_optional_content, len(configs), failed)


@rule(id="pdf-embedded-files", target="pdf", impact="moderate",
      requirements=(Matterhorn("21-001"), Matterhorn("28-016"), PdfUA("7.11"), PdfUA("7.18.7"), PdfUA2("8.14.1")),
      condition="The file specification of an embedded file (in the EmbeddedFiles tree or a file attachment "
                "annotation) lacks a non-empty /F or /UF (21-001, 28-016); (PDF/UA-2) it has no /Desc.",
      messages={"none": "The PDF has no embedded files.",
                "names": "Embedded file {file!r} lacks {keys}.",
                "desc": "Embedded file {file!r} has no description (/Desc).",
                "passed": "{checked} embedded file(s) are named."})
def pdf_embedded_files(facts: PdfFacts) -> Iterator[Finding]:
    """Embedded files are named and described

    A file attached to the PDF (a data set, a spreadsheet of results) has its name in both ``/F`` and
    the Unicode ``/UF`` entry, and in PDF/UA-2 a description. This is a PDF/UA condition with no WCAG
    success criterion of its own.

    **Why it matters**: the attachments list is how a screen-reader user finds the files; a missing
    or garbled name leaves them guessing which file holds what.

    **How to fix**: Acrobat Pro: Attachments panel › the file › Edit Description; re-attach files
    with Unicode names.
    """
    files = [*(facts.ua.embedded_files if facts.ua is not None else []),
             *(a.file_spec for p in facts.pages for a in p.annots if a.file_spec is not None)]
    failed = 0
    for spec in files:
        missing = [k.upper() for k in ("f", "uf") if not (spec[k] or "").strip()]
        label = spec["uf"] or spec["f"] or ""
        if missing and facts.ua_version == 1:
            failed += 1
            yield pdf_embedded_files.finding(Outcome.VIOLATION, "names", CATALOG, file=label,
                                             keys=" and ".join(missing))
        elif facts.ua_version == 2 and not spec["desc"]:
            failed += 1
            yield pdf_embedded_files.finding(Outcome.VIOLATION, "desc", CATALOG, file=label)
    yield from closing(pdf_embedded_files, len(files), failed)


@rule(id="pdf-forbidden-features", target="pdf", impact="serious",
      requirements=(WCAG("4.1.2"), Matterhorn("25-001"), Matterhorn("28-003"), Matterhorn("30-001"),
                    PdfUA("7.15"), PdfUA("7.18.2"), PdfUA("7.20"), PdfUA2("8.9.2.4"), PdfUA2("8.10.1")),
      condition="The file uses a dynamic XFA form (25-001; PDF/UA-2: any XFA), a visible TrapNet annotation "
                "(28-003; PDF/UA-2: any), a reference XObject (30-001), or (PDF/UA-2) a Sound or Movie "
                "annotation.",
      messages={"xfa": "The file uses {kind} XFA form, which PDF/UA forbids.",
                "annotation": "Page {page}: a {subtype} annotation, which PDF/UA forbids.",
                "reference-xobject": "The file uses {count} reference XObject(s), which PDF/UA forbids.",
                "clean": "No forbidden feature is used."})
def pdf_forbidden_features(facts: PdfFacts) -> Iterator[Finding]:
    """The file uses no feature PDF/UA forbids

    PDF/UA rules out features assistive technology cannot read: dynamic XFA forms, trap-network
    annotations (a printing aid), reference XObjects (content pulled in from another file) and, in
    PDF/UA-2, sound and movie annotations.

    **Why it matters**: content in these features is invisible to screen readers and may not show
    in the viewer a learner uses, so part of the material or form is lost.

    **How to fix**: rebuild XFA forms as AcroForms (Acrobat Pro: Prepare Form), flatten or remove
    trap networks in prepress, embed referenced pages, and replace sound or movie annotations with
    links to accessible media pages.
    """
    ua = facts.ua
    ua2 = facts.ua_version == 2
    failed = 0
    if ua is not None and (ua.xfa_dynamic or (ua2 and ua.xfa)):
        failed += 1
        yield pdf_forbidden_features.finding(Outcome.VIOLATION, "xfa", CATALOG,
                                             kind="a dynamic" if ua.xfa_dynamic else "an")
    if ua is not None and ua.reference_xobjects:
        failed += 1
        yield pdf_forbidden_features.finding(Outcome.VIOLATION, "reference-xobject", CATALOG,
                                             count=ua.reference_xobjects)
    banned = ("TrapNet", "Sound", "Movie") if ua2 else ("TrapNet",)
    for p in facts.pages:
        for a in p.annots:
            if a.subtype in banned and (ua2 or not a.hidden):
                failed += 1
                yield pdf_forbidden_features.finding(Outcome.VIOLATION, "annotation", Location(page=p.number),
                                                     page=p.number, subtype=a.subtype)
    if not failed:
        yield pdf_forbidden_features.finding(Outcome.PASS, "clean")


@rule(id="pdf-structure-destinations", target="pdf", impact="moderate",
      requirements=(WCAG("2.4.5"), PdfUA2("8.8")),
      condition="(PDF/UA-2) A link or bookmark goes to a place in the document through a page destination, "
                "not a structure destination.",
      messages={"ua1": "Structure destinations are a PDF/UA-2 requirement; the file does not claim PDF/UA-2.",
                "links": "{count} link(s) go to a page destination, not a structure destination.",
                "outlines": "{count} bookmark(s) go to a page destination, not a structure destination.",
                "passed": "Links and bookmarks into the document use structure destinations."})
def pdf_structure_destinations(facts: PdfFacts) -> Iterator[Finding]:
    """Links and bookmarks into the document point at structure (PDF/UA-2)

    In a PDF/UA-2 file a link or bookmark to another place of the same document names the structure
    element it goes to (a structure destination, ``/SD``), not only a page and a position.

    **Why it matters**: a screen reader that follows the link lands on the heading or table it names,
    and reads on from there; a page position can land the learner in the middle of a paragraph.

    **How to fix**: export with a PDF 2.0 / PDF/UA-2 capable tool (LibreOffice 24.8 or later with
    PDF/UA-2 export; Acrobat Pro's link tool with "Go to a structure element").
    """
    if facts.ua_version != 2:
        yield pdf_structure_destinations.finding(Outcome.INAPPLICABLE, "ua1", CATALOG)
        return
    failed = 0
    links = sum(a.plain_destination for p in facts.pages for a in p.annots)
    if links:
        failed += 1
        yield pdf_structure_destinations.finding(Outcome.VIOLATION, "links", CATALOG, count=links)
    outlines = facts.ua.struct_destinations_missing if facts.ua is not None else 0
    if outlines:
        failed += 1
        yield pdf_structure_destinations.finding(Outcome.VIOLATION, "outlines", CATALOG, count=outlines)
    if not failed:
        yield pdf_structure_destinations.finding(Outcome.PASS, "passed")
