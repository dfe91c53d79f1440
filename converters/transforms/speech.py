"""The ``speech`` step: Document → spoken book (the script, the voice plan and one MP3 per chapter in
a temporary folder), which the mp3 and daisy writers read; and the installed voices (``access.voices``).

The conversion plan speaks a document once however many audio targets a job asks for, and calls
:func:`release` (the chapter files are deleted) as soon as the last of them is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from access.conversion import DOCUMENT, TransformSpec
from access.registry import VoiceInfo, VoiceSource

if TYPE_CHECKING:
    from access.context import Context
    from access.document import Document
    from access.models import ConvertOptions
    from converters.speech.book import SpokenBook

SPOKEN_BOOK = "spoken-book"


def speak(doc: Document, options: ConvertOptions, ctx: Context) -> SpokenBook:
    from converters.speech.book import spoken_book

    return spoken_book(doc, options, ctx)


def release(book: SpokenBook) -> None:
    book.release()


def list_voices() -> list[VoiceInfo]:
    """espeak-ng's voices and Piper's (for GET /v1/voices; pyttsx3 lists its own)."""
    from access.config import get_settings, plugin_settings
    from converters.speech.book import offered_voices
    from converters.speech.settings import SpeechSettings

    library = plugin_settings(SpeechSettings, get_settings()).espeak_library
    return [VoiceInfo(id=v.id, engine=v.engine, language=v.language, name=v.name, gender=v.gender, also=v.also)
            for v in offered_voices(library) if v.engine != "pyttsx3"]


TRANSFORM = TransformSpec("speech", DOCUMENT, SPOKEN_BOOK, speak, release,
                          description="Speaks the document once (espeak-ng; Piper or the system's voices when asked "
                                      "for): the spoken "
                                      "script, its voices and one MP3 per chapter, for the mp3 and daisy targets.")
VOICES = VoiceSource("espeak-ng", list_voices)
