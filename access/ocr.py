"""Tesseract OCR (Debian ``tesseract-ocr``), run as a subprocess: the one place that calls it. The
document readers (converters.readers.ocr) choose language packs and lay out pages from its lines; the
web rules read the text in images with :func:`words`.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

from access.errors import EngineFailed, EngineUnavailable

TESSERACT_TIMEOUT = 120


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
    word_confidences: tuple[float, ...] = ()


def tesseract(args: list[str], png: bytes) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which("tesseract")
    if exe is None:
        raise EngineUnavailable("Tesseract OCR is not installed (Debian package tesseract-ocr).")
    try:
        return subprocess.run([exe, "stdin", "stdout", *args], input=png, capture_output=True,
                              timeout=TESSERACT_TIMEOUT, check=False, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as exc:
        raise EngineFailed(f"OCR took longer than {TESSERACT_TIMEOUT} s on one page.") from exc


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
        confs = tuple(float(w["conf"]) for w in ws if float(w["conf"]) >= 0)
        conf = sum(confs) / len(confs) if confs else 0.0
        lines.append(OcrLine(" ".join(w["text"] for w in ws), x0, y0, x1, y1, heights[len(heights) // 2],
                             block, par, conf, confs))
    return lines


def words(png: bytes, language: str = "eng", *, line: bool = False) -> list[tuple[str, float]]:
    """The words Tesseract reads in an image, each with its confidence (0-100): sparse text anywhere
    (a logo, a banner), or with ``line`` one line of text filling the image (a button, a heading in
    a decorative font)."""
    proc = tesseract(["-l", language, "--psm", "7" if line else "11", "tsv"], png)
    if proc.returncode != 0:
        raise EngineFailed(f"Tesseract failed: {proc.stderr.decode(errors='replace')[:200]}")
    return [(w, c) for line in parse_tsv(proc.stdout.decode("utf-8", errors="replace"))
            for w, c in zip(line.text.split(), line.word_confidences, strict=False)]
