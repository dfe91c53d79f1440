"""The web auditor's own settings (``ACCESS_*`` variables, registered in the ``access.settings``
entry-point group); code reads them with ``ctx.plugin_settings(WebSettings)`` or
``plugin_settings(WebSettings, settings)``. The Chromium binary (``ACCESS_CHROMIUM_PATH``) stays a
core setting: other plugins print with it too."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from access.config import PluginSettings


class WebSettings(PluginSettings):
    browser_pool_size: int = Field(1, ge=1, le=16, description="Browser sessions one process audits pages with.")
    chromedriver_path: str = "/usr/bin/chromedriver"
    axe_path: Path | None = Field(None, description="axe.min.js; default node_modules/axe-core/axe.min.js.")
    page_timeout: float = Field(30.0, description="Seconds a web page may take to load.")
    max_document_bytes: int = Field(50 * 1024 * 1024, description="Largest linked document a site audit downloads.")
    web_batch_pages: int = Field(5, ge=1, description="Pages per fanned-out web-audit task (distributed mode).")
    web_fanout: bool = Field(True, description="Distributed mode: web-audit pages fan out as tasks across "
                                               "workers (with the embedded broker a site runs as one task).")
    host_rate: float = Field(2.0, ge=0, description="Most requests per second a site audit sends to one host "
                                                    "(page loads and fetches, across every worker; 0: no limit).")
    max_crawl_delay: float = Field(30.0, ge=0, description="Longest robots.txt Crawl-delay honoured (s); a longer "
                                                           "one is cut to this.")
