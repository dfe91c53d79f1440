"""The pyttsx3 back-end (the system's voices; on Linux a fallback when libespeak-ng does not load),
tested with the real engine: pyttsx3's espeak driver here. pyttsx3 keeps global driver state, so
it only ever runs in child processes (the render child, the voice listing), never in this one."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

import pytest

from access.config import Settings
from access.models import ConvertOptions
from access.services import convert, make_context, source_file
from converters.speech.engine import Voice
from converters.speech.pyttsx3_engine import list_voices, pyttsx3_voices, read_pcm, to_voices, voice_slug, wanted
from converters.speech.voices import plan_voices

LESSON = "# Cells\n\nThe cell is the basic unit of life.\n\n## Roots\n\nWater moves up through the roots.\n"


@pytest.mark.parametrize(("system_id", "slug"), [
    ("gmw/en-us", "en-us"),
    ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Speech\\Voices\\Tokens\\TTS_MS_EN-US_ZIRA_11.0",
     "tts_ms_en-us_zira_11.0"),
    ("com.apple.voice.compact.en-US.Samantha", "samantha"),
    ("com.apple.speech.synthesis.voice.Alex", "alex"),
])
def test_voice_ids_are_short_and_stable(system_id: str, slug: str) -> None:
    assert voice_slug(system_id) == slug


def test_system_voices_become_ours_with_unique_ids() -> None:
    voices = to_voices([{"id": "a/en", "name": "English", "languages": ["en_GB"], "gender": "Female"},
                        {"id": "b/en", "name": "English", "languages": ["en-GB"], "gender": None},
                        {"id": "c\\Zira", "name": "Zira", "languages": [], "gender": "Male"}])
    assert [v.id for v in voices] == ["pyttsx3:en", "pyttsx3:en-2", "pyttsx3:zira"]
    assert [v.language for v in voices] == ["en-gb", "en-gb", "und"]
    assert [v.gender for v in voices] == ["female", "", "male"] and voices[0].key == "a/en"


def test_which_platforms_offer_them() -> None:
    assert wanted("auto", espeak_loads=True, platform="win32") and wanted("auto", espeak_loads=True, platform="darwin")
    assert not wanted("auto", espeak_loads=True, platform="linux")
    assert wanted("auto", espeak_loads=False, platform="linux")
    assert wanted("on", espeak_loads=True, platform="linux") and not wanted("off", espeak_loads=False, platform="win32")


def test_reads_wav_and_aiff(tmp_path: Path) -> None:
    samples = struct.pack("<4h", 0, 1000, -1000, 32000)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:                       # stereo WAV: folded to mono
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(struct.pack("<8h", 0, 0, 1000, 1000, -1000, -1000, 32000, 32000))
    (tmp_path / "a.wav").write_bytes(buf.getvalue())
    assert read_pcm(tmp_path / "a.wav") == (samples, 16000)
    big = struct.pack(">4h", 0, 1000, -1000, 32000)      # AIFF is big-endian; 22050 Hz as an 80-bit float
    comm = struct.pack(">hIh", 1, 4, 16) + bytes.fromhex("400DAC44000000000000")
    ssnd = struct.pack(">II", 0, 0) + big
    body = b"AIFF" + b"COMM" + struct.pack(">I", len(comm)) + comm + b"SSND" + struct.pack(">I", len(ssnd)) + ssnd
    (tmp_path / "a.aiff").write_bytes(b"FORM" + struct.pack(">I", len(body)) + body)
    assert read_pcm(tmp_path / "a.aiff") == (samples, 22050)


@pytest.fixture(scope="module")
def system_voices() -> tuple:
    voices = pyttsx3_voices()
    assert voices, "pyttsx3 lists no voice (its espeak driver should work wherever espeak-ng is installed)"
    return voices


def test_lists_the_real_system_voices(system_voices: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = {v.id for v in system_voices}
    assert {"pyttsx3:en", "pyttsx3:en-us", "pyttsx3:sw"} <= ids
    assert all(v.engine == "pyttsx3" for v in system_voices)
    import access.config

    monkeypatch.setattr(access.config, "get_settings", lambda: Settings(_env_file=None, speech_pyttsx3="on"))
    listed = list_voices()
    assert {v.id for v in listed} == ids
    monkeypatch.setattr(access.config, "get_settings", lambda: Settings(_env_file=None, speech_pyttsx3="off"))
    assert list_voices() == []


def test_a_book_asked_for_in_a_system_voice_is_spoken_by_it_alone(system_voices: tuple) -> None:
    espeak_like = [Voice(id="espeak:de", engine="espeak-ng", language="de", name="German"),
                   Voice(id="espeak:en", engine="espeak-ng", language="en", name="English")]
    plan = plan_voices([*espeak_like, *system_voices], "en", "pyttsx3:en-us", "espeak:en")
    assert plan.voice_for("en").id == "pyttsx3:en-us"
    assert plan.voice_for("de").engine == "pyttsx3" and plan.fallback.engine == "pyttsx3"


def _convert(settings: Settings, tmp_path: Path, voice: str | None, targets: list[str]) -> dict:
    (tmp_path / "cells.md").write_text(LESSON, encoding="utf-8")
    source = source_file(tmp_path / "cells.md", "cells.md", settings)
    result = convert(source, ConvertOptions(targets=targets, voice=voice), tmp_path / "out",
                     make_context(settings))
    return {"result": result, "mp3": next(a for a in result.artifacts if a.name.endswith(".mp3"))}


def test_converts_with_a_real_system_voice(tmp_path: Path, system_voices: tuple) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", speech_pyttsx3="on")
    done = _convert(settings, tmp_path, "pyttsx3:en-us", ["mp3", "daisy"])     # daisy: a talking book too
    mp3 = done["mp3"]
    assert mp3.metadata["voices"] == ["pyttsx3:en-us"]
    assert mp3.metadata["duration"] > 3 and [c["title"] for c in mp3.metadata["chapters"]] == ["Cells", "Roots"]
    assert all(gate["passed"] for gate in done["result"].gate.values()), done["result"].gate


def test_is_the_fallback_when_libespeak_ng_does_not_load(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", espeak_library="libespeak-ng-missing.so.1")
    done = _convert(settings, tmp_path, None, ["mp3"])
    mp3 = done["mp3"]
    assert mp3.metadata["voices"] == ["pyttsx3:en"], mp3.metadata
    assert mp3.metadata["duration"] > 3
    assert all(gate["passed"] for gate in done["result"].gate.values()), done["result"].gate
