"""What our browser rules need from a page: a Protocol the web auditor's Selenium session meets.

Rules stay independent of Selenium (and testable with a small fake); the auditor hands them the
live session. ``script(name)`` loads a JavaScript file that lives beside the rules.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Protocol

JS_DIR = Path(__file__).with_name("js")


class BrowserPage(Protocol):
    def run(self, script: str, *args: Any) -> Any:
        """Run JavaScript in the page (``arguments[i]`` are the args) and return its value."""

    def press(self, key: str, times: int) -> None:
        """Press a key ``times`` times with real key events ("tab", "escape")."""

    def set_viewport(self, width: int, height: int) -> None: ...

    def reset_viewport(self) -> None: ...


@cache
def script(name: str) -> str:
    """The JavaScript of ``js/<name>.js``, prefixed with the shared helpers in ``js/common.js``."""
    common = (JS_DIR / "common.js").read_text(encoding="utf-8")
    return common + "\n" + (JS_DIR / f"{name}.js").read_text(encoding="utf-8")
