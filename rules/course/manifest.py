"""``imsmanifest.xml`` → :class:`~rules.course.model.CoursePackage`, for IMS Common Cartridge
1.1–1.3 (and Thin CC), SCORM 1.2 and 2004, and plain IMS content packages.

Elements are matched by local name, so the many namespace versions of these formats read alike.
The default organisation gives the outline; an item's ``identifierref`` names the resource it
opens, whose ``href`` (resolved against ``xml:base``) is the launch file. Common Cartridge's own
resource types become pages the auditor renders as an LMS shows them: a discussion topic's text
and a QTI quiz's questions with their choices; a web link is kept as a link (never fetched).
"""

from __future__ import annotations

import posixpath
from html import escape
from urllib.parse import unquote

from lxml import etree

from access.errors import InvalidDocument
from rules.course.model import CoursePackage, Item, Resource, kind_of_file
from rules.paths import Files, clean_member

MANIFEST = "imsmanifest.xml"
CC_MARKERS = ("imsccv1p", "IMS Common Cartridge", "IMS Thin CC", "imscc_xmlv1p")
SCORM_MARKERS = ("adlcp", "ADL SCORM", "adlcp_rootv1p2", "adlcp_v1p3")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                           recover=False)


def parse_xml(data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidDocument(f"{name} is not well-formed XML: {exc}") from exc


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [c for c in el if local(c) == name] if el is not None else []


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    found = children(el, name)
    return found[0] if found else None


def descendant(el: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        el = child(el, name)
    return el


def text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def package_kind(manifest: bytes) -> str:
    """imscc, scorm or ims-cp, from the manifest's namespaces and schema statement."""
    head = manifest[:65536].decode("utf-8", "replace")
    if any(m in head for m in CC_MARKERS):
        return "imscc"
    if any(m in head for m in SCORM_MARKERS):
        return "scorm"
    return "ims-cp"


def read_manifest(files: Files) -> CoursePackage:
    names = set(files.names())
    if MANIFEST not in names:
        raise InvalidDocument("The package has no imsmanifest.xml at its root.")
    data = files.read(MANIFEST)
    root = parse_xml(data, MANIFEST)
    kind = package_kind(data)
    metadata = child(root, "metadata")
    version = text(child(metadata, "schemaversion"))
    lom = next((c for c in (metadata if metadata is not None else []) if local(c) == "lom"), None)
    general = child(lom, "general")
    title = text(descendant(general, "title", "string")) or text(child(general, "title"))
    language = text(child(general, "language")) or None
    base = root.get("{http://www.w3.org/XML/1998/namespace}base") or ""
    resources: dict[str, Resource] = {}
    references: list[str] = []
    for res in children(child(root, "resources"), "resource"):
        res_base = posixpath.join(base, res.get("{http://www.w3.org/XML/1998/namespace}base") or "")
        href = res.get("href")
        launch = _member(res_base, href) if href else None
        file_paths = [p for p in (_member(res_base, f.get("href") or "") for f in children(res, "file")) if p]
        scorm_type = next((v for k, v in res.attrib.items() if k.lower().endswith("scormtype")), "")
        identifier = res.get("identifier") or ""
        resources[identifier] = Resource(id=identifier, type=res.get("type") or scorm_type, href=launch,
                                         files=file_paths, declared_href=href or "")
        references += [p for p in [launch, *file_paths] if p]
    organizations = child(root, "organizations")
    orgs = children(organizations, "organization")
    default = organizations.get("default") if organizations is not None else None
    org = next((o for o in orgs if o.get("identifier") == default), orgs[0] if orgs else None)
    if not title and org is not None:
        title = text(child(org, "title"))
    tops = children(org, "item")
    if len(tops) == 1 and not text(child(tops[0], "title")) and not tops[0].get("identifierref"):
        tops = children(tops[0], "item")      # Common Cartridge's untitled root item ("rooted-hierarchy")
    items = [_item(el, resources, files, names) for el in tops]
    if kind == "imscc" and not items:           # a cartridge may have resources and no organisation
        items = [_loose(res, resources, files, names) for res in resources.values()
                 if res.type and not res.type.startswith("associatedcontent")]
    return CoursePackage(kind=kind, version=version, title=title, language=language, manifest=MANIFEST,
                         items=items, resources=resources, references=list(dict.fromkeys(references)))


def _item(el: etree._Element, resources: dict[str, Resource], files: Files, names: set[str]) -> Item:
    ref = el.get("identifierref")
    visible = (el.get("isvisible") or "true").lower() != "false"
    item = Item(id=el.get("identifier") or "", title=text(child(el, "title")), resource=ref, visible=visible,
                children=[_item(c, resources, files, names) for c in children(el, "item")])
    if ref:
        _open(item, resources.get(ref), files, names)
    return item


def _member(base: str, href: str) -> str | None:
    """A resource's file as a package path (``xml:base`` applied; query and fragment dropped)."""
    ref = unquote(href.partition("#")[0].partition("?")[0])
    return clean_member(posixpath.join(base, ref)) if ref else None


def _loose(res: Resource, resources: dict[str, Resource], files: Files, names: set[str]) -> Item:
    item = Item(id=res.id, title="", resource=res.id)
    _open(item, res, files, names)
    return item


def _open(item: Item, res: Resource | None, files: Files, names: set[str]) -> None:
    """What the item opens, and how it is audited."""
    if res is None:
        item.kind = "other"
        return
    kind = res.type.lower()
    xml = next((f for f in res.files if f.lower().endswith(".xml")), None)
    if kind.startswith("imswl"):
        item.kind = "link"
        item.source = xml
        if xml and xml in names:
            root = parse_xml(files.read(xml), xml)
            item.url = (child(root, "url").get("href") if child(root, "url") is not None else None)
            item.title = item.title or text(child(root, "title"))
    elif kind.startswith("imsdt") and xml and xml in names:
        item.kind, item.source = "page", xml
        root = parse_xml(files.read(xml), xml)
        item.title = item.title or text(child(root, "title"))
        item.page = _section(item.title, child(root, "text"))
    elif "assessment" in kind or kind.startswith("imsqti"):
        item.kind, item.source = "page", xml
        if xml and xml in names:
            item.page = quiz_page(parse_xml(files.read(xml), xml))
    elif res.href:
        item.href = res.href
        item.kind = kind_of_file(res.href)
    elif kind == "webcontent" and len(res.files) == 1:
        item.href = res.files[0]
        item.kind = kind_of_file(res.files[0])
    else:
        item.kind = "other"


def _section(title: str, body: etree._Element | None) -> str:
    html = "".join(body.itertext()) if body is not None else ""
    return filebase(f"<h1>{escape(title)}</h1>\n{html}")


def filebase(html: str) -> str:
    """Common Cartridge's file-base token made a relative reference (the rendered page is served
    beside the XML file it comes from)."""
    for token in ("$IMS-CC-FILEBASE$/", "%24IMS-CC-FILEBASE%24/", "$IMS-CC-FILEBASE$", "%24IMS-CC-FILEBASE%24"):
        html = html.replace(token, "")
    return html


def quiz_page(root: etree._Element) -> str:
    """A QTI 1.2 assessment as an LMS shows it: each question's text (its HTML as written), then
    its choices as radio buttons labelled by their text, or a text field."""
    assessment = next((e for e in root.iter() if local(e) == "assessment"), root)
    parts = [f"<h1>{escape(assessment.get('title') or 'Quiz')}</h1>", "<form>"]
    for n, question in enumerate((e for e in assessment.iter() if local(e) == "item"), 1):
        presentation = child(question, "presentation")
        stem = "".join(_material(m) for m in children(presentation, "material"))
        parts.append(f'<fieldset><legend>Question {n}</legend><div class="question">{stem}</div>')
        labels = [e for e in (presentation.iter() if presentation is not None else []) if local(e) == "response_label"]
        if labels:
            for i, label in enumerate(labels, 1):
                choice = "".join(_material(m) for m in label.iter() if local(m) == "material")
                parts.append(f'<p><input type="radio" name="q{n}" id="q{n}-{i}"> '
                             f'<label for="q{n}-{i}">{choice}</label></p>')
        else:
            parts.append(f'<p><label for="q{n}">Answer</label> <input type="text" id="q{n}"></p>')
        parts.append("</fieldset>")
    parts.append("</form>")
    return filebase("\n".join(parts))


def _material(material: etree._Element) -> str:
    out = []
    for m in material.iter():
        name = local(m)
        if name == "mattext":
            value = "".join(m.itertext())
            out.append(value if (m.get("texttype") or "").lower() == "text/html" else escape(value))
        elif name == "matimage":
            alt = f' alt="{escape(m.get("label") or "")}"' if m.get("label") is not None else ""
            out.append(f'<img src="{escape(m.get("uri") or "")}"{alt}>')
    return "".join(out)
