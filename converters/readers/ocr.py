"""OCR with Tesseract (Debian ``tesseract-ocr`` and its language packs), run as a subprocess: an
image → text lines with their boxes, heights and confidences, so the PDF layout inference can find
headings and paragraphs in them.

The models are chosen per page from what the page is: Tesseract's script and orientation detection
(OSD, ``--psm 0 -l osd``) runs first; a rotated page is turned upright; a page in Cyrillic, Arabic,
Han or Ethiopic script is read with that script's pack (plus English for the Latin words such pages
carry); a Latin page with the declared language's pack, else English — and when the English text
then turns out to be another language with an installed pack (French, German, Spanish, Portuguese,
Swahili, Yoruba, Afrikaans), the page is read again with that pack, which is then kept for the
document. :class:`OcrRun` records the packs used and the mean word confidence.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache

from access.errors import EngineFailed
from access.ocr import OcrLine, parse_tsv, tesseract

_tesseract = tesseract
# ISO 639-1 → Tesseract language pack
PACKS = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa", "it": "ita", "pt": "por", "nl": "nld",
         "ru": "rus", "ar": "ara", "zh": "chi_sim", "ja": "jpn", "sw": "swa", "pl": "pol", "tr": "tur",
         "uk": "ukr", "hi": "hin", "af": "afr", "am": "amh", "sv": "swe", "da": "dan", "fi": "fin",
         "yo": "yor", "ha": "hau", "so": "som", "el": "ell", "he": "heb", "ko": "kor", "th": "tha"}
# OSD script → the pack that reads it (Latin depends on the language, see OcrRun)
SCRIPT_PACKS = {"Cyrillic": "rus", "Arabic": "ara", "Han": "chi_sim", "HanS": "chi_sim", "Ethiopic": "amh",
                "Greek": "ell", "Devanagari": "hin", "Hebrew": "heb", "Japanese": "jpn", "Korean": "kor",
                "Hangul": "kor", "Thai": "tha"}
LATIN_PACKS = frozenset({"eng", "fra", "deu", "spa", "por", "ita", "nld", "swa", "yor", "afr", "pol", "tur",
                         "swe", "dan", "fin", "hau", "som"})
OSD_LINE = re.compile(r"^(Rotate|Script|Script confidence|Orientation confidence):\s*(.+)$", re.M)
MIN_SCRIPT_CONFIDENCE = 1.0
DOUBTFUL_CONFIDENCE = 70      # a Latin reading less sure than this may be a page mixing scripts
PROBE_PACKS = ("eng", "ara", "rus", "chi_sim", "amh")


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


@dataclass(frozen=True)
class Osd:
    rotate: int                # degrees clockwise that turn the page upright
    script: str | None         # Latin, Cyrillic, Arabic, Han ...
    script_confidence: float


def detect_script(png: bytes) -> Osd | None:
    """Tesseract's orientation and script detection, or None when the page has too little text
    (or the osd pack is missing)."""
    if "osd" not in installed_packs():
        return None
    proc = _tesseract(["--psm", "0", "-l", "osd"], png)
    if proc.returncode != 0:
        return None
    found = dict(OSD_LINE.findall(proc.stdout.decode("utf-8", errors="replace")))
    try:
        rotate = int(found.get("Rotate", "0")) % 360
        confidence = float(found.get("Script confidence", "0"))
    except ValueError:
        return None
    return Osd(rotate, found.get("Script"), confidence)


def upright(png: bytes, rotate: int) -> bytes:
    """The image turned ``rotate`` degrees clockwise."""
    if not rotate:
        return png
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        out = io.BytesIO()
        im.rotate(-rotate, expand=True).save(out, "PNG")
    return out.getvalue()


def ocr_png(png: bytes, language: str | None = None, packs: list[str] | None = None) -> tuple[list[OcrLine], str]:
    """Recognise a PNG image with ``packs`` (else the pack of ``language``); returns its lines in
    reading order and the pack string used (``rus+eng``)."""
    pack = "+".join(packs) if packs else pack_for(language)[0]
    proc = _tesseract(["-l", pack, "--psm", "3", "tsv"], png)
    if proc.returncode != 0:
        raise EngineFailed(f"Tesseract failed: {proc.stderr.decode(errors='replace')[-300:]}")
    return parse_tsv(proc.stdout.decode("utf-8", errors="replace")), pack


def _mean(lines: list[OcrLine]) -> float:
    confs = [c for ln in lines for c in ln.word_confidences]
    return sum(confs) / len(confs) if confs else 0.0


SCRIPT_RANGES = (("Cyrillic", 0x0400, 0x04FF), ("Arabic", 0x0600, 0x06FF), ("Arabic", 0xFB50, 0xFEFF),
                 ("Han", 0x4E00, 0x9FFF), ("Ethiopic", 0x1200, 0x139F), ("Latin", 0x0041, 0x024F))


def _scripts(text: str) -> dict[str, int]:
    """Letters per script in a text."""
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        script = next((name for name, lo, hi in SCRIPT_RANGES if lo <= code <= hi), None)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


def _text_of(lines: list[OcrLine]) -> str:
    return " ".join(ln.text for ln in lines)


@dataclass
class OcrRun:
    """OCR of one document's pages: the language hint, the packs chosen, what was used and how sure
    Tesseract was (the mean word confidence of every page)."""

    language: str | None = None
    latin_pack: str | None = None                  # decided on the first Latin page
    packs_used: list[str] = field(default_factory=list)
    word_confidences: list[float] = field(default_factory=list)
    rotated_pages: int = 0
    probes_left: int = 2                           # pages read once more to look for other scripts

    def __post_init__(self) -> None:
        if self.language:
            pack, exact = pack_for(self.language)
            if exact and pack in LATIN_PACKS:
                self.latin_pack = pack

    @property
    def confidence(self) -> float | None:
        confs = self.word_confidences
        return round(sum(confs) / len(confs), 1) if confs else None

    def packs_for(self, osd: Osd | None) -> list[str]:
        installed = installed_packs()
        script = osd.script if osd is not None and osd.script_confidence >= MIN_SCRIPT_CONFIDENCE else None
        pack = SCRIPT_PACKS.get(script or "")
        if pack and pack in installed:
            return [pack, "eng"] if "eng" in installed and pack != "eng" else [pack]
        if script is None and self.language:
            hinted, exact = pack_for(self.language)
            if exact and hinted not in LATIN_PACKS:
                return [hinted, "eng"] if "eng" in installed else [hinted]
        return [self.latin_pack or "eng"]

    def recognise(self, png: bytes) -> list[OcrLine]:
        osd = detect_script(png)
        if osd is not None and osd.rotate:
            png = upright(png, osd.rotate)
            self.rotated_pages += 1
        packs = self.packs_for(osd)
        lines, used = ocr_png(png, packs=packs)
        if packs == ["eng"] and self.latin_pack is None:
            lines, used = self._second_look(png, lines, used)
        if packs[0] in LATIN_PACKS and _mean(lines) < DOUBTFUL_CONFIDENCE and self.probes_left > 0:
            lines, used = self._other_scripts(png, lines, used)
        self._record(lines, used)
        return lines

    def _other_scripts(self, png: bytes, lines: list[OcrLine], used: str) -> tuple[list[OcrLine], str]:
        """A Latin reading Tesseract doubts: the page may mix scripts (Arabic text among Latin code,
        which OSD calls Latin). Read it once with every installed script's pack, see which scripts
        the text holds, read it with those, and keep whichever reading Tesseract is surer of."""
        installed = installed_packs()
        probe_packs = [p for p in PROBE_PACKS if p in installed]
        if len(probe_packs) < 2:
            return lines, used
        probe, _ = ocr_png(png, packs=probe_packs)
        found = _scripts(_text_of(probe))
        letters = sum(found.values()) or 1
        chosen = [SCRIPT_PACKS[s] for s, n in found.items() if s != "Latin" and n >= 0.15 * letters
                  and SCRIPT_PACKS.get(s) in installed]
        if not chosen:
            self.probes_left -= 1         # a document of poor Latin scans: stop probing after a few pages
            return lines, used
        again, again_used = ocr_png(png, packs=[*chosen, used.split("+")[0]])
        return (again, again_used) if _mean(again) > _mean(lines) else (lines, used)

    def _second_look(self, png: bytes, lines: list[OcrLine], used: str) -> tuple[list[OcrLine], str]:
        """Read with English, the text is another Latin-script language: read it again with its pack."""
        from converters.readers.language import identify

        found = identify(_text_of(lines))
        if found is None:
            return lines, used
        pack, exact = pack_for(found.language)
        self.latin_pack = pack if exact and pack in LATIN_PACKS else "eng"
        if self.latin_pack == "eng":
            return lines, used
        return ocr_png(png, packs=[self.latin_pack])

    def _record(self, lines: list[OcrLine], used: str) -> None:
        for pack in used.split("+"):
            if pack not in self.packs_used:
                self.packs_used.append(pack)
        self.word_confidences.extend(c for ln in lines for c in ln.word_confidences)


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
