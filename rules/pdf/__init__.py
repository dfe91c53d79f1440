"""PDF rules (PDF/UA-1 with Matterhorn references, and WCAG checks no PDF validator does).

Every rule is a pure function of :class:`rules.pdf.facts.PdfFacts`; ``RULES`` lists them in report order.
"""

from rules.pdf import annotations, document, structure, text

RULES = [*document.RULES, *structure.RULES, *annotations.RULES, *text.RULES]

__all__ = ["RULES"]
