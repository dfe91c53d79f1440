"""Report renderers (html, csv, sarif, junit, earl); json is built into access.services."""

from __future__ import annotations

from typing import Any


def plugin(registry: Any) -> None:
    """Registers the report formats that exist (filled in as renderers land)."""
