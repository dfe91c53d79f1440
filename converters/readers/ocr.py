"""OCR with Tesseract (Debian ``tesseract-ocr``), run as a subprocess: an image → text lines with
their boxes and heights, so the PDF layout inference can find headings and paragraphs in them."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from access.errors import EngineFailed, EngineUnavailable

TESSERACT_TIMEOUT = 120
# ISO 639-1 → Tesseract language pack
PACKS = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa", "it": "ita", "pt": "por", "nl": "nld",
         "ru": "rus", "ar": "ara", "zh": "chi_sim", "ja": "jpn", "sw": "swa", "pl": "pol", "tr": "tur",
         "uk": "ukr", "hi": "hin", "af": "afr", "am": "amh", "sv": "swe", "da": "dan", "fi": "fin"}


@dataclass
class OcrLine:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    height: float          # median word height, in image pixels
    block: int
    par: int
    confidence: float


@lru_cache
def installed_packs() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    return frozenset(ln.strip() for ln in out.stdout.splitlines()[1:] if ln.strip())


def pack_for(language: str | None) -> tuple[str, bool]:
    """The Tesseract pack for a BCP 47 tag and whether it is the one asked for (else eng fallback)."""
    code = (language or "en").split("-")[0].lower()
    pack = PACKS.get(code, code)
    if pack in installed_packs():
        return pack, True
    return "eng", code == "en"


def ocr_png(png: bytes, language: str | None = None) -> tuple[list[OcrLine], str]:
    """Recognise a PNG image; returns its lines in reading order and the pack used."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise EngineUnavailable("Tesseract OCR is not installed (Debian package tesseract-ocr).")
    pack, _ = pack_for(language)
    try:
        proc = subprocess.run([exe, "stdin", "stdout", "-l", pack, "--psm", "3", "tsv"], input=png,
                              capture_output=True, timeout=TESSERACT_TIMEOUT, check=False,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as exc:
        raise EngineFailed(f"OCR took longer than {TESSERACT_TIMEOUT} s on one page.") from exc
    if proc.returncode != 0:
        raise EngineFailed(f"Tesseract failed: {proc.stderr.decode(errors='replace')[-300:]}")
    return parse_tsv(proc.stdout.decode("utf-8", errors="replace")), pack


def parse_tsv(tsv: str) -> list[OcrLine]:
    words: dict[tuple[int, int, int], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.setdefault(key, []).append(row)
    lines = []
    for (block, par, _), ws in words.items():
        x0 = min(int(w["left"]) for w in ws)
        y0 = min(int(w["top"]) for w in ws)
        x1 = max(int(w["left"]) + int(w["width"]) for w in ws)
        y1 = max(int(w["top"]) + int(w["height"]) for w in ws)
        heights = sorted(int(w["height"]) for w in ws)
        conf = sum(float(w["conf"]) for w in ws) / len(ws)
        lines.append(OcrLine(" ".join(w["text"] for w in ws), x0, y0, x1, y1, heights[len(heights) // 2],
                             block, par, conf))
    return lines


_DARK = bytes(1 if v < 128 else 0 for v in range(256))


def stroke_width(samples: bytes, stride: int, line: OcrLine) -> float:
    """Mean horizontal run of dark pixels in a line's box of an 8-bit grey image: the stroke
    width of its letters. Bold type has wider strokes than regular type of the same size."""
    x0, x1 = max(0, int(line.x0)), max(0, int(line.x1))
    dark = runs = 0
    for y in range(max(0, int(line.y0)), int(line.y1)):
        start = y * stride
        row = samples[start + x0:start + x1].translate(_DARK)
        if not row:
            break
        dark += row.count(1)
        runs += row.count(b"\x00\x01") + (row[0] == 1)
    return dark / runs if runs else 0.0
