"""Bad input and failing engines: clear errors with stable codes; the calling process lives."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from access.config import Settings
from access.document import Document, Heading, Metadata, Paragraph, Span
from access.errors import Cancelled, EngineFailed, EngineUnavailable
from access.models import ConvertOptions
from access.services import convert, make_context, source_file
from converters.speech.book import spoken_book

WORKER = b"converters.speech.render_worker"


def long_document(chapters: int = 12) -> Document:
    blocks = []
    for n in range(chapters):
        blocks.append(Heading(level=1, inlines=[Span(text=f"Part {n + 1}")]))
        blocks += [Paragraph(inlines=[Span(text="A sentence that takes a moment to say aloud. " * 8)])] * 3
    return Document(metadata=Metadata(title="Long", language="en"), blocks=blocks)


def render_children() -> list[int]:
    """Process ids of this process's speech children (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and WORKER in cmdline and stat[0] != "Z":
            found.append(int(entry.name))
    return found


def test_a_crashing_engine_fails_with_engine_failed_and_the_caller_lives(settings, tmp_path) -> None:
    killed: list[int] = []

    def crash_engine() -> None:            # the engine process dies as a segfaulting engine would
        for pid in render_children():
            if pid not in killed:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    ctx = make_context(settings, check_cancelled=crash_engine)
    with pytest.raises(EngineFailed) as info:
        spoken_book(long_document(), ConvertOptions(targets=["mp3"]), ctx, tmp_path)
    assert info.value.code == "engine_failed" and "signal 9" in info.value.message
    assert killed and not render_children()
    assert not list(tmp_path.glob("access-speech-*"))    # working files removed


def test_a_missing_engine_is_reported_as_unavailable(settings, tmp_path) -> None:
    # without the pyttsx3 fallback (tests/converters/audio/test_pyttsx3.py has the case with it)
    ctx = make_context(Settings(data_dir=settings.data_dir, espeak_library="/nonexistent/libespeak-ng.so.1",
                                speech_pyttsx3="off"))
    doc = Document(metadata=Metadata(language="en"), blocks=[Paragraph(inlines=[Span(text="Hello.")])])
    with pytest.raises(EngineUnavailable) as info:
        spoken_book(doc, ConvertOptions(targets=["mp3"]), ctx, tmp_path)
    assert info.value.code == "engine_unavailable"


def test_cancelling_stops_the_engine_processes(settings, tmp_path) -> None:
    calls = []

    def cancel_soon() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise Cancelled()

    ctx = make_context(settings, check_cancelled=cancel_soon)
    with pytest.raises(Cancelled):
        spoken_book(long_document(), ConvertOptions(targets=["mp3"]), ctx, tmp_path)
    assert not render_children()


def test_a_language_without_voice_falls_back_and_warns_in_the_job(docx_file, settings, tmp_path) -> None:
    ctx = make_context(settings)
    options = ConvertOptions(targets=["mp3"], language="tlh", validation="off")
    result = convert(source_file(docx_file, settings=settings), options, tmp_path, ctx)
    assert any("'tlh'" in w and "espeak:en" in w for w in result.warnings), result.warnings
    assert result.artifacts[0].metadata["voices"] == ["espeak:en"]


def test_a_document_with_no_text_says_so(settings, tmp_path) -> None:
    from access.errors import EmptyFile

    ctx = make_context(settings)
    doc = Document(metadata=Metadata(source_format="pdf"), blocks=[])
    with pytest.raises(EmptyFile, match="OCR"):
        spoken_book(doc, ConvertOptions(targets=["mp3"]), ctx, tmp_path)
