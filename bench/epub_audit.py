"""Benchmark of the EPUB auditor against DAISY Ace on the same EPUBs.

    .venv/bin/python bench/epub_audit.py [--skip-ace]

EPUBs: three real EPUB 3 samples (bench/data/epub, CC-BY-SA 3.0, see SOURCES.md there), the
clean and the barrier EPUB the tests build (rules/epub/build.py), and our own converter's EPUBs of
two lessons (Markdown and Word). For each, both tools run on the same file:

- Ace 1.4.6 (npm ``@daisy/ace``, its Puppeteer runner driving Debian's Chromium, no browser
  download) installed into the git-ignored bench/.tools:
      PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix bench/.tools --ignore-scripts @daisy/ace@1.4.6
- our EPUB auditor, as the CLI runs it (warm browser pool).

Ace's findings are mapped to ours rule by rule (an axe rule to ``axe-<rule>``, Ace's EPUB checks to
the ``epub-*`` rule that checks the same requirement); the problems compared are (document, rule)
pairs and their instances. Reported per EPUB: Ace's problems we also report, the ones we miss,
what we report that Ace does not, instances, and seconds. Writes bench/results/epub_audit.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from access import services  # noqa: E402
from access.config import Settings  # noqa: E402
from access.models import AuditOptions, ConvertOptions, Outcome  # noqa: E402
from auditors.web.browser import close_all_pools  # noqa: E402
from rules.epub.build import build_epub, epub_bytes  # noqa: E402

HERE = Path(__file__).resolve().parent
TOOLS = HERE / ".tools"
ACE = TOOLS / "node_modules" / ".bin" / "ace-puppeteer"
REAL = HERE / "data" / "epub"
RESULTS = HERE / "results"
# Ace's own EPUB checks → the rule of ours that checks the same requirement
ACE_RULES = {
    "metadata-accessmode": "epub-meta-access-mode", "metadata-accessmode-invalid": "epub-meta-access-mode",
    "metadata-accessmodesufficient": "epub-meta-access-mode-sufficient",
    "metadata-accessmodesufficient-invalid": "epub-meta-access-mode-sufficient",
    "metadata-accessibilityfeature": "epub-meta-accessibility-feature",
    "metadata-accessibilityfeature-invalid": "epub-meta-accessibility-feature",
    "metadata-accessibilityhazard": "epub-meta-accessibility-hazard",
    "metadata-accessibilityhazard-invalid": "epub-meta-accessibility-hazard",
    "metadata-accessibilitysummary": "epub-meta-accessibility-summary",
    "metadata-conformsto-invalid": "epub-conformance-claim",
    "metadata-accessibilityFeature-printPageNumbers-nopagelist": "epub-meta-consistent",
    "epub-title": "epub-title", "epub-lang": "epub-lang", "epub-pagesource": "epub-page-source",
    "epub-pagelist-broken": "epub-page-list", "epub-pagelist-missing-pagebreak": "epub-page-list",
    "epub-toc-order": "epub-toc-order", "epub-type-has-matching-role": "epub-type-role",
    "epub-pagelist-mediaoverlays": "epub-media-overlays",
}
PACKAGE = "package"                      # package-level findings: compared without a document


def our_epubs(work: Path, settings: Settings) -> dict[str, Path]:
    """The EPUBs the tests build and our converter's EPUBs of two lessons."""
    from tests.auditors.packages.conftest import BAD_EPUB
    from tests.documents import document

    out: dict[str, Path] = {}
    clean, barriers = work / "built-clean.epub", work / "built-barriers.epub"
    clean.write_bytes(epub_bytes(build_epub()))
    barriers.write_bytes(epub_bytes(build_epub(BAD_EPUB)))
    out["built-clean"], out["built-barriers"] = clean, barriers
    lesson = work / "lesson.md"
    lesson.write_text("---\ntitle: Photosynthesis\nlang: en\n---\n\n# Photosynthesis\n\nPlants make food from light."
                      "\n\n## Light\n\n| Distance | Bubbles |\n|---|---|\n| 10 cm | 42 |\n| 20 cm | 30 |\n\n## Water"
                      "\n\n- Roots take up water\n- Stems carry it up\n", encoding="utf-8")
    for name, source in (("ours-markdown", lesson), ("ours-docx", document("docx", "handout"))):
        folder = work / name
        result = services.convert(services.source_file(source, source.name, settings), ConvertOptions(targets=["epub"]),
                                  folder, services.make_context(settings))
        path = Path(next(a.path for a in result.artifacts if a.name.endswith(".epub")))
        out[name] = path if path.is_absolute() else folder / path
    return out


def ace_problems(epub: Path, work: Path) -> tuple[Counter[tuple[str, str]], float, str]:
    """Ace's violations as (document, rule) → instances, its seconds, and its version."""
    outdir = work / f"ace-{epub.stem}"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": os.environ.get("ACCESS_CHROMIUM_PATH", "/usr/bin/chromium")}
    started = time.perf_counter()
    subprocess.run([str(ACE), "-f", "-s", "-o", str(outdir), str(epub)], env=env, check=True, capture_output=True,
                   timeout=900)
    seconds = time.perf_counter() - started
    report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    found: Counter[tuple[str, str]] = Counter()

    def walk(node: dict[str, Any], subject: str) -> None:
        for a in node.get("assertions", []):
            here = (a.get("earl:testSubject") or {}).get("url") or subject
            if "earl:test" in a and (a.get("earl:result") or {}).get("earl:outcome") == "fail":
                title = a["earl:test"]["dct:title"]
                rule = ACE_RULES.get(title, f"axe-{title}")
                doc = PACKAGE if rule.startswith("epub-") and rule != "epub-type-role" else Path(here).name
                found[(doc, rule)] += 1
            walk(a, here)

    walk(report, "")
    version = str((report.get("earl:assertedBy") or {}).get("doap:release", {}).get("doap:revision", "?"))
    return found, seconds, version


def our_problems(epub: Path, settings: Settings) -> tuple[Counter[tuple[str, str]], float, dict[str, Any]]:
    source = services.source_file(epub, epub.name, settings)
    started = time.perf_counter()
    report = services.audit_file(source, AuditOptions(allow_private=True), services.make_context(settings))
    seconds = time.perf_counter() - started
    found: Counter[tuple[str, str]] = Counter()
    for f in report.findings:
        if f.outcome is Outcome.VIOLATION:
            doc = PACKAGE if f.rule.startswith("epub-") and f.rule != "epub-type-role" else Path(
                f.location.url or "").name
            found[(doc, f.rule)] += 1
    return found, seconds, report.metadata.get("epub", {})


def compare(ace: Counter[tuple[str, str]], ours: Counter[tuple[str, str]]) -> dict[str, Any]:
    missed = sorted(f"{d} {r}" for d, r in ace if (d, r) not in ours)
    extra = sorted(f"{d} {r}" for d, r in ours if (d, r) not in ace)
    fewer = {f"{d} {r}": {"ace": n, "ours": ours[(d, r)]} for (d, r), n in ace.items() if 0 < ours[(d, r)] < n}
    return {"ace_problems": len(ace), "ours_problems": len(ours),
            "ace_problems_we_report": len(ace) - len(missed), "missed": missed, "only_ours": extra,
            "ace_instances": sum(ace.values()), "our_instances": sum(ours.values()),
            "fewer_instances": fewer}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ace", action="store_true", help="only our auditor (Ace is not installed)")
    args = parser.parse_args()
    if not args.skip_ace and not ACE.exists():
        print(f"Ace is not installed at {ACE}; see the module docstring, or pass --skip-ace.", file=sys.stderr)
        return 1
    settings = Settings(_env_file=None)
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="access-bench-epub-") as tmp:
        work = Path(tmp)
        epubs = {p.stem: p for p in sorted(REAL.glob("*.epub"))}
        epubs.update(our_epubs(work, settings))
        our_problems(epubs["built-clean"], settings)            # warm the browser pool
        for name, path in epubs.items():
            ours, our_seconds, epub_meta = our_problems(path, settings)
            row: dict[str, Any] = {"our_seconds": round(our_seconds, 2),
                                   "meets_epub_accessibility_1_1": epub_meta.get("conformance", {}).get(
                                       "meets_epub_accessibility_1_1"),
                                   "our_rules": sorted({r for _, r in ours})}
            if not args.skip_ace:
                ace, ace_seconds, ace_version = ace_problems(path, work)
                row.update(compare(ace, ours), ace_seconds=round(ace_seconds, 2), ace_version=ace_version)
            rows[name] = row
            print(f"{name}: {json.dumps(row)}", file=sys.stderr)
    close_all_pools()
    totals = {k: sum(r.get(k, 0) for r in rows.values()) for k in
              ("ace_problems", "ace_problems_we_report", "ours_problems", "ace_instances", "our_instances")}
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
              "python": platform.python_version(), "epubs": rows, "totals": totals}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "epub_audit.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(totals, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
