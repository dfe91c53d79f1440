"""What a liblouis table can write, and what to do with the characters it cannot.

A table knows the letters of its language and common punctuation; a real document also holds capital
letters some tables leave undefined (``ru.ctb``), mathematical letters (𝑥), ligatures, arrows,
Greek in a German text, an Amharic name in an English one. liblouis passes such characters through
unchanged or writes an escape (``\\x1d465/``), neither of which is braille. So, per table:

1. each distinct character is tried alone once; one the table does not write is replaced by its
   compatibility form (𝑥 → x, ﬁ → fi), else its lower case, else its base letter (ё → е), else its
   transliteration (``anyascii``: Ж → Zh, ሰላም → selam), keeping only what the table writes — every
   replacement counted for the job (a table that writes ² keeps its superscript indicator);
2. in the braille, 8-dot cells (tables for computer braille) become their 6-dot cell (dots 7 and 8
   dropped: BRF has no room for them), and nothing else outside Braille ASCII is left.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from access.errors import EngineFailed
from converters.writers.braille.louis import Louis

# North American Braille ASCII: character i of this string is dot pattern i (U+2800 + i).
BRF_CHARS = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
BRF_SET = frozenset(BRF_CHARS)
BRAILLE_PATTERNS = range(0x2800, 0x2900)


def to_brf_cells(braille: str) -> str:
    """liblouis output → BRF: upper case, Unicode braille patterns as their 6-dot BRF cell."""
    out = []
    for ch in braille.upper():
        if ord(ch) in BRAILLE_PATTERNS:
            out.append(BRF_CHARS[(ord(ch) - 0x2800) & 0x3F])
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class TableCharset:
    """The characters one table list writes, learnt one character at a time and remembered."""

    louis: Louis
    table: str
    known: dict[str, bool] = field(default_factory=dict)
    replaced: Counter[str] = field(default_factory=Counter)     # character -> how often it was replaced
    dropped: Counter[str] = field(default_factory=Counter)      # characters nothing could stand for

    def writes(self, ch: str) -> bool:
        """True when the table turns ``ch`` into braille cells (no escape, nothing passed through)."""
        if ch.isspace():
            return True
        if ch not in self.known:
            try:
                cells = to_brf_cells(self.louis.translate(self.table, ch, undefined=False))
            except EngineFailed:           # e.g. a dot pattern the BRF display table has no character for
                cells = ""
            self.known[ch] = bool(cells.strip()) and set(cells) <= BRF_SET
        return self.known[ch]

    def _stand_in(self, ch: str) -> str | None:
        from anyascii import anyascii

        compatible = unicodedata.normalize("NFKC", ch)
        if compatible != ch and all(self.writes(c) for c in compatible):
            return compatible
        lower = ch.lower()
        if lower != ch and all(self.writes(c) for c in lower):
            return lower
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base != ch and all(self.writes(c) for c in base):
            return base
        latin = anyascii(ch).strip()
        if latin and all(self.writes(c) for c in latin):
            return latin
        latin = "".join(c for c in latin if self.writes(c))
        return latin or None

    def prepare(self, text: str) -> str:
        """``text`` with every character the table cannot write replaced (see the module docstring)."""
        subs: dict[str, str] = {}
        for ch in set(text):
            if self.writes(ch):
                continue
            stand_in = self._stand_in(ch)
            subs[ch] = stand_in if stand_in is not None else ""
        if not subs:
            return text
        out = []
        for ch in text:
            if ch in subs:
                (self.replaced if subs[ch] else self.dropped)[ch] += 1
                out.append(subs[ch])
            else:
                out.append(ch)
        return "".join(out)

    def writes_all(self, text: str) -> bool:
        return all(self.writes(ch) for ch in text)

    def summary(self) -> dict[str, object]:
        """What was replaced, for the artifact and the job's warnings."""
        return {"replaced_characters": sum(self.replaced.values()),
                "replaced": "".join(sorted(self.replaced))[:100],
                "dropped_characters": sum(self.dropped.values()),
                "dropped": "".join(sorted(self.dropped))[:100]}
