"""DAISY Ace (the EPUB accessibility checker, npm ``@daisy/ace-cli``) as a gate check on every EPUB.

Ace runs axe-core in the Debian Chromium (``PUPPETEER_EXECUTABLE_PATH``; nothing is downloaded at run
time) over every content document and checks the package's accessibility metadata, page list and
page source. Its EARL report is read back: every failed assertion of impact critical, serious or
moderate is a problem; minor ones fail the check too (Ace's own verdict), and every finding is kept
in the facts with its rule and where it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.conversion import GateCheck
from converters.gates.settings import GateSettings

if TYPE_CHECKING:
    from access.context import Context

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCRIPT = ROOT / "node_modules" / "@daisy" / "ace-cli" / "bin" / "ace.js"
NAME = "DAISY Ace"


def ace_findings(report: dict[str, Any]) -> list[dict[str, str]]:
    """Every failed assertion of an Ace report: rule, impact, what, where."""
    found: list[dict[str, str]] = []
    for document in report.get("assertions", []):
        where = (document.get("earl:testSubject") or {}).get("url", "")
        for assertion in document.get("assertions", []):
            result = assertion.get("earl:result") or {}
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test") or {}
            pointer = (result.get("earl:pointer") or {}).get("css") or []
            found.append({"rule": test.get("dct:title", ""), "impact": test.get("earl:impact", ""),
                          "description": " ".join(str(result.get("dct:description", "")).split())[:300],
                          "where": where + (f" {pointer[0]}" if pointer else "")})
    return found


def ace_check(path: Path, ctx: Context) -> GateCheck:
    """Run Ace on one EPUB; passed when Ace's verdict is pass (no failed assertion)."""
    settings = ctx.plugin_settings(GateSettings)
    script = settings.ace_script or DEFAULT_SCRIPT
    node = shutil.which("node")
    chromium = ctx.settings.chromium_path
    if node is None or not Path(script).is_file():
        return GateCheck.of(NAME, False, [f"DAISY Ace is not installed ({script}); run scripts/bootstrap.sh."])
    if not Path(chromium).exists():
        return GateCheck.of(NAME, False, [f"Chromium, which DAISY Ace runs in, is not at {chromium}."])
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        out = Path(tmp) / "report"
        try:
            proc = subprocess.run([node, str(script), "--silent", "--force", "--outdir", str(out),
                                   "--tempdir", str(Path(tmp) / "work"), "--timeout", str(settings.ace_timeout * 1000),
                                   str(path)], capture_output=True, text=True, env=env,
                                  timeout=settings.ace_timeout + 30, check=False)
        except subprocess.TimeoutExpired:
            return GateCheck.of(NAME, False, [f"DAISY Ace did not finish within {settings.ace_timeout} s."])
        report_path = out / "report.json"
        if not report_path.is_file():
            detail = (proc.stderr or proc.stdout).strip()[-500:]
            return GateCheck.of(NAME, False, [f"DAISY Ace wrote no report (exit {proc.returncode}): {detail}"])
        report = json.loads(report_path.read_text(encoding="utf-8"))
    findings = ace_findings(report)
    verdict = (report.get("earl:result") or {}).get("earl:outcome", "fail")
    problems = [f"{f['rule']} ({f['impact']}): {f['description']} [{f['where']}]" for f in findings]
    version = ((report.get("earl:assertedBy") or {}).get("doap:release") or {}).get("doap:revision")
    return GateCheck.of(NAME, verdict == "pass" and not findings, problems[:50], version=version,
                        violations=len(findings), rules=sorted({f["rule"] for f in findings}),
                        missing_metadata=(report.get("a11y-metadata") or {}).get("missing", []))
