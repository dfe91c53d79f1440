"""Readers: every input format into one Document (see access/document.py).

Registered as the ``readers`` plugin. Each reader module is imported on first use, so loading the
registry stays cheap (pymupdf, python-docx and friends load only in the process that converts).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from access.document import Document
    from access.models import ConvertOptions, SourceFile
    from access.registry import Context, Registry

READERS = {
    "text": ("converters.readers.text", "read_text"),
    "markdown": ("converters.readers.markdown", "read_markdown"),
    "html": ("converters.readers.html", "read_html"),
    "docx": ("converters.readers.docx", "read_docx"),
    "pptx": ("converters.readers.pptx", "read_pptx"),
    "pdf": ("converters.readers.pdf", "read_pdf"),
}


def _lazy(module: str, name: str) -> Any:
    def reader(source: SourceFile, options: ConvertOptions, ctx: Context) -> Document:
        fn = getattr(import_module(module), name)
        return fn(source, options, ctx)

    reader.__name__ = name
    reader.__qualname__ = name
    reader.__doc__ = f"{module}.{name}, imported on first use."
    return reader


def plugin(registry: Registry) -> None:
    for fmt, (module, name) in READERS.items():
        registry.add_reader(fmt, _lazy(module, name))
