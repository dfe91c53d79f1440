"""epubcheck (Debian package, Java) as a gate check: zero errors and zero fatal messages; warnings
are reported."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from access.conversion import GateCheck

EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
EPUBCHECK_TIMEOUT = 180
NAME = "epubcheck"


def epubcheck(path: Path) -> GateCheck:
    """Run ``epubcheck --json`` on one package."""
    java = shutil.which("java")
    if java is None or not EPUBCHECK_JAR.exists():
        return GateCheck.of(NAME, False, ["epubcheck is not installed (Debian package epubcheck)."])
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        out = Path(tmp) / "report.json"
        try:
            proc = subprocess.run([java, "-jar", str(EPUBCHECK_JAR), str(path), "--json", str(out)],
                                  capture_output=True, text=True, timeout=EPUBCHECK_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return GateCheck.of(NAME, False, [f"epubcheck did not finish within {EPUBCHECK_TIMEOUT} s."])
        if not out.exists():
            return GateCheck.of(NAME, False, [f"epubcheck wrote no report: {proc.stderr.strip()[-500:]}"])
        data = json.loads(out.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    problems: list[str] = []
    warnings: list[dict[str, Any]] = []
    for m in data.get("messages", []):
        sev = m.get("severity", "")
        counts[sev] = counts.get(sev, 0) + 1
        where = [f"{loc.get('path')}:{loc.get('line')}" for loc in m.get("locations", [])][:3]
        if sev in ("ERROR", "FATAL"):
            problems.append(f"{m.get('ID')} {sev}: {m.get('message')} ({', '.join(where)})")
        elif sev == "WARNING":
            warnings.append({"id": m.get("ID"), "message": m.get("message"), "where": where})
    return GateCheck.of(NAME, not problems, problems, version=data.get("checker", {}).get("checkerVersion"),
                        errors=counts.get("ERROR", 0) + counts.get("FATAL", 0), warnings=counts.get("WARNING", 0),
                        warning_messages=warnings[:20])
