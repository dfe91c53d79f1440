"""What the EPUB rules read: an EPUB publication's package, navigation, content documents and
media overlays, gathered once from its files (:func:`read_epub`).

The files come from anything with ``names()`` and ``read(name)`` (the EPUB auditor's zip, the
fixture builder's dictionary). Everything is parsed with lxml with no network and no entity
expansion; a content document that is not well-formed XML is noted and read again with the HTML
parser, so the other checks still see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from lxml import etree

from access.errors import InvalidDocument
from access.models import Location
from rules.paths import Files, clean_member, resolve_href

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "smil": "http://www.w3.org/ns/SMIL",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_NS = "http://www.w3.org/XML/1998/namespace"
EPUB_TYPE = f"{{{NS['epub']}}}type"
XML_LANG = f"{{{XML_NS}}}lang"
CONTENT_TYPES = ("application/xhtml+xml", "image/svg+xml")
SNIPPET = 200


def xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True)


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, parser=xml_parser())


def local(el: etree._Element) -> str:
    if not isinstance(el.tag, str):
        return ""
    try:
        return etree.QName(el).localname
    except ValueError:            # a name the recovering HTML parser kept but QName refuses
        return el.tag.rpartition("}")[2]


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


# ----------------------------------------------------------------------------- the package


@dataclass(frozen=True)
class Meta:
    """One metadata statement of the package document: ``dc:title``, ``schema:accessMode`` ..."""

    property: str
    value: str
    refines: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    refines: str | None = None


@dataclass(frozen=True)
class Item:
    id: str
    href: str
    path: str | None              # the member it names (None: outside the container, or remote)
    media_type: str
    properties: frozenset[str] = frozenset()
    media_overlay: str | None = None
    present: bool = True


@dataclass(frozen=True)
class SpineRef:
    idref: str
    linear: bool = True


# ----------------------------------------------------------------------------- content documents


@dataclass(frozen=True)
class Element:
    """An element of a content document, as a finding points at it."""

    selector: str
    html: str
    id: str | None = None

    def location(self, path: str) -> Location:
        return Location(url=path, selector=self.selector, html=self.html)


@dataclass(frozen=True)
class Image:
    element: Element
    alt: str | None               # None: no alt attribute
    decorative: bool              # role presentation/none, or alt=""


@dataclass(frozen=True)
class PageBreak:
    element: Element
    label: str                    # the page number a reader announces (aria-label, title or text)


@dataclass(frozen=True)
class Typed:
    """An element with an ``epub:type`` and the ARIA role it has (if any)."""

    element: Element
    types: tuple[str, ...]
    role: str


@dataclass
class Document:
    path: str
    item_id: str
    linear: bool = True
    media_type: str = "application/xhtml+xml"
    present: bool = True
    well_formed: bool = True
    error: str | None = None
    title: str = ""
    lang: str | None = None
    xml_lang: str | None = None
    ids: set[str] = field(default_factory=set)
    id_order: list[str] = field(default_factory=list)        # the ids in document order
    images: list[Image] = field(default_factory=list)
    page_breaks: list[PageBreak] = field(default_factory=list)
    typed: list[Typed] = field(default_factory=list)
    has_math: bool = False
    has_audio: bool = False
    has_video: bool = False
    links: list[str] = field(default_factory=list)     # package members it links to
    media_overlay: str | None = None                    # the manifest id of its SMIL file

    @property
    def language(self) -> str | None:
        return self.lang or self.xml_lang


# ----------------------------------------------------------------------------- navigation


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    path: str | None
    fragment: str
    types: tuple[str, ...] = ()


@dataclass
class Nav:
    path: str
    source: str                                   # "nav" (EPUB 3) or "ncx" (EPUB 2)
    toc: list[NavLink] | None = None
    page_list: list[NavLink] | None = None
    landmarks: list[NavLink] | None = None
    toc_hidden: bool = False


# ----------------------------------------------------------------------------- media overlays


@dataclass(frozen=True)
class OverlayText:
    path: str | None
    fragment: str
    types: tuple[str, ...]
    audio: str | None              # the audio member the fragment is read from


@dataclass
class Overlay:
    item_id: str
    path: str | None
    present: bool
    error: str | None = None
    texts: list[OverlayText] = field(default_factory=list)


# ----------------------------------------------------------------------------- the whole


@dataclass
class EpubFacts:
    opf_path: str
    version: str
    package_lang: str | None
    meta: list[Meta]
    links: list[Link]
    manifest: dict[str, Item]
    spine: list[SpineRef]
    documents: list[Document]
    nav: Nav | None
    overlays: dict[str, Overlay]
    files: frozenset[str]
    nav_document: Document | None = None          # the navigation document's content, when not in the spine
    engine_versions: dict[str, str] = field(default_factory=lambda: {"lxml": etree.__version__})

    def values(self, prop: str) -> list[str]:
        """The values of a property stated for the publication (not refining another statement);
        EPUB 2's ``<meta name content>`` counts too."""
        return [m.value for m in self.meta if m.property == prop and m.refines is None and m.value]

    def refining(self, prop: str, target_id: str | None) -> list[str]:
        return [m.value for m in self.meta if m.property == prop and target_id and m.refines == f"#{target_id}"]

    @property
    def fixed_layout(self) -> bool:
        return "pre-paginated" in self.values("rendition:layout")

    @property
    def is_epub2(self) -> bool:
        return self.version.startswith("2")

    @cached_property
    def by_path(self) -> dict[str, Document]:
        return {d.path: d for d in self.documents}

    def location(self, selector: str | None = None, html: str | None = None) -> Location:
        """A place in the package document."""
        return Location(url=self.opf_path, selector=selector, html=html)


def read_epub(files: Files) -> EpubFacts:
    """Gather the facts of the EPUB whose files are ``files`` (InvalidDocument when it has no
    readable package document)."""
    names = frozenset(files.names())
    opf_path = _rootfile(files, names)
    try:
        opf = parse_xml(files.read(opf_path))
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise InvalidDocument(f"The EPUB's package document {opf_path} could not be read: {exc}") from exc
    version = opf.get("version") or ""
    metadata = opf.find("opf:metadata", NS)
    meta, links = _metadata(metadata)
    package_lang = opf.get(XML_LANG) or (metadata.get(XML_LANG) if metadata is not None else None)
    manifest = _manifest(opf, opf_path, names)
    spine = [SpineRef(ref.get("idref") or "", (ref.get("linear") or "yes").strip() != "no")
             for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    documents = []
    for ref in spine:
        item = manifest.get(ref.idref)
        if item is None or item.path is None:
            continue
        documents.append(_document(files, item, ref.linear, names))
    nav = _nav(files, opf, manifest, names)
    overlays = {}
    for doc in documents:
        if doc.media_overlay and doc.media_overlay not in overlays:
            overlays[doc.media_overlay] = _overlay(files, manifest.get(doc.media_overlay), doc.media_overlay, names)
    nav_item = next((i for i in manifest.values() if "nav" in i.properties and i.present and i.path), None)
    nav_document = None
    if nav_item is not None and nav_item.path not in {d.path for d in documents}:
        nav_document = _document(files, nav_item, False, names)
    return EpubFacts(opf_path=opf_path, version=version, package_lang=package_lang, meta=meta, links=links,
                     manifest=manifest, spine=spine, documents=documents, nav=nav, overlays=overlays, files=names,
                     nav_document=nav_document)


def _rootfile(files: Files, names: frozenset[str]) -> str:
    if "META-INF/container.xml" not in names:
        raise InvalidDocument("The EPUB has no META-INF/container.xml: it is not a readable EPUB.")
    try:
        container = parse_xml(files.read("META-INF/container.xml"))
    except etree.XMLSyntaxError as exc:
        raise InvalidDocument(f"The EPUB's META-INF/container.xml is not well-formed: {exc}") from exc
    for rootfile in container.iterfind(".//c:rootfile", NS):
        path = clean_member(rootfile.get("full-path") or "")
        if path and path in names:
            return path
    raise InvalidDocument("The EPUB's container.xml names no package document that is in the file.")


def _metadata(metadata: etree._Element | None) -> tuple[list[Meta], list[Link]]:
    meta: list[Meta] = []
    links: list[Link] = []
    if metadata is None:
        return meta, links
    for el in metadata.iter():
        if not isinstance(el.tag, str) or el is metadata:
            continue
        qname = etree.QName(el)
        if qname.namespace == NS["dc"]:
            meta.append(Meta(f"dc:{qname.localname}", squash(el.text), _refines(el), el.get("id")))
        elif qname.localname == "meta":
            if el.get("property"):
                meta.append(Meta(el.get("property") or "", squash("".join(el.itertext())), _refines(el), el.get("id")))
            elif el.get("name"):                                    # EPUB 2
                meta.append(Meta(el.get("name") or "", squash(el.get("content")), None, el.get("id")))
        elif qname.localname == "link":
            for rel in (el.get("rel") or "").split():
                links.append(Link(rel, el.get("href") or "", _refines(el)))
    return meta, links


def _refines(el: etree._Element) -> str | None:
    value = (el.get("refines") or "").strip()
    return value or None


def _manifest(opf: etree._Element, opf_path: str, names: frozenset[str]) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for el in opf.iterfind("opf:manifest/opf:item", NS):
        href = el.get("href") or ""
        path, _ = resolve_href(opf_path, href)
        items[el.get("id") or href] = Item(
            id=el.get("id") or href, href=href, path=path, media_type=(el.get("media-type") or "").strip(),
            properties=frozenset((el.get("properties") or "").split()), media_overlay=el.get("media-overlay"),
            present=path is not None and path in names)
    return items


def _document(files: Files, item: Item, linear: bool, names: frozenset[str]) -> Document:
    assert item.path is not None
    doc = Document(path=item.path, item_id=item.id, linear=linear, media_type=item.media_type,
                   present=item.present, media_overlay=item.media_overlay)
    if not item.present or item.media_type not in CONTENT_TYPES:
        return doc
    data = files.read(item.path)
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        doc.well_formed, doc.error = False, str(exc).splitlines()[0][:300]
        root = etree.fromstring(data, parser=etree.HTMLParser(no_network=True, remove_comments=True))
        if root is None:
            return doc
    _read_content(doc, root, names)
    return doc


def _read_content(doc: Document, root: etree._Element, names: frozenset[str]) -> None:
    places = _Places(root)
    # a landmarks nav's links carry landmark types (toc, bodymatter), not the semantics of their element
    in_landmarks = {el for nav in root.iter() if isinstance(nav.tag, str) and local(nav) == "nav"
                    and "landmarks" in (nav.get(EPUB_TYPE) or "").split() for el in nav.iter() if el is not nav}
    doc.lang = root.get("lang")
    doc.xml_lang = root.get(XML_LANG)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = local(el).lower()
        if el.get("id"):
            doc.ids.add(el.get("id") or "")
            doc.id_order.append(el.get("id") or "")
        if name == "title" and not doc.title:
            doc.title = squash("".join(el.itertext()))
        elif name == "img":
            alt = el.get("alt")
            role = (el.get("role") or "").strip().lower()
            doc.images.append(Image(places.of(el), alt, role in ("presentation", "none") or alt == ""))
        elif name == "math":
            doc.has_math = True
        elif name == "audio":
            doc.has_audio = True
        elif name == "video":
            doc.has_video = True
        elif name in ("a", "area") and el.get("href"):
            target, _ = resolve_href(doc.path, el.get("href") or "")
            if target and target in names:
                doc.links.append(target)
        types = tuple((el.get(EPUB_TYPE) or "").split())
        role = (el.get("role") or "").strip()
        if types and el not in in_landmarks:
            doc.typed.append(Typed(places.of(el), types, role))
        if "pagebreak" in types or "doc-pagebreak" in role.split():
            label = squash(el.get("aria-label") or el.get("title") or "".join(el.itertext()))
            doc.page_breaks.append(PageBreak(places.of(el), label))


class _Places:
    """CSS selectors and snippets of a content document's elements (ids are unique in a valid
    document; a repeated id falls back to the element's path)."""

    def __init__(self, root: etree._Element) -> None:
        ids: dict[str, int] = {}
        for el in root.iter():
            if isinstance(el.tag, str) and el.get("id"):
                ids[el.get("id") or ""] = ids.get(el.get("id") or "", 0) + 1
        self.unique = {k for k, n in ids.items() if n == 1}

    def of(self, el: etree._Element) -> Element:
        return Element(self.selector(el), snippet(el), el.get("id"))

    def selector(self, el: etree._Element) -> str:
        steps: list[str] = []
        node: etree._Element | None = el
        while node is not None and isinstance(node.tag, str):
            id_ = node.get("id")
            if id_ and id_ in self.unique and id_.replace("-", "").replace("_", "").isalnum() and not id_[0].isdigit():
                steps.append(f"#{id_}")
                break
            parent = node.getparent()
            name = local(node).lower()
            if parent is None:
                steps.append(name)
                break
            same = [s for s in parent if isinstance(s.tag, str) and local(s).lower() == name]
            steps.append(f"{name}:nth-of-type({same.index(node) + 1})" if len(same) > 1 else name)
            node = parent
        return " > ".join(reversed(steps))


def snippet(el: etree._Element) -> str:
    """The element's start tag (namespaced attributes with their usual prefixes), shortened."""
    attrs = []
    for key, value in el.attrib.items():
        qname = etree.QName(key)
        prefix = {NS["epub"]: "epub:", XML_NS: "xml:"}.get(qname.namespace or "", "")
        attrs.append(f' {prefix}{qname.localname}="{escape(value, quote=True)}"')
    return f"<{local(el)}{''.join(attrs)}>"[:SNIPPET]


# ----------------------------------------------------------------------------- navigation


def _nav(files: Files, opf: etree._Element, manifest: dict[str, Item], names: frozenset[str]) -> Nav | None:
    nav_item = next((i for i in manifest.values() if "nav" in i.properties and i.present), None)
    if nav_item is not None and nav_item.path is not None:
        try:
            return _nav_document(nav_item.path, parse_xml(files.read(nav_item.path)))
        except etree.XMLSyntaxError:
            return Nav(path=nav_item.path, source="nav")
    toc_id = (opf.find("opf:spine", NS).get("toc") if opf.find("opf:spine", NS) is not None else None) or ""
    ncx = manifest.get(toc_id) or next((i for i in manifest.values()
                                        if i.media_type == "application/x-dtbncx+xml" and i.present), None)
    if ncx is not None and ncx.path is not None and ncx.present:
        try:
            return _ncx(ncx.path, parse_xml(files.read(ncx.path)))
        except etree.XMLSyntaxError:
            return Nav(path=ncx.path, source="ncx")
    return None


def _nav_document(path: str, root: etree._Element) -> Nav:
    nav = Nav(path=path, source="nav")
    for el in root.iter(f"{{{NS['x']}}}nav"):
        types = (el.get(EPUB_TYPE) or "").split()
        links = [_nav_link(path, a) for a in el.iter(f"{{{NS['x']}}}a")]
        if "toc" in types and nav.toc is None:
            nav.toc = links
            nav.toc_hidden = el.get("hidden") is not None
        elif "page-list" in types and nav.page_list is None:
            nav.page_list = links
        elif "landmarks" in types and nav.landmarks is None:
            nav.landmarks = links
    return nav


def _nav_link(base: str, a: etree._Element) -> NavLink:
    href = a.get("href") or ""
    target, fragment = resolve_href(base, href) if href else (None, "")
    return NavLink(squash("".join(a.itertext())) or squash(a.get("title")), href, target, fragment,
                   tuple((a.get(EPUB_TYPE) or "").split()))


def _ncx(path: str, root: etree._Element) -> Nav:
    def links(xpath: str) -> list[NavLink]:
        out = []
        for point in root.iterfind(xpath, NS):
            label = squash("".join(point.find("ncx:navLabel", NS).itertext())
                           if point.find("ncx:navLabel", NS) is not None else "")
            content = point.find("ncx:content", NS)
            href = content.get("src") if content is not None else ""
            target, fragment = resolve_href(path, href or "") if href else (None, "")
            out.append(NavLink(label, href or "", target, fragment))
        return out

    page_list = links(".//ncx:pageList/ncx:pageTarget") if root.find(".//ncx:pageList", NS) is not None else None
    return Nav(path=path, source="ncx", toc=links(".//ncx:navMap//ncx:navPoint"), page_list=page_list)


# ----------------------------------------------------------------------------- media overlays


def _overlay(files: Files, item: Item | None, item_id: str, names: frozenset[str]) -> Overlay:
    if item is None or item.path is None or not item.present:
        return Overlay(item_id, item.path if item else None, present=False)
    overlay = Overlay(item_id, item.path, present=True)
    try:
        root = parse_xml(files.read(item.path))
    except etree.XMLSyntaxError as exc:
        overlay.error = str(exc).splitlines()[0][:300]
        return overlay
    for par in root.iter(f"{{{NS['smil']}}}par"):
        text = par.find("smil:text", NS)
        if text is None:
            continue
        audio = par.find("smil:audio", NS)
        target, fragment = resolve_href(item.path, text.get("src") or "")
        audio_path = resolve_href(item.path, audio.get("src") or "")[0] if audio is not None else None
        types: list[str] = []
        node: etree._Element | None = par
        while node is not None and isinstance(node.tag, str):
            types += (node.get(EPUB_TYPE) or "").split()
            node = node.getparent()
        overlay.texts.append(OverlayText(target, fragment, tuple(types), audio_path))
    return overlay


def documents_in(facts: EpubFacts, kinds: Iterable[str] = CONTENT_TYPES) -> list[Document]:
    """The spine's content documents that are in the container, of the given media types."""
    wanted = tuple(kinds)
    return [d for d in facts.documents if d.present and d.media_type in wanted]
