"""PowerPoint (.pptx) rules: slide titles, alt text, reading order, tables, links, language, media, contrast.

Every rule is a pure function of :class:`rules.pptx.facts.PptxFacts`, collected from this package's modules.
"""

from access.ruleset import RuleSet

RULES = RuleSet(target="pptx", package=__name__, description=__doc__.splitlines()[0])
