"""Jobs' files on disk: ``<data_dir>/files/<tenant>/<job id>/`` holds the upload (``input/``) and
everything the job produced (``out/``). Names are sanitised; no path leaves its job folder.
Also the byte-range arithmetic artifact downloads use (HTTP Range, RFC 9110 §14)."""

from __future__ import annotations

import io
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from access.errors import AccessError, EmptyFile, FileTooLarge, RangeNotSatisfiable

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
CHUNK = 1024 * 1024


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A file name with no directory part and only harmless characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = SAFE_NAME.sub("_", base).strip("._")[:150]
    return base or default


class Storage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def job_dir(self, tenant: str, job_id: str) -> Path:
        return self.root / safe_filename(tenant, "tenant") / safe_filename(job_id, "job")

    def input_dir(self, tenant: str, job_id: str) -> Path:
        return self.job_dir(tenant, job_id) / "input"

    def output_dir(self, tenant: str, job_id: str) -> Path:
        return self.job_dir(tenant, job_id) / "out"

    def save_stream(self, chunks: Iterable[bytes], tenant: str, job_id: str, filename: str | None,
                    limit: int) -> Path:
        """Write an upload chunk by chunk; stops and removes it as soon as it passes ``limit``."""
        folder = self.input_dir(tenant, job_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_filename(filename)
        written = 0
        try:
            with target.open("wb") as out:
                for chunk in chunks:
                    written += len(chunk)
                    if written > limit:
                        raise FileTooLarge(f"The file is larger than the limit of {human_size(limit)}.")
                    out.write(chunk)
        except AccessError:
            self.delete_job(tenant, job_id)
            raise
        if written == 0:
            self.delete_job(tenant, job_id)
            raise EmptyFile("The file is empty.")
        return target

    def save_file(self, fh: BinaryIO, tenant: str, job_id: str, filename: str | None, limit: int) -> Path:
        return self.save_stream(iter(lambda: fh.read(CHUNK), b""), tenant, job_id, filename, limit)

    def contains(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return False
        return True

    def delete_job(self, tenant: str, job_id: str) -> None:
        shutil.rmtree(self.job_dir(tenant, job_id), ignore_errors=True)


def write_atomic(path: Path, text: str) -> None:
    """Write a text file so that a reader sees all of it or nothing: a temporary file beside it,
    renamed over it (a second writer of the same content leaves the same file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def human_size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int          # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single byte range of a ``Range`` header, or None to send the whole file.

    Multiple ranges and other units are answered with the whole file (allowed by RFC 9110);
    a syntactically valid range outside the file raises :class:`RangeNotSatisfiable`."""
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, sep, last = spec.strip().partition("-")
    if not sep:
        raise RangeNotSatisfiable(f"Malformed Range header {header!r}.")
    first, last = first.strip(), last.strip()
    if not (first.isdigit() or first == "") or not (last.isdigit() or last == "") or (not first and not last):
        raise RangeNotSatisfiable(f"Malformed Range header {header!r}.")
    if not first:                                    # suffix range: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise RangeNotSatisfiable(f"Range {header!r} is empty; the file has {size} bytes.")
        return ByteRange(max(0, size - n), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(f"Range {header!r} is outside the file ({size} bytes).")
    return ByteRange(start, end)


def read_range(path: Path, start: int, length: int, chunk: int = 256 * 1024) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(start)
        remaining = length
        while remaining > 0:
            data = fh.read(min(chunk, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data


# already compressed: stored as they are in a zip of outputs (deflating them again costs time for nothing)
COMPRESSED_SUFFIXES = frozenset({".mp3", ".zip", ".epub", ".docx", ".pptx", ".png", ".jpg", ".jpeg", ".gif",
                                 ".webp", ".pdf", ".gz"})


class _Collect(io.RawIOBase):
    """A write-only stream that keeps what is written until it is taken (zipfile writes into it)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_stream(files: Iterable[tuple[str, Path]], chunk: int = CHUNK) -> Iterator[bytes]:
    """A zip archive of ``files`` (name in the archive, path), made while it is sent: no temporary
    file, memory bounded by ``chunk``. Compressed formats are stored, the others deflated."""
    sink = _Collect()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in files:
            info = zipfile.ZipInfo.from_file(path, safe_filename(name))
            info.compress_type = (zipfile.ZIP_STORED if path.suffix.lower() in COMPRESSED_SUFFIXES
                                  else zipfile.ZIP_DEFLATED)
            with path.open("rb") as src, archive.open(info, "w") as dst:
                while data := src.read(chunk):
                    dst.write(data)
                    yield sink.take()
    yield sink.take()
