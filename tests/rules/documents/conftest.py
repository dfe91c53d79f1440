"""Example documents for the PDF, Word and PowerPoint rule tests, generated once per session.

The directories sit under pytest's session base temp, so tests/auditors reuses the same files
(headless Chromium prints the tagged lecture PDF once per session).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rules.docx.examples import Examples as DocxExamples
from rules.docx.facts import inspect_docx
from rules.pdf.examples import Examples as PdfExamples
from rules.pdf.facts import inspect_pdf
from rules.pptx.examples import Examples as PptxExamples
from rules.pptx.facts import inspect_pptx


def example_dir(factory: pytest.TempPathFactory, fmt: str) -> Path:
    return factory.getbasetemp() / f"access-{fmt}-examples"


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {"pdf": PdfExamples(example_dir(tmp_path_factory, "pdf")),
            "docx": DocxExamples(example_dir(tmp_path_factory, "docx")),
            "pptx": PptxExamples(example_dir(tmp_path_factory, "pptx"))}


@pytest.fixture(scope="session")
def facts_of(examples: dict[str, Any]) -> Any:
    """facts_of(fmt, example name) → the inspected facts, cached for the session."""
    inspectors = {"pdf": inspect_pdf, "docx": inspect_docx, "pptx": inspect_pptx}
    cache: dict[tuple[str, str], Any] = {}

    def get(fmt: str, name: str) -> Any:
        if (fmt, name) not in cache:
            cache[(fmt, name)] = inspectors[fmt](examples[fmt].path(name))
        return cache[(fmt, name)]

    return get
