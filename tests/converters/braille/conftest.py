"""Fixtures for the braille tests: the corpus read once through the real text reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.document import Document
from access.models import ConvertOptions
from access.registry import get_registry
from access.services import make_context, source_file

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "unesco-iite-strategy-2022-2025.txt"


@pytest.fixture(scope="session")
def corpus_source():
    return source_file(CORPUS)


@pytest.fixture(scope="session")
def corpus_doc(corpus_source) -> Document:
    reader = get_registry().readers["text"]
    return reader.read(corpus_source, ConvertOptions(targets=["brf"]), make_context())
