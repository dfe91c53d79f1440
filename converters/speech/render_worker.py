"""The child process that speaks and encodes chapters: ``python -m converters.speech.render_worker``.

Reads one JSON job on standard input, writes one JSON line per finished chapter on standard output.
Each chapter is synthesised segment by segment and streamed through the MP3 encoder to its file, so
memory stays bounded whatever the book's length. Running here rather than in the worker means a
crashing engine ends this process, not the worker (``render.py`` turns that into engine_failed).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import lameenc

from access.errors import AccessError, EngineFailed
from converters.speech.audiofile import CODEC_DELAY_SAMPLES, mp3_info
from converters.speech.engine import SpeechEngine, Voice


def load_engine(name: str, job: dict[str, Any], cache: dict[str, SpeechEngine]) -> SpeechEngine:
    if name not in cache:
        if name == "espeak-ng":
            from converters.speech.espeak import EspeakEngine
            cache[name] = EspeakEngine(job.get("library") or "libespeak-ng.so.1")
        elif name == "piper":
            from converters.speech.piper import PiperEngine
            cache[name] = PiperEngine()
        elif name == "pyttsx3":
            from converters.speech.pyttsx3_engine import Pyttsx3Engine
            cache[name] = Pyttsx3Engine()
        else:
            raise EngineFailed(f"Unknown speech engine {name!r}.")
    return cache[name]


def peak_memory_mb() -> float:
    """This process's peak resident memory since exec (VmHWM; ru_maxrss would count the forked parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def render_chapter(chapter: dict[str, Any], job: dict[str, Any], engines: dict[str, SpeechEngine],
                   sample_rate: int) -> dict[str, Any]:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(int(job.get("bitrate", 64)))
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(int(job.get("quality", 7)))   # 7: fast; no audible loss for speech at 64 kbps
    samples = 0
    clips: list[list[Any]] = []
    synth_s = encode_s = synth_cpu = encode_cpu = 0.0
    path = Path(chapter["path"])
    with path.open("wb") as out:
        for seg in chapter["segments"]:
            voice = Voice(**seg["voice"])
            engine = load_engine(voice.engine, job, engines)
            t0, c0 = time.perf_counter(), time.process_time()
            result = engine.synthesize(seg["spoken"], voice, rate=int(job["rate"]), pitch=int(job["pitch"]))
            pcm = result.pcm
            if result.sample_rate != sample_rate:        # engines of one book differ in rate: resample
                import audioop  # deprecated in 3.11, still the simplest linear resampler in the stdlib

                pcm, _ = audioop.ratecv(pcm, 2, 1, result.sample_rate, sample_rate, None)
            t1, c1 = time.perf_counter(), time.process_time()
            start = samples
            silence = bytes(2 * int(sample_rate * seg["pause"] / 1000))
            out.write(encoder.encode(pcm + silence) if pcm or silence else b"")
            samples += (len(pcm) + len(silence)) // 2
            encode_s += time.perf_counter() - t1
            encode_cpu += time.process_time() - c1
            synth_s += t1 - t0
            synth_cpu += c1 - c0
            begin = (start + CODEC_DELAY_SAMPLES) / sample_rate
            end = (start + CODEC_DELAY_SAMPLES + len(pcm) // 2) / sample_rate
            words = [[round(begin + w.start, 3), round(begin + w.end, 3), w.offset, w.length]
                     for w in result.words]
            clips.append([seg["id"], round(begin, 3), round(end, 3), words])
        if not chapter["segments"]:                       # nothing to say: half a second of silence
            out.write(encoder.encode(bytes(sample_rate)))
        t1, c1 = time.perf_counter(), time.process_time()
        out.write(encoder.flush())
        encode_s += time.perf_counter() - t1
        encode_cpu += time.process_time() - c1
    info = mp3_info(path)
    if info.frames == 0:
        raise EngineFailed(f"The encoder wrote no audio for chapter {chapter['id']}.")
    return {"chapter": chapter["id"], "duration": info.duration, "frames": info.frames,
            "samples": samples, "clips": clips, "synth_s": synth_s, "encode_s": encode_s,
            "synth_cpu": synth_cpu, "encode_cpu": encode_cpu, "peak_mb": peak_memory_mb()}


def exit_with_parent(parent: int) -> None:
    """End this process if the worker that started it is gone (e.g. killed at its hard time limit)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def main() -> int:
    exit_with_parent(os.getppid())
    job = json.loads(sys.stdin.read())
    engines: dict[str, SpeechEngine] = {}
    try:
        first = job["chapters"][0]["segments"][0]["voice"] if job["chapters"] else None
        sample_rate = load_engine(first["engine"], job, engines).sample_rate if first else 22050
        for chapter in job["chapters"]:
            line = render_chapter(chapter, job, engines, sample_rate)
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()
    except AccessError as exc:
        sys.stdout.write(json.dumps({"error": {"code": exc.code, "message": exc.message}}) + "\n")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
