"""PowerPoint (.pptx) rules: slide titles, alt text, reading order, tables, links, language, media, contrast.

Every rule is a pure function of :class:`rules.pptx.facts.PptxFacts`; ``RULES`` lists them in report order.
"""

from rules.pptx import content, slides

RULES = [*slides.RULES, *content.RULES]

__all__ = ["RULES"]
