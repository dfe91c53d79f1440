"""Word (.docx) rules: the Microsoft accessibility checker's Word rules and more.

Every rule is a pure function of :class:`rules.docx.facts.DocxFacts`; ``RULES`` lists them in report order.
"""

from rules.docx import document, images, structure, text

RULES = [*document.RULES, *images.RULES, *structure.RULES, *text.RULES]

__all__ = ["RULES"]
