"""Word (.docx) rules: the Microsoft accessibility checker's Word rules and more.

Every rule is a pure function of :class:`rules.docx.facts.DocxFacts`, collected from this package's modules.
Each fixture case (``fixtures/<rule-id>.yml``) describes its document under ``docx:`` as properties
and a list of blocks; :mod:`rules.docx.build` writes it and ``inspect_docx`` gathers its facts.
"""

from access.ruleset import RuleSet
from rules.docx.build import build_docx
from rules.docx.facts import inspect_docx
from rules.fixturebuild import case_facts

RULES = RuleSet(target="docx", package=__name__, description=__doc__.splitlines()[0],
                case_facts=case_facts("docx", build_docx, inspect_docx))
