"""The ``access`` command: local audits and conversions (no server needed), the service
(``serve``, ``worker``), API keys and the rule catalogue.

Reports go to standard output (or ``-o``); progress and messages go to standard error, so
``access audit page.html --format sarif > out.sarif`` works in CI. Exit codes: 0 ok, 1 error,
2 findings at or above ``--fail-on``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from access import __version__
from access.errors import AccessError
from access.models import Finding, Impact, Report, Standard
from access.registry import get_registry

if TYPE_CHECKING:       # the commands import what they use, so `access --help` starts quickly
    from access.config import Settings
    from access.context import Context

app = typer.Typer(name="access", no_args_is_help=True, add_completion=False,
                  help="Audit learning materials for accessibility and convert them to accessible formats.",
                  epilog="Examples:\n\n"
                         "  access audit lesson.html --fail-on serious -o report.json\n\n"
                         "  access convert chapter.docx --to html,epub,mp3 -o out/\n\n"
                         "  access serve   (then: access keys create --tenant my-school)\n\n"
                         "Run 'access COMMAND --help' for a command's options.")
keys_app = typer.Typer(no_args_is_help=True, help="API keys (one tenant per key).")
app.add_typer(keys_app, name="keys")
err = Console(stderr=True)
try:                        # typer ≥ 0.24 carries its own copy of click
    from typer._click.types import StringParamType
except ImportError:         # pragma: no cover - older typer uses click itself
    from click.types import StringParamType


class PlainText(StringParamType):
    """A text argument whose help shows its name alone, not a Python type (``<str>``)."""

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return ""


PLAIN_TEXT = PlainText()
PROGRESS_STEP = 10          # percent between two progress lines when standard error is not a terminal


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"access {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_show_version,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Audit learning materials for accessibility and convert them to accessible formats."""


@keys_app.callback()
def keys_options() -> None:
    """API keys (one tenant per key). Every keys command says which database it uses (on standard
    error), so a key is never made in a database the service does not read."""
    from access.config import get_settings, redact_url

    settings = get_settings()
    err.print(f"database: {redact_url(settings.resolved_database_url)}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


class LineProgress:
    """Progress for logs (standard error is not a terminal, e.g. CI): one plain line whenever the
    stage changes or the percentage reaches another step of ``PROGRESS_STEP``, never a redraw."""

    def __init__(self, console: Console, step: int = PROGRESS_STEP, min_interval: float = 0.5,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.console, self.step, self.min_interval, self.clock = console, step, min_interval, clock
        self.last: tuple[str, int] | None = None
        self.last_at = float("-inf")

    def __call__(self, percent: float, stage: str) -> None:
        percent = max(0.0, min(100.0, percent))
        step = int(percent // self.step) * self.step
        if self.last is not None:
            same_stage, same_step = stage == self.last[0], step == self.last[1]
            # a stage that only counts on ("3 of 40") prints at most every min_interval seconds
            if (same_stage and same_step) or (same_step and self.clock() - self.last_at < self.min_interval):
                return
        self.last, self.last_at = (stage, step), self.clock()
        self.console.print(f"{percent:3.0f}% {stage}", highlight=False, soft_wrap=True)


@contextmanager
def _progress() -> Iterator[Callable[[float, str], None]]:
    """What a command reports progress to: a bar on a terminal, lines otherwise."""
    if not err.is_terminal:
        yield LineProgress(err)
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TimeElapsedColumn(), console=err, transient=True)
    with bar:
        task = bar.add_task("starting", total=100)
        yield lambda percent, stage: bar.update(task, completed=max(0.0, min(100.0, percent)), description=stage)


def _context(update: Callable[[float, str], None], settings: Settings) -> Context:
    from access import services

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


@app.command(epilog="Examples:\n\n"
                    "  access audit lesson.html --fail-on serious -o report.json\n\n"
                    "  access audit https://example.org/course --max-pages 20 --format sarif > course.sarif\n\n"
                    "  access audit page.html --baseline last-week.json   (only new findings)\n\n"
                    "Exit status: 0 done, 1 error, 2 violations at or above --fail-on.")
def audit(
    target: Annotated[str, typer.Argument(metavar="TARGET", click_type=PLAIN_TEXT,
                                          help="A URL (http/https) or a file (html, pdf, docx, pptx, epub, zip).")],
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, metavar="N", help="Web: most pages to audit.")]
    = 50,
    max_depth: Annotated[int, typer.Option("--max-depth", min=0, metavar="N",
                                           help="Web: how many links deep to crawl.")] = 3,
    standard: Annotated[Standard, typer.Option("--standard", metavar="STANDARD",
                                               help="Conformance target: wcag2a, wcag2aa, wcag21aa, wcag22aa.")]
    = Standard.WCAG22AA,
    format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                        help="json, html, csv, sarif, junit or earl.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write the report here (default: standard output).")] = None,
    fail_on: Annotated[Impact | None, typer.Option("--fail-on", metavar="IMPACT", help=(
        "Exit 2 when a violation this severe or worse exists: critical, serious, moderate or minor."))] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", metavar="FILE",
                                                  help="Earlier JSON report: report only new findings.")] = None,
    include: Annotated[list[str] | None, typer.Option("--include", metavar="REGEX",
                                                      help="Web: URL regex a page must match (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", metavar="REGEX",
                                                      help="Web: URL regex that drops a page (repeatable).")] = None,
    audit_documents: Annotated[bool, typer.Option(help="Web: also audit linked PDF/Office files.")] = False,
    axe_only: Annotated[bool, typer.Option(help="Web: run axe-core only, without our own browser checks.")]
    = False,
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
                           allow_private=True)
    try:
        with _progress() as update:
            ctx = _context(update, settings)
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
    if fail_on is not None and (tripped := report.worst_at_or_above(fail_on)):
        err.print(fail_on_message(tripped, fail_on), highlight=False, soft_wrap=True)
        raise typer.Exit(2)


def fail_on_message(tripped: list[Finding], threshold: Impact, shown: int = 10) -> str:
    """Which findings made ``--fail-on`` fail: how many, and per rule its impact and count."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in tripped:
        by_rule.setdefault(finding.rule, []).append(finding)
    ranked = sorted(by_rule.items(), key=lambda kv: (-(kv[1][0].impact.rank if kv[1][0].impact else 0),
                                                      -len(kv[1]), kv[0]))
    lines = [f"--fail-on {threshold.value}: {len(tripped)} violation(s) at or above {threshold.value} "
             f"in {len(by_rule)} rule(s):"]
    for rule, found in ranked[:shown]:
        impact = found[0].impact.value if found[0].impact else "?"
        lines.append(f"  {rule} ({impact}): {len(found)}")
    if len(ranked) > shown:
        lines.append(f"  … and {len(ranked) - shown} more rule(s)")
    return "\n".join(lines)


def _emit(body: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(body if body.endswith(b"\n") else body + b"\n")
        sys.stdout.flush()
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(body)
        err.print(f"report written to {output}")


# ----------------------------------------------------------------------------- convert


@app.command(epilog="Examples:\n\n"
                    "  access convert chapter.docx --to html,epub -o out/\n\n"
                    "  access convert lesson.pdf --to mp3,daisy --language sw --rate 150\n\n"
                    "  access convert notes.md --to brf,easy-read --braille-grade 1")
def convert(
    file: Annotated[str, typer.Argument(metavar="FILE", click_type=PLAIN_TEXT, help="The document to convert.")],
    to: Annotated[str, typer.Option("--to", "-t", metavar="TARGETS",
                                    help="Targets, comma separated: html,epub,mp3,daisy,brf,easy-read.")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="Folder for the outputs.")]
    = Path("out"),
    language: Annotated[str | None, typer.Option("--language", metavar="LANG",
                                                 help="Document language (BCP 47) if not detected.")] = None,
    voice: Annotated[str | None, typer.Option("--voice", metavar="VOICE",
                                              help="Speech voice, e.g. espeak:en, piper:joe, pyttsx3:en.")] = None,
    rate: Annotated[int, typer.Option("--rate", min=80, max=450, metavar="WPM",
                                      help="Speech rate, words per minute.")] = 175,
    braille_grade: Annotated[int, typer.Option("--braille-grade", min=1, max=2, metavar="GRADE",
                                               help="Braille grade (1 or 2).")] = 2,
) -> None:
    """Convert a document into accessible formats, written into a folder."""
    from access import services
    from access.config import get_settings
    from access.conversion import GateResult
    from access.models import ConvertOptions

    settings = get_settings()
    registry = get_registry()
    path = Path(file)
    if not path.is_file():
        raise fail(f"No such file: {file}")
    output = output.expanduser().resolve()
    try:
        targets = services.validate_targets(to.split(","), registry)
        options = ConvertOptions(targets=targets, language=language, voice=voice, rate=rate,
                                 braille_grade=braille_grade)
        source = services.source_file(path, path.name, settings)
        with _progress() as update:
            result = services.convert(source, options, output, _context(update, settings), registry)
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


@app.command(epilog="Examples:\n\n  access rules --target pdf\n\n  access rules --format markdown > rules.md")
def rules(
    format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table, markdown or json.")]
    = "table",
    target: Annotated[str | None, typer.Option("--target", metavar="TARGET",
                                               help="Only rules for this target (html, web, pdf ...).")] = None,
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
        # ids are what configs and reports name: never cut; the other columns wrap, none is cut
        table = Table(Column("id", no_wrap=True, min_width=max((len(r.id) for r in chosen), default=2)),
                      *(Column(name, overflow="fold") for name in ("title", "target", "impact", "WCAG", "refs")))
        for r in chosen:
            table.add_row(r.id, r.title, r.target, r.impact.value, ", ".join(r.wcag), ", ".join(r.standard_refs))
        out = Console()
        if not out.is_terminal:           # a file or a pipe: as wide as the table needs, not 80 columns
            out = Console(width=max(out.width, 200))
        out.print(table)
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
