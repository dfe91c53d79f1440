"""The ``access`` command: local audits and conversions (no server needed), the service
(``serve``, ``worker``), API keys and the rule catalogue.

Reports go to standard output (or ``-o``); progress and messages go to standard error, so
``access audit page.html --format sarif > out.sarif`` works in CI. Exit codes: 0 ok, 1 error,
2 findings at or above ``--fail-on``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from access import __version__
from access.errors import AccessError
from access.keys_cli import keys_app
from access.models import Finding, Impact, Report, Standard
from access.registry import get_registry
from access.storage import safe_filename

if TYPE_CHECKING:       # the commands import what they use, so `access --help` starts quickly
    from access.auditconfig import AuditConfig
    from access.browsing import Threshold
    from access.config import Settings
    from access.context import Context
    from access.models import AuditOptions

app = typer.Typer(name="access", no_args_is_help=True, add_completion=False,
                  help="Audit learning materials for accessibility and convert them to accessible formats.",
                  epilog="Examples:\n\n"
                         "  access audit lesson.html --fail-on serious -o report.json\n\n"
                         "  access audit --config access.yml -o reports/\n\n"
                         "  access convert chapter.docx --to html,epub,mp3 -o out/\n\n"
                         "  access serve   (then: access keys create --tenant my-school)\n\n"
                         "Run 'access COMMAND --help' for a command's options.")
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


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


class LineProgress:
    """Progress for logs (standard error is not a terminal, e.g. CI): one plain line whenever the
    stage changes or the percentage reaches another step of ``PROGRESS_STEP``, never a redraw;
    ``prefix`` names the target when one command makes several reports."""

    def __init__(self, console: Console, step: int = PROGRESS_STEP, min_interval: float = 0.5,
                 clock: Callable[[], float] = time.monotonic, prefix: str = "") -> None:
        self.console, self.step, self.min_interval, self.clock = console, step, min_interval, clock
        self.prefix = prefix
        self.last: tuple[str, str, int] | None = None
        self.last_at = float("-inf")

    def __call__(self, percent: float, stage: str) -> None:
        percent = max(0.0, min(100.0, percent))
        step = int(percent // self.step) * self.step
        kind = re.sub(r"\d+", "#", stage)         # "audited 3 of 40 pages" and "... 4 of 40 ..." are one kind
        if self.last is not None:
            last_stage, last_kind, last_step = self.last
            if stage == last_stage and step == last_step:
                return
            # a stage that only counts on prints at most every min_interval seconds; a new stage always
            if kind == last_kind and step == last_step and self.clock() - self.last_at < self.min_interval:
                return
        self.last, self.last_at = (stage, kind, step), self.clock()
        amount = f"{percent:.0f}%" if self.prefix else f"{percent:3.0f}%"     # one report: aligned percentages
        self.console.print(f"{escape(self.prefix)}{amount} {escape(stage)}", highlight=False, soft_wrap=True)


@contextmanager
def _progress(name: str = "") -> Iterator[Callable[[float, str], None]]:
    """What a command reports progress to: a bar on a terminal, lines otherwise."""
    if not err.is_terminal:
        yield LineProgress(err, prefix=f"{name}: " if name else "")
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TimeElapsedColumn(), console=err, transient=True)
    with bar:
        task = bar.add_task(name or "starting", total=100)
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


SHOWN_FINDINGS = 10       # findings listed under a threshold that tripped


@dataclass
class PlannedAudit:
    """One report to make: a site of the config or a target of the command line."""

    name: str
    target: str
    options: AuditOptions
    threshold: Threshold | None


def plan_audits(targets: list[str], config: AuditConfig | None, options: AuditOptions,
                fail_on: Impact | None) -> list[PlannedAudit]:
    """The config's sites (their own options; ``--fail-on`` where a site has no threshold), then
    the command line's targets (the flags' options)."""
    from access.auditconfig import label_of
    from access.browsing import Threshold

    default = Threshold(impact=fail_on.value, max=0) if fail_on is not None else None
    planned = [PlannedAudit(site.label, site.start,
                            site.options(allow_private=True, screenshots=site.screenshots and options.screenshots),
                            site.threshold or default)
               for site in (config.sites if config else [])]
    names = {p.name for p in planned}
    for target in targets:
        name = safe_filename(label_of(target) if "://" in target else Path(target).stem, "target")
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.add(name)
        planned.append(PlannedAudit(name, target, options.model_copy(deep=True), default))
    return planned


def report_paths(planned: list[PlannedAudit], output: Path | None, ext: str, by_site: bool) -> list[Path | None]:
    """Where each report goes: standard output for a single report without ``-o``; ``-o FILE`` for a
    single target; ``-o DIR`` (one file per report, named by site) for a config file, several
    targets, or a folder that exists."""
    if output is None:
        if len(planned) > 1:
            raise fail("Several targets give several reports: name a folder for them with -o DIR.")
        return [None]
    folder = by_site or len(planned) > 1 or output.is_dir()
    if folder and output.exists() and not output.is_dir():
        raise fail(f"{output} is a file; name a folder for the reports with -o DIR.")
    return [output / f"{safe_filename(p.name, 'report')}.{ext}" for p in planned] if folder else [output]


@app.command(epilog="Examples:\n\n"
                    "  access audit lesson.html --fail-on serious -o report.json\n\n"
                    "  access audit https://example.org/course --max-pages 20 --format sarif > course.sarif\n\n"
                    "  access audit --config access.yml -o reports/   (every site of a config file)\n\n"
                    "  access audit page.html --baseline last-week.json   (only new findings)\n\n"
                    "Exit status: 0 done, 1 error, 2 a threshold (--fail-on, or a site's own) was exceeded.")
def audit(
    targets: Annotated[list[str] | None, typer.Argument(
        metavar="[TARGET]...", click_type=PLAIN_TEXT,
        help="URLs (http/https) or files (html, pdf, docx, pptx, epub, imscc, SCORM zip, mbz, md, zip of html); "
             "several give one report each.")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", metavar="FILE", help=(
        "Audit config file (YAML): sites with sign-in, states, viewports and thresholds."))] = None,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, metavar="N", help="Web: most pages to audit.")]
    = 50,
    max_depth: Annotated[int, typer.Option("--max-depth", min=0, metavar="N",
                                           help="Web: how many links deep to crawl.")] = 3,
    standard: Annotated[Standard, typer.Option("--standard", metavar="STANDARD", help=(
        "Conformance target: wcag2a, wcag2aa, wcag21aa, wcag22aa, wcag22aaa."))]
    = Standard.WCAG22AA,
    format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                        help="json, html, csv, sarif, junit or earl.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="PATH", help=(
        "Write the report here (default: standard output); a folder when there are several reports."))] = None,
    fail_on: Annotated[Impact | None, typer.Option("--fail-on", metavar="IMPACT", help=(
        "Exit 2 when a violation this severe or worse exists: critical, serious, moderate or minor "
        "(a config site's own threshold wins)."))] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", metavar="FILE",
                                                  help="Earlier JSON report: report only new findings.")] = None,
    include: Annotated[list[str] | None, typer.Option("--include", metavar="REGEX",
                                                      help="Web: URL regex a page must match (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", metavar="REGEX",
                                                      help="Web: URL regex that drops a page (repeatable).")] = None,
    audit_documents: Annotated[bool, typer.Option(help="Web: also audit linked PDF/Office files.")] = False,
    axe_only: Annotated[bool, typer.Option(help="Web: run axe-core only, without our own browser checks.")]
    = False,
    best_practice: Annotated[bool, typer.Option(help=(
        "Web: also run axe-core's best-practice rules (not WCAG requirements)."))] = False,
    viewport: Annotated[list[str] | None, typer.Option("--viewport", metavar="WxH", help=(
        "Web: audit at this viewport, WIDTHxHEIGHT (repeat for several, e.g. 1280x1024 and 320x640)."))] = None,
    screenshots: Annotated[Path | None, typer.Option("--screenshots", metavar="DIR", help=(
        "Web: folder for the screenshots of violations (default: the report's folder with -o)."))] = None,
    no_screenshots: Annotated[bool, typer.Option("--no-screenshots", help="Web: no screenshots.")] = False,
    sitemap: Annotated[str | None, typer.Option("--sitemap", metavar="URL", help=(
        "Web: the sitemap to read (.xml or .xml.gz), instead of those robots.txt names."))] = None,
) -> None:
    """Audit web pages/sites and documents (or every site of a config file) and write the reports.

    Exit codes: 0 ok; 1 an error (the other targets are still audited); 2 a threshold was exceeded."""
    from pydantic import ValidationError

    from access import services
    from access.auditconfig import check_threshold, load_config
    from access.config import get_settings
    from access.models import AuditOptions

    settings = get_settings()
    registry = get_registry()
    fmt = format.lower()
    if fmt not in services.report_formats(registry):
        raise fail(f"Unknown report format {format!r} (available: {', '.join(services.report_formats(registry))}).")
    if not targets and config is None:
        raise fail("Name what to audit: URLs or files, or --config FILE.")
    try:
        options = AuditOptions(standard=standard, max_pages=max_pages, max_depth=max_depth, include=include or [],
                               exclude=exclude or [], audit_documents=audit_documents, axe_only=axe_only,
                               best_practice=best_practice,
                               viewports=viewport or [], screenshots=not no_screenshots, sitemap=sitemap,
                               allow_private=True)
        loaded = load_config(config) if config is not None else None
    except ValidationError as exc:
        from access.submission import invalid

        raise fail(invalid(exc).message) from exc
    except AccessError as exc:
        raise fail(f"{exc.message} [{exc.code}]") from exc
    planned = plan_audits(targets or [], loaded, options, fail_on)
    paths = report_paths(planned, output, services.report_extension(fmt, registry), config is not None)
    errors = tripped = 0
    for plan, path in zip(planned, paths, strict=True):
        shots = screenshots or (path.parent if path is not None else None)
        prefix = f"{plan.name}: " if len(planned) > 1 else ""
        try:
            report = _audit_one(plan, shots, settings, registry, named=len(planned) > 1 or config is not None)
            if baseline is not None:
                report = filter_baseline(report, baseline)
            body, _ = services.render_report(report, fmt, registry)
        except AccessError as exc:
            err.print(f"[bold red]error:[/] {escape(f'{prefix}{exc.message} [{exc.code}]')}", highlight=False,
                      soft_wrap=True)
            errors += 1
            continue
        _emit(body, path)
        s = report.summary
        err.print(f"{escape(prefix)}{s.violations} violation(s), {s.needs_review} to review, "
                  f"in {len(report.parts) or 1} part(s).", highlight=False)
        if report.crawl is not None:
            err.print(f"{escape(prefix)}Crawl: {escape(report.crawl.describe())}", highlight=False, soft_wrap=True)
        lost = (report.metadata.get("sign_in") or {}).get("session_lost_pages") or []
        if lost:
            err.print(f"[yellow]warning:[/] {escape(prefix)}the site signed the audit out and it could not sign "
                      f"in again: {len(lost)} page(s) not audited (session_lost), first {escape(lost[0])}",
                      highlight=False, soft_wrap=True)
        if plan.threshold is not None and not (verdict := check_threshold(report, plan.threshold)).passed:
            err.print(f"[bold red]threshold exceeded[/] for {escape(plan.name)}: {escape(verdict.describe())}",
                      highlight=False, soft_wrap=True)
            worst = report.worst_at_or_above(Impact(plan.threshold.impact))
            label = f"--fail-on {fail_on.value}" if fail_on is not None and plan.threshold.impact == fail_on.value \
                and plan.threshold.max == 0 else f"threshold {plan.threshold.impact} (at most {plan.threshold.max})"
            err.print(tripped_message(worst, Impact(plan.threshold.impact), label), highlight=False, soft_wrap=True)
            for f in worst[:SHOWN_FINDINGS]:
                where = " ".join(str(p) for p in (f.location.url or report.target, f.location.selector,
                                                  f.location.state and f"[{f.location.state}]") if p)
                err.print(f"  - {escape(f.rule)} ({f.impact.value if f.impact else '?'}) {escape(where)}",
                          highlight=False, soft_wrap=True)
            if len(worst) > SHOWN_FINDINGS:
                err.print(f"  … and {len(worst) - SHOWN_FINDINGS} more in the report", highlight=False)
            tripped += 1
    if errors:
        raise typer.Exit(1)
    if tripped:
        raise typer.Exit(2)


def tripped_message(tripped: list[Finding], threshold: Impact, label: str, shown: int = 10) -> str:
    """Which findings made a threshold fail: how many, and per rule its impact and count."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in tripped:
        by_rule.setdefault(finding.rule, []).append(finding)
    ranked = sorted(by_rule.items(), key=lambda kv: (-(kv[1][0].impact.rank if kv[1][0].impact else 0),
                                                      -len(kv[1]), kv[0]))
    lines = [f"{label}: {len(tripped)} violation(s) at or above {threshold.value} in {len(by_rule)} rule(s):"]
    for rule, found in ranked[:shown]:
        impact = found[0].impact.value if found[0].impact else "?"
        lines.append(f"  {rule} ({impact}): {len(found)}")
    if len(ranked) > shown:
        lines.append(f"  … and {len(ranked) - shown} more rule(s)")
    return "\n".join(lines)


def _audit_one(plan: PlannedAudit, shots: Path | None, settings: Settings, registry: Any, *,
               named: bool) -> Report:
    from access import services

    with _progress(plan.name if named else "") as update:
        ctx = _context(update, settings)
        ctx.artifacts_dir = shots.expanduser().resolve() if shots is not None else None
        if plan.target.lower().startswith(("http://", "https://")):
            return services.audit_url(plan.target, plan.options, ctx, registry)
        path = Path(plan.target)
        if not path.is_file():
            raise AccessError(f"No such file: {plan.target}")
        source = services.source_file(path, path.name, settings)
        return services.audit_file(source, plan.options, ctx, registry)


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
    validation: Annotated[str, typer.Option("--validation", metavar="MODE", help=(
        "Quality gates: report (default: every output is checked and a failed check is reported), "
        "abort (a failed check stops the conversion and the exit code is 1) or off."))] = "report",
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
        if validation not in ("off", "report", "abort"):
            raise fail("--validation takes off, report or abort.")
        options = ConvertOptions(targets=targets, language=language, voice=voice, rate=rate,
                                 braille_grade=braille_grade, validation=validation)
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
