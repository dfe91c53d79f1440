"""What our browser rules need from a page: a Protocol the web auditor's Selenium session meets,
and the shape of what a read-only probe found there.

Rules stay independent of Selenium (and testable on recorded data); the auditor hands the
collectors the live session. ``script(name)`` loads a JavaScript file that lives beside the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from access.models import Location

JS_DIR = Path(__file__).with_name("js")
T = TypeVar("T")


class BrowserPage(Protocol):
    def run(self, script: str, *args: Any) -> Any:
        """Run JavaScript in the page (``arguments[i]`` are the args) and return its value."""

    def press(self, key: str, times: int) -> None:
        """Press a key ``times`` times with real key events ("tab", "escape")."""

    def set_viewport(self, width: int, height: int) -> None: ...

    def screenshot(self, clip: Mapping[str, float] | None = None) -> bytes:
        """The viewport as rendered now (PNG), or the ``clip`` box of the page (``x, y, width, height``
        in page coordinates, ``scale``)."""

    def reset_viewport(self) -> None: ...


@dataclass(frozen=True)
class Probe(Generic[T]):
    """What one script found on the page at ``url``: a list of items (media, tables) or a dict of
    measurements (reflow, text spacing, reading text), as the script returned it."""

    url: str
    data: T

    def at(self, item: Mapping[str, Any] | None = None) -> Location:
        """Where an item the script found is (its ``selector`` and ``html``), or the page itself."""
        if item is None:
            return Location(url=self.url)
        return Location(url=self.url, selector=item.get("selector"), html=item.get("html"))


@cache
def script(name: str) -> str:
    """The JavaScript of ``js/<name>.js``, prefixed with the shared helpers in ``js/common.js``."""
    common = (JS_DIR / "common.js").read_text(encoding="utf-8")
    return common + "\n" + (JS_DIR / f"{name}.js").read_text(encoding="utf-8")
