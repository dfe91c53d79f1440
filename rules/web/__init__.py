"""Our own browser rules: the checks axe-core cannot do (keyboard, focus, reflow, text spacing,
media, visual-only table headers, reading level).

Each module holds its rules (``@rule`` with docstring documentation and ``reads="<fact>"``), the
collector that gathers that fact from a loaded page, and the JavaScript it runs (``js/``); test
pages live beside them (``fixtures/<rule id>.yml``). :func:`gather` runs the collectors
(``COLLECTORS``, the one ordered list) on a loaded page in the order that keeps them independent:
keyboard first (it moves focus), then the read-only probes, then the layout changes, each undone
after its measurement. Each collector has its own crash guard, so one that fails costs only the
rules that read its fact. The auditor then runs the rules on the facts with
:func:`access.rulerun.run_rules`, like every other rule family.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from rules.web import content, images, keyboard, layout, media, reading_level, tables
from rules.web.page import BrowserPage

log = logging.getLogger(__name__)

Collector = Callable[[BrowserPage, str], Any]
# fact name (what a rule ``reads``) → the collector that gathers it from the page at a URL, in run order
COLLECTORS: dict[str, Collector] = {
    "keyboard": keyboard.collect,               # real Tab presses: focus moves, so first
    "media": media.collect,                     # read-only probes
    "tables": tables.collect,
    "reading_text": reading_level.collect,
    "content": content.collect,                 # links, text style, markup, form facts
    "images": images.collect,                   # takes pictures of images and reads them (OCR)
    "reflow": layout.collect_reflow,            # layout changes, each undone after its measurement
    "text_spacing": layout.collect_text_spacing,
}
# the browser session itself is gone or hung: the page audit handles these, not one collector
SESSION_LOST = frozenset({"TimeoutException", "InvalidSessionIdException", "NoSuchWindowException"})


@dataclass
class Gathered:
    facts: dict[str, Any] = field(default_factory=dict)       # fact name → what its collector found
    errors: dict[str, str] = field(default_factory=dict)      # collector → why it failed


def gather(page: BrowserPage, url: str, only: Collection[str] | None = None) -> Gathered:
    """Run the collectors (all, or the ``only`` ones) on the page loaded from ``url``."""
    gathered = Gathered()
    for name, collect in COLLECTORS.items():
        if only is not None and name not in only:
            continue
        try:
            gathered.facts[name] = collect(page, url)
        except Exception as exc:          # one collector failing must not lose the others' facts
            if type(exc).__name__ in SESSION_LOST:
                raise
            log.warning("collector %s failed on %s: %s", name, url, exc)
            gathered.errors[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    return gathered
