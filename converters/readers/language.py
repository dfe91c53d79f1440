"""Offline language identification of the text itself, per document and per passage.

The engine is lingua (``lingua-language-detector``, Rust, 75 languages, models inside the wheel,
deterministic) in its low-accuracy mode (trigram models only). Chosen by measurement against
langdetect on 1,620 passages of the Debian FAQ in nine languages (bench/language_id.py): right on
78.1 % vs 78.7 % of 40-character passages, 90.0 % vs 86.7 % at 120 characters, 90.0 % vs 87.6 % at
600 characters; the first call in a process takes 2.3 s (the high-accuracy mode is a little better
on short passages but loads every language's five models on a short text: 47 s), then about 5 ms a
passage. Passages shorter than ``PASSAGE_MIN_LETTERS`` keep the document's language.

:func:`contradicts` decides between what the source declares and what the text is: the text
wins only when the detector is sure (confidence ≥ ``CONTRADICTION_CONFIDENCE`` on enough letters)
and the two are not close relatives a detector confuses (Norwegian Bokmål/Nynorsk, Bosnian/Croatian/
Serbian, Malay/Indonesian).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MIN_LETTERS = 40            # below this a guess is noise
SAMPLE_CHARS = 3000         # enough for a stable answer; detection cost grows with length
PASSAGE_MIN_LETTERS = 100   # a passage shorter than this keeps the document's language
PASSAGE_CONFIDENCE = 0.97   # a passage is marked as another language only when this sure
PASSAGE_SAMPLE = 400        # characters of a passage looked at (detection time grows with length)
CONTRADICTION_CONFIDENCE = 0.90
MAX_PASSAGES = 3000
OTHER_SCRIPT_SHARE = 0.25
# languages that share so much that a detector's choice between them says little
CLOSE = [frozenset({"nb", "nn", "no"}), frozenset({"bs", "hr", "sr"}), frozenset({"ms", "id"})]
CHINESE = {"zh": "zh-Hans"}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Detection:
    language: str              # ISO 639-1 (or BCP 47 for Chinese: zh-Hans)
    confidence: float          # 0-1


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def identify(text: str, min_letters: int = MIN_LETTERS) -> Detection | None:
    """The main language of ``text`` and how sure the detector is, or None when it cannot tell."""
    sample = " ".join(text.split())
    if len(sample) > SAMPLE_CHARS:              # spread the sample over the whole text
        step = len(sample) // 6
        sample = " ".join(sample[k * step:k * step + SAMPLE_CHARS // 6] for k in range(6))
    if _letters(sample) < min_letters:
        return None
    sample = main_script_text(sample)
    with _LOCK:
        values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value <= 0:
        return None
    iso = values[0].language.iso_code_639_1.name.lower()
    return Detection(CHINESE.get(iso, iso), float(values[0].value))


def main_script_text(text: str) -> str:
    """The words of a text in its main non-Latin script when that script has at least a quarter of
    the letters (an Arabic or Russian guide full of Latin commands and names is not Latin)."""
    latin = other = 0
    for ch in text:
        if ch.isalpha():
            if ch.isascii() or "\u00c0" <= ch <= "\u024f":
                latin += 1
            else:
                other += 1
    if not latin or other < OTHER_SCRIPT_SHARE * (latin + other):
        return text
    return " ".join(w for w in text.split() if any(c.isalpha() and not c.isascii() and c > "\u024f" for c in w))


def detect_language(text: str) -> str | None:
    """The language code of the text's main language, or None when the text is too short to tell."""
    found = identify(text)
    return found.language if found is not None else None


def primary(tag: str | None) -> str:
    return (tag or "").split("-")[0].lower()


def same_language(a: str | None, b: str | None) -> bool:
    pa, pb = primary(a), primary(b)
    if pa == pb:
        return True
    return any(pa in group and pb in group for group in CLOSE)


def contradicts(declared: str | None, found: Detection | None, letters: int) -> bool:
    """True when the text is, with high confidence, in another language than the one declared."""
    if not declared or found is None or letters < 2 * MIN_LETTERS:
        return False
    return found.confidence >= CONTRADICTION_CONFIDENCE and not same_language(declared, found.language)


WORD = re.compile(r"[^\W\d_]{3,}")


def mostly_known_words(text: str, language: str | None) -> bool:
    """Most of the passage's words are common words of ``language`` (wordfreq): a quick, sure sign
    that the passage is in the document's language, which spares the detector."""
    from converters.readers.reflow import word_frequency

    lang = primary(language)
    words = WORD.findall(text.lower())[:40]
    if not lang or len(words) < 6:
        return False
    return sum(word_frequency(w, lang) >= 2.0 for w in words) >= 0.7 * len(words)


def passage_language(text: str, document_language: str | None) -> str | None:
    """The language of one passage when it is clearly not the document's, else None."""
    if _letters(text) < PASSAGE_MIN_LETTERS or mostly_known_words(text, document_language):
        return None
    found = identify(text[:PASSAGE_SAMPLE], PASSAGE_MIN_LETTERS)
    if found is None or found.confidence < PASSAGE_CONFIDENCE or same_language(found.language, document_language):
        return None
    return found.language
