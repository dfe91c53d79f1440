"""A course as its package describes it: the outline (sections and items, in course order) and the
resources the items open. One model for IMS Common Cartridge, SCORM, plain IMS content packages
and Moodle backups; JSON, so the course auditor can hand it from discovery to its units."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

OUTLINE_SEPARATOR = " › "
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".pptx", ".epub")
PAGE_SUFFIXES = (".html", ".htm", ".xhtml")


class Resource(BaseModel):
    """What an item opens: a launch file and the other files it uses."""

    id: str
    type: str = ""                       # webcontent, imsdt_xmlv1p1, sco, asset, mod_page ...
    href: str | None = None              # the launch file (a package path), if any
    files: list[str] = Field(default_factory=list)
    declared_href: str = ""              # as written in the manifest


class Item(BaseModel):
    """One entry of the course outline. ``kind`` says how it is audited: ``page`` (in the browser),
    ``document`` (by its document auditor), ``link`` (a web address outside the package, not
    fetched), ``section`` (a heading of the outline), ``other`` (an LTI tool, an assignment ...)."""

    id: str
    title: str = ""
    kind: str = "section"
    resource: str | None = None          # the identifierref, as written
    href: str | None = None              # the package file it launches (page or document)
    url: str | None = None               # a web link's address
    source: str | None = None            # where the item's text lives, when it is not a page file
    page: str | None = None              # a page the auditor renders from the source (HTML)
    visible: bool = True
    children: list[Item] = Field(default_factory=list)


class CoursePackage(BaseModel):
    kind: str                            # imscc | scorm | ims-cp | moodle
    version: str = ""
    title: str = ""
    language: str | None = None
    manifest: str = "imsmanifest.xml"    # the file that describes the course
    items: list[Item] = Field(default_factory=list)
    resources: dict[str, Resource] = Field(default_factory=dict)
    references: list[str] = Field(default_factory=list)   # every package file the course description names
    aliases: dict[str, str] = Field(default_factory=dict)  # a path the course uses → the stored file (Moodle)

    @property
    def label(self) -> str:
        return {"imscc": "IMS Common Cartridge", "scorm": "SCORM package", "ims-cp": "IMS content package",
                "moodle": "Moodle course backup"}.get(self.kind, self.kind)

    def walk(self) -> Iterator[tuple[list[str], Item]]:
        """Every item in course order with its outline path (titles from the top down)."""

        def visit(items: list[Item], path: list[str]) -> Iterator[tuple[list[str], Item]]:
            for item in items:
                here = [*path, item.title or item.id]
                yield here, item
                yield from visit(item.children, here)

        yield from visit(self.items, [])


def outline_path(path: list[str]) -> str:
    return OUTLINE_SEPARATOR.join(path)


def kind_of_file(href: str | None) -> str:
    lower = (href or "").lower().partition("#")[0]
    if lower.endswith(PAGE_SUFFIXES):
        return "page"
    if lower.endswith(DOCUMENT_SUFFIXES):
        return "document"
    return "other"
