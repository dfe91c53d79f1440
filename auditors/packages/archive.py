"""A package's files, read without unpacking what is not needed.

A zip package (EPUB, Common Cartridge, SCORM, a zip-format Moodle backup) is read member by member
straight from the zip; a tar package (a Moodle ``.mbz``, a gzipped tar) is checked member by member
(:func:`access.safezip.check_tar`: no links, safe names, size and ratio limits) and then unpacked
once into a private temporary folder with the standard library's ``data`` filter. Either way a
name is looked up exactly as written in the package (names are case-sensitive, as on the web
servers an LMS runs on).
"""

from __future__ import annotations

import logging
import shutil
import tarfile
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from access.errors import InvalidDocument
from access.safezip import check_tar, check_zip, read_member
from auditors.packages.cache import ClosingCache
from rules.paths import clean_member

log = logging.getLogger(__name__)
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class PackageFiles(Protocol):
    """The files of a package, by their path inside it (``OEBPS/chapter-1.xhtml``)."""

    def names(self) -> list[str]: ...

    def read(self, name: str) -> bytes:
        """The member's bytes; KeyError when the package has no such file."""
        ...


@dataclass
class ZipFiles:
    path: Path
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _open(self) -> zipfile.ZipFile:
        with self._lock:
            if self._zip is None:
                self._zip = zipfile.ZipFile(self.path)
            return self._zip

    def names(self) -> list[str]:
        return [n for n in self._open().namelist() if not n.endswith("/")]

    def read(self, name: str) -> bytes:
        return read_member(self._open(), name)

    def close(self) -> None:
        with self._lock:
            if self._zip is not None:
                self._zip.close()
                self._zip = None


@dataclass
class DirFiles:
    """Files unpacked into ``root`` (a tar package); ``names`` as the archive listed them."""

    root: Path
    listed: list[str]

    def names(self) -> list[str]:
        return list(self.listed)

    def read(self, name: str) -> bytes:
        clean = clean_member(name)
        if clean is None:
            raise KeyError(name)
        path = self.root / clean
        if not path.is_file() or path.is_symlink():
            raise KeyError(name)
        return path.read_bytes()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class OverlayFiles:
    """A package's files plus pages the auditor rendered (a discussion topic, a Moodle page) and
    other names for stored files (a Moodle file by the name the course uses): what the package
    server serves and the document units read."""

    base: PackageFiles
    extra: dict[str, bytes] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [*self.base.names(), *self.extra, *self.aliases]

    def read(self, name: str) -> bytes:
        if name in self.extra:
            return self.extra[name]
        return self.base.read(self.aliases.get(name, name))


def is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4).startswith(ZIP_MAGIC)


def open_files(path: Path, max_unpacked_bytes: int) -> ZipFiles | DirFiles:
    """The package's files: a zip read in place, a tar unpacked (checked first) into a temporary
    folder the caller closes."""
    if is_zip(path):
        check_zip(path, max_unpacked_bytes)
        return ZipFiles(path)
    names = check_tar(path, max_unpacked_bytes)
    root = Path(tempfile.mkdtemp(prefix="access-package-"))
    try:
        with tarfile.open(path, mode="r:*") as tf:
            tf.extractall(root, filter="data")
    except (tarfile.TarError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise InvalidDocument(f"The archive could not be unpacked: {exc}") from exc
    return DirFiles(root, [n for n in (clean_member(n) for n in names) if n])


def open_package(path: Path, max_unpacked_bytes: int) -> ZipFiles | DirFiles:
    """The package's files, opened once per process (a tar is unpacked once, however many of its
    units this process audits), keyed by the file and its modification."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return PACKAGES.get(key, lambda: open_files(path, max_unpacked_bytes))


PACKAGES: ClosingCache[tuple[str, int, int], ZipFiles | DirFiles] = ClosingCache()
