"""Recognising an input's format from its bytes (not just its name), through an open table.

Each input format is a :class:`FormatSpec` in the ``access.formats`` entry-point group (the ones
below are the core's own; a plugin adds e.g. course packages the same way). ``detect_format`` makes
the checks every format shares once (empty file, encrypted or legacy Office file, zip safety, text
decoding) and asks each format how well the file looks like it (0: not at all); the best score wins.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from access.errors import EmptyFile, EncryptedDocument, UnsupportedFormat
from access.safezip import check_zip, check_zip_for, read_member

if TYPE_CHECKING:
    from access.config import Settings
    from access.registry import Registry

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "Encrypt".encode("utf-16-le")    # an OLE2 stream of an encrypted OOXML file
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
HEAD_BYTES = 4096


@dataclass
class Probe:
    """What the format sniffers look at: the name, the first bytes, the zip member names (for a
    zip) or the decoded start of the text (for text)."""

    path: Path
    filename: str
    head: bytes
    members: list[str] | None = None        # zip files only
    text: str | None = None                 # text files only: the decoded head

    @property
    def suffix(self) -> str:
        return Path(self.filename.lower()).suffix

    @cached_property
    def lowered(self) -> str:
        return (self.text or "").lstrip().lower()

    def read_member(self, name: str, limit: int = 1 << 20) -> bytes:
        with zipfile.ZipFile(self.path) as zf:
            return read_member(zf, name, limit)


@dataclass(frozen=True)
class FormatSpec:
    name: str                                 # what jobs, auditors and readers call it: pdf, docx ...
    media_type: str
    container: str                            # "binary", "zip" or "text": which files it is asked about
    sniff: Callable[[Probe], int]             # 0 (not this format) … 100 (certainly)
    description: str = ""


def _pdf(p: Probe) -> int:
    return 100 if p.head.lstrip().startswith(b"%PDF") or p.head[:1024].find(b"%PDF-") != -1 else 0


def _member(name: str) -> Callable[[Probe], int]:
    return lambda p: 100 if name in (p.members or ()) else 0


def _epub(p: Probe) -> int:
    if "mimetype" not in (p.members or ()):
        return 0
    return 90 if p.read_member("mimetype", 100).strip() == b"application/epub+zip" else 0


def _html_zip(p: Probe) -> int:
    return 10 if any(m.lower().endswith((".html", ".htm")) for m in p.members or ()) else 0


def _html(p: Probe) -> int:
    declared = p.lowered.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in p.lowered
    if p.suffix in HTML_SUFFIXES or declared:
        return 90
    if p.lowered.startswith("<") and any(t in p.lowered for t in ("<body", "<p>", "<div", "<h1")):
        return 40
    return 0


def _markdown(p: Probe) -> int:
    return 80 if p.suffix in (".md", ".markdown") else 0


def _text(p: Probe) -> int:
    return 60 if p.suffix in (".txt", ".text") else 10


PDF = FormatSpec("pdf", "application/pdf", "binary", _pdf, "PDF document")
DOCX = FormatSpec("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip",
                  _member("word/document.xml"), "Word document")
PPTX = FormatSpec("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip",
                  _member("ppt/presentation.xml"), "PowerPoint presentation")
EPUB = FormatSpec("epub", "application/epub+zip", "zip", _epub, "EPUB publication")
ZIP = FormatSpec("zip", "application/zip", "zip", _html_zip, "zip of HTML pages")
HTML = FormatSpec("html", "text/html", "text", _html, "HTML page")
MARKDOWN = FormatSpec("markdown", "text/markdown", "text", _markdown, "Markdown")
TEXT = FormatSpec("text", "text/plain", "text", _text, "plain text")


def detect_format(path: Path, filename: str | None = None, *, max_unpacked_bytes: int = 1 << 30,
                  registry: Registry | None = None, settings: Settings | None = None) -> str:
    """The name of the input format, or a clear error (empty, encrypted, legacy, unsupported)."""
    from access.registry import get_registry

    specs = list((registry or get_registry()).formats.load_all().values())
    name = filename or path.name
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head.strip():
        raise EmptyFile("The file is empty.")
    probe = Probe(path=path, filename=name, head=head)
    if head.startswith(OLE2_MAGIC):
        if probe.suffix in {".docx", ".pptx", ".xlsx"} or ENCRYPTED_MARK in _read(path, 1 << 20):
            raise EncryptedDocument(
                "The file is an encrypted (password-protected) Office document; remove the password and "
                "submit it again.")
        raise UnsupportedFormat("Legacy Office files (.doc, .ppt) are not supported; save as .docx or .pptx.")
    if best := _best(probe, [s for s in specs if s.container == "binary"]):
        return best
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        probe.members = list(check_zip_for(path, settings) if settings is not None
                             else check_zip(path, max_unpacked_bytes))
        if best := _best(probe, [s for s in specs if s.container == "zip"]):
            return best
        kinds = ", ".join(s.description for s in specs if s.container == "zip" and s.description)
        raise UnsupportedFormat(f"The zip file holds nothing this service reads ({kinds}).")
    probe.text = _decode(head)
    if probe.text is not None and (best := _best(probe, [s for s in specs if s.container == "text"])):
        return best
    accepted = ", ".join(s.name for s in specs)
    raise UnsupportedFormat(f"The file {name!r} is not a supported format ({accepted}).")


def media_type(fmt: str, registry: Registry | None = None) -> str:
    from access.registry import get_registry

    spec = (registry or get_registry()).formats.get(fmt)
    return spec.media_type if spec is not None else "application/octet-stream"


def _best(probe: Probe, specs: list[FormatSpec]) -> str | None:
    scored = sorted(((s.sniff(probe), s.name) for s in specs), key=lambda t: (-t[0], t[1]))
    return scored[0][1] if scored and scored[0][0] > 0 else None


def _read(path: Path, n: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def _decode(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:            # a character cut at the 4 KiB boundary
            return head[: exc.start].decode("utf-8")
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return None
        return text if sum(c.isprintable() or c.isspace() for c in text) > 0.95 * len(text) else None
