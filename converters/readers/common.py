"""What every reader does around its format-specific work: input checks and finishing metadata."""

from __future__ import annotations

import re
from pathlib import Path

from access.context import Context
from access.document import Document, Figure, Heading, InlineText, Paragraph, Span, Table
from access.errors import EmptyFile, LimitExceeded
from access.models import ConvertOptions, SourceFile
from access.textquality import alt_text_problem
from converters.readers.language import MAX_PASSAGES, contradicts, identify, passage_language
from converters.readers.textnorm import normalise_text, unreadable_count

BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
SOURCE_TEXT_CAP = 500_000      # characters of the source's own text kept for the gates' recall checks


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
    """What every reader does last: clean the text of every span (ligatures, soft hyphens, control
    characters), treat file-name and generated alt texts as missing, fill in source format/name and
    title, decide the language (option > declared, unless the text contradicts it > detected), mark
    passages in another language, and measure the source's quality (``metadata.quality``)."""
    meta = doc.metadata
    meta.source_format = fmt
    meta.source_name = display_name(source)
    clean_text(doc)
    if not meta.title or not meta.title.strip():
        first = next((h for h in doc.headings() if h.text.strip()), None)
        meta.title = first.text.strip() if first is not None and first.level == 1 else \
            title_from_filename(meta.source_name)
    text = doc.plain_text()
    quality = meta.quality
    quality.text_chars = quality.text_chars or len(text)
    quality.replacement_chars = max(quality.replacement_chars, unreadable_count(text))
    if quality.source_text is None:
        quality.source_text = text[:SOURCE_TEXT_CAP]
    decide_language(doc, options, text)
    return doc


def clean_text(doc: Document) -> None:
    """Normalise every span, caption and alt text; alt texts that only name a file or were generated
    by Office count as missing (the one judge: access.textquality.alt_text_problem)."""
    poor = 0
    for block in [*doc.walk(), *(b for blocks in doc.footnotes.values() for b in blocks)]:
        if isinstance(block, InlineText):
            for inline in block.inlines:
                if isinstance(inline, Span):
                    inline.text = normalise_text(inline.text)
        elif isinstance(block, Figure):
            block.caption = normalise_text(block.caption) if block.caption else block.caption
            block.alt = normalise_text(block.alt) if block.alt else block.alt
            if block.alt and alt_text_problem(block.alt):
                block.alt = None
                poor += 1
        elif isinstance(block, Table) and block.caption:
            block.caption = normalise_text(block.caption)
    if poor:
        doc.warnings.append(f"{poor} image description(s) only named a file or were generated automatically; "
                            "they are treated as missing.")


def decide_language(doc: Document, options: ConvertOptions, text: str) -> None:
    meta = doc.metadata
    quality = meta.quality
    declared = clean_language(meta.language)
    quality.declared_language = quality.declared_language or declared
    found = identify(text)
    if found is not None:
        quality.detected_language, quality.detected_confidence = found.language, round(found.confidence, 3)
    letters = sum(c.isalpha() for c in text[:20_000])
    if options.language:
        meta.language, meta.language_detected = clean_language(options.language) or options.language, False
    elif declared and contradicts(declared, found, letters):
        assert found is not None
        meta.language, meta.language_detected = found.language, True
        doc.warnings.append(f"The document declares its language as {declared!r} but its text is "
                            f"{found.language!r} (confidence {found.confidence:.0%}); {found.language!r} is "
                            "used for speech, braille and easy-read.")
    elif declared:
        meta.language, meta.language_detected = declared, False
    else:
        meta.language = found.language if found is not None else None
        meta.language_detected = found is not None
        if found is None:
            doc.warnings.append("The document's language could not be determined; set it with the "
                                "language option.")
    mark_passages(doc)


def mark_passages(doc: Document) -> None:
    """Paragraphs clearly in another language than the document's get their own ``lang``."""
    language = doc.metadata.language
    done = 0
    for block in doc.walk():
        if not isinstance(block, Paragraph) or block.lang or done >= MAX_PASSAGES:
            continue
        done += 1
        block.lang = passage_language(block.text, language)


def first_heading(doc: Document) -> Heading | None:
    return next(iter(doc.headings()), None)
