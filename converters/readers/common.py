"""What every reader does around its format-specific work: input checks and finishing metadata."""

from __future__ import annotations

import re
from pathlib import Path

from access.context import Context
from access.document import Document, Heading
from access.errors import EmptyFile, LimitExceeded
from access.models import ConvertOptions, SourceFile
from converters.readers.language import detect_language

BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def read_bytes(source: SourceFile) -> bytes:
    data = Path(source.path).read_bytes()
    if not data.strip():
        raise EmptyFile(f"The file {display_name(source)!r} is empty.")
    return data


def display_name(source: SourceFile) -> str:
    return source.filename or Path(source.path).name


def check_page_limit(count: int, ctx: Context, what: str = "pages") -> None:
    limit = ctx.settings.max_pages
    if count > limit:
        raise LimitExceeded(f"The document has {count} {what}; at most {limit} are accepted "
                            "(setting ACCESS_MAX_PAGES).")


def clean_language(tag: str | None) -> str | None:
    """A declared language as a BCP 47 tag (en_US → en-US), or None when it is not one."""
    if not tag:
        return None
    tag = tag.strip().replace("_", "-")
    return tag if BCP47.match(tag) and tag.lower() not in {"x-none", "und", "zxx"} else None


def title_from_filename(name: str) -> str:
    stem = Path(name).stem
    words = re.sub(r"(?<!\d)[-_]+|[-_]+(?!\d)|\s+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled document"


def finish(doc: Document, source: SourceFile, options: ConvertOptions, fmt: str) -> Document:
    """Fill in source format/name, title and language (option > declared > detected)."""
    meta = doc.metadata
    meta.source_format = fmt
    meta.source_name = display_name(source)
    if not meta.title or not meta.title.strip():
        first = next((h for h in doc.headings() if h.text.strip()), None)
        meta.title = first.text.strip() if first is not None and first.level == 1 else \
            title_from_filename(meta.source_name)
    declared = clean_language(meta.language)
    if options.language:
        meta.language, meta.language_detected = clean_language(options.language) or options.language, False
    elif declared:
        meta.language, meta.language_detected = declared, False
    else:
        detected = detect_language(doc.plain_text())
        meta.language = detected
        meta.language_detected = detected is not None
        if detected is None:
            doc.warnings.append("The document's language could not be determined; set it with the "
                                "language option.")
    return doc


def first_heading(doc: Document) -> Heading | None:
    return next(iter(doc.headings()), None)
