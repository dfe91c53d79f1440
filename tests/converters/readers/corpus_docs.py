"""The real-world corpus (bench/corpus.py, tests/corpus/): documents are read once per session."""

from __future__ import annotations

import os
from functools import cache

import pytest

from access.document import Document
from access.models import ConvertOptions, SourceFile
from access.registry import get_registry
from access.services import make_context
from bench.corpus import Entry, document, entries

ENTRIES = {e.id: e for e in entries()}
FULL = os.environ.get("ACCESS_CORPUS") == "all"


@cache
def read_entry(entry_id: str) -> Document:
    entry = ENTRIES[entry_id]
    path = document(entry)
    if path is None:
        pytest.skip(f"corpus document {entry_id!r} ({entry.original_name}) is not in the cache "
                    "(see tests/corpus/SOURCES.md)")
    return get_registry().readers[entry.format].read(SourceFile(path=str(path), format=entry.format),
                                                      ConvertOptions(), make_context())


def corpus_params() -> list[object]:
    """Every entry: the fixed sample always, the rest with ACCESS_CORPUS=all (marker ``corpus``)."""
    return [pytest.param(e, id=e.id, marks=() if e.sample else
                         (pytest.mark.corpus, pytest.mark.skipif(not FULL, reason="full corpus: ACCESS_CORPUS=all")))
            for e in ENTRIES.values()]


def entry(entry_id: str) -> Entry:
    return ENTRIES[entry_id]
