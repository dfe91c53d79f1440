"""Script → one MP3 file per chapter, with the time of every utterance (and word) in it.

The speaking and encoding run in child processes (``render_worker.py``), chapters shared among
``speech_processes`` of them; this side feeds them, reports progress per chapter, checks for
cancellation between chapters and turns a child that dies into ``engine_failed`` — the worker lives.
The chapter files stay in a temporary folder (``Rendering.workdir``) until the spoken book is released.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from access.errors import EngineFailed, error_from_code
from converters.speech.engine import Voice
from converters.speech.script import Chapter, Script
from converters.speech.voices import VoicePlan

SPEECH_FOLDER_PREFIX = "access-speech-"     # the temporary folder of one rendering


@dataclass
class Clip:
    segment: str
    start: float
    end: float
    words: list[tuple[float, float, int, int]] = field(default_factory=list)


@dataclass
class ChapterAudio:
    chapter: str
    path: Path
    duration: float
    clips: dict[str, Clip]


@dataclass
class Rendering:
    chapters: dict[str, ChapterAudio]
    voices: list[Voice]
    warnings: list[str]
    timings: dict[str, float]
    workdir: tempfile.TemporaryDirectory[str] | None = None    # kept alive as long as the rendering

    @property
    def duration(self) -> float:
        return sum(c.duration for c in self.chapters.values())

    def offsets(self, script: Script) -> dict[str, float]:
        """Start of each chapter in the whole book (chapters played in script order)."""
        out: dict[str, float] = {}
        at = 0.0
        for chapter in script.chapters:
            out[chapter.id] = at
            at += self.chapters[chapter.id].duration
        return out


def chapter_job(chapter: Chapter, plan: VoicePlan, path: Path) -> dict[str, Any]:
    segments = []
    for seg in chapter.segments():
        if not seg.spoken.strip():
            continue
        voice = plan.voice_for(seg.lang)
        segments.append({"id": seg.id, "spoken": seg.spoken, "pause": seg.pause, "voice": {
            "id": voice.id, "engine": voice.engine, "language": voice.language, "name": voice.name,
            "gender": voice.gender, "key": voice.key, "also": list(voice.also)}})
    return {"id": chapter.id, "path": str(path), "segments": segments}


def share_out(jobs: list[dict[str, Any]], processes: int) -> list[list[dict[str, Any]]]:
    """Chapters split into ``processes`` groups of about equal text length (longest first)."""
    groups: list[list[dict[str, Any]]] = [[] for _ in range(max(1, min(processes, len(jobs))))]
    load = [0] * len(groups)
    weight = {id(j): sum(len(s["spoken"]) for s in j["segments"]) for j in jobs}
    for job in sorted(jobs, key=lambda j: -weight[id(j)]):
        k = load.index(min(load))
        groups[k].append(job)
        load[k] += weight[id(job)]
    return [g for g in groups if g]


class _Child:
    def __init__(self, payload: dict[str, Any], results: queue.Queue[Any]) -> None:
        self.stderr = tempfile.TemporaryFile()      # noqa: SIM115 - closed by kill(), outlives this call
        self.proc = subprocess.Popen([sys.executable, "-m", "converters.speech.render_worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)
        self.thread = threading.Thread(target=self._pump, args=(payload, results), daemon=True)
        self.thread.start()

    def _pump(self, payload: dict[str, Any], results: queue.Queue[Any]) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(payload).encode())
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        for line in self.proc.stdout:
            results.put(json.loads(line))
        code = self.proc.wait()
        results.put({"exit": code, "stderr": self._stderr_tail()})

    def _stderr_tail(self) -> str:
        try:
            self.stderr.seek(0)
            return self.stderr.read().decode("utf-8", "replace").strip()[-500:]
        except ValueError:           # already closed by kill()
            return ""

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.thread.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()


def render(script: Script, plan: VoicePlan, *, rate: int, pitch: int, bitrate: int = 64,
           library: str = "libespeak-ng.so.1", processes: int = 2, workdir: Path | None = None,
           progress: Any = None, check_cancelled: Any = None) -> Rendering:
    """Speak and encode every chapter of ``script``; see the module docstring."""
    tmp = tempfile.TemporaryDirectory(prefix=SPEECH_FOLDER_PREFIX, dir=workdir)
    base = Path(tmp.name)
    jobs = [chapter_job(c, plan, base / f"{c.id}.mp3") for c in script.chapters]
    total = len(jobs)
    common = {"library": library, "bitrate": bitrate, "rate": rate, "pitch": pitch}
    results: queue.Queue[Any] = queue.Queue()
    started = time.perf_counter()
    children = [_Child({**common, "chapters": group}, results) for group in share_out(jobs, processes)]
    done: dict[str, ChapterAudio] = {}
    timings = {"synthesis": 0.0, "encoding": 0.0, "synthesis_cpu": 0.0, "encoding_cpu": 0.0}
    running = len(children)
    try:
        while running:
            if check_cancelled is not None:
                check_cancelled()
            try:
                msg = results.get(timeout=0.25)
            except queue.Empty:
                continue
            if "error" in msg:
                raise error_from_code(msg["error"]["code"], msg["error"]["message"])
            if "exit" in msg:
                running -= 1
                if msg["exit"] != 0:
                    how = (f"was killed by signal {-msg['exit']}" if msg["exit"] < 0
                           else f"exited with status {msg['exit']}")
                    raise EngineFailed(f"The speech engine {how} after {len(done)} of {total} sections."
                                       + (f" {msg['stderr']}" if msg["stderr"] else ""))
                continue
            clips = {c[0]: Clip(c[0], c[1], c[2], [tuple(w) for w in c[3]]) for c in msg["clips"]}
            done[msg["chapter"]] = ChapterAudio(msg["chapter"], base / f"{msg['chapter']}.mp3",
                                                msg["duration"], clips)
            timings["synthesis"] += msg["synth_s"]
            timings["encoding"] += msg["encode_s"]
            timings["synthesis_cpu"] += msg["synth_cpu"]
            timings["encoding_cpu"] += msg["encode_cpu"]
            timings["engine_peak_mb"] = max(timings.get("engine_peak_mb", 0.0), msg.get("peak_mb", 0.0))
            if progress is not None:
                progress(100.0 * len(done) / total, f"speaking section {len(done)} of {total}")
    except BaseException:
        for child in children:
            child.kill()
        tmp.cleanup()
        raise
    for child in children:
        child.kill()
    missing = [j["id"] for j in jobs if j["id"] not in done]
    if missing:
        tmp.cleanup()
        raise EngineFailed(f"The speech engine produced no audio for {len(missing)} sections.")
    timings["wall"] = time.perf_counter() - started
    return Rendering(chapters=done, voices=plan.used, warnings=list(plan.warnings), timings=timings,
                     workdir=tmp)

