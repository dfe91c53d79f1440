"""Short forms: a long institutional name, once spelt out, is then called by a short defined name.

``data/lexicon-<lang>.json`` → ``short_forms`` maps a long form to its short form (*Strategic
Objective* → *Key Aim*, *the Russian Federation* → *Russia*). The rule is honest about names:

- a long form is shortened only where the whole name around it (*UNESCO Strategic Objective*,
  *IITE Strategic Objective*, *Open Education Resources*) is already written out in full earlier
  in the text, so the content-kept measure (which looks for each source name in the easy-read
  text) still finds every name — the measure itself is not changed or loosened;
- the first line that uses the short form is followed by a line defining it (*In this text, Key
  Aim means Strategic Objective.*), and the definition is also listed under "Words to know";
- later uses get the short form. Headings are not touched.

The same machinery drops a repeated definition in brackets: *Open Education Resources (OER)*,
written out a second time, becomes *OER* (its explanation is already in the text and glossary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from converters.transforms.easyread.content import _ENTITY, SENTENCE_STARTERS


@dataclass
class ShortForms:
    """Stateful over one document: lines must be fed in reading order."""

    forms: dict[str, str]
    silent: frozenset[str] = frozenset()    # long forms whose short form is explained elsewhere
    written: str = ""                        # the text so far, as the reader has seen it
    defined: dict[str, str] = field(default_factory=dict)   # short form -> the long form it stands for
    replaced: int = 0

    def __post_init__(self) -> None:
        longs = sorted(self.forms, key=len, reverse=True)       # one pass, longest first
        self._lookup = {" ".join(long.lower().split()): long for long in longs}
        self._pattern = re.compile(r"(?<![\w-])(?:" + "|".join(r"\s+".join(map(re.escape, long.split()))
                                                               for long in longs) + r")(?![\w-])",
                                   re.IGNORECASE) if longs else None

    def apply(self, line: str) -> tuple[str, list[str]]:
        """(the line with short forms where allowed, definition lines to add after it)."""
        if self._pattern is None:
            return line, []
        definitions: list[str] = []
        pieces: list[str] = []
        pos = 0
        for m in self._pattern.finditer(line):
            long = self._lookup[" ".join(m.group().lower().split())]
            if long[:1].isupper() and not m.group()[:1].isupper():
                continue                                 # "strategic objective": no name
            name = _name_around(line, m.start(), m.end())
            if name not in self.written:
                continue                                 # this exact name not yet spelt out: keep it
            short = self.forms[long]
            pieces.append(line[pos: m.start()] + (short[0].upper() + short[1:] if m.start() == 0 else short))
            pos = m.end()
            self.replaced += 1
            if short not in self.defined and long not in self.silent:
                self.defined[short] = long
                definitions.append(definition(long, short))
        out = "".join(pieces) + line[pos:]
        self.written += "\n" + " ".join(out.split())
        return out, definitions


def repeated_definitions(abbreviations: dict[str, str]) -> dict[str, str]:
    """*Open Education Resources (OER)* written again after its first use → *OER*: the aside
    repeats a definition the reader has already had (abbreviations with digits are left alone, so
    no number is dropped)."""
    return {f"{long} ({abbr})": abbr for abbr, long in abbreviations.items()
            if not any(ch.isdigit() for ch in abbr + long)}


def definition(long: str, short: str) -> str:
    return f"In this text, {short[0].upper() + short[1:]} means {long}."


def _name_around(line: str, start: int, end: int) -> str:
    """The whole capitalised name the match belongs to (*IITE Strategic Objective*)."""
    for m in _ENTITY.finditer(line):
        if m.start() <= start < m.end() or m.start() < end <= m.end():
            tokens = m.group().split()
            while len(tokens) > 1 and tokens[0] in SENTENCE_STARTERS:
                tokens = tokens[1:]
            return " ".join(tokens)
    return line[start:end]
