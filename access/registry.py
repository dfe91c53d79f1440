"""Where the core finds formats, auditors, readers, transforms, writers, gates, report formats,
rules, commands and voices without importing them: typed plugin tables filled from entry points.

Every built-in capability is a plugin, registered exactly as a third-party one would be, one
entry-point group per table; the entry point's name is the key and its object the typed spec::

    [project.entry-points."access.auditors"]
    pdf = "auditors.pdf:AUDITOR"

A table reads the names of its entry points cheaply and imports a plugin's code the first time
that plugin is asked for, so ``access audit page.html`` loads the HTML auditor and its rules and
nothing else (this module itself imports no spec module until a plugin is loaded and checked).
A plugin that fails to load is recorded (``failed``), logged and reported by ``/readyz``; the test
suite requires that none fails.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from access.auditing import Auditor
    from access.catalogue import Rule
    from access.config import PluginSettings
    from access.conversion import GateSpec, ReaderSpec, TransformSpec, WriterSpec
    from access.formats import FormatSpec
    from access.models import Report
    from access.ruleset import RuleSet

log = logging.getLogger(__name__)
T = TypeVar("T")


class DuplicateRegistration(ValueError):
    pass


class PluginLoadFailed(LookupError):
    pass


@dataclass(frozen=True)
class ReportFormat:
    """A report renderer (entry-point group ``access.reports``); ``json`` is built into the core."""

    name: str
    media_type: str
    render: Callable[[Report, Mapping[str, Rule]], bytes]


@dataclass(frozen=True)
class VoiceInfo:
    """One speech voice a conversion can use (``id`` is what ``voice=`` takes)."""

    id: str
    engine: str
    language: str
    name: str
    gender: str = ""
    also: tuple[str, ...] = ()          # other languages the voice speaks

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "engine": self.engine, "language": self.language, "name": self.name,
                "gender": self.gender, "also": list(self.also)}


@dataclass(frozen=True)
class VoiceSource:
    """A speech engine's installed voices (entry-point group ``access.voices``)."""

    engine: str
    voices: Callable[[], list[VoiceInfo]]


@dataclass(frozen=True)
class Command:
    """A command another package adds to the ``access`` CLI (``serve`` from api, ``worker`` from
    workers), so the core names no upper package (entry-point group ``access.commands``)."""

    name: str
    run: Callable[..., Any]              # a function typer turns into a command
    help: str = ""


class PluginTable(Generic[T]):
    """One kind of plugin, by name: entry points read at once, each plugin loaded on first use."""

    def __init__(self, group: str | None, kind: str, what: str) -> None:
        self.group, self.kind_name, self.what = group, kind, what
        self._entry_points: dict[str, EntryPoint] | None = None
        self._loaded: dict[str, T] = {}
        self.failed: dict[str, str] = {}
        self._lock = threading.RLock()

    def _eps(self) -> dict[str, EntryPoint]:
        if self._entry_points is None:
            found: dict[str, EntryPoint] = {}
            for ep in (entry_points(group=self.group) if self.group else ()):
                if ep.name in found and found[ep.name].value != ep.value:
                    raise DuplicateRegistration(f"{self.what} {ep.name!r} is registered twice "
                                                f"({found[ep.name].value} and {ep.value})")
                found[ep.name] = ep
            self._entry_points = found
        return self._entry_points

    def names(self) -> list[str]:
        """Every name in the table, without loading anything."""
        return sorted(set(self._eps()) | set(self._loaded))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._loaded or name in self._eps())

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def add(self, name: str, value: T) -> None:
        """Register a plugin object directly (tests, programmatic use)."""
        with self._lock:
            if name in self._loaded or name in self._eps():
                raise DuplicateRegistration(f"{self.what} {name!r} is registered twice")
            self._check(name, value)
            self._loaded[name] = value

    def get(self, name: str) -> T | None:
        """The plugin, loaded now if it was not yet; None when there is none or it failed to load."""
        with self._lock:
            if name in self._loaded:
                return self._loaded[name]
            ep = self._eps().get(name)
            if ep is None or name in self.failed:
                return None
            try:
                value = ep.load()
                self._check(name, value)
            except Exception as exc:  # a broken plugin must not take the service down with it
                self.failed[name] = f"{type(exc).__name__}: {exc}"
                log.error("%s plugin %s (%s) failed to load: %s", self.what, name, ep.value, exc)
                return None
            self._loaded[name] = value
            return value

    def __getitem__(self, name: str) -> T:
        value = self.get(name)
        if value is None:
            why = self.failed.get(name)
            raise PluginLoadFailed(f"{self.what} {name!r} " + (f"failed to load: {why}" if why else "is not installed"))
        return value

    def load_all(self) -> dict[str, T]:
        """Every plugin of the table (those that load)."""
        return {name: value for name in self.names() if (value := self.get(name)) is not None}

    def loaded(self) -> dict[str, T]:
        """The plugins loaded so far (e.g. to close what they hold when a worker stops)."""
        return dict(self._loaded)

    @property
    def kind(self) -> type[Any]:
        """The spec class this table holds (imported when the first plugin is checked)."""
        module, _, attribute = self.kind_name.partition(":")
        return getattr(importlib.import_module(module), attribute)

    def _check(self, name: str, value: Any) -> None:
        kind = self.kind
        is_class_table = kind.__name__ == "PluginSettings"      # holds settings classes, not instances
        ok = isinstance(value, type) and issubclass(value, kind) if is_class_table else isinstance(value, kind)
        if not ok:
            raise TypeError(f"{self.what} {name!r} is a {type(value).__name__}, not a {kind.__name__}")


class RuleCatalogue(Mapping[str, "Rule"]):
    """Every rule by id, across the rule sets; ``get("pdf-title")`` loads only the ``pdf`` set (a
    rule id starts with its set's target)."""

    def __init__(self, rulesets: PluginTable[RuleSet]) -> None:
        self.rulesets = rulesets

    def _set_of(self, rule_id: str) -> RuleSet | None:
        target = rule_id.split("-", 1)[0]
        return self.rulesets.get(target) if target in self.rulesets else None

    def __getitem__(self, rule_id: str) -> Rule:
        ruleset = self._set_of(rule_id)
        found = ruleset.by_id().get(rule_id) if ruleset is not None else None
        if found is None:
            raise KeyError(rule_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def _all(self) -> dict[str, Rule]:
        everything: dict[str, Rule] = {}
        for ruleset in self.rulesets.load_all().values():
            for r in ruleset.rules():
                if r.id in everything:
                    raise DuplicateRegistration(f"rule {r.id!r} is registered twice")
                everything[r.id] = r
        return everything


TABLES: dict[str, tuple[str, str, str]] = {      # attribute: (entry-point group, spec class, what)
    "formats": ("access.formats", "access.formats:FormatSpec", "input format"),
    "auditors": ("access.auditors", "access.auditing:Auditor", "auditor"),
    "readers": ("access.readers", "access.conversion:ReaderSpec", "reader"),
    "transforms": ("access.transforms", "access.conversion:TransformSpec", "transform"),
    "writers": ("access.writers", "access.conversion:WriterSpec", "writer"),
    "gates": ("access.gates", "access.conversion:GateSpec", "gate"),
    "report_formats": ("access.reports", "access.registry:ReportFormat", "report format"),
    "rulesets": ("access.rules", "access.ruleset:RuleSet", "rule set"),
    "voices": ("access.voices", "access.registry:VoiceSource", "voices"),
    "commands": ("access.commands", "access.registry:Command", "command"),
    "settings": ("access.settings", "access.config:PluginSettings", "settings"),
}


class Registry:
    """Every plugin table. ``Registry()`` reads the installed entry points; ``Registry.empty()``
    has none (tests fill it with ``add``)."""

    formats: PluginTable[FormatSpec]
    auditors: PluginTable[Auditor]
    readers: PluginTable[ReaderSpec]
    transforms: PluginTable[TransformSpec]
    writers: PluginTable[WriterSpec]
    gates: PluginTable[GateSpec]
    report_formats: PluginTable[ReportFormat]
    rulesets: PluginTable[RuleSet]
    voices: PluginTable[VoiceSource]
    commands: PluginTable[Command]
    settings: PluginTable[type[PluginSettings]]

    def __init__(self, *, from_entry_points: bool = True) -> None:
        for attribute, (group, kind, what) in TABLES.items():
            setattr(self, attribute, PluginTable(group if from_entry_points else None, kind, what))

    @property
    def rules(self) -> RuleCatalogue:
        return RuleCatalogue(self.rulesets)

    def tables(self) -> dict[str, PluginTable[Any]]:
        return {name: getattr(self, name) for name in TABLES}

    @property
    def failed(self) -> dict[str, str]:
        """Every plugin that failed to load so far: ``{"auditor pdf": "ImportError: ..."}``."""
        return {f"{t.what} {name}": why for t in self.tables().values() for name, why in t.failed.items()}

    def load_everything(self) -> dict[str, str]:
        """Load every plugin of every table (readiness checks, the test suite); returns ``failed``."""
        for table in self.tables().values():
            table.load_all()
        return self.failed

    @classmethod
    def empty(cls) -> Registry:
        """A registry with no entry points: tests fill it with ``add``."""
        return cls(from_entry_points=False)


@lru_cache
def get_registry() -> Registry:
    return Registry()
