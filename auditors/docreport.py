"""What the PDF, Word and PowerPoint auditors share: running rules and building the Report.

A rule is a pure function of the facts an auditor gathered. ``run_rules`` calls each one, keeps
the findings that count toward the requested standard (findings with no WCAG criterion — PDF/UA-only
conditions and best practices — always count), caps very repetitive rules, and turns a rule that
crashes into a recorded ``engine_failed`` part instead of a failed audit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from access.catalogue import Rule
from access.config import Settings
from access.errors import FileTooLarge
from access.models import (
    AuditedPart,
    AuditOptions,
    EngineInfo,
    Finding,
    Location,
    Outcome,
    Report,
)

log = logging.getLogger(__name__)
MAX_FINDINGS_PER_RULE = 200


def check_size(path: Path, settings: Settings) -> None:
    """Refuse files larger than the upload limit (the CLI reads files the API never saw)."""
    size = path.stat().st_size
    if size > settings.max_upload_bytes:
        raise FileTooLarge(f"The file is {size / 1e6:.1f} MB; this service accepts at most "
                           f"{settings.max_upload_bytes / 1e6:.0f} MB.")


def run_rules(rules: Iterable[Rule], facts: Any, options: AuditOptions) -> tuple[list[Finding], dict[str, str]]:
    """(findings, {rule id: error}) of every rule run on ``facts``."""
    findings: list[Finding] = []
    errors: dict[str, str] = {}
    for r in rules:
        if r.check is None:
            continue
        try:
            produced = [f for f in r.check(facts) if f.counts_toward(options.standard)]
        except Exception as exc:  # one broken rule must not lose the whole report
            log.exception("rule %s failed", r.id)
            errors[r.id] = f"{type(exc).__name__}: {exc}"
            continue
        flagged = [f for f in produced if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)]
        if len(flagged) > MAX_FINDINGS_PER_RULE:
            rest = len(flagged) - MAX_FINDINGS_PER_RULE
            keep = set(map(id, flagged[:MAX_FINDINGS_PER_RULE]))
            produced = [f for f in produced if id(f) in keep or f.outcome not in
                        (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)]
            produced.append(r.finding(Outcome.NEEDS_REVIEW, f"{rest} more findings of this rule were not "
                                      "listed.", Location(), omitted=rest))
        findings.extend(produced)
    return findings, errors


def build_report(*, target: str, kind: str, options: AuditOptions, engines: dict[str, str],
                 parts: list[AuditedPart], findings: list[Finding], errors: dict[str, str],
                 started: float, metadata: dict[str, Any]) -> Report:
    report = Report(target=target, target_kind=kind, standard=options.standard,
                    engines=[EngineInfo(name=k, version=v) for k, v in engines.items()],
                    parts=parts, findings=findings, metadata=metadata)
    for rule_id, err in errors.items():
        report.parts.append(AuditedPart(id=f"rule {rule_id}", status="failed",
                                        error={"code": "engine_failed", "message": err}))
    report.metadata["seconds"] = round(time.perf_counter() - started, 3)
    return report.finish()
