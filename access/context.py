"""What a step of a job receives besides its input: settings, a progress callback, a cancellation
check, which job and tenant it works for (None when the CLI runs it locally), and the folder where
it may write files its report names (a job's output folder; the CLI's report folder; None: nowhere)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from access.config import PluginSettings, Settings, plugin_settings

ProgressFn = Callable[[float, str], None]     # (percent 0-100, stage)
S = TypeVar("S", bound=PluginSettings)


def no_progress(percent: float, stage: str) -> None:
    """The default progress callback: ignore."""


def never_cancelled() -> None:
    """The default cancellation check: the work is never cancelled."""


@dataclass
class Context:
    settings: Settings
    progress: ProgressFn = no_progress
    check_cancelled: Callable[[], None] = never_cancelled
    job_id: str | None = None
    tenant: str | None = None
    artifacts_dir: Path | None = None      # where a step may write files the report names (screenshots)

    def plugin_settings(self, cls: type[S]) -> S:
        """A plugin's own settings (see :func:`access.config.plugin_settings`)."""
        return plugin_settings(cls, self.settings)

    def scaled(self, start: float, width: float, prefix: str = "") -> Context:
        """The same context reporting its 0-100 % as ``start`` … ``start + width`` of this one's,
        each stage name prefixed (``"writing mp3: "``)."""
        outer = self.progress

        def progress(percent: float, stage: str) -> None:
            outer(start + width * max(0.0, min(percent, 100.0)) / 100.0, prefix + stage)

        return replace(self, progress=progress)
