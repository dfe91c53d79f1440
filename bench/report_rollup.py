"""Benchmark of the report side of a large site audit: rolling the findings up across pages and
rendering every report format.

    .venv/bin/python bench/report_rollup.py [--pages 500] [--per-page 60]

A synthetic site report shaped like a real crawl of a course site: every page carries the same
template barriers (logo, menu button, footer links: volatile ids, nth-child indexes and
session keys that change from page to page) plus barriers of its own. Measures the roll-up
(``Report.finish``), each format's rendering, and how many groups the findings fold into (the
template barriers must be one group each, on every page). Writes bench/results/report_rollup.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from access.models import AuditedPart, CrawlAccount, Finding, Impact, Location, Outcome, Report
from access.services import render_report

RESULTS = Path(__file__).resolve().parent / "results"
TEMPLATE = [  # (rule, impact, selector, snippet) with {i} where a page's own values differ
    ("axe-image-alt", Impact.CRITICAL, "#yui_3_17_2_1_{i}07 > header > a:nth-child(1) > img",
     '<img src="/theme/logo.png" id="logo-{i}">'),
    ("axe-button-name", Impact.CRITICAL, "#action-menu-toggle-{i} > button",
     '<button aria-expanded="false" aria-controls="drawer-{i}"></button>'),
    ("axe-link-name", Impact.SERIOUS, "footer > ul > li:nth-child(3) > a",
     '<a href="/login/logout.php?sesskey=Xy{i}Ab34Cd56Ef"><i class="icon"></i></a>'),
    ("axe-color-contrast", Impact.SERIOUS, "footer > p", '<p class="muted">© Example School</p>'),
]


def site_report(pages: int, per_page: int) -> Report:
    urls = [f"https://lms.example.org/mod/page/view.php?id={i}" for i in range(pages)]
    findings: list[Finding] = []
    for i, url in enumerate(urls):
        for rule, impact, selector, html in TEMPLATE:
            findings.append(Finding(rule=rule, outcome=Outcome.VIOLATION, impact=impact, wcag=["1.1.1"],
                                    message=f"{rule} failed", help="Fix it.",
                                    location=Location(url=url, selector=selector.format(i=i),
                                                      html=html.format(i=i))))
        for j in range(per_page - len(TEMPLATE)):
            findings.append(Finding(rule="axe-image-alt" if j % 2 else "web-focus-visible",
                                    outcome=Outcome.VIOLATION if j % 3 else Outcome.NEEDS_REVIEW,
                                    impact=Impact.MODERATE, wcag=["2.4.7"], message="own barrier",
                                    location=Location(url=url, selector=f"main > div:nth-of-type({j + 1}) > img",
                                                      html=f'<img src="/pluginfile.php/{i}/figure-{j}.png">')))
    return Report(target=urls[0], target_kind="web", parts=[AuditedPart(id=u) for u in urls], findings=findings,
                  crawl=CrawlAccount(found=pages, audited=urls))


def timed(fn: Any, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--per-page", type=int, default=60)
    args = parser.parse_args()
    report = site_report(args.pages, args.per_page)
    rollup = timed(report.finish)
    template = [g for g in report.groups if len(g.pages) == args.pages]
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(),
        "python": platform.python_version(), "pages": args.pages, "findings": len(report.findings),
        "groups": len(report.groups), "template_groups_on_every_page": len(template),
        "rollup_s": round(rollup, 3), "findings_per_s": round(len(report.findings) / rollup),
        "render_s": {fmt: round(timed(lambda fmt=fmt: render_report(report, fmt), runs=1), 3)
                     for fmt in ("json", "html", "csv", "sarif", "junit", "earl")},
        "sizes_mb": {fmt: round(len(render_report(report, fmt)[0]) / 1e6, 1) for fmt in ("json", "html", "sarif")},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report_rollup.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
