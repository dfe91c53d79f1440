"""Document → spoken book: the script, the voices, and one MP3 per chapter with every utterance's time.

What the mp3 and daisy writers start from. One conversion job speaks its document once: the result is
kept in the job's context (``ctx.extra``) and reused by every audio target of that job.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from access.context import Context
from access.document import Document
from access.models import ConvertOptions
from converters.speech.engine import Voice
from converters.speech.render import Rendering, render
from converters.speech.script import Script, build_script
from converters.speech.voices import plan_voices

CACHE_KEY = "speech.books"


@dataclass
class SpokenBook:
    name: str                      # base name of the artifacts
    script: Script
    rendering: Rendering
    script_seconds: float

    @property
    def warnings(self) -> list[str]:
        return self.rendering.warnings

    def chapter_marks(self) -> list[dict[str, float | str]]:
        """[{title, start, end}] in seconds from the start of the whole book."""
        offsets = self.rendering.offsets(self.script)
        return [{"title": c.title, "start": round(offsets[c.id], 3),
                 "end": round(offsets[c.id] + self.rendering.chapters[c.id].duration, 3)}
                for c in self.script.chapters]


@lru_cache(maxsize=4)
def installed_voices(espeak_library: str = "libespeak-ng.so.1") -> tuple[Voice, ...]:
    """Every voice this installation can speak with: espeak-ng's, then Piper's when it is installed."""
    from converters.speech.espeak import espeak_engine
    from converters.speech.piper import piper_voices

    return (*espeak_engine(espeak_library).voices(), *piper_voices())


def artifact_name(doc: Document) -> str:
    """A safe base file name: the source file's stem, else the title, else "document"."""
    raw = Path(doc.metadata.source_name).stem if doc.metadata.source_name else (doc.metadata.title or "")
    ascii_only = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_only).strip("-").lower()[:60]
    return slug or "document"


def spoken_book(doc: Document, options: ConvertOptions, ctx: Context, outdir: Path) -> SpokenBook:
    """Speak ``doc`` (or reuse what this job already spoke with the same voice options)."""
    key = (id(doc), options.language, options.voice, options.rate, options.pitch)
    cache = ctx.extra.setdefault(CACHE_KEY, {})
    if key in cache:
        ctx.progress(80, "reusing the spoken audio")
        return cache[key]
    settings = ctx.settings
    t0 = time.perf_counter()
    ctx.progress(0, "preparing the spoken script")
    script = build_script(doc, options.language)
    script_seconds = time.perf_counter() - t0
    voices = list(installed_voices(settings.espeak_library))
    plan = plan_voices(voices, script.language, options.voice, settings.speech_fallback_voice)
    outdir.mkdir(parents=True, exist_ok=True)
    # Piper (onnxruntime) already uses every core: one engine process, or they fight over the CPU
    processes = 1 if plan.requested is not None and plan.requested.engine == "piper" else settings.speech_processes
    rendering = render(script, plan, rate=options.rate, pitch=options.pitch, bitrate=settings.audio_bitrate,
                       library=settings.espeak_library, processes=processes,
                       workdir=outdir, progress=lambda pct, stage: ctx.progress(5 + pct * 0.75, stage),
                       check_cancelled=ctx.check_cancelled)
    book = SpokenBook(name=artifact_name(doc), script=script, rendering=rendering,
                      script_seconds=script_seconds)
    cache[key] = book
    return book


AUDIO_TARGETS = ("mp3", "daisy")


def release(ctx: Context, options: ConvertOptions, target: str) -> None:
    """After the job's last audio target is written, delete the spoken chapters at once (rather than
    when the job's context is garbage-collected)."""
    wanted = [t.strip().lower() for t in options.targets if t.strip().lower() in AUDIO_TARGETS]
    if wanted and wanted[-1] != target:
        return
    for book in ctx.extra.pop(CACHE_KEY, {}).values():
        if book.rendering.workdir is not None:
            book.rendering.workdir.cleanup()
