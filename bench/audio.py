"""Audio benchmark (issue 6): the shared corpus text → MP3 and EPUB 3 with media overlays.

Reads the corpus with the text reader, builds the spoken script, speaks and encodes it (espeak-ng
through libespeak-ng in ``speech_processes`` child processes, lameenc 64 kbps mono), then packages
the chaptered MP3, the DAISY 2.02 book and the EPUB 3 talking book. Reports, per stage, seconds
(wall, and CPU where the stage runs in the engine processes) and the real-time factor (seconds of
audio per second of work), plus peak memory of this process and of the engine processes.
With ``--piper`` (and piper-tts + a voice package installed) it also speaks the first N words with
the Piper voice. Target: the whole corpus to MP3 in < 30 s with espeak-ng on 2 cores.

    .venv/bin/python bench/audio.py [--processes 2] [--piper] [--piper-words 600]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from access.config import Settings
from access.conversion import OutputFolder
from access.document import Document, Paragraph
from access.models import ConvertOptions
from access.registry import get_registry
from access.services import make_context, source_file
from converters.speech.book import spoken_book
from converters.speech.settings import SpeechSettings
from converters.writers.daisy202 import write_daisy202
from converters.writers.mp3 import write_mp3
from converters.writers.talking_epub import write_talking_epub

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "unesco-iite-strategy-2022-2025.txt"
RESULTS = REPO / "bench" / "results" / "audio.json"
TARGET_SECONDS = 30.0


def first_words(doc: Document, words: int) -> Document:
    """The document cut after about ``words`` words of paragraphs (headings kept in order)."""
    kept, count = [], 0
    for block in doc.blocks:
        kept.append(block)
        if isinstance(block, Paragraph):
            count += len(block.text.split())
        if count >= words:
            break
    return doc.model_copy(update={"blocks": kept})


def run(doc: Document, settings: Settings, voice: str | None, outdir: Path, talking: bool) -> dict:
    ctx = make_context(settings)
    options = ConvertOptions(targets=["mp3", "daisy"], voice=voice)
    folder = OutputFolder.for_document(outdir, doc)
    t0 = time.perf_counter()
    book = spoken_book(doc, options, ctx)            # the speech step
    try:
        t1 = time.perf_counter()
        write_mp3(book, folder, options, ctx)
        t2 = time.perf_counter()
        stages = {"script": {"wall": book.script_seconds}}
        timings = book.rendering.timings
        stages["synthesis"] = {"wall_in_engines": timings["synthesis"], "cpu": timings["synthesis_cpu"]}
        stages["encoding"] = {"wall_in_engines": timings["encoding"], "cpu": timings["encoding_cpu"]}
        stages["speak+encode (elapsed)"] = {"wall": t1 - t0 - book.script_seconds}
        stages["packaging mp3"] = {"wall": t2 - t1}
        if talking:
            write_daisy202(book, folder.file("-daisy202.zip"))
            t3 = time.perf_counter()
            write_talking_epub(book, folder.file("-talking.epub"), ctx.plugin_settings(SpeechSettings).audio_word_sync)
            t4 = time.perf_counter()
            stages["packaging daisy 2.02"] = {"wall": t3 - t2}
            stages["packaging epub 3 + overlays"] = {"wall": t4 - t3}
    finally:
        book.release()
    audio = book.rendering.duration
    for stage in stages.values():
        seconds = stage.get("cpu", stage.get("wall", stage.get("wall_in_engines")))
        stage["realtime_factor"] = round(audio / seconds, 1) if seconds else None
        for key in list(stage):
            if key != "realtime_factor":
                stage[key] = round(stage[key], 3)
    mp3_seconds = t2 - t0
    cpu = book.script_seconds + timings["synthesis_cpu"] + timings["encoding_cpu"] + (t2 - t1)
    return {"words": book.script.spoken_words(), "audio_seconds": round(audio, 1),
            "chapters": len(book.script.chapters), "voices": [v.id for v in book.rendering.voices],
            "engine_peak_mb": round(timings.get("engine_peak_mb", 0.0), 1),
            "stages": stages, "corpus_to_mp3_seconds": round(mp3_seconds, 2),
            "end_to_end_realtime_factor": round(audio / mp3_seconds, 1),
            "to_mp3_cpu_seconds": round(cpu, 2)}


def table(name: str, result: dict) -> None:
    print(f"\n{name}: {result['words']} words → {result['audio_seconds']:.0f} s of audio "
          f"({result['chapters']} chapters, voices {', '.join(result['voices'])})")
    print(f"{'stage':32} {'wall s':>9} {'cpu s':>9} {'× real time':>12}")
    for stage, row in result["stages"].items():
        wall = row.get("wall", row.get("wall_in_engines"))
        cpu = row.get("cpu", "")
        print(f"{stage:32} {wall:>9} {cpu!s:>9} {row['realtime_factor']!s:>12}")
    print(f"to MP3: {result['corpus_to_mp3_seconds']} s elapsed, "
          f"{result['end_to_end_realtime_factor']}× real time; {result['to_mp3_cpu_seconds']} CPU s; "
          f"engine process peak memory {result['engine_peak_mb']} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--piper", action="store_true", help="also time the Piper voice (if installed)")
    parser.add_argument("--piper-words", type=int, default=600)
    args = parser.parse_args()
    settings = Settings(speech_processes=args.processes)
    work = Path(tempfile.mkdtemp(prefix="bench-audio-"))
    try:
        t0 = time.perf_counter()
        source = source_file(CORPUS, settings=settings)
        doc = get_registry().readers[source.format].read(source, ConvertOptions(), make_context(settings))
        read_seconds = time.perf_counter() - t0
        before_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        results = {"espeak-ng": run(doc, settings, None, work / "espeak", talking=True)}
        audio = results["espeak-ng"]["audio_seconds"]
        results["espeak-ng"]["stages"] = {
            "read (text reader)": {"wall": round(read_seconds, 3),
                                   "realtime_factor": round(audio / read_seconds, 1)},
            **results["espeak-ng"]["stages"]}
        from converters.speech.piper import piper_voices
        if args.piper and piper_voices():
            sample = first_words(doc, args.piper_words)
            results["piper"] = run(sample, settings, piper_voices()[0].id, work / "piper", talking=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    peak = {"this_process_before_speech_mb": before_mb,
            "this_process_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "engine_process_peak_mb": max(r["engine_peak_mb"] for r in results.values())}
    for name, result in results.items():
        table(name, result)
    espeak = results["espeak-ng"]
    verdict = espeak["corpus_to_mp3_seconds"] < TARGET_SECONDS
    print(f"\npeak memory: {peak}")
    print(f"target: corpus → MP3 < {TARGET_SECONDS:.0f} s with espeak-ng: "
          f"{'met' if verdict else 'NOT met'} ({espeak['corpus_to_mp3_seconds']} s)")
    load = os.getloadavg()
    record = {"benchmark": "audio", "date": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                          "load_average_1_5_15": [round(x, 2) for x in load]},
              "corpus": CORPUS.name, "processes": args.processes, "results": results, "peak_memory": peak,
              "target": {"corpus_to_mp3_seconds_below": TARGET_SECONDS, "met": verdict}}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
