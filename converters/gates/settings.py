"""Settings of the quality gates: ``ACCESS_ACE_SCRIPT``, ``ACCESS_ACE_TIMEOUT``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from access.config import PluginSettings


class GateSettings(PluginSettings):
    ace_script: Path | None = Field(
        None, description="DAISY Ace's command-line script; default node_modules/@daisy/ace-cli/bin/ace.js "
                          "(installed by scripts/bootstrap.sh).")
    ace_timeout: int = Field(300, ge=10, description="Seconds DAISY Ace may take on one EPUB.")
