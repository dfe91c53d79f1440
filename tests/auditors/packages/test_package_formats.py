"""Course packages recognised from their content, and opened as defensively as any zip: bombs,
unsafe names and links refused before anything is unpacked; limits on items."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from access import services
from access.config import Settings
from access.errors import InvalidDocument, LimitExceeded
from access.formats import detect_format
from access.models import AuditOptions
from access.safezip import check_tar, check_zip
from auditors.packages.archive import open_files
from tests.courses import package_files, zip_package


@pytest.mark.parametrize(("name", "fmt"), [("course.zip", "scorm"), ("course.imscc", "imscc"),
                                           ("backup.mbz", "mbz"), ("clean.epub", "epub")])
def test_packages_are_recognised_from_their_content(packages, name, fmt, tmp_path) -> None:
    assert detect_format(packages[name]) == fmt
    renamed = tmp_path / "upload.bin"                      # the name does not decide it
    renamed.write_bytes(packages[name].read_bytes())
    assert detect_format(renamed) == fmt


def test_a_cartridge_is_a_cartridge_whatever_its_suffix(packages, tmp_path) -> None:
    copy = tmp_path / "export.zip"
    copy.write_bytes(packages["course.imscc"].read_bytes())
    assert detect_format(copy) == "imscc"


def test_zip_format_moodle_backup_and_plain_content_package(tmp_path) -> None:
    files = package_files("moodle", {})
    assert detect_format(zip_package(files, tmp_path / "old.mbz")) == "mbz-zip"
    plain = zip_package({"imsmanifest.xml": b'<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"/>',
                         "a.html": b"<p>x</p>"}, tmp_path / "cp.zip")
    assert detect_format(plain) == "scorm"
    html_zip = zip_package({"a.html": b"<p>x</p>"}, tmp_path / "site.zip")
    assert detect_format(html_zip) == "zip"                # a zip of pages stays a zip of pages


def test_every_package_format_has_an_auditor() -> None:
    assert {"epub", "imscc", "scorm", "mbz", "mbz-zip", "markdown"} <= set(services.audit_formats())


def _tar_with(member: tarfile.TarInfo, data: bytes = b"", out: Path | None = None) -> Path:
    assert out is not None
    with tarfile.open(out, "w:gz") as tf:
        tf.addfile(member, io.BytesIO(data) if member.isfile() else None)
    return out


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "traversal", "absolute", "device"])
def test_unsafe_tar_members_are_refused(tmp_path, kind) -> None:
    info = tarfile.TarInfo({"traversal": "../evil.xml", "absolute": "/etc/evil"}.get(kind, "moodle_backup.xml"))
    if kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
    elif kind == "hardlink":
        info.type, info.linkname = tarfile.LNKTYPE, "/etc/passwd"
    elif kind == "device":
        info.type = tarfile.CHRTYPE
    with pytest.raises(InvalidDocument):
        check_tar(_tar_with(info, out=tmp_path / "bad.mbz"), 1 << 30)


def test_a_tar_bomb_is_refused_before_unpacking(tmp_path) -> None:
    path = tmp_path / "bomb.mbz"
    with tarfile.open(path, "w:gz") as tf:
        info = tarfile.TarInfo("moodle_backup.xml")
        info.size = 60_000_000
        tf.addfile(info, io.BytesIO(bytes(info.size)))
    with pytest.raises(InvalidDocument, match=r"bomb|unpack"):
        check_tar(path, 1 << 30)
    with pytest.raises(InvalidDocument, match="unpack"):
        check_tar(path, 10_000_000)


def test_zip_symlink_members_are_refused(tmp_path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("imsmanifest.xml")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InvalidDocument, match="symbolic link"):
        check_zip(path, 1 << 30)


def test_a_tar_package_is_unpacked_once_into_a_private_folder(packages) -> None:
    files = open_files(packages["backup.mbz"], 1 << 30)
    try:
        assert "moodle_backup.xml" in files.names()
        assert files.read("course/course.xml").startswith(b"<?xml")
        with pytest.raises(KeyError):
            files.read("../../etc/passwd")
    finally:
        files.close()


def test_too_many_items_is_a_clear_limit(packages) -> None:
    settings = Settings(_env_file=None, package_max_items=2)
    source = services.source_file(packages["course.zip"], "course.zip", settings)
    with pytest.raises(LimitExceeded, match="ACCESS_PACKAGE_MAX_ITEMS"):
        services.audit_file(source, AuditOptions(), services.make_context(settings))
