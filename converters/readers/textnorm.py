"""Text you can trust: what every reader does to the characters it extracts (pure functions).

- ligatures and presentation forms (``ﬁ`` → ``fi``, Arabic presentation forms → letters, full-width
  Latin → Latin) are normalised with NFKC, but only those ranges: NFKC of the whole text would turn
  ``²`` into ``2`` and ``½`` into ``1⁄2`` and glue a footnote mark into the number before it;
- soft hyphens (U+00AD) and zero-width characters are removed, control characters dropped, odd
  spaces made plain spaces;
- glyphs of symbol fonts that come out as private-use code points (Word writes U+F0DE for the Symbol
  font's ⇒) or as the font's own byte values are mapped to Unicode (Symbol, ZapfDingbats, Wingdings);
- :func:`unreadable_count` counts what no reader can speak: U+FFFD, unmapped private-use glyphs and
  control characters. A page with many of them had fonts without a Unicode mapping: it is OCR'd.
"""

from __future__ import annotations

import re
import unicodedata

# code (byte value in the font) → Unicode, Adobe's Symbol encoding
SYMBOL = {
    0x20: " ", 0x21: "!", 0x22: "∀", 0x23: "#", 0x24: "∃", 0x25: "%", 0x26: "&", 0x27: "∋", 0x28: "(",
    0x29: ")", 0x2A: "∗", 0x2B: "+", 0x2C: ",", 0x2D: "−", 0x2E: ".", 0x2F: "/",
    **{c: chr(c) for c in range(0x30, 0x3A)},
    0x3A: ":", 0x3B: ";", 0x3C: "<", 0x3D: "=", 0x3E: ">", 0x3F: "?", 0x40: "≅",
    **dict(zip(range(0x41, 0x5B), "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ", strict=True)),
    0x5B: "[", 0x5C: "∴", 0x5D: "]", 0x5E: "⊥", 0x5F: "_", 0x60: "‾",
    **dict(zip(range(0x61, 0x7B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ", strict=True)),
    0x7B: "{", 0x7C: "|", 0x7D: "}", 0x7E: "∼", 0xA0: "€",
    **dict(zip(range(0xA1, 0xC0), "ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵", strict=True)),
    **dict(zip(range(0xC0, 0xE0), "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓", strict=True)),
    **dict(zip(range(0xE0, 0xF0), "◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪", strict=True)),
    **dict(zip(range(0xF1, 0xFF), "〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭", strict=True)),
}
# ZapfDingbats (ITC): mostly U+2700 + (code - 0x20), with the exceptions Unicode took from elsewhere
ZAPF = {c: chr(0x2700 + c - 0x20) for c in range(0x21, 0x7F)}
ZAPF.update({0x20: " ", 0x25: "☎", 0x2A: "☛", 0x2B: "☞", 0x48: "★", 0x6C: "●", 0x6E: "■", 0x73: "▲",
             0x74: "▼", 0x75: "◆", 0x77: "◗",
             **dict(zip(range(0xA1, 0xAC), "❡❢❣❤❥❦❧♣♦♥♠", strict=True)),
             **{c: chr(0x2460 + c - 0xAC) for c in range(0xAC, 0xB6)},
             **{c: chr(0x2776 + c - 0xB6) for c in range(0xB6, 0xD4)},
             0xD4: "➔", 0xD5: "→", 0xD6: "↔", 0xD7: "↕",
             **{c: chr(0x2798 + c - 0xD8) for c in range(0xD8, 0xF0)},
             **{c: chr(0x27B1 + c - 0xF1) for c in range(0xF1, 0xFF)}})
# Wingdings: the glyphs documents really use (bullets, check boxes, arrows, hands, office symbols)
WINGDINGS = {
    0x20: " ", 0x21: "✏", 0x22: "✂", 0x23: "✁", 0x28: "☎", 0x29: "✆", 0x2A: "✉", 0x36: "⌛", 0x37: "⌨",
    0x3E: "✇", 0x3F: "✍", 0x41: "✌", 0x42: "👌", 0x43: "👍", 0x44: "👎", 0x45: "☜", 0x46: "☞", 0x47: "☝",
    0x48: "☟", 0x4A: "☺", 0x4B: "😐", 0x4C: "☹", 0x4E: "☠", 0x4F: "⚐", 0x51: "✈", 0x52: "☼", 0x54: "❄",
    0x56: "✞", 0x58: "✠", 0x59: "✡", 0x5A: "☪", 0x5B: "☯", 0x5C: "ॐ", 0x5D: "☸",
    **dict(zip(range(0x5E, 0x6A), "♈♉♊♋♌♍♎♏♐♑♒♓", strict=True)),
    0x6C: "●", 0x6D: "❍", 0x6E: "■", 0x6F: "□", 0x70: "◻", 0x71: "❑", 0x72: "❒", 0x73: "⬧", 0x74: "⧫",
    0x75: "◆", 0x76: "❖", 0x77: "⬥", 0x78: "⌧", 0x79: "⍓", 0x7A: "⌘", 0x7B: "❀", 0x7C: "✿", 0x7D: "❝",
    0x7E: "❞", 0x9F: "•", 0xA0: "▫", 0xA1: "○", 0xA2: "⭕", 0xA4: "◉", 0xA5: "◎", 0xA7: "▪", 0xA8: "◻",
    0xAA: "✦", 0xAB: "★", 0xAC: "✶", 0xAD: "✴", 0xAE: "✹", 0xAF: "✵", 0xB1: "⌖", 0xB2: "⟡", 0xB3: "⌑",
    0xD5: "⌫", 0xD6: "⌦", 0xD8: "⮚", 0xD9: "⮙", 0xDA: "⮘", 0xDB: "⮛", 0xDF: "🡐", 0xE0: "🡒", 0xE1: "🡑",
    0xE2: "🡓", 0xE7: "🡨", 0xE8: "🡪", 0xE9: "🡩", 0xEA: "🡫", 0xEF: "⇦", 0xF0: "⇨", 0xF1: "⇧", 0xF2: "⇩",
    0xF3: "⬄", 0xF4: "⇳", 0xFB: "✗", 0xFC: "✓", 0xFD: "☒", 0xFE: "☑",
}
SYMBOL_FONTS = (("symbol", SYMBOL), ("zapfdingbats", ZAPF), ("dingbats", ZAPF), ("wingdings", WINGDINGS))
# what a private-use code point most likely is when the font name does not tell
PUA_FALLBACK = {0xF000 + c: ch for table in (WINGDINGS, SYMBOL) for c, ch in table.items()}
# ranges NFKC may rewrite: Latin ligatures, Arabic and Hebrew presentation forms, CJK compatibility
# ideographs, half/full-width forms; nothing else (superscripts, fractions, ℓ, µ stay as written)
NFKC_RANGES = ((0xFB00, 0xFB4F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0xFF01, 0xFFEE), (0xF900, 0xFAFF),
               (0x2474, 0x24B5), (0x3300, 0x33FF))
_NFKC_CLASS = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in NFKC_RANGES)
NFKC_CHARS = re.compile(f"[{_NFKC_CLASS}]+")
SOFT_HYPHEN = "\u00ad"
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u180e]")
ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
UNREADABLE = re.compile("[\ufffd\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff]")


def symbol_table(font: str) -> dict[int, str] | None:
    """The glyph table of a symbol font named ``font`` (subset prefixes ignored), or None."""
    name = font.lower().split("+")[-1].replace(" ", "").replace("-", "")
    for key, table in SYMBOL_FONTS:
        if key in name:
            return table
    return None


def map_symbols(text: str, font: str = "") -> str:
    """Private-use (U+F0xx) and raw byte glyphs of Symbol/ZapfDingbats/Wingdings fonts → Unicode."""
    table = symbol_table(font) if font else None
    if table is not None:
        out = []
        for ch in text:
            code = ord(ch)
            if 0xF000 <= code <= 0xF0FF:
                code -= 0xF000
            out.append(table.get(code, ch) if code < 0x100 else ch)
        return "".join(out)
    if not any("\ue000" <= ch <= "\uf8ff" for ch in text):
        return text
    return "".join(PUA_FALLBACK.get(ord(ch), ch) for ch in text)


def normalise_text(text: str, font: str = "") -> str:
    """Clean one run of extracted text (see the module docstring). Spaces are kept as they are
    except odd ones (no-break, thin, tab) which become plain spaces."""
    if not text:
        return text
    text = map_symbols(text, font)
    trailing = SOFT_HYPHEN if text.endswith(SOFT_HYPHEN) else ""     # a line-end break: join_lines uses it
    text = INVISIBLE.sub("", text) + trailing
    text = NFKC_CHARS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = ODD_SPACES.sub(" ", text)
    return CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def unreadable_count(text: str) -> int:
    """Characters no one can read aloud: U+FFFD, private-use glyphs left unmapped, control characters."""
    return len(UNREADABLE.findall(text))


def looks_mis_mapped(text: str) -> bool:
    """Text whose letters are mostly Latin-1 accented letters (``Çíàêè êàâû÷åê``): a font whose
    glyphs were mapped to the wrong code page — here Cyrillic shown as Windows-1252. No Western
    language writes more than about one letter in five with an accent."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 40:
        return False
    accented = sum(1 for c in letters if "\u00c0" <= c <= "\u00ff")
    return accented >= 0.4 * len(letters)
