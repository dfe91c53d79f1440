"""Our own browser rules: the checks axe-core cannot do (keyboard, focus, reflow, text spacing,
media, visual-only table headers, reading level).

Each module holds its rules (``@rule`` with docstring documentation), the JavaScript that
collects what they need (``js/``), and test pages beside it (``fixtures/<rule id>.yml``: HTML
pages with the outcome each must give, run in the real browser by the shared catalogue test).
:func:`run_own_checks` runs them all on a loaded page in the order that keeps them independent:
keyboard first (it moves focus), then the read-only probes, then the layout changes, which are
undone after each measurement.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from access.catalogue import Rule
from access.models import Finding
from rules.web import keyboard, layout, media, reading_level, tables
from rules.web.page import BrowserPage

log = logging.getLogger(__name__)

WEB_RULES: list[Rule] = [*keyboard.RULES, *layout.RULES, *media.RULES, *tables.RULES, *reading_level.RULES]


@dataclass
class OwnCheckResult:
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _step(result: OwnCheckResult, name: str, fn: Callable[[], list[Finding]]) -> None:
    started = time.perf_counter()
    try:
        result.findings.extend(fn())
    except Exception as exc:          # one probe failing must not lose the others' findings
        if type(exc).__name__ in {"TimeoutException", "InvalidSessionIdException", "NoSuchWindowException"}:
            raise
        log.warning("own check %s failed: %s", name, exc)
        result.errors[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    result.timings[name] = round(time.perf_counter() - started, 4)


def run_own_checks(page: BrowserPage, url: str) -> OwnCheckResult:
    """Run every own rule on the page that is loaded in ``page``."""
    result = OwnCheckResult()

    def keyboard_step() -> list[Finding]:
        kb = keyboard.collect(page, url)
        return [f for r in keyboard.RULES for f in r.check(kb)]  # type: ignore[misc]

    def static_step() -> list[Finding]:
        found: list[Finding] = []
        items = media.collect(page)
        for r in media.RULES:
            found.extend(r.check(items, url))  # type: ignore[misc]
        found.extend(tables.table_headers.check(tables.collect(page), url))  # type: ignore[misc]
        found.extend(reading_level.reading_level.check(reading_level.collect(page), url))  # type: ignore[misc]
        return found

    def reflow_step() -> list[Finding]:
        return list(layout.reflow.check(layout.collect_reflow(page), url))  # type: ignore[misc]

    def spacing_step() -> list[Finding]:
        return list(layout.text_spacing.check(layout.collect_text_spacing(page), url))  # type: ignore[misc]

    _step(result, "keyboard", keyboard_step)
    _step(result, "media_tables_reading", static_step)
    _step(result, "reflow", reflow_step)
    _step(result, "text_spacing", spacing_step)
    return result


def rule_checks() -> dict[str, Any]:
    return {r.id: r for r in WEB_RULES}
