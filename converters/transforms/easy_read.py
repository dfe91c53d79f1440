"""The ``easy-read`` step: Document → easy-read Document (short plain sentences, glossary, summaries;
the before/after figures in ``metadata.extra["easy_read"]``), which the easy-read writer reads.

The rule-based rewriter and its lexicon are English; other languages need the optional LLM rewriter
(:class:`EasyReadSettings`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from access.conversion import DOCUMENT, TransformSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.document import Document
    from access.models import ConvertOptions

EASY_READ = "easy-read"


def easy_read(doc: Document, options: ConvertOptions, ctx: Context) -> Document:
    from access.errors import UnsupportedFormat
    from converters.transforms.easyread.llm import rewriter_from_settings
    from converters.transforms.easyread.settings import EasyReadSettings
    from converters.transforms.easyread.transform import easy_read_document

    ctx.progress(5, "simplifying text")
    language = (options.language or doc.metadata.language or "en").split("-")[0].lower()
    rewriter = rewriter_from_settings(ctx.plugin_settings(EasyReadSettings), language)
    if language != "en" and getattr(rewriter, "name", "") != "llm":
        raise UnsupportedFormat(
            f"Easy-read is available for English text (this document is {language!r}). For other "
            "languages set ACCESS_EASYREAD_LLM_URL and ACCESS_EASYREAD_LLM_MODEL to an OpenAI-compatible endpoint.")
    return easy_read_document(doc, rewriter, language)


TRANSFORM = TransformSpec(EASY_READ, DOCUMENT, EASY_READ, easy_read,
                          description="Short plain sentences, glossary, summaries (rule-based, or an LLM).")
