"""The system's own voices through pyttsx3 (``voice=pyttsx3:<id>``): SAPI5 on Windows,
NSSpeechSynthesizer on macOS (often better than espeak-ng for a desktop install), and on Linux
pyttsx3's espeak driver, a fallback for when libespeak-ng cannot be loaded through ctypes.

pyttsx3 writes each passage to a file (WAV; AIFF on macOS) and gives no word timings, so talking
books made with it are synchronised sentence by sentence. Its espeak driver may return from
``runAndWait()`` before the file is written (FIELD-NOTES): the engine waits for espeak to finish
and then checks the file it hands over, and fails with ``engine_failed`` rather than return silence.
The driver also prints to standard output, which is the render child's result channel: it is sent
to standard error instead.

Which voices are offered (``ACCESS_SPEECH_PYTTSX3``): ``auto`` (default) lists them on Windows and
macOS, and on Linux only when libespeak-ng cannot be loaded (pyttsx3 then reaches espeak its own
way); ``on`` always; ``off`` never. They are listed by a short-lived child process, so that neither
pyttsx3's driver nor its hold on libespeak ever lives in a worker or the API.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import struct
import subprocess
import sys
import tempfile
import time
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any

from access.errors import EngineFailed, EngineUnavailable
from access.registry import VoiceInfo, VoiceSource
from converters.speech.engine import Synthesis, Voice
from converters.speech.voices import normalise_tag

ENGINE = "pyttsx3"
log = logging.getLogger(__name__)
FILE_WAIT_SECONDS = 5.0           # how long a written passage may take to appear complete on disk
ATTEMPTS = 3                      # a passage the driver lost is spoken again this many times at most
LIST_TIMEOUT = 60.0


def voice_slug(system_id: str) -> str:
    """The short, stable name of a system voice: ``gmw/en-us`` → ``en-us``,
    ``HKEY_…\\Tokens\\TTS_MS_EN-US_ZIRA_11.0`` → ``tts_ms_en-us_zira_11.0``,
    ``com.apple.voice.compact.en-US.Samantha`` → ``samantha``."""
    last = re.split(r"[\\/]", system_id.strip())[-1]
    if last.lower().startswith("com.apple."):
        last = last.rsplit(".", 1)[-1]
    return re.sub(r"[^a-z0-9._-]+", "-", last.lower()).strip("-") or "voice"


def to_voices(system: list[dict[str, Any]]) -> list[Voice]:
    """pyttsx3's voices (id, name, languages, gender) as ours, ids made unique."""
    found: list[Voice] = []
    used: set[str] = set()
    for item in system:
        slug = voice_slug(str(item["id"]))
        unique, n = slug, 2
        while unique in used:
            unique, n = f"{slug}-{n}", n + 1
        used.add(unique)
        languages = [normalise_tag(str(lang)) for lang in item.get("languages") or [] if lang]
        languages = [lang for lang in languages if lang and lang != "unknown"]
        gender = str(item.get("gender") or "").lower()
        found.append(Voice(id=f"{ENGINE}:{unique}", engine=ENGINE, language=languages[0] if languages else "und",
                           name=f"{item.get('name') or unique} (system voice)",
                           gender=gender if gender in ("male", "female") else "", key=str(item["id"]),
                           also=tuple(languages[1:])))
    return sorted(found, key=lambda v: v.id)


# ----------------------------------------------------------------------------- reading what it wrote


def read_pcm(path: Path) -> tuple[bytes, int]:
    """16-bit mono PCM and its sample rate from a WAV or AIFF(-C) file."""
    with path.open("rb") as fh:
        head = fh.read(12)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        with wave.open(str(path), "rb") as wav:
            return _mono16(wav.readframes(wav.getnframes()), wav.getsampwidth(), wav.getnchannels(),
                           big_endian=False), wav.getframerate()
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return _read_aiff(path.read_bytes())
    raise EngineFailed(f"pyttsx3 wrote a file that is neither WAV nor AIFF ({head[:12]!r}).")


def _read_aiff(data: bytes) -> tuple[bytes, int]:
    """AIFF and AIFF-C (uncompressed ``NONE``/``twos`` big-endian, ``sowt`` little-endian)."""
    pos, channels, width, rate, big_endian, sound = 12, 1, 2, 0, True, b""
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], struct.unpack(">I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if kind == b"COMM":
            channels, _, bits = struct.unpack(">hIh", body[:8])
            width, rate = (bits + 7) // 8, int(_extended(body[8:18]))
            if len(body) >= 22:
                codec = body[18:22]
                if codec not in (b"NONE", b"twos", b"sowt"):
                    raise EngineFailed(f"pyttsx3 wrote compressed AIFF-C audio ({codec!r}).")
                big_endian = codec != b"sowt"
        elif kind == b"SSND":
            offset = struct.unpack(">I", body[:4])[0]
            sound = body[8 + offset:]
        pos += 8 + size + (size & 1)
    if not rate:
        raise EngineFailed("pyttsx3 wrote an AIFF file without a COMM chunk.")
    return _mono16(sound, width, channels, big_endian=big_endian), rate


def _extended(b: bytes) -> float:
    """An 80-bit IEEE 754 extended float (AIFF's sample rate)."""
    exponent, mantissa = struct.unpack(">HQ", b)
    sign = -1 if exponent & 0x8000 else 1
    exponent &= 0x7FFF
    return 0.0 if exponent == mantissa == 0 else sign * math.ldexp(mantissa, exponent - 16383 - 63)


def _mono16(frames: bytes, width: int, channels: int, *, big_endian: bool) -> bytes:
    import audioop  # deprecated in 3.11, removed in 3.13 (audioop-lts brings it back there)

    frames = frames[:len(frames) - len(frames) % (width * channels)]
    if big_endian and width > 1:
        frames = audioop.byteswap(frames, width)
    if width == 1:                              # 8-bit WAV is unsigned
        frames = audioop.bias(frames, 1, -128)
    if width != 2:
        frames = audioop.lin2lin(frames, width, 2)
    if channels == 2:
        frames = audioop.tomono(frames, 2, 0.5, 0.5)
    elif channels > 2:
        raise EngineFailed(f"pyttsx3 wrote {channels}-channel audio.")
    return frames


# ----------------------------------------------------------------------------- the engine


class Pyttsx3Engine:
    """One pyttsx3 engine per process (it keeps global driver state); used by the render child."""

    name = ENGINE
    sample_rate = 22050               # what the drivers write; a different rate is resampled by the caller

    def __init__(self) -> None:
        try:
            import pyttsx3
        except ImportError as exc:
            raise EngineUnavailable("pyttsx3 is not installed.") from exc
        try:
            with contextlib.redirect_stdout(sys.stderr):
                self._engine = pyttsx3.init()
        except Exception as exc:         # no driver for this system, or espeak missing
            raise EngineUnavailable(f"pyttsx3 has no working speech driver here ({exc}).") from exc
        self._folder = tempfile.TemporaryDirectory(prefix="access-pyttsx3-")
        self._count = 0
        self._suffix = ".aiff" if sys.platform == "darwin" else ".wav"

    def voices(self) -> list[Voice]:
        return to_voices(_system_voices(self._engine))

    def synthesize(self, text: str, voice: Voice, *, rate: int = 175, pitch: int = 50,
                   ssml: bool = False) -> Synthesis:
        """Speak ``text`` into a file and read it back; a passage the driver lost (it returned and
        no file came) is spoken again, up to ``ATTEMPTS`` times, never replaced by silence."""
        problem = ""
        for _ in range(ATTEMPTS):
            self._count += 1
            path = Path(self._folder.name) / f"passage-{self._count}{self._suffix}"
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    self._engine.setProperty("voice", voice.key or voice.id.split(":", 1)[1])
                    self._engine.setProperty("rate", int(rate))
                    self._engine.save_to_file(text, str(path))
                    self._engine.runAndWait()
                    self._wait_for_driver()
            except (RuntimeError, ValueError, OSError) as exc:
                raise EngineFailed(f"pyttsx3 could not speak with {voice.id}: {exc}") from exc
            try:
                pcm, sample_rate = self._written(path)
            except EngineFailed as exc:
                problem = exc.message
                log.warning("pyttsx3 lost a passage (%s); speaking it again", problem)
                continue
            return Synthesis(pcm=pcm, sample_rate=sample_rate)
        raise EngineFailed(f"{problem} (tried {ATTEMPTS} times)")

    def _wait_for_driver(self) -> None:
        """The espeak driver can hand back before espeak has finished: wait for it (FIELD-NOTES)."""
        espeak = sys.modules.get("pyttsx3.drivers._espeak")
        if espeak is not None and type(self._engine.proxy._driver).__name__ == "EspeakDriver":
            espeak.Synchronize()

    def _written(self, path: Path) -> tuple[bytes, int]:
        """The passage's audio, once the file is there and whole; never silence in its place."""
        deadline = time.monotonic() + FILE_WAIT_SECONDS
        last: Exception | None = None
        while time.monotonic() < deadline:
            if path.is_file() and path.stat().st_size > 44:
                try:
                    pcm, rate = read_pcm(path)
                except (EOFError, wave.Error, struct.error, EngineFailed) as exc:   # still being written
                    last = exc
                else:
                    if pcm:
                        path.unlink(missing_ok=True)
                        return pcm, rate
            time.sleep(0.02)
        raise EngineFailed(f"pyttsx3 returned without writing the passage's audio ({path.name})"
                           + (f": {last}" if last else "."))


def _system_voices(engine: Any) -> list[dict[str, Any]]:
    with contextlib.redirect_stdout(sys.stderr):
        voices = engine.getProperty("voices") or []
    return [{"id": v.id, "name": v.name, "languages": [str(lang) for lang in (v.languages or [])],
             "gender": v.gender} for v in voices]


# ----------------------------------------------------------------------------- which voices are offered


def wanted(mode: str, espeak_loads: bool, platform: str = sys.platform) -> bool:
    """Whether pyttsx3's voices are offered (see the module docstring)."""
    if mode == "off":
        return False
    if mode == "on":
        return True
    return not platform.startswith("linux") or not espeak_loads


@lru_cache(maxsize=1)
def pyttsx3_voices() -> tuple[Voice, ...]:
    """The system voices pyttsx3 offers, listed by a child process once per process; none when
    pyttsx3 has no working driver here."""
    try:
        done = subprocess.run([sys.executable, "-m", "converters.speech.pyttsx3_engine"], capture_output=True,
                              timeout=LIST_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    if done.returncode != 0:
        return ()
    try:
        return tuple(to_voices(json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])))
    except (ValueError, IndexError, KeyError):
        return ()


def list_voices() -> list[VoiceInfo]:
    """``access.voices`` entry point: the pyttsx3 voices this installation offers (GET /v1/voices)."""
    from access.config import get_settings, plugin_settings
    from converters.speech.book import offered_voices
    from converters.speech.settings import SpeechSettings

    library = plugin_settings(SpeechSettings, get_settings()).espeak_library
    return [VoiceInfo(id=v.id, engine=v.engine, language=v.language, name=v.name, gender=v.gender, also=v.also)
            for v in offered_voices(library) if v.engine == ENGINE]


VOICES = VoiceSource(ENGINE, list_voices)


def _print_system_voices() -> int:
    try:
        import pyttsx3

        with contextlib.redirect_stdout(sys.stderr):
            engine = pyttsx3.init()
        sys.stdout.write(json.dumps(_system_voices(engine)) + "\n")
    except Exception as exc:
        sys.stderr.write(f"pyttsx3: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_print_system_voices())
