"""Benchmark: the corpus text → easy-read (HTML + DOCX + figures) and → BRF (liblouis, formatted).

Reads the corpus once through the real text reader, then times each target's steps (the easy-read
step and writer together; the braille writer) and its gate (median of --runs runs; the first run of
each also pays the one-off loading of the CMU dictionary, wordfreq and liblouis tables, reported
apart as "first run").

    .venv/bin/python bench/easyread_braille.py [--runs 3] [--corpus PATH]

Prints a table and writes bench/results/easyread_braille.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from access.conversion import OutputFolder, plan_conversion
from access.models import ConvertOptions
from access.registry import get_registry
from access.services import make_context, source_file

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "unesco-iite-strategy-2022-2025.txt"
RESULTS = Path(__file__).parent / "results" / "easyread_braille.json"
TARGET_SECONDS = {"easy-read": 10.0, "brf": 2.0}


def time_target(name: str, doc, runs: int) -> tuple[list[float], list[float], dict]:
    """Each run: the transforms the target's writer needs (easy-read: the easy-read step), the
    writer (timed together, as "write"), then the gate."""
    registry = get_registry()
    writer, gate = registry.writers[name], registry.gates[name]
    transforms = [s.name for s in plan_conversion("text", [name], registry).steps if s.kind == "transform"]
    options = ConvertOptions(targets=[name])
    writes, gates, last_gate = [], [], {}
    for _ in range(runs):
        ctx = make_context()
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            value = doc
            for transform in transforms:
                value = registry.transforms[transform].run(value, options, ctx)
            artifacts = writer.write(value, OutputFolder.for_document(Path(tmp), doc), options, ctx)
            t1 = time.perf_counter()
            last_gate = gate.check(artifacts, options, ctx).record()
            t2 = time.perf_counter()
            if name == "easy-read":
                figures = json.loads(Path(next(a.path for a in artifacts if a.name.endswith(".json"))).read_text())
                last_gate["figures"] = figures
            else:
                last_gate["pages"] = artifacts[0].metadata.get("pages")
        writes.append(t1 - t0)
        gates.append(t2 - t1)
    return writes, gates, last_gate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    t0 = time.perf_counter()
    doc = get_registry().readers["text"].read(source_file(args.corpus), ConvertOptions(), make_context())
    read_s = time.perf_counter() - t0
    n_words = doc.word_count()

    er_write, er_gate, er = time_target("easy-read", doc, args.runs)
    brf_write, brf_gate, brf = time_target("brf", doc, args.runs)
    fig = er["figures"]
    back = next(c for c in brf["checks"] if c["name"] == "back_translation")["facts"]

    def row(name: str, writes: list[float], gates: list[float]) -> dict:
        median = statistics.median(writes[1:] if len(writes) > 1 else writes)
        return {"target": name, "first_run_s": round(writes[0], 3), "median_s": round(median, 3),
                "gate_median_s": round(statistics.median(gates), 3), "words_per_s": round(n_words / median),
                "target_s": TARGET_SECONDS[name], "met": median < TARGET_SECONDS[name]
                and writes[0] < TARGET_SECONDS[name]}

    rows = [row("easy-read", er_write, er_gate), row("brf", brf_write, brf_gate)]
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "corpus": str(args.corpus), "words": n_words, "read_s": round(read_s, 3), "runs": args.runs,
        "timings": rows,
        "easy_read": {"before": fig["before"], "after": fig["after"],
                      "after_whole_page": fig.get("after_whole_page"), "measured_on": fig.get("measured_on"),
                      "short_forms": [g["term"] for g in fig["glossary"] if g["kind"] == "short form"],
                      "content_kept": {
            k: v for k, v in fig["content_kept"].items() if not k.startswith("missing")},
            "targets_met": fig["targets_met"], "gate_passed": er["passed"],
            "rewriter_stats": {k: v for k, v in fig["rewriter_stats"].items() if k != "replacements"}},
        "brf": {"pages": brf["pages"], "gate_passed": brf["passed"],
                "words_recovered_percent": back["words_recovered_percent"]},
    }
    print(f"corpus: {n_words} words, read in {read_s:.2f} s; {args.runs} runs; "
          f"{result['machine']['cpus']} CPUs; {result['date']}")
    print(f"{'target':<10} {'first run s':>11} {'median s':>9} {'gate s':>7} {'words/s':>9} {'target':>7}  met")
    for r in rows:
        print(f"{r['target']:<10} {r['first_run_s']:>11.2f} {r['median_s']:>9.2f} {r['gate_median_s']:>7.2f} "
              f"{r['words_per_s']:>9} {'< ' + str(r['target_s']):>7}  {r['met']}")
    b, a, k = fig["before"], fig["after"], fig["content_kept"]
    print(f"\n{'easy-read':<28} {'before':>8} {'after':>8}")
    for key, label in (("fk_grade", "Flesch-Kincaid grade"), ("reading_ease", "Flesch reading ease"),
                       ("avg_sentence_words", "average sentence (words)"),
                       ("max_sentence_words", "longest sentence (words)"), ("difficult_share", "difficult words")):
        print(f"{label:<28} {b[key]:>8} {a[key]:>8}")
    if fig.get("after_whole_page"):
        w = fig["after_whole_page"]
        print(f"{'whole page':<28} grade {w['fk_grade']}, reading ease "
              f"{w['reading_ease']}, longest line {w['max_sentence_words']} words (note, glossary, summaries and text)")
    print(f"content kept: numbers {k['numbers_percent']} % ({k['numbers_kept']}/{k['numbers_total']}), dates "
          f"{k['dates_percent']} % ({k['dates_kept']}/{k['dates_total']}), names {k['entities_percent']} % "
          f"({k['entities_kept']}/{k['entities_total']}); gate passed: {er['passed']}")
    print(f"brf: {brf['pages']} pages of 40x25, back-translation recovers {back['words_recovered_percent']} % "
          f"of the words; gate passed: {brf['passed']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
