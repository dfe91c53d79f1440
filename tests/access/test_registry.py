"""Every built-in capability loads through the same plugin path a third party would use: typed
tables filled from entry points, each plugin loaded on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from access.auditing import FileAuditor
from access.catalogue import documented
from access.conversion import DOCUMENT_GATE, ReaderSpec
from access.registry import DuplicateRegistration, PluginLoadFailed, Registry, ReportFormat, get_registry
from access.requirements import WCAG
from access.ruleset import RuleSet


def test_every_declared_plugin_loads() -> None:
    registry = Registry()
    assert registry.load_everything() == {}
    assert {"html", "pdf", "docx", "pptx", "web", "zip"} <= set(registry.auditors.names())
    assert {"html", "epub", "mp3", "daisy", "brf", "easy-read"} <= set(registry.writers.names())
    # a gate per target, and the document-quality gate that checks the text once after reading
    assert set(registry.gates.names()) == {*registry.writers.names(), DOCUMENT_GATE}
    assert {"pdf", "docx", "pptx", "html", "text", "markdown"} <= set(registry.readers.names())
    assert {"serve", "worker"} <= set(registry.commands.names())
    assert get_registry() is get_registry()


def test_names_come_without_loading_and_a_plugin_loads_on_first_use() -> None:
    """Listing a table imports nothing; asking for one plugin imports that plugin only."""
    code = ("import sys; from access.registry import Registry; r = Registry(); "
            "names = r.auditors.names(); assert 'pdf' in names; "
            "assert 'auditors.pdf' not in sys.modules and 'converters.writers.epub' not in sys.modules; "
            "r.auditors['html']; assert 'auditors.html' in sys.modules; "
            "assert 'auditors.pdf' not in sys.modules and 'auditors.web.site' not in sys.modules; "
            "assert 'converters.transforms.easyread.transform' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr


def test_a_rule_lookup_loads_only_its_family() -> None:
    code = ("import sys; from access.registry import Registry; r = Registry(); "
            "assert r.rules['html-img-alt'].target == 'html'; "
            "assert 'rules.pdf.facts' not in sys.modules and 'rules.web.keyboard' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr


def test_duplicates_and_wrong_kinds_are_refused() -> None:
    registry = Registry.empty()
    fmt = ReportFormat("csv", "text/csv", lambda report, rules: b"")
    registry.report_formats.add("csv", fmt)
    with pytest.raises(DuplicateRegistration):
        registry.report_formats.add("csv", fmt)
    with pytest.raises(TypeError):
        registry.readers.add("pdf", fmt)  # type: ignore[arg-type]
    registry.readers.add("pdf", ReaderSpec("pdf", lambda s, o, c: None))  # type: ignore[arg-type,return-value]
    assert registry.readers.names() == ["pdf"]


def test_an_auditor_table_takes_anything_that_implements_the_plan() -> None:
    registry = Registry.empty()
    registry.auditors.add("html", FileAuditor("html", lambda s, o, c: None))  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError):
        registry.auditors.add("pdf", object())  # type: ignore[arg-type]


def test_a_missing_plugin_says_so() -> None:
    registry = Registry.empty()
    assert registry.auditors.get("pdf") is None
    with pytest.raises(PluginLoadFailed, match="not installed"):
        registry.auditors["pdf"]


def test_a_rule_id_is_unique_across_families() -> None:
    registry = Registry.empty()
    entry = documented(id="html-x", target="html", impact="minor", requirements=(WCAG("1.1.1"),),
                       doc="X\n\n**Why it matters**: x\n\n**How to fix**: y")
    registry.rulesets.add("html", RuleSet(target="html", package="x", generated=lambda: [entry]))
    assert registry.rules["html-x"] is entry
    registry.rulesets.add("web", RuleSet(target="html", package="y", generated=lambda: [entry]))
    with pytest.raises(DuplicateRegistration):
        dict(registry.rules)
