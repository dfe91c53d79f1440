"""Plugin: the ``easy-read`` transform (Document → easy-read Document) and target (HTML, DOCX, JSON)."""

from __future__ import annotations

from access.registry import Registry
from converters.transforms.easyread.writer import gate_easy_read, transform, write_easy_read


def plugin(registry: Registry) -> None:
    registry.add_transform("easy-read", transform)
    registry.add_target(
        "easy-read", write_easy_read, gate=gate_easy_read, queue="documents",
        description="Easy-read draft: short plain sentences, glossary, summary boxes; HTML, DOCX and the "
                    "before/after readability and content-kept figures (JSON).")
