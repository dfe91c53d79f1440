"""Content that easy-read must keep: numbers, dates and names (named entities).

Rule-based extraction, deliberately strict so that "kept" means something:

- numbers: every digit group (``1,000`` → 1000, ``2022-2025`` → 2022 and 2025, ``COVID-19`` → 19)
  and the number words two to twenty, the tens, hundred, thousand, million (as values, so
  *seven* in the source is kept by *7* in the easy-read text);
- dates: ISO dates (2026-03-24), day-month-year, month-day-year, month-year and four-digit years
  (1900-2099), compared as ``YYYY[-MM[-DD]]``;
- named entities: runs of capitalised words or acronyms (``United Nations``, ``Member States``,
  ``COVID-19``), joined by *of, for, and, the, in, on*; a single capitalised word at the start of a
  sentence is not counted (it is usually an ordinary word). Kept = the same text appears.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from converters.transforms.easyread.text import word_set

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thousand": 1000, "million": 1000000, "billion": 1000000000,
}
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DIGITS = re.compile(r"(?<![\d.,])\d+(?:,\d{3})*(?:\.\d+)?")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+((?:19|20)\d{2})\b")
_MDY = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b")
_MY = re.compile(r"\b" + _MONTH + r",?\s+((?:19|20)\d{2})\b")
_ISO_DATE = re.compile(r"(?<![\d-])(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\d-])")
_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?![\d])")
_CAP_WORD = r"(?:[A-Z][\w’'\-]*[\w]|[A-Z])"
_ENTITY = re.compile(_CAP_WORD + r"(?:\s+(?:(?:of|for|and|the|in|on|de)\s+)*" + _CAP_WORD + r")*")
_CONNECTORS = {"of", "for", "and", "the", "in", "on", "de"}
SENTENCE_STARTERS = word_set(
    "The A An This That These Those It Its In On At For With By From To As If When While But And Or "
    "So Our Their We They He She There Here All Some Many Most Each Every One No Not Also")


def numbers(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for m in _DIGITS.finditer(text):
        value = m.group().replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found[value.lstrip("0") or "0"] += 1
    for m in _NUMBER_WORD.finditer(text):
        found[str(NUMBER_WORDS[m.group(1).lower()])] += 1
    return found


def dates(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for m in _ISO_DATE.finditer(text):
        found[m.group()] += 1
        taken.append(m.span())
    for m in _DMY.finditer(text):
        if not free(m.span()):
            continue
        found[f"{m.group(3)}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"] += 1
        taken.append(m.span())
    for m in _MDY.finditer(text):
        if free(m.span()):
            found[f"{m.group(3)}-{MONTHS[m.group(1).lower()]:02d}-{int(m.group(2)):02d}"] += 1
            taken.append(m.span())
    for m in _MY.finditer(text):
        if free(m.span()):
            found[f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"] += 1
            taken.append(m.span())
    for m in _YEAR.finditer(text):
        if free(m.span()):
            found[m.group(1)] += 1
    return found


def entities(sentences: list[str]) -> set[str]:
    """Names in the sentences. A single capitalised word whose lower-case form also occurs in
    the text (*Strategy*, *Promote* at the start of a list item) is an ordinary word, not a name."""
    lower_words = set(re.findall(r"\b[a-z][\w’'-]*", " ".join(sentences)))
    found: set[str] = set()
    for sentence in sentences:
        first = re.search(r"\w", sentence)
        start_at = first.start() if first else 0
        for m in _ENTITY.finditer(sentence):
            tokens = m.group().split()
            while tokens and tokens[-1] in _CONNECTORS:
                tokens.pop()
            at_start = m.start() == start_at
            if at_start and tokens and tokens[0] in SENTENCE_STARTERS:
                tokens = tokens[1:]
                while tokens and tokens[0] in _CONNECTORS:
                    tokens = tokens[1:]
                at_start = False
            if not tokens:
                continue
            name = " ".join(tokens)
            if len(tokens) == 1 and not _is_acronym(name) and (at_start or name.lower() in lower_words):
                continue
            if len(name) < 2:
                continue
            found.add(name)
    return found


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 2


@dataclass
class ContentKept:
    numbers_total: int
    numbers_kept: int
    numbers_percent: float
    dates_total: int
    dates_kept: int
    dates_percent: float
    entities_total: int
    entities_kept: int
    entities_percent: float
    missing_numbers: list[str]
    missing_dates: list[str]
    missing_entities: list[str]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _percent(kept: int, total: int) -> float:
    return round(100.0 * kept / total, 2) if total else 100.0


def content_kept(before: list[str], after: list[str]) -> ContentKept:
    """Compare the source sentences with the easy-read sentences."""
    src_text, out_text = "\n".join(before), "\n".join(after)
    src_n, out_n = numbers(src_text), numbers(out_text)
    src_d, out_d = dates(src_text), dates(out_text)
    n_kept = sum((src_n & out_n).values())
    d_kept = sum((src_d & out_d).values())
    ents = entities(before)
    flat = " ".join(out_text.split())
    missing_e = sorted(e for e in ents if e not in flat)
    return ContentKept(
        numbers_total=sum(src_n.values()), numbers_kept=n_kept,
        numbers_percent=_percent(n_kept, sum(src_n.values())),
        dates_total=sum(src_d.values()), dates_kept=d_kept,
        dates_percent=_percent(d_kept, sum(src_d.values())),
        entities_total=len(ents), entities_kept=len(ents) - len(missing_e),
        entities_percent=_percent(len(ents) - len(missing_e), len(ents)),
        missing_numbers=sorted((src_n - out_n).elements())[:50],
        missing_dates=sorted((src_d - out_d).elements())[:50],
        missing_entities=missing_e[:50],
    )
