"""The one interface every speech engine implements (espeak-ng built in, Piper optional).

An engine turns a short text (a sentence, a heading, a table cell) into 16-bit mono PCM plus the
timings of the words it spoke, so that talking books can highlight text in step with the audio.
Engines are chosen by voice id: ``"espeak:sw"``, ``"piper:joe"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Voice:
    id: str                    # "espeak:sw" — what a job's voice= option names
    engine: str                # "espeak-ng" | "piper"
    language: str              # BCP 47, lower case: "sw", "en-us"
    name: str                  # "Swahili"
    gender: str = ""           # "male" | "female" | ""
    key: str = ""              # the engine's own name for it (espeak voice file "gmw/en", a Piper model)
    also: tuple[str, ...] = ()  # further languages it speaks, best first ("en" for en-gb)

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "engine": self.engine, "language": self.language, "name": self.name,
                "gender": self.gender, "also": list(self.also)}


@dataclass
class WordTiming:
    start: float               # seconds from the start of this synthesis
    end: float
    offset: int                # character offset of the word in the text that was spoken
    length: int


@dataclass
class Synthesis:
    pcm: bytes                 # signed 16-bit little-endian mono
    sample_rate: int
    words: list[WordTiming] = field(default_factory=list)
    marks: list[tuple[str, float]] = field(default_factory=list)   # SSML <mark name> → seconds
    sentences: list[tuple[int, float]] = field(default_factory=list)  # (character offset, seconds) of starts

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


class SpeechEngine(Protocol):
    """What the talking-book pipeline needs from a speech engine."""

    name: str
    sample_rate: int

    def voices(self) -> list[Voice]: ...

    def synthesize(self, text: str, voice: Voice, *, rate: int = 175, pitch: int = 50,
                   ssml: bool = False) -> Synthesis:
        """Speak ``text`` (plain, or SSML when ``ssml``) with ``voice`` at ``rate`` words per minute."""
        ...
