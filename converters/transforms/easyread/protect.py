"""Text easy-read must never change: numbers written with separators, dates and times, web and e-mail
addresses, file names and paths, command-line options, identifiers and code.

Before a paragraph is rewritten each such piece is swapped for a placeholder word the rewriter leaves
alone (a run of letters no lexicon, number rule or date rule matches), and swapped back in every line
it wrote, so a rule that reads *2022-25* as a year range can never turn *2026-03-24* into *2026 to
2003-24*, and *pip install -e .* stays a command.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

PROTECTED = re.compile(r"""
    (?:https?://|www\.)[^\s<>"']+[^\s<>"'.,;:!?)\]]                  # web addresses
  | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                                     # e-mail addresses
  | `[^`\n]+`                                                        # code written in backticks
  | \b\d{4}-\d{2}-\d{2}(?:[T\ ]\d{2}:\d{2}(?::\d{2})?)?\b            # ISO dates (and times)
  | \b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b                                # 24.03.2026, 3/24/2026
  | \b\d{1,2}:\d{2}(?::\d{2})?\b                                     # times
  | \b[vV]?\d+(?:\.\d+){2,}\b                                        # versions 1.2.3
  | (?<![\w-])--?[A-Za-z][\w-]*                                      # command-line options
  | (?<![\w/])(?:~|\.{1,2})?/[\w.~/-]+                               # paths
  | \b[A-Za-z]:\\[^\s]+                                              # Windows paths
  | \b[\w-]+(?:\.[\w-]+)*\.(?:py|js|ts|json|ya?ml|toml|ini|cfg|md|txt|csv|tsv|html?|css|sh|bat|ps1|exe|zip|
        pdf|docx?|pptx?|xlsx?|epub|png|jpe?g|gif|svg|mp3)\b                     # file names
  | \b[A-Za-z_][\w.]*\([^()\s]*\)                                    # calls: print(), os.path.join(a)
  | \b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b                                # snake_case identifiers
  | \b[a-z]+[A-Z][A-Za-z0-9]*\b                                      # camelCase identifiers
""", re.VERBOSE)
# what a placeholder looks like: "zqj" + letters + "jqz" (any case: a line may capitalise it)
PLACEHOLDER = re.compile(r"[Zz][Qq][Jj]([a-z]+)[Jj][Qq][Zz]")


def _name(n: int) -> str:
    letters = string.ascii_lowercase
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = letters[r] + out
    return f"zqj{out}jqz"


def _index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 96)
    return n - 1


@dataclass
class Protected:
    """A paragraph with its protected pieces swapped out."""

    text: str
    pieces: list[str] = field(default_factory=list)

    def restore(self, line: str) -> str:
        """A line the rewriter wrote, with the protected pieces back as they were."""
        def back(m: re.Match[str]) -> str:
            k = _index(m.group(1).lower())
            return self.pieces[k] if 0 <= k < len(self.pieces) else m.group()
        return PLACEHOLDER.sub(back, line)


def protect(text: str, literal: list[str] | None = None) -> Protected:
    """``text`` with everything :data:`PROTECTED` matches, and every ``literal`` (inline code of the
    source), swapped for placeholder words."""
    pieces: list[str] = []

    def swap(piece: str) -> str:
        pieces.append(piece)
        return _name(len(pieces) - 1)

    for code in sorted({c for c in literal or [] if c.strip()}, key=len, reverse=True):
        text = text.replace(code, swap(code))
    text = PROTECTED.sub(lambda m: m.group() if PLACEHOLDER.fullmatch(m.group()) else swap(m.group()), text)
    return Protected(text, pieces)
