"""Inputs that hog a worker (issue 14) end with ``limit_exceeded``, found while reading.

Each input is generated here (tests/reliability/hostile.py), small on disk; each job runs in a
forked child as a worker runs it (the memory ceiling of access.limits applied, real readers and
auditors). Where the real size takes long to generate (a 1 GB PDF stream, an 889 MB zip member) the
test lowers the limit instead and uses an input past it: the same check, in seconds.
bench/hostile_inputs.py measures the real sizes (time, peak RSS); the figures are in README.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from access.config import Settings
from access.errors import AccessError
from access.limits import MB, job_limits
from tests.reliability import hostile

TIMEOUT = 120.0


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def _job(path: Path, mode: str, targets: list[str], values: dict[str, object]) -> str:
    return hostile.run_as_worker(path, mode, targets, settings(**values), validation="off")


def _child(work: Callable[[], str], conn: multiprocessing.connection.Connection) -> None:
    try:
        conn.send(work())
    except BaseException as exc:          # report anything else, as the worker would log it
        conn.send(f"crash: {type(exc).__name__}: {exc}")


def in_child(work: Callable[[], str]) -> str:
    """Run ``work`` in a forked child (its own memory ceiling, killed after TIMEOUT)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(work, child), daemon=True)
    proc.start()
    child.close()
    outcome = parent.recv() if parent.poll(TIMEOUT) else "hang"
    if proc.is_alive():
        proc.kill()
    proc.join(5)
    return str(outcome)


def run_job(path: Path, mode: str, targets: list[str] | None = None, **values: object) -> str:
    return in_child(lambda: _job(path, mode, targets or ["html"], values))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("mode", ["audit", "convert"])
def test_pdf_content_stream_that_inflates_past_the_limit(folder: Path, mode: str) -> None:
    path = folder / "stream.pdf"
    if not path.exists():
        hostile.pdf_with_big_stream(path, inflated=48 * MB)
    outcome = run_job(path, mode, max_stream_bytes=32 * MB)
    assert outcome.startswith("limit_exceeded") and "ACCESS_MAX_STREAM_BYTES" in outcome, outcome
    # under a limit it fits, the same file is read (its drawing-heavy page not searched for tables)
    assert run_job(path, mode, max_stream_bytes=64 * MB) == "ok"


@pytest.mark.parametrize("mode", ["audit", "convert"])
def test_ten_thousand_nested_tables(folder: Path, mode: str) -> None:
    path = hostile.html_nested_tables(folder / "tables.html")
    outcome = run_job(path, mode)
    assert outcome.startswith("limit_exceeded") and "deep" in outcome, outcome


def test_nested_tables_within_the_depth_limit_convert_quickly(folder: Path) -> None:
    """The cause of the hang: each table walked every row of the tables nested in it (2^depth)."""
    path = hostile.html_nested_tables(folder / "forty.html", depth=40)
    assert run_job(path, "convert") == "ok"


@pytest.mark.parametrize("mode", ["audit", "convert"])
def test_a_million_paragraphs(folder: Path, mode: str) -> None:
    path = folder / "paragraphs.html"
    if not path.exists():
        hostile.html_many_paragraphs(path)
    outcome = run_job(path, mode)
    assert outcome.startswith("limit_exceeded") and "elements" in outcome, outcome


def test_one_megabyte_line_of_text_for_speech_and_easy_read(folder: Path) -> None:
    path = hostile.text_long_line(folder / "line.txt")
    outcome = run_job(path, "convert", ["mp3", "easy-read"])
    assert outcome.startswith("limit_exceeded") and "ACCESS_MAX_PARAGRAPH_CHARS" in outcome, outcome


def test_a_long_paragraph_in_another_format_is_refused_after_reading(folder: Path) -> None:
    path = folder / "long.html"
    path.write_text("<!doctype html><html lang='en'><title>Long</title><p>" + "word " * 30_000 + "</p></html>")
    outcome = run_job(path, "convert", ["easy-read"], max_paragraph_chars=100_000)
    assert outcome.startswith("limit_exceeded") and "paragraph" in outcome, outcome


def test_zip_of_nineteen_thousand_pages(folder: Path) -> None:
    path = hostile.zip_many_members(folder / "pages.zip")
    outcome = run_job(path, "audit")
    assert outcome.startswith("limit_exceeded") and "ACCESS_MAX_ZIP_MEMBERS" in outcome, outcome


def test_zip_holding_a_huge_html_page(folder: Path) -> None:
    path = hostile.zip_huge_member(folder / "big.zip", size=80 * MB)
    assert path.stat().st_size < 3 * MB
    outcome = run_job(path, "audit")
    assert outcome.startswith("limit_exceeded") and "ACCESS_MAX_MEMBER_BYTES" in outcome, outcome


def _allocate(limit: int, size: int) -> str:
    s = settings(job_memory_limit=limit)
    try:
        with job_limits(s):
            block = bytearray(size)
            return f"allocated {len(block)}"
    except AccessError as exc:
        return f"{exc.code}: {exc.message}"


def test_memory_ceiling_turns_an_allocation_past_it_into_limit_exceeded() -> None:
    outcome = in_child(lambda: _allocate(1024 * MB, 1536 * MB))
    assert outcome.startswith("limit_exceeded") and "ACCESS_JOB_MEMORY_LIMIT" in outcome, outcome
    # under the ceiling the process works as usual
    assert in_child(lambda: _allocate(1024 * MB, 64 * MB)) == f"allocated {64 * MB}"
