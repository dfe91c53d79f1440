"""Real course packages built for the tests and the benchmark from the files in tests/data/courses:
a SCORM 2004 package, an IMS Common Cartridge 1.3 and a Moodle 4 course backup (.mbz, a gzipped
tar), each with pages (one clean, some with known barriers), a PDF handout (an untagged PDF from
tests/data/documents.yml) and a quiz, laid out as authoring tools and LMSs export them.

Known barriers the audits must find:
- SCORM: content/reading.html has an image without alt (axe ``image-alt``); content/quiz.html an
  unlabelled answer field (axe ``label``); the item "Untitled" (``course-item-title``); no course
  language (``course-language``); the untagged PDF (``pdf-tagged``).
- Common Cartridge: the reading's image and the discussion topic's image without alt; the PDF.
- Moodle: the page's image without alt, a low-contrast book chapter (``color-contrast``), the
  quiz description's unlabelled field, an unnamed section ("Topic 2"), the PDF resource.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from tests.documents import document

DATA = Path(__file__).parent / "data" / "courses"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
                    "f8cf000000030101005f1ba2180000000049454e44ae426082")
MOODLE_PNG = "files/ab/ab" + "1" * 38            # the content hashes files.xml names
MOODLE_PDF = "files/cd/cd" + "2" * 38


def package_files(kind: str, binaries: dict[str, bytes]) -> dict[str, bytes]:
    folder = DATA / kind
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return {**files, **binaries}


def zip_package(files: dict[str, bytes], out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out


def tar_package(files: dict[str, bytes], out: Path) -> Path:
    with tarfile.open(out, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out


def _pdf() -> bytes:
    return document("pdf", "untagged").read_bytes()


def scorm_2004(out: Path) -> Path:
    """SCORM 2004 4th edition: two weeks of SCOs, a PDF handout asset and a quiz SCO."""
    return zip_package(package_files("scorm-2004", {"content/leaf.png": PNG, "content/handout.pdf": _pdf()}), out)


def common_cartridge(out: Path) -> Path:
    """IMS Common Cartridge 1.3: web content, a PDF, a discussion topic, a QTI quiz and a web link."""
    binaries = {"web_resources/leaf.png": PNG, "web_resources/handout.pdf": _pdf()}
    return zip_package(package_files("common-cartridge", binaries), out)


def moodle_backup(out: Path) -> Path:
    """Moodle 4.4 backup: a section with a page, a label, a two-chapter book and a PDF resource; an
    unnamed section with a quiz."""
    return tar_package(package_files("moodle", {MOODLE_PNG: PNG, MOODLE_PDF: _pdf()}), out)
