"""Rules: one way to write one, for every auditor.

A rule is a function whose ``@rule`` decorator holds everything about it except its logic: the id,
the target it checks (``html``, ``web``, ``pdf`` ...), the impact, the requirements it tests as typed
values written once (``WCAG("1.1.1")``, ``Matterhorn("13-004")``, ``ACT("23a2a8")``), and the
messages its findings carry, keyed by a short name and filled from the finding's data. Its docstring
is its documentation: the first line is the title; the body says what fails, **Why it matters** to a
learner and **How to fix** it. The rule reference (docs/rules.md) and the report help text both come
from here, so documentation and check never drift apart::

    @rule(id="html-img-alt", target="html", impact="critical",
          requirements=(WCAG("1.1.1"), ACT("23a2a8"), Axe("image-alt")),
          messages={"missing": "The image has no alt attribute and no accessible name.",
                    "named": "The image has the text alternative {alt!r}."})
    def img_alt(page: Page) -> Iterator[Finding]:
        '''Images have a text alternative ...'''
        for img in page.elements("img"):
            yield img_alt.finding(Outcome.VIOLATION, "missing", page.location(img))

Rules are collected from their package by :class:`access.ruleset.RuleSet` and run by
:func:`access.rulerun.run_rules`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any

from access.models import Finding, Impact, Location, Outcome
from access.requirements import CRITERIA, Requirement

RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HELP_BASE = "https://github.com/access-edu/access/blob/main/docs/rules.md#"
# Messages every rule may use: the rule runner summarises and caps with these.
COMMON_MESSAGES: Mapping[str, str] = MappingProxyType({
    "checked": "{elements} element(s) checked; none failed.",
    "nothing-to-check": "Nothing here for this rule to check.",
    "omitted": "{omitted} more findings of this rule were not listed.",
})
# A documented rule's findings carry the engine's own words.
ENGINE_MESSAGES: Mapping[str, str] = MappingProxyType({"engine": "{engine_message}"})
Check = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    target: str                                  # html, web, axe, pdf, docx, pptx, epub
    impact: Impact
    requirements: tuple[Requirement, ...]
    doc: str
    check: Check | None = None
    messages: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    needs_review_only: bool = False              # the rule can only ask a person to check
    condition: str | None = None                 # the failure condition as its standard states it (PDF/UA)
    reads: str | None = None                     # which gathered fact the check reads, where an auditor
    #                                              gathers several (web: "keyboard", "media" ...)
    notes: Mapping[str, str] = field(default_factory=dict)   # e.g. an engine's own help link

    # ------------------------------------------------------------------ derived views

    @cached_property
    def wcag(self) -> tuple[str, ...]:
        """The WCAG success criteria the rule tests (what a Finding's ``wcag`` lists)."""
        return tuple(r.id for r in self.requirements if r.scheme == "wcag")

    @cached_property
    def standard_refs(self) -> tuple[str, ...]:
        """Every other requirement as ``scheme:id`` (what a Finding's ``standard_refs`` lists)."""
        return tuple(str(r) for r in self.requirements if r.scheme != "wcag")

    def refs(self, scheme: str) -> tuple[str, ...]:
        """The ids of one scheme: ``rule.refs("matterhorn")`` → ``("13-004",)``."""
        return tuple(r.id for r in self.requirements if r.scheme == scheme)

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

    # ------------------------------------------------------------------ findings

    def message(self, key: str, data: Mapping[str, Any]) -> str:
        """The text of message ``key`` filled with ``data``."""
        template = self.messages.get(key) or COMMON_MESSAGES.get(key)
        if template is None:
            raise KeyError(f"rule {self.id} has no message {key!r}")
        return template.format(**data)

    def finding(self, outcome: Outcome | str, key: str, location: Location | None = None, *,
                impact: Impact | str | None = None, requirements: Iterable[Requirement] | None = None,
                **data: Any) -> Finding:
        """A finding of this rule: ``key`` names one of its messages, ``data`` fills it and stays
        on the finding. ``requirements`` narrows what this one finding breaks (e.g. a PDF/UA-only
        condition of a rule that also tests WCAG)."""
        outcome = Outcome(outcome)
        if requirements is None:
            wcag, refs = list(self.wcag), list(self.standard_refs)
        else:
            reqs = tuple(requirements)
            wcag, refs = [r.id for r in reqs if r.scheme == "wcag"], [str(r) for r in reqs if r.scheme != "wcag"]
        flagged = outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)
        return Finding(
            rule=self.id, outcome=outcome,
            impact=Impact(impact) if impact is not None else (self.impact if flagged else None),
            wcag=wcag, standard_refs=refs,
            location=location or Location(), message=self.message(key, data), help=self.help,
            help_url=self.help_url, data=data,
        )

    def validate(self) -> list[str]:
        """Problems with this rule's metadata (empty when it is well formed)."""
        problems = []
        if not RULE_ID.match(self.id):
            problems.append(f"{self.id}: id must be lower-case words joined by '-'")
        if not self.id.startswith(self.target + "-"):
            problems.append(f"{self.id}: id must start with its target {self.target!r} and '-'")
        problems += [f"{self.id}: unknown WCAG success criterion {sc}" for sc in self.wcag if sc not in CRITERIA]
        if len(set(self.requirements)) != len(self.requirements):
            problems.append(f"{self.id}: a requirement is listed twice")
        if not self.doc.strip():
            problems.append(f"{self.id}: no documentation")
        if "**Why it matters**" not in self.doc or "**How to fix**" not in self.doc:
            problems.append(f"{self.id}: docstring needs **Why it matters** and **How to fix** sections")
        if self.check is not None and not self.messages:
            problems.append(f"{self.id}: a checked rule needs its messages (messages={{key: text}})")
        if "matterhorn" in {r.scheme for r in self.requirements} and not self.condition:
            problems.append(f"{self.id}: a PDF/UA rule states the failure condition it checks (condition=...)")
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


def rule(*, id: str, target: str, impact: Impact | str, requirements: Iterable[Requirement] = (),
         messages: Mapping[str, str], tags: Iterable[str] = (), needs_review_only: bool = False,
         condition: str | None = None, reads: str | None = None) -> Callable[[Check], Rule]:
    """Declare a rule (see the module docstring)."""

    def wrap(fn: Check) -> Rule:
        return Rule(id=id, target=target, impact=Impact(impact), requirements=tuple(requirements),
                    doc=inspect.cleandoc(fn.__doc__ or ""), check=fn, messages=MappingProxyType(dict(messages)),
                    tags=tuple(tags), needs_review_only=needs_review_only, condition=condition, reads=reads)

    return wrap


def documented(*, id: str, target: str, impact: Impact | str, requirements: Iterable[Requirement], doc: str,
               tags: Iterable[str] = (), notes: Mapping[str, str] | None = None) -> Rule:
    """A catalogue entry without a check of ours (an axe-core rule with our guidance): its
    findings come from the engine, through the auditor's adapter."""
    return Rule(id=id, target=target, impact=Impact(impact), requirements=tuple(requirements),
                doc=inspect.cleandoc(doc), tags=tuple(tags), notes=MappingProxyType(dict(notes or {})),
                messages=ENGINE_MESSAGES)


def collect_rules(namespace: Mapping[str, Any], module: str | None = None) -> list[Rule]:
    """The Rule objects defined in a module namespace, in definition order (a rule imported from
    another module is not collected twice)."""
    return [v for v in namespace.values() if isinstance(v, Rule)
            and (module is None or v.check is None or v.check.__module__ == module)]
