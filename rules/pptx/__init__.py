"""PowerPoint (.pptx) rules: slide titles, alt text, reading order, tables, links, language, media, contrast.

Every rule is a pure function of :class:`rules.pptx.facts.PptxFacts`, collected from this package's modules.
Each fixture case (``fixtures/<rule-id>.yml``) describes its presentation under ``pptx:`` as slides
with shapes; :mod:`rules.pptx.build` writes it and ``inspect_pptx`` gathers its facts.
"""

from access.ruleset import RuleSet
from rules.fixturebuild import case_facts
from rules.pptx.build import build_pptx
from rules.pptx.facts import inspect_pptx

RULES = RuleSet(target="pptx", package=__name__, description=__doc__.splitlines()[0],
                case_facts=case_facts("pptx", build_pptx, inspect_pptx))
