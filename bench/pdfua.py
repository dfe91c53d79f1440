"""PDF/UA conformance benchmark: verdict agreement on the veraPDF corpus (PDF_UA-1 and PDF_UA-2).

    .venv/bin/python bench/pdfua.py [--corpus GIT_DIR] [--label NAME] [--no-pdfua]
                                                      # writes bench/results/pdfua[-NAME].json

The suite is the public veraPDF corpus (https://github.com/veraPDF/veraPDF-corpus) at the pinned commit
below; nothing of it is committed here. Fetch it once as a bare clone (``git clone --bare
https://github.com/veraPDF/veraPDF-corpus``, or any mirror holding that commit) and pass its git directory
with ``--corpus`` (default: ``$ACCESS_VERAPDF_CORPUS``, else ``/work/.mirror/veraPDF+veraPDF-corpus/repo``).
The two folders are extracted with ``git archive`` into a temporary directory for the run.

Each file is named after the clause it tests and its expected verdict (``7.18.1-t02-fail-a.pdf``).
Each is audited the way ``access audit FILE`` does (``access.services.audit``, default standard); our
verdict is *fail* when any finding is a violation of a PDF/UA requirement (a finding whose
``standard_refs`` cite ISO 14289 or a Matterhorn checkpoint). WCAG-only rules (contrast, bookmarks,
scanned pages) do not decide the verdict, as they are not PDF/UA requirements. A file the auditor refuses
(damaged, encrypted) counts as *fail*.

Beside ours, on the same run: PyPI ``pdfua`` 0.1.3 (verdict *fail* when it reports any ERROR finding; the
``bench`` extra installs it) and the "everything fails" baseline. The report lists the pass files we flag
with the rule that fired (false positives) and the fail files we miss, by clause.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# this file is named like the PyPI package it compares with: import that one, not this one
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CORPUS_REPO = "veraPDF/veraPDF-corpus"
CORPUS_COMMIT = "910b2ca7aa6870375e2b6834c58a0d4b90a7dea6"       # 2025-06-04
DEFAULT_GIT_DIR = "/work/.mirror/veraPDF+veraPDF-corpus/repo"
SUITES = ("PDF_UA-1", "PDF_UA-2")
NAME = re.compile(r"^(?P<clause>\d[\d.-]*?)-t(?P<test>\d+)-(?P<verdict>pass|fail)-(?P<variant>[a-z]+)\.pdf$")
PDFUA_SCHEMES = ("matterhorn:", "pdfua:", "ISO14289-1:", "ISO14289-2:")
RESULTS = Path(__file__).parent / "results"


def extract(git_dir: Path, dest: Path) -> None:
    """The two suite folders of the pinned commit, unpacked into ``dest``."""
    archive = dest / "corpus.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "--git-dir", str(git_dir), "archive", "--format=tar", CORPUS_COMMIT, *SUITES],
                       stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    archive.unlink()


def cases(root: Path) -> list[dict[str, Any]]:
    out = []
    for suite in SUITES:
        for path in sorted((root / suite).rglob("*.pdf")):
            m = NAME.match(path.name)
            if m is None:
                continue
            out.append({"suite": suite, "file": str(path.relative_to(root)), "path": path,
                        "clause": (clause := m["clause"].replace("-", ".")),
                        "test": f"{clause}-t{m['test']}", "expected": m["verdict"]})
    return out


def is_pdfua(ref: str) -> bool:
    return ref.startswith(PDFUA_SCHEMES)


def ours(path: Path) -> dict[str, Any]:
    """Our verdict on one file, with the PDF/UA rules that fired."""
    from access.auditing import Subject
    from access.errors import AccessError
    from access.models import AuditOptions, SourceFile
    from access.services import audit, make_context

    t0 = time.perf_counter()
    try:
        report = audit(Subject(source=SourceFile(path=str(path), filename=path.name, format="pdf")),
                       AuditOptions(), make_context())
    except AccessError as exc:
        return {"verdict": "fail", "rules": [f"refused:{exc.code}"], "seconds": time.perf_counter() - t0}
    fired = sorted({f.rule for f in report.findings
                    if f.outcome.value == "violation" and any(is_pdfua(r) for r in f.standard_refs)})
    crashed = [p.id for p in report.parts if p.status == "failed"]
    return {"verdict": "fail" if fired else "pass", "rules": fired, "crashed": crashed,
            "seconds": time.perf_counter() - t0}


def theirs(path: Path) -> dict[str, Any]:
    """PyPI pdfua 0.1.3's verdict: fail on any ERROR finding (or when it cannot read the file)."""
    from pdfua import validate

    try:
        report = validate(str(path))
    except Exception as exc:                       # it refuses the file: not accepted
        return {"verdict": "fail", "rules": [f"refused:{type(exc).__name__}"]}
    errors = sorted({f.rule_id for f in report.findings if f.severity.name == "ERROR"})
    return {"verdict": "fail" if errors else "pass", "rules": errors}


def score(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    fail = [r for r in rows if r["expected"] == "fail"]
    ok = [r for r in rows if r["expected"] == "pass"]
    caught = sum(r[key]["verdict"] == "fail" for r in fail)
    clean = sum(r[key]["verdict"] == "pass" for r in ok)
    n = len(rows)
    return {"files": n, "agreement": round(100 * (caught + clean) / n, 1) if n else None,
            "fail_flagged": caught, "fail_files": len(fail), "pass_clean": clean, "pass_files": len(ok)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.environ.get("ACCESS_VERAPDF_CORPUS", DEFAULT_GIT_DIR),
                    help="git directory holding veraPDF-corpus at the pinned commit")
    ap.add_argument("--label", default="", help="suffix of the results file (e.g. baseline)")
    ap.add_argument("--no-pdfua", action="store_true", help="skip PyPI pdfua")
    ap.add_argument("--only", default="", help="audit only files whose path contains this")
    args = ap.parse_args()
    try:
        import pdfua  # noqa: F401
        with_pdfua = not args.no_pdfua
    except ImportError:
        print("pdfua is not installed (pip install -e '.[bench]'): its column is skipped", file=sys.stderr)
        with_pdfua = False

    with tempfile.TemporaryDirectory(prefix="access-verapdf-") as tmp:
        root = Path(tmp)
        extract(Path(args.corpus), root)
        rows = [c for c in cases(root) if args.only in c["file"]]
        started = time.perf_counter()
        for i, row in enumerate(rows):
            row["ours"] = ours(row["path"])
            if with_pdfua:
                row["pdfua"] = theirs(row["path"])
            row["everything-fails"] = {"verdict": "fail"}
            if i % 50 == 0:
                print(f"  {i}/{len(rows)} files", file=sys.stderr)
        wall = time.perf_counter() - started
    tools = ["ours", *(["pdfua"] if with_pdfua else []), "everything-fails"]
    summary: dict[str, Any] = {}
    for suite in SUITES:
        in_suite = [r for r in rows if r["suite"] == suite]
        if in_suite:
            summary[suite] = {t: score(in_suite, t) for t in tools}
    by_clause: dict[str, dict[str, Any]] = defaultdict(dict)
    for suite in SUITES:
        clauses = sorted({r["clause"] for r in rows if r["suite"] == suite},
                         key=lambda c: [int(x) for x in c.split(".") if x])
        for clause in clauses:
            by_clause[suite][clause] = score([r for r in rows if r["suite"] == suite and r["clause"] == clause], "ours")
    false_pos = [{"file": r["file"], "rules": r["ours"]["rules"]} for r in rows
                 if r["expected"] == "pass" and r["ours"]["verdict"] == "fail"]
    missed = [r["file"] for r in rows if r["expected"] == "fail" and r["ours"]["verdict"] == "pass"]
    fp_rules: dict[str, int] = defaultdict(int)
    for fp in false_pos:
        for rule_id in fp["rules"]:
            fp_rules[rule_id] += 1

    print(f"\n{'suite':10} {'tool':18} {'agreement':>9} {'fail flagged':>13} {'pass clean':>11}")
    for suite, tools_scores in summary.items():
        for tool, s in tools_scores.items():
            print(f"{suite:10} {tool:18} {s['agreement']:8.1f}% {s['fail_flagged']:>6}/{s['fail_files']:<6} "
                  f"{s['pass_clean']:>5}/{s['pass_files']:<5}")
    print("\nPer clause (ours): agreement, fail flagged, pass clean")
    for suite, clauses_scores in by_clause.items():
        for clause, s in clauses_scores.items():
            print(f"  {suite} {clause:10} {s['agreement']:6.1f}%  {s['fail_flagged']}/{s['fail_files']}  "
                  f"{s['pass_clean']}/{s['pass_files']}")
    print(f"\nFalse positives (pass files flagged): {len(false_pos)}; by rule: "
          + ", ".join(f"{k} {v}" for k, v in sorted(fp_rules.items(), key=lambda kv: -kv[1])))
    for fp in false_pos:
        print(f"  {fp['file']}: {', '.join(fp['rules'])}")
    print(f"Missed fail files: {len(missed)}")
    seconds = sorted(r["ours"]["seconds"] for r in rows)
    result = {
        "benchmark": "pdfua", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "corpus": {"repo": CORPUS_REPO, "commit": CORPUS_COMMIT, "folders": list(SUITES)},
        "verdict": "fail when any finding is a violation citing ISO 14289 or Matterhorn",
        "target": ">= 90 % agreement on PDF_UA-1, >= 85 % on PDF_UA-2, no pass file flagged without cause",
        "wall_s": round(wall, 1), "ours_median_s_per_file": round(seconds[len(seconds) // 2], 3) if seconds else None,
        "summary": summary, "by_clause": by_clause, "false_positives": false_pos,
        "false_positive_rules": dict(fp_rules), "missed": missed,
        "files": [{"file": r["file"], "expected": r["expected"],
                   **{t: {k: v for k, v in r[t].items() if k != "seconds"} for t in tools if t != "everything-fails"}}
                  for r in rows],
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / (f"pdfua-{args.label}.json" if args.label else "pdfua.json")
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
