"""Finding shapes the document rules share (PDF, Word, PowerPoint).

Most document rules list what fails and then close with one finding: a pass when they checked
something and nothing failed, an inapplicable when there was nothing to check. :func:`closing`
is that last step; a rule using it declares the messages ``passed`` (filled with ``checked``, the
number of things checked) and ``none``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from access.catalogue import Rule
from access.models import Finding, Location, Outcome
from access.requirements import Requirement

# The message of a text-contrast violation, the same for every document format.
CONTRAST = "Text {foreground} on {background} has contrast {ratio}:1; {required}:1 is needed."


def closing(r: Rule, checked: int, failed: int, where: Location | None = None, **data: Any) -> Iterator[Finding]:
    """The finding that ends a rule's list of failures: ``passed`` when ``checked`` things were
    checked and none of them failed, ``none`` (inapplicable) when nothing was there to check."""
    if not checked:
        yield r.finding(Outcome.INAPPLICABLE, "none", where)
    elif not failed:
        yield r.finding(Outcome.PASS, "passed", where, checked=checked, **data)


def narrowed(r: Rule, *criteria: str) -> tuple[Requirement, ...]:
    """What one finding of ``r`` breaks: the rule's requirements with its WCAG criteria narrowed to
    ``criteria``; with none, only the rule's other requirements (a PDF/UA-only condition)."""
    return tuple(q for q in r.requirements if q.scheme != "wcag" or q.id in criteria)
