"""Zip containers (DOCX, PPTX, EPUB, zips of HTML, course packages) and tar archives (Moodle
backups) opened defensively.

A zip bomb, an absurd compression ratio, path traversal in member names or links end with
``invalid_document`` before anything is unpacked; more members than ``max_zip_members`` or a markup
member (HTML, XML) larger than ``max_member_bytes`` once decompressed end with ``limit_exceeded``
(:func:`check_zip_for` reads both from the settings). Python's zipfile never inflates a member past
the size its directory declares, so the declared sizes checked here bound what is read.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from access.errors import InvalidDocument, LimitExceeded

if TYPE_CHECKING:
    from access.config import Settings

MAX_MEMBERS = 20_000
MAX_RATIO = 200          # uncompressed / compressed, per member and overall
# members that are parsed whole (a DOM is built from them): their size is limited
MARKUP_SUFFIXES = (".html", ".htm", ".xhtml", ".xml", ".rels", ".opf", ".ncx", ".svg", ".smil", ".md")


def check_zip_for(path: Path, settings: Settings) -> list[str]:
    """:func:`check_zip` with the settings' limits."""
    return check_zip(path, settings.max_unpacked_bytes, max_members=settings.max_zip_members,
                     max_member_bytes=settings.max_member_bytes)


def check_zip(path: Path, max_unpacked_bytes: int, *, max_members: int = MAX_MEMBERS,
              max_member_bytes: int = 0) -> list[str]:
    """Validate a zip file's directory; returns the member names."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise InvalidDocument(f"The file is not a readable zip container: {exc}") from exc
    if len(infos) > max_members:
        raise LimitExceeded(f"The container holds {len(infos):,} files; at most {max_members:,} are accepted "
                            "(setting ACCESS_MAX_ZIP_MEMBERS).")
    total = 0
    compressed = 0
    for info in infos:
        name = info.filename
        if name.startswith("/") or ".." in Path(name).parts:
            raise InvalidDocument(f"The container has an unsafe member name: {name!r}.")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise InvalidDocument(f"The container member {name!r} is a symbolic link; containers with links "
                                  "are not opened.")
        if max_member_bytes and info.file_size > max_member_bytes and name.lower().endswith(MARKUP_SUFFIXES):
            raise LimitExceeded(f"The container member {name!r} is {info.file_size / 1e6:.0f} MB once unpacked; "
                                f"the limit is {max_member_bytes / 1e6:.0f} MB (setting ACCESS_MAX_MEMBER_BYTES).")
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > 1_000_000 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise InvalidDocument(
                f"The container member {name!r} expands {info.file_size // max(info.compress_size, 1)}-fold: "
                "this looks like a zip bomb and was not opened.")
    if total > max_unpacked_bytes:
        raise InvalidDocument(
            f"The container would unpack to {total / 1e6:.0f} MB; the limit is {max_unpacked_bytes / 1e6:.0f} MB.")
    if total > 10_000_000 and compressed and total / compressed > MAX_RATIO:
        raise InvalidDocument("The container's overall compression ratio looks like a zip bomb; it was not opened.")
    return [i.filename for i in infos]


def check_tar(path: Path, max_unpacked_bytes: int) -> list[str]:
    """Validate a tar archive (plain or compressed: a Moodle backup is a .tar.gz) member by member,
    before anything is unpacked: only regular files and folders (no links, devices or FIFOs), safe
    names, at most ``MAX_MEMBERS`` members and ``max_unpacked_bytes`` in all, and no compression
    ratio that looks like a bomb. Returns the file names."""
    import tarfile

    names: list[str] = []
    total = 0
    try:
        with tarfile.open(path, mode="r:*") as tf:
            for member in tf:
                name = member.name
                if name.startswith("/") or ".." in Path(name).parts or "\\" in name:
                    raise InvalidDocument(f"The archive has an unsafe member name: {name!r}.")
                if not (member.isfile() or member.isdir()):
                    raise InvalidDocument(f"The archive member {name!r} is a link or a special file; "
                                          "archives with links are not opened.")
                if len(names) >= MAX_MEMBERS:
                    raise InvalidDocument(f"The archive holds more than {MAX_MEMBERS} files.")
                total += member.size
                if total > max_unpacked_bytes:
                    raise InvalidDocument(f"The archive would unpack to more than {max_unpacked_bytes / 1e6:.0f} MB.")
                if member.isfile():
                    names.append(name)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise InvalidDocument(f"The file is not a readable archive: {exc}") from exc
    packed = path.stat().st_size
    if total > 10_000_000 and packed and total / packed > MAX_RATIO:
        raise InvalidDocument("The archive's compression ratio looks like a bomb; it was not opened.")
    return names


# What reading a damaged member raises: a bad CRC or header (BadZipFile), a broken deflate stream
# (zlib.error), a damaged bzip2/lzma stream (OSError, EOFError), an unknown method (NotImplementedError).
MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError, KeyError)


def read_member(zf: zipfile.ZipFile, name: str, limit: int = -1) -> bytes:
    """A member's bytes (at most ``limit``); ``invalid_document`` naming the member when it is
    damaged or missing, instead of the zip module's own exceptions."""
    try:
        with zf.open(name) as fh:
            return fh.read(limit)
    except MEMBER_ERRORS as exc:
        raise InvalidDocument(f"The container member {name!r} is damaged and cannot be read ({exc}).") from exc
