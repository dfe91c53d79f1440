"""Fixtures of the audio tests: small real documents, spoken once per session with the real espeak-ng."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from access.config import Settings
from access.models import ConversionResult, ConvertOptions
from access.services import convert, make_context, source_file
from tests.converters.audio.audio_docs import build_docx


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("audio-data"), speech_processes=2)


@pytest.fixture(scope="session")
def docx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_docx(tmp_path_factory.mktemp("audio-docx") / "audio-course.docx")


@pytest.fixture(scope="session")
def speech_folders() -> dict[str, list[str]]:
    """The spoken book's temporary folders present when each step of ``docx_result`` started."""
    return {}


@pytest.fixture(scope="session")
def docx_result(docx_file: Path, settings: Settings, speech_folders: dict[str, list[str]],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConversionResult]:
    """The three-heading DOCX read by the docx reader and converted to mp3 and daisy, gates included."""
    outdir = tmp_path_factory.mktemp("audio-out")
    scratch = tmp_path_factory.mktemp("audio-tmp")

    def progress(percent: float, stage: str) -> None:
        if stage.endswith(": starting"):
            speech_folders[stage.removesuffix(": starting")] = [p.name for p in scratch.glob("access-speech-*")]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(scratch))      # the speech step's folder goes here
        result = convert(source_file(docx_file, settings=settings), ConvertOptions(targets=["mp3", "daisy"]),
                         outdir, make_context(settings, progress=progress))
    yield result
