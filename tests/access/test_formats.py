"""Format detection from bytes, and defensive zip handling."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from access.errors import EmptyFile, EncryptedDocument, InvalidDocument, UnsupportedFormat
from access.formats import OLE2_MAGIC, detect_format
from access.safezip import check_zip


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("a.pdf", b"%PDF-1.7\n...", "pdf"),
    ("upload.bin", b"%PDF-1.4\n", "pdf"),                       # the bytes win over the name
    ("page.html", b"<!DOCTYPE html><html lang='en'><title>x</title>", "html"),
    ("noext", b"<html><body><p>x</p></body></html>", "html"),
    ("notes.md", b"# Title\n\nText", "markdown"),
    ("notes.txt", "Caf\u00e9 text".encode(), "text"),
    ("latin1.txt", "Caf\u00e9 na\u00efve".encode("cp1252"), "text"),
])
def test_detects_plain_formats(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    assert detect_format(write(tmp_path, name, data)) == expected


def test_detects_zip_containers(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "a.zip", zip_bytes({"word/document.xml": b"<w/>"}))) == "docx"
    assert detect_format(write(tmp_path, "b.zip", zip_bytes({"ppt/presentation.xml": b"<p/>"}))) == "pptx"
    assert detect_format(write(tmp_path, "c.zip", zip_bytes({"mimetype": b"application/epub+zip"}))) == "epub"
    assert detect_format(write(tmp_path, "d.zip", zip_bytes({"site/index.html": b"<html>"}))) == "zip"
    with pytest.raises(UnsupportedFormat):
        detect_format(write(tmp_path, "e.zip", zip_bytes({"data.csv": b"a,b"})))


def test_bad_inputs_have_stable_codes(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        detect_format(write(tmp_path, "empty.pdf", b""))
    with pytest.raises(EmptyFile):
        detect_format(write(tmp_path, "blank.txt", b"  \n\t "))
    with pytest.raises(EncryptedDocument):
        detect_format(write(tmp_path, "locked.docx", OLE2_MAGIC + b"\x00" * 600))
    with pytest.raises(UnsupportedFormat):
        detect_format(write(tmp_path, "old.doc", OLE2_MAGIC + b"\x00" * 600))
    with pytest.raises(UnsupportedFormat):
        detect_format(write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    with pytest.raises(InvalidDocument):
        detect_format(write(tmp_path, "broken.docx", b"PK\x03\x04 truncated"))


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = write(tmp_path, "bomb.docx", zip_bytes({"word/document.xml": b"\0" * 50_000_000}))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InvalidDocument, match="zip bomb"):
        detect_format(bomb)
    with pytest.raises(InvalidDocument, match="unpack"):
        check_zip(write(tmp_path, "big.zip", zip_bytes({"a.html": b"x" * 2_000})), max_unpacked_bytes=1_000)
    traversal = write(tmp_path, "t.zip", zip_bytes({"../../etc/passwd": b"x"}))
    with pytest.raises(InvalidDocument, match="unsafe"):
        check_zip(traversal, max_unpacked_bytes=1 << 30)
