"""Inputs that try to hog a worker, generated here (small on disk, huge once read): the cases of
issue 14. Used by tests/reliability/test_limits_*.py and bench/hostile_inputs.py."""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from access.config import Settings

MB = 1024 * 1024


def _chunks(total: int, piece: bytes) -> Iterator[bytes]:
    block = piece * max(1, (4 * MB) // len(piece))
    left = total
    while left > 0:
        out = block[:left]
        left -= len(out)
        yield out


def pdf_with_big_stream(path: Path, inflated: int = 1024 * MB) -> Path:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of drawing operators
    (a 1 GB stream is about 2.6 MB on disk)."""
    packer = zlib.compressobj(9)
    body = bytearray()
    for chunk in _chunks(inflated, b"0 0 m 10 10 l S\n1 0 0 1 0 0 cm\n"):
        body += packer.compress(chunk)
    body += packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + bytes(body) + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def html_nested_tables(path: Path, depth: int = 10_000) -> Path:
    """``depth`` tables nested in each other (about 150 KB for 10,000)."""
    page = ("<!doctype html><html lang='en'><head><title>Tables</title></head><body>"
            + "<table><tr><td>" * depth + "deep" + "</td></tr></table>" * depth + "</body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def html_many_paragraphs(path: Path, count: int = 1_000_000) -> Path:
    """``count`` ``<p>`` elements (about 9 MB for a million)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("<!doctype html><html lang='en'><head><title>Paragraphs</title></head><body>")
        for start in range(0, count, 10_000):
            out.write("".join(f"<p>P{i}</p>" for i in range(start, min(count, start + 10_000))))
        out.write("</body></html>")
    return path


def text_long_line(path: Path, size: int = MB) -> Path:
    """A text file of one ``size``-byte line (words, no full stop, no line break)."""
    words = b"the quick brown fox jumps over a lazy dog and keeps running "
    path.write_bytes((words * (size // len(words) + 1))[:size])
    return path


def zip_many_members(path: Path, count: int = 19_000) -> Path:
    """A zip of ``count`` small HTML pages."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(count):
            zf.writestr(f"pages/p{i}.html", f"<!doctype html><html lang='en'><title>P{i}</title><p>Page {i}</p></html>")
    return path


def zip_huge_member(path: Path, size: int = 889 * MB) -> Path:
    """A zip holding one HTML file of ``size`` bytes, compressed about 60-fold (889 MB in about 15 MB):
    under the zip-bomb ratio check (200)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("index.html", "w", force_zip64=True) as member:
        member.write(b"<!doctype html><html lang='en'><head><title>Big</title></head><body>")
        written = 0
        row = 0
        while written < size:
            block = "".join(f"<h2 id='s{n}'>Section {n}</h2>" if n % 20 == 0 else
                            f"<p class='c{n % 7}'>A row of the big table, value {n % 13}.</p>"
                            for n in range(row, row + 20_000)).encode()
            row += 20_000
            block = block[: size - written]
            member.write(block)
            written += len(block)
        member.write(b"</body></html>")
    return path


# name -> (file name, generator, what the job does with it)
HOSTILE: dict[str, tuple[str, Callable[[Path], Path], tuple[str, ...]]] = {
    "pdf-1gb-stream": ("stream.pdf", pdf_with_big_stream, ("audit", "convert")),
    "html-10k-nested-tables": ("tables.html", html_nested_tables, ("audit", "convert")),
    "text-1mb-line": ("line.txt", text_long_line, ("convert",)),
    "zip-19k-members": ("pages.zip", zip_many_members, ("audit",)),
    "html-1m-paragraphs": ("paragraphs.html", html_many_paragraphs, ("audit", "convert")),
    "zip-889mb-html": ("big.zip", zip_huge_member, ("audit",)),
}


def run_as_worker(path: Path, mode: str, targets: list[str], settings: Settings, **convert: object) -> str:
    """Audit or convert ``path`` as a worker runs a job (under the job limits): ``"ok"`` or
    ``"<code>: <message>"``."""
    from access import services
    from access.errors import AccessError
    from access.limits import job_limits
    from access.models import AuditOptions, ConvertOptions

    try:
        with job_limits(settings):
            source = services.source_file(path, path.name, settings)
            ctx = services.make_context(settings)
            if mode == "audit":
                services.audit_file(source, AuditOptions(), ctx)
            else:
                with tempfile.TemporaryDirectory() as out:
                    services.convert(source, ConvertOptions(targets=targets, **convert), Path(out), ctx)
    except AccessError as exc:
        return f"{exc.code}: {exc.message}"
    return "ok"
