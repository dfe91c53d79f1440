"""The "daisy" target: from the spoken book, a DAISY 2.02 talking book (``<name>-daisy202.zip``,
``daisy202.py``) and an EPUB 3 talking book with media overlays (``<name>-talking.epub``,
``talking_epub.py``), both with the full text synchronised with the audio."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from access.conversion import OutputFolder, WriterSpec
from converters.transforms.speech import SPOKEN_BOOK

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions
    from converters.speech.book import SpokenBook


def write_talking_books(book: SpokenBook, folder: OutputFolder, options: ConvertOptions,
                        ctx: Context) -> list[ArtifactOut]:
    from access.models import ArtifactOut
    from converters.speech.settings import SpeechSettings
    from converters.writers.daisy202 import write_daisy202
    from converters.writers.talking_epub import write_talking_epub

    ctx.check_cancelled()
    common = {**book.facts(), "chapters": book.chapter_marks()}
    ctx.progress(10, "writing the DAISY 2.02 book")
    t0 = time.perf_counter()
    daisy_path = folder.file("-daisy202.zip")
    daisy_facts = write_daisy202(book, daisy_path)
    t1 = time.perf_counter()
    ctx.check_cancelled()
    ctx.progress(50, "writing the EPUB 3 talking book")
    epub_path = folder.file("-talking.epub")
    epub_facts = write_talking_epub(book, epub_path, ctx.plugin_settings(SpeechSettings).audio_word_sync)
    t2 = time.perf_counter()
    ctx.progress(100, "talking books written")
    return [ArtifactOut(name=daisy_path.name, media_type="application/zip", path=str(daisy_path),
                        metadata={**common, **daisy_facts, "timings": {"packaging": round(t1 - t0, 3)}}),
            ArtifactOut(name=epub_path.name, media_type="application/epub+zip", path=str(epub_path),
                        metadata={**common, **epub_facts, "timings": {"packaging": round(t2 - t1, 3)}})]


WRITER = WriterSpec("daisy", SPOKEN_BOOK, write_talking_books, queue="media",
                    description="Talking books with synchronised text: DAISY 2.02 (zip) and EPUB 3 with media "
                                "overlays.")
