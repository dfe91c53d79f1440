"""Small real documents for the audio tests (shared by conftest.py and the test modules)."""

from __future__ import annotations

from pathlib import Path

from access.document import Document, Heading, Metadata, PageBreak, Paragraph, Span
from access.models import ArtifactOut, ConversionResult

HEADINGS = ["Getting started", "Reading together", "Checking what you learnt"]
PARAGRAPHS = [
    "This short course shows how learners use audio books. Each part is read aloud.",
    "Learners follow the text while they listen. The sentence being read is highlighted.",
    "At the end, learners answer three questions. Teachers check the answers in class.",
]


def build_docx(path: Path) -> Path:
    from docx import Document as Docx

    doc = Docx()
    doc.core_properties.title = "Audio course"
    doc.core_properties.author = "Access Team"
    for heading, text in zip(HEADINGS, PARAGRAPHS, strict=True):
        doc.add_heading(heading, level=1)
        doc.add_paragraph(text)
    doc.save(str(path))
    return path



def artifact(result: ConversionResult, suffix: str) -> ArtifactOut:
    return next(a for a in result.artifacts if a.name.endswith(suffix))


def swahili_document() -> Document:
    return Document(metadata=Metadata(title="Kozi ya sauti", language="sw"), blocks=[
        Heading(level=1, inlines=[Span(text="Karibu")]),
        Paragraph(inlines=[Span(text="Wanafunzi wanasikiliza kitabu hiki. Mwalimu anasoma pamoja nao.")]),
        PageBreak(label="2"),
        Heading(level=1, inlines=[Span(text="Maswali")]),
        Paragraph(inlines=[Span(text="Jibu maswali matatu kwa Kiswahili.")]),
    ])
