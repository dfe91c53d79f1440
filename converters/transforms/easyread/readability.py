"""Readability measures of an easy-read text, computed offline.

- Syllables and the Flesch–Kincaid grade and Flesch reading ease formulas come from
  ``access.readability`` (CMU Pronouncing Dictionary data, nothing downloaded), the one
  implementation the auditors use too.
- A word is *difficult* when it is rare (``wordfreq`` Zipf frequency below 3.5) or long and not
  common (4 syllables or more and Zipf below 4.5). Names (capitalised) and numbers are not counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

from access.readability import fk_grade, reading_ease, syllables
from converters.transforms.easyread.text import words

RARE_ZIPF = 3.5
LONG_SYLLABLES = 4
LONG_ZIPF = 4.5


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
    return Readability(
        sentences=n_sent,
        words=n_words,
        syllables=n_syl,
        fk_grade=round(fk_grade(n_words, n_sent, n_syl), 2),
        reading_ease=round(reading_ease(n_words, n_sent, n_syl), 2),
        avg_sentence_words=round(wps, 2),
        max_sentence_words=max(lengths),
        sentences_over_20_words=sum(n > 20 for n in lengths),
        difficult_words=n_difficult,
        difficult_share=round(n_difficult / n_words, 4),
    )
