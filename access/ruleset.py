"""A rule family: the rules of one target, collected from their package, with their fixtures.

Every rule package (``rules/html``, ``rules/pdf`` ...) is one :class:`RuleSet`, named in the
``access.rules`` entry-point group::

    [project.entry-points."access.rules"]
    pdf = "rules.pdf:RULES"

The set imports every module of its package and collects the ``@rule`` functions defined there (no
hand-kept list); its fixtures are the YAML files in ``fixtures/`` beside the rules, one per rule
(``fixtures/<rule-id>.yml``), and ``case_facts`` turns one fixture case's inputs into the facts the
rules read (parse the HTML, build the small PDF the case describes, load the page in a browser ...).
One parametrised test (tests/rules/test_catalogue.py) runs every case of every set through
:func:`access.rulerun.run_rules`, the runner the auditors use.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from access.catalogue import Rule, collect_rules
from access.rulefixtures import FixtureCase, load_fixture_cases


@dataclass(eq=False)
class RuleSet:
    target: str                                       # the rule ids' prefix: html, web, axe, pdf ...
    package: str                                      # the package whose modules hold the rules
    description: str = ""
    case_facts: Callable[[FixtureCase], Any] | None = None   # a fixture case → the facts its rule reads
    generated: Callable[[], list[Rule]] | None = None # a catalogue generated from an engine (axe)
    fixtures: Path | None = None                      # default: <package>/fixtures
    _rules: list[Rule] | None = field(default=None, repr=False)

    def rules(self) -> list[Rule]:
        """Every rule of the family, in module order then definition order (loaded once)."""
        if self._rules is None:
            self._rules = self.generated() if self.generated is not None else self._collect()
        return self._rules

    def _collect(self) -> list[Rule]:
        package = importlib.import_module(self.package)
        found: dict[str, Rule] = {}
        names = sorted(f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__))
        modules = [package.__name__, *names]
        for name in modules:
            module = importlib.import_module(name)
            for r in collect_rules(vars(module), name):
                if r.id in found and found[r.id] is not r:
                    raise ValueError(f"rule {r.id} is defined twice ({name})")
                found[r.id] = r
        wrong = [r.id for r in found.values() if r.target != self.target]
        if wrong:
            raise ValueError(f"rules {wrong} in {self.package} are not for target {self.target!r}")
        return list(found.values())

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules()}

    @property
    def fixture_dir(self) -> Path:
        if self.fixtures is not None:
            return self.fixtures
        package = importlib.import_module(self.package)
        return Path(package.__file__ or ".").parent / "fixtures"

    def cases(self) -> list[FixtureCase]:
        """Every fixture case of the family (none for a generated catalogue)."""
        if self.case_facts is None or not self.fixture_dir.is_dir():
            return []
        return load_fixture_cases(self.fixture_dir)

    def checked_rules(self) -> list[Rule]:
        """The rules with a check of ours (each needs passing and failing fixtures)."""
        return [r for r in self.rules() if r.check is not None]
