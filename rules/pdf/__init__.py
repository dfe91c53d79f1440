"""PDF rules (PDF/UA-1 with Matterhorn references, and WCAG checks no PDF validator does).

Every rule is a pure function of :class:`rules.pdf.facts.PdfFacts`, collected from this package's modules.
Each fixture case (``fixtures/<rule-id>.yml``) describes its PDF under ``pdf:``; :mod:`rules.pdf.build`
makes it (an HTML page printed by Chromium plus structure edits, or pages drawn with pymupdf) and
``inspect_pdf`` gathers its facts, as the auditor does.
"""

from access.ruleset import RuleSet
from rules.fixturebuild import case_facts
from rules.pdf.build import build_pdf
from rules.pdf.facts import inspect_pdf

RULES = RuleSet(target="pdf", package=__name__, description=__doc__.splitlines()[0],
                case_facts=case_facts("pdf", build_pdf, inspect_pdf))
