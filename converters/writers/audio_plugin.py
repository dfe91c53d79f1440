"""Audio targets: "mp3" (chaptered MP3, plus per-section MP3s and an M3U playlist for long documents)
and "daisy" (a DAISY 2.02 talking book and an EPUB 3 talking book with media overlays), both on the
"media" queue, each with its quality gate; and the installed voices (``access.voices``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.conversion import DOCUMENT, GateSpec, WriterSpec
from access.registry import VoiceInfo, VoiceSource
from converters import legacy

if TYPE_CHECKING:
    from access.context import Context
    from access.document import Document
    from access.models import ArtifactOut, ConvertOptions


def write_mp3(doc: Document, outdir: Path, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    from converters.writers.mp3 import write_mp3 as write

    return write(doc, outdir, options, ctx)


def write_talking_books(doc: Document, outdir: Path, options: ConvertOptions,
                        ctx: Context) -> list[ArtifactOut]:
    """The "daisy" target: ``<name>-daisy202.zip`` and ``<name>-talking.epub`` from one spoken book."""
    from access.models import ArtifactOut
    from converters.speech.book import release, spoken_book
    from converters.writers.daisy import write_daisy202
    from converters.writers.talking_epub import write_talking_epub

    book = spoken_book(doc, options, ctx, outdir)
    ctx.check_cancelled()
    common = {"duration": round(book.rendering.duration, 3), "chapters": book.chapter_marks(),
              "language": book.script.language, "voices": [v.id for v in book.rendering.voices],
              "words": book.script.spoken_words(), "warnings": list(book.warnings)}
    ctx.progress(85, "writing the DAISY 2.02 book")
    t0 = time.perf_counter()
    daisy_path, daisy_facts = write_daisy202(book, outdir)
    t1 = time.perf_counter()
    ctx.check_cancelled()
    ctx.progress(90, "writing the EPUB 3 talking book")
    epub_path, epub_facts = write_talking_epub(doc, book, outdir, ctx.settings.audio_word_sync)
    t2 = time.perf_counter()
    release(ctx, options, "daisy")
    return [ArtifactOut(name=daisy_path.name, media_type="application/zip", path=str(daisy_path),
                        metadata={**common, **daisy_facts, "timings": {"packaging": round(t1 - t0, 3)}}),
            ArtifactOut(name=epub_path.name, media_type="application/epub+zip", path=str(epub_path),
                        metadata={**common, **epub_facts, "timings": {"packaging": round(t2 - t1, 3)}})]


def mp3_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    from converters.writers.audio_gates import mp3_gate as gate

    return gate(artifacts, options, ctx)


def daisy_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    from converters.writers.audio_gates import daisy_gate as gate

    return gate(artifacts, options, ctx)


def list_voices() -> list[VoiceInfo]:
    """Every installed voice (for GET /v1/voices)."""
    from access.config import get_settings
    from converters.speech.book import installed_voices

    return [VoiceInfo(id=v.id, engine=v.engine, language=v.language, name=v.name, gender=v.gender, also=v.also)
            for v in installed_voices(get_settings().espeak_library)]


MP3 = WriterSpec("mp3", DOCUMENT, legacy.writer(write_mp3), queue="media",
                 description="MP3 (64 kbps mono) with ID3 chapters per heading; long documents also one MP3 per "
                             "section and an M3U playlist, zipped.")
DAISY = WriterSpec("daisy", DOCUMENT, legacy.writer(write_talking_books), queue="media",
                   description="Talking books with synchronised text: DAISY 2.02 (zip) and EPUB 3 with media "
                               "overlays.")
MP3_GATE = GateSpec("mp3", legacy.gate("mp3", mp3_gate))
DAISY_GATE = GateSpec("daisy", legacy.gate("daisy", daisy_gate))
VOICES = VoiceSource("espeak-ng", list_voices)
