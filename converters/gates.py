"""Quality gates: every output is checked before it is handed over.

- HTML: our own auditor (``access.services.audit_file``, format "html") on the written file: zero
  violations expected. Images whose text alternative was missing in the source are reported as
  needs-review (the writer marks them; they are never silently passed).
- EPUB: ``epubcheck`` (Debian package, Java) with zero errors and zero fatal messages, AND our
  auditor on every XHTML content document (the package audited as a zip of XHTML pages).

A gate answers ``{"passed": bool, "checks": [...], "problems": [...], "needs_review": [...]}``; a
check that could not run (auditor or epubcheck missing) fails the gate, visibly.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from access.context import Context
from access.conversion import GateSpec
from access.errors import AccessError
from access.models import ArtifactOut, AuditOptions, ConvertOptions, Outcome, Report, SourceFile
from converters import legacy

EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
EPUBCHECK_TIMEOUT = 180
REVIEW_MARK = re.compile(rb'data-access-review="missing-alt"')


def html_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for art in artifacts:
        if art.media_type != "text/html":
            continue
        check, found, flagged = audit_check(Path(art.path), "html", art.name, ctx)
        checks.append(check)
        problems.extend(found)
        review.extend(flagged)
        review.extend(missing_alt_marks(Path(art.path).read_bytes(), art.name))
    return verdict(checks, problems, review)


def epub_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for art in artifacts:
        if art.media_type != "application/epub+zip":
            continue
        check, found = epubcheck(Path(art.path))
        checks.append(check)
        problems.extend(found)
        check, found, flagged = audit_check(Path(art.path), "zip", art.name, ctx)
        check["name"] = "auditor (content documents)"
        checks.append(check)
        problems.extend(found)
        review.extend(flagged)
        review.extend(art.metadata.get("missing_alt_figures", []))
    return verdict(checks, problems, review)


def verdict(checks: list[dict[str, Any]], problems: list[dict[str, Any]],
            review: list[dict[str, Any]]) -> dict[str, Any]:
    passed = bool(checks) and all(c.get("passed") for c in checks)
    return {"passed": passed, "checks": checks, "problems": problems, "needs_review": review}


def audit_check(path: Path, fmt: str, name: str, ctx: Context) -> tuple[dict, list, list]:
    """Run our auditor through the registry; violations are problems, needs-review is kept apart."""
    from access import services  # the gate reaches the auditor the way every caller does

    try:
        report: Report = services.audit_file(SourceFile(path=str(path), filename=name, format=fmt),
                                             AuditOptions(), ctx)
    except AccessError as exc:
        return ({"name": "auditor", "passed": False, "error": exc.to_dict()["error"]},
                [{"check": "auditor", "code": exc.code, "message": exc.message}], [])
    violations = [f for f in report.findings if f.outcome is Outcome.VIOLATION]
    reviews = [f for f in report.findings if f.outcome is Outcome.NEEDS_REVIEW]
    failed_parts = [p for p in report.parts if p.status == "failed"]
    check = {"name": "auditor", "passed": not violations and not failed_parts,
             "violations": len(violations), "needs_review": len(reviews),
             "rules_passed": sum(1 for f in report.findings if f.outcome is Outcome.PASS),
             "parts": len(report.parts), "engines": [e.model_dump() for e in report.engines]}
    problems = [{"check": "auditor", "rule": f.rule, "message": f.message,
                 "where": f.location.url or name, "selector": f.location.selector} for f in violations]
    problems += [{"check": "auditor", "part": p.id, **(p.error or {})} for p in failed_parts]
    flagged = [{"check": "auditor", "rule": f.rule, "message": f.message, "selector": f.location.selector}
               for f in reviews]
    return check, problems, flagged


def missing_alt_marks(data: bytes, name: str) -> list[dict[str, Any]]:
    n = len(REVIEW_MARK.findall(data))
    if not n:
        return []
    return [{"check": "writer", "rule": "figure-alt-missing-in-source", "count": n, "where": name,
             "message": f"{n} image(s) had no text alternative in the source; each is marked in the "
                        "output for a reviewer to describe."}]


def epubcheck(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run epubcheck --json; errors and fatal messages are problems (warnings are reported)."""
    java = shutil.which("java")
    if java is None or not EPUBCHECK_JAR.exists():
        msg = "epubcheck is not installed (Debian package epubcheck)."
        return {"name": "epubcheck", "passed": False, "error": msg}, [{"check": "epubcheck", "message": msg}]
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        out = Path(tmp) / "report.json"
        try:
            proc = subprocess.run([java, "-jar", str(EPUBCHECK_JAR), str(path), "--json", str(out)],
                                  capture_output=True, text=True, timeout=EPUBCHECK_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            msg = f"epubcheck did not finish within {EPUBCHECK_TIMEOUT} s."
            return {"name": "epubcheck", "passed": False, "error": msg}, [{"check": "epubcheck", "message": msg}]
        if not out.exists():
            msg = f"epubcheck wrote no report: {proc.stderr.strip()[-500:]}"
            return {"name": "epubcheck", "passed": False, "error": msg}, [{"check": "epubcheck", "message": msg}]
        data = json.loads(out.read_text(encoding="utf-8"))
    messages = data.get("messages", [])
    counts: dict[str, int] = {}
    problems = []
    warnings = []
    for m in messages:
        sev = m.get("severity", "")
        counts[sev] = counts.get(sev, 0) + 1
        where = [f"{loc.get('path')}:{loc.get('line')}" for loc in m.get("locations", [])][:3]
        entry = {"check": "epubcheck", "id": m.get("ID"), "severity": sev, "message": m.get("message"),
                 "where": where}
        if sev in ("ERROR", "FATAL"):
            problems.append(entry)
        elif sev == "WARNING":
            warnings.append(entry)
    checker = data.get("checker", {})
    check = {"name": "epubcheck", "passed": not problems, "version": checker.get("checkerVersion"),
             "errors": counts.get("ERROR", 0) + counts.get("FATAL", 0), "warnings": counts.get("WARNING", 0),
             "warning_messages": warnings[:20]}
    return check, problems


HTML_GATE = GateSpec("html", legacy.gate("html", html_gate), "our auditor: zero violations")
EPUB_GATE = GateSpec("epub", legacy.gate("epub", epub_gate), "epubcheck and our auditor on each content document")
