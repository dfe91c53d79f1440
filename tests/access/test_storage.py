"""File storage: streamed uploads with a size limit, safe names, byte ranges."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from access.errors import EmptyFile, FileTooLarge, RangeNotSatisfiable
from access.storage import ByteRange, Storage, parse_range, read_range, safe_filename


def test_upload_is_stored_under_tenant_and_job(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    path = storage.save_file(io.BytesIO(b"<p>hi</p>"), "school", "job-1", "Lesson 1.html", limit=100)
    assert path == tmp_path / "school" / "job-1" / "input" / "Lesson_1.html"
    assert path.read_bytes() == b"<p>hi</p>"


def test_upload_over_the_limit_stops_while_streaming(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    consumed = []

    def chunks():
        for i in range(1000):
            consumed.append(i)
            yield b"x" * 1024

    with pytest.raises(FileTooLarge):
        storage.save_stream(chunks(), "t", "j", "big.pdf", limit=10 * 1024)
    assert len(consumed) == 11, "reading stopped at the first chunk past the limit"
    assert not storage.job_dir("t", "j").exists(), "the partial upload was removed"


def test_empty_upload_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        Storage(tmp_path).save_file(io.BytesIO(b""), "t", "j", "empty.html", limit=100)


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\doc.docx", "doc.docx"), ("", "upload"),
    ("..", "upload"), ("ünïcødé name.pdf", "n_c_d_name.pdf"),
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_contains_refuses_paths_outside(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "files")
    assert storage.contains(tmp_path / "files" / "t" / "j" / "out" / "a.mp3")
    assert not storage.contains(tmp_path / "elsewhere" / "a.mp3")
    assert not storage.contains(tmp_path / "files" / ".." / "x")


@pytest.mark.parametrize(("header", "expected"), [
    (None, None), ("bytes=0-99", ByteRange(0, 99)), ("bytes=100-", ByteRange(100, 999)),
    ("bytes=-100", ByteRange(900, 999)), ("bytes=990-5000", ByteRange(990, 999)),
    ("bytes=-5000", ByteRange(0, 999)), ("items=0-1", None), ("bytes=0-1,5-6", None),
])
def test_parse_range(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-2", "bytes=abc", "bytes=-0", "bytes=-"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


def test_read_range(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(bytes(range(256)) * 4)
    assert b"".join(read_range(path, 250, 10, chunk=3)) == bytes(range(250, 256)) + bytes(range(4))
    assert ByteRange(250, 259).content_range(1024) == "bytes 250-259/1024"
