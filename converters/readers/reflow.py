"""Joining lines that a layout broke: shared by the text and PDF readers."""

from __future__ import annotations

import re
from functools import lru_cache

TERMINAL = (".", "!", "?", ":", ";", "…")
STOPWORDS = frozenset(
    [
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
        "to", "with", "that", "which", "who", "whose", "than", "via", "its", "their", "our", "your",
        "his", "her", "is", "are", "was", "were", "be", "been", "being", "not", "nor", "but", "if",
        "so", "such", "this", "these", "those",
    ])
BULLET_CHARS = "•●▪■◦‣∙·○◆◇►▶➢✓✔-–—*o\uf0b7\uf0a7\uf076\uf0d8"
BULLET = re.compile(r"^\s*([•●▪■◦‣∙·○◆◇►▶➢✓✔\uf0b7\uf0a7\uf076\uf0d8]|[-–—*](?=\s)|o(?=\s+\S))\s*")
NUMBERED = re.compile(r"^\s*(\(?(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)])\s+(?=\S)")
SUB_BULLETS = frozenset("o◦○-–—")


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def join_lines(left: str, right: str) -> str:
    """Join two lines of one paragraph: undo soft hyphenation, keep real compounds."""
    left = left.rstrip()
    right = right.lstrip()
    if not left:
        return right
    if not right:
        return left
    if left.endswith("-") and not left.endswith(" -") and right[:1].islower():
        head = re.search(r"([A-Za-z]+)-$", left)
        tail = re.match(r"[a-z]+", right)
        if head and tail:
            merged = head.group(1) + tail.group(0)
            if _zipf(merged.lower()) >= 2.5 and _zipf(head.group(1).lower()) < 3.5:
                return left[:-1] + right
        return left + right               # a compound split at its hyphen: human-centred
    return f"{left} {right}"


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL) or text.rstrip().endswith((".”", ".’", '."', ".)"))


def last_word(text: str) -> str:
    words = text.split()
    return words[-1].lower().strip(",") if words else ""


def first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else ""


def clean_space(text: str) -> str:
    return re.sub(r"[ \t\u00a0\u2007\u202f]+", " ", text).strip()
