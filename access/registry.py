"""Where the core finds auditors, converters and rules without importing them.

Every built-in capability is a plugin, registered exactly as a third-party one would be: an
entry point in the ``access.plugins`` group names a callable ``plugin(registry)`` that adds what
the package provides. ``get_registry()`` loads them once per process.

    [project.entry-points."access.plugins"]
    html-auditor = "auditors.html:plugin"
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from access.catalogue import Rule

if TYPE_CHECKING:
    from access.config import Settings
    from access.document import Document
    from access.models import ArtifactOut, AuditOptions, ConvertOptions, Report, SourceFile

ENTRY_POINT_GROUP = "access.plugins"
log = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]     # (percent 0-100, stage)


def no_progress(percent: float, stage: str) -> None:
    """The default progress callback: ignore."""


@dataclass
class Context:
    """What a pure audit/convert function receives besides its input."""

    settings: Settings
    progress: ProgressFn = no_progress
    check_cancelled: Callable[[], None] = lambda: None
    extra: dict[str, Any] = field(default_factory=dict)


class Auditor(Protocol):
    def __call__(self, source: SourceFile, options: AuditOptions, ctx: Context) -> Report: ...


class UrlAuditor(Protocol):
    def __call__(self, url: str, options: AuditOptions, ctx: Context) -> Report: ...


class Reader(Protocol):
    def __call__(self, source: SourceFile, options: ConvertOptions, ctx: Context) -> Document: ...


class Writer(Protocol):
    def __call__(self, doc: Document, outdir: Path, options: ConvertOptions,
                 ctx: Context) -> list[ArtifactOut]: ...


class Gate(Protocol):
    """Checks a target's files before they are handed over: {"passed": bool, "checks": [...]}."""

    def __call__(self, artifacts: list[ArtifactOut], options: ConvertOptions,
                 ctx: Context) -> dict[str, Any]: ...


@dataclass
class TargetSpec:
    name: str                       # html, epub, mp3, daisy, brf, easy-read
    writer: Writer
    gate: Gate | None = None
    queue: str = "documents"        # documents | media
    description: str = ""


@dataclass
class AuditorSpec:
    format: str                     # html, pdf, docx, pptx, epub, zip, web
    fn: Any
    queue: str = "documents"        # documents | browser
    description: str = ""
    task: str | None = None         # Celery task name for jobs of this format; None: "access.audit"


class DuplicateRegistration(ValueError):
    pass


@dataclass
class Registry:
    auditors: dict[str, AuditorSpec] = field(default_factory=dict)
    readers: dict[str, Reader] = field(default_factory=dict)
    transforms: dict[str, Callable[..., Document]] = field(default_factory=dict)
    targets: dict[str, TargetSpec] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    report_formats: dict[str, tuple[str, Callable[[Report], bytes]]] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)      # named helpers plugins share
    loaded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)      # entry point -> why it did not load

    @staticmethod
    def _put(table: dict[str, Any], key: str, value: Any, what: str) -> None:
        if key in table:
            raise DuplicateRegistration(f"{what} {key!r} is registered twice")
        table[key] = value

    def add_auditor(self, fmt: str, fn: Any, *, queue: str = "documents", description: str = "",
                    task: str | None = None) -> None:
        self._put(self.auditors, fmt, AuditorSpec(fmt, fn, queue, description, task), "auditor")

    def add_reader(self, fmt: str, fn: Reader) -> None:
        self._put(self.readers, fmt, fn, "reader")

    def add_transform(self, name: str, fn: Callable[..., Document]) -> None:
        self._put(self.transforms, name, fn, "transform")

    def add_target(self, name: str, writer: Writer, *, gate: Gate | None = None, queue: str = "documents",
                   description: str = "") -> None:
        self._put(self.targets, name, TargetSpec(name, writer, gate, queue, description), "target")

    def add_rules(self, rules: list[Rule]) -> None:
        for r in rules:
            self._put(self.rules, r.id, r, "rule")

    def add_report_format(self, name: str, media_type: str, render: Callable[[Report], bytes]) -> None:
        self._put(self.report_formats, name, (media_type, render), "report format")

    def add_extra(self, name: str, value: Any) -> None:
        self._put(self.extras, name, value, "extra")


def load_registry(group: str = ENTRY_POINT_GROUP) -> Registry:
    """Load every plugin. One that fails to load is recorded in ``registry.failed`` and logged;
    ``/readyz`` reports it and the test suite requires that none fails."""
    registry = Registry()
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        try:
            plugin = ep.load()
            plugin(registry)
        except DuplicateRegistration:
            raise
        except Exception as exc:  # a broken plugin must not take the service down with it
            registry.failed[ep.name] = f"{type(exc).__name__}: {exc}"
            log.error("plugin %s failed to load: %s", ep.name, exc)
            continue
        registry.loaded.append(ep.name)
    return registry


@lru_cache
def get_registry() -> Registry:
    return load_registry()
