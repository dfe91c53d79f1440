"""The optional Piper voice (extra ``access[piper]``): used when installed and asked for with voice=;
otherwise the job says the voice is missing and reads with espeak-ng. Never downloads anything."""

from __future__ import annotations

from access.document import Document, Heading, Metadata, Paragraph, Span
from access.models import ConvertOptions
from access.services import make_context
from converters.speech.book import spoken_book
from converters.speech.piper import piper_voices


def test_piper_voice_is_used_when_installed(settings, tmp_path) -> None:
    doc = Document(metadata=Metadata(title="Piper", language="en"), blocks=[
        Heading(level=1, inlines=[Span(text="A natural voice")]),
        Paragraph(inlines=[Span(text="Some learners prefer a natural voice for long listening.")])])
    installed = [v.id for v in piper_voices()]
    wanted = installed[0] if installed else "piper:joe"
    book = spoken_book(doc, ConvertOptions(targets=["mp3"], voice=wanted), make_context(settings), tmp_path)
    used = [v.id for v in book.rendering.voices]
    if installed:
        assert used == [wanted] and not book.warnings
        assert 2.0 < book.rendering.duration < 15.0
    else:
        assert used == ["espeak:en"] and "not installed" in book.warnings[0]
