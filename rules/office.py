"""What the Word and PowerPoint fact gatherers share: opening an Office file, and turning the
errors python-docx and python-pptx raise on damaged parts into ``InvalidDocument``."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from lxml import etree

from access.errors import EmptyFile, InvalidDocument

T = TypeVar("T")
# what reading a damaged part raises once the package is open
DAMAGED = (KeyError, ValueError, AttributeError, etree.XMLSyntaxError, zipfile.BadZipFile)


def open_office(path: Path, kind: str, opener: Callable[[str], T]) -> T:
    """``opener(path)`` (``docx.Document``, ``pptx.Presentation``), or EmptyFile / InvalidDocument
    naming the ``kind`` of file ("Word", "PowerPoint")."""
    if path.stat().st_size == 0:
        raise EmptyFile(f"The {kind} file is empty.")
    try:
        return opener(str(path))
    except Exception as exc:  # the libraries raise assorted errors on malformed packages
        raise InvalidDocument(f"The {kind} file is damaged and cannot be read ({exc}).") from exc


@contextmanager
def reading(kind: str, errors: tuple[type[BaseException], ...] = DAMAGED) -> Iterator[None]:
    """Reading an open file: ``errors`` become InvalidDocument."""
    try:
        yield
    except errors as exc:
        raise InvalidDocument(f"The {kind} file is damaged and cannot be read ({exc!r}).") from exc
