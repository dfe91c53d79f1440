"""The GOV.UK accessibility-tool audit: how many of its 142 planted barriers access finds.

    .venv/bin/python bench/govuk.py [--repo GIT_DIR] [--standard wcag22aaa] [--best-practice]
                                    [--label after] [--out bench/results/govuk.json]

The suite is alphagov/accessibility-tool-audit at the pinned commit below: ``tests.json`` lists the
barriers by category (with what each tool scored in 2017-2018) and ``tests/<category>-<name>.html``
is one page per barrier, the barrier inside the page's ``<main>``. Nothing of it is committed here:

    git clone https://github.com/alphagov/accessibility-tool-audit && git -C accessibility-tool-audit \\
        checkout <GOVUK_COMMIT>

(or, in a session, the ``fetch`` tool: ``github:alphagov/accessibility-tool-audit``) and pass ``--repo``.

Counting, as the audit did: a barrier is **found** when the tool reports an error or a warning for it
(the audit's ``error``/``error_paid``/``warning``; ``manual`` — "check this by hand" — and ``notfound``
were not found). Here: a violation (error) or a needs-review finding (warning) on the barrier's page,
placed in the page's ``<main>`` (where the barrier is) or about the whole page, or anywhere on a page of
the suite the example links to (``example-pages/``: a page without a title, a keyboard trap), that a
control page —
the suite's layout with an empty ``<main>``, written here — does not also get. Review prompts that a
rule gives for every element of a kind, whatever it is like (every named image, every title), are
not counted: they detect nothing. The audit judged relevance by hand; this count is mechanical, so the per-barrier
rules are written to the results for checking.

axe-core alone (same browser, its default rules: WCAG A/AA and best practice) is counted the same way.

Two counts are kept. **loose**: any such finding. **on topic** (the headline): only findings that
bear on the barrier's category — a WCAG criterion of the category (``TOPICS``), or one of the
category's best-practice rules — since a page planted with one barrier may show an unrelated one
(the example's ``<h4>`` skips a heading level on many pages). ``--recount`` recomputes both from the
stored findings.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import act  # the suite extraction and the server are the same as the ACT bench's

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GOVUK_REPO = "alphagov/accessibility-tool-audit"
GOVUK_COMMIT = "e9e46115caf55f07a9302a5ee187687870510a09"     # 2019-05-22
DEFAULT_MIRROR = Path("/work/.mirror/alphagov+accessibility-tool-audit/repo")
FOUND = ("error", "error_paid", "warning")
# review prompts given for every element of a kind, whatever it is like: they detect nothing
BLANKET = {("web-image-name-descriptive", "needs-review"), ("web-title-descriptive", "needs-review")}
# the WCAG criteria, and the rules without a criterion, that bear on each category of barrier
TOPICS: dict[str, tuple[set[str], set[str]]] = {
    "Content": ({"1.3.1", "1.3.2", "1.3.3", "1.4.1", "2.4.6", "2.4.10", "3.1.3", "3.1.4", "3.1.5"},
                {"axe-page-has-heading-one"}),
    "Page Layout": ({"1.4.4", "1.4.10"}, set()),
    "Colour and Contrast": ({"1.4.1", "1.4.3", "1.4.6", "1.4.11", "2.4.7"}, set()),
    "Typography": ({"1.4.4", "1.4.8", "1.4.12", "2.2.2"}, {"web-text-style"}),
    "Language of content": ({"3.1.1", "3.1.2"}, set()),
    "Page Title": ({"2.4.2"}, set()),
    "Headings": ({"1.3.1", "2.4.6", "2.4.10"}, {"axe-heading-order", "axe-empty-heading", "axe-page-has-heading-one"}),
    "Lists": ({"1.3.1"}, set()),
    "Tables": ({"1.3.1"}, {"axe-empty-table-header", "axe-scope-attr-valid", "axe-table-duplicate-name",
                           "axe-table-fake-caption"}),
    "Images": ({"1.1.1", "1.4.5", "1.4.9", "2.2.2", "2.3.1"}, {"axe-image-redundant-alt",
                                                             "axe-presentation-role-conflict"}),
    "Multimedia": ({"1.2.1", "1.2.2", "1.2.3", "1.2.5", "1.4.2", "2.3.1"}, set()),
    "Links": ({"1.1.1", "1.2.1", "1.4.1", "2.4.4", "2.4.9", "3.2.5", "4.1.2"}, {"axe-image-redundant-alt",
                                                                                "web-link-redundant"}),
    "Buttons": ({"1.1.1", "2.4.6", "2.5.3", "4.1.2"}, set()),
    "Forms": ({"1.3.1", "1.3.5", "1.4.1", "1.4.3", "2.4.6", "3.2.2", "3.3.1", "3.3.2", "3.3.3", "4.1.2"},
              {"web-form-structure"}),
    "Navigation": ({"2.4.1", "2.5.5", "2.5.8"}, set()),
    "Keyboard Access": ({"1.4.13", "2.1.1", "2.1.2", "2.1.4", "2.2.1", "2.4.3", "2.4.7", "4.1.2"},
                        {"axe-tabindex", "axe-accesskeys", "web-accesskey"}),
    "Frames": ({"2.4.1", "4.1.2"}, set()),
    "CSS": ({"1.1.1", "1.3.1", "1.3.2", "1.4.4", "1.4.10", "1.4.12"}, set()),
    "HTML": ({"1.3.1", "4.1.1", "4.1.2"}, {"web-markup-for-looks", "axe-duplicate-id", "axe-duplicate-id-active",
                                            "axe-duplicate-id-aria"}),
}


def slug(category: str, name: str) -> str:
    """The page name build/generate.js gives a barrier (its replacements, each of the first match only
    where the JavaScript has no ``g`` flag)."""
    text = re.sub(r"[^a-z0-9\- ]", "", f"{category.lower()} {name.lower()}", count=1)
    text = text.replace("/", " ", 1).replace(":", "-", 1)
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", text))


def barriers(root: Path) -> list[dict[str, Any]]:
    tests = json.loads((root / "tests.json").read_text(encoding="utf-8"))
    pages = {p.stem: p for p in (root / "tests").glob("*.html")}
    out = []
    for category, named in tests.items():
        for name, entry in named.items():
            page = pages.get(slug(category, name))
            out.append({"category": category, "name": name, "page": page.name if page else None,
                        "results_2018": entry.get("results", {})})
    return out


def extract(repo: Path, commit: str, into: Path) -> Path:
    listing = subprocess.run(["git", "--git-dir", str(repo), "ls-tree", "-r", "--name-only", commit], check=True,
                             capture_output=True, text=True).stdout.split("\n")
    wanted = [p for p in listing if p == "tests.json" or p.startswith(("tests/", "assets/javascript/",
                                                                       "assets/stylesheets/", "assets/test_images/",
                                                                       "example-pages/"))]
    for path in wanted:
        blob = subprocess.run(["git", "--git-dir", str(repo), "show", f"{commit}:{path}"], capture_output=True)
        if blob.returncode == 0:
            target = into / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob.stdout)
    return into


CONTROL = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Accessibility tools audit test - control page - GDS accessibility team</title>
  <script src="../assets/javascript/jquery-1.12.0.min.js"></script>
  <script src="../assets/javascript/main.js"></script>
  <link rel="stylesheet" href="../assets/stylesheets/tests.css" />
</head>
<body>
  <h1>Control page</h1>
  <main>
  </main>
</body>
</html>
"""


def control_page(root: Path) -> str:
    """The suite's page layout (language, title, scripts, styles) with an empty ``<main>``: what the
    layout alone gets. Ours, not the suite's, so a barrier planted in a page's head (no language, no
    title) is not in the control too."""
    (root / "tests" / "control-page.html").write_text(CONTROL, encoding="utf-8")
    return "control-page.html"


# pages of the suite a barrier's example links to (a page with no title, no language ...): audited whole
EXAMPLES = """return Array.from(document.querySelectorAll('main a[href*="example-pages/"]'), a => a.href);"""
IN_MAIN = """const main = document.querySelector("main");
return arguments[0].map(s => { try { const e = document.querySelector(s); return !!(e && main && main.contains(e)); }
                               catch (x) { return false; } });"""


def flagged(findings: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(f["rule"], f["outcome"], f["selector"] or "") for f in findings
            if f["outcome"] in ("violation", "needs-review") and (f["rule"], f["outcome"]) not in BLANKET}


def access_findings(url: str, options: Any, ctx: Any) -> list[dict[str, Any]]:
    from access import services
    report = services.audit_url(url, options, ctx)
    return [{"rule": f.rule, "outcome": f.outcome.value, "selector": f.location.selector or "",
             "message": f.message[:160]} for f in report.findings]


AXE_DEFAULT = """const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations", "incomplete"]}).then(r => done(
  [["violation", r.violations], ["needs-review", r.incomplete]].flatMap(([o, list]) => list.flatMap(x =>
    x.nodes.map(n => ({rule: "axe-" + x.id, outcome: o, selector: n.target.length === 1 ? String(n.target[0]) : "",
                       message: ""})))))).catch(e => done([]));"""


def in_main(session: Any, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings placed inside <main>, and those about the whole page."""
    placed = [f for f in findings if f["selector"]]
    inside = session.run(IN_MAIN, [f["selector"].split(" >>> ")[0] for f in placed]) or []
    keep = {id(f) for f, ok in zip(placed, inside, strict=False) if ok}
    return [f for f in findings if not f["selector"] or id(f) in keep]


def run(root: Path, base: str, items: list[dict[str, Any]], options: Any, with_axe: bool) -> dict[str, Any]:
    from access.config import Settings
    from access.context import Context
    from auditors.web.actions import settle
    from auditors.web.browser import close_all_pools, get_pool

    settings = Settings(_env_file=None, browser_pool_size=1, page_timeout=30, host_rate=0.0)
    ctx = Context(settings=settings)
    pool = get_pool(settings)
    per: list[dict[str, Any]] = []
    control_url = base + "tests/" + control_page(root)
    control = access_findings(control_url, options, ctx)
    try:
        with pool.session(False) as session:
            session.driver.get(control_url)
            settle(session)
            control_axe = session.run_async(AXE_DEFAULT) if with_axe else []
        for n, item in enumerate(items):
            if not item["page"]:
                per.append({**item, "access": None, "axe": None})
                continue
            page_url = base + "tests/" + item["page"]
            ours = access_findings(page_url, options, ctx)
            with pool.session(False) as session:
                session.driver.get(page_url)
                settle(session)
                page_ours = in_main(session, ours)
                page_axe = in_main(session, session.run_async(AXE_DEFAULT)) if with_axe else []
                examples = session.run(EXAMPLES) or []
                for example in examples:          # the barrier is on a page the example links to
                    session.driver.get(example)
                    settle(session)
                    page_axe += session.run_async(AXE_DEFAULT) if with_axe else []
            for example in examples:
                page_ours += access_findings(example, options, ctx)
            per.append({**item, "access": sorted(flagged(page_ours) - flagged(control)),
                        "axe": sorted(flagged(page_axe) - flagged(control_axe)) if with_axe else None})
            if (n + 1) % 20 == 0:
                print(f"  {n + 1}/{len(items)}", flush=True)
    finally:
        close_all_pools()
    return {"barriers": per}


def on_topic(category: str, found: list[list[str]] | None) -> list[list[str]]:
    """The findings (rule, outcome, selector) that bear on the barrier's category."""
    from access.registry import get_registry

    criteria, rules = TOPICS[category]
    out = []
    for item in found or []:
        rule_id = item[0]
        try:
            wcag = set(get_registry().rules[rule_id].wcag)
        except KeyError:
            wcag = set()
        if rule_id in rules or wcag & criteria:
            out.append(item)
    return out


def summary(per: list[dict[str, Any]], key: str) -> dict[str, Any]:
    loose = sum(1 for b in per if b.get(key))
    found = sum(1 for b in per if on_topic(b["category"], b.get(key)))
    return {"found": found, "total": len(per), "percent": round(100 * found / len(per), 1) if per else 0.0,
            "loose": loose, "loose_percent": round(100 * loose / len(per), 1) if per else 0.0}


def recount(path: Path) -> None:
    """Recompute the counts of every stored run (after a change of TOPICS)."""
    data = json.loads(path.read_text())
    names = {b["name"]: b["category"] for run in data["runs"].values() for b in run["barriers"]}
    for run in data["runs"].values():
        run["access"] = summary(run["barriers"], "access")
        print(run["date"], run["options"], run["access"])
    if data.get("axe"):
        axe = [{**b, "category": names[b["name"]]} for b in data["axe"]["barriers"]]
        data["axe"].update(summary(axe, "axe"))
        print("axe-core alone", {k: data["axe"][k] for k in ("found", "percent", "loose", "loose_percent")})
    path.write_text(json.dumps(data, indent=1) + "\n")


def published(per: list[dict[str, Any]]) -> dict[str, Any]:
    tools = Counter(t for b in per for t, r in b["results_2018"].items() if r in FOUND)
    return {t: {"found": c, "percent": round(100 * c / len(per), 1)} for t, c in tools.most_common()}


def main() -> None:
    from access.models import AuditOptions, Standard

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_MIRROR)
    parser.add_argument("--commit", default=GOVUK_COMMIT)
    parser.add_argument("--standard", default="wcag22aaa")
    parser.add_argument("--best-practice", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--label", default="after", help="name of this run in the results (baseline, after)")
    parser.add_argument("--skip-axe", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS / "govuk.json")
    parser.add_argument("--recount", action="store_true", help="only recount the stored runs")
    args = parser.parse_args()
    if args.recount:
        recount(args.out)
        return
    extra = {"best_practice": True} if args.best_practice else {}
    options = AuditOptions(max_pages=1, max_depth=0, allow_private=True, respect_robots=False,
                           standard=Standard(args.standard), **extra)
    with tempfile.TemporaryDirectory(prefix="govuk-suite-") as tmp:
        root = extract(args.repo, args.commit, Path(tmp))
        items = barriers(root)
        server, _ = act.serve(root)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        started, t = datetime.now(UTC), time.perf_counter()
        try:
            result = run(root, base, items, options, with_axe=not args.skip_axe)
        finally:
            server.shutdown()
    per = result["barriers"]
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    runs = previous.get("runs", {})
    runs[args.label] = {"date": started.isoformat(timespec="seconds"), "seconds": round(time.perf_counter() - t, 1),
                        "options": {"standard": args.standard, "best_practice": args.best_practice},
                        "access": summary(per, "access"),
                        "barriers": [{"category": b["category"], "name": b["name"], "access": b["access"]}
                                     for b in per]}
    out = {"suite": {"repo": GOVUK_REPO, "commit": args.commit, "barriers": len(per),
                     "pages_missing": [b["name"] for b in per if not b["page"]]},
           "machine": act._machine(), "fonts": act._fonts(), "published_2018": published(per),
           "axe": previous.get("axe"), "runs": runs}
    if not args.skip_axe:
        out["axe"] = {"date": started.isoformat(timespec="seconds"), **summary(per, "axe"),
                      "barriers": [{"category": b["category"], "name": b["name"], "axe": b["axe"]} for b in per]}
    RESULTS.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(f"access ({args.label}): {runs[args.label]['access']}")
    if out["axe"]:
        print(f"axe-core alone: {out['axe']['found']}/{out['axe']['total']} ({out['axe']['percent']} %), "
              f"loose {out['axe']['loose']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
