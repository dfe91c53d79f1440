"""W3C ACT rules implementation report: access and axe-core alone on the public ACT test cases.

    .venv/bin/python bench/act.py [--repo GIT_DIR] [--rules 23a2a8,oj04fd] [--standard wcag22aaa]
                                  [--best-practice] [--skip-axe] [--out bench/results/act.json]

The suite is the W3C's ``w3c/wcag-act-rules`` repository at the pinned commit below (its
``content-assets/wcag-act-rules/testcases.json`` lists every test case with its expected outcome;
the pages and their shared assets live beside it). Nothing of it is committed here: get it with

    git clone https://github.com/w3c/wcag-act-rules && git -C wcag-act-rules checkout <ACT_COMMIT>

(or, in a session, the ``fetch`` tool: ``github:w3c/wcag-act-rules`` → /work/.mirror/w3c+wcag-act-rules/repo)
and pass ``--repo`` (a git directory; the bench reads the pinned commit with ``git archive``).

For every approved test case of an approved rule, in one run on this machine, one page per call:

- **access**: the web audit as the CLI runs it (``services.audit_url``, one page, axe-core and our own
  browser checks), its report rendered as EARL by ``access.reports.earl`` and read back the way W3C
  act-tools reads an implementation's EARL (subject source → test case, ``earl:test`` → procedure,
  ``dct:isPartOf`` → ACT rules and WCAG criteria). A procedure (one of our rules) is mapped to an ACT
  rule by the ACT id it declares; an axe-core rule the audit ran that flagged nothing on the page is
  asserted ``passed`` (the auditor reports only what axe flags).
- **axe-core alone**: the same axe-core file in the same browser (same fonts), every axe rule that
  names an ACT rule (``actIds``, experimental ones included, as Deque's ACT runner does), outcomes
  straight from axe (violations → failed, incomplete → cantTell, passes, inapplicable).

Consistency per ACT rule is computed as act-tools computes it (act-rules/act-tools,
``src/map-implementation``, pinned below): per procedure, a false positive (``failed`` on a passed or
inapplicable example) makes it inconsistent; ``complete`` (what W3C calls consistent) needs every
example covered, no false negative, at least one true positive and every WCAG criterion the rule
maps to reported; ``partial`` needs a true positive, or cantTell with every inapplicable example
passed or inapplicable. The best procedures are combined, and a combination of partial procedures can
be complete. Writes bench/results/act.json (and act-earl-access.json, act-earl-axe.json).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import platform
import re
import subprocess
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ACT_REPO = "w3c/wcag-act-rules"
ACT_COMMIT = "800c3b49aa394ed62bc9676e3067c58ebedb788e"       # 2026-08-20
ACT_TOOLS_REPO = "act-rules/act-tools"                        # the consistency definition ported below
ACT_TOOLS_COMMIT = "db70d816a7a88e064f9781718c0745e8005ea893"
DEFAULT_MIRROR = Path("/work/.mirror/w3c+wcag-act-rules/repo")
ASSETS = "content-assets/wcag-act-rules"
CASE_PATH = re.compile(r"/([a-z0-9]{6})/([a-z0-9]{40})\.[a-z]{2,5}")
SATISFIED = ("passed", "inapplicable")


# ----------------------------------------------------------------------------- the suite


@dataclass(frozen=True)
class TestCase:
    rule: str
    rule_name: str
    id: str
    title: str
    expected: str                 # passed | failed | inapplicable
    path: str                     # testcases/<rule>/<id>.<ext>
    approved: bool
    requirements: tuple[str, ...]   # WCAG2:<anchor> of the rule's non-secondary criteria


def load_cases(root: Path) -> list[TestCase]:
    data = json.loads((root / ASSETS / "testcases.json").read_text(encoding="utf-8"))
    cases = []
    for t in data["testcases"]:
        reqs = tuple(sorted({_wcag_anchor(key) for key, req in (t.get("ruleAccessibilityRequirements") or {}).items()
                             if re.match(r"^wcag2\d:", key) and "secondary" not in req} - {None}))
        cases.append(TestCase(t["ruleId"], t["ruleName"], t["testcaseId"], t["testcaseTitle"], t["expected"],
                              t["relativePath"], bool(t.get("approved")), reqs))
    approved_rules = {c.rule for c in cases if c.approved}
    return [c for c in cases if c.rule in approved_rules]


def _wcag_anchor(key: str) -> str | None:
    from access.requirements import CRITERIA
    sc = key.split(":", 1)[1]
    return f"WCAG2:{CRITERIA[sc].slug}" if sc in CRITERIA else None


def extract(repo: Path, commit: str, into: Path) -> tuple[Path, list[str]]:
    """The test cases and their assets at ``commit``, laid out as the W3C serves them (/WAI/...);
    also the paths a shallow mirror lacks (large media files), which are left out."""
    listing = subprocess.run(["git", "--git-dir", str(repo), "ls-tree", "-r", commit, ASSETS], check=True,
                             capture_output=True, text=True).stdout
    entries = [(line.split()[2], line.split("\t", 1)[1]) for line in listing.splitlines() if " blob " in line]
    batch = subprocess.run(["git", "--git-dir", str(repo), "cat-file", "--batch"], check=True, capture_output=True,
                           input="".join(f"{sha}\n" for sha, _ in entries).encode()).stdout
    missing, pos = [], 0
    for _sha, path in entries:
        end = batch.index(b"\n", pos)
        header = batch[pos:end].decode().split()
        pos = end + 1
        if header[-1] == "missing":
            missing.append(path)
            continue
        size = int(header[2])
        target = into / "WAI" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[pos:pos + size])
        pos += size + 1
    return into, missing


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *args: object) -> None:
            pass

    # UTF-8 declared as the W3C's server declares it (some test pages have no <meta charset>)
    Quiet.extensions_map = {**Quiet.extensions_map, ".html": "text/html; charset=utf-8",
                            ".xhtml": "application/xhtml+xml", ".svg": "image/svg+xml",
                            ".vtt": "text/vtt", ".webm": "video/webm", ".mp4": "video/mp4"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/WAI/{ASSETS}/"


# ----------------------------------------------------------------------------- act-tools, in Python


@dataclass
class Assertion:
    rule: str                     # the ACT rule of the test case (a page may be a test case of several rules)
    case: str                     # test case id
    procedure: str
    outcome: str                  # passed | failed | cantTell | inapplicable
    requirements: tuple[str, ...] = ()
    act: tuple[str, ...] = ()     # ACT rules the procedure declares


@dataclass
class TestResult:
    case: TestCase
    outcomes: list[str] = field(default_factory=list)


def _results(cases: list[TestCase], assertions: list[Assertion]) -> list[TestResult]:
    by_case: dict[str, list[str]] = defaultdict(list)
    for a in assertions:
        by_case[a.case].append(a.outcome)
    return [TestResult(c, by_case.get(c.id) or ["untested"]) for c in cases]


def _false_positive(r: TestResult) -> bool:
    return r.case.expected in SATISFIED and "failed" in r.outcomes


def _true_positive(r: TestResult) -> bool:
    return r.case.expected == "failed" and "failed" in r.outcomes


def _false_negative(r: TestResult) -> bool:
    return r.case.expected == "failed" and all(o in (*SATISFIED, "untested") for o in r.outcomes)


def maps_all_requirements(failed: Iterable[str], expected: Iterable[str]) -> bool:
    """act-tools ``mapsAllRequirements`` (the rule's criteria are expected; allowed = expected plus
    the secondary ones, which ``load_cases`` already left out, so a secondary one reported is allowed)."""
    failed, expected = set(failed), set(expected)
    return expected <= failed


def consistency(results: list[TestResult], failed_requirements: Iterable[str],
                rule_requirements: Iterable[str]) -> str | None:
    """act-tools ``getConsistency``: "complete", "partial" or None (inconsistent)."""
    if any(r.case.approved for r in results):
        results = [r for r in results if r.case.approved]
    if any(_false_positive(r) for r in results):
        return None
    untested = any("untested" in r.outcomes for r in results)
    if (maps_all_requirements(failed_requirements, rule_requirements) and not untested
            and not any(_false_negative(r) for r in results) and any(_true_positive(r) for r in results)):
        return "complete"
    if any(_true_positive(r) for r in results):
        return "partial"
    if any("cantTell" in r.outcomes for r in results) and all(
            r.case.expected != "inapplicable" or all(o in SATISFIED for o in r.outcomes) for r in results):
        return "partial"
    return None


def coverage(results: list[TestResult]) -> int:
    if any(r.case.approved for r in results):
        results = [r for r in results if r.case.approved]
    return sum(1 for r in results if "untested" not in r.outcomes and "cantTell" not in r.outcomes
               and (_true_positive(r) or (r.case.expected in SATISFIED and all(o in SATISFIED for o in r.outcomes))))


RANK = {"complete": 0, "partial": 1, None: 2}


def rule_consistency(cases: list[TestCase], assertions: list[Assertion]) -> dict[str, Any]:
    """act-tools ``findProcedureSet`` for one ACT rule: the procedures of the best consistency,
    combined (a set of partial procedures is re-scored as one)."""
    requirements = cases[0].requirements
    by_procedure: dict[str, list[Assertion]] = defaultdict(list)
    for a in assertions:
        by_procedure[a.procedure].append(a)
    if not by_procedure:
        return {"consistency": "untested", "procedures": []}
    scored = []
    for name, group in by_procedure.items():
        results = _results(cases, group)
        failed_reqs = {req for a in group if a.outcome in ("failed", "cantTell") for req in a.requirements}
        scored.append((name, group, consistency(results, failed_reqs, requirements), coverage(results)))
    best = min((s[2] for s in scored), key=lambda c: RANK[c])
    chosen = sorted((s for s in scored if s[2] == best), key=lambda s: -s[3])
    level = best
    if best == "partial":
        group = [a for s in chosen for a in s[1]]
        failed_reqs = {req for a in group if a.outcome in ("failed", "cantTell") for req in a.requirements}
        level = consistency(_results(cases, group), failed_reqs, requirements)
    combined = _results(cases, [a for s in chosen for a in s[1]])
    return {"consistency": level or "inconsistent", "procedures": [s[0] for s in chosen],
            "false_positives": [r.case.title for r in combined if r.case.approved and _false_positive(r)],
            "false_negatives": [r.case.title for r in combined if r.case.approved and _false_negative(r)],
            "untested": [r.case.title for r in combined if r.case.approved and "untested" in r.outcomes],
            "cant_tell": [r.case.title for r in combined if r.case.approved and "cantTell" in r.outcomes]}


def report_table(cases: list[TestCase], assertions: list[Assertion]) -> dict[str, Any]:
    by_rule: dict[str, list[TestCase]] = defaultdict(list)
    for c in cases:
        by_rule[c.rule].append(c)
    rules = {}
    for rule, rule_cases in by_rule.items():
        ids = {c.id for c in rule_cases}
        mapped = [a for a in assertions if a.rule == rule and a.case in ids and rule in a.act]
        rules[rule] = {"name": rule_cases[0].rule_name, **rule_consistency(rule_cases, mapped)}
    counts = Counter(r["consistency"] for r in rules.values())
    return {"counts": {k: counts.get(k, 0) for k in ("complete", "partial", "inconsistent", "untested")},
            "rules": rules}


# ----------------------------------------------------------------------------- EARL → assertions


def earl_assertions(earl: dict[str, Any], case_ids: dict[str, str]) -> list[Assertion]:
    """Read an EARL JSON-LD document as act-tools does (our compact shape: subjects and tests in
    ``@graph`` by ``@id``): subject source → test case, test → procedure, isPartOf → ACT ids and
    WCAG criteria (``WCAG22:<anchor>`` → ``WCAG2:<anchor>``)."""
    nodes = {n["@id"]: n for n in earl["@graph"] if "@id" in n}
    out = []
    for node in earl["@graph"]:
        if node.get("@type") != "earl:Assertion":
            continue
        subject = nodes[node["earl:subject"]["@id"]]
        match = CASE_PATH.search(subject.get("dct:source", ""))
        if not match or match.group(2) not in case_ids:
            continue
        test = nodes[node["earl:test"]["@id"]]
        parts = test.get("dct:isPartOf", [])
        out.append(Assertion(
            rule=match.group(1), case=match.group(2), procedure=test.get("dct:identifier") or test["dct:title"],
            outcome=node["earl:result"]["earl:outcome"]["@id"].removeprefix("earl:"),
            requirements=tuple(re.sub(r"^WCAG2\d?:", "WCAG2:", p) for p in parts if p.startswith("WCAG2")),
            act=tuple(p.removeprefix("act:") for p in parts if p.startswith("act:"))))
    return out


# ----------------------------------------------------------------------------- the two runs


def run_access(cases: list[TestCase], base: str, options: Any, settings: Any) -> tuple[list[dict[str, Any]], dict]:
    """Audit every case with access; one EARL document per case (its graph), plus timings."""
    from access import services
    from access.context import Context
    from access.models import Finding, Location, Outcome
    from access.reports.earl import render_earl
    from auditors.web.axe_run import rules_run
    from rules.axe import axe_rule

    ran = rules_run(options.standard, best_practice=options.best_practice)
    ctx = Context(settings=settings)
    graphs: list[dict[str, Any]] = []
    failed: list[str] = []
    seconds: list[float] = []
    for n, case in enumerate(cases):
        url = base + case.path
        t = time.perf_counter()
        report = services.audit_url(url, options, ctx)
        seconds.append(time.perf_counter() - t)
        if any(p.status != "audited" for p in report.parts):
            failed.append(case.path)          # no outcome at all: the case stays untested
            continue
        flagged_axe = {f.rule for f in report.findings if f.rule.startswith("axe-")}
        extra: list[Finding] = [
            axe_rule(axe_id).finding(Outcome.PASS, "engine", Location(url=url), engine_message="nothing flagged")
            for axe_id in ran if axe_rule(axe_id).id not in flagged_axe]
        report.findings.extend(extra)
        canonical = render_earl(report).decode().replace(base, f"https://www.w3.org/WAI/{ASSETS}/")
        graphs.append(json.loads(canonical.replace('"_:', f'"_:c{n}-')))     # blank nodes unique per case
        if (n + 1) % 25 == 0:
            print(f"  access {n + 1}/{len(cases)}", flush=True)
    return graphs, {"failed_pages": len(failed), "failed_cases": failed,
                    "median_s": round(sorted(seconds)[len(seconds) // 2], 2) if seconds else 0}


AXE_ALONE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "rule", values: arguments[0]}, elementRef: false})
  .then(r => done({version: axe.version, results: Object.fromEntries(
      ["violations", "incomplete", "passes", "inapplicable"].map(k => [k, r[k].map(x => [x.id, x.nodes.length])]))}))
  .catch(e => done({error: String(e && e.message || e)}));
"""
AXE_OUTCOME = {"violations": "failed", "incomplete": "cantTell", "passes": "passed", "inapplicable": "inapplicable"}


def run_axe_alone(cases: list[TestCase], base: str, settings: Any) -> tuple[list[Assertion], str]:
    from auditors.web.actions import settle
    from auditors.web.browser import get_pool
    from rules.axe import axe_metadata

    act_of = {r["id"]: tuple(r["act_ids"]) for r in axe_metadata()["rules"] if r["act_ids"]}
    pool = get_pool(settings)
    out: list[Assertion] = []
    skipped: list[str] = []
    version = "?"
    session = pool.acquire(False)
    try:
        for n, case in enumerate(cases):
            session.driver.get(base + case.path)
            settle(session)
            if not str(session.run("return location.href")).startswith(base):
                skipped.append(case.path)         # it left for another site (a redirect): untested, as for access
                continue
            raw = session.run_async(AXE_ALONE, sorted(act_of))
            if not raw or raw.get("error"):
                print(f"  axe failed on {case.path}: {raw and raw.get('error')}")
                continue
            version = raw["version"]
            for kind, outcome in AXE_OUTCOME.items():
                for rule_id, nodes in raw["results"][kind]:
                    for _ in range(max(1, nodes) if kind in ("violations", "incomplete") else 1):
                        out.append(Assertion(case.rule, case.id, rule_id, outcome, _axe_requirements(rule_id),
                                             act_of[rule_id]))
            if (n + 1) % 50 == 0:
                print(f"  axe {n + 1}/{len(cases)}", flush=True)
    finally:
        pool.release(session, False)
    if skipped:
        print(f"  axe alone: {len(skipped)} case(s) left for another site, untested: {', '.join(skipped)}")
    return out, version


def _axe_requirements(rule_id: str) -> tuple[str, ...]:
    from access.requirements import CRITERIA
    from rules.axe import axe_rules
    entry = axe_rules()[rule_id]
    return tuple(f"WCAG2:{CRITERIA[sc].slug}" for sc in entry.wcag)


def assertions_earl(assertions: list[Assertion], cases: dict[str, TestCase], tool: str) -> dict[str, Any]:
    """axe alone's outcomes as EARL (for W3C act-tools, if one wants to check our port)."""
    graph = [{"@type": "earl:Assertion", "earl:assertedBy": tool,
              "earl:subject": {"@type": "earl:TestSubject", "dct:source":
                               f"https://www.w3.org/WAI/{ASSETS}/testcases/{a.rule}/{a.case}.html"},
              "earl:test": {"@type": "earl:TestCase", "dct:title": a.procedure,
                            "dct:isPartOf": [*(f"act:{x}" for x in a.act), *a.requirements]},
              "earl:result": {"@type": "earl:TestResult", "earl:outcome": f"earl:{a.outcome}"}}
             for a in assertions]
    return {"@context": {"earl": "http://www.w3.org/ns/earl#", "dct": "http://purl.org/dc/terms/",
                         "WCAG2": "https://www.w3.org/TR/WCAG22/#",
                         "act": "https://www.w3.org/WAI/standards-guidelines/act/rules/"}, "@graph": graph}


def recount(args: argparse.Namespace, failed: set[str]) -> None:
    """access's table again from the stored EARL, the ``failed`` cases (pages that could not be
    audited) left out: they are untested."""
    with tempfile.TemporaryDirectory(prefix="act-suite-") as tmp:
        root, _ = extract(args.repo, args.commit, Path(tmp))
        cases = [c for c in load_cases(root / "WAI") if c.approved]
    earl = json.loads((RESULTS / "act-earl-access.json").read_text())
    gone = {c.id for c in cases if c.path in failed}
    assertions = [a for a in earl_assertions(earl, {c.id: c.id for c in cases}) if a.case not in gone]
    table = report_table(cases, assertions)
    result = json.loads(args.out.read_text())
    result["access"] = table
    result["access_run"]["failed_cases"] = sorted(failed)
    result["access_run"]["failed_pages"] = len(failed)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print_table("access", table)


def check_port(repo: Path, commit: str, root: Path, cases: list[TestCase], vendor: str = "axe-core") -> dict[str, Any]:
    """Our port of act-tools against act-tools itself: recompute a published implementation report
    (``_data/wcag-act-rules/implementations/<vendor>.json``, made by act-tools from the vendor's EARL in
    ``content-assets/wcag-act-rules/earl/``) from the same EARL, rule by rule. act-tools maps a
    procedure to the ACT rule whose test cases it asserts on, as here."""
    earl = json.loads((root / ASSETS / "earl" / f"{vendor}.json").read_text(encoding="utf-8"))
    rule_of = {c.id: c.rule for c in cases}
    assertions = []
    for node in earl["@graph"]:
        match = CASE_PATH.search((node.get("subject") or {}).get("source", ""))
        if not match or match.group(2) not in rule_of or "test" not in node or "result" not in node:
            continue
        test = node["test"]
        parts = test.get("isPartOf") or []
        assertions.append(Assertion(match.group(1), match.group(2), test.get("title") or test["@id"],
                                    node["result"]["outcome"].removeprefix("earl:"),
                                    tuple(re.sub(r"^WCAG2\d?:", "WCAG2:", p) for p in parts if p.startswith("WCAG")),
                                    (match.group(1),)))
    ours = report_table(cases, assertions)
    published = json.loads(subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"{commit}:_data/wcag-act-rules/implementations/{vendor}.json"],
        check=True, capture_output=True).stdout)
    theirs = {m["ruleId"]: m["consistency"] or ("inconsistent" if m["procedureNames"] else "untested")
              for m in published["actRuleMapping"] if m["ruleApproved"]}
    differ = {r: (ours["rules"][r]["consistency"], theirs[r]) for r in theirs
              if r in ours["rules"] and ours["rules"][r]["consistency"] != theirs[r]}
    return {"vendor": vendor, "ours": ours["counts"], "published": published["approvedRules"], "differ": differ}


# ----------------------------------------------------------------------------- main


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def _fonts() -> list[str]:
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", "fonts-*"], capture_output=True,
                         text=True).stdout
    return [line for line in out.splitlines() if len(line.split()) > 1]       # installed: with a version


def print_table(name: str, table: dict[str, Any]) -> None:
    c = table["counts"]
    print(f"{name}: consistent {c['complete']} / partial {c['partial']} / inconsistent {c['inconsistent']} / "
          f"untested {c['untested']}")
    for rule, r in sorted(table["rules"].items()):
        if r["consistency"] != "complete":
            detail = "; ".join(f"{k}: {', '.join(r[k])}" for k in ("false_positives", "false_negatives", "untested")
                               if r.get(k))
            print(f"   {rule} {r['consistency']:<12} {'+'.join(r['procedures']) or '-'}  {detail}")


def main() -> None:
    from access.config import Settings
    from access.models import AuditOptions, Standard
    from auditors.web.browser import close_all_pools

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_MIRROR, help="git directory of w3c/wcag-act-rules")
    parser.add_argument("--commit", default=ACT_COMMIT)
    parser.add_argument("--rules", default="", help="only these ACT rule ids (comma-separated)")
    parser.add_argument("--standard", default="wcag22aaa")
    parser.add_argument("--best-practice", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--skip-axe", action="store_true", help="keep axe alone's table from the last run")
    parser.add_argument("--out", type=Path, default=RESULTS / "act.json")
    parser.add_argument("--recount", type=Path, metavar="FAILED_CASES",
                        help="recompute access's table from the stored EARL, leaving out the test cases listed "
                             "(one relative path a line) as untested")
    parser.add_argument("--check-port", action="store_true",
                        help="only recompute W3C's published axe-core report (from Deque's EARL, which reads "
                             "flat) with our port of act-tools, rule by rule")
    args = parser.parse_args()
    if args.recount:
        recount(args, set(args.recount.read_text().split()))
        return
    if args.check_port:
        with tempfile.TemporaryDirectory(prefix="act-suite-") as tmp:
            root, _ = extract(args.repo, args.commit, Path(tmp))
            cases = load_cases(root / "WAI")
            print(json.dumps(check_port(args.repo, args.commit, root / "WAI", cases, "axe-core")))
        return

    with tempfile.TemporaryDirectory(prefix="act-suite-") as tmp:
        root, missing = extract(args.repo, args.commit, Path(tmp))
        cases = [c for c in load_cases(root / "WAI") if c.approved]
        if args.rules:
            wanted = set(args.rules.split(","))
            cases = [c for c in cases if c.rule in wanted]
        by_id = {c.id: c for c in cases}
        server, base = serve(root)
        settings = Settings(_env_file=None, browser_pool_size=1, page_timeout=30, host_rate=0.0)
        options = AuditOptions(max_pages=1, max_depth=0, allow_private=True, respect_robots=False,
                               standard=Standard(args.standard), best_practice=args.best_practice)
        started = datetime.now(UTC)
        print(f"{len(cases)} approved test cases of {len({c.rule for c in cases})} approved ACT rules")
        previous = json.loads(args.out.read_text()) if args.out.exists() else {}
        try:
            if args.skip_axe and previous.get("axe"):
                axe_table, axe_version = previous["axe"], previous["axe_version"]
            else:
                axe_assertions, axe_version = run_axe_alone(cases, base, settings)
                axe_table = report_table(cases, axe_assertions)
                RESULTS.mkdir(exist_ok=True)
                earl = assertions_earl(axe_assertions, by_id, "axe-core")
                (RESULTS / "act-earl-axe.json").write_text(json.dumps(earl))
            t = time.perf_counter()
            graphs, stats = run_access(cases, base, options, settings)
            access_seconds = time.perf_counter() - t
        finally:
            close_all_pools()
            server.shutdown()
    access_assertions = [a for g in graphs for a in earl_assertions(g, {c.id: c.id for c in cases})]
    access_table = report_table(cases, access_assertions)
    print_table(f"axe-core {axe_version} alone", axe_table)
    print_table("access", access_table)
    result = {
        "date": started.isoformat(timespec="seconds"), "machine": _machine(), "fonts": _fonts(),
        "suite": {"repo": ACT_REPO, "commit": args.commit, "cases": len(cases), "files_missing": missing,
                  "rules": len({c.rule for c in cases})},
        "consistency_definition": {"repo": ACT_TOOLS_REPO, "commit": ACT_TOOLS_COMMIT},
        "options": {"standard": args.standard, "best_practice": args.best_practice},
        "axe_version": axe_version, "axe": axe_table,
        "access": access_table, "access_run": {**stats, "seconds": round(access_seconds, 1)},
    }
    RESULTS.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    merged = {"@context": graphs[0]["@context"] if graphs else {}, "@graph": [n for g in graphs for n in g["@graph"]]}
    (RESULTS / "act-earl-access.json").write_text(json.dumps(merged))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
