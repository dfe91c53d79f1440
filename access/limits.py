"""Limits on what one job may use and what an input may expand to, checked while reading.

A hostile input is small on disk and huge once read: a PDF content stream that inflates to 1 GB, a
zip member of 889 MB, a million ``<p>``, tables nested 10,000 deep, a 1 MB line of text. Each
reader checks the expansion as it goes (:func:`inflated_size` for compressed streams,
:func:`check_tree` for parsed markup, :func:`check_count` for anything counted) and stops with
``limit_exceeded`` as soon as a limit is passed, before the expanded form is built.

Behind those, every job has a memory ceiling: :func:`apply_memory_ceiling` sets the worker
process's ``RLIMIT_DATA`` (the memory it may commit: heap and private mappings) to
``settings.job_memory_limit``. ``RLIMIT_AS`` would be the textbook choice, but the processes a
worker starts (Chromium, the JVM of epubcheck) inherit it and reserve terabytes of address space
they never use, so they would not start; ``RLIMIT_DATA`` counts only what is committed. An
allocation past the ceiling raises ``MemoryError`` in Python, which :func:`job_limits` turns into
``limit_exceeded``; the worker process lives on.
"""

from __future__ import annotations

import logging
import resource
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from access.errors import LimitExceeded

if TYPE_CHECKING:
    from lxml import etree

    from access.config import Settings
    from access.document import Document

log = logging.getLogger(__name__)
MB = 1024 * 1024
MAX_NODES = 300_000          # the defaults of settings.max_document_nodes / max_document_depth
MAX_DEPTH = 128


def apply_memory_ceiling(limit: int) -> int | None:
    """Set this process's soft ``RLIMIT_DATA`` to ``limit`` bytes (0: leave it); the previous soft
    limit, or None when nothing was set. Never raises the hard limit."""
    if limit <= 0:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    except (ValueError, OSError):
        log.warning("could not set the job memory ceiling (RLIMIT_DATA %d)", wanted, exc_info=True)
        return None
    return soft


def restore_memory_ceiling(previous: int | None) -> None:
    if previous is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (previous, hard))


def memory_exceeded(limit: int) -> LimitExceeded:
    return LimitExceeded(f"The job needed more memory than the limit of {limit // MB} MB "
                         "(setting ACCESS_JOB_MEMORY_LIMIT); the input expands too much.")


@contextmanager
def job_limits(settings: Settings, *, ceiling: bool = True) -> Iterator[None]:
    """Run a job's work under the memory ceiling (``ceiling=False``: the process already has it);
    ``MemoryError`` ends it with ``limit_exceeded``."""
    previous = apply_memory_ceiling(settings.job_memory_limit) if ceiling else None
    try:
        yield
    except MemoryError:
        raise memory_exceeded(settings.job_memory_limit) from None
    finally:
        restore_memory_ceiling(previous)


# ----------------------------------------------------------------------------- expansion checks


def check_count(what: str, count: int, limit: int, setting: str) -> None:
    """``limit_exceeded`` when ``count`` is over ``limit`` (0: no limit)."""
    if limit and count > limit:
        raise LimitExceeded(f"The input has {count:,} {what}; the limit is {limit:,} (setting {setting}).")


def inflated_size(data: bytes, limit: int, what: str = "Compressed streams") -> int:
    """The size zlib ``data`` inflates to, counted in 1 MB steps without keeping the output;
    ``limit_exceeded`` as soon as it passes ``limit``. A damaged stream counts what inflated."""
    inflater = zlib.decompressobj()
    total = 0
    pending = data
    try:
        while pending:
            total += len(inflater.decompress(pending, MB))
            if total > limit:
                raise LimitExceeded(f"{what} expand to more than {limit // MB} MB "
                                    "(setting ACCESS_MAX_STREAM_BYTES).")
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return total


def tree_limits(settings: Settings) -> dict[str, int]:
    """The keyword arguments of :func:`check_tree` (and the parsers that call it) from settings."""
    return {"max_nodes": settings.max_document_nodes, "max_depth": settings.max_document_depth}


def check_tree(root: etree._Element, *, max_nodes: int, max_depth: int) -> None:
    """``limit_exceeded`` when a parsed document has more than ``max_nodes`` elements or is nested
    deeper than ``max_depth``; walked iteratively (no recursion), stopping at the first excess."""
    count = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if max_nodes and count > max_nodes:
            raise LimitExceeded(f"The document has more than {max_nodes:,} elements "
                                "(setting ACCESS_MAX_DOCUMENT_NODES).")
        if max_depth and depth > max_depth:
            raise LimitExceeded(f"The document nests elements more than {max_depth} deep "
                                "(setting ACCESS_MAX_DOCUMENT_DEPTH).")
        stack.extend((child, depth + 1) for child in element)


def check_pdf_streams(doc: Any, limit: int) -> None:
    """``limit_exceeded`` when a PDF's compressed streams other than images (page contents, form
    XObjects, fonts...) inflate to more than ``limit`` bytes in all. ``doc`` is an open pymupdf
    document; the raw streams are inflated 1 MB at a time and thrown away, so a 1 GB content stream
    is refused after reading ``limit`` bytes of it, in bounded memory. Images are left to the
    page limits (a scan's pixels are its content)."""
    if not limit:
        return
    total = 0
    for xref in range(1, doc.xref_length()):
        try:
            if not doc.xref_is_stream(xref):
                continue
            if doc.xref_get_key(xref, "Subtype")[1] == "/Image":
                continue
            if "FlateDecode" not in doc.xref_get_key(xref, "Filter")[1]:
                continue
            raw = doc.xref_stream_raw(xref)
        except (RuntimeError, ValueError):
            continue                       # a damaged object: the readers say what they make of it
        if raw:
            total += inflated_size(raw, limit - total, "The PDF's content streams")


def check_paragraphs(doc: Document, limit: int) -> None:
    """``limit_exceeded`` when a paragraph (heading, list item, any block of inline text) of a read
    document is longer than ``limit`` characters: speech and easy-read work sentence by sentence
    and a 1 MB run-on line held them for minutes."""
    if not limit:
        return
    from access.document import InlineText

    for block in doc.walk():
        if isinstance(block, InlineText):
            length = sum(len(getattr(inline, "text", "") or "") for inline in block.inlines)
            if length > limit:
                raise LimitExceeded(f"A paragraph of the document is {length:,} characters long; the limit is "
                                    f"{limit:,} (setting ACCESS_MAX_PARAGRAPH_CHARS).")


def check_lines(text: str, limit: int) -> None:
    """``limit_exceeded`` for a line of plain text longer than ``limit`` characters (before the text
    is parsed)."""
    if not limit:
        return
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > limit:
            raise LimitExceeded(f"A line of the text is {end - start:,} characters long; the limit is {limit:,} "
                                "(setting ACCESS_MAX_PARAGRAPH_CHARS).")
        start = end + 1


def check_markup(data: bytes | str, max_nodes: int) -> None:
    """Before parsing: ``limit_exceeded`` when the markup has more than twice ``max_nodes`` start
    tags (``<`` not followed by ``/``, ``!`` or ``?``, counted in C, no parse). The margin keeps
    pages whose scripts hold many ``<`` from being refused here; :func:`check_tree` counts exactly
    after parsing."""
    if not max_nodes:
        return
    lt, close, bang, query = ("<", "</", "<!", "<?") if isinstance(data, str) else (b"<", b"</", b"<!", b"<?")
    starts = data.count(lt) - data.count(close) - data.count(bang) - data.count(query)  # type: ignore[arg-type]
    if starts > 2 * max_nodes:
        raise LimitExceeded(f"The document has about {starts:,} elements; the limit is {max_nodes:,} "
                            "(setting ACCESS_MAX_DOCUMENT_NODES).")
