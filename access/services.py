"""audit() and convert(): the functions the CLI, the API and the Celery tasks all call.

They dispatch through the plugin registry, so this module imports no auditor or converter.
Everything here is synchronous and pure in the sense that matters: inputs in, a Report or files
out, progress reported through a callback; no HTTP, no queue, no job rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from access.config import Settings, get_settings
from access.errors import AccessError, UnsupportedFormat
from access.formats import detect_format
from access.models import (
    AuditOptions,
    ConversionResult,
    ConvertOptions,
    Report,
    SourceFile,
)
from access.registry import Context, Registry, get_registry


class QualityGateFailed(AccessError):
    """An output failed its quality check and validation=abort was asked for."""

    code = "quality_gate_failed"
    http_status = 422


def make_context(settings: Settings | None = None, **kwargs: Any) -> Context:
    return Context(settings=settings or get_settings(), **kwargs)


def source_file(path: Path, filename: str | None = None, settings: Settings | None = None) -> SourceFile:
    settings = settings or get_settings()
    fmt = detect_format(path, filename, max_unpacked_bytes=settings.max_unpacked_bytes)
    return SourceFile(path=str(path), filename=filename or path.name, format=fmt)


# ----------------------------------------------------------------------------- audits


def audit_formats(registry: Registry | None = None) -> list[str]:
    return sorted((registry or get_registry()).auditors)


def audit_file(source: SourceFile, options: AuditOptions, ctx: Context,
               registry: Registry | None = None) -> Report:
    registry = registry or get_registry()
    spec = registry.auditors.get(source.format)
    if spec is None or source.format == "web":
        supported = ", ".join(f for f in sorted(registry.auditors) if f != "web") or "none"
        raise UnsupportedFormat(
            f"Auditing {source.format} files is not supported yet (supported: {supported}).")
    return spec.fn(source, options, ctx)


def audit_url(url: str, options: AuditOptions, ctx: Context, registry: Registry | None = None) -> Report:
    registry = registry or get_registry()
    spec = registry.auditors.get("web")
    if spec is None:
        raise UnsupportedFormat("Web (URL) audits are not available in this installation.")
    return spec.fn(url, options, ctx)


def audit_queue(source_format: str | None, registry: Registry | None = None) -> str:
    """The Celery queue an audit belongs on: browser work for URLs, document work for files."""
    registry = registry or get_registry()
    spec = registry.auditors.get(source_format or "web")
    if spec is None:
        return "browser" if source_format is None else "documents"
    return spec.queue


# ----------------------------------------------------------------------------- conversions


def convert_targets(registry: Registry | None = None) -> list[str]:
    return sorted((registry or get_registry()).targets)


def validate_targets(targets: list[str], registry: Registry | None = None) -> list[str]:
    registry = registry or get_registry()
    cleaned = list(dict.fromkeys(t.strip().lower() for t in targets if t.strip()))
    if not cleaned:
        raise UnsupportedFormat("Name at least one target format.")
    unknown = [t for t in cleaned if t not in registry.targets]
    if unknown:
        supported = ", ".join(sorted(registry.targets)) or "none yet"
        raise UnsupportedFormat(
            f"Conversion to {', '.join(unknown)} is not supported yet (supported: {supported}).")
    return cleaned


def convert_queue(targets: list[str], registry: Registry | None = None) -> str:
    registry = registry or get_registry()
    queues = {registry.targets[t].queue for t in targets if t in registry.targets}
    return "media" if "media" in queues else "documents"


def convert(source: SourceFile, options: ConvertOptions, outdir: Path, ctx: Context,
            registry: Registry | None = None) -> ConversionResult:
    """Read the source into a Document, write every target, and run each target's quality gate."""
    registry = registry or get_registry()
    targets = validate_targets(options.targets, registry)
    reader = registry.readers.get(source.format)
    if reader is None:
        supported = ", ".join(sorted(registry.readers)) or "none yet"
        raise UnsupportedFormat(f"Converting {source.format} files is not supported yet (supported: {supported}).")
    outer = ctx.progress
    share = 80.0 / len(targets)

    def scaled(start: float, width: float) -> Any:
        return lambda pct, stage: outer(start + width * max(0.0, min(pct, 100.0)) / 100.0, stage)

    ctx.progress = scaled(0, 20)
    ctx.progress(0, "reading")
    document = reader(source, options, ctx)
    result = ConversionResult(warnings=list(document.warnings),
                              metadata={"title": document.metadata.title,
                                        "language": document.metadata.language,
                                        "words": document.word_count()})
    outdir.mkdir(parents=True, exist_ok=True)
    for i, target in enumerate(targets):
        ctx.check_cancelled()
        spec = registry.targets[target]
        ctx.progress = scaled(20 + i * share, share)
        ctx.progress(0, f"writing {target}")
        artifacts = spec.writer(document, outdir, options, ctx)
        result.artifacts.extend(artifacts)
        for art in artifacts:           # writers report job warnings (e.g. a voice fallback) this way
            result.warnings.extend(w for w in art.metadata.get("warnings", []) if w not in result.warnings)
        if spec.gate is not None and options.validation != "off":
            ctx.progress(95, f"checking {target}")
            gate = spec.gate(artifacts, options, ctx)
            result.gate[target] = gate
            if not gate.get("passed", False) and options.validation == "abort":
                raise QualityGateFailed(f"The {target} output failed its quality check: "
                                        f"{json.dumps(gate.get('problems', []))[:500]}")
    ctx.progress = outer
    outer(100, "done")
    return result


# ----------------------------------------------------------------------------- reports


def report_formats(registry: Registry | None = None) -> list[str]:
    return ["json", *sorted((registry or get_registry()).report_formats)]


def render_report(report: Report, fmt: str = "json", registry: Registry | None = None) -> tuple[bytes, str]:
    """The report in one of the report formats: (bytes, media type)."""
    if fmt == "json":
        return report.model_dump_json(indent=2).encode(), "application/json"
    registry = registry or get_registry()
    if fmt not in registry.report_formats:
        raise UnsupportedFormat(f"Report format {fmt!r} is not available (available: "
                                f"{', '.join(report_formats(registry))}).")
    media_type, render = registry.report_formats[fmt]
    return render(report), media_type
