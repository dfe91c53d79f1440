"""Writers: a Document into files. This plugin registers the "html" and "epub" targets, each with
its quality gate (converters/gates.py). Other writers (audio, braille) register their own plugins."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from access.document import Document
    from access.models import ArtifactOut, ConvertOptions
    from access.registry import Context, Registry


def write_html(doc: Document, outdir: Path, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    from converters.writers.html import write_html as write

    return write(doc, outdir, options, ctx)


def write_epub(doc: Document, outdir: Path, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    from converters.writers.epub import write_epub as write

    return write(doc, outdir, options, ctx)


def html_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    from converters.gates import html_gate as gate

    return gate(artifacts, options, ctx)


def epub_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    from converters.gates import epub_gate as gate

    return gate(artifacts, options, ctx)


def plugin(registry: Registry) -> None:
    registry.add_target("html", write_html, gate=html_gate,
                        description="Accessible HTML: one self-contained page, checked by our auditor.")
    registry.add_target("epub", write_epub, gate=epub_gate,
                        description="EPUB 3 with navigation, page list and accessibility metadata, "
                                    "checked by epubcheck and our auditor.")
