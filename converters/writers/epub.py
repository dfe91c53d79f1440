"""EPUB 3 writer, and the packaging API other EPUB writers reuse.

``write_epub`` turns a Document into chapters of semantic XHTML (split at level-1 headings and
sections), a navigation document (heading tree, page list, landmarks), embedded images with their
text alternatives, and the schema.org accessibility metadata EPUB Accessibility 1.1 asks for.

Packaging contract (for writers that add audio: media overlays reuse this instead of duplicating
OPF and nav generation)::

    package_epub(out_path, metadata=EpubMetadata(...), content_docs=[ContentDoc(...)],
                 nav_xhtml=nav_document(...), resources=[Resource(...)], css=epub_css(),
                 before_package_document=None)

- ``metadata``: :class:`EpubMetadata` — title, language (BCP 47), identifier (``urn:uuid:…``,
  stable for the same input), authors, ``modified`` (``CCYY-MM-DDThh:mm:ssZ``; default now),
  ``accessibility`` (property → value or list of values, e.g. ``{"schema:accessMode": ["textual",
  "auditory"]}``; see :func:`accessibility_metadata`), ``conforms_to`` (only when honest), and
  ``extra_meta``: ``(property, value, refines)`` triples written as ``<meta>``, e.g.
  ``("media:duration", "0:03:12.400", "#mo-chapter-1")`` and ``("media:active-class",
  "-epub-media-overlay-active", None)``. Prefixes ``schema:``, ``dcterms:``, ``media:`` are known.
- ``content_docs``: :class:`ContentDoc` in reading order — ``name`` (path inside ``OEBPS/``, e.g.
  ``chapter-001.xhtml``), ``xhtml`` (well-formed XHTML bytes), optional manifest ``id``,
  ``properties`` (e.g. ``"svg"``), ``media_overlay`` (the manifest id of its SMIL resource).
- ``nav_xhtml``: bytes of the navigation document (``nav.xhtml``), built with
  :func:`nav_document` from :class:`NavEntry` trees (toc, page list, landmarks).
- ``resources``: :class:`Resource` — images, audio (``audio/mpeg``), SMIL (``application/smil+xml``),
  each ``name`` (path inside OEBPS/), ``data`` (or ``path``: a file streamed into the zip, so a long
  book's audio never sits in memory), ``media_type``, optional ``id`` (needed for SMIL so a
  ContentDoc's ``media_overlay`` can refer to it) and ``properties``.
- ``css``: style sheet text written as ``OEBPS/style.css`` (content documents link ``style.css``).
- ``before_package_document(out_path)``: called once every content document and resource is in the
  zip and before the package document (``content.opf``) is written last: the moment to decide what
  the metadata claims from the content as packed (the EPUB writer audits it there, once).
Returns ``out_path``. The zip has ``mimetype`` first and stored, as OCF requires. Every XHTML
document is parsed (lxml) before it is packed, so a malformed one fails here, not in a reader.
The package is written once.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from access.context import Context
from access.conversion import DOCUMENT, OutputFolder, WriterSpec
from access.document import Document, Heading, Section, walk_blocks
from access.errors import EngineFailed
from access.models import ArtifactOut, ConvertOptions
from converters.writers.css import epub_css
from converters.writers.markup import Plan, Renderer, esc, plan_headings, quality_notice, slug, title_of

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
IMAGE_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
             "image/svg+xml": "svg"}
CORE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


# ----------------------------------------------------------------------------- packaging API


@dataclass
class EpubMetadata:
    title: str
    language: str
    identifier: str
    authors: list[str] = field(default_factory=list)
    modified: str | None = None
    source: str | None = None
    description: str | None = None
    accessibility: dict[str, Any] = field(default_factory=dict)
    conforms_to: str | None = None
    extra_meta: list[tuple[str, str, str | None]] = field(default_factory=list)


@dataclass
class ContentDoc:
    name: str
    xhtml: bytes
    id: str | None = None
    properties: str | None = None
    media_overlay: str | None = None
    linear: bool = True


@dataclass
class Resource:
    name: str
    data: bytes
    media_type: str
    id: str | None = None
    properties: str | None = None
    path: Path | None = None       # streamed from this file instead of ``data``


@dataclass
class NavEntry:
    label: str
    href: str
    children: list[NavEntry] = field(default_factory=list)


def stable_identifier(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
    return f"urn:uuid:{uuid.UUID(h.hexdigest()[:32], version=5)}"


def _ol(entries: list[NavEntry]) -> str:
    items = []
    for e in entries:
        sub = f"\n{_ol(e.children)}" if e.children else ""
        items.append(f'<li><a href="{esc(e.href)}">{esc(e.label)}</a>{sub}</li>')
    return "<ol>\n" + "\n".join(items) + "\n</ol>"


def nav_document(title: str, language: str, toc: list[NavEntry], page_list: list[NavEntry] | None = None,
                 landmarks: list[tuple[str, str, str]] | None = None, css_href: str = "style.css") -> bytes:
    """The EPUB navigation document. ``landmarks``: (epub:type, label, href) triples."""
    toc_ol = _ol(toc) if toc else f'<ol>\n<li><a href="{esc(landmarks[0][2]) if landmarks else "#"}">' \
                                   f"{esc(title)}</a></li>\n</ol>"
    pages = (f'<nav epub:type="page-list" role="doc-pagelist" aria-labelledby="pages-heading" hidden="hidden">\n'
             f'<h2 id="pages-heading">Pages</h2>\n{_ol(page_list)}\n</nav>\n') if page_list else ""
    marks = ""
    if landmarks:
        items = "\n".join(f'<li><a epub:type="{esc(t)}" href="{esc(h)}">{esc(label)}</a></li>'
                          for t, label, h in landmarks)
        marks = (f'<nav epub:type="landmarks" aria-labelledby="landmarks-heading" hidden="hidden">\n'
                 f'<h2 id="landmarks-heading">Landmarks</h2>\n<ol>\n{items}\n</ol>\n</nav>\n')
    return xhtml_page(title=f"{title}: contents", language=language, css_href=css_href, body=(
        f'<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-heading">\n'
        f'<h1 id="toc-heading">Contents</h1>\n{toc_ol}\n</nav>\n{pages}{marks}'))


def xhtml_page(*, title: str, language: str, body: str, css_href: str = "style.css",
               body_type: str | None = None) -> bytes:
    etype = f' epub:type="{body_type}"' if body_type else ""
    text = (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{esc(language)}" xml:lang="{esc(language)}">\n'
            f'<head>\n<meta charset="utf-8"/>\n<title>{esc(title)}</title>\n'
            f'<link rel="stylesheet" type="text/css" href="{esc(css_href)}"/>\n</head>\n'
            f"<body{etype}>\n{body}\n</body>\n</html>\n")
    return text.encode("utf-8")


def _meta_lines(metadata: EpubMetadata, paginated: bool = False) -> list[str]:
    """The package metadata. ``paginated``: the navigation has a page list, so ``dc:source`` names the
    print source its page numbers come from (refined ``source-of pagination``, EPUB Accessibility)."""
    modified = metadata.modified or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [f'<dc:identifier id="pub-id">{esc(metadata.identifier)}</dc:identifier>',
             f"<dc:title>{esc(metadata.title)}</dc:title>",
             f"<dc:language>{esc(metadata.language)}</dc:language>",
             f'<meta property="dcterms:modified">{modified}</meta>']
    lines += [f"<dc:creator>{esc(a)}</dc:creator>" for a in metadata.authors if a.strip()]
    if paginated:
        lines += [f'<dc:source id="print-source">{esc(metadata.source or metadata.title)}</dc:source>',
                  '<meta refines="#print-source" property="source-of">pagination</meta>']
    elif metadata.source:
        lines.append(f"<dc:source>{esc(metadata.source)}</dc:source>")
    if metadata.description:
        lines.append(f"<dc:description>{esc(metadata.description)}</dc:description>")
    for prop, value in metadata.accessibility.items():
        for v in value if isinstance(value, list | tuple) else [value]:
            lines.append(f'<meta property="{esc(prop)}">{esc(str(v))}</meta>')
    if metadata.conforms_to:
        lines.append(f'<meta property="dcterms:conformsTo">{esc(metadata.conforms_to)}</meta>')
    for prop, value, refines in metadata.extra_meta:
        ref = f' refines="{esc(refines)}"' if refines else ""
        lines.append(f'<meta property="{esc(prop)}"{ref}>{esc(value)}</meta>')
    return lines


def _check_xml(name: str, data: bytes) -> None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise EngineFailed(f"EPUB packaging produced malformed XML in {name}: {exc}") from exc


def package_epub(out_path: Path, *, metadata: EpubMetadata, content_docs: list[ContentDoc], nav_xhtml: bytes,
                 resources: Iterable[Resource] = (), css: str | None = None,
                 before_package_document: Callable[[Path], None] | None = None) -> Path:
    """Write an EPUB 3 file (see the module docstring for the contract)."""
    resources = list(resources)
    paginated = b'epub:type="page-list"' in nav_xhtml
    manifest = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>']
    if css is not None:
        manifest.append('<item id="css" href="style.css" media-type="text/css"/>')
    spine = []
    for k, cd in enumerate(content_docs, start=1):
        _check_xml(cd.name, cd.xhtml)
        ident = cd.id or f"c{k:03d}"
        props = f' properties="{esc(cd.properties)}"' if cd.properties else ""
        overlay = f' media-overlay="{esc(cd.media_overlay)}"' if cd.media_overlay else ""
        manifest.append(f'<item id="{esc(ident)}" href="{esc(cd.name)}" media-type="application/xhtml+xml"'
                        f"{props}{overlay}/>")
        linear = "" if cd.linear else ' linear="no"'
        spine.append(f'<itemref idref="{esc(ident)}"{linear}/>')
    _check_xml("nav.xhtml", nav_xhtml)
    for k, res in enumerate(resources, start=1):
        ident = res.id or f"r{k:03d}"
        props = f' properties="{esc(res.properties)}"' if res.properties else ""
        manifest.append(f'<item id="{esc(ident)}" href="{esc(res.name)}" media-type="{esc(res.media_type)}"{props}/>')
        if res.media_type in ("application/smil+xml", "application/xhtml+xml", "image/svg+xml"):
            _check_xml(res.name, res.data)
    container = (b'<?xml version="1.0" encoding="utf-8"?>\n'
                 b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
                 b'<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
                 b"</rootfiles>\n</container>\n")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", container, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("OEBPS/nav.xhtml", nav_xhtml, compress_type=zipfile.ZIP_DEFLATED)
        if css is not None:
            zf.writestr("OEBPS/style.css", css.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
        for cd in content_docs:
            zf.writestr(f"OEBPS/{cd.name}", cd.xhtml, compress_type=zipfile.ZIP_DEFLATED)
        for res in resources:
            _add_resource(zf, res)
    if before_package_document is not None:
        before_package_document(out_path)
    opf = ('<?xml version="1.0" encoding="utf-8"?>\n'
           '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id" '
           f'xml:lang="{esc(metadata.language)}">\n'
           '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' + "\n".join(_meta_lines(metadata, paginated))
           + "\n</metadata>\n<manifest>\n" + "\n".join(manifest) + "\n</manifest>\n<spine>\n"
           + "\n".join(spine) + "\n</spine>\n</package>\n").encode("utf-8")
    with zipfile.ZipFile(out_path, "a") as zf:
        zf.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
    return out_path


def withdraw_conformance_claim(path: Path) -> bool:
    """Remove the ``dcterms:conformsTo`` claim from a packed EPUB (its quality gate failed after it was
    written); the package is rewritten with every other entry as it was. True when there was a claim."""
    import re

    with zipfile.ZipFile(path) as zf:
        opf = zf.read("OEBPS/content.opf").decode("utf-8")
        if "dcterms:conformsTo" not in opf:
            return False
        tmp = path.with_suffix(".withdrawn.tmp")
        with zipfile.ZipFile(tmp, "w") as out:
            for info in zf.infolist():
                data = zf.read(info.filename)
                if info.filename == "OEBPS/content.opf":
                    data = re.sub(r'\n?<meta property="dcterms:conformsTo">[^<]*</meta>', "", opf).encode("utf-8")
                out.writestr(info, data, compress_type=info.compress_type)
    tmp.replace(path)
    return True


def _add_resource(zf: zipfile.ZipFile, res: Resource) -> None:
    """Images and audio are stored (already compressed), the rest deflated; a file is streamed."""
    stored = res.media_type.startswith(("image/jpeg", "image/png", "audio/"))
    compress = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if res.path is None:
        zf.writestr(f"OEBPS/{res.name}", res.data, compress_type=compress)
        return
    info = zipfile.ZipInfo(f"OEBPS/{res.name}", date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = compress
    with res.path.open("rb") as src, zf.open(info, "w") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)


def accessibility_metadata(doc: Document, *, has_page_list: bool, extra_modes: Iterable[str] = (),
                           extra_features: Iterable[str] = ()) -> tuple[dict[str, Any], str | None]:
    """schema.org accessibility metadata describing what the writer actually produced, and the
    conformance claim when it can be made honestly (no figure lacks its text alternative and the
    document-quality gate found nothing wrong with the text)."""
    figures = doc.figures()
    missing = [f for f in figures if f.alt_missing]
    modes = ["textual"] + (["visual"] if figures else []) + list(extra_modes)
    sufficient = ["textual"] if not missing else ["textual,visual"]
    if figures and not missing:
        sufficient.append("textual,visual")
    # schema.org's accessibilityFeature vocabulary only (DAISY Ace rejects others, e.g. "tableHeaders");
    # ARIA: the content carries DPUB-ARIA roles (doc-toc, doc-chapter, doc-pagebreak, doc-noteref)
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability", "ARIA"]
    if figures and not missing:
        features.append("alternativeText")
    if has_page_list:
        features += ["pageNavigation", "pageBreakMarkers"]
    features += list(extra_features)
    summary = ("Converted by access from " + (doc.metadata.source_format or "a document")
               + ": headings, lists and tables are marked up, the table of contents follows the heading "
                 "structure" + (", pages of the original are marked" if has_page_list else "") + ". ")
    if missing:
        summary += (f"{len(missing)} of {len(figures)} images have no text alternative in the source and are "
                    "marked for review; the publication does not claim conformance until they are described.")
    elif doc.quality_warnings:
        summary += ("Automatic checks found problems in the converted text (listed at its start); the publication "
                    "does not claim conformance.")
    else:
        summary += ("Conformance to EPUB Accessibility 1.1 (WCAG 2.2 AA) is claimed only when the access "
                    "auditor's automated checks found no violation in the content documents; automated checks "
                    "cannot find every barrier.")
    meta = {"schema:accessMode": modes, "schema:accessModeSufficient": sufficient,
            "schema:accessibilityFeature": features, "schema:accessibilityHazard": ["none"],
            "schema:accessibilitySummary": summary}
    return meta, (CONFORMANCE if not missing and not doc.quality_warnings else None)


# ----------------------------------------------------------------------------- Document → EPUB


@dataclass
class Chapter:
    blocks: list[Any]
    name: str = ""
    has_h1: bool = False


def split_chapters(doc: Document, plan: Plan) -> list[Chapter]:
    chapters: list[Chapter] = [Chapter(blocks=[])]
    for b in doc.blocks:
        starts = (isinstance(b, Heading) and plan.by_obj.get(id(b)) is not None
                  and plan.by_obj[id(b)].level == 1) or (isinstance(b, Section) and b.kind in ("chapter", "slide"))
        if starts and chapters[-1].blocks:
            chapters.append(Chapter(blocks=[]))
        chapters[-1].blocks.append(b)
    for k, ch in enumerate(chapters, start=1):
        ch.name = f"chapter-{k:03d}.xhtml"
        first = ch.blocks[0] if ch.blocks else None
        ch.has_h1 = isinstance(first, Heading) and plan.by_obj[id(first)].level == 1
    return chapters


def _heading_tree(plan: Plan, max_level: int = 4) -> list[NavEntry]:
    roots: list[NavEntry] = []
    stack: list[tuple[int, NavEntry]] = []
    for p in plan.headings:
        if p.level > max_level:
            continue
        entry = NavEntry(" ".join(p.heading.text.split()) or "Untitled section", f"{p.file}#{p.id}")
        while stack and stack[-1][0] >= p.level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(entry)
        stack.append((p.level, entry))
    return roots


def write_epub(doc: Document, folder: OutputFolder, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    ctx.progress(5, "writing epub")
    title = title_of(doc)
    language = doc.metadata.language or "und"
    plan = plan_headings(doc, base=1)
    chapters = split_chapters(doc, plan)
    resources: list[Resource] = []
    image_names: dict[int, str] = {}

    def image_src(fig: Any, n: int) -> str | None:
        if fig.media_type not in CORE_IMAGE_TYPES or not fig.image:
            return None
        name = f"images/image-{n + 1:03d}.{IMAGE_EXT[fig.media_type]}"
        if n not in image_names:
            image_names[n] = name
            resources.append(Resource(name=name, data=fig.image, media_type=fig.media_type))
        return name

    renderer = Renderer(plan, xhtml=True, image_src=image_src,
                        note_href=lambda key: f"notes.xhtml#fn-{slug(key)}")
    docs: list[ContentDoc] = []
    page_entries: list[NavEntry] = []
    for ch in chapters:              # every heading's file first: links may point forward
        for p in plan.headings:
            if not p.file and any(p.heading is b for b in walk_blocks(ch.blocks)):
                p.file = ch.name
    for k, ch in enumerate(chapters):
        ctx.check_cancelled()
        before = len(renderer.pages)
        renderer.file = ch.name
        body = renderer.blocks(ch.blocks)
        page_entries += [NavEntry(label, f"{ch.name}#{ident}") for label, ident in renderer.pages[before:]]
        lead = f"<h1>{esc(title)}</h1>\n" if k == 0 and not ch.has_h1 else ""
        if k == 0:
            lead = quality_notice(doc.quality_warnings, xhtml=True) + lead
        ch_title = title if k == 0 and not ch.has_h1 else _chapter_title(ch, plan, title)
        xhtml = xhtml_page(title=ch_title, language=language,
                           body=f'<section epub:type="chapter" role="doc-chapter" aria-label="{esc(ch_title)}">\n'
                                f"{lead}{body}\n</section>" if body or lead else "<p></p>",
                           body_type="bodymatter" if k == 0 else None)
        docs.append(ContentDoc(name=ch.name, xhtml=xhtml))
        ctx.progress(5 + 70 * (k + 1) / len(chapters), "writing epub")
    if doc.footnotes:
        notes = renderer.footnotes(doc, 1)
        docs.append(ContentDoc(name="notes.xhtml", xhtml=xhtml_page(title="Notes", language=language,
                                                                   body=notes, body_type="backmatter")))
    toc = _heading_tree(plan)
    landmarks = [("bodymatter", "Start of content", docs[0].name)]
    nav = nav_document(title, language, toc, page_entries, landmarks)
    a11y, claim = accessibility_metadata(doc, has_page_list=bool(page_entries))
    source_bytes = doc.model_dump_json().encode("utf-8")
    metadata = EpubMetadata(title=title, language=language, identifier=stable_identifier(source_bytes),
                            authors=doc.metadata.authors, source=doc.metadata.source_name, accessibility=a11y)
    audit: dict[str, Any] = {}

    def decide_claim(path: Path) -> None:
        """The claim is written only when our auditor found no violation in the content documents as
        packed; the audit is kept in the artifact for the gate, which does not audit them again."""
        from converters.gates.audit import CONTENT_DOCUMENTS, audit_check

        ctx.progress(80, "auditing the content documents")
        check, review = audit_check(path, "zip", path.name, ctx, CONTENT_DOCUMENTS)
        audit.update(check=check.model_dump(mode="json"), needs_review=review)
        metadata.conforms_to = claim if check.passed else None

    path = folder.file(".epub")
    package_epub(path, metadata=metadata, content_docs=docs, nav_xhtml=nav, resources=resources, css=epub_css(),
                 before_package_document=decide_claim if claim else None)
    ctx.progress(95, "epub written")
    missing = [{"check": "writer", "rule": "figure-alt-missing-in-source", **m} for m in renderer.missing_alt]
    facts: dict[str, Any] = {"language": language, "chapters": len(docs), "pages": len(page_entries),
                             "quality_warnings": len(doc.quality_warnings),
                             "figures": len(doc.figures()), "missing_alt_figures": missing,
                             "conforms_to": metadata.conforms_to}
    if audit:
        facts["audit"] = audit
    return [ArtifactOut(name=path.name, media_type="application/epub+zip", path=str(path), metadata=facts)]


def _chapter_title(ch: Chapter, plan: Plan, fallback: str) -> str:
    for b in walk_blocks(ch.blocks):
        if isinstance(b, Heading) and b.text.strip():
            return " ".join(b.text.split())
    return fallback


WRITER = WriterSpec("epub", DOCUMENT, write_epub,
                    description="EPUB 3 with navigation, page list and accessibility metadata, checked by "
                                "epubcheck and our auditor.")
