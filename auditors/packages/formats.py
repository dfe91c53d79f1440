"""The course package formats (``access.formats`` entry points): how an upload is recognised as a
Common Cartridge, a SCORM (or IMS content) package or a Moodle backup, from its content."""

from __future__ import annotations

import gzip
import zlib

from access.formats import FormatSpec, Probe
from rules.course.manifest import MANIFEST, package_kind
from rules.course.moodle import BACKUP

GZIP_MAGIC = b"\x1f\x8b"


def _manifest_kind(p: Probe) -> str | None:
    if MANIFEST not in (p.members or ()):
        return None
    return package_kind(p.read_member(MANIFEST, 65536))


def _imscc(p: Probe) -> int:
    kind = _manifest_kind(p)
    if kind == "imscc" or (kind is not None and p.suffix in (".imscc", ".cc")):
        return 95
    return 0


def _scorm(p: Probe) -> int:
    kind = _manifest_kind(p)
    if kind == "scorm":
        return 95
    return 60 if kind == "ims-cp" else 0        # a plain IMS content package: audited the same way


def _mbz_zip(p: Probe) -> int:
    return 100 if BACKUP in (p.members or ()) else 0


def _mbz_tar(p: Probe) -> int:
    """A gzipped tar whose first members name moodle_backup.xml (or a .mbz file name)."""
    if not p.head.startswith(GZIP_MAGIC):
        return 0
    if p.suffix == ".mbz":
        return 95
    try:
        with gzip.open(p.path) as fh:
            start = fh.read(1 << 20)
    except (OSError, EOFError, zlib.error):
        return 0
    return 90 if BACKUP.encode() in start else 0


IMSCC = FormatSpec("imscc", "application/vnd.ims.imsccv1p1", "zip", _imscc, "IMS Common Cartridge")
SCORM = FormatSpec("scorm", "application/zip", "zip", _scorm, "SCORM or IMS content package")
MBZ = FormatSpec("mbz", "application/vnd.moodle.backup", "binary", _mbz_tar, "Moodle course backup")
MBZ_ZIP = FormatSpec("mbz-zip", "application/vnd.moodle.backup", "zip", _mbz_zip, "Moodle course backup (zip)")
