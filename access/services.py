"""What the CLI, the API, the job runner, the web app and the quality gates all call: audit a
subject, convert a file, render a report, and the checks a submission must pass.

Everything dispatches through the plugin registry, so this module imports no auditor or converter.
Everything here is synchronous: inputs in, a Report or files out, progress reported through the
context; no HTTP, no queue, no job rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from access.auditing import Auditor, Subject, run_audit
from access.config import Settings, get_settings
from access.context import Context
from access.conversion import run_conversion
from access.errors import LimitExceeded, QualityGateFailed, UnsupportedFormat, ValidationFailed
from access.formats import detect_format
from access.models import AuditOptions, ConversionResult, ConvertOptions, Report, SourceFile
from access.registry import Registry, get_registry

WEB = "web"                        # the auditor of URL subjects
__all__ = ["QualityGateFailed"]    # raised by convert(); callers catch it from here


def make_context(settings: Settings | None = None, **kwargs: Any) -> Context:
    return Context(settings=settings or get_settings(), **kwargs)


def source_file(path: Path, filename: str | None = None, settings: Settings | None = None,
                registry: Registry | None = None) -> SourceFile:
    settings = settings or get_settings()
    fmt = detect_format(path, filename, max_unpacked_bytes=settings.max_unpacked_bytes, registry=registry,
                        settings=settings)
    return SourceFile(path=str(path), filename=filename or path.name, format=fmt)


# ----------------------------------------------------------------------------- audits


def audit_formats(registry: Registry | None = None) -> list[str]:
    """The file formats this installation audits (URLs are audited by the ``web`` auditor)."""
    return [f for f in (registry or get_registry()).auditors.names() if f != WEB]


def auditor_for(subject: Subject, registry: Registry | None = None) -> Auditor:
    """The auditor of a subject, or ``unsupported_format`` saying what is supported."""
    registry = registry or get_registry()
    if subject.url is not None:
        auditor = registry.auditors.get(WEB)
        if auditor is None:
            raise UnsupportedFormat("Web (URL) audits are not available in this installation.")
        return auditor
    assert subject.source is not None
    fmt = subject.source.format
    auditor = registry.auditors.get(fmt) if fmt != WEB else None
    if auditor is None:
        supported = ", ".join(audit_formats(registry)) or "none"
        raise UnsupportedFormat(f"Auditing {fmt} files is not supported yet (supported: {supported}).")
    return auditor


def check_audit_options(subject: Subject, options: AuditOptions, settings: Settings,
                        registry: Registry | None = None) -> None:
    """Limits a submission must respect, the same for the CLI and the API; rules named in
    ``disable_rules`` must exist."""
    if subject.url is not None and options.max_pages > settings.max_crawl_pages:
        raise LimitExceeded(f"max_pages may be at most {settings.max_crawl_pages} "
                            "(setting ACCESS_MAX_CRAWL_PAGES).")
    if options.disable_rules:
        rules = (registry or get_registry()).rules
        unknown = [r for r in options.disable_rules if r not in rules]
        if unknown:
            raise ValidationFailed(f"disable_rules: no rule {', '.join(map(repr, unknown))} "
                                   "(`access rules` lists them).")


def audit(subject: Subject, options: AuditOptions, ctx: Context, registry: Registry | None = None) -> Report:
    """Audit a file or a URL in this process: discover → audit units → assemble."""
    registry = registry or get_registry()
    auditor = auditor_for(subject, registry)
    check_audit_options(subject, options, ctx.settings, registry)
    return run_audit(auditor, subject, options, ctx)


def audit_file(source: SourceFile, options: AuditOptions, ctx: Context, registry: Registry | None = None) -> Report:
    return audit(Subject(source=source), options, ctx, registry)


def audit_url(url: str, options: AuditOptions, ctx: Context, registry: Registry | None = None) -> Report:
    return audit(Subject(url=url), options, ctx, registry)


def audit_queue(subject: Subject, registry: Registry | None = None) -> str:
    """The queue an audit belongs on: browser work for URLs, document work for files."""
    return auditor_for(subject, registry).queue


# ----------------------------------------------------------------------------- conversions


def convert_targets(registry: Registry | None = None) -> list[str]:
    return (registry or get_registry()).writers.names()


def conversion_inputs(registry: Registry | None = None) -> list[str]:
    return (registry or get_registry()).readers.names()


def validate_targets(targets: list[str], registry: Registry | None = None) -> list[str]:
    registry = registry or get_registry()
    cleaned = list(dict.fromkeys(t.strip().lower() for t in targets if t.strip()))
    if not cleaned:
        raise UnsupportedFormat("Name at least one target format.")
    unknown = [t for t in cleaned if t not in registry.writers]
    if unknown:
        supported = ", ".join(registry.writers.names()) or "none yet"
        raise UnsupportedFormat(
            f"Conversion to {', '.join(unknown)} is not supported yet (supported: {supported}).")
    return cleaned


def check_conversion(source_format: str, targets: list[str], registry: Registry | None = None) -> list[str]:
    """The targets, cleaned, once the input and every target are known to be convertible."""
    registry = registry or get_registry()
    targets = validate_targets(targets, registry)
    if source_format not in registry.readers:
        supported = ", ".join(registry.readers.names()) or "none yet"
        raise UnsupportedFormat(f"Converting {source_format} files is not supported yet (supported: {supported}).")
    return targets


def convert_queue(targets: list[str], registry: Registry | None = None) -> str:
    registry = registry or get_registry()
    queues = {registry.writers[t].queue for t in targets if t in registry.writers}
    return "media" if "media" in queues else "documents"


def convert(source: SourceFile, options: ConvertOptions, outdir: Path, ctx: Context,
            registry: Registry | None = None) -> ConversionResult:
    """Read the source, transform, write every target and run each target's quality gate."""
    registry = registry or get_registry()
    options.targets = check_conversion(source.format, options.targets, registry)
    return run_conversion(source, options, outdir, ctx, registry)


# ----------------------------------------------------------------------------- reports


def report_formats(registry: Registry | None = None) -> list[str]:
    return ["json", *(registry or get_registry()).report_formats.names()]


REPORT_EXTENSIONS = {"application/json": "json", "text/html": "html", "text/csv": "csv",
                     "application/sarif+json": "sarif", "application/xml": "xml", "application/ld+json": "jsonld"}


def report_extension(fmt: str, registry: Registry | None = None) -> str:
    """The file extension of a report format (``junit`` → ``xml``), for report files named by site."""
    spec = (registry or get_registry()).report_formats.get(fmt) if fmt != "json" else None
    media = spec.media_type.split(";")[0].strip() if spec is not None else "application/json"
    return REPORT_EXTENSIONS.get(media, fmt)


def render_report(report: Report, fmt: str = "json", registry: Registry | None = None) -> tuple[bytes, str]:
    """The report in one of the report formats: (bytes, media type)."""
    if fmt == "json":
        return report.model_dump_json(indent=2).encode(), "application/json"
    registry = registry or get_registry()
    spec = registry.report_formats.get(fmt)
    if spec is None:
        raise UnsupportedFormat(f"Report format {fmt!r} is not available (available: "
                                f"{', '.join(report_formats(registry))}).")
    return spec.render(report, registry.rules), spec.media_type


# ----------------------------------------------------------------------------- voices

VOICE_SAMPLE_TEXT = "Hello. This is how this voice reads your documents, at this speed."


def voice_sample(voice: str | None, rate: int, folder: Path, ctx: Context, registry: Registry | None = None) -> Path:
    """A short sentence spoken by ``voice`` at ``rate`` words per minute, as MP3: the real speech
    step and mp3 writer of a conversion, so the sample sounds exactly like the book will. Kept in
    ``folder`` (one file per voice and speed) and made once."""
    options = ConvertOptions(targets=["mp3"], voice=voice or None, rate=rate, validation="off")
    safe = "".join(c if c.isalnum() else "-" for c in (voice or "default"))[:80]
    sample = folder / f"{safe}-{options.rate}.mp3"
    if sample.is_file():
        return sample
    work = folder / f"work-{safe}-{options.rate}"
    work.mkdir(parents=True, exist_ok=True)
    text = work / "sample.txt"
    text.write_text(VOICE_SAMPLE_TEXT + "\n", encoding="utf-8")
    result = convert(source_file(text, "sample.txt", ctx.settings, registry), options, work / "out", ctx, registry)
    made = next(Path(a.path) for a in result.artifacts if a.name.endswith(".mp3"))
    made = made if made.is_absolute() else work / "out" / made
    made.replace(sample)
    for path in sorted(work.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    work.rmdir()
    return sample
