"""Document → spoken book: the script, the voice plan, and one MP3 per chapter (in a temporary
folder) with every utterance's time.

The value of kind "spoken-book" that the ``speech`` step makes (``converters/transforms/speech.py``)
and the mp3 and daisy writers read; the conversion plan makes it once per job and releases it
(:meth:`SpokenBook.release` deletes the chapter files) when its last writer is done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from access.context import Context
from access.document import Document
from access.models import ConvertOptions
from converters.speech.engine import Voice
from converters.speech.render import Rendering, render
from converters.speech.script import Script, build_script
from converters.speech.settings import SpeechSettings
from converters.speech.voices import VoicePlan, plan_voices


@dataclass
class SpokenBook:
    document: Document             # what was spoken (the talking EPUB's metadata comes from it)
    script: Script
    plan: VoicePlan
    rendering: Rendering           # the chapter files live in rendering.workdir until release()
    script_seconds: float
    bitrate: int                   # kbps of the chapter files

    @property
    def warnings(self) -> list[str]:
        return self.rendering.warnings

    def chapter_marks(self) -> list[dict[str, float | str]]:
        """[{title, start, end}] in seconds from the start of the whole book."""
        offsets = self.rendering.offsets(self.script)
        return [{"title": c.title, "start": round(offsets[c.id], 3),
                 "end": round(offsets[c.id] + self.rendering.chapters[c.id].duration, 3)}
                for c in self.script.chapters]

    def facts(self) -> dict[str, object]:
        """What every audio artifact made from this book says about it."""
        return {"duration": round(self.rendering.duration, 3), "language": self.script.language,
                "voices": [v.id for v in self.rendering.voices], "words": self.script.spoken_words(),
                "warnings": list(self.warnings)}

    def release(self) -> None:
        """Delete the spoken chapter files."""
        if self.rendering.workdir is not None:
            self.rendering.workdir.cleanup()


@lru_cache(maxsize=8)
def installed_voices(espeak_library: str = "libespeak-ng.so.1", pyttsx3_mode: str = "auto") -> tuple[Voice, ...]:
    """Every voice this installation can speak with: espeak-ng's (when libespeak-ng loads through
    ctypes), Piper's when it is installed, and the system's through pyttsx3 when they are offered
    (``ACCESS_SPEECH_PYTTSX3``; on Linux by default only when libespeak-ng did not load)."""
    from access.errors import EngineUnavailable
    from converters.speech.espeak import espeak_engine
    from converters.speech.piper import piper_voices
    from converters.speech.pyttsx3_engine import pyttsx3_voices, wanted

    try:
        espeak = espeak_engine(espeak_library).voices()
    except EngineUnavailable:
        espeak = []
    system = pyttsx3_voices() if wanted(pyttsx3_mode, espeak_loads=bool(espeak)) else ()
    return (*espeak, *piper_voices(), *system)


def offered_voices(espeak_library: str) -> tuple[Voice, ...]:
    """:func:`installed_voices` with the pyttsx3 setting of this process (``GET /v1/voices``)."""
    from access.config import get_settings, plugin_settings

    return installed_voices(espeak_library, plugin_settings(SpeechSettings, get_settings()).speech_pyttsx3)


def spoken_book(doc: Document, options: ConvertOptions, ctx: Context, workdir: Path | None = None) -> SpokenBook:
    """Speak ``doc`` with the job's voice options; the chapter files go to a temporary folder inside
    ``workdir`` (default: the system's temporary folder)."""
    settings = ctx.plugin_settings(SpeechSettings)
    t0 = time.perf_counter()
    ctx.progress(0, "preparing the spoken script")
    script = build_script(doc, options.language)
    script_seconds = time.perf_counter() - t0
    voices = list(installed_voices(settings.espeak_library, settings.speech_pyttsx3))
    plan = plan_voices(voices, script.language, options.voice, settings.speech_fallback_voice)
    # Piper (onnxruntime) already uses every core: one engine process, or they fight over the CPU
    processes = 1 if plan.requested is not None and plan.requested.engine == "piper" else settings.speech_processes
    rendering = render(script, plan, rate=options.rate, pitch=options.pitch, bitrate=settings.audio_bitrate,
                       library=settings.espeak_library, processes=processes, workdir=workdir,
                       progress=lambda pct, stage: ctx.progress(5 + pct * 0.95, stage),
                       check_cancelled=ctx.check_cancelled)
    return SpokenBook(document=doc, script=script, plan=plan, rendering=rendering, script_seconds=script_seconds,
                      bitrate=settings.audio_bitrate)
