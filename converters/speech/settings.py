"""Settings of speech and audio (the ``speech`` step, the mp3 and daisy targets, the voice listing):
``ACCESS_ESPEAK_LIBRARY``, ``ACCESS_SPEECH_FALLBACK_VOICE``, ``ACCESS_SPEECH_PROCESSES``,
``ACCESS_AUDIO_BITRATE``, ``ACCESS_AUDIO_SPLIT_SECONDS``, ``ACCESS_AUDIO_WORD_SYNC``,
``ACCESS_SPEECH_PYTTSX3``."""

from __future__ import annotations

from pydantic import Field

from access.config import PluginSettings


class SpeechSettings(PluginSettings):
    espeak_library: str = Field("libespeak-ng.so.1", description="libespeak-ng shared library (ctypes).")
    speech_fallback_voice: str = Field(
        "espeak:en", description="Voice for text in a language no installed voice speaks (a warning says so).")
    speech_processes: int = Field(2, ge=1, description="Child processes that speak and encode chapters.")
    audio_bitrate: int = Field(64, ge=8, le=160, description="MP3 bit rate (kbps, mono).")
    audio_split_seconds: float = Field(
        1800.0, description="Books longer than this also get one MP3 per top-level section + M3U, zipped.")
    audio_word_sync: bool = Field(True, description="Talking books highlight words as well as sentences.")
    speech_pyttsx3: str = Field(
        "auto", pattern="^(auto|on|off)$",
        description="System voices through pyttsx3: auto (Windows and macOS; on Linux only when libespeak-ng "
                    "cannot be loaded), on, off.")
