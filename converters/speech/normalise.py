"""Text as it should be spoken: abbreviations expanded, number ranges and grouped digits read as numbers,
URLs (with or without ``https://``) read as "link: <domain>", citation marks ([12], Firefox⁴) not read,
x² read as "x to the power 2", table-of-contents leaders and page-number artefacts dropped.

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

URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)]", re.IGNORECASE)
# a web address written without its scheme but with a path: doi.org/10.1000/182, github.com/org/repo
BARE_URL_RE = re.compile(r"(?<![\w@/.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|edu|gov|int|mil|io|"
                         r"ai|co|info|biz|eu|uk|de|fr|es|it|nl|ch|at|se|no|fi|dk|pl|cz|ru|jp|cn|in|br|au|ca|us|"
                         r"za|ke|ng|tz|ug|gh|et|rw|app|dev)/(?:[^\s<>\"']*[^\s<>\"'.,;:!?)])?", re.IGNORECASE)
# citation marks in brackets after a word or a sentence: "Firefox [4]", "shown.[12, 13]", "[3–5]"
CITATION_RE = re.compile(r"(?<=[\w.,;:!?)\]”\"'’])\s?\[\d{1,4}[a-z]?(?:\s*[,;–—-]\s*\d{1,4}[a-z]?)*\]")
# superscript and subscript forms Unicode has (what a talking book shows for <sup>/<sub> text)
RAISED = str.maketrans("0123456789+-=()niabcdefghjklmoprstuvwxyz",
                       "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")
LOWERED = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_RAISED_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"
_UNRAISE = str.maketrans(_RAISED_CHARS, "0123456789+-=()niabcdefghjklmoprstuvwxyz")
_UNLOWER = str.maketrans("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", "0123456789+-=()aehijklmnoprstuvx")
SUPERSCRIPT_RE = re.compile(f"[{_RAISED_CHARS}]+|\\^(?:\\([^()\\s]{{1,20}}\\)|[^\\s^]{{1,20}})")
SUBSCRIPT_RE = re.compile("[₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ]+")
# a superscript number after this is a power (x², 10⁶, (a+b)²); after anything else a footnote or
# citation mark (Firefox⁴, 83,190,556², "shown.¹²")
POWER_BASE_RE = re.compile(r"(?:(?<![\w.,])[A-Za-zα-ωΑ-Ω]|(?<![\d.,])\d{1,2}|[)\]])$")


def raised(text: str) -> str:
    """How a superscript is shown in plain text: Unicode superscripts (aⁿ, x²), else ``^(…)``."""
    text = text.strip()
    mapped = text.translate(RAISED)
    if all(ch in _RAISED_CHARS for ch in mapped):
        return mapped
    return f"^{text}" if len(text) == 1 else f"^({text})"


def lowered(text: str) -> str:
    """How a subscript is shown in plain text: Unicode subscripts (H₂O), else ``_(…)`` kept apart."""
    text = text.strip()
    mapped = text.translate(LOWERED)
    return mapped if mapped != text or not text else f" {text} "


def _superscript(m: re.Match[str], language: str | None) -> str:
    """A superscript in the text: a power after a letter or a short number (x², 10⁶), else a footnote or
    citation mark, which is not read (Firefox⁴, 83,190,556²)."""
    mark = m.group()
    value = mark[1:].strip("()") if mark.startswith("^") else mark.translate(_UNRAISE)
    if value.replace(",", "").isdigit() and not POWER_BASE_RE.search(m.string[: m.start()]):
        return " "
    word, _ = phrase("power", language)
    return f" {word} {value} "
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
    text = BARE_URL_RE.sub(lambda m: speak_url(m.group(0), language), text)
    text = CITATION_RE.sub("", text)
    text = SUPERSCRIPT_RE.sub(lambda m: _superscript(m, language), text)
    text = SUBSCRIPT_RE.sub(lambda m: f" {m.group().translate(_UNLOWER)} ", text)
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
    return re.sub(r"\s+(?=[,.;:!?](?:\s|$))", "", " ".join(text.split()))
