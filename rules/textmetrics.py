"""Small text and colour measures the document rules share (PDF, Word, PowerPoint).

Pure functions, no engine: WCAG relative luminance and contrast ratio, the reading grade (from
``access.readability``, the one implementation the project uses), and the typed-list pattern the
Office checkers look for. Whether alt text or link text is any good is judged in one place for every
family: ``access.textquality``.
"""

from __future__ import annotations

import re

from access.readability import measure_text

Rgb = tuple[int, int, int]

TYPED_LIST = re.compile(r"^\s*(?:[-–•*·o▪►]\s+|\(?\d{1,2}[.)]\s+|\(?[a-zA-Z][.)]\s+)")


def hex_to_rgb(value: str) -> Rgb | None:
    """'1F2E3D' or '#1F2E3D' → (31, 46, 61); None for 'auto' or anything unreadable."""
    value = value.strip().lstrip("#")
    if len(value) != 6:
        return None
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return None


def int_to_rgb(value: int) -> Rgb:
    """pymupdf's sRGB integer colour → (r, g, b)."""
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def luminance(rgb: Rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Rgb, b: Rgb) -> float:
    """WCAG contrast ratio between two colours, 1.0 to 21.0."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def required_contrast(size_pt: float, bold: bool) -> float:
    """4.5:1 for normal text, 3:1 for large text (18 pt, or 14 pt bold) — WCAG 1.4.3."""
    return 3.0 if size_pt >= 18 or (bold and size_pt >= 14) else 4.5


def rgb_hex(rgb: Rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def reading_grade(text: str) -> tuple[float, int]:
    """(Flesch-Kincaid grade level, number of words) of English-like text."""
    stats = measure_text(text)
    return stats.grade, stats.words


def is_typed_list_item(text: str) -> bool:
    return bool(TYPED_LIST.match(text))


def excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
