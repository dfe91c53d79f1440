"""The ``easy-read`` transform (Document → easy-read Document) and target (HTML, DOCX, JSON)."""

from __future__ import annotations

from access.conversion import DOCUMENT, GateSpec, TransformSpec, WriterSpec
from converters import legacy
from converters.transforms.easyread.writer import gate_easy_read, transform, write_easy_read

EASY_READ = "easy-read"
TRANSFORM = TransformSpec(EASY_READ, DOCUMENT, EASY_READ, transform,
                          description="Short plain sentences, glossary, summaries (rule-based, or an LLM).")
WRITER = WriterSpec(
    EASY_READ, EASY_READ, legacy.writer(write_easy_read),
    description="Easy-read draft: short plain sentences, glossary, summary boxes; HTML, DOCX and the before/after "
                "readability and content-kept figures (JSON).")
GATE = GateSpec(EASY_READ, legacy.gate(EASY_READ, gate_easy_read))
