"""Whole test documents (tests/data/documents.yml) built by the rules' generic builders.

``document("docx", "handout")`` is the path of the built file (made once per test session);
``document("pdf", "lecture", tmp_path / "lecture.pdf")`` copies it to a name of the test's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from rules.docx.build import build_docx
from rules.pdf.build import build_pdf
from rules.pptx.build import build_pptx

DOCUMENTS: dict[str, dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "documents.yml").read_text(encoding="utf-8"))
BUILDERS = {"pdf": build_pdf, "docx": build_docx, "pptx": build_pptx}


def document(fmt: str, name: str, out: Path | None = None) -> Path:
    return BUILDERS[fmt](DOCUMENTS[fmt][name], out)
