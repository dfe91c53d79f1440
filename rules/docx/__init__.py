"""Word (.docx) rules: the Microsoft accessibility checker's Word rules and more.

Every rule is a pure function of :class:`rules.docx.facts.DocxFacts`, collected from this package's modules.
"""

from access.ruleset import RuleSet

RULES = RuleSet(target="docx", package=__name__, description=__doc__.splitlines()[0])
