"""What the PDF, Word and PowerPoint auditors share: the upload-size check, building the Report
from the facts' rule run (rules run through :func:`access.rulerun.run_rules`), and the whole audit
of an Office file (:func:`audit_office`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from access.config import Settings
from access.context import Context
from access.errors import FileTooLarge
from access.models import AuditedPart, AuditOptions, EngineInfo, Report, SourceFile
from access.rulerun import RuleRun, run_rules
from access.ruleset import RuleSet


class DocumentFacts(Protocol):
    engine_versions: dict[str, str]


Facts = TypeVar("Facts", bound=DocumentFacts)


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


def audit_office(source: SourceFile, options: AuditOptions, ctx: Context, *, kind: str, stage: str,
                 inspect: Callable[..., Facts], rules: RuleSet, parts: Callable[[Facts], list[AuditedPart]],
                 metadata: Callable[[Facts], dict[str, Any]]) -> Report:
    """Audit a Word or PowerPoint file: gather its facts in one pass (``inspect(path, max_pages=)``),
    run the family's rules on them, report the ``parts`` and ``metadata`` the facts give."""
    started = time.perf_counter()
    path = Path(source.path)
    check_size(path, ctx.settings)
    ctx.progress(0, stage)
    facts = inspect(path, max_pages=ctx.settings.max_pages)
    ctx.check_cancelled()
    ctx.progress(60, "checking rules")
    run = run_rules(rules.rules(), facts, standard=options.standard)
    ctx.progress(100, "done")
    return build_report(target=source.filename or path.name, kind=kind, options=options,
                        engines=facts.engine_versions, parts=parts(facts), run=run, started=started,
                        metadata=metadata(facts))
