"""Every built-in capability loads through the same plugin path a third party would use."""

from __future__ import annotations

import pytest

from access.catalogue import documented
from access.registry import DuplicateRegistration, Registry, get_registry, load_registry


def test_every_declared_plugin_loads() -> None:
    registry = load_registry()
    assert registry.failed == {}
    assert {"html", "pdf", "docx", "pptx", "web"} <= set(registry.auditors)
    assert {"html", "epub", "mp3", "daisy", "brf", "easy-read"} <= set(registry.targets)
    assert {"pdf", "docx", "pptx", "html", "text"} <= set(registry.readers)


def test_duplicate_ids_are_refused() -> None:
    registry = Registry()
    entry = documented(id="x-rule", target="html", impact="minor", wcag=[], doc="X")
    registry.add_rules([entry])
    with pytest.raises(DuplicateRegistration):
        registry.add_rules([entry])
    registry.add_report_format("csv", "text/csv", lambda r: b"")
    with pytest.raises(DuplicateRegistration):
        registry.add_report_format("csv", "text/csv", lambda r: b"")


def test_broken_plugin_is_recorded_not_fatal() -> None:
    registry = load_registry(group="access.no-such-group")
    assert registry.loaded == [] and registry.failed == {}
    assert get_registry() is get_registry()
