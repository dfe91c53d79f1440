"""The EPUB fixture builder: a small EPUB described in a rule's YAML case, as files.

Without a description the builder makes a clean EPUB 3 publication: two chapters, a navigation
document (table of contents and landmarks), and every accessibility statement EPUB
Accessibility 1.1 asks for. A case changes only what it is about::

    epub:
      meta: {schema:accessMode: null}          # null removes a statement; a list repeats it
      docs:                                    # the spine, in order (replaces the two chapters)
        - {name: ch1.xhtml, body: "<h1>One</h1><img src='a.png'>", lang: null}
      nav: {page_list: [["1", "ch1.xhtml#p1"]], landmarks: null}
      smil: {ch1.smil: [["ch1.xhtml#p1", "audio/ch1.mp3"]]}
      drop: [OEBPS/ch2.xhtml]                  # files listed in the manifest but left out
      files: {OEBPS/extra.xhtml: "<html ...>"} # raw files added as they are

:func:`build_epub` returns ``{member: bytes}``; :func:`epub_bytes` packs that as a real EPUB zip
(``mimetype`` first and stored), which the auditor tests open.
"""

from __future__ import annotations

import io
import zipfile
from html import escape
from typing import Any

OPF = "OEBPS/content.opf"
CLEAN_META: dict[str, Any] = {
    "dc:title": "Photosynthesis for beginners",
    "dc:language": "en",
    "schema:accessMode": ["textual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": ["structuralNavigation", "tableOfContents", "readingOrder"],
    "schema:accessibilityHazard": ["none"],
    "schema:accessibilitySummary": "Text with headings and a table of contents; no images.",
    "dcterms:conformsTo": "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
    "a11y:certifiedBy": "Fixture Press",
}
CLEAN_DOCS = [
    {"name": "chapter-1.xhtml", "title": "Light", "body": "<section id='light'><h1>Light</h1>"
     "<p>Plants use light to make food.</p></section>"},
    {"name": "chapter-2.xhtml", "title": "Water", "body": "<section id='water'><h1>Water</h1>"
     "<p>Roots take up water from the soil.</p></section>"},
]
MEDIA = {".xhtml": "application/xhtml+xml", ".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg",
         ".mp3": "audio/mpeg", ".smil": "application/smil+xml", ".svg": "image/svg+xml"}
PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
                        "f8cf000000030101005f1ba2180000000049454e44ae426082")


def _media(name: str) -> str:
    return MEDIA.get("." + name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def content_document(title: str, body: str, lang: str | None = "en", head: str = "") -> str:
    """An XHTML content document; a body without its own ``main`` is wrapped in one (as a
    chapter's content is the main content of its document)."""
    if "<main" not in body:
        body = f"<main>{body}</main>"
    lang_attrs = f' lang="{lang}" xml:lang="{lang}"' if lang else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"{lang_attrs}>\n'
            f'<head><meta charset="utf-8"/><title>{escape(title)}</title>'
            f'<link rel="stylesheet" href="style.css"/>{head}</head>\n<body>\n{body}\n</body>\n</html>\n')


def _nav_list(kind: str, entries: list[list[str]], label: str, hidden: bool = False) -> str:
    items = []
    for entry in entries:
        text, href, *rest = entry
        type_attr = f' epub:type="{rest[0]}"' if rest else ""
        items.append(f'<li><a href="{escape(href)}"{type_attr}>{escape(text)}</a></li>')
    hide = ' hidden=""' if hidden else ""
    role = {"toc": ' role="doc-toc"', "page-list": ' role="doc-pagelist"'}.get(kind, "")
    return f'<nav epub:type="{kind}"{role} aria-label="{label}"{hide}><ol>{"".join(items)}</ol></nav>'


def build_epub(spec: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The files of the EPUB ``spec`` describes (see the module docstring)."""
    spec = dict(spec or {})
    docs = [dict(d) for d in spec.get("docs", CLEAN_DOCS)]
    meta = dict(CLEAN_META)
    meta.update(spec.get("meta", {}))
    version = str(spec.get("version", "3.0"))
    files: dict[str, bytes] = {"mimetype": b"application/epub+zip"}
    files["META-INF/container.xml"] = (
        b'<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        b'<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        b"</rootfiles></container>")
    files["OEBPS/style.css"] = b"body { font-family: serif; line-height: 1.5; } h1 { font-size: 1.6em; }"
    manifest = ['<item id="css" href="style.css" media-type="text/css"/>']
    spine = []
    for i, doc in enumerate(docs, 1):
        name = doc["name"]
        overlay = f' media-overlay="mo-{i}"' if doc.get("overlay") else ""
        manifest.append(f'<item id="doc-{i}" href="{name}" media-type="{_media(name)}"{overlay}/>')
        linear = "" if doc.get("linear", True) else ' linear="no"'
        spine.append(f'<itemref idref="doc-{i}"{linear}/>')
        if doc.get("overlay"):
            manifest.append(f'<item id="mo-{i}" href="{doc["overlay"]}" media-type="application/smil+xml"/>')
        files[f"OEBPS/{name}"] = content_document(doc.get("title", name), doc.get("body", "<p>Text.</p>"),
                                                  doc.get("lang", "en"), doc.get("head", "")).encode()
    for name, pars in spec.get("smil", {}).items():
        body = "".join(
            f'<par id="par{j}"{f" epub:type={chr(34)}{p[2]}{chr(34)}" if len(p) > 2 else ""}>'
            f'<text src="{p[0]}"/><audio src="{p[1]}" clipBegin="0s" clipEnd="1s"/></par>'
            for j, p in enumerate(pars))
        files[f"OEBPS/{name}"] = (
            f'<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">'
            f"<body><seq>{body}</seq></body></smil>").encode()
        for audio in {p[1] for p in pars}:
            if f"OEBPS/{audio}" not in files:
                files[f"OEBPS/{audio}"] = b"ID3"
                manifest.append(f'<item id="audio-{len(manifest)}" href="{audio}" media-type="audio/mpeg"/>')
    nav = {"toc": "auto", "landmarks": "auto", "page_list": None, **spec.get("nav", {})}
    if version.startswith("3") and nav.get("document", True):
        parts = []
        toc = [[d.get("title", d["name"]), d["name"]] for d in docs] if nav["toc"] == "auto" else nav["toc"]
        if toc is not None:
            parts.append(f'<h1>Contents</h1>{_nav_list("toc", toc, "Contents", bool(nav.get("toc_hidden")))}')
        if nav["page_list"] is not None:
            parts.append(_nav_list("page-list", nav["page_list"], "Pages", hidden=True))
        landmarks = ([["Contents", "nav.xhtml", "toc"], ["Start", docs[0]["name"], "bodymatter"]]
                     if nav["landmarks"] == "auto" and docs else nav["landmarks"])
        if landmarks is not None:
            parts.append(_nav_list("landmarks", landmarks, "Landmarks", hidden=True))
        files["OEBPS/nav.xhtml"] = content_document("Contents", "".join(parts)).encode()
        manifest.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
    for extra in spec.get("manifest", []):
        media_type = extra.get("media-type", _media(extra["href"]))
        manifest.append(f'<item id="{extra["id"]}" href="{extra["href"]}" media-type="{media_type}"/>')
        if extra["href"].endswith(".png"):
            files.setdefault(f"OEBPS/{extra['href']}", PNG_1PX)
    files[OPF] = _opf(version, meta, manifest, spine, spec).encode()
    for path, content in spec.get("files", {}).items():
        files[path] = content.encode() if isinstance(content, str) else content
    for path in spec.get("drop", []):
        files.pop(path, None)
    return files


def _opf(version: str, meta: dict[str, Any], manifest: list[str], spine: list[str], spec: dict[str, Any]) -> str:
    statements = ['<dc:identifier id="uid">urn:uuid:0f5d3e3a-6f0e-4c55-9a1e-2f1a0f6b7c11</dc:identifier>']
    epub3 = version.startswith("3")
    if epub3:
        statements.append('<meta property="dcterms:modified">2026-12-01T00:00:00Z</meta>')
    for prop, value in meta.items():
        if value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            if prop.startswith("dc:"):
                statements.append(f"<{prop}>{escape(str(v))}</{prop}>")
            elif epub3:
                id_attr = ' id="conf"' if prop == "dcterms:conformsTo" else ""
                statements.append(f'<meta property="{prop}"{id_attr}>{escape(str(v))}</meta>')
            else:
                statements.append(f'<meta name="{prop}" content="{escape(str(v))}"/>')
    if spec.get("layout"):
        statements.append(f'<meta property="rendition:layout">{spec["layout"]}</meta>')
    statements += spec.get("raw_meta", [])
    lang = spec.get("package_lang", "en")
    lang_attr = f' xml:lang="{lang}"' if lang else ""
    toc_attr = ' toc="ncx"' if not epub3 else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="{version}"'
            f' unique-identifier="uid"{lang_attr} prefix="a11y: http://www.idpf.org/epub/vocab/package/a11y/#">\n'
            f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">{"".join(statements)}</metadata>\n'
            f'<manifest>{"".join(manifest)}</manifest>\n<spine{toc_attr}>{"".join(spine)}</spine>\n</package>\n')


def epub_bytes(files: dict[str, bytes]) -> bytes:
    """The files as an EPUB zip: ``mimetype`` first and stored, the rest deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        if "mimetype" in files:
            zf.writestr(zipfile.ZipInfo("mimetype"), files["mimetype"], compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            if name != "mimetype":
                zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


class DictFiles:
    """A dictionary of files with the ``names``/``read`` the facts reader asks for."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def names(self) -> list[str]:
        return list(self.files)

    def read(self, name: str) -> bytes:
        return self.files[name]
