"""Recognising an input's format from its bytes (not just its name)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from access.errors import EmptyFile, EncryptedDocument, UnsupportedFormat
from access.safezip import check_zip

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

MEDIA_TYPES = {
    "html": "text/html", "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "epub": "application/epub+zip", "zip": "application/zip", "text": "text/plain",
    "markdown": "text/markdown",
}


def detect_format(path: Path, filename: str | None = None, *, max_unpacked_bytes: int = 1 << 30) -> str:
    """Return one of html, pdf, docx, pptx, epub, zip, text, markdown, or raise a clear error."""
    name = (filename or path.name).lower()
    suffix = Path(name).suffix
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise EmptyFile("The file is empty.")
    if head.lstrip().startswith(b"%PDF") or head[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        if suffix in {".docx", ".pptx", ".xlsx"} or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in _read(path, 1 << 20):
            raise EncryptedDocument(
                "The file is an encrypted (password-protected) Office document; remove the password and "
                "submit it again.")
        raise UnsupportedFormat("Legacy Office files (.doc, .ppt) are not supported; save as .docx or .pptx.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        members = check_zip(path, max_unpacked_bytes)
        names = set(members)
        if "word/document.xml" in names:
            return "docx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        if "mimetype" in names:
            with zipfile.ZipFile(path) as zf:
                if zf.read("mimetype").strip() == b"application/epub+zip":
                    return "epub"
        if any(m.lower().endswith((".html", ".htm")) for m in members):
            return "zip"
        raise UnsupportedFormat("The zip file holds no Word, PowerPoint, EPUB or HTML content.")
    text = _decode(head)
    if text is None:
        raise UnsupportedFormat(f"The file {filename or path.name!r} is not a supported format "
                                "(pdf, docx, pptx, epub, html, zip of html, text, markdown).")
    lowered = text.lstrip().lower()
    if suffix in HTML_SUFFIXES or (lowered.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in lowered):
        return "html"
    if suffix in TEXT_SUFFIXES:
        return TEXT_SUFFIXES[suffix]
    if lowered.startswith("<") and any(t in lowered for t in ("<body", "<p>", "<div", "<h1")):
        return "html"
    return "text"


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
