"""Benchmark: the static HTML auditor and the report renderers.

Builds a zip of N generated course pages (half clean, half with the barriers of
tests/auditors/data/course-barriers.html, each padded with ~60 paragraphs of lesson text), audits it
through access.services, and renders every report format. Prints a table and writes
bench/results/html_audit.json.

    .venv/bin/python bench/html_audit.py [--pages 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from access.models import AuditOptions
from access.services import audit_file, make_context, render_report, source_file

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "auditors" / "data"
FORMATS = ["json", "html", "csv", "sarif", "junit", "earl"]


def build_zip(path: Path, pages: int) -> int:
    clean = (DATA / "course-clean.html").read_text()
    barriers = (DATA / "course-barriers.html").read_text()
    filler = "".join(f"<p>Paragraph {i} of the lesson, with a <a href='ref{i}.html'>reference {i}</a>.</p>"
                     for i in range(60))
    size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(pages):
            page = (clean if i % 2 == 0 else barriers).replace("</body>", filler + "</body>")
            zf.writestr(f"course/week{i:03d}.html", page)
            size += len(page)
    return size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "course.zip"
        html_bytes = build_zip(path, args.pages)
        src = source_file(path)
        audit_times = []
        report = None
        for _ in range(args.runs):
            start = time.perf_counter()
            report = audit_file(src, AuditOptions(), make_context())
            audit_times.append(time.perf_counter() - start)
        assert report is not None
        render_times = {}
        sizes = {}
        for fmt in FORMATS:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                data, _ = render_report(report, fmt)
                times.append(time.perf_counter() - start)
            render_times[fmt] = statistics.median(times)
            sizes[fmt] = len(data)
    audit_s = statistics.median(audit_times)
    result = {
        "benchmark": "html_audit",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_1min": round(os.getloadavg()[0], 2)},
        "pages": args.pages, "html_bytes": html_bytes, "runs": args.runs,
        "findings": len(report.findings), "violations": report.summary.violations,
        "audit_seconds_median": round(audit_s, 3),
        "pages_per_second": round(args.pages / audit_s, 1),
        "ms_per_page": round(1000 * audit_s / args.pages, 2),
        "render_seconds_median": {k: round(v, 4) for k, v in render_times.items()},
        "report_bytes": sizes,
    }
    print(f"static HTML audit: {args.pages} pages ({html_bytes / 1e6:.1f} MB HTML), median of {args.runs} runs, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'step':<22}{'seconds':>10}{'per page (ms)':>16}{'size (KB)':>12}")
    print(f"{'audit (zip)':<22}{audit_s:>10.3f}{1000 * audit_s / args.pages:>16.2f}{'':>12}")
    for fmt in FORMATS:
        print(f"{'render ' + fmt:<22}{render_times[fmt]:>10.3f}{1000 * render_times[fmt] / args.pages:>16.2f}"
              f"{sizes[fmt] / 1024:>12.0f}")
    print(f"pages/s: {result['pages_per_second']}; findings: {result['findings']} "
          f"({result['violations']} violations)")
    out = ROOT / "bench" / "results" / "html_audit.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
