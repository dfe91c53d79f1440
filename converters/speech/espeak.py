"""espeak-ng through ctypes on libespeak-ng, in synchronous mode.

Synchronous mode hands every block of samples to a callback together with the events of that block:
word starts (character position + audio position), sentence ends and SSML ``<mark>`` names. That is
what sentence- and word-level media overlays need, and it runs at about 1,000× real time here
(FIELD-NOTES). The ``espeak-ng`` command line gives no timings, and pyttsx3 neither (and may return
before its file is written), so neither is used.

libespeak-ng keeps global state: one engine per process, calls serialised by a lock. The talking-book
pipeline runs it in a child process (see ``render.py``) so that a crash cannot take a worker down.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import threading
from functools import lru_cache

from access.errors import EngineFailed, EngineUnavailable
from converters.speech.engine import Synthesis, Voice, WordTiming

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000
POS_CHARACTER = 1
CHARS_UTF8 = 1
FLAG_SSML = 0x10
PARAM_RATE, PARAM_PITCH = 1, 3
EVENT_LIST_TERMINATED, EVENT_WORD, EVENT_SENTENCE, EVENT_MARK = 0, 1, 2, 3
MIN_RATE, MAX_RATE = 80, 450
GENDERS = {1: "male", 2: "female"}


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int), ("length", ctypes.c_int),
                ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EventId)]


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_void_p), ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.POINTER(_Event))


def _languages(ptr: int | None) -> list[tuple[int, str]]:
    """espeak_VOICE.languages: (priority byte, NUL-terminated name) pairs, ended by a 0 byte."""
    out: list[tuple[int, str]] = []
    if not ptr:
        return out
    pos = ptr
    while (priority := ctypes.string_at(pos, 1)[0]) != 0:
        name = ctypes.string_at(pos + 1)
        out.append((priority, name.decode("utf-8", "replace").lower()))
        pos += 2 + len(name)
    return out


def word_timings(text: str, events: list[tuple[int, float]], duration: float) -> list[WordTiming]:
    """One timing per word of ``text`` from espeak's word events ``(1-based char position, seconds)``.

    espeak reports several events for one written word when it expands it ("1,234" → four); they
    are folded into the word that contains their position."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = [t[0] for t in tokens]
    kept: list[tuple[int, float]] = []
    for position, seconds in events:
        index = bisect.bisect_right(starts, position - 1) - 1
        if index < 0 or (kept and kept[-1][0] >= index):
            continue
        kept.append((index, seconds))
    timings: list[WordTiming] = []
    for n, (index, seconds) in enumerate(kept):
        end = kept[n + 1][1] if n + 1 < len(kept) else duration
        start, stop = tokens[index]
        timings.append(WordTiming(start=seconds, end=max(end, seconds), offset=start, length=stop - start))
    return timings


class EspeakEngine:
    """libespeak-ng in synchronous mode; see the module docstring."""

    name = "espeak-ng"

    def __init__(self, library: str = "libespeak-ng.so.1") -> None:
        try:
            self._lib = ctypes.CDLL(library)
        except OSError as exc:
            raise EngineUnavailable(f"espeak-ng is not installed ({library}: {exc}). "
                                    "Install the Debian package libespeak-ng1.") from exc
        self._lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        self._lib.espeak_Initialize.restype = ctypes.c_int
        rate = self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise EngineFailed("espeak-ng could not start (espeak_Initialize failed).")
        self.sample_rate = rate
        self._lock = threading.Lock()
        self._pcm: list[bytes] = []
        self._events: list[tuple[int, int, int, str]] = []
        self._callback = _Callback(self._on_audio)      # keep a reference: C holds the pointer
        self._lib.espeak_SetSynthCallback(self._callback)
        self._voice: str | None = None
        self._rate: int | None = None
        self._pitch: int | None = None

    def _on_audio(self, wav: ctypes._Pointer, samples: int, events: ctypes._Pointer) -> int:
        if samples > 0:
            self._pcm.append(ctypes.string_at(wav, samples * 2))
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type in (EVENT_WORD, EVENT_SENTENCE):
                self._events.append((ev.type, ev.text_position, ev.audio_position, ""))
            elif ev.type == EVENT_MARK and ev.id.name:
                self._events.append((ev.type, ev.text_position, ev.audio_position,
                                     ev.id.name.decode("utf-8", "replace")))
            i += 1
        return 0

    def voices(self) -> list[Voice]:
        found: list[Voice] = []
        with self._lock:
            table = self._lib.espeak_ListVoices(None)
            i = 0
            while table[i]:
                v = table[i].contents
                identifier = (v.identifier or b"").decode()
                if identifier.startswith("mb/"):       # MBROLA voices need databases we do not ship
                    i += 1
                    continue
                languages = [lang for _, lang in _languages(v.languages)]
                if languages:
                    slug = identifier.rsplit("/", 1)[-1].lower()
                    found.append(Voice(id=f"espeak:{slug}", engine=self.name, language=languages[0],
                                       name=(v.name or b"").decode("utf-8", "replace"),
                                       gender=GENDERS.get(v.gender, ""), key=identifier,
                                       also=tuple(languages[1:])))
                i += 1
        return sorted(found, key=lambda v: v.id)

    def _configure(self, voice: Voice, rate: int, pitch: int) -> None:
        name = voice.key or voice.id.split(":", 1)[1]
        if name != self._voice:
            if self._lib.espeak_SetVoiceByName(name.encode()) != 0:
                raise EngineFailed(f"espeak-ng has no voice {name!r}.")
            self._voice = name
            self._rate = self._pitch = None          # a voice change resets the parameters
        rate = min(max(rate, MIN_RATE), MAX_RATE)
        if rate != self._rate:
            self._lib.espeak_SetParameter(PARAM_RATE, rate, 0)
            self._rate = rate
        if pitch != self._pitch:
            self._lib.espeak_SetParameter(PARAM_PITCH, pitch, 0)
            self._pitch = pitch

    def synthesize(self, text: str, voice: Voice, *, rate: int = 175, pitch: int = 50,
                   ssml: bool = False) -> Synthesis:
        data = text.encode("utf-8")
        with self._lock:
            self._configure(voice, rate, pitch)
            self._pcm, self._events = [], []
            flags = CHARS_UTF8 | (FLAG_SSML if ssml else 0)
            status = self._lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, flags, None, None)
            if status != 0:
                raise EngineFailed(f"espeak-ng failed to speak a passage (status {status}).")
            pcm, events = b"".join(self._pcm), self._events
            self._pcm, self._events = [], []
        result = Synthesis(pcm=pcm, sample_rate=self.sample_rate)
        result.marks = [(name, ms / 1000) for kind, _, ms, name in events if kind == EVENT_MARK]
        result.sentences = [(max(pos - 1, 0), ms / 1000) for kind, pos, ms, _ in events if kind == EVENT_SENTENCE]
        if not ssml:
            result.words = word_timings(text, [(pos, ms / 1000) for kind, pos, ms, _ in events
                                               if kind == EVENT_WORD], result.duration)
        return result


@lru_cache(maxsize=4)
def espeak_engine(library: str = "libespeak-ng.so.1") -> EspeakEngine:
    """The process's one espeak-ng engine (libespeak-ng keeps global state)."""
    return EspeakEngine(library)
