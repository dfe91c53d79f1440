"""What the generic document builders share (``rules/pdf/build.py``, ``rules/docx/build.py``,
``rules/pptx/build.py``): building a file from a declarative description once per process, and
turning a fixture case's description into the facts its rule reads.

A description is plain data (the YAML of a fixture case, or a dict in a test). Its content hash names
the built file, so a description used by many cases is built once per test session: Chromium prints
each distinct page once, however many rules read the PDF. Built files live in a temporary directory
of the process, removed when it exits.

Lists of pages, blocks or shapes may hold ``{repeat: N, ...}`` items: the item is repeated ``N``
times with ``{n}`` in its strings replaced by 1, 2 … ``N`` (:func:`expand`).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from access.rulefixtures import FixtureCase

_cache: dict[str, Path] = {}
_dir: list[Path] = []


def digest(description: Any) -> str:
    """A stable content hash of a description (key order does not matter)."""
    return hashlib.sha256(json.dumps(description, sort_keys=True, default=str).encode()).hexdigest()[:20]


def cache_dir() -> Path:
    if not _dir:
        _dir.append(Path(tempfile.mkdtemp(prefix="access-fixtures-")))
        atexit.register(shutil.rmtree, _dir[0], True)
    return _dir[0]


def cached_file(description: Any, suffix: str, make: Callable[[Path], Any], out: Path | None = None) -> Path:
    """The file ``make(path)`` writes for ``description``, built on first request and reused after;
    copied to ``out`` when given (a test that wants its own file name)."""
    key = digest(description) + suffix
    path = _cache.get(key)
    if path is None or not path.exists():
        path = cache_dir() / key
        partial = path.with_name(f".{key}.partial{suffix}")
        make(partial)
        partial.replace(path)
        _cache[key] = path
    if out is None:
        return path
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, out)
    return out


def expand(items: list[Any]) -> list[Any]:
    """``items`` with every ``{repeat: N, ...}`` item repeated (see the module docstring)."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict) and "repeat" in item:
            rest = {k: v for k, v in item.items() if k != "repeat"}
            out += [_numbered(rest, n) for n in range(1, int(item["repeat"]) + 1)]
        else:
            out.append(item)
    return out


def _numbered(value: Any, n: int) -> Any:
    if isinstance(value, str):
        return value.replace("{n}", str(n))
    if isinstance(value, list):
        return [_numbered(v, n) for v in value]
    if isinstance(value, dict):
        return {k: _numbered(v, n) for k, v in value.items()}
    return value


def checked(item: Any, known: str, what: str) -> dict[str, Any]:
    """``item`` when it is a mapping whose keys are all ``known`` (space-separated); a typo or an
    unquoted comma in a YAML flow mapping otherwise builds a file that tests nothing."""
    if not isinstance(item, dict):
        raise ValueError(f"a {what} is a mapping, not {item!r}")
    unknown = set(item) - set(known.split())
    if unknown:
        raise ValueError(f"{what} {item}: unknown key(s) {sorted(unknown)}; known: {known}")
    return item


def hex_colour(value: Any) -> str:
    """A colour written as hex (``1F3A6E``); YAML reads an unquoted ``333333`` as a number."""
    if not isinstance(value, str):
        raise ValueError(f"write the colour {value!r} as a quoted hex string, e.g. \"333333\"")
    return value


def case_facts(key: str, build: Callable[[Any], Path], inspect: Callable[[Path], Any]) -> Callable[[FixtureCase], Any]:
    """A rule set's ``case_facts``: the case's ``key`` entry is built into a file and read by the
    real fact gatherer (``inspect``); the facts of one description are gathered once (rules only
    read them)."""
    facts: dict[str, Any] = {}

    def of(case: FixtureCase) -> Any:
        if key not in case.inputs:
            raise ValueError(f"{case.id}: a {key} fixture case describes its input under {key!r}")
        description = case.inputs[key]
        h = digest(description)
        if h not in facts:
            facts[h] = inspect(build(description))
        return facts[h]

    return of
