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


LETTERS_BEFORE_HYPHEN = re.compile(r"([^\W\d_]+)-$")
LETTERS_AFTER = re.compile(r"[^\W\d_]+")
COMMON_WORD = 3.0          # Zipf frequency of a word most readers know (wordfreq's scale: 3 = once per million)


@lru_cache(maxsize=65536)
def word_frequency(word: str, lang: str) -> float:
    """How common a word is in a language, on wordfreq's Zipf scale (0 = unknown, 3 = once per million
    words, 7 = "the"); 0 for a language wordfreq does not know."""
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word, lang)
    except (LookupError, ValueError):
        return 0.0


_zipf = word_frequency


@lru_cache(maxsize=64)
def _hyphenator(lang: str) -> object | None:
    import pyphen

    code = pyphen.language_fallback(lang) if lang else None
    return pyphen.Pyphen(lang=code) if code else None


def legal_break(word: str, at: int, lang: str) -> bool:
    """True when the hyphenation dictionary of ``lang`` (pyphen, LibreOffice's patterns) allows
    ``word`` to be split after ``at`` characters."""
    hyph = _hyphenator(lang)
    return hyph is not None and at in hyph.positions(word.lower())      # type: ignore[attr-defined]


def line_end_hyphen(head: str, tail: str, lang: str = "en") -> bool:
    """Was ``head-`` / ``tail`` one word hyphenated at the line end (com-/pile → compile), rather
    than a compound that keeps its hyphen (human-/centred)? Decided by word frequency in the text's
    language (wordfreq) and by the language's hyphenation dictionary (pyphen)."""
    lang = (lang or "en").split("-")[0].lower()
    merged = (head + tail).lower()
    known = _zipf(merged, lang)
    if known >= 2.5:
        return True
    if not legal_break(merged, len(head), lang):
        return False
    both_words = _zipf(head.lower(), lang) >= COMMON_WORD and _zipf(tail.lower(), lang) >= COMMON_WORD
    return known >= 1.0 or not both_words


def join_lines(left: str, right: str, lang: str = "en") -> str:
    """Join two lines of one paragraph: undo line-end hyphenation, keep real compounds."""
    left = left.rstrip()
    right = right.lstrip()
    if not left:
        return right
    if not right:
        return left
    if left.endswith("\u00ad"):              # a soft hyphen at the line end: the author's own break
        return left[:-1] + right
    if left.endswith("-") and not left.endswith(" -") and right[:1].islower():
        head = LETTERS_BEFORE_HYPHEN.search(left)
        tail = LETTERS_AFTER.match(right)
        if head and tail and line_end_hyphen(head.group(1), tail.group(0), lang):
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
