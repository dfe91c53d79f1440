"""PDF rules (PDF/UA-1 with Matterhorn references, and WCAG checks no PDF validator does).

Every rule is a pure function of :class:`rules.pdf.facts.PdfFacts`, collected from this package's modules.
"""

from access.ruleset import RuleSet

RULES = RuleSet(target="pdf", package=__name__, description=__doc__.splitlines()[0])
