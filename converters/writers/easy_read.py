"""The "easy-read" target: the easy-read Document as HTML (``<name>-easy-read.html``), DOCX and the
before/after readability and content-kept figures (JSON)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from access.conversion import OutputFolder, WriterSpec
from converters.transforms.easy_read import EASY_READ

if TYPE_CHECKING:
    from access.context import Context
    from access.document import Document
    from access.models import ArtifactOut, ConvertOptions

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def write_easy_read(easy: Document, folder: OutputFolder, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    from access.models import ArtifactOut
    from converters.transforms.easyread.docx import write_docx
    from converters.transforms.easyread.html import render_html

    figures = easy.metadata.extra["easy_read"]
    ctx.progress(10, "writing easy-read HTML")
    html_path = folder.file("-easy-read.html")
    html_path.write_text(render_html(easy), encoding="utf-8")
    ctx.progress(50, "writing easy-read DOCX")
    docx_path = write_docx(easy, folder.file("-easy-read.docx"))
    json_path = folder.file("-easy-read.json")
    json_path.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    summary = {"fk_grade_before": figures["before"]["fk_grade"], "fk_grade_after": figures["after"]["fk_grade"],
               "max_sentence_words": figures["after"]["max_sentence_words"],
               "numbers_kept_percent": figures["content_kept"]["numbers_percent"],
               "entities_kept_percent": figures["content_kept"]["entities_percent"]}
    ctx.progress(100, "easy-read written")
    return [
        ArtifactOut(name=html_path.name, media_type="text/html; charset=utf-8", path=str(html_path),
                    metadata=summary),
        ArtifactOut(name=docx_path.name, media_type=DOCX_TYPE, path=str(docx_path), metadata=summary),
        ArtifactOut(name=json_path.name, media_type="application/json", path=str(json_path), metadata=summary),
    ]


WRITER = WriterSpec(
    EASY_READ, EASY_READ, write_easy_read,
    description="Easy-read draft: short plain sentences, glossary, summary boxes; HTML, DOCX and the before/after "
                "readability and content-kept figures (JSON).")
