"""Benchmark of the web auditor on a generated 50-page local site.

    .venv/bin/python bench/web_audit.py [--pages 50] [--skip-peers]

Measures, in one run on this machine:
- our site audit (the web auditor's plan run in one process, as the CLI runs it) in axe-only mode
  and in full mode (axe + our own checks), with a browser pool of 1 and 2 sessions (2 sessions =
  the parallelism of 2 worker processes), pages/minute, warm pool (long-lived workers keep their
  browsers; the cold browser start is reported separately);
- the median time per page split into load / axe / own checks;
- @axe-core/cli given all 50 URLs in one call, with the same axe-core file and rules, and whether
  its findings equal ours (same rule ids and node counts per page);
- pa11y 9.1.1 with one shared browser.

Peers are installed into the git-ignored bench/.tools (no browser download):
    PUPPETEER_SKIP_DOWNLOAD=1 CHROMEDRIVER_SKIP_DOWNLOAD=true \\
        npm install --prefix bench/.tools @axe-core/cli pa11y@9.1.1
Writes bench/results/web_audit.json.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import platform
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from access import services
from access.config import Settings
from access.context import Context
from access.models import AuditOptions, Outcome, Standard
from auditors.web.axe_run import cli_rules
from auditors.web.browser import axe_script_path, close_all_pools, get_pool
from rules.axe import catalogue_id

HERE = Path(__file__).resolve().parent
TOOLS = HERE / ".tools"
RESULTS = HERE / "results"
STANDARD = Standard.WCAG22AA


def make_site(root: Path, pages: int) -> None:
    """A course site: every page links to its neighbours and the index, has headings, text, a
    figure, a form, a table and a few known barriers that vary from page to page."""
    names = [f"unit-{i:02d}.html" for i in range(1, pages)]
    for i, name in enumerate(["index.html", *names]):
        nav = " ".join(f'<li><a href="/{n}">Unit {j + 1}</a></li>' for j, n in enumerate(names)
                       if abs(j - i) <= 5 or i == 0)
        barrier = [
            '<img src="/fig.png" width="60" height="40">',                        # image-alt
            '<p style="color:#999;background:#fff">Submit by Friday.</p>',        # color-contrast
            '<input type="text" name="a">',                                       # label
            '<a href="/index.html"><img src="/fig.png" width="20" height="20"></a>',  # link-name
            '<div onclick="void 0" style="cursor:pointer">Show answer</div>',      # own: click-only
        ][i % 5]
        body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unit {i}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}} .tip{{padding:.5em;background:#eef}}</style>
</head><body><header><a href="#main">Skip to content</a><nav aria-label="Units"><ul>{nav}</ul></nav></header>
<main id="main"><h1>Unit {i}: Cells and energy</h1>
<p>Plants make food by photosynthesis. Light energy is captured by chlorophyll and used to turn
carbon dioxide and water into glucose and oxygen. In this unit you will measure how light affects
the rate of photosynthesis in pondweed and record your results in a table.</p>
<h2>Activity</h2><ol><li>Set up the lamp at 10 cm.</li><li>Count bubbles for one minute.</li>
<li>Repeat at 20, 30 and 40 cm.</li></ol>
<figure><img src="/fig.png" alt="Pondweed in a test tube under a lamp" width="120" height="80">
<figcaption>Figure {i}: the experiment.</figcaption></figure>
<table><caption>Results</caption><tr><th scope="col">Distance</th><th scope="col">Bubbles</th></tr>
<tr><td>10 cm</td><td>42</td></tr><tr><td>20 cm</td><td>30</td></tr></table>
<form><label for="q{i}">What did you notice?</label> <textarea id="q{i}"></textarea>
<button type="submit">Save answer</button></form>
<p class="tip">Tip: write down your results as you go.</p>{barrier}
</main><footer><p><a href="/index.html">Course home</a></p></footer></body></html>"""
        (root / name).write_text(body, encoding="utf-8")
    (root / "fig.png").write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
        "c0f01f0005000201f8d6e9a10000000049454e44ae426082"))


def serve_with(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A server on a free loopback port in a daemon thread; (server, its origin)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *args: object) -> None:
            pass

    return serve_with(Quiet)


def ours(base: str, pages: int, pool_size: int, axe_only: bool) -> dict[str, Any]:
    # no politeness limit: this measures our own speed on a local site (a real site gets ACCESS_HOST_RATE)
    settings = Settings(_env_file=None, browser_pool_size=pool_size, page_timeout=30, host_rate=0.0)
    pool = get_pool(settings)
    t = time.perf_counter()
    warm = [pool.acquire(False) for _ in range(pool_size)]           # long-lived worker browsers
    cold_start = time.perf_counter() - t
    for s in warm:
        pool.release(s, False)
    options = AuditOptions(max_pages=pages, max_depth=10, axe_only=axe_only, allow_private=True,
                           standard=STANDARD)
    t = time.perf_counter()
    report = services.audit_url(base + "/index.html", options, Context(settings=settings))   # as the CLI does
    elapsed = time.perf_counter() - t
    close_all_pools()
    audited = [p for p in report.parts if p.status == "audited"]
    split = {k: round(statistics.median(p.timings.get(k, 0.0) for p in audited) * 1000, 1)
             for k in ("load", "axe", "own_checks", "total")}
    return {"mode": "axe-only" if axe_only else "full", "pool": pool_size, "pages": len(audited),
            "failed": len(report.parts) - len(audited), "seconds": round(elapsed, 2),
            "pages_per_min": round(60 * len(audited) / elapsed, 1), "browser_start_s": round(cold_start, 2),
            "median_ms": split, "report": report}


def axe_signature(report: Any) -> dict[tuple[str, str, str], int]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for f in report.findings:
        if f.rule.startswith("axe-"):
            counts[(f.location.url, f.rule, f.outcome.value)] += 1
    return dict(counts)


def axe_cli(urls: list[str]) -> dict[str, Any]:
    cli = TOOLS / "node_modules" / ".bin" / "axe"
    if not cli.exists():
        return {"skipped": "bench/.tools has no @axe-core/cli (see the module docstring)"}
    out = Path(tempfile.mkdtemp(prefix="axe-cli-"))
    argv = [str(cli), *urls, "--rules", cli_rules(STANDARD), "--axe-source", str(axe_script_path(Settings())),
            "--chrome-path", "/usr/bin/chromium", "--chromedriver-path", "/usr/bin/chromedriver",
            "--chrome-options=--headless=new,--no-sandbox,--disable-gpu,--disable-dev-shm-usage",
            "--save", "results.json", "--dir", str(out), "--no-reporter"]
    t = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, timeout=900)
    elapsed = time.perf_counter() - t
    results = json.loads((out / "results.json").read_text())
    counts: Counter[tuple[str, str, str]] = Counter()
    for page in results:
        for kind, outcome in (("violations", Outcome.VIOLATION), ("incomplete", Outcome.NEEDS_REVIEW)):
            for r in page[kind]:
                counts[(page["url"], catalogue_id(r["id"]), outcome.value)] += len(r["nodes"])
    return {"pages": len(results), "seconds": round(elapsed, 2),
            "pages_per_min": round(60 * len(results) / elapsed, 1),
            "axe_version": results[0]["testEngine"]["version"], "signature": dict(counts)}


def pa11y(urls: list[str]) -> dict[str, Any]:
    if not (TOOLS / "node_modules" / "pa11y").exists():
        return {"skipped": "bench/.tools has no pa11y (see the module docstring)"}
    t = time.perf_counter()
    done = subprocess.run(["node", str(HERE / "pa11y_shared.js"), str(TOOLS), *urls], check=True,
                          capture_output=True, timeout=1800, env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})
    elapsed = time.perf_counter() - t
    issues = json.loads(done.stdout)
    return {"pages": len(issues), "seconds": round(elapsed, 2), "pages_per_min": round(60 * len(issues) / elapsed, 1),
            "issues": sum(issues.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="access-bench-site-"))
    make_site(root, args.pages)
    server, base = serve(root)
    try:
        runs = [ours(base, args.pages, pool, axe_only) for axe_only in (True, False) for pool in (1, 2)]
        urls = [p.id for p in runs[0]["report"].parts]
        peers: dict[str, Any] = {}
        if not args.skip_peers:
            peers["axe_cli"] = axe_cli(urls)
            peers["pa11y"] = pa11y(urls)
    finally:
        server.shutdown()
    ours_sig = axe_signature(runs[0]["report"])
    cli = peers.get("axe_cli", {})
    same = cli["signature"] == ours_sig if "signature" in cli else None
    mismatch = []
    if "signature" in cli:
        keys = set(ours_sig) | set(cli["signature"])
        mismatch = sorted([[*k, ours_sig.get(k, 0), cli["signature"].get(k, 0)] for k in keys
                           if ours_sig.get(k, 0) != cli["signature"].get(k, 0)])[:20]
    print(f"web audit benchmark — {args.pages}-page local site, {os.cpu_count()} cores, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"{'run':34} {'pages':>5} {'s':>7} {'pages/min':>10} {'load ms':>8} {'axe ms':>7} {'own ms':>7}")
    for r in runs:
        m = r["median_ms"]
        label = f"ours {r['mode']} pool={r['pool']}"
        print(f"{label:34} {r['pages']:>5} {r['seconds']:>7} "
              f"{r['pages_per_min']:>10} {m['load']:>8} {m['axe']:>7} {m['own_checks']:>7}")
    for name, peer in peers.items():
        if "skipped" in peer:
            print(f"{name:34} skipped: {peer['skipped']}")
        else:
            print(f"{name:34} {peer['pages']:>5} {peer['seconds']:>7} {peer['pages_per_min']:>10}")
    ratios: dict[str, float] = {}
    if "pages_per_min" in cli:
        best_axe = max(r["pages_per_min"] for r in runs if r["mode"] == "axe-only")
        best_full = max(r["pages_per_min"] for r in runs if r["mode"] == "full")
        ratios = {"axe_only_vs_axe_cli": round(best_axe / cli["pages_per_min"], 2),
                  "full_vs_axe_cli": round(best_full / cli["pages_per_min"], 2),
                  "axe_only_pool1_vs_axe_cli": round(runs[0]["pages_per_min"] / cli["pages_per_min"], 2),
                  "full_pool1_vs_axe_cli": round(runs[2]["pages_per_min"] / cli["pages_per_min"], 2)}
        print(f"axe-only / @axe-core/cli = {ratios['axe_only_vs_axe_cli']}× (target ≥ 5×); "
              f"full / @axe-core/cli = {ratios['full_vs_axe_cli']}× (target ≥ 2×)")
        print(f"same axe findings as @axe-core/cli ({cli['axe_version']}): {same}"
              + (f" — differences (url, rule, outcome, ours, cli): {mismatch}" if mismatch else ""))
    result = {
        "benchmark": "web_audit", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "pages": args.pages, "standard": STANDARD.value,
        "engines": [e.model_dump() for e in runs[0]["report"].engines],
        "runs": [{k: v for k, v in r.items() if k != "report"} for r in runs],
        "peers": {k: {kk: vv for kk, vv in v.items() if kk != "signature"} for k, v in peers.items()},
        "ratios": ratios, "same_axe_findings_as_cli": same, "axe_differences": mismatch,
        "axe_findings": sum(ours_sig.values()),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web_audit.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS / 'web_audit.json'}")


if __name__ == "__main__":
    main()
