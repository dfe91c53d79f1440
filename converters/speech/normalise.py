"""Text as it should be spoken: abbreviations expanded, number ranges and grouped digits read as numbers,
URLs read as "link: <domain>", table-of-contents leaders and page-number artefacts dropped.

espeak-ng already reads numbers, dates and currency in each of its languages; what it gets wrong is
what a printed page adds (leaders, ``2022–2025``, ``1 000``, ``e.g.``, long URLs read letter by letter).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

# Words the script itself says ("phrases"), per language (a language missing is announced in English),
# and the abbreviations read out in full, per language.
_WORDS = json.loads((Path(__file__).parent / "data" / "spoken-words.json").read_text(encoding="utf-8"))
PHRASES: dict[str, dict[str, str]] = _WORDS["phrases"]
ABBREVIATIONS: dict[str, dict[str, str]] = _WORDS["abbreviations"]

URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
EMAIL_RE = re.compile(r"\b[\w.+-]+@([\w-]+\.)+[a-z]{2,}\b", re.IGNORECASE)
LEADER_RE = re.compile(r"\s*(?:\.\s?){4,}\s*\d*\s*$|(?:\s?[._·…]){4,}")
DASH_RANGE_RE = re.compile(r"(?<![\w.,])(\d[\d,.]*)\s?[–—]\s?(\d[\d,.]*)(?![\w])")
YEAR_RANGE_RE = re.compile(r"\b((?:1[5-9]|20)\d\d)-((?:1[5-9]|20)?\d\d)\b(?!-\d)")
SPACED_DIGITS_RE = re.compile(r"(?<!\d)(\d{1,3})(?:[ \u00a0\u202f](\d{3}))+(?!\d)")
BULLETS_RE = re.compile(r"[•▪◦●■□►▸‣⁃]")
PAGE_ARTEFACT_RE = re.compile(
    r"^\s*(?:[-–—]\s*)?(?i:(?:page|p\.|pg\.?|seite|página|ukurasa)\s*)?"
    r"(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?i:of|/|de|von|sur|kati ya)\s*\d{1,4})?(?:\s*[-–—])?\s*$")


def base_language(tag: str | None) -> str:
    return (tag or "en").split("-")[0].lower()


def phrase(key: str, language: str | None, **values: object) -> tuple[str, str]:
    """A phrase the script says, in the document's language when we have it (else English):
    ``(text, language of the text)``."""
    lang = base_language(language)
    table = PHRASES.get(lang)
    if table is None:
        table, lang = PHRASES["en"], "en"
    return table[key].format(**values), (language if lang == base_language(language) else "en") or "en"


def is_page_artefact(text: str) -> bool:
    """A paragraph that is only a page number ("12", "Page 3 of 10", "- iv -") left over from print."""
    return bool(text.strip()) and bool(PAGE_ARTEFACT_RE.match(text))


def domain_of(url: str) -> str:
    parsed = urlsplit(url if "://" in url else f"http://{url}")
    host = (parsed.hostname or url).lower()
    return host[4:] if host.startswith("www.") else host


def speak_url(url: str, language: str | None) -> str:
    word, _ = phrase("link", language)
    return f"{word}: {domain_of(url.rstrip('.,;:)'))}"


def _abbreviation_re(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    table = ABBREVIATIONS.get(base_language(language))
    if not table:
        return None
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in keys) + r")(?=[\s,;:)]|$)")
    return pattern, table


_ABBR_CACHE: dict[str, tuple[re.Pattern[str], dict[str, str]] | None] = {}


def normalise(text: str, language: str | None) -> str:
    """``text`` rewritten for a speech engine reading ``language``."""
    lang = base_language(language)
    text = BULLETS_RE.sub(" ", text)
    text = LEADER_RE.sub(" ", text)
    text = URL_RE.sub(lambda m: speak_url(m.group(0), language), text)
    text = EMAIL_RE.sub(lambda m: m.group(0).replace("@", " at ") if lang == "en" else m.group(0), text)
    to_word, _ = phrase("to", language)
    text = DASH_RANGE_RE.sub(lambda m: f"{m.group(1)} {to_word} {m.group(2)}", text)
    text = YEAR_RANGE_RE.sub(lambda m: f"{m.group(1)} {to_word} {m.group(2)}", text)
    text = SPACED_DIGITS_RE.sub(lambda m: re.sub(r"[ \u00a0\u202f]", "", m.group(0)), text)
    if lang not in _ABBR_CACHE:
        _ABBR_CACHE[lang] = _abbreviation_re(lang)
    compiled = _ABBR_CACHE[lang]
    if compiled is not None:
        pattern, table = compiled
        text = pattern.sub(lambda m: table[m.group(1)], text)
    and_word, _ = phrase("and", language)
    text = re.sub(r"\s&\s", f" {and_word} ", text)
    return " ".join(text.split())
