"""What the PDF, Word and PowerPoint auditors share: the upload-size check and building the Report
from the facts' rule run (rules run through :func:`access.rulerun.run_rules`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from access.config import Settings
from access.errors import FileTooLarge
from access.models import AuditedPart, AuditOptions, EngineInfo, Report
from access.rulerun import RuleRun


def check_size(path: Path, settings: Settings) -> None:
    """Refuse files larger than the upload limit (the CLI reads files the API never saw)."""
    size = path.stat().st_size
    if size > settings.max_upload_bytes:
        raise FileTooLarge(f"The file is {size / 1e6:.1f} MB; this service accepts at most "
                           f"{settings.max_upload_bytes / 1e6:.0f} MB.")


def build_report(*, target: str, kind: str, options: AuditOptions, engines: dict[str, str],
                 parts: list[AuditedPart], run: RuleRun, started: float, metadata: dict[str, Any]) -> Report:
    report = Report(target=target, target_kind=kind, standard=options.standard,
                    engines=[EngineInfo(name=k, version=v) for k, v in engines.items()],
                    parts=[*parts, *run.failed_parts()], findings=run.findings, metadata=metadata)
    report.metadata["seconds"] = round(time.perf_counter() - started, 3)
    return report.finish()
