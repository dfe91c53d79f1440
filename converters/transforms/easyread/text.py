"""Words and sentences: the tokenisation every other easy-read module shares.

Rule-based, with clear limits: a sentence ends at ``.``, ``!`` or ``?`` followed by a space and a
capital letter, a digit or a quote, unless the full stop belongs to a known abbreviation (``e.g.``,
``Dr.``) or an initial (``J.``). Text without end punctuation is one sentence.
"""

from __future__ import annotations

import re


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easy to read and edit)."""
    return frozenset(text.split())


WORD = re.compile(r"[^\W_]+(?:[’'.\-–/][^\W_]+)*", re.UNICODE)
ABBREVIATIONS = word_set(
    "e.g i.e etc mr mrs ms dr prof st no vs approx fig figs cf al inc ltd co jr sr dept art para vol "
    "ed eds")
_BOUNDARY = re.compile(r"([.!?…]+[”’\"')\]]*)\s+(?=[“‘\"'(\[]?[A-Z0-9])")


def words(text: str) -> list[str]:
    """Words as a reader counts them: ``COVID-19``, ``2022-2025`` and ``UNESCO's`` are one word each."""
    return WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        before = text[start:end]
        last = before.rstrip(".!?…”’\"')]").rsplit(" ", 1)[-1].lower().rstrip(".")
        if match.group(1).startswith(".") and (last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
            continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def capitalise(sentence: str) -> str:
    for i, ch in enumerate(sentence):
        if ch.isalpha():
            return sentence[:i] + ch.upper() + sentence[i + 1:]
        if ch.isdigit():
            return sentence
    return sentence


def end_sentence(sentence: str) -> str:
    """Tidy spacing and punctuation, make sure the sentence ends with a full stop (or ! ?)."""
    s = " ".join(sentence.split())
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"\s+\)", ")", s)
    lead_in = s.rstrip().endswith(":")          # introduces a list: keep the colon
    s = s.strip(" ,;:-–—")
    if not s:
        return ""
    if lead_in:
        s = s.rstrip(".") + ":"
    elif s[-1] not in ".!?":
        s = s.rstrip(".") + "."
    return capitalise(s)
