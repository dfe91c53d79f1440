"""The ``access`` command: local audits and conversions (no server needed), the service
(``serve``, ``worker``), API keys and the rule catalogue.

Reports go to standard output (or ``-o``); progress and messages go to standard error, so
``access audit page.html --format sarif > out.sarif`` works in CI. Exit codes: 0 ok, 1 error,
2 findings at or above ``--fail-on``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from access.errors import AccessError
from access.models import Impact, Report, Standard
from access.registry import get_registry

if TYPE_CHECKING:       # the commands import what they use, so `access --help` starts quickly
    from access.config import Settings
    from access.context import Context

app = typer.Typer(name="access", no_args_is_help=True, add_completion=False,
                  help="Audit learning materials for accessibility and convert them to accessible formats.")
keys_app = typer.Typer(no_args_is_help=True, help="API keys (one tenant per key).")
app.add_typer(keys_app, name="keys")
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                    TimeElapsedColumn(), console=err, transient=True)


def _context(progress: Progress, settings: Settings) -> Context:
    from access import services

    task = progress.add_task("starting", total=100)

    def update(percent: float, stage: str) -> None:
        progress.update(task, completed=max(0.0, min(100.0, percent)), description=stage)

    return services.make_context(settings, progress=update)


# ----------------------------------------------------------------------------- audit


def filter_baseline(report: Report, baseline: Path) -> Report:
    """Keep only findings whose fingerprint is not in the baseline report."""
    try:
        old = Report.model_validate_json(baseline.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AccessError(f"Cannot read the baseline report {baseline}: {exc}") from exc
    known = {f.fingerprint() for f in old.findings}
    report.findings = [f for f in report.findings if f.fingerprint() not in known]
    report.metadata["baseline"] = {"file": str(baseline), "known": len(known)}
    return report.finish()


@app.command()
def audit(
    target: Annotated[str, typer.Argument(help="A URL (http/https) or a file (html, pdf, docx, pptx, epub, zip).")],
    max_pages: Annotated[int, typer.Option(min=1, help="Web: most pages to audit.")] = 50,
    max_depth: Annotated[int, typer.Option(min=0, help="Web: how many links deep to crawl.")] = 3,
    standard: Annotated[Standard, typer.Option(help="Conformance target.")] = Standard.WCAG22AA,
    format: Annotated[str, typer.Option("--format", "-f", help="json, html, csv, sarif, junit, earl.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    fail_on: Annotated[Impact | None, typer.Option(help="Exit 2 when a violation this severe or worse exists.")]
    = None,
    baseline: Annotated[Path | None, typer.Option(help="Earlier JSON report: report only new findings.")] = None,
    include: Annotated[list[str] | None, typer.Option(help="Web: URL regex a page must match.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Web: URL regex that drops a page.")] = None,
    audit_documents: Annotated[bool, typer.Option(help="Web: also audit linked PDF/Office files.")] = False,
    axe_only: Annotated[bool, typer.Option(help="Web: run axe-core only, without our own browser checks.")]
    = False,
    sitemap: Annotated[str | None, typer.Option(help="Web: the sitemap to read (.xml or .xml.gz), instead of those "
                                                     "robots.txt names.")] = None,
) -> None:
    """Audit a web page/site or a document and print the report."""
    from access import services
    from access.config import get_settings
    from access.models import AuditOptions

    settings = get_settings()
    registry = get_registry()
    fmt = format.lower()
    if fmt not in services.report_formats(registry):
        raise fail(f"Unknown report format {format!r} (available: {', '.join(services.report_formats(registry))}).")
    options = AuditOptions(standard=standard, max_pages=max_pages, max_depth=max_depth, include=include or [],
                           exclude=exclude or [], audit_documents=audit_documents, axe_only=axe_only,
                           sitemap=sitemap, allow_private=True)
    try:
        with _progress() as progress:
            ctx = _context(progress, settings)
            if target.lower().startswith(("http://", "https://")):
                report = services.audit_url(target, options, ctx, registry)
            else:
                path = Path(target)
                if not path.is_file():
                    raise fail(f"No such file: {target}")
                source = services.source_file(path, path.name, settings)
                report = services.audit_file(source, options, ctx, registry)
        if baseline is not None:
            report = filter_baseline(report, baseline)
        body, _ = services.render_report(report, fmt, registry)
    except AccessError as exc:
        raise fail(f"{exc.message} [{exc.code}]") from exc
    _emit(body, output)
    s = report.summary
    err.print(f"{s.violations} violation(s), {s.needs_review} to review, in {len(report.parts) or 1} part(s).")
    if report.crawl is not None:
        err.print(f"Crawl: {escape(report.crawl.describe())}", highlight=False, soft_wrap=True)
    if fail_on is not None and report.worst_at_or_above(fail_on):
        raise typer.Exit(2)


def _emit(body: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(body if body.endswith(b"\n") else body + b"\n")
        sys.stdout.flush()
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(body)
        err.print(f"report written to {output}")


# ----------------------------------------------------------------------------- convert


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(help="The document to convert.")],
    to: Annotated[str, typer.Option("--to", "-t", help="Targets, comma separated: html,epub,mp3,daisy,brf,easy-read.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the outputs.")] = Path("out"),
    language: Annotated[str | None, typer.Option(help="Document language (BCP 47) if not detected.")] = None,
    voice: Annotated[str | None, typer.Option(help="Speech voice, e.g. espeak:en.")] = None,
    rate: Annotated[int, typer.Option(min=80, max=450, help="Speech rate, words per minute.")] = 175,
    braille_grade: Annotated[int, typer.Option(min=1, max=2, help="Braille grade.")] = 2,
) -> None:
    """Convert a document into accessible formats, written into a folder."""
    from access import services
    from access.config import get_settings
    from access.conversion import GateResult
    from access.models import ConvertOptions

    settings = get_settings()
    registry = get_registry()
    if not file.is_file():
        raise fail(f"No such file: {file}")
    output = output.expanduser().resolve()
    try:
        targets = services.validate_targets(to.split(","), registry)
        options = ConvertOptions(targets=targets, language=language, voice=voice, rate=rate,
                                 braille_grade=braille_grade)
        source = services.source_file(file, file.name, settings)
        with _progress() as progress:
            result = services.convert(source, options, output, _context(progress, settings), registry)
    except AccessError as exc:
        raise fail(f"{exc.message} [{exc.code}]") from exc
    table = Table(title="Outputs", title_justify="left")
    for column in ("name", "type", "size"):
        table.add_column(column)
    for art in result.artifacts:
        path = Path(art.path) if Path(art.path).exists() else output / art.path
        table.add_row(str(path), art.media_type, str(path.stat().st_size) if path.exists() else "?")
    err.print(table)
    for record in result.gate.values():
        gate = GateResult.model_validate(record)
        status = "[green]passed[/]" if gate.passed else "[red]failed[/]"
        err.print(f"quality gate {gate.target}: {status}")
        for problem in gate.problems[:10]:
            err.print(f"  - {escape(problem)}", soft_wrap=True)
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="The tenant (school, platform) the key belongs to.")],
    show_secret: Annotated[bool, typer.Option(help="Also print the tenant's webhook signing secret.")] = False,
) -> None:
    """Create an API key; prints only the key (it is not stored, only its hash)."""
    from access.config import get_settings
    from access.store import Store

    settings = get_settings()
    if not tenant.strip() or len(tenant) > 100:
        raise fail("Give a tenant name of 1 to 100 characters.")
    store = Store(settings.resolved_database_url)
    try:
        store.ensure_schema()
        key = store.create_api_key(tenant.strip())
        typer.echo(key)
        if show_secret:
            typer.echo(f"webhook secret: {store.webhook_secret(tenant.strip())}")
    finally:
        store.dispose()


# ----------------------------------------------------------------------------- rules


@app.command()
def rules(
    format: Annotated[str, typer.Option("--format", "-f", help="table, markdown or json.")] = "table",
    target: Annotated[str | None, typer.Option(help="Only rules for this target (html, web, pdf ...).")] = None,
) -> None:
    """List the rule catalogue."""
    registry = get_registry()
    chosen = sorted((r for r in registry.rules.values() if target is None or r.target == target),
                    key=lambda r: (r.target, r.id))
    if format == "json":
        typer.echo(json.dumps([_rule_dict(r) for r in chosen], indent=2))
    elif format == "markdown":
        typer.echo(rules_markdown(chosen))
    elif format == "table":
        table = Table("id", "title", "target", "impact", "WCAG", "refs")
        for r in chosen:
            table.add_row(r.id, r.title, r.target, r.impact.value, ", ".join(r.wcag), ", ".join(r.standard_refs))
        Console().print(table)
    else:
        raise fail(f"Unknown format {format!r} (table, markdown, json).")


def _rule_dict(r: Any) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "target": r.target, "impact": r.impact.value, "wcag": list(r.wcag),
            "refs": list(r.standard_refs), "help": r.help}


def rules_markdown(chosen: list[Any]) -> str:
    lines = ["# Rule catalogue", "", "| id | title | target | impact | WCAG | refs |", "|---|---|---|---|---|---|"]
    for r in chosen:
        cells = [r.id, r.title, r.target, r.impact.value, ", ".join(r.wcag), ", ".join(r.standard_refs)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    for r in chosen:
        lines += ["", f"## {r.id}", "", f"**{r.title}** — target `{r.target}`, impact {r.impact.value}, "
                  f"WCAG {', '.join(r.wcag) or '—'}", "", r.body]
    return "\n".join(lines) + "\n"


def add_plugin_commands() -> None:
    """Commands other packages add (``serve`` from api, ``worker`` from workers): the core finds them
    through the ``access.commands`` entry points, as it finds every plugin."""
    for name, command in get_registry().commands.load_all().items():
        app.command(name=name, help=command.help)(command.run)


def main() -> None:
    add_plugin_commands()
    app()


if __name__ == "__main__":
    main()
