"""'Words to know': abbreviations and hard words the easy-read text keeps, with plain explanations.

- Abbreviations come from the source itself (*Long Form (ABBR)*, the usual way documents define
  them) and from a small built-in list; the first use in the easy-read text is followed by a line
  *ABBR means Long Form.*
- Hard words are the words kept in the text that the glossary data explains. Hard words with no
  explanation are listed for the reviewer instead (never invented).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from converters.transforms.easyread.lexicon import Lexicon
from converters.transforms.easyread.readability import is_difficult
from converters.transforms.easyread.text import words

MAX_ENTRIES = 40
_DEFINITION = re.compile(
    r"((?:[A-Z][\w’'-]*,?\s+(?:(?:of|for|and|the|in|on|de)\s+)*){1,10})\(([A-Z][A-Za-z0-9-]{1,11})\)")
_JOINERS = {"of", "for", "and", "the", "in", "on", "de"}


@dataclass
class Entry:
    term: str
    explanation: str
    kind: str            # abbreviation | word


def defined_abbreviations(text: str) -> dict[str, str]:
    """``Artificial Intelligence (AI)`` → {"AI": "Artificial Intelligence"} (initials must match)."""
    found: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        abbr = m.group(2)
        letters = [ch for ch in abbr if ch.isupper()]
        tokens = m.group(1).split()
        caps = [i for i, t in enumerate(tokens) if t[:1].isupper()]
        if len(caps) < len(letters) or abbr in found:
            continue
        # the shortest tail of capitalised words whose initials spell the abbreviation
        for start in caps:
            initials = [tokens[i][0] for i in caps if i >= start]
            if initials[: len(letters)] == letters and len(initials) >= len(letters):
                long_form = " ".join(tokens[start:]).rstrip(",")
                if long_form.split()[-1].lower() not in _JOINERS:
                    found[abbr] = long_form
                break
    return found


def build_glossary(lines: list[str], lexicon: Lexicon, abbreviations: dict[str, str]
                   ) -> tuple[list[Entry], list[str]]:
    """(entries in order of first use, difficult words left unexplained)."""
    entries: list[Entry] = []
    seen: set[str] = set()
    unexplained: dict[str, None] = {}
    for line in lines:
        for word in words(line):
            key = word.lower()
            if key in seen:
                continue
            if word in abbreviations and word not in seen:
                entries.append(Entry(word, f"{abbreviations[word]}.", "abbreviation"))
                seen.add(key)
                continue
            explanation = lexicon.explain(word) if word[:1].islower() else None
            if explanation:
                entries.append(Entry(word.lower(), explanation, "word"))
                seen.add(key)
            elif is_difficult(word):
                unexplained.setdefault(key, None)
    return entries[:MAX_ENTRIES], list(unexplained)


def explain_first_use(lines: list[str], abbreviations: dict[str, str]) -> dict[int, str]:
    """{line index: 'ABBR means Long Form.'} for the first line using each abbreviation, unless
    that line already spells it out."""
    inserts: dict[int, str] = {}
    done: set[str] = set()
    for i, line in enumerate(lines):
        present = set(words(line))
        for abbr, long_form in abbreviations.items():
            if abbr in done or abbr not in present:
                continue
            done.add(abbr)
            if long_form.lower() not in line.lower():
                inserts[i] = (inserts.get(i, "") + f" {abbr} means {long_form}.").strip()
    return inserts
