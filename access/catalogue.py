"""Rule metadata and the ``@rule`` decorator: one rule, one place.

A rule is a function whose decorator holds its id, target, impact, WCAG criteria and other
standard references (Matterhorn checkpoints, W3C ACT rule ids, axe rule ids), and whose docstring
is its documentation: the first line is the title, the body says what fails, why it matters to a
learner, and how to fix it. The generated rule reference and the report help text both come from
here, so documentation and check never drift apart.

Rules yield :class:`~access.models.Finding` objects built with :meth:`Rule.finding`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from access.models import WCAG_CRITERIA, Finding, Impact, Location, Outcome

RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HELP_BASE = "https://github.com/access-edu/access/blob/main/docs/rules.md#"


@dataclass(frozen=True)
class Rule:
    id: str
    target: str                                  # html, web, axe, pdf, docx, pptx
    impact: Impact
    wcag: tuple[str, ...]
    doc: str
    check: Callable[..., Iterable[Finding]] | None = None
    standard_refs: tuple[str, ...] = ()          # "matterhorn:13-004", "act:23a2a8", "axe:image-alt"
    tags: tuple[str, ...] = ()
    needs_review_only: bool = False              # the rule can only ask a person to check
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.id

    @property
    def body(self) -> str:
        return _doc_body(self.doc)

    @property
    def help(self) -> str:
        """The 'How to fix' section of the docstring, or the title when there is none."""
        return _doc_help(self.doc) or self.title

    @property
    def help_url(self) -> str:
        return HELP_BASE + self.id

    def finding(self, outcome: Outcome | str, message: str, location: Location | None = None,
                *, impact: Impact | None = None, wcag: Iterable[str] | None = None,
                refs: Iterable[str] = (), **data: Any) -> Finding:
        outcome = Outcome(outcome)
        return Finding(
            rule=self.id, outcome=outcome,
            impact=impact or (self.impact if outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW) else None),
            wcag=list(wcag if wcag is not None else self.wcag),
            standard_refs=list(dict.fromkeys([*self.standard_refs, *refs])),
            location=location or Location(), message=message, help=self.help,
            help_url=self.help_url, data=data,
        )

    def validate(self) -> list[str]:
        """Problems with this rule's metadata (empty when it is well formed)."""
        problems = []
        if not RULE_ID.match(self.id):
            problems.append(f"{self.id}: id must be lower-case words joined by '-'")
        for sc in self.wcag:
            if sc not in WCAG_CRITERIA:
                problems.append(f"{self.id}: unknown WCAG success criterion {sc}")
        if not self.doc.strip():
            problems.append(f"{self.id}: no documentation")
        if "**Why it matters**" not in self.doc or "**How to fix**" not in self.doc:
            problems.append(f"{self.id}: docstring needs **Why it matters** and **How to fix** sections")
        return problems


@lru_cache(maxsize=4096)
def _doc_body(doc: str) -> str:
    """A docstring without its title line (cached: every finding asks for its rule's help)."""
    lines = inspect.cleandoc(doc).splitlines()
    return "\n".join(lines[1:]).strip()


@lru_cache(maxsize=4096)
def _doc_help(doc: str) -> str:
    match = re.search(r"\*\*How to fix\*\*:?\s*(.+?)(?:\n\s*\*\*|\Z)", _doc_body(doc), re.S)
    return " ".join(match.group(1).split()) if match else ""


def rule(*, id: str, target: str, impact: Impact | str, wcag: Iterable[str] = (),
         refs: Iterable[str] = (), tags: Iterable[str] = (), needs_review_only: bool = False,
         **extra: Any) -> Callable[[Callable[..., Iterable[Finding]]], Rule]:
    """Declare a rule: ``@rule(id="html-img-alt", target="html", impact="critical", wcag=["1.1.1"])``."""

    def wrap(fn: Callable[..., Iterable[Finding]]) -> Rule:
        return Rule(id=id, target=target, impact=Impact(impact), wcag=tuple(wcag),
                    doc=inspect.cleandoc(fn.__doc__ or ""), check=fn, standard_refs=tuple(refs),
                    tags=tuple(tags), needs_review_only=needs_review_only, extra=extra)

    return wrap


def documented(*, id: str, target: str, impact: Impact | str, wcag: Iterable[str], doc: str,
               refs: Iterable[str] = (), **extra: Any) -> Rule:
    """A catalogue entry without a check of ours (e.g. an axe-core rule with our guidance)."""
    return Rule(id=id, target=target, impact=Impact(impact), wcag=tuple(wcag),
                doc=inspect.cleandoc(doc), standard_refs=tuple(refs), extra=extra)


def collect_rules(namespace: dict[str, Any]) -> list[Rule]:
    """All Rule objects defined in a module namespace (``collect_rules(vars(module))``)."""
    return [v for v in namespace.values() if isinstance(v, Rule)]
