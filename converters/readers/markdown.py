"""Markdown → Document: rendered to HTML by markdown-it-py with raw HTML switched off (so input
markup is shown as text, never passed through), then read by the HTML reader."""

from __future__ import annotations

from access.context import Context
from access.conversion import ReaderSpec
from access.document import Document
from access.models import ConvertOptions, SourceFile
from converters.readers.common import finish, read_bytes
from converters.readers.html import parse_html
from converters.readers.text import decode


def parse_markdown(text: str) -> Document:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return parse_html(f"<html><body><main>{md.render(text)}</main></body></html>")


def read_markdown(source: SourceFile, options: ConvertOptions, ctx: Context) -> Document:
    doc = parse_markdown(decode(read_bytes(source)))
    return finish(doc, source, options, "markdown")


READER = ReaderSpec("markdown", read_markdown, "Markdown")
