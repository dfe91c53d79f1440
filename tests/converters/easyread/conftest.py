"""Fixtures for the easy-read tests: the corpus converted once, through the real text reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from access.models import ConvertOptions
from access.services import convert, make_context, source_file

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "unesco-iite-strategy-2022-2025.txt"


@pytest.fixture(scope="session")
def easy_corpus(tmp_path_factory) -> dict[str, Any]:
    """The corpus → easy-read through access.services.convert: result, files and figures."""
    out = tmp_path_factory.mktemp("easy-read")
    result = convert(source_file(CORPUS), ConvertOptions(targets=["easy-read"]), out, make_context())
    files = {Path(a.path).suffix: Path(a.path) for a in result.artifacts}
    return {"result": result, "files": files,
            "figures": json.loads(files[".json"].read_text(encoding="utf-8"))}
